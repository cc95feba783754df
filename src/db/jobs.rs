//! The job queue's queries. States: queued → running → (sending →) done, or back to queued with
//! backoff, or failed; `uncertain` when a send's outcome cannot be known (DESIGN.md).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedRow {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
    /// Seconds from when the job became due (created, or `run_at` when later) to this claim.
    pub waited_secs: f64,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub dedupe_key: &'a str,
    pub payload: &'a serde_json::Value,
    pub user_id: Option<Uuid>,
    pub platform: Option<&'a str>,
    pub run_at: DateTime<Utc>,
}

/// Inserts a job unless one with the same dedupe key exists; returns its id when inserted.
pub async fn enqueue(db: impl PgExecutor<'_>, job: &NewJob<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, dedupe_key, payload, user_id, platform, run_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(job.kind)
    .bind(job.dedupe_key)
    .bind(job.payload)
    .bind(job.user_id)
    .bind(job.platform)
    .bind(job.run_at)
    .fetch_optional(db)
    .await
}

/// Claims the oldest due job this worker can run; other workers skip the locked row.
pub async fn claim(
    db: impl PgExecutor<'_>,
    worker: &str,
    platforms: &[String],
    lease_secs: f64,
) -> sqlx::Result<Option<ClaimedRow>> {
    sqlx::query_as(
        "UPDATE jobs SET status = 'running', claimed_by = $1,
                         lease_until = now() + make_interval(secs => $2),
                         attempts = attempts + 1, updated_at = now()
         WHERE id = (
             SELECT id FROM jobs
             WHERE status = 'queued' AND run_at <= now()
               AND (platform IS NULL OR platform = ANY($3))
             ORDER BY run_at, id
             FOR UPDATE SKIP LOCKED
             LIMIT 1
         )
         RETURNING id, kind, payload, attempts, max_attempts,
                   EXTRACT(EPOCH FROM now() - GREATEST(run_at, created_at))::float8 AS waited_secs",
    )
    .bind(worker)
    .bind(lease_secs)
    .bind(platforms)
    .fetch_optional(db)
    .await
}

/// Moves a claimed job from `from` to `to`, only while this worker still owns it.
async fn transition(
    db: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    from: &[&str],
    set: &'static str,
    error: Option<&str>,
) -> sqlx::Result<bool> {
    // `set` is one of this module's constant assignments, never input.
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET {set}, last_error = COALESCE($3, last_error), updated_at = now()
         WHERE id = $1 AND claimed_by = $2 AND status = ANY($4)"
    )))
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(from)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Committed before a platform call: from here on, a crash makes the job `uncertain`.
pub async fn mark_sending(db: impl PgExecutor<'_>, id: i64, worker: &str) -> sqlx::Result<bool> {
    transition(db, id, worker, &["running"], "status = 'sending'", None).await
}

pub async fn complete(db: impl PgExecutor<'_>, id: i64, worker: &str) -> sqlx::Result<bool> {
    transition(
        db,
        id,
        worker,
        &["running", "sending"],
        "status = 'done', finished_at = now(), lease_until = NULL",
        None,
    )
    .await
}

/// Refused or failed: back in the queue after `delay_secs`, or `failed` after the last attempt.
pub async fn retry(
    db: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    error: &str,
    delay_secs: f64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET
             status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
             finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
             run_at = now() + make_interval(secs => $4),
             claimed_by = NULL, lease_until = NULL, last_error = $3, updated_at = now()
         WHERE id = $1 AND claimed_by = $2 AND status IN ('running', 'sending')",
    )
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(delay_secs)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn fail(
    db: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    error: &str,
) -> sqlx::Result<bool> {
    transition(
        db,
        id,
        worker,
        &["running", "sending"],
        "status = 'failed', finished_at = now(), lease_until = NULL",
        Some(error),
    )
    .await
}

/// The request may or may not have arrived: never resent automatically.
pub async fn mark_uncertain(
    db: impl PgExecutor<'_>,
    id: i64,
    worker: &str,
    error: &str,
) -> sqlx::Result<bool> {
    transition(
        db,
        id,
        worker,
        &["sending"],
        "status = 'uncertain', finished_at = now(), lease_until = NULL",
        Some(error),
    )
    .await
}

/// Gives back a job claimed but not started (shutdown): it does not count as an attempt.
pub async fn release(db: impl PgExecutor<'_>, id: i64, worker: &str) -> sqlx::Result<bool> {
    transition(
        db,
        id,
        worker,
        &["running"],
        "status = 'queued', claimed_by = NULL, lease_until = NULL, attempts = attempts - 1",
        None,
    )
    .await
}

/// Jobs whose owner vanished (lease expired): a `running` one had not reached the platform and is
/// retried; a `sending` one may have, so it becomes `uncertain`. Returns (retried, uncertain).
pub async fn reap_expired(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "WITH reaped AS (
             UPDATE jobs SET
                 status = CASE WHEN status = 'sending' THEN 'uncertain' ELSE 'queued' END,
                 finished_at = CASE WHEN status = 'sending' THEN now() END,
                 last_error = CASE WHEN status = 'sending'
                     THEN 'lease expired while sending (owner ' || claimed_by || ' stopped)'
                     ELSE 'lease expired before sending (owner ' || claimed_by || ' stopped)' END,
                 claimed_by = NULL, lease_until = NULL, updated_at = now()
             WHERE status IN ('running', 'sending') AND lease_until < now()
             RETURNING status
         )
         SELECT count(*) FILTER (WHERE status = 'queued'),
                count(*) FILTER (WHERE status = 'uncertain')
         FROM reaped",
    )
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProblemRow {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Failed and uncertain jobs, newest first.
pub async fn problems(
    db: impl PgExecutor<'_>,
    status: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<ProblemRow>> {
    sqlx::query_as(
        "SELECT id, kind, status, attempts, last_error, updated_at FROM jobs
         WHERE status IN ('failed', 'uncertain') AND ($1::text IS NULL OR status = $1)
         ORDER BY updated_at DESC, id DESC LIMIT $2",
    )
    .bind(status)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// (queued and due, uncertain) for the metrics.
pub async fn gauges(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'queued' AND run_at <= now()),
                count(*) FILTER (WHERE status = 'uncertain')
         FROM jobs",
    )
    .fetch_one(db)
    .await
}

/// Finished jobs are kept a while for `/ops jobs` and debugging, then deleted.
pub async fn delete_finished_before(
    db: impl PgExecutor<'_>,
    before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE status = 'done' AND finished_at < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_for_user(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM jobs WHERE user_id = $1")
        .bind(user)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn move_for_user(db: impl PgExecutor<'_>, from: Uuid, into: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE jobs SET user_id = $2 WHERE user_id = $1")
        .bind(from)
        .bind(into)
        .execute(db)
        .await?;
    Ok(())
}

/// (kind, status, run_at) of an account's jobs, for its export.
pub async fn list_for_user(
    db: impl PgExecutor<'_>,
    user: Uuid,
) -> sqlx::Result<Vec<(String, String, DateTime<Utc>)>> {
    sqlx::query_as("SELECT kind, status, run_at FROM jobs WHERE user_id = $1 ORDER BY run_at")
        .bind(user)
        .fetch_all(db)
        .await
}
