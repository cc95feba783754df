//! `/connect youtube|tiktok|instagram`: first exactly what the connection will read and store,
//! with Accept / Cancel (`domain::consent`); Accept records the consent and gives the link to
//! the provider's consent page; the callback on the web endpoint completes the connection
//! (`domain::channels::oauth`). A provider without credentials says so at once.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Button, CommandResult, Invocation, Reply, Responder, buttons};
use crate::commands::ButtonAction;
use crate::domain::channels::Provider;
use crate::domain::channels::oauth::{self, STATE_LIFETIME_MINUTES, Start};
use crate::domain::consent;
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let provider = args
        .text("provider")
        .and_then(Provider::parse)
        .ok_or_else(|| anyhow::anyhow!("manifest choice is not a provider"))?;
    if !oauth::configured(app, provider) {
        return offer(app, inv, provider, r).await;
    }
    if let Some(full) = oauth::plan_full(app, inv.account, provider).await? {
        return refuse(app, inv, &full, r).await;
    }
    let tr = |m| app.i18n.render(inv.locale, &m);
    let what = match provider {
        Provider::YouTube => "connect-consent-youtube",
        Provider::TikTok => "connect-consent-tiktok",
        Provider::Instagram => "connect-consent-instagram",
    };
    let reply = Reply::text(tr(
        msg("connect-consent-intro").arg("provider", provider.label())
    ))
    .block(app.i18n.tr(inv.locale, what))
    .block(tr(
        msg("connect-consent-kept").arg("provider", provider.label())
    ))
    .button(
        buttons::reply_button(
            app,
            inv,
            "connect-consent-accept",
            ButtonAction::AcceptConnect { provider },
        )
        .await?,
    )
    .button(
        buttons::reply_button(
            app,
            inv,
            "connect-consent-cancel",
            ButtonAction::CancelConnect,
        )
        .await?,
    )
    .private();
    r.send(reply).await?;
    Ok(())
}

/// "Accept": the consent is recorded with the policy version, then the link is given.
pub async fn accept(
    app: &App,
    inv: &Invocation,
    provider: Provider,
    r: &dyn Responder,
) -> CommandResult {
    consent::accept(&app.db, inv.account, &consent::connect_scope(provider)).await?;
    offer(app, inv, provider, r).await
}

pub async fn cancel(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    r.send(Reply::text(app.i18n.tr(inv.locale, "connect-consent-cancelled")).private())
        .await?;
    Ok(())
}

/// The consent link for `provider` (after "Accept", and behind the "reconnect" button of a
/// connection the creator already consented to), or why there is none.
pub async fn offer(
    app: &App,
    inv: &Invocation,
    provider: Provider,
    r: &dyn Responder,
) -> CommandResult {
    let tr = |m| app.i18n.render(inv.locale, &m);
    let reply =
        match oauth::start(app, inv.account, provider, &inv.destination(), inv.locale).await? {
            Start::Consent(url) => Reply::text(tr(msg("connect-open")
                .arg("provider", provider.label())
                .arg("minutes", STATE_LIFETIME_MINUTES)))
            .button(Button::Link {
                label: tr(msg("connect-button").arg("provider", provider.label())),
                url: url.to_string(),
            }),
            Start::NotConfigured => Reply::text(tr(
                msg("connect-not-configured").arg("provider", provider.label())
            )),
            Start::PlanFull(full) => return refuse(app, inv, &full, r).await,
        };
    r.send(reply.private()).await?;
    Ok(())
}

async fn refuse(
    app: &App,
    inv: &Invocation,
    full: &crate::domain::plans::Full,
    r: &dyn Responder,
) -> CommandResult {
    let refusal = full.refusal(&app.i18n, inv.locale, "connect-plan-limit");
    super::plan::refuse_at_limit(app, inv, refusal, r).await
}
