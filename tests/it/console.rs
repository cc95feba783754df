//! The console front end end to end (DESIGN.md, "creatorpilot chat"): the real `creatorpilot chat`
//! binary over a fresh database, driven through stdin, in English and in French.
//!
//! Expected sentences are rendered from the shipped locale files (a wrong key, argument or language
//! fails); a few literal sentences pin the rendering itself. Most checks run once per language:
//! `in_both_languages!(name)` turns `async fn name(locale)` into the tests `name::en` and `name::fr`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use creatorpilot::domain::consent::POLICY_VERSION;
use creatorpilot::domain::plans::{current_month, month_of};
use creatorpilot::i18n::{I18n, Locale, Msg, msg};
use creatorpilot::manifest::Manifests;
use uuid::Uuid;

use crate::support::*;

macro_rules! in_both_languages {
    ($name:ident) => {
        mod $name {
            use creatorpilot::i18n::Locale;

            #[tokio::test]
            async fn en() {
                super::$name(Locale::En).await;
            }

            #[tokio::test]
            async fn fr() {
                super::$name(Locale::Fr).await;
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Sentences

static I18N: LazyLock<I18n> = LazyLock::new(|| I18n::load().expect("locales load"));

/// A sentence with arguments, as the creator reads it.
fn say(locale: Locale, m: Msg) -> String {
    I18N.render(locale, &m)
}

/// A sentence without arguments.
fn tr(locale: Locale, key: &str) -> String {
    I18N.tr(locale, key)
}

/// The same sentence written out by hand, to pin the rendering itself (French puts a narrow
/// no-break space, U+202F, before `:` and `!`).
fn literal(locale: Locale, en: &'static str, fr: &'static str) -> &'static str {
    match locale {
        Locale::En => en,
        Locale::Fr => fr,
    }
}

fn other(locale: Locale) -> Locale {
    match locale {
        Locale::En => Locale::Fr,
        Locale::Fr => Locale::En,
    }
}

/// A reply with buttons, as the console prints it: the text, then `[N] Label` lines.
fn with_buttons(text: &str, labels: &[String]) -> String {
    let mut out = text.to_owned();
    for (i, label) in labels.iter().enumerate() {
        out.push_str(&format!("\n[{}] {label}", i + 1));
    }
    out
}

/// The privacy policy's acceptance screen (never accepted): `intro`, the summary, the request,
/// then Accept and "Read the policy".
fn acceptance(locale: Locale, intro: &str) -> String {
    let ask = say(
        locale,
        msg("privacy-accept-ask").arg("version", i64::from(POLICY_VERSION)),
    );
    with_buttons(
        &[tr(locale, intro), tr(locale, "privacy-summary"), ask].join("\n"),
        &[
            tr(locale, "privacy-accept-button"),
            tr(locale, "privacy-read-button"),
        ],
    )
}

/// The thanks after Accept.
fn policy_accepted(locale: Locale) -> String {
    say(
        locale,
        msg("privacy-accepted").arg("version", i64::from(POLICY_VERSION)),
    )
}

fn forget_prompt(locale: Locale) -> String {
    with_buttons(
        &tr(locale, "forget-warning"),
        &[
            tr(locale, "forget-button-confirm"),
            tr(locale, "forget-button-cancel"),
        ],
    )
}

fn language_prompt(locale: Locale) -> String {
    let current = tr(locale, &format!("language-name-{}", locale.code()));
    with_buttons(
        &say(locale, msg("language-current").arg("language", current)),
        &[
            tr(locale, "language-button-en"),
            tr(locale, "language-button-fr"),
        ],
    )
}

/// The first line of `/plan` on the free plan.
fn free_plan_headline(locale: Locale) -> String {
    say(
        locale,
        msg("plan-current").arg("plan", tr(locale, "plan-name-free")),
    )
}

fn ideas_usage(locale: Locale, used: i64) -> String {
    say(
        locale,
        msg("plan-feature-ideas_generated")
            .arg("used", used)
            .arg("limit", 10_i64),
    )
}

fn no_button(locale: Locale, number: i64) -> String {
    say(locale, msg("console-no-button").arg("number", number))
}

fn unknown_command(locale: Locale, command: &str) -> String {
    say(locale, msg("err-unknown-command").arg("command", command))
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// `--lang` for `locale`.
fn lang_flag(locale: Locale) -> [&'static str; 2] {
    ["--lang", locale.code()]
}

/// What makes a session speak `locale`: English is the default, so it gets no flag at all.
fn lang_args(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::En => &[],
        Locale::Fr => &["--lang", "fr"],
    }
}

/// One session as `user` in `locale` (the harness fails when the process does not exit 0).
fn session(h: &ConsoleHarness, user: &str, locale: Locale, lines: &[&str]) -> ConsoleRun {
    h.chat_as(user, lang_args(locale), lines)
}

/// One session with raw bytes on stdin and extra environment; it must exit 0.
fn raw_session(
    h: &ConsoleHarness,
    user: &str,
    args: &[&str],
    input: &[u8],
    env: &[(&str, &str)],
) -> ConsoleRun {
    let mut all = vec!["--user", user];
    all.extend_from_slice(args);
    let run = h.run(&all, input, env);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the console must exit 0\n{}",
        transcript(&run)
    );
    run
}

fn transcript(run: &ConsoleRun) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}",
        run.stdout, run.stderr
    )
}

