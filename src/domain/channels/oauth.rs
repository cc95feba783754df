//! Connecting a provider: `/connect` stores a random single-use state (bound to the account and
//! the chat, 10 minutes, PKCE verifier sealed) and returns the consent URL; the web endpoint's
//! callback hands the provider's answer to `callback`, which checks the state, exchanges the code,
//! stores the connection with its tokens sealed, tells the chat and queues the first sync.
//! Only Google (YouTube) completes the flow so far.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore;
use secrecy::ExposeSecret;
use url::Url;

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform, Reply};
use crate::clients::{ProviderError, google};
use crate::db;
use crate::domain::channels::{Provider, open_token, quota_day, seal_token, sync};
use crate::i18n::{Locale, msg};
use crate::jobs::{self, Job};

/// How long a consent link stays valid.
pub const STATE_LIFETIME_MINUTES: i64 = 10;

/// The redirect URI registered at the provider: `PUBLIC_URL` + the callback path, exactly.
pub fn redirect_uri(app: &App, provider: Provider) -> anyhow::Result<Url> {
    let base = app.settings.public_url.as_str().trim_end_matches('/');
    Ok(Url::parse(&format!(
        "{base}/oauth/{}/callback",
        provider.as_str()
    ))?)
}

/// What `/connect PROVIDER` can offer.
pub enum Start {
    /// Open this consent page.
    Consent(Url),
    /// The provider's client id or secret is not configured here.
    NotConfigured,
    /// The provider's flow is not written yet.
    NotAvailable,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Stores a fresh state for `account` in `destination` and returns the consent URL.
pub async fn start(
    app: &App,
    account: AccountId,
    provider: Provider,
    destination: &Destination,
    locale: Locale,
) -> anyhow::Result<Start> {
    if provider != Provider::YouTube {
        return Ok(Start::NotAvailable);
    }
    let oauth = &app.settings.google.oauth;
    if oauth.client_id.is_none() || oauth.client_secret.is_none() {
        return Ok(Start::NotConfigured);
    }
    let state = random_token();
    // 32 random bytes → 43 URL-safe characters: a valid RFC 7636 verifier.
    let verifier = random_token();
    let sealed = seal_token(&app.keyring, account.0, provider.as_str(), &verifier);
    db::channels::insert_state(
        &app.db,
        &db::channels::NewState {
            state: &state,
            account,
            provider: provider.as_str(),
            chat_platform: destination.platform.as_str(),
            chat_id: &destination.chat_id,
            locale: locale.code(),
            pkce_verifier: &sealed,
            expires_at: Utc::now() + Duration::minutes(STATE_LIFETIME_MINUTES),
        },
    )
    .await?;
    let redirect = redirect_uri(app, provider)?;
    let url = google::authorize_url(&app.settings.google, &redirect, &state, &verifier)?;
    Ok(Start::Consent(url))
}

/// The query the provider sends back.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// A small HTML page for the browser.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub html: String,
}

pub fn page(status: u16, title: &str, paragraphs: &[String]) -> Page {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    Page {
        status,
        html: format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width\"><title>{}</title></head><body>{body}</body></html>",
            escape(title)
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Before the state is known the language is not: the error page says it in every language.
fn error_page(app: &App, status: u16, key: &str) -> Page {
    let lines: Vec<String> = Locale::ALL
        .into_iter()
        .map(|l| app.i18n.tr(l, key))
        .collect();
    page(status, "CreatorPilot", &lines)
}

/// Handles `GET /oauth/{provider}/callback`. A forged, replayed, expired or mismatched state
/// changes nothing (the state itself is consumed on first sight: it is single use).
pub async fn callback(app: &App, provider: &str, query: &CallbackQuery) -> Page {
    match complete(app, provider, query).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, provider, "OAuth callback failed");
            error_page(app, 500, "oauth-page-failed")
        }
    }
}

