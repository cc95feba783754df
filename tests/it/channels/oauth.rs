//! The YouTube connect round trip and its sync against a fake Google (OAuth token endpoint,
//! YouTube Data `channels`, YouTube Analytics `reports`) served on 127.0.0.1 inside the test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use creatorpilot::bot::{Button, Platform};
use creatorpilot::domain::consent::POLICY_VERSION;
use serde_json::json;

use super::{Web, count, drain, say, serve, web_app};
use crate::support::app_with;

#[derive(Default)]
pub(super) struct Fake {
    /// Every form the token endpoint received.
    pub(super) token_forms: Mutex<Vec<HashMap<String, String>>>,
    /// Data and Analytics API calls, by path.
    pub(super) api_calls: Mutex<Vec<String>>,
    /// The grant was revoked: refreshes answer invalid_grant.
    pub(super) revoked: Mutex<bool>,
    /// Tokens the revoke endpoint received.
    pub(super) revoke_requests: Mutex<Vec<String>>,
    /// The revoke endpoint answers 503.
    pub(super) revoke_down: Mutex<bool>,
    /// The token endpoint answers 500 to code exchanges.
    pub(super) token_down: Mutex<bool>,
    /// Queries of the top-videos report (`dimensions=video`).
    pub(super) video_reports: Mutex<Vec<HashMap<String, String>>>,
    /// Added to vid1's lifetime views in the top-videos report.
    pub(super) vid1_more_views: Mutex<i64>,
}

impl Fake {
    pub(super) fn forms(&self, grant_type: &str) -> Vec<HashMap<String, String>> {
        self.token_forms
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.get("grant_type").map(String::as_str) == Some(grant_type))
            .cloned()
            .collect()
    }
    pub(super) fn api_calls(&self) -> usize {
        self.api_calls.lock().unwrap().len()
    }
}

fn bearer_ok(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer ya29.FAKE-ACCESS-"))
}

async fn token(State(f): State<Arc<Fake>>, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    f.token_forms.lock().unwrap().push(form.clone());
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") if *f.token_down.lock().unwrap() => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Some("authorization_code") => axum::Json(json!({
            "access_token": "ya29.FAKE-ACCESS-1",
            "expires_in": 3599,
            "refresh_token": "1//FAKE-REFRESH-1",
            "scope": "https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/yt-analytics.readonly",
            "token_type": "Bearer"
        }))
        .into_response(),
        Some("refresh_token") if *f.revoked.lock().unwrap() => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked."
            })),
        )
            .into_response(),
        Some("refresh_token") => axum::Json(json!({
            "access_token": "ya29.FAKE-ACCESS-2",
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/yt-analytics.readonly",
            "token_type": "Bearer"
        }))
        .into_response(),
        _ => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "unsupported_grant_type" })),
        )
            .into_response(),
    }
}

async fn channels(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.api_calls.lock().unwrap().push("channels".into());
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    assert_eq!(q.get("mine").map(String::as_str), Some("true"));
    assert_eq!(
        q.get("part").map(String::as_str),
        Some("snippet,statistics,contentDetails")
    );
    axum::Json(json!({
        "kind": "youtube#channelListResponse",
        "etag": "x",
        "pageInfo": { "totalResults": 1, "resultsPerPage": 5 },
        "items": [{
            "kind": "youtube#channel",
            "etag": "y",
            "id": "UC_fake_channel_42",
            "snippet": { "title": "Lena Cooks", "description": "", "publishedAt": "2020-01-01T00:00:00Z" },
            "contentDetails": { "relatedPlaylists": { "likes": "", "uploads": "UU_fake_channel_42" } },
            "statistics": { "viewCount": "123456", "subscriberCount": "5400", "hiddenSubscriberCount": false, "videoCount": "40" }
        }]
    }))
    .into_response()
}

