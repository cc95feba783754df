//! Per-IP rate limits and per-route body limits on the public endpoint.
//!
//! Each route belongs to a class with its own body limit and rate (`HTTP_RATE_*` for the pages,
//! `WEBHOOK_RATE_*` for the webhooks, whose senders — Telegram, Discord, Stripe — come from a few
//! shared addresses). A request over its route's body limit gets 413 before its body is read; a
//! client over its rate gets 429 with `Retry-After`, before any work. Both pages say it in every
//! language (the caller's is not known yet).
//!
//! The buckets live in this process: each instance limits what reaches it (a load balancer
//! spreading one client over N instances lets it through N times the rate; the per-account
//! command limit, which matters for cost, is shared through PostgreSQL). Behind a reverse proxy,
//! list it in `TRUSTED_PROXIES` so the client is read from `X-Forwarded-For`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::settings::Rate;

/// Buckets kept before full ones are forgotten (a full bucket is the same as no bucket).
const MAX_TRACKED: usize = 10_000;

/// The body a route accepts, and which rate applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteClass {
    /// `POST /telegram/webhook`: an Update is JSON metadata (a 4,096-character text, entities,
    /// the message replied to), never a file's bytes; 1 MiB leaves a wide margin, and refusing a
    /// real update would make Telegram retry it forever.
    TelegramWebhook,
    /// `POST /discord/interactions`: an interaction with its resolved users, members, messages
    /// and attachments' metadata; 512 KiB.
    DiscordInteractions,
    /// `POST /stripe/webhook`: an event embeds whole objects (a subscription, an invoice with
    /// its lines); 1 MiB.
    StripeWebhook,
    /// `GET` pages (OAuth callbacks, billing returns): everything is in the query string, so
    /// no body at all.
    Page,
    /// `GET /healthz`: no body, and no rate (a prober that gets 429 would take the instance
    /// out of service).
    Health,
}

impl RouteClass {
    pub fn max_body(self) -> usize {
        match self {
            RouteClass::TelegramWebhook | RouteClass::StripeWebhook => 1024 * 1024,
            RouteClass::DiscordInteractions => 512 * 1024,
            RouteClass::Page | RouteClass::Health => 0,
        }
    }

    fn is_webhook(self) -> bool {
        !matches!(self, RouteClass::Page | RouteClass::Health)
    }
}

/// Token buckets per (client IP, page or webhook).
#[derive(Debug, Default)]
pub struct IpLimiter {
    buckets: Mutex<HashMap<(IpAddr, bool), Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl IpLimiter {
    /// Takes one token for `ip`; `Err(wait)` when none is left.
    pub fn take(
        &self,
        ip: IpAddr,
        webhook: bool,
        rate: Rate,
        now: Instant,
    ) -> Result<(), Duration> {
        let per_sec = f64::from(rate.per_minute) / 60.0;
        let burst = f64::from(rate.burst);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec < burst
            });
        }
        let bucket = buckets.entry((ip, webhook)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let refilled = (bucket.tokens
            + now.saturating_duration_since(bucket.at).as_secs_f64() * per_sec)
            .min(burst);
        if refilled >= 1.0 {
            *bucket = Bucket {
                tokens: refilled - 1.0,
                at: now,
            };
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - refilled) / per_sec))
        }
    }
}

/// What the middleware needs: the app (settings, translations) and the buckets.
#[derive(Clone)]
pub struct Guard {
    pub app: Arc<App>,
    pub limiter: Arc<IpLimiter>,
    pub class: RouteClass,
}

/// The middleware: body limit by declared length, then the client's rate. Bodies sent without
/// a length are cut at the same limit by `DefaultBodyLimit` on the route (also 413).
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > guard.class.max_body() as u64) {
        return refusal(
            &guard.app,
            StatusCode::PAYLOAD_TOO_LARGE,
            "web-too-large",
            None,
        );
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if guard.class == RouteClass::Health {
        return next.run(request).await;
    }
    let limits = &guard.app.settings.limits;
    let client = client_ip(peer, request.headers(), &limits.trusted_proxies);
    let rate = if guard.class.is_webhook() {
        limits.webhooks
    } else {
        limits.pages
    };
    match guard
        .limiter
        .take(client, guard.class.is_webhook(), rate, Instant::now())
    {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            tracing::debug!(%client, ?wait, "web rate limit reached");
            refusal(
                &guard.app,
                StatusCode::TOO_MANY_REQUESTS,
                "web-too-many-requests",
                Some(wait),
            )
        }
    }
}

/// The client: the peer, or when the peer is a trusted proxy, the nearest address in
/// `X-Forwarded-For` that is not one of ours (earlier entries are the client's own claims).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
}

fn refusal(app: &App, status: StatusCode, key: &str, wait: Option<Duration>) -> Response {
    let page = crate::domain::channels::oauth::error_page(app, status.as_u16(), key);
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page.html,
    )
        .into_response();
    if let Some(wait) = wait {
        // Whole seconds, rounded up: never "retry after 0".
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, secs.max(1).into());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 2,
        per_minute: 60,
    };

    #[test]
    fn a_bucket_allows_its_burst_then_one_per_interval() {
        let limiter = IpLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.take(ip, false, RATE, t0).is_ok());
        assert!(limiter.take(ip, false, RATE, t0).is_ok());
        let wait = limiter.take(ip, false, RATE, t0).unwrap_err();
        assert!(wait > Duration::from_millis(990) && wait <= Duration::from_secs(1));
        // Another client, and the same client's webhook bucket, are separate.
        assert!(
            limiter
                .take("192.0.2.2".parse().unwrap(), false, RATE, t0)
                .is_ok()
        );
        assert!(limiter.take(ip, true, RATE, t0).is_ok());
        // One second later, one more.
        let t1 = t0 + Duration::from_secs(1);
        assert!(limiter.take(ip, false, RATE, t1).is_ok());
        assert!(limiter.take(ip, false, RATE, t1).is_err());
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.1.1.1, 203.0.113.9".parse().unwrap());
        // The client may write anything before the proxy's entry: the nearest hop counts.
        assert_eq!(
            client_ip(proxy, &headers, &[proxy]),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // An untrusted peer's header is ignored.
        assert_eq!(client_ip(proxy, &headers, &[]), proxy);
        // A proxy with no header: the proxy itself.
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
