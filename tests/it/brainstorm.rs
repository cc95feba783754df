//! `/ideas` against a scripted OpenAI-compatible fake: the stream shown as edits (a complete
//! idea at a time, throttled), each idea with its buttons, follow-ups in free text that survive
//! a restart, malformed answers retried once, errors that charge nothing, the plan limit and the
//! operator's token budget, Expand; and the data-driven ideas without any model.

mod console;
mod platforms;

use std::time::Duration;

use chrono::Utc;
use creatorpilot::app::App;
use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::domain::channels::demo;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::ai::fake::{Answer, FakeAi};
use crate::channels::{count, say};
use crate::engine::{action_id, labels, press, replies};
use crate::support::*;

async fn account(t: &TestApp, user: &str) -> AccountId {
    accept_policy(&t.db.pool, Platform::Telegram, user).await;
    say(t, user, "/help").await;
    let id: Uuid = sqlx::query_scalar(
        "SELECT user_id FROM chat_identities WHERE platform = 'telegram' AND external_id = $1",
    )
    .bind(user)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    AccountId(id)
}

/// The demo creator's channels: titled videos of the last weeks.
async fn with_content(t: &TestApp, user: &str) -> AccountId {
    let account = account(t, user).await;
    let yesterday = Utc::now().date_naive() - chrono::Duration::days(1);
    demo::load(&t.db.pool, account, yesterday).await.unwrap();
    account
}

fn idea(n: usize) -> Value {
    json!({
        "title": format!("Idea {n}: crêpes «maison»"),
        "hook": format!("Hook {n}"),
        "description": format!("Builds on your best video, take {n}."),
        "duration_seconds": 480,
        "platform": "youtube"
    })
}

fn answer(n: usize) -> String {
    json!({ "ideas": (1..=n).map(idea).collect::<Vec<_>>() }).to_string()
}

/// The answer cut into one chunk per idea (plus the opening and closing).
fn chunks(n: usize) -> Vec<String> {
    let mut parts = vec!["{\"ideas\":[".to_owned()];
    for i in 1..=n {
        let sep = if i < n { "," } else { "" };
        parts.push(format!("{}{sep}", idea(i)));
    }
    parts.push("]}".to_owned());
    parts
}

fn stream(n: usize, delay: Duration) -> Answer {
    Answer::Stream {
        chunks: chunks(n),
        delay_between: delay,
        done: true,
    }
}

