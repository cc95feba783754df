//! HTTP clients for the providers (Google OAuth, YouTube Data and Analytics; TikTok Login Kit and
//! Display API; Instagram Login and Graph), Stripe and the AI provider. Plain data in and out;
//! endpoints come from `Settings`, so tests point them at fakes on 127.0.0.1. May depend on
//! `settings` only (`ai` also records `metrics` and takes an `i18n::Locale` for its prompts).
//! Tokens are `SecretString`s and never logged.

pub mod ai;
pub mod google;
pub mod instagram;
pub mod mail;
pub mod stripe;
pub mod tiktok;

use std::time::Duration;

use crate::metrics::{Api, outgoing};

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

/// Our own reqwest client (0.13) for API calls: no redirects, bounded time.
pub fn http() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// The reqwest 0.12 client the `oauth2` crate needs (redirects off, as it requires).
pub fn oauth_http() -> anyhow::Result<oauth2::reqwest::Client> {
    Ok(oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Counts a call's failure (non-2xx answer, timeout, broken connection) against its provider in
/// `external_api_errors_total`: `request.send().await.observed(Api::TikTok)`.
pub trait Observed {
    fn observed(self, api: Api) -> Self;
}

impl Observed for reqwest::Result<reqwest::Response> {
    fn observed(self, api: Api) -> Self {
        outgoing().call(api, self)
    }
}

/// The `oauth2` crate's HTTP client, counted like [`Observed`]:
/// `.request_async(&ObservedOAuth::new(http, Api::Google))`.
pub struct ObservedOAuth {
    http: oauth2::reqwest::Client,
    api: Api,
}

impl ObservedOAuth {
    pub fn new(http: oauth2::reqwest::Client, api: Api) -> ObservedOAuth {
        ObservedOAuth { http, api }
    }
}

type OAuthResult = Result<oauth2::HttpResponse, oauth2::HttpClientError<oauth2::reqwest::Error>>;

impl<'c> oauth2::AsyncHttpClient<'c> for ObservedOAuth {
    type Error = oauth2::HttpClientError<oauth2::reqwest::Error>;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = OAuthResult> + Send + Sync + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let result = self.http.call(request).await;
            match &result {
                Ok(answer) => outgoing().answered(self.api, answer.status().as_u16()),
                Err(oauth2::HttpClientError::Reqwest(e)) => {
                    outgoing().unanswered(self.api, e.is_timeout())
                }
                Err(_) => outgoing().unanswered(self.api, false),
            }
            result
        })
    }
}
