//! `POST /stripe/webhook`, signed exactly as Stripe documents (HMAC-SHA256 of `t.body`): forged,
//! stale and tampered deliveries change nothing; duplicates have their effect once; any arrival
//! order ends on the plan of the subscription's current state (the storm is in `billing::storm`).

use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use creatorpilot::bot::{AccountId, Button, Destination, Notifier, Platform, Reply, SendOutcome};
use creatorpilot::domain::billing::{signature, webhook};
use creatorpilot::i18n::{Locale, msg};
use serde_json::{Value, json};

use super::fake::{self, subscription};
use super::*;

pub(super) fn event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    json!({
        "id": id,
        "object": "event",
        "api_version": "2026-09-30.clover",
        "created": Utc::now().timestamp(),
        "livemode": false,
        "type": kind,
        "data": { "object": object },
    })
    .to_string()
    .into_bytes()
}

pub(super) fn completed(account: AccountId, customer: &str, sub: &str) -> Value {
    json!({
        "id": format!("cs_{sub}"),
        "object": "checkout.session",
        "mode": "subscription",
        "client_reference_id": account.to_string(),
        "customer": customer,
        "subscription": sub,
    })
}

/// An invoice in API 2026-09-30's shape: the subscription is under `parent`.
pub(super) fn invoice(sub: &str, customer: &str) -> Value {
    json!({
        "id": format!("in_{sub}"),
        "object": "invoice",
        "customer": customer,
        "parent": { "type": "subscription_details", "subscription_details": { "subscription": sub } },
    })
}

pub(super) async fn deliver(b: &Billing, body: &[u8]) -> u16 {
    deliver_at(b, body, Utc::now()).await
}

async fn deliver_at(b: &Billing, body: &[u8], at: chrono::DateTime<Utc>) -> u16 {
    let header = signature::header(body, WEBHOOK_SECRET, at.timestamp());
    webhook::handle_at(&b.t.app, Some(&header), body, at)
        .await
        .status
}

/// A console creator who opened Checkout (their customer exists, billing news goes to them).
async fn subscriber(b: &Billing, user: &str) -> (AccountId, String) {
    run(&b.t, Platform::Console, user, "/upgrade creator").await;
    let account = account(&b.t, Platform::Console, user).await;
    let customer: String = sqlx::query_scalar("SELECT stripe_customer_id FROM users WHERE id = $1")
        .bind(account.0)
        .fetch_one(&b.t.db.pool)
        .await
        .unwrap();
    (account, customer)
}

pub(super) fn in_days(days: i64) -> i64 {
    (Utc::now() + Duration::days(days)).timestamp()
}

