//! Explicit consent (issue 11, the seed's "consentement explicite pour connexion plateformes"):
//! the policy version in force, and the record of what a creator accepted. `/connect` shows what
//! the connection will read and store, with Accept / Cancel, before any consent link exists; the
//! acceptance is stored with the policy version and the time, exported by `/export`, moved by
//! `/link` and erased by `/forget`.
//!
//! Not done yet (see the README): accepting the policy itself in `/start` and gating commands
//! until a changed policy is accepted.

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::bot::AccountId;
use crate::db;
use crate::domain::channels::Provider;
use crate::domain::privacy::{AccountData, Erased, Merged, rfc3339};

/// The privacy policy's version (`/privacy` shows it); bump it when the policy's text changes
/// in substance, with a `privacy-changes-N` sentence in both languages.
pub const POLICY_VERSION: i32 = 1;

/// The consent scope of connecting `provider`.
pub fn connect_scope(provider: Provider) -> String {
    format!("connect:{}", provider.as_str())
}

/// Records that the creator accepted `scope` under the current policy.
pub async fn accept(db: &sqlx::PgPool, account: AccountId, scope: &str) -> sqlx::Result<()> {
    db::consents::record(db, account, scope, POLICY_VERSION).await
}

pub struct Consents;

#[async_trait]
impl AccountData for Consents {
    fn tables(&self) -> &'static [&'static str] {
        &["consents"]
    }
    fn section(&self) -> &'static str {
        "consents"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let rows = db::consents::list(db, account).await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|c| {
                    json!({
                        "scope": c.scope,
                        "policy_version": c.policy_version,
                        "accepted_at": rfc3339(c.accepted_at),
                    })
                })
                .collect(),
        ))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        _out: &mut Erased,
    ) -> anyhow::Result<()> {
        db::consents::delete_all(db, account).await?;
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        db::consents::merge(db, from, into).await?;
        Ok(())
    }
}
