use crate::portal::model::CoachingPage;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's coaching leads with the coaches each may see (the first
/// 200 by email), optionally searched by a lead's or coach's email or name,
/// so that after an import a user can check who may see whom. Every role
/// of the workspace may look.
#[server(endpoint = "list_coaching")]
pub async fn list_coaching(search: String) -> Result<CoachingPage, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::coaching;
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    if search.chars().count() > 200 {
        return Err(AppError::BadRequest("The search is too long: use at most 200 characters.".to_string()));
    }
    coaching::list(&db()?, session.workspace.id, &search).await
}
