//! The TikTok connect round trip and its sync against a fake TikTok (Login Kit v2 token and
//! revoke endpoints, Display API `user/info` and `video/list` with TikTok's envelope) served on
//! 127.0.0.1 inside the test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use secrecy::SecretString;
use serde_json::json;

use creatorpilot::bot::Button;

use super::{Web, count, drain, enqueue_sync, say, serve, web_app};

struct Fake {
    /// Every form the token endpoint received.
    token_forms: Mutex<Vec<HashMap<String, String>>>,
    revoke_forms: Mutex<Vec<HashMap<String, String>>>,
    /// Display API calls: path and cursor asked.
    api_calls: Mutex<Vec<(String, Option<i64>)>>,
    /// Tokens issued so far; only the latest pair is valid (refresh tokens rotate).
    issued: Mutex<u32>,
    /// The creator removed the app: every token is refused.
    revoked: Mutex<bool>,
    /// `video/list` answers 429 `rate_limit_exceeded`.
    busy: Mutex<bool>,
    /// The token endpoint takes its time to answer a refresh.
    slow_refresh: Mutex<bool>,
    followers: Mutex<i64>,
    /// The scopes the creator left ticked.
    granted: Mutex<&'static str>,
    /// The videos' create_time base (now).
    now: i64,
}

impl Fake {
    fn forms(&self, grant_type: &str) -> Vec<HashMap<String, String>> {
        self.token_forms
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.get("grant_type").map(String::as_str) == Some(grant_type))
            .cloned()
            .collect()
    }
    fn calls(&self, path: &str) -> usize {
        self.api_calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .count()
    }
    fn access(&self) -> String {
        format!("act.FAKE-ACCESS-{}", self.issued.lock().unwrap())
    }
    fn refresh(&self) -> String {
        format!("rft.FAKE-REFRESH-{}", self.issued.lock().unwrap())
    }
    fn issue(&self) -> Response {
        *self.issued.lock().unwrap() += 1;
        axum::Json(json!({
            "access_token": self.access(),
            "expires_in": 86400,
            "open_id": "-000OpenIdLena",
            "refresh_expires_in": 31536000,
            "refresh_token": self.refresh(),
            "scope": *self.granted.lock().unwrap(),
            "token_type": "Bearer"
        }))
        .into_response()
    }
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn token_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(
            json!({ "error": error, "error_description": description, "log_id": "20261204LOG" }),
        ),
    )
        .into_response()
}

async fn token(State(f): State<Arc<Fake>>, body: String) -> Response {
    let form = form(&body);
    f.token_forms.lock().unwrap().push(form.clone());
    if form.get("client_key").map(String::as_str) != Some("ck-fake")
        || form.get("client_secret").map(String::as_str) != Some("cs-fake")
    {
        return token_error("invalid_client", "Client key or secret is incorrect.");
    }
    let slow = *f.slow_refresh.lock().unwrap();
    if slow && form.get("grant_type").map(String::as_str) == Some("refresh_token") {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") if form["code"] == "CODE-TT" => f.issue(),
        Some("authorization_code") => {
            token_error("invalid_grant", "Authorization code is expired.")
        }
        Some("refresh_token")
            if !*f.revoked.lock().unwrap() && form["refresh_token"] == f.refresh() =>
        {
            f.issue()
        }
        Some("refresh_token") => {
            token_error("invalid_grant", "Refresh token is invalid or expired.")
        }
        _ => token_error("invalid_request", "grant_type"),
    }
}

async fn revoke(State(f): State<Arc<Fake>>, body: String) -> Response {
    f.revoke_forms.lock().unwrap().push(form(&body));
    axum::Json(json!({})).into_response()
}

/// TikTok's envelope around `data`, or its error with an empty `data`.
fn envelope(data: serde_json::Value) -> Response {
    axum::Json(json!({
        "data": data,
        "error": { "code": "ok", "message": "", "log_id": "20261204LOG" }
    }))
    .into_response()
}

