//! Where the embedded cluster lives on disk and who owns it: the directory layout, the choice of
//! socket directory, `postmaster.pid`, the lock and the registration files, and the OS user the
//! server runs as. Depends on std, libc, `crate::process` and the parent's error type only.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::{EmbeddedError, SUPERUSER, io_error};

pub(super) const SOCKET_NAME: &str = ".s.PGSQL.5432";
/// Leaves headroom under the kernel's 108-byte `sun_path` (107 usable).
const MAX_SOCKET_PATH: usize = 100;

/// Every path of the cluster, derived from the canonical data dir so that processes started from
/// different working directories agree.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) pg: PathBuf,
    pub(super) data: PathBuf,
    pub(super) run: PathBuf,
    pub(super) users: PathBuf,
    lock: PathBuf,
    pub(super) log: PathBuf,
    pub(super) socket_dir: PathBuf,
}

impl Layout {
    pub(super) fn new(data_dir: &Path, server_uid: u32) -> Layout {
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
pub(super) struct ServerUser {
    pub(super) uid: u32,
    /// Set when this process is root: the user to switch to, and its group for chown.
    pub(super) switch_to: Option<(String, u32)>,
}

pub(super) fn server_user() -> Result<ServerUser, EmbeddedError> {
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
pub(super) struct PidFile {
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
pub(super) enum ServerState {
    Stopped,
    Running(PidFile),
}

pub(super) fn server_state(layout: &Layout) -> Result<ServerState, EmbeddedError> {
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

/// Gives what we create to the server's user when we are root; the server must own its files.
pub(super) fn give_to_server(path: &Path, user: &ServerUser) -> Result<(), EmbeddedError> {
    match &user.switch_to {
        Some((_, gid)) => std::os::unix::fs::chown(path, Some(user.uid), Some(*gid))
            .map_err(|e| io_error("hand over to the postgres user", path, e)),
        None => Ok(()),
    }
}

/// Creates (or reuses) a 0700 directory owned by the server's user. Refuses one owned by anybody
/// else: the socket directory may be in /tmp, where another user could have planted it.
pub(super) fn private_dir(dir: &Path, user: &ServerUser) -> Result<(), EmbeddedError> {
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
pub(super) fn check_reachable(data_dir: &Path, uid: u32, gid: u32) -> Result<(), EmbeddedError> {
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
pub(super) fn lock(layout: &Layout, user: &ServerUser) -> Result<File, EmbeddedError> {
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
pub(super) fn prune_users(users: &Path) -> Result<usize, EmbeddedError> {
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

pub(super) fn remove_if_present(path: &Path) -> Result<(), EmbeddedError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("remove", path, e)),
        _ => Ok(()),
    }
}

/// The computed socket dir, or the one the running server wrote in its pid file when the data dir
/// was reached through another path (so hashed differently) when it started.
pub(super) fn attached_socket_dir(
    layout: &Layout,
    pid_file: PidFile,
) -> Result<PathBuf, EmbeddedError> {
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
}
