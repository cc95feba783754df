//! Interactions end to end: signed HTTP (good, bad and missing signatures, PING), the gateway,
//! buttons, modals, deferral of slow commands, and the creator's language from the interaction.

use creatorpilot::bot::Platform;
use serde_json::json;

use crate::discord::Harness;
use crate::discord::fake::{self, APP_ID};
use crate::support::accept_policy;

fn content(answer: &serde_json::Value) -> String {
    answer["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn signatures_are_checked_and_ping_gets_pong() {
    let h = Harness::start(&[]).await;
    let ping =
        json!({ "id": "1", "application_id": APP_ID, "type": 1, "token": "t", "version": 1 });
    assert_eq!(h.post(&ping).await, (200, json!({ "type": 1 })));

    let body = ping.to_string();
    let (status, _) = h.post_raw(body.clone(), None).await;
    assert_eq!(status, 401, "missing signature");
    let forged = h.signer.sign("1764072000", b"another body");
    let (status, _) = h
        .post_raw(body.clone(), Some((&forged, "1764072000")))
        .await;
    assert_eq!(status, 401, "signature of another body");
    let (status, _) = h.post_raw(body, Some(("zz", "1764072000"))).await;
    assert_eq!(status, 401, "garbage signature");
}

#[tokio::test]
async fn a_slash_command_over_http_answers_in_the_interactions_language() {
    let h = Harness::start(&[]).await;
    let (status, answer) = h
        .post(&fake::command("help", json!([]), "42", "en-US"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["type"], 4, "{answer}");
    let text = content(&answer);
    assert!(text.contains("/link"), "{text}");
    assert!(text.contains("/export"), "{text}");

    // A French Discord client gets French, with typed options mapped onto arguments.
    let (_, answer) = h
        .post(&fake::command(
            "help",
            json!([{ "name": "command", "type": 3, "value": "link" }]),
            "43",
            "fr",
        ))
        .await;
    let text = content(&answer);
    assert!(
        text.contains("Relier votre Discord et votre Telegram"),
        "{text}"
    );

    // A choice option (/language code:fr) changes the saved language.
    let (_, answer) = h
        .post(&fake::command(
            "language",
            json!([{ "name": "code", "type": 3, "value": "fr" }]),
            "42",
            "en-US",
        ))
        .await;
    assert_eq!(
        content(&answer),
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::Fr, "language-set")
    );
}

#[tokio::test]
async fn private_replies_are_ephemeral_and_buttons_work() {
    let h = Harness::start(&[]).await;
    let (_, answer) = h
        .post(&fake::command("forget", json!([]), "42", "fr"))
        .await;
    assert_eq!(answer["data"]["flags"], 64, "/forget is private: {answer}");
    let row = &answer["data"]["components"][0]["components"];
    assert_eq!(row.as_array().unwrap().len(), 2, "{answer}");
    assert_eq!(row[0]["style"], 1, "the confirming action is primary");
    let cancel = row[1]["custom_id"].as_str().unwrap();
    assert_eq!(cancel.len(), 22);

    let (_, pressed) = h.post(&fake::button(cancel, "42", "fr", true)).await;
    assert_eq!(pressed["type"], 4);
    assert_eq!(content(&pressed), "Rien n'a été effacé.");
    // One-shot: a second press is refused politely.
    let (_, again) = h.post(&fake::button(cancel, "42", "fr", true)).await;
    assert_eq!(
        content(&again),
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::Fr, "button-already-used")
    );
    // Someone else in that channel cannot press it.
    let (_, other) = h.post(&fake::button(cancel, "77", "en-US", true)).await;
    assert_eq!(
        content(&other),
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::En, "button-invalid")
    );
}

