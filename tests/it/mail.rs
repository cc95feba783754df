//! Invoices emailed to brands (issue 11): a real SMTP server (aiosmtpd, STARTTLS with a
//! self-signed certificate, AUTH) on 127.0.0.1 receives what `/invoice send` and the brand
//! reminders send; Python's own MIME parser decodes it. Headers, language and the attachment's
//! bytes are checked, and refusals leave the invoice unsent.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Datelike;
use creatorpilot::i18n::{I18n, Locale, msg};
use serde_json::Value;

use crate::invoices::{FR_PROFILE, Sent, deal_line, dispatch, drain};
use crate::support::*;

/// A running SMTP server and the directory its messages land in.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let status = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            // A server certificate, not a CA: rustls refuses a CA certificate as the server's.
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .args(["-addext", "extendedKeyUsage=serverAuth"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs (scripts/test installs it)");
        assert!(status.success());
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/mail/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args([&cert, &key, &out])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the SMTP server did not start (aiosmtpd installed?): {line:?}")
        });
        SmtpServer { child, port, dir }
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "SMTP_URL".into(),
                format!("smtp://mailer:s3cret@127.0.0.1:{}", self.port),
            ),
            ("SMTP_FROM".into(), "invoices@creatorpilot.test".into()),
            (
                "SMTP_CA_FILE".into(),
                self.dir.path().join("cert.pem").display().to_string(),
            ),
        ]
    }

    /// The decoded messages received so far, oldest first.
    fn messages(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p.with_extension("json")).unwrap())
                    .unwrap()
            })
            .collect()
    }

    fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{} messages received",
                messages.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = stdin.flush();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn i18n() -> &'static I18n {
    static I: std::sync::LazyLock<I18n> = std::sync::LazyLock::new(|| I18n::load().unwrap());
    &I
}

fn attachment_bytes(message: &Value, n: usize) -> Vec<u8> {
    std::fs::read(message["attachments"][n]["path"].as_str().unwrap()).unwrap()
}

