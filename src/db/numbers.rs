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

/// Moves `from`'s numbered objects of `kind` (rows of `table`, recognised by `label`) onto
/// `into`. When `into` has ever numbered one, they are renumbered after the higher of its counter
/// and its highest number, in their order, so a number handed out once is never handed out
/// again; otherwise they keep their numbers. `into`'s counter follows. Returns every object moved.
pub async fn move_numbered(
    db: &mut sqlx::PgConnection,
    table: &str,
    kind: &str,
    label: &str,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<Vec<Moved>> {
    let moved = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH base AS (
             SELECT GREATEST(
                 COALESCE((SELECT last_number FROM object_numbers
                           WHERE user_id = $2 AND kind = $3), 0),
                 COALESCE((SELECT max(number) FROM {table} WHERE user_id = $2), 0)) AS n
         ), moved AS (
             SELECT id, number AS old, row_number() OVER (ORDER BY number) AS rn
             FROM {table} WHERE user_id = $1
         )
         UPDATE {table} t SET user_id = $2, updated_at = now(),
             number = CASE WHEN base.n = 0 THEN t.number ELSE base.n + moved.rn END
         FROM base, moved WHERE t.id = moved.id
         RETURNING moved.old AS old, t.number AS new, t.{label} AS label"
    )))
    .bind(from.0)
    .bind(into.0)
    .bind(kind)
    .fetch_all(&mut *db)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO object_numbers (user_id, kind, last_number)
         SELECT $1, $2, max(number) FROM {table} WHERE user_id = $1 HAVING count(*) > 0
         ON CONFLICT (user_id, kind) DO UPDATE
         SET last_number = GREATEST(object_numbers.last_number, excluded.last_number)"
    )))
    .bind(into.0)
    .bind(kind)
    .execute(&mut *db)
    .await?;
    Ok(moved)
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
