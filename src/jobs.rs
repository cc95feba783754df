//! Background work in PostgreSQL: typed jobs, the workers that run them and the scheduler that
//! enqueues recurring ones.
//!
//! Adding a job: a `Job` variant (its payload is the variant's fields), its `kind`, a dedupe key
//! at the enqueue site ((kind, subject, local date) for anything sent on a schedule), and an arm
//! in `execute` (`jobs/execute.rs`). Sending jobs go through `JobContext::send`, which implements DESIGN.md's delivery
//! semantics: `sending` is committed before the platform call, so a crash leaves `uncertain`,
//! never a second send.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform, Reply, SendOutcome};
use crate::db;

mod execute;
mod schedule;

use execute::execute;
pub use schedule::{refresh_gauges, run_scheduler, schedule_digests, tick};

/// Every kind of background work, with its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Job {
    /// Deletes expired buttons and questions, finished jobs older than a week, and idle
    /// shared rate-limit buckets.
    PurgeExpired,
    /// An unpaid invoice past its due date; re-enqueued weekly up to the domain's maximum.
    InvoiceOverdue {
        account: AccountId,
        invoice: uuid::Uuid,
        destination: Destination,
        locale: crate::i18n::Locale,
        reminder: u8,
    },
    /// The day before a deal's delivery date.
    DealDelivery {
        account: AccountId,
        deal: i64,
        destination: Destination,
        locale: crate::i18n::Locale,
    },
    /// Syncs one provider connection (first sync after `/connect`, then daily). `destination` is
    /// the chat told once when the grant dies.
    SyncChannel {
        account: AccountId,
        connection: uuid::Uuid,
        destination: Destination,
        locale: crate::i18n::Locale,
    },
    /// Revokes a grant at its provider after `/forget` (or a `/disconnect` whose revoke failed).
    /// `token` is sealed as it was in the connection's row, with `sealed_for` as its user id:
    /// no plaintext, and no account attached (the account may be gone).
    RevokeGrant {
        provider: crate::domain::channels::Provider,
        token: String,
        sealed_for: uuid::Uuid,
    },
    /// One subscription's digest for one local date (dedupe key: subscription + local date).
    Digest {
        account: AccountId,
        subscription: uuid::Uuid,
        destination: Destination,
        locale: crate::i18n::Locale,
        local_date: chrono::NaiveDate,
    },
    /// Billing news for the creator (payment failed, trial ending, plan changed), sent to the
    /// chat checkout was started from.
    BillingNotice {
        account: AccountId,
        destination: Destination,
        locale: crate::i18n::Locale,
        notice: crate::domain::billing::notices::BillingNotice,
    },
    /// Reads a Stripe subscription again and applies it (grace period over, period ended).
    BillingRecheck {
        account: AccountId,
        subscription: String,
    },
    /// A Telegram Stars plan's paid period ends (a renewal moved it on: then nothing).
    StarsExpiry { account: AccountId },
    /// A one-line message to a creator (e.g. "your digest there is paused").
    Notice {
        account: AccountId,
        destination: Destination,
        locale: crate::i18n::Locale,
        message: crate::i18n::Msg,
    },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Job::PurgeExpired => "purge_expired",
            Job::InvoiceOverdue { .. } => "invoice_overdue",
            Job::DealDelivery { .. } => "deal_delivery",
            Job::SyncChannel { .. } => "sync_channel",
            Job::RevokeGrant { .. } => "revoke_grant",
            Job::Digest { .. } => "digest",
            Job::Notice { .. } => "notice",
            Job::BillingNotice { .. } => "billing_notice",
            Job::BillingRecheck { .. } => "billing_recheck",
            Job::StarsExpiry { .. } => "stars_expiry",
        }
    }

    /// The account the job is about (erased with it by `/forget`).
    pub fn account(&self) -> Option<AccountId> {
        match self {
            Job::PurgeExpired | Job::RevokeGrant { .. } => None,
            Job::InvoiceOverdue { account, .. }
            | Job::DealDelivery { account, .. }
            | Job::SyncChannel { account, .. }
            | Job::Digest { account, .. }
            | Job::Notice { account, .. }
            | Job::BillingNotice { account, .. }
            | Job::BillingRecheck { account, .. }
            | Job::StarsExpiry { account } => Some(*account),
        }
    }

    /// The chat platform it sends to: only processes with that platform claim it.
    pub fn platform(&self) -> Option<Platform> {
        match self {
            Job::PurgeExpired
            | Job::RevokeGrant { .. }
            | Job::BillingRecheck { .. }
            | Job::StarsExpiry { .. } => None,
            Job::InvoiceOverdue { destination, .. }
            | Job::DealDelivery { destination, .. }
            | Job::SyncChannel { destination, .. }
            | Job::Digest { destination, .. }
            | Job::Notice { destination, .. }
            | Job::BillingNotice { destination, .. } => Some(destination.platform),
        }
    }
}

