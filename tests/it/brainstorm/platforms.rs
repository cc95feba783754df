//! `/ideas` through the real Telegram and Discord front ends, against their fakes and a model
//! streaming five ideas over about four seconds, some closer together than the edit interval: the
//! stream shows as edits of one message within the platform's rate (never raw JSON), then one
//! message per idea with its four buttons, and a pressed Save lands in the backlog.

use std::time::{Duration, Instant};

use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::domain::channels::demo;
use creatorpilot::i18n::{Locale, msg};
use creatorpilot::platforms::Mode;
use creatorpilot::platforms::telegram::Options;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{chunks, with_content};
use crate::ai::fake::{Answer, FakeAi};
use crate::channels::{count, say_on};
use crate::discord::Harness;
use crate::discord::fake::{self as discord_fake, APP_ID};
use crate::support::{TestApp, accept_policy};
use crate::telegram::fake::{Recorded, callback, private_text};
use crate::telegram::{self, RATE_TESTS, max_in_window, unescape};

const WAIT: Duration = Duration::from_secs(20);
/// How much earlier than the interval a recorded arrival may be (scheduling, loopback HTTP).
const SLACK: Duration = Duration::from_millis(50);
const IDEA_BUTTONS: [&str; 4] = ["Save", "Expand", "More like this", "Discard"];

