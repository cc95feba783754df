//! Sending to Telegram: the `Responder` for replies to an update, the `Notifier` for proactive
//! messages, and how Telegram's answers map onto the engine's outcomes.
//!
//! New messages take a slot in the send limits shared by every instance on the database, then
//! leave at once; a 429's `retry_after` is waited out and the message sent again (`Outbox`).
//! Edits and chat actions go through teloxide's `Throttle` (limits set in `telegram.rs`). A
//! request Telegram answered with ok:true is never repeated.
//! Edits are coalesced to about one per second per chat: the latest text always lands.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use teloxide::RequestError;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use teloxide::types::{
    ChatAction, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
    MessageId as TgMessageId, ParseMode, ReplyMarkup, ReplyParameters,
};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::bot::{
    Attachment, Button, Destination, MessageId, Notifier, QuestionView, Reply, Responder,
    SendOutcome,
};
use crate::metrics::{Api, outgoing};
use crate::platforms::console::text_prompt;
use crate::platforms::shared_limits::{Limit, SharedLimiter};
use crate::platforms::telegram::render::{
    CAPTION_LIMIT, MESSAGE_LIMIT, escape, escaped_utf16_len, join_blocks, split_escaped,
};

pub type TgBot = Throttle<Bot>;

/// Where messages leave: every new message takes a slot in the limits shared with the other
/// instances (`limits`: per bot and per chat each second, per chat each minute), then goes
/// straight out; a 429 is waited out (`retry_after`) and the message sent again, since a 429
/// means nothing was delivered. Sending right after the slot is what keeps the shared count
/// true: teloxide's Throttle releases its queue in bursts every 250 ms, which would bunch
/// messages counted in different windows. Edits and chat actions go through the Throttle
/// (`bot`): edits are already spaced per reply, and Telegram's published limits are about
/// messages sent.
#[derive(Clone)]
pub struct Outbox {
    pub bot: TgBot,
    pub shared: SharedLimiter,
    pub limits: Limits,
}

/// Supergroup and channel ids are -100 followed by the group's number.
const SUPERGROUP_IDS_BELOW: i64 = -1_000_000_000_000;

/// 429s waited out for one message before the refusal is returned.
const MAX_RETRY_AFTER: usize = 5;

impl Outbox {
    /// Waits for a slot to send one message to `chat` under the shared limits.
    async fn slot(&self, chat: ChatId) {
        let chat_scope = format!("chat:{}", chat.0);
        let minute_scope = format!("chat-minute:{}", chat.0);
        // As teloxide's Throttle does: supergroups and channels (ids from -100…) have their own
        // per-minute limit; other chats, basic groups and DMs alike, the chat one.
        let per_minute = if chat.0 <= SUPERGROUP_IDS_BELOW {
            self.limits.messages_per_min_channel_or_supergroup
        } else {
            self.limits.messages_per_min_chat
        };
        let scopes = [
            (
                "all",
                Limit::per_second(self.limits.messages_per_sec_overall),
            ),
            (
                chat_scope.as_str(),
                Limit::per_second(self.limits.messages_per_sec_chat),
            ),
            (minute_scope.as_str(), Limit::per_minute(per_minute)),
        ];
        self.shared.wait(&scopes).await;
    }

    /// Sends one message built by `request` (built again for a retry after a 429).
    async fn send<R>(
        &self,
        chat: ChatId,
        request: impl Fn(&Bot) -> R,
    ) -> Result<Message, RequestError>
    where
        R: IntoFuture<Output = Result<Message, RequestError>>,
    {
        let mut refusals = 0;
        loop {
            self.slot(chat).await;
            // Counted as sent, or as an error by status (a 429 included).
            match accepted(request(self.bot.inner()).await) {
                Err(RequestError::RetryAfter(after)) if refusals < MAX_RETRY_AFTER => {
                    refusals += 1;
                    tokio::time::sleep(after.duration()).await;
                }
                result => return result,
            }
        }
    }
}

