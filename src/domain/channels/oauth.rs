//! Connecting a provider: `/connect` stores a random single-use state (bound to the account and
//! the chat, 10 minutes, PKCE verifier sealed) and returns the consent URL; the web endpoint's
//! callback hands the provider's answer to `callback`, which checks the state, lets the provider's
//! own module (`oauth/youtube.rs`, `oauth/tiktok.rs`, `oauth/instagram.rs`) exchange the code for
//! an identity and tokens, stores the connection with its tokens sealed, tells the chat and queues
//! the first sync.
//!
//! Instagram does not support PKCE. Its flow relies on the same state as the others (256 random
//! bits, single use, bound to the account and chat, 10 minutes) against forged and replayed
//! returns, and on the app secret, which only this server holds, for the code exchange; the state
//! row still carries a sealed verifier (one shape for every provider), which Instagram never sees.

mod instagram;
mod tiktok;
mod youtube;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform, Reply};
use crate::clients::{self, ProviderError};
use crate::db;
use crate::domain::channels::{Provider, open_token, quota_day, seal_token};
use crate::domain::plans::{self, Holding, Room};
use crate::i18n::{Locale, msg};
use crate::jobs::{self, Job};
use crate::settings::OAuthClient;

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
    /// The plan's connections are all in use.
    PlanFull(plans::Full),
}

/// Whether a connection to `provider` fits the account's plan (locking the account until `tx`
/// ends); reconnecting a provider already connected always does.
async fn connection_room(
    tx: &mut sqlx::PgConnection,
    app: &App,
    account: AccountId,
    provider: Provider,
) -> anyhow::Result<Room> {
    if db::channels::has_connection(&mut *tx, account, provider.as_str()).await? {
        return Ok(Room::Fits);
    }
    Ok(plans::room_for(tx, &app.plans, account, Holding::ConnectedPlatforms).await?)
}

/// The provider's OAuth client settings.
fn client(app: &App, provider: Provider) -> &OAuthClient {
    match provider {
        Provider::YouTube => &app.settings.google.oauth,
        Provider::TikTok => &app.settings.tiktok.oauth,
        Provider::Instagram => &app.settings.instagram.oauth,
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Stores a fresh state for `account` in `destination` and returns the consent URL.
/// Whether the provider's OAuth client is configured (id and secret).
pub fn configured(app: &App, provider: Provider) -> bool {
    let oauth = client(app, provider);
    oauth.client_id.is_some() && oauth.client_secret.is_some()
}

/// The plan's refusal when connecting `provider` now would go beyond it (checked before the
/// consent screen, again by `start` and at the callback).
pub async fn plan_full(
    app: &App,
    account: AccountId,
    provider: Provider,
) -> anyhow::Result<Option<plans::Full>> {
    let mut conn = app.db.acquire().await?;
    Ok(
        match connection_room(&mut conn, app, account, provider).await? {
            Room::Full(full) => Some(full),
            _ => None,
        },
    )
}

pub async fn start(
    app: &App,
    account: AccountId,
    provider: Provider,
    destination: &Destination,
    locale: Locale,
) -> anyhow::Result<Start> {
    if !configured(app, provider) {
        return Ok(Start::NotConfigured);
    }
    // Checked again when the provider sends the creator back, in the transaction that stores.
    let mut tx = app.db.begin().await?;
    if let Room::Full(full) = connection_room(&mut tx, app, account, provider).await? {
        return Ok(Start::PlanFull(full));
    }
    tx.commit().await?;
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
    let url = match provider {
        Provider::YouTube => {
            clients::google::authorize_url(&app.settings.google, &redirect, &state, &verifier)?
        }
        Provider::TikTok => {
            clients::tiktok::authorize_url(&app.settings.tiktok, &redirect, &state, &verifier)?
        }
        Provider::Instagram => {
            clients::instagram::authorize_url(&app.settings.instagram, &redirect, &state)?
        }
    };
    app.metrics
        .connect_flows
        .with_label_values(&[provider.as_str(), "started"])
        .inc();
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
    page_with_link(status, title, paragraphs, None)
}

/// A page whose last paragraph is a link (label, URL).
fn page_with_link(
    status: u16,
    title: &str,
    paragraphs: &[String],
    link: Option<(String, Url)>,
) -> Page {
    let mut body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    if let Some((label, url)) = link {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(url.as_str()),
            escape(&label)
        ));
    }
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
/// Every callback for a known provider counts in `connect_flows_total`: `completed` when the
/// channel was connected, `failed` otherwise (denied, refused, expired, forged, or an error).
pub async fn callback(app: &App, provider: &str, query: &CallbackQuery) -> Page {
    let page = match complete(app, provider, query).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, provider, "OAuth callback failed");
            error_page(app, 500, "oauth-page-failed")
        }
    };
    if let Some(known) = Provider::parse(provider).filter(|p| p.as_str() == provider) {
        let stage = if page.status < 300 {
            "completed"
        } else {
            "failed"
        };
        app.metrics
            .connect_flows
            .with_label_values(&[known.as_str(), stage])
            .inc();
    }
    page
}

