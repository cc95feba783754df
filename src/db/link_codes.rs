//! One-time account linking codes (`/link`): issued on one platform, redeemed on another.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::bot::AccountId;

/// Replaces any earlier code of the account (one live code per account).
pub async fn issue(
    db: &mut sqlx::PgConnection,
    account: AccountId,
    platform: &str,
    code: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM link_codes WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?;
    sqlx::query(
        "INSERT INTO link_codes (code, user_id, platform, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(code)
    .bind(account.0)
    .bind(platform)
    .bind(expires_at)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Consumes a live code: returns its issuing account, or `None` when unknown or expired.
/// Single use: the row is gone afterwards, whatever the caller then decides.
pub async fn redeem(db: impl PgExecutor<'_>, code: &str) -> sqlx::Result<Option<AccountId>> {
    let row: Option<(uuid::Uuid,)> = sqlx::query_as(
        "DELETE FROM link_codes WHERE code = $1 AND expires_at > now() RETURNING user_id",
    )
    .bind(code)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id,)| AccountId(id)))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkCodeRow {
    pub platform: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The account's live codes (the code itself is a secret and never exported).
pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<LinkCodeRow>> {
    sqlx::query_as(
        "SELECT platform, expires_at, created_at FROM link_codes WHERE user_id = $1
         ORDER BY created_at",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM link_codes WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM link_codes WHERE expires_at <= now()")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Locks both accounts for a link and returns their plans, `(from, into)`.
pub async fn lock_plans(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<Option<(String, String)>> {
    let rows: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT id, plan FROM users WHERE id IN ($1, $2) ORDER BY id FOR UPDATE")
            .bind(from.0)
            .bind(into.0)
            .fetch_all(&mut *db)
            .await?;
    let plan = |id: AccountId| rows.iter().find(|r| r.0 == id.0).map(|r| r.1.clone());
    Ok(plan(from).zip(plan(into)))
}

/// The surviving account takes the other's paid plan (and its Stripe references) when it has
/// none of its own; the link rules refuse two paid plans before this runs.
pub async fn carry_plan(
    db: impl PgExecutor<'_>,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users AS survivor
         SET plan = other.plan,
             stripe_customer_id = COALESCE(survivor.stripe_customer_id, other.stripe_customer_id),
             stripe_subscription_id = other.stripe_subscription_id,
             plan_source = other.plan_source,
             subscription_status = other.subscription_status,
             plan_renews_at = other.plan_renews_at,
             plan_cancels_at_period_end = other.plan_cancels_at_period_end,
             payment_failed_at = other.payment_failed_at,
             billing_platform = COALESCE(other.billing_platform, survivor.billing_platform),
             billing_chat_id = CASE WHEN other.billing_platform IS NULL
                                    THEN survivor.billing_chat_id ELSE other.billing_chat_id END,
             billing_locale = COALESCE(other.billing_locale, survivor.billing_locale),
             updated_at = now()
         FROM users AS other
         WHERE survivor.id = $2 AND other.id = $1
           AND survivor.plan = 'free' AND other.plan <> 'free'",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether both accounts have issued invoices (their number series cannot become one).
pub async fn both_invoiced(
    db: impl PgExecutor<'_>,
    a: AccountId,
    b: AccountId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM invoices WHERE user_id = $1)
            AND EXISTS (SELECT 1 FROM invoices WHERE user_id = $2)",
    )
    .bind(a.0)
    .bind(b.0)
    .fetch_one(db)
    .await
}

/// A provider both accounts are connected to through OAuth (one connection per provider).
pub async fn shared_provider(
    db: impl PgExecutor<'_>,
    a: AccountId,
    b: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT p.provider FROM platforms p JOIN platforms q ON q.provider = p.provider
         WHERE p.user_id = $1 AND q.user_id = $2 AND p.source = 'oauth' AND q.source = 'oauth'
         ORDER BY p.provider LIMIT 1",
    )
    .bind(a.0)
    .bind(b.0)
    .fetch_optional(db)
    .await
}
