//! Paid plans on Telegram, with Telegram Stars (currency XTR): a 30-day subscription invoice
//! link, the pre-checkout check of its payload, the plan granted until the subscription's
//! expiration date (renewals move it on), cancellation and operator refunds.
//!
//! The Bot API calls go through `StarsApi`, which the Telegram front end registers (only
//! `platforms/` speaks to Telegram).

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::app::App;
use crate::bot::{AccountId, Platform};
use crate::db;
use crate::domain::billing::notices::BillingNotice;
use crate::domain::plans::PlanName;
use crate::i18n::{Locale, Msg, msg};
use crate::jobs::{self, Job};

pub const CURRENCY: &str = "XTR";
/// Telegram's only subscription period: 30 days.
pub const SUBSCRIPTION_PERIOD_SECS: u32 = 2_592_000;
const PAYLOAD_PREFIX: &str = "plan";

/// The Bot API methods Stars need.
#[async_trait]
pub trait StarsApi: Send + Sync {
    /// `createInvoiceLink` in XTR with `subscription_period` 30 days.
    async fn invoice_link(
        &self,
        title: String,
        description: String,
        payload: String,
        stars: u32,
    ) -> anyhow::Result<String>;
    /// `editUserStarSubscription` (`is_canceled`).
    async fn cancel_subscription(&self, user_id: &str, charge_id: &str) -> anyhow::Result<()>;
    /// `refundStarPayment`.
    async fn refund(&self, user_id: &str, charge_id: &str) -> anyhow::Result<()>;
}

/// Where the Telegram front end registers its `StarsApi` (absent: no Telegram bot here).
#[derive(Default)]
pub struct StarsSlot(OnceLock<Arc<dyn StarsApi>>);

impl std::fmt::Debug for StarsSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StarsSlot")
    }
}

impl StarsSlot {
    pub fn register(&self, api: Arc<dyn StarsApi>) {
        // A second Telegram front end in one process would be the same bot: keep the first.
        let _ = self.0.set(api);
    }

    pub fn get(&self) -> Option<&Arc<dyn StarsApi>> {
        self.0.get()
    }
}

/// The invoice payload: what the payment is for, checked again at pre-checkout and payment.
pub fn payload(account: AccountId, plan: PlanName) -> String {
    format!("{PAYLOAD_PREFIX}:{}:{account}", plan.as_str())
}

fn parse_payload(payload: &str) -> Option<(PlanName, AccountId)> {
    let mut parts = payload.split(':');
    if parts.next()? != PAYLOAD_PREFIX {
        return None;
    }
    let plan = PlanName::parse(parts.next()?)?;
    let account = uuid::Uuid::parse_str(parts.next()?).ok()?;
    if parts.next().is_some() || plan == PlanName::Free {
        return None;
    }
    Some((plan, AccountId(account)))
}

/// What `/upgrade` on Telegram can offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Link(String),
    /// No Telegram bot in this process.
    NotConfigured,
    /// The plan has no `stars_per_month`.
    NotForSale,
    /// A Stars subscription already pays for this plan.
    AlreadySubscribed(PlanName),
}

