//! Plan limits: reserve and release under concurrency.

use creatorpilot::bot::Platform;
use creatorpilot::domain::accounts;
use creatorpilot::domain::plans::{self, Feature, Reservation};

use crate::support::*;

#[tokio::test]
async fn twenty_parallel_requests_at_a_limit_of_ten_give_exactly_ten() {
    let t = app().await;
    assert_eq!(
        t.app.plans.free.ideas_per_month, 10,
        "the shipped free plan"
    );
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;

    let mut tasks = Vec::new();
    for _ in 0..20 {
        let app = t.app.clone();
        tasks.push(tokio::spawn(async move {
            plans::reserve(&app.db, &app.plans, account, Feature::Ideas)
                .await
                .unwrap()
        }));
    }
    let mut granted = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), Reservation::Granted { .. }) {
            granted += 1;
        }
    }
    assert_eq!(granted, 10);

    // Releasing one (the work failed) makes room for exactly one more.
    plans::release(&t.app.db, account, Feature::Ideas)
        .await
        .unwrap();
    assert_eq!(
        plans::reserve(&t.app.db, &t.app.plans, account, Feature::Ideas)
            .await
            .unwrap(),
        Reservation::Granted {
            used: 10,
            limit: 10
        }
    );
    assert_eq!(
        plans::reserve(&t.app.db, &t.app.plans, account, Feature::Ideas)
            .await
            .unwrap(),
        Reservation::AtLimit { limit: 10 }
    );
}

#[tokio::test]
async fn plans_file_overrides_the_shipped_limits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.toml");
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/plans.toml")).unwrap();
    std::fs::write(
        &path,
        shipped.replacen("ideas_per_month = 10", "ideas_per_month = 3", 1),
    )
    .unwrap();
    let t = app_with(&[("PLANS_FILE", path.to_str().unwrap())]).await;
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    let mut granted = 0;
    for _ in 0..5 {
        if matches!(
            plans::reserve(&t.app.db, &t.app.plans, account, Feature::Ideas)
                .await
                .unwrap(),
            Reservation::Granted { .. }
        ) {
            granted += 1;
        }
    }
    assert_eq!(granted, 3);
}

#[tokio::test]
async fn a_plans_file_with_a_mistake_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.toml");
    std::fs::write(&path, "[free]\nideas_per_month = \"ten\"\n").unwrap();
    let err = plans::Plans::load(Some(&path)).unwrap_err().to_string();
    assert!(err.contains("not a valid plans file"), "{err}");
}

#[tokio::test]
async fn a_paid_plan_gets_its_own_limit() {
    let t = app().await;
    let account = accounts::resolve(&t.app.db, Platform::Telegram, "1", None)
        .await
        .unwrap()
        .id;
    sqlx::query("UPDATE users SET plan = 'creator'")
        .execute(&t.db.pool)
        .await
        .unwrap();
    let got = plans::reserve(&t.app.db, &t.app.plans, account, Feature::Invoices)
        .await
        .unwrap();
    assert_eq!(
        got,
        Reservation::Granted {
            used: 1,
            limit: t.app.plans.creator.invoices_per_month
        }
    );
}

#[tokio::test]
async fn twenty_parallel_digest_destinations_on_a_plan_of_ten_give_exactly_ten() {
    let t = app().await;
    let account = accept_policy(&t.db.pool, Platform::Telegram, "1").await;
    sqlx::query("UPDATE users SET plan = 'pro', time_zone = 'Europe/Paris' WHERE id = $1")
        .bind(account.0)
        .execute(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(
        t.app.plans.pro.digest_destinations, 10,
        "the shipped pro plan"
    );

    // Twenty groups where the creator is an admin ask for the digest at once.
    let mut tasks = Vec::new();
    for group in 0..20 {
        let app = t.app.clone();
        tasks.push(tokio::spawn(async move {
            let mut inv = crate::engine::incoming(
                Platform::Telegram,
                "1",
                &format!("-100{group}"),
                creatorpilot::bot::Input::Line("/digest on here".into()),
            );
            inv.chat.private = false;
            inv.is_admin = true;
            let r = crate::engine::Recorder::default();
            creatorpilot::bot::dispatch::handle(&app, inv, &r).await;
            r.texts().join("\n")
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let on = answers
        .iter()
        .filter(|a| a.contains("every day at"))
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.starts_with("Your Pro plan sends the digest to 10 destinations"))
        .count();
    assert_eq!((on, refused), (10, 10), "{answers:#?}");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM digest_subscriptions")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 10);
}
