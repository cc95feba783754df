//! Running the PostgreSQL programs: finding the binaries, switching to the server's user (runuser,
//! or su where it is missing), and the initdb and pg_ctl invocations. Depends on std, `paths` and
//! the parent's error type only.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::paths::{Layout, SOCKET_NAME, ServerUser, private_dir, remove_if_present};
use super::{EmbeddedError, SUPERUSER, io_error};

/// Where the PostgreSQL binaries live: pg_ctl starts the `postgres` next to itself.
#[derive(Debug, Clone)]
pub(super) struct Binaries {
    dir: PathBuf,
}

const VERSIONED_ROOT: &str = "/usr/lib/postgresql";

/// The cluster's own major version first (newer binaries cannot start an older cluster), then
/// PATH, then the highest version under /usr/lib/postgresql.
pub(super) fn find_binaries(cluster_version: Option<&str>) -> Option<Binaries> {
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

/// Clears a crashed server's leftovers, creates the cluster on first use and runs `pg_ctl start`.
pub(super) fn start_server(
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

/// `pg_ctl stop -m fast`, for the last registration to go.
pub(super) fn stop_server(
    layout: &Layout,
    binaries: &Binaries,
    user: &ServerUser,
) -> Result<(), EmbeddedError> {
    let args: Vec<OsString> = vec![
        "stop".into(),
        "-w".into(),
        "-m".into(),
        "fast".into(),
        "-D".into(),
        layout.data.clone().into(),
    ];
    let output = run_tool(user, &binaries.dir.join("pg_ctl"), &args, &layout.pg)?;
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
pub(super) fn tail(text: &[u8]) -> String {
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
}
