//! `/stats` and `/digest` through the engine, the digest scheduler and delivery on a real
//! database: seeded numbers in, what a creator reads out (text, chart PNG, buttons), each
//! scheduled digest sent exactly once, stale ones dropped, unreachable destinations paused.

mod delivery;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{Duration as Days, NaiveDate, Utc};
use creatorpilot::bot::{AccountId, Destination, Input, Notifier, Platform, Reply, SendOutcome};
use creatorpilot::i18n::{Locale, msg};
use creatorpilot::jobs::{self, Job, WorkerConfig};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::channels::{count, say};
use crate::engine::{Recorder, incoming};
use crate::support::*;

async fn account(t: &TestApp, user: &str) -> AccountId {
    accept_policy(&t.db.pool, Platform::Telegram, user).await;
    say(t, user, "/digest status").await;
    let id: Uuid = sqlx::query_scalar(
        "SELECT user_id FROM chat_identities WHERE platform = 'telegram' AND external_id = $1",
    )
    .bind(user)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    AccountId(id)
}

/// 60 days of YouTube numbers ending yesterday: views 1000 + 10/day, 10 gained and 2 lost a
/// day, followers crossing 10,000 yesterday; six videos, one far ahead of the others at the
/// same age.
async fn seed(t: &TestApp, account: AccountId) -> NaiveDate {
    let yesterday = Utc::now().date_naive() - Days::days(1);
    let platform: Uuid = sqlx::query_scalar(
        "INSERT INTO platforms (user_id, provider, source) VALUES ($1, 'youtube', 'manual')
         RETURNING id",
    )
    .bind(account.0)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO analytics (platform_id, day, views, watch_minutes, likes, comments,
             subscribers_gained, subscribers_lost, followers, source)
         SELECT $1, $2::date - i, 1000 + (59 - i) * 10, 300, 50, 5, 10, 2, 10004 - i * 8, 'manual'
         FROM generate_series(0, 59) i",
    )
    .bind(platform)
    .bind(yesterday)
    .execute(&t.db.pool)
    .await
    .unwrap();
    for (n, title, factor) in [
        (1, "Crêpes «maison» à 2 €", 5),
        (2, "Knife skills", 1),
        (3, "Pasta at home", 1),
        (4, "Rice basics", 1),
        (5, "Soup week", 1),
        (6, "Fresh one", 1),
    ] {
        let published = yesterday - Days::days(if n == 6 { 0 } else { 10 + n });
        sqlx::query(
            "INSERT INTO content (platform_id, external_id, title, published_at, views)
             VALUES ($1, $2, $3, $4::date + time '12:00', $5)",
        )
        .bind(platform)
        .bind(format!("v{n}"))
        .bind(title)
        .bind(published)
        .bind(2_000 * factor)
        .execute(&t.db.pool)
        .await
        .unwrap();
        // Daily snapshots since publication: 100 views a day (500 for the hit).
        sqlx::query(
            "INSERT INTO content_snapshots (platform_id, external_id, day, views)
             SELECT $1, $2, d::date, 100 * $3 * (d::date - $4::date + 1)
             FROM generate_series($4::date, $5::date, interval '1 day') d",
        )
        .bind(platform)
        .bind(format!("v{n}"))
        .bind(factor)
        .bind(published)
        .bind(yesterday)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    yesterday
}

