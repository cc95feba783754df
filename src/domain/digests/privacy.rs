//! The digests' `AccountData` entry: subscriptions and the remembered time zone in the export;
//! erased with the account; moved when accounts are linked (the survivor's own subscription to
//! a destination wins).

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::bot::AccountId;
use crate::db;
use crate::domain::privacy::{AccountData, Erased, Merged};
use crate::i18n::msg;

pub struct Digests;

#[async_trait]
impl AccountData for Digests {
    fn tables(&self) -> &'static [&'static str] {
        &["digest_subscriptions"]
    }
    fn section(&self) -> &'static str {
        "digests"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let zone = db::digests::time_zone(&mut *db, account).await?;
        let subs = db::digests::list(&mut *db, account).await?;
        Ok(json!({
            "time_zone": zone,
            "subscriptions": subs.iter().map(|s| json!({
                "platform": s.platform,
                "chat_id": s.chat_id,
                "shared": s.shared,
                "language": s.locale,
                "time": s.send_at.format("%H:%M").to_string(),
                "time_zone": s.time_zone,
                "theme": s.theme,
                "status": s.status,
                "paused_reason": s.paused_reason,
                "last_date": s.last_local_date.map(|d| d.to_string()),
            })).collect::<Vec<_>>(),
        }))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let n = db::digests::delete_all(&mut *db, account).await?;
        if n > 0 {
            out.lines.push(
                msg("forget-erased-digests").arg("count", i64::try_from(n).unwrap_or(i64::MAX)),
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
        Ok(db::digests::merge(&mut *db, from, into).await?)
    }
}
