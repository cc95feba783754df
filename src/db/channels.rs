//! Provider connections (`platforms`), their daily analytics, content and snapshots, OAuth states
//! and quota accounting. Tokens arrive here already sealed: this module never sees plaintext.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlatformRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider: String,
    pub source: String,
    pub status: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub token_key_id: Option<String>,
    pub sealed_for: Option<Uuid>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_sync_error: Option<String>,
    pub last_content_at: Option<DateTime<Utc>>,
    pub reconnect_notified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const PLATFORM_COLUMNS: &str = "id, user_id, provider, source, status, external_id, display_name, \
     access_token, refresh_token, token_key_id, sealed_for, access_expires_at, \
     refresh_expires_at, last_sync_at, last_sync_error, last_content_at, reconnect_notified_at, created_at";

/// One day's numbers; `None` is "unknown", never written as 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DayMetrics {
    pub views: Option<i64>,
    pub watch_minutes: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saved: Option<i64>,
    pub reach: Option<i64>,
    pub subscribers_gained: Option<i64>,
    pub subscribers_lost: Option<i64>,
    pub followers: Option<i64>,
}

impl DayMetrics {
    pub fn is_empty(&self) -> bool {
        *self == DayMetrics::default()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnalyticsRow {
    pub day: NaiveDate,
    pub views: Option<i64>,
    pub watch_minutes: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
    pub saved: Option<i64>,
    pub reach: Option<i64>,
    pub subscribers_gained: Option<i64>,
    pub subscribers_lost: Option<i64>,
    pub followers: Option<i64>,
    pub source: String,
}

pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE user_id = $1 ORDER BY provider"
    )))
    .bind(account.0)
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The row, locked until the transaction ends (token refreshes of one connection take turns).
pub async fn lock(db: &mut sqlx::PgConnection, id: Uuid) -> sqlx::Result<Option<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE id = $1 FOR UPDATE"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn find(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: &str,
) -> sqlx::Result<Option<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE user_id = $1 AND provider = $2"
    )))
    .bind(account.0)
    .bind(provider)
    .fetch_optional(db)
    .await
}

/// The account's row for `provider`, created as `source` when missing (an existing row keeps
/// its source: manual numbers may be added beside a connection).
pub async fn ensure(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: &str,
    source: &str,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO platforms (user_id, provider, source) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, provider) DO UPDATE SET updated_at = now()
         RETURNING id",
    )
    .bind(account.0)
    .bind(provider)
    .bind(source)
    .fetch_one(db)
    .await
}

/// Names a demo connection as sample data wherever connections are listed.
pub async fn label_demo(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE platforms SET display_name = 'Demo · sample data', last_sync_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Sealed tokens of a completed OAuth connection.
pub struct NewConnection<'a> {
    pub external_id: &'a str,
    pub display_name: Option<&'a str>,
    pub access_token: &'a str,
    pub refresh_token: Option<&'a str>,
    pub key_id: &'a str,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scopes: Option<&'a str>,
}

/// Creates or re-activates the account's connection to `provider` (one per provider).
pub async fn connect(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: &str,
    c: &NewConnection<'_>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO platforms (user_id, provider, source, status, external_id, display_name,
             access_token, refresh_token, token_key_id, sealed_for, access_expires_at,
             refresh_expires_at, scopes)
         VALUES ($1, $2, 'oauth', 'active', $3, $4, $5, $6, $7, $1, $8, $9, $10)
         ON CONFLICT (user_id, provider) DO UPDATE SET
             source = 'oauth', status = 'active', external_id = EXCLUDED.external_id,
             display_name = EXCLUDED.display_name, access_token = EXCLUDED.access_token,
             refresh_token = EXCLUDED.refresh_token, token_key_id = EXCLUDED.token_key_id,
             sealed_for = EXCLUDED.sealed_for,
             access_expires_at = EXCLUDED.access_expires_at,
             refresh_expires_at = EXCLUDED.refresh_expires_at, scopes = EXCLUDED.scopes,
             last_sync_error = NULL, reconnect_notified_at = NULL, updated_at = now()
         RETURNING id",
    )
    .bind(account.0)
    .bind(provider)
    .bind(c.external_id)
    .bind(c.display_name)
    .bind(c.access_token)
    .bind(c.refresh_token)
    .bind(c.key_id)
    .bind(c.access_expires_at)
    .bind(c.refresh_expires_at)
    .bind(c.scopes)
    .fetch_one(db)
    .await
}

