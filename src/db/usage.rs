//! Usage counters per account, feature and month (`usage_tracking`).

use chrono::NaiveDate;
use sqlx::PgExecutor;

use crate::bot::AccountId;

/// Adds one use unless the count has reached `limit`; one statement, so concurrent callers
/// serialize on the row and never exceed the limit. Returns the new count, or `None` at the limit.
pub async fn reserve(
    db: impl PgExecutor<'_>,
    account: AccountId,
    feature: &str,
    period: (NaiveDate, NaiveDate),
    limit: i64,
) -> sqlx::Result<Option<i64>> {
    if limit <= 0 {
        return Ok(None);
    }
    sqlx::query_scalar(
        "INSERT INTO usage_tracking (user_id, feature, count, period_start, period_end)
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (user_id, feature, period_start)
         DO UPDATE SET count = usage_tracking.count + 1 WHERE usage_tracking.count < $5
         RETURNING count",
    )
    .bind(account.0)
    .bind(feature)
    .bind(period.0)
    .bind(period.1)
    .bind(limit)
    .fetch_optional(db)
    .await
}

/// Gives back one use (the work it paid for failed).
pub async fn release(
    db: impl PgExecutor<'_>,
    account: AccountId,
    feature: &str,
    period_start: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE usage_tracking SET count = count - 1
         WHERE user_id = $1 AND feature = $2 AND period_start = $3 AND count > 0",
    )
    .bind(account.0)
    .bind(feature)
    .bind(period_start)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct UsageRow {
    pub feature: String,
    pub count: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

pub async fn for_period(
    db: impl PgExecutor<'_>,
    account: AccountId,
    period_start: NaiveDate,
) -> sqlx::Result<Vec<UsageRow>> {
    sqlx::query_as(
        "SELECT feature, count, period_start, period_end FROM usage_tracking
         WHERE user_id = $1 AND period_start = $2 ORDER BY feature",
    )
    .bind(account.0)
    .bind(period_start)
    .fetch_all(db)
    .await
}

pub async fn all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<UsageRow>> {
    sqlx::query_as(
        "SELECT feature, count, period_start, period_end FROM usage_tracking
         WHERE user_id = $1 ORDER BY period_start, feature",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM usage_tracking WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Adds the absorbed account's counts to the surviving account's, period by period.
pub async fn merge(db: impl PgExecutor<'_>, from: AccountId, into: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "WITH moved AS (
             DELETE FROM usage_tracking WHERE user_id = $1
             RETURNING feature, count, period_start, period_end
         )
         INSERT INTO usage_tracking (user_id, feature, count, period_start, period_end)
         SELECT $2, feature, count, period_start, period_end FROM moved
         ON CONFLICT (user_id, feature, period_start)
         DO UPDATE SET count = usage_tracking.count + excluded.count",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(db)
    .await?;
    Ok(())
}
