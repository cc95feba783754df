//! Operating connections: `/sync` now, `/disconnect`, revocation on `/forget`, the configurable
//! quota budget, the Telegram way back from the OAuth page, and older videos refreshed from
//! YouTube Analytics, against the fake Google of `oauth.rs`.

use creatorpilot::bot::{Button, Input, Platform};

use super::oauth::{Harness, callback, connect, enqueue_sync, harness_with};
use super::{count, drain, say};
use crate::engine::Recorder;

/// Connects YouTube for `user` through the real callback; the first sync stays queued. Returns
/// the page the callback showed.
async fn connected(h: &Harness, user: &str) -> String {
    let state = connect(h, user).await["state"].clone();
    let (status, page) = callback(h, "youtube", &format!("code=C&state={state}")).await;
    assert_eq!(status, 200, "{page}");
    page
}

/// A harness whose Telegram bot is @CreatorPilotBot, so OAuth pages link back to it.
async fn telegram_harness() -> Harness {
    let h = harness_with(&[]).await;
    h.t.app
        .telegram_username
        .set("CreatorPilotBot".into())
        .unwrap();
    h
}

async fn press(h: &Harness, user: &str, id: String) -> Recorder {
    crate::engine::press(&h.t, user, &id).await
}

fn action_buttons(r: &Recorder) -> Vec<(String, String)> {
    r.replies
        .lock()
        .unwrap()
        .iter()
        .flat_map(|reply| reply.buttons.clone())
        .filter_map(|b| match b {
            Button::Action { label, id } => Some((label, id)),
            Button::Link { .. } => None,
        })
        .collect()
}

#[tokio::test]
async fn sync_now_shows_progress_then_a_summary_per_provider() {
    let h = harness_with(&[]).await;
    // Nothing connected: where to go instead.
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(
        text.contains("/connect youtube") && text.contains("/stats add"),
        "{text}"
    );
    let text = say(&h.t, "u1", "/sync tiktok").await.texts().join("\n");
    assert!(text.contains("TikTok is not connected"), "{text}");
    assert!(text.contains("/connect tiktok"), "{text}");

    connected(&h, "u1").await;
    let r = say(&h.t, "u1", "/sync").await;
    // One message, first "Syncing YouTube…", then edited into the summary.
    let replies = r.replies.lock().unwrap().clone();
    assert_eq!(replies.len(), 1, "{replies:?}");
    let edits = r.edits.lock().unwrap().clone();
    assert_eq!(edits.len(), 1);
    let text = replies[0].blocks.join("\n");
    assert!(
        text.contains("YouTube: 2 days of numbers, 3 new videos."),
        "{text}"
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);

    // The queued first sync still runs; a second /sync finds nothing new.
    drain(&h.t).await;
    let text = say(&h.t, "u1", "/sync youtube").await.texts().join("\n");
    assert!(
        text.contains("YouTube: 2 days of numbers, no new videos."),
        "{text}"
    );

    // While another sync of the connection runs, neither /sync nor the daily job runs it again.
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM platforms")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    let mut running = h.t.db.pool.begin().await.unwrap();
    assert!(
        creatorpilot::db::channels::try_sync_lock(&mut *running, id)
            .await
            .unwrap()
    );
    let calls = h.fake.api_calls();
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("a sync is already running"), "{text}");
    creatorpilot::jobs::tick(&h.t.app).await.unwrap();
    drain(&h.t).await;
    assert_eq!(h.fake.api_calls(), calls);
    running.rollback().await.unwrap();

    // The shared budget is spent: said plainly, nothing called.
    sqlx::query("UPDATE provider_quota SET units_used = 10000")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("after midnight Pacific time"), "{text}");
    assert_eq!(h.fake.api_calls(), calls);
    sqlx::query("UPDATE provider_quota SET units_used = 0")
        .execute(&h.t.db.pool)
        .await
        .unwrap();

    // The grant died: the reply says so with a Reconnect button; no second message is sent.
    *h.fake.revoked.lock().unwrap() = true;
    sqlx::query("UPDATE platforms SET access_expires_at = now() - interval '1 hour'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let sent_before = h.sent.0.lock().unwrap().len();
    let r = say(&h.t, "u1", "/sync").await;
    let text = r.texts().join("\n");
    assert!(text.contains("Reconnect with the button"), "{text}");
    let buttons = action_buttons(&r);
    assert_eq!(buttons.len(), 1);
    assert_eq!(buttons[0].0, "Reconnect YouTube");
    assert_eq!(h.sent.0.lock().unwrap().len(), sent_before);
    let consent = press(&h, "u1", buttons[0].1.clone()).await;
    assert!(
        consent
            .replies
            .lock()
            .unwrap()
            .iter()
            .flat_map(|r| r.buttons.iter())
            .any(|b| matches!(b, Button::Link { url, .. } if url.contains("code_challenge"))),
        "{:?}",
        consent.texts()
    );
    // Asked again, still the same answer, without calling Google.
    let tokens = h.fake.forms("refresh_token").len();
    say(&h.t, "u1", "/language fr").await;
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("Reconnectez-le avec le bouton"), "{text}");
    assert_eq!(h.fake.forms("refresh_token").len(), tokens);
}

