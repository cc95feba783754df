//! Scheduled digests through the real front ends' notifiers (teloxide with its Throttle, our
//! Discord REST client with its limiter) against the fake servers on 127.0.0.1: every digest
//! sent once, the send rates within the caps, 429s waited out, 403s pausing the right
//! subscription, 5xx retried later, and a send that never gets an answer left `uncertain`.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use creatorpilot::bot::{AccountId, DISCORD_DM_PREFIX};
use creatorpilot::i18n::{Locale, msg};
use creatorpilot::jobs::{self, WorkerConfig};
use creatorpilot::platforms::Mode;
use serde_json::json;
use teloxide::adaptors::throttle::Limits;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{decode_png, due_subscriptions, run_until_idle, seed};
use crate::channels::count;
use crate::discord::Harness;
use crate::discord::fake::{Recorded as DiscordRequest, Scripted};
use crate::support::TestApp;
use crate::telegram::fake::{Failure, FakeTelegram, Recorded};
use crate::telegram::{RATE_TESTS, fast, max_in_window, start, unescape};

/// The fake records arrival times: a request unlocked a second after another can arrive a few
/// milliseconds less than a second after it, so "at most N a second" is checked on 950 ms.
const RATE_WINDOW: Duration = Duration::from_millis(950);

/// What a subscription with seeded numbers (`super::seed`) reads for yesterday.
const SEEDED_VIEWS: &str = "1,590 views";

