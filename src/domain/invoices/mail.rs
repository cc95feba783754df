//! Invoices mailed to brands: `/invoice send N [email]` and, for deals that opted in, the polite
//! reminder that goes with an overdue reminder. The stored PDF is attached as it was issued (a
//! Factur-X invoice is that one PDF/A-3 file with its XML inside: the XML is not attached twice).
//! Written in the invoice's own language, from the creator's name at `SMTP_FROM`, with the
//! creator's email as Reply-To so the brand answers them, not us.
//!
//! A message the server accepted may still bounce later; bounces arrive by mail to `SMTP_FROM`,
//! which the product does not read. May depend on `db/`, `clients/` and `i18n`.

use crate::app::App;
use crate::bot::Attachment;
use crate::clients::mail::{self, Mail, MailError};
use crate::db::invoices::Invoice;
use crate::domain::invoices::document::date;
use crate::domain::invoices::money::format_stored;
use crate::domain::invoices::{Kind, Snapshot, file_stem};
use crate::i18n::{Msg, msg};

/// What the mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The invoice itself.
    Invoice,
    /// A reminder that it is past due.
    Reminder,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("SMTP is not configured")]
    NotConfigured,
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// An issued invoice's snapshot and its stored PDF, named as it was when issued.
pub async fn stored_pdf(app: &App, i: &Invoice) -> anyhow::Result<(Snapshot, Attachment)> {
    let key = i
        .pdf_url
        .clone()
        .ok_or_else(|| anyhow::anyhow!("invoice {} has no PDF", i.number))?;
    let bytes = app
        .files
        .get(&key)
        .await
        .map_err(|e| anyhow::Error::new(e).context("reading an invoice PDF"))?;
    let snapshot: Snapshot = serde_json::from_value(i.snapshot.clone())?;
    let pdf = Attachment {
        file_name: format!("{}.pdf", file_stem(&snapshot)),
        mime_type: "application/pdf".into(),
        bytes,
    };
    Ok((snapshot, pdf))
}

/// The message for `to`, in the invoice's language.
pub fn compose(
    i18n: &crate::i18n::I18n,
    i: &Invoice,
    snapshot: &Snapshot,
    pdf: Attachment,
    to: &str,
    purpose: Purpose,
) -> Mail {
    let l = snapshot.language;
    let issuer = snapshot.issuer.legal_name.clone();
    let kind = match snapshot.kind {
        Kind::Invoice => "invoice",
        Kind::CreditNote => "credit",
    };
    let with_args = |m: Msg| {
        m.arg("number", &i.number)
            .arg("issuer", &issuer)
            .arg("kind", kind)
            .arg("total", format_stored(i.total_ttc_minor, &i.currency, l))
            .arg("due", date(i.due_date, l))
    };
    let (subject, body) = match purpose {
        Purpose::Invoice => ("invoice-mail-subject", "invoice-mail-body"),
        Purpose::Reminder => (
            "invoice-mail-reminder-subject",
            "invoice-mail-reminder-body",
        ),
    };
    Mail {
        from_name: issuer.clone(),
        reply_to: snapshot.issuer.email.clone(),
        to: to.trim().to_owned(),
        subject: i18n.render(l, &with_args(msg(subject))),
        body: i18n.render(l, &with_args(msg(body))),
        files: vec![pdf],
    }
}

/// Mails invoice `i` to `to`; on success marks it sent (with today's date and the address).
pub async fn send(app: &App, i: &Invoice, to: &str, purpose: Purpose) -> Result<(), SendError> {
    let smtp = app.settings.smtp.as_ref().ok_or(SendError::NotConfigured)?;
    let (snapshot, pdf) = stored_pdf(app, i).await?;
    let message = compose(&app.i18n, i, &snapshot, pdf, to, purpose);
    mail::send(smtp, &message).await?;
    if purpose == Purpose::Invoice {
        crate::db::invoices::mark_sent_to(&app.db, i.id, to.trim())
            .await
            .map_err(anyhow::Error::from)?;
    }
    tracing::info!(invoice = %i.id, ?purpose, "invoice mailed");
    Ok(())
}

/// The server's refusal, short enough for a chat message.
pub fn short_reason(reason: &str) -> String {
    const MAX: usize = 200;
    let reason = reason.trim();
    if reason.chars().count() <= MAX {
        reason.to_owned()
    } else {
        reason.chars().take(MAX - 1).collect::<String>() + "…"
    }
}
