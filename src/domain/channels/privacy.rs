//! The channels' `AccountData` entry: connections (without tokens), their days, content and
//! snapshots in the export; erased with the account (its grants revoked at the providers by a
//! queued job); moved when accounts are linked.

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::bot::AccountId;
use crate::db;
use crate::domain::privacy::{AccountData, Erased, Merged, rfc3339};
use crate::i18n::msg;

pub struct Channels;

#[async_trait]
impl AccountData for Channels {
    fn tables(&self) -> &'static [&'static str] {
        &["platforms", "oauth_states"]
    }
    fn section(&self) -> &'static str {
        "channels"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let mut out = Vec::new();
        for p in db::channels::list(&mut *db, account).await? {
            let days = db::channels::days(&mut *db, p.id).await?;
            let content = db::channels::content(&mut *db, p.id).await?;
            // Tokens are never exported: only what the connection is and what it holds.
            out.push(json!({
                "provider": p.provider,
                "source": p.source,
                "status": p.status,
                "external_id": p.external_id,
                "display_name": p.display_name,
                "connected_at": rfc3339(p.created_at),
                "last_sync_at": p.last_sync_at.map(rfc3339),
                "days": days.iter().map(|d| json!({
                    "date": d.day.to_string(),
                    "views": d.views,
                    "watch_minutes": d.watch_minutes,
                    "likes": d.likes,
                    "comments": d.comments,
                    "shares": d.shares,
                    "saved": d.saved,
                    "reach": d.reach,
                    "subscribers_gained": d.subscribers_gained,
                    "subscribers_lost": d.subscribers_lost,
                    "followers": d.followers,
                    "source": d.source,
                })).collect::<Vec<_>>(),
                "content": content.iter().map(|c| json!({
                    "id": c.external_id,
                    "title": c.title,
                    "published_at": c.published_at.map(rfc3339),
                    "views": c.views,
                    "likes": c.likes,
                    "comments": c.comments,
                    "shares": c.shares,
                })).collect::<Vec<_>>(),
            }));
        }
        Ok(Value::Array(out))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        // Grants are revoked at the providers after the commit, by a job queued in this
        // transaction: an erasure that rolls back revokes nothing.
        for row in db::channels::list(&mut *db, account).await? {
            crate::domain::channels::disconnect::queue_revoke(&mut *db, &row).await?;
        }
        let n = db::channels::delete_all(&mut *db, account).await?;
        if n > 0 {
            out.lines.push(
                msg("forget-erased-channels").arg("count", i64::try_from(n).unwrap_or(i64::MAX)),
            );
        }
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        Ok(db::channels::merge(&mut *db, from, into).await?)
    }
}