/// Job workers of one process, as `main` runs them, with the test's lease.
struct Workers {
    stop: CancellationToken,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Workers {
    fn start(t: &TestApp, names: &[&str], lease: Duration) -> Workers {
        let stop = CancellationToken::new();
        let config = WorkerConfig {
            idle_poll: Duration::from_millis(20),
            lease,
        };
        let handles = names
            .iter()
            .map(|name| {
                tokio::spawn(jobs::run_worker(
                    t.app.clone(),
                    (*name).into(),
                    config.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        Workers { stop, handles }
    }

    /// A clean stop: the job in hand finishes.
    async fn stop(self) {
        self.stop.cancel();
        for handle in self.handles {
            handle.await.unwrap();
        }
    }

    /// The process dies: whatever was in hand is neither finished nor given back.
    fn kill(self) {
        for handle in &self.handles {
            handle.abort();
        }
    }
}

/// Waits until `sql` (a count) reads `expected`.
async fn wait_for_count(t: &TestApp, what: &str, sql: &str, expected: i64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let n = count(t, sql).await;
        if n == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {n} after {within:?}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A creator who accepted the privacy policy, with digests due now (00:00 UTC, never sent), one per `(platform, chat, locale)`.
async fn creator(t: &TestApp, name: &str, subscriptions: &[(&str, &str, &str)]) -> AccountId {
    // A plan with room for every destination listed (the free plan serves one).
    let plan = if subscriptions.len() > 1 {
        "pro"
    } else {
        "free"
    };
    let id: Uuid =
        sqlx::query_scalar("INSERT INTO users (name, plan) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(plan)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    creatorpilot::domain::consent::accept_policy(&t.db.pool, AccountId(id))
        .await
        .unwrap();
    for (platform, chat, locale) in subscriptions {
        // A Telegram group, or a Discord server channel: not the creator's DM.
        let shared = match *platform {
            "telegram" => chat.starts_with('-'),
            _ => !chat.starts_with(DISCORD_DM_PREFIX),
        };
        sqlx::query(
            "INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, send_at,
                 time_zone)
             VALUES ($1, $2, $3, $4, $5, '00:00', 'UTC')",
        )
        .bind(id)
        .bind(platform)
        .bind(chat)
        .bind(shared)
        .bind(locale)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    AccountId(id)
}

/// The account of the (single) subscription sending to `chat`.
async fn account_of(t: &TestApp, chat: &str) -> AccountId {
    let id: Uuid =
        sqlx::query_scalar("SELECT user_id FROM digest_subscriptions WHERE chat_id = $1")
            .bind(chat)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    AccountId(id)
}

/// (status, paused_reason) of the subscriptions sending to `chat`.
async fn subscription_state(t: &TestApp, chat: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, paused_reason FROM digest_subscriptions WHERE chat_id = $1")
        .bind(chat)
        .fetch_one(&t.db.pool)
        .await
        .unwrap()
}

#[derive(Debug, sqlx::FromRow)]
struct JobRow {
    status: String,
    attempts: i32,
    last_error: Option<String>,
    run_at: DateTime<Utc>,
}

/// The digest job sending to `chat`.
async fn digest_job(t: &TestApp, chat: &str) -> JobRow {
    sqlx::query_as(
        "SELECT status, attempts, last_error, run_at FROM jobs
         WHERE kind = 'digest' AND payload->'destination'->>'chat_id' = $1",
    )
    .bind(chat)
    .fetch_one(&t.db.pool)
    .await
    .unwrap()
}

// --- Telegram --------------------------------------------------------------------------------

const SEND_METHODS: [&str; 3] = ["sendmessage", "sendphoto", "senddocument"];

/// Every message sent (text, photo, document), in arrival order.
fn sends(fake: &FakeTelegram) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| SEND_METHODS.contains(&r.method.as_str()))
        .collect()
}

fn sends_to(fake: &FakeTelegram, chat: i64) -> Vec<Recorded> {
    sends(fake)
        .into_iter()
        .filter(|r| r.chat_id() == Some(chat))
        .collect()
}

/// A message's text or caption, as the creator reads it.
fn text_of(r: &Recorded) -> String {
    unescape(&r.text().unwrap_or_default())
}

/// One digest with numbers, as a chat received it: one photo (a PNG chart), the text once (as
/// the caption, or right after the photo when too long for one), the two buttons once.
fn assert_digest_with_numbers(sent: &[Recorded]) {
    let photos: Vec<&Recorded> = sent.iter().filter(|r| r.method == "sendphoto").collect();
    assert_eq!(photos.len(), 1, "one chart: {sent:#?}");
    let png = photos[0].file_bytes("photo").expect("an uploaded photo");
    let (w, h) = decode_png(&png);
    assert!(w >= 800 && h >= 400, "{w}×{h}");
    let text: String = sent.iter().map(text_of).collect::<Vec<_>>().join("\n");
    assert_eq!(text.matches("Your digest for").count(), 1, "{text}");
    assert!(text.contains(SEEDED_VIEWS), "{text}");
    let buttons: usize = sent.iter().map(|r| r.button_data().len()).sum();
    assert_eq!(buttons, 3, "Brainstorm on this + Full stats + Pause digest");
    assert!(sent.len() <= 2, "{sent:#?}");
}

/// One digest without numbers: a single text message saying how to get some.
fn assert_digest_without_numbers(t: &TestApp, sent: &[Recorded], locale: Locale) {
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].method, "sendmessage");
    assert_eq!(text_of(&sent[0]), t.app.i18n.tr(locale, "digest-no-data"));
}

/// A supergroup id as Telegram gives them (-100…): the per-minute group limit applies to it.
const GROUP: i64 = -1_001_234_567_890;

#[tokio::test]
async fn telegram_digests_arrive_once_each_and_sends_stay_within_the_caps() {
    let _one_at_a_time = RATE_TESTS.lock().await;
    // The production caps scaled down so the test stays short: 10 a second overall (30), one a
    // second per chat (as in production), 2 a minute per group (20). Throttle's minute is a
    // fixed 60 s, so the group's third digest is held past the end of the test: we check it
    // is held (not sent, its job `sending`) rather than wait the minute out.
    let mut options = fast();
    options.limits = Limits {
        messages_per_sec_overall: 10,
        messages_per_sec_chat: 1,
        messages_per_min_chat: 20,
        messages_per_min_channel_or_supergroup: 2,
    };
    let tg = start(&[], options, Mode::NotifyOnly).await;
    let t = &tg.t;
    due_subscriptions(t, 40).await;
    let with_numbers = [1, 2, 3];
    for chat in with_numbers {
        seed(t, account_of(t, &chat.to_string()).await).await;
    }
    for n in 0..3 {
        creator(
            t,
            &format!("group member {n}"),
            &[("telegram", &GROUP.to_string(), "en")],
        )
        .await;
    }
    assert_eq!(
        jobs::schedule_digests(&t.app, Utc::now()).await.unwrap(),
        43
    );

    let workers = Workers::start(
        t,
        &["w1", "w2", "w3", "w4", "w5", "w6"],
        Duration::from_secs(60),
    );
    wait_for_count(
        t,
        "digests sent",
        "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'done'",
        42,
        Duration::from_secs(30),
    )
    .await;
    // The third digest to the group waits for the group's minute.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let group = sends_to(&tg.fake, GROUP);
    assert_eq!(group.len(), 2, "2 a minute to a group: {group:#?}");
    assert!(group[0].at.elapsed() < Duration::from_secs(60));
    assert_eq!(
        count(
            t,
            "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'sending'"
        )
        .await,
        1,
        "the held digest is in hand, not lost and not sent"
    );
    workers.kill();

    for chat in 1..=40 {
        let sent = sends_to(&tg.fake, chat);
        if with_numbers.contains(&chat) {
            assert_digest_with_numbers(&sent);
        } else {
            assert_digest_without_numbers(t, &sent, Locale::En);
        }
    }
    for r in &group {
        assert_eq!(text_of(r), t.app.i18n.tr(Locale::En, "digest-no-data"));
    }

    let all: Vec<Instant> = sends(&tg.fake).iter().map(|r| r.at).collect();
    assert!(all.len() >= 42, "{}", all.len());
    let busiest = max_in_window(&all, RATE_WINDOW);
    assert!(busiest <= 10, "{busiest} sends within a second overall");
    for chat in (1..=40).chain([GROUP]) {
        let times: Vec<Instant> = sends_to(&tg.fake, chat).iter().map(|r| r.at).collect();
        assert!(
            max_in_window(&times, RATE_WINDOW) <= 1,
            "more than one message a second to chat {chat}"
        );
    }
    println!(
        "{} messages in {:?}, at most {busiest} in a second",
        all.len(),
        all[all.len() - 1].duration_since(all[0])
    );
}

#[tokio::test]
async fn telegram_429_is_waited_out_and_the_digest_sent_once() {
    let _one_at_a_time = RATE_TESTS.lock().await;
    let tg = start(&[], fast(), Mode::NotifyOnly).await;
    let t = &tg.t;
    due_subscriptions(t, 3).await;
    seed(t, account_of(t, "2").await).await;
    tg.fake.fail_chat(2, Failure::RetryAfter(2), 1);
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    run_until_idle(t, &["w1", "w2"]).await;

    let attempts = sends_to(&tg.fake, 2);
    assert_eq!(attempts.len(), 2, "refused once, then sent once");
    let waited = attempts[1].at.duration_since(attempts[0].at);
    assert!(
        waited >= Duration::from_secs(2),
        "retry_after honoured: {waited:?}"
    );
    // The refused request carried the same digest; the creator received the second one.
    assert_digest_with_numbers(&attempts[1..]);
    assert_eq!(digest_job(t, "2").await.status, "done");
    for chat in [1, 3] {
        assert_digest_without_numbers(t, &sends_to(&tg.fake, chat), Locale::En);
    }
}

#[tokio::test]
async fn telegram_blocked_bot_pauses_that_digest_and_the_creator_hears_elsewhere_once() {
    let tg = start(&[], fast(), Mode::NotifyOnly).await;
    let t = &tg.t;
    let group = GROUP - 1;
    // The creator's DM blocked the bot; their group digest (in French) still works.
    creator(
        t,
        "blocked",
        &[
            ("telegram", "301", "en"),
            ("telegram", &group.to_string(), "fr"),
        ],
    )
    .await;
    creator(t, "other", &[("telegram", "302", "en")]).await;
    tg.fake.fail_chat(301, Failure::Blocked, 1);
    assert_eq!(jobs::schedule_digests(&t.app, Utc::now()).await.unwrap(), 3);
    run_until_idle(t, &["w1", "w2"]).await;

    assert_eq!(
        subscription_state(t, "301").await,
        ("paused".to_owned(), Some("unreachable".to_owned()))
    );
    assert_eq!(
        sends_to(&tg.fake, 301).len(),
        1,
        "no retry to a blocked chat"
    );
    let job = digest_job(t, "301").await;
    assert_eq!(
        (job.status.as_str(), job.attempts, job.last_error.as_deref()),
        ("failed", 1, Some("destination unreachable (paused)"))
    );
    assert_eq!(
        subscription_state(t, &group.to_string()).await,
        ("active".to_owned(), None)
    );
    let notice = t.app.i18n.render(
        Locale::Fr,
        &msg("digest-paused-unreachable").arg("platform", "Telegram"),
    );
    let in_group: Vec<String> = sends_to(&tg.fake, group).iter().map(text_of).collect();
    assert_eq!(in_group.len(), 2, "{in_group:?}");
    assert_eq!(
        in_group.iter().filter(|m| **m == notice).count(),
        1,
        "told once, in French: {in_group:?}"
    );
    assert!(in_group.contains(&t.app.i18n.tr(Locale::Fr, "digest-no-data")));
    assert_digest_without_numbers(t, &sends_to(&tg.fake, 302), Locale::En);
}

#[tokio::test]
async fn telegram_500_is_retried_later_with_backoff_and_sent_once() {
    let tg = start(&[], fast(), Mode::NotifyOnly).await;
    let t = &tg.t;
    due_subscriptions(t, 2).await;
    tg.fake.fail_chat(1, Failure::ServerError, 1);
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    let workers = Workers::start(t, &["w1", "w2"], Duration::from_secs(60));
    // teloxide waits 10 s before reading a 5xx answer.
    wait_for_count(
        t,
        "the refused digest back in the queue",
        "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'queued' AND attempts = 1",
        1,
        Duration::from_secs(20),
    )
    .await;
    let job = digest_job(t, "1").await;
    assert_eq!(job.last_error.as_deref(), Some("refused by the platform"));
    let wait = job.run_at - Utc::now();
    assert!(
        wait > chrono::Duration::seconds(5),
        "backoff of ~10 s after a first refusal: {wait}"
    );
    assert_eq!(
        sends_to(&tg.fake, 1).len(),
        1,
        "not sent again while queued"
    );
    assert_digest_without_numbers(t, &sends_to(&tg.fake, 2), Locale::En);

    // Rather than wait the backoff out, make the job due now.
    sqlx::query(
        "UPDATE jobs SET run_at = now()
         WHERE kind = 'digest' AND payload->'destination'->>'chat_id' = '1'",
    )
    .execute(&t.db.pool)
    .await
    .unwrap();
    wait_for_count(
        t,
        "digests sent",
        "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'done'",
        2,
        Duration::from_secs(10),
    )
    .await;
    workers.stop().await;
    let job = digest_job(t, "1").await;
    assert_eq!((job.status.as_str(), job.attempts), ("done", 2));
    let attempts = sends_to(&tg.fake, 1);
    assert_eq!(
        attempts.len(),
        2,
        "the refused request, then the digest once"
    );
    assert_digest_without_numbers(t, &attempts[1..], Locale::En);
    assert_digest_without_numbers(t, &sends_to(&tg.fake, 2), Locale::En);
    // The jobs metric tells the refusal apart from the two digests that arrived.
    let counted = |outcome: &str| {
        t.app
            .metrics
            .jobs
            .with_label_values(&["digest", outcome])
            .get()
    };
    assert_eq!((counted("sent"), counted("refused")), (2, 1));
}

#[tokio::test]
async fn a_worker_that_dies_mid_send_leaves_the_digest_uncertain_and_never_resends_it() {
    let tg = start(&[], fast(), Mode::NotifyOnly).await;
    let t = &tg.t;
    due_subscriptions(t, 5).await;
    // The request to chat 3 is written and never answered.
    tg.fake.fail_chat(3, Failure::Hang, 1);
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    let lease = Duration::from_secs(2);
    let first = Workers::start(t, &["instance-1"], lease);
    let deadline = Instant::now() + Duration::from_secs(15);
    while sends_to(&tg.fake, 3).is_empty() {
        assert!(Instant::now() < deadline, "{}", tg.fake.describe());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    assert_eq!(
        digest_job(t, "3").await.status,
        "sending",
        "committed before the request left"
    );

    // Another instance carries on; its scheduler tick reaps the lease once it has expired.
    let second = Workers::start(t, &["instance-2"], Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(10);
    while digest_job(t, "3").await.status != "uncertain" {
        assert!(
            Instant::now() < deadline,
            "the expired lease was not reaped"
        );
        jobs::tick(&t.app).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for_count(
        t,
        "digests sent",
        "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'done'",
        4,
        Duration::from_secs(15),
    )
    .await;
    second.stop().await;

    let job = digest_job(t, "3").await;
    assert!(
        job.last_error
            .as_deref()
            .is_some_and(|e| e.contains("lease expired while sending")),
        "{job:?}"
    );
    assert_eq!(sends_to(&tg.fake, 3).len(), 1, "never sent again");
    for chat in [1, 2, 4, 5] {
        assert_digest_without_numbers(t, &sends_to(&tg.fake, chat), Locale::En);
    }
    // Counted, and listed for `/ops jobs`.
    jobs::refresh_gauges(&t.app).await.unwrap();
    assert_eq!(t.app.metrics.uncertain_jobs.get(), 1);
    let problems = creatorpilot::db::jobs::problems(&t.db.pool, Some("uncertain"), 10)
        .await
        .unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, "digest");
}

#[tokio::test]
async fn a_send_that_never_gets_an_answer_times_out_uncertain_and_is_not_resent() {
    let tg = start(&[], fast(), Mode::NotifyOnly).await;
    let t = &tg.t;
    due_subscriptions(t, 3).await;
    tg.fake.fail_chat(2, Failure::Hang, 1);
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    // The worker stays up with a lease longer than teloxide's 17 s request timeout.
    run_until_idle(t, &["w1", "w2"]).await;
    let job = digest_job(t, "2").await;
    assert_eq!(
        (job.status.as_str(), job.last_error.as_deref()),
        ("uncertain", Some("no answer after the request was sent"))
    );
    assert_eq!(sends_to(&tg.fake, 2).len(), 1, "never sent again");
    for chat in [1, 3] {
        assert_digest_without_numbers(t, &sends_to(&tg.fake, chat), Locale::En);
    }
}

// --- Discord ---------------------------------------------------------------------------------

fn posts_to(requests: &[DiscordRequest], channel: &str) -> Vec<DiscordRequest> {
    let path = format!("/api/v10/channels/{channel}/messages");
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .cloned()
        .collect()
}

/// What a Discord message shows: its content, and its embed's title and description.
fn shown(post: &DiscordRequest) -> String {
    let mut text = vec![post.json["content"].as_str().unwrap_or_default()];
    for embed in post.json["embeds"].as_array().into_iter().flatten() {
        text.push(embed["title"].as_str().unwrap_or_default());
        text.push(embed["description"].as_str().unwrap_or_default());
    }
    text.retain(|t| !t.is_empty());
    text.join("\n")
}

/// One Discord message carrying a digest with numbers: the text, the PNG chart as a multipart
/// file shown in the embed, and the two buttons.
fn assert_discord_digest_with_numbers(post: &DiscordRequest) {
    let text = shown(post);
    assert_eq!(text.matches("Your digest for").count(), 1, "{text}");
    assert!(text.contains(SEEDED_VIEWS), "{text}");
    assert_eq!(post.uploads.len(), 1, "{:?}", post.files);
    let upload = &post.uploads[0];
    assert_eq!(
        (upload.file_name.as_str(), upload.content_type.as_str()),
        ("digest.png", "image/png")
    );
    let (w, h) = decode_png(&upload.bytes);
    assert!(w >= 800 && h >= 400, "{w}×{h}");
    assert_eq!(post.json["attachments"][0]["filename"], "digest.png");
    assert_eq!(
        post.json["embeds"][0]["image"]["url"], "attachment://digest.png",
        "{}",
        post.json
    );
    let buttons = post.json["components"][0]["components"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(buttons, 3, "{}", post.json);
}

#[tokio::test]
async fn discord_digests_reach_channels_and_dms_pause_on_missing_access_and_wait_out_429() {
    let _one_at_a_time = RATE_TESTS.lock().await;
    let h = Harness::start(&[("DISCORD_BOT_TOKEN", "fake-token")]).await;
    let t = &h.t;
    let a = creator(
        t,
        "a",
        &[("discord", "801", "en"), ("discord", "user:5001", "en")],
    )
    .await;
    seed(t, a).await;
    creator(
        t,
        "b",
        &[("discord", "802", "en"), ("discord", "user:5002", "fr")],
    )
    .await;
    let c = creator(t, "c", &[("discord", "803", "en")]).await;
    seed(t, c).await;
    h.fake.script(Scripted {
        path_part: "/channels/802/messages".into(),
        status: 403,
        headers: vec![],
        body: json!({ "message": "Missing Access", "code": 50001 }),
    });
    h.fake.script(Scripted {
        path_part: "/channels/803/messages".into(),
        status: 429,
        headers: vec![
            ("x-ratelimit-limit", "5".into()),
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset-after", "1.2".into()),
            ("x-ratelimit-bucket", "digest-803".into()),
            ("x-ratelimit-scope", "user".into()),
            ("retry-after", "2".into()),
        ],
        body: json!({ "message": "You are being rate limited.", "retry_after": 1.2, "global": false }),
    });
    assert_eq!(jobs::schedule_digests(&t.app, Utc::now()).await.unwrap(), 5);
    run_until_idle(t, &["w1", "w2"]).await;
    let requests = h.fake.requests();

    // A server channel and a DM, each once, with the chart attached.
    let posts = posts_to(&requests, "801");
    assert_eq!(posts.len(), 1);
    assert_discord_digest_with_numbers(&posts[0]);
    let opened: Vec<&str> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/v10/users/@me/channels")
        .filter_map(|r| r.json["recipient_id"].as_str())
        .collect();
    assert!(opened.contains(&"5001"), "{opened:?}");
    let dm = h.fake.dm_channel("5001").expect("the DM was opened");
    let posts = posts_to(&requests, &dm);
    assert_eq!(posts.len(), 1);
    assert_discord_digest_with_numbers(&posts[0]);

    // Missing access: that subscription pauses, tried once; the creator hears in their DM.
    assert_eq!(posts_to(&requests, "802").len(), 1, "no retry");
    assert_eq!(
        subscription_state(t, "802").await,
        ("paused".to_owned(), Some("unreachable".to_owned()))
    );
    assert_eq!(digest_job(t, "802").await.status, "failed");
    assert_eq!(
        subscription_state(t, "user:5002").await,
        ("active".to_owned(), None)
    );
    let dm = h.fake.dm_channel("5002").expect("the DM was opened");
    let contents: Vec<String> = posts_to(&requests, &dm).iter().map(shown).collect();
    let notice = t.app.i18n.render(
        Locale::Fr,
        &msg("digest-paused-unreachable").arg("platform", "Discord"),
    );
    let mut expected = vec![t.app.i18n.tr(Locale::Fr, "digest-no-data"), notice];
    let mut got = contents.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "the digest and the notice, once each");

    // A 429: nothing on that route before its reset, then the digest once.
    let posts = posts_to(&requests, "803");
    assert_eq!(posts.len(), 2, "refused once, then sent once");
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(waited >= Duration::from_millis(1200), "{waited:?}");
    assert_discord_digest_with_numbers(&posts[1]);
    assert_eq!(digest_job(t, "803").await.status, "done");
}

#[tokio::test]
async fn discord_reply_refused_after_its_first_message_is_uncertain_not_repeated() {
    let h = Harness::start(&[("DISCORD_BOT_TOKEN", "fake-token")]).await;
    // Text longer than one Discord message: three messages; the second answered 500.
    h.fake.script_after(
        1,
        Scripted {
            path_part: "/channels/901/messages".into(),
            status: 500,
            headers: vec![],
            body: json!({ "message": "Internal Server Error", "code": 0 }),
        },
    );
    let destination = creatorpilot::bot::Destination {
        platform: creatorpilot::bot::Platform::Discord,
        chat_id: "901".into(),
    };
    let reply = creatorpilot::bot::Reply::text("word ".repeat(900));
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &destination, reply)
            .await;
    // The first message arrived: retrying the reply would post it twice.
    assert_eq!(outcome, creatorpilot::bot::SendOutcome::Unknown);
    assert_eq!(posts_to(&h.fake.requests(), "901").len(), 2);
}
