//! `/export`: everything we hold about the creator, as one JSON file (format in the README).

use crate::app::App;
use crate::bot::{Attachment, CommandResult, Invocation, Reply, Responder};
use crate::domain::privacy;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let doc = privacy::export_snapshot(&app.db, inv.account).await?;
    let bytes = serde_json::to_vec_pretty(&doc).map_err(anyhow::Error::from)?;
    let file_name = format!(
        "creatorpilot-export-{}.json",
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let reply = Reply::text(app.i18n.tr(inv.locale, "export-ready"))
        .attachment(Attachment {
            file_name,
            mime_type: "application/json".into(),
            bytes,
        })
        .private();
    r.send(reply).await?;
    Ok(())
}
