//! Paid plans through Stripe: Checkout to subscribe, the Customer Portal to manage, and the
//! subscription's current state (never the order events arrived in) deciding the plan.
//!
//! May depend on `db/`, `clients::stripe`, `jobs` (notices) and `metrics`. The webhook lives in
//! `webhook`, the signature check in `signature`. On Telegram no Stripe link is ever offered.

pub mod notices;
pub mod signature;
pub mod stars;
pub mod webhook;

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::app::App;
use crate::bot::{AccountId, Destination, Platform};
use crate::clients::stripe::Subscription;
use crate::db;
use crate::db::billing::PlanState;
use crate::domain::plans::PlanName;
use crate::i18n::Locale;
use crate::jobs::{self, Job};
use notices::BillingNotice;

/// What `/upgrade` can offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkout {
    /// The Checkout Session's page.
    Link(String),
    /// No `STRIPE_SECRET_KEY` here.
    NotConfigured,
    /// The plan has no `stripe_price_id` in the plans file.
    NotForSale,
    /// A Stripe subscription already pays for a plan: change it in the portal (`/billing`).
    AlreadySubscribed(PlanName),
    /// Telegram: payments there are Telegram Stars, never a Stripe link.
    NotOnTelegram,
}

/// What `/billing` can offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Portal {
    Link(String),
    NotConfigured,
    /// Never subscribed: nothing to manage yet.
    NoCustomer,
    NotOnTelegram,
}

/// Where the creator lands after Checkout or the portal (served by `web`).
pub fn return_url(app: &App, outcome: &str, locale: Locale) -> String {
    let mut url = app.settings.public_url.clone();
    url.set_path(&format!("billing/{outcome}"));
    url.set_query(Some(&format!("lang={}", locale.code())));
    url.to_string()
}

/// The small page Checkout (`done`, `cancelled`) and the portal (`return`) send the creator to.
pub fn page(app: &App, outcome: &str, lang: Option<&str>) -> crate::domain::channels::oauth::Page {
    let locale = lang.and_then(Locale::from_tag).unwrap_or_default();
    let (status, key) = match outcome {
        "done" => (200, "billing-page-done"),
        "cancelled" => (200, "billing-page-cancelled"),
        "return" => (200, "billing-page-return"),
        _ => (404, "billing-page-unknown"),
    };
    crate::domain::channels::oauth::page(status, "CreatorPilot", &[app.i18n.tr(locale, key)])
}

