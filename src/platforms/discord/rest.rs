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
use crate::clients::Observed;
use crate::metrics::{Api, outgoing};
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
/// Redirects followed, each to an allowed address only.
const MAX_REDIRECTS: usize = 3;

/// Whether the bot may fetch `url`: HTTPS on Discord's CDN hosts (default port), or the very
/// origin (scheme, host and port) of `DISCORD_API_URL`, which is where the test fakes serve
/// attachments. Anything else, another port of the same host included, is refused unfetched.
pub fn may_fetch(url: &url::Url, api_origin: &url::Url) -> bool {
    let on_cdn = url.scheme() == "https"
        && url.port().is_none()
        && url.host_str().is_some_and(|h| CDN_HOSTS.contains(&h));
    on_cdn || url.origin() == api_origin.origin()
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("the attachment URL is not on Discord's CDN")]
    Refused,
    #[error("the attachment is larger than allowed")]
    TooBig,
    /// The reason, without the URL: an attachment URL is signed and opens the creator's file.
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
    /// A client for `DISCORD_API_URL`, bounded by the outgoing-call timeouts.
    pub fn new(
        discord: &crate::settings::Discord,
        token: Option<SecretString>,
    ) -> anyhow::Result<Rest> {
        let origin = &discord.api_url;
        // A redirect is followed only to where a request may go in the first place: the guard of
        // `download` cannot be stepped around by an allowed host answering 302.
        let api_origin = origin.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if may_fetch(attempt.url(), &api_origin) {
                attempt.follow()
            } else {
                attempt.error("redirected outside Discord")
            }
        });
        let client = reqwest::Client::builder()
            .connect_timeout(discord.timeouts.connect)
            .timeout(discord.timeouts.request)
            .redirect(redirects)
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

    /// Downloads a file a creator attached to a command, at most `max` bytes, only from where
    /// `may_fetch` allows (redirects included): an interaction can never make the server fetch
    /// an address of its choosing. The URL is signed by Discord: no token is sent.
    pub async fn download(&self, url: &str, max: usize) -> Result<Vec<u8>, DownloadError> {
        let parsed = url::Url::parse(url).map_err(|_| DownloadError::Refused)?;
        let origin = url::Url::parse(&self.origin).map_err(|_| DownloadError::Refused)?;
        if !may_fetch(&parsed, &origin) {
            return Err(DownloadError::Refused);
        }
        let mut response = self
            .client
            .get(parsed)
            .send()
            .await
            .observed(Api::Discord)
            .map_err(|e| DownloadError::Failed(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(DownloadError::Failed(response.status().to_string()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| DownloadError::Failed(e.without_url().to_string()))?
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
        // Messages posted to a channel or as a follow-up count in `messages_sent_total`.
        let posts_message = method == Method::POST
            && matches!(
                route,
                Route::ChannelMessages { .. } | Route::WebhookFollowupMessages { .. }
            );
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
            let response =
                request
                    .send()
                    .await
                    .observed(Api::Discord)
                    .map_err(|e| RestError::Transport {
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
            if posts_message {
                outgoing().sent(Api::Discord, 1);
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

#[cfg(test)]
mod tests {
    use super::may_fetch;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn only_discord_cdn_or_the_configured_origin_may_be_fetched() {
        let discord = url("https://discord.com");
        let fake = url("http://127.0.0.1:4100");
        let cdn = "https://cdn.discordapp.com/attachments/1/2/logo.png?ex=1&is=2&hm=3";
        assert!(may_fetch(&url(cdn), &discord));
        assert!(may_fetch(
            &url("https://media.discordapp.net/attachments/1/2/a.png"),
            &discord
        ));
        assert!(may_fetch(
            &url("http://127.0.0.1:4100/attachments/9/a.png"),
            &fake
        ));
        for refused in [
            "http://cdn.discordapp.com/attachments/1/2/logo.png",
            "https://cdn.discordapp.com:8443/attachments/1/2/logo.png",
            "https://cdn.discordapp.com.evil.example/logo.png",
            "https://evil.example/cdn.discordapp.com/logo.png",
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:5432/",
            "file:///etc/passwd",
        ] {
            assert!(!may_fetch(&url(refused), &fake), "{refused}");
            assert!(!may_fetch(&url(refused), &discord), "{refused}");
        }
    }
}
