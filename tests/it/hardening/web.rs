//! The public endpoint's per-IP rate (429 with Retry-After) and per-route body limits (413),
//! through real HTTP. Refused requests change nothing.

use creatorpilot::web;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::support::*;

async fn serve(t: &TestApp) -> (String, CancellationToken) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    let router = web::public_router(t.app.clone(), Default::default());
    tokio::spawn(web::serve(listener, router, stop.clone()));
    (base, stop)
}

/// A billing page fetched with `X-Forwarded-For: who`; the status.
async fn page_as(base: &str, who: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base}/billing/cancelled"))
        .header("x-forwarded-for", who)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let t = app_with(&[("HTTP_RATE_BURST", "3"), ("HTTP_RATE_PER_MINUTE", "1")]).await;
    let (base, _stop) = serve(&t).await;
    let client = reqwest::Client::new();
    let callback = format!("{base}/oauth/youtube/callback?state=forged&code=x");
    for _ in 0..3 {
        let answer = client.get(&callback).send().await.unwrap();
        assert!(answer.status().is_client_error() && answer.status() != 429);
    }
    let refused = client.get(&callback).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    // One request a minute: the next one fits in about a minute.
    let wait = retry_after(&refused);
    assert!((50..=60).contains(&wait), "{wait}");
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(
            &t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::En, "web-too-many-requests")
        )
    );
    assert!(
        page.contains(
            &t.app
                .i18n
                .tr(creatorpilot::i18n::Locale::Fr, "web-too-many-requests")
        )
    );
    assert_eq!(
        client
            .get(format!("{base}/billing/cancelled"))
            .send()
            .await
            .unwrap()
            .status(),
        429,
        "the pages share one bucket per client"
    );
    // Health probes are never limited; webhooks have their own bucket.
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let stripe = client
        .post(format!("{base}/stripe/webhook"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_ne!(stripe.status(), 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let t = app_with(&[
        ("HTTP_RATE_BURST", "2"),
        ("HTTP_RATE_PER_MINUTE", "1"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let (base, _stop) = serve(&t).await;
    let get = |who| page_as(&base, who);
    assert_eq!(get("203.0.113.1").await, 200);
    assert_eq!(get("203.0.113.1").await, 200);
    assert_eq!(get("203.0.113.1").await, 429);
    // A client cannot dodge its bucket by prepending an address of its choosing.
    assert_eq!(get("198.51.100.7, 203.0.113.1").await, 429);
    assert_eq!(get("203.0.113.2").await, 200);
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address() {
    let t = app_with(&[("HTTP_RATE_BURST", "1"), ("HTTP_RATE_PER_MINUTE", "1")]).await;
    let (base, _stop) = serve(&t).await;
    assert_eq!(page_as(&base, "203.0.113.1").await, 200);
    assert_eq!(page_as(&base, "203.0.113.2").await, 429);
}

#[tokio::test]
async fn bodies_over_a_routes_limit_get_413_and_change_nothing() {
    let t = app_with(&[
        ("STRIPE_SECRET_KEY", "sk_test_1"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_test"),
    ])
    .await;
    let (base, _stop) = serve(&t).await;
    let client = reqwest::Client::new();
    let post = |path: &str, size: usize| {
        client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(vec![b' '; size])
            .send()
    };
    // Declared lengths over the limit: refused before the body is read.
    assert_eq!(
        post("/telegram/webhook", 1024 * 1024 + 1)
            .await
            .unwrap()
            .status(),
        413
    );
    assert_eq!(
        post("/stripe/webhook", 2 * 1024 * 1024)
            .await
            .unwrap()
            .status(),
        413
    );
    assert_eq!(
        post("/discord/interactions", 600 * 1024)
            .await
            .unwrap()
            .status(),
        413
    );
    // Within the limit, the route answers as usual (here: unsigned, so refused, never 413).
    let unsigned = post("/stripe/webhook", 600 * 1024).await.unwrap().status();
    assert!(unsigned.is_client_error() && unsigned != 413, "{unsigned}");
    // A streamed body (no length) is cut at the same limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let streamed = client
        .post(format!("{base}/stripe/webhook"))
        .header("stripe-signature", "t=1,v1=00")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);
    // A page takes no body at all.
    let page = client
        .get(format!("{base}/oauth/youtube/callback?state=x&code=y"))
        .body("a body")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 413);
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM stripe_events")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    assert_eq!(events, 0);
}
