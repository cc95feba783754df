//! `/idea` through the engine: the backlog of saved ideas (list, show, status, edit, delete) in
//! English and French, bad input, the delete confirmation, numbers never reused, the "is this
//! the video?" suggestion for a published idea and its results once linked; saving, export and
//! account linking at the domain level.

use chrono::{Duration, Utc};
use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::domain::accounts;
use creatorpilot::domain::channels::Provider;
use creatorpilot::domain::ideas::{self, Expansion, IdeaError, NewIdea, Origin};
use creatorpilot::i18n::{Locale, msg};
use uuid::Uuid;

use crate::channels::{count, say};
use crate::engine::{labels, only_reply, press};
use crate::support::*;

async fn account(t: &TestApp, user: &str) -> AccountId {
    account_on(t, Platform::Telegram, user).await
}

/// A creator who accepted the privacy policy.
async fn account_on(t: &TestApp, platform: Platform, user: &str) -> AccountId {
    accept_policy(&t.db.pool, platform, user).await
}

/// Deletes an idea behind the engine's back (as `/idea delete` would).
async fn drop_idea(t: &TestApp, account: AccountId, number: i64) {
    sqlx::query("DELETE FROM ai_ideas WHERE user_id = $1 AND number = $2")
        .bind(account.0)
        .bind(number)
        .execute(&t.db.pool)
        .await
        .unwrap();
}

fn idea(title: &str) -> NewIdea {
    NewIdea {
        platform: None,
        niche: None,
        title: title.into(),
        description: None,
        hook: None,
        duration_seconds: None,
        origin: Origin::Ai,
        expansion: None,
    }
}

async fn save(t: &TestApp, account: AccountId, new: NewIdea) -> i64 {
    ideas::save(&t.db.pool, account, new).await.unwrap().number
}

fn en(t: &TestApp, m: creatorpilot::i18n::Msg) -> String {
    t.app.i18n.render(Locale::En, &m)
}

