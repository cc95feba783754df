//! Scheduled work across instances: every instance runs the scheduler, and the job queue's
//! dedupe keys make N ticks enqueue each due job once; workers of all instances run it once.

use std::sync::Arc;
use std::time::Duration;

use creatorpilot::bot::Platform;
use creatorpilot::jobs::{self, WorkerConfig};
use tokio_util::sync::CancellationToken;

use super::Instance;
use crate::digests::{Counting, due_subscriptions};
use crate::support::*;

async fn jobs_of(db: &TestDb, kind: &str) -> Vec<(String, i32)> {
    sqlx::query_as("SELECT status, attempts FROM jobs WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_instances_ticking_together_enqueue_and_run_each_due_job_once() {
    let t = app().await;
    let other = Instance::new(&t.db, &[]).await;
    let instances = [t.app.clone(), other.app.clone()];
    let notifiers: Vec<Arc<Counting>> = instances
        .iter()
        .map(|app| {
            let counting = Arc::new(Counting::default());
            app.notifiers.register(Platform::Telegram, counting.clone());
            counting
        })
        .collect();
    due_subscriptions(&t, 30).await;
    // Five OAuth connections of creators who accepted the policy, due their daily sync; their
    // chats are on Discord, which neither instance runs here, so the sync jobs stay queued for
    // this test to count.
    sqlx::query(
        "WITH u AS (INSERT INTO users (name) SELECT 'synced ' || i FROM generate_series(1, 5) i
                    RETURNING id),
              c AS (INSERT INTO consents (user_id, scope, policy_version)
                    SELECT id, 'policy', $1 FROM u)
         INSERT INTO platforms (user_id, provider, source, notify_platform, notify_chat_id,
                                notify_locale)
         SELECT id, 'youtube', 'oauth', 'discord', '42', 'en' FROM u",
    )
    .bind(creatorpilot::domain::consent::POLICY_VERSION)
    .execute(&t.db.pool)
    .await
    .unwrap();

    // Both schedulers tick at once, then again (the next minute).
    for _ in 0..2 {
        let (a, b) = tokio::join!(jobs::tick(&instances[0]), jobs::tick(&instances[1]));
        a.unwrap();
        b.unwrap();
    }
    assert_eq!(
        jobs_of(&t.db, "digest").await.len(),
        30,
        "one digest job each"
    );
    assert_eq!(
        jobs_of(&t.db, "sync_channel").await.len(),
        5,
        "one sync each"
    );
    assert!(
        jobs_of(&t.db, "purge_expired").await.len() <= 2,
        "one purge per hour"
    );

    let stop = CancellationToken::new();
    let config = WorkerConfig {
        idle_poll: Duration::from_millis(20),
        lease: Duration::from_secs(60),
    };
    let workers: Vec<_> = instances
        .iter()
        .enumerate()
        .flat_map(|(i, app)| {
            let (stop, config) = (stop.clone(), config.clone());
            (0..2).map(move |n| {
                tokio::spawn(jobs::run_worker(
                    app.clone(),
                    format!("instance-{i}:{n}"),
                    config.clone(),
                    stop.clone(),
                ))
            })
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while jobs_of(&t.db, "digest")
        .await
        .iter()
        .any(|(status, _)| status != "done")
    {
        assert!(tokio::time::Instant::now() < deadline, "digests not sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    for w in workers {
        w.await.unwrap();
    }
    assert!(
        jobs_of(&t.db, "digest")
            .await
            .iter()
            .all(|(status, attempts)| status == "done" && *attempts == 1),
        "each digest ran once"
    );
    let mut per_chat = std::collections::BTreeMap::<String, usize>::new();
    for counting in &notifiers {
        for (chat, texts) in counting.sent.lock().unwrap().iter() {
            *per_chat.entry(chat.clone()).or_default() += texts.len();
        }
    }
    assert_eq!(per_chat.len(), 30, "every creator got a digest");
    assert!(
        per_chat.values().all(|n| *n == 1),
        "none twice: {per_chat:?}"
    );
    assert!(
        notifiers.iter().all(|n| !n.sent.lock().unwrap().is_empty()),
        "both instances' workers took part"
    );
    assert!(
        jobs_of(&t.db, "sync_channel")
            .await
            .iter()
            .all(|(status, _)| status == "queued"),
        "left for an instance that runs Discord"
    );
}