async fn reports(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.api_calls.lock().unwrap().push("reports".into());
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    assert_eq!(q.get("ids").map(String::as_str), Some("channel==MINE"));
    let h = |name: &str, t: &str, d: &str| json!({ "name": name, "columnType": t, "dataType": d });
    if q.get("dimensions").map(String::as_str) == Some("video") {
        f.video_reports.lock().unwrap().push(q.clone());
        let vid1 = 5000 + *f.vid1_more_views.lock().unwrap();
        // Lifetime totals, most viewed first; vid2 lags behind what videos.list said, and
        // vid_gone is not one the sync has seen.
        return axum::Json(json!({
            "kind": "youtubeAnalytics#resultTable",
            "columnHeaders": [
                h("video", "DIMENSION", "STRING"),
                h("views", "METRIC", "INTEGER"),
                h("likes", "METRIC", "INTEGER"),
                h("comments", "METRIC", "INTEGER")
            ],
            "rows": [["vid1", vid1, 40, 6], ["vid_gone", 999, 9, 9], ["vid2", 150, 5, 1]]
        }))
        .into_response();
    }
    assert_eq!(q.get("dimensions").map(String::as_str), Some("day"));
    // Two days only: the later ones are not reported yet (Analytics lags).
    axum::Json(json!({
        "kind": "youtubeAnalytics#resultTable",
        "columnHeaders": [
            h("day", "DIMENSION", "STRING"),
            h("views", "METRIC", "INTEGER"),
            h("estimatedMinutesWatched", "METRIC", "INTEGER"),
            h("subscribersGained", "METRIC", "INTEGER"),
            h("subscribersLost", "METRIC", "INTEGER"),
            h("likes", "METRIC", "INTEGER"),
            h("comments", "METRIC", "INTEGER"),
            h("shares", "METRIC", "INTEGER")
        ],
        "rows": [
            ["2026-11-01", 1200, 3400, 12, 2, 80, 9, 4],
            ["2026-11-02", 900, 2500, 7, 1, 60, 5, 2]
        ]
    }))
    .into_response()
}

async fn playlist_items(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.api_calls.lock().unwrap().push("playlistItems".into());
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    assert_eq!(
        q.get("playlistId").map(String::as_str),
        Some("UU_fake_channel_42")
    );
    let item = |id: &str, at: &str| {
        json!({ "kind": "youtube#playlistItem", "etag": "e", "id": format!("PI_{id}"),
                "contentDetails": { "videoId": id, "videoPublishedAt": at } })
    };
    // Newest first, as YouTube lists uploads; the second page is only asked on the first sync.
    match q.get("pageToken").map(String::as_str) {
        None => axum::Json(json!({
            "kind": "youtube#playlistItemListResponse",
            "nextPageToken": "PAGE2",
            "pageInfo": { "totalResults": 3, "resultsPerPage": 2 },
            "items": [item("vid3", "2026-11-03T10:00:00Z"), item("vid2", "2026-11-02T10:00:00Z")]
        }))
        .into_response(),
        Some(_) => axum::Json(json!({
            "kind": "youtube#playlistItemListResponse",
            "pageInfo": { "totalResults": 3, "resultsPerPage": 2 },
            "items": [item("vid1", "2026-10-01T10:00:00Z")]
        }))
        .into_response(),
    }
}

async fn videos(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.api_calls.lock().unwrap().push("videos".into());
    if !bearer_ok(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let items: Vec<serde_json::Value> = q["id"]
        .split(',')
        .enumerate()
        .map(|(i, id)| {
            json!({ "kind": "youtube#video", "etag": "e", "id": id,
                    "snippet": { "title": format!("Recipe {id}"), "publishedAt": "2026-11-01T10:00:00Z" },
                    "contentDetails": { "duration": "PT4M13S" },
                    "statistics": { "viewCount": format!("{}", 100 * (i + 1)), "likeCount": "10", "favoriteCount": "0", "commentCount": "3" } })
        })
        .collect();
    axum::Json(json!({ "kind": "youtube#videoListResponse", "items": items })).into_response()
}

/// Google's revocation endpoint: `token` in a form body; 200 with an empty body.
async fn revoke(State(f): State<Arc<Fake>>, body: String) -> Response {
    if *f.revoke_down.lock().unwrap() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    f.revoke_requests
        .lock()
        .unwrap()
        .push(form.get("token").cloned().unwrap_or_default());
    StatusCode::OK.into_response()
}

fn video_calls(f: &Fake) -> usize {
    f.api_calls
        .lock()
        .unwrap()
        .iter()
        .filter(|c| *c == "videos")
        .count()
}

async fn fake_google() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    let router = Router::new()
        .route("/token", post(token))
        .route("/revoke", post(revoke))
        .route("/youtube/v3/channels", get(channels))
        .route("/v2/reports", get(reports))
        .route("/youtube/v3/playlistItems", get(playlist_items))
        .route("/youtube/v3/videos", get(videos))
        .with_state(fake.clone());
    (fake, serve(router).await)
}

