//! The privacy policy gate (issue 11): a new account accepts the policy in `/start`; until the
//! policy in force is accepted, only `/start`, `/help`, `/privacy`, `/export`, `/forget` and
//! `/language` run, and what was refused runs after Accept. These tests drive the engine as a
//! creator who has accepted nothing (no `accept_policy` setup).

use creatorpilot::bot::buttons::{self, Lifetime};
use creatorpilot::bot::{Button, Destination, IncomingFile, Input, Platform};
use creatorpilot::commands::ButtonAction;
use creatorpilot::domain::consent::POLICY_VERSION;
use creatorpilot::domain::{accounts, privacy};
use creatorpilot::i18n::{Locale, msg};

use crate::engine::{Recorder, action_id as button, labels, only_reply as only};
use crate::support::*;

async fn send(t: &TestApp, user: &str, input: Input) -> Recorder {
    crate::engine::send(t, user, user, input).await
}

async fn line(t: &TestApp, user: &str, text: &str) -> Recorder {
    send(t, user, Input::Line(text.into())).await
}

fn tr(t: &TestApp, key: &str) -> String {
    t.app.i18n.tr(Locale::En, key)
}

fn ask(t: &TestApp) -> String {
    t.app.i18n.render(
        Locale::En,
        &msg("privacy-accept-ask").arg("version", i64::from(POLICY_VERSION)),
    )
}

fn accepted(t: &TestApp) -> String {
    t.app.i18n.render(
        Locale::En,
        &msg("privacy-accepted").arg("version", i64::from(POLICY_VERSION)),
    )
}

/// The `policy` consents on record: (version, seconds since accepted).
async fn policy_rows(t: &TestApp) -> Vec<(i32, f64)> {
    sqlx::query_as(
        "SELECT policy_version, extract(epoch FROM now() - accepted_at)::float8 FROM consents
         WHERE scope = 'policy' ORDER BY id",
    )
    .fetch_all(&t.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_account_accepts_the_policy_in_start_and_nothing_else_runs_before() {
    let t = app().await;
    let buttons_shown = vec![
        tr(&t, "privacy-accept-button"),
        tr(&t, "privacy-read-button"),
    ];

    // /start: the welcome, the policy in short and the request, Accept first; no question yet.
    let r = line(&t, "1", "/start").await;
    let start = only(&r);
    assert_eq!(
        start.blocks,
        vec![
            tr(&t, "start-welcome-first"),
            tr(&t, "privacy-summary"),
            ask(&t)
        ]
    );
    assert!(start.blocks[1].contains("/privacy"), "{start:?}");
    assert_eq!(labels(&start), buttons_shown);
    assert_eq!(labels(&start), ["Accept", "Read the policy"]);
    assert!(r.asked.lock().unwrap().is_empty(), "the name was asked");

    // /ideas, /stats, free text and a file are refused with the sentence and the buttons.
    for input in [
        Input::Line("/ideas cooking".into()),
        Input::Line("hello".into()),
        Input::File(IncomingFile {
            file_name: "youtube.csv".into(),
            mime_type: "text/csv".into(),
            bytes: b"date,views\n2026-01-01,10\n".to_vec(),
        }),
    ] {
        let refused = only(&send(&t, "1", input).await);
        assert_eq!(
            refused.blocks,
            vec![
                tr(&t, "privacy-gate-first"),
                tr(&t, "privacy-summary"),
                ask(&t)
            ]
        );
        assert_eq!(labels(&refused), buttons_shown);
    }
    let stats = only(&line(&t, "1", "/stats").await);
    assert_eq!(stats.blocks[0], tr(&t, "privacy-gate-first"));
    let count = |sql: &'static str| {
        let pool = t.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM analytics").await, 0);
    assert_eq!(count("SELECT count(*) FROM usage_tracking").await, 0);

    // What stays open: /help, /privacy (with Accept under it), /language, /export.
    let help = line(&t, "1", "/help").await.texts();
    assert!(help[0].starts_with(&tr(&t, "help-intro")), "{help:?}");
    let policy = only(&line(&t, "1", "/privacy").await);
    assert!(
        policy.blocks[0].starts_with("CreatorPilot's privacy policy"),
        "{policy:?}"
    );
    assert_eq!(labels(&policy), [tr(&t, "privacy-accept-button")]);
    let language = only(&line(&t, "1", "/language").await);
    assert_eq!(labels(&language), ["English", "Français"]);
    let export = only(&line(&t, "1", "/export").await);
    assert_eq!(export.attachments.len(), 1, "{export:?}");
    let json: serde_json::Value = serde_json::from_slice(&export.attachments[0].bytes).unwrap();
    assert_eq!(json["consents"], serde_json::json!([]), "{json}");
    // "Read the policy" shows the whole text.
    let read = only(&send(&t, "1", Input::Button(button(&start, "Read the policy"))).await);
    assert_eq!(read.blocks, policy.blocks);
    assert!(policy_rows(&t).await.is_empty());

    // Accept under the refused /stats: thanks, then /stats runs as if sent now.
    let r = send(&t, "1", Input::Button(button(&stats, "Accept"))).await;
    let texts = r.texts();
    assert_eq!(texts[0], accepted(&t));
    let now = line(&t, "1", "/stats").await.texts();
    assert!(!now[0].contains(&tr(&t, "privacy-gate-first")), "{now:?}");
    assert_eq!(texts[1..], now[..]);
    let rows = policy_rows(&t).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, POLICY_VERSION);
    assert!(rows[0].1 < 60.0, "{rows:?}");

    // The account is through: /start is the normal welcome and asks the name; the Accept of
    // the first /start, pressed late, records nothing more and runs nothing twice.
    let r = line(&t, "1", "/start").await;
    assert_eq!(
        r.texts(),
        vec![format!(
            "{}\n{}",
            tr(&t, "start-welcome"),
            tr(&t, "start-what-next")
        )]
    );
    assert_eq!(r.asked.lock().unwrap().len(), 1);
    let late = send(&t, "1", Input::Button(button(&start, "Accept"))).await;
    assert_eq!(late.texts(), vec![accepted(&t)]);
    assert_eq!(policy_rows(&t).await.len(), 1);

    // /export has the acceptance.
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    let export = privacy::export_snapshot(&t.app.db, account).await.unwrap();
    assert_eq!(export["consents"][0]["scope"], "policy", "{export}");
    assert_eq!(export["consents"][0]["policy_version"], POLICY_VERSION);
    assert!(export["consents"][0]["accepted_at"].is_string(), "{export}");
}

#[tokio::test]
async fn a_changed_policy_shows_what_changed_and_runs_the_refused_button_after_accept() {
    let t = app().await;
    // An account that accepted version 0: the policy changed since.
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "5", None)
        .await
        .unwrap()
        .id;
    sqlx::query("INSERT INTO consents (user_id, scope, policy_version) VALUES ($1, 'policy', 0)")
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let changed = t.app.i18n.render(
        Locale::En,
        &msg("privacy-gate-changed")
            .arg("accepted", 0_i64)
            .arg("version", i64::from(POLICY_VERSION)),
    );
    let plan = only(&line(&t, "5", "/plan").await);
    assert_eq!(
        plan.blocks,
        vec![changed.clone(), tr(&t, "privacy-changes-1"), ask(&t)]
    );
    assert!(plan.blocks[0].contains("(0)"), "{plan:?}");
    assert_eq!(labels(&plan), ["Accept", "Read the policy"]);
    // /start says the same (no welcome for an account that knows us).
    let start = only(&line(&t, "5", "/start").await);
    assert_eq!(start.blocks, plan.blocks);

    // A button from before (the digest's "full stats"), pressed now: refused, kept.
    let full_stats = buttons::store(
        &t.app,
        account,
        &Destination {
            platform: Platform::Telegram,
            chat_id: "5".into(),
        },
        "Full stats".into(),
        &ButtonAction::FullStats,
        Lifetime::Proactive,
    )
    .await
    .unwrap();
    let Button::Action { id, .. } = full_stats else {
        unreachable!()
    };
    let refused = only(&send(&t, "5", Input::Button(id)).await);
    assert_eq!(refused.blocks[0], changed);

    // Accept: the version in force is recorded, then the refused button's action runs.
    let r = send(&t, "5", Input::Button(button(&refused, "Accept"))).await;
    let texts = r.texts();
    assert_eq!(texts[0], accepted(&t));
    let stats = line(&t, "5", "/stats").await.texts();
    assert_eq!(texts[1..], stats[..]);
    let versions: Vec<i32> = policy_rows(&t).await.into_iter().map(|r| r.0).collect();
    assert_eq!(versions, [0, POLICY_VERSION]);
    // A one-shot Accept: pressing it again is refused politely.
    let again = send(&t, "5", Input::Button(button(&refused, "Accept"))).await;
    assert_eq!(again.texts(), vec![tr(&t, "button-already-used")]);
    // The Accept under the /plan refused earlier: the account is through, it runs nothing.
    let r = send(&t, "5", Input::Button(button(&plan, "Accept"))).await;
    assert_eq!(r.texts(), vec![accepted(&t)]);
    assert_eq!(policy_rows(&t).await.len(), 2);
}

