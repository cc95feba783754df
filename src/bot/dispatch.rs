//! The one entry point every front end calls: `handle(app, incoming, responder)`.
//!
//! Resolves the account and locale, routes commands (manifest lookup, operator and plan checks,
//! argument validation), button presses, answers and free text to `commands/`, and turns errors
//! into replies: user errors as their translated sentence, internal ones as "something went
//! wrong (ref …)" with the details logged under that ref.
//!
//! The privacy policy gate (`bot::gate`) sits here, before anything else runs: an account that
//! has not accepted the policy in force reaches only the commands and buttons open while gated;
//! everything else gets the acceptance request, and runs after Accept.

use std::time::Instant;

use crate::app::App;
use crate::bot::gate::Blocked;
use crate::bot::questions::{self, Answered};
use crate::bot::tokenizer::{self, Line};
use crate::bot::{
    CommandError, CommandResult, Incoming, Input, Invocation, RawCommand, Reply, Responder, args,
    buttons,
};
use crate::commands::{self, ButtonAction, CommandName};
use crate::domain::accounts;
use crate::domain::consent::Standing;
use crate::domain::rate_limit::{self, Cost};
use crate::i18n::{Locale, msg};

pub async fn handle(app: &App, incoming: Incoming, r: &dyn Responder) {
    let started = Instant::now();
    let label = metric_label(app, &incoming.input);
    let platform = incoming.platform;
    let mut locale = incoming
        .forced_locale
        .or(incoming.platform_locale)
        .unwrap_or_default();
    let result = match invocation(app, incoming).await {
        Ok((inv, standing)) => {
            locale = inv.locale;
            route(app, &inv, standing, r).await
        }
        Err(e) => Err(CommandError::Internal(e)),
    };
    let outcome = match &result {
        Ok(()) => "ok",
        Err(CommandError::User(m)) if m.key == rate_limit::REFUSAL_KEY => "rate_limited",
        Err(CommandError::User(_)) => "user_error",
        Err(CommandError::Internal(_)) => "internal_error",
    };
    if let Err(error) = result {
        report(app, locale, error, &label, r).await;
    }
    app.metrics
        .commands
        .with_label_values(&[label.as_str(), platform.as_str(), outcome])
        .inc();
    app.metrics
        .command_seconds
        .with_label_values(&[label.as_str()])
        .observe(started.elapsed().as_secs_f64());
    // Inside the front end's `request` span: the line carries the request id.
    tracing::debug!(
        command = %label,
        platform = platform.as_str(),
        outcome,
        ms = started.elapsed().as_millis() as u64,
        "command handled"
    );
}

/// The invocation, and where its account stands with the privacy policy (read with the account).
async fn invocation(app: &App, incoming: Incoming) -> anyhow::Result<(Invocation, Standing)> {
    let account = accounts::resolve(
        &app.db,
        incoming.platform,
        &incoming.user_id,
        incoming.display_name.as_deref(),
    )
    .await?;
    let locale = incoming
        .forced_locale
        .or(account.locale)
        .or(incoming.platform_locale)
        .unwrap_or(Locale::En);
    let inv = Invocation {
        account: account.id,
        platform: incoming.platform,
        is_operator: app
            .settings
            .is_operator(incoming.platform.as_str(), &incoming.user_id),
        user_id: incoming.user_id,
        chat: incoming.chat,
        locale,
        is_admin: incoming.is_admin,
        input: incoming.input,
    };
    Ok((inv, account.policy))
}