#[tokio::test]
async fn a_question_after_a_message_opens_a_modal_through_a_button() {
    let h = Harness::start(&[]).await;
    let (_, answer) = h
        .post(&fake::command("start", json!([]), "42", "en-US"))
        .await;
    assert_eq!(answer["type"], 4);
    assert!(content(&answer).starts_with("Welcome"), "{answer}");
    // A new account accepts the privacy policy first: Accept (primary), then "Read the policy".
    let buttons = &answer["data"]["components"][0]["components"];
    assert_eq!(buttons[0]["label"], "Accept", "{answer}");
    assert_eq!(buttons[0]["style"], 1, "{answer}");
    assert_eq!(buttons[1]["label"], "Read the policy", "{answer}");
    let (_, accepted) = h
        .post(&fake::button(
            buttons[0]["custom_id"].as_str().unwrap(),
            "42",
            "en-US",
            true,
        ))
        .await;
    assert!(
        content(&accepted).starts_with("Thank you: you accepted the privacy policy"),
        "{accepted}"
    );

    // Then the onboarding goes on. The modal cannot follow a message: a follow-up carries an
    // "Answer" button.
    let follow_up = h
        .fake
        .wait_for("follow-up", |r| {
            r.method == "POST"
                && r.path == format!("/api/v10/webhooks/{APP_ID}/interaction-token")
                && r.json["content"] == "What should I call you?"
        })
        .await;
    assert_eq!(follow_up.query, "wait=true");
    assert_eq!(follow_up.json["content"], "What should I call you?");
    let button = &follow_up.json["components"][0]["components"][0];
    assert_eq!(button["label"], "Answer");

    let (_, modal) = h
        .post(&fake::button(
            button["custom_id"].as_str().unwrap(),
            "42",
            "en-US",
            false,
        ))
        .await;
    assert_eq!(modal["type"], 9, "{modal}");
    assert_eq!(modal["data"]["title"], "What should I call you?");
    let input = &modal["data"]["components"][0]["components"][0];
    assert_eq!(input["type"], 4);
    assert_eq!(input["required"], true);

    let (_, saved) = h.post(&fake::modal_submit(&["Alex"], "42", "en-US")).await;
    assert_eq!(
        content(&saved),
        "Nice to meet you, Alex! Send /help whenever you need me."
    );
    // A late second submission finds no question.
    let (_, late) = h.post(&fake::modal_submit(&["Bob"], "42", "en-US")).await;
    assert_eq!(
        content(&late),
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::En, "question-expired")
    );
}

#[tokio::test]
async fn a_slow_command_is_deferred_then_its_answer_edits_the_original() {
    let h = Harness::start(&[]).await;
    let (_, answer) = h
        .post(&fake::command("export", json!([]), "42", "en-US"))
        .await;
    assert_eq!(answer, json!({ "type": 5, "data": { "flags": 64 } }));
    let edit = h
        .fake
        .wait_for("edit of the deferred answer", |r| {
            r.method == "PATCH"
                && r.path
                    == format!("/api/v10/webhooks/{APP_ID}/interaction-token/messages/@original")
        })
        .await;
    assert_eq!(edit.files.len(), 1, "{edit:?}");
    assert!(edit.files[0].ends_with(".json"), "{edit:?}");
    assert_eq!(edit.json["attachments"][0]["filename"], edit.files[0]);
}

