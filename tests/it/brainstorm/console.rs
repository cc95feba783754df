//! A whole brainstorm through the `creatorpilot chat` binary (a separate process) against the fake
//! model on 127.0.0.1, in English and French: `/ideas` on the demo channels, Save, a free-text
//! follow-up, Discard, Expand and Save of the expansion, `/idea list`, `/ideas end`; then a
//! session at the plan's limit, where nothing is asked of the model.

use std::sync::LazyLock;

use creatorpilot::domain::plans::Plans;
use creatorpilot::i18n::{I18n, Locale, Msg, msg};
use serde_json::json;
use uuid::Uuid;

use super::stream;
use crate::ai::fake::{Answer, FakeAi};
use crate::brainstorm::platforms::ai_env;
use crate::support::{ConsoleHarness, ConsoleRun};

static I18N: LazyLock<I18n> = LazyLock::new(|| I18n::load().expect("locales load"));

fn tr(locale: Locale, m: Msg) -> String {
    I18N.render(locale, &m)
}

/// A reply as the console prints it: its lines, then `[N] Label` per button.
fn printed(lines: &[String], buttons: &[&str], locale: Locale) -> String {
    let mut out = lines.join("\n");
    for (n, key) in buttons.iter().enumerate() {
        out.push_str(&format!("\n[{}] {}", n + 1, I18N.tr(locale, key)));
    }
    out
}

fn heading(locale: Locale, count: i64) -> String {
    printed(
        &[
            tr(locale, msg("ideas-heading").arg("count", count)),
            tr(locale, msg("ideas-follow-up-hint")),
        ],
        &["ideas-button-refine"],
        locale,
    )
}

/// Idea `n` of a fake answer (`super::idea`: 480 seconds, YouTube), with its four buttons.
fn idea_reply(locale: Locale, n: usize) -> String {
    let title = format!("Idea {n}: crêpes «maison»");
    let first = format!(
        "{}\n{}",
        tr(
            locale,
            msg("ideas-idea-title")
                .arg("n", i64::try_from(n).unwrap())
                .arg("title", title)
        ),
        tr(
            locale,
            msg("ideas-idea-hook").arg("hook", format!("Hook {n}"))
        )
    );
    let meta = tr(
        locale,
        msg("ideas-idea-meta")
            .arg("duration", "8\u{a0}min")
            .arg("platform", "YouTube"),
    );
    printed(
        &[first, format!("Builds on your best video, take {n}."), meta],
        &[
            "ideas-button-save",
            "ideas-button-expand",
            "ideas-button-more",
            "ideas-button-discard",
        ],
        locale,
    )
}

fn saved(locale: Locale, number: i64) -> String {
    tr(locale, msg("ideas-saved").arg("number", number))
}

fn backlog_line(locale: Locale, number: i64, title: &str) -> String {
    let status = I18N.tr(locale, "idea-status-saved");
    format!("#{number} · {title} · {status} · YouTube")
}

fn expansion() -> String {
    json!({
        "hook": "Three euros, ten minutes.",
        "script": "Today we make crêpes that beat the bakery.",
        "title_a": "Crêpes for 2 €",
        "title_b": "The only crêpe recipe you need"
    })
    .to_string()
}

/// One `chat` session of `alice` in `locale`, with the model configured; it must exit 0.
fn session(
    h: &ConsoleHarness,
    ai: &FakeAi,
    locale: Locale,
    extra: &[&str],
    lines: &[&str],
) -> ConsoleRun {
    let mut args = vec!["--user", "alice"];
    if locale == Locale::Fr {
        args.extend(["--lang", "fr"]);
    }
    args.extend_from_slice(extra);
    let mut input = lines.join("\n");
    input.push('\n');
    // The fake model answers on this test's runtime while the process runs.
    let run = tokio::task::block_in_place(|| h.run(&args, input.as_bytes(), &ai_env(ai)));
    assert!(
        run.status.success(),
        "console failed\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn assert_replies(run: &ConsoleRun, expected: &[String]) {
    let replies = run.replies();
    for (n, (got, want)) in replies.iter().zip(expected).enumerate() {
        assert_eq!(
            got, want,
            "reply {n}\n--- stdout ---\n{}--- stderr ---\n{}",
            run.stdout, run.stderr
        );
    }
    assert_eq!(
        replies.len(),
        expected.len(),
        "\n--- stdout ---\n{}--- stderr ---\n{}",
        run.stdout,
        run.stderr
    );
}

async fn alice(h: &ConsoleHarness) -> Uuid {
    sqlx::query_scalar(
        "SELECT user_id FROM chat_identities WHERE platform = 'console' AND external_id = 'alice'",
    )
    .fetch_one(&h.db.pool)
    .await
    .unwrap()
}

async fn ideas_used(h: &ConsoleHarness, account: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT COALESCE(sum(count), 0)::bigint FROM usage_tracking
         WHERE user_id = $1 AND feature = 'ideas_generated'",
    )
    .bind(account)
    .fetch_one(&h.db.pool)
    .await
    .unwrap()
}

