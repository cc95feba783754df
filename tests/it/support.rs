//! Test support: one real PostgreSQL cluster per run, a fresh database per test, the application
//! built over it, and the console binary driven through stdin/stdout.
//!
//! With `DATABASE_URL` unset, the cluster is the embedded one (the product's own code) under
//! `/tmp/creatorpilot-test-<uid>`, never inside the clone; `scripts/test` stops it afterwards.
//! Databases are copied from a migrated template, so each test starts from the real schema fast.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use creatorpilot::app::App;
use creatorpilot::bot::{AccountId, Platform};
use creatorpilot::db::embedded::EmbeddedPostgres;
use creatorpilot::settings::Settings;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::OnceCell;

struct Cluster {
    admin: PgConnectOptions,
    template: String,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::const_new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// A fresh database, migrated, for one test.
pub struct TestDb {
    pub pool: PgPool,
    /// A URL for processes the test starts.
    pub url: String,
}

async fn cluster() -> &'static Cluster {
    CLUSTER
        .get_or_init(|| async {
            let admin = match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
                Some(url) => url
                    .parse::<PgConnectOptions>()
                    .expect("DATABASE_URL parses"),
                None => {
                    let dir = PathBuf::from(format!(
                        "/tmp/creatorpilot-test-{}",
                        creatorpilot::process::effective_uid()
                    ));
                    let pg = EmbeddedPostgres::start(&dir)
                        .await
                        .expect("the test cluster starts");
                    let options = pg.connect_options_for("postgres");
                    // Stays registered for the whole run; scripts/test stops the cluster.
                    std::mem::forget(pg);
                    options
                }
            };
            let pid = std::process::id();
            let template = format!("cp_template_{pid}");
            let mut conn = PgConnection::connect_with(&admin.clone().database("postgres"))
                .await
                .expect("admin connection");
            drop_leftovers(&mut conn).await;
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {template}")))
                .await
                .expect("template created");
            let pool = creatorpilot::db::pool(admin.clone().database(&template))
                .await
                .expect("template pool");
            creatorpilot::db::migrate(&pool)
                .await
                .expect("migrations apply");
            pool.close().await;
            Cluster { admin, template }
        })
        .await
}

/// Databases of earlier runs whose process is gone.
async fn drop_leftovers(conn: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'cp\\_test\\_%' OR datname LIKE 'cp\\_template\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        let pid: Option<i32> = name.split('_').nth(2).and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = conn
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }
}