/// The app with its web endpoint (`Web`) and the fake Google.
pub(super) struct Harness {
    web: Web,
    pub(super) fake: Arc<Fake>,
}

impl std::ops::Deref for Harness {
    type Target = Web;
    fn deref(&self) -> &Web {
        &self.web
    }
}

async fn harness() -> Harness {
    harness_with(&[]).await
}

/// The harness with more settings (e.g. `YOUTUBE_DAILY_QUOTA`).
pub(super) async fn harness_with(extra: &[(&str, &str)]) -> Harness {
    let (fake, google) = fake_google().await;
    let (auth, token, revoke) = (
        format!("{google}/auth"),
        format!("{google}/token"),
        format!("{google}/revoke"),
    );
    let mut vars = vec![
        ("GOOGLE_CLIENT_ID", "id"),
        ("GOOGLE_CLIENT_SECRET", "s"),
        ("GOOGLE_AUTH_URL", &auth),
        ("GOOGLE_TOKEN_URL", &token),
        ("GOOGLE_REVOKE_URL", &revoke),
        ("YOUTUBE_API_URL", &google),
        ("YOUTUBE_ANALYTICS_API_URL", &google),
    ];
    vars.extend_from_slice(extra);
    let web = web_app(&vars).await;
    Harness { web, fake }
}

/// `/connect youtube` as `user`: the consent URL's query.
pub(super) async fn connect(h: &Harness, user: &str) -> HashMap<String, String> {
    h.consent(user, "youtube").await
}

pub(super) async fn callback(h: &Harness, provider: &str, query: &str) -> (u16, String) {
    h.callback(provider, query).await
}

pub(super) async fn enqueue_sync(h: &Harness, key: &str) {
    super::enqueue_sync(&h.t, "youtube", key).await;
}

