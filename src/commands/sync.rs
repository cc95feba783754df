//! `/sync [youtube|tiktok|instagram|all]`: syncs the creator's OAuth connections now, one after
//! the other, editing one message as each finishes, then a summary per provider. The guard in
//! `domain::channels::sync_now` keeps a connection from being synced twice at once.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::commands::ButtonAction;
use crate::db;
use crate::domain::channels::Provider;
use crate::domain::channels::sync_now::{self, Report};
use crate::i18n::{Msg, msg};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let only = args.text("provider").and_then(Provider::parse);
    let tr = |m: &Msg| app.i18n.render(inv.locale, m);
    let targets: Vec<(Provider, db::channels::PlatformRow)> =
        db::channels::list(&app.db, inv.account)
            .await?
            .into_iter()
            .filter(|row| row.source == "oauth" && row.status != "disconnected")
            .filter_map(|row| Provider::parse(&row.provider).map(|p| (p, row)))
            .filter(|(p, _)| only.is_none_or(|o| o == *p))
            .collect();
    if targets.is_empty() {
        let m = match only {
            Some(p) => msg("sync-not-connected")
                .arg("provider", p.label())
                .arg("name", p.as_str()),
            None => msg("sync-nothing-connected"),
        };
        r.send(Reply::text(tr(&m)).private()).await?;
        return Ok(());
    }

    let mut lines: Vec<String> = Vec::new();
    let progress = |lines: &[String], next: Provider| {
        let mut text = lines.to_vec();
        text.push(tr(&msg("sync-running").arg("provider", next.label())));
        Reply::text(text.join("\n")).private()
    };
    let message = r.send(progress(&lines, targets[0].0)).await?;
    let mut reconnect = Vec::new();
    for (i, (provider, row)) in targets.iter().enumerate() {
        if i > 0 {
            r.typing().await.ok();
            r.edit(&message, progress(&lines, *provider)).await?;
        }
        let report = sync_now::now(app, row).await?;
        if report == Report::NeedsReconnect {
            reconnect.push(*provider);
        }
        lines.push(format!("• {}", tr(&line(*provider, &report))));
    }

    let mut reply = Reply::text(tr(&msg("sync-done-heading"))).private();
    reply = reply.block(lines.join("\n"));
    for provider in reconnect {
        let label = tr(&msg("sync-reconnect-provider").arg("provider", provider.label()));
        let button = buttons::store(
            app,
            inv.account,
            &inv.destination(),
            label,
            &ButtonAction::Reconnect { provider },
            Lifetime::Reply,
        )
        .await?;
        reply = reply.button(button);
    }
    r.edit(&message, reply).await?;
    Ok(())
}

/// One provider's line of the summary.
fn line(provider: Provider, report: &Report) -> Msg {
    let p = provider.label();
    match report {
        Report::Synced { days, new_videos } => msg("sync-result-synced")
            .arg("provider", p)
            .arg("days", *days)
            .arg("videos", *new_videos),
        Report::NeedsReconnect => msg("sync-result-reconnect").arg("provider", p),
        Report::QuotaSpent => msg("sync-result-quota").arg("provider", p),
        Report::ProviderDown => msg("sync-result-provider-down").arg("provider", p),
        Report::Busy => msg("sync-result-busy").arg("provider", p),
        Report::Skipped => msg("sync-result-skipped").arg("provider", p),
        Report::OverPlan { limit } => msg("sync-result-over-plan")
            .arg("provider", p)
            .arg("limit", *limit),
        Report::Failed => msg("sync-result-failed").arg("provider", p),
    }
}
