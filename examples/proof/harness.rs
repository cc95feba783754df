//! What `load` and `faults` share: the run's directory, the throwaway PostgreSQL, the
//! `creatorpilot serve` processes (spawned, made ready, stopped or killed), Telegram updates
//! posted to their webhook, their Prometheus metrics and their memory.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine as _;
use creatorpilot::db::embedded::EmbeddedPostgres;
use rand::RngCore;
use serde_json::Value;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::fake::{self, FakeTelegram};

/// The bot token every instance uses (the fake accepts any).
pub const TOKEN: &str = "4242:proof-token";

/// The run's directory (`logs/`, `data/`, and the cluster under `pg/`) and the binary under test.
pub struct Workspace {
    pub dir: PathBuf,
    pub bin: PathBuf,
}

impl Workspace {
    pub fn create(bin: &Path, dir: Option<&Path>, kind: &str) -> anyhow::Result<Workspace> {
        let bin = std::fs::canonicalize(bin).with_context(|| {
            format!(
                "{} not found: build it with `cargo build --release` first",
                bin.display()
            )
        })?;
        let dir = match dir {
            Some(dir) => dir.to_path_buf(),
            None => PathBuf::from(format!(
                "/tmp/creatorpilot-proof/{kind}-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%S")
            )),
        };
        std::fs::create_dir_all(dir.join("logs"))?;
        std::fs::create_dir_all(dir.join("data"))?;
        // As root the cluster runs as `postgres`, which must reach its directory.
        for ancestor in dir
            .ancestors()
            .take_while(|a| a.starts_with("/tmp/creatorpilot-proof"))
        {
            let _ = std::fs::set_permissions(
                ancestor,
                std::os::unix::fs::PermissionsExt::from_mode(0o755),
            );
        }
        println!("{kind}: logs and database under {}", dir.display());
        Ok(Workspace { dir, bin })
    }

    pub fn log(&self, name: &str) -> PathBuf {
        self.dir.join("logs").join(format!("{name}.log"))
    }
}

/// A throwaway PostgreSQL: the product's embedded cluster in the run's directory, with fsync as
/// in production. Every instance reaches it through `DATABASE_URL`.
pub struct Cluster {
    dir: PathBuf,
    pg: Option<EmbeddedPostgres>,
    pub options: PgConnectOptions,
    pub url: String,
}

impl Cluster {
    pub async fn start(workspace: &Workspace) -> anyhow::Result<Cluster> {
        let dir = workspace.dir.clone();
        let pg = EmbeddedPostgres::start(&dir)
            .await
            .context("starting the throwaway PostgreSQL")?;
        let options = pg.connect_options();
        let url = creatorpilot::db::url_of(&options);
        Ok(Cluster {
            dir,
            pg: Some(pg),
            options,
            url,
        })
    }

    /// Stops the server (`pg_ctl stop -m fast`: every session is cut) and starts it again;
    /// returns how long it was down.
    pub async fn restart(&mut self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        if let Some(pg) = self.pg.take() {
            pg.release().await.context("stopping PostgreSQL")?;
        }
        self.pg = Some(
            EmbeddedPostgres::start(&self.dir)
                .await
                .context("starting PostgreSQL again")?,
        );
        Ok(started.elapsed())
    }

    pub async fn pool(&self) -> anyhow::Result<PgPool> {
        creatorpilot::db::pool(self.options.clone()).await
    }

    /// Stops the server and deletes its files (the logs stay).
    pub async fn remove(mut self) {
        if let Some(pg) = self.pg.take()
            && let Err(e) = pg.release().await
        {
            eprintln!("could not stop the throwaway PostgreSQL: {e}");
        }
        let _ = std::fs::remove_dir_all(self.dir.join("pg"));
    }
}

/// What every instance of a run shares: one database, one bot token, one webhook secret, one
/// set of encryption keys, one data directory (as instances behind one load balancer would).
pub struct Fleet {
    bin: PathBuf,
    data_dir: PathBuf,
    database_url: String,
    fake_url: String,
    pub secret: String,
    keys: String,
}

impl Fleet {
    pub fn new(workspace: &Workspace, cluster: &Cluster, fake: &FakeTelegram) -> Fleet {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        let mut secret = [0u8; 24];
        rand::rng().fill_bytes(&mut secret);
        Fleet {
            bin: workspace.bin.clone(),
            data_dir: workspace.dir.join("data"),
            database_url: cluster.url.clone(),
            fake_url: fake.url.clone(),
            secret: hex(&secret),
            keys: format!(
                "proof:{}",
                base64::engine::general_purpose::STANDARD.encode(key)
            ),
        }
    }

    /// `creatorpilot migrate`, once, before the instances start.
    pub fn migrate(&self, workspace: &Workspace) -> anyhow::Result<()> {
        let log = workspace.log("migrate");
        let status = self
            .command(&["migrate"], None, &log)?
            .status()
            .context("running creatorpilot migrate")?;
        if !status.success() {
            bail!("creatorpilot migrate failed: see {}", log.display());
        }
        Ok(())
    }