pub(super) async fn count(b: &Billing, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&b.t.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn forged_stale_and_tampered_webhooks_change_nothing_and_a_signed_one_grants_the_plan() {
    let b = billing().await;
    let (account, customer) = subscriber(&b, "alex").await;
    let period_end = in_days(30);
    b.fake.set_subscription(
        "sub_1",
        &customer,
        &account.to_string(),
        "active",
        CREATOR_PRICE,
        period_end,
        false,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn(creatorpilot::web::serve(
        listener,
        creatorpilot::web::public_router(b.t.app.clone(), Default::default()),
        stop.clone(),
    ));
    let client = reqwest::Client::new();
    let post = |body: Vec<u8>, header: Option<String>| {
        let mut req = client.post(format!("{base}/stripe/webhook")).body(body);
        if let Some(h) = header {
            req = req.header("Stripe-Signature", h);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    let body = event(
        "evt_1",
        "checkout.session.completed",
        completed(account, &customer, "sub_1"),
    );
    let now = Utc::now().timestamp();

    let wrong_secret = signature::header(&body, "whsec_someone_else", now);
    assert_eq!(post(body.clone(), Some(wrong_secret)).await, 400);
    let stale = signature::header(&body, WEBHOOK_SECRET, now - 301);
    assert_eq!(post(body.clone(), Some(stale)).await, 400);
    let signed = signature::header(&body, WEBHOOK_SECRET, now);
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("sub_1", "sub_2")
        .into_bytes();
    assert_eq!(post(tampered, Some(signed.clone())).await, 400);
    assert_eq!(post(body.clone(), None).await, 400);
    assert_eq!(plan(&b.t, account).await, "free");
    assert_eq!(count(&b, "SELECT count(*) FROM stripe_events").await, 0);
    assert!(b.fake.calls_to("GET", "/v1/subscriptions/sub_1").is_empty());

    // Several v1 signatures (a secret being rolled): any one that matches passes.
    let rotated = format!(
        "t={now},v1={},v1={}",
        signature::sign(&body, "whsec_old", now),
        signature::sign(&body, WEBHOOK_SECRET, now)
    );
    assert_eq!(post(body.clone(), Some(rotated)).await, 200);
    assert_eq!(plan(&b.t, account).await, "creator");
    let retrieve = b.fake.calls_to("GET", "/v1/subscriptions/sub_1");
    assert_eq!(retrieve.len(), 1);
    assert_eq!(retrieve[0].idempotency_key.as_deref(), Some("event-evt_1"));

    let export = creatorpilot::domain::privacy::export_snapshot(&b.t.app.db, account)
        .await
        .unwrap();
    assert_eq!(export["account"]["plan_paid_with"], "stripe");
    assert!(export["account"]["plan_renews_at"].is_string());
    assert!(!export.to_string().contains("sk_test_fake"));

    // /plan shows the renewal date from the subscription item.
    let r = run(&b.t, Platform::Console, "alex", "/plan").await;
    let date = chrono::DateTime::from_timestamp(period_end, 0)
        .unwrap()
        .date_naive()
        .to_string();
    assert!(
        r.texts()[0].contains(&say(Locale::En, msg("plan-renews").arg("date", date))),
        "{:?}",
        r.texts()
    );
    let metrics = b.t.app.metrics.render();
    assert!(
        metrics.contains("creatorpilot_billing_checkouts_completed_total 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("creatorpilot_billing_conversions_total{plan=\"creator\"} 1"),
        "{metrics}"
    );
    // The return pages are localized.
    let page = client
        .get(format!("{base}/billing/done?lang=fr"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Paiement reçu"), "{page}");
    stop.cancel();
}

/// Records proactive sends.
#[derive(Default)]
struct Sent(Mutex<Vec<(Destination, Reply)>>);

#[async_trait::async_trait]
impl Notifier for Sent {
    async fn send(&self, destination: &Destination, reply: Reply) -> SendOutcome {
        self.0.lock().unwrap().push((destination.clone(), reply));
        SendOutcome::Delivered
    }
}

async fn drain(b: &Billing) {
    let config = creatorpilot::jobs::WorkerConfig {
        idle_poll: std::time::Duration::from_millis(10),
        lease: std::time::Duration::from_secs(60),
    };
    let stop = tokio_util::sync::CancellationToken::new();
    while creatorpilot::jobs::run_one(&b.t.app, "w", &config, &stop)
        .await
        .unwrap()
    {}
}

#[tokio::test]
async fn a_failed_payment_is_told_once_with_a_card_link_and_the_plan_ends_after_the_grace_period() {
    let b = billing().await;
    let sent = Arc::new(Sent::default());
    b.t.app.notifiers.register(Platform::Console, sent.clone());
    let (account, customer) = subscriber(&b, "alex").await;
    let acc = account.to_string();
    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "active",
        PRO_PRICE,
        in_days(30),
        false,
    );
    let paid = event("evt_paid", "invoice.paid", invoice("sub_1", &customer));
    assert_eq!(deliver(&b, &paid).await, 200);
    assert_eq!(plan(&b.t, account).await, "pro");

    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "past_due",
        PRO_PRICE,
        in_days(30),
        false,
    );
    let failed = event(
        "evt_failed",
        "invoice.payment_failed",
        invoice("sub_1", &customer),
    );
    // Delivered twice: the effect (a notice, a count) happens once.
    assert_eq!(deliver(&b, &failed).await, 200);
    assert_eq!(deliver(&b, &failed).await, 200);
    assert_eq!(
        plan(&b.t, account).await,
        "pro",
        "the grace period keeps the plan"
    );
    drain(&b).await;
    let sent = sent.0.lock().unwrap().clone();
    let texts: Vec<String> = sent.iter().map(|(_, r)| r.blocks.join("\n")).collect();
    let grace_end = (Utc::now() + Duration::days(7)).date_naive().to_string();
    assert_eq!(
        texts,
        vec![
            say(Locale::En, msg("billing-plan-active").arg("plan", "Pro")),
            say(
                Locale::En,
                msg("billing-payment-failed").arg("date", grace_end)
            ),
        ]
    );
    assert_eq!(sent[1].0.platform, Platform::Console);
    assert_eq!(
        sent[1].1.buttons,
        vec![Button::Link {
            label: "Update my card".into(),
            url: fake::PORTAL_URL.into(),
        }]
    );
    let metrics = b.t.app.metrics.render();
    assert!(
        metrics.contains("creatorpilot_billing_payment_failures_total 1"),
        "{metrics}"
    );

    // Stripe retries the charge and fails again eight days later: the grace period is over.
    let again = event(
        "evt_failed_2",
        "invoice.payment_failed",
        invoice("sub_1", &customer),
    );
    assert_eq!(
        deliver_at(&b, &again, Utc::now() + Duration::days(8)).await,
        200
    );
    assert_eq!(plan(&b.t, account).await, "free");
    let metrics = b.t.app.metrics.render();
    assert!(
        metrics.contains("creatorpilot_billing_churn_total{plan=\"pro\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn updated_before_created_ends_on_the_current_plan() {
    let b = billing().await;
    let (account, customer) = subscriber(&b, "alex").await;
    let acc = account.to_string();
    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "active",
        PRO_PRICE,
        in_days(30),
        false,
    );
    let updated = subscription(
        "sub_1",
        &customer,
        &acc,
        "active",
        PRO_PRICE,
        in_days(30),
        false,
    );
    let created = subscription(
        "sub_1",
        &customer,
        &acc,
        "incomplete",
        CREATOR_PRICE,
        in_days(30),
        false,
    );
    let e1 = event("evt_u", "customer.subscription.updated", updated);
    let e2 = event("evt_c", "customer.subscription.created", created);
    assert_eq!(deliver(&b, &e1).await, 200);
    assert_eq!(deliver(&b, &e2).await, 200);
    assert_eq!(plan(&b.t, account).await, "pro");
}

#[tokio::test]
async fn deleted_before_updated_ends_free_and_keeps_everything() {
    let b = billing().await;
    let (account, customer) = subscriber(&b, "alex").await;
    let acc = account.to_string();
    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "active",
        CREATOR_PRICE,
        in_days(30),
        false,
    );
    let start = event(
        "evt_c",
        "customer.subscription.created",
        subscription(
            "sub_1",
            &customer,
            &acc,
            "active",
            CREATOR_PRICE,
            in_days(30),
            false,
        ),
    );
    assert_eq!(deliver(&b, &start).await, 200);
    assert_eq!(plan(&b.t, account).await, "creator");
    run(
        &b.t,
        Platform::Console,
        "alex",
        "/deal add brand=Nord amount=100 delivery=2030-01-01",
    )
    .await;
    let deals = count(&b, "SELECT count(*) FROM partnerships").await;

    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "canceled",
        CREATOR_PRICE,
        in_days(30),
        false,
    );
    let deleted = event(
        "evt_d",
        "customer.subscription.deleted",
        subscription(
            "sub_1",
            &customer,
            &acc,
            "canceled",
            CREATOR_PRICE,
            in_days(30),
            false,
        ),
    );
    // The stale update (sent before the deletion, arriving after) says active.
    let updated = event(
        "evt_u",
        "customer.subscription.updated",
        subscription(
            "sub_1",
            &customer,
            &acc,
            "active",
            CREATOR_PRICE,
            in_days(30),
            true,
        ),
    );
    assert_eq!(deliver(&b, &deleted).await, 200);
    assert_eq!(deliver(&b, &updated).await, 200);
    assert_eq!(plan(&b.t, account).await, "free");
    assert_eq!(count(&b, "SELECT count(*) FROM partnerships").await, deals);
    // An old, ended subscription's late event never takes a newer paid plan away.
    b.fake.set_subscription(
        "sub_2",
        &customer,
        &acc,
        "active",
        PRO_PRICE,
        in_days(30),
        false,
    );
    let e = event(
        "evt_2",
        "customer.subscription.created",
        subscription(
            "sub_2",
            &customer,
            &acc,
            "active",
            PRO_PRICE,
            in_days(30),
            false,
        ),
    );
    assert_eq!(deliver(&b, &e).await, 200);
    let late = event(
        "evt_late",
        "customer.subscription.deleted",
        subscription(
            "sub_1",
            &customer,
            &acc,
            "canceled",
            CREATOR_PRICE,
            in_days(30),
            false,
        ),
    );
    assert_eq!(deliver(&b, &late).await, 200);
    assert_eq!(plan(&b.t, account).await, "pro");
}

#[tokio::test]
async fn forget_cancels_the_live_subscription_first_and_says_so() {
    let b = billing().await;
    let (account, customer) = subscriber(&b, "alex").await;
    let acc = account.to_string();
    b.fake.set_subscription(
        "sub_1",
        &customer,
        &acc,
        "active",
        CREATOR_PRICE,
        in_days(30),
        false,
    );
    let e = event(
        "evt_c",
        "checkout.session.completed",
        completed(account, &customer, "sub_1"),
    );
    assert_eq!(deliver(&b, &e).await, 200);
    let r = run(&b.t, Platform::Console, "alex", "/forget").await;
    let confirm = r.last_action_ids()[0].clone();
    let r = press(&b.t, Platform::Console, "alex", &confirm).await;
    assert!(
        r.texts()[0].contains(&say(Locale::En, msg("forget-cancelled-subscription"))),
        "{:?}",
        r.texts()
    );
    let cancels = b.fake.calls_to("DELETE", "/v1/subscriptions/sub_1");
    assert_eq!(cancels.len(), 1);
    assert_eq!(cancels[0].idempotency_key.as_deref(), Some("forget-sub_1"));
    assert_eq!(count(&b, "SELECT count(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_trial_is_offered_at_checkout_and_its_end_is_announced() {
    let b = billing_plans("trial_days = 14\n", &[]).await;
    let sent = Arc::new(Sent::default());
    b.t.app.notifiers.register(Platform::Console, sent.clone());
    let r = run(&b.t, Platform::Console, "alex", "/upgrade creator").await;
    assert_eq!(
        r.texts(),
        vec![say(
            Locale::En,
            msg("upgrade-open-trial")
                .arg("plan", "Creator")
                .arg("days", 14_i64)
        )]
    );
    let session = &b.fake.calls_to("POST", "/v1/checkout/sessions")[0];
    assert_eq!(
        session
            .form
            .get("subscription_data[trial_period_days]")
            .map(String::as_str),
        Some("14")
    );
    let account = account(&b.t, Platform::Console, "alex").await;
    let customer = "cus_test_1";
    let acc = account.to_string();
    let trial_end = in_days(3);
    b.fake.set_subscription(
        "sub_1",
        customer,
        &acc,
        "trialing",
        CREATOR_PRICE,
        trial_end,
        false,
    );
    let object = subscription(
        "sub_1",
        customer,
        &acc,
        "trialing",
        CREATOR_PRICE,
        trial_end,
        false,
    );
    let e = event("evt_t", "customer.subscription.trial_will_end", object);
    assert_eq!(deliver(&b, &e).await, 200);
    assert_eq!(
        plan(&b.t, account).await,
        "creator",
        "a trial gives the plan"
    );
    drain(&b).await;
    let date = chrono::DateTime::from_timestamp(trial_end, 0)
        .unwrap()
        .date_naive()
        .to_string();
    let texts: Vec<String> = sent
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, r)| r.blocks.join("\n"))
        .collect();
    assert!(
        texts.contains(&say(
            Locale::En,
            msg("billing-trial-ending").arg("date", date.clone())
        )),
        "{texts:?}"
    );
    // /plan says until when the trial runs.
    let r = run(&b.t, Platform::Console, "alex", "/plan").await;
    assert!(
        r.texts()[0].contains(&say(Locale::En, msg("plan-trial-ends").arg("date", date))),
        "{:?}",
        r.texts()
    );
}

/// The "done when": a creator at the ideas limit on Telegram, linked to Discord, pays
/// with Stripe from Discord; once the payment event arrives, brainstorming works again on
/// Telegram too (one account, one entitlement).
#[tokio::test]
async fn paying_on_discord_lifts_the_limit_on_the_linked_telegram_identity() {
    let ai = crate::ai::fake::FakeAi::start(vec![]).await;
    let b = billing_with(&[
        ("OPENAI_BASE_URL", ai.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
    ])
    .await;
    at_ideas_limit(&b, Platform::Telegram, "100").await;
    let refused = run(&b.t, Platform::Telegram, "100", "/ideas cooking").await;
    assert_eq!(
        refused.texts(),
        vec![say(
            Locale::En,
            msg("ideas-plan-limit").arg("limit", 10_i64)
        )]
    );

    // Link Discord into the Telegram account, then upgrade from Discord.
    let issued = run(&b.t, Platform::Telegram, "100", "/link")
        .await
        .texts()
        .join("\n");
    let code = issued
        .split("code: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no code in {issued}"))
        .to_owned();
    run(&b.t, Platform::Discord, "42", &format!("/link {code}")).await;
    let account = account(&b.t, Platform::Telegram, "100").await;
    assert_eq!(account, super::account(&b.t, Platform::Discord, "42").await);
    run(&b.t, Platform::Discord, "42", "/upgrade creator").await;
    let customer: String = sqlx::query_scalar("SELECT stripe_customer_id FROM users WHERE id = $1")
        .bind(account.0)
        .fetch_one(&b.t.db.pool)
        .await
        .unwrap();
    b.fake.set_subscription(
        "sub_linked",
        &customer,
        &account.to_string(),
        "active",
        CREATOR_PRICE,
        in_days(30),
        false,
    );
    let body = event(
        "evt_linked",
        "checkout.session.completed",
        completed(account, &customer, "sub_linked"),
    );
    assert_eq!(deliver(&b, &body).await, 200);
    assert_eq!(plan(&b.t, account).await, "creator");

    // Back on Telegram: the model is asked again (nothing refused at the limit).
    let r = run(&b.t, Platform::Telegram, "100", "/ideas cooking").await;
    assert_ne!(
        r.texts(),
        vec![say(
            Locale::En,
            msg("ideas-plan-limit").arg("limit", 10_i64)
        )]
    );
    assert_eq!(ai.requests().len(), 1, "{:?}", r.texts());
}
