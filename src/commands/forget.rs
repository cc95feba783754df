//! `/forget`: erase the account. A confirmation button first (single use, 15 minutes), then every
//! module's eraser runs in one transaction and the reply says what was erased.

use crate::app::App;
use crate::bot::{CommandResult, Invocation, Reply, Responder, buttons};
use crate::commands::ButtonAction;
use crate::domain::privacy;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let reply = Reply::text(app.i18n.tr(inv.locale, "forget-warning"))
        .button(
            buttons::reply_button(
                app,
                inv,
                "forget-button-confirm",
                ButtonAction::ConfirmForget,
            )
            .await?,
        )
        .button(
            buttons::reply_button(app, inv, "forget-button-cancel", ButtonAction::CancelForget)
                .await?,
        )
        .private();
    r.send(reply).await?;
    Ok(())
}

pub async fn confirm(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    // A live subscription is cancelled first: if Stripe cannot be reached, nothing is erased
    // (an erased account could not stop its own charges).
    let cancelled = crate::domain::billing::cancel_before_forget(app, inv.account).await?;
    let mut tx = app.db.begin().await?;
    let erased = privacy::forget(&mut tx, inv.account).await?;
    tx.commit().await?;
    // Bytes go only after the rows are gone for good.
    for key in &erased.file_keys {
        if let Err(e) = app.files.delete(key).await {
            tracing::warn!(error = %e, "an erased file could not be deleted from the file store");
        }
    }
    let mut lines = vec![app.i18n.tr(inv.locale, "forget-done")];
    if cancelled {
        lines.push(format!(
            "• {}",
            app.i18n.tr(inv.locale, "forget-cancelled-subscription")
        ));
    }
    lines.extend(
        erased
            .lines
            .iter()
            .map(|m| format!("• {}", app.i18n.render(inv.locale, m))),
    );
    let mut reply = Reply::text(lines.join("\n"));
    if !erased.kept.is_empty() {
        let mut kept = vec![app.i18n.tr(inv.locale, "forget-kept")];
        kept.extend(
            erased
                .kept
                .iter()
                .map(|m| format!("• {}", app.i18n.render(inv.locale, m))),
        );
        reply = reply.block(kept.join("\n"));
    }
    r.send(
        reply
            .block(app.i18n.tr(inv.locale, "forget-goodbye"))
            .private(),
    )
    .await?;
    Ok(())
}

pub async fn cancel(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    // Cancelled means cancelled: the "Erase everything" button beside it stops working too.
    crate::db::actions::revoke(&app.db, inv.account, "confirm_forget").await?;
    r.send(Reply::text(app.i18n.tr(inv.locale, "forget-cancelled")).private())
        .await?;
    Ok(())
}
