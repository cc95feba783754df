//! `/export`: everything we hold about the creator, as one JSON file (format in the README).

use crate::app::App;
use crate::bot::{Attachment, CommandResult, Invocation, Reply, Responder};
use crate::domain::privacy;

pub async fn run(app: &App, inv: &Invocation, r: &dyn Responder) -> CommandResult {
    let mut tx = app.db.begin().await?;
    // One snapshot: a repeatable-read transaction sees every section as of the same moment.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let doc = privacy::export(&mut tx, inv.account).await?;
    tx.commit().await?;
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
