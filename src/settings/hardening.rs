//! The hardening variables: per-account command rate, per-IP web rate and trusted proxies,
//! outgoing-call timeouts and the shutdown grace period. Read by `Settings::from_map` through
//! the same `Reader`, so their problems are reported with every other one.

use std::net::IpAddr;
use std::time::Duration;

use super::Reader;

/// A rate: `burst` at once, then `per_minute` sustained (a token bucket: one token back every
/// 60 / per_minute seconds, at most `burst` held).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per_minute: u32,
}

impl Rate {
    /// The time one token takes to come back.
    pub fn interval(self) -> Duration {
        Duration::from_secs_f64(60.0 / f64::from(self.per_minute.max(1)))
    }
}

/// Connect and overall timeouts of every outgoing HTTP call (providers, AI, Stripe, Telegram,
/// Discord REST). Copied into each provider's settings so each client is built with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// `OUTBOUND_CONNECT_TIMEOUT` (default 5 s): TCP + TLS handshake.
    pub connect: Duration,
    /// `OUTBOUND_TIMEOUT` (default 30 s): a whole request, answer included.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// `COMMAND_RATE_BURST` / `COMMAND_RATE_PER_MINUTE` (10 / 20): commands per account, shared by
    /// every instance (counted in PostgreSQL).
    pub commands: Rate,
    /// `HTTP_RATE_BURST` / `HTTP_RATE_PER_MINUTE` (30 / 60): requests per client IP to the pages
    /// (OAuth callbacks, billing pages, `/healthz`), per instance.
    pub pages: Rate,
    /// `WEBHOOK_RATE_BURST` / `WEBHOOK_RATE_PER_MINUTE` (500 / 30000): requests per client IP to
    /// the webhooks (Telegram, Discord interactions, Stripe), whose senders share a few IPs.
    pub webhooks: Rate,
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the client (a reverse proxy).
    pub trusted_proxies: Vec<IpAddr>,
    /// `SHUTDOWN_GRACE` (30 s): how long a stop waits for work in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            commands: Rate {
                burst: 10,
                per_minute: 20,
            },
            pages: Rate {
                burst: 30,
                per_minute: 60,
            },
            webhooks: Rate {
                burst: 500,
                per_minute: 30_000,
            },
            trusted_proxies: Vec::new(),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl Reader<'_> {
    pub(super) fn limits(&mut self) -> Limits {
        let defaults = Limits::default();
        Limits {
            commands: self.rate("COMMAND_RATE", defaults.commands),
            pages: self.rate("HTTP_RATE", defaults.pages),
            webhooks: self.rate("WEBHOOK_RATE", defaults.webhooks),
            trusted_proxies: self.trusted_proxies(),
            shutdown_grace: self.duration("SHUTDOWN_GRACE", defaults.shutdown_grace),
        }
    }

    pub(super) fn timeouts(&mut self) -> Timeouts {
        let defaults = Timeouts::default();
        Timeouts {
            connect: self.duration("OUTBOUND_CONNECT_TIMEOUT", defaults.connect),
            request: self.duration("OUTBOUND_TIMEOUT", defaults.request),
        }
    }

    fn rate(&mut self, prefix: &str, default: Rate) -> Rate {
        Rate {
            burst: self.positive(&format!("{prefix}_BURST"), default.burst),
            per_minute: self.positive(&format!("{prefix}_PER_MINUTE"), default.per_minute),
        }
    }

    fn positive(&mut self, name: &str, default: u32) -> u32 {
        let Some(value) = self.text(name) else {
            return default;
        };
        match value.replace('_', "").parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                self.problem(format!(
                    "{name} is \"{value}\": write a whole number above 0, such as {default}."
                ));
                default
            }
        }
    }

    /// `30s`, `500ms`, or a plain number of seconds; between 1 ms and one hour.
    fn duration(&mut self, name: &str, default: Duration) -> Duration {
        let Some(value) = self.text(name) else {
            return default;
        };
        let parsed = if let Some(ms) = value.strip_suffix("ms") {
            ms.trim().parse::<u64>().ok().map(Duration::from_millis)
        } else {
            let secs = value.strip_suffix('s').unwrap_or(&value).trim();
            secs.parse::<u64>().ok().map(Duration::from_secs)
        };
        match parsed {
            Some(d) if d >= Duration::from_millis(1) && d <= Duration::from_secs(3600) => d,
            _ => {
                self.problem(format!(
                    "{name} is \"{value}\": write a duration such as {}s or 500ms (at most 3600s).",
                    default.as_secs()
                ));
                default
            }
        }
    }

    fn trusted_proxies(&mut self) -> Vec<IpAddr> {
        let Some(list) = self.text("TRUSTED_PROXIES") else {
            return Vec::new();
        };
        let mut proxies = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match item.parse() {
                Ok(ip) => proxies.push(ip),
                Err(_) => self.problem(format!(
                    "TRUSTED_PROXIES has \"{item}\": write the IP addresses of your reverse \
                     proxies, comma-separated, such as 127.0.0.1."
                )),
            }
        }
        proxies
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::settings::tests::vars;

    #[test]
    fn defaults_are_sane_and_every_value_is_configurable() {
        let s = Settings::from_map(&vars(&[])).unwrap();
        assert_eq!(s.limits, Limits::default());
        assert_eq!(s.google.timeouts, Timeouts::default());
        let s = Settings::from_map(&vars(&[
            ("COMMAND_RATE_BURST", "3"),
            ("COMMAND_RATE_PER_MINUTE", "6"),
            ("HTTP_RATE_BURST", "2"),
            ("TRUSTED_PROXIES", "127.0.0.1, ::1"),
            ("OUTBOUND_TIMEOUT", "250ms"),
            ("OUTBOUND_CONNECT_TIMEOUT", "2s"),
            ("SHUTDOWN_GRACE", "10"),
        ]))
        .unwrap();
        assert_eq!(
            s.limits.commands,
            Rate {
                burst: 3,
                per_minute: 6
            }
        );
        assert_eq!(s.limits.commands.interval(), Duration::from_secs(10));
        assert_eq!(s.limits.pages.burst, 2);
        assert_eq!(s.limits.trusted_proxies.len(), 2);
        assert_eq!(s.limits.shutdown_grace, Duration::from_secs(10));
        for timeouts in [
            s.google.timeouts,
            s.tiktok.timeouts,
            s.instagram.timeouts,
            s.stripe.timeouts,
            s.openai.timeouts,
            s.telegram.timeouts,
            s.discord.timeouts,
        ] {
            assert_eq!(timeouts.request, Duration::from_millis(250));
            assert_eq!(timeouts.connect, Duration::from_secs(2));
        }
    }

    #[test]
    fn bad_values_are_each_reported() {
        let err = Settings::from_map(&vars(&[
            ("COMMAND_RATE_BURST", "0"),
            ("WEBHOOK_RATE_PER_MINUTE", "lots"),
            ("OUTBOUND_TIMEOUT", "forever"),
            ("SHUTDOWN_GRACE", "7200s"),
            ("TRUSTED_PROXIES", "proxy.local"),
        ]))
        .unwrap_err();
        assert_eq!(err.0.len(), 5, "{err}");
        for name in [
            "COMMAND_RATE_BURST",
            "WEBHOOK_RATE_PER_MINUTE",
            "OUTBOUND_TIMEOUT",
            "SHUTDOWN_GRACE",
            "TRUSTED_PROXIES",
        ] {
            assert!(err.to_string().contains(name), "{name}: {err}");
        }
    }
}
