//! `/plan`: the creator's plan, this month's usage (UTC calendar month) and the plan's limits.

use crate::app::App;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::domain::plans::{self, Feature};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let plan = plans::plan_of(&app.db, inv.account).await?;
    let limits = app.plans.limits(plan);
    let (start, end) = plans::current_month();
    let usage = db::usage::for_period(&app.db, inv.account, start).await?;
    let tr = |m| app.i18n.render(inv.locale, &m);

    let mut reply = Reply::text(tr(
        msg("plan-current").arg("plan", tr(msg(&format!("plan-name-{}", plan.as_str()))))
    ));
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