pub(super) fn ai_env(fake: &FakeAi) -> [(&str, &str); 2] {
    [
        ("OPENAI_BASE_URL", fake.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
    ]
}

/// Five ideas in pairs 0.3 s apart, the pairs 1.2 s apart, and the end 0.3 s after the last idea:
/// edited at once, ideas 2 and 4 and the final heading would each follow an edit by 0.3 s.
fn paced_ideas() -> Answer {
    let waits = [0, 500, 300, 1200, 300, 1200, 300];
    Answer::Paced(
        waits
            .into_iter()
            .map(Duration::from_millis)
            .zip(chunks(5))
            .collect(),
    )
}

fn thinking(t: &TestApp) -> String {
    t.app
        .i18n
        .render(Locale::En, &msg("ideas-thinking").arg("niche", "cuisine"))
}

/// The start of idea `n`'s message: its title and hook, as the model wrote them.
fn idea_start(n: usize) -> String {
    format!("{n}. Idea {n}: crêpes «maison»\nHook: Hook {n}")
}

/// How many "N. Title" lines a streaming preview shows.
fn ideas_shown(preview: &str) -> usize {
    preview
        .lines()
        .filter(|l| l.split_once(". Idea ").is_some())
        .count()
}

/// Each gap between consecutive instants is at least `at_least`.
fn assert_spaced(times: &[Instant], at_least: Duration, what: &str) {
    for (n, pair) in times.windows(2).enumerate() {
        let gap = pair[1].duration_since(pair[0]);
        assert!(
            gap >= at_least,
            "{what} {n} and {} only {gap:?} apart",
            n + 1
        );
    }
}

fn texts(sent: &[Recorded]) -> Vec<String> {
    sent.iter()
        .map(|r| unescape(&r.text().unwrap_or_default()))
        .collect()
}

fn labels(buttons: &[(String, String)]) -> Vec<&str> {
    buttons.iter().map(|(label, _)| label.as_str()).collect()
}

#[tokio::test]
async fn on_telegram_the_stream_is_edits_a_second_apart_then_one_message_per_idea() {
    // Measures time against the product's own rates: one timing test at a time.
    let _one_at_a_time = RATE_TESTS.lock().await;
    let ai = FakeAi::start(vec![paced_ideas()]).await;
    // Production limits (1 message/s per chat) and edit interval; only polling is shortened.
    let options = Options {
        poll_timeout: Duration::from_secs(1),
        backoff: (Duration::from_millis(10), Duration::from_millis(100)),
        ..Options::default()
    };
    let interval = options.edit_interval;
    let tg = telegram::start(&ai_env(&ai), options, Mode::Full).await;
    let user: i64 = 4242;
    with_content(&tg.t, &user.to_string()).await;

    tg.fake
        .push_update(private_text(user, "en", "/ideas cuisine"));
    let in_chat = |method: &str| -> Vec<Recorded> {
        tg.fake
            .requests_for(method)
            .into_iter()
            .filter(|r| r.chat_id() == Some(user))
            .collect()
    };
    // The only chat of this test: the thinking message, then 5 ideas.
    tg.fake.wait_for("sendmessage", 6, WAIT).await;
    let sent = in_chat("sendmessage");
    let sent_texts = texts(&sent);
    assert_eq!(sent_texts[0], thinking(&tg.t), "{}", tg.fake.describe());
    assert!(
        in_chat("sendchataction")
            .iter()
            .any(|r| r.str("action").as_deref() == Some("typing")),
        "no typing…\n{}",
        tg.fake.describe()
    );

    // The stream: edits of that message (the fake numbers a chat's messages from 1), each one
    // showing more complete ideas, never raw JSON, never two within the edit interval.
    let edits = in_chat("editmessagetext");
    let edit_texts = texts(&edits);
    assert!(
        edits.iter().all(|e| e.i64("message_id") == Some(1)),
        "{}",
        tg.fake.describe()
    );
    let streaming: Vec<&String> = edit_texts
        .iter()
        .filter(|t| t.starts_with(&thinking(&tg.t)))
        .collect();
    assert!(
        streaming.len() >= 3,
        "{} streaming edits\n{}",
        streaming.len(),
        tg.fake.describe()
    );
    assert!(streaming[0].ends_with("\n1. Idea 1: crêpes «maison»"));
    let shown: Vec<usize> = streaming.iter().map(|t| ideas_shown(t)).collect();
    assert!(
        shown.windows(2).all(|w| w[0] < w[1]) && shown.last() == Some(&5),
        "an edit without a new idea, or not every idea shown: {shown:?}"
    );
    for text in &edit_texts {
        assert!(!text.contains('{'), "raw JSON shown: {text}");
    }
    let times: Vec<Instant> = edits.iter().map(|e| e.at).collect();
    assert_spaced(&times, interval - SLACK, "edits");

    // The stream's message ends as the heading with Refine; then one message per idea.
    let heading = edits.last().unwrap();
    assert!(
        edit_texts.last().unwrap().starts_with("Here are 5 ideas."),
        "{edit_texts:?}"
    );
    assert_eq!(labels(&heading.buttons()), ["Refine"]);
    for (n, idea) in sent[1..6].iter().enumerate() {
        assert!(
            sent_texts[n + 1].starts_with(&idea_start(n + 1)),
            "{:?}",
            sent_texts[n + 1]
        );
        assert_eq!(labels(&idea.buttons()), IDEA_BUTTONS);
        assert!(idea.buttons().iter().all(|(_, data)| data.len() <= 64));
    }
    let sends: Vec<Instant> = sent.iter().map(|r| r.at).collect();
    assert_eq!(
        max_in_window(&sends, Duration::from_millis(950)),
        1,
        "more than one message a second to one chat"
    );

    // Save under idea 2 (message 3): answered, saved once, confirmed.
    let (_, save) = &sent[2].buttons()[0];
    tg.fake.push_update(callback(user, user, "en", save, 3));
    tg.fake.wait_for("answercallbackquery", 1, WAIT).await;
    tg.fake.wait_for("sendmessage", 7, WAIT).await;
    let sent = in_chat("sendmessage");
    assert_eq!(
        texts(&sent)[6],
        "Saved as idea #1. /idea list shows your backlog."
    );
    assert_eq!(
        count(
            &tg.t,
            "SELECT count(*) FROM ai_ideas WHERE title = 'Idea 2: crêpes «maison»' AND origin = 'ai'"
        )
        .await,
        1
    );
    assert_eq!(ai.requests().len(), 1);
}

/// The demo channels on the account of `user` on `platform` (created by a first message).
async fn content_on(t: &TestApp, platform: Platform, user: &str) {
    accept_policy(&t.db.pool, platform, user).await;
    say_on(t, platform, user, "/help").await;
    let id: Uuid = sqlx::query_scalar(
        "SELECT user_id FROM chat_identities WHERE platform = $1 AND external_id = $2",
    )
    .bind(platform.as_str())
    .bind(user)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    demo::load(&t.db.pool, AccountId(id), yesterday)
        .await
        .unwrap();
}

fn content(message: &Value) -> &str {
    message["content"].as_str().unwrap_or_default()
}

/// (label, custom_id) of every button of a Discord message.
fn components(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["label"].as_str().unwrap_or_default().to_owned(),
                b["custom_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn on_discord_the_deferred_answer_is_edited_as_ideas_complete_then_followed_up() {
    let ai = FakeAi::start(vec![paced_ideas()]).await;
    let h = Harness::start(&ai_env(&ai)).await;
    content_on(&h.t, Platform::Discord, "42").await;

    let options = json!([{ "name": "new", "type": 1, "options": [
        { "name": "niche", "type": 3, "value": "cuisine" }
    ] }]);
    let asked = Instant::now();
    let (status, answer) = h
        .post(&discord_fake::command("ideas", options, "42", "en-US"))
        .await;
    // Discord waits 3 seconds for the first answer: a slow command defers at once.
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(status, 200);
    assert_eq!(answer, json!({ "type": 5, "data": { "flags": 0 } }));

    let webhook = format!("/api/v10/webhooks/{APP_ID}/interaction-token");
    let original = format!("{webhook}/messages/@original");
    let follow_ups = h
        .fake
        .wait_for_count("follow-ups", 5, WAIT, |r| {
            r.method == "POST" && r.path == webhook
        })
        .await;
    let patches = h
        .fake
        .requests_matching(|r| r.method == "PATCH" && r.path == original);
    let bodies: Vec<&str> = patches.iter().map(|p| content(&p.json)).collect();

    // The deferred answer becomes "thinking", then shows each idea as it completes.
    assert_eq!(bodies[0], thinking(&h.t), "{bodies:#?}");
    let streaming: Vec<_> = patches[1..]
        .iter()
        .filter(|p| content(&p.json).starts_with(&thinking(&h.t)))
        .collect();
    assert!(streaming.len() >= 3, "{bodies:#?}");
    assert!(content(&streaming[0].json).ends_with("\n1. Idea 1: crêpes «maison»"));
    let shown: Vec<usize> = streaming
        .iter()
        .map(|p| ideas_shown(content(&p.json)))
        .collect();
    assert!(
        shown.windows(2).all(|w| w[0] < w[1]) && shown.last() == Some(&5),
        "an edit without a new idea, or not every idea shown: {shown:?}"
    );
    let times: Vec<Instant> = streaming.iter().map(|p| p.at).collect();
    assert_spaced(
        &times,
        creatorpilot::commands::ideas::EDIT_INTERVAL - SLACK,
        "streaming edits",
    );
    for body in &bodies {
        assert!(!body.contains('{'), "raw JSON shown: {body}");
    }
    let heading = patches.last().unwrap();
    assert!(
        content(&heading.json).starts_with("Here are 5 ideas."),
        "{bodies:#?}"
    );
    assert_eq!(labels(&components(&heading.json)), ["Refine"]);

    // Then a follow-up per idea, each with its four buttons.
    for (n, follow_up) in follow_ups.iter().enumerate() {
        assert_eq!(follow_up.query, "wait=true");
        let text = content(&follow_up.json);
        assert!(text.starts_with(&idea_start(n + 1)), "{text}");
        let buttons = components(&follow_up.json);
        assert_eq!(labels(&buttons), IDEA_BUTTONS);
        for (_, id) in &buttons {
            assert!(!id.is_empty() && id.len() <= 100, "custom_id {id:?}");
        }
    }

    // Save under idea 2, pressed in Discord.
    let (_, save) = &components(&follow_ups[1].json)[0];
    let (_, saved) = h
        .post(&discord_fake::button(save, "42", "en-US", false))
        .await;
    assert_eq!(saved["type"], 4, "{saved}");
    assert_eq!(
        saved["data"]["content"],
        "Saved as idea #1. /idea list shows your backlog."
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM ai_ideas WHERE title = 'Idea 2: crêpes «maison»'"
        )
        .await,
        1
    );
}
