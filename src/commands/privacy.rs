//! `/privacy`: the privacy policy in the creator's language — what is stored, why, for how long,
//! which providers receive what, how to export or erase — with its version and the operator's
//! contact (`PRIVACY_CONTACT`). Also the policy's acceptance screen, shown by `/start` and by
//! the gate (`bot::gate`) to an account that has not accepted the version in force: a short
//! summary (or what changed since the version it accepted), Accept and "Read the policy".

use crate::app::App;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::gate::Blocked;
use crate::bot::{AccountId, Button, CommandResult, Destination, Invocation, Reply, Responder};
use crate::commands::ButtonAction;
use crate::domain::consent::{self, POLICY_VERSION, Standing};
use crate::i18n::{Locale, Msg, msg};

/// The policy's sections, in order.
const SECTIONS: [&str; 6] = [
    "privacy-stored",
    "privacy-why",
    "privacy-how-long",
    "privacy-providers",
    "privacy-security",
    "privacy-your-rights",
];

/// The whole policy; while it is not accepted, with an Accept button that then runs `then`.
pub async fn show(
    app: &App,
    inv: &Invocation,
    then: Option<Blocked>,
    r: &dyn Responder,
) -> CommandResult {
    let tr = |key: &str| app.i18n.tr(inv.locale, key);
    let mut reply = Reply::text(app.i18n.render(
        inv.locale,
        &msg("privacy-title").arg("version", i64::from(POLICY_VERSION)),
    ));
    for key in SECTIONS {
        reply = reply.block(tr(key));
    }
    let contact = match &app.settings.privacy_contact {
        Some(contact) => app
            .i18n
            .render(inv.locale, &msg("privacy-contact").arg("contact", contact)),
        None => tr("privacy-contact-none"),
    };
    reply = reply.block(contact);
    // Read before accepting: the Accept button comes with the text.
    if !consent::standing(&app.db, inv.account).await?.accepted() {
        let to = (inv.account, &inv.destination(), inv.locale);
        reply.buttons = policy_buttons(app, to, then, false, Lifetime::Reply).await?;
    }
    r.send(reply).await?;
    Ok(())
}

/// The acceptance screen: `intro` (the welcome of `/start`, or why the gate stopped the
/// creator), the summary or what changed, the request, then Accept (running `then` afterwards)
/// and "Read the policy".
pub async fn ask_acceptance(
    app: &App,
    inv: &Invocation,
    standing: Standing,
    intro: Msg,
    then: Option<Blocked>,
    r: &dyn Responder,
) -> CommandResult {
    let mut reply = Reply::text(app.i18n.render(inv.locale, &intro));
    for block in what_to_accept(app, inv.locale, standing) {
        reply = reply.block(block);
    }
    let to = (inv.account, &inv.destination(), inv.locale);
    reply.buttons = policy_buttons(app, to, then, true, Lifetime::Reply).await?;
    r.send(reply.private()).await?;
    Ok(())
}

/// Why the gate stopped a command: a first acceptance, or a policy changed since.
pub fn gate_intro(standing: Standing) -> Msg {
    match standing {
        Standing::Older(accepted) => msg("privacy-gate-changed")
            .arg("accepted", i64::from(accepted))
            .arg("version", i64::from(POLICY_VERSION)),
        Standing::Never | Standing::Accepted => msg("privacy-gate-first"),
    }
}

/// The summary (never accepted) or every version's changes since the accepted one, then the
/// request to accept.
fn what_to_accept(app: &App, locale: Locale, standing: Standing) -> Vec<String> {
    let mut blocks = match standing {
        Standing::Older(accepted) => consent::changes_since(accepted)
            .iter()
            .map(|key| app.i18n.tr(locale, key))
            .collect(),
        Standing::Never | Standing::Accepted => vec![app.i18n.tr(locale, "privacy-summary")],
    };
    blocks.push(app.i18n.render(
        locale,
        &msg("privacy-accept-ask").arg("version", i64::from(POLICY_VERSION)),
    ));
    blocks
}

/// Accept (running `then` once accepted) and, with `read`, "Read the policy" (the whole
/// text, with an Accept of its own that runs the same `then`).
async fn policy_buttons(
    app: &App,
    (account, destination, locale): (AccountId, &Destination, Locale),
    then: Option<Blocked>,
    read: bool,
    lifetime: Lifetime,
) -> anyhow::Result<Vec<Button>> {
    let mut actions = vec![(
        "privacy-accept-button",
        ButtonAction::AcceptPolicy { then: then.clone() },
    )];
    if read {
        actions.push(("privacy-read-button", ButtonAction::ShowPolicy { then }));
    }
    let mut stored = Vec::new();
    for (key, action) in actions {
        let label = app.i18n.tr(locale, key);
        stored.push(buttons::store(app, account, destination, label, &action, lifetime).await?);
    }
    Ok(stored)
}

/// Accept: the consent is recorded (scope `policy`, the version in force, now). What the gate
/// kept runs next (the dispatcher).
pub async fn accept(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    consent::accept_policy(&app.db, inv.account).await?;
    let thanks = msg("privacy-accepted").arg("version", i64::from(POLICY_VERSION));
    r.send(Reply::text(app.i18n.render(inv.locale, &thanks)).private())
        .await?;
    Ok(())
}

/// After Accept, when what was blocked was a file or a form (not kept).
pub async fn send_again(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    r.send(Reply::text(app.i18n.tr(inv.locale, "privacy-send-again")).private())
        .await?;
    Ok(())
}

/// In place of a digest for an account that has not accepted the policy in force: the digest
/// is paused until it does, with what to accept and the buttons (valid as long as any button
/// of a proactive message).
pub async fn digest_paused(
    app: &App,
    account: AccountId,
    destination: &Destination,
    locale: Locale,
) -> anyhow::Result<Reply> {
    let standing = consent::standing(&app.db, account).await?;
    let mut reply = Reply::text(app.i18n.tr(locale, "privacy-digest-paused"));
    for block in what_to_accept(app, locale, standing) {
        reply = reply.block(block);
    }
    reply.buttons = policy_buttons(
        app,
        (account, destination, locale),
        None,
        true,
        Lifetime::Proactive,
    )
    .await?;
    Ok(reply)
}
