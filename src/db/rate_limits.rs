//! `command_rate`: the per-account command bucket (GCRA), checked and counted in one statement.

use sqlx::PgExecutor;
use uuid::Uuid;

/// Charges `cost_secs` (the time the command's tokens take to come back) to the account's
/// bucket, which may hold `capacity_secs` (burst × interval). `Ok(None)`: allowed and counted.
/// `Ok(Some(wait))`: refused, nothing counted; it fits again in `wait` seconds.
pub async fn charge(
    db: impl PgExecutor<'_>,
    user: Uuid,
    cost_secs: f64,
    capacity_secs: f64,
) -> sqlx::Result<Option<f64>> {
    let (allowed, wait): (bool, f64) = sqlx::query_as(
        "INSERT INTO command_rate AS r (user_id, tat, allowed)
         VALUES ($1, now() + make_interval(secs => $2), $2 <= $3)
         ON CONFLICT (user_id) DO UPDATE SET
             allowed = GREATEST(r.tat, now()) + make_interval(secs => $2)
                       <= now() + make_interval(secs => $3),
             tat = CASE WHEN GREATEST(r.tat, now()) + make_interval(secs => $2)
                             <= now() + make_interval(secs => $3)
                        THEN GREATEST(r.tat, now()) + make_interval(secs => $2)
                        ELSE r.tat END
         RETURNING allowed,
                   EXTRACT(EPOCH FROM GREATEST(tat, now()) + make_interval(secs => $2)
                                      - make_interval(secs => $3) - now())::float8",
    )
    .bind(user)
    .bind(cost_secs)
    .bind(capacity_secs)
    .fetch_one(db)
    .await?;
    Ok((!allowed).then_some(wait.max(0.0)))
}

pub async fn delete_for_user(db: impl PgExecutor<'_>, user: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM command_rate WHERE user_id = $1")
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}
