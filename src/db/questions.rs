//! Pending questions: one per account and chat, kept until answered, replaced or expired.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::bot::AccountId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub question: serde_json::Value,
    pub answers: serde_json::Value,
}

pub async fn put(
    db: impl PgExecutor<'_>,
    account: AccountId,
    platform: &str,
    chat_id: &str,
    question: &serde_json::Value,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO pending_questions (user_id, platform, chat_id, question, answers, expires_at)
         VALUES ($1, $2, $3, $4, '[]', $5)
         ON CONFLICT (user_id, platform, chat_id)
         DO UPDATE SET question = excluded.question, answers = '[]', expires_at = excluded.expires_at,
                       created_at = now()",
    )
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .bind(question)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The live question of this chat, locked for the caller's transaction.
pub async fn lock(
    db: impl PgExecutor<'_>,
    account: AccountId,
    platform: &str,
    chat_id: &str,
) -> sqlx::Result<Option<QuestionRow>> {
    sqlx::query_as(
        "SELECT question, answers FROM pending_questions
         WHERE user_id = $1 AND platform = $2 AND chat_id = $3 AND expires_at > now()
         FOR UPDATE",
    )
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .fetch_optional(db)
    .await
}

pub async fn set_answers(
    db: impl PgExecutor<'_>,
    account: AccountId,
    platform: &str,
    chat_id: &str,
    answers: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE pending_questions SET answers = $4 WHERE user_id = $1 AND platform = $2 AND chat_id = $3",
    )
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .bind(answers)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete(
    db: impl PgExecutor<'_>,
    account: AccountId,
    platform: &str,
    chat_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "DELETE FROM pending_questions WHERE user_id = $1 AND platform = $2 AND chat_id = $3",
    )
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete_expired(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM pending_questions WHERE expires_at <= now()")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn count_for(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM pending_questions WHERE user_id = $1")
        .bind(account.0)
        .fetch_one(db)
        .await
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM pending_questions WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(())
}
