//! The web endpoint (axum): `/healthz` on the public address, `/metrics` on `METRICS_ADDR` only.
//! OAuth callbacks, the Stripe webhook and its return pages, Telegram's webhook and Discord
//! interactions live here too; routes that take a raw platform body hand it to `platforms/`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::platforms::{WebhookHandler, Webhooks};

/// Webhook bodies are small; anything bigger is refused before it is read.
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
struct PublicState {
    app: Arc<App>,
    webhooks: Webhooks,
}

pub fn public_router(app: Arc<App>, webhooks: Webhooks) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/telegram/webhook", post(telegram_webhook))
        .route("/discord/interactions", post(discord_interactions))
        .route("/oauth/{provider}/callback", get(oauth_callback))
        .route("/stripe/webhook", post(stripe_webhook))
        .route("/billing/{outcome}", get(billing_page))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(request_span))
        .with_state(PublicState { app, webhooks })
}

/// Every request runs in a `request` span with its own id (also sent back as `X-Request-Id`).
/// Only the path is recorded: query strings carry OAuth codes and states.
async fn request_span(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use tracing::Instrument;
    let id = crate::telemetry::new_id();
    let span = crate::telemetry::request_span_with_id("http", &id);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();
    async move {
        let mut response = next.run(request).await;
        tracing::debug!(
            %method,
            path,
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request served"
        );
        if let Ok(id) = header::HeaderValue::from_str(&id) {
            response.headers_mut().insert("x-request-id", id);
        }
        response
    }
    .instrument(span)
    .await
}

async fn telegram_webhook(
    State(state): State<PublicState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    forward(state.webhooks.telegram.as_ref(), &headers, body).await
}

async fn discord_interactions(
    State(state): State<PublicState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    forward(state.webhooks.discord.as_ref(), &headers, body).await
}

/// A provider's answer to a consent page: the domain checks the state and completes the connection.
async fn oauth_callback(
    State(state): State<PublicState>,
    Path(provider): Path<String>,
    Query(query): Query<crate::domain::channels::oauth::CallbackQuery>,
) -> Response {
    html(crate::domain::channels::oauth::callback(&state.app, &provider, &query).await)
}

/// Stripe's events: the raw body and its signature go to the domain, which answers at once.
async fn stripe_webhook(
    State(state): State<PublicState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let answer = crate::domain::billing::webhook::handle(&state.app, signature, &body).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, answer.body).into_response()
}

#[derive(serde::Deserialize)]
struct BillingPageQuery {
    lang: Option<String>,
}

/// Where Checkout and the portal send the creator back.
async fn billing_page(
    State(state): State<PublicState>,
    Path(outcome): Path<String>,
    Query(query): Query<BillingPageQuery>,
) -> Response {
    let page = crate::domain::billing::page(&state.app, &outcome, query.lang.as_deref());
    html(page)
}

fn html(page: crate::domain::channels::oauth::Page) -> Response {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page.html,
    )
        .into_response()
}

/// Hands a raw webhook request to its front end; 404 when that front end is not configured.
async fn forward(
    handler: Option<&Arc<dyn WebhookHandler>>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let Some(handler) = handler else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let answer = handler.handle(headers, body).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response()
}

pub fn metrics_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(app)
}

async fn healthz(State(PublicState { app, .. }): State<PublicState>) -> Response {
    let check = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&app.db),
    )
    .await;
    match check {
        Ok(Ok(_)) => (
            StatusCode::OK,
            axum::Json(json!({ "status": "ok", "database": "ok" })),
        )
            .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "status": "unavailable", "database": "unreachable" })),
        )
            .into_response(),
    }
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    if let Err(e) = crate::jobs::refresh_gauges(&app).await {
        tracing::warn!(error = ?e, "job gauges not refreshed");
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}

/// Serves until `stop` fires, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    stop: CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await
}
