//! `/plan`: the creator's plan (with its renewal date when paid), this month's usage (UTC
//! calendar month) and the plan's limits; and the refusal at a limit, with its Upgrade button.

use crate::app::App;
use crate::bot::{CommandResult, Invocation, Platform, Reply, Responder, buttons};
use crate::commands::ButtonAction;
use crate::db;
use crate::domain::plans::{self, Feature, PlanName};
use crate::i18n::{Msg, msg};

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let plan = plans::plan_of(&app.db, inv.account).await?;
    let limits = app.plans.limits(plan);
    let (start, end) = plans::current_month();
    let usage = db::usage::for_period(&app.db, inv.account, start).await?;
    let tr = |m| app.i18n.render(inv.locale, &m);

    let mut reply = Reply::text(tr(
        msg("plan-current").arg("plan", tr(msg(&format!("plan-name-{}", plan.as_str()))))
    ));
    if let Some(line) = renewal(app, inv).await? {
        reply = reply.block(line);
    }
    let mut lines = vec![tr(msg("plan-usage-heading")
        .arg("start", start.to_string())
        .arg("end", end.to_string()))];
    for feature in Feature::ALL {
        let used = usage
            .iter()
            .find(|u| u.feature == feature.as_str())
            .map_or(0, |u| u.count);
        let limit = feature.limit(limits);
        lines.push(format!(
            "{} {}",
            bar(used, limit),
            tr(msg(&format!("plan-feature-{}", feature.as_str()))
                .arg("used", used)
                .arg("limit", limit))
        ));
    }
    reply = reply.block(lines.join("\n"));
    reply = reply.block(tr(msg("plan-limits")
        .arg("platforms", limits.connected_platforms)
        .arg("destinations", limits.digest_destinations)
        .arg("history", limits.history_days)
        .arg("summary", i64::from(limits.ai_summary))));
    if let Some(next) = plan.next() {
        reply = reply.block(tr(
            msg("plan-next").arg("plan", tr(msg(&format!("plan-name-{}", next.as_str()))))
        ));
    }
    r.send(reply.private()).await?;
    Ok(())
}

/// The paid plan's renewal (or end) date, trial end, or a failed payment, when there is one.
async fn renewal(app: &App, inv: &Invocation) -> anyhow::Result<Option<String>> {
    let Some(row) = db::billing::get(&app.db, inv.account).await? else {
        return Ok(None);
    };
    if row.plan == PlanName::Free.as_str() {
        return Ok(None);
    }
    let date = |d: chrono::DateTime<chrono::Utc>| d.date_naive().to_string();
    let key = match row.subscription_status.as_deref() {
        Some("past_due") => return Ok(Some(app.i18n.tr(inv.locale, "plan-past-due"))),
        Some("trialing") => "plan-trial-ends",
        _ if row.plan_cancels_at_period_end => "plan-ends",
        _ => "plan-renews",
    };
    Ok(row
        .plan_renews_at
        .map(|at| app.i18n.render(inv.locale, &msg(key).arg("date", date(at)))))
}

/// Refuses a limited action (a monthly limit, or a held one: connections, digest destinations,
/// history depth) with `refusal` and, where the next plan can be bought from this platform
/// (Stripe on Discord and the console, Stars on Telegram), an "Upgrade" button leading to the
/// `/upgrade` flow for the next plan up.
pub async fn refuse_at_limit(
    app: &App,
    inv: &Invocation,
    refusal: Msg,
    r: &dyn Responder,
) -> CommandResult {
    let mut reply = Reply::text(app.i18n.render(inv.locale, &refusal));
    let next = plans::plan_of(&app.db, inv.account).await?.next();
    let can_buy = |next: PlanName| {
        let limits = app.plans.limits(next);
        if inv.platform == Platform::Telegram {
            app.stars.get().is_some() && limits.stars_per_month.is_some()
        } else {
            app.stripe.is_some() && limits.stripe_price_id.is_some()
        }
    };
    if let Some(next) = next
        && can_buy(next)
    {
        reply = reply.button(
            buttons::reply_button(
                app,
                inv,
                "upgrade-button-short",
                ButtonAction::Upgrade { plan: next },
            )
            .await?,
        );
    }
    r.send(reply.private()).await?;
    Ok(())
}

/// Ten cells: `▰▰▰▱▱▱▱▱▱▱`.
fn bar(used: i64, limit: i64) -> String {
    let filled = if limit <= 0 {
        10
    } else {
        (used.clamp(0, limit) * 10 + limit - 1) / limit
    };
    let filled = usize::try_from(filled.clamp(0, 10)).unwrap_or(10);
    format!("{}{}", "▰".repeat(filled), "▱".repeat(10 - filled))
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_round_up_and_stay_in_bounds() {
        assert_eq!(super::bar(0, 10), "▱▱▱▱▱▱▱▱▱▱");
        assert_eq!(super::bar(1, 100), "▰▱▱▱▱▱▱▱▱▱");
        assert_eq!(super::bar(10, 10), "▰▰▰▰▰▰▰▰▰▰");
        assert_eq!(super::bar(12, 10), "▰▰▰▰▰▰▰▰▰▰");
    }
}