fn decode_png(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

fn first_reply(r: &Recorder) -> Reply {
    r.replies.lock().unwrap()[0].clone()
}

#[tokio::test]
async fn stats_without_numbers_point_to_connect_and_manual_entry() {
    let t = app().await;
    let r = say(&t, "1", "/stats").await;
    assert_eq!(r.texts(), vec![t.app.i18n.tr(Locale::En, "stats-empty")]);
    assert!(r.texts()[0].contains("/connect") && r.texts()[0].contains("/stats add"));
}

#[tokio::test]
async fn stats_show_totals_changes_best_content_and_a_chart() {
    let t = app().await;
    let account = account(&t, "1").await;
    seed(&t, account).await;
    let r = say(&t, "1", "/stats 7d").await;
    let reply = first_reply(&r);
    let text = reply.blocks.join("\n");
    // The last 7 days: yesterday back to 6 days ago (today has no row yet) = 6 days shown.
    // Views those days: 1590 + 1580 + … + 1540 = 9,390; the 7 days before: 1530…1470 = 10,500.
    assert!(text.contains("Views: 9,390"), "{text}");
    assert!(text.contains("vs the previous 7 days"), "{text}");
    assert!(
        text.contains("Followers: 60 gained, 12 lost (net +48)"),
        "{text}"
    );
    assert!(text.contains("Best: «Fresh one»"), "{text}");
    assert_eq!(reply.attachments.len(), 1);
    assert_eq!(reply.attachments[0].mime_type, "image/png");
    let (w, h) = decode_png(&reply.attachments[0].bytes);
    assert!(w >= 800 && h >= 400, "{w}×{h}");

    // French: narrow no-break spaces, the decimal comma, French labels.
    say(&t, "1", "/language fr").await;
    let r = say(&t, "1", "/stats 7d youtube").await;
    let text = first_reply(&r).blocks.join("\n");
    assert!(text.contains("Vues : 9\u{202f}390"), "{text}");
    assert!(
        text.contains("Abonnés : 60 gagnés, 12 perdus (solde +48)"),
        "{text}"
    );
}

#[tokio::test]
async fn stats_refuse_periods_they_cannot_read() {
    let t = app().await;
    let tr = |m| t.app.i18n.render(Locale::En, &m);
    for (line, expected) in [
        ("/stats 5d", tr(msg("stats-bad-period").arg("period", "5d"))),
        (
            "/stats 2026-10-31..2026-10-01",
            tr(msg("stats-period-reversed")),
        ),
        (
            "/stats lastweek",
            tr(msg("stats-bad-period").arg("period", "lastweek")),
        ),
    ] {
        assert_eq!(say(&t, "1", line).await.texts(), vec![expected], "{line}");
    }

    // The free plan keeps 28 days of history: 28d reads, 90d says what the next plan keeps.
    let account = account(&t, "1").await;
    seed(&t, account).await;
    assert!(say(&t, "1", "/stats 28d").await.texts()[0].starts_with("📊"));
    assert_eq!(
        say(&t, "1", "/stats 90d").await.texts(),
        vec![
            "Your Free plan keeps 28 days of history, and this period starts earlier. Pick a \
             period within the last 28 days, or move to the Creator plan for 365 days: see /plan."
        ]
    );
    sqlx::query("UPDATE users SET plan = 'creator'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    assert!(say(&t, "1", "/stats 90d").await.texts()[0].starts_with("📊"));
}

#[tokio::test]
async fn digest_on_asks_the_zone_once_then_lists_pauses_and_themes() {
    let t = app().await;
    let r = say(&t, "1", "/digest on 08:30").await;
    assert_eq!(r.asked.lock().unwrap().len(), 1, "the time zone is asked");
    let r = say(&t, "1", "europe/paris").await;
    let text = r.texts().join("\n");
    assert!(
        text.contains("every day at 08:30 (Europe/Paris) in your Telegram DM"),
        "{text}"
    );
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM users WHERE time_zone = 'Europe/Paris'"
        )
        .await,
        1
    );
    // Remembered: a second destination is not asked again.
    let group = Recorder::default();
    let mut msg_in_group = incoming(
        Platform::Telegram,
        "1",
        "-100",
        Input::Line("/digest on 7pm here".into()),
    );
    msg_in_group.chat.private = false;
    creatorpilot::bot::dispatch::handle(&t.app, msg_in_group.clone(), &group).await;
    assert_eq!(
        group.texts(),
        vec![t.app.i18n.tr(Locale::En, "digest-here-admins-only")]
    );
    msg_in_group.is_admin = true;
    // The free plan sends the digest to one destination, and the DM is using it.
    let group = Recorder::default();
    creatorpilot::bot::dispatch::handle(&t.app, msg_in_group.clone(), &group).await;
    assert_eq!(
        group.texts(),
        vec![
            "Your Free plan sends the digest to one destination, and it is in use. Turn one off \
             with /digest off (/digest status lists them), or move to the Creator plan for 3: \
             see /plan."
        ]
    );
    assert_eq!(
        count(&t, "SELECT count(*) FROM digest_subscriptions").await,
        1
    );
    sqlx::query("UPDATE users SET plan = 'creator'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let group = Recorder::default();
    creatorpilot::bot::dispatch::handle(&t.app, msg_in_group, &group).await;
    assert!(group.texts()[0].contains("at 19:00 (Europe/Paris) in this Telegram chat"));
    assert!(group.asked.lock().unwrap().is_empty());

    let status = say(&t, "1", "/digest status").await.texts().join("\n");
    assert!(
        status.contains("your Telegram DM: 08:30 (Europe/Paris), dark chart, next"),
        "{status}"
    );
    assert!(
        status.contains("this Telegram chat: 19:00 (Europe/Paris)"),
        "{status}"
    );

    let r = say(&t, "1", "/digest theme light").await;
    assert_eq!(r.texts(), vec!["Charts here are now light.".to_owned()]);
    let r = say(&t, "1", "/digest off").await;
    assert!(r.texts()[0].starts_with("Digest stopped."));
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM digest_subscriptions WHERE status = 'active'"
        )
        .await,
        1
    );
    let r = say(&t, "1", "/digest off all").await;
    assert!(
        r.texts()[0].starts_with("Your digest is stopped."),
        "{:?}",
        r.texts()
    );
    let r = say(&t, "1", "/digest on 25:00 Europe/Paris").await;
    assert_eq!(
        r.texts(),
        vec![
            t.app
                .i18n
                .render(Locale::En, &msg("digest-bad-time").arg("time", "25:00"))
        ]
    );
}