#[tokio::test]
async fn reading_the_whole_policy_from_start_then_accepting_continues_the_onboarding() {
    let t = app().await;
    let start = only(&line(&t, "3", "/start").await);
    let read = only(&send(&t, "3", Input::Button(button(&start, "Read the policy"))).await);
    assert!(
        read.blocks[0].starts_with("CreatorPilot's privacy policy"),
        "{read:?}"
    );
    assert_eq!(labels(&read), ["Accept"]);
    let r = send(&t, "3", Input::Button(button(&read, "Accept"))).await;
    assert_eq!(
        r.texts(),
        vec![
            accepted(&t),
            format!("{}\n{}", tr(&t, "start-welcome"), tr(&t, "start-what-next"))
        ]
    );
    assert_eq!(
        r.asked.lock().unwrap()[0].fields[0].label,
        tr(&t, "start-ask-name")
    );
}

#[tokio::test]
async fn a_file_refused_by_the_gate_is_asked_again_after_accept() {
    let t = app().await;
    let csv = Input::File(IncomingFile {
        file_name: "youtube.csv".into(),
        mime_type: "text/csv".into(),
        bytes: b"date,views,likes\n2026-01-01,10,1\n".to_vec(),
    });
    let refused = only(&send(&t, "9", csv).await);
    let r = send(&t, "9", Input::Button(button(&refused, "Accept"))).await;
    assert_eq!(r.texts(), vec![accepted(&t), tr(&t, "privacy-send-again")]);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM analytics")
            .fetch_one(&t.db.pool)
            .await
            .unwrap(),
        0
    );
}