/// Every reply of the session, exactly.
fn assert_replies(run: &ConsoleRun, expected: &[String]) {
    assert_eq!(run.replies(), expected, "\n{}", transcript(run));
}

/// Reply `i`, with the transcript when there is no such reply.
fn reply(run: &ConsoleRun, i: usize) -> &str {
    let replies = run.replies();
    let Some(r) = replies.get(i) else {
        panic!("no reply {i}\n{}", transcript(run));
    };
    r
}

fn assert_starts_with(run: &ConsoleRun, i: usize, start: &str) {
    let r = reply(run, i);
    assert!(
        r.starts_with(start),
        "reply {i} should start with {start:?}\n{}",
        transcript(run)
    );
}

// ---------------------------------------------------------------------------------------------
// The database, as a user would never see it but a test can

async fn account_of(h: &ConsoleHarness, user: &str) -> Option<Uuid> {
    sqlx::query_scalar(
        "SELECT user_id FROM chat_identities WHERE platform = 'console' AND external_id = $1",
    )
    .bind(user)
    .fetch_optional(&h.db.pool)
    .await
    .expect("identity query")
}

async fn account_exists(h: &ConsoleHarness, id: Uuid) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
        .bind(id)
        .fetch_one(&h.db.pool)
        .await
        .expect("users query")
}

/// An account for `user`, created the way a creator creates one: by talking to the bot (after
/// accepting the privacy policy).
async fn existing_account(h: &ConsoleHarness, user: &str) -> Uuid {
    h.accept_policy(user).await;
    session(h, user, Locale::En, &["/plan"]);
    account_of(h, user)
        .await
        .expect("the first message creates the account")
}

/// `count` ideas generated in the month that starts on `start`.
async fn record_ideas(
    h: &ConsoleHarness,
    account: Uuid,
    (start, end): (chrono::NaiveDate, chrono::NaiveDate),
    count: i64,
) {
    sqlx::query(
        "INSERT INTO usage_tracking (user_id, feature, count, period_start, period_end)
         VALUES ($1, 'ideas_generated', $2, $3, $4)",
    )
    .bind(account)
    .bind(count)
    .bind(start)
    .bind(end)
    .execute(&h.db.pool)
    .await
    .expect("usage row inserted");
}

// ---------------------------------------------------------------------------------------------
// 1. /help

async fn help_lists_commands_and_explains_one(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let run = session(
        &h,
        "alice",
        locale,
        &["/help", "/help language", "/help nope"],
    );
    assert_eq!(run.replies().len(), 3, "\n{}", transcript(&run));

    let list = reply(&run, 0);
    assert!(list.starts_with(&tr(locale, "help-intro")), "{list}");
    assert!(list.ends_with(&tr(locale, "help-more")), "{list}");
    let manifests = Manifests::load().expect("manifests load");
    let mut listed = 0;
    for m in manifests.all().filter(|m| !m.operator_only) {
        let line = format!("/{} — {}", m.name, tr(locale, &m.description_key()));
        assert!(
            list.lines().any(|l| l == line),
            "/help misses {line:?}:\n{list}"
        );
        listed += 1;
    }
    assert!(listed >= 6, "only {listed} commands in the manifests");
    assert_eq!(
        list.lines().filter(|l| l.starts_with('/')).count(),
        listed,
        "{list}"
    );
    assert!(
        !list.contains("/ops"),
        "an operator command shows to a creator:\n{list}"
    );

    let detail = reply(&run, 1);
    assert_eq!(
        detail.lines().next(),
        Some(format!("/language — {}", tr(locale, "cmd-language")).as_str())
    );
    let description = tr(locale, "opt-language-code");
    let option = detail
        .lines()
        .find(|l| l.contains(&description))
        .unwrap_or_else(|| panic!("/help language does not explain its option:\n{detail}"));
    assert!(option.trim_start().starts_with("code"), "{option}");
    let rest = option.replace(&description, "");
    assert!(
        rest.contains("en") && rest.contains("fr"),
        "the choices are missing: {option}"
    );

    assert_eq!(reply(&run, 2), unknown_command(locale, "nope"));
    assert_eq!(
        reply(&run, 2),
        literal(
            locale,
            "I don't know /nope. Send /help to see what I can do.",
            "Je ne connais pas /nope. Envoyez /help pour voir ce que je sais faire.",
        )
    );
}
in_both_languages!(help_lists_commands_and_explains_one);

