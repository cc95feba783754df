//! The embedded default PostgreSQL: a private cluster under `<data dir>/pg`, started from the
//! machine's binaries and shared by every process that uses that data dir. Depends on std, libc,
//! sqlx, tokio and `crate::process` only.
//!
//! Sharing works through the file system: an exclusive `flock` on `pg/lock` serialises start/attach
//! and release, and each live registration is one file `pg/users/<pid>-<n>`. Whoever takes the lock
//! first prunes the files of dead processes, so a crashed user never keeps the server alive for
//! nobody, and the last registration to be released stops the server.

use std::ffi::OsString;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// The application database every process uses.
const DATABASE: &str = "creatorpilot";
/// Cluster superuser, and the OS user the server runs as when this process is root.
const SUPERUSER: &str = "postgres";
const PORT: u16 = 5432;
const SOCKET_NAME: &str = ".s.PGSQL.5432";
/// Leaves headroom under the kernel's 108-byte `sun_path` (107 usable).
const MAX_SOCKET_PATH: usize = 100;
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

/// Every path of the cluster, derived from the canonical data dir so that processes started from
/// different working directories agree.
#[derive(Debug, Clone)]
struct Layout {
    pg: PathBuf,
    data: PathBuf,
    run: PathBuf,
    users: PathBuf,
    lock: PathBuf,
    log: PathBuf,
    socket_dir: PathBuf,
}

impl Layout {
    fn new(data_dir: &Path, server_uid: u32) -> Layout {
        let pg = data_dir.join("pg");
        Layout {
            data: pg.join("data"),
            run: pg.join("run"),
            users: pg.join("users"),
            lock: pg.join("lock"),
            log: pg.join("server.log"),
            socket_dir: socket_dir_for(data_dir, server_uid),
            pg,
        }
    }
}

/// `<data_dir>/pg/run` when the socket path fits the kernel limit, otherwise a short directory in
/// /tmp named after the server's uid and a stable hash of the data dir, so every process (starting
/// or attaching, built from any version of this code) computes the same one.
fn socket_dir_for(data_dir: &Path, server_uid: u32) -> PathBuf {
    let run = data_dir.join("pg").join("run");
    if run.join(SOCKET_NAME).as_os_str().len() <= MAX_SOCKET_PATH {
        return run;
    }
    // FNV-1a rather than std's hasher, whose algorithm may change between Rust releases.
    let hash = data_dir
        .as_os_str()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    PathBuf::from(format!(
        "/tmp/creatorpilot-{server_uid}-{:012x}",
        hash >> 16
    ))
}

/// The OS user the server runs as: this process's user, or `postgres` when this process is root
/// (initdb and postgres refuse to run as root).
#[derive(Debug, Clone)]
struct ServerUser {
    uid: u32,
    /// Set when this process is root: the user to switch to, and its group for chown.
    switch_to: Option<(String, u32)>,
}

fn server_user() -> Result<ServerUser, EmbeddedError> {
    let euid = crate::process::effective_uid();
    if euid != 0 {
        return Ok(ServerUser {
            uid: euid,
            switch_to: None,
        });
    }
    let (uid, gid) = lookup_user(SUPERUSER).ok_or(EmbeddedError::NoServerUser)?;
    Ok(ServerUser {
        uid,
        switch_to: Some((SUPERUSER.to_owned(), gid)),
    })
}

#[expect(
    unsafe_code,
    reason = "getpwnam_r is how to ask NSS for a user's ids; every buffer it writes is owned here"
)]
fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let name = std::ffi::CString::new(name).ok()?;
    let mut size = 16 * 1024;
    while size <= 1024 * 1024 {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: all-zero is a valid `passwd` (null pointers, zero ids); getpwnam_r overwrites it.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: `name` is NUL-terminated; `entry`, `buf` (with its true length) and `found` are
        // live, writable and exclusively borrowed for the duration of the call.
        let rc = unsafe {
            libc::getpwnam_r(
                name.as_ptr(),
                &mut entry,
                buf.as_mut_ptr(),
                buf.len(),
                &mut found,
            )
        };
        match rc {
            0 if !found.is_null() => return Some((entry.pw_uid, entry.pw_gid)),
            libc::ERANGE => size *= 4,
            _ => return None,
        }
    }
    None
}

