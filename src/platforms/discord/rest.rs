//! Discord REST: serenity's routes (paths, rate-limit buckets) and builders (JSON bodies), sent
//! by one reqwest client through our `RateLimiter`, to `DISCORD_API_URL`.
//!
//! We send the requests ourselves because the limiter needs every answer's headers and a 429's
//! body, which serenity's `Http` swallows into its error type.

use std::time::Duration;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use serenity::http::Route;

use crate::bot::Attachment;
use crate::platforms::discord::ratelimit::{GLOBAL_PER_SECOND, RateLimiter, observed};
use crate::platforms::shared_limits::{Limit, SharedLimiter};

/// The global limit as counted across instances.
const SHARED_GLOBAL: Limit = Limit::per_second(GLOBAL_PER_SECOND);

/// Interaction callbacks and follow-ups (through the interaction's token).
fn is_interaction_answer(url: &str) -> bool {
    url.contains("/interactions/") || url.contains("/webhooks/")
}

/// Retries after a 429 before giving up (the limiter waits `retry_after` in between).
const MAX_429_RETRIES: usize = 3;
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Rest {
    client: reqwest::Client,
    /// `https://discord.com` or the configured origin, without a trailing slash.
    origin: String,
    token: Option<SecretString>,
    pub limiter: RateLimiter,
    /// The bot's global 50 requests a second, counted with the other instances (`serve`).
    shared_global: Option<SharedLimiter>,
}

/// A request body: JSON, or JSON plus files (`payload_json` + `files[n]`, as Discord documents).
pub enum Body {
    Empty,
    Json(Value),
    Files(Value, Vec<Attachment>),
}

/// Where Discord serves attachments.
const CDN_HOSTS: [&str; 2] = ["cdn.discordapp.com", "media.discordapp.net"];

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("the attachment URL is not on Discord's CDN")]
    Refused,
    #[error("the attachment is larger than allowed")]
    TooBig,
    #[error("the attachment could not be downloaded: {0}")]
    Failed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// Discord answered with an error status.
    #[error("Discord answered {status}: {body}")]
    Status {
        status: u16,
        body: String,
        retry_after: Option<Duration>,
    },
    /// No answer: refused before sending (connect) or lost after (outcome unknown).
    #[error("Discord did not answer: {source}")]
    Transport {
        /// The request may have reached Discord.
        maybe_sent: bool,
        source: reqwest::Error,
    },
    #[error("invalid Discord request: {0}")]
    Build(String),
}

impl RestError {
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Discord's JSON error code (10003 unknown channel, 50001 missing access, 50007 cannot DM…).
    pub fn code(&self) -> Option<i64> {
        match self {
            RestError::Status { body, .. } => serde_json::from_str::<Value>(body)
                .ok()?
                .get("code")?
                .as_i64(),
            _ => None,
        }
    }
}

impl Rest {
    pub fn new(origin: &url::Url, token: Option<SecretString>) -> anyhow::Result<Rest> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent("DiscordBot (https://github.com/creatorpilot, 0.1)")
            .build()?;
        Ok(Rest {
            client,
            origin: origin.as_str().trim_end_matches('/').to_owned(),
            token,
            limiter: RateLimiter::default(),
            shared_global: None,
        })
    }

    /// Also counts requests under the bot's global limit in the database, with every instance.
    /// Per-route buckets stay per process: Discord tells each caller its bucket's state in the
    /// headers of every answer, and a 429 is waited out, so sharing them would cost a database
    /// round trip for what the next answer says anyway.
    pub fn share_global_limit(mut self, shared: SharedLimiter) -> Rest {
        self.shared_global = Some(shared);
        self
    }

    /// Downloads a file a creator attached to a command, at most `max` bytes. Only from
    /// Discord's CDN hosts, or from the configured origin's host (the test fakes): any other
    /// URL is refused unfetched, so an interaction can never make the server fetch an address
    /// of its choosing. The URL is signed by Discord: no token is sent.
    pub async fn download(&self, url: &str, max: usize) -> Result<Vec<u8>, DownloadError> {
        let parsed = url::Url::parse(url).map_err(|_| DownloadError::Refused)?;
        let origin_host = url::Url::parse(&self.origin)
            .ok()
            .and_then(|o| o.host_str().map(str::to_owned));
        let allowed = match parsed.host_str() {
            Some(host) => {
                (parsed.scheme() == "https" && CDN_HOSTS.contains(&host))
                    || origin_host.as_deref() == Some(host)
            }
            None => false,
        };
        if !allowed {
            return Err(DownloadError::Refused);
        }
        let mut response = self
            .client
            .get(parsed)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| DownloadError::Failed(e.to_string()))?;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| DownloadError::Failed(e.to_string()))?
        {
            if bytes.len() + chunk.len() > max {
                return Err(DownloadError::TooBig);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// The URL serenity would call, on our configured origin.
    pub fn url(&self, route: Route<'_>) -> String {
        let path = route.path();
        let rest = path.strip_prefix("https://discord.com").unwrap_or(&path);
        format!("{}{rest}", self.origin)
    }

    /// Sends one request through the limiter; JSON answer (`Null` for 204).
    pub async fn call(
        &self,
        method: Method,
        route: Route<'_>,
        query: &[(&str, &str)],
        body: Body,
    ) -> Result<Value, RestError> {
        let bucket = route.ratelimiting_bucket();
        let url = self.url(route);
        let key = if bucket.is_none() {
            format!("{method} {url}")
        } else {
            format!("{method} {bucket:?}")
        };
        let mut attempt = 0;
        loop {
            let mut permit = self.limiter.acquire(&key).await;
            // Interaction answers are not bound by the global limit (Discord's documentation).
            if let Some(shared) = &self.shared_global
                && !is_interaction_answer(&url)
            {
                shared.wait(&[("global", SHARED_GLOBAL)]).await;
            }
            let request = self.request(method.clone(), &url, query, &body)?;
            let response = request.send().await.map_err(|e| RestError::Transport {
                maybe_sent: !e.is_connect(),
                source: e,
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.map_err(|e| RestError::Transport {
                maybe_sent: true,
                source: e,
            })?;
            let seen = observed(status, &headers, &bytes);
            self.limiter.observe(&mut permit, seen).await;
            drop(permit);
            if status == 429 && attempt < MAX_429_RETRIES {
                attempt += 1;
                tracing::debug!(%url, ?seen.retry_after, "Discord rate limit: waiting");
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(RestError::Status {
                    status,
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                    retry_after: seen.retry_after,
                });
            }
            if bytes.is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&bytes).map_err(|e| RestError::Build(e.to_string()));
        }
    }

    fn request(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: &Body,
    ) -> Result<reqwest::RequestBuilder, RestError> {
        let mut request = self.client.request(method, url).query(query);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bot {}", token.expose_secret()));
        }
        Ok(match body {
            Body::Empty => request,
            Body::Json(json) => request.json(json),
            Body::Files(json, files) => {
                let mut form =
                    reqwest::multipart::Form::new().text("payload_json", json.to_string());
                for (n, file) in files.iter().enumerate() {
                    let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                        .file_name(file.file_name.clone())
                        .mime_str(&file.mime_type)
                        .map_err(|e| RestError::Build(e.to_string()))?;
                    form = form.part(format!("files[{n}]"), part);
                }
                request.multipart(form)
            }
        })
    }
}
