//! Background work in PostgreSQL: typed jobs, the workers that run them and the scheduler that
//! enqueues recurring ones.
//!
//! Adding a job: a `Job` variant (its payload is the variant's fields), its `kind`, a dedupe key
//! at the enqueue site ((kind, subject, local date) for anything sent on a schedule), and an arm
//! in `execute`. Sending jobs go through `JobContext::send`, which implements DESIGN.md's delivery
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
use crate::domain::plans::PlanName;

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

async fn execute(job: Job, ctx: &mut JobContext<'_>) -> Result<(), JobError> {
    match job {
        Job::PurgeExpired => {
            let db = &ctx.app.db;
            let actions = db::actions::delete_expired(db).await?;
            let questions = db::questions::delete_expired(db).await?;
            let link_codes = db::link_codes::delete_expired(db).await?;
            let oauth_states = db::channels::delete_expired_states(db).await?;
            let jobs = db::jobs::delete_finished_before(db, Utc::now() - chrono::Duration::days(7))
                .await?;
            let rate_buckets = db::send_limits::delete_idle(db).await?;
            tracing::debug!(
                actions,
                rate_buckets,
                questions,
                link_codes,
                oauth_states,
                jobs,
                "purged expired rows"
            );
            Ok(())
        }
        Job::InvoiceOverdue {
            account,
            invoice,
            destination,
            locale,
            reminder,
        } => {
            use crate::domain::invoices::reminders;
            let Some(reply) = reminders::overdue(ctx.app, account, invoice, locale).await? else {
                return Ok(());
            };
            // Opted-in deals: the brand gets a polite email too, and the creator is told.
            let reply = match reminders::remind_brand(ctx.app, account, invoice, locale).await? {
                Some(line) => reply.block(line),
                None => reply,
            };
            // The next one is queued before this one is sent, so a crash cannot end the series.
            if reminder < reminders::MAX_OVERDUE_REMINDERS {
                let next = Job::InvoiceOverdue {
                    account,
                    invoice,
                    destination: destination.clone(),
                    locale,
                    reminder: reminder + 1,
                };
                let key = format!("invoice_overdue:{invoice}:{}", reminder + 1);
                enqueue(
                    &ctx.app.db,
                    &next,
                    &key,
                    reminders::next_overdue_reminder(Utc::now()),
                )
                .await?;
            }
            ctx.send(&destination, reply).await?;
            Ok(())
        }
        Job::DealDelivery {
            account,
            deal,
            destination,
            locale,
        } => {
            let reminder =
                crate::domain::invoices::reminders::delivery(ctx.app, account, deal, locale)
                    .await?;
            if let Some(reply) = reminder {
                ctx.send(&destination, reply).await?;
            }
            Ok(())
        }
        Job::SyncChannel {
            account,
            connection,
            destination,
            locale,
        } => {
            use crate::domain::channels::sync::{SyncError, SyncOutcome};
            use crate::domain::channels::sync_now::{self, Guarded};
            if !crate::domain::consent::standing(&ctx.app.db, account)
                .await?
                .accepted()
            {
                // Nothing is synced until the policy in force is accepted; tomorrow's job
                // tries again.
                tracing::debug!(%connection, "sync skipped: the policy is not accepted");
                return Ok(());
            }
            let result = match sync_now::exclusive(ctx.app, connection).await? {
                Guarded::Ran(result) => result,
                // A sync of this connection is running right now (`/sync`): it covers this one.
                Guarded::Busy => return Ok(()),
            };
            match result {
                Ok(SyncOutcome::NeedsReconnect {
                    provider,
                    first: true,
                }) => {
                    let i18n = &ctx.app.i18n;
                    let text = i18n.render(
                        locale,
                        &crate::i18n::msg("sync-needs-reconnect")
                            .arg("provider", provider.label())
                            .arg("command", provider.as_str()),
                    );
                    let label = i18n.render(
                        locale,
                        &crate::i18n::msg("sync-reconnect-button")
                            .arg("provider", provider.label()),
                    );
                    let button = crate::bot::buttons::store(
                        ctx.app,
                        account,
                        &destination,
                        label,
                        &crate::commands::ButtonAction::Reconnect { provider },
                        crate::bot::buttons::Lifetime::Proactive,
                    )
                    .await?;
                    ctx.send(&destination, Reply::text(text).button(button))
                        .await?;
                    Ok(())
                }
                Ok(SyncOutcome::OverPlan {
                    provider,
                    full,
                    first: true,
                }) => {
                    let text = ctx.app.i18n.render(
                        locale,
                        &full
                            .refusal(&ctx.app.i18n, locale, "sync-over-plan")
                            .arg("provider", provider.label()),
                    );
                    ctx.send(&destination, Reply::text(text)).await?;
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(SyncError::Later(why)) => Err(JobError::Retry(anyhow::anyhow!(why))),
                Err(SyncError::QuotaSpent) => Err(JobError::Retry(anyhow::anyhow!(
                    "the daily YouTube quota is spent"
                ))),
                Err(SyncError::Other(e)) => Err(JobError::Retry(e)),
            }
        }
        Job::RevokeGrant {
            provider,
            token,
            sealed_for,
        } => {
            use crate::domain::channels::disconnect::{self, RevokeRun};
            match disconnect::run_revoke(ctx.app, provider, &token, sealed_for, ctx.attempts).await
            {
                RevokeRun::Done => Ok(()),
                RevokeRun::Retry(why) => Err(JobError::Retry(anyhow::anyhow!(why))),
            }
        }
        Job::Digest {
            account,
            subscription,
            destination,
            locale,
            local_date,
        } => {
            use crate::domain::digests;
            let app = ctx.app;
            let now = Utc::now();
            let Some(sub) = digests::due_subscription(app, subscription, local_date, now).await?
            else {
                return Ok(());
            };
            if !crate::domain::consent::standing(&app.db, account)
                .await?
                .accepted()
            {
                return paused_for_policy(ctx, &sub, &destination, locale).await;
            }
            let theme = digests::theme_of(Some(&sub));
            let composed =
                digests::compose(app, account, locale, theme, digests::zone_of(&sub), now).await?;
            let reply = crate::commands::digest::reply(
                app,
                account,
                &destination,
                locale,
                composed,
                Some(sub.id),
                crate::bot::buttons::Lifetime::Proactive,
            )
            .await?;
            // An unreachable destination pauses and tells its creators through the notifier's
            // hook (`domain::digests::unreachable_hook`).
            ctx.send(&destination, reply).await?;
            Ok(())
        }
        Job::Notice {
            destination,
            locale,
            message,
            ..
        } => {
            let text = ctx.app.i18n.render(locale, &message);
            ctx.send(&destination, Reply::text(text)).await?;
            Ok(())
        }
        Job::BillingNotice {
            account,
            destination,
            locale,
            notice,
        } => {
            let reply = crate::domain::billing::notices::reply(
                ctx.app,
                account,
                &destination,
                locale,
                &notice,
            )
            .await?;
            ctx.send(&destination, reply).await?;
            Ok(())
        }
        Job::BillingRecheck {
            account,
            subscription,
        } => {
            crate::domain::billing::recheck(ctx.app, account, &subscription)
                .await
                .map_err(JobError::Retry)?;
            Ok(())
        }
        Job::StarsExpiry { account } => {
            crate::domain::billing::stars::expire(ctx.app, account)
                .await
                .map_err(JobError::Retry)?;
            Ok(())
        }
    }
}

/// A due digest of an account that has not accepted the policy in force: no sync, no AI call;
/// its destination is told once per policy version that the digest waits for the acceptance,
/// and the job ends done. The version is remembered once the notice is delivered (or may have
/// been), so a refused send is retried and never doubled.
async fn paused_for_policy(
    ctx: &mut JobContext<'_>,
    sub: &db::digests::Subscription,
    destination: &Destination,
    locale: crate::i18n::Locale,
) -> Result<(), JobError> {
    use crate::domain::consent::POLICY_VERSION;
    let app = ctx.app;
    if sub
        .policy_notice_version
        .is_some_and(|v| v >= POLICY_VERSION)
    {
        return Ok(());
    }
    let account = AccountId(sub.user_id);
    let reply = crate::commands::privacy::digest_paused(app, account, destination, locale).await?;
    if matches!(
        ctx.send(destination, reply).await?,
        SendOutcome::Delivered | SendOutcome::Unknown
    ) {
        db::digests::set_policy_notice(&app.db, sub.id, POLICY_VERSION).await?;
    }
    Ok(())
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

/// One sync per active connection and UTC day (deduplicated on connection + date).
async fn schedule_channel_syncs(app: &App, now: DateTime<Utc>) -> anyhow::Result<()> {
    for target in db::channels::sync_targets(&app.db).await? {
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