#[tokio::test]
async fn digest_now_reads_the_latest_day_milestones_and_outperformers() {
    let t = app().await;
    let account = account(&t, "1").await;
    let yesterday = seed(&t, account).await;
    say(&t, "1", "/digest on 09:00 UTC").await;
    let r = say(&t, "1", "/digest now").await;
    let reply = first_reply(&r);
    let text = reply.blocks.join("\n");
    let date = creatorpilot::format::short_date(yesterday, Locale::En);
    assert!(text.contains(&format!("Your digest for {date}")), "{text}");
    // Yesterday: 1,590 views; the 7 days before average 1,560 (flat); a week before 1,520.
    assert!(
        text.contains(&format!(
            "On {date} you had 1,590 views, close to your 7-day average"
        )),
        "{text}"
    );
    assert!(text.contains("You gained 8 followers."), "{text}");
    assert!(text.contains("YouTube passed 10,000 followers"), "{text}");
    assert!(text.contains("«Crêpes «maison» à 2 €» (YouTube)"), "{text}");
    assert!(text.contains("5.0× your usual"), "{text}");
    assert_eq!(reply.attachments.len(), 1);
    decode_png(&reply.attachments[0].bytes);
    let labels: Vec<String> = reply
        .buttons
        .iter()
        .map(|b| match b {
            creatorpilot::bot::Button::Action { label, .. }
            | creatorpilot::bot::Button::Link { label, .. } => label.clone(),
        })
        .collect();
    assert_eq!(labels, ["Brainstorm on this", "Full stats", "Pause digest"]);
    // "Brainstorm on this" without a model: data-driven ideas from the creator's videos.
    let id = match &reply.buttons[0] {
        creatorpilot::bot::Button::Action { id, .. } => id.clone(),
        creatorpilot::bot::Button::Link { .. } => unreachable!(),
    };
    let ideas = crate::engine::press(&t, "1", &id).await.texts();
    assert!(ideas[0].starts_with("📊 Data-driven ideas"), "{ideas:?}");
    assert!(
        ideas.iter().any(|i| i.contains("Crêpes «maison» à 2 €")),
        "{ideas:?}"
    );
}

/// Counts sends per destination; answers what the test says for some chats.
#[derive(Default)]
pub(crate) struct Counting {
    pub(crate) sent: Mutex<BTreeMap<String, Vec<String>>>,
    unreachable: Vec<String>,
}

#[async_trait]
impl Notifier for Counting {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        self.sent
            .lock()
            .unwrap()
            .entry(destination.chat_id.clone())
            .or_default()
            .push(reply.blocks.join("\n"));
        if self.unreachable.contains(&destination.chat_id) {
            SendOutcome::Unreachable
        } else {
            SendOutcome::Delivered
        }
    }
}

fn fast() -> WorkerConfig {
    WorkerConfig {
        idle_poll: Duration::from_millis(20),
        lease: Duration::from_secs(60),
    }
}

