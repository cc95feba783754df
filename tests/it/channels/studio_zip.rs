//! Studio ZIP exports through `/import`: labelled sample archives built here in memory (no
//! binary fixtures), good and bad, as chat documents (the engine) and as console paths (the
//! binary, in English and French).

use std::io::{Cursor, Write};

use creatorpilot::bot::{IncomingFile, Input};
use creatorpilot::i18n::{I18n, Locale, Msg, msg};
use zip::write::SimpleFileOptions;

use super::{count, say};
use crate::support::*;

/// A deflated ZIP of (name, content).
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in files {
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_level(Some(1)),
            )
            .unwrap();
        writer.write_all(body).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Sample shaped like YouTube Studio's advanced-mode export: a daily table, a per-video chart
/// table (ignored) and totals without dates (ignored).
fn youtube_studio(table: &str) -> Vec<u8> {
    zip_of(&[
        (
            "Chart data.csv",
            b"Date,Content,Video title,Video publish time,Views\n\
              2026-01-01,abc,Cr\xc3\xaapes,\"Dec 1, 2025\",40\n\
              2026-01-01,def,Pain,\"Dec 8, 2025\",60\n",
        ),
        ("Table data.csv", table.as_bytes()),
        ("Totals.csv", b"Views,Watch time (hours)\n300,5\n"),
        ("__MACOSX/._Table data.csv", b"\x00\x05\x16\x07"),
    ])
}

const GOOD_TABLE: &str = "\u{feff}Date,Views,Watch time (hours),Subscribers gained,Subscribers lost\n\
                          Total,300,5,3,1\n\
                          \"Jan 1, 2026\",100,1.5,2,1\n\
                          \"Jan 2, 2026\",200,3.5,1,0\n";

/// Sample shaped like TikTok Studio's download: overview and follower history, by day.
fn tiktok_studio() -> Vec<u8> {
    zip_of(&[
        (
            "Overview.csv",
            b"Date,Video Views,Profile Views,Likes,Comments,Shares\n\
              2026-01-01,900,12,80,4,2\n2026-01-02,1100,15,95,6,3\n",
        ),
        (
            "FollowerHistory.csv",
            b"Date,Followers,Difference in followers from previous day\n\
              2026-01-01,5000,10\n2026-01-02,5030,30\n",
        ),
    ])
}

/// The same archive marked encrypted, as every password-protected ZIP is (bit 0 of the flags in
/// the local and central headers).
fn encrypted(mut bytes: Vec<u8>) -> Vec<u8> {
    for (signature, flags_at) in [(b"PK\x03\x04", 6), (b"PK\x01\x02", 8)] {
        let starts: Vec<usize> = bytes
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == signature)
            .map(|(i, _)| i)
            .collect();
        for start in starts {
            bytes[start + flags_at] |= 1;
        }
    }
    bytes
}

fn document(name: &str, bytes: Vec<u8>) -> Input {
    Input::File(IncomingFile {
        file_name: name.into(),
        mime_type: "application/zip".into(),
        bytes,
    })
}

async fn send(t: &TestApp, user: &str, name: &str, bytes: Vec<u8>) -> Vec<String> {
    super::manual::send_file(t, user, document(name, bytes))
        .await
        .texts()
}

fn bad_views(i18n: &I18n, locale: Locale) -> Msg {
    let reason = i18n.render(
        locale,
        &msg("import-bad-number")
            .arg("line", 3i64)
            .arg("column", "Views")
            .arg("value", "lots"),
    );
    msg("import-in-file")
        .arg("file", "Table data.csv")
        .arg("reason", reason)
}

