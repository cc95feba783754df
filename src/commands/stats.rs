//! `/stats [period] [platform]` (`/stats show` on Discord): totals and deltas of a period with a
//! chart, in the theme of this chat's digest (dark by default).
//!
//! `/stats add PLATFORM DATE views=N likes=N comments=N shares=N followers=N [watch_minutes=N]`:
//! manual numbers where no API fits. Any subset of metrics; `followers` is the total that day.

use chrono::{Duration, Utc};

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Attachment, CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::db::channels::DayMetrics;
use crate::domain::channels::Provider;
use crate::domain::channels::manual::{self, METRICS, ManualError};
use crate::domain::digests;
use crate::domain::plans;
use crate::domain::stats::report::Report;
use crate::domain::stats::{Period, PeriodError, period};
use crate::i18n::msg;
use crate::render;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.sub.as_deref() {
        Some("add") => add(app, inv, args, r).await,
        Some("show") | None => show(app, inv, args.text("period"), args.text("platform"), r).await,
        other => Err(anyhow::anyhow!("/stats has no subcommand {other:?}").into()),
    }
}

pub async fn show(
    app: &App,
    inv: &Invocation,
    period: Option<&str>,
    platform: Option<&str>,
    r: &dyn Responder,
) -> CommandResult {
    let text = period.unwrap_or(period::DEFAULT);
    let today = Utc::now().date_naive();
    let period = Period::parse(text, today).map_err(|e| match e {
        PeriodError::Unknown(_) => msg("stats-bad-period").arg("period", text),
        PeriodError::Reversed => msg("stats-period-reversed"),
        PeriodError::Future => msg("stats-period-future"),
        PeriodError::TooLong => msg("stats-period-too-long"),
    })?;
    // The plan's history depth: how far back a period may start.
    let plan = plans::plan_of(&app.db, inv.account).await?;
    let history = app.plans.limits(plan).history_days;
    if period.first < today - Duration::days(history) {
        let full = plans::Full {
            plan,
            limit: history,
            next: app.plans.next_limit(plan, |l| l.history_days),
        };
        let refusal = full.refusal(&app.i18n, inv.locale, "stats-plan-history");
        return super::plan::refuse_at_limit(app, inv, refusal, r).await;
    }
    let provider = platform.and_then(Provider::parse);
    r.typing().await.ok();
    let report = Report::load(&app.db, inv.account, period, provider).await?;
    if report.is_empty() {
        let key = if db::channels::list(&app.db, inv.account).await?.is_empty() {
            "stats-empty"
        } else {
            "stats-empty-period"
        };
        r.send(Reply::text(app.i18n.tr(inv.locale, key)).private())
            .await?;
        return Ok(());
    }
    let sub = db::digests::find(&app.db, inv.account, &inv.destination()).await?;
    let chart = report.chart(&app.i18n, inv.locale, digests::theme_of(sub.as_ref()));
    let mut reply = Reply {
        blocks: report.text(&app.i18n, inv.locale),
        ..Reply::default()
    }
    .card()
    .private();
    if !chart.series.is_empty() {
        let png = tokio::task::spawn_blocking(move || render::chart::render_png(&chart))
            .await
            .map_err(anyhow::Error::from)??;
        reply = reply.attachment(Attachment {
            file_name: "stats.png".into(),
            mime_type: "image/png".into(),
            bytes: png,
        });
    }
    r.send(reply).await?;
    Ok(())
}

async fn add(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let provider = args
        .text("platform")
        .and_then(Provider::parse)
        .ok_or_else(|| anyhow::anyhow!("manifest choice is not a provider"))?;
    let date = args.text("date").unwrap_or_default();
    let day = manual::parse_day(date, Utc::now().date_naive()).map_err(|e| match e {
        ManualError::FutureDate(d) => msg("stats-add-future-date").arg("date", d.to_string()),
        _ => msg("stats-add-bad-date").arg("date", date),
    })?;
    let mut metrics = DayMetrics::default();
    for name in METRICS {
        if let Some(value) = args.integer(name) {
            manual::set_metric(&mut metrics, name, value)
                .map_err(|_| msg("stats-add-negative").arg("metric", name))?;
        }
    }
    if metrics.is_empty() {
        return Err(msg("stats-add-no-metric").into());
    }
    manual::add(&app.db, inv.account, provider, day, &metrics).await?;
    let given: Vec<String> = METRICS
        .iter()
        .filter_map(|name| args.integer(name).map(|v| format!("{name}={v}")))
        .collect();
    let text = app.i18n.render(
        inv.locale,
        &msg("stats-add-saved")
            .arg("platform", provider.label())
            .arg("date", day.to_string())
            .arg("metrics", given.join(", ")),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}