#[tokio::test]
async fn the_backlog_lists_shows_changes_and_edits_ideas_in_english_and_french() {
    let t = app().await;
    let r = say(&t, "1", "/idea").await;
    assert_eq!(
        r.texts(),
        vec![t.app.i18n.tr(Locale::En, "idea-list-empty")]
    );
    let alex = account(&t, "1").await;
    let first = ideas::save(
        &t.db.pool,
        alex,
        NewIdea {
            platform: Some(Provider::YouTube),
            niche: Some("cooking".into()),
            title: "Crêpes for 2 €".into(),
            description: Some("Three recipes, one pan.".into()),
            hook: Some("You've been wasting eggs.".into()),
            duration_seconds: Some(45),
            ..idea("")
        },
    )
    .await
    .unwrap();
    assert_eq!(first.number, 1);
    assert_eq!(first.origin, "ai");
    save(
        &t,
        alex,
        NewIdea {
            platform: Some(Provider::TikTok),
            duration_seconds: Some(480),
            ..idea("Knife skills in 60 seconds")
        },
    )
    .await;
    let expansion = serde_json::to_value(Expansion {
        hook: Some("Stop buying crêpes.".into()),
        script: Some("Two euros, three recipes: watch.".into()),
        title_a: Some("Crêpes for 2 €".into()),
        title_b: Some("The 2 € crêpe challenge".into()),
    })
    .unwrap();
    assert!(
        ideas::set_expansion(&t.db.pool, alex, first.id, &expansion)
            .await
            .unwrap()
    );

    // Newest first, one compact line each.
    let r = say(&t, "1", "/idea list").await;
    assert_eq!(
        r.texts(),
        vec![
            "2 ideas, newest first:\n\
             #2 · Knife skills in 60 seconds · saved · TikTok\n\
             #1 · Crêpes for 2 € · saved · YouTube"
                .to_owned()
        ]
    );
    let shown = say(&t, "1", "/idea show 1").await.texts().join("\n");
    for expected in [
        "#1 · Crêpes for 2 €",
        "Hook: You've been wasting eggs.",
        "Three recipes, one pan.",
        "Status: saved · Platform: YouTube",
        "Suggested length: 45\u{a0}s",
        "Niche: cooking",
        "• Opening (30 seconds): Two euros, three recipes: watch.",
        "• Titles to A/B test: «Crêpes for 2 €» / «The 2 € crêpe challenge»",
    ] {
        assert!(shown.contains(expected), "{expected:?} missing in {shown}");
    }

    let r = say(&t, "1", "/idea status 2 in_progress").await;
    assert_eq!(r.texts(), vec!["Idea #2 is now in progress.".to_owned()]);
    let r = say(&t, "1", "/idea list in_progress").await;
    assert_eq!(
        r.texts(),
        vec!["One idea:\n#2 · Knife skills in 60 seconds · in progress · TikTok".to_owned()]
    );
    let r = say(&t, "1", "/idea list published").await;
    assert_eq!(
        r.texts(),
        vec!["No ideas are published. /idea list shows them all.".to_owned()]
    );

    let r = say(
        &t,
        "1",
        r#"/idea edit 2 title="Knife skills, 60 s" hook="Hold it like this.""#,
    )
    .await;
    let text = r.texts().join("\n");
    assert!(text.starts_with("Idea #2 updated."), "{text}");
    assert!(
        text.contains("#2 · Knife skills, 60 s\nHook: Hold it like this."),
        "{text}"
    );
    // `-` removes the hook; the title stays.
    say(&t, "1", "/idea edit 2 hook=-").await;
    let saved = ideas::get_by_number(&t.db.pool, alex, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.title.as_str(), saved.hook),
        ("Knife skills, 60 s", None)
    );

    // French: statuses, labels, the duration.
    say(&t, "1", "/language fr").await;
    let r = say(&t, "1", "/idea list").await;
    assert_eq!(
        r.texts(),
        vec![
            "2 idées, les plus récentes d'abord :\n\
             #2 · Knife skills, 60 s · en cours · TikTok\n\
             #1 · Crêpes for 2 € · enregistrée · YouTube"
                .to_owned()
        ]
    );
    let shown = say(&t, "1", "/idea show 2").await.texts().join("\n");
    assert!(
        shown.contains("Statut : en cours · Plateforme : TikTok"),
        "{shown}"
    );
    assert!(shown.contains("Durée conseillée : 8\u{a0}min"), "{shown}");
    let r = say(&t, "1", "/idea status 1 published").await;
    assert!(
        r.texts()[0].starts_with("L'idée n° 1 est maintenant publiée."),
        "{:?}",
        r.texts()
    );
    let r = say(&t, "1", "/idea edit 1 description=\"Trois recettes.\"").await;
    assert!(
        r.texts()[0].starts_with("Idée n° 1 modifiée."),
        "{:?}",
        r.texts()
    );
}

#[tokio::test]
async fn a_long_backlog_shows_the_newest_fifty_and_says_how_many_more() {
    let t = app().await;
    let alex = account(&t, "1").await;
    for n in 1..=52 {
        save(&t, alex, idea(&format!("Idea {n}"))).await;
    }
    let text = say(&t, "1", "/idea list").await.texts().join("\n");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 52, "heading, 50 ideas, the rest: {text}");
    assert_eq!(lines[0], "52 ideas, newest first:");
    assert_eq!(lines[1], "#52 · Idea 52 · saved · any platform");
    assert_eq!(lines[50], "#3 · Idea 3 · saved · any platform");
    assert_eq!(
        lines[51],
        "…and 2 older ones: narrow the list with /idea list saved, in_progress or published."
    );
}

