//! Manifests, code and locales kept in step; the engine's buttons and questions at the database
//! level (expiry, binding to account and chat, single use, restart-safe questions).

use std::collections::BTreeSet;

use creatorpilot::bot::{
    Button, ChatRef, Incoming, Input, MessageId, Platform, QuestionView, Reply, Responder,
};
use creatorpilot::commands::{ButtonAction, CommandName};
use creatorpilot::i18n::{I18n, Locale, keys_and_variables};
use creatorpilot::manifest::Manifests;
use std::sync::Mutex;

use crate::support::*;

#[test]
fn every_manifest_has_an_implementation_and_every_implementation_a_manifest() {
    let manifests = Manifests::load().expect("manifests load");
    let from_manifests: BTreeSet<String> = manifests.all().map(|m| m.name.clone()).collect();
    let from_code: BTreeSet<String> = CommandName::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(from_manifests, from_code);
    for name in &from_code {
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("src/commands/{name}.rs"));
        assert!(source.exists(), "src/commands/{name}.rs is missing");
    }
}

#[test]
fn every_manifest_key_exists_in_both_locales() {
    let manifests = Manifests::load().expect("manifests load");
    let i18n = I18n::load().expect("locales load");
    for m in manifests.all() {
        for key in m.keys() {
            for locale in Locale::ALL {
                assert!(i18n.has(locale, &key), "{key} is missing in {locale}");
            }
        }
    }
}

#[test]
fn both_locales_have_the_same_keys_and_placeholders() {
    let en: std::collections::BTreeMap<_, _> = keys_and_variables(Locale::En).into_iter().collect();
    let fr: std::collections::BTreeMap<_, _> = keys_and_variables(Locale::Fr).into_iter().collect();
    let en_keys: BTreeSet<_> = en.keys().collect();
    let fr_keys: BTreeSet<_> = fr.keys().collect();
    assert_eq!(en_keys, fr_keys, "keys differ between en and fr");
    for (key, vars) in &en {
        assert_eq!(
            Some(vars),
            fr.get(key),
            "placeholders of {key} differ between en and fr"
        );
    }
}

/// Keys built at run time from a prefix and a value (plan names, languages, features).
const DYNAMIC_PREFIXES: &[&str] = &[
    "plan-name-",
    "plan-feature-",
    "language-name-",
    "language-button-",
];

#[test]
fn every_locale_key_is_used() {
    let manifests = Manifests::load().expect("manifests load");
    let manifest_keys: BTreeSet<String> = manifests.all().flat_map(|m| m.keys()).collect();
    let mut sources = String::new();
    collect_sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    for (key, _) in keys_and_variables(Locale::En) {
        let used = manifest_keys.contains(&key)
            || sources.contains(&format!("\"{key}\""))
            || DYNAMIC_PREFIXES.iter().any(|p| key.starts_with(p));
        assert!(used, "locale key {key} is never used");
    }
}

fn collect_sources(dir: &std::path::Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("src readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("source readable"));
        }
    }
}

#[test]
fn chat_crates_stay_in_platforms_and_axum_in_web() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    walk(&root, &mut |path, text| {
        let rel = path
            .strip_prefix(&root)
            .expect("under src")
            .display()
            .to_string();
        for (krate, home) in [
            ("serenity", "platforms"),
            ("teloxide", "platforms"),
            ("axum", "web"),
        ] {
            if text.contains(&format!("{krate}::")) && !rel.starts_with(home) {
                offenders.push(format!("{rel} uses {krate}"));
            }
        }
    });
    assert!(offenders.is_empty(), "{offenders:?}");
}

fn walk(dir: &std::path::Path, f: &mut dyn FnMut(&std::path::Path, &str)) {
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).expect("readable"));
        }
    }
}

/// Collects replies in memory: a front end for engine-level tests.
#[derive(Default)]
pub struct Recorder {
    pub replies: Mutex<Vec<Reply>>,
    pub asked: Mutex<Vec<QuestionView>>,
    /// Every edit, with when it happened: (message index, the new reply, instant).
    pub edits: Mutex<Vec<(usize, Reply, std::time::Instant)>>,
}

