//! CreatorPilot: the assistant content creators keep open — one command engine on PostgreSQL,
//! with Discord, Telegram and console front ends.
//!
//! Dependency direction (STYLE.md): `platforms/`, `web/` → `bot/` → `commands/` → `domain/` →
//! `db/`; `jobs/` → `domain/` + the notifiers. Only `platforms/` imports chat crates; only `web`
//! imports axum.

pub mod app;
pub mod bench;
pub mod bot;
pub mod clients;
pub mod commands;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod format;
pub mod healthcheck;
pub mod i18n;
pub mod jobs;
pub mod manifest;
pub mod metrics;
pub mod platforms;
pub mod process;
pub mod render;
pub mod runtime;
pub mod settings;
pub mod telemetry;
pub mod web;
