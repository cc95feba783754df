//! `/privacy`: the privacy policy in the creator's language — what is stored, why, for how long,
//! which providers receive what, how to export or erase — with its version and the operator's
//! contact (`PRIVACY_CONTACT`).

use crate::app::App;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::domain::consent::POLICY_VERSION;
use crate::i18n::msg;

/// The policy's sections, in order.
const SECTIONS: [&str; 6] = [
    "privacy-stored",
    "privacy-why",
    "privacy-how-long",
    "privacy-providers",
    "privacy-security",
    "privacy-your-rights",
];

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
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
    r.send(reply.block(contact)).await?;
    Ok(())
}
