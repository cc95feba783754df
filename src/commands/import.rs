//! `/import [PATH] [platform]`: a CSV of daily numbers, or a Studio ZIP holding some. On the console PATH is a local file; on
//! Telegram the creator sends the file itself (it arrives as `Input::File`), on Discord as the
//! command's `file` attachment. A path is read only on the console: a chat platform must never
//! make the server read its own files.

use chrono::Utc;

use crate::app::App;
use crate::bot::args::Args;
use crate::bot::{CommandResult, IncomingFile, Invocation, Platform, Reply, Responder};
use crate::domain::channels::Provider;
use crate::domain::channels::csv_import::{self, CsvError, archive};
use crate::i18n::{Msg, msg};

/// Files larger than this are refused before parsing.
const MAX_BYTES: u64 = 5 * 1024 * 1024;

pub async fn run(app: &App, inv: &Invocation, args: &Args, r: &dyn Responder) -> CommandResult {
    let provider = args.text("platform").and_then(Provider::parse);
    if let Some(file) = inv.attached("file") {
        return from_file(app, inv, file, provider, r).await;
    }
    let Some(path) = args.text("path") else {
        return Err(msg("import-how").into());
    };
    if inv.platform != Platform::Console {
        return Err(msg("import-send-file").into());
    }
    let path = std::path::Path::new(path);
    let too_big = tokio::fs::metadata(path)
        .await
        .is_ok_and(|m| m.len() > MAX_BYTES);
    if too_big {
        return Err(msg("import-too-big").into());
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| msg("import-unreadable").arg("path", path.display().to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import(app, inv, &name, &bytes, provider, r).await
}

/// A document sent in the chat, or attached to the command on Discord.
pub async fn from_file(
    app: &App,
    inv: &Invocation,
    file: &IncomingFile,
    provider: Option<Provider>,
    r: &dyn Responder,
) -> CommandResult {
    let lower = file.file_name.to_lowercase();
    let accepted = lower.ends_with(".csv")
        || file.mime_type.contains("csv")
        || lower.ends_with(".zip")
        || file.mime_type.contains("zip");
    if !accepted {
        return Err(msg("err-file-unexpected").into());
    }
    if u64::try_from(file.bytes.len()).unwrap_or(u64::MAX) > MAX_BYTES {
        return Err(msg("import-too-big").into());
    }
    import(app, inv, &file.file_name, &file.bytes, provider, r).await
}

async fn import(
    app: &App,
    inv: &Invocation,
    name: &str,
    bytes: &[u8],
    provider: Option<Provider>,
    r: &dyn Responder,
) -> CommandResult {
    let parsed = csv_import::parse_upload(name, bytes, provider, Utc::now().date_naive())
        .map_err(|e| explain(app, inv, &e))?;
    let (days, providers) = csv_import::store(&app.db, inv.account, &parsed).await?;
    let labels: Vec<&str> = providers.iter().map(|p| p.label()).collect();
    let text = app.i18n.render(
        inv.locale,
        &msg("import-done")
            .arg("days", days)
            .arg("platforms", labels.join(", ")),
    );
    r.send(Reply::text(text).private()).await?;
    Ok(())
}

/// The sentence for a refused file; an error inside one of a ZIP's files names that file.
fn explain(app: &App, inv: &Invocation, e: &CsvError) -> Msg {
    let line = |line: &u64| i64::try_from(*line).unwrap_or(i64::MAX);
    match e {
        CsvError::Empty => msg("import-empty"),
        CsvError::NoDateColumn => msg("import-no-date-column"),
        CsvError::NoMetricColumn => msg("import-no-metric-column"),
        CsvError::NoPlatform if inv.platform == Platform::Console => {
            msg("import-no-platform-console")
        }
        CsvError::NoPlatform => msg("import-no-platform-file"),
        CsvError::BadDate { line: n, value } => msg("import-bad-date")
            .arg("line", line(n))
            .arg("value", value),
        CsvError::FutureDate { line: n, value } => msg("import-future-date")
            .arg("line", line(n))
            .arg("value", value),
        CsvError::BadNumber {
            line: n,
            column,
            value,
        } => msg("import-bad-number")
            .arg("line", line(n))
            .arg("column", column)
            .arg("value", value),
        CsvError::Repeated { line: n, value } => msg("import-repeated")
            .arg("line", line(n))
            .arg("value", value),
        CsvError::UnknownPlatform { line: n, value } => msg("import-unknown-platform")
            .arg("line", line(n))
            .arg("value", value),
        CsvError::Unreadable { line: n } => msg("import-unreadable-line").arg("line", line(n)),
        CsvError::InFile { file, error } => msg("import-in-file").arg("file", file).arg(
            "reason",
            app.i18n.render(inv.locale, &explain(app, inv, error)),
        ),
        CsvError::NoDailyTable => msg("import-zip-no-table"),
        CsvError::ZipEncrypted => msg("import-zip-encrypted"),
        CsvError::ZipTooBig => msg("import-zip-too-big")
            .arg(
                "megabytes",
                i64::try_from(archive::MAX_UNPACKED / (1024 * 1024)).unwrap_or(i64::MAX),
            )
            .arg(
                "files",
                i64::try_from(archive::MAX_ENTRIES).unwrap_or(i64::MAX),
            ),
        CsvError::BadZip => msg("import-zip-unreadable"),
    }
}
