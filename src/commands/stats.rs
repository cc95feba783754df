//! `/stats add PLATFORM DATE views=N likes=N comments=N shares=N followers=N [watch_minutes=N]`:
//! manual numbers where no API fits. Any subset of metrics; `followers` is the total that day.
//! The statistics issue adds `/stats show` here.

use chrono::Utc;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db::channels::DayMetrics;
use crate::domain::channels::Provider;
use crate::domain::channels::manual::{self, METRICS, ManualError};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    match args.sub.as_deref() {
        Some("add") => add(app, inv, args, r).await,
        other => Err(anyhow::anyhow!("/stats has no subcommand {other:?}").into()),
    }
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
