//! `/stats add`, CSV import (console path and chat documents), `/channels`, export and forget.

use chrono::{Duration, Utc};
use creatorpilot::bot::{IncomingFile, Input, Platform};
use creatorpilot::i18n::{Locale, msg};

use super::{count, say, say_on};
use crate::engine::Recorder;
use crate::support::*;

#[tokio::test]
async fn manual_entry_saves_a_subset_and_derives_follower_changes() {
    let t = app().await;
    let r = say(
        &t,
        "1",
        "/stats add youtube 2026-01-01 views=100 followers=1000",
    )
    .await;
    assert!(
        r.texts()[0].contains("Saved for YouTube on 2026-01-01"),
        "{:?}",
        r.texts()
    );
    say(
        &t,
        "1",
        "/stats add youtube 2026-01-02 followers=990 likes=4",
    )
    .await;
    // A later entry for the same day adds to it without erasing what it does not name.
    say(&t, "1", "/stats add youtube 2026-01-01 likes=7").await;
    type Row = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT views, likes, subscribers_gained, subscribers_lost FROM analytics ORDER BY day",
    )
    .fetch_all(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(rows[0], (Some(100), Some(7), None, None));
    assert_eq!(rows[1], (None, Some(4), Some(0), Some(10)));
    let today = say(&t, "1", "/stats add tiktok today views=5").await;
    assert!(today.texts()[0].contains("TikTok"), "{:?}", today.texts());
}

#[tokio::test]
async fn manual_entry_refuses_bad_input_and_writes_nothing() {
    let t = app().await;
    let tr = |m| t.app.i18n.render(Locale::En, &m);
    let tomorrow = (Utc::now().date_naive() + Duration::days(2)).to_string();
    let cases = [
        (
            "/stats add youtube today views=-5".to_owned(),
            tr(msg("err-out-of-range")
                .arg("option", "views")
                .arg("min", 0i64)
                .arg("max", i64::MAX)),
        ),
        (
            format!("/stats add youtube {tomorrow} views=5"),
            tr(msg("stats-add-future-date").arg("date", tomorrow.clone())),
        ),
        (
            "/stats add youtube today dislikes=5".to_owned(),
            String::from("has no option \"dislikes\""),
        ),
        (
            "/stats add myspace today views=5".to_owned(),
            String::from("can't be \"myspace\""),
        ),
        (
            "/stats add youtube 01/02/2026 views=5".to_owned(),
            tr(msg("stats-add-bad-date").arg("date", "01/02/2026")),
        ),
        (
            "/stats add youtube today".to_owned(),
            tr(msg("stats-add-no-metric")),
        ),
    ];
    for (line, expected) in cases {
        let r = say(&t, "1", &line).await;
        let text = r.texts().join("\n");
        assert!(text.contains(&expected), "{line}: {text} lacks {expected}");
    }
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 0);
    assert_eq!(count(&t, "SELECT count(*) FROM platforms").await, 0);
    // French too.
    let fr = say(&t, "2", "/language fr").await;
    assert!(!fr.texts().is_empty());
    let r = say(&t, "2", "/stats add youtube today").await;
    assert_eq!(
        r.texts(),
        vec![t.app.i18n.tr(Locale::Fr, "stats-add-no-metric")]
    );
}

fn csv_file(name: &str, body: &str) -> Input {
    Input::File(IncomingFile {
        file_name: name.into(),
        mime_type: "text/csv".into(),
        bytes: body.as_bytes().to_vec(),
    })
}

/// A file from a creator who accepted the privacy policy (see `channels::say_on`).
pub(super) async fn send_file(t: &TestApp, user: &str, input: Input) -> Recorder {
    accept_policy(&t.db.pool, Platform::Telegram, user).await;
    crate::engine::send(t, user, user, input).await
}

