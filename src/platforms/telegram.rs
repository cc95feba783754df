//! The Telegram front end (teloxide): long polling by default, webhook mode when both
//! `TELEGRAM_WEBHOOK_URL` and `TELEGRAM_WEBHOOK_SECRET` are set.
//!
//! Start-up never dies on a flaky Bot API: `getMe` is retried with backoff until it answers
//! (we never build teloxide's Dispatcher, which panics without it); `setMyCommands` and
//! `setWebhook` are retried in the background. Updates from polling and from the webhook go
//! through the same `Pipeline`. On stop: polling ends, updates in hand finish, and every reply
//! already handed to the Throttle is sent before the task returns.
//!
//! Several instances on one database: long polling is done by one of them at a time, the holder
//! of a session-level advisory lock (`db::session_lock`) named after the token's hash; the others
//! try again every `Options::leader_retry` and take over when the holder stops or dies. Webhook
//! mode needs no lock: Telegram posts each update once, to whichever instance the load balancer
//! picks. Messages sent take slots in limits shared by every instance (`responder::Outbox`).

mod menu;
pub mod render;
pub mod responder;
mod stars;
mod updates;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::ExposeSecret;
use teloxide::adaptors::throttle::{Limits, Throttle};
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio::sync::OnceCell;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::bot::Platform;
use crate::db::session_lock;
use crate::platforms::shared_limits::{SharedLimiter, token_hash};
use crate::platforms::{Mode, WebhookHandler, WebhookResponse};
use responder::{Outbox, TelegramNotifier};
use updates::Pipeline;

/// Tunables; production uses `Options::default()`, tests shorten them.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    pub edit_interval: Duration,
    /// Long-polling timeout passed to getUpdates.
    pub poll_timeout: Duration,
    /// First and longest wait between retries of getMe and other start-up calls.
    pub backoff: (Duration, Duration),
    /// How often an instance that does not poll tries to take the polling lock.
    pub leader_retry: Duration,
    /// How often the polling instance checks that its lock's connection is still there.
    pub lock_check: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            // What the product promises (teloxide's defaults differ): 1 msg/s per chat, 30/s
            // overall, 20/min per group. Throttle applies the per-minute limit to every
            // non-supergroup chat (basic groups and DMs alike) and the supergroup one to
            // supergroups and channels, so both are 20.
            limits: Limits {
                messages_per_sec_chat: 1,
                messages_per_sec_overall: 30,
                messages_per_min_chat: 20,
                messages_per_min_channel_or_supergroup: 20,
            },
            edit_interval: Duration::from_secs(1),
            poll_timeout: Duration::from_secs(10),
            backoff: (Duration::from_secs(1), Duration::from_secs(60)),
            leader_retry: Duration::from_secs(3),
            lock_check: Duration::from_secs(2),
        }
    }
}

pub async fn start(
    app: &Arc<App>,
    mode: Mode,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) -> Option<Arc<dyn WebhookHandler>> {
    start_with(app, Options::default(), mode, stop, tasks)
}

