//! The YouTube sync of one connection (run by `Job::SyncChannel`): refresh the access token when
//! it is about to expire, `channels.list` (1 Data API unit, counted in the shared daily budget)
//! for the follower total of the day, then YouTube Analytics `reports` with `dimensions=day` for
//! the daily numbers. Only days the report returns are written (Analytics lags 2–3 days: a
//! missing day stays unknown, never 0); every write is an upsert, so a sync can be repeated.
//! A dead grant marks the connection "needs reconnect" and stops its syncs.
//!
//! New uploads come from the uploads playlist (`playlistItems.list`, only pages newer than the
//! last upload seen) and `videos.list` in batches of 50, into `content` with today's snapshot.
//!
//! Older videos are refreshed from YouTube Analytics' top-videos report (`dimensions=video`, up to
//! 200 by views), which spends no Data API units: a routine daily sync costs 2 units (3 with up to
//! 50 new videos).
//!
//! `run` dispatches by provider; TikTok and Instagram live in `sync/tiktok.rs` and
//! `sync/instagram.rs` and share `Access` (an access token refreshed ahead of expiry and at most
//! once more when refused) and the outcome types here. They spend no YouTube quota.

/// The value of a `Step`, or `Ok(Step::Dead)` returned from the enclosing function (defined
/// before the provider modules so they can use it).
macro_rules! alive {
    ($step:expr) => {
        match $step {
            Step::Done(value) => value,
            Step::Dead => return Ok(Step::Dead),
        }
    };
}

mod instagram;
mod tiktok;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::app::App;
use crate::bot::AccountId;
use crate::clients::{ProviderError, google};
use crate::db;
use crate::db::channels::{DayMetrics, PlatformRow};
use crate::domain::channels::{Provider, open_tokens, quota_day, seal_token};
use crate::domain::plans;

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
    NeedsReconnect { provider: Provider, first: bool },
    /// Not an active OAuth connection (gone, disconnected, demo, manual, already dead).
    Skipped,
    /// Beyond the plan's connected platforms (after a downgrade): not synced, its numbers kept;
    /// `first` is true only the first time (tell the creator then).
    OverPlan {
        provider: Provider,
        full: plans::Full,
        first: bool,
    },
}

/// A failed sync the job should retry later (429/5xx, budget spent, transport).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("later: {0}")]
    Later(String),
    /// The shared daily Data API budget is spent: nothing more until midnight Pacific time.
    #[error("the daily YouTube quota is spent")]
    QuotaSpent,
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
    // `YOUTUBE_DAILY_QUOTA`, shared by all creators and instances.
    let budget = i64::try_from(app.settings.google.youtube_daily_quota).unwrap_or(i64::MAX);
    if !db::channels::reserve_quota(&app.db, provider, day, units, budget).await? {
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
    let Some(provider) = Provider::parse(&row.provider) else {
        return Ok(SyncOutcome::Skipped);
    };
    if row.source != "oauth" || row.status != "active" {
        return Ok(SyncOutcome::Skipped);
    }
    // After a downgrade the oldest connections up to the plan's count keep syncing; the rest keep
    // their numbers, read-only, until the creator upgrades or disconnects another.
    let account = AccountId(row.user_id);
    let plan = plans::plan_of(&app.db, account).await?;
    let limit = app.plans.limits(plan).connected_platforms;
    if !db::channels::within_plan(&app.db, account, row.id, limit).await? {
        let first = db::channels::mark_over_plan(&app.db, row.id).await?;
        let full = plans::Full {
            plan,
            limit,
            next: app.plans.next_limit(plan, |l| l.connected_platforms),
        };
        return Ok(SyncOutcome::OverPlan {
            provider,
            full,
            first,
        });
    }
    let step = match provider {
        Provider::YouTube => sync_youtube(app, &row).await?,
        Provider::TikTok => tiktok::sync(app, &row).await?,
        Provider::Instagram => instagram::sync(app, &row).await?,
    };
    match step {
        Step::Done((days, newest)) => {
            db::channels::mark_synced(&app.db, row.id, newest).await?;
            Ok(SyncOutcome::Synced { days })
        }
        Step::Dead => {
            let first =
                db::channels::mark_needs_reconnect(&app.db, row.id, "invalid_grant").await?;
            Ok(SyncOutcome::NeedsReconnect { provider, first })
        }
    }
}