/// The refusal TikTok sends for a token that is not the latest issued (or any, once revoked).
fn refused(f: &Fake, headers: &HeaderMap) -> Option<Response> {
    let expected = format!("Bearer {}", f.access());
    let given = headers.get("authorization").and_then(|v| v.to_str().ok());
    if !*f.revoked.lock().unwrap() && given == Some(expected.as_str()) {
        return None;
    }
    Some(
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({
                "data": {},
                "error": {
                    "code": "access_token_invalid",
                    "message": "The access token is invalid or not found in the request.",
                    "log_id": "20261204LOG"
                }
            })),
        )
            .into_response(),
    )
}

async fn user_info(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    f.api_calls.lock().unwrap().push(("user/info".into(), None));
    if let Some(refusal) = refused(&f, &headers) {
        return refusal;
    }
    assert_eq!(
        q["fields"],
        "open_id,display_name,follower_count,likes_count,video_count"
    );
    envelope(json!({ "user": {
        "open_id": "-000OpenIdLena",
        "display_name": "Lena on TikTok",
        "follower_count": *f.followers.lock().unwrap(),
        "likes_count": 98000,
        "video_count": 5
    } }))
}

async fn video_list(
    State(f): State<Arc<Fake>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let cursor = body["cursor"].as_i64();
    f.api_calls
        .lock()
        .unwrap()
        .push(("video/list".into(), cursor));
    if let Some(refusal) = refused(&f, &headers) {
        return refusal;
    }
    if *f.busy.lock().unwrap() {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({
                "data": {},
                "error": { "code": "rate_limit_exceeded", "message": "Too many requests.", "log_id": "L" }
            })),
        )
            .into_response();
    }
    assert!(q["fields"].starts_with("id,title,video_description,create_time,duration,view_count"));
    assert_eq!(body["max_count"], 20);
    let day = 86_400;
    let video = |id: &str, title: &str, days_ago: i64, views: i64| {
        json!({
            "id": id, "title": title, "video_description": format!("{id} description\n#food"),
            "create_time": f.now - days_ago * day, "duration": 31,
            "view_count": views, "like_count": views / 10, "comment_count": 4, "share_count": 2,
            "embed_link": "https://www.tiktok.com/embed/v2/x"
        })
    };
    // Newest first, 2 a page here (TikTok gives up to max_count).
    let (videos, next, more) = match cursor {
        None => (
            vec![
                video("tt5", "Pasta in 30s", 1, 5000),
                video("tt4", "", 2, 4000),
            ],
            1_764_800_000_000_i64,
            true,
        ),
        Some(1_764_800_000_000) => (
            vec![
                video("tt3", "Knife skills", 5, 3000),
                video("tt2", "Old one", 40, 2000),
            ],
            1_764_700_000_000,
            true,
        ),
        Some(_) => (vec![video("tt1", "First video", 100, 1000)], 0, false),
    };
    envelope(json!({ "videos": videos, "cursor": next, "has_more": more }))
}

async fn fake_tiktok() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake {
        token_forms: Mutex::default(),
        revoke_forms: Mutex::default(),
        api_calls: Mutex::default(),
        issued: Mutex::new(0),
        revoked: Mutex::new(false),
        busy: Mutex::new(false),
        slow_refresh: Mutex::new(false),
        followers: Mutex::new(1200),
        granted: Mutex::new("user.info.basic,user.info.stats,video.list"),
        now: Utc::now().timestamp(),
    });
    let router = Router::new()
        .route("/v2/oauth/token/", post(token))
        .route("/v2/oauth/revoke/", post(revoke))
        .route("/v2/user/info/", get(user_info))
        .route("/v2/video/list/", post(video_list))
        .with_state(fake.clone());
    (fake, serve(router).await)
}

async fn harness() -> (Web, Arc<Fake>) {
    let (fake, tt) = fake_tiktok().await;
    let web = web_app(&[
        ("TIKTOK_CLIENT_KEY", "ck-fake"),
        ("TIKTOK_CLIENT_SECRET", "cs-fake"),
        ("TIKTOK_AUTH_URL", &format!("{tt}/v2/auth/authorize/")),
        ("TIKTOK_TOKEN_URL", &format!("{tt}/v2/oauth/token/")),
        ("TIKTOK_REVOKE_URL", &format!("{tt}/v2/oauth/revoke/")),
        ("TIKTOK_API_URL", &tt),
    ])
    .await;
    (web, fake)
}

async fn sealed_refresh(h: &Web) -> String {
    sqlx::query_scalar("SELECT refresh_token FROM platforms WHERE provider = 'tiktok'")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap()
}

