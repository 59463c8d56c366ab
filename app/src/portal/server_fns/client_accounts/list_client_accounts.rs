use crate::portal::model::ClientAccountPage;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's client accounts (the first 200 by email) with their tags
/// and attributes, optionally searched, so that after an import a user can
/// check what was stored. Never returns a password or its hash. Every role
/// of the workspace may look.
#[server(endpoint = "list_client_accounts")]
pub async fn list_client_accounts(search: String) -> Result<ClientAccountPage, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::client_accounts;
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    if search.chars().count() > 200 {
        return Err(AppError::BadRequest("The search is too long: use at most 200 characters.".to_string()));
    }
    client_accounts::list(&db()?, session.workspace.id, &search).await
}
