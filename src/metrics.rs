//! Prometheus metrics, served on `METRICS_ADDR` only (never on the public port).

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    /// Commands by name, platform and outcome (ok, user_error, internal_error).
    pub commands: IntCounterVec,
    pub command_seconds: HistogramVec,
    /// Jobs finished, by kind and outcome (done, retried, failed, uncertain).
    pub jobs: IntCounterVec,
    pub job_seconds: HistogramVec,
    /// Queued jobs that are due (refreshed on scrape).
    pub queue_depth: IntGauge,
    /// Jobs whose send outcome is unknown (refreshed on scrape).
    pub uncertain_jobs: IntGauge,
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
            payment_failures: IntCounter::new(
                "billing_payment_failures_total",
                "Failed subscription payments",
            )?,
        };
        registry.register(Box::new(billing.checkouts_started.clone()))?;
        registry.register(Box::new(billing.checkouts_completed.clone()))?;
        registry.register(Box::new(billing.conversions.clone()))?;
        registry.register(Box::new(billing.churn.clone()))?;
        registry.register(Box::new(billing.payment_failures.clone()))?;
        Ok(Metrics {
            registry,
            commands,
            command_seconds,
            jobs,
            job_seconds,
            queue_depth,
            uncertain_jobs,
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
