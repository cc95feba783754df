//! Settings: every environment variable of DESIGN.md, read and validated once at start-up.
//!
//! Parsing takes a plain map so tests never depend on the process environment. Every problem
//! is collected and reported at once, one plain sentence each. Secrets are `SecretString` and
//! never appear in `Debug` output or logs. An empty value counts as unset (as in `.env.example`).

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::crypto::{KeyParseError, Keyring};

mod ai_fallback;
mod smtp;
pub use ai_fallback::{AiFallback, AiFallbackKind};
pub use smtp::Smtp;
mod hardening;
pub use hardening::{Limits, Rate, Timeouts};

/// The variables of DESIGN.md's table, typed.
#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    pub database_url: Option<SecretString>,
    pub data_dir: PathBuf,
    pub http_addr: SocketAddr,
    pub public_url: Url,
    pub metrics_addr: SocketAddr,
    pub telegram: Telegram,
    pub discord: Discord,
    pub openai: OpenAi,
    /// `AI_FALLBACK_*`: the provider asked when the primary one fails.
    pub ai_fallback: Option<AiFallback>,
    pub stripe: Stripe,
    pub google: Google,
    pub tiktok: TikTok,
    pub instagram: Instagram,
    /// `TOKEN_ENCRYPTION_KEYS` as written; `None` in development means "generate into the data dir".
    pub token_encryption_keys: Option<SecretString>,
    pub plans_file: Option<PathBuf>,
    /// `BILLING_GRACE_DAYS` (default 7): days a paid plan stays after a failed payment.
    pub billing_grace_days: u32,
    pub operator_ids: Vec<OperatorId>,
    pub log_format: LogFormat,
    /// `SENTRY_DSN`: where internal errors are reported (any Sentry-compatible server); `None`:
    /// not reported. Kept secret: the DSN carries the project's key.
    pub sentry_dsn: Option<SecretString>,
    /// `SMTP_*`: where `/invoice send` mails invoices; `None` when not configured.
    pub smtp: Option<Smtp>,
    /// `PRIVACY_CONTACT`: who creators write to about their data (an email or a URL).
    pub privacy_contact: Option<String>,
    /// Rate limits, trusted proxies and the shutdown grace period (`settings/hardening.rs`).
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `platform:id`, e.g. `telegram:12345` or `console:alex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorId {
    pub platform: String,
    pub external_id: String,
}

#[derive(Debug, Clone)]
pub struct Telegram {
    pub bot_token: Option<SecretString>,
    pub api_url: Url,
    pub webhook: Option<TelegramWebhook>,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone)]
pub struct TelegramWebhook {
    pub url: Url,
    pub secret: SecretString,
}

#[derive(Debug, Clone)]
pub struct Discord {
    pub bot_token: Option<SecretString>,
    pub application_id: Option<u64>,
    /// Ed25519 public key, 32 bytes (validated hex).
    pub public_key: Option<[u8; 32]>,
    pub guild_id: Option<u64>,
    pub api_url: Url,
    pub timeouts: Timeouts,
    /// `DISCORD_SHARDS`: the gateway shards this instance runs (`None`: shard 0 of 1).
    pub shards: Option<ShardRange>,
}

/// Gateway shards `first..=last` of `total` (`DISCORD_SHARDS=first..last/total`, both ends
/// included), so instances can split a bot's shards between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// `first..last/total` with `first <= last < total`.
    pub fn parse(value: &str) -> Option<ShardRange> {
        let (range, total) = value.trim().split_once('/')?;
        let (first, last) = range.split_once("..")?;
        let range = ShardRange {
            first: first.trim().parse().ok()?,
            last: last.trim().parse().ok()?,
            total: total.trim().parse().ok()?,
        };
        (range.first <= range.last && range.last < range.total).then_some(range)
    }
}

#[derive(Debug, Clone)]
pub struct OpenAi {
    pub base_url: Url,
    pub api_key: Option<SecretString>,
    pub model: String,
    /// `AI_DAILY_TOKEN_BUDGET`: tokens every account together may spend per UTC day (`None`:
    /// no cap). Past it, `/ideas` says "back tomorrow" and gives data-driven ideas.
    pub daily_token_budget: Option<u64>,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone)]
pub struct Stripe {
    pub api_url: Url,
    pub secret_key: Option<SecretString>,
    pub webhook_secret: Option<SecretString>,
    pub timeouts: Timeouts,
}

/// A provider's OAuth client and endpoints.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub auth_url: Url,
    pub token_url: Url,
}

#[derive(Debug, Clone)]
pub struct Google {
    pub oauth: OAuthClient,
    pub revoke_url: Url,
    pub youtube_api_url: Url,
    pub youtube_analytics_api_url: Url,
    /// `YOUTUBE_DAILY_QUOTA`: YouTube Data API units all creators and instances may spend per
    /// Pacific day (default 10,000, Google's default project quota).
    pub youtube_daily_quota: u64,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone)]
pub struct TikTok {
    pub oauth: OAuthClient,
    pub revoke_url: Url,
    pub api_url: Url,
    pub timeouts: Timeouts,
}

#[derive(Debug, Clone)]
pub struct Instagram {
    pub oauth: OAuthClient,
    pub api_url: Url,
    pub timeouts: Timeouts,
}

/// Every problem found, one sentence each.
#[derive(Debug)]
pub struct SettingsError(pub Vec<String>);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "The configuration has {} problem(s):", self.0.len())?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsError {}

impl Settings {
    /// Reads the process environment (after `.env`, which `main` loads).
    pub fn from_process_env() -> Result<Settings, SettingsError> {
        Settings::from_map(&std::env::vars().collect())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Settings, SettingsError> {
        let mut r = Reader {
            vars,
            problems: Vec::new(),
        };
        let environment = match r.text("CREATORPILOT_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                r.problem(format!(
                    "CREATORPILOT_ENV is \"{other}\": use development or production."
                ));
                Environment::Development
            }
        };
        let production = environment == Environment::Production;

        let http_addr = r.addr("HTTP_ADDR", "127.0.0.1:8080");
        let metrics_addr = r.addr("METRICS_ADDR", "127.0.0.1:9090");
        let data_dir = r
            .text("CREATORPILOT_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_data_dir(vars));

        let timeouts = r.timeouts();
        let telegram = Telegram {
            timeouts,
            bot_token: r.secret("TELEGRAM_BOT_TOKEN"),
            api_url: r.url("TELEGRAM_API_URL", "https://api.telegram.org"),
            webhook: r.telegram_webhook(),
        };
        let discord = Discord {
            timeouts,
            bot_token: r.secret("DISCORD_BOT_TOKEN"),
            application_id: r.snowflake("DISCORD_APPLICATION_ID"),
            public_key: r.discord_public_key(),
            guild_id: r.snowflake("DISCORD_GUILD_ID"),
            api_url: r.url("DISCORD_API_URL", "https://discord.com"),
            shards: r.discord_shards(),
        };
        let openai = OpenAi {
            timeouts,
            base_url: r.url("OPENAI_BASE_URL", "https://api.openai.com/v1"),
            api_key: r.secret("OPENAI_API_KEY"),
            model: r
                .text("OPENAI_MODEL")
                .unwrap_or_else(|| "gpt-4o-mini".to_owned()),
            daily_token_budget: r.count("AI_DAILY_TOKEN_BUDGET"),
        };
        let ai_fallback = r.ai_fallback();
        let stripe = Stripe {
            timeouts,
            api_url: r.url("STRIPE_API_URL", "https://api.stripe.com"),
            secret_key: r.secret("STRIPE_SECRET_KEY"),
            webhook_secret: r.secret("STRIPE_WEBHOOK_SECRET"),
        };
        let google = Google {
            timeouts,
            oauth: r.oauth(
                "GOOGLE",
                "https://accounts.google.com/o/oauth2/v2/auth",
                "https://oauth2.googleapis.com/token",
            ),
            revoke_url: r.url("GOOGLE_REVOKE_URL", "https://oauth2.googleapis.com/revoke"),
            youtube_api_url: r.url("YOUTUBE_API_URL", "https://www.googleapis.com"),
            youtube_analytics_api_url: r.url(
                "YOUTUBE_ANALYTICS_API_URL",
                "https://youtubeanalytics.googleapis.com",
            ),
            youtube_daily_quota: r.count("YOUTUBE_DAILY_QUOTA").unwrap_or(10_000),
        };
        let tiktok = TikTok {
            timeouts,
            oauth: r.oauth_named(
                ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
                (
                    "TIKTOK_AUTH_URL",
                    "https://www.tiktok.com/v2/auth/authorize/",
                ),
                (
                    "TIKTOK_TOKEN_URL",
                    "https://open.tiktokapis.com/v2/oauth/token/",
                ),
            ),
            revoke_url: r.url(
                "TIKTOK_REVOKE_URL",
                "https://open.tiktokapis.com/v2/oauth/revoke/",
            ),
            api_url: r.url("TIKTOK_API_URL", "https://open.tiktokapis.com"),
        };
        let instagram = Instagram {
            timeouts,
            oauth: r.oauth_named(
                ("INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"),
                (
                    "INSTAGRAM_AUTH_URL",
                    "https://www.instagram.com/oauth/authorize",
                ),
                (
                    "INSTAGRAM_TOKEN_URL",
                    "https://api.instagram.com/oauth/access_token",
                ),
            ),
            api_url: r.url("INSTAGRAM_API_URL", "https://graph.instagram.com"),
        };

        let token_encryption_keys = r.secret("TOKEN_ENCRYPTION_KEYS");
        if let Some(keys) = &token_encryption_keys
            && let Err(error) = Keyring::parse(keys.expose_secret())
        {
            r.problem(key_problem(error));
        }

        let public_url_set = r.text("PUBLIC_URL").is_some();
        let default_public = format!("http://{http_addr}");
        let public_url = r.url("PUBLIC_URL", &default_public);
        let needs_public_url = [
            "GOOGLE_CLIENT_ID",
            "TIKTOK_CLIENT_KEY",
            "INSTAGRAM_APP_ID",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "TELEGRAM_WEBHOOK_URL",
            "DISCORD_PUBLIC_KEY",
        ]
        .iter()
        .any(|name| r.text(name).is_some());
        if production && needs_public_url {
            if !public_url_set {
                r.problem(
                    "PUBLIC_URL is required in production when OAuth, payments or webhooks are \
                     configured: set it to the https origin that reaches this server."
                        .to_owned(),
                );
            } else if public_url.scheme() != "https" {
                r.problem(format!(
                    "PUBLIC_URL is {public_url}: production needs an https origin."
                ));
            }
        }

        let operator_ids = r.operator_ids();
        let smtp = r.smtp();
        let privacy_contact = r.text("PRIVACY_CONTACT");
        let log_format = match r.text("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                r.problem(format!("LOG_FORMAT is \"{other}\": use text or json."));
                LogFormat::Text
            }
        };
        let sentry_dsn = r.secret("SENTRY_DSN");
        if let Some(dsn) = &sentry_dsn
            && dsn.expose_secret().parse::<sentry::types::Dsn>().is_err()
        {
            r.problem(
                "SENTRY_DSN is not a DSN: copy it from the project's settings, \
                 https://PUBLIC_KEY@HOST/PROJECT_ID."
                    .to_owned(),
            );
        }
        let plans_file = r.text("PLANS_FILE").map(PathBuf::from);
        let billing_grace_days = match r.text("BILLING_GRACE_DAYS") {
            None => 7,
            Some(value) => match value.parse::<u32>() {
                Ok(days) if days <= 60 => days,
                _ => {
                    r.problem(format!(
                        "BILLING_GRACE_DAYS is \"{value}\": write a number of days from 0 to 60."
                    ));
                    7
                }
            },
        };
        let database_url = r.secret("DATABASE_URL");
        let limits = r.limits();

        if production {
            if database_url.is_none() {
                r.problem(
                    "DATABASE_URL is required in production: the embedded database is for \
                     development only."
                        .to_owned(),
                );
            }
            match &token_encryption_keys {
                None => r.problem(
                    "TOKEN_ENCRYPTION_KEYS is required in production: set it to \
                     id:base64(32 random bytes), e.g. k1:$(openssl rand -base64 32)."
                        .to_owned(),
                ),
                Some(keys) => {
                    for weak in crate::crypto::weak_keys(keys.expose_secret()) {
                        r.problem(format!(
                            "TOKEN_ENCRYPTION_KEYS is too weak for production: {weak}"
                        ));
                    }
                }
            }
            if stripe.secret_key.is_some() && stripe.webhook_secret.is_none() {
                r.problem(
                    "STRIPE_WEBHOOK_SECRET is required in production when STRIPE_SECRET_KEY is \
                     set: copy it from the Stripe dashboard's webhook endpoint."
                        .to_owned(),
                );
            }
        }

        if !r.problems.is_empty() {
            return Err(SettingsError(r.problems));
        }
        Ok(Settings {
            environment,
            database_url,
            data_dir,
            http_addr,
            public_url,
            metrics_addr,
            telegram,
            discord,
            openai,
            ai_fallback,
            stripe,
            google,
            tiktok,
            instagram,
            token_encryption_keys,
            plans_file,
            billing_grace_days,
            operator_ids,
            log_format,
            sentry_dsn,
            smtp,
            privacy_contact,
            limits,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Whether `platform:id` may run operator-only commands.
    pub fn is_operator(&self, platform: &str, external_id: &str) -> bool {
        self.operator_ids
            .iter()
            .any(|op| op.platform == platform && op.external_id == external_id)
    }

    /// Every configured secret's value, for redaction: whatever reaches a log line or an error
    /// report is scrubbed of these (`telemetry`).
    pub fn secret_values(&self) -> Vec<String> {
        let mut secrets: Vec<&SecretString> = [
            &self.database_url,
            &self.token_encryption_keys,
            &self.telegram.bot_token,
            &self.discord.bot_token,
            &self.openai.api_key,
            &self.stripe.secret_key,
            &self.stripe.webhook_secret,
            &self.google.oauth.client_secret,
            &self.tiktok.oauth.client_secret,
            &self.instagram.oauth.client_secret,
            &self.sentry_dsn,
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(webhook) = &self.telegram.webhook {
            secrets.push(&webhook.secret);
        }
        if let Some(password) = self.smtp.as_ref().and_then(|s| s.password.as_ref()) {
            secrets.push(password);
        }
        let mut values: Vec<String> = secrets
            .into_iter()
            .map(|s| s.expose_secret().to_owned())
            .collect();
        // The database password on its own too.
        if let Some(password) = self
            .database_url
            .as_ref()
            .and_then(|u| Url::parse(u.expose_secret()).ok())
            .and_then(|u| u.password().map(str::to_owned))
        {
            values.push(password);
        }
        // Each key of TOKEN_ENCRYPTION_KEYS (`id:base64`) on its own too.
        if let Some(keys) = &self.token_encryption_keys {
            values.extend(
                keys.expose_secret()
                    .split(',')
                    .filter_map(|k| k.split_once(':'))
                    .map(|(_, key)| key.trim().to_owned()),
            );
        }
        values
    }

    /// `<data dir>/files`: the file store's root.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}

fn key_problem(error: KeyParseError) -> String {
    format!("TOKEN_ENCRYPTION_KEYS is invalid: {error}")
}

/// The user's data directory; as root `/var/lib/creatorpilot`.
fn default_data_dir(vars: &HashMap<String, String>) -> PathBuf {
    if crate::process::is_root() {
        return PathBuf::from("/var/lib/creatorpilot");
    }
    let non_empty = |name: &str| vars.get(name).filter(|v| !v.is_empty());
    if let Some(xdg) = non_empty("XDG_DATA_HOME") {
        return Path::new(xdg).join("creatorpilot");
    }
    if let Some(home) = non_empty("HOME") {
        return Path::new(home).join(".local/share/creatorpilot");
    }
    PathBuf::from(".creatorpilot")
}

struct Reader<'a> {
    vars: &'a HashMap<String, String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn problem(&mut self, sentence: String) {
        self.problems.push(sentence);
    }

    fn text(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn secret(&self, name: &str) -> Option<SecretString> {
        self.text(name).map(SecretString::from)
    }

    fn addr(&mut self, name: &str, default: &str) -> SocketAddr {
        let value = self.text(name).unwrap_or_else(|| default.to_owned());
        match value.parse() {
            Ok(addr) => addr,
            Err(_) => {
                self.problem(format!(
                    "{name} is \"{value}\": write an address and port such as {default}."
                ));
                default
                    .parse()
                    .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)))
            }
        }
    }

    fn url(&mut self, name: &str, default: &str) -> Url {
        let value = self.text(name).unwrap_or_else(|| default.to_owned());
        match Url::parse(&value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            _ => {
                self.problem(format!(
                    "{name} is \"{value}\": write a full http(s) URL such as {default}."
                ));
                Url::parse(default).unwrap_or_else(|_| unreachable_url())
            }
        }
    }

    /// A whole number ≥ 1, or unset.
    fn count(&mut self, name: &str) -> Option<u64> {
        let value = self.text(name)?;
        match value.replace('_', "").parse::<u64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.problem(format!(
                    "{name} is \"{value}\": write a whole number above 0, such as 2000000."
                ));
                None
            }
        }
    }

    fn snowflake(&mut self, name: &str) -> Option<u64> {
        let value = self.text(name)?;
        match value.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                self.problem(format!(
                    "{name} is \"{value}\": it must be the numeric id copied from Discord."
                ));
                None
            }
        }
    }

    fn discord_shards(&mut self) -> Option<ShardRange> {
        let value = self.text("DISCORD_SHARDS")?;
        let range = ShardRange::parse(&value);
        if range.is_none() {
            self.problem(format!(
                "DISCORD_SHARDS is \"{value}\": write first..last/total, such as 0..1/4 for \
                 shards 0 and 1 of 4 (last below total), or leave it unset for one shard."
            ));
        }
        range
    }

    fn discord_public_key(&mut self) -> Option<[u8; 32]> {
        let value = self.text("DISCORD_PUBLIC_KEY")?;
        let bytes = decode_hex(&value).and_then(|b| <[u8; 32]>::try_from(b).ok());
        if bytes.is_none() {
            self.problem(
                "DISCORD_PUBLIC_KEY must be the 64 hexadecimal characters shown as \"Public Key\" \
                 in the Discord developer portal."
                    .to_owned(),
            );
        }
        bytes
    }

    fn telegram_webhook(&mut self) -> Option<TelegramWebhook> {
        let url = self.text("TELEGRAM_WEBHOOK_URL");
        let secret = self.secret("TELEGRAM_WEBHOOK_SECRET");
        match (url, secret) {
            (None, None) => None,
            (Some(url), Some(secret)) => {
                let parsed = self.url(
                    "TELEGRAM_WEBHOOK_URL",
                    "https://example.org/telegram/webhook",
                );
                if !url.ends_with("/telegram/webhook") {
                    self.problem(
                        "TELEGRAM_WEBHOOK_URL must end in /telegram/webhook, the path this server \
                         answers."
                            .to_owned(),
                    );
                }
                let valid_secret = secret.expose_secret().len() <= 256
                    && secret
                        .expose_secret()
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !valid_secret {
                    self.problem(
                        "TELEGRAM_WEBHOOK_SECRET may only hold 1-256 letters, digits, _ and -."
                            .to_owned(),
                    );
                }
                Some(TelegramWebhook {
                    url: parsed,
                    secret,
                })
            }
            (Some(_), None) => {
                self.problem(
                    "TELEGRAM_WEBHOOK_URL is set without TELEGRAM_WEBHOOK_SECRET: set both for \
                     webhook mode, or neither for long polling."
                        .to_owned(),
                );
                None
            }
            (None, Some(_)) => {
                self.problem(
                    "TELEGRAM_WEBHOOK_SECRET is set without TELEGRAM_WEBHOOK_URL: set both for \
                     webhook mode, or neither for long polling."
                        .to_owned(),
                );
                None
            }
        }
    }

    fn oauth(&mut self, prefix: &str, auth: &str, token: &str) -> OAuthClient {
        self.oauth_named(
            (
                &format!("{prefix}_CLIENT_ID"),
                &format!("{prefix}_CLIENT_SECRET"),
            ),
            (&format!("{prefix}_AUTH_URL"), auth),
            (&format!("{prefix}_TOKEN_URL"), token),
        )
    }

    fn oauth_named(
        &mut self,
        (id_name, secret_name): (&str, &str),
        (auth_name, auth_default): (&str, &str),
        (token_name, token_default): (&str, &str),
    ) -> OAuthClient {
        let client_id = self.text(id_name);
        let client_secret = self.secret(secret_name);
        if client_id.is_some() != client_secret.is_some() {
            self.problem(format!(
                "{id_name} and {secret_name} go together: set both to connect this provider, or \
                 neither."
            ));
        }
        OAuthClient {
            client_id,
            client_secret,
            auth_url: self.url(auth_name, auth_default),
            token_url: self.url(token_name, token_default),
        }
    }

    fn operator_ids(&mut self) -> Vec<OperatorId> {
        let Some(list) = self.text("OPERATOR_IDS") else {
            return Vec::new();
        };
        let mut ids = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item.split_once(':') {
                Some((platform, id))
                    if matches!(platform, "discord" | "telegram" | "console") && !id.is_empty() =>
                {
                    ids.push(OperatorId {
                        platform: platform.to_owned(),
                        external_id: id.to_owned(),
                    });
                }
                _ => self.problem(format!(
                    "OPERATOR_IDS has \"{item}\": write platform:id with platform discord, \
                     telegram or console, e.g. telegram:123456789."
                )),
            }
        }
        ids
    }
}

/// A URL that always parses; only used as a placeholder after a reported problem.
fn unreachable_url() -> Url {
    #[expect(clippy::expect_used, reason = "a constant URL that parses")]
    Url::parse("http://127.0.0.1/").expect("constant URL")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(super) fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_are_the_production_origins() {
        let s = Settings::from_map(&vars(&[("CREATORPILOT_DATA_DIR", "/tmp/x")])).unwrap();
        assert_eq!(s.telegram.api_url.as_str(), "https://api.telegram.org/");
        assert_eq!(s.openai.base_url.as_str(), "https://api.openai.com/v1");
        assert_eq!(s.openai.model, "gpt-4o-mini");
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(s.metrics_addr.to_string(), "127.0.0.1:9090");
        assert!(s.telegram.webhook.is_none());
        assert_eq!(s.google.youtube_daily_quota, 10_000);
    }

    #[test]
    fn the_youtube_quota_budget_is_configurable() {
        let s = Settings::from_map(&vars(&[("YOUTUBE_DAILY_QUOTA", "50_000")])).unwrap();
        assert_eq!(s.google.youtube_daily_quota, 50_000);
        let err = Settings::from_map(&vars(&[("YOUTUBE_DAILY_QUOTA", "lots")])).unwrap_err();
        assert!(err.to_string().contains("YOUTUBE_DAILY_QUOTA"), "{err}");
    }

    #[test]
    fn discord_shards_name_a_range_of_the_total() {
        let s = Settings::from_map(&vars(&[("DISCORD_SHARDS", "2..3/4")])).unwrap();
        let range = ShardRange {
            first: 2,
            last: 3,
            total: 4,
        };
        assert_eq!(s.discord.shards, Some(range));
        let unset = Settings::from_map(&vars(&[])).unwrap();
        assert_eq!(unset.discord.shards, None);
        for bad in ["4", "0..4/4", "3..2/4", "a..b/c", "0-1/2"] {
            let err = Settings::from_map(&vars(&[("DISCORD_SHARDS", bad)])).unwrap_err();
            assert!(
                err.to_string().contains("first..last/total"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = Settings::from_map(&vars(&[
            ("HTTP_ADDR", "nope"),
            ("TELEGRAM_WEBHOOK_URL", "https://x.org/telegram/webhook"),
            ("LOG_FORMAT", "xml"),
            ("OPERATOR_IDS", "slack:1"),
            ("GOOGLE_CLIENT_ID", "abc"),
        ]))
        .unwrap_err();
        assert_eq!(err.0.len(), 5, "{err}");
        assert!(err.to_string().contains("TELEGRAM_WEBHOOK_SECRET"));
    }

    #[test]
    fn production_requires_secrets_and_https() {
        let err = Settings::from_map(&vars(&[
            ("CREATORPILOT_ENV", "production"),
            ("PUBLIC_URL", "http://bot.example.org"),
            ("STRIPE_SECRET_KEY", "sk_test_1"),
        ]))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("DATABASE_URL"), "{text}");
        assert!(text.contains("TOKEN_ENCRYPTION_KEYS"), "{text}");
        assert!(text.contains("https"), "{text}");
        assert!(text.contains("STRIPE_WEBHOOK_SECRET"), "{text}");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let s =
            Settings::from_map(&vars(&[("TELEGRAM_BOT_TOKEN", "123:very-secret-token")])).unwrap();
        assert!(!format!("{s:?}").contains("very-secret-token"));
    }

    #[test]
    fn empty_values_count_as_unset() {
        let s = Settings::from_map(&vars(&[
            ("TELEGRAM_BOT_TOKEN", ""),
            ("TELEGRAM_API_URL", ""),
            ("DATABASE_URL", ""),
        ]))
        .unwrap();
        assert!(s.telegram.bot_token.is_none());
        assert!(s.database_url.is_none());
    }

    #[test]
    fn the_grace_period_defaults_to_a_week_and_is_bounded() {
        let s = Settings::from_map(&vars(&[])).unwrap();
        assert_eq!(s.billing_grace_days, 7);
        let s = Settings::from_map(&vars(&[("BILLING_GRACE_DAYS", "0")])).unwrap();
        assert_eq!(s.billing_grace_days, 0);
        for bad in ["61", "-1", "a week"] {
            let err = Settings::from_map(&vars(&[("BILLING_GRACE_DAYS", bad)])).unwrap_err();
            assert!(err.to_string().contains("BILLING_GRACE_DAYS"), "{err}");
        }
    }

    #[test]
    fn the_stripe_client_keeps_its_key_out_of_debug_output() {
        let s = Settings::from_map(&vars(&[("STRIPE_SECRET_KEY", "sk_test_very_secret")])).unwrap();
        let client = crate::clients::stripe::StripeClient::from_settings(&s.stripe)
            .unwrap()
            .unwrap();
        assert!(!format!("{client:?} {s:?}").contains("very_secret"));
    }

    #[test]
    fn operators_are_parsed() {
        let s =
            Settings::from_map(&vars(&[("OPERATOR_IDS", "console:alex, telegram:42")])).unwrap();
        assert!(s.is_operator("console", "alex"));
        assert!(s.is_operator("telegram", "42"));
        assert!(!s.is_operator("discord", "42"));
    }
}
