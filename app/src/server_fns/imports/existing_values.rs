use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Which of `values` the workspace's records already have in `field` (a
/// key or unique field of the template, e.g. the clients' `email`), so that
/// the review step can flag the rows that will update an existing record
/// instead of adding one, or, for a template whose `existing` check warns,
/// the values already registered, so that they are flagged before they are
/// added again.
/// The browser sends only the distinct values of the column (at most
/// 10,000), never the rows; the answer is the matching ones, lowercased.
/// Needs the template's permission (403); only the session's workspace is
/// searched. JSON body: `{"template", "field", "values"}`.
#[server(endpoint = "existing_values", input = Json)]
pub async fn existing_values(template: String, field: String, values: Vec<String>) -> Result<Vec<String>, AppError> {
    use crate::backend::{access, auth, db, existing};
    let session = auth::current_session().await?;
    let (template, destination) = access::importable(&session, &template)?;
    if values.len() > existing::MAX_VALUES {
        return Err(AppError::BadRequest(format!(
            "At most {} values may be checked at once; {} were sent.",
            existing::MAX_VALUES,
            values.len()
        )));
    }
    destination.existing(&db()?, &session, &template, field.trim(), &values).await
}
