//! Export, erase and merge cover every table that references an account.

use std::collections::BTreeSet;

use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::domain::{accounts, privacy};

use crate::support::*;

mod gate;

/// Tables with a foreign key to `users`, read from the real schema.
async fn tables_referencing_users(pool: &sqlx::PgPool) -> BTreeSet<String> {
    sqlx::query_scalar(
        "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
         WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[tokio::test]
async fn every_table_referencing_users_has_an_exporter_eraser_and_merger() {
    let t = app().await;
    let referencing = tables_referencing_users(&t.db.pool).await;
    assert!(referencing.contains("chat_identities"), "{referencing:?}");
    let covered: BTreeSet<String> = privacy::registry()
        .iter()
        .flat_map(|e| e.tables().iter().map(|t| (*t).to_owned()))
        .collect();
    let missing: Vec<_> = referencing.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "tables referencing users with no AccountData entry: {missing:?}"
    );
}

/// One row in every table that references an account. `forget_leaves_no_row…` below fails when
/// a table is missing here; the linking tests use it too.
pub async fn populate(t: &TestApp, account: AccountId) {
    let pool = &t.db.pool;
    let a = account.0;
    sqlx::query("INSERT INTO object_numbers (user_id, kind, last_number) VALUES ($1, 'idea', 3)")
        .bind(a)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO pending_actions (id, user_id, platform, chat_id, action, single_use, expires_at) VALUES (md5(random()::text), $1, 'telegram', '1', '{}', true, now() + interval '1 hour')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO pending_questions (user_id, platform, chat_id, question, expires_at) VALUES ($1, 'telegram', md5(random()::text), '{}', now() + interval '1 hour')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO usage_tracking (user_id, feature, count, period_start, period_end) VALUES ($1, 'ideas_generated', 4, '2026-11-01', '2026-11-30')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO command_rate (user_id, tat, allowed) VALUES ($1, now(), true) ON CONFLICT DO NOTHING")
        .bind(a)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO jobs (kind, dedupe_key, payload, user_id) VALUES ('purge_expired', md5(random()::text), 'null', $1)").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO link_codes (code, user_id, platform, expires_at) VALUES (md5(random()::text), $1, 'telegram', now() + interval '10 minutes')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO digest_subscriptions (user_id, platform, chat_id, shared, locale, time_zone) VALUES ($1, 'telegram', md5(random()::text), false, 'en', 'Europe/Paris')").bind(a).execute(pool).await.unwrap();
    sqlx::query(
        "INSERT INTO platforms (user_id, provider, source) VALUES ($1, 'youtube', 'manual')",
    )
    .bind(a)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO oauth_states (state, user_id, provider, chat_platform, chat_id, locale, pkce_verifier, expires_at) VALUES (md5(random()::text), $1, 'youtube', 'telegram', '1', 'en', 'sealed', now() + interval '10 minutes')").bind(a).execute(pool).await.unwrap();
    // Deals and invoices (issue 8): /forget detaches invoices rather than deleting them.
    sqlx::query(
        "INSERT INTO business_profiles (user_id, legal_name, address) VALUES ($1, 'A EI', 'Paris')",
    )
    .bind(a)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO partnerships (user_id, number, brand, amount_minor, currency, deliverable) VALUES ($1, 1, 'Brand', 100, 'EUR', 'post')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO invoice_series (issuer_key, series, year, last_number) VALUES ('account:' || $1::text, 'invoice', 2026, 1)").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO invoices (issuer_id, user_id, kind, number, currency, total_ht_minor, total_vat_minor, total_ttc_minor, issue_date, due_date, language, snapshot, retain_until, issuer_key) VALUES ($1, $1, 'invoice', '2026-0001', 'EUR', 100, 0, 100, '2026-11-25', '2026-12-25', 'fr', '{}', '2037-01-01', 'account:' || $1::text)").bind(a).execute(pool).await.unwrap();
    // Ideas (issue 7): a saved idea (#3, the counter above), a brainstorm, a model request.
    sqlx::query("UPDATE users SET niche = 'cooking' WHERE id = $1")
        .bind(a)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO ai_ideas (user_id, number, title, origin) VALUES ($1, 3, 'Crêpes at 2 €', 'ai')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO idea_conversations (user_id, platform, chat_id, turns) VALUES ($1, 'telegram', '1', '[{\"role\": \"user\", \"text\": \"cooking\"}]')").bind(a).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO ai_requests (user_id, purpose, model, outcome, prompt_tokens, completion_tokens) VALUES ($1, 'brainstorm', 'gpt-4o-mini', 'ok', 120, 80)").bind(a).execute(pool).await.unwrap();
    // Consents (issue 11).
    sqlx::query(
        "INSERT INTO consents (user_id, scope, policy_version) VALUES ($1, 'connect:youtube', 1)",
    )
    .bind(a)
    .execute(pool)
    .await
    .unwrap();
    let key = t.app.files.put(b"%PDF-1.7 invoice", "pdf").await.unwrap();
    creatorpilot::db::files::insert(pool, account, &key, "invoice.pdf", "application/pdf", 16)
        .await
        .unwrap();
}

