//! Saved video ideas (`ai_ideas`, numbered per account: `/idea show 3`), the published video an
//! idea became, and the privacy side of the other tables of migration 0007 (brainstorm
//! conversations, model requests, the remembered niche).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Idea {
    pub id: Uuid,
    pub number: i64,
    /// `youtube`, `tiktok`, `instagram`; `None`: any.
    pub platform: Option<String>,
    pub niche: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub hook: Option<String>,
    pub duration_seconds: Option<i32>,
    /// `saved`, `in_progress`, `published`.
    pub status: String,
    /// `ai` or `data`.
    pub origin: String,
    pub expansion: Option<Value>,
    pub content_platform_id: Option<Uuid>,
    pub content_external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, number, platform, niche, title, description, hook, duration_seconds, \
     status, origin, expansion, content_platform_id, content_external_id, created_at, updated_at";

/// The columns a new idea is written with (checked by `domain::ideas`).
#[derive(Debug, Clone, Copy)]
pub struct IdeaFields<'a> {
    pub platform: Option<&'a str>,
    pub niche: Option<&'a str>,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub hook: Option<&'a str>,
    pub duration_seconds: Option<i32>,
    pub origin: &'a str,
    pub expansion: Option<&'a Value>,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    f: &IdeaFields<'_>,
) -> sqlx::Result<Idea> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO ai_ideas (user_id, number, platform, niche, title, description, hook,
             duration_seconds, origin, expansion)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING {COLUMNS}"
    )))
    .bind(account.0)
    .bind(number)
    .bind(f.platform)
    .bind(f.niche)
    .bind(f.title)
    .bind(f.description)
    .bind(f.hook)
    .bind(f.duration_seconds)
    .bind(f.origin)
    .bind(f.expansion)
    .fetch_one(db)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
) -> sqlx::Result<Option<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ai_ideas WHERE user_id = $1 AND number = $2"
    )))
    .bind(account.0)
    .bind(number)
    .fetch_optional(db)
    .await
}

pub async fn get_by_id(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
) -> sqlx::Result<Option<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ai_ideas WHERE user_id = $1 AND id = $2"
    )))
    .bind(account.0)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Newest first, optionally of one status.
pub async fn list(
    db: impl PgExecutor<'_>,
    account: AccountId,
    status: Option<&str>,
) -> sqlx::Result<Vec<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ai_ideas WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY number DESC"
    )))
    .bind(account.0)
    .bind(status)
    .fetch_all(db)
    .await
}

pub async fn set_status(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    status: &str,
) -> sqlx::Result<Option<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE ai_ideas SET status = $3, updated_at = now() WHERE user_id = $1 AND number = $2
         RETURNING {COLUMNS}"
    )))
    .bind(account.0)
    .bind(number)
    .bind(status)
    .fetch_optional(db)
    .await
}

/// Replaces the three texts a creator edits.
pub async fn set_texts(
    db: impl PgExecutor<'_>,
    account: AccountId,
    number: i64,
    title: &str,
    hook: Option<&str>,
    description: Option<&str>,
) -> sqlx::Result<Option<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE ai_ideas SET title = $3, hook = $4, description = $5, updated_at = now()
         WHERE user_id = $1 AND number = $2
         RETURNING {COLUMNS}"
    )))
    .bind(account.0)
    .bind(number)
    .bind(title)
    .bind(hook)
    .bind(description)
    .fetch_optional(db)
    .await
}

pub async fn set_expansion(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
    expansion: &Value,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE ai_ideas SET expansion = $3, updated_at = now() WHERE user_id = $1 AND id = $2",
    )
    .bind(account.0)
    .bind(id)
    .bind(expansion)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Deletes one idea; its number, if it existed. The counter in `object_numbers` is untouched, so
/// the number is never handed out again.
pub async fn delete(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("DELETE FROM ai_ideas WHERE user_id = $1 AND id = $2 RETURNING number")
        .bind(account.0)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A video or post of the creator's synced content.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Video {
    pub platform_id: Uuid,
    pub external_id: String,
    pub provider: String,
    pub title: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
}

const VIDEO_COLUMNS: &str = "c.platform_id, c.external_id, p.provider, c.title, c.published_at, \
     c.views, c.likes, c.comments";

/// The creator's content published after `after` that no other idea of theirs is linked to:
/// the candidates for "is this the video this idea became?".
pub async fn unlinked_videos_since(
    db: impl PgExecutor<'_>,
    account: AccountId,
    after: DateTime<Utc>,
) -> sqlx::Result<Vec<Video>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {VIDEO_COLUMNS} FROM content c JOIN platforms p ON p.id = c.platform_id
         WHERE p.user_id = $1 AND c.published_at > $2 AND c.title IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM ai_ideas a
                           WHERE a.user_id = $1 AND a.content_platform_id = c.platform_id
                             AND a.content_external_id = c.external_id)
         ORDER BY c.published_at, c.external_id"
    )))
    .bind(account.0)
    .bind(after)
    .fetch_all(db)
    .await
}

/// The video an idea is linked to, with its latest lifetime numbers.
pub async fn linked_video(
    db: impl PgExecutor<'_>,
    account: AccountId,
    idea: Uuid,
) -> sqlx::Result<Option<Video>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {VIDEO_COLUMNS} FROM ai_ideas a
         JOIN content c ON c.platform_id = a.content_platform_id
                       AND c.external_id = a.content_external_id
         JOIN platforms p ON p.id = c.platform_id AND p.user_id = a.user_id
         WHERE a.user_id = $1 AND a.id = $2"
    )))
    .bind(account.0)
    .bind(idea)
    .fetch_optional(db)
    .await
}

