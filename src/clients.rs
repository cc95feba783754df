//! HTTP clients for the providers (Google OAuth, YouTube Data and Analytics; TikTok Login Kit and
//! Display API; Instagram Login and Graph), Stripe and the AI provider. Plain data in and out;
//! endpoints come from `Settings`, so tests point them at fakes on 127.0.0.1. May depend on
//! `settings` only (`ai` also records `metrics` and takes an `i18n::Locale` for its prompts).
//! Tokens are `SecretString`s and never logged.

pub mod ai;
pub mod google;
pub mod instagram;
pub mod stripe;
pub mod tiktok;

use crate::settings::Timeouts;

/// A failed provider call, classified for the caller's retry decision.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The grant is revoked or expired (`invalid_grant`, 401 after a refresh): reconnect.
    #[error("the provider refused the grant: {0}")]
    InvalidGrant(String),
    /// 429 or 5xx: try again later.
    #[error("the provider is busy or failing (status {0})")]
    Unavailable(u16),
    /// Anything else: a bug or an unexpected answer.
    #[error("unexpected provider answer: {0}")]
    Other(String),
}

/// Our own reqwest client (0.13) for API calls: no redirects, bounded time
/// (`OUTBOUND_CONNECT_TIMEOUT`, `OUTBOUND_TIMEOUT`).
pub fn http(timeouts: Timeouts) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .build()?)
}

/// The reqwest 0.12 client the `oauth2` crate needs (redirects off, as it requires), bounded
/// the same way. teloxide and serenity use this reqwest version too (`platform_http`).
pub fn oauth_http(timeouts: Timeouts) -> anyhow::Result<oauth2::reqwest::Client> {
    Ok(oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .build()?)
}
