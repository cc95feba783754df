//! The job queue: each job runs once across workers; crashed workers leave jobs retried or
//! `uncertain` exactly as DESIGN.md says; shutdown gives back claimed jobs not started.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use creatorpilot::bot::{Destination, Notifier, Platform, Reply, SendOutcome};
use creatorpilot::db;
use creatorpilot::jobs::{self, Job, WorkerConfig};
use tokio_util::sync::CancellationToken;

use crate::support::*;

fn fast() -> WorkerConfig {
    WorkerConfig {
        idle_poll: Duration::from_millis(20),
        lease: Duration::from_secs(60),
    }
}

async fn enqueue_many(t: &TestApp, n: usize) {
    for i in 0..n {
        jobs::enqueue(
            &t.db.pool,
            &Job::PurgeExpired,
            &format!("test:{i}"),
            Utc::now(),
        )
        .await
        .unwrap();
    }
}

async fn count(pool: &sqlx::PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn two_workers_run_two_hundred_jobs_each_exactly_once() {
    let t = app().await;
    enqueue_many(&t, 200).await;
    let stop = CancellationToken::new();
    let workers: Vec<_> = ["w1", "w2"]
        .into_iter()
        .map(|w| {
            tokio::spawn(jobs::run_worker(
                t.app.clone(),
                w.into(),
                fast(),
                stop.clone(),
            ))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while count(
        &t.db.pool,
        "SELECT count(*) FROM jobs WHERE status <> 'done'",
    )
    .await
        > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not finish in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    for w in workers {
        w.await.unwrap();
    }
    assert_eq!(
        count(
            &t.db.pool,
            "SELECT count(*) FROM jobs WHERE status = 'done' AND attempts = 1"
        )
        .await,
        200
    );
    let per_worker: Vec<(String, i64)> = sqlx::query_as(
        "SELECT claimed_by, count(*) FROM jobs GROUP BY claimed_by ORDER BY claimed_by",
    )
    .fetch_all(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        per_worker.len(),
        2,
        "both workers took jobs: {per_worker:?}"
    );
    let done: i64 = t
        .app
        .metrics
        .jobs
        .with_label_values(&["purge_expired", "done"])
        .get()
        .try_into()
        .unwrap();
    assert_eq!(done, 200);
}

#[tokio::test]
async fn the_dedupe_key_keeps_one_job_per_subject_and_day() {
    let t = app().await;
    let first = jobs::enqueue(
        &t.db.pool,
        &Job::PurgeExpired,
        "digest:sub-1:2026-11-25",
        Utc::now(),
    )
    .await
    .unwrap();
    let second = jobs::enqueue(
        &t.db.pool,
        &Job::PurgeExpired,
        "digest:sub-1:2026-11-25",
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(first.is_some());
    assert_eq!(second, None);
    assert_eq!(count(&t.db.pool, "SELECT count(*) FROM jobs").await, 1);
}

#[tokio::test]
async fn a_worker_killed_before_sending_leaves_the_job_retried() {
    let t = app().await;
    enqueue_many(&t, 1).await;
    // The worker claims, then dies: its lease runs out.
    let claimed = db::jobs::claim(&t.db.pool, "dead-worker", &[], 0.0)
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    jobs::tick(&t.app).await.unwrap();
    let (status, claimed_by): (String, Option<String>) =
        sqlx::query_as("SELECT status, claimed_by FROM jobs WHERE id = $1")
            .bind(claimed.id)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), claimed_by), ("queued", None));
    // Another worker then runs it.
    assert!(
        jobs::run_one(&t.app, "w2", &fast(), &CancellationToken::new())
            .await
            .unwrap()
    );
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM jobs WHERE id = $1")
            .bind(claimed.id)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("done", 2));
}

#[tokio::test]
async fn a_worker_killed_while_sending_leaves_the_job_uncertain_and_counted() {
    let t = app().await;
    enqueue_many(&t, 1).await;
    let claimed = db::jobs::claim(&t.db.pool, "dead-worker", &[], 0.0)
        .await
        .unwrap()
        .unwrap();
    assert!(
        db::jobs::mark_sending(&t.db.pool, claimed.id, "dead-worker")
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    jobs::tick(&t.app).await.unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
        .bind(claimed.id)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "uncertain");
    assert_eq!(t.app.metrics.uncertain_jobs.get(), 1);
    // Never picked up again, whatever else runs.
    while jobs::run_one(&t.app, "w2", &fast(), &CancellationToken::new())
        .await
        .unwrap()
    {}
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT status, attempts FROM jobs WHERE id = $1")
            .bind(claimed.id)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("uncertain", 1));
    // And listed for operators.
    let problems = db::jobs::problems(&t.db.pool, Some("uncertain"), 10)
        .await
        .unwrap();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("while sending")
    );
    // The late worker cannot overwrite the verdict.
    assert!(
        !db::jobs::complete(&t.db.pool, claimed.id, "dead-worker")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_job_claimed_during_shutdown_is_given_back_unstarted() {
    let t = app().await;
    enqueue_many(&t, 1).await;
    let stop = CancellationToken::new();
    stop.cancel();
    assert!(!jobs::run_one(&t.app, "w1", &fast(), &stop).await.unwrap());
    let (status, attempts, claimed_by): (String, i32, Option<String>) =
        sqlx::query_as("SELECT status, attempts, claimed_by FROM jobs")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts, claimed_by), ("queued", 0, None));
}

