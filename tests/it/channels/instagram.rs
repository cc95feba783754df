//! The Instagram connect round trip and its sync against a fake Instagram (Instagram Login code
//! exchange, long-lived token exchange and refresh, `/me`, `/me/insights`, `/me/media` with Graph
//! errors) served on 127.0.0.1 inside the test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;

use super::{Web, count, drain, enqueue_sync, serve, web_app};

struct Fake {
    token_forms: Mutex<Vec<HashMap<String, String>>>,
    /// Graph calls: path and query.
    calls: Mutex<Vec<(String, HashMap<String, String>)>>,
    /// Long-lived tokens issued; only the latest is valid.
    issued: Mutex<u32>,
    account_type: Mutex<&'static str>,
    followers: Mutex<i64>,
    revoked: Mutex<bool>,
    /// Every call answers error 4 (application request limit reached).
    busy: Mutex<bool>,
}

impl Fake {
    fn long(&self) -> String {
        format!("IGQ-FAKE-LONG-{}", self.issued.lock().unwrap())
    }
    fn calls(&self, path: &str) -> Vec<HashMap<String, String>> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, q)| q.clone())
            .collect()
    }
}

fn graph_error(code: i64, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": {
            "message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"
        } })),
    )
        .into_response()
}

fn expired() -> Response {
    graph_error(
        190,
        "Error validating access token: The user has not authorized application.",
    )
}

async fn code_exchange(State(f): State<Arc<Fake>>, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    f.token_forms.lock().unwrap().push(form.clone());
    if form.get("code").map(String::as_str) != Some("CODE-IG") {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({
                "error_type": "OAuthException", "code": 400,
                "error_message": "Matching code was not found or was already used"
            })),
        )
            .into_response();
    }
    axum::Json(json!({ "data": [{
        "access_token": "IGQ-FAKE-SHORT",
        "user_id": 17841400000000001_u64,
        "permissions": "instagram_business_basic,instagram_business_manage_insights"
    }] }))
    .into_response()
}

fn long_lived(f: &Fake) -> Response {
    *f.issued.lock().unwrap() += 1;
    axum::Json(json!({ "access_token": f.long(), "token_type": "bearer", "expires_in": 5_183_944 }))
        .into_response()
}

async fn graph(
    State(f): State<Arc<Fake>>,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let path = uri.path().to_owned();
    f.calls.lock().unwrap().push((path.clone(), q.clone()));
    let token = q.get("access_token").cloned().unwrap_or_default();
    if path == "/access_token" {
        assert_eq!(q["grant_type"], "ig_exchange_token");
        assert_eq!(q["client_secret"], "ig-secret");
        return if token == "IGQ-FAKE-SHORT" {
            long_lived(&f)
        } else {
            expired()
        };
    }
    if *f.busy.lock().unwrap() {
        return graph_error(4, "Application request limit reached");
    }
    if *f.revoked.lock().unwrap() || token != f.long() {
        return expired();
    }
    let today = Utc::now().date_naive();
    match path.as_str() {
        "/refresh_access_token" => {
            assert_eq!(q["grant_type"], "ig_refresh_token");
            long_lived(&f)
        }
        "/me" => {
            assert_eq!(
                q["fields"],
                "user_id,username,account_type,followers_count,media_count"
            );
            axum::Json(json!({
                "user_id": "17841400000000001", "username": "lena.cooks",
                "account_type": *f.account_type.lock().unwrap(),
                "followers_count": *f.followers.lock().unwrap(),
                "media_count": 3, "id": "9876543210"
            }))
            .into_response()
        }
        "/me/insights" => insights(today, &q),
        "/me/media" => {
            let media = |id: &str, caption: Option<&str>, days_ago: i64, likes: i64| {
                let at = Utc::now() - Duration::days(days_ago);
                json!({ "id": id, "caption": caption, "media_type": "VIDEO",
                        "timestamp": at.format("%Y-%m-%dT%H:%M:%S%z").to_string(),
                        "like_count": likes, "comments_count": 3 })
            };
            // Instagram's full next-page URL; the client asks by cursor on its own origin.
            let next = |after: &str| format!("http://127.0.0.1:9/me/media?after={after}");
            match q.get("after").map(String::as_str) {
                None => axum::Json(json!({
                    "data": [media("m3", Some("Sunday bread\nfull recipe in bio"), 1, 120), media("m2", None, 3, 80)],
                    "paging": { "cursors": { "before": "B1", "after": "A1" }, "next": next("A1") }
                }))
                .into_response(),
                Some(_) => axum::Json(json!({
                    "data": [media("m1", Some("First post"), 20, 40)],
                    "paging": { "cursors": { "before": "B2", "after": "A2" } }
                }))
                .into_response(),
            }
        }
        _ => graph_error(100, "Unsupported get request."),
    }
}

