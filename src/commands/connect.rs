//! `/connect youtube|tiktok|instagram`: a link to the provider's consent page; the
//! callback on the web endpoint completes the connection (`domain::channels::oauth`).

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{Button, CommandResult, Invocation, Reply, Responder};
use crate::domain::channels::Provider;
use crate::domain::channels::oauth::{self, STATE_LIFETIME_MINUTES, Start};
use crate::i18n::msg;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let provider = args
        .text("provider")
        .and_then(Provider::parse)
        .ok_or_else(|| anyhow::anyhow!("manifest choice is not a provider"))?;
    offer(app, inv, provider, r).await
}

/// The consent link for `provider` (also behind the "reconnect" button), or why there is none.
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
            Start::PlanFull(full) => {
                let refusal = full.refusal(&app.i18n, inv.locale, "connect-plan-limit");
                return super::plan::refuse_at_limit(app, inv, refusal, r).await;
            }
        };
    r.send(reply.private()).await?;
    Ok(())
}