/// Connect, replay, sync twice, then the grant dies: one message, and syncing stops.
#[tokio::test]
async fn youtube_round_trip_sync_and_revocation() {
    let h = harness().await;
    let q = connect(&h, "u1").await;
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "id");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert_eq!(
        q["redirect_uri"],
        format!("{}/oauth/youtube/callback", h.public)
    );
    let scopes: Vec<&str> = q["scope"].split(' ').collect();
    assert!(scopes.contains(&"https://www.googleapis.com/auth/youtube.readonly"));
    assert!(scopes.contains(&"https://www.googleapis.com/auth/yt-analytics.readonly"));
    let state = q["state"].clone();
    assert!(state.len() >= 32);
    // The verifier is sealed in the state row, never stored as sent.
    let sealed: String = sqlx::query_scalar("SELECT pkce_verifier FROM oauth_states")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert!(sealed.len() > 60);

    let (status, page) = callback(&h, "youtube", &format!("code=CODE-1&state={state}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Lena Cooks"), "{page}");

    // PKCE: the verifier sent matches the challenge of the consent URL.
    let exchanges = h.fake.forms("authorization_code");
    assert_eq!(exchanges.len(), 1);
    let verifier = exchanges[0]["code_verifier"].clone();
    assert_eq!(exchanges[0]["code"], "CODE-1");
    assert_eq!(
        exchanges[0]["redirect_uri"],
        format!("{}/oauth/youtube/callback", h.public)
    );
    let challenge = oauth2::PkceCodeChallenge::from_code_verifier_sha256(
        &oauth2::PkceCodeVerifier::new(verifier),
    );
    assert_eq!(challenge.as_str(), q["code_challenge"]);

    // Stored with tokens sealed: the raw columns hold no plaintext token.
    let (access, refresh, name, status_col): (String, String, String, String) = sqlx::query_as(
        "SELECT access_token, refresh_token, display_name, status FROM platforms
         WHERE provider = 'youtube' AND source = 'oauth'",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert!(!access.contains("FAKE-ACCESS") && !refresh.contains("FAKE-REFRESH"));
    assert_eq!(
        (name.as_str(), status_col.as_str()),
        ("Lena Cooks", "active")
    );
    let dump: String = sqlx::query_scalar("SELECT row_to_json(p)::text FROM platforms p")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert!(!dump.contains("FAKE-"), "{dump}");
    assert_eq!(count(&h.t, "SELECT count(*) FROM oauth_states").await, 0);

    // The chat it came from is told.
    {
        let sent = h.sent.0.lock().unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "u1");
        assert!(
            sent[0].1.contains("YouTube connected: Lena Cooks"),
            "{sent:?}"
        );
    }

    // Replayed state: refused, nothing changes.
    let (status, _) = callback(&h, "youtube", &format!("code=CODE-1&state={state}")).await;
    assert_eq!(status, 400);
    assert_eq!(h.fake.forms("authorization_code").len(), 1);
    assert_eq!(h.sent.0.lock().unwrap().len(), 1);
    // Forged state and no state at all.
    assert_eq!(callback(&h, "youtube", "code=X&state=forged").await.0, 400);
    assert_eq!(callback(&h, "youtube", "code=X").await.0, 400);
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 1);

    // The first sync was queued: it writes the reported days and today's follower total.
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE kind = 'sync_channel'"
        )
        .await,
        1
    );
    drain(&h.t).await;
    let days = "SELECT count(*) FROM analytics";
    assert_eq!(count(&h.t, days).await, 3);
    let (views, minutes, gained, lost, likes, comments, shares): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT views, watch_minutes, subscribers_gained, subscribers_lost, likes, comments, shares
         FROM analytics WHERE day = '2026-11-01'",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (views, minutes, gained, lost, likes, comments, shares),
        (1200, 3400, 12, 2, 80, 9, 4)
    );
    let (followers, today_views): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT followers, views FROM analytics WHERE day = (now() AT TIME ZONE 'UTC')::date",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    // Today is not reported yet: unknown, not 0.
    assert_eq!((followers, today_views), (Some(5400), None));
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE last_sync_at IS NOT NULL"
        )
        .await,
        1
    );
    // Uploads: every page on the first sync, one videos.list, content and today's snapshots.
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);
    assert_eq!(
        count(&h.t, "SELECT count(*) FROM content_snapshots").await,
        3
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT duration_seconds FROM content WHERE external_id = 'vid3'"
        )
        .await,
        253
    );
    assert_eq!(video_calls(&h.fake), 1);

    // The daily schedule queues one sync per connection and day; running it again changes
    // nothing (upserts).
    creatorpilot::jobs::tick(&h.t.app).await.unwrap();
    creatorpilot::jobs::tick(&h.t.app).await.unwrap();
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE kind = 'sync_channel'"
        )
        .await,
        2
    );
    drain(&h.t).await;
    assert_eq!(count(&h.t, days).await, 3);
    // Nothing new uploaded: one playlist page, no videos.list.
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);
    assert_eq!(video_calls(&h.fake), 1);
    assert_eq!(
        count(&h.t, "SELECT views FROM analytics WHERE day = '2026-11-02'").await,
        900
    );

    // Quota: one Data API unit per channels.list (callback + two syncs), shared and per connection.
    assert_eq!(
        count(
            &h.t,
            "SELECT sum(units)::bigint FROM provider_calls WHERE endpoint = 'channels.list'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT units_used FROM provider_quota WHERE provider = 'youtube'"
        )
        .await,
        // callback 1; first sync 4 (channels, 2 playlist pages, videos); routine sync 2.
        7
    );

    // The shared daily budget is never passed: a sync that would pass it waits, calls nothing.
    sqlx::query("UPDATE provider_quota SET units_used = 10000")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let calls = h.fake.api_calls();
    enqueue_sync(&h, "test-budget").await;
    drain(&h.t).await;
    assert_eq!(h.fake.api_calls(), calls);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE dedupe_key = 'test-budget' AND status = 'queued'"
        )
        .await,
        1
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM provider_calls").await, 7);
    sqlx::query("UPDATE provider_quota SET units_used = 7")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM jobs WHERE dedupe_key = 'test-budget'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();

    // An expired access token is refreshed before the calls.
    sqlx::query("UPDATE platforms SET access_expires_at = now() - interval '1 hour'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    enqueue_sync(&h, "test-refresh").await;
    drain(&h.t).await;
    assert_eq!(h.fake.forms("refresh_token").len(), 1);
    let access_after: String = sqlx::query_scalar("SELECT access_token FROM platforms")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert_ne!(access_after, access);
    assert!(!access_after.contains("FAKE"));

    // The grant is revoked at Google: one polite message, the connection is marked, no retries.
    *h.fake.revoked.lock().unwrap() = true;
    sqlx::query("UPDATE platforms SET access_expires_at = now() - interval '1 hour'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    enqueue_sync(&h, "test-revoked-1").await;
    drain(&h.t).await;
    assert_eq!(h.fake.forms("refresh_token").len(), 2);
    {
        let sent = h.sent.0.lock().unwrap();
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert!(sent[1].1.contains("/connect youtube"), "{sent:?}");
    }
    // Its button offers a fresh consent link in that chat.
    let button = h
        .sent
        .1
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a reconnect button");
    let r = crate::engine::press(&h.t, "u1", &button).await;
    let links = r
        .replies
        .lock()
        .unwrap()
        .iter()
        .flat_map(|reply| reply.buttons.clone())
        .filter(
            |b| matches!(b, Button::Link { url, .. } if url.contains("code_challenge_method=S256")),
        )
        .count();
    assert_eq!(links, 1, "{:?}", r.texts());
    sqlx::query("DELETE FROM oauth_states")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE status = 'needs_reconnect'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE kind = 'sync_channel' AND status <> 'done'"
        )
        .await,
        0
    );
    // Later runs call nothing and say nothing; the daily schedule skips it.
    let calls = h.fake.api_calls();
    enqueue_sync(&h, "test-revoked-2").await;
    drain(&h.t).await;
    assert_eq!(h.fake.api_calls(), calls);
    assert_eq!(h.fake.forms("refresh_token").len(), 2);
    assert_eq!(h.sent.0.lock().unwrap().len(), 2);
    assert!(
        creatorpilot::db::channels::sync_targets(&h.t.db.pool, POLICY_VERSION)
            .await
            .unwrap()
            .is_empty()
    );
}