async fn sync_youtube(
    app: &App,
    row: &PlatformRow,
) -> Result<Step<(usize, Option<DateTime<Utc>>)>, SyncError> {
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
        return Err(SyncError::QuotaSpent);
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
    let uploads = channel.as_ref().and_then(|c| c.uploads_playlist.clone());
    let channel_start = channel.as_ref().and_then(|c| c.published_at);
    if let Some(followers) = channel.and_then(|c| c.subscribers) {
        let metrics = DayMetrics {
            followers: Some(followers),
            ..DayMetrics::default()
        };
        db::channels::upsert_day(&app.db, row.id, today, &metrics, "api").await?;
    }

    // New uploads since the last sync (1 unit per page of 50), their statistics (1 unit per 50).
    let mut newest = None;
    if let Some(playlist) = uploads {
        let (ids, latest) = match new_uploads(app, row, &access, &playlist).await? {
            Step::Done(found) => found,
            Step::Dead => return Ok(Step::Dead),
        };
        newest = latest;
        for batch in ids.chunks(50) {
            if let Step::Dead = store_videos(app, row, &access, batch, today).await? {
                return Ok(Step::Dead);
            }
        }
    }

    // Older videos: lifetime numbers from YouTube Analytics, no Data API units.
    refresh_older_videos(app, row, &access, channel_start, today).await?;

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
        match google::get_json(google, url.clone(), &query, &access).await {
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
    Ok(Step::Done((days.len(), newest)))
}

/// Video ids of the uploads playlist newer than the last upload already seen (the playlist lists
/// the newest first, so paging stops at the first one already known).
async fn new_uploads(
    app: &App,
    row: &PlatformRow,
    access: &SecretString,
    playlist: &str,
) -> Result<Step<(Vec<String>, Option<DateTime<Utc>>)>, SyncError> {
    let mut ids = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    let mut page: Option<String> = None;
    loop {
        if !reserve(app, Some(row.id), "playlistItems.list", 1).await? {
            return Err(SyncError::QuotaSpent);
        }
        let mut url = app.settings.google.youtube_api_url.clone();
        url.set_path("/youtube/v3/playlistItems");
        let mut query = vec![
            ("part", "contentDetails"),
            ("playlistId", playlist),
            ("maxResults", "50"),
        ];
        if let Some(token) = page.as_deref() {
            query.push(("pageToken", token));
        }
        let body = match google::get_json(&app.settings.google, url, &query, access).await {
            Ok(body) => body,
            Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
            Err(e) => return provider_failure(e),
        };
        let mut known_reached = false;
        for item in body["items"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let details = &item["contentDetails"];
            let Some(id) = details["videoId"].as_str() else {
                continue;
            };
            let at = details["videoPublishedAt"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            if let (Some(last), Some(at)) = (row.last_content_at, at)
                && at <= last
            {
                known_reached = true;
                continue;
            }
            ids.push(id.to_owned());
            newest = newest.max(at);
        }
        match body["nextPageToken"].as_str() {
            Some(token) if !known_reached => page = Some(token.to_owned()),
            _ => break,
        }
    }
    Ok(Step::Done((ids, newest)))
}

/// `videos.list` for up to 50 ids: title, publication, duration and lifetime statistics, with
/// today's snapshot.
async fn store_videos(
    app: &App,
    row: &PlatformRow,
    access: &SecretString,
    ids: &[String],
    today: NaiveDate,
) -> Result<Step<()>, SyncError> {
    if !reserve(app, Some(row.id), "videos.list", 1).await? {
        return Err(SyncError::QuotaSpent);
    }
    let mut url = app.settings.google.youtube_api_url.clone();
    url.set_path("/youtube/v3/videos");
    let joined = ids.join(",");
    let query = [
        ("part", "snippet,statistics,contentDetails"),
        ("id", joined.as_str()),
        ("maxResults", "50"),
    ];
    let body = match google::get_json(&app.settings.google, url, &query, access).await {
        Ok(body) => body,
        Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
        Err(e) => return provider_failure(e),
    };
    let num = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse::<i64>().ok());
    let mut tx = app.db.begin().await?;
    for item in body["items"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let Some(id) = item["id"].as_str() else {
            continue;
        };
        let content = db::channels::ContentRow {
            external_id: id.to_owned(),
            title: item["snippet"]["title"].as_str().map(str::to_owned),
            published_at: item["snippet"]["publishedAt"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc)),
            duration_seconds: item["contentDetails"]["duration"]
                .as_str()
                .and_then(iso_duration_seconds),
            views: num(&item["statistics"]["viewCount"]),
            likes: num(&item["statistics"]["likeCount"]),
            comments: num(&item["statistics"]["commentCount"]),
            shares: None,
        };
        db::channels::upsert_content(&mut tx, row.id, &content, today).await?;
    }
    tx.commit().await?;
    Ok(Step::Done(()))
}

