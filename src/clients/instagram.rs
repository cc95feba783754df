//! Instagram API with Instagram Login: authorize, code exchange (short-lived token), exchange for
//! the 60-day token and its refresh, the account (`/me`), account insights and media. Endpoints
//! come from `settings.instagram`; API paths are unversioned (`/me`, `/me/insights`, …), which
//! graph.instagram.com serves with the app's default version, so no version date is baked in.
//! The access token travels as the `access_token` query parameter, as Instagram documents it;
//! request URLs are therefore never logged (errors here never carry them).

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::clients::{Observed, ProviderError, http};
use crate::metrics::Api;
use crate::settings::Instagram;

/// Scopes, comma-separated.
pub const SCOPES: &str = "instagram_business_basic,instagram_business_manage_insights";

/// Fields asked of `/me`.
pub const ACCOUNT_FIELDS: &str = "user_id,username,account_type,followers_count,media_count";

/// Fields asked of `/me/media`.
pub const MEDIA_FIELDS: &str = "id,caption,media_type,timestamp,like_count,comments_count";

/// Account types whose numbers Instagram shares (professional accounts).
pub const PROFESSIONAL: [&str; 2] = ["BUSINESS", "MEDIA_CREATOR"];

/// A long-lived token.
pub struct Grant {
    pub access_token: SecretString,
    pub expires_at: Option<DateTime<Utc>>,
}

fn credentials(ig: &Instagram) -> Result<(&str, &SecretString), ProviderError> {
    match (&ig.oauth.client_id, &ig.oauth.client_secret) {
        (Some(id), Some(secret)) => Ok((id.as_str(), secret)),
        _ => Err(ProviderError::Other(
            "Instagram credentials are not set".into(),
        )),
    }
}

/// The consent page URL for `state` (Instagram has no PKCE).
pub fn authorize_url(ig: &Instagram, redirect: &Url, state: &str) -> anyhow::Result<Url> {
    let (id, _) = credentials(ig)?;
    let mut url = ig.oauth.auth_url.clone();
    url.query_pairs_mut()
        .append_pair("client_id", id)
        .append_pair("redirect_uri", redirect.as_str())
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES)
        .append_pair("state", state);
    Ok(url)
}

/// The code exchange's answer: a short-lived token, the account's id, the permissions granted.
pub struct ShortLived {
    pub access_token: SecretString,
    pub user_id: Option<String>,
    pub permissions: Option<String>,
}