async fn status_of(pool: &sqlx::PgPool, number: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, sent_to FROM invoices WHERE number = $1")
        .bind(number)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A French creator sends the invoice from the console: the brand's billing address receives it
/// in French, from the creator's name, replies going to the creator, the PDF byte for byte; an
/// English-speaking creator abroad sends theirs in English to an address typed in the command.
#[tokio::test]
async fn an_invoice_reaches_the_brands_inbox_in_the_invoice_language() {
    let smtp = SmtpServer::start();
    let env = smtp.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let h = ConsoleHarness::new().await;
    h.accept_policy("alex").await;
    let number = format!("{}-0001", chrono::Utc::now().year());
    let lines = [
        FR_PROFILE.to_owned(),
        deal_line(),
        "/invoice create 1".to_owned(),
        format!("/invoice send {number}"),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut input = lines.join("\n");
    input.push('\n');
    let run = h.run(&["--user", "alex", "--lang", "en"], input.as_bytes(), &env);
    let sent = i18n().render(
        Locale::En,
        &msg("invoice-sent-by-email")
            .arg("number", &number)
            .arg("email", "billing@nord.example")
            .arg(
                "date",
                creatorpilot::domain::invoices::document::date(
                    chrono::Utc::now().date_naive(),
                    Locale::En,
                ),
            ),
    );
    assert!(run.stdout.contains(&sent), "{}", run.stdout);

    let messages = smtp.wait_for(1);
    let m = &messages[0];
    assert_eq!(m["tls"], true, "STARTTLS before the message: {m}");
    assert_eq!(m["authenticated"], true, "{m}");
    assert_eq!(m["mail_from"], "invoices@creatorpilot.test");
    assert_eq!(m["rcpt_tos"], serde_json::json!(["billing@nord.example"]));
    assert_eq!(m["from"], "Alex Martin EI <invoices@creatorpilot.test>");
    assert_eq!(m["reply_to"], "Alex Martin EI <alex@example.fr>");
    assert_eq!(m["to"], "billing@nord.example");
    // A French issuer: the mail is in French, like the invoice, whatever the chat's language.
    assert_eq!(m["subject"], format!("Facture {number} — Alex Martin EI"));
    let body = m["body"].as_str().unwrap();
    assert!(body.starts_with("Bonjour,"), "{body}");
    assert!(body.contains(&format!("la facture {number}")), "{body}");
    assert!(body.contains("Alex Martin EI"), "{body}");
    assert_eq!(m["attachments"].as_array().unwrap().len(), 1, "{m}");
    assert_eq!(m["attachments"][0]["content_type"], "application/pdf");
    assert_eq!(
        m["attachments"][0]["filename"],
        format!("facture-{number}.pdf")
    );
    let pdf = std::fs::read(run.files_dir.join(format!("facture-{number}.pdf"))).unwrap();
    assert_eq!(attachment_bytes(m, 0), pdf, "the stored PDF, byte for byte");
    assert_eq!(
        status_of(&h.db.pool, &number).await,
        ("sent".to_owned(), Some("billing@nord.example".to_owned()))
    );

    // An English-speaking creator abroad, to an address given in the command.
    let h = ConsoleHarness::new().await;
    h.accept_policy("sam").await;
    let lines = [
        r#"/profile name="Sam Studio" address="1 Main St, Austin TX" country=US vat=franchise email=sam@studio.example"#.to_owned(),
        "/deal add brand=Acme amount=800 currency=USD type=short".to_owned(),
        "/invoice create 1".to_owned(),
        format!("/invoice send {number} ap@acme.example"),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut input = lines.join("\n");
    input.push('\n');
    let run = h.run(&["--user", "sam"], input.as_bytes(), &env);
    let messages = smtp.wait_for(2);
    let m = &messages[1];
    assert_eq!(m["to"], "ap@acme.example", "{}", run.stdout);
    assert_eq!(m["subject"], format!("Invoice {number} from Sam Studio"));
    assert!(m["body"].as_str().unwrap().starts_with("Hello,"), "{m}");
    assert!(m["body"].as_str().unwrap().contains("$800.00"), "{m}");
    assert_eq!(
        m["attachments"][0]["filename"],
        format!("invoice-{number}.pdf")
    );
}

/// The server refuses the recipient: the creator reads why, and the invoice stays unsent. A
/// typed address that is not one is refused before anything is sent.
#[tokio::test]
async fn a_refused_recipient_leaves_the_invoice_unsent() {
    let smtp = SmtpServer::start();
    let env = smtp.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = app_with(&env).await;
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, "/invoice create 1").await;
    let number = format!("{}-0001", chrono::Utc::now().year());
    let r = dispatch(&t, &format!("/invoice send {number} reject@nord.example")).await;
    let text = r.texts().join("\n");
    let refused = i18n().render(
        Locale::En,
        &msg("invoice-send-refused")
            .arg("number", &number)
            .arg("email", "reject@nord.example")
            .arg("reason", "X"),
    );
    let (before, _) = refused.split_once('X').unwrap();
    assert!(text.starts_with(before), "{text}");
    assert!(
        text.contains("550"),
        "the server's own reason is shown: {text}"
    );
    let r = dispatch(&t, &format!("/invoice send {number} not-an-address")).await;
    assert_eq!(
        r.texts(),
        vec![i18n().render(
            Locale::En,
            &msg("invoice-send-bad-email").arg("value", "not-an-address")
        )]
    );
    assert!(smtp.messages().is_empty());
    assert_eq!(
        status_of(&t.db.pool, &number).await,
        ("issued".to_owned(), None)
    );
}

/// Without SMTP the command says so and hands over the PDF to forward by hand.
#[tokio::test]
async fn without_smtp_the_pdf_is_offered_to_forward_by_hand() {
    let t = app().await;
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, "/invoice create 1").await;
    let number = format!("{}-0001", chrono::Utc::now().year());
    let r = dispatch(&t, &format!("/invoice send {number}")).await;
    assert_eq!(
        r.texts(),
        vec![i18n().render(
            Locale::En,
            &msg("invoice-send-no-smtp").arg("number", &number)
        )]
    );
    let replies = r.replies.lock().unwrap().clone();
    assert_eq!(replies[0].attachments.len(), 1);
    assert_eq!(replies[0].attachments[0].mime_type, "application/pdf");
    assert_eq!(
        status_of(&t.db.pool, &number).await,
        ("issued".to_owned(), None)
    );
}

/// Overdue reminders mail the brand only for deals that opted in, politely, in the invoice's
/// language, and the creator's own reminder says so.
#[tokio::test]
async fn brand_reminders_are_opt_in_per_deal() {
    let smtp = SmtpServer::start();
    let env = smtp.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = app_with(&env).await;
    let sent = std::sync::Arc::new(Sent::default());
    t.app
        .notifiers
        .register(creatorpilot::bot::Platform::Telegram, sent.clone());
    dispatch(&t, FR_PROFILE).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, &deal_line()).await;
    dispatch(&t, "/invoice create 1").await;
    dispatch(&t, "/invoice create 2").await;
    let r = dispatch(&t, "/deal edit 1 remind_brand=yes").await;
    assert!(
        r.texts()[0].contains(&i18n().tr(Locale::En, "deal-remind-brand-on")),
        "{:?}",
        r.texts()
    );
    crate::invoices::make_overdue(&t).await;
    drain(&t).await;
    let messages = smtp.wait_for(1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(smtp.messages().len(), 1, "only the deal that opted in");
    let year = chrono::Utc::now().year();
    let m = &messages[0];
    assert_eq!(m["to"], "billing@nord.example");
    assert_eq!(
        m["subject"],
        format!("Relance : facture {year}-0001 de Alex Martin EI échue")
    );
    assert!(m["body"].as_str().unwrap().contains("reste impayée"), "{m}");
    let texts = sent.0.lock().unwrap().clone();
    let mailed = i18n().render(
        Locale::En,
        &msg("invoice-reminder-brand-mailed").arg("email", "billing@nord.example"),
    );
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(
        texts.iter().filter(|t| t.contains(&mailed)).count(),
        1,
        "{texts:?}"
    );

    // Opting in needs a billing email.
    dispatch(&t, "/deal add brand=Solo amount=100").await;
    let r = dispatch(&t, "/deal edit 3 remind_brand=yes").await;
    assert_eq!(
        r.texts(),
        vec![i18n().render(
            Locale::En,
            &msg("deal-remind-brand-needs-email").arg("number", 3_i64)
        )]
    );
}
