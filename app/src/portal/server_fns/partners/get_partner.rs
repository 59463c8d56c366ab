use super::PartnerDetails;
use crate::AppError;
use leptos::prelude::*;

/// One partner's details and team, each member with their Partner User ID,
/// so that a lead file can name who registered each lead. 404 for an ID of
/// another workspace, or (for a partner's user) of another partner.
#[server(endpoint = "get_partner")]
pub async fn get_partner(id: String) -> Result<PartnerDetails, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::partners;
    let session = auth::current_session().await?;
    if id.trim().is_empty() || id.chars().count() > 100 {
        return Err(AppError::BadRequest("Give a partner ID, e.g. P-1001.".into()));
    }
    partners::get_partner(&db()?, &session, &id).await
}
