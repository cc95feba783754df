//! The per-account command rate limit (`COMMAND_RATE_BURST`, `COMMAND_RATE_PER_MINUTE`).
//!
//! A token bucket per account, kept in PostgreSQL (`db::rate_limits`) so every instance counts
//! against the same bucket, for one statement per message. What counts (decided for issue 10):
//! a command, a free-text message that is not answering a question (it runs a conversation
//! turn), and an incoming file cost one token; a button press costs half a token (it acts on a
//! reply an earlier command already paid for, but some buttons start work, such as "more like
//! this"); answers to a pending question or a form cost nothing (the command that asked paid).
//! The console is exempt: it is the operator's own terminal, one person, on this machine.
//! Depends on `db` and `settings` only.

use crate::app::App;
use crate::bot::{AccountId, CommandError, Platform};
use crate::i18n::msg;

/// The refusal's locale key; the dispatcher counts these refusals as `rate_limited`.
pub const REFUSAL_KEY: &str = "rate-limited";

/// What the message being handled costs, in tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cost {
    /// A command, a conversation message, a file.
    Full,
    /// A button press.
    Half,
}

impl Cost {
    fn tokens(self) -> f64 {
        match self {
            Cost::Full => 1.0,
            Cost::Half => 0.5,
        }
    }
}

/// Counts one message against the account's bucket; a refusal is a polite sentence saying when
/// to try again (whole seconds, rounded up) and changes nothing.
pub async fn charge(
    app: &App,
    platform: Platform,
    account: AccountId,
    cost: Cost,
) -> Result<(), CommandError> {
    if platform == Platform::Console {
        return Ok(());
    }
    let rate = app.settings.limits.commands;
    let interval = rate.interval().as_secs_f64();
    let wait = crate::db::rate_limits::charge(
        &app.db,
        account.0,
        interval * cost.tokens(),
        interval * f64::from(rate.burst),
    )
    .await
    .map_err(anyhow::Error::from)?;
    match wait {
        None => Ok(()),
        Some(wait) => {
            tracing::debug!(%account, wait, "command rate limit reached");
            // At least one second: "wait 0 seconds" reads like a bug.
            let seconds = (wait.ceil() as i64).max(1);
            Err(msg(REFUSAL_KEY).arg("seconds", seconds).into())
        }
    }
}