/// Replies to one update, in its chat.
pub struct TelegramResponder {
    out: Outbox,
    chat: ChatId,
    /// The creator's message, replied to when asking in a group (ForceReply needs a target).
    reply_to: Option<TgMessageId>,
    group: bool,
    edits: Arc<EditState>,
    sent: Mutex<HashMap<String, Vec<TgMessageId>>>,
    /// Stops the "typing…" loop of a slow command once a reply goes out or the update is done.
    typing: CancellationToken,
}

impl Drop for TelegramResponder {
    fn drop(&mut self) {
        self.typing.cancel();
    }
}

/// Coalesced edits of one chat.
#[derive(Default)]
pub struct EditState {
    interval: Duration,
    inner: Mutex<EditInner>,
}

#[derive(Default)]
struct EditInner {
    last: Option<Instant>,
}

impl TelegramResponder {
    pub fn new(
        out: Outbox,
        chat: ChatId,
        reply_to: Option<TgMessageId>,
        group: bool,
        edit_interval: Duration,
    ) -> Self {
        TelegramResponder {
            out,
            chat,
            reply_to,
            group,
            edits: Arc::new(EditState {
                interval: edit_interval,
                inner: Mutex::default(),
            }),
            sent: Mutex::default(),
            typing: CancellationToken::new(),
        }
    }
}

