//! Deals and invoices (issue 8): the console end to end in both languages with the PDF checked by
//! poppler and qpdf, gap-free numbering under concurrency and failure, bad input, and the
//! 10-year retention through /forget.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Datelike, Duration, Utc};
use creatorpilot::bot::{Input, Platform};
use creatorpilot::domain::accounts;
use creatorpilot::domain::invoices;
use creatorpilot::i18n::{I18n, Locale, Msg, msg};

use crate::engine::Recorder;
use crate::support::*;

macro_rules! in_both_languages_inv {
    ($name:ident) => {
        mod $name {
            use creatorpilot::i18n::Locale;

            #[tokio::test]
            async fn en() {
                super::$name(Locale::En).await;
            }

            #[tokio::test]
            async fn fr() {
                super::$name(Locale::Fr).await;
            }
        }
    };
}

fn i18n() -> &'static I18n {
    static I: std::sync::LazyLock<I18n> = std::sync::LazyLock::new(|| I18n::load().unwrap());
    &I
}

fn say(locale: Locale, m: Msg) -> String {
    i18n().render(locale, &m)
}

fn tr(locale: Locale, key: &str) -> String {
    i18n().tr(locale, key)
}

/// Spaces of every kind folded into one, so wrapped lines and no-break spaces compare simply.
fn flat(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn tool(program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/test installs it): {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Checks a PDF with the real tools and returns its text.
pub fn checked_pdf_text(path: &Path) -> String {
    let p = path.to_str().unwrap();
    let (ok, qpdf) = tool("qpdf", &["--check", p]);
    assert!(ok, "qpdf --check failed:\n{qpdf}");
    assert!(
        qpdf.contains("No syntax or stream encoding errors"),
        "{qpdf}"
    );
    let (ok, fonts) = tool("pdffonts", &[p]);
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no font in the PDF:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: emb and sub are the 5th/4th from the end.
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
        assert_eq!(cols[n - 4], "yes", "font not subset: {row}");
        assert!(cols[0].contains('+'), "subset fonts carry a tag: {row}");
    }
    let (ok, text) = tool("pdftotext", &["-layout", "-enc", "UTF-8", p, "-"]);
    assert!(ok, "{text}");
    flat(&text)
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "pdf"));
    files.sort();
    files
}

fn delivery() -> String {
    (Utc::now().date_naive() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string()
}

fn year() -> i32 {
    Utc::now().year()
}

fn args(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::En => &[],
        Locale::Fr => &["--lang", "fr"],
    }
}

pub(crate) const FR_PROFILE: &str = r#"/profile name="Alex Martin EI" address="12 rue de la Paix, 75002 Paris" siret="552 032 534 00646" vat=franchise iban="FR76 3000 6000 0112 3456 7890 189" bic=BNPAFRPP email=alex@example.fr"#;

pub(crate) fn deal_line() -> String {
    format!(
        r#"/deal add brand="Nord" amount=1500.00 currency=EUR type=integration delivery={} buyer_name="Nord SAS" buyer_address="1 avenue des Champs-Élysées, 75008 Paris" buyer_siren="552032534" buyer_vat=FR40303265045 buyer_email=billing@nord.example contract=yes disclosure=collaboration_commerciale"#,
        delivery()
    )
}

