//! Prompts live in `prompts/{en,fr}/<name>.md`, embedded in the binary, never as strings in code.
//!
//! A prompt may hold `{placeholder}`s (lowercase letters, digits, `_`), replaced in one pass: a
//! missing prompt or a placeholder without a value is an error, and a value is inserted as is
//! (a video title that reads `{facts}` stays text). Other braces, such as JSON examples, are
//! left alone. By convention `<name>.md` is the system prompt and `<name>.user.md` the user
//! message (`ChatRequest::from_prompt` reads both).

use anyhow::{Context, anyhow, bail};
use include_dir::{Dir, include_dir};

use crate::i18n::Locale;

static PROMPTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/prompts");

/// `prompts/<locale>/<name>.md` with its placeholders replaced by `vars`.
pub fn prompt(locale: Locale, name: &str, vars: &[(&str, &str)]) -> anyhow::Result<String> {
    let path = format!("{}/{name}.md", locale.code());
    let text = PROMPTS
        .get_file(&path)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| anyhow!("no prompt prompts/{path}"))?;
    fill(text.trim_end(), vars).with_context(|| format!("prompt prompts/{path}"))
}

/// One pass over `template`: each `{name}` is replaced, values are not scanned again.
fn fill(template: &str, vars: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match placeholder_at(after) {
            Some(name) => {
                let Some((_, value)) = vars.iter().find(|(k, _)| *k == name) else {
                    bail!("no value for {{{name}}}");
                };
                out.push_str(value);
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The name of the placeholder `text` starts with (after its `{`), if it is one.
fn placeholder_at(text: &str) -> Option<&str> {
    let end = text.find('}')?;
    let name = &text[..end];
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_lowercase()
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The placeholders a template uses.
    fn placeholders(template: &str) -> BTreeSet<&str> {
        template
            .match_indices('{')
            .filter_map(|(i, _)| placeholder_at(&template[i + 1..]))
            .collect()
    }

    fn files(locale: Locale) -> BTreeSet<String> {
        PROMPTS
            .get_dir(locale.code())
            .map(|d| {
                d.files()
                    .filter_map(|f| f.path().file_name()?.to_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn every_prompt_exists_in_every_locale_with_the_same_placeholders() {
        let en = files(Locale::En);
        assert!(en.contains("digest_summary.md"), "{en:?}");
        assert!(en.contains("digest_summary.user.md"), "{en:?}");
        for locale in Locale::ALL {
            assert_eq!(
                files(locale),
                en,
                "prompts/{locale} differs from prompts/en"
            );
        }
        for name in &en {
            let of = |locale: Locale| {
                let path = format!("{}/{name}", locale.code());
                let text = PROMPTS.get_file(&path).and_then(|f| f.contents_utf8());
                let text = text.unwrap_or_else(|| panic!("{path} is not UTF-8"));
                placeholders(text)
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<BTreeSet<_>>()
            };
            for locale in Locale::ALL {
                assert_eq!(
                    of(locale),
                    of(Locale::En),
                    "placeholders of {locale}/{name}"
                );
            }
        }
    }

    #[test]
    fn the_digest_summary_takes_the_facts_in_the_user_message() {
        for locale in Locale::ALL {
            let system = prompt(locale, "digest_summary", &[]).unwrap();
            assert!(!system.contains('{'), "{system}");
            let user = prompt(
                locale,
                "digest_summary.user",
                &[("facts", "- views: 1,234")],
            )
            .unwrap();
            assert!(user.ends_with("- views: 1,234"), "{user}");
            assert!(prompt(locale, "digest_summary.user", &[]).is_err());
        }
    }

    #[test]
    fn placeholders_are_replaced_once_and_other_braces_kept() {
        let out = fill(
            "Hi {name}, answer as {\"title\": \"…\"} about {topic}.",
            &[("name", "Léa"), ("topic", "{name} in {x}")],
        )
        .unwrap();
        assert_eq!(
            out,
            "Hi Léa, answer as {\"title\": \"…\"} about {name} in {x}."
        );
        assert_eq!(fill("{ } {A} {1x} {", &[]).unwrap(), "{ } {A} {1x} {");
    }

    #[test]
    fn a_missing_value_or_prompt_is_an_error() {
        let e = fill("Facts: {facts}", &[("other", "x")]).unwrap_err();
        assert!(e.to_string().contains("{facts}"), "{e}");
        let e = prompt(Locale::Fr, "no_such_prompt", &[]).unwrap_err();
        assert!(e.to_string().contains("fr/no_such_prompt.md"), "{e}");
    }
}
