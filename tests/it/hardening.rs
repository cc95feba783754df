//! Issue 10's hardening, each through the path production runs: the per-account command rate
//! (Telegram fake), per-IP web limits and body limits (real HTTP), outgoing timeouts (a fake
//! that never answers), shutdown through the runtime, weak production keys (the binary), and
//! the fuzz properties (`hardening/fuzz.rs`, 100,000 cases each with `scripts/fuzz`).

mod fuzz;
mod rate;
mod web;