#[expect(
    unsafe_code,
    reason = "kill with signal 0 only asks the kernel whether the pid exists"
)]
fn process_alive(pid: i32) -> bool {
    // 0 and negative pids name process groups, never one process.
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 delivers nothing; the call reads and writes no memory of ours.
    let rc = unsafe { libc::kill(pid, 0) };
    // EPERM means it exists but belongs to someone else: alive.
    let exists = rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH);
    exists && !is_zombie(pid)
}

/// A killed server whose parent (often a container's pid 1) has not reaped it yet still answers
/// `kill(pid, 0)`, but its socket refuses connections: it is dead.
fn is_zombie(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat_state(&stat) == Some('Z'))
}

/// The state letter of `/proc/<pid>/stat`: the first field after the command name, which is in
/// parentheses and may itself contain spaces and parentheses.
fn stat_state(stat: &str) -> Option<char> {
    let (_, rest) = stat.rsplit_once(')')?;
    rest.trim_start().chars().next()
}

/// Whether a live pid is a PostgreSQL server rather than a process that inherited a crashed
/// server's pid (common after a container restart). Unknown counts as PostgreSQL, so a running
/// server's pid file is never deleted on a guess.
fn is_postgres(pid: i32) -> bool {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let looks_like = |s: &str| s.contains("postgres") || s.contains("postmaster");
    if let Ok(comm) = fs::read_to_string(proc_dir.join("comm")) {
        return looks_like(comm.trim());
    }
    match fs::read(proc_dir.join("cmdline")) {
        Ok(cmdline) => {
            let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
            looks_like(&String::from_utf8_lossy(argv0))
        }
        Err(_) => true,
    }
}

/// What `data/postmaster.pid` says: the server's pid (line 1) and its first socket dir (line 5).
#[derive(Debug, PartialEq, Eq)]
struct PidFile {
    pid: i32,
    socket_dir: Option<PathBuf>,
}

fn parse_pid_file(text: &str) -> Option<PidFile> {
    let mut lines = text.lines();
    let pid = lines
        .next()?
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| *p > 0)?;
    let socket_dir = lines
        .nth(3)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    Some(PidFile { pid, socket_dir })
}

#[derive(Debug)]
enum ServerState {
    Stopped,
    Running(PidFile),
}

fn server_state(layout: &Layout) -> Result<ServerState, EmbeddedError> {
    let path = layout.data.join("postmaster.pid");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ServerState::Stopped),
        Err(e) => return Err(io_error("read", &path, e)),
    };
    Ok(match parse_pid_file(&text) {
        Some(pid_file) if process_alive(pid_file.pid) && is_postgres(pid_file.pid) => {
            ServerState::Running(pid_file)
        }
        _ => ServerState::Stopped,
    })
}

/// Where the PostgreSQL binaries live: pg_ctl starts the `postgres` next to itself.
#[derive(Debug, Clone)]
struct Binaries {
    dir: PathBuf,
}

const VERSIONED_ROOT: &str = "/usr/lib/postgresql";