async fn route(
    app: &App,
    inv: &Invocation,
    standing: Standing,
    r: &dyn Responder,
) -> CommandResult {
    let gated = !standing.accepted();
    if gated && let Some((blocked, cost)) = refused_before_running(app, inv) {
        return refuse(app, inv, standing, blocked, cost, r).await;
    }
    match &inv.input {
        Input::Line(line) => match tokenizer::parse_line(line)? {
            Line::Command(raw) => run_command(app, inv, &raw, r).await,
            Line::Text(text) => on_text(app, inv, &text, r).await,
        },
        Input::Command(raw) => run_command(app, inv, raw, r).await,
        Input::Button(id) => {
            charge(app, inv, Cost::Half).await?;
            let action = buttons::press(app, inv, id).await??;
            if gated && !action.open_while_gated() {
                // Pressed, so a one-shot button is used: its action waits behind Accept.
                let blocked = Blocked::Button {
                    action: Box::new(action),
                };
                return refuse(app, inv, standing, blocked, None, r).await;
            }
            let then = match &action {
                ButtonAction::AcceptPolicy { then } => then.clone(),
                _ => None,
            };
            commands::on_button(app, inv, action, r).await?;
            // Only the press that accepts runs what was kept: another Accept (the one under
            // the whole policy, or a late one) runs nothing twice.
            match then {
                Some(blocked) if gated => Box::pin(after_accept(app, inv, blocked, r)).await,
                _ => Ok(()),
            }
        }
        Input::Answers(answers) => {
            match questions::answer_all(app, inv, r, answers.clone()).await?? {
                Answered::Complete { purpose, answers } => {
                    commands::on_answers(app, inv, purpose, answers, r).await
                }
                Answered::Progress => Ok(()),
                Answered::NoQuestion => Err(msg("question-expired").into()),
            }
        }
        Input::File(file) => {
            charge(app, inv, Cost::Full).await?;
            commands::on_file(app, inv, file, r).await
        }
    }
}

/// For a gated account: what the gate refuses before anything runs, with what to charge (a
/// button is judged once pressed, by its action). Answers are not read, so a pending question
/// keeps waiting for them.
fn refused_before_running(app: &App, inv: &Invocation) -> Option<(Blocked, Option<Cost>)> {
    let kept = || Some((Blocked::of(&inv.input), Some(Cost::Full)));
    match &inv.input {
        Input::Line(line) => match tokenizer::parse_line(line) {
            Ok(Line::Command(raw)) if open_while_gated(app, inv, &raw) => None,
            Ok(Line::Command(_) | Line::Text(_)) => kept(),
            // Refused by the tokenizer: its sentence says why.
            Err(_) => None,
        },
        Input::Command(raw) if open_while_gated(app, inv, raw) => None,
        Input::Command(_) => kept(),
        Input::Button(_) => None,
        Input::Answers(_) => Some((Blocked::NotKept, None)),
        Input::File(_) => Some((Blocked::NotKept, Some(Cost::Full))),
    }
}

/// Commands an account may run before accepting the policy. A command it cannot see (unknown,
/// or operator-only) passes too: it only gets "I don't know /…", which is more use to someone
/// who mistyped than the policy again, and keeps operator commands invisible.
fn open_while_gated(app: &App, inv: &Invocation, raw: &RawCommand) -> bool {
    app.manifests
        .get(&raw.name)
        .filter(|m| !m.operator_only || inv.is_operator)
        .and_then(|m| CommandName::from_name(&m.name))
        .is_none_or(CommandName::open_while_gated)
}

/// The gate's answer: the acceptance request, with `blocked` behind its Accept button.
async fn refuse(
    app: &App,
    inv: &Invocation,
    standing: Standing,
    blocked: Blocked,
    cost: Option<Cost>,
    r: &dyn Responder,
) -> CommandResult {
    if let Some(cost) = cost {
        charge(app, inv, cost).await?;
    }
    let intro = commands::privacy::gate_intro(standing);
    commands::privacy::ask_acceptance(app, inv, standing, intro, Some(blocked), r).await
}

/// What the gate kept, once the policy is accepted: a button's action runs as if pressed now, a
/// line or command is routed as if sent now.
async fn after_accept(
    app: &App,
    inv: &Invocation,
    blocked: Blocked,
    r: &dyn Responder,
) -> CommandResult {
    match blocked {
        Blocked::Button { action } => commands::on_button(app, inv, *action, r).await,
        Blocked::NotKept => commands::privacy::send_again(app, inv, r).await,
        kept => match kept.input() {
            Some(input) => {
                let replayed = Invocation {
                    input,
                    ..inv.clone()
                };
                // Run right after the press that recorded the acceptance.
                route(app, &replayed, Standing::Accepted, r).await
            }
            None => Ok(()),
        },
    }
}

