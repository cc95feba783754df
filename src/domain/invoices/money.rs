//! Money as integer minor units of an ISO 4217 currency: parsing what creators type
//! (`1500`, `1500.00`, `1 500,50`) and formatting for a locale. Never floats.

use crate::i18n::Locale;

/// Active ISO 4217 codes with their minor-unit exponent (funds, metals and test codes left out).
const CURRENCIES: &str = "AED2 AFN2 ALL2 AMD2 ANG2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BGN2 \
BHD3 BIF0 BMD2 BND2 BOB2 BRL2 BSD2 BTN2 BWP2 BYN2 BZD2 CAD2 CDF2 CHF2 CLP0 CNY2 COP2 CRC2 CUP2 \
CVE2 CZK2 DJF0 DKK2 DOP2 DZD2 EGP2 ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 GNF0 GTQ2 \
GYD2 HKD2 HNL2 HTG2 HUF2 IDR2 ILS2 INR2 IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 KGS2 KHR2 KMF0 KPW2 \
KRW0 KWD3 KYD2 KZT2 LAK2 LBP2 LKR2 LRD2 LSL2 LYD3 MAD2 MDL2 MGA2 MKD2 MMK2 MNT2 MOP2 MRU2 MUR2 \
MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 NZD2 OMR3 PAB2 PEN2 PGK2 PHP2 PKR2 PLN2 PYG0 \
QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 SEK2 SGD2 SHP2 SLE2 SOS2 SRD2 SSP2 STN2 SVC2 SYP2 \
SZL2 THB2 TJS2 TMT2 TND3 TOP2 TRY2 TTD2 TWD2 TZS2 UAH2 UGX0 USD2 UYU2 UZS2 VES2 VND0 VUV0 WST2 \
XAF0 XCD2 XOF0 XPF0 YER2 ZAR2 ZMW2 ZWG2";

/// The largest amount accepted, in major units: above it, a typo is far likelier than a deal.
pub const MAX_MAJOR: i64 = 10_000_000;

/// An ISO 4217 currency we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    code: [u8; 3],
    pub exponent: u32,
}

impl Currency {
    /// `eur`, ` EUR ` → EUR; `None` for anything not in ISO 4217's active list.
    pub fn parse(text: &str) -> Option<Currency> {
        let code = text.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        CURRENCIES.split_whitespace().find_map(|entry| {
            let (c, e) = entry.split_at(3);
            (c == code).then(|| Currency {
                code: [c.as_bytes()[0], c.as_bytes()[1], c.as_bytes()[2]],
                exponent: e.parse().unwrap_or(2),
            })
        })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    pub fn scale(&self) -> i64 {
        10_i64.pow(self.exponent)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a number")]
    NotANumber,
    #[error("zero or negative")]
    NotPositive,
    #[error("more decimals than the currency has")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

/// Parses a positive amount into minor units. Accepts `.` or `,` as the decimal mark and
/// spaces (also no-break) or `_` as thousands separators.
pub fn parse_amount(text: &str, currency: Currency) -> Result<i64, AmountError> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '\''))
        .collect();
    if t.starts_with('-') {
        return Err(AmountError::NotPositive);
    }
    let t = t.strip_prefix('+').unwrap_or(&t);
    let (int, frac) = match t.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) {
        return Err(AmountError::NotANumber);
    }
    if frac.len() > currency.exponent as usize {
        // 1500.50 in JPY, or 10.005 EUR: refuse rather than round silently.
        if frac[currency.exponent as usize..]
            .bytes()
            .any(|b| b != b'0')
        {
            return Err(AmountError::TooPrecise);
        }
    }
    let int = int.trim_start_matches('0');
    if int.len() > 12 {
        return Err(AmountError::TooLarge);
    }
    let major: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| AmountError::NotANumber)?
    };
    if major > MAX_MAJOR {
        return Err(AmountError::TooLarge);
    }
    let mut minor_digits: String = frac.chars().take(currency.exponent as usize).collect();
    while minor_digits.len() < currency.exponent as usize {
        minor_digits.push('0');
    }
    let minor: i64 = if minor_digits.is_empty() {
        0
    } else {
        minor_digits.parse().map_err(|_| AmountError::NotANumber)?
    };
    let total = major * currency.scale() + minor;
    if total <= 0 {
        return Err(AmountError::NotPositive);
    }
    if total > MAX_MAJOR * currency.scale() {
        return Err(AmountError::TooLarge);
    }
    Ok(total)
}

