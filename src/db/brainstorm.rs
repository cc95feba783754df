//! What the idea brainstorm reads and keeps: the creator's top recent content, their niche, the
//! conversation of a chat (`idea_conversations`), and one row per model request (`ai_requests`).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::bot::{AccountId, Destination};

/// A video or post of the last days with its numbers, for grounding ideas.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TopContent {
    pub provider: String,
    pub title: String,
    pub views: i64,
    pub interactions: i64,
    pub duration_seconds: Option<i64>,
    pub published_at: DateTime<Utc>,
}

/// Titled content published in the last `days` days, most viewed first (at most `limit`).
pub async fn top_content(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: Option<&str>,
    days: i32,
    limit: i64,
) -> sqlx::Result<Vec<TopContent>> {
    sqlx::query_as(
        "SELECT p.provider, c.title, c.views,
             COALESCE(c.likes, 0) + COALESCE(c.comments, 0) + COALESCE(c.shares, 0) AS interactions,
             c.duration_seconds, c.published_at
         FROM content c JOIN platforms p ON p.id = c.platform_id
         WHERE p.user_id = $1 AND ($2::text IS NULL OR p.provider = $2)
           AND c.title IS NOT NULL AND c.views IS NOT NULL AND c.published_at IS NOT NULL
           AND c.published_at >= now() - make_interval(days => $3)
         ORDER BY c.views DESC, c.published_at DESC
         LIMIT $4",
    )
    .bind(account.0)
    .bind(provider)
    .bind(days)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn niche(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT niche FROM users WHERE id = $1")
        .bind(account.0)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}

pub async fn set_niche(
    db: impl PgExecutor<'_>,
    account: AccountId,
    niche: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET niche = $2, updated_at = now() WHERE id = $1")
        .bind(account.0)
        .bind(niche)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Conversation {
    pub niche: Option<String>,
    pub target_platform: Option<String>,
    pub turns: serde_json::Value,
    pub summary: Option<String>,
    pub ideas: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

/// The chat's conversation, when it was active within `idle_hours`.
pub async fn conversation(
    db: impl PgExecutor<'_>,
    account: AccountId,
    chat: &Destination,
    idle_hours: i32,
) -> sqlx::Result<Option<Conversation>> {
    sqlx::query_as(
        "SELECT niche, target_platform, turns, summary, ideas, updated_at
         FROM idea_conversations
         WHERE user_id = $1 AND platform = $2 AND chat_id = $3
           AND updated_at > now() - make_interval(hours => $4)",
    )
    .bind(account.0)
    .bind(chat.platform.as_str())
    .bind(&chat.chat_id)
    .bind(idle_hours)
    .fetch_optional(db)
    .await
}

pub async fn save_conversation(
    db: impl PgExecutor<'_>,
    account: AccountId,
    chat: &Destination,
    c: &Conversation,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO idea_conversations
             (user_id, platform, chat_id, niche, target_platform, turns, summary, ideas)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (platform, chat_id, user_id) DO UPDATE SET
             niche = EXCLUDED.niche, target_platform = EXCLUDED.target_platform,
             turns = EXCLUDED.turns, summary = EXCLUDED.summary, ideas = EXCLUDED.ideas,
             updated_at = now()",
    )
    .bind(account.0)
    .bind(chat.platform.as_str())
    .bind(&chat.chat_id)
    .bind(&c.niche)
    .bind(&c.target_platform)
    .bind(&c.turns)
    .bind(&c.summary)
    .bind(&c.ideas)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn end_conversation(
    db: impl PgExecutor<'_>,
    account: AccountId,
    chat: &Destination,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "DELETE FROM idea_conversations WHERE user_id = $1 AND platform = $2 AND chat_id = $3",
    )
    .bind(account.0)
    .bind(chat.platform.as_str())
    .bind(&chat.chat_id)
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

pub struct RequestRecord<'a> {
    pub account: Option<AccountId>,
    pub purpose: &'a str,
    pub model: &'a str,
    pub outcome: &'a str,
    pub prompt_tokens: Option<u32>,
    pub completion_tokens: Option<u32>,
    pub latency_ms: u32,
}

pub async fn record_request(db: impl PgExecutor<'_>, r: &RequestRecord<'_>) -> sqlx::Result<()> {
    let int = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    sqlx::query(
        "INSERT INTO ai_requests (user_id, purpose, model, outcome, prompt_tokens,
             completion_tokens, latency_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.account.map(|a| a.0))
    .bind(r.purpose)
    .bind(r.model)
    .bind(r.outcome)
    .bind(int(r.prompt_tokens))
    .bind(int(r.completion_tokens))
    .bind(i32::try_from(r.latency_ms).unwrap_or(i32::MAX))
    .execute(db)
    .await?;
    Ok(())
}

/// Tokens spent by every account since midnight UTC.
pub async fn tokens_today(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(sum(COALESCE(prompt_tokens, 0) + COALESCE(completion_tokens, 0)), 0)::bigint
         FROM ai_requests WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
    )
    .fetch_one(db)
    .await
}
