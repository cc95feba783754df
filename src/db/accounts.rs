//! Accounts (`users`) and the chat identities that point at them.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::{AccountId, Platform};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub plan: String,
    pub locale: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The latest privacy policy version the account accepted (`None`: never).
    pub policy_version: Option<i32>,
}

/// Read with every message (`domain::accounts::resolve`): the policy standing comes with the
/// account, in the same statement.
macro_rules! account_columns {
    () => {
        "id, name, email, plan, locale, created_at,
         (SELECT max(policy_version) FROM consents
          WHERE consents.user_id = users.id AND consents.scope = 'policy') AS policy_version"
    };
}

pub async fn find_by_identity(
    db: impl PgExecutor<'_>,
    platform: Platform,
    external_id: &str,
) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM users
         WHERE id = (SELECT user_id FROM chat_identities WHERE platform = $1 AND external_id = $2)"
    ))
    .bind(platform.as_str())
    .bind(external_id)
    .fetch_optional(db)
    .await
}

/// The account's plan, with its row locked until the transaction ends (`None`: no such account).
pub async fn lock_plan(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT plan FROM users WHERE id = $1 FOR UPDATE")
        .bind(account.0)
        .fetch_optional(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as(concat!(
        "SELECT ",
        account_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(account.0)
    .fetch_optional(db)
    .await
}

pub async fn insert(db: impl PgExecutor<'_>) -> sqlx::Result<AccountRow> {
    sqlx::query_as(concat!(
        "INSERT INTO users DEFAULT VALUES RETURNING ",
        account_columns!()
    ))
    .fetch_one(db)
    .await
}

/// Attaches an identity; returns false when another transaction attached it first.
pub async fn insert_identity(
    db: impl PgExecutor<'_>,
    platform: Platform,
    external_id: &str,
    account: AccountId,
    display_name: Option<&str>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO chat_identities (platform, external_id, user_id, display_name)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(platform.as_str())
    .bind(external_id)
    .bind(account.0)
    .bind(display_name)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_locale(
    db: impl PgExecutor<'_>,
    account: AccountId,
    locale: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET locale = $2, updated_at = now() WHERE id = $1")
        .bind(account.0)
        .bind(locale)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_name(db: impl PgExecutor<'_>, account: AccountId, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET name = $2, updated_at = now() WHERE id = $1")
        .bind(account.0)
        .bind(name)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct IdentityRow {
    pub platform: String,
    pub external_id: String,
    pub display_name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn identities(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<IdentityRow>> {
    sqlx::query_as(
        "SELECT platform, external_id, display_name, created_at FROM chat_identities
         WHERE user_id = $1 ORDER BY created_at, platform",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn delete_identities(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM chat_identities WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn move_identities(
    db: impl PgExecutor<'_>,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE chat_identities SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// How many accounts each plan has (plans without accounts are absent).
pub async fn count_by_plan(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT plan, count(*) FROM users GROUP BY plan")
        .fetch_all(db)
        .await
}