/// `n` creators who accepted the privacy policy, each with one digest due now (UTC, 00:00,
/// never sent).
pub(crate) async fn due_subscriptions(t: &TestApp, n: i64) {
    sqlx::query(
        "WITH u AS (INSERT INTO users (name) SELECT 'creator ' || i FROM generate_series(1, $1) i
                    RETURNING id, name),
              c AS (INSERT INTO consents (user_id, scope, policy_version)
                    SELECT id, 'policy', $2 FROM u)
         INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, send_at,
             time_zone)
         SELECT id, 'telegram', substr(name, 9), false, 'en', '00:00', 'UTC' FROM u",
    )
    .bind(n)
    .bind(creatorpilot::domain::consent::POLICY_VERSION)
    .execute(&t.db.pool)
    .await
    .unwrap();
}

/// The digest job of subscription `sub` (of `user`, to Telegram chat 1) for `local_date`.
fn digest_job(sub: Uuid, user: Uuid, local_date: NaiveDate) -> Job {
    Job::Digest {
        account: AccountId(user),
        subscription: sub,
        destination: Destination {
            platform: Platform::Telegram,
            chat_id: "1".into(),
        },
        locale: Locale::En,
        local_date,
    }
}

async fn run_until_idle(t: &TestApp, workers: &[&str]) {
    let stop = CancellationToken::new();
    let handles: Vec<_> = workers
        .iter()
        .map(|w| {
            tokio::spawn(jobs::run_worker(
                t.app.clone(),
                (*w).into(),
                fast(),
                stop.clone(),
            ))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while count(
        t,
        "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running', 'sending')",
    )
    .await
        > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    for h in handles {
        h.await.unwrap();
    }
}

#[tokio::test]
async fn two_instances_send_two_hundred_due_digests_exactly_once() {
    let t = app().await;
    let notifier = Arc::new(Counting::default());
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    due_subscriptions(&t, 200).await;
    // Two instances tick at the same minute, and again a minute later.
    let now = Utc::now();
    let (a, b) = tokio::join!(
        jobs::schedule_digests(&t.app, now),
        jobs::schedule_digests(&t.app, now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 200);
    assert_eq!(
        jobs::schedule_digests(&t.app, now + Days::minutes(1))
            .await
            .unwrap(),
        0
    );
    run_until_idle(&t, &["instance-1", "instance-2"]).await;
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'done'"
        )
        .await,
        200
    );
    let sent = notifier.sent.lock().unwrap();
    assert_eq!(sent.len(), 200, "every subscription got its digest");
    assert!(sent.values().all(|v| v.len() == 1), "none twice");
}

#[tokio::test]
async fn a_digest_queued_for_an_earlier_day_is_dropped_not_sent_late() {
    let t = app().await;
    let notifier = Arc::new(Counting::default());
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    due_subscriptions(&t, 1).await;
    let (sub, user): (Uuid, Uuid) = sqlx::query_as("SELECT id, user_id FROM digest_subscriptions")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    let yesterday = Utc::now().date_naive() - Days::days(1);
    let job = digest_job(sub, user, yesterday);
    jobs::enqueue(&t.db.pool, &job, "old", Utc::now())
        .await
        .unwrap();
    run_until_idle(&t, &["w"]).await;
    assert!(notifier.sent.lock().unwrap().is_empty());
    assert_eq!(
        count(&t, "SELECT count(*) FROM jobs WHERE status = 'done'").await,
        1
    );
}

/// `creators` creators with a due DM digest who also post it in group -100, which removed the
/// bot; the digests are scheduled and run. Returns what the notifier saw.
async fn group_that_removed_the_bot(t: &TestApp, creators: i64) -> Arc<Counting> {
    let notifier = Arc::new(Counting {
        unreachable: vec!["-100".into()],
        ..Counting::default()
    });
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    due_subscriptions(t, creators).await;
    // A second destination needs a paid plan (the free plan serves one).
    for sql in [
        "UPDATE users SET plan = 'creator'",
        "INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, send_at,
             time_zone, last_local_date)
         SELECT user_id, 'telegram', '-100', true, 'en', '00:00', 'UTC', NULL
         FROM digest_subscriptions",
    ] {
        sqlx::query(sql).execute(&t.db.pool).await.unwrap();
    }
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    run_until_idle(t, &["w"]).await;
    notifier
}

