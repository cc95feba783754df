//! `/billing`: a Stripe Customer Portal link (change plan or card, invoices, cancel). Never on
//! Telegram, where subscriptions are Telegram Stars.

use crate::app::App;
use crate::bot::{Button, CommandResult, Invocation, Reply, Responder};
use crate::domain::billing::{self, Portal};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let tr = |key: &str| app.i18n.tr(inv.locale, key);
    let reply = match billing::portal(app, inv.account, inv.platform, inv.locale).await? {
        Portal::Link(url) => Reply::text(tr("billing-open")).button(Button::Link {
            label: tr("billing-button"),
            url,
        }),
        Portal::NotConfigured => Reply::text(tr("billing-not-configured")),
        Portal::NoCustomer => Reply::text(app.i18n.render(inv.locale, &msg("billing-no-customer"))),
        Portal::NotOnTelegram => Reply::text(tr("billing-telegram")),
    };
    r.send(reply.private()).await?;
    Ok(())
}
