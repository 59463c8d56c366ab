use crate::model::ImportSummary;
use crate::server_fns::AppError;
use leptos::prelude::*;

/// Ends an import, as done or (with `cancelled`) stopped by the user, so
/// that the history shows its outcome; returns its summary with every
/// skipped row. Batches already committed stay. Finishing an ended import
/// changes nothing. Allowed to whoever started it, or a role with the
/// template's permission.
#[server(endpoint = "finish_import")]
pub async fn finish_import(import_id: String, cancelled: bool) -> Result<ImportSummary, AppError> {
    use crate::backend::{access, auth, db, imports};
    let session = auth::current_session().await?;
    let db = db()?;
    let head = imports::find(&db, &session, &import_id).await?;
    if head.user_id != session.user_id {
        let template = access::template(&head.template)?;
        if let Some(reason) = access::refusal(session.role, &template) {
            return Err(AppError::Forbidden(reason));
        }
    }
    imports::finish(&db, &head, cancelled).await?;
    imports::summary(&db, &head).await
}