/// An expired or mismatched state is refused without calling Google; nothing is stored.
#[tokio::test]
async fn expired_and_mismatched_states_change_nothing() {
    let h = harness().await;
    let state = connect(&h, "u2").await["state"].clone();
    sqlx::query("UPDATE oauth_states SET expires_at = now() - interval '1 minute'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let (status, page) = callback(&h, "youtube", &format!("code=C&state={state}")).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("expired") && page.contains("expiré"),
        "{page}"
    );

    let state = connect(&h, "u2").await["state"].clone();
    assert_eq!(
        callback(&h, "tiktok", &format!("code=C&state={state}"))
            .await
            .0,
        400
    );
    assert_eq!(callback(&h, "nowhere", "code=C&state=x").await.0, 404);
    // The user said no at Google.
    let state = connect(&h, "u2").await["state"].clone();
    assert_eq!(
        callback(&h, "youtube", &format!("error=access_denied&state={state}"))
            .await
            .0,
        400
    );
    assert!(h.fake.token_forms.lock().unwrap().is_empty());
    assert_eq!(h.fake.api_calls(), 0);
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert!(h.sent.0.lock().unwrap().is_empty());

    // Expired states are purged by the hourly cleanup; live ones stay.
    connect(&h, "u2").await;
    connect(&h, "u2").await;
    sqlx::query(
        "UPDATE oauth_states SET expires_at = now() - interval '1 minute'
         WHERE state = (SELECT state FROM oauth_states LIMIT 1)",
    )
    .execute(&h.t.db.pool)
    .await
    .unwrap();
    creatorpilot::jobs::tick(&h.t.app).await.unwrap();
    drain(&h.t).await;
    assert_eq!(count(&h.t, "SELECT count(*) FROM oauth_states").await, 1);
}

