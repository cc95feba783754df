//! A fake Stripe API on 127.0.0.1: customers, Checkout Sessions, portal sessions, and
//! subscriptions whose current state the test sets. Every request's form body and
//! `Idempotency-Key` header is recorded for the test to assert.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub form: HashMap<String, String>,
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
}

#[derive(Default)]
pub struct Fake {
    pub calls: Mutex<Vec<Call>>,
    pub subscriptions: Mutex<HashMap<String, Value>>,
    customers: Mutex<u32>,
}

pub const CHECKOUT_URL: &str = "http://127.0.0.1:9/checkout/cs_test_1";
pub const PORTAL_URL: &str = "http://127.0.0.1:9/portal/bps_test_1";

impl Fake {
    pub fn calls_to(&self, method: &str, path: &str) -> Vec<Call> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|c| c.method == method && c.path == path)
            .cloned()
            .collect()
    }

    /// Sets a subscription's current state (what a retrieve answers from now on).
    #[allow(clippy::too_many_arguments)]
    pub fn set_subscription(
        &self,
        id: &str,
        customer: &str,
        account: &str,
        status: &str,
        price: &str,
        period_end: i64,
        cancel_at_period_end: bool,
    ) {
        self.subscriptions.lock().unwrap().insert(
            id.to_owned(),
            subscription(
                id,
                customer,
                account,
                status,
                price,
                period_end,
                cancel_at_period_end,
            ),
        );
    }

    fn record(&self, method: &'static str, path: String, headers: &HeaderMap, body: &[u8]) {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        self.calls.lock().unwrap().push(Call {
            method,
            path,
            form: url::form_urlencoded::parse(body).into_owned().collect(),
            idempotency_key: header("idempotency-key"),
            authorization: header("authorization"),
        });
    }
}

/// A subscription object in API version 2026-09-30's shape: the period is on the items.
pub fn subscription(
    id: &str,
    customer: &str,
    account: &str,
    status: &str,
    price: &str,
    period_end: i64,
    cancel_at_period_end: bool,
) -> Value {
    json!({
        "id": id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "metadata": { "account_id": account },
        "cancel_at_period_end": cancel_at_period_end,
        "trial_end": if status == "trialing" { json!(period_end) } else { Value::Null },
        "items": {
            "object": "list",
            "data": [{
                "id": format!("si_{id}"),
                "object": "subscription_item",
                "price": { "id": price, "object": "price" },
                "current_period_start": period_end - 30 * 86_400,
                "current_period_end": period_end,
            }],
            "has_more": false,
        },
    })
}

fn missing(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({ "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "message": format!("No such {what}"),
        }})),
    )
        .into_response()
}

async fn create_customer(State(f): State<Arc<Fake>>, h: HeaderMap, body: Bytes) -> Response {
    f.record("POST", "/v1/customers".into(), &h, &body);
    let n = {
        let mut c = f.customers.lock().unwrap();
        *c += 1;
        *c
    };
    axum::Json(json!({ "id": format!("cus_test_{n}"), "object": "customer" })).into_response()
}

async fn create_checkout(State(f): State<Arc<Fake>>, h: HeaderMap, body: Bytes) -> Response {
    f.record("POST", "/v1/checkout/sessions".into(), &h, &body);
    axum::Json(json!({
        "id": "cs_test_1", "object": "checkout.session", "mode": "subscription", "url": CHECKOUT_URL,
    }))
    .into_response()
}

async fn create_portal(State(f): State<Arc<Fake>>, h: HeaderMap, body: Bytes) -> Response {
    f.record("POST", "/v1/billing_portal/sessions".into(), &h, &body);
    axum::Json(json!({
        "id": "bps_test_1", "object": "billing_portal.session", "url": PORTAL_URL,
    }))
    .into_response()
}

async fn get_subscription(
    State(f): State<Arc<Fake>>,
    Path(id): Path<String>,
    h: HeaderMap,
) -> Response {
    f.record("GET", format!("/v1/subscriptions/{id}"), &h, b"");
    match f.subscriptions.lock().unwrap().get(&id) {
        Some(s) => axum::Json(s.clone()).into_response(),
        None => missing("subscription"),
    }
}

async fn cancel_subscription(
    State(f): State<Arc<Fake>>,
    Path(id): Path<String>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    f.record("DELETE", format!("/v1/subscriptions/{id}"), &h, &body);
    let mut subs = f.subscriptions.lock().unwrap();
    match subs.get_mut(&id) {
        Some(s) => {
            s["status"] = json!("canceled");
            axum::Json(s.clone()).into_response()
        }
        None => missing("subscription"),
    }
}

/// Serves the fake; returns it and the base URL to put in `STRIPE_API_URL`.
pub async fn start() -> (Arc<Fake>, String) {
    let fake = Arc::new(Fake::default());
    let router = Router::new()
        .route("/v1/customers", post(create_customer))
        .route("/v1/checkout/sessions", post(create_checkout))
        .route("/v1/billing_portal/sessions", post(create_portal))
        .route(
            "/v1/subscriptions/{id}",
            get(get_subscription).delete(cancel_subscription),
        )
        .with_state(fake.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (fake, base)
}
