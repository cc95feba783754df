//! The scheduler: every minute each instance enqueues the recurring jobs that are due (hourly
//! purge, daily channel syncs, digests at the creator's local time) under dedupe keys, so N
//! instances enqueue each once; it also reaps expired leases and refreshes the gauges.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform};
use crate::db;
use crate::domain::plans::PlanName;
use crate::jobs::{Job, enqueue};

/// Every minute: enqueue recurring jobs (deduplicated), reap expired leases, refresh gauges.
pub async fn run_scheduler(app: Arc<App>, stop: CancellationToken) {
    loop {
        if let Err(e) = tick(&app).await {
            tracing::error!(error = ?e, "scheduler tick failed");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
    }
}

pub async fn tick(app: &App) -> anyhow::Result<()> {
    let now = Utc::now();
    let key = format!("purge_expired:global:{}", now.format("%Y-%m-%dT%H"));
    enqueue(&app.db, &Job::PurgeExpired, &key, now).await?;
    schedule_channel_syncs(app, now).await?;
    schedule_digests(app, now).await?;
    let (retried, uncertain) = db::jobs::reap_expired(&app.db).await?;
    if retried + uncertain > 0 {
        tracing::warn!(retried, uncertain, "reaped jobs whose worker stopped");
    }
    refresh_gauges(app).await
}

/// One sync per active connection and UTC day (deduplicated on connection + date), for accounts
/// that accepted the policy in force (the job checks again: the policy may change meanwhile).
async fn schedule_channel_syncs(app: &App, now: DateTime<Utc>) -> anyhow::Result<()> {
    let accepted = crate::domain::consent::POLICY_VERSION;
    for target in db::channels::sync_targets(&app.db, accepted).await? {
        let Some(platform) = Platform::parse(&target.notify_platform) else {
            continue;
        };
        let job = Job::SyncChannel {
            account: AccountId(target.user_id),
            connection: target.id,
            destination: Destination {
                platform,
                chat_id: target.notify_chat_id,
            },
            locale: crate::i18n::Locale::from_tag(&target.notify_locale).unwrap_or_default(),
        };
        let key = format!("sync_channel:{}:{}", target.id, now.format("%Y-%m-%d"));
        enqueue(&app.db, &job, &key, now).await?;
    }
    Ok(())
}

/// Enqueues every digest due now: once per subscription and local date (the dedupe key holds
/// across instances; `last_local_date` keeps later ticks from trying again).
pub async fn schedule_digests(app: &App, now: DateTime<Utc>) -> anyhow::Result<usize> {
    use crate::domain::digests::{self, schedule};
    let mut enqueued = 0;
    for sub in db::digests::active(&app.db).await? {
        let zone = digests::zone_of(&sub);
        let Some(local_date) = schedule::due(now, zone, sub.send_at, sub.last_local_date) else {
            continue;
        };
        let Some(platform) = Platform::parse(&sub.platform) else {
            continue;
        };
        let job = Job::Digest {
            account: AccountId(sub.user_id),
            subscription: sub.id,
            destination: Destination {
                platform,
                chat_id: sub.chat_id.clone(),
            },
            locale: crate::i18n::Locale::from_tag(&sub.locale).unwrap_or_default(),
            local_date,
        };
        let key = format!("digest:{}:{local_date}", sub.id);
        let mut tx = app.db.begin().await?;
        if enqueue(&mut *tx, &job, &key, now).await?.is_some() {
            enqueued += 1;
        }
        db::digests::mark_enqueued(&mut *tx, sub.id, local_date).await?;
        tx.commit().await?;
    }
    Ok(enqueued)
}

/// The gauges read from the database: queue depth, uncertain jobs, accounts per plan.
pub async fn refresh_gauges(app: &App) -> anyhow::Result<()> {
    let (depth, uncertain) = db::jobs::gauges(&app.db).await?;
    app.metrics.queue_depth.set(depth);
    app.metrics.uncertain_jobs.set(uncertain);
    let counts = db::accounts::count_by_plan(&app.db).await?;
    // Every plan gets a value (0 when no account has it): the labels stay a closed set.
    for plan in [PlanName::Free, PlanName::Creator, PlanName::Pro] {
        let count = counts
            .iter()
            .find(|(name, _)| name == plan.as_str())
            .map_or(0, |(_, n)| *n);
        app.metrics
            .billing
            .accounts
            .with_label_values(&[plan.as_str()])
            .set(count);
    }
    Ok(())
}