async fn rows_for(pool: &sqlx::PgPool, table: &str, account: AccountId) -> i64 {
    let column = if table == "users" { "id" } else { "user_id" };
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {table} WHERE {column} = $1"
    )))
    .bind(account.0)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn forget_leaves_no_row_and_no_file_behind_and_spares_others() {
    let t = app().await;
    let alice = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    let bob = accounts::resolve(&t.app.db, Platform::Telegram, "2", None)
        .await
        .unwrap()
        .id;
    populate(&t, alice).await;
    populate(&t, bob).await;
    let alice_key: String =
        sqlx::query_scalar("SELECT storage_key FROM stored_files WHERE user_id = $1")
            .bind(alice.0)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();

    let mut tx = t.db.pool.begin().await.unwrap();
    let erased = privacy::forget(&mut tx, alice).await.unwrap();
    tx.commit().await.unwrap();
    for key in &erased.file_keys {
        t.app.files.delete(key).await.unwrap();
    }

    let mut tables = tables_referencing_users(&t.db.pool).await;
    tables.insert("users".into());
    for table in &tables {
        assert_eq!(
            rows_for(&t.db.pool, table, alice).await,
            0,
            "{table} still holds alice's rows"
        );
        assert!(
            rows_for(&t.db.pool, table, bob).await >= 1,
            "{table} lost bob's rows"
        );
    }
    assert!(
        t.app.files.get(&alice_key).await.is_err(),
        "alice's file bytes remain"
    );
    let said: Vec<&str> = erased.lines.iter().map(|m| m.key.as_str()).collect();
    for key in [
        "forget-erased-identities",
        "forget-erased-usage",
        "forget-erased-jobs",
        "forget-erased-files",
        "forget-erased-account",
    ] {
        assert!(
            said.contains(&key),
            "the reply does not mention {key}: {said:?}"
        );
    }
}

#[tokio::test]
async fn linking_moves_everything_onto_one_account() {
    let t = app().await;
    let telegram = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    let discord = accounts::resolve(&t.app.db, Platform::Discord, "9", None)
        .await
        .unwrap()
        .id;
    populate(&t, telegram).await;
    populate(&t, discord).await;
    accounts::link(&t.app.db, telegram, discord).await.unwrap();

    assert_eq!(rows_for(&t.db.pool, "users", telegram).await, 0);
    for table in [
        "chat_identities",
        "usage_tracking",
        "jobs",
        "stored_files",
        "object_numbers",
    ] {
        assert_eq!(
            rows_for(&t.db.pool, table, telegram).await,
            0,
            "{table} kept rows of the absorbed account"
        );
    }
    assert_eq!(rows_for(&t.db.pool, "chat_identities", discord).await, 2);
    assert_eq!(rows_for(&t.db.pool, "stored_files", discord).await, 2);
    let usage: i64 = sqlx::query_scalar("SELECT count FROM usage_tracking WHERE user_id = $1")
        .bind(discord.0)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(usage, 8, "usage of both accounts is added up");
    // Both identities now reach the same account.
    let via_telegram = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    assert_eq!(via_telegram, discord);
}