#[tokio::test]
async fn an_unreachable_destination_pauses_its_digest_and_the_creator_hears_elsewhere() {
    let t = app().await;
    // The same creator's second destination, a group that removed the bot.
    let notifier = group_that_removed_the_bot(&t, 1).await;
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status, paused_reason FROM digest_subscriptions WHERE chat_id = '-100'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("paused", Some("unreachable"))
    );
    {
        let sent = notifier.sent.lock().unwrap();
        assert_eq!(sent["-100"].len(), 1, "tried once, no retry storm");
        let dm = &sent["1"];
        assert_eq!(dm.len(), 2, "{dm:?}");
        assert!(
            dm.iter()
                .any(|m| m.contains("I could not post your digest on Telegram")),
            "{dm:?}"
        );
    }
    // Paused: the next day's tick leaves it alone.
    sqlx::query("UPDATE digest_subscriptions SET last_local_date = NULL")
        .execute(&t.db.pool)
        .await
        .unwrap();
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM jobs WHERE dedupe_key LIKE 'digest:%'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_shared_group_that_removed_the_bot_pauses_every_digest_there_and_tells_each_creator() {
    let t = app().await;
    // Both creators also post their digest in one group, which then removed the bot.
    let notifier = group_that_removed_the_bot(&t, 2).await;

    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM digest_subscriptions
             WHERE chat_id = '-100' AND status = 'paused' AND paused_reason = 'unreachable'"
        )
        .await,
        2
    );
    let sent = notifier.sent.lock().unwrap();
    assert_eq!(sent["-100"].len(), 1, "tried once, then paused for both");
    for dm in ["1", "2"] {
        let told = sent[dm]
            .iter()
            .filter(|m| m.contains("I could not post your digest on Telegram"))
            .count();
        assert_eq!(told, 1, "creator {dm}: {:?}", sent[dm]);
    }
}

#[tokio::test]
async fn after_a_downgrade_destinations_beyond_the_plan_are_paused_not_sent() {
    let t = app().await;
    let notifier = Arc::new(Counting::default());
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    due_subscriptions(&t, 1).await;
    // A group digest added on a paid plan, a day after the DM one; then back to free.
    sqlx::query(
        "INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, send_at,
             time_zone, last_local_date, created_at)
         SELECT user_id, 'telegram', '-100', true, 'en', '00:00', 'UTC', NULL,
                created_at + interval '1 day'
         FROM digest_subscriptions",
    )
    .execute(&t.db.pool)
    .await
    .unwrap();
    jobs::schedule_digests(&t.app, Utc::now()).await.unwrap();
    run_until_idle(&t, &["w"]).await;

    let sent = notifier.sent.lock().unwrap().clone();
    assert!(
        !sent.contains_key("-100"),
        "nothing sent beyond the plan: {sent:?}"
    );
    let dm = &sent["1"];
    assert_eq!(dm.len(), 2, "the digest and one notice: {dm:?}");
    assert!(
        dm.iter().any(|m| m.starts_with(
            "Your plan sends the digest to one destination, so I paused the one on Telegram"
        )),
        "{dm:?}"
    );
    let (status, reason): (String, Option<String>) = sqlx::query_as(
        "SELECT status, paused_reason FROM digest_subscriptions WHERE chat_id = '-100'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("paused", Some("plan"))
    );
}

mod summary {
    use super::*;
    use crate::ai::fake::{Answer, FakeAi};

    async fn digest_with_model(answer: Answer) -> (String, FakeAi) {
        digest_on_plan("creator", answer).await
    }

    async fn digest_on_plan(plan: &str, answer: Answer) -> (String, FakeAi) {
        let fake = FakeAi::start(vec![answer]).await;
        let summary = digest_through(&fake, plan, &[]).await;
        (summary, fake)
    }

    /// The summary of a `/digest now` on `plan`, with `fake` as the model and `extra` settings.
    async fn digest_through(fake: &FakeAi, plan: &str, extra: &[(&str, &str)]) -> String {
        let mut env = vec![
            ("OPENAI_BASE_URL", fake.base_url.as_str()),
            ("OPENAI_API_KEY", "sk-test"),
        ];
        env.extend_from_slice(extra);
        let t = app_with(&env).await;
        let account = account(&t, "1").await;
        sqlx::query("UPDATE users SET plan = $1")
            .bind(plan)
            .execute(&t.db.pool)
            .await
            .unwrap();
        seed(&t, account).await;
        let r = say(&t, "1", "/digest now").await;
        first_reply(&r).blocks[1].clone()
    }

