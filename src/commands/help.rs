//! `/help [command]`: the commands this creator can run, from the manifests; or one command's
//! subcommands and options.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, Invocation, Reply, Responder};
use crate::i18n::msg;
use crate::manifest::{Manifest, OptionSpec};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let visible = |m: &&Manifest| !m.operator_only || inv.is_operator;
    if let Some(name) = args.text("command") {
        let name = name.trim_start_matches('/').to_lowercase();
        let manifest = app
            .manifests
            .get(&name)
            .filter(visible)
            .ok_or_else(|| msg("err-unknown-command").arg("command", name))?;
        r.send(Reply::text(detail(app, inv, manifest))).await?;
        return Ok(());
    }
    let lines: Vec<String> = app
        .manifests
        .all()
        .filter(visible)
        .map(|m| {
            format!(
                "/{} — {}",
                m.name,
                app.i18n.tr(inv.locale, &m.description_key())
            )
        })
        .collect();
    let reply = Reply::text(app.i18n.tr(inv.locale, "help-intro"))
        .block(lines.join("\n"))
        .block(app.i18n.tr(inv.locale, "help-more"));
    r.send(reply).await?;
    Ok(())
}

fn detail(app: &App, inv: &Invocation, m: &Manifest) -> String {
    let tr = |key: &str| app.i18n.tr(inv.locale, key);
    let mut lines = vec![format!("/{} — {}", m.name, tr(&m.description_key()))];
    let option_lines = |sub: Option<&str>, options: &[OptionSpec]| -> Vec<String> {
        options
            .iter()
            .map(|o| {
                let mut line = format!("  {}=… — {}", o.name, tr(&m.option_key(sub, &o.name)));
                if !o.choices.is_empty() {
                    line.push_str(&format!(" ({})", o.choices.join(" | ")));
                }
                if !o.required {
                    line.push_str(&format!(" [{}]", tr("help-optional")));
                }
                if o.repeat.is_some() {
                    let max = i64::try_from(o.max_repeat()).unwrap_or(i64::MAX);
                    let note = app
                        .i18n
                        .render(inv.locale, &msg("help-repeatable").arg("max", max));
                    line.push_str(&format!(" [{note}]"));
                }
                line
            })
            .collect()
    };
    lines.extend(option_lines(None, &m.options));
    for sub in &m.subcommands {
        let default = m.default_subcommand.as_deref() == Some(sub.name.as_str());
        let mark = if default {
            format!(" [{}]", tr("help-default"))
        } else {
            String::new()
        };
        lines.push(format!(
            "/{} {}{mark} — {}",
            m.name,
            sub.name,
            tr(&m.subcommand_key(&sub.name))
        ));
        lines.extend(option_lines(Some(&sub.name), &sub.options));
    }
    lines.join("\n")
}
