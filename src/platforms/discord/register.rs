//! Application commands built from the manifests (serenity `CreateCommand`): English names and
//! descriptions, French `description_localizations`, typed options with their limits and
//! choices, subcommands, every context (server, DM with the app, other private channels) and both
//! installs (server and user), so creators can use the app without owning a server.
//!
//! Registered by `creatorpilot register-commands`, and at start-up when the payload's hash differs
//! from the one stored for that scope. Operator-only commands go to `DISCORD_GUILD_ID` only,
//! hidden from members without permissions: to everyone else they do not exist.

use reqwest::Method;
use serde_json::Value;
use serenity::all::{
    ApplicationId, CommandOptionType, CreateCommand, CreateCommandOption, GuildId,
    InstallationContext, InteractionContext, Permissions,
};
use serenity::http::Route;

use crate::i18n::{I18n, Locale};
use crate::manifest::{Manifest, Manifests, OptionKind, OptionSpec};
use crate::platforms::discord::rest::{Body, Rest};

/// Discord's limit on command and option descriptions.
const MAX_DESCRIPTION: usize = 100;

/// Where commands are registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Guild(u64),
}

impl Scope {
    pub fn key(self) -> String {
        match self {
            Scope::Global => "global".to_owned(),
            Scope::Guild(id) => format!("guild:{id}"),
        }
    }
}

/// The bulk-overwrite payload of one scope.
pub fn payload(i18n: &I18n, manifests: &Manifests, scope: Scope) -> Value {
    let commands: Vec<CreateCommand> = manifests
        .all()
        .filter(|m| !m.operator_only || matches!(scope, Scope::Guild(_)))
        .map(|m| command(i18n, m))
        .collect();
    serde_json::to_value(commands).unwrap_or(Value::Array(Vec::new()))
}

fn command(i18n: &I18n, m: &Manifest) -> CreateCommand {
    let (en, fr) = texts(i18n, &m.description_key());
    let mut c = CreateCommand::new(&m.name)
        .description(en)
        .description_localized("fr", fr)
        .contexts(vec![
            InteractionContext::Guild,
            InteractionContext::BotDm,
            InteractionContext::PrivateChannel,
        ])
        .integration_types(vec![InstallationContext::Guild, InstallationContext::User]);
    if m.operator_only {
        c = c.default_member_permissions(Permissions::empty());
    }
    if m.subcommands.is_empty() {
        c.set_options(
            m.options
                .iter()
                .flat_map(|o| options(i18n, &m.option_key(None, &o.name), o))
                .collect(),
        )
    } else {
        c.set_options(
            m.subcommands
                .iter()
                .map(|s| {
                    let (en, fr) = texts(i18n, &m.subcommand_key(&s.name));
                    let mut sub =
                        CreateCommandOption::new(CommandOptionType::SubCommand, &s.name, en)
                            .description_localized("fr", fr);
                    for o in &s.options {
                        for built in options(i18n, &m.option_key(Some(&s.name), &o.name), o) {
                            sub = sub.add_sub_option(built);
                        }
                    }
                    sub
                })
                .collect(),
        )
    }
}

/// One Discord option, or NAME, NAME2 … NAMEn for an option that repeats (Discord cannot repeat
/// one; the argument validation maps them back).
fn options(i18n: &I18n, key: &str, o: &OptionSpec) -> Vec<CreateCommandOption> {
    o.names()
        .iter()
        .map(|name| option(i18n, key, name, o))
        .collect()
}

fn option(i18n: &I18n, key: &str, name: &str, o: &OptionSpec) -> CreateCommandOption {
    let (en, fr) = texts(i18n, key);
    let kind = match o.kind {
        OptionKind::Text | OptionKind::Choice => CommandOptionType::String,
        OptionKind::Integer => CommandOptionType::Integer,
        OptionKind::Boolean => CommandOptionType::Boolean,
        OptionKind::Attachment => CommandOptionType::Attachment,
    };
    let mut built = CreateCommandOption::new(kind, name, en)
        .description_localized("fr", fr)
        .required(o.required);
    if let Some(max) = o.max_length {
        built = built.max_length(u16::try_from(max.min(6000)).unwrap_or(6000));
    }
    // serenity's builder takes unsigned bounds; a negative bound is left to our own validation.
    if let Some(min) = o.min.and_then(|n| u64::try_from(n).ok()) {
        built = built.min_int_value(min);
    }
    if let Some(max) = o.max.and_then(|n| u64::try_from(n).ok()) {
        built = built.max_int_value(max);
    }
    for choice in &o.choices {
        built = built.add_string_choice(choice, choice);
    }
    built
}

fn texts(i18n: &I18n, key: &str) -> (String, String) {
    let cut = |s: String| {
        if s.chars().count() <= MAX_DESCRIPTION {
            s
        } else {
            s.chars().take(MAX_DESCRIPTION - 1).collect::<String>() + "…"
        }
    };
    (cut(i18n.tr(Locale::En, key)), cut(i18n.tr(Locale::Fr, key)))
}

/// A stable hash of a payload (FNV-1a, 64 bits): start-up registers again only when it changes.
pub fn hash(payload: &Value) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in payload.to_string().bytes() {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Overwrites the commands of one scope with `payload`.
pub async fn put(
    rest: &Rest,
    application_id: u64,
    scope: Scope,
    payload: Value,
) -> anyhow::Result<()> {
    let application_id = ApplicationId::new(application_id);
    let route = match scope {
        Scope::Global => Route::Commands { application_id },
        Scope::Guild(guild) => Route::GuildCommands {
            application_id,
            guild_id: GuildId::new(guild),
        },
    };
    rest.call(Method::PUT, route, &[], Body::Json(payload))
        .await?;
    Ok(())
}

/// The scopes to register: global, plus the development guild when set.
pub fn scopes(guild: Option<u64>) -> Vec<Scope> {
    std::iter::once(Scope::Global)
        .chain(guild.map(Scope::Guild))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discord cannot repeat an option: `/invoice create`'s `line` (repeat = 10) becomes `line`,
    /// `line2` … `line10`, all described as the line option.
    #[test]
    fn a_repeatable_option_is_registered_once_per_repetition() {
        let i18n = I18n::load().unwrap();
        let payload = payload(&i18n, &Manifests::load().unwrap(), Scope::Global);
        let invoice = payload
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "invoice")
            .unwrap();
        let create = invoice["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "create")
            .unwrap();
        let options = create["options"].as_array().unwrap();
        let names: Vec<&str> = options.iter().filter_map(|o| o["name"].as_str()).collect();
        let mut expected = vec!["deal".to_owned(), "line".to_owned()];
        expected.extend((2..=10).map(|i| format!("line{i}")));
        assert_eq!(names, expected);
        let line = i18n.tr(Locale::En, "opt-invoice-create-line");
        assert!(
            options[1..]
                .iter()
                .all(|o| o["description"] == line.as_str())
        );
    }
}