    /// Starts `creatorpilot serve` on free loopback ports.
    pub fn spawn(&self, workspace: &Workspace, name: &str) -> anyhow::Result<Instance> {
        let http = free_addr()?;
        let metrics = free_addr()?;
        self.spawn_at(workspace, name, http, metrics)
    }

    /// Starts it again on the same ports (a supervisor restarting a crashed instance).
    pub fn respawn(&self, workspace: &Workspace, old: &Instance) -> anyhow::Result<Instance> {
        self.spawn_at(
            workspace,
            &format!("{}-restarted", old.name),
            old.http,
            old.metrics,
        )
    }

    fn spawn_at(
        &self,
        workspace: &Workspace,
        name: &str,
        http: SocketAddr,
        metrics: SocketAddr,
    ) -> anyhow::Result<Instance> {
        let log = workspace.log(name);
        let child = self
            .command(&["serve"], Some((http, metrics)), &log)?
            .spawn()
            .context("starting creatorpilot serve")?;
        Ok(Instance {
            name: name.to_owned(),
            http,
            metrics,
            log,
            child: Some(child),
        })
    }

    fn command(
        &self,
        args: &[&str],
        addrs: Option<(SocketAddr, SocketAddr)>,
        log: &Path,
    ) -> anyhow::Result<Command> {
        let out = std::fs::File::create(log)?;
        let mut command = Command::new(&self.bin);
        // A cleared environment (no developer keys, no .env from the caller's directory).
        command
            .args(args)
            .env_clear()
            .current_dir(&self.data_dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CREATORPILOT_DATA_DIR", &self.data_dir)
            .env("DATABASE_URL", &self.database_url)
            .env("TOKEN_ENCRYPTION_KEYS", &self.keys)
            .env("TELEGRAM_BOT_TOKEN", TOKEN)
            .env("TELEGRAM_API_URL", &self.fake_url)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1");
        if let Some((http, metrics)) = addrs {
            command
                .env("HTTP_ADDR", http.to_string())
                .env("METRICS_ADDR", metrics.to_string())
                .env(
                    "TELEGRAM_WEBHOOK_URL",
                    format!("http://{http}/telegram/webhook"),
                )
                .env("TELEGRAM_WEBHOOK_SECRET", &self.secret);
        }
        Ok(command)
    }
}

/// One `creatorpilot serve` process. Dropping it kills the process if it still runs.
pub struct Instance {
    pub name: String,
    pub http: SocketAddr,
    pub metrics: SocketAddr,
    pub log: PathBuf,
    child: Option<Child>,
}

impl Instance {
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Waits until `/healthz` answers 200 and the fake has seen this many setWebhook calls
    /// (each instance calls it once its Telegram front end is up).
    pub async fn wait_ready(
        &mut self,
        client: &reqwest::Client,
        fake: &FakeTelegram,
        webhooks: usize,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!(
                    "{} exited ({status}) while starting: see {}",
                    self.name,
                    self.log.display()
                );
            }
            let healthy = client
                .get(format!("http://{}/healthz", self.http))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if healthy && fake.requests_for("setwebhook").len() >= webhooks {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "{} was not ready within 60 s: see {}",
                    self.name,
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `VmRSS` and `VmHWM` (peak) in kB, from /proc.
    pub fn memory_kb(&self) -> Option<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        Some((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// SIGKILL: no chance to release anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits (up to 40 s, after which SIGKILL); true when it exited 0.
    pub async fn stop(&mut self) -> bool {
        let Some(mut child) = self.child.take() else {
            return false;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    }

    pub async fn scrape(&self, client: &reqwest::Client) -> anyhow::Result<Scrape> {
        let text = client
            .get(format!("http://{}/metrics", self.metrics))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        Ok(Scrape::parse(&text))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The fake Telegram, the fleet's shared settings (migrations applied) and the HTTP client:
/// what every run starts with.
pub async fn prepare(
    workspace: &Workspace,
    cluster: &Cluster,
) -> anyhow::Result<(FakeTelegram, Fleet, reqwest::Client)> {
    let fake = FakeTelegram::start().await;
    let fleet = Fleet::new(workspace, cluster, &fake);
    fleet.migrate(workspace)?;
    Ok((fake, fleet, client()?))
}

/// The simulated Telegram creators accept the privacy policy before their first command, as
/// `/start` then Accept would (each account is created as its first message would create it):
/// otherwise every command would get the policy's acceptance request instead of its answer.
pub async fn accept_policy(pool: &PgPool, users: &[i64]) -> anyhow::Result<()> {
    use creatorpilot::bot::Platform;
    for user in users {
        let account = creatorpilot::domain::accounts::resolve(
            pool,
            Platform::Telegram,
            &user.to_string(),
            None,
        )
        .await?;
        creatorpilot::domain::consent::accept_policy(pool, account.id).await?;
    }
    Ok(())
}

/// The HTTP client that plays Telegram (webhook posts) and scrapes metrics.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Prints each check and where the logs are; true when every check passed.
pub fn verdict(workspace: &Workspace, checks: &[(&str, bool)]) -> bool {
    for (name, ok) in checks {
        println!("check {name}: {}", if *ok { "ok" } else { "FAILED" });
    }
    println!("logs: {}", workspace.dir.join("logs").display());
    checks.iter().all(|(_, ok)| *ok)
}

/// Resolves on SIGINT or SIGTERM, so a run can stop its processes and its database before it
/// exits (a run cut short prints no figures).
pub async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
    eprintln!("interrupted: stopping the instances and the database");
}

/// A loopback address free right now (the instance binds it a moment later).
fn free_addr() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

static NEXT_UPDATE_ID: AtomicI64 = AtomicI64::new(1);

/// A text message from creator `user` in their private chat, as a webhook update.
pub fn text_update(user: i64, lang: &str, text: &str) -> Value {
    let mut update = fake::private_text(user, lang, text);
    update["update_id"] = NEXT_UPDATE_ID.fetch_add(1, Ordering::Relaxed).into();
    update
}

/// Posts an update to an instance's webhook as Telegram does; returns the HTTP status.
pub async fn post_update(
    client: &reqwest::Client,
    instance: SocketAddr,
    secret: &str,
    update: &Value,
) -> anyhow::Result<u16> {
    let response = client
        .post(format!("http://{instance}/telegram/webhook"))
        .header("X-Telegram-Bot-Api-Secret-Token", secret)
        .json(update)
        .send()
        .await?;
    Ok(response.status().as_u16())
}

/// Methods that put a message in a chat (what Telegram's 30 messages/s cap counts).
pub fn is_message(method: &str) -> bool {
    matches!(
        method,
        "sendmessage" | "sendphoto" | "senddocument" | "sendmediagroup" | "sendinvoice"
    )
}

/// One scrape of the Prometheus text format: (name, labels, value) per sample.
pub struct Scrape(Vec<(String, BTreeMap<String, String>, f64)>);

impl Scrape {
    pub fn parse(text: &str) -> Scrape {
        let mut samples = Vec::new();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, parse_labels(rest.trim_end_matches('}'))),
                None => (series, BTreeMap::new()),
            };
            samples.push((name.to_owned(), labels, value));
        }
        Scrape(samples)
    }

    /// The sum of a metric's samples whose labels pass `filter`.
    pub fn sum(&self, name: &str, filter: impl Fn(&BTreeMap<String, String>) -> bool) -> f64 {
        self.0
            .iter()
            .filter(|(n, labels, _)| n == name && filter(labels))
            .map(|(_, _, v)| v)
            .sum()
    }

    /// A histogram's cumulative bucket counts (`le` → count), summed over every label set.
    pub fn buckets(&self, name: &str) -> Vec<(f64, f64)> {
        let mut by_le: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
        for (n, labels, v) in &self.0 {
            if n != &format!("{name}_bucket") {
                continue;
            }
            let Some(le) = labels.get("le") else { continue };
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().unwrap_or(f64::INFINITY)
            };
            let entry = by_le.entry(le.to_bits()).or_insert((le, 0.0));
            entry.1 += v;
        }
        let mut buckets: Vec<(f64, f64)> = by_le.into_values().collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        buckets
    }
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut rest = text;
    while let Some((key, after)) = rest.split_once("=\"") {
        let Some(end) = after.find('"') else { break };
        labels.insert(
            key.trim_start_matches(',').trim().to_owned(),
            after[..end].to_owned(),
        );
        rest = &after[end + 1..];
    }
    labels
}

/// The bucket counts of `after` minus those of `before` (what happened in between).
pub fn bucket_delta(before: &[(f64, f64)], after: &[(f64, f64)]) -> Vec<(f64, f64)> {
    after
        .iter()
        .map(|(le, count)| {
            let earlier = before
                .iter()
                .find(|(l, _)| l.to_bits() == le.to_bits())
                .map_or(0.0, |(_, c)| *c);
            (*le, count - earlier)
        })
        .collect()
}

/// The q-quantile of cumulative buckets, interpolated linearly inside the bucket it falls in
/// (as Prometheus' histogram_quantile does). None without observations.
pub fn bucket_quantile(buckets: &[(f64, f64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let mut lower = (0.0, 0.0);
    for &(le, count) in buckets {
        if count >= rank {
            if le.is_infinite() {
                return Some(lower.0);
            }
            let width = count - lower.1;
            let share = if width > 0.0 {
                (rank - lower.1) / width
            } else {
                1.0
            };
            return Some(lower.0 + (le - lower.0) * share);
        }
        lower = (le, count);
    }
    None
}

/// The q-quantile of exact samples (nearest rank).
pub fn quantile(sorted: &[Duration], q: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// "2 cores, load average 0.52 0.80 0.91": other work on the machine moves every figure.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{cores} cores, load average {}", load.join(" "))
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}