/// The cluster's own major version first (newer binaries cannot start an older cluster), then
/// PATH, then the highest version under /usr/lib/postgresql.
fn find_binaries(cluster_version: Option<&str>) -> Option<Binaries> {
    let complete = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|tool| is_executable(&dir.join(tool)))
    };
    let versioned = |version: &str| Path::new(VERSIONED_ROOT).join(version).join("bin");
    if let Some(dir) = cluster_version.map(versioned).filter(|d| complete(d)) {
        return Some(Binaries { dir });
    }
    // A PATH entry is often a symlink; pg_ctl looks for `postgres` beside its resolved path.
    let on_path = find_on_path("pg_ctl")
        .and_then(|p| fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf));
    if let Some(dir) = on_path.filter(|d| complete(d)) {
        return Some(Binaries { dir });
    }
    let mut versions: Vec<String> = fs::read_dir(VERSIONED_ROOT)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    versions.sort_by_key(|v| version_key(v));
    versions
        .iter()
        .rev()
        .map(|v| versioned(v))
        .find(|d| complete(d))
        .map(|dir| Binaries { dir })
}

/// "9.6" < "15" < "16": numeric parts, non-numeric names first.
fn version_key(name: &str) -> Vec<u32> {
    name.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> EmbeddedError {
    EmbeddedError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Gives what we create to the server's user when we are root; the server must own its files.
fn give_to_server(path: &Path, user: &ServerUser) -> Result<(), EmbeddedError> {
    match &user.switch_to {
        Some((_, gid)) => std::os::unix::fs::chown(path, Some(user.uid), Some(*gid))
            .map_err(|e| io_error("hand over to the postgres user", path, e)),
        None => Ok(()),
    }
}

/// Creates (or reuses) a 0700 directory owned by the server's user. Refuses one owned by anybody
/// else: the socket directory may be in /tmp, where another user could have planted it.
fn private_dir(dir: &Path, user: &ServerUser) -> Result<(), EmbeddedError> {
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => give_to_server(dir, user)?,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_error("create", dir, e)),
    }
    let meta = fs::symlink_metadata(dir).map_err(|e| io_error("inspect", dir, e))?;
    if !meta.is_dir() || meta.uid() != user.uid {
        return Err(EmbeddedError::SocketDirTaken {
            dir: dir.to_path_buf(),
        });
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| io_error("restrict access to", dir, e))
}

/// As root the server runs as `postgres`, which must be able to walk down to `<data_dir>/pg`.
/// Only the primary group is considered; ACLs and supplementary groups are not.
fn check_reachable(data_dir: &Path, uid: u32, gid: u32) -> Result<(), EmbeddedError> {
    let mut ancestors: Vec<&Path> = data_dir.ancestors().collect();
    ancestors.reverse();
    for dir in ancestors {
        let meta = fs::metadata(dir).map_err(|e| io_error("inspect", dir, e))?;
        let mode = meta.mode();
        let bit = if meta.uid() == uid {
            0o100
        } else if meta.gid() == gid {
            0o010
        } else {
            0o001
        };
        if mode & bit == 0 {
            return Err(EmbeddedError::Unreachable {
                dir: dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Holds the exclusive lock on `pg/lock` until dropped.
fn lock(layout: &Layout, user: &ServerUser) -> Result<File, EmbeddedError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&layout.lock)
        .map_err(|e| io_error("open", &layout.lock, e))?;
    give_to_server(&layout.lock, user)?;
    file.lock().map_err(|e| io_error("lock", &layout.lock, e))?;
    Ok(file)
}

/// Removes the registrations of dead processes; returns how many live ones remain.
fn prune_users(users: &Path) -> Result<usize, EmbeddedError> {
    let entries = fs::read_dir(users).map_err(|e| io_error("list", users, e))?;
    let mut live = 0;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("list", users, e))?;
        let name = entry.file_name();
        let Some(pid) = registration_pid(&name.to_string_lossy()) else {
            continue;
        };
        if process_alive(pid) {
            live += 1;
        } else {
            remove_if_present(&entry.path())?;
        }
    }
    Ok(live)
}

/// `<pid>-<n>` (or a bare `<pid>`) → pid.
fn registration_pid(name: &str) -> Option<i32> {
    let digits = name.split('-').next()?;
    digits.parse::<i32>().ok().filter(|p| *p > 0)
}

fn remove_if_present(path: &Path) -> Result<(), EmbeddedError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("remove", path, e)),
        _ => Ok(()),
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