// ---------------------------------------------------------------------------------------------
// 2. /language

/// `/language TARGET` switches every following reply, and the choice is saved on the account.
async fn language_command_switches_every_following_reply(target: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let before = other(target);
    // A first session saves the language we switch away from.
    session(
        &h,
        "alice",
        Locale::En,
        &[&format!("/language {}", before.code())],
    );

    let switch = format!("/language {}", target.code());
    let run = h.chat(&["/plan", &switch, "/plan", "/help", "/nope", "hello", "#9"]);
    assert_starts_with(&run, 0, &free_plan_headline(before));
    assert_eq!(reply(&run, 1), tr(target, "language-set"));
    assert_starts_with(&run, 2, &free_plan_headline(target));
    assert_starts_with(&run, 3, &tr(target, "help-intro"));
    assert_eq!(reply(&run, 4), unknown_command(target, "nope"));
    assert_eq!(reply(&run, 5), tr(target, "free-text-hint"));
    assert_eq!(reply(&run, 6), no_button(target, 9));
    assert_eq!(run.replies().len(), 7, "\n{}", transcript(&run));

    // A new session, with no --lang, speaks the saved language.
    let later = h.chat(&["/help", "#3"]);
    assert_starts_with(&later, 0, &tr(target, "help-intro"));
    assert_eq!(reply(&later, 1), no_button(target, 3));
    let saved: Option<String> = sqlx::query_scalar(
        "SELECT u.locale FROM users u JOIN chat_identities i ON i.user_id = u.id WHERE i.external_id = 'alice'",
    )
    .fetch_one(&h.db.pool)
    .await
    .expect("locale query");
    assert_eq!(saved.as_deref(), Some(target.code()));
}
in_both_languages!(language_command_switches_every_following_reply);

/// `/language` alone shows one button per language; pressing one sets it (and may be pressed again).
async fn language_buttons_set_the_language(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let target = other(locale);
    let press = match target {
        Locale::En => "#1",
        Locale::Fr => "#2",
    };
    let run = session(&h, "alice", locale, &["/language", press, press, "/help"]);
    assert_eq!(reply(&run, 0), language_prompt(locale));
    assert!(
        reply(&run, 0).ends_with("\n[1] English\n[2] Français"),
        "\n{}",
        transcript(&run)
    );
    assert_eq!(reply(&run, 1), tr(target, "language-set"));
    assert_eq!(
        reply(&run, 1),
        literal(
            target,
            "Done: I'll answer in English from now on.",
            "C'est fait\u{202f}: je vous réponds désormais en français."
        )
    );
    assert_eq!(
        reply(&run, 2),
        tr(target, "language-set"),
        "a language button can be pressed again"
    );
    assert_starts_with(&run, 3, &tr(target, "help-intro"));
}
in_both_languages!(language_buttons_set_the_language);

/// `--lang` wins over the saved language for the session, until `/language` is used in it.
async fn lang_flag_wins_until_language_command(saved: Locale) {
    let h = ConsoleHarness::new().await;
    let forced = other(saved);
    session(
        &h,
        "alice",
        Locale::En,
        &[&format!("/language {}", saved.code())],
    );

    let choose = format!("/language {}", saved.code());
    let run = h.chat_as(
        "alice",
        &lang_flag(forced),
        &["/help", "#4", &choose, "/help", "#4"],
    );
    assert_starts_with(&run, 0, &tr(forced, "help-intro"));
    assert_eq!(reply(&run, 1), no_button(forced, 4));
    assert_eq!(reply(&run, 2), tr(saved, "language-set"));
    // Choosing a language inside the session wins from then on, even the one already saved.
    assert_starts_with(&run, 3, &tr(saved, "help-intro"));
    assert_eq!(reply(&run, 4), no_button(saved, 4));
}
in_both_languages!(lang_flag_wins_until_language_command);

/// `--lang fr` holds for the whole session, even after `/forget` erased the saved language.
#[tokio::test]
async fn lang_flag_survives_forget() {
    let h = ConsoleHarness::new().await;
    session(&h, "alice", Locale::En, &["/language en"]);
    let run = h.chat_as(
        "alice",
        &lang_flag(Locale::Fr),
        &["/forget", "#1", "#1", "/help"],
    );
    assert_eq!(reply(&run, 0), forget_prompt(Locale::Fr));
    assert_starts_with(&run, 1, &tr(Locale::Fr, "forget-done"));
    assert_eq!(reply(&run, 2), tr(Locale::Fr, "button-invalid"));
    assert_starts_with(&run, 3, &tr(Locale::Fr, "help-intro"));
}

