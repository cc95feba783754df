//! What we hold about an account, module by module: export, erase, merge.
//!
//! Every module that owns tables referencing `users` registers one `AccountData` in `registry()`.
//! `/export`, `/forget` and account linking walk that list; a test fails when a table referencing
//! `users` is not listed by any entry. To add a table: list it in its module's entry and make the
//! three methods cover it.

use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::bot::AccountId;
use crate::db;
use crate::i18n::{Msg, msg};

/// What an eraser removed: sentences for the creator, and stored files to delete after commit.
#[derive(Debug, Default)]
pub struct Erased {
    pub lines: Vec<Msg>,
    pub file_keys: Vec<String>,
    /// What the law makes us keep (issued invoices), said after what was erased.
    pub kept: Vec<Msg>,
}

/// What a merge changed that the creator refers to: numbered objects that got a new number.
#[derive(Debug, Default)]
pub struct Merged {
    pub renumbered: Vec<Renumbered>,
}

/// One object moved onto the surviving account under a new per-account number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbered {
    /// The object's kind, as in `object_numbers.kind` (`deal`, `idea`).
    pub kind: &'static str,
    pub moved: db::numbers::Moved,
}

impl Merged {
    /// Notes the objects of `kind` whose number changed as they moved.
    pub fn note(&mut self, kind: &'static str, mut moved: Vec<db::numbers::Moved>) {
        moved.sort_by_key(|m| m.new);
        self.renumbered.extend(
            moved
                .into_iter()
                .filter(|m| m.old != m.new)
                .map(|moved| Renumbered { kind, moved }),
        );
    }
}

#[async_trait]
pub trait AccountData: Send + Sync {
    /// The tables this entry owns that reference `users`.
    fn tables(&self) -> &'static [&'static str];
    /// Its key in the export.
    fn section(&self) -> &'static str;
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value>;
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()>;
    /// Moves everything of `from` onto `into` (two identities of one creator being linked),
    /// noting in `out` what the creator should know (objects that got new numbers).
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        out: &mut Merged,
    ) -> anyhow::Result<()>;
}

/// Every module's entry. Later modules add theirs before `Identities`, which comes last because
/// erasing it deletes the account row everything else hangs off.
pub fn registry() -> Vec<Box<dyn AccountData>> {
    vec![
        Box::new(Session),
        Box::new(Usage),
        Box::new(Jobs),
        Box::new(Files),
        Box::new(LinkCodes),
        // Before Channels: its merge points linked ideas at videos the channels' merge moves.
        Box::new(crate::domain::ideas::privacy::Ideas),
        Box::new(crate::domain::channels::privacy::Channels),
        Box::new(crate::domain::invoices::privacy::DealsAndInvoices),
        Box::new(crate::domain::digests::privacy::Digests),
        Box::new(crate::domain::consent::Consents),
        Box::new(Identities),
    ]
}

/// Current export format; bump when a field changes meaning (README documents it).
pub const EXPORT_FORMAT_VERSION: u32 = 1;

pub async fn export(db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
    let row = db::accounts::get(&mut *db, account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {account} vanished during export"))?;
    let billing = db::billing::get(&mut *db, account).await?;
    let mut doc = json!({
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": rfc3339(chrono::Utc::now()),
        "account": {
            "id": row.id,
            "name": row.name,
            "email": row.email,
            "plan": row.plan,
            "plan_paid_with": billing.as_ref().and_then(|b| b.plan_source.clone()),
            "plan_renews_at": billing.as_ref().and_then(|b| b.plan_renews_at).map(rfc3339),
            "language": row.locale,
            "created_at": rfc3339(row.created_at),
        },
    });
    for entry in registry() {
        doc[entry.section()] = entry.export(&mut *db, account).await?;
    }
    Ok(doc)
}

/// The export as of one moment: a read-only repeatable-read transaction sees every section at
/// the same snapshot.
pub async fn export_snapshot(pool: &sqlx::PgPool, account: AccountId) -> anyhow::Result<Value> {
    let mut tx = pool.begin().await?;
    db::read_only_snapshot(&mut tx).await?;
    let doc = export(&mut tx, account).await?;
    tx.commit().await?;
    Ok(doc)
}

/// Runs every eraser then deletes the account, in the caller's transaction.
pub async fn forget(db: &mut PgConnection, account: AccountId) -> anyhow::Result<Erased> {
    let mut erased = Erased::default();
    for entry in registry() {
        entry
            .erase(&mut *db, account, &mut erased)
            .await
            .map_err(|e| e.context(entry.section()))?;
    }
    Ok(erased)
}

/// Merges `from` into `into` and deletes `from`, in the caller's transaction.
pub async fn merge(
    db: &mut PgConnection,
    from: AccountId,
    into: AccountId,
) -> anyhow::Result<Merged> {
    let mut merged = Merged::default();
    for entry in registry() {
        entry
            .merge(&mut *db, from, into, &mut merged)
            .await
            .map_err(|e| e.context(entry.section()))?;
    }
    db::accounts::delete(&mut *db, from).await?;
    Ok(merged)
}

/// Times in exports: RFC 3339, UTC, seconds.
pub fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn counted(key: &str, n: u64) -> Option<Msg> {
    (n > 0).then(|| msg(key).arg("count", i64::try_from(n).unwrap_or(i64::MAX)))
}

/// Chat identities, and the account row (erased last).
struct Identities;

#[async_trait]
impl AccountData for Identities {
    fn tables(&self) -> &'static [&'static str] {
        &["chat_identities", "object_numbers"]
    }
    fn section(&self) -> &'static str {
        "chat_identities"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let rows = db::accounts::identities(db, account).await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|r| {
                    json!({
                        "platform": r.platform,
                        "id": r.external_id,
                        "display_name": r.display_name,
                        "linked_at": rfc3339(r.created_at),
                    })
                })
                .collect(),
        ))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let n = db::accounts::delete_identities(&mut *db, account).await?;
        out.lines.extend(counted("forget-erased-identities", n));
        db::numbers::delete_all(&mut *db, account).await?;
        db::accounts::delete(&mut *db, account).await?;
        out.lines.push(msg("forget-erased-account"));
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        db::accounts::move_identities(&mut *db, from, into).await?;
        db::numbers::merge(&mut *db, from, into).await?;
        Ok(())
    }
}