async fn expire_access(h: &Web) {
    sqlx::query("UPDATE platforms SET access_expires_at = now() - interval '1 minute'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
}

/// Connect through the callback, sync (every page), sync again (same rows), refresh with
/// rotating refresh tokens, then the grant dies: one message, and syncing stops.
#[tokio::test]
async fn tiktok_round_trip_sync_rotation_and_revocation() {
    let (h, fake) = harness().await;
    let q = h.consent("u1", "tiktok").await;
    assert_eq!(q["client_key"], "ck-fake");
    assert!(!q.contains_key("client_id"), "{q:?}");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "user.info.basic,user.info.stats,video.list");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        format!("{}/oauth/tiktok/callback", h.public)
    );
    let state = q["state"].clone();

    // A refused code: a clear page, nothing stored, and the state is spent.
    let (status, page) = h
        .callback("tiktok", &format!("code=OLD-CODE&state={state}"))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("refused this authorization"), "{page}");
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert_eq!(
        h.callback("tiktok", &format!("code=CODE-TT&state={state}"))
            .await
            .0,
        400
    );

    let q = h.consent("u1", "tiktok").await;
    let (status, page) = h
        .callback("tiktok", &format!("code=CODE-TT&state={}", q["state"]))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("TikTok connected (Lena on TikTok)"), "{page}");

    // The exchange spoke TikTok's names and sent the PKCE verifier of the consent URL.
    let exchange = fake.forms("authorization_code").pop().unwrap();
    assert_eq!(exchange["client_key"], "ck-fake");
    assert_eq!(exchange["code"], "CODE-TT");
    assert_eq!(
        exchange["redirect_uri"],
        format!("{}/oauth/tiktok/callback", h.public)
    );
    let challenge = oauth2::PkceCodeChallenge::from_code_verifier_sha256(
        &oauth2::PkceCodeVerifier::new(exchange["code_verifier"].clone()),
    );
    assert_eq!(challenge.as_str(), q["code_challenge"]);

    // Stored sealed, with both lifetimes from the answer.
    let (external, name, access_left, refresh_left): (String, String, f64, f64) = sqlx::query_as(
        "SELECT external_id, display_name,
             extract(epoch FROM access_expires_at - now())::float8,
             extract(epoch FROM refresh_expires_at - now())::float8
         FROM platforms WHERE provider = 'tiktok' AND source = 'oauth' AND status = 'active'",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (external.as_str(), name.as_str()),
        ("-000OpenIdLena", "Lena on TikTok")
    );
    assert!(
        (86_000.0..=86_400.0).contains(&access_left),
        "{access_left}"
    );
    assert!(
        (31_535_000.0..=31_536_000.0).contains(&refresh_left),
        "{refresh_left}"
    );
    let dump: String = sqlx::query_scalar("SELECT row_to_json(p)::text FROM platforms p")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert!(!dump.contains("FAKE-"), "{dump}");
    assert_eq!(
        h.sent_texts(),
        vec!["TikTok connected: Lena on TikTok. Your first numbers are on their way; /channels shows the sync.".to_owned()]
    );

    // First sync: today's follower total, every page of videos with today's snapshot.
    drain(&h.t).await;
    assert_eq!(fake.calls("video/list"), 3);
    let followers = "SELECT followers FROM analytics WHERE day = (now() AT TIME ZONE 'UTC')::date";
    assert_eq!(count(&h.t, followers).await, 1200);
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 5);
    assert_eq!(
        count(&h.t, "SELECT count(*) FROM content_snapshots").await,
        5
    );
    let (title, views, likes, shares, duration): (String, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT title, views, likes, shares, duration_seconds FROM content WHERE external_id = 'tt5'",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (title.as_str(), views, likes, shares, duration),
        ("Pasta in 30s", 5000, 500, 2, 31)
    );
    // No title: the first line of the description stands in.
    let untitled: String =
        sqlx::query_scalar("SELECT title FROM content WHERE external_id = 'tt4'")
            .fetch_one(&h.t.db.pool)
            .await
            .unwrap();
    assert_eq!(untitled, "tt4 description");
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE last_sync_at IS NOT NULL"
        )
        .await,
        1
    );

    // Again the same day: same rows, the follower total updated; gains are derived from the
    // previous known total. Pages stop once they reach videos well behind the newest one.
    sqlx::query(
        "INSERT INTO analytics (platform_id, day, followers, source)
         SELECT id, (now() AT TIME ZONE 'UTC')::date - 1, 1100, 'api' FROM platforms",
    )
    .execute(&h.t.db.pool)
    .await
    .unwrap();
    *fake.followers.lock().unwrap() = 1250;
    enqueue_sync(&h.t, "tiktok", "tt-again").await;
    drain(&h.t).await;
    assert_eq!(fake.calls("video/list"), 5);
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 5);
    assert_eq!(
        count(&h.t, "SELECT count(*) FROM content_snapshots").await,
        5
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 2);
    assert_eq!(count(&h.t, followers).await, 1250);
    assert_eq!(
        count(
            &h.t,
            "SELECT subscribers_gained FROM analytics WHERE day = (now() AT TIME ZONE 'UTC')::date"
        )
        .await,
        150
    );
    assert!(fake.forms("refresh_token").is_empty());

    // The day-long access token expired: refreshed first; the rotated refresh token is stored
    // and is the one sent next time.
    let before = sealed_refresh(&h).await;
    expire_access(&h).await;
    enqueue_sync(&h.t, "tiktok", "tt-refresh-1").await;
    drain(&h.t).await;
    let refreshes = fake.forms("refresh_token");
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0]["refresh_token"], "rft.FAKE-REFRESH-1");
    assert_eq!(refreshes[0]["client_key"], "ck-fake");
    let after = sealed_refresh(&h).await;
    assert_ne!(after, before);
    assert!(!after.contains("FAKE"));
    expire_access(&h).await;
    enqueue_sync(&h.t, "tiktok", "tt-refresh-2").await;
    drain(&h.t).await;
    let refreshes = fake.forms("refresh_token");
    assert_eq!(refreshes.len(), 2);
    assert_eq!(refreshes[1]["refresh_token"], "rft.FAKE-REFRESH-2");
    // Every call after a refresh used the new access token (the fake refuses older ones).
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE status = 'active'"
        )
        .await,
        1
    );
    assert_eq!(h.sent_texts().len(), 1);

    // Two syncs at once with an expired token (the daily job and /sync): one refresh at the
    // provider, the other sync uses its tokens; a second refresh with the rotated-out refresh
    // token would be refused and end in "needs reconnect".
    *fake.slow_refresh.lock().unwrap() = true;
    expire_access(&h).await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM platforms")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    let run = || creatorpilot::domain::channels::sync::run(&h.t.app, id);
    let (a, b) = tokio::join!(run(), run());
    let synced = |o: &creatorpilot::domain::channels::sync::SyncOutcome| {
        matches!(
            o,
            creatorpilot::domain::channels::sync::SyncOutcome::Synced { .. }
        )
    };
    assert!(synced(&a.unwrap()) && synced(&b.unwrap()));
    assert_eq!(fake.forms("refresh_token").len(), 3);
    *fake.slow_refresh.lock().unwrap() = false;

    // Rate limited: the job waits and runs again later; the connection stays, nobody is told.
    *fake.busy.lock().unwrap() = true;
    enqueue_sync(&h.t, "tiktok", "tt-busy").await;
    drain(&h.t).await;
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE dedupe_key = 'tt-busy' AND status = 'queued'
               AND run_at > now()"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE status = 'active'"
        )
        .await,
        1
    );
    assert_eq!(h.sent_texts().len(), 1);
    assert_eq!(fake.forms("refresh_token").len(), 3);
    *fake.busy.lock().unwrap() = false;
    sqlx::query("DELETE FROM jobs WHERE dedupe_key = 'tt-busy'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();

    // The creator removes the app at TikTok: the token is refused, one refresh is refused
    // (invalid_grant), one polite message with a reconnect button, and syncing stops.
    *fake.revoked.lock().unwrap() = true;
    enqueue_sync(&h.t, "tiktok", "tt-revoked-1").await;
    drain(&h.t).await;
    assert_eq!(fake.forms("refresh_token").len(), 4);
    let texts = h.sent_texts();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[1].contains("Your TikTok access has expired or was revoked")
            && texts[1].contains("/connect tiktok"),
        "{texts:?}"
    );
    assert_eq!(h.sent.1.lock().unwrap().len(), 1);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE status = 'needs_reconnect'"
        )
        .await,
        1
    );
    let calls = fake.api_calls.lock().unwrap().len();
    enqueue_sync(&h.t, "tiktok", "tt-revoked-2").await;
    drain(&h.t).await;
    assert_eq!(fake.api_calls.lock().unwrap().len(), calls);
    assert_eq!(fake.forms("refresh_token").len(), 4);
    assert_eq!(h.sent_texts().len(), 2);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE kind = 'sync_channel' AND status <> 'done'"
        )
        .await,
        0
    );
}