/// Who the provider says authorized us, with the tokens to store.
pub(super) struct Identity {
    /// The provider's id of the channel or account.
    external_id: String,
    /// What the creator recognises it by (channel title, display name, @username).
    display_name: String,
    access: SecretString,
    refresh: Option<SecretString>,
    access_expires_at: Option<DateTime<Utc>>,
    refresh_expires_at: Option<DateTime<Utc>>,
    scopes: Option<String>,
    /// Quota-costing calls made on the way (YouTube's `channels.list`), recorded against the new
    /// connection.
    calls: Vec<(&'static str, i64)>,
}

/// What a provider's part of the callback produced.
pub(super) enum Exchange {
    Connected(Identity),
    /// Nothing stored; the page says `key` (and the chat too when `tell_chat`).
    Refused {
        status: u16,
        key: &'static str,
        tell_chat: bool,
    },
}

impl Exchange {
    fn refused(status: u16, key: &'static str) -> Exchange {
        Exchange::Refused {
            status,
            key,
            tell_chat: false,
        }
    }

    /// Refused (page and chat) when the provider reports the scopes granted and one of
    /// `required` (comma-separated) is missing: the creator unticked a permission, and the sync
    /// would fail on it later.
    fn unless_granted(granted: Option<&str>, required: &str) -> Option<Exchange> {
        let granted: Vec<&str> = granted?.split([',', ' ']).map(str::trim).collect();
        let missing = required.split(',').any(|scope| !granted.contains(&scope));
        missing.then_some(Exchange::Refused {
            status: 400,
            key: "oauth-page-scopes-missing",
            tell_chat: true,
        })
    }