/// The queued revoke jobs' payloads, raw.
async fn revoke_jobs(h: &Harness) -> Vec<(String, Option<uuid::Uuid>, String)> {
    sqlx::query_as(
        "SELECT payload::text, user_id, status FROM jobs WHERE kind = 'revoke_grant' ORDER BY id",
    )
    .fetch_all(&h.t.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn disconnect_revokes_then_keeps_or_deletes_the_history() {
    let h = harness_with(&[]).await;
    let text = say(&h.t, "u1", "/disconnect youtube")
        .await
        .texts()
        .join("\n");
    assert!(text.contains("YouTube is not connected"), "{text}");

    connected(&h, "u1").await;
    drain(&h.t).await;
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 3);

    // Asked first, with three choices; Cancel changes nothing and withdraws the others.
    let r = say(&h.t, "u1", "/disconnect youtube").await;
    assert!(r.texts()[0].contains("Disconnect YouTube (Lena Cooks)?"));
    let buttons = action_buttons(&r);
    let labels: Vec<&str> = buttons.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Disconnect, keep history",
            "Disconnect, delete history",
            "Cancel"
        ]
    );
    let text = press(&h, "u1", buttons[2].1.clone())
        .await
        .texts()
        .join("\n");
    assert!(text.contains("Nothing changed"), "{text}");
    press(&h, "u1", buttons[1].1.clone()).await;
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 1);
    assert!(h.fake.revoke_requests.lock().unwrap().is_empty());

    // Keep history: revoked at Google with the refresh token, tokens gone, numbers stay.
    let buttons = action_buttons(&say(&h.t, "u1", "/disconnect youtube").await);
    let text = press(&h, "u1", buttons[0].1.clone())
        .await
        .texts()
        .join("\n");
    assert!(
        text.contains("YouTube is disconnected. Its history is kept")
            && text.contains("I gave up my access at YouTube"),
        "{text}"
    );
    assert_eq!(
        *h.fake.revoke_requests.lock().unwrap(),
        ["1//FAKE-REFRESH-1"]
    );
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM platforms WHERE status = 'disconnected'
               AND access_token IS NULL AND refresh_token IS NULL"
        )
        .await,
        1
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 3);
    // The other choice was withdrawn; nothing is synced any more.
    press(&h, "u1", buttons[1].1.clone()).await;
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 3);
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("No connected channel"), "{text}");

    // What is left can be removed with its history, with nothing to revoke.
    let r = say(&h.t, "u1", "/disconnect youtube").await;
    assert!(
        r.texts()[0].contains("no access to revoke"),
        "{:?}",
        r.texts()
    );
    let text = press(&h, "u1", action_buttons(&r)[1].1.clone())
        .await
        .texts()
        .join("\n");
    assert!(text.contains("its history is deleted"), "{text}");
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert_eq!(count(&h.t, "SELECT count(*) FROM analytics").await, 0);
    assert_eq!(h.fake.revoke_requests.lock().unwrap().len(), 1);

    // Google is down: our tokens are deleted anyway, the reply says so, a revoke is queued
    // (sealed, with no account attached) and goes through once Google answers.
    connected(&h, "u1").await;
    *h.fake.revoke_down.lock().unwrap() = true;
    let buttons = action_buttons(&say(&h.t, "u1", "/disconnect youtube").await);
    let text = press(&h, "u1", buttons[1].1.clone())
        .await
        .texts()
        .join("\n");
    assert!(
        text.contains("YouTube did not answer") && text.contains("deleted my copy of the tokens"),
        "{text}"
    );
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    let jobs = revoke_jobs(&h).await;
    assert_eq!(jobs.len(), 1);
    assert!(!jobs[0].0.contains("FAKE"), "{jobs:?}");
    assert_eq!(jobs[0].1, None);
    *h.fake.revoke_down.lock().unwrap() = false;
    drain(&h.t).await;
    assert_eq!(h.fake.revoke_requests.lock().unwrap().len(), 2);
    assert_eq!(revoke_jobs(&h).await[0].2, "done");
}

