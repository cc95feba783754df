//! The embedded default PostgreSQL: a private cluster under `<data dir>/pg`, started from the
//! machine's binaries and shared by every process that uses that data dir. This module is the public
//! face (`EmbeddedPostgres`, `EmbeddedError`) and orchestrates start, attach and release; `paths`
//! knows the files, `tools` runs the PostgreSQL programs. Depends on std, sqlx, tokio and its two
//! submodules only.
//!
//! Sharing works through the file system: an exclusive `flock` on `pg/lock` serialises start/attach
//! and release, and each live registration is one file `pg/users/<pid>-<n>`. Whoever takes the lock
//! first prunes the files of dead processes, so a crashed user never keeps the server alive for
//! nobody, and the last registration to be released stops the server.

mod paths;
mod tools;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use paths::{
    Layout, ServerState, ServerUser, attached_socket_dir, check_reachable, give_to_server, lock,
    private_dir, prune_users, remove_if_present, server_state, server_user,
};
use tools::{Binaries, find_binaries, start_server, stop_server};

/// The application database every process uses.
const DATABASE: &str = "creatorpilot";
/// Cluster superuser, and the OS user the server runs as when this process is root.
const SUPERUSER: &str = "postgres";
const PORT: u16 = 5432;
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Environment variable (tests set it to 1) trading durability for speed.
const FAST_ENV: &str = "CREATORPILOT_PG_FAST";

/// Distinguishes several registrations made by one process (one file each), so releasing one of
/// them never looks like "this process is gone".
static NEXT_REGISTRATION: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "PostgreSQL is not installed: install it (e.g. `apt-get install postgresql`) or set DATABASE_URL to an existing database."
    )]
    NotInstalled,
    #[error(
        "There is no `postgres` user to run the embedded database as when running as root: install PostgreSQL's package (it creates that user) or set DATABASE_URL to an existing database."
    )]
    NoServerUser,
    #[error(
        "The `postgres` user, which runs the embedded database for root, cannot enter {dir}: set CREATORPILOT_DATA_DIR to a directory it can reach, such as /var/lib/creatorpilot or /tmp/creatorpilot."
    )]
    Unreachable { dir: PathBuf },
    #[error(
        "Could not {action} {path} for the embedded database: check that this user may write there or set CREATORPILOT_DATA_DIR to another directory."
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{dir} is not a directory owned by the database's user, so the database socket cannot go there safely: delete it and start again."
    )]
    SocketDirTaken { dir: PathBuf },
    #[error(
        "{data} is not empty but holds no PostgreSQL cluster: move it away or delete it, then start again."
    )]
    NotACluster { data: PathBuf },
    #[error(
        "initdb could not create the embedded cluster in {data} (it said: {output}): fix the cause and start again."
    )]
    Initdb { data: PathBuf, output: String },
    #[error(
        "The embedded PostgreSQL server did not start (pg_ctl said: {output}; the log ends with: {log_tail}): read {log} for the cause, fix it and start again."
    )]
    Start {
        log: PathBuf,
        output: String,
        log_tail: String,
    },
    #[error(
        "The embedded PostgreSQL server did not stop (pg_ctl said: {output}): read {log}, then stop it with `pg_ctl stop -D {data}` as the user that owns it."
    )]
    Stop {
        log: PathBuf,
        data: PathBuf,
        output: String,
    },
    #[error(
        "The embedded PostgreSQL server (pid {pid}) is running but its socket is missing from {socket_dir}: stop it with `pg_ctl stop -D {data}` and start again."
    )]
    SocketMissing {
        pid: i32,
        socket_dir: PathBuf,
        data: PathBuf,
    },
    #[error(
        "The embedded PostgreSQL server did not accept connections on {socket_dir} within 10 seconds: read {log} for the cause and start again."
    )]
    NotReady {
        socket_dir: PathBuf,
        log: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "Could not create the database `creatorpilot` in the embedded server: read {log} for the cause and start again."
    )]
    CreateDatabase {
        log: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("Setting up the embedded PostgreSQL was interrupted: start the program again.")]
    Interrupted(#[source] tokio::task::JoinError),
}

/// A registration on the shared embedded cluster.
///
/// Dropping it without [`EmbeddedPostgres::release`] keeps the registration until this process
/// exits: a pool built from [`EmbeddedPostgres::connect_options`] may outlive the handle, and the
/// server must not be stopped under it.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    layout: Layout,
    socket_dir: PathBuf,
    registration: PathBuf,
    binaries: Binaries,
    user: ServerUser,
}

impl EmbeddedPostgres {
    /// Starts the cluster under `<data_dir>/pg` (initdb on first use) or attaches to it when another
    /// process already runs it; registers this process as a user of it; ensures the database
    /// `creatorpilot` exists.
    pub async fn start(data_dir: &Path) -> Result<EmbeddedPostgres, EmbeddedError> {
        let data_dir = data_dir.to_path_buf();
        let fast = fast_mode();
        let pg = blocking(move || start_blocking(&data_dir, fast)).await?;
        if let Err(error) = pg.ensure_database().await {
            // Undo the registration: a failed start must not keep the server alive for nobody.
            if let Err(release_error) = pg.release().await {
                tracing::warn!(error = %release_error, "could not release the embedded database after a failed start");
            }
            return Err(error);
        }
        Ok(pg)
    }

