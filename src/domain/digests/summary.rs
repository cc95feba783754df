//! The digest's 2–3 sentence summary: from the OpenAI-compatible API when one is configured,
//! else (and whenever the model fails, times out or writes a number the facts do not contain)
//! the deterministic one written from the numbers. Never invented: the model only sees the
//! facts, and its answer is checked against them.

use std::time::Duration;

use crate::app::App;
use crate::clients::ai::ChatRequest;
use crate::i18n::Locale;

use super::compose::Digest;
use super::text;

/// A digest waits this long for the model, then goes out with the deterministic summary.
pub const TIMEOUT: Duration = Duration::from_secs(8);
const MAX_TOKENS: u32 = 160;
const MAX_CHARS: usize = 600;

pub async fn write(app: &App, locale: Locale, digest: &Digest) -> String {
    let fallback = text::summary(&app.i18n, locale, digest);
    let Some(ai) = app.ai.as_ref() else {
        return fallback;
    };
    let facts = text::facts(&app.i18n, locale, digest).join("\n");
    let mut request = match ChatRequest::from_prompt(locale, "digest_summary", &[("facts", &facts)])
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = ?e, "the digest summary prompt does not load");
            return fallback;
        }
    };
    request.max_tokens = MAX_TOKENS;
    request.timeout = TIMEOUT;
    match ai.complete(&request).await {
        Ok(answer) => match checked(&answer.text, &facts) {
            Some(summary) => summary,
            None => {
                tracing::warn!("the model's digest summary failed its checks; using the numbers");
                fallback
            }
        },
        Err(e) => {
            tracing::info!(
                outcome = e.outcome(),
                "no AI digest summary; using the numbers"
            );
            fallback
        }
    }
}

/// Digit runs with their separators collapsed: `1 590`, `1,590` and `1590` are one number.
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if matches!(c, ',' | '.' | '\u{202f}' | '\u{a0}')
            && !current.is_empty()
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            continue;
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The answer, trimmed, when it is short plain prose whose numbers all come from the facts
/// (small counts such as "2 videos" aside).
pub fn checked(answer: &str, facts: &str) -> Option<String> {
    let answer = answer.trim().trim_matches('"').trim();
    if answer.is_empty() || answer.chars().count() > MAX_CHARS {
        return None;
    }
    if answer.contains("```")
        || answer
            .lines()
            .any(|l| l.trim_start().starts_with(['#', '-', '*']))
    {
        return None;
    }
    let known = numbers(facts);
    let invented = numbers(answer).into_iter().any(|n| {
        let small = n.parse::<u64>().is_ok_and(|v| v <= 10);
        !small && !known.contains(&n)
    });
    (!invented).then(|| answer.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: &str = "On Nov 24 you had 1,590 views, 2.6% above your 7-day average.\n\
                         «Crêpes» is at 5.0× your usual views for its age.";

    #[test]
    fn an_answer_restating_the_facts_passes() {
        let answer = " You had 1,590 views on Nov 24, 2.6% above your week, and «Crêpes» runs at 5.0× your usual. ";
        assert_eq!(checked(answer, FACTS).as_deref(), Some(answer.trim()));
        // The same number written the French way is the same number.
        assert!(checked("Vous avez fait 1\u{202f}590 vues.", FACTS).is_some());
    }

    #[test]
    fn invented_numbers_and_markup_are_refused() {
        assert_eq!(checked("You had 1,600 views.", FACTS), None);
        assert_eq!(checked("Up 40% this week!", FACTS), None);
        assert_eq!(checked("- 1,590 views", FACTS), None);
        assert_eq!(checked("", FACTS), None);
        assert_eq!(checked(&"word ".repeat(200), FACTS), None);
        // Small counts are words in disguise.
        assert!(checked("Two things stood out: 2 of them.", FACTS).is_some());
    }
}