/// `/metrics` follows the connect funnel: started, failed when Google answers 500 (and the
/// provider/status error counter moves), completed once Google answers again.
#[tokio::test]
async fn connect_flows_and_provider_errors_are_counted() {
    use crate::web::{scrape, series};
    let h = harness().await;
    let google_500 = r#"creatorpilot_external_api_errors_total{provider="google",status="500"}"#;
    let flows = |stage: &str| {
        format!(r#"creatorpilot_connect_flows_total{{provider="youtube",stage="{stage}"}}"#)
    };
    let before = scrape(&h.t.app).await;

    *h.fake.token_down.lock().unwrap() = true;
    let state = connect(&h, "u9").await["state"].clone();
    let (status, _) = callback(&h, "youtube", &format!("code=C&state={state}")).await;
    assert!(status >= 400);
    let failed = scrape(&h.t.app).await;
    assert_eq!(series(&failed, &flows("started")), 1.0, "{failed}");
    assert_eq!(series(&failed, &flows("failed")), 1.0, "{failed}");
    assert_eq!(series(&failed, &flows("completed")), 0.0, "{failed}");
    // Process-wide counter (other tests may add to it): it moved by at least this failure.
    assert!(
        series(&failed, google_500) >= series(&before, google_500) + 1.0,
        "{failed}"
    );

    *h.fake.token_down.lock().unwrap() = false;
    let state = connect(&h, "u9").await["state"].clone();
    let (status, page) = callback(&h, "youtube", &format!("code=C&state={state}")).await;
    assert_eq!(status, 200, "{page}");
    let done = scrape(&h.t.app).await;
    assert_eq!(series(&done, &flows("started")), 2.0, "{done}");
    assert_eq!(series(&done, &flows("completed")), 1.0, "{done}");
    assert_eq!(series(&done, &flows("failed")), 1.0, "{done}");
    // Codes and states never become label values.
    assert!(!done.contains(&state), "{done}");
}

/// No credentials: each provider says so and points to manual entry; nothing is stored.
#[tokio::test]
async fn unconfigured_providers_point_to_manual_entry() {
    let t = app_with(&[]).await;
    for (provider, label) in [
        ("youtube", "YouTube"),
        ("tiktok", "TikTok"),
        ("instagram", "Instagram"),
    ] {
        let r = say(&t, "u3", &format!("/connect {provider}")).await;
        let text = r.texts().join("\n");
        assert!(
            text.contains(&format!("{label} connections are not set up"))
                && text.contains("/stats add"),
            "{text}"
        );
    }
    let r = say(&t, "u3", "/language fr").await;
    drop(r);
    let r = say(&t, "u3", "/connect tiktok").await;
    let text = r.texts().join("\n");
    assert!(text.contains("ne sont pas configurées"), "{text}");
    assert_eq!(count(&t, "SELECT count(*) FROM oauth_states").await, 0);
}

/// The free plan connects one provider: a second is refused before the consent page, and again
/// at the callback when another connection was made since the link was given; a reconnect of the
/// provider already connected is not a new connection.
#[tokio::test]
async fn the_plan_limits_connected_platforms_before_and_after_consent() {
    let h = harness().await;
    // A consent link while nothing is connected yet…
    let q = connect(&h, "u1").await;
    // …then TikTok gets connected (another chat, another tab) before YouTube comes back.
    sqlx::query(
        "INSERT INTO platforms (user_id, provider, source, external_id, display_name)
         SELECT user_id, 'tiktok', 'oauth', 'open-id', 'Cooking on TikTok'
         FROM chat_identities WHERE external_id = 'u1'",
    )
    .execute(&h.t.db.pool)
    .await
    .unwrap();
    let refusal = "Your Free plan connects one platform through their accounts, and it is in \
                   use. Disconnect one with /disconnect, add this one's numbers by hand with \
                   /stats add or /import, or move to the Creator plan for 3: see /plan.";
    let (status, page) = callback(&h, "youtube", &format!("code=c&state={}", q["state"])).await;
    assert_eq!(status, 403);
    assert!(
        page.contains("Your Free plan connects one platform"),
        "{page}"
    );
    assert_eq!(h.sent_texts(), vec![refusal.to_owned()]);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE provider = 'youtube'"
        )
        .await,
        0,
        "nothing stored"
    );

    // Asked again: refused at once, no consent link.
    let r = say(&h.t, "u1", "/connect youtube").await;
    assert_eq!(r.texts(), vec![refusal.to_owned()]);
    assert!(r.replies.lock().unwrap()[0].buttons.is_empty());
    // A paid plan has room for more.
    sqlx::query("UPDATE users SET plan = 'creator'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    h.consent("u1", "youtube").await;
    // Back on the free plan, reconnecting the one provider connected is offered: it replaces
    // the connection rather than adding one.
    for sql in [
        "UPDATE users SET plan = 'free'",
        "UPDATE platforms SET provider = 'youtube', status = 'needs_reconnect'",
    ] {
        sqlx::query(sql).execute(&h.t.db.pool).await.unwrap();
    }
    h.consent("u1", "youtube").await;
}

