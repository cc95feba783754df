//! Our own Discord rate limiter, in front of every REST call (serenity's is disabled: it ignores
//! `DISCORD_API_URL`, and one limiter means tests exercise what production runs).
//!
//! Per-route buckets are read from `X-RateLimit-Remaining` / `X-RateLimit-Reset-After`; a 429's
//! `retry_after` (body, else `Retry-After` header) blocks its bucket, or everything when Discord
//! says the limit is global; 50 requests a second overall. Pure bookkeeping, no I/O but sleeping.
//! The global limit is also counted across instances by `Rest` (`shared_limits`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Discord's global limit for a bot: 50 requests per second.
pub const GLOBAL_PER_SECOND: u32 = 50;

#[derive(Debug, Default)]
struct Bucket {
    remaining: Option<u64>,
    reset_at: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: std::sync::Mutex<HashMap<String, Arc<Mutex<Bucket>>>>,
    /// Start times of the requests of the last second, and a global block after a global 429.
    global: Mutex<Global>,
}

#[derive(Debug, Default)]
struct Global {
    recent: std::collections::VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

/// Held while a request is in flight: requests of one bucket go one at a time, so the headers of
/// one answer are known before the next request leaves.
pub struct Permit {
    bucket: tokio::sync::OwnedMutexGuard<Bucket>,
}

/// What a response said about the limits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observed {
    pub remaining: Option<u64>,
    pub reset_after: Option<Duration>,
    /// Set on a 429.
    pub retry_after: Option<Duration>,
    pub global: bool,
}

impl RateLimiter {
    /// Waits until a request on `key` may leave.
    pub async fn acquire(&self, key: &str) -> Permit {
        let bucket = {
            let mut buckets = self
                .buckets
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            buckets.entry(key.to_owned()).or_default().clone()
        };
        let guard = bucket.lock_owned().await;
        if guard.remaining == Some(0)
            && let Some(reset_at) = guard.reset_at
        {
            tokio::time::sleep_until(reset_at).await;
        }
        self.global_slot().await;
        Permit { bucket: guard }
    }

    async fn global_slot(&self) {
        loop {
            let mut global = self.global.lock().await;
            let now = Instant::now();
            if let Some(until) = global.blocked_until.filter(|u| *u > now) {
                drop(global);
                tokio::time::sleep_until(until).await;
                continue;
            }
            while global
                .recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                global.recent.pop_front();
            }
            if global.recent.len() < GLOBAL_PER_SECOND as usize {
                global.recent.push_back(now);
                return;
            }
            let wait = global
                .recent
                .front()
                .map(|t| *t + Duration::from_secs(1))
                .unwrap_or(now);
            drop(global);
            tokio::time::sleep_until(wait).await;
        }
    }

    /// Records what an answer said; the permit is released when dropped afterwards.
    pub async fn observe(&self, permit: &mut Permit, seen: Observed) {
        let now = Instant::now();
        if let Some(retry) = seen.retry_after {
            if seen.global {
                self.global.lock().await.blocked_until = Some(now + retry);
            } else {
                permit.bucket.remaining = Some(0);
                permit.bucket.reset_at = Some(now + retry);
            }
            return;
        }
        if let Some(remaining) = seen.remaining {
            permit.bucket.remaining = Some(remaining);
        }
        if let Some(reset) = seen.reset_after {
            permit.bucket.reset_at = Some(now + reset);
        }
    }
}

/// Reads the rate-limit headers (and, for a 429, the JSON body) of an answer.
pub fn observed(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Observed {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let seconds = |text: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
    };
    let mut seen = Observed {
        remaining: header("x-ratelimit-remaining").and_then(|v| v.parse().ok()),
        reset_after: header("x-ratelimit-reset-after").and_then(seconds),
        retry_after: None,
        global: header("x-ratelimit-global").is_some_and(|v| v == "true")
            || header("x-ratelimit-scope") == Some("global"),
    };
    if status == 429 {
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let from_body = json
            .as_ref()
            .and_then(|j| j.get("retry_after"))
            .and_then(serde_json::Value::as_f64)
            .and_then(|s| seconds(&s.to_string()));
        seen.global |= json
            .as_ref()
            .and_then(|j| j.get("global"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        // Never hammer: an unreadable 429 still waits a second.
        seen.retry_after = from_body
            .or_else(|| header("retry-after").and_then(seconds))
            .or(Some(Duration::from_secs(1)));
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_retry_after() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        h.insert("x-ratelimit-reset-after", "1.5".parse().unwrap());
        let seen = observed(200, &h, b"");
        assert_eq!(seen.remaining, Some(0));
        assert_eq!(seen.reset_after, Some(Duration::from_millis(1500)));
        assert_eq!(seen.retry_after, None);
        let seen = observed(
            429,
            &h,
            br#"{"message":"slow","retry_after":0.25,"global":true}"#,
        );
        assert_eq!(seen.retry_after, Some(Duration::from_millis(250)));
        assert!(seen.global);
    }

    #[tokio::test]
    async fn an_exhausted_bucket_waits_for_its_reset() {
        let limiter = RateLimiter::default();
        let mut permit = limiter.acquire("a").await;
        limiter
            .observe(
                &mut permit,
                Observed {
                    remaining: Some(0),
                    reset_after: Some(Duration::from_millis(200)),
                    ..Observed::default()
                },
            )
            .await;
        drop(permit);
        let start = Instant::now();
        let _other = limiter.acquire("b").await;
        assert!(start.elapsed() < Duration::from_millis(10));
        drop(_other);
        let _again = limiter.acquire("a").await;
        assert!(start.elapsed() >= Duration::from_millis(190));
    }
}
