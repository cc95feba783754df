//! When a digest is due: a local time in an IANA time zone, once per local date. Pure functions
//! over chrono-tz, so DST switch days are unit-tested rather than hoped for.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

pub const DEFAULT_TIME: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// `9`, `09:00`, `9h`, `9h30`, `21:15`, `7pm`, `7:30am`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let lower = text.trim().to_lowercase();
    let (body, offset) = if let Some(b) = lower.strip_suffix("am") {
        (b.trim(), Some(0))
    } else if let Some(b) = lower.strip_suffix("pm") {
        (b.trim(), Some(12))
    } else {
        (lower.as_str(), None)
    };
    let (h, m) = match body.split_once([':', 'h']) {
        Some((h, "")) => (h, "0"),
        Some((h, m)) => (h, m),
        None => (body, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 {
        return None;
    }
    let (mut hour, minute): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if let Some(offset) = offset {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + offset;
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// An IANA zone name, any case (`europe/paris` → `Europe/Paris`); `UTC` too.
pub fn parse_zone(text: &str) -> Option<Tz> {
    let text = text.trim();
    text.parse::<Tz>().ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(text))
            .copied()
    })
}

/// Whether a word looks like a zone name rather than a time or a keyword.
pub fn looks_like_zone(text: &str) -> bool {
    text.contains('/') || parse_zone(text).is_some()
}

pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// The local date whose digest is due at `now`: today once the local clock has reached
/// `send_at` and today was not served yet. Yesterday's missed digest is never returned: after
/// downtime only today's is sent (late), older ones are dropped.
pub fn due(
    now: DateTime<Utc>,
    tz: Tz,
    send_at: NaiveTime,
    last_served: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let local = now.with_timezone(&tz);
    let today = local.date_naive();
    (local.time() >= send_at && last_served.is_none_or(|d| d < today)).then_some(today)
}

/// The local date a new subscription counts as already served: today when its time has passed
/// (the first digest comes tomorrow; `/digest now` shows one at once).
pub fn served_at_start(now: DateTime<Utc>, tz: Tz, send_at: NaiveTime) -> Option<NaiveDate> {
    let local = now.with_timezone(&tz);
    (local.time() >= send_at).then(|| local.date_naive())
}

/// The instant of the next digest. A local time skipped by a DST switch (02:30 on a spring
/// morning) means the first instant after the gap, as `due` does.
pub fn next_send(
    now: DateTime<Utc>,
    tz: Tz,
    send_at: NaiveTime,
    last_served: Option<NaiveDate>,
) -> DateTime<Utc> {
    let today = local_date(now, tz);
    let mut date = if last_served.is_some_and(|d| d >= today) {
        today + Duration::days(1)
    } else {
        today
    };
    loop {
        let at = at_local(tz, date, send_at);
        if at > now || due(now, tz, send_at, last_served) == Some(date) {
            return at.max(now);
        }
        date += Duration::days(1);
    }
}

