//! Translations: Fluent files under `locales/{en,fr}/`, embedded in the binary.
//!
//! Every sentence a creator reads goes through `I18n::render`. A `Msg` is a key plus arguments,
//! built where the sentence is decided and rendered only once the creator's locale is known.

use std::collections::BTreeSet;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

static LOCALES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// The languages CreatorPilot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// Maps a platform language tag (`fr`, `fr-CA`, `en-GB`) onto a supported locale.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An argument of a translated sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Num(i64),
    Text(String),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Num(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A sentence to translate: a Fluent key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, Arg)>,
}

impl Msg {
    pub fn new(key: impl Into<String>) -> Msg {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Msg {
        self.args.push((name.to_owned(), value.into()));
        self
    }
}

/// Shorthand for `Msg::new`.
pub fn msg(key: &str) -> Msg {
    Msg::new(key)
}

pub struct I18n {
    en: FluentBundle<FluentResource>,
    fr: FluentBundle<FluentResource>,
}

impl fmt::Debug for I18n {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("I18n")
    }
}

impl I18n {
    /// Parses the embedded locale files; a syntax error or a duplicate key is a start-up error.
    pub fn load() -> anyhow::Result<I18n> {
        Ok(I18n {
            en: bundle(Locale::En)?,
            fr: bundle(Locale::Fr)?,
        })
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        match locale {
            Locale::En => &self.en,
            Locale::Fr => &self.fr,
        }
    }

    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundle(locale).has_message(key)
    }

    pub fn tr(&self, locale: Locale, key: &str) -> String {
        self.render(locale, &Msg::new(key))
    }

    pub fn render(&self, locale: Locale, message: &Msg) -> String {
        let bundle = self.bundle(locale);
        let Some(pattern) = bundle.get_message(&message.key).and_then(|m| m.value()) else {
            // The locale tests make this unreachable for shipped keys; never show a blank.
            tracing::error!(key = %message.key, %locale, "missing translation");
            return message.key.clone();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &message.args {
            match value {
                Arg::Num(n) => args.set(name.as_str(), FluentValue::from(*n)),
                Arg::Text(t) => args.set(name.as_str(), FluentValue::from(t.as_str())),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
        if !errors.is_empty() {
            tracing::error!(key = %message.key, %locale, ?errors, "translation did not format");
        }
        text.into_owned()
    }
}

fn bundle(locale: Locale) -> anyhow::Result<FluentBundle<FluentResource>> {
    let lang = locale.code().parse()?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Isolation marks (U+2068/U+2069) would show up in consoles and Discord code blocks.
    bundle.set_use_isolating(false);
    for (name, source) in locale_files(locale) {
        let resource = FluentResource::try_new(source.to_owned())
            .map_err(|(_, errors)| anyhow::anyhow!("locales/{locale}/{name}: {errors:?}"))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| anyhow::anyhow!("locales/{locale}/{name}: {errors:?}"))?;
    }
    Ok(bundle)
}

/// The embedded `.ftl` files of one locale, as (file name, source).
pub fn locale_files(locale: Locale) -> Vec<(&'static str, &'static str)> {
    let Some(dir) = LOCALES.get_dir(locale.code()) else {
        return Vec::new();
    };
    dir.files()
        .filter_map(|f| {
            let name = f.path().file_name()?.to_str()?;
            Some((name, f.contents_utf8()?))
        })
        .collect()
}

/// Every message key of a locale with the names of the variables it uses (for the locale tests).
pub fn keys_and_variables(locale: Locale) -> Vec<(String, BTreeSet<String>)> {
    use fluent_syntax::ast;
    let mut out = Vec::new();
    for (_, source) in locale_files(locale) {
        let Ok(resource) = fluent_syntax::parser::parse(source) else {
            continue;
        };
        for entry in resource.body {
            if let ast::Entry::Message(message) = entry {
                let mut vars = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    collect_variables(pattern, &mut vars);
                }
                out.push((message.id.name.to_owned(), vars));
            }
        }
    }
    out
}

fn collect_variables(pattern: &fluent_syntax::ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        if let InlineExpression::VariableReference { id } = e {
            vars.insert(id.name.to_owned());
        }
        if let InlineExpression::Placeable { expression } = e {
            expr(expression, vars);
        }
    }
    fn expr(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            Expression::Inline(i) => inline(i, vars),
            Expression::Select { selector, variants } => {
                inline(selector, vars);
                for v in variants {
                    collect_variables(&v.value, vars);
                }
            }
        }
    }
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expr(expression, vars);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_onto_supported_locales() {
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("en_GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
    }
}
