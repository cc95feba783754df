//! `creatorpilot bench digest --creators N`: seeds N creators into one fresh bench database
//! (the demo creator's shape, `domain::channels::demo`: 2 providers each, 120 days of daily
//! numbers, 20 videos per provider with 14 days of per-video snapshots; COPY, not timed), then composes every creator's digest — the queries,
//! the deterministic summary and the chart PNG, no sending, no AI — and reports the rate, the
//! process's peak RSS and the SSIM of one chart against its 2× supersampled render.
//!
//! The bench database (`creatorpilot_bench`) is created on the configured server (or the
//! embedded cluster), dropped first if a previous run left it, and dropped at the end.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, NaiveDate, Utc};
use futures_util::{StreamExt, stream};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

use crate::app::App;
use crate::bot::AccountId;
use crate::domain::channels::demo;
use crate::domain::digests::{self, compose};
use crate::i18n::Locale;
use crate::render::chart::{self, Theme};
use crate::settings::Settings;

const BENCH_DB: &str = "creatorpilot_bench";
/// Creators seeded per COPY batch (keeps the seeding buffers small).
const BATCH: usize = 500;

#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub creators: usize,
    pub seconds: f64,
    pub seed_seconds: f64,
    pub average_png_bytes: u64,
    pub peak_rss_kb: Option<u64>,
    pub ssim: f64,
}

impl Report {
    pub fn rate(&self) -> f64 {
        self.creators as f64 / self.seconds.max(f64::EPSILON)
    }
}

/// The process's peak resident set size (Linux `VmHWM`).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub async fn run(
    mut settings: Settings,
    creators: usize,
    concurrency: usize,
) -> anyhow::Result<Report> {
    // The bench measures the deterministic path: no model call, whatever the environment says.
    settings.openai.api_key = None;
    let db = crate::db::Database::open(&settings).await?;
    let server = db.pool.connect_options().as_ref().clone();
    let mut admin = PgConnection::connect_with(&server).await?;
    recreate(&mut admin).await?;
    let pool = crate::db::pool(server.clone().database(BENCH_DB)).await?;
    crate::db::migrate(&pool).await?;

    let result = measure(&settings, &pool, creators, concurrency).await;

    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {BENCH_DB}"
    )))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    db.close().await;
    result
}

async fn recreate(admin: &mut PgConnection) -> anyhow::Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {BENCH_DB}"
    )))
    .execute(&mut *admin)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {BENCH_DB}")))
        .execute(&mut *admin)
        .await
        .context("creating the bench database")?;
    Ok(())
}

