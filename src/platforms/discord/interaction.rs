//! The one interaction handler both transports feed: slash commands, buttons and modal
//! submissions become `Incoming` values for `dispatch::handle`; the interaction's `locale` is the
//! creator's default language and `member.permissions` says whether they administer the server.
//!
//! Also the signed HTTP transport (`POST /discord/interactions`): ed25519 check (401 otherwise),
//! PING → PONG, and the first answer returned as the HTTP body.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Value, json};
use serenity::all::{
    ApplicationId, Attachment, AttachmentId, CommandDataOption, CommandDataOptionValue,
    CommandInteraction, ComponentInteraction, Interaction, InteractionContext, Member,
    MessageFlags, ModalInteraction, Permissions, User,
};
use serenity::interactions_endpoint::Verifier;
use tokio::sync::oneshot;

use crate::app::App;
use crate::bot::{
    ChatRef, Incoming, IncomingFile, Input, Platform, QuestionView, RawCommand, Reply, Responder,
};
use crate::db;
use crate::i18n::{Locale, msg};
use crate::platforms::discord::Discord;
use crate::platforms::discord::render::{ASK_BUTTON_ID, MODAL_ID};
use crate::platforms::discord::responder::{FirstAnswer, InteractionResponder};
use crate::platforms::discord::rest::DownloadError;
use crate::platforms::{WebhookHandler, WebhookResponse};

/// Discord waits 3 seconds for a first answer; anything not answered by then is deferred.
const DEFER_AFTER: Duration = Duration::from_secs(2);

/// Where an interaction came from, in the engine's terms.
/// A responder for this interaction; its "Answer" button label is in the author's language.
async fn responder(
    discord: &Discord,
    from: &Origin,
    application_id: ApplicationId,
    token: String,
    first: FirstAnswer,
    private: bool,
) -> InteractionResponder {
    let label = crate::bot::dispatch::render_for(
        &discord.app,
        Platform::Discord,
        &from.user.id.get().to_string(),
        None,
        Locale::from_tag(&from.locale),
        &msg("discord-answer-button"),
    )
    .await;
    InteractionResponder::new(
        discord.rest.clone(),
        application_id,
        token,
        first,
        private,
        label,
    )
}

struct Origin {
    user: User,
    member_permissions: Option<Permissions>,
    in_guild: bool,
    context: Option<InteractionContext>,
    channel_id: String,
    locale: String,
}

impl Origin {
    fn incoming(&self, input: Input) -> Incoming {
        let private = !self.in_guild && self.context != Some(InteractionContext::PrivateChannel);
        let admin = Permissions::ADMINISTRATOR | Permissions::MANAGE_GUILD;
        Incoming {
            platform: Platform::Discord,
            user_id: self.user.id.get().to_string(),
            display_name: Some(
                self.user
                    .global_name
                    .clone()
                    .unwrap_or_else(|| self.user.name.clone()),
            ),
            chat: ChatRef {
                platform: Platform::Discord,
                id: self.channel_id.clone(),
                private,
            },
            platform_locale: Locale::from_tag(&self.locale),
            forced_locale: None,
            // In a DM the creator is the only one there.
            is_admin: !self.in_guild
                || self.member_permissions.is_some_and(|p| p.intersects(admin)),
            input,
        }
    }
}

fn origin(
    user: &User,
    member: Option<&Member>,
    guild: bool,
    context: Option<InteractionContext>,
    channel_id: u64,
    locale: &str,
) -> Origin {
    Origin {
        user: user.clone(),
        member_permissions: member.and_then(|m| m.permissions),
        in_guild: guild,
        context,
        channel_id: channel_id.to_string(),
        locale: locale.to_owned(),
    }
}

/// Runs one interaction to its end. `first` carries the first answer to Discord.
pub async fn run(discord: Arc<Discord>, interaction: Interaction, first: FirstAnswer) {
    match interaction {
        Interaction::Command(c) => command(&discord, c, first).await,
        Interaction::Component(c) => component(&discord, c, first).await,
        Interaction::Modal(m) => modal(&discord, m, first).await,
        other => tracing::debug!(kind = ?other.kind(), "ignored Discord interaction"),
    }
}