/// How many provider connections made through OAuth the account holds (needing a reconnect
/// included; manual and demo sources, and disconnected ones, are not counted).
pub async fn count_connected(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM platforms
         WHERE user_id = $1 AND source = 'oauth' AND status <> 'disconnected'",
    )
    .bind(account.0)
    .fetch_one(db)
    .await
}

/// Whether a connection is among the account's first `limit` OAuth connections (by age): the
/// ones its plan keeps syncing.
pub async fn within_plan(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
    limit: i64,
) -> sqlx::Result<bool> {
    let rank: Option<i64> = sqlx::query_scalar(
        "SELECT rank FROM (
             SELECT id, row_number() OVER (ORDER BY created_at, id) AS rank FROM platforms
             WHERE user_id = $1 AND source = 'oauth' AND status <> 'disconnected') ranked
         WHERE id = $2",
    )
    .bind(account.0)
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(rank.is_some_and(|r| r <= limit))
}

/// Notes that a connection is beyond its plan; true only the first time (until it syncs again).
pub async fn mark_over_plan(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    Ok(sqlx::query(
        "UPDATE platforms SET last_sync_error = 'over_plan', updated_at = now()
         WHERE id = $1 AND last_sync_error IS DISTINCT FROM 'over_plan'",
    )
    .bind(id)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Whether the account already holds an OAuth connection to `provider` (a reconnect then
/// replaces it rather than adding one).
pub async fn has_connection(
    db: impl PgExecutor<'_>,
    account: AccountId,
    provider: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platforms WHERE user_id = $1 AND provider = $2
                        AND source = 'oauth' AND status <> 'disconnected')",
    )
    .bind(account.0)
    .bind(provider)
    .fetch_one(db)
    .await
}

/// Stores refreshed tokens (a rotating refresh token replaces the old one when given).
pub async fn update_tokens(
    db: impl PgExecutor<'_>,
    id: Uuid,
    access_token: &str,
    refresh_token: Option<&str>,
    key_id: &str,
    access_expires_at: Option<DateTime<Utc>>,
    refresh_expires_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE platforms SET access_token = $2, refresh_token = COALESCE($3, refresh_token),
             token_key_id = $4, sealed_for = user_id, access_expires_at = $5,
             refresh_expires_at = COALESCE($6, refresh_expires_at), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(access_token)
    .bind(refresh_token)
    .bind(key_id)
    .bind(access_expires_at)
    .bind(refresh_expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Rows whose tokens were sealed with another key than `primary` (for rotation).
pub async fn sealed_with_other_keys(
    db: impl PgExecutor<'_>,
    primary: &str,
) -> sqlx::Result<Vec<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms
         WHERE token_key_id IS NOT NULL AND token_key_id <> $1 FOR UPDATE"
    )))
    .bind(primary)
    .fetch_all(db)
    .await
}

/// Replaces both sealed tokens (rotation re-seals them as they are).
pub async fn reseal(
    db: impl PgExecutor<'_>,
    id: Uuid,
    access_token: Option<&str>,
    refresh_token: Option<&str>,
    key_id: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE platforms SET access_token = $2, refresh_token = $3, token_key_id = $4,
             sealed_for = user_id
         WHERE id = $1",
    )
    .bind(id)
    .bind(access_token)
    .bind(refresh_token)
    .bind(key_id)
    .execute(db)
    .await?;
    Ok(())
}

/// The grant is dead: stop syncing. True only the first time (so the creator is told once).
pub async fn mark_needs_reconnect(
    db: impl PgExecutor<'_>,
    id: Uuid,
    error: &str,
) -> sqlx::Result<bool> {
    let first: Option<Uuid> = sqlx::query_scalar(
        "UPDATE platforms SET status = 'needs_reconnect', last_sync_error = $2,
             reconnect_notified_at = COALESCE(reconnect_notified_at, now()), updated_at = now()
         WHERE id = $1 AND reconnect_notified_at IS NULL RETURNING id",
    )
    .bind(id)
    .bind(error)
    .fetch_optional(db)
    .await?;
    Ok(first.is_some())
}