// ---------------------------------------------------------------------------------------------
// 3. /plan

async fn plan_shows_the_free_plan_and_this_months_usage(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let account = existing_account(&h, "alice").await;
    let month = current_month();
    // The line a creator reads for ideas, e.g. `▰▰▰▱▱▱▱▱▱▱ Ideas generated: 3 of 10`.
    let ideas_line = |run: &ConsoleRun, used: i64| -> String {
        let usage = ideas_usage(locale, used);
        let found = reply(run, 0).lines().find(|l| l.ends_with(&usage));
        found
            .unwrap_or_else(|| panic!("no line ends with {usage:?}\n{}", transcript(run)))
            .to_owned()
    };

    let fresh = session(&h, "alice", locale, &["/plan"]);
    let text = reply(&fresh, 0);
    let heading = say(
        locale,
        msg("plan-usage-heading")
            .arg("start", month.0.to_string())
            .arg("end", month.1.to_string()),
    );
    let invoices = say(
        locale,
        msg("plan-feature-invoices_created")
            .arg("used", 0_i64)
            .arg("limit", 2_i64),
    );
    let limits = say(
        locale,
        msg("plan-limits")
            .arg("platforms", 1_i64)
            .arg("destinations", 1_i64)
            .arg("history", 28_i64)
            .arg("summary", 0_i64),
    );
    let next = say(
        locale,
        msg("plan-next").arg("plan", tr(locale, "plan-name-creator")),
    );
    assert!(
        text.starts_with(&format!("{}\n", free_plan_headline(locale))),
        "\n{}",
        transcript(&fresh)
    );
    for part in [&heading, &invoices, &limits, &next] {
        assert!(
            text.contains(part.as_str()),
            "/plan misses {part:?}\n{}",
            transcript(&fresh)
        );
    }
    assert_eq!(
        ideas_line(&fresh, 0),
        format!("▱▱▱▱▱▱▱▱▱▱ {}", ideas_usage(locale, 0))
    );

    // Three ideas this month; last month's seven do not count.
    record_ideas(&h, account, month, 3).await;
    let previous = month
        .0
        .pred_opt()
        .expect("a day before the first of the month");
    record_ideas(&h, account, month_of(previous), 7).await;
    let later = session(&h, "alice", locale, &["/plan"]);
    let line = ideas_line(&later, 3);
    assert_eq!(line, format!("▰▰▰▱▱▱▱▱▱▱ {}", ideas_usage(locale, 3)));
    assert!(
        line.contains(literal(locale, "3 of 10", "3 sur 10")),
        "{line}"
    );
}
in_both_languages!(plan_shows_the_free_plan_and_this_months_usage);

// ---------------------------------------------------------------------------------------------
// 4. /export

/// The path a reply printed as `file: PATH`, resolved against the session's working directory.
fn attachment_path(h: &ConsoleHarness, run: &ConsoleRun, i: usize) -> PathBuf {
    let text = reply(run, i);
    let last = text.lines().last().unwrap_or_default();
    let printed = last
        .strip_prefix("file: ")
        .unwrap_or_else(|| panic!("reply {i} has no `file:` line\n{}", transcript(run)));
    h.work_dir.path().join(printed)
}

