//! Graceful shutdown through the runtime `serve` uses: sends in progress finish and are
//! recorded, jobs not started stay queued for another instance, and work cut at the end of
//! `SHUTDOWN_GRACE` is settled at once (a cut send is `uncertain`, never silently lost or
//! left `running` until its lease runs out).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use creatorpilot::bot::{Destination, Notifier, Platform, Reply, SendOutcome};
use creatorpilot::i18n::{Locale, msg};
use creatorpilot::jobs::{self, Job};
use creatorpilot::runtime::{Runtime, WebMode};

use crate::support::*;

/// A platform whose every send takes `delay`.
struct Slow {
    delay: Duration,
    sent: Mutex<Vec<String>>,
}

#[async_trait]
impl Notifier for Slow {
    async fn send(&self, destination: &Destination, _reply: Reply) -> SendOutcome {
        tokio::time::sleep(self.delay).await;
        self.sent.lock().unwrap().push(destination.chat_id.clone());
        SendOutcome::Delivered
    }
}

async fn runtime_with(
    grace: &str,
    delay: Duration,
) -> (TestDb, tempfile::TempDir, Runtime, Arc<Slow>) {
    let db = fresh_db().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(
        dir.path(),
        &[("DATABASE_URL", db.url.as_str()), ("SHUTDOWN_GRACE", grace)],
    );
    let rt = Runtime::start(settings, WebMode::Required).await.unwrap();
    let slow = Arc::new(Slow {
        delay,
        sent: Mutex::new(Vec::new()),
    });
    rt.app.notifiers.register(Platform::Telegram, slow.clone());
    (db, dir, rt, slow)
}

async fn notices(rt: &Runtime, n: usize) {
    let account =
        creatorpilot::domain::accounts::resolve(&rt.app.db, Platform::Telegram, "7", None)
            .await
            .unwrap()
            .id;
    for i in 0..n {
        let job = Job::Notice {
            account,
            destination: Destination {
                platform: Platform::Telegram,
                chat_id: format!("chat-{i}"),
            },
            locale: Locale::En,
            message: msg("help-intro"),
        };
        jobs::enqueue(&rt.app.db, &job, &format!("notice:{i}"), Utc::now())
            .await
            .unwrap();
    }
}

async fn statuses(db: &TestDb) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT status, count(*) FROM jobs WHERE kind = 'notice' GROUP BY status ORDER BY status",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

async fn wait_for_sending(db: &TestDb) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let sending: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'sending'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if sending > 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "no send started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_stop_finishes_the_sends_in_progress_and_leaves_the_rest_queued() {
    let (db, _dir, rt, slow) = runtime_with("30s", Duration::from_millis(700)).await;
    notices(&rt, 6).await;
    wait_for_sending(&db).await;
    rt.shutdown().await;
    let sent = slow.sent.lock().unwrap().len();
    let by_status = statuses(&db).await;
    // Every send that started was completed and recorded; nothing is half done.
    assert!((1..6).contains(&sent), "{sent} sent");
    assert_eq!(
        by_status,
        vec![
            ("done".to_owned(), sent as i64),
            ("queued".to_owned(), 6 - sent as i64)
        ],
    );
    // What is left was never attempted: another instance sends it as if fresh.
    let attempts: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(attempts), 0) FROM jobs WHERE kind = 'notice' AND status = 'queued'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(attempts, 0);
}

#[tokio::test]
async fn a_send_cut_by_the_grace_period_is_uncertain_at_once() {
    let (db, _dir, rt, slow) = runtime_with("300ms", Duration::from_secs(60)).await;
    notices(&rt, 1).await;
    wait_for_sending(&db).await;
    let prefix = rt.worker_prefix().to_owned();
    let stopping = std::time::Instant::now();
    rt.shutdown().await;
    eprintln!("shutdown took {:?}", stopping.elapsed());
    assert!(slow.sent.lock().unwrap().is_empty());
    let (status, error, owner): (String, String, Option<String>) =
        sqlx::query_as("SELECT status, last_error, claimed_by FROM jobs WHERE kind = 'notice'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        status, "uncertain",
        "counted and listed by /ops jobs, never resent"
    );
    assert!(
        error.contains("stopped while sending") && error.contains(&prefix),
        "{error}"
    );
    assert_eq!(owner, None);
}
