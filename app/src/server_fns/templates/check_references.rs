use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Which of a file's values of one field do not exist in the workspace
/// (e.g. emails that are no user of it), so that the review step can flag
/// those cells before anything is imported. Takes the field's distinct
/// values only, never rows: at most 10,000 per call (400 beyond). Needs the
/// template's permission, and a field that has a `reference`. JSON body:
/// `{"template", "field", "values": [...]}`; answers the unknown values.
#[server(endpoint = "check_references", input = Json)]
pub async fn check_references(template: String, field: String, values: Vec<String>) -> Result<Vec<String>, AppError> {
    use crate::backend::{access, auth, db, destination, references};
    let session = auth::current_session().await?;
    let template = access::template(&template)?;
    if let Some(reason) = access::refusal(session.role, &template) {
        return Err(AppError::Forbidden(reason));
    }
    let reference = references::field_reference(&template, &field)?;
    if values.len() > references::MAX_VALUES * 4 {
        return Err(AppError::BadRequest(format!(
            "At most {} distinct values can be checked at once. Send them in several calls.",
            references::MAX_VALUES
        )));
    }
    let values = references::distinct(&values)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let db = db()?;
    let mut conn = db.acquire().await?;
    let asker = destination::Asker { workspace_id: session.workspace.id, user_id: session.user_id };
    references::unknown(conn.conn(), asker, &template, &reference, &values).await
}