async fn command(discord: &Arc<Discord>, c: CommandInteraction, first: FirstAnswer) {
    let from = origin(
        &c.user,
        c.member.as_deref(),
        c.guild_id.is_some(),
        c.context,
        c.channel_id.get(),
        &c.locale,
    );
    let manifest = discord.app.manifests.get(&c.data.name);
    let private = manifest.is_none_or(|m| m.private);
    let slow = manifest.is_some_and(|m| m.slow);
    let (mut raw, attached) = raw_command(&c.data.name, &c.data.options);
    let responder = responder(
        discord,
        &from,
        c.application_id,
        c.token.clone(),
        first,
        private,
    )
    .await;
    if (slow || !attached.is_empty())
        && let Err(e) = responder.defer().await
    {
        tracing::warn!(error = ?e, "could not defer a slow command");
    }
    for (option, id) in attached {
        match download(discord, c.data.resolved.attachments.get(&id)).await {
            Ok(file) => raw.files.push((option, file)),
            Err(problem) => {
                let sentence = crate::bot::dispatch::render_for(
                    &discord.app,
                    Platform::Discord,
                    &from.user.id.get().to_string(),
                    None,
                    Locale::from_tag(&from.locale),
                    &problem,
                )
                .await;
                if let Err(e) = responder.send(Reply::text(sentence).private()).await {
                    tracing::warn!(error = %e, "could not explain a refused attachment");
                }
                return;
            }
        }
    }
    dispatch(discord, responder, from.incoming(Input::Command(raw))).await;
}

/// Largest attachment downloaded; each command applies its own, smaller limit.
const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Fetches one attachment of a command, or the sentence that explains why not.
async fn download(
    discord: &Discord,
    attachment: Option<&Attachment>,
) -> Result<IncomingFile, crate::i18n::Msg> {
    let failed = || msg("discord-file-failed");
    let attachment = attachment.ok_or_else(failed)?;
    let too_big = || msg("discord-file-too-big").arg("max_mb", 10_i64);
    if usize::try_from(attachment.size).unwrap_or(usize::MAX) > MAX_ATTACHMENT_BYTES {
        return Err(too_big());
    }
    let bytes = discord
        .rest
        .download(&attachment.url, MAX_ATTACHMENT_BYTES)
        .await
        .map_err(|e| match e {
            DownloadError::TooBig => too_big(),
            e => {
                tracing::warn!(error = %e, "Discord attachment not downloaded");
                failed()
            }
        })?;
    Ok(IncomingFile {
        file_name: attachment.filename.clone(),
        mime_type: attachment
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".to_owned()),
        bytes,
    })
}

async fn component(discord: &Arc<Discord>, c: ComponentInteraction, first: FirstAnswer) {
    let from = origin(
        &c.user,
        c.member.as_ref(),
        c.guild_id.is_some(),
        c.context,
        c.channel_id.get(),
        &c.locale,
    );
    let private = c
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let responder = responder(
        discord,
        &from,
        c.application_id,
        c.token.clone(),
        first,
        private,
    )
    .await;
    if c.data.custom_id == ASK_BUTTON_ID {
        show_pending_question(discord, &from, &responder).await;
        return;
    }
    let input = Input::Button(c.data.custom_id.clone());
    dispatch(discord, responder, from.incoming(input)).await;
}

async fn modal(discord: &Arc<Discord>, m: ModalInteraction, first: FirstAnswer) {
    let from = origin(
        &m.user,
        m.member.as_ref(),
        m.guild_id.is_some(),
        None,
        m.channel_id.get(),
        &m.locale,
    );
    let private = m
        .message
        .as_ref()
        .and_then(|msg| msg.flags)
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let responder = responder(
        discord,
        &from,
        m.application_id,
        m.token.clone(),
        first,
        private,
    )
    .await;
    if m.data.custom_id != MODAL_ID {
        tracing::debug!(custom_id = %m.data.custom_id, "a modal we did not open");
    }
    let answers = m
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .filter_map(|c| match c {
            serenity::all::ActionRowComponent::InputText(t) => {
                Some(t.value.clone().unwrap_or_default())
            }
            _ => None,
        })
        .collect();
    dispatch(discord, responder, from.incoming(Input::Answers(answers))).await;
}

/// Hands the interaction to the engine, deferring whatever is not answered within 2 seconds.
async fn dispatch(discord: &Arc<Discord>, responder: InteractionResponder, incoming: Incoming) {
    let responder = Arc::new(responder);
    let timer = {
        let responder = responder.clone();
        tokio::spawn(async move {
            tokio::time::sleep(DEFER_AFTER).await;
            if let Err(e) = responder.defer().await {
                tracing::warn!(error = ?e, "could not defer a Discord interaction");
            }
        })
    };
    crate::bot::dispatch::handle(&discord.app, incoming, responder.as_ref()).await;
    timer.abort();
}

