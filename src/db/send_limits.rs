//! Send limits shared by every instance (migration 0014): `rate_take` takes one slot in each
//! bucket named, or none, and says how long to wait when one is full.

use sqlx::PgExecutor;

/// One limit: at most `limit` sends in any window of `window_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub bucket: String,
    pub limit: i32,
    pub window_ms: i32,
}

/// 0 when a slot was taken in every bucket, else the milliseconds to wait before trying again.
pub async fn take(db: impl PgExecutor<'_>, slots: &[Slot]) -> sqlx::Result<i32> {
    let buckets: Vec<&str> = slots.iter().map(|s| s.bucket.as_str()).collect();
    let limits: Vec<i32> = slots.iter().map(|s| s.limit).collect();
    let windows: Vec<i32> = slots.iter().map(|s| s.window_ms).collect();
    sqlx::query_scalar("SELECT rate_take($1, $2, $3)")
        .bind(&buckets)
        .bind(&limits)
        .bind(&windows)
        .fetch_one(db)
        .await
}

/// Deletes buckets idle for longer than any window (an hour): they hold nothing that limits.
pub async fn delete_idle(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM rate_buckets WHERE updated_at < now() - interval '1 hour'")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
