//! `/upgrade [creator|pro]`: a Stripe Checkout link for a paid plan on Discord and the console;
//! on Telegram an invoice link for a Telegram Stars subscription, never a Stripe link. Also
//! behind the "Upgrade" button of a limit refusal.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Button, CommandResult, Invocation, Platform, Reply, Responder};
use crate::domain::billing::{self, Checkout, stars};
use crate::domain::plans::{self, PlanName};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let current = plans::plan_of(&app.db, inv.account).await?;
    let wanted = match args.text("plan").and_then(PlanName::parse) {
        Some(plan) => plan,
        None => match current.next() {
            Some(next) => next,
            None => {
                let name = app.i18n.tr(inv.locale, "plan-name-pro");
                return Err(msg("upgrade-top-plan").arg("plan", name).into());
            }
        },
    };
    offer(app, inv, wanted, r).await
}

/// The checkout link for `plan` (a Stars invoice on Telegram), or the sentence saying why there
/// is none.
pub async fn offer(
    app: &App,
    inv: &Invocation,
    plan: PlanName,
    r: &dyn Responder,
) -> CommandResult {
    if inv.platform == Platform::Telegram {
        return offer_stars(app, inv, plan, r).await;
    }
    let tr = |m| app.i18n.render(inv.locale, &m);
    let name = app
        .i18n
        .tr(inv.locale, &format!("plan-name-{}", plan.as_str()));
    let checkout = billing::start_checkout(
        app,
        inv.account,
        plan,
        &inv.direct_destination(),
        inv.locale,
    )
    .await?;
    let reply = match checkout {
        Checkout::Link(url) => {
            let text = match app.plans.limits(plan).trial_days {
                Some(days) => tr(msg("upgrade-open-trial")
                    .arg("plan", name.clone())
                    .arg("days", i64::from(days))),
                None => tr(msg("upgrade-open").arg("plan", name.clone())),
            };
            Reply::text(text).button(Button::Link {
                label: tr(msg("upgrade-button").arg("plan", name)),
                url,
            })
        }
        Checkout::NotConfigured => Reply::text(tr(msg("upgrade-not-configured"))),
        Checkout::NotForSale => Reply::text(tr(msg("upgrade-not-for-sale").arg("plan", name))),
        Checkout::AlreadySubscribed(current) => {
            let current = app
                .i18n
                .tr(inv.locale, &format!("plan-name-{}", current.as_str()));
            Reply::text(tr(msg("upgrade-already-subscribed").arg("plan", current)))
        }
        Checkout::NotOnTelegram => Reply::text(tr(msg("stars-not-configured"))),
    };
    r.send(reply.private()).await?;
    Ok(())
}

/// Telegram: an invoice link for a 30-day Telegram Stars subscription.
async fn offer_stars(
    app: &App,
    inv: &Invocation,
    plan: PlanName,
    r: &dyn Responder,
) -> CommandResult {
    let tr = |m| app.i18n.render(inv.locale, &m);
    let name = app
        .i18n
        .tr(inv.locale, &format!("plan-name-{}", plan.as_str()));
    let chat = inv.direct_destination().chat_id;
    let reply = match stars::offer(app, inv.account, plan, &chat, inv.locale).await? {
        stars::Offer::Link(url) => {
            let price = app.plans.limits(plan).stars_per_month.unwrap_or_default();
            Reply::text(tr(msg("stars-open")
                .arg("plan", name.clone())
                .arg("stars", i64::from(price))))
            .button(Button::Link {
                label: tr(msg("upgrade-button").arg("plan", name)),
                url,
            })
        }
        stars::Offer::NotConfigured => Reply::text(tr(msg("stars-not-configured"))),
        stars::Offer::NotForSale => Reply::text(tr(msg("upgrade-not-for-sale").arg("plan", name))),
        stars::Offer::AlreadySubscribed(_) => {
            Reply::text(tr(msg("stars-already-subscribed").arg("plan", name)))
        }
    };
    r.send(reply.private()).await?;
    Ok(())
}
