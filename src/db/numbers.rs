//! The per-account number allocator: `/idea show 3`, `/deal show 2`. Numbers are never reused.

use sqlx::PgExecutor;

use crate::bot::AccountId;

/// An object that moved to another account when two were linked: its number before and after,
/// and what the creator recognises it by (a brand, a title).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Moved {
    pub old: i64,
    pub new: i64,
    pub label: String,
}

/// The next number of `kind` for this account (1, 2, 3…), atomically.
pub async fn next(db: impl PgExecutor<'_>, account: AccountId, kind: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO object_numbers (user_id, kind, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (user_id, kind) DO UPDATE SET last_number = object_numbers.last_number + 1
         RETURNING last_number",
    )
    .bind(account.0)
    .bind(kind)
    .fetch_one(db)
    .await
}

/// When accounts merge, the surviving account continues after the higher of both counters, so a
/// number handed out by either account is never handed out again.
pub async fn merge(db: impl PgExecutor<'_>, from: AccountId, into: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "WITH moved AS (DELETE FROM object_numbers WHERE user_id = $1 RETURNING kind, last_number)
         INSERT INTO object_numbers (user_id, kind, last_number)
         SELECT $2, kind, last_number FROM moved
         ON CONFLICT (user_id, kind) DO UPDATE
         SET last_number = GREATEST(object_numbers.last_number, excluded.last_number)",
    )
    .bind(from.0)
    .bind(into.0)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM object_numbers WHERE user_id = $1")
        .bind(account.0)
        .execute(db)
        .await?;
    Ok(())
}
