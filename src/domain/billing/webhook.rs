//! `POST /stripe/webhook`: the signature is checked on the raw body, each event id is applied
//! once (recorded in the transaction that applies it), and the plan comes from the
//! subscription as the Stripe API returns it now, so duplicates and any arrival order end the
//! same. Slow work (telling the creator) goes to the job queue; the answer comes at once.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::app::App;
use crate::bot::AccountId;
use crate::clients::stripe::Subscription;
use crate::db;
use crate::domain::billing::notices::BillingNotice;
use crate::domain::billing::signature;
use crate::domain::billing::{after_change, apply_subscription, notify};

/// The HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: &'static str,
}

const OK: Answer = Answer {
    status: 200,
    body: "ok",
};

/// Handles one delivery. 400: not from Stripe (nothing changes); 500: try again later.
pub async fn handle(app: &App, signature_header: Option<&str>, body: &[u8]) -> Answer {
    handle_at(app, signature_header, body, Utc::now()).await
}

pub async fn handle_at(
    app: &App,
    signature_header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Answer {
    let Some(secret) = &app.settings.stripe.webhook_secret else {
        return Answer {
            status: 404,
            body: "not configured",
        };
    };
    use secrecy::ExposeSecret;
    if let Err(e) = signature::verify(
        signature_header,
        body,
        secret.expose_secret(),
        now.timestamp(),
    ) {
        tracing::warn!(error = %e, "Stripe webhook refused");
        return Answer {
            status: 400,
            body: "bad signature",
        };
    }
    let Ok(event) = serde_json::from_slice::<Value>(body) else {
        return Answer {
            status: 400,
            body: "not json",
        };
    };
    let (Some(id), Some(kind)) = (
        event.get("id").and_then(Value::as_str),
        event.get("type").and_then(Value::as_str),
    ) else {
        return Answer {
            status: 400,
            body: "not an event",
        };
    };
    match process(app, id, kind, &event, now).await {
        Ok(()) => OK,
        Err(e) => {
            tracing::error!(error = ?e, event = id, kind, "Stripe event not applied; Stripe will retry");
            Answer {
                status: 500,
                body: "retry later",
            }
        }
    }
}

/// The object of the event, and the subscription it concerns.
fn subscription_of(kind: &str, object: &Value) -> Option<String> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    match kind {
        "checkout.session.completed" => text(object.get("subscription")),
        k if k.starts_with("customer.subscription.") => text(object.get("id")),
        "invoice.paid" | "invoice.payment_failed" => {
            text(object.get("subscription")).or_else(|| {
                // API 2026-09-30: the subscription is under the invoice's parent.
                text(
                    object
                        .pointer("/parent/subscription_details/subscription")
                        .or_else(|| object.pointer("/subscription_details/subscription")),
                )
            })
        }
        _ => None,
    }
}

async fn process(
    app: &App,
    id: &str,
    kind: &str,
    event: &Value,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if db::billing::event_seen(&app.db, id).await? {
        return Ok(());
    }
    let object = event.pointer("/data/object").unwrap_or(&Value::Null);
    let Some(subscription) = subscription_of(kind, object) else {
        // Not about a subscription we follow: recorded so a redelivery is recognised.
        db::billing::record_event(&app.db, id, kind).await?;
        return Ok(());
    };
    let Some(stripe) = &app.stripe else {
        anyhow::bail!("a Stripe event arrived but STRIPE_SECRET_KEY is not set");
    };
    // The truth is the subscription now, whatever this event's copy says.
    let sub: Subscription = match stripe
        .subscription(&subscription, &format!("event-{id}"))
        .await
    {
        Ok(s) => s,
        Err(e) if crate::clients::stripe::is_missing(&e) => {
            tracing::warn!(event = id, %subscription, "an event for an unknown subscription");
            db::billing::record_event(&app.db, id, kind).await?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let hint = object
        .get("client_reference_id")
        .and_then(Value::as_str)
        .or(sub.account.as_deref())
        .and_then(|a| uuid::Uuid::parse_str(a).ok());

    let mut tx = app.db.begin().await?;
    // Concurrent deliveries of one event queue here; the loser finds it recorded.
    if !db::billing::record_event(&mut *tx, id, kind).await? {
        return Ok(());
    }
    let Some(account) = db::billing::account_for(&mut *tx, &sub.id, hint, &sub.customer).await?
    else {
        tracing::warn!(event = id, subscription = %sub.id, "no account for this subscription");
        tx.commit().await?;
        return Ok(());
    };
    let applied = apply_subscription(app, &mut tx, account, &sub, now).await?;
    if let Some(applied) = &applied {
        after_change(app, &mut tx, applied, id).await?;
    }
    event_effects(app, &mut tx, account, kind, &sub, applied.as_ref(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// What an event says beyond the plan: counted and told once (its id is recorded with them).
async fn event_effects(
    app: &App,
    tx: &mut sqlx::PgConnection,
    account: AccountId,
    kind: &str,
    sub: &Subscription,
    applied: Option<&super::Applied>,
    id: &str,
) -> anyhow::Result<()> {
    let m = &app.metrics.billing;
    match kind {
        "checkout.session.completed" => {
            m.checkouts_completed.inc();
        }
        "invoice.payment_failed" => {
            m.payment_failures.inc();
            // Told once per run of failures: when the grace period starts.
            if let Some(until) = applied.and_then(|a| a.grace_until) {
                notify(
                    app,
                    tx,
                    account,
                    BillingNotice::PaymentFailed {
                        grace_until: until.date_naive(),
                    },
                    id,
                )
                .await?;
            }
        }
        "customer.subscription.trial_will_end" if app.plans.any_trial() => {
            if sub.status == "trialing"
                && let Some(end) = sub.trial_end.and_then(|t| {
                    chrono::TimeZone::timestamp_opt(&Utc, t, 0)
                        .single()
                        .map(|d| d.date_naive())
                })
            {
                notify(app, tx, account, BillingNotice::TrialEnding { on: end }, id).await?;
            }
        }
        _ => {}
    }
    Ok(())
}
