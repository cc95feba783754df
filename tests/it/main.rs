//! The one integration-test binary (STYLE.md): modules share the cluster and the built binary.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod ai;
mod billing;
mod brainstorm;
mod channels;
mod console;
mod digests;
mod discord;
mod engine;
mod facturx;
mod hardening;
mod ideas;
mod invoices;
mod logo;
mod mail;
mod observability;
mod plans;
mod privacy;
mod queue;
mod scale;
mod telegram;
mod web;
