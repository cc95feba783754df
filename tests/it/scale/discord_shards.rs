//! Discord across instances: each instance's gateway identifies with the shards that
//! `DISCORD_SHARDS` gives it, and a signed HTTP interaction may reach any instance (a button made
//! by one is pressed on another).

use std::time::Duration;

use creatorpilot::platforms::{self, Mode};
use serde_json::{Value, json};

use super::{Instance, eventually};
use crate::discord::Harness;
use crate::discord::fake::{self, FakeDiscord};
use crate::support::*;

/// An instance running the Discord gateway, with `DISCORD_SHARDS` when `shards` is given.
async fn gateway_instance(fake: &FakeDiscord, db: &TestDb, shards: Option<&str>) -> Instance {
    let mut env = vec![
        ("DISCORD_BOT_TOKEN", "fake-token"),
        ("DISCORD_API_URL", fake.url.as_str()),
    ];
    env.extend(shards.map(|shards| ("DISCORD_SHARDS", shards)));
    let mut instance = Instance::new(db, &env).await;
    platforms::discord::start(
        &instance.app,
        Mode::Full,
        &instance.stop,
        &mut instance.tasks,
    )
    .await;
    instance
}

#[tokio::test]
async fn two_instances_identify_with_the_shards_each_is_given() {
    let fake = FakeDiscord::start().await;
    let db = fresh_db().await;
    let first = gateway_instance(&fake, &db, Some("0..1/3")).await;
    let second = gateway_instance(&fake, &db, Some("2..2/3")).await;
    eventually("three shards identify", async || {
        fake.identified_shards().len() >= 3
    })
    .await;
    // Any late or repeated IDENTIFY would show here.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut shards = fake.identified_shards();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, vec![json!([0, 3]), json!([1, 3]), json!([2, 3])]);
    first.stop().await;
    second.stop().await;
}

#[tokio::test]
async fn without_discord_shards_an_instance_runs_shard_zero_of_one() {
    let fake = FakeDiscord::start().await;
    let db = fresh_db().await;
    let instance = gateway_instance(&fake, &db, None).await;
    eventually("the gateway identifies", async || fake.identify().is_some()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shards = fake.identified_shards();
    assert_eq!(shards.len(), 1, "{shards:?}");
    assert!(
        shards[0].is_null() || shards[0] == json!([0, 1]),
        "{shards:?}"
    );
    instance.stop().await;
}

#[tokio::test]
async fn a_button_made_by_one_instance_is_pressed_on_another() {
    let h = Harness::start(&[]).await;
    let key = h.signer.public_hex();
    let env = [
        ("DISCORD_PUBLIC_KEY", key.as_str()),
        ("DISCORD_API_URL", h.fake.url.as_str()),
    ];
    let mut other = Instance::new(&h.t.db, &env).await;
    let handler = platforms::discord::start(&other.app, Mode::Full, &other.stop, &mut other.tasks)
        .await
        .expect("a public key serves HTTP interactions");
    let post_to_other = async |interaction: &Value| -> Value {
        let body = interaction.to_string();
        let timestamp = "1764072000";
        let mut headers = http::HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        let signature = h.signer.sign(timestamp, body.as_bytes());
        headers.insert("x-signature-ed25519", signature.parse().unwrap());
        headers.insert("x-signature-timestamp", timestamp.parse().unwrap());
        let answer = handler.handle(&headers, body.into()).await;
        assert_eq!(answer.status, 200);
        serde_json::from_slice(&answer.body).unwrap()
    };

    let (_, asked) = h
        .post(&fake::command("forget", json!([]), "42", "fr"))
        .await;
    let cancel = asked["data"]["components"][0]["components"][1]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pressed = post_to_other(&fake::button(&cancel, "42", "fr", true)).await;
    assert_eq!(
        pressed["data"]["content"], "Rien n'a été effacé.",
        "{pressed}"
    );
    // Single use across instances too.
    let (_, again) = h.post(&fake::button(&cancel, "42", "fr", true)).await;
    assert_eq!(
        again["data"]["content"],
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::Fr, "button-already-used")
    );
    other.stop().await;
}