#[tokio::test]
async fn bad_input_gets_a_sentence_saying_what_to_do() {
    let t = app().await;
    let alex = account(&t, "1").await;
    save(&t, alex, idea("Pasta at home")).await;
    let not_found = en(&t, msg("idea-not-found").arg("number", 7_i64));
    assert!(not_found.contains("/idea list"), "{not_found}");
    for line in [
        "/idea show 7",
        "/idea status 7 published",
        "/idea edit 7 title=x",
        "/idea delete 7",
    ] {
        assert_eq!(
            say(&t, "1", line).await.texts(),
            vec![not_found.clone()],
            "{line}"
        );
    }
    let statuses = "saved, in_progress, published";
    assert_eq!(
        say(&t, "1", "/idea status 1 done").await.texts(),
        vec![en(
            &t,
            msg("err-invalid-choice")
                .arg("option", "status")
                .arg("value", "done")
                .arg("choices", statuses)
        )]
    );
    assert_eq!(
        say(&t, "1", "/idea edit 1 color=red").await.texts(),
        vec![en(
            &t,
            msg("err-unknown-option")
                .arg("option", "color")
                .arg("command", "idea")
                .arg("options", "number, title, hook, description")
        )]
    );
    let long = "x".repeat(151);
    assert_eq!(
        say(&t, "1", &format!("/idea edit 1 title=\"{long}\""))
            .await
            .texts(),
        vec![en(
            &t,
            msg("err-too-long-value")
                .arg("option", "title")
                .arg("max", 150_usize)
        )]
    );
    assert_eq!(
        say(&t, "1", "/idea edit 1").await.texts(),
        vec![en(&t, msg("idea-edit-nothing").arg("number", 1_i64))]
    );
    assert_eq!(
        say(&t, "1", "/idea edit 1 title=\"  \"").await.texts(),
        vec![en(&t, msg("idea-field-empty").arg("field", "title"))]
    );
    // French, the same refusal.
    say(&t, "1", "/language fr").await;
    assert_eq!(
        say(&t, "1", "/idea show 7").await.texts(),
        vec!["Il n'y a pas d'idée n° 7. /idea list montre les numéros de vos idées.".to_owned()]
    );
    // Nothing changed.
    let saved = ideas::get_by_number(&t.db.pool, alex, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.title.as_str(), saved.status.as_str()),
        ("Pasta at home", "saved")
    );

    // What `/ideas` saves is checked too, and a refused idea takes no number.
    let too_long = ideas::save(
        &t.db.pool,
        alex,
        NewIdea {
            hook: Some("h".repeat(301)),
            ..idea("Fine title")
        },
    )
    .await;
    match too_long {
        Err(IdeaError::Invalid(m)) => assert_eq!(m.key, "idea-field-too-long"),
        other => panic!("{other:?}"),
    }
    let zero = ideas::save(
        &t.db.pool,
        alex,
        NewIdea {
            duration_seconds: Some(0),
            ..idea("Fine title")
        },
    )
    .await;
    assert!(matches!(zero, Err(IdeaError::Invalid(m)) if m.key == "idea-invalid-duration"));
    assert_eq!(save(&t, alex, idea("Next")).await, 2);
}

#[tokio::test]
async fn delete_asks_first_runs_once_and_numbers_are_never_reused() {
    let t = app().await;
    let alex = account(&t, "1").await;
    for title in ["One", "Two", "Three"] {
        save(&t, alex, idea(title)).await;
    }
    let asked = say(&t, "1", "/idea delete 2").await;
    let reply = only_reply(&asked);
    assert_eq!(
        reply.blocks,
        vec![
            "Delete idea #2 «Two»? This cannot be undone, and the number will not be used again."
                .to_owned()
        ]
    );
    assert_eq!(labels(&reply), vec!["Delete #2".to_owned()]);
    // Asking deleted nothing.
    assert_eq!(count(&t, "SELECT count(*) FROM ai_ideas").await, 3);
    let id = asked.last_action_ids()[0].clone();
    let done = press(&t, "1", &id).await;
    assert_eq!(done.texts(), vec!["Idea #2 deleted.".to_owned()]);
    let again = press(&t, "1", &id).await;
    assert_eq!(
        again.texts(),
        vec![t.app.i18n.tr(Locale::En, "button-already-used")]
    );
    assert_eq!(
        say(&t, "1", "/idea list").await.texts(),
        vec!["2 ideas, newest first:\n#3 · Three · saved · any platform\n#1 · One · saved · any platform".to_owned()]
    );
    // Deleting the newest does not give its number back either.
    let asked = say(&t, "1", "/idea delete 3").await;
    press(&t, "1", &asked.last_action_ids()[0]).await;
    assert_eq!(save(&t, alex, idea("Four")).await, 4);

    // A second confirmation for an idea deleted meanwhile says so; French labels.
    say(&t, "1", "/language fr").await;
    let first = say(&t, "1", "/idea delete 4").await;
    let second = say(&t, "1", "/idea delete 4").await;
    assert_eq!(
        labels(&only_reply(&second)),
        vec!["Supprimer le n° 4".to_owned()]
    );
    press(&t, "1", &first.last_action_ids()[0]).await;
    let late = press(&t, "1", &second.last_action_ids()[0]).await;
    assert_eq!(
        late.texts(),
        vec!["Cette idée a déjà été supprimée. /idea list montre les autres.".to_owned()]
    );
    // Someone else cannot press it.
    let other = say(&t, "1", "/idea delete 1").await;
    let intruder = press(&t, "2", &other.last_action_ids()[0]).await;
    assert_eq!(
        intruder.texts(),
        vec![t.app.i18n.tr(Locale::En, "button-invalid")]
    );
    assert_eq!(count(&t, "SELECT count(*) FROM ai_ideas").await, 1);
}

