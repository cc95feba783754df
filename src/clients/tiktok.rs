//! TikTok: Login Kit v2 (authorize, code exchange with PKCE, refresh, revoke) and the Display API
//! calls the sync needs (`user/info`, `video/list`). Endpoints come from `settings.tiktok`.
//!
//! Spoken with our own reqwest client, not the `oauth2` crate: TikTok names its client id
//! `client_key` and answers token errors in its own shape. Refresh tokens rotate: every refresh
//! returns the one to use next time, with both lifetimes (`expires_in`, `refresh_expires_in`).
//! The PKCE challenge is RFC 7636's S256 (base64url of SHA-256), as on the web flow.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use crate::clients::{Observed, ProviderError, http};
use crate::metrics::Api;
use crate::settings::TikTok;

/// Scopes, comma-separated as TikTok expects them.
pub const SCOPES: &str = "user.info.basic,user.info.stats,video.list";

/// Fields asked of `user/info`.
pub const USER_FIELDS: &str = "open_id,display_name,follower_count,likes_count,video_count";

/// Fields asked of `video/list`.
pub const VIDEO_FIELDS: &str = "id,title,video_description,create_time,duration,view_count,like_count,comment_count,share_count";

/// The most `video/list` returns per page.
pub const PAGE_SIZE: u32 = 20;

/// Tokens as the token endpoint returned them.
pub struct Grant {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub open_id: Option<String>,
    pub scopes: Option<String>,
}

fn credentials(tiktok: &TikTok) -> Result<(&str, &SecretString), ProviderError> {
    match (&tiktok.oauth.client_id, &tiktok.oauth.client_secret) {
        (Some(key), Some(secret)) => Ok((key.as_str(), secret)),
        _ => Err(ProviderError::Other(
            "TikTok credentials are not set".into(),
        )),
    }
}

/// The consent page URL for `state`, with the S256 challenge of `verifier`.
pub fn authorize_url(
    tiktok: &TikTok,
    redirect: &Url,
    state: &str,
    verifier: &str,
) -> anyhow::Result<Url> {
    let (key, _) = credentials(tiktok)?;
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = tiktok.oauth.auth_url.clone();
    url.query_pairs_mut()
        .append_pair("client_key", key)
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .append_pair("redirect_uri", redirect.as_str())
        .append_pair("state", state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url)
}