#[tokio::test]
async fn studio_zips_sent_in_the_chat_import_whole_or_not_at_all() {
    let t = app().await;
    let tr = |locale, m: Msg| t.app.i18n.render(locale, &m);

    // YouTube Studio: only the daily table is imported, watch hours become minutes.
    let r = send(&t, "1", "Studio export.zip", youtube_studio(GOOD_TABLE)).await;
    assert_eq!(
        r,
        [tr(
            Locale::En,
            msg("import-done")
                .arg("days", 2usize)
                .arg("platforms", "YouTube")
        )]
    );
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, 2);
    assert_eq!(
        count(&t, "SELECT sum(views)::bigint FROM analytics").await,
        300
    );
    assert_eq!(
        count(&t, "SELECT sum(watch_minutes)::bigint FROM analytics").await,
        300
    );

    // TikTok Studio: two files of the same days make one row per day; followers are totals.
    let r = send(&t, "1", "tiktok_data.zip", tiktok_studio()).await;
    assert_eq!(
        r,
        [tr(
            Locale::En,
            msg("import-done")
                .arg("days", 2usize)
                .arg("platforms", "TikTok")
        )]
    );
    let tiktok: Vec<(Option<i64>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT a.views, a.followers, a.subscribers_gained FROM analytics a
           JOIN platforms p ON p.id = a.platform_id WHERE p.provider = 'tiktok' ORDER BY day",
    )
    .fetch_all(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(
        tiktok,
        [
            (Some(900), Some(5000), None),
            (Some(1100), Some(5030), Some(30))
        ]
    );
    let before = count(&t, "SELECT count(*) FROM analytics").await;

    // A bad row in one file: nothing from any file, and the file and line are named.
    let bad_table = "Date,Views\n2026-02-01,5\n2026-02-02,lots\n";
    let r = send(&t, "1", "Studio export.zip", youtube_studio(bad_table)).await;
    assert_eq!(r, [tr(Locale::En, bad_views(&t.app.i18n, Locale::En))]);
    // Even when the good file comes first in the archive.
    let bad = zip_of(&[
        ("Overview.csv", b"Date,Video Views\n2026-02-01,7\n"),
        ("youtube/Table data.csv", bad_table.as_bytes()),
    ]);
    let r = send(&t, "1", "export.zip", bad).await;
    assert!(
        r[0].starts_with("In youtube/Table data.csv: Line 3:"),
        "{r:?}"
    );

    // Refusals, each with what to do next.
    let r = send(&t, "1", "locked.zip", encrypted(tiktok_studio())).await;
    assert_eq!(r, [tr(Locale::En, msg("import-zip-encrypted"))]);
    let r = send(
        &t,
        "1",
        "youtube.zip",
        zip_of(&[("Totals.csv", b"Views\n300\n"), ("notes.txt", b"hi")]),
    )
    .await;
    assert_eq!(r, [tr(Locale::En, msg("import-zip-no-table"))]);
    let huge = vec![b'0'; 21 * 1024 * 1024];
    let bomb = zip_of(&[("youtube.csv", &huge)]);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let r = send(&t, "1", "youtube.zip", bomb).await;
    assert_eq!(
        r,
        [tr(
            Locale::En,
            msg("import-zip-too-big")
                .arg("megabytes", 20i64)
                .arg("files", 100i64)
        )]
    );
    let r = send(&t, "1", "youtube.zip", b"not a zip at all".to_vec()).await;
    assert_eq!(r, [tr(Locale::En, msg("import-zip-unreadable"))]);
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, before);

    // In French too.
    say(&t, "2", "/language fr").await;
    let r = send(&t, "2", "Studio export.zip", youtube_studio(bad_table)).await;
    assert_eq!(r, [tr(Locale::Fr, bad_views(&t.app.i18n, Locale::Fr))]);
    assert!(r[0].starts_with("Dans Table data.csv : Ligne 3 :"), "{r:?}");
    let r = send(&t, "2", "locked.zip", encrypted(tiktok_studio())).await;
    assert_eq!(r, [tr(Locale::Fr, msg("import-zip-encrypted"))]);
    assert_eq!(count(&t, "SELECT count(*) FROM analytics").await, before);
}

/// `/import PATH` in the console binary: a TikTok Studio ZIP, then a YouTube one with a bad row.
async fn console_import(locale: Locale) {
    let i18n = I18n::load().unwrap();
    let say = |m| i18n.render(locale, &m);
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let good = h.work_dir.path().join("TikTok Studio.zip");
    std::fs::write(&good, tiktok_studio()).unwrap();
    let bad = h.work_dir.path().join("export.zip");
    std::fs::write(
        &bad,
        youtube_studio("Date,Views\n2026-02-01,5\n2026-02-02,lots\n"),
    )
    .unwrap();
    let args: &[&str] = match locale {
        Locale::En => &[],
        Locale::Fr => &["--lang", "fr"],
    };
    let run = h.chat_as(
        "alice",
        args,
        &[
            &format!("/import \"{}\"", good.display()),
            &format!("/import {}", bad.display()),
            "/channels",
        ],
    );
    let replies = run.replies();
    assert_eq!(replies.len(), 3, "{}", run.stdout);
    assert_eq!(
        replies[0],
        say(msg("import-done")
            .arg("days", 2usize)
            .arg("platforms", "TikTok"))
    );
    assert_eq!(replies[1], say(bad_views(&i18n, locale)));
    assert!(replies[2].contains("TikTok"), "{}", replies[2]);
    assert!(!replies[2].contains("YouTube"), "{}", replies[2]);
}

mod console {
    #[tokio::test]
    async fn en() {
        super::console_import(creatorpilot::i18n::Locale::En).await;
    }

    #[tokio::test]
    async fn fr() {
        super::console_import(creatorpilot::i18n::Locale::Fr).await;
    }
}