/// Enqueues a job unless one with the same dedupe key exists. Returns the new id.
pub async fn enqueue(
    db: impl sqlx::PgExecutor<'_>,
    job: &Job,
    dedupe_key: &str,
    run_at: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let value = serde_json::to_value(job)?;
    let payload = value
        .get("payload")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    Ok(db::jobs::enqueue(
        db,
        &db::jobs::NewJob {
            kind: job.kind(),
            dedupe_key,
            payload: &payload,
            user_id: job.account().map(|a| a.0),
            platform: job.platform().map(Platform::as_str),
            run_at,
        },
    )
    .await?)
}

fn decode(kind: &str, payload: serde_json::Value) -> anyhow::Result<Job> {
    let tagged = serde_json::json!({ "kind": kind, "payload": payload });
    // Unit variants serialize without a payload; accept both shapes.
    serde_json::from_value(tagged.clone())
        .or_else(|_| serde_json::from_value(serde_json::json!({ "kind": kind })))
        .map_err(|e| anyhow::anyhow!("job kind {kind} does not decode: {e}"))
}

/// How a job ended, when it did not simply succeed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (with backoff), up to the job's attempt limit.
    #[error("retry: {0:#}")]
    Retry(anyhow::Error),
    /// Never going to work: failed now.
    #[error("fatal: {0:#}")]
    Fatal(anyhow::Error),
}

impl From<anyhow::Error> for JobError {
    fn from(e: anyhow::Error) -> JobError {
        JobError::Retry(e)
    }
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> JobError {
        JobError::Retry(e.into())
    }
}

/// What a running job knows about itself.
pub struct JobContext<'a> {
    pub app: &'a App,
    pub id: i64,
    pub worker: &'a str,
    pub attempts: i32,
    /// Set by `send`, which finalizes the job itself: the outcome for the jobs metric.
    finalized: Option<&'static str>,
}

impl<'a> JobContext<'a> {
    pub fn new(app: &'a App, id: i64, worker: &'a str, attempts: i32) -> JobContext<'a> {
        JobContext {
            app,
            id,
            worker,
            attempts,
            finalized: None,
        }
    }

    /// Sends once: `sending` is committed first; the outcome decides the job's final state.
    pub async fn send(
        &mut self,
        destination: &Destination,
        reply: Reply,
    ) -> Result<SendOutcome, JobError> {
        if !db::jobs::mark_sending(&self.app.db, self.id, self.worker).await? {
            return Err(JobError::Fatal(anyhow::anyhow!(
                "lost the job's lease before sending"
            )));
        }
        let outcome = self
            .app
            .notifiers
            .send(&self.app.db, destination, reply)
            .await;
        self.finalized = Some(match outcome {
            SendOutcome::Delivered => "sent",
            SendOutcome::Refused { .. } => "refused",
            SendOutcome::Unreachable => "unreachable",
            SendOutcome::Unknown => "uncertain",
        });
        match outcome {
            SendOutcome::Delivered => {
                db::jobs::complete(&self.app.db, self.id, self.worker).await?;
            }
            SendOutcome::Refused { retry_after } => {
                let delay = retry_after.unwrap_or_else(|| backoff(self.attempts));
                db::jobs::retry(
                    &self.app.db,
                    self.id,
                    self.worker,
                    "refused by the platform",
                    delay.as_secs_f64(),
                )
                .await?;
            }
            SendOutcome::Unreachable => {
                db::jobs::fail(
                    &self.app.db,
                    self.id,
                    self.worker,
                    "destination unreachable (paused)",
                )
                .await?;
            }
            SendOutcome::Unknown => {
                db::jobs::mark_uncertain(
                    &self.app.db,
                    self.id,
                    self.worker,
                    "no answer after the request was sent",
                )
                .await?;
            }
        }
        Ok(outcome)
    }
}