#[async_trait::async_trait]
impl Responder for Recorder {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId> {
        let mut r = self.replies.lock().expect("lock");
        r.push(reply);
        Ok(MessageId((r.len() - 1).to_string()))
    }
    async fn edit(&self, m: &MessageId, r: Reply) -> anyhow::Result<()> {
        let index: usize = m.0.parse()?;
        self.replies.lock().expect("lock")[index] = r.clone();
        self.edits
            .lock()
            .expect("lock")
            .push((index, r, std::time::Instant::now()));
        Ok(())
    }
    async fn typing(&self) -> anyhow::Result<()> {
        Ok(())
    }
    async fn ask(&self, q: &QuestionView) -> anyhow::Result<()> {
        self.asked.lock().expect("lock").push(q.clone());
        Ok(())
    }
}

impl Recorder {
    pub fn texts(&self) -> Vec<String> {
        self.replies
            .lock()
            .expect("lock")
            .iter()
            .map(|r| r.blocks.join("\n"))
            .collect()
    }
    pub fn last_action_ids(&self) -> Vec<String> {
        let replies = self.replies.lock().expect("lock");
        let last = replies
            .iter()
            .rev()
            .find(|r| !r.buttons.is_empty())
            .expect("a reply with buttons");
        last.buttons
            .iter()
            .filter_map(|b| match b {
                creatorpilot::bot::Button::Action { id, .. } => Some(id.clone()),
                creatorpilot::bot::Button::Link { .. } => None,
            })
            .collect()
    }
}

/// Every reply, in order.
pub fn replies(r: &Recorder) -> Vec<Reply> {
    r.replies.lock().unwrap().clone()
}

/// The one reply.
pub fn only_reply(r: &Recorder) -> Reply {
    let replies = r.replies.lock().unwrap();
    assert_eq!(replies.len(), 1, "{replies:?}");
    replies[0].clone()
}

/// The labels of a reply's buttons, in order.
pub fn labels(reply: &Reply) -> Vec<String> {
    reply
        .buttons
        .iter()
        .map(|b| match b {
            Button::Action { label, .. } | Button::Link { label, .. } => label.clone(),
        })
        .collect()
}

