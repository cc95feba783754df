//! Manual numbers (`/stats add PLATFORM DATE views=N …`): dates, metric names and validation,
//! shared with the CSV import. A manual row never overwrites a metric it does not name.

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use crate::bot::AccountId;
use crate::db;
use crate::db::channels::DayMetrics;
use crate::domain::channels::Provider;

/// Metric names accepted by `/stats add` (and, in English, as CSV columns).
pub const METRICS: [&str; 6] = [
    "views",
    "likes",
    "comments",
    "shares",
    "followers",
    "watch_minutes",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManualError {
    #[error("date not understood")]
    BadDate(String),
    #[error("date in the future")]
    FutureDate(NaiveDate),
    #[error("no metric given")]
    NoMetric,
    #[error("negative number")]
    Negative(String),
}

/// `YYYY-MM-DD`, `today` or `yesterday` (also `aujourd'hui`, `hier`), relative to `today`; never
/// in the future.
pub fn parse_day(text: &str, today: NaiveDate) -> Result<NaiveDate, ManualError> {
    let lower = text.trim().to_lowercase();
    let day = match lower.as_str() {
        "today" | "aujourd'hui" | "aujourdhui" => today,
        "yesterday" | "hier" => today - Duration::days(1),
        _ => NaiveDate::parse_from_str(&lower, "%Y-%m-%d")
            .map_err(|_| ManualError::BadDate(text.to_owned()))?,
    };
    if day > today {
        return Err(ManualError::FutureDate(day));
    }
    Ok(day)
}

/// Sets one metric by its name; false for an unknown name.
pub fn set_metric(m: &mut DayMetrics, name: &str, value: i64) -> Result<bool, ManualError> {
    if value < 0 {
        return Err(ManualError::Negative(name.to_owned()));
    }
    let slot = match name {
        "views" => &mut m.views,
        "likes" => &mut m.likes,
        "comments" => &mut m.comments,
        "shares" => &mut m.shares,
        "followers" => &mut m.followers,
        "watch_minutes" => &mut m.watch_minutes,
        _ => return Ok(false),
    };
    *slot = Some(value);
    Ok(true)
}

/// Stores one manual day in one transaction, then derives follower gains and losses.
pub async fn add(
    pool: &sqlx::PgPool,
    account: AccountId,
    provider: Provider,
    day: NaiveDate,
    metrics: &DayMetrics,
) -> Result<Uuid, anyhow::Error> {
    let mut tx = pool.begin().await?;
    let platform = db::channels::ensure(&mut *tx, account, provider.as_str(), "manual").await?;
    db::channels::upsert_day(&mut *tx, platform, day, metrics, "manual").await?;
    db::channels::derive_follower_changes(&mut *tx, platform, &["manual", "csv"]).await?;
    tx.commit().await?;
    Ok(platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_are_iso_or_relative_and_never_future() {
        let today = d(2026, 3, 10);
        assert_eq!(parse_day("2026-03-01", today), Ok(d(2026, 3, 1)));
        assert_eq!(parse_day("Yesterday", today), Ok(d(2026, 3, 9)));
        assert_eq!(parse_day("hier", today), Ok(d(2026, 3, 9)));
        assert_eq!(parse_day("today", today), Ok(today));
        assert_eq!(
            parse_day("2026-03-11", today),
            Err(ManualError::FutureDate(d(2026, 3, 11)))
        );
        assert!(matches!(
            parse_day("03/01/2026", today),
            Err(ManualError::BadDate(_))
        ));
    }

    #[test]
    fn metrics_refuse_negatives_and_unknown_names() {
        let mut m = DayMetrics::default();
        assert_eq!(set_metric(&mut m, "views", 10), Ok(true));
        assert_eq!(set_metric(&mut m, "dislikes", 1), Ok(false));
        assert_eq!(
            set_metric(&mut m, "likes", -1),
            Err(ManualError::Negative("likes".into()))
        );
        assert_eq!(m.views, Some(10));
        assert_eq!(m.likes, None);
    }
}
