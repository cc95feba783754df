//! `proof faults`: several `creatorpilot serve` instances on one database and one bot token.
//!
//! 1. Two batches of creators subscribe through the product's own command (`/digest on 00:00
//!    UTC`, posted to the instances' webhooks in turn, as a load balancer would); each gets
//!    14 days of manual YouTube numbers (rows as `/stats add` writes them) so every digest carries
//!    its chart (a multipart sendPhoto).
//! 2. Batch A is made due at once (`last_local_date` cleared: the next scheduler tick of any
//!    instance enqueues them all). A third of the way through, one instance is killed with
//!    SIGKILL (a supervisor starts it again 2 s later); two thirds through, PostgreSQL is
//!    restarted (`pg_ctl stop -m fast`, then start).
//! 3. Batch B is made due while the fake answers a burst of 429s (`retry_after`) and then a
//!    burst of 500s to sendPhoto.
//! 4. Once every job has settled (the killed instance's leases must expire first: 300 s), each
//!    chat's accepted digests are counted at the fake and compared with the jobs table: a chat
//!    with two is a duplicate; a chat with none whose job is not `uncertain` is a skip. The highest
//!    number of messages the fake saw in one second, all instances together, is compared with
//!    Telegram's cap.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::bail;
use sqlx::PgPool;

use crate::fake::{Failure, FakeTelegram};
use crate::harness::{self, Cluster, Instance, Workspace};

/// Telegram user (and private chat) ids of batch A and batch B start here.
const FIRST_A: i64 = 800_000_001;
const FIRST_B: i64 = 810_000_001;

#[derive(clap::Args)]
pub struct Options {
    /// Digest subscriptions per batch (batch A: kill and restart; batch B: 429 and 500 bursts).
    #[arg(long, default_value_t = 1000)]
    creators: usize,
    /// `creatorpilot serve` instances.
    #[arg(long, default_value_t = 3)]
    instances: usize,
    /// Telegram's limit for one bot, in messages per second, all instances together.
    #[arg(long, default_value_t = 30)]
    cap: usize,
    /// The job lease `serve` uses, in seconds: how long the killed instance's jobs stay claimed.
    #[arg(long, default_value_t = 300)]
    lease: u64,
    /// sendPhoto calls answered 429 (retry_after 3 s) in batch B's burst.
    #[arg(long, default_value_t = 40)]
    burst_429: usize,
    /// sendPhoto calls answered 500 right after.
    #[arg(long, default_value_t = 12)]
    burst_500: usize,
}

pub async fn run(workspace: &Workspace, options: Options) -> anyhow::Result<bool> {
    if options.instances < 2 {
        bail!("--instances must be at least 2 (one of them is killed)");
    }
    let mut cluster = Cluster::start(workspace).await?;
    let result = tokio::select! {
        result = run_on(workspace, &mut cluster, &options) => result,
        () = harness::interrupted() => Err(anyhow::anyhow!("interrupted")),
    };
    cluster.remove().await;
    result
}

/// The fake's requests, read once each, folded into what the checks need.
#[derive(Default)]
struct Tally {
    read: usize,
    /// Accepted sendPhoto per chat (a digest, since every subscriber has numbers).
    digests: HashMap<i64, usize>,
    /// Message requests (accepted or refused) per second since the fake started.
    per_second: BTreeMap<u64, usize>,
    /// Message requests per (chat, second).
    per_chat_second: HashMap<(i64, u64), usize>,
    /// Any message request per chat (the replies to `/digest on`).
    messages: HashMap<i64, usize>,
    refused: usize,
}

impl Tally {
    fn update(&mut self, fake: &FakeTelegram) {
        let started = fake.started();
        let requests = fake.requests_from(self.read);
        self.read += requests.len();
        for r in requests {
            if !harness::is_message(&r.method) {
                continue;
            }
            let Some(chat) = r.chat_id() else { continue };
            let second = r.at.duration_since(started).as_secs();
            *self.per_second.entry(second).or_default() += 1;
            *self.per_chat_second.entry((chat, second)).or_default() += 1;
            *self.messages.entry(chat).or_default() += 1;
            if r.refused {
                self.refused += 1;
            } else if r.method == "sendphoto" {
                *self.digests.entry(chat).or_default() += 1;
            }
        }
    }

