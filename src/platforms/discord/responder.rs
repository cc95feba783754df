//! Responders: how the engine answers one Discord interaction, or a DM's free text.
//!
//! An interaction is answered once (a message, a deferral or a modal), within 3 seconds, then
//! continued through its token: editing `@original` after a deferral, follow-ups after that.
//! Over the gateway the first answer is POSTed to the callback route; over HTTP it is the body
//! of the answer to Discord's request, handed back through a channel. A modal can only be a first
//! answer, so a question asked later becomes a message with an "Answer" button that opens it.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Value, json};
use serenity::all::{ApplicationId, ChannelId, InteractionId, MessageId as DiscordMessageId};
use serenity::http::Route;
use tokio::sync::{Mutex, oneshot};

use crate::bot::{MessageId, QuestionView, Reply, Responder};
use crate::platforms::discord::render::{self, Message};
use crate::platforms::discord::rest::{Body, Rest, RestError};

/// Interaction callback types (Discord's `InteractionCallbackType`).
const CHANNEL_MESSAGE: u8 = 4;
const DEFERRED_CHANNEL_MESSAGE: u8 = 5;
const MODAL: u8 = 9;
const ORIGINAL: &str = "@original";

/// Where the first answer to an interaction goes.
pub enum FirstAnswer {
    /// Gateway: POST to `/interactions/{id}/{token}/callback`.
    Callback(InteractionId),
    /// HTTP interactions: the body of our answer to Discord's request.
    HttpBody(oneshot::Sender<Value>),
}

enum State {
    Unanswered(FirstAnswer),
    Deferred,
    Answered,
}

pub struct InteractionResponder {
    rest: Arc<Rest>,
    application_id: ApplicationId,
    token: String,
    state: Mutex<State>,
    /// Whether a deferral hides its eventual answer (private commands, errors).
    private: bool,
    /// The "Answer" button's label, in the creator's language.
    answer_label: String,
}

impl InteractionResponder {
    pub fn new(
        rest: Arc<Rest>,
        application_id: ApplicationId,
        token: String,
        first: FirstAnswer,
        private: bool,
        answer_label: String,
    ) -> InteractionResponder {
        InteractionResponder {
            rest,
            application_id,
            token,
            state: Mutex::new(State::Unanswered(first)),
            private,
            answer_label,
        }
    }

    /// Defers when nothing was answered yet (Discord shows "thinking…"); used by the 2-second
    /// timer and for slow commands.
    pub async fn defer(&self) -> anyhow::Result<()> {
        let mut state = self.state.lock().await;
        self.defer_locked(&mut state).await
    }

    async fn defer_locked(&self, state: &mut State) -> anyhow::Result<()> {
        if matches!(state, State::Unanswered(_)) {
            let flags = if self.private { render::EPHEMERAL } else { 0 };
            self.first(
                state,
                json!({ "type": DEFERRED_CHANNEL_MESSAGE, "data": { "flags": flags } }),
            )
            .await?;
            *state = State::Deferred;
        }
        Ok(())
    }

    async fn first(&self, state: &mut State, body: Value) -> anyhow::Result<()> {
        let previous = std::mem::replace(state, State::Answered);
        match previous {
            State::Unanswered(FirstAnswer::Callback(id)) => {
                let route = Route::InteractionResponse {
                    interaction_id: id,
                    token: &self.token,
                };
                if let Err(e) = self
                    .rest
                    .call(Method::POST, route, &[], Body::Json(body))
                    .await
                {
                    *state = State::Unanswered(FirstAnswer::Callback(id));
                    return Err(e.into());
                }
            }
            State::Unanswered(FirstAnswer::HttpBody(sender)) => {
                if sender.send(body).is_err() {
                    anyhow::bail!("the interaction's HTTP request was already answered");
                }
            }
            other => {
                *state = other;
                anyhow::bail!("the interaction was already answered");
            }
        }
        Ok(())
    }

    /// Sends one message: the first answer, the deferred answer, or a follow-up.
    async fn post(&self, state: &mut State, message: Message) -> anyhow::Result<MessageId> {
        if matches!(state, State::Unanswered(_)) {
            if message.files.is_empty() {
                self.first(
                    state,
                    json!({ "type": CHANNEL_MESSAGE, "data": message.json }),
                )
                .await?;
                return Ok(MessageId(ORIGINAL.to_owned()));
            }
            // Files need multipart, which a first answer over HTTP cannot carry: defer, then edit.
            self.defer_locked(state).await?;
        }
        if matches!(state, State::Deferred) {
            self.patch(ORIGINAL, message).await?;
            *state = State::Answered;
            return Ok(MessageId(ORIGINAL.to_owned()));
        }
        let route = Route::WebhookFollowupMessages {
            application_id: self.application_id,
            token: &self.token,
        };
        let sent = self
            .rest
            .call(Method::POST, route, &[("wait", "true")], body(message))
            .await?;
        Ok(MessageId(message_id(&sent)?))
    }

