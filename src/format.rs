//! Numbers and dates as a creator reads them, per locale: French groups thousands with a narrow
//! no-break space (U+202F) and writes `1,5 k`, `16 nov.`, `4,2 %`; English writes `1,500`,
//! `1.5k`, `Nov 16`, `4.2%`.
//!
//! Pure functions; amounts of money are `domain::invoices::money`'s, built on `fixed`.

use chrono::{Datelike, NaiveDate};

use crate::i18n::Locale;

const FR_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::Fr => ('\u{202f}', ','),
        Locale::En => (',', '.'),
    }
}

/// A fixed-point number with `exponent` decimals, grouped by thousands for the locale.
pub fn fixed(value: i64, exponent: u32, locale: Locale) -> String {
    let (group, decimal) = separators(locale);
    let scale = 10_u64.pow(exponent);
    let abs = value.unsigned_abs();
    let int = (abs / scale).to_string();
    let mut out = String::new();
    if value < 0 {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if exponent > 0 {
        out.push(decimal);
        out.push_str(&format!(
            "{:0width$}",
            abs % scale,
            width = exponent as usize
        ));
    }
    out
}

/// A whole number grouped by thousands: `30 000` / `30,000`.
pub fn number(value: i64, locale: Locale) -> String {
    fixed(value, 0, locale)
}

/// A whole number with a sign: `+1 204`, `-87`, `0`.
pub fn signed(value: i64, locale: Locale) -> String {
    if value > 0 {
        format!("+{}", number(value, locale))
    } else {
        number(value, locale)
    }
}

/// A short number for chart axes and tight places: `950`, `1.2k`, `12k`, `3.4M` (`1,2 k`,
/// `3,4 M` in French).
pub fn compact(value: i64, locale: Locale) -> String {
    const UNITS: [(u128, &str); 3] = [(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B")];
    let abs = u128::from(value.unsigned_abs());
    if abs < 1_000 {
        return number(value, locale);
    }
    let (_, decimal) = separators(locale);
    // The largest unit not above the value; a value that rounds up to 1000 of it (999,999 →
    // "1000k") is written with the next unit instead ("1M").
    let mut unit = UNITS.iter().rposition(|(d, _)| *d <= abs).unwrap_or(0);
    let (mut text, suffix) = loop {
        let (divisor, suffix) = UNITS[unit];
        // One decimal below 10 of the unit, none above; rounded half away from zero, once.
        let tenths = (abs * 10 + divisor / 2) / divisor;
        if tenths < 100 {
            let text = if tenths.is_multiple_of(10) {
                (tenths / 10).to_string()
            } else {
                format!("{}{decimal}{}", tenths / 10, tenths % 10)
            };
            break (text, suffix);
        }
        let whole = (abs + divisor / 2) / divisor;
        if whole >= 1_000 && unit + 1 < UNITS.len() {
            unit += 1;
            continue;
        }
        break (whole.to_string(), suffix);
    };
    if value < 0 {
        text.insert(0, '-');
    }
    match (locale, suffix) {
        (Locale::Fr, "B") => format!("{text}\u{a0}Md"),
        (Locale::Fr, s) => format!("{text}\u{a0}{s}"),
        (Locale::En, s) => format!("{text}{s}"),
    }
}

/// A ratio as a percentage with one decimal: `4.2%` / `4,2 %`.
pub fn percent(ratio: f64, locale: Locale) -> String {
    let tenths = (ratio * 1000.0).round() as i64;
    let text = fixed(tenths, 1, locale);
    match locale {
        Locale::Fr => format!("{text}\u{a0}%"),
        Locale::En => format!("{text}%"),
    }
}

/// A change as a signed percentage: `+12.5%`, `-3,0 %`; `None` when there is no base to compare.
pub fn change(current: i64, previous: i64, locale: Locale) -> Option<String> {
    if previous == 0 {
        return None;
    }
    let ratio = (current - previous) as f64 / previous.unsigned_abs() as f64;
    let text = percent(ratio, locale);
    Some(if ratio > 0.0 {
        format!("+{text}")
    } else {
        text
    })
}

/// A day without its year: `Nov 16` / `16 nov.`.
pub fn short_date(day: NaiveDate, locale: Locale) -> String {
    let month = day.month0() as usize;
    match locale {
        Locale::Fr => format!("{}\u{a0}{}", day.day(), FR_MONTHS[month]),
        Locale::En => format!("{} {}", EN_MONTHS[month], day.day()),
    }
}

/// A day with its year: `Nov 16, 2026` / `16 nov. 2026`.
pub fn long_date(day: NaiveDate, locale: Locale) -> String {
    match locale {
        Locale::Fr => format!("{}\u{a0}{}", short_date(day, locale), day.year()),
        Locale::En => format!("{}, {}", short_date(day, locale), day.year()),
    }
}

/// Minutes as hours and minutes: `3 h 05` / `3h 05m`; under an hour `42 min`.
pub fn minutes(total: i64, locale: Locale) -> String {
    let (h, m) = (total / 60, total % 60);
    match (locale, h) {
        (_, 0) => format!("{m}\u{a0}min"),
        (Locale::Fr, _) => format!("{}\u{a0}h\u{a0}{m:02}", number(h, locale)),
        (Locale::En, _) => format!("{}h {m:02}m", number(h, locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn french_groups_with_narrow_no_break_spaces() {
        assert_eq!(number(30_000, Locale::Fr), "30\u{202f}000");
        assert_eq!(number(1_234_567, Locale::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(number(30_000, Locale::En), "30,000");
        assert_eq!(number(-999, Locale::En), "-999");
        assert_eq!(fixed(123_456, 2, Locale::Fr), "1\u{202f}234,56");
        assert_eq!(signed(1204, Locale::En), "+1,204");
        assert_eq!(signed(-87, Locale::Fr), "-87");
    }

    #[test]
    fn compact_numbers_keep_one_decimal_under_ten_units() {
        assert_eq!(compact(950, Locale::En), "950");
        assert_eq!(compact(1_234, Locale::En), "1.2k");
        assert_eq!(compact(1_000, Locale::En), "1k");
        assert_eq!(compact(12_345, Locale::En), "12k");
        assert_eq!(compact(3_400_000, Locale::Fr), "3,4\u{a0}M");
        assert_eq!(compact(-2_500, Locale::En), "-2.5k");
        // Rounded once: 12.45k is 12k (not 12.5 then 13), 9,960 is 10k.
        assert_eq!(compact(12_450, Locale::En), "12k");
        assert_eq!(compact(9_960, Locale::En), "10k");
        assert_eq!(compact(999_499, Locale::En), "999k");
        // What rounds to a thousand units takes the next unit.
        assert_eq!(compact(999_999, Locale::En), "1M");
        assert_eq!(compact(999_600_000, Locale::Fr), "1\u{a0}Md");
        assert_eq!(compact(i64::MIN, Locale::En), "-9223372037B");
    }

    #[test]
    fn percents_and_changes() {
        assert_eq!(percent(0.042, Locale::En), "4.2%");
        assert_eq!(percent(0.042, Locale::Fr), "4,2\u{a0}%");
        assert_eq!(change(1125, 1000, Locale::En).as_deref(), Some("+12.5%"));
        assert_eq!(
            change(970, 1000, Locale::Fr).as_deref(),
            Some("-3,0\u{a0}%")
        );
        assert_eq!(change(5, 0, Locale::En), None);
    }

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(short_date(day(2026, 11, 16), Locale::Fr), "16\u{a0}nov.");
        assert_eq!(short_date(day(2026, 11, 16), Locale::En), "Nov 16");
        assert_eq!(
            long_date(day(2026, 2, 1), Locale::Fr),
            "1\u{a0}févr.\u{a0}2026"
        );
        assert_eq!(long_date(day(2026, 2, 1), Locale::En), "Feb 1, 2026");
    }

    #[test]
    fn minutes_read_as_hours() {
        assert_eq!(minutes(42, Locale::En), "42\u{a0}min");
        assert_eq!(minutes(185, Locale::Fr), "3\u{a0}h\u{a0}05");
        assert_eq!(minutes(185, Locale::En), "3h 05m");
    }
}
