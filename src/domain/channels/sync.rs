//! The YouTube sync of one connection (run by `Job::SyncChannel`): refresh the access token when
//! it is about to expire, `channels.list` (1 Data API unit, counted in the shared daily budget)
//! for the follower total of the day, then YouTube Analytics `reports` with `dimensions=day` for
//! the daily numbers. Only days the report returns are written (Analytics lags 2–3 days: a
//! missing day stays unknown, never 0); every write is an upsert, so a sync can be repeated.
//! A dead grant marks the connection "needs reconnect" and stops its syncs.
//!
//! Not yet: playlistItems/videos (per-video content and snapshots), TikTok and Instagram.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::app::App;
use crate::clients::{ProviderError, google};
use crate::db;
use crate::db::channels::{DayMetrics, PlatformRow};
use crate::domain::channels::{Provider, open_tokens, quota_day, seal_token};

/// YouTube Data API units all creators and instances may spend per Pacific day.
pub const DAILY_QUOTA_BUDGET: i64 = 10_000;

/// Days fetched on a first sync; later syncs go back a few days before the last one, since
/// Analytics fills in days late.
const FIRST_SYNC_DAYS: i64 = 28;
const RESYNC_OVERLAP_DAYS: i64 = 4;

const METRICS: &str =
    "views,estimatedMinutesWatched,subscribersGained,subscribersLost,likes,comments,shares";

/// How a sync ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Numbers written for this many days (plus today's follower total).
    Synced { days: usize },
    /// The grant is dead; `first` is true only the first time (tell the creator then).
    NeedsReconnect { first: bool },
    /// Not an active OAuth connection (gone, disconnected, demo, manual, already dead).
    Skipped,
}