    #[tokio::test]
    async fn the_free_plan_gets_the_summary_from_the_numbers_without_asking_the_model() {
        let written = "A steady day at 1,590 views.";
        let (summary, fake) = digest_on_plan("free", Answer::Json(written.into())).await;
        assert_ne!(summary, written);
        assert!(summary.contains("1,590"), "{summary}");
        assert!(fake.requests().is_empty(), "the model was asked");
    }

    #[tokio::test]
    async fn the_model_summarises_the_facts_it_was_given() {
        let written = "A steady day at 1,590 views, and «Crêpes «maison» à 2 €» keeps running at 5.0× your usual.";
        let (summary, fake) = digest_with_model(Answer::Json(written.into())).await;
        assert_eq!(summary, written);
        let request = &fake.requests()[0].body;
        let facts = request["messages"][1]["content"].as_str().unwrap();
        assert!(
            facts.contains("1,590 views") && facts.contains("5.0×"),
            "{facts}"
        );
        assert!(request["max_tokens"].as_u64().unwrap() <= 200);
    }

    #[tokio::test]
    async fn an_invented_number_or_a_dead_model_gives_the_summary_from_the_numbers() {
        let (summary, _) = digest_with_model(Answer::Json("You had 2,400 views!".into())).await;
        assert!(
            summary.starts_with("On ") && summary.contains("1,590 views"),
            "{summary}"
        );
        let (summary, _) = digest_with_model(Answer::Status(500)).await;
        assert!(summary.contains("1,590 views"), "{summary}");
        let (summary, _) = digest_with_model(Answer::Hang).await;
        assert!(summary.contains("1,590 views"), "{summary}");
    }

    #[tokio::test]
    async fn a_backup_provider_writes_the_summary_when_the_primary_is_down() {
        use crate::ai::anthropic_fake::{FakeAnthropic, Reply};
        let written = "A steady day at 1,590 views.";
        let fake = FakeAi::start(vec![Answer::Status(500), Answer::Status(500)]).await;
        let claude = FakeAnthropic::start(vec![Reply::Text(written.into())]).await;
        let summary = digest_through(
            &fake,
            "creator",
            &[
                ("AI_FALLBACK_KIND", "anthropic"),
                ("AI_FALLBACK_BASE_URL", claude.base_url.as_str()),
                ("AI_FALLBACK_API_KEY", "sk-ant"),
                ("AI_FALLBACK_MODEL", "claude-test"),
            ],
        )
        .await;
        assert_eq!(summary, written, "the backup's summary is the one shown");
        assert!(!fake.requests().is_empty(), "the primary was asked first");
        let asked = claude.requests();
        assert_eq!(asked.len(), 1);
        assert!(
            asked[0].body.to_string().contains("1,590 views"),
            "the backup got the same facts: {}",
            asked[0].body
        );
    }
}

#[tokio::test]
async fn the_demo_creator_loads_once_and_its_digest_finds_the_outperformer() {
    use creatorpilot::domain::channels::demo;
    let t = app().await;
    let first = account(&t, "1").await;
    let yesterday = Utc::now().date_naive() - Days::days(1);
    assert!(demo::load(&t.db.pool, first, yesterday).await.unwrap());
    // YouTube and TikTok, 120 days each; 20 titled videos each, with daily snapshots.
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 240);
    assert_eq!(
        count(
            &t,
            "SELECT count(DISTINCT title) FROM content WHERE title IS NOT NULL"
        )
        .await,
        40
    );
    let snapshots = count(&t, "SELECT count(*) FROM content_snapshots").await;
    assert!(snapshots >= 40 * 3, "{snapshots} snapshots");
    let analytics = count(&t, "SELECT count(*) FROM analytics").await;
    assert!(!demo::load(&t.db.pool, first, yesterday).await.unwrap());
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, analytics);
    assert_eq!(
        count(&t, "SELECT count(*) FROM content_snapshots").await,
        snapshots
    );
    // Deterministic: another account gets the very same numbers.
    let other = account(&t, "2").await;
    assert!(demo::load(&t.db.pool, other, yesterday).await.unwrap());
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM (SELECT p.provider, a.day, a.views, a.followers
               FROM analytics a JOIN platforms p ON p.id = a.platform_id
               GROUP BY 1, 2, 3, 4 HAVING count(*) = 2) same"
        )
        .await,
        240
    );
    let channels = say(&t, "1", "/channels").await.texts().join("\n");
    assert!(channels.contains("Demo · sample data"), "{channels}");
    let digest = say(&t, "1", "/digest now").await.texts().join("\n");
    // Exactly one video per platform (its second newest) runs far ahead of its peers.
    assert_eq!(digest.matches("🚀").count(), 2, "{digest}");
    assert!(
        digest.contains("🚀 «Mes couteaux préférés (et pourquoi)» (YouTube)"),
        "{digest}"
    );
    assert!(
        digest.contains("🚀 «Œuf mollet parfait : 6 min 30, pas une de plus» (TikTok)"),
        "{digest}"
    );
}

