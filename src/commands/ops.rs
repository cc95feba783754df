//! `/ops jobs [failed|uncertain]` (operators only): jobs that need a human look.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::i18n::msg;

const SHOWN: i64 = 20;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let rows = db::jobs::problems(&app.db, args.text("status"), SHOWN).await?;
    if rows.is_empty() {
        r.send(Reply::text(app.i18n.tr(inv.locale, "ops-jobs-none")).private())
            .await?;
        return Ok(());
    }
    let mut lines = vec![app.i18n.render(
        inv.locale,
        &msg("ops-jobs-heading").arg("count", rows.len()),
    )];
    for job in rows {
        let error: String = job
            .last_error
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect();
        lines.push(format!(
            "#{} {} · {} · {}× · {} · {}",
            job.id,
            job.kind,
            job.status,
            job.attempts,
            job.updated_at.format("%Y-%m-%d %H:%M UTC"),
            error
        ));
    }
    r.send(Reply::text(lines.join("\n")).private()).await?;
    Ok(())
}
