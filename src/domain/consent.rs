//! Explicit consent (issue 11, the seed's "consentement explicite pour connexion plateformes"):
//! the policy version in force, and the record of what a creator accepted. `/connect` shows what
//! the connection will read and store, with Accept / Cancel, before any consent link exists; the
//! acceptance is stored with the policy version and the time, exported by `/export`, moved by
//! `/link` and erased by `/forget`.
//!
//! The policy itself is accepted in `/start` (scope `policy`, one row per accepted version). An
//! account whose latest `policy` consent is missing or older than `POLICY_VERSION` is *gated*
//! (`bot::gate`): only `/start`, `/help`, `/privacy`, `/export`, `/forget` and `/language` run,
//! and the jobs neither sync nor generate anything for it. Accounts created before the gate
//! existed have no `policy` row: they are asked at their next command, like new ones.

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

/// The consent scope of the privacy policy itself.
pub const POLICY_SCOPE: &str = "policy";

/// Where an account stands with the policy in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Accepted `POLICY_VERSION` (or a later one).
    Accepted,
    /// Never accepted any version.
    Never,
    /// Accepted this older version: what changed since is shown before asking again.
    Older(i32),
}

impl Standing {
    /// From the latest policy version accepted (`None`: never).
    pub fn of(latest: Option<i32>) -> Standing {
        match latest {
            None => Standing::Never,
            Some(v) if v < POLICY_VERSION => Standing::Older(v),
            Some(_) => Standing::Accepted,
        }
    }

    pub fn accepted(self) -> bool {
        self == Standing::Accepted
    }
}

pub async fn standing(db: &sqlx::PgPool, account: AccountId) -> sqlx::Result<Standing> {
    Ok(Standing::of(
        db::consents::latest_version(db, account, POLICY_SCOPE).await?,
    ))
}

/// Records the acceptance of the policy in force, unless it is already recorded (a second
/// press of an older Accept button adds nothing).
pub async fn accept_policy(db: &sqlx::PgPool, account: AccountId) -> sqlx::Result<()> {
    if standing(db, account).await?.accepted() {
        return Ok(());
    }
    accept(db, account, POLICY_SCOPE).await
}

/// The locale keys saying what changed in each version after `accepted`, oldest first
/// (`privacy-changes-N`, N an integer).
pub fn changes_since(accepted: i32) -> Vec<String> {
    (accepted.max(0) + 1..=POLICY_VERSION)
        .map(|n| format!("privacy-changes-{n}"))
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_since_lists_every_later_version() {
        assert_eq!(changes_since(0), vec!["privacy-changes-1".to_owned()]);
        assert!(changes_since(POLICY_VERSION).is_empty());
        assert_eq!(changes_since(-3), changes_since(0));
    }
}
