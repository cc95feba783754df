//! Send limits shared by every instance on the database: teloxide's Throttle and our Discord
//! limiter count one process only, so N instances would together send N times the platform's
//! limit. Before each send, `SharedLimiter::wait` takes a slot in each bucket that applies
//! (`db::rate_limits`, one statement), waiting while one is full.
//!
//! Buckets are named `platform:HASH:scope`, HASH being the first 16 hex digits of the bot token's
//! SHA-256: the token itself never reaches the database. Windows are the platform's plus a small
//! margin, so that a send decided just inside a window cannot arrive just inside the next one
//! (scheduling and network jitter between the decision and the arrival).
//!
//! When the database cannot be reached (a restart, a failover), the send keeps asking for its
//! slot every quarter second: sends held during the outage then take slots like any other once it
//! is back, so the caps hold through a database restart (`scripts/faults` restarts it). Only after
//! `UNAVAILABLE_GIVE_UP` without an answer does a send go ahead uncounted (logged): a long outage
//! must not hold replies forever, and without the database the bot can do little else anyway.

use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::db::send_limits::{self, Slot};

/// Added to each window: what an instance's send may lag behind its decision.
const MARGIN_MS: i32 = 150;

/// How often a send asks again for its slot while the database cannot be reached.
const UNAVAILABLE_RETRY: Duration = Duration::from_millis(250);

/// How long a send waits for the database before it goes ahead uncounted.
const UNAVAILABLE_GIVE_UP: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct SharedLimiter {
    db: PgPool,
    /// `platform:HASH`.
    prefix: String,
}

/// One limit to respect: at most `per` sends in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub per: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn per_second(per: u32) -> Limit {
        Limit {
            per,
            window: Duration::from_secs(1),
        }
    }

    pub const fn per_minute(per: u32) -> Limit {
        Limit {
            per,
            window: Duration::from_secs(60),
        }
    }
}

impl SharedLimiter {
    pub fn new(db: PgPool, platform: &str, token: &str) -> SharedLimiter {
        SharedLimiter {
            db,
            prefix: format!("{platform}:{}", token_hash(token)),
        }
    }

    /// Waits until one more send fits every `(scope, limit)` given, and counts it.
    pub async fn wait(&self, scopes: &[(&str, Limit)]) {
        let slots: Vec<Slot> = scopes
            .iter()
            .map(|(scope, limit)| Slot {
                bucket: format!("{}:{scope}", self.prefix),
                limit: i32::try_from(limit.per).unwrap_or(i32::MAX),
                window_ms: i32::try_from(limit.window.as_millis())
                    .unwrap_or(i32::MAX)
                    .saturating_add(MARGIN_MS),
            })
            .collect();
        let mut unavailable_since = None;
        loop {
            match send_limits::take(&self.db, &slots).await {
                Ok(0) => return,
                Ok(wait_ms) => {
                    let wait = u64::try_from(wait_ms).unwrap_or(1).max(1);
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                Err(e) => {
                    let since = *unavailable_since.get_or_insert_with(|| {
                        tracing::warn!(error = %e, "shared send limits unavailable; waiting for the database");
                        tokio::time::Instant::now()
                    });
                    if since.elapsed() >= UNAVAILABLE_GIVE_UP {
                        tracing::warn!(error = %e, "shared send limits still unavailable; sending uncounted");
                        return;
                    }
                    tokio::time::sleep(UNAVAILABLE_RETRY).await;
                }
            }
        }
    }
}

/// The first 16 hex digits of the token's SHA-256.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_name_never_holds_the_token() {
        let hash = token_hash("123:secret-token");
        assert_eq!(hash.len(), 16);
        assert!(!hash.contains("secret"));
        assert_ne!(hash, token_hash("123:other-token"));
    }
}