#[tokio::test]
async fn the_gateway_carries_the_same_commands_without_privileged_intents() {
    let h = Harness::start(&[("DISCORD_BOT_TOKEN", "fake-token")]).await;
    for _ in 0..500 {
        if h.fake.identify().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let identify = h.fake.identify().expect("serenity identified");
    assert!(identify["token"].as_str().unwrap().ends_with("fake-token"));
    let intents = identify["intents"].as_u64().unwrap();
    let privileged = (1 << 1) | (1 << 8) | (1 << 15);
    assert_eq!(intents & privileged, 0, "no privileged intent: {intents}");
    // Give serenity a moment to finish READY before the interaction arrives.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // In a server, by a member who may manage it: /help answers through the callback route.
    h.fake
        .dispatch_interaction(fake::guild_command("help", "42", "32"));
    let callback = h
        .fake
        .wait_for("interaction callback", |r| {
            r.path == "/api/v10/interactions/800000000000000001/interaction-token/callback"
        })
        .await;
    assert_eq!(callback.json["type"], 4);
    assert!(
        callback.json["data"]["content"]
            .as_str()
            .unwrap()
            .contains("/plan"),
        "{:?}",
        callback.json
    );
}

#[tokio::test]
async fn deal_add_is_a_modal_then_continue_buttons_open_the_next_pages() {
    let h = Harness::start(&[]).await;
    accept_policy(&h.t.db.pool, Platform::Discord, "43").await;
    accept_policy(&h.t.db.pool, Platform::Discord, "42").await;
    let add = json!([{ "name": "add", "type": 1, "options": [] }]);
    let (_, first) = h.post(&fake::command("deal", add, "42", "en-US")).await;
    assert_eq!(first["type"], 9, "{first}");
    assert_eq!(first["data"]["title"], "A new brand deal (1/3)");
    let inputs = first["data"]["components"].as_array().unwrap();
    assert_eq!(inputs.len(), 5, "{first}");

    // Page 1 submitted: the answer is a message whose Continue button opens page 2.
    let page1 = ["Nord", "1500.00", "", "integration", ""];
    let (_, next) = h.post(&fake::modal_submit(&page1, "42", "en-US")).await;
    assert_eq!(next["type"], 4, "a modal cannot follow a modal: {next}");
    assert_eq!(content(&next), "A new brand deal (2/3)");
    let button = &next["data"]["components"][0]["components"][0];
    assert_eq!(button["label"], "Continue");
    let (_, modal2) = h
        .post(&fake::button(
            button["custom_id"].as_str().unwrap(),
            "42",
            "en-US",
            true,
        ))
        .await;
    assert_eq!(modal2["type"], 9, "{modal2}");
    let labels: Vec<&str> = modal2["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["components"][0]["label"].as_str().unwrap())
        .collect();
    assert!(labels[0].starts_with("Brand's legal name"), "{labels:?}");
    assert_eq!(labels.len(), 5);

    let page2 = [
        "Nord SAS",
        "1 rue de la Paix, 75002 Paris",
        "732829320",
        "",
        "billing@nord.example",
    ];
    let (_, next) = h.post(&fake::modal_submit(&page2, "42", "en-US")).await;
    assert_eq!(content(&next), "A new brand deal (3/3)");
    let button = &next["data"]["components"][0]["components"][0];
    let (_, modal3) = h
        .post(&fake::button(
            button["custom_id"].as_str().unwrap(),
            "42",
            "en-US",
            true,
        ))
        .await;
    assert_eq!(modal3["type"], 9, "{modal3}");
    // Submitting page 2 again (an old modal) is refused, nothing doubles.
    let (_, stale) = h.post(&fake::modal_submit(&page2, "42", "en-US")).await;
    assert_eq!(
        content(&stale),
        h.t.app
            .i18n
            .tr(creatorpilot::i18n::Locale::En, "question-expired")
    );
    let (_, saved) = h
        .post(&fake::modal_submit(&["Two videos"], "42", "en-US"))
        .await;
    assert!(content(&saved).contains("Nord SAS"), "{saved}");

    let (brand, buyer, siren, email, notes, deliverable): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT brand, buyer_name, buyer_siren, buyer_email, notes, deliverable FROM partnerships",
    )
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        (brand.as_str(), buyer.as_str(), siren.as_str()),
        ("Nord", "Nord SAS", "732829320")
    );
    assert_eq!(email, "billing@nord.example");
    assert_eq!(notes, "Two videos");
    assert_eq!(deliverable, "integration");

    // A bad SIREN on page 2 is refused at the end with the sentence, and nothing is stored.
    let add = json!([{ "name": "add", "type": 1, "options": [] }]);
    h.post(&fake::command("deal", add, "43", "fr")).await;
    h.post(&fake::modal_submit(&page1, "43", "fr")).await;
    let bad = ["Nord SAS", "", "123456789", "", ""];
    let (_, next) = h.post(&fake::modal_submit(&bad, "43", "fr")).await;
    assert_eq!(content(&next), "Un nouveau partenariat (3/3)", "{next}");
    let (_, refused) = h.post(&fake::modal_submit(&[""], "43", "fr")).await;
    let expected = h.t.app.i18n.render(
        creatorpilot::i18n::Locale::Fr,
        &creatorpilot::i18n::msg("profile-invalid-siret").arg("value", "123456789"),
    );
    assert_eq!(content(&refused), expected);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM partnerships")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

/// The `image` option of `/profile logo` as Discord sends it: a subcommand with an attachment.
fn logo_command(attachment: &serde_json::Value) -> serde_json::Value {
    let id = attachment["id"].as_str().unwrap();
    fake::command_with_files(
        "profile",
        json!([{ "type": 1, "name": "logo", "options": [
            { "type": 11, "name": "image", "value": id }
        ] }]),
        std::slice::from_ref(attachment),
        "42",
        "en-US",
    )
}

async fn stored_logo(h: &Harness) -> Option<Vec<u8>> {
    sqlx::query_scalar("SELECT logo_png FROM business_profiles")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_attached_png_becomes_the_logo_and_other_hosts_are_never_fetched() {
    let h = Harness::start(&[]).await;
    accept_policy(&h.t.db.pool, Platform::Discord, "42").await;
    let en = creatorpilot::i18n::Locale::En;
    crate::engine::send_on(
        &h.t,
        creatorpilot::bot::Platform::Discord,
        "42",
        "710",
        creatorpilot::bot::Input::Line(crate::invoices::FR_PROFILE.into()),
    )
    .await;
    let edit_of_original = |r: &fake::Recorded| {
        r.method == "PATCH"
            && r.path == format!("/api/v10/webhooks/{APP_ID}/interaction-token/messages/@original")
    };

    let logo = crate::logo::png(64, 64);
    let attachment = h
        .fake
        .add_attachment("1300", "logo.png", "image/png", logo.clone());
    let (_, answer) = h.post(&logo_command(&attachment)).await;
    assert_eq!(
        answer,
        json!({ "type": 5, "data": { "flags": 64 } }),
        "deferred while downloading"
    );
    let edit = h.fake.wait_for("the logo saved", edit_of_original).await;
    let saved = h.t.app.i18n.render(
        en,
        &creatorpilot::i18n::msg("profile-logo-saved")
            .arg("width", 64_i64)
            .arg("height", 64_i64)
            .arg("remove", "/profile logo path:remove"),
    );
    assert_eq!(edit.json["content"], saved, "{edit:?}");
    assert_eq!(stored_logo(&h).await, Some(logo.clone()));

    // An attachment URL elsewhere (the fake's own address on another port), and one on the
    // fake that redirects there: both refused without a single connection to it.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = elsewhere.local_addr().unwrap().port();
    let mut forged =
        h.fake
            .add_attachment("1301", "other.png", "image/png", crate::logo::png(32, 32));
    forged["url"] = json!(format!("http://127.0.0.1:{port}/other.png"));
    let redirected =
        h.fake
            .add_attachment("1302", "moved.png", "image/png", crate::logo::png(32, 32));
    h.fake.script(fake::Scripted {
        path_part: "/attachments/1302/".into(),
        status: 302,
        headers: vec![("location", format!("http://127.0.0.1:{port}/moved.png"))],
        body: json!(null),
    });
    for (n, attachment) in [forged, redirected].iter().enumerate() {
        let (_, answer) = h.post(&logo_command(attachment)).await;
        assert_eq!(answer["type"], 5);
        let refusal = h
            .fake
            .wait_for_count(
                "the refusal",
                2 + n,
                std::time::Duration::from_secs(10),
                edit_of_original,
            )
            .await
            .pop()
            .unwrap();
        assert_eq!(
            refusal.json["content"],
            h.t.app.i18n.tr(en, "discord-file-failed"),
            "{refusal:?}"
        );
    }
    assert_eq!(
        h.fake
            .requests_matching(|r| r.path.starts_with("/attachments/1302/"))
            .len(),
        1,
        "the redirecting URL was asked once"
    );
    let connected =
        tokio::time::timeout(std::time::Duration::from_millis(300), elsewhere.accept()).await;
    assert!(connected.is_err(), "a URL off Discord was fetched");
    assert_eq!(stored_logo(&h).await, Some(logo), "the logo is unchanged");
}

/// `/import file:` on Discord: the attached CSV is downloaded from the CDN (the fake) and
/// imported with the `platform` option, as a document sent on Telegram would be.
#[tokio::test]
async fn an_attached_csv_is_imported() {
    let h = Harness::start(&[]).await;
    accept_policy(&h.t.db.pool, Platform::Discord, "42").await;
    let csv = "date,views,likes\n2026-01-01,100,5\n2026-01-02,120,7\n";
    let attachment =
        h.fake
            .add_attachment("1400", "numbers.csv", "text/csv", csv.as_bytes().to_vec());
    let command = fake::command_with_files(
        "import",
        json!([
            { "type": 11, "name": "file", "value": "1400" },
            { "type": 3, "name": "platform", "value": "youtube" },
        ]),
        std::slice::from_ref(&attachment),
        "42",
        "en-US",
    );
    let (_, answer) = h.post(&command).await;
    assert_eq!(answer["type"], 5, "deferred while downloading: {answer}");
    let done = h
        .fake
        .wait_for("the import's answer", |r| {
            r.method == "PATCH"
                && r.path
                    == format!("/api/v10/webhooks/{APP_ID}/interaction-token/messages/@original")
        })
        .await;
    let expected = h.t.app.i18n.render(
        creatorpilot::i18n::Locale::En,
        &creatorpilot::i18n::msg("import-done")
            .arg("days", 2_usize)
            .arg("platforms", "YouTube"),
    );
    assert_eq!(done.json["content"], expected, "{done:?}");
    let views: Vec<i64> = sqlx::query_scalar("SELECT views FROM analytics ORDER BY day")
        .fetch_all(&h.t.db.pool)
        .await
        .unwrap();
    assert_eq!(views, [100, 120]);
}

/// `/profile set` (Discord requires a subcommand) keeps what `/profile` did: the form the first
/// time, then the saved identity, which says whether a logo is set.
#[tokio::test]
async fn profile_set_asks_then_shows_the_identity_and_its_logo() {
    let h = Harness::start(&[]).await;
    accept_policy(&h.t.db.pool, Platform::Discord, "42").await;
    let en = creatorpilot::i18n::Locale::En;
    let set = || {
        fake::command(
            "profile",
            json!([{ "type": 1, "name": "set", "options": [] }]),
            "42",
            "en-US",
        )
    };
    let (_, form) = h.post(&set()).await;
    assert_eq!(form["type"], 9, "a modal: {form}");
    assert_eq!(
        form["data"]["title"],
        h.t.app.i18n.tr(en, "profile-form-title")
    );

    crate::engine::send_on(
        &h.t,
        creatorpilot::bot::Platform::Discord,
        "42",
        "710",
        creatorpilot::bot::Input::Line(crate::invoices::FR_PROFILE.into()),
    )
    .await;
    let (_, shown) = h.post(&set()).await;
    let text = content(&shown);
    assert!(text.contains("Alex Martin EI"), "{text}");
    assert!(
        text.contains(&h.t.app.i18n.tr(en, "profile-logo-unset")),
        "{text}"
    );
    let attachment =
        h.fake
            .add_attachment("1500", "logo.png", "image/png", crate::logo::png(64, 32));
    h.post(&logo_command(&attachment)).await;
    h.fake
        .wait_for("the logo saved", |r| {
            r.method == "PATCH" && r.path.ends_with("/interaction-token/messages/@original")
        })
        .await;
    let (_, shown) = h.post(&set()).await;
    assert!(
        content(&shown).contains(&h.t.app.i18n.tr(en, "profile-logo-set")),
        "{shown}"
    );
}
