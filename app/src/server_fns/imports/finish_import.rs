use crate::model::ImportSummary;
use crate::AppError;
use leptos::prelude::*;

/// Ends an import, as done or (with `cancelled`) stopped by the user, so
/// that the history shows its outcome; returns its summary with every
/// skipped row. Batches already committed stay. Finishing an ended import
/// changes nothing. Allowed to whoever started it, or an admin of the
/// workspace (else 404).
#[server(endpoint = "finish_import")]
pub async fn finish_import(import_id: String, cancelled: bool) -> Result<ImportSummary, AppError> {
    use crate::backend::{auth, db, imports};
    let session = auth::current_session().await?;
    let db = db()?;
    let head = imports::find(&db, &session, &import_id).await?;
    imports::may_send(&session, &head)?;
    imports::finish(&db, &head, cancelled, imports::By::Sender).await?;
    imports::summary(&db, &head).await
}