fn keyboard(buttons: &[Button]) -> Option<InlineKeyboardMarkup> {
    if buttons.is_empty() {
        return None;
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    for button in buttons {
        let key = match button {
            Button::Action { label, id } => {
                InlineKeyboardButton::callback(label.clone(), id.clone())
            }
            Button::Link { label, url } => match url::Url::parse(url) {
                Ok(url) => InlineKeyboardButton::url(label.clone(), url),
                Err(_) => continue,
            },
        };
        // Two a row keeps labels readable on a phone.
        match rows.last_mut() {
            Some(row) if row.len() < 2 => row.push(key),
            _ => rows.push(vec![key]),
        }
    }
    Some(InlineKeyboardMarkup::new(rows))
}

fn is_image(a: &Attachment) -> bool {
    matches!(a.mime_type.as_str(), "image/png" | "image/jpeg")
}

/// A reply that failed, and how many of its messages Telegram had accepted before.
#[derive(Debug, thiserror::Error)]
#[error("{error} (after {delivered} part(s) were delivered)")]
pub struct SendError {
    #[source]
    pub error: RequestError,
    pub delivered: usize,
}

/// Sends a whole reply to a chat: text parts (buttons on the last), then attachments; a single
/// image with a short text goes as a photo with its caption. Returns the ids of the text parts.
pub async fn send_reply(
    out: &Outbox,
    chat: ChatId,
    reply: &Reply,
    markup_override: Option<ReplyMarkup>,
    reply_to: Option<TgMessageId>,
) -> Result<Vec<TgMessageId>, SendError> {
    let text = join_blocks(&reply.blocks);
    let markup: Option<ReplyMarkup> =
        markup_override.or_else(|| keyboard(&reply.buttons).map(ReplyMarkup::InlineKeyboard));
    let mut ids = Vec::new();
    // Parts Telegram accepted so far, for a failure midway.
    let mut delivered = 0;
    let file = |a: &Attachment| InputFile::memory(a.bytes.clone()).file_name(a.file_name.clone());

    let photo_with_caption = reply.attachments.len() == 1
        && is_image(&reply.attachments[0])
        && escaped_utf16_len(&text) <= CAPTION_LIMIT;
    if photo_with_caption {
        let a = &reply.attachments[0];
        let caption = escape(&text);
        let sent = out
            .send(chat, |bot| {
                let request = bot
                    .send_photo(chat, file(a))
                    .caption(caption.clone())
                    .parse_mode(ParseMode::Html);
                match markup.clone() {
                    Some(m) => request.reply_markup(m),
                    None => request,
                }
            })
            .await
            .map_err(|error| SendError { error, delivered })?;
        ids.push(sent.id);
        return Ok(ids);
    }

    // A single image whose text is too long for a caption goes first; the text follows.
    let (images_first, rest): (Vec<&Attachment>, Vec<&Attachment>) = reply
        .attachments
        .iter()
        .partition(|a| reply.attachments.len() == 1 && is_image(a));
    for a in images_first {
        out.send(chat, |bot| bot.send_photo(chat, file(a)))
            .await
            .map_err(|error| SendError { error, delivered })?;
        delivered += 1;
    }
    if !text.trim().is_empty() {
        let parts = split_escaped(&text, MESSAGE_LIMIT);
        let last = parts.len() - 1;
        for (i, part) in parts.into_iter().enumerate() {
            let sent = out
                .send(chat, |bot| {
                    let mut request = bot
                        .send_message(chat, part.clone())
                        .parse_mode(ParseMode::Html);
                    if i == 0
                        && let Some(target) = reply_to
                    {
                        request = request.reply_parameters(
                            ReplyParameters::new(target).allow_sending_without_reply(),
                        );
                    }
                    if i == last
                        && let Some(m) = markup.clone()
                    {
                        request = request.reply_markup(m);
                    }
                    request
                })
                .await
                .map_err(|error| SendError { error, delivered })?;
            ids.push(sent.id);
            delivered += 1;
        }
    }
    for a in rest {
        let sent = if is_image(a) {
            out.send(chat, |bot| bot.send_photo(chat, file(a))).await
        } else {
            out.send(chat, |bot| bot.send_document(chat, file(a))).await
        };
        sent.map_err(|error| SendError { error, delivered })?;
        delivered += 1;
    }
    Ok(ids)
}

#[async_trait]
impl Responder for TelegramResponder {
    async fn send(&self, reply: Reply) -> anyhow::Result<MessageId> {
        self.typing.cancel();
        let ids = send_reply(&self.out, self.chat, &reply, None, None).await?;
        let key = ids.first().map(|id| id.0.to_string()).unwrap_or_default();
        self.sent.lock().await.insert(key.clone(), ids);
        Ok(MessageId(key))
    }

    async fn edit(&self, message: &MessageId, reply: Reply) -> anyhow::Result<()> {
        let ids = self
            .sent
            .lock()
            .await
            .get(&message.0)
            .cloned()
            .unwrap_or_default();
        // About one edit a second per chat: wait out the interval rather than drop an edit, so
        // the final text always lands.
        {
            let mut inner = self.edits.inner.lock().await;
            if let Some(last) = inner.last {
                let wait = self.edits.interval.saturating_sub(last.elapsed());
                tokio::time::sleep(wait).await;
            }
            inner.last = Some(Instant::now());
        }
        let parts = split_escaped(&join_blocks(&reply.blocks), MESSAGE_LIMIT);
        let markup = keyboard(&reply.buttons);
        let mut new_ids = Vec::new();
        let last = parts.len() - 1;
        for (i, part) in parts.into_iter().enumerate() {
            let markup = if i == last { markup.clone() } else { None };
            match ids.get(i) {
                Some(&id) => {
                    let mut request = self
                        .out
                        .bot
                        .edit_message_text(self.chat, id, part)
                        .parse_mode(ParseMode::Html);
                    if let Some(m) = markup {
                        request = request.reply_markup(m);
                    }
                    match observed(request.await) {
                        Ok(_) => {}
                        // Same text as before: nothing to do.
                        Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => {}
                        Err(e) => return Err(e.into()),
                    }
                    new_ids.push(id);
                }
                None => {
                    let sent = self
                        .out
                        .send(self.chat, |bot| {
                            let request = bot
                                .send_message(self.chat, part.clone())
                                .parse_mode(ParseMode::Html);
                            match markup.clone() {
                                Some(m) => request.reply_markup(m),
                                None => request,
                            }
                        })
                        .await?;
                    new_ids.push(sent.id);
                }
            }
        }
        self.sent.lock().await.insert(message.0.clone(), new_ids);
        Ok(())
    }

    async fn typing(&self) -> anyhow::Result<()> {
        self.out
            .bot
            .send_chat_action(self.chat, ChatAction::Typing)
            .await?;
        Ok(())
    }

    async fn ask(&self, question: &QuestionView) -> anyhow::Result<()> {
        let mut reply = Reply::text(text_prompt(question));
        for button in &question.buttons {
            reply = reply.button(button.clone());
        }
        // In a group the answer must come back as a reply to us: privacy mode hides other text.
        // A step with buttons shows them instead (one markup a message); a typed answer then
        // still reaches us as a reply to the prompt.
        let (markup, target) = if self.group && question.buttons.is_empty() {
            (
                Some(ReplyMarkup::ForceReply(ForceReply::new().selective())),
                self.reply_to,
            )
        } else if self.group {
            (None, self.reply_to)
        } else {
            (None, None)
        };
        send_reply(&self.out, self.chat, &reply, markup, target).await?;
        Ok(())
    }
}

/// Proactive sends (digests, reminders) to a saved Telegram chat.
pub struct TelegramNotifier {
    pub bot: Outbox,
}

#[async_trait]
impl Notifier for TelegramNotifier {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        let Ok(chat) = destination.chat_id.parse::<i64>() else {
            return SendOutcome::Unreachable;
        };
        match send_reply(&self.bot, ChatId(chat), &reply, None, None).await {
            Ok(_) => SendOutcome::Delivered,
            Err(e) => match outcome_of(&e.error) {
                // Part of it arrived: sending again would repeat that part, so the outcome is
                // left for an operator (`uncertain`) rather than retried.
                SendOutcome::Refused { .. } if e.delivered > 0 => SendOutcome::Unknown,
                outcome => outcome,
            },
        }
    }
}