/// Discord's typed options onto the engine's arguments: a subcommand's name, then named values;
/// attachment options are returned apart, to be downloaded.
fn raw_command(
    name: &str,
    options: &[CommandDataOption],
) -> (RawCommand, Vec<(String, AttachmentId)>) {
    let mut attached = Vec::new();
    let mut raw = RawCommand {
        name: name.to_owned(),
        ..RawCommand::default()
    };
    let mut options = options;
    if let [single] = options
        && let CommandDataOptionValue::SubCommand(inner) = &single.value
    {
        raw.sub = Some(single.name.clone());
        options = inner;
    }
    for option in options {
        let value = match &option.value {
            CommandDataOptionValue::String(s) => s.clone(),
            CommandDataOptionValue::Integer(n) => n.to_string(),
            CommandDataOptionValue::Boolean(b) => b.to_string(),
            CommandDataOptionValue::Number(n) => n.to_string(),
            CommandDataOptionValue::Attachment(id) => {
                attached.push((option.name.clone(), *id));
                id.to_string()
            }
            other => {
                tracing::debug!(option = %option.name, kind = ?other.kind(), "option type we never register");
                continue;
            }
        };
        raw.named.push((option.name.clone(), value));
    }
    (raw, attached)
}

/// The "Answer" button: opens the pending question of this creator in this channel as a modal.
async fn show_pending_question(discord: &Arc<Discord>, from: &Origin, r: &InteractionResponder) {
    let app = &discord.app;
    let view = match pending_view(app, from).await {
        Ok(view) => view,
        Err(e) => {
            tracing::error!(error = ?e, "could not read a pending question");
            None
        }
    };
    let result = match view {
        Some(view) => r.ask(&view).await,
        None => {
            let text = crate::bot::dispatch::render_for(
                app,
                Platform::Discord,
                &from.user.id.get().to_string(),
                None,
                Locale::from_tag(&from.locale),
                &msg("question-expired"),
            )
            .await;
            r.send(Reply::text(text).private()).await.map(|_| ())
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = ?e, "could not open a question's modal");
    }
}

/// The chat's pending question, shown exactly as `questions::ask` showed it.
async fn pending_view(app: &App, from: &Origin) -> anyhow::Result<Option<QuestionView>> {
    let user_id = from.user.id.get().to_string();
    let Some(account) =
        db::accounts::find_by_identity(&app.db, Platform::Discord, &user_id).await?
    else {
        return Ok(None);
    };
    let locale = account
        .locale
        .as_deref()
        .and_then(Locale::from_tag)
        .or_else(|| Locale::from_tag(&from.locale))
        .unwrap_or_default();
    let chat = crate::bot::Destination {
        platform: Platform::Discord,
        chat_id: from.channel_id.clone(),
    };
    crate::bot::questions::pending_view(app, crate::bot::AccountId(account.id), &chat, locale).await
}

/// `POST /discord/interactions`: signed HTTP interactions.
pub struct HttpInteractions {
    pub discord: Arc<Discord>,
    pub verifier: Verifier,
}

/// How long the HTTP answer waits for the first answer (the 2-second deferral comes before).
const HTTP_ANSWER_WITHIN: Duration = Duration::from_millis(2900);

#[async_trait]
impl WebhookHandler for HttpInteractions {
    async fn handle(&self, headers: &http::HeaderMap, body: bytes::Bytes) -> WebhookResponse {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp)) = (
            header("x-signature-ed25519"),
            header("x-signature-timestamp"),
        ) else {
            return WebhookResponse::empty(401);
        };
        if self.verifier.verify(signature, timestamp, &body).is_err() {
            return WebhookResponse::empty(401);
        }
        let Ok(value) = serde_json::from_slice::<Value>(&body) else {
            return WebhookResponse::empty(400);
        };
        if value.get("type").and_then(Value::as_u64) == Some(1) {
            return WebhookResponse::json(200, &json!({ "type": 1 }));
        }
        let interaction: Interaction = match serde_json::from_value(value) {
            Ok(i) => i,
            Err(e) => {
                tracing::warn!(error = %e, "an HTTP interaction did not parse");
                return WebhookResponse::empty(400);
            }
        };
        let (sender, receiver) = oneshot::channel();
        tokio::spawn(tracing::Instrument::instrument(
            run(
                self.discord.clone(),
                interaction,
                FirstAnswer::HttpBody(sender),
            ),
            crate::telemetry::request_span("discord"),
        ));
        match tokio::time::timeout(HTTP_ANSWER_WITHIN, receiver).await {
            Ok(Ok(answer)) => WebhookResponse::json(200, &answer),
            // The handler ended without a word (an interaction type we ignore) or took too long.
            _ => WebhookResponse::empty(500),
        }
    }
}