/// The per-account rate limit; answers to questions and forms are never charged.
async fn charge(app: &App, inv: &Invocation, cost: Cost) -> CommandResult {
    rate_limit::charge(app, inv.platform, inv.account, cost).await
}

async fn on_text(app: &App, inv: &Invocation, text: &str, r: &dyn Responder) -> CommandResult {
    match questions::answer_text(app, inv, r, text).await?? {
        Answered::NoQuestion => {
            charge(app, inv, Cost::Full).await?;
            commands::on_text(app, inv, text, r).await
        }
        Answered::Progress => Ok(()),
        Answered::Complete { purpose, answers } => {
            commands::on_answers(app, inv, purpose, answers, r).await
        }
    }
}

async fn run_command(
    app: &App,
    inv: &Invocation,
    raw: &RawCommand,
    r: &dyn Responder,
) -> CommandResult {
    charge(app, inv, Cost::Full).await?;
    let manifest = app
        .manifests
        .get(&raw.name)
        .filter(|m| !m.operator_only || inv.is_operator)
        .ok_or_else(|| msg("err-unknown-command").arg("command", &raw.name))?;
    let name = CommandName::from_name(&manifest.name)
        .ok_or_else(|| anyhow::anyhow!("manifest {} has no implementation", manifest.name))?;
    questions::cancel(app, inv).await?;
    let plan = crate::domain::plans::plan_of(&app.db, inv.account).await?;
    if plan < manifest.plan {
        return Err(msg("err-plan-required")
            .arg("command", &manifest.name)
            .arg("plan", manifest.plan.as_str())
            .into());
    }
    let args = args::validate(manifest, raw)?;
    if manifest.slow {
        // Typing is a courtesy: a failure to show it must not fail the command.
        let _ = r.typing().await;
    }
    commands::run(name, app, inv, &args, r).await
}

async fn report(app: &App, locale: Locale, error: CommandError, label: &str, r: &dyn Responder) {
    let text = match error {
        CommandError::User(m) => app.i18n.render(locale, &m),
        CommandError::Internal(e) => {
            let reference = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
            tracing::error!(error_ref = %reference, command = %label, error = ?e, "command failed");
            app.i18n
                .render(locale, &msg("error-internal").arg("ref", reference))
        }
    };
    if let Err(e) = r.send(Reply::text(text).private()).await {
        tracing::warn!(error = ?e, "could not deliver an error reply");
    }
}

/// Bounded label set: unknown command names are not recorded verbatim.
fn metric_label(app: &App, input: &Input) -> String {
    match input {
        Input::Command(raw) if app.manifests.get(&raw.name).is_some() => raw.name.clone(),
        Input::Line(line) => match tokenizer::parse_command(line) {
            Ok(parsed)
                if line.starts_with('/') && app.manifests.get(&parsed.command.name).is_some() =>
            {
                parsed.command.name
            }
            _ if line.starts_with('/') => "unknown".into(),
            _ => "text".into(),
        },
        Input::Command(_) => "unknown".into(),
        Input::Button(_) => "button".into(),
        Input::File(_) => "file".into(),
        Input::Answers(_) => "answers".into(),
    }
}

/// A front end's own sentence (e.g. the console's "no such button"), in the author's language
/// resolved the same way as for commands, without creating an account.
pub async fn render_for(
    app: &App,
    platform: crate::bot::Platform,
    user_id: &str,
    forced: Option<Locale>,
    platform_locale: Option<Locale>,
    message: &crate::i18n::Msg,
) -> String {
    let saved = match forced {
        Some(_) => None,
        None => crate::db::accounts::find_by_identity(&app.db, platform, user_id)
            .await
            .ok()
            .flatten()
            .and_then(|row| row.locale.as_deref().and_then(Locale::from_tag)),
    };
    let locale = forced.or(saved).or(platform_locale).unwrap_or_default();
    app.i18n.render(locale, message)
}
