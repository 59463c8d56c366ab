use super::LeadForm;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's lead registration form, so that the form editor shows it
/// and everyone can see which columns a lead import needs (its fields
/// decide the `partner-leads` template). Every member may read it.
#[server(endpoint = "get_lead_form")]
pub async fn get_lead_form() -> Result<LeadForm, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::lead_form;
    let session = auth::current_session().await?;
    lead_form::lead_form(&db()?, &session).await
}