/// The id behind the action button labelled `label`.
pub fn action_id(reply: &Reply, label: &str) -> String {
    reply
        .buttons
        .iter()
        .find_map(|b| match b {
            Button::Action { label: l, id } if l == label => Some(id.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {label} button in {reply:?}"))
}

pub fn incoming(platform: Platform, user: &str, chat: &str, input: Input) -> Incoming {
    Incoming {
        platform,
        user_id: user.into(),
        display_name: None,
        chat: ChatRef {
            platform,
            id: chat.into(),
            private: true,
        },
        platform_locale: None,
        forced_locale: None,
        is_admin: false,
        input,
    }
}

/// One input from a `platform` user in chat `chat`, straight to the engine (no policy
/// accepted): the replies it got.
pub async fn send_on(
    t: &TestApp,
    platform: Platform,
    user: &str,
    chat: &str,
    input: Input,
) -> Recorder {
    let r = Recorder::default();
    creatorpilot::bot::dispatch::handle(&t.app, incoming(platform, user, chat, input), &r).await;
    r
}

/// One input from a Telegram user in chat `chat`, straight to the engine (no policy accepted).
pub async fn send(t: &TestApp, user: &str, chat: &str, input: Input) -> Recorder {
    send_on(t, Platform::Telegram, user, chat, input).await
}

#[tokio::test]
async fn buttons_are_bound_to_their_account_and_chat_and_expire() {
    let t = app().await;
    let r = send(&t, "100", "100", Input::Line("/forget".into())).await;
    let ids = r.last_action_ids();
    assert_eq!(ids.len(), 2);
    let invalid = t.app.i18n.tr(Locale::En, "button-invalid");

    // Another person, or the same person in another chat, cannot press it.
    let other = send(&t, "200", "100", Input::Button(ids[0].clone())).await;
    assert_eq!(other.texts(), vec![invalid.clone()]);
    let elsewhere = send(&t, "100", "group-1", Input::Button(ids[0].clone())).await;
    assert_eq!(elsewhere.texts(), vec![invalid.clone()]);
    // A forged id is refused politely.
    let forged = send(
        &t,
        "100",
        "100",
        Input::Button("AAAAAAAAAAAAAAAAAAAAAA".into()),
    )
    .await;
    assert_eq!(forged.texts(), vec![invalid.clone()]);
    let garbage = send(
        &t,
        "100",
        "100",
        Input::Button("{\"action\":\"confirm_forget\"}".into()),
    )
    .await;
    assert_eq!(garbage.texts(), vec![invalid.clone()]);

    // Expired: refused, and the account is still there.
    sqlx::query("UPDATE pending_actions SET expires_at = now() - interval '1 second'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let stale = send(&t, "100", "100", Input::Button(ids[0].clone())).await;
    assert_eq!(stale.texts(), vec![invalid]);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(users, 2, "alice's and the intruder's accounts both remain");
}

#[tokio::test]
async fn one_shot_buttons_run_once_and_idempotent_ones_again() {
    let t = app().await;
    let r = send(&t, "100", "100", Input::Line("/forget".into())).await;
    let cancel = r.last_action_ids()[1].clone();
    let first = send(&t, "100", "100", Input::Button(cancel.clone())).await;
    assert_eq!(first.texts(), vec!["Nothing was erased.".to_owned()]);
    let again = send(&t, "100", "100", Input::Button(cancel)).await;
    assert_eq!(
        again.texts(),
        vec![t.app.i18n.tr(Locale::En, "button-already-used")]
    );
    // The confirmation beside a cancelled /forget no longer erases anything.
    let confirm = r.last_action_ids()[0].clone();
    let late = send(&t, "100", "100", Input::Button(confirm)).await;
    assert_eq!(
        late.texts(),
        vec![t.app.i18n.tr(Locale::En, "button-invalid")]
    );

    let r = send(&t, "100", "100", Input::Line("/language".into())).await;
    let french = r.last_action_ids()[1].clone();
    for _ in 0..2 {
        let pressed = send(&t, "100", "100", Input::Button(french.clone())).await;
        assert_eq!(
            pressed.texts(),
            vec![t.app.i18n.tr(Locale::Fr, "language-set")]
        );
    }
}

#[tokio::test]
async fn buttons_stored_for_a_proactive_message_last_a_week() {
    let t = app().await;
    let account =
        creatorpilot::domain::accounts::resolve(&t.app.db, Platform::Telegram, "100", None)
            .await
            .unwrap();
    let destination = creatorpilot::bot::Destination {
        platform: Platform::Telegram,
        chat_id: "100".into(),
    };
    creatorpilot::bot::buttons::store(
        &t.app,
        account.id,
        &destination,
        "Pause".into(),
        &ButtonAction::SetLanguage { locale: Locale::Fr },
        creatorpilot::bot::buttons::Lifetime::Proactive,
    )
    .await
    .unwrap();
    let days: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expires_at - created_at)::float8 / 86400 FROM pending_actions",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert!((days - 7.0).abs() < 0.01, "{days}");
}

#[tokio::test]
async fn a_question_survives_a_restart_and_a_command_abandons_it() {
    let t = app().await;
    accept_policy(&t.db.pool, Platform::Telegram, "100").await;
    let r = send(&t, "100", "100", Input::Line("/start".into())).await;
    assert_eq!(
        r.asked.lock().unwrap()[0].fields[0].label,
        "What should I call you?"
    );

    // A second application over the same database: as after a restart.
    let restarted =
        creatorpilot::app::App::new(settings(t.dir.path(), &[]), t.db.pool.clone()).unwrap();
    let answer = Recorder::default();
    creatorpilot::bot::dispatch::handle(
        &restarted,
        incoming(Platform::Telegram, "100", "100", Input::Line("Alex".into())),
        &answer,
    )
    .await;
    assert_eq!(
        answer.texts(),
        vec!["Nice to meet you, Alex! Send /help whenever you need me.".to_owned()]
    );

    // A command in between abandons the question: the text is then free text.
    send(&t, "100", "100", Input::Line("/start".into())).await;
    send(&t, "100", "100", Input::Line("/plan".into())).await;
    let free = send(&t, "100", "100", Input::Line("Bob".into())).await;
    assert_eq!(
        free.texts(),
        vec![t.app.i18n.tr(Locale::En, "free-text-hint")]
    );
}

#[tokio::test]
async fn a_modal_answers_every_field_at_once_and_a_late_one_is_refused() {
    let t = app().await;
    accept_policy(&t.db.pool, Platform::Telegram, "100").await;
    let nothing = send(&t, "100", "100", Input::Answers(vec!["Alex".into()])).await;
    assert_eq!(
        nothing.texts(),
        vec![t.app.i18n.tr(Locale::En, "question-expired")]
    );
    send(&t, "100", "100", Input::Line("/start".into())).await;
    let done = send(&t, "100", "100", Input::Answers(vec!["Alex".into()])).await;
    assert!(done.texts()[0].contains("Alex"), "{:?}", done.texts());
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM users")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Alex"));
}

#[tokio::test]
async fn internal_errors_show_a_reference_and_never_the_cause() {
    let t = app().await;
    accept_policy(&t.db.pool, Platform::Telegram, "100").await;
    send(&t, "100", "100", Input::Line("/plan".into())).await;
    // Break the database under the command: the creator sees a translated sentence with a ref.
    sqlx::query("ALTER TABLE usage_tracking RENAME TO usage_tracking_gone")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let r = send(&t, "100", "100", Input::Line("/plan".into())).await;
    let text = &r.texts()[0];
    assert!(
        text.starts_with("Something went wrong on our side"),
        "{text}"
    );
    assert!(!text.contains("usage_tracking"), "{text}");
    let reference = text.rsplit(": ").next().unwrap().trim_end_matches('.');
    assert_eq!(reference.len(), 8, "{text}");
}

#[tokio::test]
async fn platform_language_is_the_default_and_the_saved_one_wins() {
    let t = app().await;
    let mut inc = incoming(
        Platform::Telegram,
        "100",
        "100",
        Input::Line("/nope".into()),
    );
    inc.platform_locale = Some(Locale::Fr);
    let r = Recorder::default();
    creatorpilot::bot::dispatch::handle(&t.app, inc.clone(), &r).await;
    assert_eq!(
        r.texts(),
        vec!["Je ne connais pas /nope. Envoyez /help pour voir ce que je sais faire.".to_owned()]
    );
    send(&t, "100", "100", Input::Line("/language en".into())).await;
    let r = Recorder::default();
    creatorpilot::bot::dispatch::handle(&t.app, inc, &r).await;
    assert_eq!(
        r.texts(),
        vec!["I don't know /nope. Send /help to see what I can do.".to_owned()]
    );
}

#[tokio::test]
async fn the_number_allocator_never_reuses_a_number() {
    let t = app().await;
    let a = creatorpilot::domain::accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    let b = creatorpilot::domain::accounts::resolve(&t.app.db, Platform::Discord, "2", None)
        .await
        .unwrap()
        .id;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let pool = t.db.pool.clone();
        tasks.push(tokio::spawn(async move {
            creatorpilot::db::numbers::next(&pool, a, "idea")
                .await
                .unwrap()
        }));
    }
    let mut got: Vec<i64> = Vec::new();
    for task in tasks {
        got.push(task.await.unwrap());
    }
    got.sort_unstable();
    assert_eq!(got, (1..=20).collect::<Vec<_>>());
    for _ in 0..25 {
        creatorpilot::db::numbers::next(&t.db.pool, b, "idea")
            .await
            .unwrap();
    }
    creatorpilot::domain::accounts::link(&t.app.db, a, b)
        .await
        .unwrap();
    assert_eq!(
        creatorpilot::db::numbers::next(&t.db.pool, b, "idea")
            .await
            .unwrap(),
        26
    );
}

/// Presses a button as a Telegram user in their DM.
pub async fn press(t: &TestApp, user: &str, id: &str) -> Recorder {
    send(t, user, user, Input::Button(id.into())).await
}
