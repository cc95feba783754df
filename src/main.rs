//! `creatorpilot`: one binary, several subcommands (DESIGN.md, "Contracts").

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::io::BufReader;

use creatorpilot::i18n::{Locale, msg};
use creatorpilot::platforms::console::{self, ConsoleOptions};
use creatorpilot::runtime::{Runtime, WebMode};
use creatorpilot::settings::Settings;

#[derive(Parser)]
#[command(
    name = "creatorpilot",
    version,
    about = "The assistant content creators keep open."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every configured front end, the web endpoint, the scheduler and the workers.
    Serve,
    /// Talk to CreatorPilot from this terminal (one message per line).
    Chat {
        /// Who you are in the console (default: $USER, else "console").
        #[arg(long)]
        user: Option<String>,
        /// Reply language for this session: en or fr.
        #[arg(long, value_parser = parse_locale)]
        lang: Option<Locale>,
        /// Where attachments are written.
        #[arg(long, default_value = "./creatorpilot-files")]
        files: PathBuf,
        /// Load a labelled demo creator.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// GET /healthz on HTTP_ADDR (0.0.0.0 probed as 127.0.0.1): exit 0 when healthy, 1 if not.
    Healthcheck,
    /// Register the slash commands with Discord.
    RegisterCommands,
    /// Re-encrypt every stored provider token with the first key of TOKEN_ENCRYPTION_KEYS.
    RotateKeys,
    /// Measure a hot path (build with --release).
    Bench {
        #[command(subcommand)]
        target: BenchTarget,
    },
}

#[derive(Subcommand)]
enum BenchTarget {
    /// Render invoices (model and PDF) on one thread: prints the rate and the average size.
    Invoice {
        #[arg(long, default_value_t = 1000)]
        count: u32,
        /// A PNG printed on every invoice as the issuer's logo (checked as `/profile logo` does).
        #[arg(long)]
        logo: Option<std::path::PathBuf>,
    },
    /// Seed N creators into a fresh bench database, then compose every digest (queries,
    /// summary, chart PNG; no sending): prints the rate, peak RSS and the chart's SSIM.
    Digest {
        #[arg(long, default_value_t = 1000)]
        creators: usize,
        /// Digests composed at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
}

fn parse_locale(text: &str) -> Result<Locale, String> {
    match text {
        "en" => Ok(Locale::En),
        "fr" => Ok(Locale::Fr),
        _ => Err("use en or fr".to_owned()),
    }
}

fn main() -> ExitCode {
    // One TLS stack (rustls + ring) for every client; without it reqwest-based clients panic.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    if let Command::Bench {
        target: BenchTarget::Invoice { count, logo },
    } = cli.command
    {
        return match creatorpilot::bench::invoices(count, logo.as_deref()) {
            Ok(report) => {
                let cpu = report
                    .cpu_rate()
                    .map(|r| format!(", {r:.0} per CPU-second"))
                    .unwrap_or_default();
                println!(
                    "{:.0} invoices/s ({} in {:.2} s{cpu}), average {:.1} KB \
                     (Factur-X PDF/A-3, XML embedded; as a plain PDF {:.1} KB)",
                    report.rate(),
                    report.count,
                    report.seconds,
                    report.average_bytes as f64 / 1024.0,
                    report.plain_bytes as f64 / 1024.0,
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("creatorpilot bench: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("The .env file could not be read: {e}. Fix or remove it.");
        return ExitCode::from(2);
    }
    let settings = match Settings::from_process_env() {
        Ok(s) => s,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    // Kept until the end of `main`: dropping it flushes pending error reports.
    let _telemetry = creatorpilot::telemetry::init(
        &settings,
        matches!(cli.command, Command::Chat { .. } | Command::Healthcheck),
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("creatorpilot: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Bench {
            target:
                BenchTarget::Digest {
                    creators,
                    concurrency,
                },
        } => {
            let report = creatorpilot::bench::digest::run(settings, creators, concurrency).await?;
            println!(
                "{:.0} digests/s ({} creators in {:.2} s; seeding {:.1} s, not timed), \
                 average chart PNG {:.1} KB, peak RSS {}, chart SSIM vs 2× supersampled {:.4}",
                report.rate(),
                report.creators,
                report.seconds,
                report.seed_seconds,
                report.average_png_bytes as f64 / 1024.0,
                report.peak_rss_kb.map_or_else(
                    || "unknown".to_owned(),
                    |kb| format!("{:.0} MB", kb as f64 / 1024.0)
                ),
                report.ssim
            );
            Ok(ExitCode::SUCCESS)
        }
        // Handled in `main` before settings are read: it needs no configuration.
        Command::Bench { .. } => Ok(ExitCode::SUCCESS),
        Command::Healthcheck => Ok(
            match creatorpilot::healthcheck::check(settings.http_addr).await {
                Ok(line) => {
                    println!("{line}");
                    ExitCode::SUCCESS
                }
                Err(line) => {
                    println!("{line}");
                    ExitCode::FAILURE
                }
            },
        ),
        Command::Migrate => {
            let db = creatorpilot::db::Database::open(&settings).await?;
            db.close().await;
            eprintln!("Migrations applied.");
            Ok(ExitCode::SUCCESS)
        }
        Command::RotateKeys => {
            let keyring = creatorpilot::crypto::Keyring::load(
                settings.token_encryption_keys.as_ref(),
                &settings.data_dir,
            )?;
            let db = creatorpilot::db::Database::open(&settings).await?;
            let result = creatorpilot::domain::channels::rotate_keys(&db.pool, &keyring).await;
            db.close().await;
            let n = result?;
            eprintln!(
                "Re-encrypted the tokens of {n} connection(s) with key \"{}\".",
                keyring.primary_key_id()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::RegisterCommands => {
            match creatorpilot::platforms::discord::register_commands(&settings).await {
                Ok(lines) => {
                    for line in lines {
                        eprintln!("{line}");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e:#}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Serve => {
            let rt = Runtime::start(settings, WebMode::Required).await?;
            tracing::info!(addr = %rt.app.settings.http_addr, "CreatorPilot is serving");
            wait_for_stop_signal().await?;
            tracing::info!("stop signal received: finishing work in flight");
            rt.shutdown().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat {
            user,
            lang,
            files,
            demo,
        } => {
            let user = user
                .or_else(|| std::env::var("USER").ok())
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| "console".to_owned());
            let rt = Runtime::start(settings, WebMode::BestEffort).await?;
            let options = ConsoleOptions {
                user,
                lang,
                files_dir: files,
            };
            if demo {
                let notice = load_demo(&rt.app, &options.user, lang).await?;
                eprintln!("{notice}");
            }
            let result = console::run(
                rt.app.clone(),
                options,
                BufReader::new(tokio::io::stdin()),
                tokio::io::stdout(),
            )
            .await;
            rt.shutdown().await;
            result?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `chat --demo`: the demo channels on the console user's account, once; returns the notice.
async fn load_demo(
    app: &creatorpilot::app::App,
    user: &str,
    lang: Option<Locale>,
) -> anyhow::Result<String> {
    use creatorpilot::bot::Platform;
    let account =
        creatorpilot::domain::accounts::resolve(&app.db, Platform::Console, user, Some(user))
            .await?;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let loaded = creatorpilot::domain::channels::demo::load(&app.db, account.id, yesterday).await?;
    let key = if loaded {
        "console-demo-loaded"
    } else {
        "console-demo-already"
    };
    Ok(
        creatorpilot::bot::dispatch::render_for(
            app,
            Platform::Console,
            user,
            lang,
            None,
            &msg(key),
        )
        .await,
    )
}

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}
