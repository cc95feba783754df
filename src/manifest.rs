//! Command manifests: `commands/NAME.toml`, embedded in the binary.
//!
//! A manifest is the single source of a command's name, options, subcommands, plan and speed.
//! Discord registration, Telegram's command list, `/help` and argument validation derive from it.
//! Localization keys follow one convention, so a manifest never names them:
//! `cmd-NAME` (description), `cmd-NAME-SUB` (subcommand), `opt-NAME[-SUB]-OPTION` (option).

use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::domain::plans::PlanName;

static COMMANDS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/commands");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    /// The lowest plan that may run the command.
    #[serde(default)]
    pub plan: PlanName,
    /// Slow commands are deferred on Discord and show typing elsewhere.
    #[serde(default)]
    pub slow: bool,
    /// Replies hold private data: ephemeral on Discord, never posted into a group.
    #[serde(default)]
    pub private: bool,
    /// Visible and runnable only by `OPERATOR_IDS`.
    #[serde(default)]
    pub operator_only: bool,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
    #[serde(default)]
    pub subcommands: Vec<Subcommand>,
    /// The subcommand a text front end runs when none is named.
    pub default_subcommand: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subcommand {
    pub name: String,
    #[serde(default)]
    pub options: Vec<OptionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OptionKind,
    #[serde(default)]
    pub required: bool,
    /// Integers: smallest and largest value.
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Text: longest value in characters.
    pub max_length: Option<usize>,
    /// Closed list of values (type `choice`).
    #[serde(default)]
    pub choices: Vec<String>,
    /// How many times the option may be given (`line="…" line="…"`); absent: once. Discord
    /// cannot repeat an option, so there it is registered as NAME, NAME2 … NAMEn.
    pub repeat: Option<u8>,
}

impl OptionSpec {
    /// How many values the option takes at most.
    pub fn max_repeat(&self) -> usize {
        usize::from(self.repeat.unwrap_or(1).max(1))
    }

    /// The names it goes by: NAME, then NAME2 … NAMEn when it repeats (Discord's registration;
    /// text front ends accept them too).
    pub fn names(&self) -> Vec<String> {
        std::iter::once(self.name.clone())
            .chain((2..=self.max_repeat()).map(|i| format!("{}{i}", self.name)))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    Text,
    Integer,
    Boolean,
    Choice,
    /// A file (Discord's attachment option); text front ends send the file itself instead.
    Attachment,
}

impl Manifest {
    pub fn description_key(&self) -> String {
        format!("cmd-{}", self.name)
    }

    pub fn subcommand(&self, name: &str) -> Option<&Subcommand> {
        self.subcommands.iter().find(|s| s.name == name)
    }

    pub fn subcommand_key(&self, sub: &str) -> String {
        format!("cmd-{}-{sub}", self.name)
    }

    pub fn option_key(&self, sub: Option<&str>, option: &str) -> String {
        match sub {
            Some(sub) => format!("opt-{}-{sub}-{option}", self.name),
            None => format!("opt-{}-{option}", self.name),
        }
    }

    /// Every localization key the manifest implies.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = vec![self.description_key()];
        keys.extend(self.options.iter().map(|o| self.option_key(None, &o.name)));
        for sub in &self.subcommands {
            keys.push(self.subcommand_key(&sub.name));
            keys.extend(
                sub.options
                    .iter()
                    .map(|o| self.option_key(Some(&sub.name), &o.name)),
            );
        }
        keys
    }
}

/// All manifests, by name.
#[derive(Debug)]
pub struct Manifests {
    by_name: BTreeMap<String, Manifest>,
}

impl Manifests {
    pub fn load() -> anyhow::Result<Manifests> {
        let mut by_name = BTreeMap::new();
        for file in COMMANDS.files() {
            let path = file.path().display().to_string();
            if !path.ends_with(".toml") {
                continue;
            }
            let text = file
                .contents_utf8()
                .ok_or_else(|| anyhow::anyhow!("commands/{path} is not UTF-8"))?;
            let manifest: Manifest =
                toml::from_str(text).map_err(|e| anyhow::anyhow!("commands/{path}: {e}"))?;
            check(&manifest).map_err(|e| anyhow::anyhow!("commands/{path}: {e}"))?;
            if format!("{}.toml", manifest.name) != path {
                anyhow::bail!("commands/{path} declares the name \"{}\"", manifest.name);
            }
            by_name.insert(manifest.name.clone(), manifest);
        }
        Ok(Manifests { by_name })
    }

    pub fn get(&self, name: &str) -> Option<&Manifest> {
        self.by_name.get(name)
    }

    /// In name order.
    pub fn all(&self) -> impl Iterator<Item = &Manifest> {
        self.by_name.values()
    }
}

/// Rules every platform imposes (Discord's are the strictest).
fn check(m: &Manifest) -> anyhow::Result<()> {
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.len() <= 32
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    anyhow::ensure!(
        valid_name(&m.name),
        "name \"{}\" must be 1-32 of a-z, 0-9, _, -",
        m.name
    );
    anyhow::ensure!(
        m.subcommands.is_empty() || m.options.is_empty(),
        "a command with subcommands takes its options per subcommand (Discord's rule)"
    );
    if let Some(default) = &m.default_subcommand {
        anyhow::ensure!(
            m.subcommand(default).is_some(),
            "default_subcommand \"{default}\" is not a subcommand"
        );
    }
    let lists = std::iter::once(&m.options).chain(m.subcommands.iter().map(|s| &s.options));
    for options in lists {
        anyhow::ensure!(
            options.iter().map(OptionSpec::max_repeat).sum::<usize>() <= 25,
            "at most 25 options (a repeated option counts once per repetition on Discord)"
        );
        let mut seen_optional = false;
        for o in options {
            anyhow::ensure!(
                valid_name(&o.name),
                "option name \"{}\" must be 1-32 of a-z, 0-9, _, -",
                o.name
            );
            anyhow::ensure!(
                !(seen_optional && o.required),
                "required option \"{}\" follows an optional one",
                o.name
            );
            seen_optional |= !o.required;
            anyhow::ensure!(
                o.repeat.is_none() || (o.kind == OptionKind::Text && !o.required),
                "option \"{}\": only optional text options repeat",
                o.name
            );
            anyhow::ensure!(
                (o.kind == OptionKind::Choice) != o.choices.is_empty(),
                "option \"{}\": choices go with type choice, and only there",
                o.name
            );
        }
    }
    for s in &m.subcommands {
        anyhow::ensure!(
            valid_name(&s.name),
            "subcommand name \"{}\" must be 1-32 of a-z, 0-9, _, -",
            s.name
        );
    }
    Ok(())
}