    /// Options to connect over the Unix socket as the cluster superuser, database `creatorpilot`.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.connect_options_for(DATABASE)
    }

    /// Same, for another database name (tests create one database per test).
    pub fn connect_options_for(&self, database: &str) -> PgConnectOptions {
        // Port explicitly: it names the socket file, and PGPORT in the environment must not move it.
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
    }

    /// Unregisters this process; the last registered process stops the server (pg_ctl stop -m fast).
    pub async fn release(self) -> Result<(), EmbeddedError> {
        blocking(move || release_blocking(&self)).await
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedError> {
        let mut conn = self.connect_when_ready().await?;
        let create_error = |source| EmbeddedError::CreateDatabase {
            log: self.layout.log.clone(),
            source,
        };
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(DATABASE)
                .fetch_optional(&mut conn)
                .await
                .map_err(create_error)?;
        if exists.is_none() {
            match sqlx::query(r#"CREATE DATABASE "creatorpilot""#)
                .execute(&mut conn)
                .await
            {
                Ok(_) => {}
                // Another process created it between our check and our CREATE: 42P04
                // duplicate_database, or 23505 when both inserts race on pg_database's index.
                Err(sqlx::Error::Database(e))
                    if matches!(e.code().as_deref(), Some("42P04" | "23505")) => {}
                Err(e) => return Err(create_error(e)),
            }
        }
        // The connection has served its purpose; a failed goodbye changes nothing.
        let _ = conn.close().await;
        Ok(())
    }

    /// `pg_ctl start -w` already waits, but an attaching process may arrive while the server is
    /// still starting or recovering, so retry for a while.
    async fn connect_when_ready(&self) -> Result<PgConnection, EmbeddedError> {
        let options = self.connect_options_for("postgres");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match PgConnection::connect_with(&options).await {
                Ok(conn) => return Ok(conn),
                Err(source) if Instant::now() >= deadline => {
                    return Err(EmbeddedError::NotReady {
                        socket_dir: self.socket_dir.clone(),
                        log: self.layout.log.clone(),
                        source,
                    });
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, EmbeddedError> + Send + 'static,
) -> Result<T, EmbeddedError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(EmbeddedError::Interrupted)?
}

fn fast_mode() -> bool {
    std::env::var(FAST_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// The one shape of file-system failure, shared by `paths` and `tools`.
fn io_error(action: &'static str, path: &Path, source: io::Error) -> EmbeddedError {
    EmbeddedError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

fn start_blocking(data_dir: &Path, fast: bool) -> Result<EmbeddedPostgres, EmbeddedError> {
    let user = server_user()?;
    // Looked up before creating anything, so a machine without PostgreSQL is left untouched.
    let cluster_version = fs::read_to_string(data_dir.join("pg/data/PG_VERSION")).ok();
    let binaries = find_binaries(cluster_version.as_deref().map(str::trim))
        .ok_or(EmbeddedError::NotInstalled)?;
    fs::create_dir_all(data_dir).map_err(|e| io_error("create", data_dir, e))?;
    let data_dir = fs::canonicalize(data_dir).map_err(|e| io_error("resolve", data_dir, e))?;
    if let Some((_, gid)) = &user.switch_to {
        check_reachable(&data_dir, user.uid, *gid)?;
    }
    let layout = Layout::new(&data_dir, user.uid);
    private_dir(&layout.pg, &user)?;
    private_dir(&layout.users, &user)?;
    if layout.log.exists() {
        give_to_server(&layout.log, &user)?;
    }

    let _lock = lock(&layout, &user)?;
    prune_users(&layout.users)?;
    let socket_dir = match server_state(&layout)? {
        ServerState::Running(pid_file) => attached_socket_dir(&layout, pid_file)?,
        ServerState::Stopped => {
            start_server(&layout, &binaries, &user, fast)?;
            layout.socket_dir.clone()
        }
    };
    let id = NEXT_REGISTRATION.fetch_add(1, Ordering::Relaxed);
    let registration = layout.users.join(format!("{}-{id}", std::process::id()));
    File::create(&registration).map_err(|e| io_error("create", &registration, e))?;
    Ok(EmbeddedPostgres {
        layout,
        socket_dir,
        registration,
        binaries,
        user,
    })
}

fn release_blocking(pg: &EmbeddedPostgres) -> Result<(), EmbeddedError> {
    let layout = &pg.layout;
    let _lock = lock(layout, &pg.user)?;
    remove_if_present(&pg.registration)?;
    if prune_users(&layout.users)? > 0 {
        return Ok(());
    }
    if let ServerState::Stopped = server_state(layout)? {
        return Ok(());
    }
    stop_server(layout, &pg.binaries, &pg.user)
}

#[cfg(test)]
mod tests {
    use super::tools::tail;
    use super::*;

    #[test]
    fn every_error_is_one_sentence() {
        let errors = [
            EmbeddedError::NotInstalled,
            EmbeddedError::NoServerUser,
            EmbeddedError::Unreachable {
                dir: PathBuf::from("/root"),
            },
            EmbeddedError::Initdb {
                data: PathBuf::from("/d"),
                output: tail(b"initdb: error: x\ninitdb: removing data directory"),
            },
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.contains('\n'), "{text}");
            assert!(text.ends_with('.'), "{text}");
        }
    }
}
