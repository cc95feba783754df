//! The invoice logo (issue 8): `/profile logo` on the console, printed on the next invoices
//! (checked with `pdfimages`, qpdf and the Factur-X validators), never on invoices already issued,
//! refused clearly when it is not a usable PNG, described in `/export`. The Telegram and Discord
//! ways of sending it are tested with their fakes (`telegram::`, `discord::interactions::`).

use std::path::Path;

use chrono::Datelike;
use creatorpilot::i18n::{Locale, msg};

use crate::facturx::checked_facturx;
use crate::invoices::{FR_PROFILE, deal_line, tool};
use crate::support::*;

/// A `width × height` PNG, half-transparent red (RGBA).
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let data: Vec<u8> = (0..width * height)
        .flat_map(|_| [200, 30, 30, 128])
        .collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

/// `pdfimages -list`: (width, height, colour) of every image in the PDF.
fn images(pdf: &Path) -> Vec<(u32, u32, String)> {
    let (ok, list) = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(ok, "{list}");
    list.lines()
        .skip(2)
        .map(|row| {
            let cols: Vec<&str> = row.split_whitespace().collect();
            (
                cols[3].parse().unwrap(),
                cols[4].parse().unwrap(),
                cols[5].to_owned(),
            )
        })
        .collect()
}

macro_rules! in_both_languages {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn en() {
                super::$name(creatorpilot::i18n::Locale::En).await;
            }

            #[tokio::test]
            async fn fr() {
                super::$name(creatorpilot::i18n::Locale::Fr).await;
            }
        }
    };
}

in_both_languages!(the_logo_goes_on_the_next_invoices_only);

async fn the_logo_goes_on_the_next_invoices_only(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alex").await;
    let work = h.work_dir.path();
    std::fs::write(work.join("logo.png"), png(120, 60)).unwrap();
    std::fs::write(work.join("tiny.png"), png(8, 8)).unwrap();
    // A real PNG, but over 1 MB (trailing bytes after its end still count).
    let mut big = png(64, 64);
    big.resize(1024 * 1024 + 1, 0);
    std::fs::write(work.join("big.png"), big).unwrap();
    std::fs::write(work.join("notes.txt"), "not an image").unwrap();
    // A JPEG renamed .png: the name does not make it a PNG.
    std::fs::write(work.join("photo.png"), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").unwrap();
    let year = chrono::Utc::now().year();
    let (first, second) = (format!("{year}-0001"), format!("{year}-0002"));
    let lang: &[&str] = match locale {
        Locale::En => &[],
        Locale::Fr => &["--lang", "fr"],
    };
    let run = h.chat_as(
        "alex",
        lang,
        &[
            "/profile logo logo.png",
            FR_PROFILE,
            "/profile logo",
            "/profile logo notes.txt",
            "/profile logo photo.png",
            "/profile logo tiny.png",
            "/profile logo big.png",
            "/profile logo missing.png",
            "/profile logo logo.png",
            "/profile",
            "/export",
            &deal_line(),
            "/invoice create 1",
            "/profile logo remove",
            "/profile logo remove",
            &deal_line(),
            "/invoice create 2",
            &format!("/invoice show {first}"),
        ],
    );
    let out = &run.stdout;
    let i18n = creatorpilot::i18n::I18n::load().unwrap();
    let expected = [
        i18n.tr(locale, "profile-logo-needs-profile"),
        i18n.tr(locale, "profile-logo-how-console"),
        i18n.tr(locale, "profile-logo-not-png"),
        i18n.render(
            locale,
            &msg("profile-logo-bad-size")
                .arg("width", 8_i64)
                .arg("height", 8_i64)
                .arg("min", 16_i64)
                .arg("max", 2000_i64),
        ),
        i18n.render(
            locale,
            &msg("profile-logo-unreadable").arg("path", "missing.png"),
        ),
        i18n.render(
            locale,
            &msg("profile-logo-too-large").arg("max_kb", 1024_i64),
        ),
        i18n.render(
            locale,
            &msg("profile-logo-saved")
                .arg("width", 120_i64)
                .arg("height", 60_i64)
                .arg("remove", "/profile logo remove"),
        ),
        i18n.tr(locale, "profile-logo-set"),
        i18n.tr(locale, "profile-logo-removed"),
        i18n.tr(locale, "profile-logo-none"),
    ];
    for sentence in &expected {
        assert!(
            out.contains(sentence.as_str()),
            "missing {sentence:?} in:\n{out}"
        );
    }
    assert_eq!(
        out.matches(&i18n.tr(locale, "profile-logo-not-png"))
            .count(),
        2,
        "a text file and a renamed JPEG are both refused:\n{out}"
    );

    // The export describes the logo without dumping it.
    let export = std::fs::read_dir(&run.files_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("an export file");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(export).unwrap()).unwrap();
    let logo = &json["business"]["logo"];
    assert_eq!(logo["width"], 120, "{json}");
    assert_eq!(logo["height"], 60, "{json}");
    assert_eq!(logo["bytes"], png(120, 60).len(), "{json}");

    // The first invoice carries the logo (flattened to RGB), the second none; the first, sent
    // again after the logo was removed, still has it.
    let pdfs = |number: &str| {
        let mut found: Vec<_> = std::fs::read_dir(&run.files_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.to_str().unwrap().contains(number) && p.extension().is_some_and(|e| e == "pdf")
            })
            .collect();
        found.sort();
        found
    };
    let first_pdfs = pdfs(&first);
    assert_eq!(
        first_pdfs.len(),
        2,
        "issued, then shown again: {first_pdfs:?}"
    );
    for with_logo in &first_pdfs {
        assert_eq!(images(with_logo), vec![(120, 60, "rgb".to_owned())]);
        let text = checked_facturx(with_logo);
        assert!(text.contains("Alex Martin EI"), "{text}");
    }
    assert_eq!(
        std::fs::read(&first_pdfs[0]).unwrap(),
        std::fs::read(&first_pdfs[1]).unwrap(),
        "/invoice show sends the stored PDF, byte for byte"
    );
    let second_pdfs = pdfs(&second);
    assert_eq!(second_pdfs.len(), 1, "{second_pdfs:?}");
    assert_eq!(images(&second_pdfs[0]), vec![]);
    checked_facturx(&second_pdfs[0]);

    let stored: Option<Vec<u8>> = sqlx::query_scalar("SELECT logo_png FROM business_profiles")
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, None, "removed");
}
