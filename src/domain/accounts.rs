//! Accounts: found or created from a chat identity, and linked when one creator uses two platforms.

use sqlx::PgPool;

use crate::bot::{AccountId, Platform};
use crate::db;
use crate::domain::consent::Standing;
use crate::domain::plans::PlanName;
use crate::domain::privacy;
use crate::i18n::Locale;

#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub name: Option<String>,
    pub plan: PlanName,
    /// The language saved with `/language`.
    pub locale: Option<Locale>,
    /// Where it stands with the privacy policy in force.
    pub policy: Standing,
}

impl From<db::accounts::AccountRow> for Account {
    fn from(row: db::accounts::AccountRow) -> Account {
        Account {
            id: AccountId(row.id),
            name: row.name,
            plan: PlanName::parse(&row.plan).unwrap_or_default(),
            locale: row.locale.as_deref().and_then(Locale::from_tag),
            policy: Standing::of(row.policy_version),
        }
    }
}

/// The account behind a platform identity, created on first contact.
pub async fn resolve(
    pool: &PgPool,
    platform: Platform,
    external_id: &str,
    display_name: Option<&str>,
) -> anyhow::Result<Account> {
    if let Some(row) = db::accounts::find_by_identity(pool, platform, external_id).await? {
        return Ok(row.into());
    }
    let mut tx = pool.begin().await?;
    let row = db::accounts::insert(&mut *tx).await?;
    let id = AccountId(row.id);
    if db::accounts::insert_identity(&mut *tx, platform, external_id, id, display_name).await? {
        tx.commit().await?;
        return Ok(row.into());
    }
    // Another message from the same person created the account first: use theirs.
    tx.rollback().await?;
    db::accounts::find_by_identity(pool, platform, external_id)
        .await?
        .map(Account::from)
        .ok_or_else(|| anyhow::anyhow!("identity {platform}:{external_id} vanished while linking"))
}

/// Links two accounts of one creator: everything of `from` moves to `into`, in one transaction.
pub async fn link(pool: &PgPool, from: AccountId, into: AccountId) -> anyhow::Result<()> {
    if from == into {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    privacy::merge(&mut tx, from, into).await?;
    tx.commit().await?;
    Ok(())
}
