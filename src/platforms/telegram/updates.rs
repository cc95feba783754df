//! Incoming Telegram updates → the engine: messages, commands (`/cmd@BotName`), button presses
//! (always answered with answerCallbackQuery), documents (up to Telegram's 20 MB download limit),
//! the creator's `language_code`, and admin status in groups (getChatMember, cached one minute).
//!
//! Updates of one chat are handled one at a time, in order; different chats run concurrently.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, Document, Message, PreCheckoutQuery, SuccessfulPayment, UpdateKind, User,
};
use tokio::sync::Mutex;
use tokio_util::task::TaskTracker;

use crate::app::App;
use crate::bot::tokenizer::parse_command;
use crate::bot::{ChatRef, Incoming, IncomingFile, Input, Platform, Reply, Responder, dispatch};
use crate::domain::billing::stars;
use crate::i18n::{Locale, msg};
use crate::metrics::Api;
use crate::platforms::telegram::responder::{Outbox, TelegramResponder};

/// Telegram bots may download files up to 20 MB.
const MAX_DOWNLOAD_BYTES: u64 = 20 * 1024 * 1024;
const ADMIN_CACHE_TTL: Duration = Duration::from_secs(60);

/// Everything needed to handle updates, shared by polling and the webhook.
pub struct Pipeline {
    pub app: Arc<App>,
    pub bot: Outbox,
    /// The unthrottled bot, for downloads and callback answers (not messages).
    pub raw: Bot,
    pub username: String,
    pub edit_interval: Duration,
    chats: Mutex<HashMap<i64, Arc<Mutex<()>>>>,
    admins: Mutex<HashMap<(i64, u64), (bool, Instant)>>,
    pub tracker: TaskTracker,
}

impl Pipeline {
    pub fn new(
        app: Arc<App>,
        bot: Outbox,
        raw: Bot,
        username: String,
        edit_interval: Duration,
    ) -> Arc<Pipeline> {
        Arc::new(Pipeline {
            app,
            bot,
            raw,
            username,
            edit_interval,
            chats: Mutex::default(),
            admins: Mutex::default(),
            tracker: TaskTracker::new(),
        })
    }

    /// Handles an update on a tracked task (shutdown waits for it).
    pub fn submit(self: &Arc<Self>, update: Update) {
        let this = self.clone();
        // One request id per update: every log line of its handling carries it.
        let span = crate::telemetry::request_span("telegram");
        self.tracker.spawn(tracing::Instrument::instrument(
            async move { this.handle(update).await },
            span,
        ));
    }

