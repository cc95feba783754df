//! Prometheus metrics, served on `METRICS_ADDR` only (never on the public port). The README's
//! "Metrics" section lists every series with its labels.
//!
//! Label values come from closed sets (command names from the manifests, providers, platforms,
//! job kinds, HTTP status codes): never an account, chat or job id, so cardinality stays bounded.
//!
//! Everything is per `App` except [`Outgoing`]: the provider clients are free functions called
//! from many places, so their error counters are process-wide (one `App` per process in
//! production; each `App`'s registry exposes them).

use std::sync::LazyLock;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    /// Commands by name, platform and outcome (ok, user_error, rate_limited, internal_error).
    pub commands: IntCounterVec,
    pub command_seconds: HistogramVec,
    /// Jobs finished, by kind and outcome (done, retried, failed, uncertain).
    pub jobs: IntCounterVec,
    pub job_seconds: HistogramVec,
    /// Queued jobs that are due (refreshed on scrape).
    pub queue_depth: IntGauge,
    /// Jobs whose send outcome is unknown (refreshed on scrape).
    pub uncertain_jobs: IntGauge,
    /// Time from when a job became due (created or `run_at`, whichever is later) to its start.
    pub job_wait_seconds: HistogramVec,
    /// `/connect` flows by provider and stage (started, completed, failed).
    pub connect_flows: IntCounterVec,
    /// Calls to the AI provider (`clients::ai` records them).
    pub ai: AiMetrics,
    pub billing: BillingMetrics,
}

/// Paid plans: the funnel and what ends it.
pub struct BillingMetrics {
    /// Checkout Sessions opened, by plan.
    pub checkouts_started: IntCounterVec,
    /// `checkout.session.completed` events applied.
    pub checkouts_completed: IntCounter,
    /// Accounts going from free to a paid plan, by plan.
    pub conversions: IntCounterVec,
    /// Accounts going from a paid plan back to free, by the plan left.
    pub churn: IntCounterVec,
    /// Accounts on each plan (refreshed on scrape): the denominator of the conversion rate.
    pub accounts: IntGaugeVec,
    /// `invoice.payment_failed` events applied.
    pub payment_failures: IntCounter,
}

/// The AI provider's counters, cloned into each `AiClient` (prometheus handles are shared).
#[derive(Clone)]
pub struct AiMetrics {
    /// Time of each successful generation, request to last token.
    pub generation_seconds: Histogram,
    /// Tokens the provider reported, by kind (prompt, completion).
    pub tokens: IntCounterVec,
    /// Calls by outcome (ok, timeout, rate_limited, unavailable, content_filter,
    /// model_not_found, truncated, other).
    pub requests: IntCounterVec,
    /// Answers used, by the provider that gave them (primary, fallback).
    pub answers: IntCounterVec,
}