async fn app_with_ai(fake: &FakeAi, extra: &[(&str, &str)]) -> TestApp {
    let mut vars = vec![
        ("OPENAI_BASE_URL", fake.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
    ];
    vars.extend_from_slice(extra);
    app_with(&vars).await
}

async fn ideas_used(t: &TestApp) -> i64 {
    count(
        t,
        "SELECT COALESCE(sum(count), 0)::bigint FROM usage_tracking WHERE feature = 'ideas_generated'",
    )
    .await
}

#[tokio::test]
async fn ideas_closer_than_the_edit_interval_show_once_it_passes_and_the_heading_keeps_the_pace() {
    // An idea every 450 ms: faster than the one-edit-a-second pace.
    let fake = FakeAi::start(vec![stream(5, Duration::from_millis(450))]).await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;

    let edits = r.edits.lock().unwrap().clone();
    let message: Vec<_> = edits.iter().filter(|(i, ..)| *i == 0).collect();
    assert!(
        message.last().unwrap().1.blocks[0].starts_with("Here are 5 ideas."),
        "{message:?}"
    );
    // Every edit of the message, the final heading included, keeps the one-second pace.
    for pair in message.windows(2) {
        let gap = pair[1].2 - pair[0].2;
        assert!(gap >= Duration::from_millis(950), "edits {gap:?} apart");
    }
    // Idea 2 completed 450 ms after idea 1 was shown: it appears as soon as the second has
    // passed (with idea 3), not only when idea 4 arrives.
    let gap = message[1].2 - message[0].2;
    assert!(
        gap < Duration::from_millis(1250),
        "second edit {gap:?} after the first"
    );
    assert!(
        message[1].1.blocks[0].contains("2. Idea 2"),
        "{:?}",
        message[1].1
    );
}

#[tokio::test]
async fn a_streamed_brainstorm_shows_each_idea_as_it_completes_then_one_message_per_idea() {
    let fake = FakeAi::start(vec![stream(5, Duration::from_millis(1100))]).await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;

    // The stream: one message edited as ideas complete, at most once a second, never raw JSON.
    let edits = r.edits.lock().unwrap().clone();
    let streaming: Vec<_> = edits.iter().filter(|(i, ..)| *i == 0).collect();
    assert!(streaming.len() >= 4, "{} edits", streaming.len());
    for pair in streaming.windows(2) {
        let gap = pair[1].2 - pair[0].2;
        assert!(gap >= Duration::from_millis(950), "edits {gap:?} apart");
    }
    for (_, reply, _) in &streaming {
        assert!(
            !reply.blocks.join("").contains('{'),
            "raw JSON shown: {reply:?}"
        );
    }
    assert!(streaming[0].1.blocks[0].contains("1. Idea 1"));

    let all = replies(&r);
    assert_eq!(all.len(), 6, "heading + 5 ideas: {all:?}");
    assert!(all[0].blocks[0].starts_with("Here are 5 ideas."));
    assert_eq!(labels(&all[0]), ["Refine"]);
    assert!(all[1].blocks[0].starts_with("1. Idea 1: crêpes «maison»\nHook: Hook 1"));
    assert_eq!(
        labels(&all[1]),
        ["Save", "Expand", "More like this", "Discard"]
    );

    // What the model was asked: the niche, the creator's own titles, structured output.
    let request = &fake.requests()[0].body;
    assert_eq!(request["stream"], true);
    assert!((request["temperature"].as_f64().unwrap() - 0.7).abs() < 1e-6);
    assert!(request["max_tokens"].as_u64().unwrap() <= 2000);
    assert_eq!(request["response_format"]["type"], "json_schema");
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("Niche: cuisine"), "{system}");
    assert!(
        system.contains("Mes couteaux préférés (et pourquoi)"),
        "{system}"
    );
    assert_eq!(ideas_used(&t).await, 1);
    assert_eq!(
        count(&t, "SELECT count(*) FROM users WHERE niche = 'cuisine'").await,
        1
    );

    // Save keeps it in the backlog, once.
    let saved = press(&t, "1", &action_id(&all[2], "Save")).await;
    assert_eq!(
        saved.texts(),
        ["Saved as idea #1. /idea list shows your backlog."]
    );
    assert_eq!(
        count(&t, "SELECT count(*) FROM ai_ideas WHERE title = 'Idea 2: crêpes «maison»' AND origin = 'ai'").await,
        1
    );
}

