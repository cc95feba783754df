//! Several instances on one database behave as one bot: one Telegram poller at a time (handed
//! over when it stops or its connection dies), send limits shared across instances, Discord
//! shards split by `DISCORD_SHARDS`, and scheduled work enqueued and run once whatever the
//! number of schedulers.

mod discord_shards;
mod schedule;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use creatorpilot::app::App;
use creatorpilot::bot::{Destination, Platform, Reply, SendOutcome};
use creatorpilot::platforms::Mode;
use creatorpilot::platforms::telegram::{self, Options};
use teloxide::adaptors::throttle::Limits;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::support::*;
use crate::telegram::fake::{FakeTelegram, private_text};
use crate::telegram::{RATE_TESTS, fast, max_in_window, unescape};

const WAIT: Duration = Duration::from_secs(15);

/// One `serve`-like instance: its own application, pool and data directory over the shared
/// database, with the Telegram front end started.
pub(crate) struct Instance {
    pub(crate) app: Arc<App>,
    stop: CancellationToken,
    tasks: JoinSet<()>,
    _dir: tempfile::TempDir,
}

impl Instance {
    pub(crate) async fn new(db: &TestDb, env: &[(&str, &str)]) -> Instance {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&db.url)
            .await
            .unwrap();
        let app = App::new(settings(dir.path(), env), pool).unwrap();
        Instance {
            app,
            stop: CancellationToken::new(),
            tasks: JoinSet::new(),
            _dir: dir,
        }
    }

    async fn telegram(fake: &FakeTelegram, db: &TestDb, options: Options, mode: Mode) -> Instance {
        let env = [
            ("TELEGRAM_BOT_TOKEN", "123:secret-token"),
            ("TELEGRAM_API_URL", fake.url.as_str()),
        ];
        let mut instance = Instance::new(db, &env).await;
        telegram::start_with(
            &instance.app,
            options,
            mode,
            &instance.stop,
            &mut instance.tasks,
        );
        instance
    }

    pub(crate) async fn stop(mut self) {
        self.stop.cancel();
        while tokio::time::timeout(WAIT, self.tasks.join_next())
            .await
            .expect("the instance stops")
            .is_some()
        {}
    }
}

/// The backends of this database holding an advisory lock.
async fn lock_holders(db: &TestDb) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_locks
         WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `/help` from `user` and returns the messages it got once replies stop coming.
