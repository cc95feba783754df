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
use crate::platforms::discord::ratelimit::{RateLimiter, observed};

/// Retries after a 429 before giving up (the limiter waits `retry_after` in between).
const MAX_429_RETRIES: usize = 3;

pub struct Rest {
    client: reqwest::Client,
    /// `https://discord.com` or the configured origin, without a trailing slash.
    origin: String,
    token: Option<SecretString>,
    pub limiter: RateLimiter,
}

/// A request body: JSON, or JSON plus files (`payload_json` + `files[n]`, as Discord documents).
pub enum Body {
    Empty,
    Json(Value),
    Files(Value, Vec<Attachment>),
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
    /// A client for `DISCORD_API_URL`, bounded by the outgoing-call timeouts.
    pub fn new(
        discord: &crate::settings::Discord,
        token: Option<SecretString>,
    ) -> anyhow::Result<Rest> {
        let origin = &discord.api_url;
        let client = reqwest::Client::builder()
            .connect_timeout(discord.timeouts.connect)
            .timeout(discord.timeouts.request)
            .user_agent("DiscordBot (https://github.com/creatorpilot, 0.1)")
            .build()?;
        Ok(Rest {
            client,
            origin: origin.as_str().trim_end_matches('/').to_owned(),
            token,
            limiter: RateLimiter::default(),
        })
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