    async fn chat_lock(&self, chat: i64) -> Arc<Mutex<()>> {
        let mut chats = self.chats.lock().await;
        // Drop locks nobody holds, so the map does not grow with every chat ever seen.
        if chats.len() > 10_000 {
            chats.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        chats.entry(chat).or_default().clone()
    }

    async fn handle(&self, update: Update) {
        match update.kind {
            UpdateKind::Message(message) => {
                let lock = self.chat_lock(message.chat.id.0).await;
                let _turn = lock.lock().await;
                self.on_message(message).await;
            }
            // Not behind the chat's turn: a slow command there must not delay the answer.
            UpdateKind::PreCheckoutQuery(query) => self.on_pre_checkout(query).await,
            UpdateKind::CallbackQuery(query) => {
                let chat = query.message.as_ref().map(|m| m.chat().id.0).unwrap_or(0);
                let lock = self.chat_lock(chat).await;
                let _turn = lock.lock().await;
                self.on_callback(query).await;
            }
            _ => {}
        }
    }

    async fn on_message(&self, message: Message) {
        let Some(from) = message.from.clone() else {
            return;
        };
        if from.is_bot {
            return;
        }
        if let Some(payment) = message.successful_payment() {
            self.on_payment(&message, &from, payment).await;
            return;
        }
        let group = !message.chat.is_private();
        let input = if let Some(text) = message.text() {
            if text.trim_start().starts_with('/') {
                if let Ok(parsed) = parse_command(text)
                    && let Some(bot) = parsed.addressed_to
                    && !bot.eq_ignore_ascii_case(&self.username)
                {
                    return; // A command for another bot in this group.
                }
            } else if group && !self.replies_to_us(&message) {
                return; // Group chatter that is not for us.
            }
            Input::Line(text.to_owned())
        } else if let Some(document) = message.document() {
            if group && !self.replies_to_us(&message) {
                // A file shared in a group is for the group: it must not replace anyone's logo
                // or import numbers. Sent as a reply to the bot, it is for us.
                return;
            }
            match self.download(document).await {
                Ok(file) => Input::File(file),
                Err(problem) => return self.explain(&message, &from, group, &problem).await,
            }
        } else if message.photo().is_some() && !group {
            // Telegram recompresses photos to JPEG: a logo or a table must come as a file.
            let problem = msg("telegram-photo-not-file");
            return self.explain(&message, &from, group, &problem).await;
        } else {
            return;
        };
        let incoming = self.incoming(&from, message.chat.id, group, input).await;
        let responder = self.responder(&message, group);
        dispatch::handle(&self.app, incoming, &responder).await;
    }

    /// Answered within Telegram's 10 seconds: yes only for our payload, payer and price.
    async fn on_pre_checkout(&self, query: PreCheckoutQuery) {
        let payer = query.from.id.0.to_string();
        let verdict = stars::pre_checkout(
            &self.app,
            &payer,
            &query.currency,
            query.total_amount,
            &query.invoice_payload,
        );
        let ok = match tokio::time::timeout(Duration::from_secs(8), verdict).await {
            Ok(Ok(ok)) => ok,
            Ok(Err(e)) => {
                tracing::error!(error = ?e, "pre-checkout check failed; refusing");
                false
            }
            Err(_) => {
                tracing::error!("pre-checkout check too slow; refusing");
                false
            }
        };
        let mut answer = self.raw.answer_pre_checkout_query(query.id.clone(), ok);
        if !ok {
            answer = answer.error_message(
                self.sentence(&query.from, &msg("stars-precheckout-refused"))
                    .await,
            );
        }
        if let Err(e) = answer.await {
            tracing::warn!(error = %e, "answerPreCheckoutQuery failed");
        }
    }

    /// A Stars payment (first or renewal): the plan is granted until the period's end.
    async fn on_payment(&self, message: &Message, from: &User, payment: &SuccessfulPayment) {
        let user = from.id.0.to_string();
        let outcome = stars::paid(
            &self.app,
            &stars::Payment {
                telegram_user: &user,
                currency: &payment.currency,
                total: payment.total_amount,
                payload: &payment.invoice_payload,
                charge_id: &payment.telegram_payment_charge_id.0,
                expires_at: payment.subscription_expiration_date,
                is_recurring: payment.is_recurring,
                is_first_recurring: payment.is_first_recurring,
            },
        )
        .await;
        let text = match outcome {
            Ok(stars::Paid::Granted(text)) => text,
            Ok(stars::Paid::Unknown(m)) => self.sentence(from, &m).await,
            Err(e) => {
                // Telegram does not deliver the payment again: log everything an operator needs.
                tracing::error!(
                    error = ?e,
                    charge = %payment.telegram_payment_charge_id.0,
                    user = %user,
                    "a Stars payment could not be applied"
                );
                self.sentence(from, &msg("stars-payment-unknown")).await
            }
        };
        let responder = self.responder(message, !message.chat.is_private());
        if let Err(e) = responder.send(Reply::text(text)).await {
            tracing::warn!(error = %e, "could not confirm a Stars payment");
        }
    }

    fn responder(&self, message: &Message, group: bool) -> TelegramResponder {
        TelegramResponder::new(
            self.bot.clone(),
            message.chat.id,
            Some(message.id),
            group,
            self.edit_interval,
        )
    }

    fn replies_to_us(&self, message: &Message) -> bool {
        message
            .reply_to_message()
            .and_then(|m| m.from.as_ref())
            .and_then(|u| u.username.as_deref())
            .is_some_and(|u| u.eq_ignore_ascii_case(&self.username))
    }

    async fn on_callback(&self, query: CallbackQuery) {
        // Always answer, so the creator's client stops its spinner, even for a stale button.
        let answer = self.raw.answer_callback_query(query.id.clone()).await;
        if let Err(e) = answer {
            tracing::warn!(error = %e, "answerCallbackQuery failed");
        }
        let (Some(data), Some(message)) = (query.data.clone(), query.message.as_ref()) else {
            return;
        };
        let chat = message.chat().clone();
        let group = !chat.is_private();
        let from = query.from.clone();
        let incoming = self
            .incoming(&from, chat.id, group, Input::Button(data))
            .await;
        let responder =
            TelegramResponder::new(self.bot.clone(), chat.id, None, group, self.edit_interval);
        dispatch::handle(&self.app, incoming, &responder).await;
    }

    /// What the engine needs to know about a Telegram author and chat.
    async fn incoming(&self, from: &User, chat: ChatId, group: bool, input: Input) -> Incoming {
        Incoming {
            platform: Platform::Telegram,
            user_id: from.id.0.to_string(),
            display_name: Some(display_name(from)),
            chat: ChatRef {
                platform: Platform::Telegram,
                id: chat.0.to_string(),
                private: !group,
            },
            platform_locale: from.language_code.as_deref().and_then(Locale::from_tag),
            forced_locale: None,
            is_admin: self.is_admin(chat, from.id, group).await,
            input,
        }
    }

    async fn is_admin(&self, chat: ChatId, user: UserId, group: bool) -> bool {
        if !group {
            return true;
        }
        let key = (chat.0, user.0);
        if let Some((admin, at)) = self.admins.lock().await.get(&key)
            && at.elapsed() < ADMIN_CACHE_TTL
        {
            return *admin;
        }
        let admin = match self.raw.get_chat_member(chat, user).await {
            Ok(member) => member.is_privileged(),
            Err(e) => {
                tracing::warn!(error = %e, "getChatMember failed; treating the author as a member");
                false
            }
        };
        self.admins
            .lock()
            .await
            .insert(key, (admin, Instant::now()));
        admin
    }

    async fn download(&self, document: &Document) -> Result<IncomingFile, crate::i18n::Msg> {
        let too_big = || msg("telegram-file-too-big").arg("max_mb", 20_i64);
        if u64::from(document.file.size) > MAX_DOWNLOAD_BYTES {
            return Err(too_big());
        }
        let file = super::responder::observed(self.raw.get_file(document.file.id.clone()).await)
            .map_err(|e| {
                tracing::warn!(error = %e, "getFile failed");
                msg("telegram-file-failed")
            })?;
        let mut bytes = Vec::new();
        self.raw
            .download_file(&file.path, &mut bytes)
            .await
            .map_err(|e| {
                if let teloxide::DownloadError::Network(e) = &e {
                    let outgoing = crate::metrics::outgoing();
                    match e.status() {
                        Some(status) => outgoing.answered(Api::Telegram, status.as_u16()),
                        None => outgoing.unanswered(Api::Telegram, e.is_timeout()),
                    }
                }
                tracing::warn!(error = %e, "file download failed");
                msg("telegram-file-failed")
            })?;
        if bytes.len() as u64 > MAX_DOWNLOAD_BYTES {
            return Err(too_big());
        }
        Ok(IncomingFile {
            file_name: document
                .file_name
                .clone()
                .unwrap_or_else(|| "file".to_owned()),
            mime_type: document
                .mime_type
                .as_ref()
                .map_or_else(|| "application/octet-stream".to_owned(), |m| m.to_string()),
            bytes,
        })
    }

    /// Answers a message we cannot take with the sentence that says what to do instead.
    async fn explain(
        &self,
        message: &Message,
        from: &User,
        group: bool,
        problem: &crate::i18n::Msg,
    ) {
        let responder = self.responder(message, group);
        let sentence = self.sentence(from, problem).await;
        if let Err(e) = responder.send(Reply::text(sentence)).await {
            tracing::warn!(error = %e, "could not explain a refused message");
        }
    }

    async fn sentence(&self, from: &User, message: &crate::i18n::Msg) -> String {
        let platform_locale = from.language_code.as_deref().and_then(Locale::from_tag);
        dispatch::render_for(
            &self.app,
            Platform::Telegram,
            &from.id.0.to_string(),
            None,
            platform_locale,
            message,
        )
        .await
    }
}

fn display_name(user: &User) -> String {
    user.username
        .clone()
        .map_or_else(|| user.full_name(), |u| format!("@{u}"))
}
