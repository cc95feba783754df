//! What each job does: one arm per `Job` variant (the worker in `jobs` claims, times and settles
//! them; sends go through `JobContext::send`).

use chrono::Utc;

use crate::bot::{AccountId, Destination, Reply, SendOutcome};
use crate::db;
use crate::jobs::{Job, JobContext, JobError, enqueue};

pub(super) async fn execute(job: Job, ctx: &mut JobContext<'_>) -> Result<(), JobError> {
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