/// Starts the front end when `TELEGRAM_BOT_TOKEN` is set. Returns the webhook handler in webhook
/// mode. Never fails: problems are logged and retried in the background.
pub fn start_with(
    app: &Arc<App>,
    options: Options,
    mode: Mode,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) -> Option<Arc<dyn WebhookHandler>> {
    let token = app.settings.telegram.bot_token.as_ref()?;
    let telegram = &app.settings.telegram;
    let timeouts = telegram.timeouts;
    let raw = match bot_with_timeouts(token.expose_secret(), &telegram.api_url, timeouts) {
        Ok(bot) => bot,
        Err(e) => {
            tracing::error!(error = %e, "the Telegram HTTP client cannot be built");
            return None;
        }
    };
    // getUpdates holds the request open for the poll timeout: its client waits that much longer.
    let poller = match bot_with_timeouts(
        token.expose_secret(),
        &telegram.api_url,
        crate::settings::Timeouts {
            request: timeouts.request + options.poll_timeout,
            ..timeouts
        },
    ) {
        Ok(bot) => bot,
        Err(e) => {
            tracing::error!(error = %e, "the Telegram HTTP client cannot be built");
            return None;
        }
    };
    // Every send through this handle is awaited by its sender (update tasks, job workers), and
    // shutdown waits for those: the Throttle's own worker needs no joining.
    let bot = Outbox {
        bot: Throttle::new_spawn(raw.clone(), options.limits),
        shared: SharedLimiter::new(app.db.clone(), "telegram", token.expose_secret()),
        limits: options.limits,
    };
    app.notifiers.register(
        Platform::Telegram,
        Arc::new(TelegramNotifier { bot: bot.clone() }),
    );
    let lock_name = format!("telegram-poll:{}", token_hash(token.expose_secret()));
    app.stars
        .register(Arc::new(stars::TelegramStars { bot: raw.clone() }));
    if mode == Mode::NotifyOnly {
        return None;
    }

    let cell: Arc<OnceCell<Arc<Pipeline>>> = Arc::new(OnceCell::new());
    let webhook = app.settings.telegram.webhook.clone();
    let handler: Option<Arc<dyn WebhookHandler>> = webhook.as_ref().map(|w| {
        Arc::new(Webhook {
            secret: w.secret.expose_secret().to_owned(),
            pipeline: cell.clone(),
        }) as Arc<dyn WebhookHandler>
    });
    let app = app.clone();
    let stop = stop.clone();
    tasks.spawn(async move {
        let Some(me) = get_me(&raw, &options, &stop).await else {
            return;
        };
        let username = me.username.clone().unwrap_or_default();
        tracing::info!(bot = %username, "Telegram front end is up");
        if !username.is_empty() {
            let _ = app.telegram_username.set(username.clone());
        }
        let pipeline = Pipeline::new(
            app.clone(),
            bot.clone(),
            raw.clone(),
            username,
            options.edit_interval,
        );
        let _ = cell.set(pipeline.clone());
        let background = tokio::spawn(menu::publish(
            app.clone(),
            raw.clone(),
            options.clone(),
            stop.clone(),
        ));
        match webhook {
            Some(w) => {
                set_webhook(
                    &raw,
                    w.url.clone(),
                    w.secret.expose_secret(),
                    &options,
                    &stop,
                )
                .await;
                stop.cancelled().await;
            }
            None => poll_when_holding(&app, &lock_name, &poller, &pipeline, &options, &stop).await,
        }
        background.abort();
        // Updates in hand finish; their replies are awaited, so nothing handed over is lost.
        pipeline.tracker.close();
        pipeline.tracker.wait().await;
    });
    handler
}

/// A bot handle whose HTTP client is bounded by our timeouts (teloxide's default client has
/// its own, 5 s and 17 s).
fn bot_with_timeouts(
    token: &str,
    api_url: &url::Url,
    timeouts: crate::settings::Timeouts,
) -> anyhow::Result<Bot> {
    let client = crate::clients::oauth_http(timeouts)?;
    Ok(Bot::with_client(token, client).set_api_url(api_url.clone()))
}

/// Calls getMe until it answers (or the process stops).
async fn get_me(
    raw: &Bot,
    options: &Options,
    stop: &CancellationToken,
) -> Option<teloxide::types::Me> {
    let mut delay = options.backoff.0;
    loop {
        match responder::observed(raw.get_me().await) {
            Ok(me) => return Some(me),
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?delay, "Telegram getMe failed; retrying")
            }
        }
        tokio::select! {
            () = stop.cancelled() => return None,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(options.backoff.1);
    }
}

async fn set_webhook(
    raw: &Bot,
    url: url::Url,
    secret: &str,
    options: &Options,
    stop: &CancellationToken,
) {
    let mut delay = options.backoff.0;
    loop {
        let request = raw
            .set_webhook(url.clone())
            .secret_token(secret.to_owned())
            .allowed_updates(vec![
                AllowedUpdate::Message,
                AllowedUpdate::CallbackQuery,
                AllowedUpdate::PreCheckoutQuery,
            ]);
        match responder::observed(request.await) {
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?delay, "Telegram setWebhook failed; retrying")
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(options.backoff.1);
    }
}