/// One day's totals (`metric_type=total_value`, since/until one day apart), or the
/// `follower_count` series. The last two days are not reported yet (empty datasets), and
/// `saved` is left out on the oldest day.
fn insights(today: NaiveDate, q: &HashMap<String, String>) -> Response {
    let since: i64 = q["since"].parse().unwrap();
    let until: i64 = q["until"].parse().unwrap();
    let day = DateTime::from_timestamp(since, 0).unwrap().date_naive();
    assert_eq!(q["period"], "day");
    if q["metric"] == "follower_count" {
        assert!(until - since <= 30 * 86_400);
        let values: Vec<serde_json::Value> = (0..(until - since) / 86_400)
            .map(|i| day + Duration::days(i))
            .filter(|d| *d < today - Duration::days(2))
            .map(|d| {
                let end = (d + Duration::days(1))
                    .and_hms_opt(8, 0, 0)
                    .unwrap()
                    .and_utc();
                json!({ "value": 5, "end_time": end.format("%Y-%m-%dT%H:%M:%S%z").to_string() })
            })
            .collect();
        return axum::Json(json!({ "data": [{ "name": "follower_count", "period": "day",
            "values": values, "title": "Follower Count", "id": "1/insights/follower_count/day" }] }))
        .into_response();
    }
    assert_eq!(q["metric"], "reach,views,likes,comments,shares,saved");
    assert_eq!(q["metric_type"], "total_value");
    assert_eq!(until - since, 86_400);
    if day >= today - Duration::days(2) {
        return axum::Json(json!({ "data": [] })).into_response();
    }
    let metric = |name: &str, value: i64| {
        json!({ "name": name, "period": "day", "title": name, "description": "",
                "total_value": { "value": value }, "id": format!("1/insights/{name}/day") })
    };
    let mut data = vec![
        metric("reach", 300),
        metric("views", 900),
        metric("likes", 40),
        metric("comments", 6),
        metric("shares", 0),
    ];
    if day != today - Duration::days(14) {
        data.push(metric("saved", 9));
    }
    axum::Json(json!({ "data": data })).into_response()
}

async fn fake_instagram(account_type: &'static str) -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake {
        token_forms: Mutex::default(),
        calls: Mutex::default(),
        issued: Mutex::new(0),
        account_type: Mutex::new(account_type),
        followers: Mutex::new(1500),
        revoked: Mutex::new(false),
        busy: Mutex::new(false),
    });
    let router = Router::new()
        .route("/oauth/access_token", post(code_exchange))
        .route("/access_token", get(graph))
        .route("/refresh_access_token", get(graph))
        .route("/me", get(graph))
        .route("/me/insights", get(graph))
        .route("/me/media", get(graph))
        .with_state(fake.clone());
    (fake, serve(router).await)
}

async fn harness(account_type: &'static str) -> (Web, Arc<Fake>) {
    let (fake, ig) = fake_instagram(account_type).await;
    let web = web_app(&[
        ("INSTAGRAM_APP_ID", "ig-app"),
        ("INSTAGRAM_APP_SECRET", "ig-secret"),
        ("INSTAGRAM_AUTH_URL", &format!("{ig}/oauth/authorize")),
        ("INSTAGRAM_TOKEN_URL", &format!("{ig}/oauth/access_token")),
        ("INSTAGRAM_API_URL", &ig),
    ])
    .await;
    (web, fake)
}

async fn sealed_access(h: &Web) -> String {
    sqlx::query_scalar("SELECT access_token FROM platforms WHERE provider = 'instagram'")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap()
}

