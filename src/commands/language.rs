//! `/language [en|fr]`: the language every reply uses, saved on the account.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder, buttons};
use crate::commands::ButtonAction;
use crate::db;
use crate::i18n::{Locale, msg};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    if let Some(code) = args.text("code") {
        let locale = Locale::from_tag(code)
            .ok_or_else(|| anyhow::anyhow!("manifest choice {code} is not a locale"))?;
        return set(app, inv, locale, r).await;
    }
    let current = app
        .i18n
        .tr(inv.locale, &format!("language-name-{}", inv.locale.code()));
    let mut reply = Reply::text(app.i18n.render(
        inv.locale,
        &msg("language-current").arg("language", current),
    ));
    for locale in Locale::ALL {
        let label_key = format!("language-button-{}", locale.code());
        reply = reply.button(
            buttons::reply_button(app, inv, &label_key, ButtonAction::SetLanguage { locale })
                .await?,
        );
    }
    r.send(reply).await?;
    Ok(())
}

/// Saves the language and confirms in it.
pub async fn set(app: &App, inv: &Invocation, locale: Locale, r: &dyn Responder) -> CommandResult {
    db::accounts::set_locale(&app.db, inv.account, locale.code()).await?;
    r.language_chosen(locale);
    r.send(Reply::text(app.i18n.tr(locale, "language-set")))
        .await?;
    Ok(())
}