impl std::fmt::Debug for AiMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AiMetrics")
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn new() -> anyhow::Result<Metrics> {
        let registry = Registry::new_custom(Some("creatorpilot".into()), None)?;
        let commands = IntCounterVec::new(
            Opts::new("commands_total", "Commands handled"),
            &["command", "platform", "outcome"],
        )?;
        let command_seconds = HistogramVec::new(
            HistogramOpts::new("command_duration_seconds", "Time to handle a command").buckets(
                vec![
                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                ],
            ),
            &["command"],
        )?;
        let jobs = IntCounterVec::new(
            Opts::new("jobs_total", "Jobs finished"),
            &["kind", "outcome"],
        )?;
        let job_seconds = HistogramVec::new(
            HistogramOpts::new("job_duration_seconds", "Time to run a job"),
            &["kind"],
        )?;
        let queue_depth = IntGauge::new("job_queue_depth", "Queued jobs that are due")?;
        let uncertain_jobs = IntGauge::new("jobs_uncertain", "Jobs whose send outcome is unknown")?;
        registry.register(Box::new(commands.clone()))?;
        registry.register(Box::new(command_seconds.clone()))?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(job_seconds.clone()))?;
        registry.register(Box::new(queue_depth.clone()))?;
        registry.register(Box::new(uncertain_jobs.clone()))?;
        let job_wait_seconds = HistogramVec::new(
            HistogramOpts::new(
                "job_wait_seconds",
                "Time from a job being due to a worker starting it",
            )
            .buckets(vec![
                0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
            ]),
            &["kind"],
        )?;
        let connect_flows = IntCounterVec::new(
            Opts::new(
                "connect_flows_total",
                "Provider connections started, completed and failed",
            ),
            &["provider", "stage"],
        )?;
        registry.register(Box::new(job_wait_seconds.clone()))?;
        registry.register(Box::new(connect_flows.clone()))?;
        let outgoing = outgoing();
        registry.register(Box::new(outgoing.errors.clone()))?;
        registry.register(Box::new(outgoing.sent.clone()))?;
        let ai = AiMetrics {
            generation_seconds: Histogram::with_opts(
                HistogramOpts::new(
                    "ai_generation_seconds",
                    "Time of a successful AI generation",
                )
                .buckets(vec![0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0]),
            )?,
            tokens: IntCounterVec::new(
                Opts::new("ai_tokens_total", "Tokens the AI provider reported"),
                &["kind"],
            )?,
            requests: IntCounterVec::new(
                Opts::new("ai_requests_total", "Calls to the AI provider"),
                &["outcome"],
            )?,
            answers: IntCounterVec::new(
                Opts::new(
                    "ai_answers_total",
                    "AI answers used, by the provider that gave them",
                ),
                &["provider"],
            )?,
        };
        registry.register(Box::new(ai.generation_seconds.clone()))?;
        registry.register(Box::new(ai.tokens.clone()))?;
        registry.register(Box::new(ai.requests.clone()))?;
        registry.register(Box::new(ai.answers.clone()))?;
        let billing = BillingMetrics {
            checkouts_started: IntCounterVec::new(
                Opts::new(
                    "billing_checkouts_started_total",
                    "Checkout Sessions opened",
                ),
                &["plan"],
            )?,
            checkouts_completed: IntCounter::new(
                "billing_checkouts_completed_total",
                "Checkouts completed",
            )?,
            conversions: IntCounterVec::new(
                Opts::new(
                    "billing_conversions_total",
                    "Accounts gone from free to paid",
                ),
                &["plan"],
            )?,
            churn: IntCounterVec::new(
                Opts::new(
                    "billing_churn_total",
                    "Accounts gone from paid back to free",
                ),
                &["plan"],
            )?,
            accounts: IntGaugeVec::new(Opts::new("accounts", "Accounts on each plan"), &["plan"])?,
            payment_failures: IntCounter::new(
                "billing_payment_failures_total",
                "Failed subscription payments",
            )?,
        };
        registry.register(Box::new(billing.checkouts_started.clone()))?;
        registry.register(Box::new(billing.checkouts_completed.clone()))?;
        registry.register(Box::new(billing.conversions.clone()))?;
        registry.register(Box::new(billing.churn.clone()))?;
        registry.register(Box::new(billing.accounts.clone()))?;
        registry.register(Box::new(billing.payment_failures.clone()))?;
        Ok(Metrics {
            registry,
            commands,
            command_seconds,
            jobs,
            job_seconds,
            queue_depth,
            uncertain_jobs,
            job_wait_seconds,
            connect_flows,
            ai,
            billing,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "metrics did not encode");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// Who an outgoing call went to: the `provider` label of `external_api_errors_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Telegram,
    Discord,
    /// Google's OAuth endpoints (token, revoke).
    Google,
    /// YouTube Data and Analytics.
    YouTube,
    TikTok,
    Instagram,
    /// The OpenAI-compatible model.
    Ai,
    Stripe,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::Telegram => "telegram",
            Api::Discord => "discord",
            Api::Google => "google",
            Api::YouTube => "youtube",
            Api::TikTok => "tiktok",
            Api::Instagram => "instagram",
            Api::Ai => "ai",
            Api::Stripe => "stripe",
        }
    }
}

/// Calls to providers and chat platforms that did not succeed, and messages the chat platforms
/// accepted. Process-wide (see the module header).
pub struct Outgoing {
    /// By provider and status: the HTTP status of a non-2xx answer, or `timeout` / `network`
    /// when no answer came.
    errors: IntCounterVec,
    /// Messages (texts, photos, files) a chat platform accepted, by platform.
    sent: IntCounterVec,
}

static OUTGOING: LazyLock<Outgoing> = LazyLock::new(|| {
    #[expect(
        clippy::expect_used,
        reason = "constant, valid metric and label names: creation cannot fail"
    )]
    Outgoing {
        errors: IntCounterVec::new(
            Opts::new(
                "external_api_errors_total",
                "Failed calls to external APIs, by provider and HTTP status",
            ),
            &["provider", "status"],
        )
        .expect("valid metric"),
        sent: IntCounterVec::new(
            Opts::new(
                "messages_sent_total",
                "Messages a chat platform accepted, by platform",
            ),
            &["platform"],
        )
        .expect("valid metric"),
    }
});

/// The process-wide outgoing-call counters.
pub fn outgoing() -> &'static Outgoing {
    &OUTGOING
}

impl Outgoing {
    /// An HTTP answer: counted when it is not a success (2xx/3xx).
    pub fn answered(&self, api: Api, status: u16) {
        if !(200..400).contains(&status) {
            self.errors
                .with_label_values(&[api.as_str(), &status.to_string()])
                .inc();
        }
    }

    /// No answer: the call timed out, or the connection failed or broke.
    pub fn unanswered(&self, api: Api, timed_out: bool) {
        let status = if timed_out { "timeout" } else { "network" };
        self.errors.with_label_values(&[api.as_str(), status]).inc();
    }

    /// A reqwest call's outcome, answered or not; handed back unchanged.
    pub fn call(
        &self,
        api: Api,
        result: reqwest::Result<reqwest::Response>,
    ) -> reqwest::Result<reqwest::Response> {
        match &result {
            Ok(answer) => self.answered(api, answer.status().as_u16()),
            Err(e) => self.unanswered(api, e.is_timeout()),
        }
        result
    }

    /// `count` messages accepted by a chat platform (`Api::Telegram`, `Api::Discord`).
    pub fn sent(&self, platform: Api, count: usize) {
        self.sent
            .with_label_values(&[platform.as_str()])
            .inc_by(u64::try_from(count).unwrap_or(u64::MAX));
    }

    /// How many errors `api` answered with `status` so far (tests, tools).
    pub fn errors_seen(&self, api: Api, status: &str) -> u64 {
        self.errors.with_label_values(&[api.as_str(), status]).get()
    }
}
