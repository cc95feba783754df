//! Logs and error reports of a real `creatorpilot serve` process: `LOG_FORMAT=json` lines with
//! request and job ids, an internal error reported to a fake Sentry on 127.0.0.1, and no
//! configured secret in either, even when an error message carries one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use base64::Engine as _;
use serde_json::Value;

use crate::support::*;
use crate::telegram::fake::{FakeTelegram, private_text};

const WAIT: Duration = Duration::from_secs(20);
const BOT_TOKEN: &str = "123:obs-secret-bot-token";
const STRIPE_KEY: &str = "sk_test_obs_secret_stripe_key";
const WEBHOOK_SECRET: &str = "whsec_obs_secret_webhook";
/// Also the name of the table the error tests hide: the database's error message then carries
/// this "secret", and only the scrubbing keeps it out of logs and reports.
const LEAKY_SECRET: &str = "usage_tracking";

fn encryption_keys() -> String {
    format!(
        "k1:{}",
        base64::engine::general_purpose::STANDARD.encode([7u8; 32])
    )
}

/// Every configured secret value the output must never show.
fn secrets() -> Vec<String> {
    vec![
        BOT_TOKEN.into(),
        STRIPE_KEY.into(),
        WEBHOOK_SECRET.into(),
        LEAKY_SECRET.into(),
        encryption_keys(),
        encryption_keys()[3..].to_owned(),
    ]
}

