//! Front ends. Only this module imports platform crates (serenity, teloxide); each front end turns
//! platform events into `Incoming` values and `Reply` values into platform messages.
//!
//! The web endpoint hands raw webhook requests (Telegram's webhook, Discord's HTTP interactions)
//! to a `WebhookHandler` a front end returned from `start`, so axum stays in `web`.

pub mod console;
pub mod discord;
pub mod shared_limits;
pub mod telegram;

use std::sync::Arc;

use async_trait::async_trait;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::app::App;

/// What a front end runs in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `serve`: receive updates (polling, gateway, webhooks) and send.
    Full,
    /// `chat`: only register a notifier, so scheduled sends for that platform go out from here.
    NotifyOnly,
}

/// An HTTP answer to a raw webhook request, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl WebhookResponse {
    pub fn empty(status: u16) -> WebhookResponse {
        WebhookResponse {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> WebhookResponse {
        WebhookResponse {
            status,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }
}

#[async_trait]
pub trait WebhookHandler: Send + Sync {
    async fn handle(&self, headers: &http::HeaderMap, body: bytes::Bytes) -> WebhookResponse;
}

/// The webhook handlers the configured front ends provide.
#[derive(Default, Clone)]
pub struct Webhooks {
    pub telegram: Option<Arc<dyn WebhookHandler>>,
    pub discord: Option<Arc<dyn WebhookHandler>>,
}

/// Starts every configured front end. A front end that fails to start is logged and left out:
/// the others keep running.
pub async fn start(
    app: &Arc<App>,
    mode: Mode,
    stop: &CancellationToken,
    tasks: &mut JoinSet<()>,
) -> Webhooks {
    Webhooks {
        telegram: telegram::start(app, mode, stop, tasks).await,
        discord: discord::start(app, mode, stop, tasks).await,
    }
}