/// The computed socket dir, or the one the running server wrote in its pid file when the data dir
/// was reached through another path (so hashed differently) when it started.
fn attached_socket_dir(layout: &Layout, pid_file: PidFile) -> Result<PathBuf, EmbeddedError> {
    let has_socket = |dir: &Path| dir.join(SOCKET_NAME).exists();
    if has_socket(&layout.socket_dir) {
        return Ok(layout.socket_dir.clone());
    }
    match pid_file.socket_dir {
        Some(dir) if has_socket(&dir) => Ok(dir),
        _ => Err(EmbeddedError::SocketMissing {
            pid: pid_file.pid,
            socket_dir: layout.socket_dir.clone(),
            data: layout.data.clone(),
        }),
    }
}

fn start_server(
    layout: &Layout,
    binaries: &Binaries,
    user: &ServerUser,
    fast: bool,
) -> Result<(), EmbeddedError> {
    // Not running, so any pid or socket lock file is left from a crash. PostgreSQL refuses to start
    // when their pid now belongs to another live process, hence removing them.
    remove_if_present(&layout.data.join("postmaster.pid"))?;
    remove_if_present(&layout.socket_dir.join(SOCKET_NAME))?;
    remove_if_present(&layout.socket_dir.join(format!("{SOCKET_NAME}.lock")))?;

    if !layout.data.join("PG_VERSION").exists() {
        init_cluster(layout, binaries, user, fast)?;
    }
    if layout.socket_dir != layout.run {
        private_dir(&layout.run, user)?;
    }
    private_dir(&layout.socket_dir, user)?;

    // Trust authentication is safe here only because nothing but a Unix socket listens: no TCP
    // (listen_addresses empty), the socket is 0700 and so is its directory, so only the server's OS
    // user (and root) can connect, and they could read the data files anyway.
    let mut server_options = b"-p 5432 -c listen_addresses='' -c unix_socket_permissions=0700 \
        -c max_connections=200 -c unix_socket_directories="
        .to_vec();
    // pg_ctl hands -o to the server through /bin/sh, so the path is shell-quoted.
    server_options.extend(shell_quote(layout.socket_dir.as_os_str().as_bytes()));
    if fast {
        server_options
            .extend_from_slice(b" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    }
    let args: Vec<OsString> = vec![
        "start".into(),
        "-w".into(),
        "-D".into(),
        layout.data.clone().into(),
        "-l".into(),
        layout.log.clone().into(),
        "-o".into(),
        OsString::from_vec(server_options),
    ];
    let output = run_tool(user, &binaries.dir.join("pg_ctl"), &args, &layout.pg)?;
    if output.status.success() {
        return Ok(());
    }
    let log_tail = fs::read(&layout.log)
        .map(|log| tail(&log))
        .unwrap_or_default();
    Err(EmbeddedError::Start {
        log: layout.log.clone(),
        output: tool_said(&output),
        log_tail,
    })
}

fn init_cluster(
    layout: &Layout,
    binaries: &Binaries,
    user: &ServerUser,
    fast: bool,
) -> Result<(), EmbeddedError> {
    let not_empty = fs::read_dir(&layout.data).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty {
        return Err(EmbeddedError::NotACluster {
            data: layout.data.clone(),
        });
    }
    let initdb = binaries.dir.join("initdb");
    let mut output = None;
    // C.UTF-8 sorts by code point yet keeps UTF-8 character classes; some systems lack it.
    for locale in ["--locale=C.UTF-8", "--locale=C"] {
        let mut args: Vec<OsString> = vec![
            "-D".into(),
            layout.data.clone().into(),
            "-A".into(),
            "trust".into(),
            "-U".into(),
            SUPERUSER.into(),
            "-E".into(),
            "UTF8".into(),
            locale.into(),
            "--no-instructions".into(),
        ];
        if fast {
            args.push("--no-sync".into());
        }
        let attempt = run_tool(user, &initdb, &args, &layout.pg)?;
        if attempt.status.success() {
            return Ok(());
        }
        output = Some(attempt);
    }
    Err(EmbeddedError::Initdb {
        data: layout.data.clone(),
        output: output.as_ref().map(tool_said).unwrap_or_default(),
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
    let args: Vec<OsString> = vec![
        "stop".into(),
        "-w".into(),
        "-m".into(),
        "fast".into(),
        "-D".into(),
        layout.data.clone().into(),
    ];
    let output = run_tool(&pg.user, &pg.binaries.dir.join("pg_ctl"), &args, &layout.pg)?;
    if output.status.success() {
        return Ok(());
    }
    Err(EmbeddedError::Stop {
        log: layout.log.clone(),
        data: layout.data.clone(),
        output: tool_said(&output),
    })
}

/// Runs a PostgreSQL tool as the server's user, from the cluster's directory (root's working
/// directory is often unreadable for `postgres`).
fn run_tool(
    user: &ServerUser,
    program: &Path,
    args: &[OsString],
    cwd: &Path,
) -> Result<Output, EmbeddedError> {
    let mut command = match &user.switch_to {
        None => {
            let mut command = Command::new(program);
            command.args(args);
            command
        }
        Some((name, _)) => switch_user_command(name, program, args),
    };
    // Explicit flags name the cluster and port; these would otherwise override defaults.
    for var in ["PGDATA", "PGPORT", "PGHOST", "PGOPTIONS"] {
        command.env_remove(var);
    }
    command
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| io_error("run", program, e))
}

/// `runuser -u NAME -- program args…`, or `su` through a shell where util-linux's runuser is
/// missing.
fn switch_user_command(name: &str, program: &Path, args: &[OsString]) -> Command {
    let runuser = find_on_path("runuser").or_else(|| {
        ["/usr/sbin/runuser", "/sbin/runuser"]
            .iter()
            .map(PathBuf::from)
            .find(|p| is_executable(p))
    });
    if let Some(runuser) = runuser {
        let mut command = Command::new(runuser);
        command.args(["-u", name, "--"]).arg(program).args(args);
        return command;
    }
    let mut line = shell_quote(program.as_os_str().as_bytes());
    for arg in args {
        line.push(b' ');
        line.extend(shell_quote(arg.as_bytes()));
    }
    let mut command = Command::new("su");
    command
        .args([name, "-s", "/bin/sh", "-c"])
        .arg(OsString::from_vec(line));
    command
}

/// One word for /bin/sh: single quotes, with each embedded quote written as '\''.
fn shell_quote(word: &[u8]) -> Vec<u8> {
    let mut quoted = vec![b'\''];
    for &b in word {
        if b == b'\'' {
            quoted.extend_from_slice(b"'\\''");
        } else {
            quoted.push(b);
        }
    }
    quoted.push(b'\'');
    quoted
}

/// The last lines a tool printed, on one line: stderr, or stdout when stderr is empty.
fn tool_said(output: &Output) -> String {
    let said = tail(&output.stderr);
    if said.is_empty() {
        tail(&output.stdout)
    } else {
        said
    }
}

/// The last three non-empty lines without their full stops, joined with " / " so an error stays
/// one sentence.
fn tail(text: &[u8]) -> String {
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_end_matches('.'))
        .filter(|l| !l.is_empty())
        .collect();
    lines[lines.len().saturating_sub(3)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_data_dir_keeps_the_socket_inside_it() {
        let dir = socket_dir_for(Path::new("/var/lib/creatorpilot"), 101);
        assert_eq!(dir, Path::new("/var/lib/creatorpilot/pg/run"));
    }

    #[test]
    fn long_data_dir_gets_a_short_stable_socket_dir_in_tmp() {
        let long = PathBuf::from(format!(
            "/home/someone/{}/creatorpilot",
            "nested/".repeat(12)
        ));
        let dir = socket_dir_for(&long, 101);
        assert_eq!(dir, socket_dir_for(&long, 101), "every process must agree");
        assert!(dir.starts_with("/tmp"), "{dir:?}");
        assert!(dir.to_string_lossy().starts_with("/tmp/creatorpilot-101-"));
        assert!(dir.join(SOCKET_NAME).as_os_str().len() <= MAX_SOCKET_PATH);

        let other = long.join("x");
        assert_ne!(
            socket_dir_for(&other, 101),
            dir,
            "two data dirs, two sockets"
        );
        assert_ne!(
            socket_dir_for(&long, 1000),
            dir,
            "two server users, two sockets"
        );
    }

    #[test]
    fn the_limit_is_decided_on_the_full_socket_path() {
        // "/pg/run/.s.PGSQL.5432" is 21 bytes: a 79-byte data dir fits exactly, 80 does not.
        let fits = PathBuf::from(format!("/{}", "a".repeat(78)));
        let too_long = PathBuf::from(format!("/{}", "a".repeat(79)));
        assert_eq!(socket_dir_for(&fits, 0), fits.join("pg/run"));
        assert!(socket_dir_for(&too_long, 0).starts_with("/tmp"));
    }

    #[test]
    fn hash_is_stable_across_builds() {
        // Pinned (checked against an independent FNV-1a): a changed hash would strand a server
        // started by an older binary.
        assert_eq!(
            socket_dir_for(&PathBuf::from(format!("/{}", "a".repeat(79))), 0),
            Path::new("/tmp/creatorpilot-0-3116be03d2be")
        );
    }

    #[test]
    fn pid_file_gives_pid_and_socket_dir() {
        let text = "4242\n/x/pg/data\n1718000000\n5432\n/tmp/sock\n\n  1234567 8\nready   \n";
        assert_eq!(
            parse_pid_file(text),
            Some(PidFile {
                pid: 4242,
                socket_dir: Some(PathBuf::from("/tmp/sock")),
            })
        );
    }

    #[test]
    fn pid_file_with_only_a_pid_still_parses() {
        assert_eq!(
            parse_pid_file(" 17 \n"),
            Some(PidFile {
                pid: 17,
                socket_dir: None,
            })
        );
    }

    #[test]
    fn unusable_pid_files_are_rejected() {
        for text in ["", "\n", "abc\n", "0\n", "-1\n", "99999999999\n"] {
            assert_eq!(parse_pid_file(text), None, "{text:?}");
        }
    }

    #[test]
    fn stat_state_reads_past_odd_command_names() {
        assert_eq!(stat_state("42 (postgres) S 1 42 42 0"), Some('S'));
        assert_eq!(stat_state("42 (a) Z (b)) Z 1 42"), Some('Z'));
        assert_eq!(stat_state("garbage"), None);
    }

    #[test]
    fn registration_names_carry_the_pid() {
        assert_eq!(registration_pid("1234-0"), Some(1234));
        assert_eq!(registration_pid("1234"), Some(1234));
        assert_eq!(registration_pid("0-1"), None);
        assert_eq!(registration_pid(".nfs000"), None);
    }

    #[test]
    fn versions_sort_numerically() {
        let mut v = vec!["16", "9.6", "15", "10"];
        v.sort_by_key(|s| version_key(s));
        assert_eq!(v, ["9.6", "10", "15", "16"]);
    }

    #[test]
    fn shell_quote_survives_quotes_and_spaces() {
        assert_eq!(shell_quote(b"/tmp/a b"), b"'/tmp/a b'");
        assert_eq!(shell_quote(b"it's"), b"'it'\\''s'");
    }

    #[test]
    fn tail_keeps_the_last_three_lines_on_one_line() {
        assert_eq!(tail(b"a\n\nb\nc.\n  d  \n"), "b / c / d");
        assert_eq!(tail(b""), "");
    }

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