/// A message-sending request's outcome: counted as sent, or as an error by status.
pub fn accepted<T>(result: Result<T, RequestError>) -> Result<T, RequestError> {
    if result.is_ok() {
        outgoing().sent(Api::Telegram, 1);
    }
    observed(result)
}

/// Any Telegram request's outcome: a failure is counted in `external_api_errors_total`.
/// teloxide keeps Telegram's `error_code` to itself, so the status is read back from the
/// error it made of the answer (the Bot API's documented codes).
pub fn observed<T>(result: Result<T, RequestError>) -> Result<T, RequestError> {
    use teloxide::ApiError as A;
    let Err(error) = &result else {
        return result;
    };
    let outgoing = outgoing();
    match error {
        RequestError::RetryAfter(_) => outgoing.answered(Api::Telegram, 429),
        RequestError::Api(
            A::BotBlocked
            | A::UserDeactivated
            | A::BotKicked
            | A::BotKickedFromSupergroup
            | A::BotKickedFromChannel
            | A::CantInitiateConversation
            | A::CantTalkWithBots,
        ) => outgoing.answered(Api::Telegram, 403),
        RequestError::Api(A::InvalidToken) => outgoing.answered(Api::Telegram, 401),
        RequestError::Api(A::TerminatedByOtherGetUpdates) => outgoing.answered(Api::Telegram, 409),
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => {
            outgoing.answered(Api::Telegram, 400)
        }
        RequestError::Network(e) => outgoing.unanswered(Api::Telegram, e.is_timeout()),
        RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            outgoing.unanswered(Api::Telegram, false)
        }
    }
    result
}

/// What a failed request means for a send (DESIGN.md's delivery semantics).
pub fn outcome_of(error: &RequestError) -> SendOutcome {
    use teloxide::ApiError as A;
    match error {
        RequestError::Api(
            A::BotBlocked
            | A::ChatNotFound
            | A::UserDeactivated
            | A::BotKicked
            | A::BotKickedFromSupergroup
            | A::BotKickedFromChannel
            | A::GroupDeactivated
            | A::CantInitiateConversation
            | A::CantTalkWithBots
            | A::NotEnoughRightsToPostMessages,
        ) => SendOutcome::Unreachable,
        RequestError::MigrateToChatId(_) => SendOutcome::Unreachable,
        RequestError::RetryAfter(seconds) => SendOutcome::Refused {
            retry_after: Some(seconds.duration()),
        },
        // An answer came back: refused, nothing delivered.
        RequestError::Api(_) => SendOutcome::Refused { retry_after: None },
        // The connection never opened: nothing was written.
        RequestError::Network(e) if e.is_connect() => SendOutcome::Refused { retry_after: None },
        // Written, then no usable answer: it may have arrived.
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            SendOutcome::Unknown
        }
    }
}
