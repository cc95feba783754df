//! Explicit consents (`consents`): what a creator accepted, under which policy version, when.

use sqlx::PgExecutor;

use crate::bot::AccountId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Consent {
    pub scope: String,
    pub policy_version: i32,
    pub accepted_at: chrono::DateTime<chrono::Utc>,
}

pub async fn record(
    db: impl PgExecutor<'_>,
    account: AccountId,
    scope: &str,
    policy_version: i32,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO consents (user_id, scope, policy_version) VALUES ($1, $2, $3)")
        .bind(account.0)
        .bind(scope)
        .bind(policy_version)
        .execute(db)
        .await?;
    Ok(())
}

/// The highest policy version under which the account accepted `scope`, if it ever did.
pub async fn latest_version(
    db: impl PgExecutor<'_>,
    account: AccountId,
    scope: &str,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("SELECT max(policy_version) FROM consents WHERE user_id = $1 AND scope = $2")
        .bind(account.0)
        .bind(scope)
        .fetch_one(db)
        .await
}

/// Every consent of the account, oldest first.
pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<Consent>> {
    sqlx::query_as(
        "SELECT scope, policy_version, accepted_at FROM consents WHERE user_id = $1
         ORDER BY accepted_at, id",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM consents WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?
        .rows_affected())
}

/// Linking: the consents of both identities are the creator's.
pub async fn merge(db: impl PgExecutor<'_>, from: AccountId, into: AccountId) -> sqlx::Result<()> {
    sqlx::query("UPDATE consents SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(db)
        .await?;
    Ok(())
}
