use crate::model::ImportSummary;
use crate::AppError;
use leptos::prelude::*;

/// One import of the workspace with its counts and every skipped row and
/// reason (from the browser's check and the server's), so that a user can
/// see what was not imported and why. Every role may look.
#[server(endpoint = "get_import")]
pub async fn get_import(import_id: String) -> Result<ImportSummary, AppError> {
    use crate::backend::{auth, db, imports};
    let session = auth::current_session().await?;
    let db = db()?;
    let head = imports::visible(&db, &session, &import_id).await?;
    imports::summary(&db, &head).await
}