/// A Checkout Session for `plan`, the account's Stripe customer created once and reused.
pub async fn start_checkout(
    app: &App,
    account: AccountId,
    plan: PlanName,
    destination: &Destination,
    locale: Locale,
) -> anyhow::Result<Checkout> {
    if destination.platform == Platform::Telegram {
        return Ok(Checkout::NotOnTelegram);
    }
    let Some(stripe) = &app.stripe else {
        return Ok(Checkout::NotConfigured);
    };
    let limits = app.plans.limits(plan);
    let Some(price) = limits.stripe_price_id.as_deref() else {
        return Ok(Checkout::NotForSale);
    };
    let row = db::billing::get(&app.db, account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {account} vanished"))?;
    if row.plan_source.as_deref() == Some("stripe")
        && row
            .subscription_status
            .as_deref()
            .is_some_and(status_entitles)
        && let Some(current) = PlanName::parse(&row.plan)
    {
        return Ok(Checkout::AlreadySubscribed(current));
    }
    let customer = match row.stripe_customer_id {
        Some(c) => c,
        None => {
            // The key makes a retried or concurrent creation return the same customer.
            let created = stripe
                .create_customer(
                    &account.to_string(),
                    row.name.as_deref(),
                    &format!("customer-{account}"),
                )
                .await?;
            db::billing::set_customer(&app.db, account, &created)
                .await?
                .unwrap_or(created)
        }
    };
    db::billing::set_destination(
        &app.db,
        account,
        destination.platform.as_str(),
        &destination.chat_id,
        locale.code(),
    )
    .await?;
    let success = return_url(app, "done", locale);
    let cancel = return_url(app, "cancelled", locale);
    let url = stripe
        .create_checkout(
            &crate::clients::stripe::CheckoutRequest {
                customer: &customer,
                price,
                account: &account.to_string(),
                trial_days: limits.trial_days,
                success_url: &success,
                cancel_url: &cancel,
                locale: locale.code(),
            },
            &format!("checkout-{account}-{}", uuid::Uuid::new_v4()),
        )
        .await?;
    app.metrics
        .billing
        .checkouts_started
        .with_label_values(&[plan.as_str()])
        .inc();
    Ok(Checkout::Link(url))
}

/// A Customer Portal session for the account's Stripe customer.
pub async fn portal(
    app: &App,
    account: AccountId,
    platform: Platform,
    locale: Locale,
) -> anyhow::Result<Portal> {
    if platform == Platform::Telegram {
        return Ok(Portal::NotOnTelegram);
    }
    let Some(stripe) = &app.stripe else {
        return Ok(Portal::NotConfigured);
    };
    let Some(customer) = db::billing::get(&app.db, account)
        .await?
        .and_then(|r| r.stripe_customer_id)
    else {
        return Ok(Portal::NoCustomer);
    };
    let url = stripe
        .create_portal(
            &customer,
            &return_url(app, "return", locale),
            locale.code(),
            &format!("portal-{account}-{}", uuid::Uuid::new_v4()),
        )
        .await?;
    Ok(Portal::Link(url))
}

/// `/forget`: cancels the account's live Stripe or Telegram Stars subscription first. True when
/// one was cancelled.
pub async fn cancel_before_forget(app: &App, account: AccountId) -> anyhow::Result<bool> {
    if matches!(
        stars::cancel(app, account).await?,
        stars::Manage::Cancelled(_)
    ) {
        return Ok(true);
    }
    let Some(row) = db::billing::get(&app.db, account).await? else {
        return Ok(false);
    };
    let (Some(subscription), Some("stripe")) =
        (row.stripe_subscription_id, row.plan_source.as_deref())
    else {
        return Ok(false);
    };
    if !row
        .subscription_status
        .as_deref()
        .is_some_and(status_is_live)
    {
        return Ok(false);
    }
    let Some(stripe) = &app.stripe else {
        anyhow::bail!("a Stripe subscription is live but STRIPE_SECRET_KEY is not set");
    };
    match stripe
        .cancel_subscription(&subscription, &format!("forget-{subscription}"))
        .await
    {
        Ok(_) => Ok(true),
        // Already gone on Stripe's side: nothing left to cancel.
        Err(e) if crate::clients::stripe::is_missing(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Statuses under which the subscription pays for its plan (past_due only during the grace
/// period, decided in `plan_for`).
fn status_entitles(status: &str) -> bool {
    matches!(status, "active" | "trialing" | "past_due")
}

/// Statuses of a subscription that may still charge the creator.
fn status_is_live(status: &str) -> bool {
    matches!(
        status,
        "active" | "trialing" | "past_due" | "unpaid" | "incomplete" | "paused"
    )
}

fn at(unix: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(unix, 0).single()
}

/// What changed when a subscription's state was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub account: AccountId,
    pub before: PlanName,
    pub after: PlanName,
    /// Entered past_due now (a payment just failed): the grace period's end.
    pub grace_until: Option<DateTime<Utc>>,
}

/// Sets the account's plan from the subscription as Stripe has it now, in the caller's
/// transaction (the account row is locked). A subscription that is not the account's current
/// one never takes a paid plan away from it.
pub async fn apply_subscription(
    app: &App,
    tx: &mut sqlx::PgConnection,
    account: AccountId,
    sub: &Subscription,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let Some(row) = db::billing::lock(&mut *tx, account).await? else {
        return Ok(None);
    };
    let before = PlanName::parse(&row.plan).unwrap_or_default();
    let current = row.stripe_subscription_id.as_deref();
    let entitles = status_entitles(&sub.status);
    if current.is_some_and(|c| c != sub.id)
        && !entitles
        && row
            .subscription_status
            .as_deref()
            .is_some_and(status_entitles)
    {
        // An older (or abandoned) subscription ending: the current one rules.
        return Ok(None);
    }
    if row.plan_source.as_deref() == Some("stars") && !entitles {
        // Paid with Telegram Stars: a dead Stripe subscription changes nothing.
        return Ok(None);
    }
    let bought = sub
        .prices
        .iter()
        .filter_map(|p| app.plans.by_stripe_price(p))
        .max();
    let grace = Duration::days(i64::from(app.settings.billing_grace_days));
    let failed_at = if sub.status == "past_due" {
        Some(row.payment_failed_at.unwrap_or(now))
    } else {
        None
    };
    let entered_past_due = failed_at.is_some() && row.payment_failed_at.is_none();
    let in_grace = failed_at.is_none_or(|f| now < f + grace);
    let after = match (entitles && in_grace, bought) {
        (true, Some(plan)) => plan,
        (true, None) => {
            tracing::warn!(
                subscription = %sub.id,
                "a live subscription's price is not in the plans file; plan left as it was"
            );
            before
        }
        (false, _) => PlanName::Free,
    };
    db::billing::set_plan(
        &mut *tx,
        account,
        &PlanState {
            plan: after.as_str(),
            source: Some("stripe"),
            subscription: Some(&sub.id),
            status: Some(&sub.status),
            renews_at: sub.current_period_end.and_then(at),
            cancels_at_period_end: sub.cancel_at_period_end,
            payment_failed_at: failed_at,
        },
    )
    .await?;
    // Safety nets when no event comes: the grace period's end, and a cancelled plan's end.
    if let Some(f) = failed_at {
        enqueue_recheck(&mut *tx, account, &sub.id, f + grace + Duration::minutes(1)).await?;
    }
    if entitles
        && sub.cancel_at_period_end
        && let Some(end) = sub.current_period_end.and_then(at)
    {
        enqueue_recheck(&mut *tx, account, &sub.id, end + Duration::minutes(5)).await?;
    }
    Ok(Some(Applied {
        account,
        before,
        after,
        grace_until: entered_past_due
            .then(|| failed_at.map(|f| f + grace))
            .flatten(),
    }))
}

async fn enqueue_recheck(
    tx: &mut sqlx::PgConnection,
    account: AccountId,
    subscription: &str,
    run_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let job = Job::BillingRecheck {
        account,
        subscription: subscription.to_owned(),
    };
    let key = format!("billing_recheck:{subscription}:{}", run_at.timestamp());
    jobs::enqueue(&mut *tx, &job, &key, run_at).await?;
    Ok(())
}

/// Counts the change and tells the creator, through the job queue (in the caller's transaction).
pub async fn after_change(
    app: &App,
    tx: &mut sqlx::PgConnection,
    applied: &Applied,
    dedupe: &str,
) -> anyhow::Result<()> {
    let m = &app.metrics.billing;
    let notice = match (applied.before, applied.after) {
        (PlanName::Free, PlanName::Free) => None,
        (PlanName::Free, paid) => {
            m.conversions.with_label_values(&[paid.as_str()]).inc();
            Some(BillingNotice::PlanActive { plan: paid })
        }
        (paid, PlanName::Free) => {
            m.churn.with_label_values(&[paid.as_str()]).inc();
            Some(BillingNotice::BackToFree)
        }
        (a, b) if a != b => Some(BillingNotice::PlanActive { plan: b }),
        _ => None,
    };
    if let Some(notice) = notice {
        notify(app, tx, applied.account, notice, dedupe).await?;
    }
    Ok(())
}

/// Queues a billing notice to the chat checkout was started from (none known: nothing sent).
pub async fn notify(
    _app: &App,
    tx: &mut sqlx::PgConnection,
    account: AccountId,
    notice: BillingNotice,
    dedupe: &str,
) -> anyhow::Result<()> {
    let Some(row) = db::billing::get(&mut *tx, account).await? else {
        return Ok(());
    };
    let (Some(platform), Some(chat_id)) = (
        row.billing_platform.as_deref().and_then(Platform::parse),
        row.billing_chat_id,
    ) else {
        return Ok(());
    };
    let key = format!("billing_notice:{}:{dedupe}", notice.kind());
    let job = Job::BillingNotice {
        account,
        destination: Destination { platform, chat_id },
        locale: row
            .billing_locale
            .as_deref()
            .and_then(Locale::from_tag)
            .unwrap_or_default(),
        notice,
    };
    jobs::enqueue(&mut *tx, &job, &key, Utc::now()).await?;
    Ok(())
}

/// `Job::BillingRecheck`: reads the subscription again and applies it (grace period over, or a
/// cancelled plan's period ended without an event reaching us).
pub async fn recheck(app: &App, account: AccountId, subscription: &str) -> anyhow::Result<()> {
    let Some(stripe) = &app.stripe else {
        return Ok(());
    };
    let sub = match stripe
        .subscription(subscription, &format!("recheck-{}", uuid::Uuid::new_v4()))
        .await
    {
        Ok(s) => s,
        Err(e) if crate::clients::stripe::is_missing(&e) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let mut tx = app.db.begin().await?;
    if let Some(applied) = apply_subscription(app, &mut tx, account, &sub, Utc::now()).await? {
        let dedupe = format!("recheck:{subscription}:{}", Utc::now().timestamp());
        after_change(app, &mut tx, &applied, &dedupe).await?;
    }
    tx.commit().await?;
    Ok(())
}
