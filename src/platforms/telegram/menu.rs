//! Telegram's command menu: `setMyCommands` for the default language and for `fr`, built from the
//! manifests (names English, descriptions localized; operator-only commands left out). Retried in
//! the background until Telegram accepts it: a missing menu must not stop the bot.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::BotCommand;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::i18n::Locale;
use crate::platforms::telegram::Options;

/// The menu in one language.
pub fn commands(app: &App, locale: Locale) -> Vec<BotCommand> {
    app.manifests
        .all()
        .filter(|m| !m.operator_only)
        .map(|m| {
            let description: String = app
                .i18n
                .tr(locale, &m.description_key())
                .chars()
                .take(256)
                .collect();
            BotCommand::new(m.name.clone(), description)
        })
        .collect()
}

pub async fn publish(app: Arc<App>, raw: Bot, options: Options, stop: CancellationToken) {
    let mut delay = options.backoff.0;
    loop {
        let default = raw.set_my_commands(commands(&app, Locale::En)).await;
        let french = raw
            .set_my_commands(commands(&app, Locale::Fr))
            .language_code("fr".to_owned())
            .await;
        match (default, french) {
            (Ok(_), Ok(_)) => return,
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, retry_in = ?delay, "Telegram setMyCommands failed; retrying");
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(options.backoff.1);
    }
}
