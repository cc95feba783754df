//! `/start [payload]`: onboarding. A payload (Telegram deep links `t.me/<bot>?start=<payload>`)
//! is routed by its prefix to the module that issued it (`oauth-`: the connection just made, from
//! the OAuth page); an unknown payload falls back to the welcome. Asks the creator's name once.
//!
//! An account that has not accepted the privacy policy in force gets the welcome with the
//! policy's summary (or what changed) and Accept first; Accept runs this `/start` again, payload
//! included (the connection just made is shown then), which continues the onboarding.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::gate::Blocked;
use crate::bot::questions::{self, Field};
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::commands::{QuestionPurpose, channels, privacy};
use crate::db;
use crate::domain::channels::oauth;
use crate::domain::consent::{self, Standing};
use crate::i18n::msg;

const MAX_NAME_CHARS: usize = 80;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let standing = consent::standing(&app.db, inv.account).await?;
    if !standing.accepted() {
        let intro = match standing {
            Standing::Never => msg("start-welcome-first"),
            Standing::Older(_) | Standing::Accepted => privacy::gate_intro(standing),
        };
        let again = Blocked::of(&inv.input);
        return privacy::ask_acceptance(app, inv, standing, intro, Some(again), r).await;
    }
    if let Some(payload) = args.text("payload") {
        // Prefixes are added here as modules issue deep links (e.g. "link-").
        if let Some(nonce) = payload.strip_prefix(oauth::RETURN_PREFIX)
            && channels::show_connected(app, inv, nonce, r).await?
        {
            return Ok(());
        }
        tracing::info!(
            payload_len = payload.len(),
            "start payload with no handler; showing the welcome"
        );
    }
    let account = db::accounts::get(&app.db, inv.account).await?;
    let tr = |m| app.i18n.render(inv.locale, &m);
    match account.and_then(|a| a.name) {
        Some(name) => {
            r.send(
                Reply::text(tr(msg("start-welcome-back").arg("name", name)))
                    .block(tr(msg("start-what-next"))),
            )
            .await?;
        }
        None => {
            r.send(Reply::text(tr(msg("start-welcome"))).block(tr(msg("start-what-next"))))
                .await?;
            ask_name(app, inv, r).await?;
        }
    }
    Ok(())
}

async fn ask_name(app: &App, inv: &Invocation, r: &dyn Responder) -> anyhow::Result<()> {
    let field = Field::new(msg("start-ask-name"));
    questions::ask(app, inv, r, QuestionPurpose::Name, field).await
}

pub async fn save_name(
    app: &App,
    inv: &Invocation,
    answers: Vec<String>,
    r: &dyn Responder,
) -> CommandResult {
    let name = answers.into_iter().next().unwrap_or_default();
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        let problem = msg("start-name-invalid").arg("max", MAX_NAME_CHARS);
        r.send(Reply::text(app.i18n.render(inv.locale, &problem)))
            .await?;
        // Ask again rather than leave the creator without a question to answer.
        ask_name(app, inv, r).await?;
        return Ok(());
    }
    db::accounts::set_name(&app.db, inv.account, &name).await?;
    r.send(Reply::text(app.i18n.render(
        inv.locale,
        &msg("start-name-saved").arg("name", name),
    )))
    .await?;
    Ok(())
}
