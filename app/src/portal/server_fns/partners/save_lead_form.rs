use super::{FormField, LeadForm};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Saves the workspace's lead registration form, so that an admin decides
/// which fields a lead has and which are required; the import template,
/// its sample file and its checks follow at once. Admins only (403). A form
/// needs a required email field, labels, unique keys, and options for a
/// select (400 names the field). JSON body: `{"fields": [{"label", "key",
/// "type", "required", "options"}]}`.
#[server(endpoint = "save_lead_form", input = Json)]
pub async fn save_lead_form(fields: Vec<FormField>) -> Result<LeadForm, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::lead_form;
    use crate::model::Role;
    let session = auth::current_session().await?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden(format!(
            "Your role ({}) may not edit the lead registration form. Ask an admin.",
            session.role.as_str()
        )));
    }
    lead_form::save_form(&db()?, &session, fields).await
}