async fn a_full_brainstorm_then_the_plan_limit(locale: Locale) {
    let ai = FakeAi::start(vec![
        stream(5, std::time::Duration::ZERO),
        stream(3, std::time::Duration::ZERO),
        Answer::Json(expansion()),
    ])
    .await;
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let follow_up = match locale {
        Locale::En => "shorter hooks please",
        Locale::Fr => "des accroches plus courtes",
    };
    let run = session(
        &h,
        &ai,
        locale,
        &["--demo"],
        &[
            "/ideas cuisine",
            // The newest buttons are those of the last idea: [1] Save … [4] Discard.
            "#1",
            follow_up,
            "#4",
            "#2",
            // The expansion's own Save.
            "#1",
            "/idea list",
            "/ideas end",
        ],
    );
    let expanded = printed(
        &[tr(
            locale,
            msg("ideas-expansion")
                .arg("title", "Idea 3: crêpes «maison»")
                .arg("hook", "Three euros, ten minutes.")
                .arg("script", "Today we make crêpes that beat the bakery.")
                .arg("title_a", "Crêpes for 2 €")
                .arg("title_b", "The only crêpe recipe you need"),
        )],
        &["ideas-button-save"],
        locale,
    );
    let backlog = [
        tr(locale, msg("idea-list-heading").arg("count", 2_i64)),
        backlog_line(locale, 2, "Idea 3: crêpes «maison»"),
        backlog_line(locale, 1, "Idea 5: crêpes «maison»"),
    ]
    .join("\n");
    let mut expected = vec![heading(locale, 5)];
    expected.extend((1..=5).map(|n| idea_reply(locale, n)));
    expected.push(saved(locale, 1));
    expected.push(heading(locale, 3));
    expected.extend((1..=3).map(|n| idea_reply(locale, n)));
    expected.extend([
        tr(locale, msg("ideas-discarded")),
        expanded,
        saved(locale, 2),
        backlog,
        tr(locale, msg("ideas-ended")),
    ]);
    assert_replies(&run, &expected);

    // What the model was asked: the demo creator's niche, then the whole conversation, then
    // the expansion of the idea pressed.
    let requests = ai.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    let system = requests[0].body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("cuisine"), "{system}");
    let messages = requests[1].body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(messages[3]["content"], follow_up);
    assert!(
        requests[2]
            .body
            .to_string()
            .contains("Idea 3: crêpes «maison»"),
        "{}",
        requests[2].body
    );
    let account = alice(&h).await;
    assert_eq!(ideas_used(&h, account).await, 3);
    let expansion: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT expansion FROM ai_ideas WHERE user_id = $1 AND number = 2")
            .bind(account)
            .fetch_one(&h.db.pool)
            .await
            .unwrap();
    assert_eq!(expansion.unwrap()["title_a"], "Crêpes for 2 €");

    // A later session at the free plan's monthly limit: a sentence, and no request.
    let limit = Plans::load(None).unwrap().free.ideas_per_month;
    let updated = sqlx::query(
        "UPDATE usage_tracking SET count = $2 WHERE user_id = $1 AND feature = 'ideas_generated'",
    )
    .bind(account)
    .bind(limit)
    .execute(&h.db.pool)
    .await
    .unwrap();
    assert_eq!(updated.rows_affected(), 1);
    let run = session(&h, &ai, locale, &[], &["/ideas cuisine"]);
    assert_replies(
        &run,
        &[tr(locale, msg("ideas-plan-limit").arg("limit", limit))],
    );
    assert_eq!(ai.requests().len(), 3, "the model was asked at the limit");
    assert_eq!(ideas_used(&h, account).await, limit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_brainstorm_then_the_plan_limit_in_english() {
    a_full_brainstorm_then_the_plan_limit(Locale::En).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_brainstorm_then_the_plan_limit_in_french() {
    a_full_brainstorm_then_the_plan_limit(Locale::Fr).await;
}
