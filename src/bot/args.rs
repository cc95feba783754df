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
    /// Every value of each option, in the order given (one unless the manifest lets it repeat).
    values: BTreeMap<String, Vec<Value>>,
}

impl Args {
    fn first(&self, name: &str) -> Option<&Value> {
        self.values.get(name).and_then(|v| v.first())
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.first(name) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Every value of a repeatable text option, in the order given.
    pub fn texts(&self, name: &str) -> Vec<&str> {
        self.values
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|v| match v {
                Value::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn integer(&self, name: &str) -> Option<i64> {
        match self.first(name) {
            Some(Value::Integer(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.first(name) {
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

    let mut values: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // A repeatable option also answers to NAME2 … NAMEn (its Discord names).
    let spec_named = |name: &str| {
        options
            .iter()
            .find(|o| o.name == name)
            .or_else(|| options.iter().find(|o| o.names().iter().any(|n| n == name)))
    };
    for (name, text) in &raw.named {
        let Some(spec) = spec_named(name) else {
            return Err(msg("err-unknown-option")
                .arg("option", name)
                .arg("command", &manifest.name)
                .arg("options", option_list(options)));
        };
        let given = values.entry(spec.name.clone()).or_default();
        if given.len() >= spec.max_repeat() {
            return Err(if spec.repeat.is_some() {
                msg("err-repeated-too-often")
                    .arg("option", &spec.name)
                    .arg("max", i64::try_from(spec.max_repeat()).unwrap_or(i64::MAX))
            } else {
                msg("err-repeated-option").arg("option", name)
            });
        }
        given.push(parse_value(spec, text)?);
    }
    // Attachments cannot be typed: positional words skip them.
    let mut free = options
        .iter()
        .filter(|o| !values.contains_key(&o.name) && o.kind != OptionKind::Attachment);
    let mut positional_values = Vec::new();
    for word in positional {
        let Some(spec) = free.next() else {
            return Err(msg("err-too-many-arguments")
                .arg("command", &manifest.name)
                .arg("word", word));
        };
        positional_values.push((spec.name.clone(), parse_value(spec, word)?));
    }
    for (name, value) in positional_values {
        values.entry(name).or_default().push(value);
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
        // Discord sends the attachment's id; the file itself travels in `RawCommand::files`.
        OptionKind::Attachment => Ok(Value::Text(text.to_owned())),
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
            files: Vec::new(),
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
    fn only_repeatable_options_repeat_and_up_to_their_limit() {
        let m = manifest(
            r#"
            name = "invoice"
            [[options]]
            name = "deal"
            type = "integer"
            [[options]]
            name = "line"
            type = "text"
            repeat = 3
        "#,
        );
        let a = validate(
            &m,
            &raw(
                &["2"],
                &[
                    ("line", "a; 1; 1"),
                    ("line", "b; 1; 2"),
                    ("line3", "c; 1; 3"),
                ],
            ),
        )
        .unwrap();
        assert_eq!(a.integer("deal"), Some(2));
        assert_eq!(a.texts("line"), ["a; 1; 1", "b; 1; 2", "c; 1; 3"]);
        assert_eq!(a.text("line"), Some("a; 1; 1"));
        let too_many = [("line", "a"), ("line", "b"), ("line", "c"), ("line", "d")];
        assert_eq!(
            validate(&m, &raw(&[], &too_many)).unwrap_err().key,
            "err-repeated-too-often"
        );
        assert_eq!(
            validate(&m, &raw(&[], &[("line4", "d")])).unwrap_err().key,
            "err-unknown-option"
        );
        assert_eq!(
            validate(&m, &raw(&[], &[("deal", "1"), ("deal", "2")]))
                .unwrap_err()
                .key,
            "err-repeated-option"
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
