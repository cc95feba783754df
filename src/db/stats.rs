//! Read-only queries behind `/stats` and the digest: daily numbers per provider over a range,
//! content published in a range, and per-video snapshots compared at equal age.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

/// One provider's numbers on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DailyRow {
    pub provider: String,
    pub day: NaiveDate,
    pub views: Option<i64>,
    pub watch_minutes: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub subscribers_gained: Option<i64>,
    pub subscribers_lost: Option<i64>,
    pub followers: Option<i64>,
}

/// Every provider's daily rows of the account between two days (inclusive); `provider` narrows
/// to one. Ordered by provider, then day.
pub async fn daily(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: Option<&str>,
    first: NaiveDate,
    last: NaiveDate,
) -> sqlx::Result<Vec<DailyRow>> {
    sqlx::query_as(
        "SELECT p.provider, a.day, a.views, a.watch_minutes, a.likes, a.comments, a.shares,
             a.subscribers_gained, a.subscribers_lost, a.followers
         FROM analytics a JOIN platforms p ON p.id = a.platform_id
         WHERE p.user_id = $1 AND ($2::text IS NULL OR p.provider = $2)
           AND a.day BETWEEN $3 AND $4
         ORDER BY p.provider, a.day",
    )
    .bind(account.0)
    .bind(provider)
    .bind(first)
    .bind(last)
    .fetch_all(db)
    .await
}

/// The newest day with numbers, not after `until`.
pub async fn latest_day(
    db: impl PgExecutor<'_>,
    account: AccountId,
    until: NaiveDate,
) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar(
        "SELECT max(a.day) FROM analytics a JOIN platforms p ON p.id = a.platform_id
         WHERE p.user_id = $1 AND a.day <= $2",
    )
    .bind(account.0)
    .bind(until)
    .fetch_one(db)
    .await
}

/// A video or post with its lifetime numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ContentStat {
    pub provider: String,
    pub external_id: String,
    pub title: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
}

/// Content published between two days (inclusive), most viewed first.
pub async fn published_between(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: Option<&str>,
    first: NaiveDate,
    last: NaiveDate,
) -> sqlx::Result<Vec<ContentStat>> {
    sqlx::query_as(
        "SELECT p.provider, c.external_id, c.title, c.published_at, c.views, c.likes,
             c.comments, c.shares
         FROM content c JOIN platforms p ON p.id = c.platform_id
         WHERE p.user_id = $1 AND ($2::text IS NULL OR p.provider = $2)
           AND c.published_at >= $3::date AND c.published_at < $4::date + 1
         ORDER BY c.views DESC NULLS LAST, c.published_at DESC",
    )
    .bind(account.0)
    .bind(provider)
    .bind(first)
    .bind(last)
    .fetch_all(db)
    .await
}

/// One content item seen on a day: its views then and the day before, and the median views of
/// the same provider's other items when they were the same age (days since publication).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SnapshotStat {
    pub provider: String,
    pub platform_id: Uuid,
    pub external_id: String,
    pub title: Option<String>,
    pub age_days: i32,
    pub views: Option<i64>,
    pub views_before: Option<i64>,
    pub peer_median: Option<f64>,
    pub peers: i64,
}

/// The account's content items with a snapshot on `day`.
pub async fn snapshots_on(
    db: impl PgExecutor<'_>,
    account: AccountId,
    day: NaiveDate,
) -> sqlx::Result<Vec<SnapshotStat>> {
    sqlx::query_as(
        "WITH items AS (
             SELECT p.provider, c.platform_id, c.external_id, c.title,
                 (c.published_at AT TIME ZONE 'UTC')::date AS published
             FROM content c JOIN platforms p ON p.id = c.platform_id
             WHERE p.user_id = $1 AND c.published_at IS NOT NULL
         ), seen AS (
             SELECT i.*, $2::date - i.published AS age_days, s.views,
                 (SELECT b.views FROM content_snapshots b
                  WHERE b.platform_id = i.platform_id AND b.external_id = i.external_id
                    AND b.day = $2::date - 1) AS views_before
             FROM items i JOIN content_snapshots s
               ON s.platform_id = i.platform_id AND s.external_id = i.external_id AND s.day = $2
         )
         SELECT seen.provider, seen.platform_id, seen.external_id, seen.title, seen.age_days,
             seen.views, seen.views_before, peer.median AS peer_median, peer.n AS peers
         FROM seen CROSS JOIN LATERAL (
             SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o.views) AS median,
                 count(o.views) AS n
             FROM items oi JOIN content_snapshots o
               ON o.platform_id = oi.platform_id AND o.external_id = oi.external_id
              AND o.day = oi.published + seen.age_days
             WHERE oi.platform_id = seen.platform_id AND oi.external_id <> seen.external_id
         ) peer
         ORDER BY seen.views DESC NULLS LAST",
    )
    .bind(account.0)
    .bind(day)
    .fetch_all(db)
    .await
}