/// Exchanges the code, sending the PKCE verifier.
pub async fn exchange(
    tiktok: &TikTok,
    redirect: &Url,
    code: &str,
    verifier: &str,
) -> Result<Grant, ProviderError> {
    let (key, secret) = credentials(tiktok)?;
    token_request(
        tiktok,
        &[
            ("client_key", key),
            ("client_secret", secret.expose_secret()),
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// A fresh access token and the refresh token that replaces `refresh_token` (they rotate).
pub async fn refresh(
    tiktok: &TikTok,
    refresh_token: &SecretString,
) -> Result<Grant, ProviderError> {
    let (key, secret) = credentials(tiktok)?;
    token_request(
        tiktok,
        &[
            ("client_key", key),
            ("client_secret", secret.expose_secret()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ],
    )
    .await
}

async fn token_request(tiktok: &TikTok, form: &[(&str, &str)]) -> Result<Grant, ProviderError> {
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = client
        .post(tiktok.oauth.token_url.clone())
        .form(form)
        .send()
        .await
        .observed(Api::TikTok)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    if status == 429 || status >= 500 {
        return Err(ProviderError::Unavailable(status));
    }
    let body: serde_json::Value = answer
        .json()
        .await
        .map_err(|_| ProviderError::Other(format!("token answer unreadable (status {status})")))?;
    // Errors come as `{"error": "invalid_grant", "error_description": …, "log_id": …}`, with a
    // 4xx or even a 200.
    if let Some(error) = body["error"].as_str().filter(|e| !e.is_empty()) {
        return Err(match error {
            "invalid_grant" => ProviderError::InvalidGrant(error.to_owned()),
            "rate_limit_exceeded" => ProviderError::Unavailable(429),
            other => ProviderError::Other(format!("token endpoint said {other}")),
        });
    }
    let Some(access) = body["access_token"].as_str().filter(|a| !a.is_empty()) else {
        return Err(ProviderError::Other(format!(
            "token answer without access_token (status {status})"
        )));
    };
    let at = |field: &str| {
        body[field]
            .as_i64()
            .filter(|s| *s > 0)
            .map(|s| Utc::now() + Duration::seconds(s))
    };
    Ok(Grant {
        access_token: SecretString::from(access.to_owned()),
        refresh_token: body["refresh_token"]
            .as_str()
            .filter(|r| !r.is_empty())
            .map(|r| SecretString::from(r.to_owned())),
        expires_at: at("expires_in"),
        refresh_expires_at: at("refresh_expires_in"),
        open_id: body["open_id"].as_str().map(str::to_owned),
        scopes: body["scope"].as_str().map(str::to_owned),
    })
}

/// Revokes the grant at TikTok (`/disconnect`, `/forget`); `token` is the access token, as
/// TikTok's revoke endpoint expects. An already dead token counts as revoked.
pub async fn revoke(tiktok: &TikTok, token: &SecretString) -> Result<(), ProviderError> {
    let (key, secret) = credentials(tiktok)?;
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = client
        .post(tiktok.revoke_url.clone())
        .form(&[
            ("client_key", key),
            ("client_secret", secret.expose_secret()),
            ("token", token.expose_secret()),
        ])
        .send()
        .await
        .observed(Api::TikTok)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    if status == 429 || status >= 500 {
        return Err(ProviderError::Unavailable(status));
    }
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    match body["error"].as_str().filter(|e| !e.is_empty()) {
        None => Ok(()),
        // Already revoked or expired: nothing left to revoke.
        Some("invalid_grant" | "access_token_invalid") => Ok(()),
        Some(other) => Err(ProviderError::Other(format!("revoke said {other}"))),
    }
}

/// The authorized user.
#[derive(Debug, Clone)]
pub struct User {
    pub open_id: String,
    pub display_name: Option<String>,
    pub followers: Option<i64>,
    pub likes: Option<i64>,
    pub videos: Option<i64>,
}

/// `GET /v2/user/info/?fields=…`.
pub async fn user_info(tiktok: &TikTok, access: &SecretString) -> Result<User, ProviderError> {
    let mut url = tiktok.api_url.clone();
    url.set_path("/v2/user/info/");
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let request = client
        .get(url)
        .query(&[("fields", USER_FIELDS)])
        .bearer_auth(access.expose_secret());
    let data = envelope(request).await?;
    let user = &data["user"];
    Ok(User {
        open_id: user["open_id"].as_str().unwrap_or_default().to_owned(),
        display_name: user["display_name"].as_str().map(str::to_owned),
        followers: user["follower_count"].as_i64(),
        likes: user["likes_count"].as_i64(),
        videos: user["video_count"].as_i64(),
    })
}

/// One video of `video/list`, its lifetime counts.
#[derive(Debug, Clone)]
pub struct Video {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub duration_seconds: Option<i64>,
    pub views: Option<i64>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
    pub shares: Option<i64>,
}

/// A page of `video/list`, newest first.
#[derive(Debug, Clone)]
pub struct VideoPage {
    pub videos: Vec<Video>,
    pub cursor: Option<i64>,
    pub has_more: bool,
}

/// `POST /v2/video/list/?fields=…` with `{"max_count": 20, "cursor": …}`.
pub async fn video_list(
    tiktok: &TikTok,
    access: &SecretString,
    cursor: Option<i64>,
) -> Result<VideoPage, ProviderError> {
    let mut url = tiktok.api_url.clone();
    url.set_path("/v2/video/list/");
    let mut body = serde_json::json!({ "max_count": PAGE_SIZE });
    if let Some(cursor) = cursor {
        body["cursor"] = cursor.into();
    }
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let request = client
        .post(url)
        .query(&[("fields", VIDEO_FIELDS)])
        .bearer_auth(access.expose_secret())
        .json(&body);
    let data = envelope(request).await?;
    let videos = data["videos"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let id = v["id"].as_str().filter(|id| !id.is_empty())?;
            Some(Video {
                id: id.to_owned(),
                title: v["title"].as_str().map(str::to_owned),
                description: v["video_description"].as_str().map(str::to_owned),
                created_at: v["create_time"]
                    .as_i64()
                    .and_then(|s| DateTime::from_timestamp(s, 0)),
                duration_seconds: v["duration"].as_i64(),
                views: v["view_count"].as_i64(),
                likes: v["like_count"].as_i64(),
                comments: v["comment_count"].as_i64(),
                shares: v["share_count"].as_i64(),
            })
        })
        .collect();
    Ok(VideoPage {
        videos,
        cursor: data["cursor"].as_i64(),
        has_more: data["has_more"].as_bool().unwrap_or(false),
    })
}

/// Sends a Display API request and reads TikTok's envelope
/// `{"data": {…}, "error": {"code": "ok", "message": "", "log_id": "…"}}`: `access_token_invalid`
/// (or a 401) → invalid grant, `rate_limit_exceeded` (or 429/5xx) → later.
async fn envelope(request: reqwest::RequestBuilder) -> Result<serde_json::Value, ProviderError> {
    let answer = request
        .send()
        .await
        .observed(Api::TikTok)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    if status == 429 || status >= 500 {
        return Err(ProviderError::Unavailable(status));
    }
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    let code = body["error"]["code"].as_str().unwrap_or_default();
    match code {
        "ok" if (200..300).contains(&status) => Ok(body["data"].clone()),
        "access_token_invalid" | "scope_not_authorized" => {
            Err(ProviderError::InvalidGrant(code.to_owned()))
        }
        "rate_limit_exceeded" => Err(ProviderError::Unavailable(429)),
        _ if status == 401 => Err(ProviderError::InvalidGrant(format!("status {status}"))),
        "" => Err(ProviderError::Other(format!(
            "answer without TikTok's envelope (status {status})"
        ))),
        other => Err(ProviderError::Other(format!(
            "TikTok said {other} (status {status})"
        ))),
    }
}