/// `1 500,00 €` (French, narrow no-break space as thousands separator) or `€1,500.00`.
pub fn format_amount(minor: i64, currency: Currency, locale: Locale) -> String {
    let number = crate::format::fixed(minor, currency.exponent, locale);
    let symbol = match currency.code() {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        _ => None,
    };
    match (locale, symbol) {
        (Locale::Fr, Some(s)) => format!("{number}\u{a0}{s}"),
        (Locale::Fr, None) => format!("{number}\u{a0}{}", currency.code()),
        (Locale::En, Some(s)) if minor < 0 => format!("-{s}{}", &number[1..]),
        (Locale::En, Some(s)) => format!("{s}{number}"),
        (Locale::En, None) => format!("{} {number}", currency.code()),
    }
}

/// Formats an amount stored with its currency code; a code we no longer know prints raw.
pub fn format_stored(minor: i64, code: &str, locale: Locale) -> String {
    match Currency::parse(code) {
        Some(c) => format_amount(minor, c, locale),
        None => format!("{minor} {code}"),
    }
}

/// Decimal string for exports and XML: `1500.00`.
pub fn decimal_string(minor: i64, exponent: u32) -> String {
    let scale = 10_u64.pow(exponent);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    if exponent == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = exponent as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn currencies_are_iso_4217() {
        assert_eq!(eur().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().exponent, 0);
        assert_eq!(Currency::parse("KWD").unwrap().exponent, 3);
        for bad in ["EURO", "XYZ", "", "€", "eu"] {
            assert!(Currency::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn amounts_parse_into_minor_units() {
        assert_eq!(parse_amount("1500", eur()), Ok(150_000));
        assert_eq!(parse_amount("1500.5", eur()), Ok(150_050));
        assert_eq!(parse_amount("1 500,05", eur()), Ok(150_005));
        assert_eq!(parse_amount("0.01", eur()), Ok(1));
        assert_eq!(parse_amount("12.340", eur()), Ok(1_234));
        assert_eq!(parse_amount("-5", eur()), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0", eur()), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("0,00", eur()), Err(AmountError::NotPositive));
        assert_eq!(parse_amount("1.005", eur()), Err(AmountError::TooPrecise));
        assert_eq!(
            parse_amount("10000000.01", eur()),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            parse_amount("99999999999999999999", eur()),
            Err(AmountError::TooLarge)
        );
        assert_eq!(parse_amount("1e5", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_amount("abc", eur()), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(".", eur()), Err(AmountError::NotANumber));
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(parse_amount("1500", jpy), Ok(1_500));
        assert_eq!(parse_amount("1500.5", jpy), Err(AmountError::TooPrecise));
    }

    #[test]
    fn amounts_format_for_the_locale() {
        assert_eq!(
            format_amount(150_000, eur(), Locale::Fr),
            "1\u{202f}500,00\u{a0}€"
        );
        assert_eq!(format_amount(150_000, eur(), Locale::En), "€1,500.00");
        assert_eq!(format_amount(-150_050, eur(), Locale::En), "-€1,500.50");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(
            format_amount(123_456_789, chf, Locale::En),
            "CHF 1,234,567.89"
        );
        assert_eq!(decimal_string(150_005, 2), "1500.05");
        assert_eq!(decimal_string(-5, 2), "-0.05");
    }

    proptest! {
        #[test]
        fn formatting_and_parsing_round_trip(minor in 1_i64..=1_000_000_000) {
            let text = crate::format::fixed(minor, 2, Locale::Fr);
            prop_assert_eq!(parse_amount(&text, eur()), Ok(minor));
            prop_assert_eq!(parse_amount(&decimal_string(minor, 2), eur()), Ok(minor));
        }
    }
}