/// `clients::tiktok::revoke` posts TikTok's form (for `/disconnect` and `/forget`).
#[tokio::test]
async fn tiktok_revoke_sends_client_key_secret_and_token() {
    let (h, fake) = harness().await;
    creatorpilot::clients::tiktok::revoke(
        &h.t.app.settings.tiktok,
        &SecretString::from("act.FAKE-ACCESS-9"),
    )
    .await
    .unwrap();
    let forms = fake.revoke_forms.lock().unwrap().clone();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0]["client_key"], "ck-fake");
    assert_eq!(forms[0]["client_secret"], "cs-fake");
    assert_eq!(forms[0]["token"], "act.FAKE-ACCESS-9");
}

/// The creator unticked `video.list` on TikTok's consent page: nothing is stored, and the page
/// and the chat say to connect again with every permission.
#[tokio::test]
async fn tiktok_unticked_permission_is_refused_and_nothing_stored() {
    let (h, fake) = harness().await;
    *fake.granted.lock().unwrap() = "user.info.basic,user.info.stats";
    let q = h.consent("u1", "tiktok").await;
    let (status, page) = h
        .callback("tiktok", &format!("code=CODE-TT&state={}", q["state"]))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("leave every permission ticked"), "{page}");
    let texts = h.sent_texts();
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].contains("leave every permission ticked"),
        "{texts:?}"
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert_eq!(count(&h.t, "SELECT count(*) FROM jobs").await, 0);
    assert_eq!(fake.calls("user/info"), 0);
}

