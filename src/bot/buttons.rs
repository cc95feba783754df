//! Buttons: each carries the opaque id of an action stored server-side, bound to the account and
//! the chat. Expiry: 15 minutes on replies to a command, 7 days on proactive messages. One-shot
//! actions are single use; idempotent ones may be pressed again until they expire.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore;

use crate::app::App;
use crate::bot::{AccountId, Button, Destination, Invocation};
use crate::commands::ButtonAction;
use crate::db;
use crate::db::actions::Refusal;
use crate::i18n::{Msg, msg};

/// How long a button stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// A reply to a command: 15 minutes.
    Reply,
    /// A digest, reminder or "reconnect" message: 7 days.
    Proactive,
}

impl Lifetime {
    fn duration(self) -> Duration {
        match self {
            Lifetime::Reply => Duration::minutes(15),
            Lifetime::Proactive => Duration::days(7),
        }
    }
}

/// 16 random bytes, 22 characters: far under Telegram's 64-byte and Discord's 100-char limits.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Stores the action and returns the button that refers to it.
pub async fn store(
    app: &App,
    account: AccountId,
    destination: &Destination,
    label: String,
    action: &ButtonAction,
    lifetime: Lifetime,
) -> anyhow::Result<Button> {
    let id = new_id();
    db::actions::insert(
        &app.db,
        &id,
        account,
        destination.platform.as_str(),
        &destination.chat_id,
        &serde_json::to_value(action)?,
        action.single_use(),
        Utc::now() + lifetime.duration(),
    )
    .await?;
    Ok(Button::Action { label, id })
}

/// A button on a reply to `inv`, labelled with a translated key.
pub async fn reply_button(
    app: &App,
    inv: &Invocation,
    label_key: &str,
    action: ButtonAction,
) -> anyhow::Result<Button> {
    let label = app.i18n.tr(inv.locale, label_key);
    store(
        app,
        inv.account,
        &inv.destination(),
        label,
        &action,
        Lifetime::Reply,
    )
    .await
}

/// The action behind a pressed button, or the polite sentence to answer with.
pub async fn press(
    app: &App,
    inv: &Invocation,
    id: &str,
) -> anyhow::Result<Result<ButtonAction, Msg>> {
    // Anything that is not one of our ids is refused without a query.
    if id.len() != 22
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Ok(Err(msg("button-invalid")));
    }
    let taken = db::actions::take(
        &app.db,
        id,
        inv.account,
        inv.chat.platform.as_str(),
        &inv.chat.id,
    )
    .await?;
    Ok(match taken {
        Err(Refusal::Invalid) => Err(msg("button-invalid")),
        Err(Refusal::AlreadyUsed) => Err(msg("button-already-used")),
        Ok(value) => match serde_json::from_value(value) {
            Ok(action) => Ok(action),
            Err(e) => {
                // An action stored by an older version that no longer exists.
                tracing::warn!(error = %e, "stored button action no longer parses");
                Err(msg("button-invalid"))
            }
        },
    })
}
