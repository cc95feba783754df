//! A storm: 500 signed webhook deliveries (450 events, 50 duplicates) shuffled and delivered
//! eight at a time; every account ends on its subscription's plan, each event applied once.

use std::sync::Arc;

use creatorpilot::bot::Platform;
use futures_util::StreamExt;
use rand::SeedableRng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::fake::subscription;
use super::webhooks::{completed, count, deliver, event, in_days, invoice};
use super::*;

/// 50 accounts, 450 events (9 each, payloads with random stale statuses) plus 50 duplicates,
/// shuffled and delivered 8 at a time: every account ends on its subscription's plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_shuffled_duplicated_events_leaves_every_account_on_the_right_plan() {
    let b = billing().await;
    let finals = [
        ("active", CREATOR_PRICE, "creator"),
        ("active", PRO_PRICE, "pro"),
        ("canceled", CREATOR_PRICE, "free"),
        ("past_due", PRO_PRICE, "pro"),
        ("unpaid", CREATOR_PRICE, "free"),
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let statuses = ["incomplete", "trialing", "active", "past_due", "canceled"];
    let mut accounts = Vec::new();
    let mut bodies = Vec::new();
    for i in 0..50 {
        let account = account(&b.t, Platform::Console, &format!("u{i}")).await;
        let customer = format!("cus_storm_{i}");
        creatorpilot::db::billing::set_customer(&b.t.app.db, account, &customer)
            .await
            .unwrap();
        let sub = format!("sub_storm_{i}");
        let acc = account.to_string();
        let (status, price, expected) = finals[i % finals.len()];
        b.fake
            .set_subscription(&sub, &customer, &acc, status, price, in_days(20), false);
        accounts.push((account, expected));
        let stale = |rng: &mut rand::rngs::StdRng| {
            let s = statuses.choose(rng).unwrap();
            subscription(&sub, &customer, &acc, s, CREATOR_PRICE, in_days(20), false)
        };
        let kinds = [
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.updated",
            "customer.subscription.updated",
            "customer.subscription.deleted",
        ];
        for (n, kind) in kinds.iter().enumerate() {
            bodies.push(event(&format!("evt_{i}_{n}"), kind, stale(&mut rng)));
        }
        bodies.push(event(
            &format!("evt_{i}_5"),
            "checkout.session.completed",
            completed(account, &customer, &sub),
        ));
        bodies.push(event(
            &format!("evt_{i}_6"),
            "invoice.paid",
            invoice(&sub, &customer),
        ));
        bodies.push(event(
            &format!("evt_{i}_7"),
            "invoice.paid",
            invoice(&sub, &customer),
        ));
        bodies.push(event(
            &format!("evt_{i}_8"),
            "invoice.payment_failed",
            invoice(&sub, &customer),
        ));
    }
    assert_eq!(bodies.len(), 450);
    let duplicates: Vec<Vec<u8>> = bodies.choose_multiple(&mut rng, 50).cloned().collect();
    bodies.extend(duplicates);
    bodies.shuffle(&mut rng);

    let started = std::time::Instant::now();
    let b = Arc::new(b);
    let statuses: Vec<u16> = futures_util::stream::iter(bodies.into_iter().map(|body| {
        let b = b.clone();
        async move { deliver(&b, &body).await }
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    for (account, expected) in &accounts {
        assert_eq!(plan(&b.t, *account).await, *expected, "{account}");
    }
    assert_eq!(count(&b, "SELECT count(*) FROM stripe_events").await, 450);
}