    /// A failed provider call during the callback: a refused code says so, anything else is
    /// "the provider did not answer".
    fn failed(provider: Provider, step: &str, e: ProviderError) -> Exchange {
        match e {
            ProviderError::InvalidGrant(_) => Exchange::refused(400, "oauth-page-code-refused"),
            e => {
                tracing::warn!(error = %e, provider = provider.as_str(), step, "OAuth callback step failed");
                Exchange::refused(502, "oauth-page-provider-down")
            }
        }
    }
}

/// The provider-specific part: the code (and PKCE verifier) in, the identity and tokens out.
async fn exchange(
    app: &App,
    provider: Provider,
    redirect: &Url,
    code: &str,
    verifier: &SecretString,
) -> anyhow::Result<Exchange> {
    match provider {
        Provider::YouTube => youtube::exchange(app, redirect, code, verifier).await,
        Provider::TikTok => tiktok::exchange(app, redirect, code, verifier).await,
        Provider::Instagram => instagram::exchange(app, redirect, code).await,
    }
}

/// Tells the chat the connection was refused (the browser's page says it too).
async fn refused_in_chat(
    app: &App,
    destination: &Destination,
    provider: Provider,
    key: &str,
    text: &str,
) {
    let outcome = app
        .notifiers
        .send(&app.db, destination, Reply::text(text.to_owned()))
        .await;
    tracing::info!(
        ?outcome,
        provider = provider.as_str(),
        key,
        "connection refused; the chat was told"
    );
}

/// The shared part: state check, exchange (per provider), sealing, storing, telling the chat and
/// queueing the first sync.
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
    if row.provider != provider.as_str() {
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
    let identity = match exchange(app, provider, &redirect, code, &verifier).await? {
        Exchange::Connected(identity) => identity,
        Exchange::Refused {
            status,
            key,
            tell_chat,
        } => {
            let text = tr(key);
            if tell_chat {
                refused_in_chat(app, &destination, provider, key, &text).await;
            }
            return Ok(page(status, "CreatorPilot", &[text]));
        }
    };
    let p = provider.as_str();
    let access = seal_token(
        &app.keyring,
        row.user_id,
        p,
        identity.access.expose_secret(),
    );
    let refresh = identity
        .refresh
        .as_ref()
        .map(|r| seal_token(&app.keyring, row.user_id, p, r.expose_secret()));
    let mut tx = app.db.begin().await?;
    if let Room::Full(full) = connection_room(&mut tx, app, account, provider).await? {
        // Another provider was connected since the link was given: nothing is stored.
        tx.rollback().await?;
        let key = "connect-plan-limit";
        let text = app
            .i18n
            .render(locale, &full.refusal(&app.i18n, locale, key));
        refused_in_chat(app, &destination, provider, key, &text).await;
        return Ok(page(403, "CreatorPilot", &[text]));
    }
    let id = db::channels::connect(
        &mut *tx,
        account,
        p,
        &db::channels::NewConnection {
            external_id: &identity.external_id,
            display_name: Some(&identity.display_name),
            access_token: &access,
            refresh_token: refresh.as_deref(),
            key_id: app.keyring.primary_key_id(),
            access_expires_at: identity.access_expires_at,
            refresh_expires_at: identity.refresh_expires_at,
            scopes: identity.scopes.as_deref(),
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
    for (endpoint, units) in &identity.calls {
        db::channels::record_call(&mut *tx, p, quota_day(Utc::now()), id, endpoint, *units).await?;
    }
    let back = telegram_return(app, &mut tx, id, &destination).await?;
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
            .arg("channel", identity.display_name.clone()),
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
    Ok(page_with_link(
        200,
        "CreatorPilot",
        &[app.i18n.render(
            locale,
            &msg("oauth-page-connected")
                .arg("provider", provider.label())
                .arg("channel", identity.display_name),
        )],
        back.map(|url| (tr("oauth-page-back-telegram"), url)),
    ))
}

/// Prefix of the `/start` payload that shows a connection just made.
pub const RETURN_PREFIX: &str = "oauth-";

/// For a connection made from Telegram: a `t.me/<bot>?start=oauth-<nonce>` link back to the bot,
/// its nonce stored on the connection (in the caller's transaction). `None` elsewhere, or while
/// this process does not know the bot's username.
async fn telegram_return(
    app: &App,
    tx: &mut sqlx::PgConnection,
    connection: uuid::Uuid,
    destination: &Destination,
) -> anyhow::Result<Option<Url>> {
    if destination.platform != Platform::Telegram {
        return Ok(None);
    }
    let Some(bot) = app.telegram_username.get() else {
        return Ok(None);
    };
    // 43 URL-safe characters: with the prefix, within Telegram's 64 for a start parameter.
    let nonce = random_token();
    db::channels::set_return_nonce(&mut *tx, connection, &nonce).await?;
    let mut url = Url::parse("https://t.me/")?;
    url.set_path(bot);
    url.query_pairs_mut()
        .append_pair("start", &format!("{RETURN_PREFIX}{nonce}"));
    Ok(Some(url))
}
