//! `/disconnect youtube|tiktok|instagram`: asks with "keep history" / "delete history" / cancel
//! (single use, 15 minutes), then revokes the grant at the provider, deletes our tokens and keeps
//! or deletes the history (`domain::channels::disconnect`). Manual and demo sources go the same
//! way, without a grant to revoke.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::buttons::{self, Lifetime};
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::commands::ButtonAction;
use crate::db;
use crate::domain::channels::Provider;
use crate::domain::channels::disconnect::{self, Disconnect, Revocation};
use crate::i18n::{Msg, msg};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let provider = args
        .text("provider")
        .and_then(Provider::parse)
        .ok_or_else(|| anyhow::anyhow!("manifest choice is not a provider"))?;
    let Some(row) = db::channels::find(&app.db, inv.account, provider.as_str()).await? else {
        return Err(not_connected(provider).into());
    };
    let tr = |m: &Msg| app.i18n.render(inv.locale, m);
    let title = match row.display_name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{} ({name})", provider.label()),
        None => provider.label().to_owned(),
    };
    let question = if row.source == "oauth" && row.status != "disconnected" {
        msg("disconnect-ask").arg("title", title)
    } else {
        msg("disconnect-ask-source").arg("title", title)
    };
    let mut reply = Reply::text(tr(&question)).private();
    for (key, action) in [
        (
            "disconnect-button-keep",
            ButtonAction::Disconnect {
                provider,
                keep_history: true,
            },
        ),
        (
            "disconnect-button-delete",
            ButtonAction::Disconnect {
                provider,
                keep_history: false,
            },
        ),
        ("disconnect-button-cancel", ButtonAction::CancelDisconnect),
    ] {
        let label = tr(&msg(key).arg("provider", provider.label()));
        let button = buttons::store(
            app,
            inv.account,
            &inv.destination(),
            label,
            &action,
            Lifetime::Reply,
        )
        .await?;
        reply = reply.button(button);
    }
    r.send(reply).await?;
    Ok(())
}

fn not_connected(provider: Provider) -> Msg {
    msg("disconnect-not-connected").arg("provider", provider.label())
}

/// "Keep history" or "Delete history" pressed.
pub async fn confirm(
    app: &App,
    inv: &Invocation,
    provider: Provider,
    keep_history: bool,
    r: &dyn Responder,
) -> CommandResult {
    r.typing().await.ok();
    let outcome = disconnect::disconnect(app, inv.account, provider, keep_history).await?;
    let revocation = match outcome {
        Disconnect::NotFound => return Err(not_connected(provider).into()),
        Disconnect::Busy => {
            return Err(msg("disconnect-busy")
                .arg("provider", provider.label())
                .into());
        }
        Disconnect::Done(revocation) => revocation,
    };
    // Done: the other choice beside it stops working.
    db::actions::revoke(&app.db, inv.account, "disconnect").await?;
    db::actions::revoke(&app.db, inv.account, "cancel_disconnect").await?;
    let p = provider.label();
    let done = if keep_history {
        msg("disconnect-done-kept").arg("provider", p)
    } else {
        msg("disconnect-done-deleted").arg("provider", p)
    };
    let grant = match (revocation, provider) {
        (Revocation::Revoked, _) => Some(msg("disconnect-revoked").arg("provider", p)),
        (Revocation::Failed, _) => Some(msg("disconnect-revoke-failed").arg("provider", p)),
        (Revocation::RemoveThere, Provider::Instagram) => Some(msg("disconnect-remove-instagram")),
        (Revocation::RemoveThere, _) => Some(msg("disconnect-remove-there").arg("provider", p)),
        (Revocation::Nothing, _) => None,
    };
    let tr = |m: &Msg| app.i18n.render(inv.locale, m);
    let mut reply = Reply::text(tr(&done)).private();
    if let Some(grant) = grant {
        reply = reply.block(tr(&grant));
    }
    r.send(reply).await?;
    Ok(())
}

pub async fn cancel(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    db::actions::revoke(&app.db, inv.account, "disconnect").await?;
    r.send(Reply::text(app.i18n.tr(inv.locale, "disconnect-cancelled")).private())
        .await?;
    Ok(())
}
