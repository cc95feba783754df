//! `proof load`: one `creatorpilot serve` in Telegram webhook mode, N simulated creators sending
//! commands that call no external API besides Telegram (`/help`, `/plan`, `/deal list`, …).
//!
//! Creators take turns (round robin), so at the default 25 commands/s each creator sends one
//! command every 40 s: Telegram's limits (30 messages/s per bot, 1/s and 20/min per chat), which
//! the bot enforces before sending, are never what is measured (a command answered with two
//! messages, e.g. text then a question, counts two). A warm-up turn (`/help` from every creator,
//! not measured) follows the creators' acceptance of the privacy policy (`harness::accept_policy`),
//! as creators of a live bot have both.
//! Latency is taken two ways: update → reply at the fake (the webhook POST starts → the first
//! message request for that chat arrives), exact; and the bot's own
//! `creatorpilot_command_duration_seconds` histogram (dispatch → reply sent), interpolated
//! inside its buckets.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::fake::FakeTelegram;
use crate::harness::{
    self, Cluster, Instance, Workspace, bucket_delta, bucket_quantile, mb, ms, quantile,
};

/// The commands creators send, in turn (none reaches YouTube, an AI model or Stripe).
const MIX: [&str; 10] = [
    "/help",
    "/plan",
    "/deal list",
    "/profile",
    "/language",
    "/idea list",
    "/digest",
    "/channels",
    "/help deal",
    "/revenue",
];

/// Telegram user ids of the simulated creators start here.
const FIRST_CREATOR: i64 = 700_000_001;

#[derive(clap::Args)]
pub struct Options {
    /// Simulated creators.
    #[arg(long, default_value_t = 1000)]
    creators: usize,
    /// Seconds of measured load.
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Commands per second, all creators together (the bot sends at most 30 messages/s).
    #[arg(long, default_value_t = 25.0)]
    rate: f64,
}

/// One command sent during the measured phase.
struct Sent {
    chat: i64,
    command: &'static str,
    at: Instant,
    status: Option<u16>,
}

pub async fn run(workspace: &Workspace, options: Options) -> anyhow::Result<bool> {
    let cluster = Cluster::start(workspace).await?;
    let result = tokio::select! {
        result = run_on(workspace, &cluster, &options) => result,
        () = harness::interrupted() => Err(anyhow::anyhow!("interrupted")),
    };
    cluster.remove().await;
    result
}

