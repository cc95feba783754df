//! `/profile logo [PATH|remove]`: the logo printed at the top of invoices. On the console PATH is a
//! local PNG (read only there, like `/import`'s path); on Telegram the creator sends the PNG as a
//! file (any PNG document becomes the logo, and the reply says how to take it off); on Discord it
//! is the command's `image` attachment. Issued invoices keep the PDF they were rendered with.

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, IncomingFile, Invocation, Platform, Reply, Responder};
use crate::db;
use crate::i18n::{Msg, msg};
use crate::render::logo::{self, LogoError};

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    if let Some(file) = inv.attached("image") {
        return from_file(app, inv, file, r).await;
    }
    match args.text("path") {
        Some(word) if word.eq_ignore_ascii_case("remove") => remove(app, inv, r).await,
        Some(path) if inv.platform == Platform::Console => {
            let bytes = read_capped(path)
                .await
                .ok_or_else(|| msg("profile-logo-unreadable").arg("path", path))?;
            save(app, inv, &bytes, r).await
        }
        _ => Err(how(inv).into()),
    }
}

/// A PNG sent as a file in the chat (or attached to the Discord command).
pub async fn from_file(
    app: &App,
    inv: &Invocation,
    file: &IncomingFile,
    r: &dyn Responder,
) -> CommandResult {
    save(app, inv, &file.bytes, r).await
}

/// How to give a logo on this front end.
fn how(inv: &Invocation) -> Msg {
    msg(match inv.platform {
        Platform::Console => "profile-logo-how-console",
        Platform::Telegram => "profile-logo-how-telegram",
        Platform::Discord => "profile-logo-how-discord",
    })
}

/// The command that takes the logo off, as typed on this front end (Discord has no free words:
/// `remove` goes in the `path` option).
fn remove_command(platform: Platform) -> &'static str {
    match platform {
        Platform::Discord => "/profile logo path:remove",
        Platform::Console | Platform::Telegram => "/profile logo remove",
    }
}

/// A local file's bytes, without reading more than one byte past the limit.
async fn read_capped(path: &str) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await.ok()?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(logo::MAX_BYTES).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut bytes)
        .await
        .ok()?;
    Some(bytes)
}

async fn save(app: &App, inv: &Invocation, bytes: &[u8], r: &dyn Responder) -> CommandResult {
    let decoded = logo::decode(bytes).map_err(|e| refusal(&e))?;
    if !db::profiles::set_logo(&app.db, inv.account, Some(bytes)).await? {
        return Err(msg("profile-logo-needs-profile").into());
    }
    let text = app.i18n.render(
        inv.locale,
        &msg("profile-logo-saved")
            .arg("width", i64::from(decoded.width))
            .arg("height", i64::from(decoded.height))
            .arg("remove", remove_command(inv.platform)),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

async fn remove(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let had = db::profiles::logo(&app.db, inv.account).await?.is_some();
    let key = if had && db::profiles::set_logo(&app.db, inv.account, None).await? {
        "profile-logo-removed"
    } else {
        "profile-logo-none"
    };
    r.send(Reply::text(app.i18n.tr(inv.locale, key)).private())
        .await?;
    Ok(())
}

fn refusal(e: &LogoError) -> Msg {
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    match e {
        LogoError::NotPng => msg("profile-logo-not-png"),
        LogoError::TooLarge => {
            msg("profile-logo-too-large").arg("max_kb", n(logo::MAX_BYTES / 1024))
        }
        LogoError::BadSize { width, height } => msg("profile-logo-bad-size")
            .arg("width", i64::from(*width))
            .arg("height", i64::from(*height))
            .arg("min", i64::from(logo::MIN_SIDE))
            .arg("max", i64::from(logo::MAX_SIDE)),
    }
}
