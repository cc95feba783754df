//! An idea as the model (or the data) proposes it, before it is saved: the JSON shape the model
//! is asked for, its validation, and reading complete ideas out of a stream as they arrive.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::channels::Provider;
use crate::domain::ideas::Expansion;

const MAX_TITLE: usize = 120;
const MAX_HOOK: usize = 300;
const MAX_DESCRIPTION: usize = 1200;
pub const MAX_COUNT: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaDraft {
    pub title: String,
    #[serde(default)]
    pub hook: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub duration_seconds: Option<u32>,
    /// youtube, tiktok, instagram; `None` for any.
    #[serde(default)]
    pub platform: Option<String>,
}

/// The `response_format` JSON schema of a list of ideas (strict mode: every field required).
pub fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "ideas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "title": { "type": "string" },
                        "hook": { "type": "string" },
                        "description": { "type": "string" },
                        "duration_seconds": { "type": "integer" },
                        "platform": { "type": "string", "enum": ["youtube", "tiktok", "instagram", "any"] }
                    },
                    "required": ["title", "hook", "description", "duration_seconds", "platform"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["ideas"],
        "additionalProperties": false
    })
}

fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

impl IdeaDraft {
    /// Trimmed and bounded; `None` without a title.
    pub fn cleaned(self) -> Option<IdeaDraft> {
        let title = clip(&self.title, MAX_TITLE);
        if title.is_empty() {
            return None;
        }
        let platform = self
            .platform
            .as_deref()
            .and_then(Provider::parse)
            .map(|p| p.as_str().to_owned());
        Some(IdeaDraft {
            title,
            hook: clip(&self.hook, MAX_HOOK),
            description: clip(&self.description, MAX_DESCRIPTION),
            duration_seconds: self.duration_seconds.filter(|d| (5..=4 * 3600).contains(d)),
            platform,
        })
    }
}

/// The idea objects already complete in a (possibly unfinished) answer: each `{…}` inside the
/// `ideas` array whose closing brace has arrived and which reads as an idea.
pub fn complete_objects(text: &str) -> Vec<IdeaDraft> {
    let Some(start) = text.find("\"ideas\"") else {
        return Vec::new();
    };
    let Some(open) = text[start..].find('[') else {
        return Vec::new();
    };
    let body = &text[start + open + 1..];
    let (mut depth, mut in_string, mut escaped) = (0_u32, false, false);
    let mut object_start = None;
    let mut ideas = Vec::new();
    for (i, c) in body.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => {
                if depth == 0 {
                    object_start = Some(i);
                }
                depth += 1;
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(s) = object_start.take()
                    && let Ok(draft) = serde_json::from_str::<IdeaDraft>(&body[s..=i])
                    && let Some(draft) = draft.cleaned()
                {
                    ideas.push(draft);
                }
            }
            ']' if depth == 0 => break,
            _ => {}
        }
    }
    ideas
}

/// A finished answer's ideas: the whole object when it parses, else every complete idea in it
/// (a truncated or slightly broken answer is repaired that way). At most `count`.
pub fn parse_answer(text: &str, count: usize) -> Vec<IdeaDraft> {
    #[derive(Deserialize)]
    struct Answer {
        ideas: Vec<IdeaDraft>,
    }
    let cleaned = text
        .trim()
        .trim_start_matches("```json")
        .trim_start_matches("```")
        .trim_end_matches("```");
    let mut ideas: Vec<IdeaDraft> = match serde_json::from_str::<Answer>(cleaned) {
        Ok(a) => a.ideas.into_iter().filter_map(IdeaDraft::cleaned).collect(),
        Err(_) => complete_objects(cleaned),
    };
    ideas.truncate(count);
    ideas
}

pub fn expansion_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "hook": { "type": "string" },
            "script": { "type": "string" },
            "title_a": { "type": "string" },
            "title_b": { "type": "string" }
        },
        "required": ["hook", "script", "title_a", "title_b"],
        "additionalProperties": false
    })
}

/// The model's Expand answer, bounded; `None` unless every part is there.
pub fn parse_expansion(text: &str) -> Option<Expansion> {
    let e: Expansion = serde_json::from_str(text.trim()).ok()?;
    let part = |v: Option<String>, max| v.map(|t| clip(&t, max)).filter(|t| !t.is_empty());
    let e = Expansion {
        hook: part(e.hook, MAX_HOOK),
        script: part(e.script, MAX_DESCRIPTION),
        title_a: part(e.title_a, MAX_TITLE),
        title_b: part(e.title_b, MAX_TITLE),
    };
    (e.hook.is_some() && e.script.is_some() && e.title_a.is_some() && e.title_b.is_some())
        .then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{"ideas":[{"title":"Crêpes 2","hook":"You asked for \"more\" {crêpes}","description":"d","duration_seconds":480,"platform":"youtube"},{"title":"Knife skills","hook":"h","description":"d","duration_seconds":30,"platform":"any"}]}"#;

    #[test]
    fn complete_ideas_appear_as_soon_as_their_brace_closes() {
        let cut = ANSWER.find("Knife").unwrap();
        let partial = complete_objects(&ANSWER[..cut]);
        assert_eq!(partial.len(), 1);
        assert_eq!(partial[0].hook, "You asked for \"more\" {crêpes}");
        assert_eq!(complete_objects(ANSWER).len(), 2);
        assert!(complete_objects("{\"ideas\": [{\"title\": \"half").is_empty());
        assert!(complete_objects("").is_empty());
    }

    #[test]
    fn answers_are_parsed_cleaned_and_repaired() {
        let ideas = parse_answer(ANSWER, 5);
        assert_eq!(ideas[0].platform.as_deref(), Some("youtube"));
        assert_eq!(ideas[1].platform, None, "any is no platform");
        assert_eq!(parse_answer(ANSWER, 1).len(), 1);
        // Truncated after the first idea: the complete one is kept.
        let truncated = &ANSWER[..ANSWER.find("Knife").unwrap()];
        assert_eq!(parse_answer(truncated, 5).len(), 1);
        // Fenced JSON still reads.
        assert_eq!(parse_answer(&format!("```json\n{ANSWER}\n```"), 5).len(), 2);
        // Garbage gives nothing (the caller retries once).
        assert!(parse_answer("Sure! Here are some ideas: 1. Cook", 5).is_empty());
        // A title-less idea is dropped; an absurd duration is forgotten.
        let odd = r#"{"ideas":[{"title":" ","hook":"h"},{"title":"T","duration_seconds":999999}]}"#;
        let ideas = parse_answer(odd, 5);
        assert_eq!(ideas.len(), 1);
        assert_eq!(ideas[0].duration_seconds, None);
    }

    #[test]
    fn expansions_need_every_part() {
        let ok = r#"{"hook":"h","script":"s","title_a":"a","title_b":"b"}"#;
        assert!(parse_expansion(ok).is_some());
        assert!(
            parse_expansion(r#"{"hook":"h","script":"","title_a":"a","title_b":"b"}"#).is_none()
        );
        assert!(parse_expansion("not json").is_none());
    }
}
