//! `proof`: the harness behind `scripts/load` and `scripts/faults` (issue 10, "Proof").
//!
//! It runs real `creatorpilot serve` processes (the release binary given with `--bin`) on a
//! throwaway PostgreSQL (the product's embedded cluster, in a fresh directory) against the fake
//! Telegram Bot API the integration tests use (`tests/it/telegram/fake.rs`, included as it is),
//! drives them through the Telegram webhook as a load balancer would, and prints figures. Nothing
//! leaves 127.0.0.1. It prints measurements, it asserts nothing with timers; it exits non-zero when
//! a correctness check fails or a target is missed.
//!
//! Depends on the `creatorpilot` library only for the embedded cluster and `db::url_of`; the bot
//! itself is always the separate process under test.

#[path = "../../tests/it/telegram/fake.rs"]
mod fake;
mod faults;
mod harness;
mod load;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "proof",
    about = "Load and fault runs against creatorpilot serve."
)]
struct Cli {
    /// The `creatorpilot` binary to run (build it with --release).
    #[arg(long, global = true, default_value = "target/release/creatorpilot")]
    bin: PathBuf,
    /// Where the run keeps its database and logs (default: a new directory under /tmp).
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One instance in Telegram webhook mode; simulated creators send commands that call no
    /// external API besides Telegram; prints throughput, latency, errors and memory.
    Load(load::Options),
    /// Several instances on one database: digests due at once, one instance killed with SIGKILL,
    /// the database restarted, then 429 and 500 bursts at the fake; prints what was delivered.
    Faults(faults::Options),
}

fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("proof: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let workspace =
            harness::Workspace::create(&cli.bin, cli.dir.as_deref(), cli.command.name())?;
        match cli.command {
            Command::Load(options) => load::run(&workspace, options).await,
            Command::Faults(options) => faults::run(&workspace, options).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("proof: {e:#}");
            ExitCode::from(2)
        }
    }
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Command::Load(_) => "load",
            Command::Faults(_) => "faults",
        }
    }
}
