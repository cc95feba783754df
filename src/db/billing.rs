//! Billing state on `users` (plan source, subscription status, renewal date, where to tell the
//! creator) and `stripe_events`, the Stripe events already applied.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::bot::AccountId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BillingRow {
    pub plan: String,
    pub name: Option<String>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub plan_source: Option<String>,
    pub subscription_status: Option<String>,
    pub plan_renews_at: Option<DateTime<Utc>>,
    pub plan_cancels_at_period_end: bool,
    pub payment_failed_at: Option<DateTime<Utc>>,
    pub billing_platform: Option<String>,
    pub billing_chat_id: Option<String>,
    pub billing_locale: Option<String>,
    pub stars_charge_id: Option<String>,
    pub stars_user_id: Option<String>,
}

macro_rules! billing_columns {
    () => {
        "plan, name, stripe_customer_id, stripe_subscription_id, plan_source, subscription_status,
         plan_renews_at, plan_cancels_at_period_end, payment_failed_at, billing_platform,
         billing_chat_id, billing_locale, stars_charge_id, stars_user_id"
    };
}

pub async fn get(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<BillingRow>> {
    sqlx::query_as(concat!(
        "SELECT ",
        billing_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(account.0)
    .fetch_optional(db)
    .await
}

/// The row, locked until the transaction ends: one change to an account's plan at a time.
pub async fn lock(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Option<BillingRow>> {
    sqlx::query_as(concat!(
        "SELECT ",
        billing_columns!(),
        " FROM users WHERE id = $1 FOR UPDATE"
    ))
    .bind(account.0)
    .fetch_optional(db)
    .await
}

/// Stores the account's Stripe customer unless it has one; returns the one it has now.
pub async fn set_customer(
    db: impl PgExecutor<'_>,
    account: AccountId,
    customer: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE users SET stripe_customer_id = COALESCE(stripe_customer_id, $2), updated_at = now()
         WHERE id = $1 RETURNING stripe_customer_id",
    )
    .bind(account.0)
    .bind(customer)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}

/// Where billing news for the account goes (the chat checkout was started from).
pub async fn set_destination(
    db: impl PgExecutor<'_>,
    account: AccountId,
    platform: &str,
    chat_id: &str,
    locale: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET billing_platform = $2, billing_chat_id = $3, billing_locale = $4
         WHERE id = $1",
    )
    .bind(account.0)
    .bind(platform)
    .bind(chat_id)
    .bind(locale)
    .execute(db)
    .await?;
    Ok(())
}

/// The account a subscription belongs to: the one holding it, else the account named in its
/// metadata, else the owner of its customer.
pub async fn account_for(
    db: impl PgExecutor<'_>,
    subscription: &str,
    account_hint: Option<uuid::Uuid>,
    customer: &str,
) -> sqlx::Result<Option<AccountId>> {
    let id: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT id FROM users
         WHERE stripe_subscription_id = $1 OR id = $2 OR stripe_customer_id = $3
         ORDER BY (stripe_subscription_id = $1) DESC NULLS LAST, (id = $2) DESC NULLS LAST
         LIMIT 1",
    )
    .bind(subscription)
    .bind(account_hint)
    .bind(customer)
    .fetch_optional(db)
    .await?;
    Ok(id.map(AccountId))
}

/// What a subscription gives an account now.
#[derive(Debug, Clone)]
pub struct PlanState<'a> {
    pub plan: &'a str,
    pub source: Option<&'a str>,
    pub subscription: Option<&'a str>,
    pub status: Option<&'a str>,
    pub renews_at: Option<DateTime<Utc>>,
    pub cancels_at_period_end: bool,
    pub payment_failed_at: Option<DateTime<Utc>>,
}

pub async fn set_plan(
    db: impl PgExecutor<'_>,
    account: AccountId,
    state: &PlanState<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET plan = $2, plan_source = $3, stripe_subscription_id = $4,
                subscription_status = $5, plan_renews_at = $6, plan_cancels_at_period_end = $7,
                payment_failed_at = $8, updated_at = now()
         WHERE id = $1",
    )
    .bind(account.0)
    .bind(state.plan)
    .bind(state.source)
    .bind(state.subscription)
    .bind(state.status)
    .bind(state.renews_at)
    .bind(state.cancels_at_period_end)
    .bind(state.payment_failed_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a Stripe event as applied; false when it already was.
pub async fn record_event(db: impl PgExecutor<'_>, id: &str, kind: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(kind)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn event_seen(db: impl PgExecutor<'_>, id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM stripe_events WHERE id = $1)")
        .bind(id)
        .fetch_one(db)
        .await
}

/// A Telegram Stars payment: the plan until `until`, paid by `user` (first charge `charge`).
pub async fn set_stars_plan(
    db: impl PgExecutor<'_>,
    account: AccountId,
    plan: &str,
    until: DateTime<Utc>,
    charge: &str,
    user: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET plan = $2, plan_source = 'stars', subscription_status = 'active',
                plan_renews_at = $3, plan_cancels_at_period_end = false, payment_failed_at = NULL,
                stars_charge_id = $4, stars_user_id = $5, updated_at = now()
         WHERE id = $1",
    )
    .bind(account.0)
    .bind(plan)
    .bind(until)
    .bind(charge)
    .bind(user)
    .execute(db)
    .await?;
    Ok(())
}

/// The creator cancelled their Stars subscription: the plan runs to the end of the period.
pub async fn set_stars_cancelled(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET plan_cancels_at_period_end = true, updated_at = now() WHERE id = $1",
    )
    .bind(account.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends a Stars plan whose period is over (a renewal moved `plan_renews_at` on: then nothing).
/// Returns the plan it ended.
pub async fn expire_stars(
    db: impl PgExecutor<'_>,
    account: AccountId,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE users AS u SET plan = 'free', subscription_status = 'expired', updated_at = now()
         FROM (SELECT id, plan FROM users WHERE id = $1 FOR UPDATE) AS before
         WHERE u.id = before.id AND u.plan_source = 'stars' AND u.plan <> 'free'
           AND u.plan_renews_at <= $2
         RETURNING before.plan",
    )
    .bind(account.0)
    .bind(now)
    .fetch_optional(db)
    .await
}