pub async fn offer(
    app: &App,
    account: AccountId,
    plan: PlanName,
    chat_id: &str,
    locale: Locale,
) -> anyhow::Result<Offer> {
    let Some(api) = app.stars.get() else {
        return Ok(Offer::NotConfigured);
    };
    let Some(stars) = app.plans.limits(plan).stars_per_month else {
        return Ok(Offer::NotForSale);
    };
    let row = db::billing::get(&app.db, account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {account} vanished"))?;
    if row.plan_source.as_deref() == Some("stars")
        && row.plan == plan.as_str()
        && !row.plan_cancels_at_period_end
        && row.plan_renews_at.is_some_and(|at| at > Utc::now())
    {
        return Ok(Offer::AlreadySubscribed(plan));
    }
    db::billing::set_destination(
        &app.db,
        account,
        Platform::Telegram.as_str(),
        chat_id,
        locale.code(),
    )
    .await?;
    let name = app.i18n.tr(locale, &format!("plan-name-{}", plan.as_str()));
    let title = app.i18n.render(
        locale,
        &msg("stars-invoice-title").arg("plan", name.clone()),
    );
    let description = app
        .i18n
        .render(locale, &msg("stars-invoice-description").arg("plan", name));
    let link = api
        .invoice_link(title, description, payload(account, plan), stars)
        .await?;
    app.metrics
        .billing
        .checkouts_started
        .with_label_values(&[plan.as_str()])
        .inc();
    Ok(Offer::Link(link))
}

/// Whether a pre-checkout query may go on: our payload, for the account of the Telegram user who
/// pays, in XTR, at the plan's current price.
pub async fn pre_checkout(
    app: &App,
    telegram_user: &str,
    currency: &str,
    total: u32,
    payload: &str,
) -> anyhow::Result<bool> {
    Ok(check(app, telegram_user, currency, total, payload)
        .await?
        .is_some())
}

async fn check(
    app: &App,
    telegram_user: &str,
    currency: &str,
    total: u32,
    payload: &str,
) -> anyhow::Result<Option<(PlanName, AccountId)>> {
    let Some((plan, account)) = parse_payload(payload) else {
        return Ok(None);
    };
    if currency != CURRENCY || app.plans.limits(plan).stars_per_month != Some(total) {
        return Ok(None);
    }
    let payer = db::accounts::find_by_identity(&app.db, Platform::Telegram, telegram_user).await?;
    Ok(payer
        .is_some_and(|p| p.id == account.0)
        .then_some((plan, account)))
}

/// A `successful_payment` (first payment or renewal).
#[derive(Debug, Clone)]
pub struct Payment<'a> {
    pub telegram_user: &'a str,
    pub currency: &'a str,
    pub total: u32,
    pub payload: &'a str,
    pub charge_id: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    pub is_recurring: bool,
    pub is_first_recurring: bool,
}

/// Grants the plan until the subscription's expiration date; the sentence to answer with.
pub async fn paid(app: &App, payment: &Payment<'_>) -> anyhow::Result<Paid> {
    let Some((plan, account)) = check(
        app,
        payment.telegram_user,
        payment.currency,
        payment.total,
        payment.payload,
    )
    .await?
    else {
        // Pre-checkout refused anything like this; an operator can refund it (/ops refund).
        tracing::error!(
            charge = payment.charge_id,
            "a Stars payment does not match its payload; refund it by hand"
        );
        return Ok(Paid::Unknown(msg("stars-payment-unknown")));
    };
    let until = payment
        .expires_at
        .unwrap_or_else(|| Utc::now() + Duration::seconds(i64::from(SUBSCRIPTION_PERIOD_SECS)));
    let mut tx = app.db.begin().await?;
    let Some(before) = db::billing::lock(&mut *tx, account).await? else {
        anyhow::bail!("account {account} vanished before its Stars payment was applied");
    };
    // A renewal keeps the first charge's id: the one editUserStarSubscription takes.
    let charge = if payment.is_recurring && !payment.is_first_recurring {
        before
            .stars_charge_id
            .clone()
            .unwrap_or_else(|| payment.charge_id.to_owned())
    } else {
        payment.charge_id.to_owned()
    };
    db::billing::set_stars_plan(
        &mut *tx,
        account,
        plan.as_str(),
        until,
        &charge,
        payment.telegram_user,
    )
    .await?;
    let job = Job::StarsExpiry { account };
    let key = format!("stars_expiry:{account}:{}", until.timestamp());
    jobs::enqueue(&mut *tx, &job, &key, until + Duration::minutes(1)).await?;
    tx.commit().await?;
    if before.plan == PlanName::Free.as_str() {
        app.metrics
            .billing
            .conversions
            .with_label_values(&[plan.as_str()])
            .inc();
    }
    if !payment.is_recurring || payment.is_first_recurring {
        app.metrics.billing.checkouts_completed.inc();
    }
    // The language the creator asked for the invoice in.
    let locale = before
        .billing_locale
        .as_deref()
        .and_then(Locale::from_tag)
        .unwrap_or_default();
    let name = app.i18n.tr(locale, &format!("plan-name-{}", plan.as_str()));
    Ok(Paid::Granted(
        app.i18n.render(
            locale,
            &msg("stars-plan-active")
                .arg("plan", name)
                .arg("date", until.date_naive().to_string()),
        ),
    ))
}

