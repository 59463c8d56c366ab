use super::LeadState;
use crate::AppError;
use leptos::prelude::*;

/// Approves or rejects a pending lead (`decision` is `approve` or
/// `reject`), so that imported leads, which all start pending, are
/// accepted or turned down by the admin team. Admins only (403); a lead of
/// another workspace is a 404, one reviewed already a 409.
#[server(endpoint = "review_lead")]
pub async fn review_lead(id: i64, decision: String) -> Result<LeadState, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::partners;
    use crate::model::Role;
    let session = auth::current_session().await?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "Your role ({}) may not approve or reject leads. Ask an admin.",
            session.role.as_str()
        )));
    }
    let decision = match decision.trim() {
        "approve" | "approved" => LeadState::Approved,
        "reject" | "rejected" => LeadState::Rejected,
        _ => return Err(AppError::BadRequest("The decision must be approve or reject.".into())),
    };
    partners::review(&db()?, &session, id, decision).await
}