pub async fn mark_synced(
    db: impl PgExecutor<'_>,
    id: Uuid,
    last_content_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE platforms SET last_sync_at = now(), last_sync_error = NULL,
             last_content_at = COALESCE($2, last_content_at), updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(last_content_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_sync_error(db: impl PgExecutor<'_>, id: Uuid, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE platforms SET last_sync_error = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the tokens; the history stays (status `disconnected`) or goes with the row.
pub async fn disconnect(db: impl PgExecutor<'_>, id: Uuid, keep_history: bool) -> sqlx::Result<()> {
    let sql = if keep_history {
        "UPDATE platforms SET status = 'disconnected', access_token = NULL, refresh_token = NULL,
             token_key_id = NULL, sealed_for = NULL, access_expires_at = NULL, refresh_expires_at = NULL,
             updated_at = now()
         WHERE id = $1"
    } else {
        "DELETE FROM platforms WHERE id = $1"
    };
    sqlx::query(sql).bind(id).execute(db).await?;
    Ok(())
}

/// Active OAuth connections (what the daily sync walks).
pub async fn active_connections(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Uuid, Uuid)>> {
    sqlx::query_as(
        "SELECT id, user_id FROM platforms WHERE source = 'oauth' AND status = 'active'
         ORDER BY id",
    )
    .fetch_all(db)
    .await
}

/// Upserts one day; a metric given as `None` keeps what was stored.
pub async fn upsert_day(
    db: impl PgExecutor<'_>,
    platform_id: Uuid,
    day: NaiveDate,
    m: &DayMetrics,
    source: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO analytics (platform_id, day, views, watch_minutes, likes, comments, shares,
             saved, reach, subscribers_gained, subscribers_lost, followers, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (platform_id, day) DO UPDATE SET
             views = COALESCE(EXCLUDED.views, analytics.views),
             watch_minutes = COALESCE(EXCLUDED.watch_minutes, analytics.watch_minutes),
             likes = COALESCE(EXCLUDED.likes, analytics.likes),
             comments = COALESCE(EXCLUDED.comments, analytics.comments),
             shares = COALESCE(EXCLUDED.shares, analytics.shares),
             saved = COALESCE(EXCLUDED.saved, analytics.saved),
             reach = COALESCE(EXCLUDED.reach, analytics.reach),
             subscribers_gained = COALESCE(EXCLUDED.subscribers_gained, analytics.subscribers_gained),
             subscribers_lost = COALESCE(EXCLUDED.subscribers_lost, analytics.subscribers_lost),
             followers = COALESCE(EXCLUDED.followers, analytics.followers),
             source = EXCLUDED.source, updated_at = now()",
    )
    .bind(platform_id)
    .bind(day)
    .bind(m.views)
    .bind(m.watch_minutes)
    .bind(m.likes)
    .bind(m.comments)
    .bind(m.shares)
    .bind(m.saved)
    .bind(m.reach)
    .bind(m.subscribers_gained)
    .bind(m.subscribers_lost)
    .bind(m.followers)
    .bind(source)
    .execute(db)
    .await?;
    Ok(())
}

/// Gains and losses derived from consecutive known follower totals, on the days whose numbers
/// came from one of `sources` (manual and CSV entry; TikTok's API, which reports totals only).
pub async fn derive_follower_changes(
    db: impl PgExecutor<'_>,
    platform_id: Uuid,
    sources: &[&str],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE analytics a
         SET subscribers_gained = GREATEST(d.diff, 0), subscribers_lost = GREATEST(-d.diff, 0)
         FROM (SELECT day, followers - LAG(followers) OVER (ORDER BY day) AS diff
               FROM analytics WHERE platform_id = $1 AND followers IS NOT NULL) d
         WHERE a.platform_id = $1 AND a.day = d.day AND d.diff IS NOT NULL
           AND a.source = ANY($2)",
    )
    .bind(platform_id)
    .bind(sources)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn days(db: impl PgExecutor<'_>, platform_id: Uuid) -> sqlx::Result<Vec<AnalyticsRow>> {
    sqlx::query_as(
        "SELECT day, views, watch_minutes, likes, comments, shares, saved, reach,
             subscribers_gained, subscribers_lost, followers, source
         FROM analytics WHERE platform_id = $1 ORDER BY day",
    )
    .bind(platform_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct ContentRow {
    pub external_id: String,
    pub title: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub duration_seconds: Option<i64>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
}

/// Upserts a piece of content and its snapshot for `day`.
pub async fn upsert_content(
    db: &mut sqlx::PgConnection,
    platform_id: Uuid,
    c: &ContentRow,
    day: NaiveDate,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO content (platform_id, external_id, title, published_at, duration_seconds,
             views, likes, comments, shares)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (platform_id, external_id) DO UPDATE SET
             title = COALESCE(EXCLUDED.title, content.title),
             published_at = COALESCE(EXCLUDED.published_at, content.published_at),
             duration_seconds = COALESCE(EXCLUDED.duration_seconds, content.duration_seconds),
             views = COALESCE(EXCLUDED.views, content.views),
             likes = COALESCE(EXCLUDED.likes, content.likes),
             comments = COALESCE(EXCLUDED.comments, content.comments),
             shares = COALESCE(EXCLUDED.shares, content.shares),
             updated_at = now()",
    )
    .bind(platform_id)
    .bind(&c.external_id)
    .bind(&c.title)
    .bind(c.published_at)
    .bind(c.duration_seconds)
    .bind(c.views)
    .bind(c.likes)
    .bind(c.comments)
    .bind(c.shares)
    .execute(&mut *db)
    .await?;
    sqlx::query(
        "INSERT INTO content_snapshots (platform_id, external_id, day, views, likes, comments)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (platform_id, external_id, day) DO UPDATE SET
             views = COALESCE(EXCLUDED.views, content_snapshots.views),
             likes = COALESCE(EXCLUDED.likes, content_snapshots.likes),
             comments = COALESCE(EXCLUDED.comments, content_snapshots.comments)",
    )
    .bind(platform_id)
    .bind(&c.external_id)
    .bind(day)
    .bind(c.views)
    .bind(c.likes)
    .bind(c.comments)
    .execute(&mut *db)
    .await?;
    Ok(())
}

pub async fn content(db: impl PgExecutor<'_>, platform_id: Uuid) -> sqlx::Result<Vec<ContentRow>> {
    sqlx::query_as(
        "SELECT external_id, title, published_at, duration_seconds, views, likes, comments, shares
         FROM content WHERE platform_id = $1 ORDER BY published_at, external_id",
    )
    .bind(platform_id)
    .fetch_all(db)
    .await
}

/// Reserves `units` of `provider`'s daily budget; false (nothing counted) when it would pass it.
pub async fn reserve_quota(
    db: impl PgExecutor<'_>,
    provider: &str,
    quota_day: NaiveDate,
    units: i64,
    budget: i64,
) -> sqlx::Result<bool> {
    let row: Option<i64> = sqlx::query_scalar(
        "INSERT INTO provider_quota AS q (provider, quota_day, units_used)
         SELECT $1, $2, $3 WHERE $3 <= $4
         ON CONFLICT (provider, quota_day) DO UPDATE SET units_used = q.units_used + EXCLUDED.units_used
         WHERE q.units_used + EXCLUDED.units_used <= $4
         RETURNING units_used",
    )
    .bind(provider)
    .bind(quota_day)
    .bind(units)
    .bind(budget)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

pub async fn record_call(
    db: impl PgExecutor<'_>,
    provider: &str,
    quota_day: NaiveDate,
    platform_id: Uuid,
    endpoint: &str,
    units: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO provider_calls (provider, quota_day, platform_id, endpoint, units)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(provider)
    .bind(quota_day)
    .bind(platform_id)
    .bind(endpoint)
    .bind(units)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn quota_used(
    db: impl PgExecutor<'_>,
    platform_id: Uuid,
    quota_day: NaiveDate,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(sum(units), 0)::bigint FROM provider_calls
         WHERE platform_id = $1 AND quota_day = $2",
    )
    .bind(platform_id)
    .bind(quota_day)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OAuthStateRow {
    pub user_id: Uuid,
    pub provider: String,
    pub chat_platform: String,
    pub chat_id: String,
    pub locale: String,
    pub pkce_verifier: String,
    pub expires_at: DateTime<Utc>,
}

pub struct NewState<'a> {
    pub state: &'a str,
    pub account: AccountId,
    pub provider: &'a str,
    pub chat_platform: &'a str,
    pub chat_id: &'a str,
    pub locale: &'a str,
    pub pkce_verifier: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_state(db: impl PgExecutor<'_>, s: &NewState<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oauth_states (state, user_id, provider, chat_platform, chat_id, locale,
             pkce_verifier, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.state)
    .bind(s.account.0)
    .bind(s.provider)
    .bind(s.chat_platform)
    .bind(s.chat_id)
    .bind(s.locale)
    .bind(s.pkce_verifier)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Consumes a state (single use): the row is gone afterwards whatever it held.
pub async fn take_state(
    db: impl PgExecutor<'_>,
    state: &str,
) -> sqlx::Result<Option<OAuthStateRow>> {
    sqlx::query_as(
        "DELETE FROM oauth_states WHERE state = $1
         RETURNING user_id, provider, chat_platform, chat_id, locale, pkce_verifier, expires_at",
    )
    .bind(state)
    .fetch_optional(db)
    .await
}

pub async fn delete_expired_states(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM oauth_states WHERE expires_at < now()")
            .execute(db)
            .await?
            .rows_affected(),
    )
}

pub async fn delete_all(db: &mut sqlx::PgConnection, account: AccountId) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM oauth_states WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?;
    Ok(sqlx::query("DELETE FROM platforms WHERE user_id = $1")
        .bind(account.0)
        .execute(&mut *db)
        .await?
        .rows_affected())
}

/// Moves `from`'s connections onto `into`. Where both have the same provider, the survivor's
/// connection stays and `from`'s days and content are copied into it where it has none.
pub async fn merge(
    db: &mut sqlx::PgConnection,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oauth_states WHERE user_id = $1")
        .bind(from.0)
        .execute(&mut *db)
        .await?;
    let pairs: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT f.id, i.id FROM platforms f JOIN platforms i
           ON i.provider = f.provider AND i.user_id = $2
         WHERE f.user_id = $1",
    )
    .bind(from.0)
    .bind(into.0)
    .fetch_all(&mut *db)
    .await?;
    for (f, i) in pairs {
        for sql in [
            "INSERT INTO analytics (platform_id, day, views, watch_minutes, likes, comments, shares,
                 saved, reach, subscribers_gained, subscribers_lost, followers, source)
             SELECT $2, day, views, watch_minutes, likes, comments, shares, saved, reach,
                 subscribers_gained, subscribers_lost, followers, source
             FROM analytics WHERE platform_id = $1 ON CONFLICT DO NOTHING",
            "INSERT INTO content (platform_id, external_id, title, published_at, duration_seconds,
                 views, likes, comments, shares)
             SELECT $2, external_id, title, published_at, duration_seconds, views, likes,
                 comments, shares
             FROM content WHERE platform_id = $1 ON CONFLICT DO NOTHING",
            "INSERT INTO content_snapshots (platform_id, external_id, day, views, likes, comments)
             SELECT $2, external_id, day, views, likes, comments
             FROM content_snapshots WHERE platform_id = $1 ON CONFLICT DO NOTHING",
            "DELETE FROM platforms WHERE id = $1",
        ] {
            sqlx::query(sql).bind(f).bind(i).execute(&mut *db).await?;
        }
    }
    sqlx::query("UPDATE platforms SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(&mut *db)
        .await?;
    Ok(())
}

/// Records the chat a connection's proactive messages go to (the one `/connect` came from).
pub async fn set_notify(
    db: impl PgExecutor<'_>,
    id: Uuid,
    platform: &str,
    chat_id: &str,
    locale: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE platforms SET notify_platform = $2, notify_chat_id = $3, notify_locale = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(platform)
    .bind(chat_id)
    .bind(locale)
    .execute(db)
    .await?;
    Ok(())
}

/// An active OAuth connection and the chat its messages go to (what the daily sync walks).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SyncTarget {
    pub id: Uuid,
    pub user_id: Uuid,
    pub provider: String,
    pub notify_platform: String,
    pub notify_chat_id: String,
    pub notify_locale: String,
}

/// Active OAuth connections with somewhere to report to, of accounts that accepted the privacy
/// policy `policy_version` (or a later one): a gated account's channels get no daily sync.
pub async fn sync_targets(
    db: impl PgExecutor<'_>,
    policy_version: i32,
) -> sqlx::Result<Vec<SyncTarget>> {
    sqlx::query_as(
        "SELECT id, user_id, provider, notify_platform, notify_chat_id, notify_locale
         FROM platforms p
         WHERE source = 'oauth' AND status = 'active' AND notify_platform IS NOT NULL
           AND notify_chat_id IS NOT NULL AND notify_locale IS NOT NULL
           AND EXISTS (SELECT 1 FROM consents c WHERE c.user_id = p.user_id
                       AND c.scope = 'policy' AND c.policy_version >= $1)
         ORDER BY id",
    )
    .bind(policy_version)
    .fetch_all(db)
    .await
}

/// Takes the per-connection sync guard for the caller's transaction (released at its end);
/// false when another sync of that connection holds it. An advisory lock, not a row lock: the
/// sync itself updates the connection's row from other connections of the pool.
pub async fn try_sync_lock(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('sync_channel:' || $1::text, 0))",
    )
    .bind(id)
    .fetch_one(db)
    .await
}

