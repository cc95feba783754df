//! YouTube's part of the callback: Google's code exchange (with the PKCE verifier), then
//! `channels.list` (1 Data API unit from the shared daily budget) for the channel's id and title.

use secrecy::SecretString;
use url::Url;

use super::{Exchange, Identity};
use crate::app::App;
use crate::clients::google;
use crate::domain::channels::{Provider, sync};

pub(super) async fn exchange(
    app: &App,
    redirect: &Url,
    code: &str,
    verifier: &SecretString,
) -> anyhow::Result<Exchange> {
    use secrecy::ExposeSecret;
    let grant = match google::exchange(
        &app.settings.google,
        redirect,
        code,
        verifier.expose_secret(),
    )
    .await
    {
        Ok(grant) => grant,
        Err(e) => return Ok(Exchange::failed(Provider::YouTube, "code exchange", e)),
    };
    if !sync::reserve(app, None, "channels.list", 1).await? {
        return Ok(Exchange::refused(503, "oauth-page-provider-down"));
    }
    let channel = match google::my_channel(&app.settings.google, &grant.access_token).await {
        Ok(Some(channel)) => channel,
        Ok(None) => return Ok(Exchange::refused(400, "oauth-page-no-channel")),
        Err(e) => return Ok(Exchange::failed(Provider::YouTube, "channels.list", e)),
    };
    Ok(Exchange::Connected(Identity {
        external_id: channel.id,
        display_name: channel.title,
        access: grant.access_token,
        refresh: grant.refresh_token,
        access_expires_at: grant.expires_at,
        refresh_expires_at: None,
        scopes: grant.scopes,
        calls: vec![("channels.list", 1)],
    }))
}