async fn measure(
    settings: &Settings,
    pool: &PgPool,
    creators: usize,
    concurrency: usize,
) -> anyhow::Result<Report> {
    let seed_started = Instant::now();
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let mut accounts = Vec::with_capacity(creators);
    let mut rng = StdRng::seed_from_u64(42);
    for start in (0..creators).step_by(BATCH) {
        let batch = seed(
            pool,
            &mut rng,
            start..(start + BATCH).min(creators),
            yesterday,
        )
        .await?;
        accounts.extend(batch);
    }
    // Not timed: sets hint bits and the visibility map, as a live database has them.
    sqlx::query("VACUUM (ANALYZE)").execute(pool).await?;
    let seed_seconds = seed_started.elapsed().as_secs_f64();

    let app = App::new(settings.clone(), pool.clone())?;
    let now = Utc::now();
    let zone = chrono_tz::Europe::Paris;
    let started = Instant::now();
    let sizes: Vec<anyhow::Result<usize>> = stream::iter(accounts.iter().copied())
        .map(|account| {
            let app = Arc::clone(&app);
            async move {
                let locale = if account.0.as_u128() % 2 == 0 {
                    Locale::Fr
                } else {
                    Locale::En
                };
                let composed =
                    digests::compose(&app, account, locale, Theme::Dark, zone, now).await?;
                Ok(composed.png.map_or(0, |p| p.len()))
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let mut total_bytes = 0_u64;
    for size in sizes {
        total_bytes += u64::try_from(size?).unwrap_or(0);
    }
    let ssim = quality(&app, accounts.first().copied(), yesterday).await?;
    Ok(Report {
        creators,
        seconds,
        seed_seconds,
        average_png_bytes: total_bytes / u64::try_from(creators.max(1)).unwrap_or(1),
        peak_rss_kb: peak_rss_kb(),
        ssim,
    })
}

/// SSIM of one creator's digest chart against its 2× supersampled render.
async fn quality(app: &App, account: Option<AccountId>, until: NaiveDate) -> anyhow::Result<f64> {
    let Some(account) = account else {
        return Ok(1.0);
    };
    let Some(digest) = compose::load(&app.db, account, until).await? else {
        return Ok(1.0);
    };
    let spec = crate::domain::stats::chart(
        &app.i18n,
        Locale::Fr,
        Theme::Dark,
        "Vues et abonnés · 28 derniers jours".into(),
        digest.chart_start(),
        usize::try_from(compose::CHART_DAYS).unwrap_or(28),
        &digest.rows,
    );
    let fast = chart::render_rgb(&spec, 1)?;
    let reference = chart::render_reference(&spec)?;
    Ok(chart::ssim(&fast, &reference))
}

/// Seeds one batch of creators (the demo generator's channels) with COPY; returns their
/// accounts.
async fn seed(
    pool: &PgPool,
    rng: &mut StdRng,
    creators: std::ops::Range<usize>,
    yesterday: NaiveDate,
) -> anyhow::Result<Vec<AccountId>> {
    let (mut users, mut platforms, mut analytics, mut content, mut snapshots) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    let mut accounts = Vec::new();
    let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for n in creators {
        let user = Uuid::new_v4();
        accounts.push(AccountId(user));
        writeln!(users, "{user},Creator {n},Europe/Paris")?;
        let name = format!("creator {n}");
        for channel in demo::generate(rng, yesterday, Some(&name)) {
            let platform = Uuid::new_v4();
            writeln!(
                platforms,
                "{platform},{user},{},demo",
                channel.provider.as_str()
            )?;
            for (day, m) in &channel.days {
                writeln!(
                    analytics,
                    "{platform},{day},{},{},{},{},{},{},{},{},demo",
                    num(m.views),
                    num(m.watch_minutes),
                    num(m.likes),
                    num(m.comments),
                    num(m.shares),
                    num(m.subscribers_gained),
                    num(m.subscribers_lost),
                    num(m.followers)
                )?;
            }
            for video in &channel.videos {
                writeln!(
                    content,
                    "{platform},{},{},{} 12:00:00+00,{}",
                    video.id,
                    video.title,
                    video.published,
                    video.views_on(yesterday)
                )?;
                for day in video.snapshot_days(yesterday) {
                    writeln!(
                        snapshots,
                        "{platform},{},{day},{}",
                        video.id,
                        video.views_on(day)
                    )?;
                }
            }
        }
    }
    let mut conn = pool.acquire().await?;
    copy(&mut conn, "users (id, name, time_zone)", users).await?;
    copy(
        &mut conn,
        "platforms (id, user_id, provider, source)",
        platforms,
    )
    .await?;
    copy(
        &mut conn,
        "analytics (platform_id, day, views, watch_minutes, likes, comments, shares, \
         subscribers_gained, subscribers_lost, followers, source)",
        analytics,
    )
    .await?;
    copy(
        &mut conn,
        "content (platform_id, external_id, title, published_at, views)",
        content,
    )
    .await?;
    copy(
        &mut conn,
        "content_snapshots (platform_id, external_id, day, views)",
        snapshots,
    )
    .await?;
    Ok(accounts)
}

async fn copy(conn: &mut PgConnection, target: &str, csv: String) -> anyhow::Result<()> {
    let mut copy = conn
        .copy_in_raw(&format!("COPY {target} FROM STDIN WITH (FORMAT csv)"))
        .await?;
    copy.send(csv.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}
