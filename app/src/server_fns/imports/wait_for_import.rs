use crate::model::ImportSummary;
use crate::AppError;
use leptos::prelude::*;

/// Waits up to `wait_ms` (at most 20,000) for a background import's job
/// to end and answers its summary then, or `None` if it is still queued or
/// running, so that the page that queued it tells the user the moment it
/// ends instead of at its next ask for notices. 409 for an import without
/// a job. Any role of the workspace may wait for any of its imports, other
/// roles for their own (404 otherwise, as if unknown).
#[server(endpoint = "wait_for_import")]
pub async fn wait_for_import(import_id: String, wait_ms: u32) -> Result<Option<ImportSummary>, AppError> {
    use crate::backend::{auth, db, imports, jobs};
    let session = auth::current_session().await?;
    let db = db()?;
    let head = imports::visible(&db, &session, &import_id).await?;
    jobs::wait_for_end(&db, &head, std::time::Duration::from_millis(u64::from(wait_ms))).await
}
