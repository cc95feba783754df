//! `/link` through the engine: a Telegram identity and a Discord identity become one account,
//! nothing of either is lost, and the rules refuse what cannot be merged.

use creatorpilot::bot::dispatch::handle;
use creatorpilot::bot::{Input, Platform};
use creatorpilot::domain::accounts;
use serde_json::json;

use crate::discord::Harness;
use crate::discord::fake;
use crate::engine::{Recorder, incoming};
use crate::support::*;

/// A line from a creator who accepted the privacy policy (see `channels::say_on`).
async fn say(t: &TestApp, platform: Platform, user: &str, line: &str) -> Recorder {
    accept_policy(&t.db.pool, platform, user).await;
    let r = Recorder::default();
    handle(
        &t.app,
        incoming(platform, user, user, Input::Line(line.into())),
        &r,
    )
    .await;
    r
}

fn code_of(r: &Recorder) -> String {
    let text = r.texts().join("\n");
    text.split("code: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

async fn count(t: &TestApp, table: &str, account: uuid::Uuid) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {table} WHERE user_id = $1"
    )))
    .bind(account)
    .fetch_one(&t.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn linking_telegram_and_discord_keeps_everything_in_the_issuing_account() {
    let t = app().await;
    let issued = say(&t, Platform::Telegram, "100", "/link").await;
    assert!(issued.replies.lock().unwrap()[0].visibility == creatorpilot::bot::Visibility::Private);
    let code = code_of(&issued);
    assert_eq!(code.len(), 10);
    let telegram = accounts::resolve(&t.app.db, Platform::Telegram, "100", None)
        .await
        .unwrap()
        .id;
    let discord = accounts::resolve(&t.app.db, Platform::Discord, "42", None)
        .await
        .unwrap()
        .id;
    // One row in every table that references an account (the privacy tests keep it complete).
    crate::privacy::populate(&t, telegram).await;
    crate::privacy::populate(&t, discord).await;
    // Two invoice series cannot become one (refused below): only the issuer keeps invoices here.
    sqlx::query("DELETE FROM invoices WHERE user_id = $1")
        .bind(discord.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    // The issuing account once numbered deals up to 5 (deals 2–5 since deleted): the absorbed
    // deal 1 must not take a number it handed out before.
    sqlx::query("INSERT INTO object_numbers (user_id, kind, last_number) VALUES ($1, 'deal', 5)")
        .bind(telegram.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    let before: Vec<(String, i64)> = {
        let mut v = Vec::new();
        for table in ["jobs", "stored_files"] {
            v.push((
                table.to_owned(),
                count(&t, table, telegram.0).await + count(&t, table, discord.0).await,
            ));
        }
        v
    };

    let linked = say(
        &t,
        Platform::Discord,
        "42",
        &format!("/link {}", code.to_lowercase()),
    )
    .await;
    let text = linked.texts().join("\n");
    assert!(text.starts_with("Linked!"), "{text}");
    assert!(
        text.contains("Telegram") && text.contains("Discord"),
        "{text}"
    );
    // What moved under a new number is listed, old → new.
    assert!(text.contains("deal 1 → deal 6 (Brand)"), "{text}");
    assert!(text.contains("idea 3 → idea 4 (Crêpes at 2 €)"), "{text}");

    // Both identities now resolve to the account that issued the code.
    let tg_now = accounts::resolve(&t.app.db, Platform::Telegram, "100", None)
        .await
        .unwrap()
        .id;
    let dc_now = accounts::resolve(&t.app.db, Platform::Discord, "42", None)
        .await
        .unwrap()
        .id;
    assert_eq!((tg_now, dc_now), (telegram, telegram));
    let gone: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE id = $1")
        .bind(discord.0)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(gone, 0);
    for (table, expected) in before {
        assert_eq!(count(&t, &table, telegram.0).await, expected, "{table}");
    }
    let usage: i64 = sqlx::query_scalar("SELECT count FROM usage_tracking WHERE user_id = $1")
        .bind(telegram.0)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(usage, 8, "usage counters are summed");
    let last: i64 = sqlx::query_scalar(
        "SELECT last_number FROM object_numbers WHERE user_id = $1 AND kind = 'idea'",
    )
    .bind(telegram.0)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    // Both accounts had idea #3: the absorbed one became #4, and the counter follows.
    assert_eq!(last, 4, "numbers continue after the higher counter");
    let deals: Vec<(i64, String)> =
        sqlx::query_as("SELECT number, brand FROM partnerships WHERE user_id = $1 ORDER BY number")
            .bind(telegram.0)
            .fetch_all(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(
        deals,
        vec![(1, "Brand".to_owned()), (6, "Brand".to_owned())]
    );
    let last_deal: i64 = sqlx::query_scalar(
        "SELECT last_number FROM object_numbers WHERE user_id = $1 AND kind = 'deal'",
    )
    .bind(telegram.0)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(last_deal, 6);
    assert_eq!(count(&t, "chat_identities", telegram.0).await, 2);

    // The code worked once.
    let again = say(&t, Platform::Console, "bob", &format!("/link {code}")).await;
    assert_eq!(
        again.texts(),
        vec![
            t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::En, "link-code-invalid")
        ]
    );
}

#[tokio::test]
async fn linking_is_refused_for_two_paid_plans_or_a_platform_twice_and_codes_expire() {
    let t = app().await;
    // Two Telegram identities cannot share an account.
    let code = code_of(&say(&t, Platform::Telegram, "100", "/link").await);
    let refused = say(&t, Platform::Telegram, "101", &format!("/link {code}")).await;
    assert!(
        refused.texts()[0].contains("Both accounts already have a Telegram identity"),
        "{:?}",
        refused.texts()
    );

    // Two paid plans.
    let code = code_of(&say(&t, Platform::Telegram, "100", "/link").await);
    say(&t, Platform::Discord, "42", "/plan").await;
    sqlx::query("UPDATE users SET plan = 'creator'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let refused = say(&t, Platform::Discord, "42", &format!("/link {code}")).await;
    assert_eq!(
        refused.texts(),
        vec![
            t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::En, "link-refused-both-paid")
        ]
    );

    // Ten minutes later a code is refused, and the purge job removes it.
    sqlx::query("UPDATE users SET plan = 'free'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let code = code_of(&say(&t, Platform::Telegram, "100", "/link").await);
    sqlx::query("UPDATE link_codes SET expires_at = now() - interval '1 second'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let late = say(&t, Platform::Discord, "42", &format!("/link {code}")).await;
    assert_eq!(
        late.texts(),
        vec![
            t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::En, "link-code-invalid")
        ]
    );
    say(&t, Platform::Telegram, "100", "/link").await;
    sqlx::query("UPDATE link_codes SET expires_at = now() - interval '1 second'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let purged = creatorpilot::db::link_codes::delete_expired(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(purged, 1);
}

#[tokio::test]
async fn a_code_from_telegram_entered_as_a_discord_slash_command_links_them() {
    let h = Harness::start(&[]).await;
    accept_policy(&h.t.db.pool, Platform::Discord, "42").await;
    let issued = say(&h.t, Platform::Telegram, "100", "/link").await;
    let code = code_of(&issued);
    let (_, answer) = h
        .post(&fake::command(
            "link",
            json!([{ "name": "code", "type": 3, "value": code }]),
            "42",
            "fr",
        ))
        .await;
    assert_eq!(answer["data"]["flags"], 64);
    let text = answer["data"]["content"].as_str().unwrap();
    assert!(text.starts_with("C'est relié !"), "{text}");
    // Discord now sees the Telegram account's data: the same account answers /plan on both.
    let tg = accounts::resolve(&h.t.app.db, Platform::Telegram, "100", None)
        .await
        .unwrap()
        .id;
    let dc = accounts::resolve(&h.t.app.db, Platform::Discord, "42", None)
        .await
        .unwrap()
        .id;
    assert_eq!(tg, dc);
}

#[tokio::test]
async fn linking_is_refused_for_two_invoice_series_or_one_provider_connected_twice() {
    let t = app().await;
    let code = code_of(&say(&t, Platform::Telegram, "100", "/link").await);
    let telegram = accounts::resolve(&t.app.db, Platform::Telegram, "100", None)
        .await
        .unwrap()
        .id;
    let discord = accounts::resolve(&t.app.db, Platform::Discord, "42", None)
        .await
        .unwrap()
        .id;
    for account in [telegram, discord] {
        sqlx::query(
            "INSERT INTO platforms (user_id, provider, source) VALUES ($1, 'youtube', 'oauth')",
        )
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    let refused = say(&t, Platform::Discord, "42", &format!("/link {code}")).await;
    let expected = creatorpilot::i18n::msg("link-refused-same-provider").arg("provider", "YouTube");
    assert_eq!(
        refused.texts(),
        vec![t.app.i18n.render(creatorpilot::i18n::Locale::En, &expected)]
    );

    // Manual numbers for the same provider merge fine; two invoice series do not.
    sqlx::query("DELETE FROM platforms")
        .execute(&t.db.pool)
        .await
        .unwrap();
    crate::privacy::populate(&t, telegram).await;
    crate::privacy::populate(&t, discord).await;
    let code = code_of(&say(&t, Platform::Telegram, "100", "/link").await);
    let refused = say(&t, Platform::Discord, "42", &format!("/link {code}")).await;
    assert_eq!(
        refused.texts(),
        vec![
            t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::En, "link-refused-both-invoiced")
        ]
    );
    // Nothing moved: both accounts still stand.
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(users, 2);
}
