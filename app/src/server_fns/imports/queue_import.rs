use crate::model::ImportSummary;
use crate::AppError;
use leptos::prelude::*;

/// Queues the job that commits a background import's staged batches and
/// returns at once, so that the user can go on working while a runner (in
/// this or another server process) imports the rows; the summary says
/// `"job": "queued"`. Queueing twice queues once. Checks the session, the
/// import's workspace and that this user started it or is an admin (404),
/// and the template's permission (403).
#[server(endpoint = "queue_import")]
pub async fn queue_import(import_id: String) -> Result<ImportSummary, AppError> {
    use crate::backend::{auth, db, imports, jobs};
    let session = auth::current_session().await?;
    let db = db()?;
    let import = imports::sending(&db, &session, &import_id).await?;
    jobs::queue(&db, &import.head).await?;
    imports::summary(&db, &import.head).await
}