/// How many pieces of content a connection holds.
pub async fn content_count(db: impl PgExecutor<'_>, platform_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM content WHERE platform_id = $1")
        .bind(platform_id)
        .fetch_one(db)
        .await
}

/// Stores the nonce of the Telegram link back to the bot from the OAuth page.
pub async fn set_return_nonce(db: impl PgExecutor<'_>, id: Uuid, nonce: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE platforms SET return_nonce = $2 WHERE id = $1")
        .bind(id)
        .bind(nonce)
        .execute(db)
        .await?;
    Ok(())
}

/// The account's connection behind a return nonce (another account's nonce finds nothing).
pub async fn find_by_return_nonce(
    db: impl PgExecutor<'_>,
    account: AccountId,
    nonce: &str,
) -> sqlx::Result<Option<PlatformRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PLATFORM_COLUMNS} FROM platforms WHERE user_id = $1 AND return_nonce = $2"
    )))
    .bind(account.0)
    .bind(nonce)
    .fetch_optional(db)
    .await
}

/// Lifetime numbers of a video already in `content` (from a report that lags: a number never goes
/// down here), and the same numbers as its snapshot for `day`. False when the video is unknown.
pub async fn refresh_content(
    db: &mut sqlx::PgConnection,
    platform_id: Uuid,
    external_id: &str,
    views: Option<i64>,
    likes: Option<i64>,
    comments: Option<i64>,
    day: NaiveDate,
) -> sqlx::Result<bool> {
    let merged: Option<(Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "UPDATE content SET views = GREATEST(views, $3), likes = GREATEST(likes, $4),
             comments = GREATEST(comments, $5), updated_at = now()
         WHERE platform_id = $1 AND external_id = $2
         RETURNING views, likes, comments",
    )
    .bind(platform_id)
    .bind(external_id)
    .bind(views)
    .bind(likes)
    .bind(comments)
    .fetch_optional(&mut *db)
    .await?;
    let Some((views, likes, comments)) = merged else {
        return Ok(false);
    };
    sqlx::query(
        "INSERT INTO content_snapshots (platform_id, external_id, day, views, likes, comments)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (platform_id, external_id, day) DO UPDATE SET
             views = GREATEST(content_snapshots.views, EXCLUDED.views),
             likes = GREATEST(content_snapshots.likes, EXCLUDED.likes),
             comments = GREATEST(content_snapshots.comments, EXCLUDED.comments)",
    )
    .bind(platform_id)
    .bind(external_id)
    .bind(day)
    .bind(views)
    .bind(likes)
    .bind(comments)
    .execute(&mut *db)
    .await?;
    Ok(true)
}
