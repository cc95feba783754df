//! `/upgrade [creator|pro]`: a Stripe Checkout link for a paid plan (Discord and console; on
//! Telegram payments are Telegram Stars, never a Stripe link). Also behind the "Upgrade" button
//! of a limit refusal.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Button, CommandResult, Invocation, Reply, Responder};
use crate::domain::billing::{self, Checkout};
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

/// The checkout link for `plan`, or the sentence saying why there is none.
pub async fn offer(
    app: &App,
    inv: &Invocation,
    plan: PlanName,
    r: &dyn Responder,
) -> CommandResult {
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
        Checkout::NotOnTelegram => Reply::text(tr(msg("upgrade-telegram"))),
    };
    r.send(reply.private()).await?;
    Ok(())
}
