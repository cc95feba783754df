//! TikTok's part of the callback: the Login Kit code exchange (with `client_key` and the PKCE
//! verifier), then `user/info` for the display name. Both token lifetimes come from the answer.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{Exchange, Identity};
use crate::app::App;
use crate::clients::{ProviderError, tiktok};
use crate::domain::channels::Provider;

pub(super) async fn exchange(
    app: &App,
    redirect: &Url,
    code: &str,
    verifier: &SecretString,
) -> anyhow::Result<Exchange> {
    let settings = &app.settings.tiktok;
    let grant = match tiktok::exchange(settings, redirect, code, verifier.expose_secret()).await {
        Ok(grant) => grant,
        Err(e) => return Ok(Exchange::failed(Provider::TikTok, "code exchange", e)),
    };
    if let Some(refused) = Exchange::unless_granted(grant.scopes.as_deref(), tiktok::SCOPES) {
        return Ok(refused);
    }
    let user = match tiktok::user_info(settings, &grant.access_token).await {
        Ok(user) => user,
        Err(e) => return Ok(Exchange::failed(Provider::TikTok, "user/info", e)),
    };
    // `open_id` comes with the token; `user/info` repeats it.
    let open_id = grant
        .open_id
        .clone()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| user.open_id.clone());
    if open_id.is_empty() {
        let e = ProviderError::Other("no open_id in the token or user/info answer".into());
        return Ok(Exchange::failed(Provider::TikTok, "user/info", e));
    }
    let display_name = user
        .display_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| open_id.clone());
    Ok(Exchange::Connected(Identity {
        external_id: open_id,
        display_name,
        access: grant.access_token,
        refresh: grant.refresh_token,
        access_expires_at: grant.expires_at,
        refresh_expires_at: grant.refresh_expires_at,
        scopes: grant.scopes,
        calls: Vec::new(),
    }))
}