#[tokio::test]
async fn disconnecting_instagram_says_where_to_remove_the_app() {
    let h = harness_with(&[]).await;
    say(&h.t, "u1", "/stats add youtube today views=5").await;
    let account: uuid::Uuid = sqlx::query_scalar("SELECT user_id FROM platforms")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    // An Instagram connection as the OAuth flow stores it (tokens sealed for the row).
    let keyring = &h.t.app.keyring;
    let sealed = creatorpilot::domain::channels::seal_token(keyring, account, "instagram", "IGT");
    creatorpilot::db::channels::connect(
        &h.t.db.pool,
        creatorpilot::bot::AccountId(account),
        "instagram",
        &creatorpilot::db::channels::NewConnection {
            external_id: "1784",
            display_name: Some("lena.cooks"),
            access_token: &sealed,
            refresh_token: None,
            key_id: keyring.primary_key_id(),
            access_expires_at: None,
            refresh_expires_at: None,
            scopes: None,
        },
    )
    .await
    .unwrap();
    let buttons = action_buttons(&say(&h.t, "u1", "/disconnect instagram").await);
    let text = press(&h, "u1", buttons[0].1.clone())
        .await
        .texts()
        .join("\n");
    assert!(
        text.contains("Settings → Website permissions → Apps and websites"),
        "{text}"
    );
    assert!(revoke_jobs(&h).await.is_empty());
    // A manual source: removed without any word about access.
    say(&h.t, "u1", "/language fr").await;
    let buttons = action_buttons(&say(&h.t, "u1", "/disconnect youtube").await);
    let text = press(&h, "u1", buttons[1].1.clone())
        .await
        .texts()
        .join("\n");
    assert_eq!(
        text,
        "YouTube est déconnecté et son historique est supprimé."
    );
    assert!(h.fake.revoke_requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn forget_revokes_the_grant_at_google() {
    let h = harness_with(&[]).await;
    connected(&h, "u1").await;
    drain(&h.t).await;
    let r = say(&h.t, "u1", "/forget").await;
    let confirm = action_buttons(&r)[0].1.clone();
    *h.fake.revoke_down.lock().unwrap() = true;
    let text = press(&h, "u1", confirm).await.texts().join("\n");
    assert!(text.contains("channel connections"), "{text}");
    assert_eq!(count(&h.t, "SELECT count(*) FROM platforms").await, 0);
    assert_eq!(count(&h.t, "SELECT count(*) FROM users").await, 0);
    // Queued with the erasure: sealed, attached to no account.
    let jobs = revoke_jobs(&h).await;
    assert_eq!(jobs.len(), 1);
    assert!(!jobs[0].0.contains("FAKE"), "{jobs:?}");
    assert_eq!(jobs[0].1, None);
    // Google answers 503: retried later; then it goes through.
    drain(&h.t).await;
    assert_eq!(revoke_jobs(&h).await[0].2, "queued");
    *h.fake.revoke_down.lock().unwrap() = false;
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'revoke_grant'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    drain(&h.t).await;
    assert_eq!(
        *h.fake.revoke_requests.lock().unwrap(),
        ["1//FAKE-REFRESH-1"]
    );
    assert_eq!(revoke_jobs(&h).await[0].2, "done");
}

#[tokio::test]
async fn a_revoke_google_never_answers_is_dropped_after_five_attempts() {
    let h = harness_with(&[]).await;
    connected(&h, "u1").await;
    drain(&h.t).await;
    let confirm = action_buttons(&say(&h.t, "u1", "/forget").await)[0]
        .1
        .clone();
    press(&h, "u1", confirm).await;
    *h.fake.revoke_down.lock().unwrap() = true;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        drain(&h.t).await;
        statuses.push(revoke_jobs(&h).await[0].2.clone());
        sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'revoke_grant'")
            .execute(&h.t.db.pool)
            .await
            .unwrap();
    }
    assert_eq!(
        statuses,
        ["queued", "queued", "queued", "queued", "done", "done"]
    );
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM jobs WHERE kind = 'revoke_grant'")
        .fetch_one(&h.t.db.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 5);
    assert!(h.fake.revoke_requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_daily_quota_budget_comes_from_the_settings() {
    let h = harness_with(&[("YOUTUBE_DAILY_QUOTA", "6")]).await;
    connected(&h, "u1").await;
    // Callback 1 unit, first sync 4 (channels, two playlist pages, videos).
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("3 new videos"), "{text}");
    // A routine sync needs 2 more: the 7th unit would pass the budget of 6.
    let text = say(&h.t, "u1", "/sync").await.texts().join("\n");
    assert!(text.contains("today's API quota is spent"), "{text}");
    assert_eq!(
        count(&h.t, "SELECT units_used FROM provider_quota").await,
        6
    );
}

/// The `/start` payload of the OAuth page's link back to the Telegram bot.
fn start_payload(page: &str) -> String {
    let start = page
        .find("https://t.me/CreatorPilotBot?start=oauth-")
        .unwrap_or_else(|| panic!("no link back in {page}"));
    page[start..]
        .trim_start_matches("https://t.me/CreatorPilotBot?start=")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn the_oauth_page_links_back_to_the_telegram_bot() {
    let h = telegram_harness().await;
    let page = connected(&h, "u1").await;
    let payload = start_payload(&page);
    assert!(page.contains(">Back to Telegram</a>"), "{page}");
    // Telegram's limit for a start parameter.
    assert!(payload.len() <= 64, "{payload}");

    // The link opens the bot with /start PAYLOAD: the channel just connected.
    let text = say(&h.t, "u1", &format!("/start {payload}"))
        .await
        .texts()
        .join("\n");
    assert!(
        text.contains("The channel you just connected") && text.contains("YouTube (Lena Cooks)"),
        "{text}"
    );
    // Someone else's /start with it gets the plain welcome.
    let text = say(&h.t, "u2", &format!("/start {payload}"))
        .await
        .texts()
        .join("\n");
    assert!(!text.contains("Lena Cooks"), "{text}");

    // A connection made from the console has no Telegram link.
    let r = super::connect_and_accept(&h.t, Platform::Console, "c1", "youtube").await;
    let url = r
        .replies
        .lock()
        .unwrap()
        .iter()
        .flat_map(|reply| reply.buttons.clone())
        .find_map(|b| match b {
            Button::Link { url, .. } => Some(url),
            Button::Action { .. } => None,
        })
        .unwrap();
    let state = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, page) = callback(&h, "youtube", &format!("code=C&state={state}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains("t.me"), "{page}");
}

async fn video_numbers(h: &Harness, id: &str) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT c.views, c.likes, c.comments, s.views FROM content c
         JOIN content_snapshots s ON s.platform_id = c.platform_id
           AND s.external_id = c.external_id AND s.day = (now() AT TIME ZONE 'UTC')::date
         WHERE c.external_id = $1",
    )
    .bind(id)
    .fetch_one(&h.t.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn older_videos_are_refreshed_from_analytics_without_data_api_units() {
    let h = harness_with(&[]).await;
    connected(&h, "u1").await;
    drain(&h.t).await;
    {
        let reports = h.fake.video_reports.lock().unwrap();
        assert_eq!(reports.len(), 1);
        let q = &reports[0];
        assert_eq!(q["metrics"], "views,likes,comments");
        assert_eq!(q["sort"], "-views");
        assert_eq!(q["maxResults"], "200");
        // From the channel's creation (its snippet.publishedAt) to today.
        assert_eq!(q["startDate"], "2020-01-01");
        assert_eq!(q["endDate"], chrono::Utc::now().date_naive().to_string());
    }
    // vid1 (300 views from videos.list) takes the report's lifetime numbers and today's snapshot;
    // vid2's lagging 150 does not lower its 200; an unknown video is not added.
    assert_eq!(video_numbers(&h, "vid1").await, (5000, 40, 6, 5000));
    assert_eq!(video_numbers(&h, "vid2").await, (200, 10, 3, 200));
    assert_eq!(count(&h.t, "SELECT count(*) FROM content").await, 3);
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM content_snapshots WHERE external_id = 'vid_gone'"
        )
        .await,
        0
    );

    // The next daily sync refreshes it again, for at most 3 Data API units (here 2: channels.list
    // and one playlist page, nothing new to look up).
    *h.fake.vid1_more_views.lock().unwrap() = 700;
    let used = "SELECT units_used FROM provider_quota WHERE provider = 'youtube'";
    let before = count(&h.t, used).await;
    enqueue_sync(&h, "daily-2").await;
    drain(&h.t).await;
    let spent = count(&h.t, used).await - before;
    assert!(spent <= 3, "a routine sync spent {spent} units");
    assert_eq!(spent, 2);
    assert_eq!(video_numbers(&h, "vid1").await, (5700, 40, 6, 5700));
    assert_eq!(h.fake.video_reports.lock().unwrap().len(), 2);
}

/// The console end to end, in both languages: `/sync` and `/disconnect` without a provider
/// connection, bad input included.
async fn console_sync_and_disconnect(locale: creatorpilot::i18n::Locale) {
    use creatorpilot::i18n::{I18n, msg};
    let i18n = I18n::load().unwrap();
    let say = |m| i18n.render(locale, &m);
    let h = crate::support::ConsoleHarness::new().await;
    h.accept_policy("alex").await;
    let args: &[&str] = match locale {
        creatorpilot::i18n::Locale::En => &[],
        creatorpilot::i18n::Locale::Fr => &["--lang", "fr"],
    };
    let run = h.chat_as(
        "alex",
        args,
        &[
            "/sync",
            "/sync myspace",
            "/disconnect",
            "/disconnect youtube",
            "/stats add youtube today views=5",
            "/disconnect youtube",
            "#2",
            "#1",
            "/channels",
        ],
    );
    let replies = run.replies();
    assert_eq!(replies.len(), 9, "{}", run.stdout);
    assert_eq!(replies[0], say(msg("sync-nothing-connected")));
    assert!(replies[1].contains("myspace"), "{}", replies[1]);
    assert!(replies[2].contains("youtube, tiktok"), "{}", replies[2]);
    assert_eq!(
        replies[3],
        say(msg("disconnect-not-connected").arg("provider", "YouTube"))
    );
    let ask = say(msg("disconnect-ask-source").arg("title", "YouTube"));
    assert_eq!(
        replies[5],
        format!(
            "{ask}\n[1] {}\n[2] {}\n[3] {}",
            say(msg("disconnect-button-keep")),
            say(msg("disconnect-button-delete")),
            say(msg("disconnect-button-cancel"))
        )
    );
    assert_eq!(
        replies[6],
        say(msg("disconnect-done-deleted").arg("provider", "YouTube"))
    );
    // The other choices were withdrawn with the first press.
    assert_eq!(replies[7], say(msg("button-invalid")));
    assert_eq!(replies[8], say(msg("channels-none")));
}

mod console {
    #[tokio::test]
    async fn en() {
        super::console_sync_and_disconnect(creatorpilot::i18n::Locale::En).await;
    }

    #[tokio::test]
    async fn fr() {
        super::console_sync_and_disconnect(creatorpilot::i18n::Locale::Fr).await;
    }
}

/// A server that accepts connections and never answers (a provider hanging).
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    base
}

/// Every outgoing call is bounded by `OUTBOUND_TIMEOUT`: a provider that never answers is
/// reported as not answering, within the timeout rather than whenever the provider gives up.
#[tokio::test]
async fn a_provider_that_never_answers_is_reported_unavailable() {
    let silent = silent_server().await;
    let h = harness_with(&[
        ("YOUTUBE_ANALYTICS_API_URL", silent.as_str()),
        ("OUTBOUND_TIMEOUT", "300ms"),
    ])
    .await;
    connected(&h, "u1").await;
    let sync = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        say(&h.t, "u1", "/sync youtube"),
    )
    .await
    .expect("the command answers instead of waiting for the provider");
    let text = sync.texts().join("\n");
    assert!(
        text.contains(&h.t.app.i18n.render(
            creatorpilot::i18n::Locale::En,
            &creatorpilot::i18n::msg("sync-result-provider-down").arg("provider", "YouTube")
        )),
        "{text}"
    );
    // The daily numbers come from Analytics, which never answered: none were written.
    assert_eq!(
        count(
            &h.t,
            "SELECT count(*) FROM analytics WHERE views IS NOT NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_link_back_after_a_policy_change_shows_the_connection_once_accepted() {
    let h = telegram_harness().await;
    let page = connected(&h, "u1").await;
    // The policy changes before the creator follows the link back.
    sqlx::query("UPDATE consents SET policy_version = 0 WHERE scope = 'policy'")
        .execute(&h.t.db.pool)
        .await
        .unwrap();
    let line = format!("/start {}", start_payload(&page));
    let r = crate::engine::send(&h.t, "u1", "u1", Input::Line(line)).await;
    let asked = crate::engine::only_reply(&r);
    assert!(!asked.blocks.join("\n").contains("Lena Cooks"), "{asked:?}");
    let accept = crate::engine::action_id(&asked, "Accept");
    let text = press(&h, "u1", accept).await.texts().join("\n");
    assert!(
        text.contains("The channel you just connected") && text.contains("YouTube (Lena Cooks)"),
        "{text}"
    );
}
