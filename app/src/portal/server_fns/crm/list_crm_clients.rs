use crate::portal::model::CrmPage;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's CRM clients (the first 200 by email), optionally searched
/// by name, email or username, so that after an import (or before an
/// export) a user sees what is stored. Every role of the workspace may look.
#[server(endpoint = "list_crm_clients")]
pub async fn list_crm_clients(search: String) -> Result<CrmPage, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::crm;
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    if search.chars().count() > 200 {
        return Err(AppError::BadRequest("The search is too long: use at most 200 characters.".to_string()));
    }
    crm::list(&db()?, session.workspace.id, &search).await
}
