use crate::AppError;
use leptos::prelude::*;

/// Delete a tag of the workspace. Admins only; a tag of another workspace
/// is a 404, and a tag that accounts carry is refused (409) with a message.
#[server(endpoint = "delete_tag")]
pub async fn delete_tag(id: i64) -> Result<(), AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::client_accounts;
    use crate::model::Role;
    let session = auth::current_session().await?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden("Only admins may change tags.".to_string()));
    }
    client_accounts::delete_tag(&db()?, session.workspace.id, id).await
}
