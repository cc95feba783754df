//! REST against the fake: the registration payload, our rate limiter on the fake's timestamps
//! (429 `retry_after`, exhausted buckets), and the notifier's outcomes.

use std::time::Duration;

use creatorpilot::bot::{Destination, Platform, Reply, SendOutcome};
use serde_json::{Value, json};

use crate::discord::Harness;
use crate::discord::fake::{APP_ID, FakeDiscord, Scripted};
use crate::support::settings;

fn find<'a>(commands: &'a Value, name: &str) -> Option<&'a Value> {
    commands
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
}

#[tokio::test]
async fn register_commands_puts_localized_commands_for_dms_and_user_installs() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let s = settings(
        dir.path(),
        &[
            ("DISCORD_BOT_TOKEN", "fake-token"),
            ("DISCORD_APPLICATION_ID", APP_ID),
            ("DISCORD_GUILD_ID", "600"),
            ("DISCORD_API_URL", &fake.url),
        ],
    );
    let lines = creatorpilot::platforms::discord::register_commands(&s)
        .await
        .unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let requests = fake.requests();
    let global = requests
        .iter()
        .find(|r| r.method == "PUT" && r.path == format!("/api/v10/applications/{APP_ID}/commands"))
        .expect("global registration");
    let guild = requests
        .iter()
        .find(|r| r.path == format!("/api/v10/applications/{APP_ID}/guilds/600/commands"))
        .expect("guild registration");

    let help = find(&global.json, "help").unwrap();
    assert_eq!(help["description"], "List the commands, or explain one");
    assert!(
        help["description_localizations"]["fr"]
            .as_str()
            .unwrap()
            .len()
            > 5,
        "{help}"
    );
    assert_eq!(help["contexts"], json!([0, 1, 2]));
    assert_eq!(help["integration_types"], json!([0, 1]));
    let option = &help["options"][0];
    assert_eq!(
        (option["type"].clone(), option["max_length"].clone()),
        (json!(3), json!(32))
    );
    assert!(option["description_localizations"]["fr"].is_string());

    let language = find(&global.json, "language").unwrap();
    assert_eq!(
        language["options"][0]["choices"],
        json!([{ "name": "en", "value": "en" }, { "name": "fr", "value": "fr" }])
    );
    let link = find(&global.json, "link").unwrap();
    assert_eq!(link["options"][0]["name"], "code");

    // Files are attachment options (type 11): /profile logo's image (in its subcommand, beside
    // `set`) and /import's file.
    let profile = find(&global.json, "profile").unwrap();
    let subcommands: Vec<&str> = profile["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["type"], 1, "{o}");
            o["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(subcommands, ["set", "logo"]);
    let image = &profile["options"][1]["options"][1];
    assert_eq!(
        (&image["name"], &image["type"]),
        (&json!("image"), &json!(11))
    );
    assert!(
        image["description_localizations"]["fr"].is_string(),
        "{image}"
    );
    let import = find(&global.json, "import").unwrap();
    let file = import["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "file")
        .unwrap();
    assert_eq!(file["type"], 11, "{file}");

    // Operator-only commands do not exist for everyone: only in the development server, hidden.
    assert!(find(&global.json, "ops").is_none());
    let ops = find(&guild.json, "ops").unwrap();
    assert_eq!(ops["default_member_permissions"], "0");
    assert_eq!(ops["options"][0]["type"], 1, "subcommand: {ops}");
    assert_eq!(ops["options"][0]["name"], "jobs");
    assert_eq!(
        ops["options"][0]["options"][0]["choices"][0]["value"],
        "failed"
    );
}

#[tokio::test]
async fn register_commands_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(dir.path(), &[("DISCORD_BOT_TOKEN", "t")]);
    let e = creatorpilot::platforms::discord::register_commands(&s)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("DISCORD_APPLICATION_ID"), "{e}");
}

async fn notifier_harness() -> Harness {
    Harness::start(&[("DISCORD_BOT_TOKEN", "fake-token")]).await
}

fn to_channel(id: &str) -> Destination {
    Destination {
        platform: Platform::Discord,
        chat_id: id.to_owned(),
    }
}

#[tokio::test]
async fn a_429_is_waited_out_and_an_empty_bucket_waits_for_its_reset() {
    let h = notifier_harness().await;
    h.fake.script(Scripted {
        path_part: "/channels/701/messages".into(),
        status: 429,
        headers: vec![("retry-after", "1".into())],
        body: json!({ "message": "You are being rate limited.", "retry_after": 0.4, "global": false }),
    });
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("701"), Reply::text("Your digest"))
            .await;
    assert_eq!(outcome, SendOutcome::Delivered);
    let posts: Vec<_> = h
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v10/channels/701/messages")
        .collect();
    assert_eq!(posts.len(), 2, "refused once, then delivered");
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
    assert!(
        waited < Duration::from_millis(1000),
        "retry_after from the body wins: {waited:?}"
    );

    // A success that empties the bucket: the next call on that route waits for the reset.
    h.fake.script(Scripted {
        path_part: "/channels/702/messages".into(),
        status: 200,
        headers: vec![
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset-after", "0.5".into()),
            ("x-ratelimit-bucket", "abc".into()),
        ],
        body: json!({ "id": "1" }),
    });
    for _ in 0..2 {
        let outcome =
            h.t.app
                .notifiers
                .send(&h.t.db.pool, &to_channel("702"), Reply::text("hi"))
                .await;
        assert_eq!(outcome, SendOutcome::Delivered);
    }
    let posts: Vec<_> = h
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v10/channels/702/messages")
        .collect();
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
}