/// `serve` with Telegram polling the fake, secrets configured, stderr captured.
fn serve(
    db: &TestDb,
    fake: &FakeTelegram,
    data: &std::path::Path,
    extra: &[(&str, &str)],
) -> tokio::process::Child {
    let keys = encryption_keys();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_creatorpilot"));
    cmd.arg("serve")
        .env_clear()
        .env("DATABASE_URL", &db.url)
        .env("CREATORPILOT_DATA_DIR", data)
        .env("HTTP_ADDR", "127.0.0.1:0")
        .env("METRICS_ADDR", "127.0.0.1:0")
        .env("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
        .env("TELEGRAM_API_URL", &fake.url)
        .env("STRIPE_SECRET_KEY", STRIPE_KEY)
        .env("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("OPENAI_API_KEY", LEAKY_SECRET)
        .env("TOKEN_ENCRYPTION_KEYS", &keys)
        .current_dir(data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        // A failing assertion must not leave the process running.
        .kill_on_drop(true);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// SIGTERM, wait for the exit (status 0), and hand back stderr.
pub(crate) async fn stop(mut child: tokio::process::Child) -> String {
    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .unwrap()
        .unwrap();
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr)
        .await
        .unwrap();
    assert!(status.success(), "{status:?}\n{stderr}");
    stderr
}

async fn hide_usage_table(db: &TestDb) {
    sqlx::query("ALTER TABLE usage_tracking RENAME TO usage_gone")
        .execute(&db.pool)
        .await
        .unwrap();
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} shows {secret:?}:\n{text}");
    }
}

#[tokio::test]
async fn json_logs_carry_request_and_job_ids_and_no_secret() {
    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    accept_policy(&db.pool, creatorpilot::bot::Platform::Telegram, "41").await;
    let data = tempfile::tempdir().unwrap();
    let child = serve(
        &db,
        &fake,
        data.path(),
        &[
            ("LOG_FORMAT", "json"),
            ("RUST_LOG", "info,creatorpilot=debug"),
        ],
    );
    // A command that works, then one that fails inside (its error names the hidden table).
    fake.push_update(private_text(41, "en", "/plan"));
    fake.wait_for("sendmessage", 1, WAIT).await;
    hide_usage_table(&db).await;
    fake.push_update(private_text(41, "en", "/plan"));
    let replies = fake.wait_for("sendmessage", 2, WAIT).await;
    assert!(
        replies[1]
            .text()
            .unwrap_or_default()
            .starts_with("Something went wrong"),
        "{:?}",
        replies[1].params
    );
    // A job, run by the instance's worker.
    let job = creatorpilot::jobs::enqueue(
        &db.pool,
        &creatorpilot::jobs::Job::PurgeExpired,
        "obs-job",
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
            .bind(job)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if status == "done" {
            break;
        }
        assert!(Instant::now() < deadline, "the job stayed {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stderr = stop(child).await;

    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let span_field = |line: &Value, span: &str, field: &str| -> Option<String> {
        line["spans"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == span)
            .map(|s| s[field].to_string())
    };
    // Each command's lines carry their request id; the two requests have different ones.
    let handled: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "command handled")
        .collect();
    assert_eq!(handled.len(), 2, "{stderr}");
    let ids: Vec<String> = handled
        .iter()
        .map(|l| span_field(l, "request", "request_id").expect("a request id"))
        .collect();
    assert_ne!(ids[0], ids[1]);
    let failed = lines
        .iter()
        .find(|l| l["fields"]["message"] == "command failed")
        .expect("the internal error is logged");
    assert_eq!(failed["level"], "ERROR");
    assert_eq!(
        span_field(failed, "request", "request_id").as_ref(),
        Some(&ids[1])
    );
    // The database's message named the "secret": scrubbed, the rest kept.
    assert!(
        failed["fields"]["error"]
            .as_str()
            .unwrap()
            .contains("[redacted]"),
        "{failed}"
    );
    // The job's lines carry its id and kind.
    let finished = lines
        .iter()
        .find(|l| {
            l["fields"]["message"] == "job finished"
                && span_field(l, "job", "job_id") == Some(job.to_string())
        })
        .expect("the job's end is logged with its id");
    assert_eq!(
        span_field(finished, "job", "kind").as_deref(),
        Some("\"purge_expired\"")
    );
    assert_no_secret("the log", &stderr);
}

/// What the fake Sentry received: (path, X-Sentry-Auth, body) per request.
type Received = Arc<Mutex<Vec<(String, String, String)>>>;

async fn envelope(
    State(received): State<Received>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> &'static str {
    let auth = headers
        .get("x-sentry-auth")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    received.lock().unwrap().push((
        uri.path().to_owned(),
        auth,
        String::from_utf8_lossy(&body).into_owned(),
    ));
    "{}"
}

#[tokio::test]
async fn an_internal_error_reaches_sentry_without_secrets() {
    let received: Received = Arc::default();
    let router = axum::Router::new()
        .fallback(axum::routing::post(envelope))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let dsn = format!("http://obspublickey123@127.0.0.1:{port}/42");

    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    accept_policy(&db.pool, creatorpilot::bot::Platform::Telegram, "42").await;
    let data = tempfile::tempdir().unwrap();
    let child = serve(&db, &fake, data.path(), &[("SENTRY_DSN", &dsn)]);
    hide_usage_table(&db).await;
    fake.push_update(private_text(42, "en", "/plan"));
    let replies = fake.wait_for("sendmessage", 1, WAIT).await;
    let reply = replies[0].text().unwrap_or_default();
    let reference = reply
        .rsplit(": ")
        .next()
        .unwrap()
        .trim_end_matches('.')
        .to_owned();
    assert_eq!(reference.len(), 8, "{reply}");

    let deadline = Instant::now() + WAIT;
    let (path, auth, body) = loop {
        let event = received
            .lock()
            .unwrap()
            .iter()
            .find(|(_, _, body)| body.contains("command failed"))
            .cloned();
        if let Some(event) = event {
            break event;
        }
        assert!(
            Instant::now() < deadline,
            "no event reached the fake Sentry"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stderr = stop(child).await;
    assert_eq!(path, "/api/42/envelope/");
    assert!(auth.contains("sentry_key=obspublickey123"), "{auth}");
    // The creator's reference is in the report, so support can find it.
    assert!(body.contains(&reference), "{body}");
    assert!(body.contains("[redacted]"), "{body}");
    assert_no_secret("the Sentry event", &body);
    assert!(!body.contains(&dsn), "{body}");
    assert_no_secret("the log", &stderr);
}