/// Exponential backoff with jitter: ~10 s, 20 s, 40 s… capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    let base = (10u64 << exp).min(3600);
    let jitter = rand::rng().random_range(0..=base / 4);
    Duration::from_secs(base + jitter)
}

/// Worker tuning; tests shorten the intervals.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub idle_poll: Duration,
    pub lease: Duration,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            idle_poll: Duration::from_secs(1),
            lease: Duration::from_secs(300),
        }
    }
}

/// Claims and runs jobs until `stop` fires; then finishes the job in hand and returns.
pub async fn run_worker(
    app: Arc<App>,
    worker: String,
    config: WorkerConfig,
    stop: CancellationToken,
) {
    loop {
        if stop.is_cancelled() {
            return;
        }
        match run_one(&app, &worker, &config, &stop).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = ?e, %worker, "job worker hit a database error"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(config.idle_poll) => {}
        }
    }
}

/// Runs at most one job; false when none was due.
pub async fn run_one(
    app: &App,
    worker: &str,
    config: &WorkerConfig,
    stop: &CancellationToken,
) -> anyhow::Result<bool> {
    let platforms: Vec<String> = app
        .notifiers
        .platforms()
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    let Some(row) =
        db::jobs::claim(&app.db, worker, &platforms, config.lease.as_secs_f64()).await?
    else {
        return Ok(false);
    };
    if stop.is_cancelled() {
        // Claimed but not started: give it back for another process.
        db::jobs::release(&app.db, row.id, worker).await?;
        return Ok(false);
    }
    // Every log line of this run carries the job's id and kind.
    let span = crate::telemetry::job_span(row.id, &row.kind);
    async move {
        let started = Instant::now();
        app.metrics
            .job_wait_seconds
            .with_label_values(&[row.kind.as_str()])
            .observe(row.waited_secs.max(0.0));
        let mut ctx = JobContext {
            app,
            id: row.id,
            worker,
            attempts: row.attempts,
            finalized: None,
        };
        let result = match decode(&row.kind, row.payload) {
            Ok(job) => execute(job, &mut ctx).await,
            Err(e) => Err(JobError::Fatal(e)),
        };
        let outcome = match (&result, ctx.finalized) {
            (Ok(()), Some(sent)) => sent,
            (Ok(()), None) => {
                db::jobs::complete(&app.db, row.id, worker).await?;
                "done"
            }
            (Err(JobError::Retry(e)), _) if row.attempts < row.max_attempts => {
                tracing::warn!(job = row.id, kind = %row.kind, error = ?e, "job will be retried");
                db::jobs::retry(
                    &app.db,
                    row.id,
                    worker,
                    &format!("{e:#}"),
                    backoff(row.attempts).as_secs_f64(),
                )
                .await?;
                "retried"
            }
            (Err(e), _) => {
                tracing::error!(job = row.id, kind = %row.kind, error = %e, "job failed");
                db::jobs::fail(&app.db, row.id, worker, &e.to_string()).await?;
                "failed"
            }
        };
        app.metrics
            .jobs
            .with_label_values(&[row.kind.as_str(), outcome])
            .inc();
        app.metrics
            .job_seconds
            .with_label_values(&[row.kind.as_str()])
            .observe(started.elapsed().as_secs_f64());
        tracing::info!(outcome, "job finished");
        Ok(true)
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_round_trip_through_kind_and_payload() {
        let job = Job::PurgeExpired;
        let value = serde_json::to_value(&job).unwrap();
        let payload = value
            .get("payload")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        assert_eq!(decode(job.kind(), payload).unwrap(), job);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) >= Duration::from_secs(10) && backoff(1) <= Duration::from_secs(13));
        assert!(backoff(3) >= Duration::from_secs(40));
        assert!(backoff(50) <= Duration::from_secs(4500));
    }
}