#[tokio::test]
async fn follow_ups_in_free_text_carry_the_conversation_across_a_restart() {
    let fake = FakeAi::start(vec![stream(3, Duration::ZERO), stream(2, Duration::ZERO)]).await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    say(&t, "1", "/ideas cuisine youtube 3").await;

    // A new process on the same database: the conversation is still there.
    let restarted = TestApp {
        app: App::new(t.app.settings.clone(), t.db.pool.clone()).unwrap(),
        db: TestDb {
            pool: t.db.pool.clone(),
            url: t.db.url.clone(),
        },
        dir: tempfile::tempdir().unwrap(),
    };
    let r = say(&restarted, "1", "shorter hooks please").await;
    assert!(
        r.texts()[0].starts_with("Here are 2 ideas."),
        "{:?}",
        r.texts()
    );
    let second = &fake.requests()[1].body;
    let messages = second["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert!(messages[2]["content"].as_str().unwrap().contains("Idea 3"));
    assert_eq!(messages[3]["content"], "shorter hooks please");

    let ended = say(&restarted, "1", "/ideas end").await;
    assert_eq!(
        ended.texts(),
        ["Brainstorm ended. /ideas starts a new one."]
    );
    // Free text after the end is not sent to the model.
    say(&restarted, "1", "more please").await;
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_malformed_answer_is_retried_once_and_a_second_one_charges_nothing() {
    let fake = FakeAi::start(vec![
        Answer::Stream {
            chunks: vec!["Sure! Here are ideas: 1. Cook".into()],
            delay_between: Duration::ZERO,
            done: true,
        },
        Answer::Json(answer(2)),
    ])
    .await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;
    assert!(
        r.texts()[0].starts_with("Here are 2 ideas."),
        "{:?}",
        r.texts()
    );
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(ideas_used(&t).await, 1);

    // A stream cut after its second idea: the two complete ones are kept, no retry.
    let mut cut = chunks(3);
    cut.truncate(3);
    let fake = FakeAi::start(vec![Answer::Stream {
        chunks: cut,
        delay_between: Duration::ZERO,
        done: false,
    }])
    .await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;
    assert!(
        r.texts()[0].starts_with("Here are 2 ideas."),
        "{:?}",
        r.texts()
    );
    assert_eq!(fake.requests().len(), 1);

    let fake = FakeAi::start(vec![
        Answer::Stream {
            chunks: vec!["{\"ideas\": [{\"title\": \"cut".into()],
            delay_between: Duration::ZERO,
            done: false,
        },
        Answer::Json("no json at all".into()),
    ])
    .await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;
    assert_eq!(
        r.texts(),
        [t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::En, "ideas-ai-malformed")]
    );
    assert_eq!(ideas_used(&t).await, 0, "nothing charged");
}

#[tokio::test]
async fn provider_errors_say_so_charge_nothing_and_keep_the_conversation() {
    let fake = FakeAi::start(vec![
        stream(2, Duration::ZERO),
        Answer::RateLimited {
            retry_after_secs: Some(3),
        },
        Answer::Status(500),
        Answer::Status(404),
    ])
    .await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    say(&t, "1", "/ideas cuisine").await;
    let tr = |key| t.app.i18n.tr(creatorpilot::i18n::Locale::En, key);
    assert_eq!(say(&t, "1", "more").await.texts(), [tr("ideas-ai-busy")]);
    assert_eq!(say(&t, "1", "more").await.texts(), [tr("ideas-ai-busy")]);
    assert_eq!(
        say(&t, "1", "more").await.texts(),
        [tr("ideas-ai-misconfigured")]
    );
    assert_eq!(
        ideas_used(&t).await,
        1,
        "only the answer that worked counts"
    );
    assert_eq!(
        count(&t, "SELECT count(*) FROM idea_conversations").await,
        1,
        "the conversation survives"
    );
    assert_eq!(count(&t, "SELECT count(*) FROM ai_requests").await, 4);
}

/// The primary provider down: the backup provider (Anthropic's wire format) streams the ideas and
/// one request is charged; both down: the busy sentence, nothing charged.
#[tokio::test]
async fn a_backup_provider_answers_when_the_primary_is_down() {
    use crate::ai::anthropic_fake::{FakeAnthropic, Reply};
    let fake = FakeAi::start(vec![Answer::Status(500), Answer::Status(500)]).await;
    let claude = FakeAnthropic::start(vec![Reply::Stream(chunks(2)), Reply::Overloaded]).await;
    let t = app_with_ai(
        &fake,
        &[
            ("AI_FALLBACK_KIND", "anthropic"),
            ("AI_FALLBACK_BASE_URL", claude.base_url.as_str()),
            ("AI_FALLBACK_API_KEY", "sk-ant"),
            ("AI_FALLBACK_MODEL", "claude-test"),
        ],
    )
    .await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;
    let shown = replies(&r);
    assert!(
        shown
            .iter()
            .any(|reply| reply.blocks.join("\n").contains("Idea 2")),
        "{:?}",
        r.texts()
    );
    assert_eq!(ideas_used(&t).await, 1);
    let tr = |key| t.app.i18n.tr(creatorpilot::i18n::Locale::En, key);
    assert_eq!(say(&t, "1", "more").await.texts(), [tr("ideas-ai-busy")]);
    assert_eq!(
        ideas_used(&t).await,
        1,
        "nothing charged when both are down"
    );
    assert_eq!(claude.requests().len(), 2);
}

#[tokio::test]
async fn at_the_plan_limit_nothing_is_asked() {
    let fake = FakeAi::start(vec![]).await;
    let t = app_with_ai(&fake, &[]).await;
    let account = with_content(&t, "1").await;
    sqlx::query(
        "INSERT INTO usage_tracking (user_id, feature, count, period_start, period_end)
         VALUES ($1, 'ideas_generated', 1000, date_trunc('month', now())::date,
                 (date_trunc('month', now()) + interval '1 month - 1 day')::date)",
    )
    .bind(account.0)
    .execute(&t.db.pool)
    .await
    .unwrap();
    let r = say(&t, "1", "/ideas cuisine").await;
    assert!(
        r.texts()[0].contains("idea requests of your plan this month"),
        "{:?}",
        r.texts()
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn past_the_daily_token_budget_the_ideas_come_from_the_data() {
    let fake = FakeAi::start(vec![]).await;
    let t = app_with_ai(&fake, &[("AI_DAILY_TOKEN_BUDGET", "500")]).await;
    with_content(&t, "1").await;
    sqlx::query(
        "INSERT INTO ai_requests (purpose, model, outcome, prompt_tokens, completion_tokens)
         VALUES ('ideas', 'm', 'ok', 400, 200)",
    )
    .execute(&t.db.pool)
    .await
    .unwrap();
    let r = say(&t, "1", "/ideas cuisine").await;
    assert!(r.texts()[0].starts_with("Our AI budget for today is used up, back tomorrow."));
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn without_a_model_the_ideas_are_data_driven_and_reference_real_videos() {
    let t = app().await;
    let r = say(&t, "1", "/ideas cuisine").await;
    assert_eq!(
        r.texts(),
        [t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::En, "ideas-offline-no-data")]
    );

    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas").await;
    let all = replies(&r);
    assert!(all[0].blocks[0].starts_with("📊 Data-driven ideas (no AI here)"));
    let titles: Vec<String> = sqlx::query_scalar("SELECT title FROM content")
        .fetch_all(&t.db.pool)
        .await
        .unwrap();
    for reply in &all[1..] {
        let text = reply.blocks.join("\n");
        assert!(
            titles.iter().any(|title| text.contains(title.as_str())),
            "an idea not built on the creator's videos: {text}"
        );
        assert_eq!(labels(reply), ["Save", "Discard"]);
    }
    assert!(all.len() >= 4, "{all:?}");
    // The outperformer (3× its peers) comes first as a follow-up.
    assert!(all[1].blocks[0].contains("— part 2"), "{:?}", all[1]);
    let saved = press(&t, "1", &action_id(&all[1], "Save")).await;
    assert!(saved.texts()[0].starts_with("Saved as idea #1."));
    assert_eq!(
        count(&t, "SELECT count(*) FROM ai_ideas WHERE origin = 'data'").await,
        1
    );
    assert_eq!(ideas_used(&t).await, 0, "data-driven ideas cost nothing");
}

#[tokio::test]
async fn expand_gives_a_hook_an_opening_and_two_titles_and_save_keeps_them() {
    let expansion = json!({
        "hook": "Three euros, ten minutes.",
        "script": "Today we make crêpes that beat the bakery.",
        "title_a": "Crêpes for 2 €",
        "title_b": "The only crêpe recipe you need"
    })
    .to_string();
    let fake = FakeAi::start(vec![stream(1, Duration::ZERO), Answer::Json(expansion)]).await;
    let t = app_with_ai(&fake, &[]).await;
    with_content(&t, "1").await;
    let r = say(&t, "1", "/ideas cuisine").await;
    let all = replies(&r);
    let expanded = press(&t, "1", &action_id(&all[1], "Expand")).await;
    let text = expanded.texts().join("\n");
    assert!(text.contains("Hook: Three euros, ten minutes."), "{text}");
    assert!(text.contains("Titles to test: A) Crêpes for 2 € B) The only crêpe recipe you need"));
    let last = replies(&expanded).pop().unwrap();
    press(&t, "1", &action_id(&last, "Save")).await;
    let stored: Value = sqlx::query_scalar("SELECT expansion FROM ai_ideas")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(stored["title_a"], "Crêpes for 2 €");
    assert_eq!(ideas_used(&t).await, 2, "the brainstorm and the expansion");
}
