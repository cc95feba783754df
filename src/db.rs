//! PostgreSQL: the pool, migrations, and the queries, one module per table family.
//!
//! Queries take `impl PgExecutor` so the caller owns the transaction. `DATABASE_URL` when set,
//! otherwise the embedded cluster under the data directory (`embedded`).

pub mod accounts;
pub mod actions;
pub mod billing;
pub mod brainstorm;
pub mod channels;
pub mod consents;
pub mod deals;
pub mod digests;
pub mod discord_registrations;
pub mod embedded;
pub mod files;
pub mod ideas;
pub mod invoices;
pub mod jobs;
pub mod link_codes;
pub mod numbers;
pub mod profiles;
pub mod questions;
pub mod rate_limits;
pub mod send_limits;
pub mod session_lock;
pub mod stats;
pub mod usage;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::settings::Settings;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database this process uses, and the embedded cluster when it runs one.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<embedded::EmbeddedPostgres>,
}

impl Database {
    /// Connects (starting the embedded cluster when no URL is set) and applies migrations.
    pub async fn open(settings: &Settings) -> anyhow::Result<Database> {
        let (options, embedded) = match &settings.database_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret()).context(
                    "DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host/db)",
                )?;
                (options, None)
            }
            None => {
                let pg = embedded::EmbeddedPostgres::start(&settings.data_dir).await?;
                (pg.connect_options(), Some(pg))
            }
        };
        let pool = pool(options).await?;
        migrate(&pool).await?;
        Ok(Database { pool, embedded })
    }

    /// Closes the pool; the last process using the embedded cluster stops it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(pg) = self.embedded
            && let Err(e) = pg.release().await
        {
            tracing::warn!(error = %e, "could not release the embedded database");
        }
    }
}

pub async fn pool(options: PgConnectOptions) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .context("cannot connect to PostgreSQL: check DATABASE_URL and that the server is running")
}

/// A `DATABASE_URL` reaching the server `options` describe (over its Unix socket or TCP), for
/// the processes tests and tools start. No password: the embedded cluster trusts local users.
pub fn url_of(options: &PgConnectOptions) -> String {
    let db = options.get_database().unwrap_or("postgres");
    let user = options.get_username();
    let port = options.get_port();
    match options.get_socket() {
        Some(dir) => format!(
            "postgres://{user}@localhost:{port}/{db}?host={}",
            dir.display()
        ),
        None => format!("postgres://{user}@{}:{port}/{db}", options.get_host()),
    }
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("applying database migrations failed")
}

/// Linking accounts, for tables with one row per (account, chat platform, chat): `from`'s rows
/// move to `into` unless `into` has its own for that chat, which wins; the rest are deleted.
pub(crate) async fn merge_per_chat(
    db: &mut sqlx::PgConnection,
    table: &'static str,
    from: crate::bot::AccountId,
    into: crate::bot::AccountId,
) -> sqlx::Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} s SET user_id = $2
         WHERE s.user_id = $1 AND NOT EXISTS (
             SELECT 1 FROM {table} t
             WHERE t.user_id = $2 AND t.platform = s.platform AND t.chat_id = s.chat_id)"
    )))
    .bind(from.0)
    .bind(into.0)
    .execute(&mut *db)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE user_id = $1"
    )))
    .bind(from.0)
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Makes the caller's fresh transaction see one snapshot, read-only (exports).
pub async fn read_only_snapshot(tx: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(tx)
        .await?;
    Ok(())
}