/// A due digest of an account that has not accepted the policy in force: no AI call and no
/// digest, but one notice with Accept per policy version; once accepted, digests resume.
#[tokio::test]
async fn a_gated_accounts_digest_is_paused_with_one_notice_until_the_policy_is_accepted() {
    use crate::ai::fake::{Answer, FakeAi};
    let written = "A steady day at 1,590 views.";
    let fake = FakeAi::start(vec![Answer::Json(written.into())]).await;
    let t = app_with(&[
        ("OPENAI_BASE_URL", fake.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
    ])
    .await;
    let notifier = Arc::new(Counting::default());
    t.app
        .notifiers
        .register(Platform::Telegram, notifier.clone());
    let account = account(&t, "1").await;
    seed(&t, account).await;
    for sql in [
        "UPDATE users SET plan = 'creator'",
        // The policy changed since this creator accepted it.
        "UPDATE consents SET policy_version = 0 WHERE scope = 'policy'",
        "INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, send_at,
             time_zone)
         SELECT id, 'telegram', '1', false, 'en', '00:00', 'UTC' FROM users",
    ] {
        sqlx::query(sql).execute(&t.db.pool).await.unwrap();
    }
    assert_eq!(jobs::schedule_digests(&t.app, Utc::now()).await.unwrap(), 1);
    run_until_idle(&t, &["w"]).await;

    let ask = t
        .app
        .i18n
        .render(Locale::En, &msg("privacy-accept-ask").arg("version", 1_i64));
    let notice = [
        t.app.i18n.tr(Locale::En, "privacy-digest-paused"),
        t.app.i18n.tr(Locale::En, "privacy-changes-1"),
        ask,
    ]
    .join("\n");
    assert_eq!(
        notifier.sent.lock().unwrap().get("1"),
        Some(&vec![notice.clone()])
    );
    assert!(fake.requests().is_empty(), "the model was asked");
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM jobs WHERE kind = 'digest' AND status = 'done'"
        )
        .await,
        1
    );
    // Its Accept and "Read the policy" buttons last as long as a digest's.
    assert_eq!(
        count(
            &t,
            "SELECT count(*) FROM pending_actions WHERE action->>'action' IN ('accept_policy', 'show_policy')
               AND expires_at > now() + interval '6 days'"
        )
        .await,
        2
    );

    // Another digest job for the same subscription (another day, or another instance): no
    // second notice.
    let (sub, user): (Uuid, Uuid) = sqlx::query_as("SELECT id, user_id FROM digest_subscriptions")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    let job = digest_job(sub, user, Utc::now().date_naive());
    jobs::enqueue(&t.db.pool, &job, "again", Utc::now())
        .await
        .unwrap();
    run_until_idle(&t, &["w"]).await;
    assert_eq!(notifier.sent.lock().unwrap()["1"].len(), 1);
    assert!(fake.requests().is_empty(), "the model was asked");

    // Accepted: the digest is composed and summarised again.
    creatorpilot::domain::consent::accept_policy(&t.db.pool, account)
        .await
        .unwrap();
    jobs::enqueue(&t.db.pool, &job, "accepted", Utc::now())
        .await
        .unwrap();
    run_until_idle(&t, &["w"]).await;
    let sent = notifier.sent.lock().unwrap()["1"].clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].contains(written), "{sent:?}");
    assert_eq!(fake.requests().len(), 1);
}
