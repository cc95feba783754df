//! Proactive Discord sends (digests, reminders) to a saved channel: a DM channel or a server
//! channel. Missing access, a deleted channel or a creator who closed their DMs make the
//! destination unreachable; a 429 or 5xx is a refusal to retry; a lost answer is unknown.

use std::sync::Arc;

use async_trait::async_trait;
use serenity::all::ChannelId;

use crate::bot::{Destination, Notifier, Reply, SendOutcome};
use crate::platforms::discord::responder::ChannelResponder;
use crate::platforms::discord::rest::{Rest, RestError};

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
        let Ok(channel) = destination.chat_id.parse::<u64>() else {
            return SendOutcome::Unreachable;
        };
        let responder = ChannelResponder {
            rest: self.rest.clone(),
            channel: ChannelId::new(channel.max(1)),
        };
        match responder.post(&reply).await {
            Ok(_) => SendOutcome::Delivered,
            Err(e) => outcome(&e),
        }
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