/// Exchanges the code for a short-lived token.
pub async fn exchange(
    ig: &Instagram,
    redirect: &Url,
    code: &str,
) -> Result<ShortLived, ProviderError> {
    let (id, secret) = credentials(ig)?;
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = client
        .post(ig.oauth.token_url.clone())
        .form(&[
            ("client_id", id),
            ("client_secret", secret.expose_secret()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect.as_str()),
            ("code", code),
        ])
        .send()
        .await
        .observed(Api::Instagram)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    if status == 429 || status >= 500 {
        return Err(ProviderError::Unavailable(status));
    }
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    // Success is `{access_token, user_id, permissions}`, sometimes wrapped in `data: [ … ]`.
    let token = body["data"].get(0).unwrap_or(&body);
    match token["access_token"].as_str().filter(|t| !t.is_empty()) {
        Some(access) if (200..300).contains(&status) => Ok(ShortLived {
            access_token: SecretString::from(access.to_owned()),
            user_id: number_or_text(&token["user_id"]),
            // A comma-separated string, or a list in older answers.
            permissions: token["permissions"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| {
                    token["permissions"].as_array().map(|list| {
                        list.iter()
                            .filter_map(|p| p.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                }),
        }),
        // `{"error_type": "OAuthException", "code": 400, "error_message": "…code…"}`: a used,
        // expired or forged code.
        _ if status == 400 => Err(ProviderError::InvalidGrant("code refused".into())),
        _ => Err(ProviderError::Other(format!(
            "token answer unusable (status {status})"
        ))),
    }
}

/// The short-lived token exchanged for the 60-day one (`ig_exchange_token`).
pub async fn long_lived(ig: &Instagram, short: &SecretString) -> Result<Grant, ProviderError> {
    let (_, secret) = credentials(ig)?;
    let body = get(
        ig,
        "/access_token",
        &[
            ("grant_type", "ig_exchange_token"),
            ("client_secret", secret.expose_secret()),
        ],
        short,
    )
    .await?;
    grant(&body)
}

/// A refreshed 60-day token (`ig_refresh_token`; the token must be at least a day old).
pub async fn refresh(ig: &Instagram, access: &SecretString) -> Result<Grant, ProviderError> {
    let body = get(
        ig,
        "/refresh_access_token",
        &[("grant_type", "ig_refresh_token")],
        access,
    )
    .await?;
    grant(&body)
}

fn grant(body: &serde_json::Value) -> Result<Grant, ProviderError> {
    let access = body["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ProviderError::Other("token answer without access_token".into()))?;
    Ok(Grant {
        access_token: SecretString::from(access.to_owned()),
        expires_at: body["expires_in"]
            .as_i64()
            .filter(|s| *s > 0)
            .map(|s| Utc::now() + Duration::seconds(s)),
    })
}

/// The connected account.
#[derive(Debug, Clone)]
pub struct Account {
    pub user_id: String,
    pub username: String,
    pub account_type: Option<String>,
    pub followers: Option<i64>,
    pub media: Option<i64>,
}

impl Account {
    /// Business and creator accounts; a personal account has no insights.
    pub fn is_professional(&self) -> bool {
        self.account_type
            .as_deref()
            .is_some_and(|t| PROFESSIONAL.contains(&t))
    }
}

/// `GET /me?fields=user_id,username,account_type,followers_count,media_count`.
pub async fn me(ig: &Instagram, access: &SecretString) -> Result<Account, ProviderError> {
    let body = get(ig, "/me", &[("fields", ACCOUNT_FIELDS)], access).await?;
    Ok(Account {
        user_id: number_or_text(&body["user_id"])
            .or_else(|| number_or_text(&body["id"]))
            .unwrap_or_default(),
        username: body["username"].as_str().unwrap_or_default().to_owned(),
        account_type: body["account_type"].as_str().map(str::to_owned),
        followers: body["followers_count"].as_i64(),
        media: body["media_count"].as_i64(),
    })
}

/// `GET /me/insights` with `query` (metric, period, metric_type, since, until): the raw answer.
pub async fn insights(
    ig: &Instagram,
    access: &SecretString,
    query: &[(&str, &str)],
) -> Result<serde_json::Value, ProviderError> {
    get(ig, "/me/insights", query, access).await
}

/// One post, reel or story of `/me/media`, its lifetime counts.
#[derive(Debug, Clone)]
pub struct Media {
    pub id: String,
    pub caption: Option<String>,
    pub media_type: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub likes: Option<i64>,
    pub comments: Option<i64>,
}

/// A page of `/me/media`, newest first; `after` is the next page's cursor when there is one.
#[derive(Debug, Clone)]
pub struct MediaPage {
    pub media: Vec<Media>,
    pub after: Option<String>,
}

/// `GET /me/media?fields=…&limit=…[&after=…]`. The next page is asked with the `after` cursor on
/// our configured origin rather than by following `paging.next` wherever it points.
pub async fn media(
    ig: &Instagram,
    access: &SecretString,
    limit: u32,
    after: Option<&str>,
) -> Result<MediaPage, ProviderError> {
    let limit = limit.to_string();
    let mut query = vec![("fields", MEDIA_FIELDS), ("limit", limit.as_str())];
    if let Some(after) = after {
        query.push(("after", after));
    }
    let body = get(ig, "/me/media", &query, access).await?;
    let media = body["data"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            Some(Media {
                id: number_or_text(&m["id"]).filter(|id| !id.is_empty())?,
                caption: m["caption"].as_str().map(str::to_owned),
                media_type: m["media_type"].as_str().map(str::to_owned),
                published_at: m["timestamp"].as_str().and_then(timestamp),
                likes: m["like_count"].as_i64(),
                comments: m["comments_count"].as_i64(),
            })
        })
        .collect();
    // Only when there is a next page: the last page still carries cursors.
    let after = body["paging"]["next"]
        .as_str()
        .and(body["paging"]["cursors"]["after"].as_str())
        .map(str::to_owned);
    Ok(MediaPage { media, after })
}

/// Instagram's `2026-11-01T10:00:00+0000` (no colon in the offset), or RFC 3339.
pub fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn number_or_text(v: &serde_json::Value) -> Option<String> {
    v.as_str()
        .map(str::to_owned)
        .or_else(|| v.as_u64().map(|n| n.to_string()))
}

/// A GET on the Graph API with the token, classified: error 190 (OAuthException: expired,
/// revoked, password changed) → invalid grant; 4, 17, 32, 613 (rate limits), 429 and 5xx → later.
async fn get(
    ig: &Instagram,
    path: &str,
    query: &[(&str, &str)],
    access: &SecretString,
) -> Result<serde_json::Value, ProviderError> {
    let mut url = ig.api_url.clone();
    url.set_path(path);
    let client = http().map_err(|e| ProviderError::Other(e.to_string()))?;
    let answer = client
        .get(url)
        .query(query)
        .query(&[("access_token", access.expose_secret())])
        .send()
        .await
        .observed(Api::Instagram)
        .map_err(|_| ProviderError::Unavailable(0))?;
    let status = answer.status().as_u16();
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    let error = &body["error"];
    if error.is_object() || !(200..300).contains(&status) {
        return Err(match (error["code"].as_i64(), status) {
            (Some(190), _) | (None, 401) => {
                ProviderError::InvalidGrant(format!("Instagram error 190 (status {status})"))
            }
            (Some(4 | 17 | 32 | 613), _) | (_, 429) => ProviderError::Unavailable(429),
            (_, 500..=599) => ProviderError::Unavailable(status),
            (code, _) => ProviderError::Other(format!(
                "Instagram error {} (status {status})",
                code.unwrap_or_default()
            )),
        });
    }
    Ok(body)
}
