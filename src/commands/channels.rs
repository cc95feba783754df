//! `/channels`: each connection with its status, last sync and the API quota it used today; the
//! same line shows the connection just made after the OAuth page's Telegram link (`/start`).

use chrono::Utc;

use crate::app::App;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::domain::channels::{Provider, quota_day};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let rows = db::channels::list(&app.db, inv.account).await?;
    let tr = |m| app.i18n.render(inv.locale, &m);
    if rows.is_empty() {
        r.send(Reply::text(tr(msg("channels-none"))).private())
            .await?;
        return Ok(());
    }
    let today = quota_day(Utc::now());
    let mut lines = vec![tr(msg("channels-heading"))];
    for row in &rows {
        lines.push(describe(app, inv, row, today).await?);
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}

/// `/start oauth-<nonce>` (the Telegram link on the OAuth page): the connection just made.
/// False when the nonce is not one of this account's.
pub async fn show_connected(
    app: &App,
    inv: &Invocation,
    nonce: &str,
    r: &dyn Responder,
) -> anyhow::Result<bool> {
    let Some(row) = db::channels::find_by_return_nonce(&app.db, inv.account, nonce).await? else {
        return Ok(false);
    };
    let line = describe(app, inv, &row, quota_day(Utc::now())).await?;
    let tr = |key: &str| app.i18n.tr(inv.locale, key);
    r.send(
        Reply::text(tr("channels-just-connected"))
            .block(line)
            .block(tr("channels-just-connected-next"))
            .private(),
    )
    .await?;
    Ok(true)
}

/// One connection's line: provider (name): status · last sync · quota.
async fn describe(
    app: &App,
    inv: &Invocation,
    row: &db::channels::PlatformRow,
    today: chrono::NaiveDate,
) -> anyhow::Result<String> {
    let tr = |m| app.i18n.render(inv.locale, &m);
    let label = Provider::parse(&row.provider).map_or(row.provider.as_str(), |p| p.label());
    let name = row.display_name.clone().unwrap_or_default();
    let status = match (row.source.as_str(), row.status.as_str()) {
        ("demo", _) => tr(msg("channels-status-demo")),
        ("manual", _) => tr(msg("channels-status-manual")),
        (_, "needs_reconnect") => tr(msg("channels-status-reconnect")),
        (_, "disconnected") => tr(msg("channels-status-disconnected")),
        _ => tr(msg("channels-status-active")),
    };
    let synced = match row.last_sync_at {
        Some(at) => {
            tr(msg("channels-last-sync").arg("when", at.format("%Y-%m-%d %H:%M UTC").to_string()))
        }
        None if row.source == "oauth" => tr(msg("channels-never-synced")),
        None => String::new(),
    };
    let quota = db::channels::quota_used(&app.db, row.id, today).await?;
    let quota = if row.provider == "youtube" && row.source == "oauth" {
        tr(msg("channels-quota").arg("units", quota))
    } else {
        String::new()
    };
    let parts: Vec<String> = [status, synced, quota]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let title = if name.is_empty() {
        label.to_owned()
    } else {
        format!("{label} ({name})")
    };
    Ok(format!("• {title}: {}", parts.join(" · ")))
}