/// A notifier whose answers the test decides.
struct Scripted(
    std::sync::Mutex<Vec<SendOutcome>>,
    std::sync::Mutex<Vec<String>>,
);

#[async_trait]
impl Notifier for Scripted {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        self.1.lock().unwrap().push(format!(
            "{}:{}",
            destination.chat_id,
            reply.blocks.join(" ")
        ));
        self.0.lock().unwrap().remove(0)
    }
}

async fn send_job(t: &TestApp, outcome: SendOutcome) -> (String, usize) {
    let notifier = Arc::new(Scripted(
        std::sync::Mutex::new(vec![outcome]),
        std::sync::Mutex::new(Vec::new()),
    ));
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    enqueue_many(t, 1).await;
    let claimed = db::jobs::claim(&t.db.pool, "w1", &["telegram".into()], 60.0)
        .await
        .unwrap()
        .unwrap();
    let mut ctx = jobs::JobContext::new(&t.app, claimed.id, "w1", claimed.attempts);
    let destination = Destination {
        platform: Platform::Telegram,
        chat_id: "42".into(),
    };
    ctx.send(&destination, Reply::text("Your digest"))
        .await
        .unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
        .bind(claimed.id)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    let sends = notifier.1.lock().unwrap().len();
    (status, sends)
}

#[tokio::test]
async fn send_outcomes_map_onto_job_states() {
    let t = app().await;
    assert_eq!(
        send_job(&t, SendOutcome::Delivered).await,
        ("done".into(), 1)
    );
    let t = app().await;
    assert_eq!(
        send_job(
            &t,
            SendOutcome::Refused {
                retry_after: Some(Duration::from_secs(30))
            }
        )
        .await,
        ("queued".into(), 1)
    );
    let t = app().await;
    assert_eq!(
        send_job(&t, SendOutcome::Unknown).await,
        ("uncertain".into(), 1)
    );
    let t = app().await;
    assert_eq!(
        send_job(&t, SendOutcome::Unreachable).await,
        ("failed".into(), 1)
    );
}

#[tokio::test]
async fn an_unreachable_destination_runs_the_pause_hooks() {
    let t = app().await;
    let paused = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = paused.clone();
    t.app
        .notifiers
        .on_unreachable(Arc::new(move |_db, destination| {
            let seen = seen.clone();
            let chat = destination.chat_id.clone();
            Box::pin(async move {
                seen.lock().unwrap().push(chat);
                Ok(())
            })
        }));
    send_job(&t, SendOutcome::Unreachable).await;
    assert_eq!(*paused.lock().unwrap(), vec!["42".to_owned()]);
}

#[tokio::test]
async fn jobs_for_a_platform_without_a_token_here_are_left_alone() {
    let t = app().await;
    let payload = serde_json::Value::Null;
    db::jobs::enqueue(
        &t.db.pool,
        &db::jobs::NewJob {
            kind: "purge_expired",
            dedupe_key: "tg",
            payload: &payload,
            user_id: None,
            platform: Some("telegram"),
            run_at: Utc::now(),
        },
    )
    .await
    .unwrap();
    assert!(
        !jobs::run_one(&t.app, "w1", &fast(), &CancellationToken::new())
            .await
            .unwrap()
    );
    assert_eq!(
        count(
            &t.db.pool,
            "SELECT count(*) FROM jobs WHERE status = 'queued'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_purge_job_deletes_what_expired_and_keeps_the_rest() {
    let t = app().await;
    let account = creatorpilot::domain::accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    for (id, offset) in [
        ("expiredexpiredexpired1", "-1 minute"),
        ("liveliveliveliveliveli", "10 minutes"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO pending_actions (id, user_id, platform, chat_id, action, single_use, expires_at)
             VALUES ($1, $2, 'telegram', '1', '{{}}', true, now() + interval '{offset}')"
        )))
        .bind(id)
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    jobs::tick(&t.app).await.unwrap();
    assert!(
        jobs::run_one(&t.app, "w1", &fast(), &CancellationToken::new())
            .await
            .unwrap()
    );
    let left: Vec<String> = sqlx::query_scalar("SELECT id FROM pending_actions")
        .fetch_all(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(left, vec!["liveliveliveliveliveli".to_owned()]);
    // The scheduler's hourly key keeps a second tick from queueing another purge.
    jobs::tick(&t.app).await.unwrap();
    assert_eq!(
        count(
            &t.db.pool,
            "SELECT count(*) FROM jobs WHERE kind = 'purge_expired'"
        )
        .await,
        1
    );
}
