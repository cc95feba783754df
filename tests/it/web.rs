//! The web endpoints: `/healthz` on the public address, `/metrics` only on the metrics address,
//! and `serve` stopping cleanly on SIGTERM.

use std::time::Duration;

use creatorpilot::web;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::support::*;

async fn spawn(router: axum::Router) -> (String, CancellationToken) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    tokio::spawn(web::serve(listener, router, stop.clone()));
    (base, stop)
}

/// GET /metrics from the app's metrics endpoint, as Prometheus would.
pub(crate) async fn scrape(app: &std::sync::Arc<creatorpilot::app::App>) -> String {
    let (base, stop) = spawn(web::metrics_router(app.clone())).await;
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    stop.cancel();
    text
}

/// The value of one series (`name{labels}` exactly as exposed), 0 when absent.
pub(crate) fn series(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn healthz_answers_ok_while_the_database_answers_and_503_after() {
    let t = app().await;
    let (base, _stop) = spawn(web::public_router(t.app.clone(), Default::default())).await;
    let client = reqwest::Client::new();
    let ok = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    // Metrics are not on the public port.
    assert_eq!(
        client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    t.db.pool.close().await;
    let down = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(down.status(), 503);
}

/// `creatorpilot healthcheck ADDR`'s exit status and line, run as Docker's HEALTHCHECK would.
fn healthcheck(http_addr: &str, data_dir: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creatorpilot"))
        .arg("healthcheck")
        .env_clear()
        .env("HTTP_ADDR", http_addr)
        .env("CREATORPILOT_DATA_DIR", data_dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn the_healthcheck_subcommand_follows_healthz() {
    let t = app().await;
    let (base, _stop) = spawn(web::public_router(t.app.clone(), Default::default())).await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    // The image binds 0.0.0.0: the probe must reach it on loopback.
    let wildcard = format!("0.0.0.0:{port}");
    let dir = t.dir.path().to_owned();
    let (ok, line) = tokio::task::spawn_blocking({
        let (wildcard, dir) = (wildcard.clone(), dir.clone());
        move || healthcheck(&wildcard, &dir)
    })
    .await
    .unwrap();
    assert!(ok, "healthy server judged unhealthy: {line}");
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");

    // Database gone: /healthz says 503 and the probe fails.
    t.db.pool.close().await;
    let (ok, line) = tokio::task::spawn_blocking({
        let (wildcard, dir) = (wildcard.clone(), dir.clone());
        move || healthcheck(&wildcard, &dir)
    })
    .await
    .unwrap();
    assert!(!ok, "an unhealthy server passed: {line}");
    assert!(line.contains("503"), "{line}");

    // Nothing listening at all.
    let free = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed = free.local_addr().unwrap().to_string();
    drop(free);
    let (ok, line) = tokio::task::spawn_blocking(move || healthcheck(&closed, &dir))
        .await
        .unwrap();
    assert!(!ok, "{line}");
    assert!(line.contains("nothing answers"), "{line}");
}

#[tokio::test]
async fn metrics_count_commands_and_report_the_queue() {
    let t = app().await;
    let r = crate::engine::Recorder::default();
    let inc = crate::engine::incoming(
        creatorpilot::bot::Platform::Console,
        "a",
        "a",
        creatorpilot::bot::Input::Line("/help".into()),
    );
    creatorpilot::bot::dispatch::handle(&t.app, inc, &r).await;
    let inc = crate::engine::incoming(
        creatorpilot::bot::Platform::Console,
        "a",
        "a",
        creatorpilot::bot::Input::Line("/secret-command".into()),
    );
    creatorpilot::bot::dispatch::handle(&t.app, inc, &r).await;
    creatorpilot::jobs::enqueue(
        &t.db.pool,
        &creatorpilot::jobs::Job::PurgeExpired,
        "m1",
        chrono::Utc::now(),
    )
    .await
    .unwrap();

    let text = scrape(&t.app).await;
    assert!(
        text.contains(
            r#"creatorpilot_commands_total{command="help",outcome="ok",platform="console"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"creatorpilot_commands_total{command="unknown",outcome="user_error",platform="console"} 1"#), "{text}");
    assert!(!text.contains("secret-command"));
    assert!(text.contains("creatorpilot_job_queue_depth 1"), "{text}");
    assert!(
        text.contains("creatorpilot_command_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let t = app().await;
    let (base, _stop) = spawn(web::public_router(t.app.clone(), Default::default())).await;
    let big = vec![b'x'; 2 * 1024 * 1024];
    let status = reqwest::Client::new()
        .post(format!("{base}/healthz"))
        .body(big)
        .send()
        .await
        .map(|r| r.status().as_u16());
    // No POST route yet: refused either way, and the server keeps answering.
    assert!(matches!(status, Ok(405) | Ok(413) | Err(_)), "{status:?}");
    assert_eq!(
        reqwest::get(format!("{base}/healthz"))
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn serve_exits_zero_on_sigterm() {
    let db = fresh_db().await;
    let data = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_creatorpilot"))
        .arg("serve")
        .env_clear()
        .env("DATABASE_URL", &db.url)
        .env("CREATORPILOT_DATA_DIR", data.path())
        .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("METRICS_ADDR", "127.0.0.1:0")
        .current_dir(work.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        // A failing assertion must not leave the process running.
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let mut up = false;
    for _ in 0..100 {
        if reqwest::get(&url).await.is_ok_and(|r| r.status() == 200) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "serve did not answer /healthz");
    let pid = i32::try_from(child.id().unwrap()).unwrap();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