/// A French micro-entrepreneur: franchise en base, the invoice in French whatever the chat's
/// language, every mandatory mention on the PDF, then paid and counted in /revenue.
async fn french_creator_invoices_a_deal(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alex").await;
    let number = format!("{}-0001", year());
    let run = h.chat_as(
        "alex",
        args(locale),
        &[
            FR_PROFILE,
            &deal_line(),
            "/deal list",
            "/invoice create 1",
            &format!("/invoice paid {number}"),
            "/revenue",
        ],
    );
    let replies = run.replies();
    assert!(
        replies[0].starts_with(&tr(locale, "profile-saved")),
        "{}",
        run.stdout
    );
    assert!(
        replies[1].starts_with(&say(locale, msg("deal-added").arg("number", 1_i64))),
        "{}",
        run.stdout
    );
    assert!(replies[2].contains("#1 · Nord ·"), "{}", run.stdout);
    let total = match locale {
        Locale::En => "€1,500.00",
        Locale::Fr => "1\u{202f}500,00\u{a0}€",
    };
    assert!(
        replies[3].starts_with(&say(
            locale,
            msg("invoice-created")
                .arg("number", &number)
                .arg("total", total)
        )),
        "{}",
        run.stdout
    );
    assert!(replies[3].contains("file: "), "{}", run.stdout);
    assert!(replies[4].starts_with(&say(
        locale,
        msg("invoice-marked-paid").arg("number", &number).arg(
            "date",
            invoices::document::date(Utc::now().date_naive(), locale)
        )
    )));
    assert!(flat(replies[5]).contains(&flat(total)), "{}", run.stdout);

    let pdfs = pdfs_in(&run.files_dir);
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    assert!(
        pdfs[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("facture-")
    );
    let text = checked_pdf_text(&pdfs[0]);
    for mention in [
        "FACTURE",
        number.as_str(),
        "Alex Martin EI",
        "12 rue de la Paix, 75002 Paris",
        "SIRET : 55203253400646",
        "Nord SAS",
        "SIREN : 552032534",
        "N° TVA intracommunautaire : FR40303265045",
        "Date d'émission",
        "Date de la prestation",
        "Échéance",
        "Intégration sponsorisée — Nord",
        "1 500,00 €",
        "Net à payer",
        "TVA non applicable, art. 293 B du CGI",
        "Catégorie de l'opération : prestation de services.",
        "Escompte pour paiement anticipé : néant.",
        "Pénalités de retard : taux de la Banque centrale européenne majoré de 10 points",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
        "IBAN : FR76 3000 6000 0112 3456 7890 189",
        "BIC : BNPAFRPP",
    ] {
        assert!(text.contains(mention), "the PDF lacks {mention:?}:\n{text}");
    }
    // Nord SAS is a French business: the PDF is a Factur-X carrying the same invoice.
    let xml = crate::facturx::checked_facturx(&pdfs[0]);
    assert!(xml.contains(&format!("<ram:ID>{number}</ram:ID>")), "{xml}");
    assert!(xml.contains("<ram:Name>Nord SAS</ram:Name>"), "{xml}");
    let size = std::fs::metadata(&pdfs[0]).unwrap().len();
    assert!(size < 40_000, "a one-page invoice weighs {size} bytes");
}
in_both_languages_inv!(french_creator_invoices_a_deal);

/// A Belgian creator charging VAT at two rates: English invoice, totals per rate, TTC = HT + VAT.
#[tokio::test]
async fn foreign_creator_with_vat_gets_an_english_invoice_with_totals_per_rate() {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let run = h.chat(&[
        r#"/profile name="Alex Studio" address="Rue Neuve 1, 1000 Bruxelles" country=BE vat=BE0123456749 rate=21 penalty=8"#,
        &format!("/deal add brand=Acme amount=1000 currency=EUR type=dedicated_video delivery={}", delivery()),
        r#"/invoice create 1 line="Dedicated video; 1; 1000" line="Usage rights, 12 months; 2; 250.50; 6""#,
        "/invoice list",
    ]);
    let replies = run.replies();
    assert!(replies[2].contains("€1,741.06"), "{}", run.stdout);
    assert!(
        replies[3].contains(&format!("{}-0001", year())),
        "{}",
        run.stdout
    );
    let pdfs = pdfs_in(&run.files_dir);
    let text = checked_pdf_text(&pdfs[0]);
    for mention in [
        "INVOICE",
        "Alex Studio",
        "VAT number: BE0123456749",
        "Dedicated video",
        "Usage rights, 12 months",
        "€501.00",
        "Total excl. VAT €1,501.00",
        "VAT 21% on €1,000.00 €210.00",
        "VAT 6% on €501.00 €30.06",
        "Total incl. VAT €1,741.06",
        "Late payment penalties: 8% a year",
        "Early payment discount: none.",
        "Fixed compensation for recovery costs for late payment: €40.",
        "Category of operation: provision of services.",
    ] {
        assert!(text.contains(mention), "the PDF lacks {mention:?}:\n{text}");
    }
    assert!(
        !text.contains("293 B"),
        "a Belgian invoice has no French franchise mention"
    );
}

/// A line from Telegram creator 42, who accepted the privacy policy (see `channels::say_on`).
pub(crate) async fn dispatch(t: &TestApp, line: &str) -> Recorder {
    crate::channels::say_on(t, Platform::Telegram, "42", line).await
}

/// Every invoice fell due two days ago, and the overdue reminders queued for them are due now.
pub(crate) async fn make_overdue(t: &TestApp) {
    sqlx::query("UPDATE invoices SET due_date = current_date - 2")
        .execute(&t.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'invoice_overdue'")
        .execute(&t.db.pool)
        .await
        .unwrap();
}

async fn numbers_of(t: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT number FROM invoices WHERE kind = 'invoice' ORDER BY number")
        .fetch_all(&t.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn fifty_concurrent_creations_get_fifty_consecutive_numbers_and_failures_leave_no_gap() {
    let t = app().await;
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "42", None)
        .await
        .unwrap()
        .id;
    sqlx::query("UPDATE users SET plan = 'pro' WHERE id = $1")
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();

    // A failure after the number was taken gives it back.
    let profile = creatorpilot::db::profiles::get(&t.app.db, account)
        .await
        .unwrap()
        .unwrap();
    let deal = creatorpilot::db::deals::get(&t.app.db, account, 1)
        .await
        .unwrap()
        .unwrap();
    let line = invoices::totals::Line {
        description: "x".into(),
        quantity_milli: 1000,
        unit_minor: 100,
        vat_bp: 0,
    };
    let draft = invoices::draft(
        &profile,
        &deal,
        vec![line],
        Locale::En,
        Utc::now().date_naive(),
    )
    .unwrap();
    assert!(
        invoices::issue(&t.app, account, None, None, draft.clone(), true)
            .await
            .is_err()
    );
    assert!(numbers_of(&t).await.is_empty());

    let runs = (0..50).map(|_| dispatch(&t, "/invoice create 1"));
    let recorders = futures_util::future::join_all(runs).await;
    for r in &recorders {
        assert_eq!(
            r.replies.lock().unwrap()[0].attachments.len(),
            1,
            "{:?}",
            r.texts()
        );
    }
    let expected: Vec<String> = (1..=50).map(|n| format!("{}-{n:04}", year())).collect();
    assert_eq!(numbers_of(&t).await, expected);

    // Another failure midway, then a success: still no gap.
    assert!(
        invoices::issue(&t.app, account, None, None, draft, true)
            .await
            .is_err()
    );
    dispatch(&t, "/invoice create 1").await;
    assert_eq!(
        numbers_of(&t).await.last().unwrap(),
        &format!("{}-0051", year())
    );
    // Usage counted once per issued invoice (the failures reserved nothing).
    let used: i64 = sqlx::query_scalar(
        "SELECT count FROM usage_tracking WHERE user_id = $1 AND feature = 'invoices_created'",
    )
    .bind(account.0)
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(used, 51);
}

#[tokio::test]
async fn issued_invoices_are_snapshots_immutable_and_corrected_by_credit_notes() {
    let t = app().await;
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    let first = dispatch(&t, "/invoice create 1").await;
    let number = format!("{}-0001", year());
    let pdf = first.replies.lock().unwrap()[0].attachments[0]
        .bytes
        .clone();
    // Editing the profile and the deal changes nothing on the issued invoice.
    dispatch(&t, r#"/profile name="Someone Else EI""#).await;
    let edited = dispatch(&t, r#"/deal edit 1 amount=2000 buyer_name="Other SA""#).await;
    assert!(
        edited.texts()[0].starts_with(&say(Locale::En, msg("deal-edited").arg("number", 1_i64))),
        "{:?}",
        edited.texts()
    );
    assert!(edited.texts()[0].contains("€2,000.00") && edited.texts()[0].contains("Other SA"));
    let bad = dispatch(&t, "/deal edit 1 amount=-3").await;
    assert_eq!(
        bad.texts(),
        vec![say(
            Locale::En,
            msg("deal-amount-not-positive")
                .arg("value", "-3")
                .arg("currency", "EUR")
                .arg("max", 10_000_000_i64)
        )]
    );
    dispatch(&t, "/deal status 1 cancelled").await;
    let shown = dispatch(&t, &format!("/invoice show {number}")).await;
    assert_eq!(shown.replies.lock().unwrap()[0].attachments[0].bytes, pdf);
    // Editing is refused, and the way out offered.
    let edit = dispatch(&t, &format!("/invoice edit {number}")).await;
    assert_eq!(
        edit.texts(),
        vec![say(
            Locale::En,
            msg("invoice-immutable").arg("number", &number)
        )]
    );
    let credit = dispatch(&t, &format!("/invoice credit {number}")).await;
    let credit_number = format!("AV-{}-0001", year());
    assert_eq!(
        credit.texts()[0],
        say(
            Locale::En,
            msg("invoice-credited")
                .arg("credit", &credit_number)
                .arg("number", &number)
        )
    );
    let again = dispatch(&t, &format!("/invoice credit {number}")).await;
    assert_eq!(
        again.texts(),
        vec![say(
            Locale::En,
            msg("invoice-credit-refused").arg("number", &number)
        )]
    );
    // The credit note cancels the revenue.
    let revenue = dispatch(&t, "/revenue").await;
    assert!(
        revenue.texts()[0].contains("invoiced €0.00"),
        "{:?}",
        revenue.texts()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credit.pdf");
    std::fs::write(
        &path,
        &credit.replies.lock().unwrap()[0].attachments[0].bytes,
    )
    .unwrap();
    let text = checked_pdf_text(&path);
    assert!(
        text.contains("AVOIR") && text.contains(&format!("Cet avoir annule la facture {number}")),
        "{text}"
    );
}

/// Bad input: a sentence saying what to do, nothing stored.
async fn bad_input_is_refused_and_nothing_is_written(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("bob").await;
    let past = (Utc::now().date_naive() - Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let long = "x".repeat(300);
    let lines = [
        "/invoice create 1".to_owned(),
        r#"/profile name="A EI" address="Paris" siret=123456789"#.to_owned(),
        r#"/profile name="A EI" address="Paris" siret=552032534 iban=FR7630006000011234567890188"#
            .to_owned(),
        FR_PROFILE.to_owned(),
        "/deal add brand=Nord amount=-5".to_owned(),
        "/deal add brand=Nord amount=0".to_owned(),
        "/deal add brand=Nord amount=99999999999".to_owned(),
        "/deal add brand=Nord amount=100 currency=XYZ".to_owned(),
        format!("/deal add brand=\"{long}\" amount=100"),
        "/deal add brand=\"ソニー株式会社\" amount=100".to_owned(),
        "/deal add brand=\"شركة\" amount=100".to_owned(),
        format!("/deal add brand=Nord amount=100 delivery={past}"),
        "/deal list".to_owned(),
        "/invoice create 1".to_owned(),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let run = h.chat_as("bob", args(locale), &lines);
    let r = run.replies();
    assert_eq!(r[0], tr(locale, "invoice-needs-profile"));
    assert_eq!(
        r[1],
        say(
            locale,
            msg("profile-invalid-siret").arg("value", "123456789")
        )
    );
    assert_eq!(
        r[2],
        say(
            locale,
            msg("profile-invalid-iban").arg("value", "FR7630006000011234567890188")
        )
    );
    let amount = |key: &str, value: &str| {
        say(
            locale,
            msg(key)
                .arg("value", value)
                .arg("currency", "EUR")
                .arg("max", 10_000_000_i64),
        )
    };
    assert_eq!(r[4], amount("deal-amount-not-positive", "-5"));
    assert_eq!(r[5], amount("deal-amount-not-positive", "0"));
    assert_eq!(r[6], amount("deal-amount-too-large", "99999999999"));
    assert_eq!(
        r[7],
        say(locale, msg("deal-invalid-currency").arg("value", "XYZ"))
    );
    assert_eq!(
        r[8],
        say(
            locale,
            msg("err-too-long-value")
                .arg("option", "brand")
                .arg("max", 200_i64)
        )
    );
    assert_eq!(
        r[9],
        say(
            locale,
            msg("invoice-text-no-glyph")
                .arg("field", "brand")
                .arg("chars", "ソニー株式会社")
        )
    );
    assert_eq!(
        r[10],
        say(
            locale,
            msg("invoice-text-needs-shaping")
                .arg("field", "brand")
                .arg("chars", "شركة")
        )
    );
    assert_eq!(
        r[11],
        say(locale, msg("deal-date-in-past").arg("value", &past))
    );
    assert_eq!(r[12], tr(locale, "deal-list-empty"));
    assert_eq!(
        r[13],
        say(locale, msg("deal-not-found").arg("number", 1_i64))
    );
    let deals: i64 = sqlx::query_scalar("SELECT count(*) FROM partnerships")
        .fetch_one(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(deals, 0);
}
in_both_languages_inv!(bad_input_is_refused_and_nothing_is_written);

/// `/forget` erases deals and the profile but keeps issued invoices and their PDFs for 10 years,
/// and says so.
#[tokio::test]
async fn forget_keeps_issued_invoices_for_ten_years_and_says_so() {
    let h = ConsoleHarness::new().await;
    h.accept_policy("alice").await;
    let run = h.chat(&[
        FR_PROFILE,
        &deal_line(),
        "/invoice create 1",
        "/forget",
        "#1",
    ]);
    let r = run.replies();
    assert!(r[3].starts_with(&tr(Locale::En, "forget-warning")));
    assert!(tr(Locale::En, "forget-warning").contains("10 years"));
    let expected_kept = format!(
        "{}\n• {}",
        tr(Locale::En, "forget-kept"),
        say(Locale::En, msg("forget-kept-invoices").arg("count", 1_i64))
    );
    assert!(r[4].contains(&expected_kept), "{}", run.stdout);
    assert!(r[4].contains(&say(
        Locale::En,
        msg("forget-erased-deals").arg("count", 1_i64)
    )));
    assert!(r[4].contains(&tr(Locale::En, "forget-erased-profile")));

    let (owner, key, retain): (Option<uuid::Uuid>, String, chrono::NaiveDate) =
        sqlx::query_as("SELECT user_id, pdf_url, retain_until FROM invoices")
            .fetch_one(&h.db.pool)
            .await
            .unwrap();
    assert_eq!(
        owner, None,
        "the kept invoice no longer belongs to an account"
    );
    assert_eq!(retain.year(), year() + 11);
    let stored = h.data_dir.path().join("files").join(&key);
    assert!(stored.exists(), "the invoice PDF was deleted: {stored:?}");
    for table in ["partnerships", "business_profiles"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&h.db.pool)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table} survived /forget");
    }
    // The numbering of the business (its SIRET) stays with its kept invoices; nothing is left
    // under the erased account.
    let series: Vec<String> = sqlx::query_scalar("SELECT issuer_key FROM invoice_series")
        .fetch_all(&h.db.pool)
        .await
        .unwrap();
    assert_eq!(series, ["siret:55203253400646"]);
}

/// A French creator who /forgets and comes back (a new account, the same SIRET) continues the
/// series of their business; a creator with no SIRET numbers in their account's own series, and
/// that series goes with the account.
#[tokio::test]
async fn numbering_follows_the_siret_across_forget_and_return() {
    let t = app().await;
    let number = |n: i32| format!("{}-{n:04}", year());
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, "/invoice create 1").await;
    dispatch(&t, "/invoice create 1").await;
    assert_eq!(numbers_of(&t).await, [number(1), number(2)]);
    let first = accounts::resolve(&t.app.db, Platform::Telegram, "42", None)
        .await
        .unwrap()
        .id;
    let mut tx = t.app.db.begin().await.unwrap();
    creatorpilot::domain::privacy::forget(&mut tx, first)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Back with the same SIRET: a new account, the next number of the business.
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, "/invoice create 1").await;
    let second = accounts::resolve(&t.app.db, Platform::Telegram, "42", None)
        .await
        .unwrap()
        .id;
    assert_ne!(first, second);
    assert_eq!(numbers_of(&t).await, [number(1), number(2), number(3)]);
    let mine: Vec<String> = sqlx::query_scalar("SELECT number FROM invoices WHERE user_id = $1")
        .bind(second.0)
        .fetch_all(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(mine, [number(3)]);

    // Another creator, no SIRET (a Belgian business): a series of their own, from 0001.
    let belgian = r#"/profile name="Alex Studio" address="Rue Neuve 1, 1000 Bruxelles" country=BE vat=BE0123456749 rate=21"#;
    accept_policy(&t.db.pool, Platform::Telegram, "43").await;
    for line in [
        belgian.to_owned(),
        format!(
            "/deal add brand=Acme amount=1000 currency=EUR type=post delivery={}",
            delivery()
        ),
        "/invoice create 1".to_owned(),
    ] {
        crate::engine::send(&t, "43", "43", Input::Line(line)).await;
    }
    let keys: Vec<(String, i32)> =
        sqlx::query_as("SELECT issuer_key, last_number FROM invoice_series ORDER BY issuer_key")
            .fetch_all(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys[0].0.starts_with("account:") && keys[0].1 == 1,
        "{keys:?}"
    );
    assert_eq!(keys[1], ("siret:55203253400646".to_owned(), 3));
}

/// Records proactive sends.
#[derive(Default)]
pub(crate) struct Sent(pub(crate) std::sync::Mutex<Vec<String>>);

#[async_trait::async_trait]
impl creatorpilot::bot::Notifier for Sent {
    async fn send(
        &self,
        _destination: &creatorpilot::bot::Destination,
        reply: creatorpilot::bot::Reply,
    ) -> creatorpilot::bot::SendOutcome {
        self.0.lock().unwrap().push(reply.blocks.join("\n"));
        creatorpilot::bot::SendOutcome::Delivered
    }
}

pub(crate) async fn drain(t: &TestApp) {
    let config = creatorpilot::jobs::WorkerConfig {
        idle_poll: std::time::Duration::from_millis(10),
        lease: std::time::Duration::from_secs(60),
    };
    let stop = tokio_util::sync::CancellationToken::new();
    while creatorpilot::jobs::run_one(&t.app, "w", &config, &stop)
        .await
        .unwrap()
    {}
}

/// A brand late to pay gets the creator a reminder, then weekly ones; paying stops them. The day
/// before delivery, a reminder too.
#[tokio::test]
async fn reminders_for_late_payments_and_deliveries() {
    let t = app().await;
    let sent = std::sync::Arc::new(Sent::default());
    t.app.notifiers.register(Platform::Telegram, sent.clone());
    dispatch(&t, FR_PROFILE).await;
    let tomorrow = (Utc::now().date_naive() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    dispatch(
        &t,
        &format!("/deal add brand=Nord amount=1500 delivery={tomorrow}"),
    )
    .await;
    dispatch(&t, "/invoice create 1").await;
    let number = format!("{}-0001", year());
    // Nothing is due yet: the delivery reminder is for today (the day before), the invoice is not late.
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'deal_delivery'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    drain(&t).await;
    let delivery = say(
        Locale::En,
        msg("deal-reminder-delivery")
            .arg("number", 1_i64)
            .arg("brand", "Nord")
            .arg(
                "date",
                invoices::document::date(Utc::now().date_naive() + Duration::days(1), Locale::En),
            ),
    );
    assert_eq!(sent.0.lock().unwrap().clone(), vec![delivery]);

    // The brand is late.
    crate::invoices::make_overdue(&t).await;
    drain(&t).await;
    let texts = sent.0.lock().unwrap().clone();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[1].contains(&number) && texts[1].contains("Nord"),
        "{texts:?}"
    );
    // The next one waits a week; after four reminders the series stops.
    let (next, reminder): (chrono::DateTime<Utc>, serde_json::Value) = sqlx::query_as(
        "SELECT run_at, payload->'reminder' FROM jobs WHERE kind = 'invoice_overdue' AND status = 'queued'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert!(next > Utc::now() + Duration::days(6));
    assert_eq!(reminder, 2);
    for _ in 0..5 {
        sqlx::query(
            "UPDATE jobs SET run_at = now() WHERE kind = 'invoice_overdue' AND status = 'queued'",
        )
        .execute(&t.db.pool)
        .await
        .unwrap();
        drain(&t).await;
    }
    assert_eq!(
        sent.0.lock().unwrap().len(),
        1 + 4,
        "at most four overdue reminders"
    );

    // Paid invoices are never reminded.
    let t2 = app().await;
    let sent2 = std::sync::Arc::new(Sent::default());
    t2.app.notifiers.register(Platform::Telegram, sent2.clone());
    dispatch(&t2, FR_PROFILE).await;
    dispatch(&t2, "/deal add brand=Nord amount=1500").await;
    dispatch(&t2, "/invoice create 1").await;
    dispatch(&t2, &format!("/invoice paid {number}")).await;
    sqlx::query("UPDATE jobs SET run_at = now() WHERE kind = 'invoice_overdue'")
        .execute(&t2.db.pool)
        .await
        .unwrap();
    drain(&t2).await;
    assert!(sent2.0.lock().unwrap().is_empty());
}

/// `/deal add` with no fields asks a form; text front ends take it field by field ("-" skips),
/// with choices and Cancel as numbered buttons.
async fn deal_form_field_by_field(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("carol").await;
    let run = h.chat_as(
        "carol",
        args(locale),
        &[
            "/deal add",
            "Nord",
            "1500",
            "#2",
            "story",
            "-",
            "Nord SAS",
            "-",
            "-",
            "-",
            "-",
            "-",
            "/deal show 1",
        ],
    );
    let r = run.replies();
    assert!(
        r[0].contains(&tr(locale, "deal-field-brand")),
        "{}",
        run.stdout
    );
    let cancel = format!("[1] {}", tr(locale, "question-cancel"));
    assert!(r[0].contains(&cancel), "{}", run.stdout);
    let currency = format!(
        "[1] EUR\n[2] USD\n[3] GBP\n[4] CHF\n[5] CAD\n[6] {}",
        tr(locale, "question-cancel")
    );
    assert!(r[2].contains(&currency), "{}", run.stdout);
    let story = format!("[4] {}", tr(locale, "deal-type-story"));
    assert!(r[3].contains(&story), "{}", run.stdout);
    assert!(
        r.iter()
            .any(|x| x.starts_with(&say(locale, msg("deal-added").arg("number", 1_i64)))),
        "{}",
        run.stdout
    );
    let last = r.last().unwrap();
    assert!(
        last.contains("Nord SAS") && last.contains(&tr(locale, "deal-type-story")),
        "{}",
        run.stdout
    );
    assert!(last.contains("USD") || last.contains("$"), "{}", run.stdout);
}
in_both_languages_inv!(deal_form_field_by_field);

/// Cancel at the third step of `/deal add` on the console: said so, nothing stored.
async fn deal_form_cancelled(locale: Locale) {
    let h = ConsoleHarness::new().await;
    h.accept_policy("dave").await;
    let run = h.chat_as(
        "dave",
        args(locale),
        &["/deal add", "Acme", "200", "#6", "/deal list"],
    );
    let r = run.replies();
    assert_eq!(r[3], tr(locale, "question-cancelled"), "{}", run.stdout);
    assert_eq!(r[4], tr(locale, "deal-list-empty"), "{}", run.stdout);
}
in_both_languages_inv!(deal_form_cancelled);
