//! Pending button actions: the server-side half of every button.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::bot::AccountId;

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: impl PgExecutor<'_>,
    id: &str,
    account: AccountId,
    platform: &str,
    chat_id: &str,
    action: &serde_json::Value,
    single_use: bool,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO pending_actions (id, user_id, platform, chat_id, action, single_use, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .bind(action)
    .bind(single_use)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Why a pressed button does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown id, another account's or chat's button, or past its expiry.
    Invalid,
    /// A one-shot action already done.
    AlreadyUsed,
}

/// Takes the action behind a button pressed by `account` in `chat_id`: a one-shot action is
/// marked used in the same statement, so two presses cannot both run it.
pub async fn take(
    db: impl PgExecutor<'_>,
    id: &str,
    account: AccountId,
    platform: &str,
    chat_id: &str,
) -> sqlx::Result<Result<serde_json::Value, Refusal>> {
    let row: Option<(serde_json::Value, bool, bool)> = sqlx::query_as(
        "WITH found AS (
             SELECT id, action, single_use, used_at IS NOT NULL AS was_used
             FROM pending_actions
             WHERE id = $1 AND user_id = $2 AND platform = $3 AND chat_id = $4 AND expires_at > now()
             FOR UPDATE
         ), marked AS (
             UPDATE pending_actions p SET used_at = now()
             FROM found WHERE p.id = found.id AND found.single_use AND NOT found.was_used
         )
         SELECT action, single_use, was_used FROM found",
    )
    .bind(id)
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Err(Refusal::Invalid),
        Some((_, true, true)) => Err(Refusal::AlreadyUsed),
        Some((action, _, _)) => Ok(action),
    })
}

pub async fn delete_expired(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM pending_actions WHERE expires_at <= now()")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Withdraws the account's live buttons of one action kind (e.g. a confirmation once cancelled).
pub async fn revoke(
    db: impl PgExecutor<'_>,
    account: AccountId,
    action: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE pending_actions SET expires_at = now()
         WHERE user_id = $1 AND action->>'action' = $2 AND expires_at > now()",
    )
    .bind(account.0)
    .bind(action)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

pub async fn count_for(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM pending_actions WHERE user_id = $1")
        .bind(account.0)
        .fetch_one(db)
        .await
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM pending_actions WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(())
}
