//! What `serve` and `chat` share: the database, the application state, the web endpoints, the
//! scheduler and the job workers, and a graceful stop (stop taking work, finish what is in
//! flight, release the embedded database).

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::db::Database;
use crate::jobs::{self, WorkerConfig};
use crate::platforms;
use crate::settings::Settings;
use crate::web;

/// Job workers per process.
const WORKERS: usize = 2;

/// `serve` or `chat`: how the web endpoint and the chat front ends run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebMode {
    /// `serve`: a busy port is a start-up error; front ends receive updates.
    Required,
    /// `chat`: a busy port is said once on stderr, and the console goes on; chat platforms with a
    /// token only send (scheduled messages), they do not receive.
    BestEffort,
}

pub struct Runtime {
    pub app: Arc<App>,
    stop: CancellationToken,
    tasks: JoinSet<()>,
    database: Database,
    /// What this process's job workers are named after (`host:pid:`), plus their number.
    worker_prefix: String,
}

impl Runtime {
    pub async fn start(settings: Settings, web_mode: WebMode) -> anyhow::Result<Runtime> {
        let database = Database::open(&settings).await?;
        let app = App::new(settings, database.pool.clone())?;
        let stop = CancellationToken::new();
        let mut tasks = JoinSet::new();

        let front_ends = match web_mode {
            WebMode::Required => platforms::Mode::Full,
            WebMode::BestEffort => platforms::Mode::NotifyOnly,
        };
        let webhooks = platforms::start(&app, front_ends, &stop, &mut tasks).await;
        let public = bind(app.settings.http_addr, "HTTP_ADDR", web_mode).await?;
        if let Some(listener) = public {
            let router = web::public_router(app.clone(), webhooks);
            let stop = stop.clone();
            tasks.spawn(async move {
                if let Err(e) = web::serve(listener, router, stop).await {
                    tracing::error!(error = %e, "web endpoint stopped");
                }
            });
        }
        let metrics = bind(app.settings.metrics_addr, "METRICS_ADDR", web_mode).await?;
        if let Some(listener) = metrics {
            let router = web::metrics_router(app.clone());
            let stop = stop.clone();
            tasks.spawn(async move {
                if let Err(e) = web::serve(listener, router, stop).await {
                    tracing::error!(error = %e, "metrics endpoint stopped");
                }
            });
        }
        tasks.spawn(jobs::run_scheduler(app.clone(), stop.clone()));
        let worker_prefix = format!("{}:{}:", hostname(), std::process::id());
        for n in 0..WORKERS {
            let worker = format!("{worker_prefix}{n}");
            tasks.spawn(jobs::run_worker(
                app.clone(),
                worker,
                WorkerConfig::default(),
                stop.clone(),
            ));
        }
        Ok(Runtime {
            app,
            stop,
            tasks,
            database,
            worker_prefix,
        })
    }

    /// Stops taking work: the web endpoints stop accepting and finish the requests in hand, the
    /// chat front ends finish the updates in hand (their replies included), workers give back
    /// jobs they claimed and had not started and finish the one they are running (a send in
    /// progress completes and is recorded). All of that gets `SHUTDOWN_GRACE` (30 s); whatever
    /// is still running then is cut, and its jobs are settled at once (`abandon_owned`: back to
    /// the queue, or `uncertain` when cut while sending) instead of waiting for their leases.
    /// Finally closes the database (stopping the embedded cluster when this was its last user).
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        let grace = self.app.settings.limits.shutdown_grace;
        let drain = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, drain).await.is_err() {
            tracing::warn!(
                ?grace,
                "some work did not finish within the shutdown grace period"
            );
            self.tasks.abort_all();
            while self.tasks.join_next().await.is_some() {}
        }
        match crate::db::jobs::abandon_owned(&self.app.db, &self.worker_prefix).await {
            Ok((0, 0)) => {}
            Ok((released, uncertain)) => {
                tracing::warn!(released, uncertain, "jobs cut by the stop were settled")
            }
            Err(e) => tracing::error!(error = ?e, "jobs cut by the stop could not be settled"),
        }
        self.database.close().await;
    }

    /// The prefix of this process's job worker names (`host:pid:`).
    pub fn worker_prefix(&self) -> &str {
        &self.worker_prefix
    }
}

async fn bind(
    addr: std::net::SocketAddr,
    name: &str,
    mode: WebMode,
) -> anyhow::Result<Option<TcpListener>> {
    match TcpListener::bind(addr).await {
        Ok(listener) => Ok(Some(listener)),
        Err(e) if mode == WebMode::BestEffort => {
            eprintln!(
                "note: {name} {addr} is not free ({e}); continuing without it (OAuth returns will not reach this console)."
            );
            Ok(None)
        }
        Err(e) => Err(e).with_context(|| {
            format!("cannot listen on {name} {addr}: is another instance running?")
        }),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned())
}
