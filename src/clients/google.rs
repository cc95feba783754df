//! Google OAuth (authorization code + PKCE, through the `oauth2` crate) and the YouTube Data API
//! calls the connect flow needs. Endpoints come from `settings.google`.

use chrono::{DateTime, Duration, Utc};
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::clients::{Observed, ObservedOAuth, ProviderError, oauth_http};
use crate::metrics::Api;
use crate::settings::Google;

pub const SCOPES: [&str; 2] = [
    "https://www.googleapis.com/auth/youtube.readonly",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
];

/// Tokens as the token endpoint returned them.
pub struct Grant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_at: Option<DateTime<Utc>>,
    pub scopes: Option<String>,
}

/// The consent page URL for `state`, with the S256 challenge of `verifier`.
pub fn authorize_url(
    google: &Google,
    redirect: &Url,
    state: &str,
    verifier: &str,
) -> anyhow::Result<Url> {
    let client_id = google
        .oauth
        .client_id
        .clone()
        .ok_or_else(|| anyhow::anyhow!("GOOGLE_CLIENT_ID is not set"))?;
    let client = BasicClient::new(ClientId::new(client_id))
        .set_auth_uri(AuthUrl::from_url(google.oauth.auth_url.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect.clone()));
    let challenge =
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()));
    let state = state.to_owned();
    let (url, _) = client
        .authorize_url(move || CsrfToken::new(state))
        .add_scopes(SCOPES.iter().map(|s| Scope::new((*s).to_owned())))
        .add_extra_param("access_type", "offline")
        .add_extra_param("prompt", "consent")
        .set_pkce_challenge(challenge)
        .url();
    Ok(url)
}

/// A Google client with its token endpoint set.
type TokenClient = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn client(google: &Google, redirect: &Url) -> Result<TokenClient, ProviderError> {
    let (Some(id), Some(secret)) = (&google.oauth.client_id, &google.oauth.client_secret) else {
        return Err(ProviderError::Other(
            "Google credentials are not set".into(),
        ));
    };
    Ok(BasicClient::new(ClientId::new(id.clone()))
        .set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
        .set_token_uri(TokenUrl::from_url(google.oauth.token_url.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect.clone())))
}

fn classify<RE: std::error::Error + 'static>(
    e: RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
) -> ProviderError {
    match e {
        RequestTokenError::ServerResponse(r)
            if *r.error() == BasicErrorResponseType::InvalidGrant =>
        {
            ProviderError::InvalidGrant("invalid_grant".into())
        }
        RequestTokenError::ServerResponse(r) => {
            ProviderError::Other(format!("token endpoint said {}", r.error()))
        }
        RequestTokenError::Parse(_, _) => ProviderError::Other("token answer unreadable".into()),
        // Transport problems and unexpected statuses (5xx, 429): try again later.
        RequestTokenError::Request(_) | RequestTokenError::Other(_) => {
            ProviderError::Unavailable(503)
        }
    }
}

fn grant(t: &oauth2::basic::BasicTokenResponse) -> Grant {
    Grant {
        access_token: SecretString::from(t.access_token().secret().clone()),
        refresh_token: t
            .refresh_token()
            .map(|r| SecretString::from(r.secret().clone())),
        expires_at: t
            .expires_in()
            .and_then(|d| Duration::from_std(d).ok())
            .map(|d| Utc::now() + d),
        scopes: t
            .scopes()
            .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")),
    }
}

/// Exchanges the code, sending the PKCE verifier.
pub async fn exchange(
    google: &Google,
    redirect: &Url,
    code: &str,
    verifier: &str,
) -> Result<Grant, ProviderError> {
    let http = oauth_http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let token = client(google, redirect)?
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
        .request_async(&ObservedOAuth::new(http, Api::Google))
        .await
        .map_err(classify)?;
    Ok(grant(&token))
}

/// A fresh access token from the refresh token (Google does not rotate refresh tokens).
pub async fn refresh(
    google: &Google,
    redirect: &Url,
    refresh_token: &SecretString,
) -> Result<Grant, ProviderError> {
    let http = oauth_http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let token = client(google, redirect)?
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose_secret().to_owned()))
        .request_async(&ObservedOAuth::new(http, Api::Google))
        .await
        .map_err(classify)?;
    Ok(grant(&token))
}

/// Revokes the grant at Google (a refresh token revokes the whole grant).
pub async fn revoke(google: &Google, token: &SecretString) -> Result<(), ProviderError> {
    let http = crate::clients::http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = http
        .post(google.revoke_url.clone())
        .form(&[("token", token.expose_secret())])
        .send()
        .await
        .observed(Api::Google)
        .map_err(|_| ProviderError::Unavailable(0))?;
    match answer.status().as_u16() {
        200..=299 => Ok(()),
        // Already revoked or expired: nothing left to revoke.
        400 => Ok(()),
        s => Err(ProviderError::Unavailable(s)),
    }
}

/// The authorized user's channel.
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    pub title: String,
    pub uploads_playlist: Option<String>,
    pub subscribers: Option<i64>,
    pub views: Option<i64>,
    pub videos: Option<i64>,
    /// When the channel was created (`snippet.publishedAt`).
    pub published_at: Option<chrono::NaiveDate>,
}

/// `channels.list?mine=true&part=snippet,statistics,contentDetails` (1 quota unit).
pub async fn my_channel(
    google: &Google,
    access: &SecretString,
) -> Result<Option<Channel>, ProviderError> {
    let mut url = google.youtube_api_url.clone();
    url.set_path("/youtube/v3/channels");
    let body = get_json(
        url,
        &[
            ("part", "snippet,statistics,contentDetails"),
            ("mine", "true"),
        ],
        access,
    )
    .await?;
    let Some(item) = body["items"].get(0) else {
        return Ok(None);
    };
    let num = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse::<i64>().ok());
    Ok(Some(Channel {
        id: item["id"].as_str().unwrap_or_default().to_owned(),
        title: item["snippet"]["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        uploads_playlist: item["contentDetails"]["relatedPlaylists"]["uploads"]
            .as_str()
            .map(str::to_owned),
        subscribers: num(&item["statistics"]["subscriberCount"]),
        views: num(&item["statistics"]["viewCount"]),
        videos: num(&item["statistics"]["videoCount"]),
        published_at: item["snippet"]["publishedAt"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.date_naive()),
    }))
}

/// A GET with a bearer token, classified: 401 → invalid grant, 429/5xx → unavailable.
pub async fn get_json(
    url: Url,
    query: &[(&str, &str)],
    access: &SecretString,
) -> Result<serde_json::Value, ProviderError> {
    let http = crate::clients::http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = http
        .get(url)
        .query(query)
        .bearer_auth(access.expose_secret())
        .send()
        .await
        .observed(Api::YouTube)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    match status {
        200..=299 => answer
            .json()
            .await
            .map_err(|_| ProviderError::Other("answer is not JSON".into())),
        401 => Err(ProviderError::InvalidGrant(format!("status {status}"))),
        429 | 500..=599 => Err(ProviderError::Unavailable(status)),
        // 403 quotaExceeded also means "later"; other 4xx are ours to fix.
        403 => Err(ProviderError::Unavailable(status)),
        _ => Err(ProviderError::Other(format!("status {status}"))),
    }
}