pub async fn fresh_db() -> TestDb {
    // As in `main`: one TLS provider for every client the tests build.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cluster = cluster().await;
    let name = format!(
        "cp_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = PgConnection::connect_with(&cluster.admin.clone().database("postgres"))
        .await
        .expect("admin");
    let create = format!("CREATE DATABASE {name} TEMPLATE {}", cluster.template);
    let mut attempt = 0;
    // Copies from one template serialize in PostgreSQL; a busy template is retried briefly.
    while let Err(e) = conn.execute(sqlx::AssertSqlSafe(create.clone())).await {
        attempt += 1;
        assert!(attempt < 50, "cannot create {name}: {e}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let options = cluster.admin.clone().database(&name);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options.clone())
        .await
        .expect("pool");
    TestDb {
        pool,
        url: creatorpilot::db::url_of(&options),
    }
}

/// Accepts the privacy policy in force for the creator behind `platform:user_id` (creating the
/// account as its first message would), as `/start` then Accept does: setup for tests about
/// something else, which would otherwise stop at the policy gate.
pub async fn accept_policy(pool: &PgPool, platform: Platform, user_id: &str) -> AccountId {
    let account = creatorpilot::domain::accounts::resolve(pool, platform, user_id, None)
        .await
        .expect("the account resolves");
    creatorpilot::domain::consent::accept_policy(pool, account.id)
        .await
        .expect("the policy is accepted");
    account.id
}

/// Settings as a fresh process would read them, plus `extra`.
pub fn settings(data_dir: &Path, extra: &[(&str, &str)]) -> Settings {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert(
        "CREATORPILOT_DATA_DIR".into(),
        data_dir.display().to_string(),
    );
    vars.insert("HTTP_ADDR".into(), "127.0.0.1:0".into());
    vars.insert("METRICS_ADDR".into(), "127.0.0.1:0".into());
    // Tests of other features send dozens of commands a second as one creator; the rate tests
    // (`hardening/rate.rs`) set their own limits.
    vars.insert("COMMAND_RATE_BURST".into(), "100000".into());
    vars.insert("COMMAND_RATE_PER_MINUTE".into(), "100000".into());
    for (k, v) in extra {
        vars.insert((*k).to_owned(), (*v).to_owned());
    }
    Settings::from_map(&vars).expect("test settings are valid")
}

/// The application over a fresh database, in this process.
pub struct TestApp {
    pub app: Arc<App>,
    pub db: TestDb,
    pub dir: tempfile::TempDir,
}

pub async fn app_with(extra: &[(&str, &str)]) -> TestApp {
    let db = fresh_db().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::new(settings(dir.path(), extra), db.pool.clone()).expect("app builds");
    TestApp { app, db, dir }
}

pub async fn app() -> TestApp {
    app_with(&[]).await
}

/// A console session run as a separate process: cleared environment, a temporary working
/// directory, loopback ports chosen by the OS.
pub struct ConsoleRun {
    pub stdout: String,
    pub stderr: String,
    pub status: std::process::ExitStatus,
    /// Attachments written by the console.
    pub files_dir: PathBuf,
}

pub struct ConsoleHarness {
    pub db: TestDb,
    pub data_dir: tempfile::TempDir,
    pub work_dir: tempfile::TempDir,
}

impl ConsoleHarness {
    pub async fn new() -> ConsoleHarness {
        ConsoleHarness {
            db: fresh_db().await,
            data_dir: tempfile::tempdir().expect("temp dir"),
            work_dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The console user `user` has accepted the privacy policy (see `accept_policy`).
    pub async fn accept_policy(&self, user: &str) -> AccountId {
        accept_policy(&self.db.pool, Platform::Console, user).await
    }

    /// Runs `creatorpilot chat ARGS` with `input` on stdin (raw bytes, so invalid UTF-8 can be sent).
    pub fn run(&self, args: &[&str], input: &[u8], env: &[(&str, &str)]) -> ConsoleRun {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_creatorpilot"));
        cmd.arg("chat")
            .args(args)
            .env_clear()
            .env("DATABASE_URL", &self.db.url)
            .env("CREATORPILOT_DATA_DIR", self.data_dir.path())
            .env("HTTP_ADDR", "127.0.0.1:0")
            .env("METRICS_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .current_dir(self.work_dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(input).expect("input written");
        }
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().expect("the binary ends");
        ConsoleRun {
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            status,
            files_dir: self.work_dir.path().join("creatorpilot-files"),
        }
    }

    /// One session as user `alice`, lines joined with newlines.
    pub fn chat(&self, lines: &[&str]) -> ConsoleRun {
        self.chat_as("alice", &[], lines)
    }

    pub fn chat_as(&self, user: &str, args: &[&str], lines: &[&str]) -> ConsoleRun {
        let mut input = lines.join("\n");
        input.push('\n');
        let mut all = vec!["--user", user];
        all.extend_from_slice(args);
        let run = self.run(&all, input.as_bytes(), &[]);
        assert!(
            run.status.success(),
            "console failed: {}\n{}",
            run.stdout,
            run.stderr
        );
        run
    }
}

impl ConsoleRun {
    /// Replies, split on the blank line that ends each one.
    pub fn replies(&self) -> Vec<&str> {
        self.stdout
            .split("\n\n")
            .filter(|r| !r.is_empty())
            .collect()
    }
}
