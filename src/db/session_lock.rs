//! A PostgreSQL session-level advisory lock held on a dedicated connection: the way one instance
//! among several takes a role (Telegram long polling). The lock lives as long as that connection:
//! released when the holder lets go, and by the server when the holder dies (its connection
//! closes). The holder checks the connection every `check_every`; `lost()` fires when it is gone,
//! because by then another instance may hold the lock.

use std::time::Duration;

use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A held lock. Dropping it (or `release`) closes the connection, which releases the lock.
pub struct SessionLock {
    lost: CancellationToken,
    release: CancellationToken,
    task: Option<JoinHandle<()>>,
}

/// Tries to take the lock named `name` on a new connection; `None` when another session holds it.
pub async fn try_acquire(
    pool: &PgPool,
    name: &str,
    check_every: Duration,
) -> sqlx::Result<Option<SessionLock>> {
    let options = pool.connect_options();
    let mut conn = PgConnection::connect_with(&options).await?;
    let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
        .bind(name)
        .fetch_one(&mut conn)
        .await?;
    if !taken {
        let _ = conn.close().await;
        return Ok(None);
    }
    let lost = CancellationToken::new();
    let release = CancellationToken::new();
    let task = tokio::spawn(watch(conn, check_every, lost.clone(), release.clone()));
    Ok(Some(SessionLock {
        lost,
        release,
        task: Some(task),
    }))
}

/// Pings the connection until released (then closes it) or until the ping fails (lock lost).
async fn watch(
    mut conn: PgConnection,
    every: Duration,
    lost: CancellationToken,
    release: CancellationToken,
) {
    loop {
        tokio::select! {
            () = release.cancelled() => {
                let _ = conn.close().await;
                return;
            }
            () = tokio::time::sleep(every) => {}
        }
        if let Err(e) = conn.ping().await {
            tracing::warn!(error = %e, "the connection holding an advisory lock is gone");
            lost.cancel();
            return;
        }
    }
}

impl SessionLock {
    /// Fires once the lock can no longer be trusted (its connection is gone).
    pub async fn lost(&self) {
        self.lost.cancelled().await;
    }

    /// Lets go of the lock now, and waits until the server has released it.
    pub async fn release(mut self) {
        self.release.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        self.release.cancel();
    }
}