fn read_json(path: &Path) -> serde_json::Value {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// English writes into the default `./creatorpilot-files`, French into a directory given with `--files`.
async fn export_writes_a_json_file_without_overwriting(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let chosen = tempfile::tempdir().expect("temp dir");
    let chosen_path = chosen.path().display().to_string();
    let args: Vec<&str> = match locale {
        Locale::En => vec![],
        Locale::Fr => vec!["--files", &chosen_path],
    };
    let language = format!("/language {}", locale.code());
    let run = h.chat_as("exporter", &args, &[&language, "/export", "/export"]);
    let dir = match locale {
        Locale::En => run.files_dir.clone(),
        Locale::Fr => chosen.path().to_owned(),
    };
    assert_eq!(run.replies().len(), 3, "\n{}", transcript(&run));
    assert_eq!(reply(&run, 0), tr(locale, "language-set"));

    let first = attachment_path(&h, &run, 1);
    let second = attachment_path(&h, &run, 2);
    for (i, path) in [(1, &first), (2, &second)] {
        assert_eq!(
            reply(&run, i).lines().next(),
            Some(tr(locale, "export-ready").as_str()),
            "\n{}",
            transcript(&run)
        );
        assert_eq!(
            path.parent()
                .map(|p| p.canonicalize().expect("the files dir exists")),
            Some(dir.canonicalize().expect("the files dir exists")),
            "written outside the files dir: {}",
            path.display()
        );
    }
    let doc = read_json(&first);
    let second_doc = read_json(&second);

    let exported_at = doc["exported_at"]
        .as_str()
        .expect("exported_at is a string");
    assert!(exported_at.ends_with('Z'), "not UTC: {exported_at}");
    let when = chrono::DateTime::parse_from_rfc3339(exported_at).expect("exported_at is RFC 3339");
    let age = chrono::Utc::now().signed_duration_since(when);
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::minutes(5),
        "exported_at {exported_at}"
    );
    let day = &exported_at[..10];
    let file_name = |p: &PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(file_name(&first), format!("creatorpilot-export-{day}.json"));
    assert_eq!(
        file_name(&second),
        format!("creatorpilot-export-{day}-1.json"),
        "the second export overwrote the first?"
    );
    assert_eq!(std::fs::read_dir(&dir).expect("files dir").count(), 2);

    let account = account_of(&h, "exporter").await.expect("an account");
    for d in [&doc, &second_doc] {
        assert_eq!(d["format_version"], 1);
        assert_eq!(d["account"]["id"], account.to_string());
        assert_eq!(d["account"]["plan"], "free");
        assert_eq!(d["account"]["language"], locale.code());
        let identities = d["chat_identities"]
            .as_array()
            .expect("chat_identities is a list");
        assert!(
            identities
                .iter()
                .any(|i| i["platform"] == "console" && i["id"] == "exporter"),
            "the console identity is missing: {identities:?}"
        );
    }
}
in_both_languages!(export_writes_a_json_file_without_overwriting);

// ---------------------------------------------------------------------------------------------
// 5 and 8. /forget and buttons

async fn forget_confirmed_erases_the_account(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let account = existing_account(&h, "alice").await;
    record_ideas(&h, account, current_month(), 3).await;

    let run = session(&h, "alice", locale, &["/forget", "#1", "#1", "/plan", "#1"]);
    assert_eq!(reply(&run, 0), forget_prompt(locale));
    let bullet = |m: Msg| format!("• {}", say(locale, m));
    let erased = [
        tr(locale, "forget-done"),
        bullet(msg("forget-erased-usage").arg("count", 1_i64)),
        bullet(msg("forget-erased-identities").arg("count", 1_i64)),
        bullet(msg("forget-erased-account")),
        tr(locale, "forget-goodbye"),
    ]
    .join("\n");
    assert_eq!(reply(&run, 1), erased);
    assert_starts_with(
        &run,
        1,
        literal(
            locale,
            "Done. I erased:\n",
            "C'est fait. J'ai effacé\u{202f}:\n",
        ),
    );
    // The account is gone: the next press comes from a fresh account the button is not for.
    assert_eq!(reply(&run, 2), tr(locale, "button-invalid"));
    // The fresh account has accepted nothing: the policy first, then the command runs.
    assert_eq!(reply(&run, 3), acceptance(locale, "privacy-gate-first"));
    assert_eq!(reply(&run, 4), policy_accepted(locale));
    assert_starts_with(&run, 5, &free_plan_headline(locale));
    assert!(
        reply(&run, 5).contains(&ideas_usage(locale, 0)),
        "the fresh account inherited usage\n{}",
        transcript(&run)
    );
    assert_eq!(run.replies().len(), 6, "\n{}", transcript(&run));

    assert!(
        !account_exists(&h, account).await,
        "the users row survived /forget"
    );
    let now = account_of(&h, "alice").await;
    assert!(
        now.is_some_and(|id| id != account),
        "the identity still points at the erased account: {now:?}"
    );
    let usage: i64 = sqlx::query_scalar("SELECT count(*) FROM usage_tracking WHERE user_id = $1")
        .bind(account)
        .fetch_one(&h.db.pool)
        .await
        .expect("usage query");
    assert_eq!(usage, 0);
}
in_both_languages!(forget_confirmed_erases_the_account);

async fn forget_cancelled_keeps_the_account(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let account = existing_account(&h, "alice").await;

    let run = session(&h, "alice", locale, &["/forget", "#2", "#2"]);
    assert_replies(
        &run,
        &[
            forget_prompt(locale),
            tr(locale, "forget-cancelled"),
            tr(locale, "button-already-used"),
        ],
    );
    assert_eq!(
        reply(&run, 1),
        literal(locale, "Nothing was erased.", "Rien n'a été effacé.")
    );
    assert_eq!(account_of(&h, "alice").await, Some(account));
    assert!(account_exists(&h, account).await);
}
in_both_languages!(forget_cancelled_keeps_the_account);