/// A failed sync the job should retry later (429/5xx, budget spent, transport).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("later: {0}")]
    Later(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for SyncError {
    fn from(e: sqlx::Error) -> SyncError {
        SyncError::Other(e.into())
    }
}

/// Reserves `units` of the shared daily budget and records the call against the connection.
/// False (nothing spent) when the budget would be passed.
pub async fn reserve(
    app: &App,
    connection: Option<Uuid>,
    endpoint: &str,
    units: i64,
) -> anyhow::Result<bool> {
    let day = quota_day(Utc::now());
    let provider = Provider::YouTube.as_str();
    if !db::channels::reserve_quota(&app.db, provider, day, units, DAILY_QUOTA_BUDGET).await? {
        return Ok(false);
    }
    if let Some(id) = connection {
        db::channels::record_call(&app.db, provider, day, id, endpoint, units).await?;
    }
    Ok(true)
}

enum Step<T> {
    Done(T),
    Dead,
}

/// Syncs one connection.
pub async fn run(app: &App, connection: Uuid) -> Result<SyncOutcome, SyncError> {
    let Some(row) = db::channels::get(&app.db, connection).await? else {
        return Ok(SyncOutcome::Skipped);
    };
    if row.source != "oauth" || row.status != "active" || row.provider != "youtube" {
        return Ok(SyncOutcome::Skipped);
    }
    match sync_youtube(app, &row).await? {
        Step::Done(days) => {
            db::channels::mark_synced(&app.db, row.id, None).await?;
            Ok(SyncOutcome::Synced { days })
        }
        Step::Dead => {
            let first =
                db::channels::mark_needs_reconnect(&app.db, row.id, "invalid_grant").await?;
            Ok(SyncOutcome::NeedsReconnect { first })
        }
    }
}

async fn sync_youtube(app: &App, row: &PlatformRow) -> Result<Step<usize>, SyncError> {
    let tokens = open_tokens(&app.keyring, row)
        .map_err(|e| anyhow::anyhow!("connection {} does not open: {e}", row.id))?;
    let expiring = row
        .access_expires_at
        .is_none_or(|at| at <= Utc::now() + Duration::seconds(60));
    let mut access = match (tokens.access, expiring) {
        (Some(access), false) => access,
        _ => match refresh(app, row, tokens.refresh.as_ref()).await? {
            Step::Done(access) => access,
            Step::Dead => return Ok(Step::Dead),
        },
    };
    let mut refreshed = expiring;
    let google = &app.settings.google;

    // channels.list: today's follower total.
    if !reserve(app, Some(row.id), "channels.list", 1).await? {
        return Err(SyncError::Later("the daily YouTube quota is spent".into()));
    }
    let channel = loop {
        match google::my_channel(google, &access).await {
            Ok(channel) => break channel,
            Err(ProviderError::InvalidGrant(_)) if !refreshed => {
                refreshed = true;
                match refresh(app, row, tokens.refresh.as_ref()).await? {
                    Step::Done(fresh) => access = fresh,
                    Step::Dead => return Ok(Step::Dead),
                }
            }
            Err(e) => return provider_failure(e),
        }
    };
    let today = Utc::now().date_naive();
    if let Some(followers) = channel.and_then(|c| c.subscribers) {
        let metrics = DayMetrics {
            followers: Some(followers),
            ..DayMetrics::default()
        };
        db::channels::upsert_day(&app.db, row.id, today, &metrics, "api").await?;
    }

    // YouTube Analytics: daily numbers (its own quota, not Data API units).
    let start = match row.last_sync_at {
        Some(at) => at.date_naive() - Duration::days(RESYNC_OVERLAP_DAYS),
        None => today - Duration::days(FIRST_SYNC_DAYS),
    };
    let mut url = google.youtube_analytics_api_url.clone();
    url.set_path("/v2/reports");
    let (start_s, end_s) = (start.to_string(), today.to_string());
    let query = [
        ("ids", "channel==MINE"),
        ("startDate", start_s.as_str()),
        ("endDate", end_s.as_str()),
        ("metrics", METRICS),
        ("dimensions", "day"),
        ("sort", "day"),
    ];
    let report = loop {
        match google::get_json(url.clone(), &query, &access).await {
            Ok(report) => break report,
            Err(ProviderError::InvalidGrant(_)) if !refreshed => {
                refreshed = true;
                match refresh(app, row, tokens.refresh.as_ref()).await? {
                    Step::Done(fresh) => access = fresh,
                    Step::Dead => return Ok(Step::Dead),
                }
            }
            // A fresh token refused: the grant no longer covers Analytics.
            Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
            Err(e) => return provider_failure(e),
        }
    };
    let days = parse_report(&report)?;
    let mut tx = app.db.begin().await?;
    for (day, metrics) in &days {
        db::channels::upsert_day(&mut *tx, row.id, *day, metrics, "api").await?;
    }
    tx.commit().await?;
    Ok(Step::Done(days.len()))
}

fn provider_failure<T>(e: ProviderError) -> Result<T, SyncError> {
    match e {
        ProviderError::Unavailable(status) => {
            Err(SyncError::Later(format!("YouTube answered {status}")))
        }
        other => Err(SyncError::Other(other.into())),
    }
}

/// A fresh access token, stored sealed; `Dead` when Google says `invalid_grant`.
async fn refresh(
    app: &App,
    row: &PlatformRow,
    refresh_token: Option<&SecretString>,
) -> Result<Step<SecretString>, SyncError> {
    let Some(refresh_token) = refresh_token else {
        return Ok(Step::Dead);
    };
    let redirect = crate::domain::channels::oauth::redirect_uri(app, Provider::YouTube)?;
    let grant = match google::refresh(&app.settings.google, &redirect, refresh_token).await {
        Ok(grant) => grant,
        Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
        Err(e) => return provider_failure(e),
    };
    let access = seal_token(
        &app.keyring,
        row.user_id,
        &row.provider,
        grant.access_token.expose_secret(),
    );
    // Google does not rotate refresh tokens, but keep a new one if it sends one.
    let refresh = grant
        .refresh_token
        .as_ref()
        .map(|r| seal_token(&app.keyring, row.user_id, &row.provider, r.expose_secret()));
    // Re-sealing for the row's current owner: the old refresh token must follow it.
    let refresh = match (refresh, row.sealed_for) {
        (Some(r), _) => Some(r),
        (None, Some(owner)) if owner != row.user_id => Some(seal_token(
            &app.keyring,
            row.user_id,
            &row.provider,
            refresh_token.expose_secret(),
        )),
        (None, _) => None,
    };
    db::channels::update_tokens(
        &app.db,
        row.id,
        &access,
        refresh.as_deref(),
        app.keyring.primary_key_id(),
        grant.expires_at,
        None,
    )
    .await?;
    Ok(Step::Done(grant.access_token))
}

/// Reads a `youtubeAnalytics#resultTable` by its column headers; rows become days.
pub fn parse_report(report: &serde_json::Value) -> anyhow::Result<Vec<(NaiveDate, DayMetrics)>> {
    let headers: Vec<&str> = report["columnHeaders"]
        .as_array()
        .map(|h| h.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    let col = |name: &str| headers.iter().position(|h| *h == name);
    let day_col = col("day").ok_or_else(|| anyhow::anyhow!("the report has no day column"))?;
    let Some(rows) = report["rows"].as_array() else {
        // No rows: nothing reported yet for the period.
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for r in rows {
        let Some(day) = r[day_col]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            continue;
        };
        let num = |name: &str| {
            col(name).and_then(|i| {
                let v = &r[i];
                v.as_i64().or_else(|| v.as_f64().map(|f| f.round() as i64))
            })
        };
        let metrics = DayMetrics {
            views: num("views"),
            watch_minutes: num("estimatedMinutesWatched"),
            likes: num("likes"),
            comments: num("comments"),
            shares: num("shares"),
            subscribers_gained: num("subscribersGained"),
            subscribers_lost: num("subscribersLost"),
            ..DayMetrics::default()
        };
        out.push((day, metrics));
    }
    Ok(out)
}

/// The UTC date a daily sync is keyed by.
pub fn sync_date(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive()
}
