//! Operating connections: `/sync` now, `/disconnect`, revocation on `/forget`, the configurable
//! quota budget, the Telegram way back from the OAuth page, and older videos refreshed from
//! YouTube Analytics, against the fake Google of `oauth.rs`.

use creatorpilot::bot::{Button, Input, Platform};

use super::oauth::{Harness, callback, connect, drain, harness_with};
use super::{count, say};
use crate::engine::{Recorder, incoming};

/// Connects YouTube for `user` through the real callback; the first sync stays queued.
async fn connected(h: &Harness, user: &str) {
    let state = connect(h, user).await["state"].clone();
    let (status, page) = callback(h, "youtube", &format!("code=C&state={state}")).await;
    assert_eq!(status, 200, "{page}");
}

async fn press(h: &Harness, user: &str, id: String) -> Recorder {
    let r = Recorder::default();
    creatorpilot::bot::dispatch::handle(
        &h.t.app,
        incoming(Platform::Telegram, user, user, Input::Button(id)),
        &r,
    )
    .await;
    r
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