/// Buttons and questions waiting for an answer: short-lived, not exported.
struct Session;

#[async_trait]
impl AccountData for Session {
    fn tables(&self) -> &'static [&'static str] {
        &["pending_actions", "pending_questions"]
    }
    fn section(&self) -> &'static str {
        "pending"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let actions = db::actions::count_for(&mut *db, account).await?;
        let questions = db::questions::count_for(&mut *db, account).await?;
        Ok(json!({ "buttons_waiting": actions, "questions_waiting": questions }))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        _out: &mut Erased,
    ) -> anyhow::Result<()> {
        db::actions::delete_all(&mut *db, account).await?;
        db::questions::delete_all(&mut *db, account).await?;
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        _into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        // Bound to the old account's chats; dropping them only means pressing a fresh button.
        self.erase(db, from, &mut Erased::default()).await
    }
}

struct Usage;

#[async_trait]
impl AccountData for Usage {
    fn tables(&self) -> &'static [&'static str] {
        &["usage_tracking"]
    }
    fn section(&self) -> &'static str {
        "usage"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        Ok(serde_json::to_value(db::usage::all(db, account).await?)?)
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let n = db::usage::delete_all(db, account).await?;
        out.lines.extend(counted("forget-erased-usage", n));
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        Ok(db::usage::merge(db, from, into).await?)
    }
}

struct Jobs;

#[async_trait]
impl AccountData for Jobs {
    fn tables(&self) -> &'static [&'static str] {
        &["jobs"]
    }
    fn section(&self) -> &'static str {
        "scheduled_work"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let rows = db::jobs::list_for_user(db, account.0).await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|(kind, status, run_at)| json!({ "kind": kind, "status": status, "run_at": rfc3339(run_at) }))
                .collect(),
        ))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let n = db::jobs::delete_for_user(db, account.0).await?;
        out.lines.extend(counted("forget-erased-jobs", n));
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        Ok(db::jobs::move_for_user(db, from.0, into.0).await?)
    }
}

struct Files;

#[async_trait]
impl AccountData for Files {
    fn tables(&self) -> &'static [&'static str] {
        &["stored_files"]
    }
    fn section(&self) -> &'static str {
        "files"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let rows = db::files::list(db, account).await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|f| {
                    json!({
                        "id": f.id,
                        "name": f.file_name,
                        "type": f.mime_type,
                        "size_bytes": f.size_bytes,
                        "created_at": rfc3339(f.created_at),
                    })
                })
                .collect(),
        ))
    }
    async fn erase(
        &self,
        db: &mut PgConnection,
        account: AccountId,
        out: &mut Erased,
    ) -> anyhow::Result<()> {
        let keys = db::files::delete_all(db, account).await?;
        out.lines
            .extend(counted("forget-erased-files", keys.len() as u64));
        out.file_keys.extend(keys);
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        Ok(db::files::move_all(db, from, into).await?)
    }
}

/// `/link` codes: short-lived secrets; the export lists them without the code itself.
struct LinkCodes;

#[async_trait]
impl AccountData for LinkCodes {
    fn tables(&self) -> &'static [&'static str] {
        &["link_codes"]
    }
    fn section(&self) -> &'static str {
        "link_codes"
    }
    async fn export(&self, db: &mut PgConnection, account: AccountId) -> anyhow::Result<Value> {
        let rows = db::link_codes::list(db, account).await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|c| {
                    json!({
                        "platform": c.platform,
                        "created_at": rfc3339(c.created_at),
                        "expires_at": rfc3339(c.expires_at),
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
        db::link_codes::delete_all(db, account).await?;
        Ok(())
    }
    async fn merge(
        &self,
        db: &mut PgConnection,
        from: AccountId,
        _into: AccountId,
        _out: &mut Merged,
    ) -> anyhow::Result<()> {
        // A code of the account being merged away would link a third account: it lapses.
        db::link_codes::delete_all(db, from).await?;
        Ok(())
    }
}
