//! Telegram Stars through the Telegram front end against the fake Bot API: the invoice link of a
//! 30-day XTR subscription, pre-checkout (our payload, payer and price only), the payment
//! granting the plan until its expiration date, a renewal, cancellation with /billing, expiry
//! back to free, and an operator refund. Never a Stripe link.

use std::time::Duration;

use chrono::Utc;
use creatorpilot::bot::Platform;
use creatorpilot::domain::billing::stars;
use creatorpilot::platforms::Mode;
use serde_json::{Value, json};

use crate::telegram::fake::{Recorded, chat_json, private_text, user_json};
use crate::telegram::{fast, start};

const WAIT: Duration = Duration::from_secs(15);
const USER: i64 = 4242;

fn pre_checkout(id: &str, total: u32, payload: &str) -> Value {
    json!({ "pre_checkout_query": {
        "id": id,
        "from": user_json(USER, "en"),
        "currency": "XTR",
        "total_amount": total,
        "invoice_payload": payload,
    }})
}

fn payment(message_id: i64, payload: &str, charge: &str, expires: i64, first: bool) -> Value {
    json!({ "message": {
        "message_id": message_id,
        "date": Utc::now().timestamp(),
        "chat": chat_json(USER),
        "from": user_json(USER, "en"),
        "successful_payment": {
            "currency": "XTR",
            "total_amount": 250,
            "invoice_payload": payload,
            "subscription_expiration_date": expires,
            "is_recurring": true,
            "is_first_recurring": first,
            "telegram_payment_charge_id": charge,
            "provider_payment_charge_id": "",
        },
    }})
}

fn texts(sent: &[Recorded]) -> Vec<String> {
    sent.iter()
        .map(|r| r.params["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stars_invoice_pre_checkout_payment_renewal_cancel_expiry_and_refund() {
    let tg = start(&[("OPERATOR_IDS", "telegram:4242")], fast(), Mode::Full).await;
    let fake = &tg.fake;
    let t = &tg.t;
    crate::support::accept_policy(&t.db.pool, Platform::Telegram, &USER.to_string()).await;

    fake.push_update(private_text(USER, "en", "/upgrade creator"));
    let links = fake.wait_for("createinvoicelink", 1, WAIT).await;
    let p = &links[0].params;
    assert_eq!(p["currency"], "XTR");
    assert_eq!(p["subscription_period"], 2_592_000);
    assert_eq!(p["prices"][0]["amount"], 250);
    let payload = p["payload"].as_str().unwrap().to_owned();
    let account = super::account(t, Platform::Telegram, &USER.to_string()).await;
    assert_eq!(payload, format!("plan:creator:{account}"));
    let sent = fake.wait_for("sendmessage", 1, WAIT).await;
    let markup = sent[0].params["reply_markup"].to_string();
    assert!(markup.contains("https://t.me/$invoice"), "{markup}");
    assert!(
        !markup.contains("stripe") && !markup.contains("checkout"),
        "{markup}"
    );

    // Pre-checkout: yes for our payload at the plan's price, no otherwise.
    fake.push_update(pre_checkout("q1", 250, &payload));
    fake.push_update(pre_checkout("q2", 1, &payload));
    fake.push_update(pre_checkout(
        "q3",
        250,
        "plan:pro:00000000-0000-0000-0000-000000000000",
    ));
    let answers = fake.wait_for("answerprecheckoutquery", 3, WAIT).await;
    let verdict = |id: &str| {
        answers
            .iter()
            .find(|a| a.params["pre_checkout_query_id"] == id)
            .map(|a| a.params["ok"].clone())
            .unwrap()
    };
    assert_eq!(verdict("q1"), json!(true));
    assert_eq!(verdict("q2"), json!(false));
    assert_eq!(verdict("q3"), json!(false));

    // The payment grants the plan until the subscription's expiration date.
    let expires = (Utc::now() + chrono::Duration::days(30)).timestamp();
    fake.push_update(payment(9001, &payload, "ch_first", expires, true));
    let sent = fake.wait_for("sendmessage", 2, WAIT).await;
    let date = chrono::DateTime::from_timestamp(expires, 0)
        .unwrap()
        .date_naive()
        .to_string();
    assert!(texts(&sent)[1].contains(&date), "{:?}", texts(&sent));
    assert_eq!(super::plan(t, account).await, "creator");
    let metrics = t.app.metrics.render();
    assert!(
        metrics.contains("creatorpilot_billing_conversions_total{plan=\"creator\"} 1"),
        "{metrics}"
    );

    // /billing cancels the Stars subscription; the plan stays to the end of the period.
    fake.push_update(private_text(USER, "en", "/billing"));
    let edits = fake.wait_for("edituserstarsubscription", 1, WAIT).await;
    assert_eq!(edits[0].params["user_id"], USER);
    assert_eq!(edits[0].params["telegram_payment_charge_id"], "ch_first");
    assert_eq!(edits[0].params["is_canceled"], true);
    let sent = fake.wait_for("sendmessage", 3, WAIT).await;
    assert!(texts(&sent)[2].contains(&date), "{:?}", texts(&sent));
    assert_eq!(super::plan(t, account).await, "creator");

    // A renewal moves the end on and keeps the first charge's id.
    let later = (Utc::now() + chrono::Duration::days(60)).timestamp();
    fake.push_update(payment(9002, &payload, "ch_renewal", later, false));
    fake.wait_for("sendmessage", 4, WAIT).await;
    let charge: Option<String> =
        sqlx::query_scalar("SELECT stars_charge_id FROM users WHERE id = $1")
            .bind(account.0)
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
    assert_eq!(charge.as_deref(), Some("ch_first"));

    // An expiry job before the end changes nothing; once the period is over, back to free.
    stars::expire(&t.app, account).await.unwrap();
    assert_eq!(super::plan(t, account).await, "creator");
    sqlx::query("UPDATE users SET plan_renews_at = now() - interval '1 minute' WHERE id = $1")
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    stars::expire(&t.app, account).await.unwrap();
    assert_eq!(super::plan(t, account).await, "free");

    // An operator refunds the first payment.
    fake.push_update(payment(9003, &payload, "ch_first", later, true));
    fake.wait_for("sendmessage", 5, WAIT).await;
    assert_eq!(super::plan(t, account).await, "creator");
    fake.push_update(private_text(USER, "en", "/ops refund 4242 ch_first"));
    let refunds = fake.wait_for("refundstarpayment", 1, WAIT).await;
    assert_eq!(refunds[0].params["user_id"], USER);
    assert_eq!(refunds[0].params["telegram_payment_charge_id"], "ch_first");
    fake.wait_for("sendmessage", 6, WAIT).await;
    assert_eq!(super::plan(t, account).await, "free");
}