/// `/disconnect tiktok` revokes the grant at TikTok with the access token (TikTok revokes by
/// access token), and `/forget` queues the same revoke for a connection it erases.
#[tokio::test]
async fn disconnect_and_forget_revoke_the_grant_at_tiktok() {
    let (h, fake) = harness().await;
    for user in ["u1", "u2"] {
        let q = h.consent(user, "tiktok").await;
        let (status, page) = h
            .callback("tiktok", &format!("code=CODE-TT&state={}", q["state"]))
            .await;
        assert_eq!(status, 200, "{page}");
    }
    let issued_to_u1 = "act.FAKE-ACCESS-1";

    let asked = say(&h.t, "u1", "/disconnect tiktok").await;
    let keep = asked.replies.lock().unwrap()[0]
        .buttons
        .iter()
        .find_map(|b| match b {
            Button::Action { label, id } if label == "Disconnect, keep history" => Some(id.clone()),
            _ => None,
        })
        .expect("a keep-history button");
    let r = crate::engine::press(&h.t, "u1", &keep).await;
    let text = r.texts().join("\n");
    assert!(text.contains("I gave up my access at TikTok"), "{text}");
    let revoked: Vec<String> = fake
        .revoke_forms
        .lock()
        .unwrap()
        .iter()
        .map(|f| f["token"].clone())
        .collect();
    assert_eq!(revoked, [issued_to_u1]);

    // /forget: the erasure queues the revoke, which a worker sends.
    let asked = say(&h.t, "u2", "/forget").await;
    let confirm = asked.replies.lock().unwrap()[0]
        .buttons
        .iter()
        .find_map(|b| match b {
            Button::Action { id, .. } => Some(id.clone()),
            Button::Link { .. } => None,
        })
        .expect("a confirm button");
    crate::engine::press(&h.t, "u2", &confirm).await;
    drain(&h.t).await;
    let revoked: Vec<String> = fake
        .revoke_forms
        .lock()
        .unwrap()
        .iter()
        .map(|f| f["token"].clone())
        .collect();
    assert_eq!(revoked, [issued_to_u1, "act.FAKE-ACCESS-2"]);
}
