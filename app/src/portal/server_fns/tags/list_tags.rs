use crate::portal::model::Tag;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's tags with how many accounts carry each, for the Tags
/// page: a client-accounts file may only name existing tags. Every role
/// may look.
#[server(endpoint = "list_tags")]
pub async fn list_tags() -> Result<Vec<Tag>, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::client_accounts;
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    client_accounts::list_tags(&db()?, session.workspace.id).await
}