/// Connect (short-lived → 60-day token), sync insights and media, sync again, refresh the token
/// a week before it expires, then the grant dies: one message, and syncing stops.
#[tokio::test]
async fn instagram_round_trip_long_lived_token_sync_and_refresh() {
    let (h, fake) = harness("MEDIA_CREATOR").await;
    let q = h.consent("u1", "instagram").await;
    assert_eq!(q["client_id"], "ig-app");
    assert_eq!(q["response_type"], "code");
    assert_eq!(
        q["scope"],
        "instagram_business_basic,instagram_business_manage_insights"
    );
    assert_eq!(
        q["redirect_uri"],
        format!("{}/oauth/instagram/callback", h.public)
    );
    assert!(!q.contains_key("code_challenge"), "{q:?}");
    let (status, page) = h
        .callback("instagram", &format!("code=CODE-IG&state={}", q["state"]))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Instagram connected (@lena.cooks)"), "{page}");

    let forms = fake.token_forms.lock().unwrap().clone();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0]["client_id"], "ig-app");
    assert_eq!(forms[0]["client_secret"], "ig-secret");
    assert_eq!(forms[0]["grant_type"], "authorization_code");
    assert_eq!(
        forms[0]["redirect_uri"],
        format!("{}/oauth/instagram/callback", h.public)
    );
    // The short-lived token was exchanged for the 60-day one, which is what is stored.
    assert_eq!(fake.calls("/access_token").len(), 1);
    let (external, days_left, refresh): (String, i64, Option<String>) = sqlx::query_as(
        "SELECT external_id, extract(epoch FROM access_expires_at - now())::bigint / 86400,
             refresh_token
         FROM platforms WHERE provider = 'instagram' AND status = 'active'",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (external.as_str(), days_left, refresh),
        ("17841400000000001", 59, None)
    );
    let dump: String = sqlx::query_scalar("SELECT row_to_json(p)::text FROM platforms p")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert!(!dump.contains("IGQ-FAKE"), "{dump}");
    assert!(h.sent_texts()[0].starts_with("Instagram connected: @lena.cooks."));

    // First sync: 14 days of insights asked one day at a time; the two days not reported yet
    // are unknown (no numbers written, not zeros), a metric left out is NULL, a reported 0 is 0.
    drain(&h.t).await;
    assert_eq!(
        fake.calls("/me/insights")
            .iter()
            .filter(|q| q.get("metric_type").map(String::as_str) == Some("total_value"))
            .count(),
        14
    );
    let today = "(now() AT TIME ZONE 'UTC')::date";
    assert_eq!(
        count(
            &h.t,
            &format!("SELECT count(*) FROM analytics WHERE day < {today}")
        )
        .await,
        12
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM analytics WHERE views = 0 OR reach = 0 OR saved = 0"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &h.t,
            &format!("SELECT count(*) FROM analytics WHERE day >= {today} - 2")
        )
        .await,
        1
    );
    type Day = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let oldest: Day = sqlx::query_as(
        "SELECT reach, views, likes, saved, shares, subscribers_gained
         FROM analytics WHERE day = (now() AT TIME ZONE 'UTC')::date - 14",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        oldest,
        (Some(300), Some(900), Some(40), None, Some(0), Some(5))
    );
    assert_eq!(
        count(
            &h.t,
            &format!("SELECT saved FROM analytics WHERE day = {today} - 3")
        )
        .await,
        9
    );
    assert_eq!(
        count(
            &h.t,
            &format!("SELECT followers FROM analytics WHERE day = {today}")
        )
        .await,
        1500
    );
    // Media: both pages, by cursor on our origin; captions give titles.
    assert_eq!(fake.calls("/me/media").len(), 2);
    assert_eq!(fake.calls("/me/media")[1]["after"], "A1");
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);
    assert_eq!(
        count(&h.t, "SELECT count(*) FROM content_snapshots").await,
        3
    );
    let (title, likes, views): (String, i64, Option<i64>) =
        sqlx::query_as("SELECT title, likes, views FROM content WHERE external_id = 'm3'")
            .fetch_one(&h.t.db.pool)
            .await
            .unwrap();
    assert_eq!((title.as_str(), likes, views), ("Sunday bread", 120, None));

    // Again: the same rows, nothing doubled.
    enqueue_sync(&h.t, "instagram", "ig-again").await;
    drain(&h.t).await;
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 13);
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);
    assert_eq!(
        count(&h.t, "SELECT count(*) FROM content_snapshots").await,
        3
    );
    assert!(fake.calls("/refresh_access_token").is_empty());

    // Less than a week left: refreshed before the calls, and the new token used from then on.
    let before = sealed_access(&h).await;
    sqlx::query("UPDATE platforms SET access_expires_at = now() + interval '3 days'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let calls = fake.calls("/me").len();
    enqueue_sync(&h.t, "instagram", "ig-refresh").await;
    drain(&h.t).await;
    assert_eq!(fake.calls("/refresh_access_token").len(), 1);
    assert_eq!(
        fake.calls("/refresh_access_token")[0]["access_token"],
        "IGQ-FAKE-LONG-1"
    );
    assert_eq!(fake.calls("/me").len(), calls + 1);
    assert_eq!(
        fake.calls("/me").last().unwrap()["access_token"],
        "IGQ-FAKE-LONG-2"
    );
    let after = sealed_access(&h).await;
    assert_ne!(after, before);
    assert!(!after.contains("IGQ"));
    assert_eq!(
        count(
            &h.t,
            "SELECT extract(epoch FROM access_expires_at - now())::bigint / 86400 FROM platforms"
        )
        .await,
        59
    );

    // Under 100 followers Instagram has no follower_count: it is not asked.
    let asked = |f: &Fake| {
        f.calls("/me/insights")
            .iter()
            .filter(|q| q["metric"] == "follower_count")
            .count()
    };
    let before = asked(&fake);
    *fake.followers.lock().unwrap() = 80;
    enqueue_sync(&h.t, "instagram", "ig-small").await;
    drain(&h.t).await;
    assert_eq!(asked(&fake), before);
    assert_eq!(
        count(
            &h.t,
            &format!("SELECT followers FROM analytics WHERE day = {today}")
        )
        .await,
        80
    );

    // Rate limited (error 4): the job waits and runs again later; nobody is told.
    *fake.busy.lock().unwrap() = true;
    enqueue_sync(&h.t, "instagram", "ig-busy").await;
    drain(&h.t).await;
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM jobs WHERE dedupe_key = 'ig-busy' AND status = 'queued'
               AND run_at > now()"
        )
        .await,
        1
    );
    assert_eq!(h.sent_texts().len(), 1);
    assert_eq!(fake.calls("/refresh_access_token").len(), 1);
    *fake.busy.lock().unwrap() = false;
    sqlx::query("DELETE FROM jobs WHERE dedupe_key = 'ig-busy'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();

    // The creator removes the app: error 190, the refresh is refused too; one message.
    *fake.revoked.lock().unwrap() = true;
    enqueue_sync(&h.t, "instagram", "ig-revoked-1").await;
    drain(&h.t).await;
    assert_eq!(fake.calls("/refresh_access_token").len(), 2);
    let texts = h.sent_texts();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[1].contains("Your Instagram access") && texts[1].contains("/connect instagram"));
    let calls = fake.calls.lock().unwrap().len();
    enqueue_sync(&h.t, "instagram", "ig-revoked-2").await;
    drain(&h.t).await;
    assert_eq!(fake.calls.lock().unwrap().len(), calls);
    assert_eq!(h.sent_texts().len(), 2);
}

/// A personal account: the page and the chat explain how to switch to a professional account;
/// nothing is stored and no sync is queued.
#[tokio::test]
async fn instagram_personal_account_is_refused_with_an_explanation() {
    let (h, fake) = harness("PERSONAL").await;
    let q = h.consent("u1", "instagram").await;
    let (status, page) = h
        .callback("instagram", &format!("code=CODE-IG&state={}", q["state"]))
        .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("personal account") && page.contains("Switch to professional account"),
        "{page}"
    );
    let texts = h.sent_texts();
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].contains("Switch to professional account")
            && texts[0].contains("/connect instagram")
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert_eq!(count(&h.t, "SELECT count(*) FROM jobs").await, 0);
    assert_eq!(fake.calls("/me").len(), 1);

    // A used or forged code: refused plainly, nothing stored.
    let q = h.consent("u1", "instagram").await;
    let (status, page) = h
        .callback("instagram", &format!("code=USED&state={}", q["state"]))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("refused this authorization"), "{page}");
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
}
