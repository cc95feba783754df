//! `/stats` periods: `7d`, `28d`, `90d`, `365d` ending today, or `YYYY-MM-DD..YYYY-MM-DD`.

use chrono::{Duration, NaiveDate};

/// Days from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("unknown period {0:?}")]
    Unknown(String),
    #[error("the range ends before it starts")]
    Reversed,
    #[error("the range starts in the future")]
    Future,
    #[error("the range is longer than two years")]
    TooLong,
}

pub const DEFAULT: &str = "28d";
const PRESETS: [i64; 4] = [7, 28, 90, 365];
const MAX_DAYS: i64 = 731;

impl Period {
    /// The `days` days ending with `last`.
    pub fn ending(last: NaiveDate, days: i64) -> Period {
        Period {
            first: last - Duration::days(days - 1),
            last,
        }
    }

    pub fn parse(text: &str, today: NaiveDate) -> Result<Period, PeriodError> {
        let text = text.trim().to_lowercase();
        if let Some(days) = text
            .strip_suffix('d')
            .or_else(|| text.strip_suffix('j'))
            .and_then(|n| n.parse::<i64>().ok())
        {
            return if PRESETS.contains(&days) {
                Ok(Period::ending(today, days))
            } else {
                Err(PeriodError::Unknown(text))
            };
        }
        let Some((a, b)) = text.split_once("..") else {
            return Err(PeriodError::Unknown(text));
        };
        let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
        let (Ok(first), Ok(last)) = (parse(a), parse(b)) else {
            return Err(PeriodError::Unknown(text));
        };
        if last < first {
            return Err(PeriodError::Reversed);
        }
        if first > today {
            return Err(PeriodError::Future);
        }
        let period = Period { first, last };
        if period.days() > MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        Period::ending(self.first - Duration::days(1), self.days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn presets_end_today_and_ranges_are_inclusive() {
        let today = d(2026, 11, 25);
        let p = Period::parse("7d", today).unwrap();
        assert_eq!((p.first, p.last, p.days()), (d(2026, 11, 19), today, 7));
        assert_eq!(Period::parse("28J", today).unwrap().days(), 28);
        let r = Period::parse("2026-10-01..2026-10-31", today).unwrap();
        assert_eq!(r.days(), 31);
        assert_eq!(
            r.previous(),
            Period {
                first: d(2026, 8, 31),
                last: d(2026, 9, 30)
            }
        );
    }

    #[test]
    fn bad_periods_say_why() {
        let today = d(2026, 11, 25);
        assert!(matches!(
            Period::parse("5d", today),
            Err(PeriodError::Unknown(_))
        ));
        assert!(matches!(
            Period::parse("last week", today),
            Err(PeriodError::Unknown(_))
        ));
        assert_eq!(
            Period::parse("2026-10-31..2026-10-01", today),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::parse("2026-12-01..2026-12-31", today),
            Err(PeriodError::Future)
        );
        assert_eq!(
            Period::parse("2020-01-01..2026-01-01", today),
            Err(PeriodError::TooLong)
        );
    }
}