/// Links an idea to one of the account's own videos (and marks it published). `None` when the
/// idea or the video is gone, or the video is not this account's.
pub async fn link_video(
    db: impl PgExecutor<'_>,
    account: AccountId,
    idea: Uuid,
    platform_id: Uuid,
    external_id: &str,
) -> sqlx::Result<Option<Idea>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE ai_ideas SET content_platform_id = $3, content_external_id = $4,
             status = 'published', updated_at = now()
         WHERE user_id = $1 AND id = $2
           AND EXISTS (SELECT 1 FROM content c JOIN platforms p ON p.id = c.platform_id
                       WHERE p.user_id = $1 AND c.platform_id = $3 AND c.external_id = $4)
         RETURNING {COLUMNS}"
    )))
    .bind(account.0)
    .bind(idea)
    .bind(platform_id)
    .bind(external_id)
    .fetch_optional(db)
    .await
}

// ---- Privacy: export, erase, merge of every table of 0007. ----

/// The niche remembered for brainstorms (`users.niche`).
pub async fn niche(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<String>> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT niche FROM users WHERE id = $1")
            .bind(account.0)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

/// Every idea with the external id of its video, oldest first.
pub async fn export_rows(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<(Idea, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        idea: Idea,
        provider: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.number, a.platform, a.niche, a.title, a.description, a.hook,
             a.duration_seconds, a.status, a.origin, a.expansion, a.content_platform_id,
             a.content_external_id, a.created_at, a.updated_at, p.provider
         FROM ai_ideas a LEFT JOIN platforms p ON p.id = a.content_platform_id
         WHERE a.user_id = $1 ORDER BY a.number",
    )
    .bind(account.0)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.idea, r.provider)).collect())
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Conversation {
    pub platform: String,
    pub chat_id: String,
    pub niche: Option<String>,
    pub target_platform: Option<String>,
    pub turns: Value,
    pub summary: Option<String>,
    pub ideas: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn conversations(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<Conversation>> {
    sqlx::query_as(
        "SELECT platform, chat_id, niche, target_platform, turns, summary, ideas, created_at,
             updated_at
         FROM idea_conversations WHERE user_id = $1 ORDER BY created_at, platform, chat_id",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

/// Model requests of one account, summed per purpose and model.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestTotals {
    pub purpose: String,
    pub model: String,
    pub requests: i64,
    pub prompt: i64,
    pub completion: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

pub async fn request_totals(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<RequestTotals>> {
    sqlx::query_as(
        "SELECT purpose, model, count(*) AS requests,
             COALESCE(sum(prompt_tokens), 0)::bigint AS prompt,
             COALESCE(sum(completion_tokens), 0)::bigint AS completion,
             min(created_at) AS first_at, max(created_at) AS last_at
         FROM ai_requests WHERE user_id = $1 GROUP BY purpose, model ORDER BY purpose, model",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

/// What `/forget` removed: ideas and conversations deleted, requests detached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasedCounts {
    pub ideas: u64,
    pub conversations: u64,
}

/// Deletes the ideas and conversations; model requests lose their account (they carry no content,
/// and the day's token total the operator's budget reads must not drop).
pub async fn erase(db: &mut sqlx::PgConnection, account: AccountId) -> sqlx::Result<ErasedCounts> {
    let ideas = sqlx::query("DELETE FROM ai_ideas WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?
        .rows_affected();
    let conversations = sqlx::query("DELETE FROM idea_conversations WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?
        .rows_affected();
    sqlx::query("UPDATE ai_requests SET user_id = NULL WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?;
    sqlx::query("UPDATE users SET niche = NULL WHERE id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?;
    Ok(ErasedCounts {
        ideas,
        conversations,
    })
}

/// Linking: `from`'s ideas, conversations, requests and niche move onto `into`.
///
/// Must run before the channels' merge: an idea linked to a video of a connection that the
/// survivor also has (same provider) is pointed at the survivor's copy of that video, which the
/// channels' merge creates right after (the foreign key is checked at commit).
///
/// Numbers: as `numbers::move_numbered` says (and `db::numbers::merge` carries `from`'s counter
/// over).
pub async fn merge(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<Vec<super::numbers::Moved>> {
    sqlx::query("SET CONSTRAINTS ai_ideas_content_fkey DEFERRED")
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE ai_ideas a SET content_platform_id = i.id
         FROM platforms f JOIN platforms i ON i.provider = f.provider AND i.user_id = $2
         WHERE a.user_id = $1 AND f.user_id = $1 AND a.content_platform_id = f.id",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(&mut *db)
    .await?;
    let moved =
        super::numbers::move_numbered(&mut *db, "ai_ideas", "idea", "title", from, into).await?;
    // One conversation per chat: the survivor's own wins.
    super::merge_per_chat(&mut *db, "idea_conversations", from, into).await?;
    sqlx::query("UPDATE ai_requests SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "UPDATE users SET niche = COALESCE(users.niche, f.niche)
         FROM users f WHERE users.id = $2 AND f.id = $1",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(&mut *db)
    .await?;
    Ok(moved)
}
