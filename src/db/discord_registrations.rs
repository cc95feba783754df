//! What was last registered with Discord, per scope: start-up registers only when it changed.

use sqlx::PgExecutor;

pub async fn hash(db: impl PgExecutor<'_>, scope: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT payload_hash FROM discord_registrations WHERE scope = $1")
        .bind(scope)
        .fetch_optional(db)
        .await
}

pub async fn record(db: impl PgExecutor<'_>, scope: &str, hash: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO discord_registrations (scope, payload_hash) VALUES ($1, $2)
         ON CONFLICT (scope) DO UPDATE SET payload_hash = $2, registered_at = now()",
    )
    .bind(scope)
    .bind(hash)
    .execute(db)
    .await?;
    Ok(())
}