async fn ask_help(fake: &FakeTelegram, user: i64) -> Vec<String> {
    let texts = || {
        fake.requests_for("sendmessage")
            .iter()
            .filter(|r| r.chat_id() == Some(user))
            .map(|r| unescape(r.params["text"].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    fake.push_update(private_text(user, "en", "/help"));
    eventually("the bot answers", async || !texts().is_empty()).await;
    // Long enough for a second poller's copy of the update to be answered too.
    tokio::time::sleep(Duration::from_millis(800)).await;
    texts()
}

fn assert_answered_once(texts: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for text in texts {
        assert!(
            seen.insert(text),
            "the update was answered twice: {texts:?}"
        );
    }
}

#[tokio::test]
async fn one_instance_polls_telegram_and_another_takes_over_when_it_stops() {
    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    let first = Instance::telegram(&fake, &db, fast(), Mode::Full).await;
    eventually("the first instance polls", async || fake.polls() >= 2).await;
    let second = Instance::telegram(&fake, &db, fast(), Mode::Full).await;
    // The second tries the lock every 100 ms meanwhile.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(lock_holders(&db).await.len(), 1, "one polling lock held");
    assert_eq!(
        fake.poll_overlaps(),
        0,
        "only one instance calls getUpdates"
    );
    assert_answered_once(&ask_help(&fake, 501).await);
    assert_eq!(
        fake.poll_overlaps(),
        0,
        "only one instance calls getUpdates"
    );

    first.stop().await;
    let polls = fake.polls();
    eventually("the second instance polls", async || {
        fake.polls() > polls + 1
    })
    .await;
    let texts = ask_help(&fake, 502).await;
    assert!(!texts.is_empty(), "the second instance answers");
    assert_answered_once(&texts);
    assert_eq!(lock_holders(&db).await.len(), 1);
    second.stop().await;
    assert!(
        lock_holders(&db).await.is_empty(),
        "the lock is released on stop"
    );
}

#[tokio::test]
async fn when_the_pollers_connection_dies_another_instance_takes_over() {
    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    let first = Instance::telegram(&fake, &db, fast(), Mode::Full).await;
    eventually("the first instance polls", async || fake.polls() >= 2).await;
    let second = Instance::telegram(&fake, &db, fast(), Mode::Full).await;
    let holder = lock_holders(&db).await;
    assert_eq!(holder.len(), 1);

    // The holder's session ends as if its process had died.
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(holder[0])
        .execute(&db.pool)
        .await
        .unwrap();
    eventually("another session holds the lock", async || {
        let now = lock_holders(&db).await;
        now.len() == 1 && now[0] != holder[0]
    })
    .await;
    // Both instances run on; the one that lost its lock must have stopped polling.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let overlaps = fake.poll_overlaps();
    let polls = fake.polls();
    let texts = ask_help(&fake, 503).await;
    assert!(!texts.is_empty(), "the new poller answers");
    assert_answered_once(&texts);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(fake.polls() > polls, "polling goes on");
    assert_eq!(
        fake.poll_overlaps(),
        overlaps,
        "one poller after the takeover"
    );
    first.stop().await;
    second.stop().await;
}

/// Telegram's limits, as production sets them.
fn production_limits() -> Options {
    Options {
        limits: Options::default().limits,
        ..fast()
    }
}

#[tokio::test]
async fn three_instances_together_stay_under_telegrams_limits() {
    let _one_at_a_time = RATE_TESTS.lock().await;
    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances.push(Instance::telegram(&fake, &db, production_limits(), Mode::NotifyOnly).await);
    }
    // 50 chats, one message to each from each instance: 150 messages, 3 per chat.
    let chats: Vec<Destination> = (0..50)
        .map(|i| Destination {
            platform: Platform::Telegram,
            chat_id: (7000 + i).to_string(),
        })
        .collect();
    let started = Instant::now();
    let sends = instances.iter().flat_map(|instance| {
        chats.iter().map(|chat| {
            let app = instance.app.clone();
            async move {
                app.notifiers
                    .send(
                        &app.db,
                        chat,
                        Reply::text(format!("digest for {}", chat.chat_id)),
                    )
                    .await
            }
        })
    });
    let outcomes = futures_util::future::join_all(sends).await;
    assert!(outcomes.iter().all(|o| *o == SendOutcome::Delivered));

    let sent = fake.requests_for("sendmessage");
    assert_eq!(sent.len(), 150);
    let times: Vec<Instant> = sent.iter().map(|r| r.at).collect();
    let overall = max_in_window(&times, Duration::from_secs(1));
    let mut per_chat: HashMap<i64, Vec<Instant>> = HashMap::new();
    for r in &sent {
        per_chat.entry(r.chat_id().unwrap()).or_default().push(r.at);
    }
    let chat_max = per_chat
        .values()
        .map(|t| max_in_window(t, Duration::from_secs(1)))
        .max()
        .unwrap();
    println!(
        "shared limits: 150 messages from 3 instances in {:?}; highest in any second: {overall} \
         overall, {chat_max} to one chat",
        started.elapsed()
    );
    assert!(
        overall <= 30,
        "{overall} messages in one second across instances"
    );
    assert_eq!(chat_max, 1, "more than one message a second to a chat");
    for instance in instances {
        instance.stop().await;
    }
}

#[tokio::test]
async fn a_group_gets_at_most_twenty_messages_a_minute_across_instances() {
    let fake = FakeTelegram::start().await;
    let db = fresh_db().await;
    // Scaled so the test is short: 1 a second per chat is production's, the minute cap is 3.
    let limits = Limits {
        messages_per_min_chat: 3,
        ..Options::default().limits
    };
    let options = Options { limits, ..fast() };
    let a = Instance::telegram(&fake, &db, options.clone(), Mode::NotifyOnly).await;
    let b = Instance::telegram(&fake, &db, options, Mode::NotifyOnly).await;
    let group = Destination {
        platform: Platform::Telegram,
        chat_id: "-100555".into(),
    };
    let sends = [&a, &b, &a, &b].map(|instance| {
        let app = instance.app.clone();
        let group = group.clone();
        tokio::spawn(async move {
            app.notifiers
                .send(&app.db, &group, Reply::text("news"))
                .await
        })
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        fake.requests_for("sendmessage").len(),
        3,
        "the fourth message waits for the minute to pass"
    );
    for send in sends {
        send.abort();
    }
    a.stop().await;
    b.stop().await;
}
