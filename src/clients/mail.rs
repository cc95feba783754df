//! Outgoing mail through SMTP (`lettre` over rustls with ring; STARTTLS required or implicit TLS,
//! never plain text), for invoices sent to brands. One connection per message: invoices are
//! sent one at a time, at a creator's request or by a reminder job.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::settings::Smtp;

/// Connecting, the TLS handshake and every SMTP exchange each give up after this.
const TIMEOUT: Duration = Duration::from_secs(30);

/// One message: plain-text body and attached files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Shown with `SMTP_FROM` in the `From` header.
    pub from_name: String,
    pub reply_to: Option<String>,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub files: Vec<crate::bot::Attachment>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server answered with a refusal (bad recipient, policy, quota…): its own words.
    #[error("the mail server refused the message: {0}")]
    Refused(String),
    /// No server to talk to, or the conversation broke (network, TLS, timeout).
    #[error("the mail server could not be reached: {0}")]
    Unreachable(String),
    /// An address or header we built is not valid (a bad recipient typed by the creator).
    #[error("invalid message: {0}")]
    Invalid(String),
}

/// Whether `address` is one email address, as SMTP will take it.
pub fn valid_address(address: &str) -> bool {
    address.trim().parse::<lettre::Address>().is_ok()
}

/// Sends `mail` through the configured server.
pub async fn send(smtp: &Smtp, mail: &Mail) -> Result<(), MailError> {
    let message = build(smtp, mail)?;
    let transport = transport(smtp).await?;
    transport.send(message).await.map_err(|e| {
        if e.is_permanent() || e.is_transient() {
            MailError::Refused(e.to_string())
        } else {
            MailError::Unreachable(e.to_string())
        }
    })?;
    Ok(())
}

fn build(smtp: &Smtp, mail: &Mail) -> Result<Message, MailError> {
    let invalid = |e: &dyn std::fmt::Display| MailError::Invalid(e.to_string());
    let address = |a: &str| a.trim().parse::<lettre::Address>().map_err(|e| invalid(&e));
    let mut builder = Message::builder()
        .from(Mailbox::new(
            Some(mail.from_name.clone()),
            address(&smtp.from)?,
        ))
        .to(Mailbox::new(None, address(&mail.to)?))
        .subject(mail.subject.clone());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(Mailbox::new(
            Some(mail.from_name.clone()),
            address(reply_to)?,
        ));
    }
    let mut body = MultiPart::mixed().singlepart(SinglePart::plain(mail.body.clone()));
    for file in &mail.files {
        let kind = ContentType::parse(&file.mime_type).map_err(|e| invalid(&e))?;
        body =
            body.singlepart(Attachment::new(file.file_name.clone()).body(file.bytes.clone(), kind));
    }
    builder.multipart(body).map_err(|e| invalid(&e))
}

async fn transport(smtp: &Smtp) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let unreachable = |e: &dyn std::fmt::Display| MailError::Unreachable(e.to_string());
    let mut tls = TlsParameters::builder(smtp.host.clone());
    if let Some(path) = &smtp.ca_file {
        let pem = tokio::fs::read(path)
            .await
            .map_err(|e| unreachable(&format!("SMTP_CA_FILE {}: {e}", path.display())))?;
        tls = tls.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| unreachable(&e))?);
    }
    let tls = tls.build_rustls().map_err(|e| unreachable(&e))?;
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .timeout(Some(TIMEOUT))
        .tls(if smtp.implicit_tls {
            Tls::Wrapper(tls)
        } else {
            Tls::Required(tls)
        });
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_owned(),
        ));
    }
    Ok(builder.build())
}
