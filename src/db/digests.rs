//! Digest subscriptions (`digest_subscriptions`) and the creator's remembered time zone.

use chrono::{NaiveDate, NaiveTime};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::{AccountId, Destination};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub platform: String,
    pub chat_id: String,
    pub shared: bool,
    pub locale: String,
    pub send_at: NaiveTime,
    pub time_zone: String,
    pub theme: String,
    pub status: String,
    pub paused_reason: Option<String>,
    pub last_local_date: Option<NaiveDate>,
    /// The policy version whose "digest paused until you accept" notice went here.
    pub policy_notice_version: Option<i32>,
}

const COLUMNS: &str = "id, user_id, platform, chat_id, shared, locale, send_at, time_zone, theme, \
     status, paused_reason, last_local_date, policy_notice_version";

pub struct NewSubscription<'a> {
    pub account: AccountId,
    pub destination: &'a Destination,
    pub shared: bool,
    pub locale: &'a str,
    pub send_at: NaiveTime,
    pub time_zone: &'a str,
    /// The local date already served (today when today's time has passed).
    pub last_local_date: Option<NaiveDate>,
}

/// Creates or re-enables the subscription of one destination (keeping its theme).
pub async fn upsert(
    db: impl PgExecutor<'_>,
    s: &NewSubscription<'_>,
) -> sqlx::Result<Subscription> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO digest_subscriptions
             (user_id, platform, chat_id, shared, locale, send_at, time_zone, last_local_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id, platform, chat_id) DO UPDATE SET
             shared = EXCLUDED.shared, locale = EXCLUDED.locale, send_at = EXCLUDED.send_at,
             time_zone = EXCLUDED.time_zone, status = 'active', paused_reason = NULL,
             last_local_date = GREATEST(digest_subscriptions.last_local_date,
                                        EXCLUDED.last_local_date),
             updated_at = now()
         RETURNING {COLUMNS}"
    )))
    .bind(s.account.0)
    .bind(s.destination.platform.as_str())
    .bind(&s.destination.chat_id)
    .bind(s.shared)
    .bind(s.locale)
    .bind(s.send_at)
    .bind(s.time_zone)
    .bind(s.last_local_date)
    .fetch_one(db)
    .await
}

/// The "paused until you accept the policy" notice for `version` went to this destination.
pub async fn set_policy_notice(
    db: impl PgExecutor<'_>,
    id: Uuid,
    version: i32,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE digest_subscriptions SET policy_notice_version = $2 WHERE id = $1")
        .bind(id)
        .bind(version)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Subscription>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM digest_subscriptions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<Subscription>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM digest_subscriptions WHERE user_id = $1
         ORDER BY shared, platform, created_at"
    )))
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn find(
    db: impl PgExecutor<'_>,
    account: AccountId,
    destination: &Destination,
) -> sqlx::Result<Option<Subscription>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM digest_subscriptions
         WHERE user_id = $1 AND platform = $2 AND chat_id = $3"
    )))
    .bind(account.0)
    .bind(destination.platform.as_str())
    .bind(&destination.chat_id)
    .fetch_optional(db)
    .await
}

/// How many active subscriptions (destinations receiving the digest) the account has.
pub async fn count_active(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM digest_subscriptions WHERE user_id = $1 AND status = 'active'",
    )
    .bind(account.0)
    .fetch_one(db)
    .await
}

/// Whether a subscription is among the account's first `limit` active ones (by age): the ones
/// its plan keeps serving.
pub async fn within_plan(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
    limit: i64,
) -> sqlx::Result<bool> {
    let rank: Option<i64> = sqlx::query_scalar(
        "SELECT rank FROM (
             SELECT id, row_number() OVER (ORDER BY created_at, id) AS rank
             FROM digest_subscriptions WHERE user_id = $1 AND status = 'active') ranked
         WHERE id = $2",
    )
    .bind(account.0)
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(rank.is_some_and(|r| r <= limit))
}

/// Pauses one subscription, or every one of the account when `id` is `None`. Returns how many
/// were active.
pub async fn pause(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Option<Uuid>,
    reason: &str,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE digest_subscriptions SET status = 'paused', paused_reason = $3, updated_at = now()
         WHERE user_id = $1 AND ($2::uuid IS NULL OR id = $2) AND status = 'active'",
    )
    .bind(account.0)
    .bind(id)
    .bind(reason)
    .execute(db)
    .await?
    .rows_affected())
}

/// Pauses every active subscription sending to a destination the platform says is gone; returns
/// them (as they were) so their creators can be told elsewhere.
pub async fn pause_destination(
    db: impl PgExecutor<'_>,
    destination: &Destination,
) -> sqlx::Result<Vec<Subscription>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE digest_subscriptions SET status = 'paused', paused_reason = 'unreachable',
             updated_at = now()
         WHERE platform = $1 AND chat_id = $2 AND status = 'active'
         RETURNING {COLUMNS}"
    )))
    .bind(destination.platform.as_str())
    .bind(&destination.chat_id)
    .fetch_all(db)
    .await
}

pub async fn set_theme(
    db: impl PgExecutor<'_>,
    account: AccountId,
    destination: &Destination,
    theme: &str,
) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE digest_subscriptions SET theme = $4, updated_at = now()
         WHERE user_id = $1 AND platform = $2 AND chat_id = $3",
    )
    .bind(account.0)
    .bind(destination.platform.as_str())
    .bind(&destination.chat_id)
    .bind(theme)
    .execute(db)
    .await?
    .rows_affected()
        > 0)
}

/// Every active subscription: the scheduler decides in Rust (time zones, DST) which are due.
pub async fn active(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Subscription>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM digest_subscriptions WHERE status = 'active'"
    )))
    .fetch_all(db)
    .await
}

/// Records that the digest of `local_date` was enqueued (never moves backwards).
pub async fn mark_enqueued(
    db: impl PgExecutor<'_>,
    id: Uuid,
    local_date: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE digest_subscriptions
         SET last_local_date = GREATEST(last_local_date, $2), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(local_date)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn time_zone(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1")
        .bind(account.0)
        .fetch_optional(db)
        .await
        .map(Option::flatten)
}

pub async fn set_time_zone(
    db: impl PgExecutor<'_>,
    account: AccountId,
    time_zone: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET time_zone = $2, updated_at = now() WHERE id = $1")
        .bind(account.0)
        .bind(time_zone)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_all(db: &mut sqlx::PgConnection, account: AccountId) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM digest_subscriptions WHERE user_id = $1")
            .bind(account.0)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Moves `from`'s subscriptions onto `into` (where `into` has none for that destination) and
/// keeps `into`'s time zone, else takes `from`'s.
pub async fn merge(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<()> {
    super::merge_per_chat(&mut *db, "digest_subscriptions", from, into).await?;
    sqlx::query(
        "UPDATE users SET time_zone = COALESCE(users.time_zone, f.time_zone)
         FROM users f WHERE users.id = $2 AND f.id = $1",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(&mut *db)
    .await?;
    Ok(())
}
