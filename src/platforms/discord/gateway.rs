//! The gateway transport (when `DISCORD_BOT_TOKEN` is set): serenity's client with
//! non-privileged intents only (guilds, DMs). Interactions go to the one handler; a DM's free
//! text (readable without the message-content intent) goes to the engine like a console line.
//!
//! Several instances split the gateway's shards with `DISCORD_SHARDS=first..last/total` (each
//! runs its range; Discord sends a guild's events to shard `(guild_id >> 22) % total`, DMs to
//! shard 0); without it an instance runs shard 0 of 1, which suits one instance. Nothing about
//! an interaction is kept in the process: pending actions and questions live in PostgreSQL, so
//! a button pressed on one shard's message may be answered by any instance.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serenity::all::{
    ApplicationId, ClientBuilder, Context, EventHandler, GatewayIntents, HttpBuilder, Interaction,
    Message, Ready,
};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::bot::{ChatRef, Incoming, Input, Platform};
use crate::platforms::discord::Discord;
use crate::platforms::discord::interaction;
use crate::platforms::discord::responder::{ChannelResponder, FirstAnswer};

struct Handler {
    discord: Arc<Discord>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, "Discord gateway ready");
    }

    async fn interaction_create(&self, _ctx: Context, incoming: Interaction) {
        let id = incoming.id();
        tokio::spawn(
            interaction::run(self.discord.clone(), incoming, FirstAnswer::Callback(id))
                .instrument(crate::telemetry::request_span("discord")),
        );
    }

    async fn message(&self, _ctx: Context, message: Message) {
        // Free text is read in DMs only: guild text would need the privileged content intent.
        if message.guild_id.is_some() || message.author.bot || message.content.trim().is_empty() {
            return;
        }
        let incoming = Incoming {
            platform: Platform::Discord,
            user_id: message.author.id.get().to_string(),
            display_name: Some(
                message
                    .author
                    .global_name
                    .clone()
                    .unwrap_or_else(|| message.author.name.clone()),
            ),
            chat: ChatRef {
                platform: Platform::Discord,
                id: message.channel_id.get().to_string(),
                private: true,
            },
            platform_locale: None,
            forced_locale: None,
            is_admin: true,
            input: Input::Line(message.content.clone()),
        };
        let discord = self.discord.clone();
        let responder = ChannelResponder {
            rest: discord.rest.clone(),
            channel: message.channel_id,
        };
        tokio::spawn(
            async move {
                crate::bot::dispatch::handle(&discord.app, incoming, &responder).await;
            }
            .instrument(crate::telemetry::request_span("discord")),
        );
    }
}

/// Connects to the gateway and keeps the connection until `stop`.
pub async fn start(
    discord: Arc<Discord>,
    token: &SecretString,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) -> anyhow::Result<()> {
    let settings = &discord.app.settings.discord;
    let range = settings.shards;
    // serenity's own limiter ignores the proxy origin; ours covers every REST call we make.
    let mut http = HttpBuilder::new(token.expose_secret())
        .client(crate::clients::oauth_http(settings.timeouts)?)
        .proxy(settings.api_url.as_str().trim_end_matches('/'))
        .ratelimiter_disabled(true);
    if let Some(id) = settings.application_id {
        http = http.application_id(ApplicationId::new(id));
    }
    let intents = GatewayIntents::GUILDS | GatewayIntents::DIRECT_MESSAGES;
    let mut client = ClientBuilder::new_with_http(http.build(), intents)
        .event_handler(Handler { discord })
        .await?;
    let stop = stop.clone();
    tasks.spawn(async move {
        let shards = client.shard_manager.clone();
        let started = async {
            match range {
                // serenity's range end is included, as in DISCORD_SHARDS.
                Some(r) => {
                    tracing::info!(
                        first = r.first,
                        last = r.last,
                        total = r.total,
                        "running Discord gateway shards"
                    );
                    client.start_shard_range(r.first..r.last, r.total).await
                }
                None => client.start().await,
            }
        };
        tokio::select! {
            result = started => {
                if let Err(e) = result {
                    tracing::error!(error = %e, "the Discord gateway stopped");
                }
            }
            () = stop.cancelled() => shards.shutdown_all().await,
        }
    });
    Ok(())
}
