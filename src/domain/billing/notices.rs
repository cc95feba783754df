//! The messages billing sends a creator through the job queue (`Job::BillingNotice`): plan
//! active, back to free, payment failed (with a link to fix the card, never on Telegram), trial
//! ending.

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::bot::{AccountId, Destination, Reply};
use crate::i18n::msg;

/// What a `Job::BillingNotice` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum BillingNotice {
    /// With a link to fix the card; the paid plan stays until `grace_until`.
    PaymentFailed {
        grace_until: chrono::NaiveDate,
    },
    TrialEnding {
        on: chrono::NaiveDate,
    },
    PlanActive {
        plan: crate::domain::plans::PlanName,
    },
    BackToFree,
}

impl BillingNotice {
    /// Part of its dedupe key: one event may cause several notices (plan active, trial ending).
    pub fn kind(&self) -> &'static str {
        match self {
            BillingNotice::PaymentFailed { .. } => "payment_failed",
            BillingNotice::TrialEnding { .. } => "trial_ending",
            BillingNotice::PlanActive { .. } => "plan_active",
            BillingNotice::BackToFree => "back_to_free",
        }
    }
}

/// The message of a billing notice; a failed payment gets a link to fix the card (never on
/// Telegram, where payments are Stars).
pub async fn reply(
    app: &App,
    account: AccountId,
    destination: &Destination,
    locale: crate::i18n::Locale,
    notice: &BillingNotice,
) -> anyhow::Result<Reply> {
    let plan_name = |p: crate::domain::plans::PlanName| {
        app.i18n.tr(locale, &format!("plan-name-{}", p.as_str()))
    };
    let text = match notice {
        BillingNotice::PaymentFailed { grace_until } => {
            msg("billing-payment-failed").arg("date", grace_until.to_string())
        }
        BillingNotice::TrialEnding { on } => {
            msg("billing-trial-ending").arg("date", on.to_string())
        }
        BillingNotice::PlanActive { plan } => {
            msg("billing-plan-active").arg("plan", plan_name(*plan))
        }
        BillingNotice::BackToFree => msg("billing-back-to-free"),
    };
    let mut reply = Reply::text(app.i18n.render(locale, &text));
    if matches!(notice, BillingNotice::PaymentFailed { .. })
        && let super::Portal::Link(url) =
            super::portal(app, account, destination.platform, locale).await?
    {
        reply = reply.button(crate::bot::Button::Link {
            label: app.i18n.tr(locale, "billing-fix-card"),
            url,
        });
    }
    Ok(reply)
}