/// `#N` presses a button of the newest reply that has buttons, not of an older one.
async fn number_presses_the_newest_buttons(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let account = existing_account(&h, "alice").await;

    let run = session(&h, "alice", locale, &["/forget", "/language", "#1"]);
    assert_replies(
        &run,
        &[
            forget_prompt(locale),
            language_prompt(locale),
            tr(Locale::En, "language-set"),
        ],
    );
    assert_eq!(account_of(&h, "alice").await, Some(account));
    assert!(
        account_exists(&h, account).await,
        "#1 erased the account instead of choosing English"
    );
}
in_both_languages!(number_presses_the_newest_buttons);

// ---------------------------------------------------------------------------------------------
// 6. /start

fn welcome(locale: Locale) -> String {
    format!(
        "{}\n{}",
        tr(locale, "start-welcome"),
        tr(locale, "start-what-next")
    )
}

fn name_saved(locale: Locale, name: &str) -> String {
    say(locale, msg("start-name-saved").arg("name", name))
}

async fn saved_name(h: &ConsoleHarness) -> Option<String> {
    let account = account_of(h, "alice").await.expect("an account");
    sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(account)
        .fetch_one(&h.db.pool)
        .await
        .expect("name query")
}

async fn start_asks_the_name_once(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let run = session(&h, "alice", locale, &["/start", "#1", "Alex", "/start"]);
    assert_replies(
        &run,
        &[
            acceptance(locale, "start-welcome-first"),
            policy_accepted(locale),
            welcome(locale),
            tr(locale, "start-ask-name"),
            name_saved(locale, "Alex"),
            format!(
                "{}\n{}",
                say(locale, msg("start-welcome-back").arg("name", "Alex")),
                tr(locale, "start-what-next")
            ),
        ],
    );
    assert_starts_with(
        &run,
        4,
        literal(locale, "Nice to meet you, Alex!", "Enchanté, Alex\u{202f}!"),
    );
    assert_starts_with(
        &run,
        5,
        literal(locale, "Welcome back, Alex!", "Bon retour, Alex\u{202f}!"),
    );
    assert_eq!(saved_name(&h).await.as_deref(), Some("Alex"));
}
in_both_languages!(start_asks_the_name_once);

async fn start_question_survives_a_restart(locale: Locale) {
    let h = ConsoleHarness::new().await;
    let asked = session(&h, "alice", locale, &["/start", "#1"]);
    assert_replies(
        &asked,
        &[
            acceptance(locale, "start-welcome-first"),
            policy_accepted(locale),
            welcome(locale),
            tr(locale, "start-ask-name"),
        ],
    );

    let answered = session(&h, "alice", locale, &["Alex"]);
    assert_replies(&answered, &[name_saved(locale, "Alex")]);
    assert_eq!(saved_name(&h).await.as_deref(), Some("Alex"));
}
in_both_languages!(start_question_survives_a_restart);

// ---------------------------------------------------------------------------------------------
// Paid plans without payments configured (the console harness has no Stripe key)

