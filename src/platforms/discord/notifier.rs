//! Proactive Discord sends (digests, reminders) to a saved channel: a DM channel or a server
//! channel. Missing access, a deleted channel or a creator who closed their DMs make the
//! destination unreachable; a 429 or 5xx is a refusal to retry, unless part of the reply already
//! arrived; a lost answer, or a refusal after a first part, is unknown.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use serenity::all::ChannelId;
use serenity::http::Route;

use crate::bot::DISCORD_DM_PREFIX as DM_PREFIX;
use crate::bot::{Destination, Notifier, Reply, SendOutcome};
use crate::platforms::discord::responder::ChannelResponder;
use crate::platforms::discord::rest::{Body, Rest, RestError};

/// Discord JSON error codes meaning the destination is gone for us.
const UNREACHABLE_CODES: [i64; 5] = [
    10003, // unknown channel
    10013, // unknown user
    50001, // missing access
    50007, // cannot send messages to this user
    50013, // missing permissions
];

pub struct DiscordNotifier {
    pub rest: Arc<Rest>,
}

#[async_trait]
impl Notifier for DiscordNotifier {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        let channel = match destination.chat_id.strip_prefix(DM_PREFIX) {
            Some(user) => match self.dm_channel(user).await {
                Ok(channel) => channel,
                Err(outcome) => return outcome,
            },
            None => match destination.chat_id.parse::<u64>() {
                Ok(channel) => channel,
                Err(_) => return SendOutcome::Unreachable,
            },
        };
        let responder = ChannelResponder {
            rest: self.rest.clone(),
            channel: ChannelId::new(channel.max(1)),
        };
        match responder.post(&reply).await {
            Ok(_) => SendOutcome::Delivered,
            Err(e) => match outcome(&e.error) {
                // Part of it arrived: sending again would repeat that part, so the outcome is
                // left for an operator (`uncertain`) rather than retried.
                SendOutcome::Refused { .. } if e.delivered > 0 => SendOutcome::Unknown,
                outcome => outcome,
            },
        }
    }
}

impl DiscordNotifier {
    /// Opens (or finds) the DM channel with a user.
    async fn dm_channel(&self, user: &str) -> Result<u64, SendOutcome> {
        let body = serde_json::json!({ "recipient_id": user });
        let answer = self
            .rest
            .call(Method::POST, Route::UserMeDmChannels, &[], Body::Json(body))
            .await
            .map_err(|e| match outcome(&e) {
                // Nothing was posted yet: a lost answer here is safe to retry.
                SendOutcome::Unknown => SendOutcome::Refused { retry_after: None },
                other => other,
            })?;
        answer["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .ok_or(SendOutcome::Refused { retry_after: None })
    }
}

pub fn outcome(e: &RestError) -> SendOutcome {
    match e {
        RestError::Status {
            status,
            retry_after,
            ..
        } => {
            if *status == 429 || *status >= 500 {
                SendOutcome::Refused {
                    retry_after: *retry_after,
                }
            } else if matches!(status, 403 | 404)
                || e.code().is_some_and(|c| UNREACHABLE_CODES.contains(&c))
            {
                SendOutcome::Unreachable
            } else {
                tracing::warn!(error = %e, "Discord refused a proactive message");
                SendOutcome::Refused { retry_after: None }
            }
        }
        RestError::Transport {
            maybe_sent: true, ..
        } => SendOutcome::Unknown,
        RestError::Transport { .. } | RestError::Build(_) => {
            SendOutcome::Refused { retry_after: None }
        }
    }
}