#[tokio::test]
async fn csv_documents_import_whole_or_not_at_all() {
    let t = app().await;
    // A bad row on line 4: nothing at all is imported, and the line is named.
    let bad = "date,views,likes\n2026-01-01,10,1\n2026-01-02,11,2\n2026-01-03,twelve,3\n";
    let r = send_file(&t, "1", csv_file("youtube.csv", bad)).await;
    let expected = t.app.i18n.render(
        Locale::En,
        &msg("import-bad-number")
            .arg("line", 4i64)
            .arg("column", "views")
            .arg("value", "twelve"),
    );
    assert_eq!(r.texts(), vec![expected]);
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 0);
    assert_eq!(count(&t, "SELECT count(*) FROM platforms").await, 0);

    // No platform anywhere: the creator is told how to say it.
    let r = send_file(
        &t,
        "1",
        csv_file("numbers.csv", "date,views\n2026-01-01,1\n"),
    )
    .await;
    assert_eq!(
        r.texts(),
        vec![t.app.i18n.tr(Locale::En, "import-no-platform-file")]
    );

    // French headers, semicolons, a platform column; re-importing is idempotent.
    let good = "jour;plateforme;vues;abonnés\n2026-01-01;tiktok;1 000;50\n2026-01-02;tiktok;1 200;55\n2026-01-02;instagram;30;\n";
    for _ in 0..2 {
        let r = send_file(&t, "1", csv_file("export.csv", good)).await;
        assert_eq!(
            r.texts(),
            vec![
                t.app.i18n.render(
                    Locale::En,
                    &msg("import-done")
                        .arg("days", 3usize)
                        .arg("platforms", "TikTok, Instagram")
                )
            ]
        );
    }
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 3);
    assert_eq!(
        count(
            &t,
            "SELECT subscribers_gained FROM analytics WHERE followers = 55"
        )
        .await,
        5
    );
    // An empty cell stays unknown, never 0.
    assert_eq!(
        count(&t, "SELECT count(*) FROM analytics WHERE followers IS NULL").await,
        1
    );

    // A non-CSV document is not ours.
    let r = send_file(
        &t,
        "1",
        Input::File(IncomingFile {
            file_name: "cat.png".into(),
            mime_type: "image/png".into(),
            bytes: vec![1, 2, 3],
        }),
    )
    .await;
    assert_eq!(
        r.texts(),
        vec![t.app.i18n.tr(Locale::En, "err-file-unexpected")]
    );
}

#[tokio::test]
async fn a_path_is_read_only_on_the_console() {
    let t = app().await;
    let path = t.dir.path().join("yt.csv");
    std::fs::write(
        &path,
        "Date,Views,Watch time (hours)\nTotal,30,1\n\"Jan 1, 2026\",30,1.5\n",
    )
    .unwrap();
    let line = format!("/import {} youtube", path.display());
    let r = say(&t, "1", &line).await;
    assert_eq!(
        r.texts(),
        vec![t.app.i18n.tr(Locale::En, "import-send-file")]
    );
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 0);
    let r = say_on(&t, Platform::Console, "alice", &line).await;
    assert!(
        r.texts()[0].contains("Imported 1 days for YouTube"),
        "{:?}",
        r.texts()
    );
    assert_eq!(count(&t, "SELECT watch_minutes FROM analytics").await, 90);
}

#[tokio::test]
async fn channels_lists_sources_and_export_and_forget_cover_them() {
    let t = app().await;
    let none = say(&t, "1", "/channels").await;
    assert_eq!(
        none.texts(),
        vec![t.app.i18n.tr(Locale::En, "channels-none")]
    );
    say(&t, "1", "/stats add instagram 2026-01-01 views=3").await;
    let list = say(&t, "1", "/channels").await.texts().join("\n");
    assert!(
        list.contains("Instagram: numbers added by hand or CSV"),
        "{list}"
    );

    let mut conn = t.db.pool.acquire().await.unwrap();
    let account: uuid::Uuid = sqlx::query_scalar("SELECT user_id FROM platforms")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    let doc =
        creatorpilot::domain::privacy::export(&mut conn, creatorpilot::bot::AccountId(account))
            .await
            .unwrap();
    assert_eq!(doc["channels"][0]["provider"], "instagram");
    assert_eq!(doc["channels"][0]["days"][0]["views"], 3);
    assert!(!doc.to_string().contains("access_token"));

    let mut tx = t.db.pool.begin().await.unwrap();
    creatorpilot::domain::privacy::forget(&mut tx, creatorpilot::bot::AccountId(account))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 0);
    assert_eq!(count(&t, "SELECT count(*) FROM platforms").await, 0);
}