async fn complete(app: &App, provider: &str, query: &CallbackQuery) -> anyhow::Result<Page> {
    let Some(provider) = Provider::parse(provider).filter(|p| p.as_str() == provider) else {
        return Ok(error_page(app, 404, "oauth-page-invalid"));
    };
    let Some(state) = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 128)
    else {
        return Ok(error_page(app, 400, "oauth-page-invalid"));
    };
    let Some(row) = db::channels::take_state(&app.db, state).await? else {
        return Ok(error_page(app, 400, "oauth-page-invalid"));
    };
    if row.provider != provider.as_str() || provider != Provider::YouTube {
        return Ok(error_page(app, 400, "oauth-page-invalid"));
    }
    if row.expires_at <= Utc::now() {
        return Ok(error_page(app, 400, "oauth-page-expired"));
    }
    let locale = Locale::from_tag(&row.locale).unwrap_or_default();
    let tr = |key: &str| app.i18n.tr(locale, key);
    if query.error.is_some() {
        return Ok(page(400, "CreatorPilot", &[tr("oauth-page-denied")]));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(error_page(app, 400, "oauth-page-invalid"));
    };
    let Some(platform) = Platform::parse(&row.chat_platform) else {
        return Ok(error_page(app, 400, "oauth-page-invalid"));
    };
    let destination = Destination {
        platform,
        chat_id: row.chat_id.clone(),
    };
    let account = AccountId(row.user_id);
    let verifier = open_token(
        &app.keyring,
        row.user_id,
        provider.as_str(),
        &row.pkce_verifier,
    )
    .map_err(|e| anyhow::anyhow!("the PKCE verifier does not open: {e}"))?;
    let redirect = redirect_uri(app, provider)?;
    let grant = match google::exchange(
        &app.settings.google,
        &redirect,
        code,
        verifier.expose_secret(),
    )
    .await
    {
        Ok(grant) => grant,
        Err(ProviderError::InvalidGrant(_)) => {
            return Ok(page(400, "CreatorPilot", &[tr("oauth-page-code-refused")]));
        }
        Err(e) => {
            tracing::warn!(error = %e, "Google code exchange failed");
            return Ok(page(502, "CreatorPilot", &[tr("oauth-page-provider-down")]));
        }
    };
    if !sync::reserve(app, None, "channels.list", 1).await? {
        return Ok(page(503, "CreatorPilot", &[tr("oauth-page-provider-down")]));
    }
    let channel = match google::my_channel(&app.settings.google, &grant.access_token).await {
        Ok(Some(channel)) => channel,
        Ok(None) => return Ok(page(400, "CreatorPilot", &[tr("oauth-page-no-channel")])),
        Err(e) => {
            tracing::warn!(error = %e, "channels.list failed after the code exchange");
            return Ok(page(502, "CreatorPilot", &[tr("oauth-page-provider-down")]));
        }
    };
    let p = provider.as_str();
    let access = seal_token(
        &app.keyring,
        row.user_id,
        p,
        grant.access_token.expose_secret(),
    );
    let refresh = grant
        .refresh_token
        .as_ref()
        .map(|r| seal_token(&app.keyring, row.user_id, p, r.expose_secret()));
    let mut tx = app.db.begin().await?;
    let id = db::channels::connect(
        &mut *tx,
        account,
        p,
        &db::channels::NewConnection {
            external_id: &channel.id,
            display_name: Some(&channel.title),
            access_token: &access,
            refresh_token: refresh.as_deref(),
            key_id: app.keyring.primary_key_id(),
            access_expires_at: grant.expires_at,
            refresh_expires_at: None,
            scopes: grant.scopes.as_deref(),
        },
    )
    .await?;
    db::channels::set_notify(
        &mut *tx,
        id,
        destination.platform.as_str(),
        &destination.chat_id,
        locale.code(),
    )
    .await?;
    db::channels::record_call(&mut *tx, p, quota_day(Utc::now()), id, "channels.list", 1).await?;
    let job = Job::SyncChannel {
        account,
        connection: id,
        destination: destination.clone(),
        locale,
    };
    let key = format!(
        "sync_channel:{id}:connect:{}",
        Utc::now().timestamp_millis()
    );
    jobs::enqueue(&mut *tx, &job, &key, Utc::now()).await?;
    tx.commit().await?;
    let confirmation = app.i18n.render(
        locale,
        &msg("connect-done")
            .arg("provider", provider.label())
            .arg("channel", channel.title.clone()),
    );
    let outcome = app
        .notifiers
        .send(&app.db, &destination, Reply::text(confirmation))
        .await;
    tracing::info!(
        ?outcome,
        provider = p,
        "connection stored; confirmation sent to the chat"
    );
    Ok(page(
        200,
        "CreatorPilot",
        &[app.i18n.render(
            locale,
            &msg("oauth-page-connected")
                .arg("provider", provider.label())
                .arg("channel", channel.title),
        )],
    ))
}