/// The Analytics top-videos report can start no earlier than YouTube itself.
const YOUTUBE_START: (i32, u32, u32) = (2005, 1, 1);

/// Lifetime views, likes and comments of the channel's most viewed videos (YouTube Analytics,
/// `dimensions=video`, at most 200), written onto videos already in `content` with today's
/// snapshot. Costs no Data API units; a failure here is logged and leaves the rest of the sync
/// alone (the day report after it decides about the grant). Returns how many were refreshed.
async fn refresh_older_videos(
    app: &App,
    row: &PlatformRow,
    access: &SecretString,
    channel_start: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<usize, SyncError> {
    let (y, m, d) = YOUTUBE_START;
    let start = channel_start
        .or_else(|| NaiveDate::from_ymd_opt(y, m, d))
        .unwrap_or(today);
    let mut url = app.settings.google.youtube_analytics_api_url.clone();
    url.set_path("/v2/reports");
    let (start_s, end_s) = (start.to_string(), today.to_string());
    let query = [
        ("ids", "channel==MINE"),
        ("startDate", start_s.as_str()),
        ("endDate", end_s.as_str()),
        ("metrics", "views,likes,comments"),
        ("dimensions", "video"),
        ("sort", "-views"),
        ("maxResults", "200"),
    ];
    let videos = match google::get_json(&app.settings.google, url, &query, access).await {
        Ok(report) => match parse_video_report(&report) {
            Ok(videos) => videos,
            Err(e) => {
                tracing::warn!(connection = %row.id, error = %e, "the top-videos report does not parse");
                return Ok(0);
            }
        },
        Err(e) => {
            tracing::warn!(connection = %row.id, error = %e, "the top-videos report failed; older videos keep their numbers");
            return Ok(0);
        }
    };
    let mut refreshed = 0;
    let mut tx = app.db.begin().await?;
    for (id, views, likes, comments) in &videos {
        if db::channels::refresh_content(&mut tx, row.id, id, *views, *likes, *comments, today)
            .await?
        {
            refreshed += 1;
        }
    }
    tx.commit().await?;
    Ok(refreshed)
}

/// A `dimensions=video` report's rows: (video id, views, likes, comments).
pub type VideoTotals = (String, Option<i64>, Option<i64>, Option<i64>);

/// Reads a top-videos `resultTable` by its column headers.
pub fn parse_video_report(report: &serde_json::Value) -> anyhow::Result<Vec<VideoTotals>> {
    let headers: Vec<&str> = report["columnHeaders"]
        .as_array()
        .map(|h| h.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    let col = |name: &str| headers.iter().position(|h| *h == name);
    let video_col =
        col("video").ok_or_else(|| anyhow::anyhow!("the report has no video column"))?;
    let Some(rows) = report["rows"].as_array() else {
        return Ok(Vec::new());
    };
    Ok(rows
        .iter()
        .filter_map(|r| {
            let id = r[video_col].as_str()?.to_owned();
            let num = |name: &str| {
                col(name).and_then(|i| {
                    let v = &r[i];
                    v.as_i64().or_else(|| v.as_f64().map(|f| f.round() as i64))
                })
            };
            Some((id, num("views"), num("likes"), num("comments")))
        })
        .collect())
}

/// `PT1H2M3S` (YouTube's durations) in seconds; days (`P1DT…`) included.
pub fn iso_duration_seconds(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let mut total = 0i64;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += n * match (unit, in_time) {
                    ('D', false) => 86_400,
                    ('W', false) => 604_800,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total)
}

fn provider_failure<T>(e: ProviderError) -> Result<T, SyncError> {
    failure(Provider::YouTube, e)
}

/// A provider call that failed for another reason than a dead grant: 429/5xx/transport → later.
fn failure<T>(provider: Provider, e: ProviderError) -> Result<T, SyncError> {
    match e {
        ProviderError::Unavailable(status) => Err(SyncError::Later(format!(
            "{} answered {status}",
            provider.label()
        ))),
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

/// The access token of a TikTok or Instagram sync: refreshed before the calls when it expires
/// within `ahead`, and at most once more when the provider refuses it; a refused refresh (or a
/// fresh token refused again) is a dead grant.
struct Access {
    provider: Provider,
    token: SecretString,
    /// TikTok's rotating refresh token; Instagram refreshes with the access token itself.
    refresh_token: Option<SecretString>,
    /// The sealed access token as stored when these tokens were read: a different one in the
    /// row means another sync refreshed meanwhile.
    sealed_access: Option<String>,
    refreshed: bool,
}

impl Access {
    async fn open(
        app: &App,
        row: &PlatformRow,
        provider: Provider,
        ahead: Duration,
    ) -> Result<Step<Access>, SyncError> {
        let tokens = open_tokens(&app.keyring, row)
            .map_err(|e| anyhow::anyhow!("connection {} does not open: {e}", row.id))?;
        let now = Utc::now();
        if row.refresh_expires_at.is_some_and(|at| at <= now) {
            return Ok(Step::Dead);
        }
        let Some(token) = tokens.access else {
            return Ok(Step::Dead);
        };
        let mut access = Access {
            provider,
            token,
            refresh_token: tokens.refresh,
            sealed_access: row.access_token.clone(),
            refreshed: false,
        };
        if row.access_expires_at.is_none_or(|at| at <= now + ahead)
            && let Step::Dead = access.refresh(app, row).await?
        {
            return Ok(Step::Dead);
        }
        Ok(Step::Done(access))
    }

    /// Refreshes at the provider and stores the new tokens sealed (TikTok's newest refresh
    /// token replaces the old one). Refreshes of one connection take turns on the row's lock:
    /// TikTok's refresh tokens rotate, so a second refresh with the token the first one
    /// replaced would be refused and look like a dead grant; the second uses the first's tokens.
    async fn refresh(&mut self, app: &App, row: &PlatformRow) -> Result<Step<()>, SyncError> {
        self.refreshed = true;
        let mut tx = app.db.begin().await?;
        let current = db::channels::lock(&mut tx, row.id).await?;
        let Some(current) = current.filter(|c| c.status == "active" && c.source == "oauth") else {
            return Err(SyncError::Later(
                "the connection changed during the sync".into(),
            ));
        };
        if current.access_token != self.sealed_access {
            let tokens = open_tokens(&app.keyring, &current)
                .map_err(|e| anyhow::anyhow!("connection {} does not open: {e}", row.id))?;
            let Some(access) = tokens.access else {
                return Ok(Step::Dead);
            };
            self.token = access;
            self.refresh_token = tokens.refresh;
            self.sealed_access = current.access_token;
            return Ok(Step::Done(()));
        }
        let answer = match self.provider {
            Provider::TikTok => {
                let Some(refresh_token) = &self.refresh_token else {
                    return Ok(Step::Dead);
                };
                crate::clients::tiktok::refresh(&app.settings.tiktok, refresh_token)
                    .await
                    .map(|g| {
                        (
                            g.access_token,
                            g.refresh_token,
                            g.expires_at,
                            g.refresh_expires_at,
                        )
                    })
            }
            Provider::Instagram => {
                crate::clients::instagram::refresh(&app.settings.instagram, &self.token)
                    .await
                    .map(|g| (g.access_token, None, g.expires_at, None))
            }
            Provider::YouTube => {
                return Err(anyhow::anyhow!("YouTube refreshes in sync_youtube").into());
            }
        };
        let (access, refresh, expires_at, refresh_expires_at) = match answer {
            Ok(answer) => answer,
            Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
            Err(e) => return failure(self.provider, e),
        };
        if let Some(refresh) = refresh {
            self.refresh_token = Some(refresh);
        }
        let seal = |t: &SecretString| {
            seal_token(&app.keyring, row.user_id, &row.provider, t.expose_secret())
        };
        // The refresh token is sealed again even when it did not rotate: the row may have moved
        // to another account (linking) since it was sealed.
        let sealed = seal(&access);
        db::channels::update_tokens(
            &mut *tx,
            row.id,
            &sealed,
            self.refresh_token.as_ref().map(seal).as_deref(),
            app.keyring.primary_key_id(),
            expires_at,
            refresh_expires_at,
        )
        .await?;
        tx.commit().await?;
        self.token = access;
        self.sealed_access = Some(sealed);
        Ok(Step::Done(()))
    }

    /// `call` with the token; a refused token is refreshed once and the call tried again.
    async fn call<T, F, Fut>(
        &mut self,
        app: &App,
        row: &PlatformRow,
        call: F,
    ) -> Result<Step<T>, SyncError>
    where
        F: Fn(SecretString) -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        loop {
            match call(self.token.clone()).await {
                Ok(value) => return Ok(Step::Done(value)),
                Err(ProviderError::InvalidGrant(_)) if !self.refreshed => {
                    if let Step::Dead = self.refresh(app, row).await? {
                        return Ok(Step::Dead);
                    }
                }
                Err(ProviderError::InvalidGrant(_)) => return Ok(Step::Dead),
                Err(e) => return failure(self.provider, e),
            }
        }
    }
}

/// Content this recent keeps being fetched (lifetime counts and a daily snapshot) on every sync,
/// so videos can be compared at the same age; older pages are not asked again.
const CONTENT_REFRESH_DAYS: i64 = 30;

/// A bound on pages per sync, against a provider that keeps answering "more".
const MAX_CONTENT_PAGES: usize = 100;

/// The first line of a caption or description, shortened, as a title.
fn title_from(text: Option<&str>) -> Option<String> {
    let line = text?.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut title: String = line.chars().take(150).collect();
    if title.len() < line.len() {
        title.push('…');
    }
    Some(title)
}

/// Whether paging can stop: the page reached content published before the refresh window
/// behind the newest content already seen.
fn reached_known(row: &PlatformRow, published: Option<DateTime<Utc>>) -> bool {
    match (row.last_content_at, published) {
        (Some(last), Some(at)) => at < last - Duration::days(CONTENT_REFRESH_DAYS),
        _ => false,
    }
}
