//! The Discord front end: application commands from the manifests, one interaction handler fed
//! by the gateway (bot token) and by signed HTTP interactions (public key), replies within
//! Discord's rules, our own REST rate limiter, and a notifier for proactive sends.
//!
//! Only `platforms/` imports serenity. Depends on `bot/` (dispatch, Reply, Responder), `db/` for
//! the registration record, and settings.

mod gateway;
mod interaction;
mod notifier;
pub mod ratelimit;
mod register;
pub mod render;
mod responder;
pub mod rest;

use std::sync::Arc;

use secrecy::ExposeSecret;
use serenity::interactions_endpoint::Verifier;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::bot::Platform;
use crate::i18n::I18n;
use crate::manifest::Manifests;
use crate::platforms::discord::interaction::HttpInteractions;
use crate::platforms::discord::notifier::DiscordNotifier;
use crate::platforms::discord::register::Scope;
use crate::platforms::discord::rest::Rest;
use crate::platforms::shared_limits::SharedLimiter;
use crate::platforms::{Mode, WebhookHandler};
use crate::settings::Settings;

/// What the Discord front end shares between transports.
pub struct Discord {
    pub app: Arc<App>,
    pub rest: Arc<Rest>,
}

/// Starts the Discord front end when it is configured; returns its webhook handler, if any.
pub async fn start(
    app: &Arc<App>,
    mode: Mode,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) -> Option<Arc<dyn WebhookHandler>> {
    let settings = &app.settings.discord;
    if settings.bot_token.is_none() && settings.public_key.is_none() {
        return None;
    }
    let rest = match Rest::new(settings, settings.bot_token.clone()) {
        Ok(rest) => Arc::new(match &settings.bot_token {
            Some(token) => rest.share_global_limit(SharedLimiter::new(
                app.db.clone(),
                "discord",
                token.expose_secret(),
            )),
            None => rest,
        }),
        Err(e) => {
            tracing::error!(error = ?e, "the Discord front end cannot start");
            return None;
        }
    };
    if settings.bot_token.is_some() {
        app.notifiers.register(
            Platform::Discord,
            Arc::new(DiscordNotifier { rest: rest.clone() }),
        );
    }
    if mode == Mode::NotifyOnly {
        return None;
    }
    let discord = Arc::new(Discord {
        app: app.clone(),
        rest,
    });
    if let Some(token) = &settings.bot_token {
        if let Some(application_id) = settings.application_id {
            let discord = discord.clone();
            let guild = settings.guild_id;
            tasks.spawn(async move {
                let registered =
                    register_if_changed(&discord.app, &discord.rest, application_id, guild).await;
                if let Err(e) = registered {
                    tracing::error!(error = ?e, "Discord command registration failed");
                }
            });
        }
        if let Err(e) = gateway::start(discord.clone(), token, stop, tasks).await {
            tracing::error!(error = ?e, "the Discord gateway cannot start");
        }
    }
    let key = settings.public_key?;
    match Verifier::try_new(key) {
        Ok(verifier) => Some(Arc::new(HttpInteractions { discord, verifier })),
        Err(_) => {
            // Settings validated the hex; a key that is not a curve point ends up here.
            tracing::error!(
                "DISCORD_PUBLIC_KEY is not a valid Ed25519 public key; HTTP interactions are off"
            );
            None
        }
    }
}

/// Registers each scope whose payload changed since the last registration (start-up does this,
/// so a deploy with changed manifests updates Discord once, and restarts cost no request).
/// Returns the keys of the scopes registered (`global`, `guild:ID`).
pub async fn register_if_changed(
    app: &App,
    rest: &Rest,
    application_id: u64,
    guild: Option<u64>,
) -> anyhow::Result<Vec<String>> {
    let mut registered = Vec::new();
    for scope in register::scopes(guild) {
        let payload = register::payload(&app.i18n, &app.manifests, scope);
        let hash = register::hash(&payload);
        let key = scope.key();
        if crate::db::discord_registrations::hash(&app.db, &key)
            .await?
            .as_deref()
            == Some(&hash)
        {
            continue;
        }
        register::put(rest, application_id, scope, payload).await?;
        crate::db::discord_registrations::record(&app.db, &key, &hash).await?;
        tracing::info!(scope = %key, "Discord commands registered");
        registered.push(key);
    }
    Ok(registered)
}

/// `creatorpilot register-commands`: registers globally, and to `DISCORD_GUILD_ID` when set.
/// Returns one line per scope registered.
pub async fn register_commands(settings: &Settings) -> anyhow::Result<Vec<String>> {
    let discord = &settings.discord;
    let (Some(token), Some(application_id)) = (&discord.bot_token, discord.application_id) else {
        anyhow::bail!(
            "Registering commands needs DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID; set both."
        );
    };
    let i18n = I18n::load()?;
    let manifests = Manifests::load()?;
    let rest = Rest::new(discord, Some(token.clone()))?;
    let mut done = Vec::new();
    for scope in register::scopes(discord.guild_id) {
        let payload = register::payload(&i18n, &manifests, scope);
        let count = payload.as_array().map_or(0, Vec::len);
        register::put(&rest, application_id, scope, payload).await?;
        done.push(match scope {
            Scope::Global => format!("{count} commands registered globally (Discord may take a while to show them everywhere)."),
            Scope::Guild(id) => format!("{count} commands registered to server {id}."),
        });
    }
    Ok(done)
}
