use crate::model::RefusedCombination;
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Which of a file's combinations of values of fields checked together
/// (a template's `checked_together`, e.g. a person who must belong to the
/// row's team) do not go together, answered by the template's destination,
/// so that the review step marks those cells before anything is imported;
/// the commit checks every row again. Takes distinct combinations only,
/// never rows: at most 10,000 per call (400 beyond), each value at most 200
/// characters. Needs the template's permission. JSON body:
/// `{"template", "fields": [...], "combinations": [[...], ...], "lang"}`.
#[server(endpoint = "check_combinations", input = Json)]
pub async fn check_combinations(
    template: String,
    fields: Vec<String>,
    combinations: Vec<Vec<String>>,
    /// The language of the messages (English when left out).
    lang: Option<csv_import_core::Lang>,
) -> Result<Vec<RefusedCombination>, AppError> {
    use crate::backend::{access, auth, db, destination, references};
    let session = auth::current_session().await?;
    let template = access::template(&template)?;
    if let Some(reason) = access::refusal(session.role, &template) {
        return Err(AppError::Forbidden(reason));
    }
    let db = db()?;
    let template = access::for_workspace(&db, session.workspace.id, template).await?;
    if !template.groups_checked_together().any(|g| g == fields.as_slice()) {
        return Err(AppError::BadRequest(format!(
            "{} does not check the fields {} together.",
            template.label,
            crate::backend::clean_text(&fields.join(", "), 200)
        )));
    }
    if combinations.len() > references::MAX_VALUES {
        return Err(AppError::BadRequest(format!(
            "At most {} combinations can be checked at once; {} were sent. Send them in several calls.",
            references::MAX_VALUES,
            combinations.len()
        )));
    }
    if combinations.iter().any(|c| c.len() != fields.len()) {
        return Err(AppError::BadRequest(format!(
            "Each combination needs {} values, one per field, in the order of the fields.",
            fields.len()
        )));
    }
    // Combinations with an empty or overlong value are nobody's to check:
    // the row's own checks say what is wrong with such a value.
    let combinations: Vec<Vec<String>> = combinations
        .into_iter()
        .filter(|c| c.iter().all(|v| !v.trim().is_empty() && v.len() <= 200))
        .collect();
    if combinations.is_empty() {
        return Ok(Vec::new());
    }
    let Some(destination) = destination::for_template(&template) else {
        return Err(destination::cannot_check_together(&template));
    };
    let mut conn = db.acquire().await?;
    destination
        .refused_combinations(conn.conn(), &session, &template, &fields, &combinations, lang.unwrap_or_default())
        .await
}