    async fn patch(&self, id: &str, message: Message) -> anyhow::Result<()> {
        let mut json = message.json;
        // Visibility is fixed when a message is created; Discord ignores the flag on edits.
        if let Some(obj) = json.as_object_mut() {
            obj.remove("flags");
        }
        let message = Message { json, ..message };
        let body = body(message);
        if id == ORIGINAL {
            let route = Route::WebhookOriginalInteractionResponse {
                application_id: self.application_id,
                token: &self.token,
            };
            self.rest.call(Method::PATCH, route, &[], body).await?;
        } else {
            let message_id = DiscordMessageId::new(id.parse()?);
            let route = Route::WebhookFollowupMessage {
                application_id: self.application_id,
                token: &self.token,
                message_id,
            };
            self.rest.call(Method::PATCH, route, &[], body).await?;
        }
        Ok(())
    }
}

fn body(message: Message) -> Body {
    if message.files.is_empty() {
        Body::Json(message.json)
    } else {
        Body::Files(message.json, message.files)
    }
}

fn message_id(sent: &Value) -> anyhow::Result<String> {
    sent.get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("Discord's answer has no message id"))
}

#[async_trait]
impl Responder for InteractionResponder {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId> {
        let mut state = self.state.lock().await;
        let mut last = MessageId(ORIGINAL.to_owned());
        for message in render::messages(&reply) {
            last = self.post(&mut state, message).await?;
        }
        Ok(last)
    }

    async fn edit(&self, message: &MessageId, reply: Reply) -> anyhow::Result<()> {
        let _state = self.state.lock().await;
        self.patch(&message.0, render::edit(&reply)).await
    }

    async fn typing(&self) -> anyhow::Result<()> {
        self.defer().await
    }

    async fn ask(&self, question: &QuestionView) -> anyhow::Result<()> {
        let mut state = self.state.lock().await;
        // A page following a modal's submission cannot be a modal: a Continue button opens it.
        if question.continue_label.is_none() && matches!(*state, State::Unanswered(_)) {
            return self
                .first(
                    &mut state,
                    json!({ "type": MODAL, "data": render::modal(question) }),
                )
                .await;
        }
        let label = question
            .continue_label
            .as_deref()
            .unwrap_or(&self.answer_label);
        let message = render::ask_button(&question.title, label, self.private);
        self.post(&mut state, message).await.map(|_| ())
    }
}

/// Answers in a channel with plain messages: a DM's free text over the gateway, and the notifier.
pub struct ChannelResponder {
    pub rest: Arc<Rest>,
    pub channel: ChannelId,
}

/// A post that failed, and how many of its messages Discord had accepted before.
#[derive(Debug, thiserror::Error)]
#[error("{error} (after {delivered} message(s) were delivered)")]
pub struct PostError {
    #[source]
    pub error: RestError,
    pub delivered: usize,
}

impl ChannelResponder {
    pub async fn post(&self, reply: &Reply) -> Result<MessageId, PostError> {
        let mut last = None;
        for (delivered, message) in render::messages(reply).into_iter().enumerate() {
            let mut json = message.json;
            if let Some(obj) = json.as_object_mut() {
                // Ephemeral exists only for interactions; a DM is private already.
                obj.remove("flags");
            }
            let route = Route::ChannelMessages {
                channel_id: self.channel,
            };
            let sent = self
                .rest
                .call(
                    Method::POST,
                    route,
                    &[],
                    body(Message {
                        json,
                        files: message.files,
                    }),
                )
                .await
                .map_err(|error| PostError { error, delivered })?;
            last = sent.get("id").and_then(Value::as_str).map(str::to_owned);
        }
        Ok(MessageId(last.unwrap_or_default()))
    }
}

#[async_trait]
impl Responder for ChannelResponder {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId> {
        Ok(self.post(&reply).await?)
    }

    async fn edit(&self, message: &MessageId, reply: Reply) -> anyhow::Result<()> {
        let route = Route::ChannelMessage {
            channel_id: self.channel,
            message_id: DiscordMessageId::new(message.0.parse()?),
        };
        let mut edit = render::edit(&reply);
        if let Some(obj) = edit.json.as_object_mut() {
            obj.remove("flags");
        }
        self.rest
            .call(Method::PATCH, route, &[], body(edit))
            .await?;
        Ok(())
    }

    async fn typing(&self) -> anyhow::Result<()> {
        let route = Route::ChannelTyping {
            channel_id: self.channel,
        };
        self.rest
            .call(Method::POST, route, &[], Body::Empty)
            .await?;
        Ok(())
    }

    async fn ask(&self, question: &QuestionView) -> anyhow::Result<()> {
        // A DM reads free text, like the console: the current field's prompt is the question.
        let field = question
            .fields
            .get(question.current)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| question.title.clone());
        self.post(&Reply::text(field)).await?;
        Ok(())
    }
}