/// After a downgrade, connections beyond the plan's count (the newest first) stop syncing with
/// one message, keep their numbers, and sync again once the plan has room.
#[tokio::test]
async fn connections_beyond_the_plan_after_a_downgrade_stop_syncing_and_keep_their_numbers() {
    let h = harness().await;
    let q = connect(&h, "u1").await;
    let (status, page) = callback(&h, "youtube", &format!("code=c&state={}", q["state"])).await;
    assert_eq!(status, 200, "{page}");
    drain(&h.t).await;
    // A TikTok connection made on the Creator plan, with a day of numbers; then back to free.
    sqlx::query(
        "INSERT INTO platforms (user_id, provider, source, external_id, display_name, created_at)
         SELECT user_id, 'tiktok', 'oauth', 'open-id', 'Lena on TikTok', now() + interval '1 s'
         FROM platforms WHERE provider = 'youtube'",
    )
    .execute(&h.t.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO analytics (platform_id, day, views, source)
         SELECT id, current_date - 1, 420, 'api' FROM platforms WHERE provider = 'tiktok'",
    )
    .execute(&h.t.db.pool)
    .await
    .unwrap();
    let before = h.sent_texts().len();

    for key in ["day-1", "day-2"] {
        super::enqueue_sync(&h.t, "tiktok", key).await;
        drain(&h.t).await;
    }
    let told: Vec<String> = h.sent_texts()[before..].to_vec();
    assert_eq!(
        told,
        vec![
            "Your Free plan syncs one platform through their accounts, so I stopped syncing \
             TikTok. Its numbers so far are kept and still show in /stats. Move to the Creator \
             plan (3 platforms) with /upgrade, or disconnect another platform with /disconnect, \
             to sync TikTok again."
        ],
        "told once"
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM analytics a JOIN platforms p ON p.id = a.platform_id
             WHERE p.provider = 'tiktok' AND a.views = 420"
        )
        .await,
        1,
        "numbers kept"
    );
    // /sync says so too, and the older YouTube connection still syncs.
    let r = say(&h.t, "u1", "/sync").await;
    let summary = r.replies.lock().unwrap().last().unwrap().blocks.join("\n");
    assert!(
        summary.contains("TikTok: not synced, because your plan syncs one platform"),
        "{summary}"
    );
    assert!(summary.contains("YouTube: "), "{summary}");
    assert!(!summary.contains("YouTube: not synced"), "{summary}");
}

/// Nothing is synced for an account that has not accepted the policy in force: its connection's
/// sync jobs end without a call to Google, until it accepts.
#[tokio::test]
async fn a_gated_account_is_not_synced_until_it_accepts_the_policy() {
    let h = harness().await;
    let q = connect(&h, "u1").await;
    // The policy changes between the consent and Google's return.
    sqlx::query("UPDATE consents SET policy_version = 0 WHERE scope = 'policy'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let (status, page) =
        callback(&h, "youtube", &format!("code=CODE-1&state={}", q["state"])).await;
    assert_eq!(status, 200, "{page}");
    // The callback reads the channel's name; the sync would read its numbers.
    let connected = h.fake.api_calls();
    drain(&h.t).await;
    assert_eq!(h.fake.api_calls(), connected);
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 0);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE kind = 'sync_channel' AND status = 'done'"
        )
        .await,
        1
    );
    // The daily schedule leaves it out; a sync queued before the change does nothing either.
    let targets = || creatorpilot::db::channels::sync_targets(&h.t.db.pool, POLICY_VERSION);
    assert!(targets().await.unwrap().is_empty());
    enqueue_sync(&h, "gated-day-2").await;
    drain(&h.t).await;
    assert_eq!(h.fake.api_calls(), connected);

    crate::support::accept_policy(&h.t.db.pool, Platform::Telegram, "u1").await;
    assert_eq!(targets().await.unwrap().len(), 1);
    enqueue_sync(&h, "accepted").await;
    drain(&h.t).await;
    assert!(h.fake.api_calls() > connected);
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 3);
}
