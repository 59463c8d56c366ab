use crate::model::ImportSummary;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's import history, newest first (the latest 200; skipped
/// rows left out, see `get_import`). Every role may look.
#[server(endpoint = "list_imports")]
pub async fn list_imports() -> Result<Vec<ImportSummary>, AppError> {
    use crate::backend::{auth, db, imports};
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    imports::list(&db()?, session.workspace.id).await
}
