//! `/billing`: a Stripe Customer Portal link (change plan or card, invoices, cancel) on Discord
//! and the console; on Telegram it cancels the Telegram Stars subscription.

use crate::app::App;
use crate::bot::{Button, CommandResult, Invocation, Platform, Reply, Responder};
use crate::domain::billing::{self, Portal, stars};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    if inv.platform == Platform::Telegram {
        return stars_subscription(app, inv, r).await;
    }
    let tr = |key: &str| app.i18n.tr(inv.locale, key);
    let reply = match billing::portal(app, inv.account, inv.platform, inv.locale).await? {
        Portal::Link(url) => Reply::text(tr("billing-open")).button(Button::Link {
            label: tr("billing-button"),
            url,
        }),
        Portal::NotConfigured => Reply::text(tr("billing-not-configured")),
        Portal::NoCustomer => Reply::text(app.i18n.render(inv.locale, &msg("billing-no-customer"))),
        Portal::NotOnTelegram => Reply::text(tr("billing-stars-none")),
    };
    r.send(reply.private()).await?;
    Ok(())
}

/// Telegram: cancels the Telegram Stars subscription (the plan runs to the end of its period).
async fn stars_subscription(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let date = |d: chrono::DateTime<chrono::Utc>| d.date_naive().to_string();
    let text = match stars::cancel(app, inv.account).await? {
        stars::Manage::Cancelled(until) => msg("billing-stars-cancelled").arg("date", date(until)),
        stars::Manage::AlreadyCancelled(until) => {
            msg("billing-stars-already-cancelled").arg("date", date(until))
        }
        stars::Manage::None => msg("billing-stars-none"),
    };
    r.send(Reply::text(app.i18n.render(inv.locale, &text)).private())
        .await?;
    Ok(())
}