/// A YouTube connection with videos: (external id, title, days ago published, views).
async fn seed_videos(t: &TestApp, account: AccountId, videos: &[(&str, &str, i64, i64)]) -> Uuid {
    let platform: Uuid = sqlx::query_scalar(
        "INSERT INTO platforms (user_id, provider, source) VALUES ($1, 'youtube', 'manual')
         RETURNING id",
    )
    .bind(account.0)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    for (id, title, days_ago, views) in videos {
        sqlx::query(
            "INSERT INTO content (platform_id, external_id, title, published_at, views, likes,
                 comments)
             VALUES ($1, $2, $3, $4, $5, $5 / 40, $5 / 500)",
        )
        .bind(platform)
        .bind(id)
        .bind(title)
        .bind(Utc::now() - Duration::days(*days_ago))
        .bind(views)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    platform
}

async fn created_days_ago(t: &TestApp, account: AccountId, number: i64, days: i64) {
    sqlx::query("UPDATE ai_ideas SET created_at = $3 WHERE user_id = $1 AND number = $2")
        .bind(account.0)
        .bind(number)
        .bind(Utc::now() - Duration::days(days))
        .execute(&t.db.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_published_idea_is_offered_its_video_and_shows_its_results_once_linked() {
    let t = app().await;
    let alex = account(&t, "1").await;
    save(&t, alex, idea("Crêpes maison à 2 €")).await;
    save(&t, alex, idea("Sourdough without a scale")).await;
    created_days_ago(&t, alex, 1, 10).await;
    created_days_ago(&t, alex, 2, 10).await;
    let platform = seed_videos(
        &t,
        alex,
        &[
            // Before the idea was saved: not it.
            ("old", "Crêpes maison à 2 €", 20, 9_000),
            ("v1", "CREPES MAISON A 2€ (la vraie recette)", 3, 12_000),
            ("v2", "Mes crêpes maison pour 2 €", 2, 800),
            ("v3", "Knife skills", 1, 5_000),
        ],
    )
    .await;

    let r = say(&t, "1", "/idea status 1 published").await;
    let reply = only_reply(&r);
    assert_eq!(
        reply.blocks,
        vec![
            "Idea #1 is now published.".to_owned(),
            t.app.i18n.tr(Locale::En, "idea-link-ask"),
        ]
    );
    // Best first: 3 of 5 words in common, then 3 of 6; the older video and the other one are
    // not offered.
    assert_eq!(
        labels(&reply),
        vec![
            "Yes, it's «Mes crêpes maison pour 2 €»".to_owned(),
            "Yes, it's «CREPES MAISON A 2€ (la vraie recette)»".to_owned(),
        ]
    );
    // `/idea show` of a published idea not linked yet offers the same.
    let shown = say(&t, "1", "/idea show 1").await;
    assert_eq!(labels(&only_reply(&shown)).len(), 2);

    let linked = press(&t, "1", &r.last_action_ids()[1]).await;
    assert_eq!(
        linked.texts()[0],
        "Linked: idea #1 now shows its video's results.\nPublished as «CREPES MAISON A 2€ (la vraie recette)» on YouTube, "
            .to_owned()
            + &creatorpilot::format::long_date(
                (Utc::now() - Duration::days(3)).date_naive(),
                Locale::En
            )
            + ": 12,000 views · 300 likes · 24 comments"
    );
    let stored: (Option<Uuid>, Option<String>) = sqlx::query_as(
        "SELECT content_platform_id, content_external_id FROM ai_ideas WHERE number = 1",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, (Some(platform), Some("v1".to_owned())));
    let shown = say(&t, "1", "/idea show 1").await;
    let reply = only_reply(&shown);
    assert!(reply.buttons.is_empty(), "no more suggestions once linked");
    assert!(
        reply
            .blocks
            .last()
            .unwrap()
            .contains("12,000 views · 300 likes · 24 comments"),
        "{:?}",
        reply.blocks
    );
    // The results follow the synced numbers.
    sqlx::query("UPDATE content SET views = 15000 WHERE external_id = 'v1'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let shown = say(&t, "1", "/idea show 1").await.texts().join("\n");
    assert!(shown.contains("15,000 views"), "{shown}");

    // A video already linked is not offered for another idea; nothing matching: a hint.
    let r = say(&t, "1", "/idea status 2 published").await;
    let reply = only_reply(&r);
    assert!(reply.buttons.is_empty());
    assert_eq!(
        reply.blocks[1],
        en(&t, msg("idea-link-none").arg("number", 2_i64))
    );

    // French: the suggestion and the results.
    say(&t, "1", "/language fr").await;
    save(&t, alex, idea("Crêpes maison à 2 € pour 4")).await;
    created_days_ago(&t, alex, 3, 10).await;
    let r = say(&t, "1", "/idea status 3 published").await;
    assert_eq!(
        labels(&only_reply(&r)),
        vec!["Oui, c'est « Mes crêpes maison pour 2 € »".to_owned()]
    );
    press(&t, "1", &r.last_action_ids()[0]).await;
    let shown = say(&t, "1", "/idea show 3").await.texts().join("\n");
    assert!(
        shown.contains("Publiée sous le titre « Mes crêpes maison pour 2 € » sur YouTube"),
        "{shown}"
    );
    assert!(
        shown.contains(": 800 vues · 20 j'aime · 1 commentaires"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_link_button_refuses_a_video_that_is_gone() {
    let t = app().await;
    let alex = account(&t, "1").await;
    save(&t, alex, idea("Pasta at home")).await;
    created_days_ago(&t, alex, 1, 5).await;
    seed_videos(&t, alex, &[("p1", "Pasta at home", 1, 100)]).await;
    let r = say(&t, "1", "/idea status 1 published").await;
    sqlx::query("DELETE FROM content")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let pressed = press(&t, "1", &r.last_action_ids()[0]).await;
    assert_eq!(
        pressed.texts(),
        vec![t.app.i18n.tr(Locale::En, "idea-link-gone")]
    );
}

#[tokio::test]
async fn linking_accounts_renumbers_ideas_after_the_survivors_and_keeps_their_videos() {
    let t = app().await;
    let into = account(&t, "1").await;
    let from = account_on(&t, Platform::Discord, "9").await;
    // The survivor numbered three ideas and deleted the last: the next number is 4.
    for title in ["A1", "A2", "A3"] {
        save(&t, into, idea(title)).await;
    }
    drop_idea(&t, into, 3).await;
    for title in ["B1", "B2"] {
        save(&t, from, idea(title)).await;
    }
    created_days_ago(&t, from, 2, 5).await;
    // Both have a manual YouTube connection; `from`'s idea B2 is linked to one of its videos.
    seed_videos(&t, into, &[]).await;
    let from_platform = seed_videos(&t, from, &[("b2", "B2", 1, 70)]).await;
    sqlx::query(
        "UPDATE ai_ideas SET content_platform_id = $2, content_external_id = 'b2', status = 'published'
         WHERE user_id = $1 AND number = 2",
    )
    .bind(from.0)
    .bind(from_platform)
    .execute(&t.db.pool)
    .await
    .unwrap();
    // One conversation each in the same chat (the survivor's wins), one elsewhere.
    for (user, chat, text) in [
        (into, "1", "mine"),
        (from, "1", "theirs"),
        (from, "2", "other"),
    ] {
        sqlx::query(
            "INSERT INTO idea_conversations (user_id, platform, chat_id, turns)
             VALUES ($1, 'telegram', $2, jsonb_build_array(jsonb_build_object('role', 'user', 'text', $3::text)))",
        )
        .bind(user.0)
        .bind(chat)
        .bind(text)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE users SET niche = 'cooking' WHERE id = $1")
        .bind(from.0)
        .execute(&t.db.pool)
        .await
        .unwrap();

    accounts::link(&t.app.db, from, into).await.unwrap();

    let numbers: Vec<(i64, String)> =
        sqlx::query_as("SELECT number, title FROM ai_ideas WHERE user_id = $1 ORDER BY number")
            .bind(into.0)
            .fetch_all(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(
        numbers,
        vec![
            (1, "A1".to_owned()),
            (2, "A2".to_owned()),
            (4, "B1".to_owned()),
            (5, "B2".to_owned())
        ]
    );
    assert_eq!(save(&t, into, idea("Next")).await, 6);
    // B2 still shows its video, now under the survivor's connection.
    let shown = say(&t, "1", "/idea show 5").await.texts().join("\n");
    assert!(shown.contains("Published as «B2» on YouTube"), "{shown}");
    let turns: Vec<(String, String)> = sqlx::query_as(
        "SELECT chat_id, turns->0->>'text' FROM idea_conversations WHERE user_id = $1 ORDER BY chat_id",
    )
    .bind(into.0)
    .fetch_all(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        turns,
        vec![
            ("1".to_owned(), "mine".to_owned()),
            ("2".to_owned(), "other".to_owned())
        ]
    );
    let niche: Option<String> = sqlx::query_scalar("SELECT niche FROM users WHERE id = $1")
        .bind(into.0)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(niche.as_deref(), Some("cooking"));
}

#[tokio::test]
async fn a_survivor_without_ideas_keeps_the_other_accounts_numbers() {
    let t = app().await;
    let into = account(&t, "1").await;
    let from = account_on(&t, Platform::Discord, "9").await;
    for title in ["B1", "B2", "B3"] {
        save(&t, from, idea(title)).await;
    }
    drop_idea(&t, from, 1).await;
    accounts::link(&t.app.db, from, into).await.unwrap();
    let numbers: Vec<i64> =
        sqlx::query_scalar("SELECT number FROM ai_ideas WHERE user_id = $1 ORDER BY number")
            .bind(into.0)
            .fetch_all(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(numbers, vec![2, 3]);
    assert_eq!(save(&t, into, idea("Next")).await, 4);
}

#[tokio::test]
async fn export_holds_ideas_conversations_and_request_counts_and_forget_erases_them() {
    let t = app().await;
    let alex = account(&t, "1").await;
    let saved = ideas::save(
        &t.db.pool,
        alex,
        NewIdea {
            platform: Some(Provider::Instagram),
            hook: Some("Wait for it".into()),
            duration_seconds: Some(30),
            origin: Origin::Data,
            ..idea("Reel: before/after")
        },
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO idea_conversations (user_id, platform, chat_id, turns)
         VALUES ($1, 'telegram', '1', '[{\"role\": \"user\", \"text\": \"reels please\"}]')",
    )
    .bind(alex.0)
    .execute(&t.db.pool)
    .await
    .unwrap();
    for (prompt, completion) in [(100, 40), (200, 60)] {
        sqlx::query(
            "INSERT INTO ai_requests (user_id, purpose, model, outcome, prompt_tokens, completion_tokens)
             VALUES ($1, 'brainstorm', 'gpt-4o-mini', 'ok', $2, $3)",
        )
        .bind(alex.0)
        .bind(prompt)
        .bind(completion)
        .execute(&t.db.pool)
        .await
        .unwrap();
    }
    let doc = creatorpilot::domain::privacy::export_snapshot(&t.db.pool, alex)
        .await
        .unwrap();
    let section = &doc["ideas"];
    assert_eq!(section["ideas"][0]["number"], saved.number);
    assert_eq!(section["ideas"][0]["title"], "Reel: before/after");
    assert_eq!(section["ideas"][0]["platform"], "instagram");
    assert_eq!(section["ideas"][0]["origin"], "data");
    assert_eq!(section["ideas"][0]["duration_seconds"], 30);
    assert_eq!(
        section["conversations"][0]["turns"][0]["text"],
        "reels please"
    );
    assert_eq!(section["model_requests"][0]["requests"], 2);
    assert_eq!(section["model_requests"][0]["prompt_units"], 300);
    assert_eq!(section["model_requests"][0]["completion_units"], 100);

    let mut tx = t.db.pool.begin().await.unwrap();
    let erased = creatorpilot::domain::privacy::forget(&mut tx, alex)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let said: Vec<&str> = erased.lines.iter().map(|m| m.key.as_str()).collect();
    assert!(said.contains(&"forget-erased-ideas"), "{said:?}");
    assert!(
        said.contains(&"forget-erased-idea-conversations"),
        "{said:?}"
    );
    assert_eq!(count(&t, "SELECT count(*) FROM ai_ideas").await, 0);
    assert_eq!(
        count(&t, "SELECT count(*) FROM idea_conversations").await,
        0
    );
    // Requests stay for the day's budget, with no account.
    assert_eq!(
        count(&t, "SELECT count(*) FROM ai_requests WHERE user_id IS NULL").await,
        2
    );
}