    fn delivered(&self, chats: &[i64]) -> usize {
        chats
            .iter()
            .filter(|c| self.digests.contains_key(c))
            .count()
    }

    /// The busiest second at the fake within [from, to) seconds since it started.
    fn peak(&self, from: u64, to: u64) -> (usize, u64) {
        self.per_second
            .range(from..to)
            .map(|(s, n)| (*n, *s))
            .max()
            .unwrap_or((0, 0))
    }
}

async fn run_on(
    workspace: &Workspace,
    cluster: &mut Cluster,
    options: &Options,
) -> anyhow::Result<bool> {
    let (fake, fleet, client) = harness::prepare(workspace, cluster).await?;
    let mut instances = Vec::new();
    for n in 1..=options.instances {
        let mut instance = fleet.spawn(workspace, &format!("serve-{n}"))?;
        instance.wait_ready(&client, &fake, n).await?;
        println!(
            "faults: {} up (pid {}), log {}",
            instance.name,
            instance.pid().unwrap_or_default(),
            instance.log.display()
        );
        instances.push(instance);
    }
    println!("machine: {}", harness::machine());
    let pool = cluster.pool().await?;
    let batch_a: Vec<i64> = (0..options.creators).map(|n| FIRST_A + n as i64).collect();
    let batch_b: Vec<i64> = (0..options.creators).map(|n| FIRST_B + n as i64).collect();
    let mut tally = Tally::default();

    // 1. Subscriptions through the product's own command, spread over the instances.
    let seed_started = Instant::now();
    let all: Vec<i64> = batch_a.iter().chain(&batch_b).copied().collect();
    harness::accept_policy(&pool, &all).await?;
    subscribe(&client, &instances, &fleet.secret, &all).await?;
    wait_for("every /digest on reply", Duration::from_secs(300), || {
        tally.update(&fake);
        all.iter().all(|c| tally.messages.contains_key(c))
    })
    .await?;
    let subscribed = count_subscriptions(&pool, &all).await?;
    if subscribed != all.len() {
        bail!(
            "{subscribed} of {} subscriptions were stored; see the logs",
            all.len()
        );
    }
    seed_numbers(&pool, &all).await?;
    let seed_end = fake.started().elapsed().as_secs() + 1;
    println!(
        "seed: {} creators subscribed with /digest on through {} instances in {:.1} s, \
         14 days of numbers each",
        all.len(),
        instances.len(),
        seed_started.elapsed().as_secs_f64()
    );

    // 2. Batch A due at once; a kill and a database restart while it is delivered.
    make_due(&pool, &batch_a).await?;
    let due_at = Instant::now();
    println!(
        "phase 1: {} digests due at once (sent when an instance's scheduler next ticks, ≤ 60 s)",
        batch_a.len()
    );
    let phase1_start = fake.started().elapsed().as_secs();
    let victim = 1;
    let mut killed: Option<(Instant, u32)> = None;
    let mut restarted_db = false;
    let mut last_progress = (0, Instant::now());
    loop {
        tally.update(&fake);
        let delivered = tally.delivered(&batch_a);
        if delivered == 0 && due_at.elapsed() > Duration::from_secs(150) {
            bail!("no digest arrived within 150 s of being due; see the logs");
        }
        if killed.is_none() && delivered * 3 >= batch_a.len() {
            let pid = instances[victim].pid().unwrap_or_default();
            instances[victim].kill();
            killed = Some((Instant::now(), pid));
            println!(
                "phase 1: SIGKILL to {} (pid {pid}) after {delivered} digests",
                instances[victim].name
            );
        }
        if let Some((at, _)) = killed
            && instances[victim].pid().is_none()
            && at.elapsed() >= Duration::from_secs(2)
        {
            let restarted = fleet.respawn(workspace, &instances[victim])?;
            println!(
                "phase 1: {} started again (pid {})",
                restarted.name,
                restarted.pid().unwrap_or_default()
            );
            instances[victim] = restarted;
        }
        // After the killed instance is back: a process starting while the database is down exits.
        if killed.is_some()
            && instances[victim].pid().is_some()
            && !restarted_db
            && delivered * 3 >= batch_a.len() * 2
        {
            let down = cluster.restart().await?;
            restarted_db = true;
            println!(
                "phase 1: PostgreSQL restarted after {delivered} digests (down {:.1} s)",
                down.as_secs_f64()
            );
        }
        if delivered != last_progress.0 {
            last_progress = (delivered, Instant::now());
        }
        // Live delivery is over when nothing is left to claim and nothing arrived for 10 s
        // (jobs the killed instance held wait for their lease to expire).
        let quiet = last_progress.1.elapsed() > Duration::from_secs(10);
        if restarted_db && instances[victim].pid().is_some() && quiet {
            let queued = count_jobs(&pool, &batch_a, &["queued"]).await.unwrap_or(1);
            if queued == 0 || last_progress.1.elapsed() > Duration::from_secs(120) {
                break;
            }
        }
        if killed.is_none() && delivered > 0 && last_progress.1.elapsed() > Duration::from_secs(60)
        {
            bail!("digests stopped arriving before a third was delivered; see the logs");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let phase1_live = tally.delivered(&batch_a);
    println!(
        "phase 1: {phase1_live} of {} digests delivered live; the rest wait for leases to expire",
        batch_a.len()
    );

    // 3. Batch B due while the fake answers 429s, then 500s.
    let phase2_start = fake.started().elapsed().as_secs();
    fake.fail("sendphoto", Failure::RetryAfter(3), options.burst_429);
    fake.fail("sendphoto", Failure::ServerError, options.burst_500);
    make_due(&pool, &batch_b).await?;
    println!(
        "phase 2: {} digests due; the next {} sendPhoto answered 429 (retry after 3 s), then {} \
         answered 500",
        batch_b.len(),
        options.burst_429,
        options.burst_500
    );

    // 4. Everything settles: the killed instance's leases expire, the scheduler reaps them.
    let (kill_at, killed_pid) = killed.unwrap_or((Instant::now(), 0));
    let deadline = kill_at + Duration::from_secs(options.lease + 150);
    let mut said = Instant::now();
    let everyone: Vec<i64> = batch_a.iter().chain(&batch_b).copied().collect();
    loop {
        tally.update(&fake);
        let open = count_jobs(&pool, &everyone, &["queued", "running", "sending"])
            .await
            .unwrap_or(usize::MAX);
        let jobs = count_jobs(&pool, &everyone, &[]).await.unwrap_or(0);
        if open == 0 && jobs >= everyone.len() {
            break;
        }
        if Instant::now() > deadline {
            println!("settle: gave up waiting; {open} jobs still open");
            break;
        }
        if said.elapsed() > Duration::from_secs(30) {
            said = Instant::now();
            println!(
                "settle: {open} jobs open, {} of {} digests delivered; the killed instance's \
                 leases expire {} s after the kill",
                tally.delivered(&everyone),
                everyone.len(),
                options.lease
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tally.update(&fake);
    let end = fake.started().elapsed().as_secs() + 1;

    // 5. The verdict.
    let statuses = job_statuses(&pool, &everyone).await?;
    let mut uncertain_delivered = 0;
    let mut uncertain_lost = 0;
    let mut duplicates = Vec::new();
    let mut skipped = Vec::new();
    for chat in &everyone {
        let count = tally.digests.get(chat).copied().unwrap_or(0);
        let status = statuses.get(chat).map(String::as_str).unwrap_or("no job");
        if count > 1 {
            duplicates.push((*chat, count));
        }
        match (count, status) {
            (0, "uncertain") => uncertain_lost += 1,
            (_, "uncertain") => uncertain_delivered += 1,
            (0, _) => skipped.push((*chat, status.to_owned())),
            _ => {}
        }
    }
    let reaped = count_reaped(&pool, &everyone).await?;
    let b_delivered = tally.delivered(&batch_b);
    let mut status_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for status in statuses.values() {
        *status_counts.entry(status.as_str()).or_default() += 1;
    }
    let gauge = match instances.iter().find(|i| i.pid().is_some()) {
        Some(live) => live
            .scrape(&client)
            .await
            .map(|s| s.sum("creatorpilot_jobs_uncertain", |_| true))
            .ok(),
        None => None,
    };
    let per_chat_peak = tally.per_chat_second.values().copied().max().unwrap_or(0);
    let (peak, peak_second) = tally.peak(0, end);
    let (seed_peak, _) = tally.peak(0, seed_end);
    let (phase1_peak, _) = tally.peak(phase1_start, phase2_start);
    let (phase2_peak, _) = tally.peak(phase2_start, end);

    println!(
        "digests: {} subscriptions, {} delivered, {} duplicates, {} skipped",
        everyone.len(),
        tally.delivered(&everyone),
        duplicates.len(),
        skipped.len()
    );
    println!(
        "jobs: {}; {reaped} found with an expired lease (the killed instance, pid {killed_pid}, \
         or a worker cut off by the restart): claimed but not sending → queued again, \
         sending → uncertain",
        status_counts
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "uncertain: {} in the jobs table ({uncertain_delivered} of them reached the chat, \
         {uncertain_lost} did not); creatorpilot_jobs_uncertain = {}",
        uncertain_delivered + uncertain_lost,
        gauge.map_or_else(|| "—".to_owned(), |g| g.to_string())
    );
    println!(
        "phase 2 (429 and 500 bursts): {b_delivered} of {} delivered; {} requests refused by \
         the fake in all",
        batch_b.len(),
        tally.refused
    );
    println!(
        "rate: highest {peak} messages in one second at the fake, all instances together \
         (second {peak_second}; seeding {seed_peak}, phase 1 {phase1_peak}, phase 2 \
         {phase2_peak}); cap {}; highest in one chat {per_chat_peak}/s",
        options.cap
    );
    println!("machine: {} (at the end of the run)", harness::machine());
    for (chat, count) in duplicates.iter().take(10) {
        println!("  duplicate: chat {chat} got {count} digests");
    }
    for (chat, status) in skipped.iter().take(10) {
        println!("  skipped: chat {chat} got no digest (job: {status})");
    }

    for instance in &mut instances {
        instance.stop().await;
    }
    pool.close().await;

    let checks = [
        ("no digest sent twice", duplicates.is_empty()),
        ("none skipped", skipped.is_empty()),
        (
            "batch B all delivered after the bursts",
            b_delivered == batch_b.len(),
        ),
        ("never above the cap", peak <= options.cap),
        ("never above 1 message/s in a chat", per_chat_peak <= 1),
    ];
    Ok(harness::verdict(workspace, &checks))
}

/// Posts `/digest on 00:00 UTC` from each chat, spread over the instances, 32 at a time.
async fn subscribe(
    client: &reqwest::Client,
    instances: &[Instance],
    secret: &str,
    chats: &[i64],
) -> anyhow::Result<()> {
    use futures_util::{StreamExt, stream};
    let addrs: Vec<_> = instances.iter().map(|i| i.http).collect();
    let results: Vec<anyhow::Result<u16>> = stream::iter(chats.iter().enumerate())
        .map(|(k, chat)| {
            let update = harness::text_update(*chat, "en", "/digest on 00:00 UTC");
            let addr = addrs[k % addrs.len()];
            async move { harness::post_update(client, addr, secret, &update).await }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let refused = results
        .iter()
        .filter(|r| !matches!(r, Ok(200..=299)))
        .count();
    if refused > 0 {
        bail!("{refused} webhook deliveries were refused while subscribing");
    }
    Ok(())
}

async fn wait_for(
    what: &str,
    patience: Duration,
    mut done: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + patience;
    while !done() {
        if Instant::now() > deadline {
            bail!("gave up waiting for {what} after {} s", patience.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

fn chat_ids(chats: &[i64]) -> Vec<String> {
    chats.iter().map(i64::to_string).collect()
}

async fn count_subscriptions(pool: &PgPool, chats: &[i64]) -> anyhow::Result<usize> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM digest_subscriptions
         WHERE platform = 'telegram' AND chat_id = ANY($1) AND status = 'active'",
    )
    .bind(chat_ids(chats))
    .fetch_one(pool)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// 14 days of YouTube numbers ending yesterday (UTC) per creator, as `/stats add` stores them
/// (a `manual` platform row and its daily `analytics` rows).
async fn seed_numbers(pool: &PgPool, chats: &[i64]) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO platforms (user_id, provider, source)
         SELECT user_id, 'youtube', 'manual' FROM chat_identities
         WHERE platform = 'telegram' AND external_id = ANY($1)
         ON CONFLICT (user_id, provider) DO NOTHING",
    )
    .bind(chat_ids(chats))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO analytics (platform_id, day, views, likes, followers, source)
         SELECT p.id, d::date, 800 + (random() * 900)::bigint, 20 + (random() * 60)::bigint,
                5000 + g.n * 15, 'manual'
         FROM chat_identities c
         JOIN platforms p ON p.user_id = c.user_id AND p.provider = 'youtube'
         CROSS JOIN generate_series(1, 14) AS g(n)
         CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE 'UTC')::date - (15 - g.n) AS d) AS days
         WHERE c.platform = 'telegram' AND c.external_id = ANY($1)
         ON CONFLICT (platform_id, day) DO NOTHING",
    )
    .bind(chat_ids(chats))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the subscriptions due now: their time (00:00 UTC) has passed today and today is no
/// longer marked as served (`/digest on` after the time marks it, so the first comes tomorrow).
async fn make_due(pool: &PgPool, chats: &[i64]) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE digest_subscriptions SET last_local_date = NULL, updated_at = now()
         WHERE platform = 'telegram' AND chat_id = ANY($1)",
    )
    .bind(chat_ids(chats))
    .execute(pool)
    .await?;
    Ok(())
}

/// Digest jobs of these chats in any of `statuses` (all of them when empty).
async fn count_jobs(pool: &PgPool, chats: &[i64], statuses: &[&str]) -> anyhow::Result<usize> {
    let statuses: Vec<String> = statuses.iter().map(|s| (*s).to_owned()).collect();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs j
         JOIN digest_subscriptions s ON j.payload->>'subscription' = s.id::text
         WHERE j.kind = 'digest' AND s.platform = 'telegram' AND s.chat_id = ANY($1)
           AND (cardinality($2::text[]) = 0 OR j.status = ANY($2))",
    )
    .bind(chat_ids(chats))
    .bind(statuses)
    .fetch_one(pool)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Jobs the scheduler's reaper found with an expired lease (it leaves a note in `last_error`).
async fn count_reaped(pool: &PgPool, chats: &[i64]) -> anyhow::Result<usize> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs j
         JOIN digest_subscriptions s ON j.payload->>'subscription' = s.id::text
         WHERE j.kind = 'digest' AND s.platform = 'telegram' AND s.chat_id = ANY($1)
           AND j.last_error LIKE 'lease expired%'",
    )
    .bind(chat_ids(chats))
    .fetch_one(pool)
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Each chat's digest job status (several jobs for one chat are listed together).
async fn job_statuses(pool: &PgPool, chats: &[i64]) -> anyhow::Result<HashMap<i64, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.chat_id, j.status FROM jobs j
         JOIN digest_subscriptions s ON j.payload->>'subscription' = s.id::text
         WHERE j.kind = 'digest' AND s.platform = 'telegram' AND s.chat_id = ANY($1)
         ORDER BY j.id",
    )
    .bind(chat_ids(chats))
    .fetch_all(pool)
    .await?;
    let mut statuses: HashMap<i64, String> = HashMap::new();
    let mut seen: HashSet<i64> = HashSet::new();
    for (chat, status) in rows {
        let Ok(chat) = chat.parse::<i64>() else {
            continue;
        };
        if seen.insert(chat) {
            statuses.insert(chat, status);
        } else if let Some(s) = statuses.get_mut(&chat) {
            s.push('+');
            s.push_str(&status);
        }
    }
    Ok(statuses)
}
