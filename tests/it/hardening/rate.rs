//! The per-account command rate limit: a burst is answered up to the limit, the rest get a
//! polite sentence saying when to retry; another creator is unaffected; answers to questions
//! are free; several instances share one bucket.

use creatorpilot::app::App;
use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::domain::rate_limit::{self, Cost};
use creatorpilot::i18n::{Locale, msg};
use creatorpilot::platforms::Mode;

use crate::support::*;
use crate::telegram::fake::private_text;
use crate::telegram::{fast, start};

/// The rate sentence with a wait of about `seconds` (a few seconds pass during the test).
fn is_limited(app: &App, locale: Locale, text: &str, seconds: i64) -> bool {
    (seconds - 5..=seconds).any(|s| {
        text == app
            .i18n
            .render(locale, &msg("rate-limited").arg("seconds", s))
    })
}

#[tokio::test]
async fn a_burst_gets_the_first_n_answered_and_a_polite_sentence_after() {
    // Three at once, then one a minute: the fourth waits a whole interval (60 s).
    let tg = start(
        &[
            ("COMMAND_RATE_BURST", "3"),
            ("COMMAND_RATE_PER_MINUTE", "1"),
        ],
        fast(),
        Mode::Full,
    )
    .await;
    let (alex, camille) = (5001, 5002);
    accept_policy(&tg.t.db.pool, Platform::Telegram, "5001").await;
    accept_policy(&tg.t.db.pool, Platform::Telegram, "5002").await;
    // /start asks a name: the answer is not charged.
    let asked = tg.say(private_text(alex, "en", "/start"), alex, 2).await;
    assert_eq!(asked[1], tg.tr(Locale::En, "start-ask-name"));
    tg.say(private_text(alex, "en", "Alex"), alex, 1).await;
    let mut replies = Vec::new();
    for _ in 0..4 {
        replies.extend(tg.say(private_text(alex, "en", "/help"), alex, 1).await);
    }
    let help = tg.tr(Locale::En, "help-intro");
    assert!(replies[0].starts_with(&help), "{replies:?}");
    assert!(replies[1].starts_with(&help), "{replies:?}");
    assert_eq!(replies.len(), 4);
    for sentence in &replies[2..] {
        assert!(
            is_limited(&tg.t.app, Locale::En, sentence, 60),
            "{replies:?}"
        );
    }

    // Another creator, in French, has a bucket of their own.
    let mut other = Vec::new();
    for _ in 0..4 {
        other.extend(
            tg.say(private_text(camille, "fr", "/help"), camille, 1)
                .await,
        );
    }
    let aide = tg.tr(Locale::Fr, "help-intro");
    assert!(other[..3].iter().all(|r| r.starts_with(&aide)), "{other:?}");
    assert!(
        is_limited(&tg.t.app, Locale::Fr, &other[3], 60),
        "{other:?}"
    );
    // The refusals are counted apart from the creators' own mistakes.
    let help = |outcome| {
        tg.t.app
            .metrics
            .commands
            .with_label_values(&["help", "telegram", outcome])
            .get()
    };
    assert_eq!(help("rate_limited"), 3);
    assert_eq!(help("user_error"), 0);
    tg.shutdown().await;
}

#[tokio::test]
async fn instances_share_one_bucket_and_buttons_cost_half() {
    let extra = [
        ("COMMAND_RATE_BURST", "2"),
        ("COMMAND_RATE_PER_MINUTE", "1"),
    ];
    let t = app_with(&extra).await;
    // A second instance: its own App over the same database.
    let other = App::new(settings(t.dir.path(), &extra), t.db.pool.clone()).unwrap();
    let account = creatorpilot::domain::accounts::resolve(&t.app.db, Platform::Discord, "42", None)
        .await
        .unwrap()
        .id;
    let charge = |app: &std::sync::Arc<App>, cost| {
        let app = app.clone();
        async move { rate_limit::charge(&app, Platform::Discord, account, cost).await }
    };
    assert!(charge(&t.app, Cost::Full).await.is_ok());
    assert!(charge(&other, Cost::Half).await.is_ok());
    assert!(charge(&t.app, Cost::Half).await.is_ok());
    // Two tokens spent across both instances: nothing is left on either.
    assert!(charge(&other, Cost::Half).await.is_err());
    assert!(charge(&t.app, Cost::Full).await.is_err());
    // The console is the operator's own terminal: never limited.
    for _ in 0..5 {
        rate_limit::charge(&t.app, Platform::Console, account, Cost::Full)
            .await
            .unwrap();
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM command_rate")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let _: AccountId = account;
}
