//! Instagram's part of the callback: the code for a short-lived token, that for the 60-day one,
//! then `/me`. A personal account is refused with an explanation (on the page and in the chat)
//! and nothing is stored: Instagram shares numbers of professional accounts only.

use url::Url;

use super::{Exchange, Identity};
use crate::app::App;
use crate::clients::instagram;
use crate::domain::channels::Provider;

pub(super) async fn exchange(app: &App, redirect: &Url, code: &str) -> anyhow::Result<Exchange> {
    let settings = &app.settings.instagram;
    let short = match instagram::exchange(settings, redirect, code).await {
        Ok(short) => short,
        Err(e) => return Ok(Exchange::failed(Provider::Instagram, "code exchange", e)),
    };
    if let Some(refused) = Exchange::unless_granted(short.permissions.as_deref(), instagram::SCOPES)
    {
        return Ok(refused);
    }
    let grant = match instagram::long_lived(settings, &short.access_token).await {
        Ok(grant) => grant,
        Err(e) => {
            return Ok(Exchange::failed(
                Provider::Instagram,
                "long-lived exchange",
                e,
            ));
        }
    };
    let account = match instagram::me(settings, &grant.access_token).await {
        Ok(account) => account,
        Err(e) => return Ok(Exchange::failed(Provider::Instagram, "me", e)),
    };
    if !account.is_professional() {
        return Ok(Exchange::Refused {
            status: 400,
            key: "oauth-instagram-personal",
            tell_chat: true,
        });
    }
    let external_id = Some(account.user_id)
        .filter(|id| !id.is_empty())
        .or(short.user_id)
        .unwrap_or_default();
    Ok(Exchange::Connected(Identity {
        external_id,
        display_name: format!("@{}", account.username),
        access: grant.access_token,
        refresh: None,
        access_expires_at: grant.expires_at,
        refresh_expires_at: None,
        scopes: Some(instagram::SCOPES.to_owned()),
        calls: Vec::new(),
    }))
}
