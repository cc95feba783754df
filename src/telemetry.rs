//! Logs and error reports: the tracing subscriber (`LOG_FORMAT` text or json, on stderr), the
//! optional Sentry client (`SENTRY_DSN`, rustls transport), and the spans that tie log lines to
//! what caused them: `request` (one incoming update, interaction, console line or HTTP request;
//! field `request_id`) and `job` (one job run; fields `job_id`, `kind`).
//!
//! Secrets: code never logs a token, key or OAuth code on purpose; as a second line of defence
//! every log line and every Sentry event is scrubbed of each configured secret value
//! (`Settings::secret_values`) before it leaves the process. Depends on `settings` only.

use std::io::Write;
use std::sync::Arc;

use rand::Rng;
use secrecy::ExposeSecret;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::settings::{LogFormat, Settings};

/// What replaces a secret in a log line or an error report.
pub const REDACTED: &str = "[redacted]";

/// Secret values shorter than this are not scrubbed (they would shred ordinary words); no real
/// token or key is that short.
const MIN_SECRET_LEN: usize = 6;

/// Replaces every configured secret value in a text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret containing another is replaced whole.
    secrets: Vec<String>,
}

impl Redactor {
    pub fn new(mut secrets: Vec<String>) -> Redactor {
        secrets.retain(|s| s.len() >= MIN_SECRET_LEN);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    }
}

/// stderr, scrubbed. The fmt layer formats a whole event and writes it in one call, so each
/// write is one complete line and no secret is split across two writes.
#[derive(Clone)]
struct RedactingStderr(Arc<Redactor>);

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter;

    fn make_writer(&'a self) -> RedactingWriter {
        RedactingWriter(self.0.clone())
    }
}

struct RedactingWriter(Arc<Redactor>);

impl Write for RedactingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr()
            .lock()
            .write_all(self.0.redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Keeps the Sentry client alive; dropping it flushes pending events (up to two seconds).
pub struct Guard {
    _sentry: Option<sentry::ClientInitGuard>,
}

/// Installs logging and, when `SENTRY_DSN` is set, error reporting. `quiet` (the console and
/// one-shot tools) logs warnings and errors only unless `RUST_LOG` says otherwise.
pub fn init(settings: &Settings, quiet: bool) -> Guard {
    let redactor = Arc::new(Redactor::new(settings.secret_values()));
    let default = if quiet { "warn" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let writer = RedactingStderr(redactor.clone());
    let fmt = match settings.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(writer)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().with_writer(writer).boxed(),
    };
    let sentry = settings
        .sentry_dsn
        .as_ref()
        .map(|dsn| start_sentry(dsn.expose_secret(), settings, redactor));
    let sentry_layer = sentry.as_ref().map(|_| {
        sentry::integrations::tracing::layer().event_filter(|metadata| match *metadata.level() {
            tracing::Level::ERROR => sentry::integrations::tracing::EventFilter::Event,
            tracing::Level::WARN => sentry::integrations::tracing::EventFilter::Breadcrumb,
            _ => sentry::integrations::tracing::EventFilter::Ignore,
        })
    });
    // A second init (tests building several apps in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(sentry_layer)
        .try_init();
    Guard { _sentry: sentry }
}

fn start_sentry(
    dsn: &str,
    settings: &Settings,
    redactor: Arc<Redactor>,
) -> sentry::ClientInitGuard {
    let environment = if settings.is_production() {
        "production"
    } else {
        "development"
    };
    sentry::init((
        dsn,
        sentry::ClientOptions {
            release: sentry::release_name!(),
            environment: Some(environment.into()),
            // No IP addresses, user names or request bodies.
            send_default_pii: false,
            before_send: Some(Arc::new(move |event| scrub(&redactor, event))),
            before_breadcrumb: None,
            ..Default::default()
        },
    ))
}

/// The event with every configured secret replaced, wherever it sits (message, exception,
/// extra fields, breadcrumbs); dropped when it cannot be scrubbed.
fn scrub(
    redactor: &Redactor,
    event: sentry::protocol::Event<'static>,
) -> Option<sentry::protocol::Event<'static>> {
    let json = serde_json::to_string(&event).ok()?;
    serde_json::from_str(&redactor.redact(&json)).ok()
}

/// A short random id for a request or a log correlation (16 hex characters).
pub fn new_id() -> String {
    format!("{:016x}", rand::rng().random::<u64>())
}

/// The span of one incoming request: an update, an interaction, a console line, an HTTP call.
/// `source` names where it came from (`telegram`, `discord`, `console`, `http`).
pub fn request_span(source: &'static str) -> tracing::Span {
    request_span_with_id(source, &new_id())
}

/// A request span whose id the caller also uses elsewhere (an HTTP response header).
pub fn request_span_with_id(source: &'static str, request_id: &str) -> tracing::Span {
    tracing::info_span!("request", request_id, source)
}

/// The span of one job run.
pub fn job_span(job_id: i64, kind: &str) -> tracing::Span {
    tracing::info_span!("job", job_id, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configured_secret_is_replaced_longest_first() {
        let r = Redactor::new(vec![
            "sk_test_abcdef".into(),
            "sk_test_abcdef_more".into(),
            "tiny".into(),
        ]);
        assert_eq!(
            r.redact("key sk_test_abcdef_more and sk_test_abcdef, tiny stays"),
            "key [redacted] and [redacted], tiny stays"
        );
    }

    #[test]
    fn request_ids_differ() {
        assert_ne!(new_id(), new_id());
        assert_eq!(new_id().len(), 16);
    }
}