fn at_local(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    let mut probe = naive;
    // Walk forward out of a DST gap (at most an hour or two) one minute at a time.
    for _ in 0..=180 {
        if let Some(at) = tz.from_local_datetime(&probe).earliest() {
            return at.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&naive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn times_in_the_ways_people_write_them() {
        assert_eq!(parse_time("9"), Some(t(9, 0)));
        assert_eq!(parse_time("09:00"), Some(t(9, 0)));
        assert_eq!(parse_time("9h30"), Some(t(9, 30)));
        assert_eq!(parse_time("21h"), Some(t(21, 0)));
        assert_eq!(parse_time("7pm"), Some(t(19, 0)));
        assert_eq!(parse_time("12am"), Some(t(0, 0)));
        assert_eq!(parse_time("7:30 am"), Some(t(7, 30)));
        for bad in ["25:00", "9:75", "13pm", "", "noon", "Europe/Paris", "123"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn zones_by_iana_name_in_any_case() {
        assert_eq!(parse_zone("Europe/Paris"), Some(chrono_tz::Europe::Paris));
        assert_eq!(parse_zone("europe/paris"), Some(chrono_tz::Europe::Paris));
        assert_eq!(parse_zone("UTC"), Some(chrono_tz::UTC));
        assert_eq!(parse_zone("Mars/Olympus"), None);
        assert!(looks_like_zone("Mars/Olympus"));
        assert!(!looks_like_zone("09:00"));
    }

    #[test]
    fn paris_nine_o_clock_on_both_dst_switch_days() {
        let paris = chrono_tz::Europe::Paris;
        // 29 March 2026: clocks go 02:00 → 03:00; 09:00 CEST is 07:00 UTC.
        assert_eq!(
            due(
                utc("2026-03-29T06:59:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 3, 28))
            ),
            None
        );
        assert_eq!(
            due(
                utc("2026-03-29T07:00:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 3, 28))
            ),
            Some(d(2026, 3, 29))
        );
        assert_eq!(
            next_send(
                utc("2026-03-28T12:00:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 3, 28))
            ),
            utc("2026-03-29T07:00:00Z")
        );
        // 25 October 2026: clocks go 03:00 → 02:00; 09:00 CET is 08:00 UTC.
        assert_eq!(
            due(
                utc("2026-10-25T07:59:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 10, 24))
            ),
            None
        );
        assert_eq!(
            due(
                utc("2026-10-25T08:00:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 10, 24))
            ),
            Some(d(2026, 10, 25))
        );
        assert_eq!(
            next_send(
                utc("2026-10-24T12:00:00Z"),
                paris,
                t(9, 0),
                Some(d(2026, 10, 24))
            ),
            utc("2026-10-25T08:00:00Z")
        );
    }

    #[test]
    fn a_time_skipped_by_the_spring_switch_fires_after_the_gap() {
        let paris = chrono_tz::Europe::Paris;
        // 02:30 does not exist on 29 March 2026: the digest goes at 03:00 CEST (01:00 UTC).
        assert_eq!(
            next_send(
                utc("2026-03-28T12:00:00Z"),
                paris,
                t(2, 30),
                Some(d(2026, 3, 28))
            ),
            utc("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            due(
                utc("2026-03-29T01:00:00Z"),
                paris,
                t(2, 30),
                Some(d(2026, 3, 28))
            ),
            Some(d(2026, 3, 29))
        );
    }

    #[test]
    fn auckland_is_a_day_ahead_of_utc() {
        let auckland = chrono_tz::Pacific::Auckland;
        // 09:00 NZDT on 25 November 2026 is 20:00 UTC on the 24th.
        assert_eq!(
            due(
                utc("2026-11-24T20:00:00Z"),
                auckland,
                t(9, 0),
                Some(d(2026, 11, 24))
            ),
            Some(d(2026, 11, 25))
        );
        assert_eq!(
            due(
                utc("2026-11-24T19:59:00Z"),
                auckland,
                t(9, 0),
                Some(d(2026, 11, 24))
            ),
            None
        );
        // New Zealand's spring switch, 27 September 2026 (02:00 → 03:00 NZST → NZDT):
        // 09:00 NZDT is 20:00 UTC the day before.
        assert_eq!(
            next_send(
                utc("2026-09-26T00:00:00Z"),
                auckland,
                t(9, 0),
                Some(d(2026, 9, 26))
            ),
            utc("2026-09-26T20:00:00Z")
        );
    }

    #[test]
    fn once_per_local_date_and_only_today_after_downtime() {
        let paris = chrono_tz::Europe::Paris;
        let now = utc("2026-11-25T15:00:00Z");
        assert_eq!(due(now, paris, t(9, 0), Some(d(2026, 11, 25))), None);
        // Down for three days: only today's digest is due, once.
        assert_eq!(
            due(now, paris, t(9, 0), Some(d(2026, 11, 21))),
            Some(d(2026, 11, 25))
        );
        assert_eq!(due(now, paris, t(9, 0), None), Some(d(2026, 11, 25)));
        assert_eq!(served_at_start(now, paris, t(9, 0)), Some(d(2026, 11, 25)));
        assert_eq!(served_at_start(now, paris, t(18, 0)), None);
    }
}