/// Takes the polling lock (retrying every `leader_retry`), polls while holding it, and starts
/// over when it is lost; returns on stop, releasing the lock.
async fn poll_when_holding(
    app: &App,
    lock_name: &str,
    raw: &Bot,
    pipeline: &Arc<Pipeline>,
    options: &Options,
    stop: &CancellationToken,
) {
    let mut waiting_said = false;
    loop {
        match session_lock::try_acquire(&app.db, lock_name, options.lock_check).await {
            Ok(Some(lock)) => {
                tracing::info!("this instance polls Telegram");
                waiting_said = false;
                tokio::select! {
                    () = poll(raw, pipeline, options, stop) => {}
                    () = lock.lost() => {
                        tracing::warn!("lost the Telegram polling lock; polling stops here");
                    }
                }
                lock.release().await;
                if stop.is_cancelled() {
                    return;
                }
            }
            Ok(None) => {
                if !waiting_said {
                    tracing::info!("another instance polls Telegram; this one waits to take over");
                    waiting_said = true;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot try the Telegram polling lock; retrying");
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(options.leader_retry) => {}
        }
    }
}

/// Long polling until stopped. A webhook left over from webhook mode would make getUpdates
/// fail, so it is removed first. Each getUpdates confirms the updates before its offset as it
/// reaches Telegram, so an instance taking over gets only updates nobody has received.
async fn poll(raw: &Bot, pipeline: &Arc<Pipeline>, options: &Options, stop: &CancellationToken) {
    if let Err(e) = raw.delete_webhook().await {
        tracing::warn!(error = %e, "Telegram deleteWebhook failed; polling anyway");
    }
    let mut offset: i32 = 0;
    let mut delay = options.backoff.0;
    let timeout = u32::try_from(options.poll_timeout.as_secs()).unwrap_or(10);
    loop {
        let request = raw
            .get_updates()
            .offset(offset)
            .timeout(timeout)
            .allowed_updates(vec![
                AllowedUpdate::Message,
                AllowedUpdate::CallbackQuery,
                AllowedUpdate::PreCheckoutQuery,
            ]);
        let result = tokio::select! {
            () = stop.cancelled() => return,
            result = request.send() => responder::observed(result),
        };
        match result {
            Ok(updates) => {
                delay = options.backoff.0;
                for update in updates {
                    offset = offset.max(update.id.as_offset());
                    pipeline.submit(update);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?delay, "Telegram getUpdates failed; retrying");
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(delay) => {}
                }
                delay = (delay * 2).min(options.backoff.1);
            }
        }
    }
}

/// `POST /telegram/webhook`: checks the secret header, then hands the update to the pipeline.
struct Webhook {
    secret: String,
    pipeline: Arc<OnceCell<Arc<Pipeline>>>,
}

#[async_trait]
impl WebhookHandler for Webhook {
    async fn handle(&self, headers: &http::HeaderMap, body: bytes::Bytes) -> WebhookResponse {
        let given = headers
            .get("x-telegram-bot-api-secret-token")
            .map(http::HeaderValue::as_bytes);
        if !given.is_some_and(|g| constant_time_eq(g, self.secret.as_bytes())) {
            return WebhookResponse::empty(401);
        }
        let Some(pipeline) = self.pipeline.get() else {
            // Not ready yet (getMe pending): Telegram retries a non-2xx delivery later.
            return WebhookResponse::empty(503);
        };
        match serde_json::from_slice::<Update>(&body) {
            Ok(update) => {
                pipeline.submit(update);
                WebhookResponse::empty(200)
            }
            Err(e) => {
                tracing::warn!(error = %e, "Telegram webhook body is not an Update");
                WebhookResponse::empty(400)
            }
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
