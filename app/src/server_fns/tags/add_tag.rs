use crate::server_fns::AppError;
use leptos::prelude::*;

/// Add a tag to the workspace, so that client-accounts files may name it.
/// Admins only; a name that exists already (case ignored) is a 409.
#[server(endpoint = "add_tag")]
pub async fn add_tag(name: String) -> Result<(), AppError> {
    use crate::backend::{auth, client_accounts, db};
    use crate::model::Role;
    let session = auth::current_session().await?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden("Only admins may change tags.".to_string()));
    }
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        return Err(AppError::BadRequest("A tag needs a name of 1 to 100 characters.".to_string()));
    }
    if !client_accounts::add_tag(&db()?, session.workspace.id, &name).await? {
        return Err(AppError::Conflict(format!("The tag \"{}\" exists already.", name.trim())));
    }
    Ok(())
}
