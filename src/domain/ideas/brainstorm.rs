//! A brainstorm conversation: what the model is told (the creator's niche and top content of the
//! last 90 days, the earlier turns within a budget, older ones summarised), kept per (chat
//! platform, chat, account) in `idea_conversations`, ended by `/ideas end` or 24 hours idle.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::bot::{AccountId, Destination};
use crate::clients::ai::{ChatRequest, JsonSchema, Role, Turn};
use crate::db::brainstorm::{self as store, Conversation, TopContent};
use crate::domain::channels::Provider;
use crate::format;
use crate::i18n::Locale;

use super::draft::{self, IdeaDraft};

pub const IDLE_HOURS: i32 = 24;
/// The earlier turns sent back to the model, in characters (about 2,000 tokens).
pub const TURN_BUDGET_CHARS: usize = 8_000;
pub const CONTEXT_DAYS: i32 = 90;
pub const CONTEXT_ITEMS: i64 = 12;
pub const MAX_TOKENS: u32 = 1_500;
pub const TEMPERATURE: f32 = 0.7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTurn {
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
}

/// A conversation as the code uses it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Session {
    pub niche: Option<String>,
    pub platform: Option<Provider>,
    pub turns: Vec<StoredTurn>,
    pub summary: Option<String>,
    /// The ideas of the latest answer, numbered from 1 in the chat.
    pub ideas: Vec<IdeaDraft>,
}

impl Session {
    pub async fn load(
        db: &sqlx::PgPool,
        account: AccountId,
        chat: &Destination,
    ) -> sqlx::Result<Option<Session>> {
        let Some(row) = store::conversation(db, account, chat, IDLE_HOURS).await? else {
            return Ok(None);
        };
        Ok(Some(Session {
            niche: row.niche,
            platform: row.target_platform.as_deref().and_then(Provider::parse),
            turns: serde_json::from_value(row.turns).unwrap_or_default(),
            summary: row.summary,
            ideas: serde_json::from_value(row.ideas).unwrap_or_default(),
        }))
    }

    pub async fn save(
        &self,
        db: &sqlx::PgPool,
        account: AccountId,
        chat: &Destination,
    ) -> anyhow::Result<()> {
        let row = Conversation {
            niche: self.niche.clone(),
            target_platform: self.platform.map(|p| p.as_str().to_owned()),
            turns: serde_json::to_value(&self.turns)?,
            summary: self.summary.clone(),
            ideas: serde_json::to_value(&self.ideas)?,
            updated_at: chrono::Utc::now(),
        };
        store::save_conversation(db, account, chat, &row).await?;
        Ok(())
    }

    /// Adds a turn; when the turns pass the budget, the oldest are folded into the summary
    /// (the requests as written, the ideas by title), so the model still knows what was said.
    pub fn push(&mut self, role: Role, text: String) {
        let role = match role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        self.turns.push(StoredTurn {
            role: role.to_owned(),
            text,
        });
        while self.turns.len() > 2
            && self.turns.iter().map(|t| t.text.len()).sum::<usize>() > TURN_BUDGET_CHARS
        {
            let old = self.turns.remove(0);
            let line = if old.role == "user" {
                format!(
                    "- asked: {}",
                    old.text.chars().take(200).collect::<String>()
                )
            } else {
                let titles: Vec<String> = draft::parse_answer(&old.text, draft::MAX_COUNT)
                    .into_iter()
                    .map(|i| i.title)
                    .collect();
                format!("- proposed: {}", titles.join(" | "))
            };
            let summary = self.summary.get_or_insert_with(String::new);
            if !summary.is_empty() {
                summary.push('\n');
            }
            summary.push_str(&line);
        }
    }

    /// The model request for the next answer: system prompt with niche and content, then the
    /// summary and earlier turns, then `user`.
    pub fn request(
        &self,
        locale: Locale,
        content: &[TopContent],
        user: String,
    ) -> anyhow::Result<ChatRequest> {
        let niche = self.niche.clone().unwrap_or_else(|| "—".to_owned());
        let platform = self.platform.map_or("any", Provider::as_str);
        let context = context_lines(content, locale);
        let mut system = crate::clients::ai::prompt(
            locale,
            "ideas",
            &[
                ("niche", &niche),
                ("platform", platform),
                ("context", &context),
            ],
        )?;
        if let Some(summary) = &self.summary {
            system.push_str("\n\nEarlier in this conversation:\n");
            system.push_str(summary);
        }
        let mut request = ChatRequest::new(system, user);
        request.history = self
            .turns
            .iter()
            .map(|t| Turn {
                role: if t.role == "user" {
                    Role::User
                } else {
                    Role::Assistant
                },
                text: t.text.clone(),
            })
            .collect();
        request.max_tokens = MAX_TOKENS;
        request.temperature = TEMPERATURE;
        request.json_schema = Some(JsonSchema {
            name: "video_ideas".into(),
            schema: draft::schema(),
        });
        Ok(request)
    }
}

/// One line per content item: title · platform · views · engagement · length · weekday.
pub fn context_lines(content: &[TopContent], locale: Locale) -> String {
    if content.is_empty() {
        return "(no synced content yet)".to_owned();
    }
    content
        .iter()
        .map(|c| {
            let engagement = if c.views > 0 {
                format::percent(c.interactions as f64 / c.views as f64, locale)
            } else {
                "—".to_owned()
            };
            let length = c
                .duration_seconds
                .map_or_else(|| "—".to_owned(), |s| format!("{s} s"));
            format!(
                "- {} · {} · {} · {} · {} · {}",
                c.title.replace('\n', " "),
                c.provider,
                format::number(c.views, locale),
                engagement,
                length,
                c.published_at.weekday()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_turns_fold_into_the_summary_past_the_budget() {
        let mut s = Session::default();
        for n in 0..10 {
            s.push(Role::User, format!("request {n} {}", "x".repeat(1000)));
            s.push(
                Role::Assistant,
                format!(
                    r#"{{"ideas":[{{"title":"Idea {n}"}}]}}{}"#,
                    " ".repeat(1000)
                ),
            );
        }
        let kept: usize = s.turns.iter().map(|t| t.text.len()).sum();
        assert!(kept <= TURN_BUDGET_CHARS, "{kept}");
        let summary = s.summary.unwrap();
        assert!(summary.contains("- asked: request 0"), "{summary}");
        assert!(summary.contains("- proposed: Idea 0"), "{summary}");
        assert_eq!(s.turns.last().unwrap().role, "assistant");
    }
}
