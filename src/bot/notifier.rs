//! Proactive sends: the notifier each front end registers, and the hook that pauses a
//! destination once a platform says it is unreachable (blocked bot, deleted chat).
//!
//! Modules that keep destinations (digests, reminders) subscribe with `on_unreachable`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use futures_util::future::BoxFuture;

use crate::bot::{Destination, Notifier, Platform, Reply, SendOutcome};

pub type UnreachableHook = Arc<
    dyn for<'a> Fn(&'a sqlx::PgPool, &'a Destination) -> BoxFuture<'a, anyhow::Result<()>>
        + Send
        + Sync,
>;

#[derive(Default)]
pub struct Notifiers {
    by_platform: RwLock<HashMap<Platform, Arc<dyn Notifier>>>,
    hooks: RwLock<Vec<UnreachableHook>>,
}

impl std::fmt::Debug for Notifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notifiers")
    }
}

impl Notifiers {
    pub fn register(&self, platform: Platform, notifier: Arc<dyn Notifier>) {
        if let Ok(mut map) = self.by_platform.write() {
            map.insert(platform, notifier);
        }
    }

    /// The platforms this process can send to (its workers claim only their jobs).
    pub fn platforms(&self) -> Vec<Platform> {
        self.by_platform
            .read()
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
    }

    pub fn on_unreachable(&self, hook: UnreachableHook) {
        if let Ok(mut hooks) = self.hooks.write() {
            hooks.push(hook);
        }
    }

    /// Sends through the destination's platform; an unreachable destination runs every hook.
    pub async fn send(
        &self,
        db: &sqlx::PgPool,
        destination: &Destination,
        reply: Reply,
    ) -> SendOutcome {
        let notifier = self
            .by_platform
            .read()
            .ok()
            .and_then(|m| m.get(&destination.platform).cloned());
        let Some(notifier) = notifier else {
            // Workers only claim jobs of registered platforms, so this means a registration race.
            return SendOutcome::Refused { retry_after: None };
        };
        let outcome = notifier.send(destination, reply).await;
        if outcome == SendOutcome::Unreachable {
            let hooks: Vec<UnreachableHook> =
                self.hooks.read().map(|h| h.clone()).unwrap_or_default();
            for hook in hooks {
                if let Err(e) = hook(db, destination).await {
                    tracing::error!(error = ?e, platform = %destination.platform, "pausing an unreachable destination failed");
                }
            }
        }
        outcome
    }
}
