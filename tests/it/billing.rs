//! Paid plans through Stripe against a fake Stripe API on 127.0.0.1: /upgrade, /billing, the
//! upgrade button at a limit, /plan's renewal date, /forget cancelling first; the signed webhook
//! is in `billing::webhooks`, Telegram Stars in `billing::stars`.

mod fake;
mod stars;
mod storm;
mod webhooks;

use std::sync::Arc;

use creatorpilot::bot::{Button, Input, Platform};
use creatorpilot::i18n::{Locale, msg};

use crate::engine::{Recorder, send_on};
use crate::support::*;

pub const WEBHOOK_SECRET: &str = "whsec_test_secret";
pub const CREATOR_PRICE: &str = "price_creator_test";
pub const PRO_PRICE: &str = "price_pro_test";

/// The application with Stripe pointed at a fresh fake, and plans that have prices.
pub struct Billing {
    pub t: TestApp,
    pub fake: Arc<fake::Fake>,
    _plans: tempfile::TempDir,
}

pub async fn billing_with(extra: &[(&str, &str)]) -> Billing {
    billing_plans("", extra).await
}

/// As `billing_with`, with `creator_extra` lines added to the creator plan (a trial, say).
pub async fn billing_plans(creator_extra: &str, extra: &[(&str, &str)]) -> Billing {
    let (fake, base) = fake::start().await;
    let plans = tempfile::tempdir().unwrap();
    let path = plans.path().join("plans.toml");
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans.toml")).unwrap();
    std::fs::write(
        &path,
        shipped
            .replacen(
                "[creator]\n",
                &format!("[creator]\nstripe_price_id = \"{CREATOR_PRICE}\"\n{creator_extra}"),
                1,
            )
            .replacen(
                "[pro]\n",
                &format!("[pro]\nstripe_price_id = \"{PRO_PRICE}\"\n"),
                1,
            ),
    )
    .unwrap();
    let mut vars = vec![
        ("STRIPE_API_URL", base.as_str()),
        ("STRIPE_SECRET_KEY", "sk_test_fake"),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("PUBLIC_URL", "http://127.0.0.1:8080"),
        ("PLANS_FILE", path.to_str().unwrap()),
    ];
    vars.extend_from_slice(extra);
    Billing {
        t: app_with(&vars).await,
        fake,
        _plans: plans,
    }
}

pub async fn billing() -> Billing {
    billing_with(&[]).await
}

/// Runs a line as `user` on `platform`, in their DM, as a creator who accepted the privacy
/// policy (see `channels::say_on`).
pub async fn run(t: &TestApp, platform: Platform, user: &str, line: &str) -> Recorder {
    crate::channels::say_on(t, platform, user, line).await
}

pub async fn press(t: &TestApp, platform: Platform, user: &str, id: &str) -> Recorder {
    send_on(t, platform, user, user, Input::Button(id.into())).await
}

/// A creator who accepted the privacy policy.
pub async fn account(t: &TestApp, platform: Platform, user: &str) -> creatorpilot::bot::AccountId {
    crate::support::accept_policy(&t.db.pool, platform, user).await
}

pub async fn plan(t: &TestApp, account: creatorpilot::bot::AccountId) -> String {
    sqlx::query_scalar("SELECT plan FROM users WHERE id = $1")
        .bind(account.0)
        .fetch_one(&t.db.pool)
        .await
        .unwrap()
}

fn links(r: &Recorder) -> Vec<(String, String)> {
    r.replies
        .lock()
        .unwrap()
        .iter()
        .flat_map(|reply| reply.buttons.clone())
        .filter_map(|b| match b {
            Button::Link { label, url } => Some((label, url)),
            Button::Action { .. } => None,
        })
        .collect()
}

fn say(locale: Locale, m: creatorpilot::i18n::Msg) -> String {
    creatorpilot::i18n::I18n::load().unwrap().render(locale, &m)
}

