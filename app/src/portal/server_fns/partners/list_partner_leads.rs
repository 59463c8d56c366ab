use super::LeadPage;
use crate::AppError;
use leptos::prelude::*;

/// The registered leads with their state (newest 200), optionally of one
/// state (`pending`, `approved`, `rejected`; empty for all), so that an
/// admin can review them and a partner can follow their own. A partner's
/// user sees only their partner's leads.
#[server(endpoint = "list_partner_leads")]
pub async fn list_partner_leads(state: String) -> Result<LeadPage, AppError> {
    use super::LeadState;
    use crate::backend::{auth, db};
    use crate::portal::backend::partners;
    let session = auth::current_session().await?;
    let state = match state.trim() {
        "" | "all" => None,
        other => Some(LeadState::parse(other).ok_or_else(|| {
            AppError::BadRequest("The state must be pending, approved or rejected (or empty for all).".into())
        })?),
    };
    partners::list_leads(&db()?, &session, state).await
}
