//! Argument validation against a command's manifest: `RawCommand` in, typed `Args` out.
//!
//! Positional words fill the options in manifest order; `key=value` names one. On text front ends
//! the first word selects a subcommand when it names one, else the manifest's default applies.

use std::collections::BTreeMap;

use crate::bot::RawCommand;
use crate::i18n::{Msg, msg};
use crate::manifest::{Manifest, OptionKind, OptionSpec};

/// A validated argument value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Integer(i64),
    Boolean(bool),
}

/// The validated arguments of one command call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub sub: Option<String>,
    values: BTreeMap<String, Value>,
}

impl Args {
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.values.get(name) {
            Some(Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.values.get(name) {
            Some(Value::Boolean(b)) => Some(*b),
            _ => None,
        }
    }
}

pub fn validate(manifest: &Manifest, raw: &RawCommand) -> Result<Args, Msg> {
    let mut positional = raw.positional.iter();
    let sub = if manifest.subcommands.is_empty() {
        None
    } else {
        let named_sub = raw.sub.clone().or_else(|| {
            raw.positional
                .first()
                .filter(|w| manifest.subcommand(w).is_some())
                .inspect(|_| {
                    positional.next();
                })
                .cloned()
        });
        match named_sub.or_else(|| manifest.default_subcommand.clone()) {
            Some(sub) if manifest.subcommand(&sub).is_some() => Some(sub),
            Some(sub) => {
                return Err(msg("err-unknown-subcommand")
                    .arg("command", &manifest.name)
                    .arg("sub", sub)
                    .arg("subs", sub_list(manifest)));
            }
            None => {
                return Err(msg("err-missing-subcommand")
                    .arg("command", &manifest.name)
                    .arg("subs", sub_list(manifest)));
            }
        }
    };
    let options = match &sub {
        Some(s) => manifest
            .subcommand(s)
            .map(|s| &s.options)
            .unwrap_or(&manifest.options),
        None => &manifest.options,
    };

    let mut values = BTreeMap::new();
    for (name, text) in &raw.named {
        let Some(spec) = options.iter().find(|o| &o.name == name) else {
            return Err(msg("err-unknown-option")
                .arg("option", name)
                .arg("command", &manifest.name)
                .arg("options", option_list(options)));
        };
        if values.contains_key(name) {
            return Err(msg("err-repeated-option").arg("option", name));
        }
        values.insert(name.clone(), parse_value(spec, text)?);
    }
    let mut free = options
        .iter()
        .filter(|o| !raw.named.iter().any(|(n, _)| n == &o.name));
    for word in positional {
        let Some(spec) = free.next() else {
            return Err(msg("err-too-many-arguments")
                .arg("command", &manifest.name)
                .arg("word", word));
        };
        values.insert(spec.name.clone(), parse_value(spec, word)?);
    }
    if let Some(missing) = options
        .iter()
        .find(|o| o.required && !values.contains_key(&o.name))
    {
        let mut m = msg("err-missing-argument")
            .arg("option", &missing.name)
            .arg("command", &manifest.name);
        if !missing.choices.is_empty() {
            m = msg("err-missing-choice")
                .arg("option", &missing.name)
                .arg("command", &manifest.name)
                .arg("choices", missing.choices.join(", "));
        }
        return Err(m);
    }
    Ok(Args { sub, values })
}

fn parse_value(spec: &OptionSpec, text: &str) -> Result<Value, Msg> {
    match spec.kind {
        OptionKind::Text => {
            let max = spec.max_length.unwrap_or(1000);
            if text.chars().count() > max {
                return Err(msg("err-too-long-value")
                    .arg("option", &spec.name)
                    .arg("max", max));
            }
            Ok(Value::Text(text.to_owned()))
        }
        OptionKind::Integer => {
            let n: i64 = text.parse().map_err(|_| {
                msg("err-not-a-number")
                    .arg("option", &spec.name)
                    .arg("value", text)
            })?;
            let below = spec.min.is_some_and(|min| n < min);
            let above = spec.max.is_some_and(|max| n > max);
            if below || above {
                return Err(msg("err-out-of-range")
                    .arg("option", &spec.name)
                    .arg("min", spec.min.unwrap_or(i64::MIN))
                    .arg("max", spec.max.unwrap_or(i64::MAX)));
            }
            Ok(Value::Integer(n))
        }
        OptionKind::Boolean => match text.to_lowercase().as_str() {
            "yes" | "true" | "on" | "oui" | "1" => Ok(Value::Boolean(true)),
            "no" | "false" | "off" | "non" | "0" => Ok(Value::Boolean(false)),
            _ => Err(msg("err-not-a-boolean")
                .arg("option", &spec.name)
                .arg("value", text)),
        },
        OptionKind::Choice => {
            let lower = text.to_lowercase();
            spec.choices
                .iter()
                .find(|c| **c == lower)
                .map(|c| Value::Text(c.clone()))
                .ok_or_else(|| {
                    msg("err-invalid-choice")
                        .arg("option", &spec.name)
                        .arg("value", text)
                        .arg("choices", spec.choices.join(", "))
                })
        }
    }
}

fn sub_list(manifest: &Manifest) -> String {
    manifest
        .subcommands
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn option_list(options: &[OptionSpec]) -> String {
    if options.is_empty() {
        return "—".to_owned();
    }
    options
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(toml_text: &str) -> Manifest {
        toml::from_str(toml_text).unwrap()
    }

    fn raw(words: &[&str], named: &[(&str, &str)]) -> RawCommand {
        RawCommand {
            name: "x".into(),
            sub: None,
            positional: words.iter().map(|w| (*w).to_owned()).collect(),
            named: named
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    const IDEAS: &str = r#"
        name = "ideas"
        [[options]]
        name = "niche"
        type = "text"
        max_length = 10
        [[options]]
        name = "count"
        type = "integer"
        min = 1
        max = 10
    "#;

    #[test]
    fn positional_and_named_fill_options() {
        let m = manifest(IDEAS);
        let a = validate(&m, &raw(&["cooking"], &[("count", "3")])).unwrap();
        assert_eq!(a.text("niche"), Some("cooking"));
        assert_eq!(a.integer("count"), Some(3));
        let a = validate(&m, &raw(&["3"], &[("niche", "tech")])).unwrap();
        assert_eq!(a.integer("count"), Some(3));
    }

    #[test]
    fn bad_values_name_the_problem() {
        let m = manifest(IDEAS);
        assert_eq!(
            validate(&m, &raw(&["a", "11"], &[])).unwrap_err().key,
            "err-out-of-range"
        );
        assert_eq!(
            validate(&m, &raw(&["a", "x"], &[])).unwrap_err().key,
            "err-not-a-number"
        );
        assert_eq!(
            validate(&m, &raw(&["a", "1", "z"], &[])).unwrap_err().key,
            "err-too-many-arguments"
        );
        assert_eq!(
            validate(&m, &raw(&[], &[("color", "x")])).unwrap_err().key,
            "err-unknown-option"
        );
        assert_eq!(
            validate(&m, &raw(&["abcdefghijk"], &[])).unwrap_err().key,
            "err-too-long-value"
        );
    }

    #[test]
    fn subcommands_default_and_choices() {
        let m = manifest(
            r#"
            name = "ops"
            default_subcommand = "jobs"
            [[subcommands]]
            name = "jobs"
            [[subcommands.options]]
            name = "status"
            type = "choice"
            choices = ["failed", "uncertain"]
            [[subcommands]]
            name = "other"
        "#,
        );
        assert_eq!(
            validate(&m, &raw(&[], &[])).unwrap().sub.as_deref(),
            Some("jobs")
        );
        let a = validate(&m, &raw(&["jobs", "FAILED"], &[])).unwrap();
        assert_eq!(a.text("status"), Some("failed"));
        assert_eq!(
            validate(&m, &raw(&["jobs", "x"], &[])).unwrap_err().key,
            "err-invalid-choice"
        );
        assert_eq!(
            validate(&m, &raw(&["other"], &[])).unwrap().sub.as_deref(),
            Some("other")
        );
    }
}
