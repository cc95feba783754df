//! Running a connection's sync under its guard, from `/sync` or the daily job: a
//! transaction-scoped advisory lock per connection, so two syncs of one connection never overlap
//! (whichever comes second is told `Busy`), and a summary a creator can read.

use uuid::Uuid;

use crate::app::App;
use crate::db;
use crate::db::channels::PlatformRow;
use crate::domain::channels::sync::{self, SyncError, SyncOutcome};

/// A guarded run, or the guard was held by another sync.
pub enum Guarded<T> {
    Ran(T),
    Busy,
}

/// Runs `sync::run` for `connection` unless another sync of it is running.
pub async fn exclusive(
    app: &App,
    connection: Uuid,
) -> anyhow::Result<Guarded<Result<SyncOutcome, SyncError>>> {
    let mut guard = app.db.begin().await?;
    if !db::channels::try_sync_lock(&mut *guard, connection).await? {
        return Ok(Guarded::Busy);
    }
    let result = sync::run(app, connection).await;
    // Ending the transaction releases the lock.
    guard.commit().await?;
    Ok(Guarded::Ran(result))
}

/// How one connection's sync went, as `/sync` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Synced {
        days: usize,
        new_videos: i64,
    },
    /// The grant is dead (now or before): the creator must reconnect.
    NeedsReconnect,
    /// The shared daily Data API budget is spent until midnight Pacific time.
    QuotaSpent,
    /// The provider is busy or failing; the daily sync tries again.
    ProviderDown,
    /// Another sync of this connection is running.
    Busy,
    /// Nothing this version syncs for that connection.
    Skipped,
    /// Beyond the plan's connected platforms (`limit`): not synced, numbers kept.
    OverPlan {
        limit: i64,
    },
    /// A fault on our side (logged).
    Failed,
}

/// Syncs one of the creator's connections now.
pub async fn now(app: &App, row: &PlatformRow) -> anyhow::Result<Report> {
    if row.status == "needs_reconnect" {
        return Ok(Report::NeedsReconnect);
    }
    let before = db::channels::content_count(&app.db, row.id).await?;
    Ok(match exclusive(app, row.id).await? {
        Guarded::Busy => Report::Busy,
        Guarded::Ran(Ok(SyncOutcome::Synced { days })) => {
            let after = db::channels::content_count(&app.db, row.id).await?;
            Report::Synced {
                days,
                new_videos: (after - before).max(0),
            }
        }
        Guarded::Ran(Ok(SyncOutcome::NeedsReconnect { .. })) => Report::NeedsReconnect,
        Guarded::Ran(Ok(SyncOutcome::Skipped)) => Report::Skipped,
        Guarded::Ran(Ok(SyncOutcome::OverPlan { full, .. })) => {
            Report::OverPlan { limit: full.limit }
        }
        Guarded::Ran(Err(SyncError::QuotaSpent)) => Report::QuotaSpent,
        Guarded::Ran(Err(SyncError::Later(why))) => {
            tracing::warn!(connection = %row.id, %why, "sync on request must wait");
            Report::ProviderDown
        }
        Guarded::Ran(Err(SyncError::Other(e))) => {
            tracing::error!(connection = %row.id, error = ?e, "sync on request failed");
            Report::Failed
        }
    })
}