#[tokio::test]
async fn export_holds_every_section_without_secrets() {
    let t = app().await;
    let alice = accounts::resolve(&t.app.db, Platform::Telegram, "1", Some("Alice"))
        .await
        .unwrap()
        .id;
    populate(&t, alice).await;
    let mut tx = t.db.pool.begin().await.unwrap();
    let doc = privacy::export(&mut tx, alice).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(doc["format_version"], 1);
    assert!(doc["exported_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(doc["chat_identities"][0]["platform"], "telegram");
    assert_eq!(doc["chat_identities"][0]["display_name"], "Alice");
    assert_eq!(doc["usage"][0]["count"], 4);
    assert_eq!(doc["files"][0]["name"], "invoice.pdf");
    assert_eq!(doc["scheduled_work"][0]["kind"], "purge_expired");
    for entry in privacy::registry() {
        assert!(
            doc.get(entry.section()).is_some(),
            "export lacks {}",
            entry.section()
        );
    }
    let text = doc.to_string();
    assert!(
        !text.contains("storage_key") && !text.contains("token"),
        "{text}"
    );
}

/// `/connect` with credentials shows what will be read and stored before any link: Cancel
/// records nothing; Accept records the consent with the policy version, then gives the link;
/// `/export` lists the consent and `/privacy` shows the policy with the operator's contact.
#[tokio::test]
async fn connecting_needs_a_consent_that_is_recorded_and_exported() {
    use creatorpilot::bot::Button;
    let t = app_with(&[
        ("GOOGLE_CLIENT_ID", "id"),
        ("GOOGLE_CLIENT_SECRET", "secret"),
        ("PRIVACY_CONTACT", "privacy@creatorpilot.example"),
    ])
    .await;
    let fr = creatorpilot::i18n::Locale::Fr;
    crate::channels::say(&t, "7", "/language fr").await;
    let asked = crate::channels::say(&t, "7", "/connect youtube").await;
    let reply = asked.replies.lock().unwrap()[0].clone();
    let text = reply.blocks.join("\n");
    assert!(text.contains("yt-analytics.readonly"), "{text}");
    assert!(
        text.contains(&t.app.i18n.tr(fr, "connect-consent-youtube")),
        "{text}"
    );
    let ids: Vec<String> = reply
        .buttons
        .iter()
        .map(|b| match b {
            Button::Action { id, .. } => id.clone(),
            Button::Link { .. } => panic!("no link before consent: {reply:?}"),
        })
        .collect();
    assert_eq!(ids.len(), 2, "Accept and Cancel");
    let pool = t.db.pool.clone();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM oauth_states").await, 0);

    let cancelled = crate::billing::press(&t, Platform::Telegram, "7", &ids[1]).await;
    assert_eq!(
        cancelled.texts(),
        vec![t.app.i18n.tr(fr, "connect-consent-cancelled")]
    );
    // Only the privacy policy's own acceptance (the creator's first command) is on record.
    assert_eq!(
        count("SELECT count(*) FROM consents WHERE scope <> 'policy'").await,
        0
    );
    assert_eq!(count("SELECT count(*) FROM oauth_states").await, 0);

    let asked = crate::channels::say(&t, "7", "/connect youtube").await;
    let accept = match &asked.replies.lock().unwrap()[0].buttons[0] {
        Button::Action { id, .. } => id.clone(),
        Button::Link { .. } => unreachable!(),
    };
    let accepted = crate::billing::press(&t, Platform::Telegram, "7", &accept).await;
    let link = accepted.replies.lock().unwrap()[0].buttons.clone();
    assert!(
        matches!(&link[..], [Button::Link { url, .. }] if url.contains("code_challenge")),
        "{link:?}"
    );
    let (scope, version): (String, i32) =
        sqlx::query_as("SELECT scope, policy_version FROM consents WHERE scope <> 'policy'")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!((scope.as_str(), version), ("connect:youtube", 1));

    let account = accounts::resolve(&t.app.db, Platform::Telegram, "7", None)
        .await
        .unwrap()
        .id;
    let export = privacy::export_snapshot(&t.app.db, account).await.unwrap();
    // The policy accepted first, then the connection.
    assert_eq!(export["consents"][0]["scope"], "policy", "{export}");
    assert_eq!(export["consents"][0]["policy_version"], 1);
    assert_eq!(
        export["consents"][1]["scope"], "connect:youtube",
        "{export}"
    );
    assert_eq!(export["consents"][1]["policy_version"], 1);
    assert!(export["consents"][1]["accepted_at"].is_string());

    let policy = crate::channels::say(&t, "7", "/privacy")
        .await
        .texts()
        .join("\n");
    assert!(policy.contains("version 1"), "{policy}");
    assert!(
        policy.contains("AES-256-GCM") && policy.contains("Stripe"),
        "{policy}"
    );
    assert!(policy.contains("privacy@creatorpilot.example"), "{policy}");
}