#[tokio::test]
async fn missing_access_marks_the_destination_unreachable_and_5xx_is_refused() {
    let h = notifier_harness().await;
    h.fake.script(Scripted {
        path_part: "/channels/703/messages".into(),
        status: 403,
        headers: vec![],
        body: json!({ "message": "Missing Access", "code": 50001 }),
    });
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("703"), Reply::text("x"))
            .await;
    assert_eq!(outcome, SendOutcome::Unreachable);
    h.fake.script(Scripted {
        path_part: "/channels/704/messages".into(),
        status: 502,
        headers: vec![],
        body: json!({ "message": "Bad Gateway" }),
    });
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("704"), Reply::text("x"))
            .await;
    assert!(
        matches!(outcome, SendOutcome::Refused { .. }),
        "{outcome:?}"
    );
    // Long text splits into messages under 2,000 characters.
    let long = "word ".repeat(900);
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("705"), Reply::text(long))
            .await;
    assert_eq!(outcome, SendOutcome::Delivered);
    let parts: Vec<_> = h
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v10/channels/705/messages")
        .collect();
    assert_eq!(parts.len(), 3);
    assert!(
        parts
            .iter()
            .all(|p| p.json["content"].as_str().unwrap().chars().count() <= 2000)
    );
}

#[tokio::test]
async fn start_up_registers_commands_only_when_the_manifests_changed() {
    let h = Harness::start(&[
        ("DISCORD_BOT_TOKEN", "fake-token"),
        ("DISCORD_APPLICATION_ID", APP_ID),
        ("DISCORD_GUILD_ID", "600"),
    ])
    .await;
    let global_path = format!("/api/v10/applications/{APP_ID}/commands");
    let is_put = |r: &crate::discord::fake::Recorded| r.method == "PUT";
    // The first start registers both scopes and remembers what it sent.
    h.fake
        .wait_for_count("start-up registrations", 2, Duration::from_secs(5), is_put)
        .await;
    let mut stored = 0;
    for _ in 0..500 {
        stored = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM discord_registrations")
            .fetch_one(&h.t.db.pool)
            .await
            .unwrap();
        if stored == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(stored, 2);

    // A restart with the same manifests sends nothing.
    let rest = creatorpilot::platforms::discord::rest::Rest::new(
        &h.t.app.settings.discord.api_url,
        h.t.app.settings.discord.bot_token.clone(),
    )
    .unwrap();
    let app_id: u64 = APP_ID.parse().unwrap();
    let again =
        creatorpilot::platforms::discord::register_if_changed(&h.t.app, &rest, app_id, Some(600))
            .await
            .unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(h.fake.requests_matching(is_put).len(), 2);

    // Manifests changed since the global registration (its stored hash no longer matches):
    // only that scope is sent again.
    sqlx::query("UPDATE discord_registrations SET payload_hash = 'older' WHERE scope = 'global'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let changed =
        creatorpilot::platforms::discord::register_if_changed(&h.t.app, &rest, app_id, Some(600))
            .await
            .unwrap();
    assert_eq!(changed, vec!["global".to_owned()]);
    let puts = h.fake.requests_matching(is_put);
    assert_eq!(puts.len(), 3);
    assert_eq!(puts[2].path, global_path);
    assert!(find(&puts[2].json, "help").is_some());
}

/// `/metrics` after sends through the fake: a 429 and a 503 counted against Discord by status,
/// and the messages Discord accepted counted as sent.
#[tokio::test]
async fn metrics_count_discord_429s_errors_and_sends() {
    use crate::web::{scrape, series};
    let h = notifier_harness().await;
    // Process-wide counters (other tests add to them too): compare before and after.
    let throttled = r#"creatorpilot_external_api_errors_total{provider="discord",status="429"}"#;
    let unavailable = r#"creatorpilot_external_api_errors_total{provider="discord",status="503"}"#;
    let sent = r#"creatorpilot_messages_sent_total{platform="discord"}"#;
    let before = scrape(&h.t.app).await;
    h.fake.script(Scripted {
        path_part: "/channels/801/messages".into(),
        status: 429,
        headers: vec![("retry-after", "0.1".into())],
        body: json!({ "message": "You are being rate limited.", "retry_after": 0.1, "global": false }),
    });
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("801"), Reply::text("a"))
            .await;
    assert_eq!(outcome, SendOutcome::Delivered);
    h.fake.script(Scripted {
        path_part: "/channels/802/messages".into(),
        status: 503,
        headers: vec![],
        body: json!({ "message": "Service Unavailable" }),
    });
    let outcome =
        h.t.app
            .notifiers
            .send(&h.t.db.pool, &to_channel("802"), Reply::text("b"))
            .await;
    assert!(
        matches!(outcome, SendOutcome::Refused { .. }),
        "{outcome:?}"
    );
    let after = scrape(&h.t.app).await;
    assert!(
        series(&after, throttled) >= series(&before, throttled) + 1.0,
        "{after}"
    );
    assert!(
        series(&after, unavailable) >= series(&before, unavailable) + 1.0,
        "{after}"
    );
    assert!(
        series(&after, sent) >= series(&before, sent) + 1.0,
        "{after}"
    );
    // Channel ids never become label values.
    assert!(!after.contains("801") && !after.contains("802"), "{after}");
}