#[tokio::test]
async fn upgrade_opens_a_checkout_session_with_one_reused_customer() {
    let b = billing().await;
    let r = run(&b.t, Platform::Console, "alex", "/upgrade creator").await;
    assert_eq!(
        r.texts(),
        vec![say(Locale::En, msg("upgrade-open").arg("plan", "Creator"))]
    );
    assert_eq!(
        links(&r),
        vec![(
            "Subscribe to Creator".to_owned(),
            fake::CHECKOUT_URL.to_owned()
        )]
    );
    let account = account(&b.t, Platform::Console, "alex").await;

    let customers = b.fake.calls_to("POST", "/v1/customers");
    assert_eq!(customers.len(), 1);
    assert_eq!(
        customers[0].form.get("metadata[account_id]"),
        Some(&account.to_string())
    );
    assert_eq!(
        customers[0].idempotency_key.as_deref(),
        Some(format!("customer-{account}").as_str())
    );
    assert_eq!(
        customers[0].authorization.as_deref(),
        Some("Bearer sk_test_fake")
    );
    let sessions = b.fake.calls_to("POST", "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    let form = &sessions[0].form;
    let field = |k: &str| form.get(k).map(String::as_str);
    assert_eq!(field("mode"), Some("subscription"));
    assert_eq!(field("customer"), Some("cus_test_1"));
    assert_eq!(
        field("client_reference_id"),
        Some(account.to_string().as_str())
    );
    assert_eq!(field("line_items[0][price]"), Some(CREATOR_PRICE));
    assert_eq!(field("line_items[0][quantity]"), Some("1"));
    assert_eq!(
        field("subscription_data[metadata][account_id]"),
        Some(account.to_string().as_str())
    );
    assert_eq!(
        field("success_url"),
        Some("http://127.0.0.1:8080/billing/done?lang=en")
    );
    assert_eq!(
        field("cancel_url"),
        Some("http://127.0.0.1:8080/billing/cancelled?lang=en")
    );
    assert!(
        sessions[0]
            .idempotency_key
            .as_deref()
            .is_some_and(|k| k.starts_with(&format!("checkout-{account}-"))),
        "{:?}",
        sessions[0].idempotency_key
    );

    // Again, in French, for pro: the same customer, a new session with its own key.
    run(&b.t, Platform::Console, "alex", "/language fr").await;
    let r = run(&b.t, Platform::Console, "alex", "/upgrade pro").await;
    assert_eq!(
        r.texts(),
        vec![say(Locale::Fr, msg("upgrade-open").arg("plan", "Pro"))]
    );
    assert_eq!(b.fake.calls_to("POST", "/v1/customers").len(), 1);
    let sessions = b.fake.calls_to("POST", "/v1/checkout/sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[1].form.get("customer").unwrap(), "cus_test_1");
    assert_eq!(sessions[1].form.get("locale").unwrap(), "fr");
    assert_eq!(
        sessions[1].form.get("line_items[0][price]").unwrap(),
        PRO_PRICE
    );
    assert_ne!(sessions[0].idempotency_key, sessions[1].idempotency_key);
    let metrics = b.t.app.metrics.render();
    assert!(
        metrics.contains("creatorpilot_billing_checkouts_started_total{plan=\"creator\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn without_a_secret_key_payments_are_said_to_be_unconfigured() {
    let t = app().await;
    let r = run(&t, Platform::Console, "alex", "/upgrade").await;
    assert_eq!(
        r.texts(),
        vec![say(Locale::En, msg("upgrade-not-configured"))]
    );
    let r = run(&t, Platform::Console, "alex", "/billing").await;
    assert_eq!(
        r.texts(),
        vec![say(Locale::En, msg("billing-not-configured"))]
    );
}

#[tokio::test]
async fn telegram_never_gets_a_stripe_link() {
    let b = billing().await;
    let r = run(&b.t, Platform::Telegram, "42", "/upgrade creator").await;
    // No Telegram bot in this process: no Stars invoice either.
    assert_eq!(
        r.texts(),
        vec![say(Locale::En, msg("stars-not-configured"))]
    );
    let r = run(&b.t, Platform::Telegram, "42", "/billing").await;
    assert_eq!(r.texts(), vec![say(Locale::En, msg("billing-stars-none"))]);
    assert!(b.fake.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn billing_opens_the_portal_once_there_is_a_customer() {
    let b = billing().await;
    let r = run(&b.t, Platform::Discord, "7", "/billing").await;
    assert_eq!(r.texts(), vec![say(Locale::En, msg("billing-no-customer"))]);
    run(&b.t, Platform::Discord, "7", "/upgrade").await;
    let r = run(&b.t, Platform::Discord, "7", "/billing").await;
    assert_eq!(
        links(&r),
        vec![(
            "Manage my subscription".to_owned(),
            fake::PORTAL_URL.to_owned()
        )]
    );
    let calls = b.fake.calls_to("POST", "/v1/billing_portal/sessions");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].form.get("customer").unwrap(), "cus_test_1");
    assert_eq!(
        calls[0].form.get("return_url").unwrap(),
        "http://127.0.0.1:8080/billing/return?lang=en"
    );
    assert!(calls[0].idempotency_key.is_some());
}

#[tokio::test]
async fn at_the_ideas_limit_the_refusal_has_an_upgrade_button_that_opens_checkout() {
    let ai = crate::ai::fake::FakeAi::start(vec![]).await;
    let b = billing_with(&[
        ("OPENAI_BASE_URL", ai.base_url.as_str()),
        ("OPENAI_API_KEY", "sk-test"),
    ])
    .await;
    at_ideas_limit(&b, Platform::Console, "alex").await;
    let r = run(&b.t, Platform::Console, "alex", "/ideas cooking").await;
    assert_eq!(
        r.texts(),
        vec![say(
            Locale::En,
            msg("ideas-plan-limit").arg("limit", 10_i64)
        )]
    );
    assert!(ai.requests().is_empty(), "the model was asked at the limit");
    let labels: Vec<String> = r.replies.lock().unwrap()[0]
        .buttons
        .iter()
        .map(|b| match b {
            Button::Action { label, .. } | Button::Link { label, .. } => label.clone(),
        })
        .collect();
    assert_eq!(labels, vec!["Upgrade".to_owned()]);
    let ids = r.last_action_ids();
    let r = press(&b.t, Platform::Console, "alex", &ids[0]).await;
    assert_eq!(
        links(&r),
        vec![(
            "Subscribe to Creator".to_owned(),
            fake::CHECKOUT_URL.to_owned()
        )]
    );
    assert_eq!(
        b.fake.calls_to("POST", "/v1/checkout/sessions")[0]
            .form
            .get("line_items[0][price]")
            .unwrap(),
        CREATOR_PRICE
    );

    // On Telegram the same refusal has no button: payments there are Stars.
    at_ideas_limit(&b, Platform::Telegram, "99").await;
    let r = run(&b.t, Platform::Telegram, "99", "/ideas cooking").await;
    assert!(r.replies.lock().unwrap()[0].buttons.is_empty());
}

/// An account of `user` on `platform` with channels to brainstorm on and the month's ten ideas
/// spent.
async fn at_ideas_limit(b: &Billing, platform: Platform, user: &str) {
    let account = account(&b.t, platform, user).await;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    creatorpilot::domain::channels::demo::load(&b.t.db.pool, account, yesterday)
        .await
        .unwrap();
    for _ in 0..10 {
        creatorpilot::domain::plans::reserve(
            &b.t.app.db,
            &b.t.app.plans,
            account,
            creatorpilot::domain::plans::Feature::Ideas,
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn at_the_invoice_limit_discord_gets_an_upgrade_button_and_no_invoice() {
    let b = billing().await;
    run(&b.t, Platform::Discord, "7", crate::invoices::FR_PROFILE).await;
    run(&b.t, Platform::Discord, "7", &crate::invoices::deal_line()).await;
    let account = account(&b.t, Platform::Discord, "7").await;
    for _ in 0..2 {
        creatorpilot::domain::plans::reserve(
            &b.t.app.db,
            &b.t.app.plans,
            account,
            creatorpilot::domain::plans::Feature::Invoices,
        )
        .await
        .unwrap();
    }
    let r = run(&b.t, Platform::Discord, "7", "/invoice create 1").await;
    assert_eq!(
        r.texts(),
        vec![say(
            Locale::En,
            msg("invoice-plan-limit").arg("limit", 2_i64)
        )]
    );
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&b.t.db.pool)
        .await
        .unwrap();
    assert_eq!(invoices, 0);
    let ids = r.last_action_ids();
    let r = press(&b.t, Platform::Discord, "7", &ids[0]).await;
    assert_eq!(
        links(&r),
        vec![(
            "Subscribe to Creator".to_owned(),
            fake::CHECKOUT_URL.to_owned()
        )]
    );
}

/// Held limits (history depth here; connections and digest destinations share the path) offer
/// the same Upgrade button as monthly ones.
#[tokio::test]
async fn a_history_limit_offers_the_upgrade_button_too() {
    let b = billing_with(&[]).await;
    account(&b.t, Platform::Console, "alex").await;
    let r = run(&b.t, Platform::Console, "alex", "/stats 90d").await;
    assert!(
        r.texts()[0].starts_with("Your Free plan keeps 28 days of history"),
        "{:?}",
        r.texts()
    );
    let ids = r.last_action_ids();
    assert_eq!(ids.len(), 1, "one Upgrade button");
    let r = press(&b.t, Platform::Console, "alex", &ids[0]).await;
    assert_eq!(links(&r)[0].1, fake::CHECKOUT_URL);
}
