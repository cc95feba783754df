//! Metadata of the files the product keeps (the bytes live in the file store).

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::bot::AccountId;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FileRow {
    pub id: Uuid,
    pub storage_key: String,
    pub file_name: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    account: AccountId,
    storage_key: &str,
    file_name: &str,
    mime_type: &str,
    size_bytes: i64,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "INSERT INTO stored_files (user_id, storage_key, file_name, mime_type, size_bytes)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account.0)
    .bind(storage_key)
    .bind(file_name)
    .bind(mime_type)
    .bind(size_bytes)
    .fetch_one(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<FileRow>> {
    sqlx::query_as(
        "SELECT id, storage_key, file_name, mime_type, size_bytes, created_at FROM stored_files
         WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(account.0)
    .fetch_all(db)
    .await
}

/// Deletes the rows and returns their storage keys, so the bytes can go after the commit.
pub async fn delete_all(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("DELETE FROM stored_files WHERE user_id = $1 RETURNING storage_key")
        .bind(account.0)
        .fetch_all(db)
        .await
}

pub async fn move_all(
    db: impl PgExecutor<'_>,
    from: AccountId,
    into: AccountId,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE stored_files SET user_id = $2 WHERE user_id = $1")
        .bind(from.0)
        .bind(into.0)
        .execute(db)
        .await?;
    Ok(())
}