in_both_languages!(upgrade_and_billing_say_payments_are_not_configured);
async fn upgrade_and_billing_say_payments_are_not_configured(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let run = session(
        &h,
        "alice",
        locale,
        &["/upgrade", "/upgrade pro", "/billing"],
    );
    assert_replies(
        &run,
        &[
            tr(locale, "upgrade-not-configured"),
            tr(locale, "upgrade-not-configured"),
            tr(locale, "billing-not-configured"),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Bad input

/// One line each, and the sentence it gets.
fn bad_inputs() -> Vec<(Vec<u8>, Msg)> {
    vec![
        (
            b"/nope".to_vec(),
            msg("err-unknown-command").arg("command", "nope"),
        ),
        (
            b"/language de".to_vec(),
            msg("err-invalid-choice")
                .arg("option", "code")
                .arg("value", "de")
                .arg("choices", "en, fr"),
        ),
        (
            b"/plan extra".to_vec(),
            msg("err-too-many-arguments")
                .arg("command", "plan")
                .arg("word", "extra"),
        ),
        (b"/help \"language".to_vec(), msg("err-unclosed-quote")),
        (b"/".to_vec(), msg("err-empty-command")),
        (
            vec![b'x'; 5000],
            msg("err-line-too-long").arg("max", 4096_i64),
        ),
        // The longest line accepted is an ordinary message.
        (vec![b'x'; 4096], msg("free-text-hint")),
        (b"\xff\xfe".to_vec(), msg("console-invalid-utf8")),
        (
            b"#7".to_vec(),
            msg("console-no-button").arg("number", 7_i64),
        ),
        (
            b"/upgrade gold".to_vec(),
            msg("err-invalid-choice")
                .arg("option", "plan")
                .arg("value", "gold")
                .arg("choices", "creator, pro"),
        ),
        (b"hello there".to_vec(), msg("free-text-hint")),
    ]
}

async fn bad_input_gets_a_sentence_and_the_session_goes_on(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let table = bad_inputs();
    let mut input = Vec::new();
    for (line, _) in &table {
        input.extend_from_slice(line);
        input.push(b'\n');
    }
    input.extend_from_slice(b"/help\n");
    let run = raw_session(&h, "alice", lang_args(locale), &input, &[]);

    let replies = run.replies();
    assert_eq!(replies.len(), table.len() + 1, "\n{}", transcript(&run));
    for (i, (line, expected)) in table.iter().enumerate() {
        let shown = String::from_utf8_lossy(&line[..line.len().min(40)]).into_owned();
        assert_eq!(
            replies[i],
            say(locale, expected.clone()),
            "answer to {shown:?}"
        );
    }
    assert!(replies[5].contains("4096"), "{}", replies[5]);
    assert!(replies[1].contains("en, fr"), "{}", replies[1]);
    assert_starts_with(&run, table.len(), &tr(locale, "help-intro"));
}
in_both_languages!(bad_input_gets_a_sentence_and_the_session_goes_on);

// ---------------------------------------------------------------------------------------------
// 9. Operators

const OPERATORS: &[(&str, &str)] = &[("OPERATOR_IDS", "console:root")];

async fn operators_see_ops_and_failed_jobs(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("root").await;
    h.accept_policy("alice").await;
    let args = ["--lang", locale.code()];
    let ops_line = format!("/ops — {}", tr(locale, "cmd-ops"));
    let as_root = |lines: &str| raw_session(&h, "root", &args, lines.as_bytes(), OPERATORS);

    let run = as_root("/help\n/ops jobs\n/ops\n/help ops\n");
    assert!(
        reply(&run, 0).lines().any(|l| l == ops_line),
        "\n{}",
        transcript(&run)
    );
    assert_eq!(reply(&run, 1), tr(locale, "ops-jobs-none"));
    assert_eq!(
        reply(&run, 1),
        literal(
            locale,
            "No failed or uncertain jobs.",
            "Aucune tâche en échec ou incertaine."
        )
    );
    assert_eq!(
        reply(&run, 2),
        tr(locale, "ops-jobs-none"),
        "/ops defaults to jobs"
    );
    assert_eq!(reply(&run, 3).lines().next(), Some(ops_line.as_str()));
    let jobs_help = format!(
        "/ops jobs [{}] — {}",
        tr(locale, "help-default"),
        tr(locale, "cmd-ops-jobs")
    );
    assert!(
        reply(&run, 3).lines().any(|l| l == jobs_help),
        "\n{}",
        transcript(&run)
    );

    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (kind, dedupe_key, payload, status, attempts, last_error)
         VALUES ('purge_expired', 't1', 'null', 'failed', 3, 'boom') RETURNING id",
    )
    .fetch_one(&h.db.pool)
    .await
    .expect("job inserted");
    let run = as_root("/ops jobs\n/ops jobs uncertain\n/ops jobs failed\n");
    let listing = reply(&run, 0);
    let mut lines = listing.lines();
    assert_eq!(
        lines.next(),
        Some(say(locale, msg("ops-jobs-heading").arg("count", 1_i64)).as_str())
    );
    let job = lines.next().unwrap_or_default();
    assert!(job.starts_with(&format!("#{id} purge_expired")), "{job}");
    for part in ["failed", "3×", "boom"] {
        assert!(job.contains(part), "{part:?} missing from {job:?}");
    }
    assert_eq!(lines.next(), None);
    assert_eq!(
        reply(&run, 1),
        tr(locale, "ops-jobs-none"),
        "the status filter is ignored"
    );
    assert_eq!(reply(&run, 2), listing);

    // Not an operator: another user in an operator's process, or root with no OPERATOR_IDS.
    let alice = raw_session(
        &h,
        "alice",
        &args,
        b"/ops jobs\n/help ops\n/help\n",
        OPERATORS,
    );
    assert_eq!(reply(&alice, 0), unknown_command(locale, "ops"));
    assert_eq!(reply(&alice, 1), unknown_command(locale, "ops"));
    assert!(
        !reply(&alice, 2).contains("/ops"),
        "\n{}",
        transcript(&alice)
    );
    let plain_root = raw_session(&h, "root", &args, b"/ops jobs\n", &[]);
    assert_replies(&plain_root, &[unknown_command(locale, "ops")]);
}
in_both_languages!(operators_see_ops_and_failed_jobs);

// ---------------------------------------------------------------------------------------------
// 10. Output format

/// stdout holds the replies and nothing else, even with every log level on: each reply followed
/// by one blank line, buttons after the text. Blank input lines get no reply, and a last line
/// without a newline is still answered.
async fn stdout_holds_only_replies(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let input = "/start\n\n/forget\n   \n/language\n#9\n/nope";
    let run = raw_session(
        &h,
        "alice",
        lang_args(locale),
        input.as_bytes(),
        &[("RUST_LOG", "debug")],
    );
    let expected = [
        welcome(locale),
        tr(locale, "start-ask-name"),
        forget_prompt(locale),
        language_prompt(locale),
        no_button(locale, 9),
        unknown_command(locale, "nope"),
    ];
    let mut stdout = expected.join("\n\n");
    stdout.push_str("\n\n");
    assert_eq!(run.stdout, stdout, "\n{}", transcript(&run));
    assert!(
        !run.stderr.is_empty(),
        "RUST_LOG=debug should log something, on stderr"
    );
    assert!(
        reply(&run, 2).ends_with(&format!(
            "\n[1] {}\n[2] {}",
            tr(locale, "forget-button-confirm"),
            tr(locale, "forget-button-cancel")
        )),
        "\n{}",
        transcript(&run)
    );

    let silent = raw_session(&h, "alice", lang_args(locale), b"", &[]);
    assert_eq!(silent.stdout, "", "no input, no output");
}
in_both_languages!(stdout_holds_only_replies);

/// `/connect`: without a provider's credentials it says so and points to manual entry; with
/// credentials, a consent link (never followed here).
async fn connect_offers_a_link_or_manual_entry(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let run = session(
        &h,
        "alice",
        locale,
        &["/connect youtube", "/connect tiktok", "/connect instagram"],
    );
    assert_replies(
        &run,
        &[
            say(
                locale,
                msg("connect-not-configured").arg("provider", "YouTube"),
            ),
            say(
                locale,
                msg("connect-not-configured").arg("provider", "TikTok"),
            ),
            say(
                locale,
                msg("connect-not-configured").arg("provider", "Instagram"),
            ),
        ],
    );
    let mut args = vec!["--user", "alice"];
    args.extend_from_slice(lang_args(locale));
    let run = h.run(
        &args,
        b"/connect youtube\n#1\n",
        &[("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "s")],
    );
    assert_eq!(run.status.code(), Some(0), "\n{}", transcript(&run));
    // First what will be read and stored, with Accept / Cancel; the link only after Accept.
    assert_starts_with(
        &run,
        0,
        &say(
            locale,
            msg("connect-consent-intro").arg("provider", "YouTube"),
        ),
    );
    assert!(
        !reply(&run, 0).contains("code_challenge"),
        "\n{}",
        transcript(&run)
    );
    assert_starts_with(
        &run,
        1,
        &say(
            locale,
            msg("connect-open")
                .arg("provider", "YouTube")
                .arg("minutes", 10_i64),
        ),
    );
    assert!(
        reply(&run, 1).contains("code_challenge_method=S256"),
        "\n{}",
        transcript(&run)
    );
    assert!(!run.stdout.contains("client_secret"));
}
in_both_languages!(connect_offers_a_link_or_manual_entry);

// ---------------------------------------------------------------------------------------------
// The privacy policy gate on the console

/// `--demo` loads sample channels but accepts nothing for the creator: the first command
/// explains and offers Accept (`[1]`), which then runs it on the demo numbers.
#[tokio::test]
async fn demo_asks_for_the_policy_at_the_first_command_then_runs_it() {
    let h = ConsoleHarness::new().await;
    let run = h.chat_as("alice", &["--demo"], &["/stats", "#1", "/stats"]);
    let en = Locale::En;
    assert_eq!(reply(&run, 0), acceptance(en, "privacy-gate-first"));
    assert!(
        reply(&run, 0).ends_with("\n[1] Accept\n[2] Read the policy"),
        "\n{}",
        transcript(&run)
    );
    assert_eq!(reply(&run, 1), policy_accepted(en));
    // Then /stats, on the demo numbers: the same as when asked again (but for the chart's
    // file name).
    let without_files = |r: &str| {
        r.lines()
            .filter(|l| !l.starts_with("file: "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(reply(&run, 2).starts_with("📊"), "\n{}", transcript(&run));
    assert_eq!(run.replies().len(), 4, "\n{}", transcript(&run));
    assert_eq!(without_files(reply(&run, 2)), without_files(reply(&run, 3)));
}
