//! `SMTP_*`: the mail server invoices are sent through (`/invoice send`), optional.
//!
//! `SMTP_URL` is `smtp://[user[:password]@]host[:port]` (STARTTLS required, port 587 by default)
//! or `smtps://…` (TLS from the first byte, port 465). Plain-text SMTP is not offered: invoices
//! carry bank details. `SMTP_USERNAME`/`SMTP_PASSWORD` override the URL's credentials;
//! `SMTP_FROM` is the address mail is sent from (the creator's name is shown with it and their
//! own email is the Reply-To); `SMTP_CA_FILE` adds a PEM root certificate to the built-in ones
//! (a company relay, the tests' self-signed server).

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::Reader;

#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// `smtps://`: TLS from the first byte; otherwise STARTTLS, required.
    pub implicit_tls: bool,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The envelope and `From` address.
    pub from: String,
    pub ca_file: Option<PathBuf>,
}

impl Reader<'_> {
    pub(super) fn smtp(&mut self) -> Option<Smtp> {
        let raw = self.secret("SMTP_URL")?;
        let example = "smtp://user:password@mail.example.org:587";
        let url = match Url::parse(raw.expose_secret()) {
            Ok(url) if matches!(url.scheme(), "smtp" | "smtps") && url.host_str().is_some() => url,
            _ => {
                self.problem(format!(
                    "SMTP_URL is not an smtp:// or smtps:// address: write it like {example}."
                ));
                return None;
            }
        };
        let implicit_tls = url.scheme() == "smtps";
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let username = self
            .text("SMTP_USERNAME")
            .or_else(|| Some(decode(url.username())).filter(|u| !u.is_empty()));
        let password = self
            .secret("SMTP_PASSWORD")
            .or_else(|| url.password().map(|p| SecretString::from(decode(p))));
        let Some(from) = self.text("SMTP_FROM") else {
            self.problem(
                "SMTP_URL is set but SMTP_FROM is not: set it to the address invoices are sent \
                 from, such as invoices@example.org."
                    .to_owned(),
            );
            return None;
        };
        if from.parse::<lettre::Address>().is_err() {
            self.problem(format!(
                "SMTP_FROM is \"{from}\": write one email address, such as invoices@example.org."
            ));
            return None;
        }
        Some(Smtp {
            host: url.host_str().unwrap_or_default().to_owned(),
            port: url.port().unwrap_or(if implicit_tls { 465 } else { 587 }),
            implicit_tls,
            username,
            password,
            from,
            ca_file: self.text("SMTP_CA_FILE").map(PathBuf::from),
        })
    }
}