async fn run_on(
    workspace: &Workspace,
    cluster: &Cluster,
    options: &Options,
) -> anyhow::Result<bool> {
    let (fake, fleet, client) = harness::prepare(workspace, cluster).await?;
    let mut bot = fleet.spawn(workspace, "serve")?;
    bot.wait_ready(&client, &fake, 1).await?;
    println!(
        "load: creatorpilot serve (pid {}, {}) in webhook mode, log {}",
        bot.pid().unwrap_or_default(),
        workspace.bin.display(),
        bot.log.display()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = bot.memory_kb();

    let creators: Vec<i64> = (0..options.creators)
        .map(|n| FIRST_CREATOR + n as i64)
        .collect();
    println!(
        "load: warm-up, /help from each of {} creators at {}/s (not measured)",
        creators.len(),
        options.rate
    );
    harness::accept_policy(&cluster.pool().await?, &creators).await?;
    let warm: Vec<(i64, &'static str)> = creators.iter().map(|c| (*c, "/help")).collect();
    let warm_sent = drive(&client, &bot, &fleet.secret, &warm, options.rate).await;
    let warm_replies = wait_replies(&fake, &warm_sent, 0, Duration::from_secs(180)).await;
    let unanswered = warm_replies.iter().filter(|r| r.is_none()).count();
    if unanswered > 0 {
        println!("load: {unanswered} warm-up commands still unanswered after 180 s");
    }
    // Replies of more than one message finish a moment after the first arrives.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_warm = bot.memory_kb();

    let total = (options.rate * options.duration as f64).round() as usize;
    let schedule: Vec<(i64, &'static str)> = (0..total)
        .map(|k| {
            (
                creators[k % creators.len()],
                MIX[(k / creators.len() + k) % MIX.len()],
            )
        })
        .collect();
    println!(
        "load: {} commands over {} s at {}/s from {} creators (mix: {})",
        total,
        options.duration,
        options.rate,
        creators.len(),
        MIX.join(", ")
    );
    println!("machine: {}", harness::machine());
    let before = bot.scrape(&client).await?;
    let first_request = fake.request_count();
    let peak_sampled = Arc::new(Mutex::new(0u64));
    let sampler = {
        let peak = peak_sampled.clone();
        let pid = bot.pid();
        tokio::spawn(async move {
            loop {
                if let Some(rss) = pid.and_then(rss_kb) {
                    let mut peak = peak.lock().await;
                    *peak = (*peak).max(rss);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let started = Instant::now();
    let sent = drive(&client, &bot, &fleet.secret, &schedule, options.rate).await;
    let offered_seconds = started.elapsed().as_secs_f64();
    let latencies = wait_replies(&fake, &sent, first_request, Duration::from_secs(15)).await;
    sampler.abort();
    let after = bot.scrape(&client).await?;
    let memory = bot.memory_kb();

    let report = Report::new(&sent, &latencies, &before, &after, offered_seconds);
    report.print();
    print_per_command(&sent, &latencies);
    print_requests(&fake, first_request, offered_seconds);
    let (idle_kb, _) = idle.unwrap_or_default();
    let (_, peak_kb) = memory.unwrap_or_default();
    let sampled = *peak_sampled.lock().await;
    println!(
        "memory: idle {} (after start), {} (after warm-up); peak {} (VmHWM, whole life), \
         highest sampled under load {}",
        mb(idle_kb),
        mb(idle_warm.unwrap_or_default().0),
        mb(peak_kb),
        mb(sampled)
    );
    println!("machine: {} (at the end of the run)", harness::machine());
    let stopped = bot.stop().await;
    println!("stop: SIGTERM → exit 0: {stopped}");

    let checks = [
        (
            "p99 update→reply ≤ 15 ms",
            report.p99.is_some_and(|p| p <= Duration::from_millis(15)),
        ),
        ("0 errors", report.errors() == 0),
        ("idle RSS ≤ 40 MB", idle_kb > 0 && idle_kb <= 40 * 1024),
        ("peak RSS ≤ 150 MB", peak_kb > 0 && peak_kb <= 150 * 1024),
        ("clean stop", stopped),
    ];
    Ok(harness::verdict(workspace, &checks))
}

/// Posts the updates at `rate` per second (an even pace), without waiting for replies.
async fn drive(
    client: &reqwest::Client,
    bot: &Instance,
    secret: &str,
    schedule: &[(i64, &'static str)],
    rate: f64,
) -> Vec<Sent> {
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.1));
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(schedule.len());
    for (k, (chat, text)) in schedule.iter().enumerate() {
        tokio::time::sleep_until(start + interval * k as u32).await;
        let lang = if chat % 3 == 0 { "fr" } else { "en" };
        let update = harness::text_update(*chat, lang, text);
        let client = client.clone();
        let secret = secret.to_owned();
        let addr = bot.http;
        let (chat, command) = (*chat, *text);
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let status = harness::post_update(&client, addr, &secret, &update)
                .await
                .ok();
            Sent {
                chat,
                command,
                at,
                status,
            }
        }));
    }
    let mut sent = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(s) = task.await {
            sent.push(s);
        }
    }
    sent
}

/// Waits (up to `patience` after the last command) for a message in each command's chat, and
/// returns the update → reply time of each command answered (None: no reply).
async fn wait_replies(
    fake: &FakeTelegram,
    sent: &[Sent],
    first_request: usize,
    patience: Duration,
) -> Vec<Option<Duration>> {
    let deadline = Instant::now() + patience;
    loop {
        let latencies = match_replies(fake, sent, first_request);
        if latencies.iter().all(Option::is_some) || Instant::now() > deadline {
            return latencies;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// For each command, the first message request for its chat that arrived after it was posted
/// (a creator's next command comes many seconds later, so replies cannot be confused).
fn match_replies(
    fake: &FakeTelegram,
    sent: &[Sent],
    first_request: usize,
) -> Vec<Option<Duration>> {
    let mut arrivals: HashMap<i64, Vec<Instant>> = HashMap::new();
    for request in fake.requests_from(first_request) {
        if harness::is_message(&request.method)
            && let Some(chat) = request.chat_id()
        {
            arrivals.entry(chat).or_default().push(request.at);
        }
    }
    sent.iter()
        .map(|s| {
            arrivals
                .get(&s.chat)?
                .iter()
                .find(|at| **at >= s.at)
                .map(|at| at.duration_since(s.at))
        })
        .collect()
}

/// What the bot asked of Telegram during the measured phase (one bot may send ~30 messages/s).
fn print_requests(fake: &FakeTelegram, first_request: usize, seconds: f64) {
    let mut by_method: std::collections::BTreeMap<String, usize> = Default::default();
    for request in fake.requests_from(first_request) {
        *by_method.entry(request.method).or_default() += 1;
    }
    let messages: usize = by_method
        .iter()
        .filter(|(m, _)| harness::is_message(m))
        .map(|(_, n)| n)
        .sum();
    println!(
        "requests at the fake: {messages} messages ({:.1}/s); {}",
        messages as f64 / seconds.max(0.001),
        by_method
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// update→reply per command: which command a slow tail comes from.
fn print_per_command(sent: &[Sent], latencies: &[Option<Duration>]) {
    let mut by_command: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (s, latency) in sent.iter().zip(latencies) {
        let Some(latency) = latency else { continue };
        match by_command.iter_mut().find(|(c, _)| *c == s.command) {
            Some((_, list)) => list.push(*latency),
            None => by_command.push((s.command, vec![*latency])),
        }
    }
    for (command, mut list) in by_command {
        list.sort();
        let none = || "—".to_owned();
        println!(
            "  {command:<12} {:>5} answered, p50 {}, p99 {}, max {}",
            list.len(),
            quantile(&list, 0.5).map_or_else(none, ms),
            quantile(&list, 0.99).map_or_else(none, ms),
            list.last().copied().map_or_else(none, ms)
        );
    }
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Report {
    commands: usize,
    answered: usize,
    rejected: usize,
    unanswered: usize,
    internal: f64,
    handled: f64,
    seconds: f64,
    p50: Option<Duration>,
    p99: Option<Duration>,
    max: Option<Duration>,
    handler_p50: Option<f64>,
    handler_p99: Option<f64>,
}

impl Report {
    fn new(
        sent: &[Sent],
        latencies: &[Option<Duration>],
        before: &harness::Scrape,
        after: &harness::Scrape,
        seconds: f64,
    ) -> Report {
        let mut answered: Vec<Duration> = latencies.iter().flatten().copied().collect();
        answered.sort();
        let name = "creatorpilot_command_duration_seconds";
        let buckets = bucket_delta(&before.buckets(name), &after.buckets(name));
        let outcome = |scrape: &harness::Scrape, which: Option<&str>| {
            scrape.sum("creatorpilot_commands_total", |l| {
                which.is_none_or(|w| l.get("outcome").map(String::as_str) == Some(w))
            })
        };
        Report {
            commands: sent.len(),
            answered: answered.len(),
            rejected: sent
                .iter()
                .filter(|s| !s.status.is_some_and(|c| (200..300).contains(&c)))
                .count(),
            unanswered: latencies.iter().filter(|l| l.is_none()).count(),
            internal: outcome(after, Some("internal_error"))
                - outcome(before, Some("internal_error")),
            handled: outcome(after, None) - outcome(before, None),
            seconds,
            p50: quantile(&answered, 0.50),
            p99: quantile(&answered, 0.99),
            max: answered.last().copied(),
            handler_p50: bucket_quantile(&buckets, 0.50),
            handler_p99: bucket_quantile(&buckets, 0.99),
        }
    }

    fn errors(&self) -> usize {
        self.rejected + self.unanswered + self.internal as usize
    }

    fn print(&self) {
        let none = || "—".to_owned();
        println!(
            "throughput: {} commands sent in {:.1} s, {} answered ({:.1}/s), {} handled by the bot",
            self.commands,
            self.seconds,
            self.answered,
            self.answered as f64 / self.seconds.max(0.001),
            self.handled
        );
        println!(
            "errors: {} (webhook answered non-2xx {}, no reply {}, internal errors {})",
            self.errors(),
            self.rejected,
            self.unanswered,
            self.internal
        );
        println!(
            "update→reply at the fake: p50 {}, p99 {}, max {}",
            self.p50.map_or_else(none, ms),
            self.p99.map_or_else(none, ms),
            self.max.map_or_else(none, ms)
        );
        let secs = |s: Option<f64>| s.map_or_else(none, |s| ms(Duration::from_secs_f64(s)));
        println!(
            "handler (command_duration_seconds, interpolated in its buckets): p50 {}, p99 {}",
            secs(self.handler_p50),
            secs(self.handler_p99)
        );
    }
}