/// What a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paid {
    /// The plan is granted: the sentence to say (in the language of the invoice).
    Granted(String),
    /// Not a payment of ours: say this (rendered in the payer's language).
    Unknown(Msg),
}

/// `Job::StarsExpiry`: the period ended without a renewal: back to free, nothing deleted.
pub async fn expire(app: &App, account: AccountId) -> anyhow::Result<()> {
    let mut tx = app.db.begin().await?;
    if let Some(plan) = db::billing::expire_stars(&mut *tx, account, Utc::now()).await? {
        app.metrics.billing.churn.with_label_values(&[&plan]).inc();
        let dedupe = format!("stars_expired:{account}:{}", Utc::now().timestamp());
        super::notify(app, &mut tx, account, BillingNotice::BackToFree, &dedupe).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What `/billing` on Telegram did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manage {
    /// Cancelled: the plan stays until this date.
    Cancelled(DateTime<Utc>),
    AlreadyCancelled(DateTime<Utc>),
    /// No live Stars subscription.
    None,
}

/// Cancels the account's Stars subscription (it runs to the end of the paid period).
pub async fn cancel(app: &App, account: AccountId) -> anyhow::Result<Manage> {
    let Some(row) = db::billing::get(&app.db, account).await? else {
        return Ok(Manage::None);
    };
    let (Some("stars"), Some(until), Some(charge), Some(user)) = (
        row.plan_source.as_deref(),
        row.plan_renews_at,
        row.stars_charge_id.as_deref(),
        row.stars_user_id.as_deref(),
    ) else {
        return Ok(Manage::None);
    };
    if row.plan == PlanName::Free.as_str() || until <= Utc::now() {
        return Ok(Manage::None);
    }
    if row.plan_cancels_at_period_end {
        return Ok(Manage::AlreadyCancelled(until));
    }
    let Some(api) = app.stars.get() else {
        anyhow::bail!("a Stars subscription is live but no Telegram bot runs here");
    };
    api.cancel_subscription(user, charge).await?;
    db::billing::set_stars_cancelled(&app.db, account).await?;
    Ok(Manage::Cancelled(until))
}

/// `/ops refund TELEGRAM_USER CHARGE_ID`: gives the Stars back (the plan ends with the refund).
pub async fn refund(app: &App, telegram_user: &str, charge_id: &str) -> anyhow::Result<bool> {
    let Some(api) = app.stars.get() else {
        return Ok(false);
    };
    api.refund(telegram_user, charge_id).await?;
    if let Some(row) =
        db::accounts::find_by_identity(&app.db, Platform::Telegram, telegram_user).await?
    {
        let account = AccountId(row.id);
        let mut tx = app.db.begin().await?;
        if let Some(b) = db::billing::lock(&mut *tx, account).await?
            && b.plan_source.as_deref() == Some("stars")
            && b.stars_charge_id.as_deref() == Some(charge_id)
        {
            db::billing::set_plan(
                &mut *tx,
                account,
                &db::billing::PlanState {
                    plan: PlanName::Free.as_str(),
                    source: Some("stars"),
                    subscription: b.stripe_subscription_id.as_deref(),
                    status: Some("refunded"),
                    renews_at: None,
                    cancels_at_period_end: false,
                    payment_failed_at: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_foreign_ones_are_refused() {
        let account = AccountId(uuid::Uuid::new_v4());
        assert_eq!(
            parse_payload(&payload(account, PlanName::Pro)),
            Some((PlanName::Pro, account))
        );
        assert!(payload(account, PlanName::Creator).len() <= 128);
        assert_eq!(parse_payload(&format!("plan:free:{account}")), None);
        assert_eq!(parse_payload("plan:pro:not-a-uuid"), None);
        assert_eq!(parse_payload(&format!("gift:pro:{account}")), None);
    }
}
