//! Channels: manual numbers, CSV import, `/channels`, export and erase; token sealing and key
//! rotation; OAuth and sync against fake providers (`channels/`).

mod manual;
mod oauth;
mod ops;
mod tokens;

use creatorpilot::bot::{Input, Platform};

use crate::engine::{Recorder, incoming};
use crate::support::TestApp;

/// Sends one line as a Telegram user in their DM (the same engine path as every front end).
pub async fn say(t: &TestApp, user: &str, line: &str) -> Recorder {
    say_on(t, Platform::Telegram, user, line).await
}

pub async fn say_on(t: &TestApp, platform: Platform, user: &str, line: &str) -> Recorder {
    let r = Recorder::default();
    creatorpilot::bot::dispatch::handle(
        &t.app,
        incoming(platform, user, user, Input::Line(line.into())),
        &r,
    )
    .await;
    r
}

pub async fn count(t: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&t.db.pool)
        .await
        .unwrap()
}
