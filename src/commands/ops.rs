//! Operators only: `/ops jobs [failed|uncertain]`, jobs that need a human look; `/ops refund USER
//! CHARGE`, a Telegram Stars payment given back.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::db;
use crate::i18n::msg;

const SHOWN: i64 = 20;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    if args.sub.as_deref() == Some("refund") {
        return refund(app, inv, args, r).await;
    }
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

async fn refund(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let user = args.text("user").unwrap_or_default();
    let charge = args.text("charge").unwrap_or_default();
    if user.is_empty() || !user.bytes().all(|b| b.is_ascii_digit()) {
        return Err(msg("ops-refund-bad-user").arg("user", user).into());
    }
    let done = crate::domain::billing::stars::refund(app, user, charge).await?;
    let text = if done {
        msg("ops-refund-done")
            .arg("user", user)
            .arg("charge", charge)
    } else {
        msg("ops-refund-unavailable")
    };
    r.send(Reply::text(app.i18n.render(inv.locale, &text)).private())
        .await?;
    Ok(())
}
