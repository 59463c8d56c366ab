use crate::AppError;
use csv_import_core::Template;
use leptos::prelude::*;

/// The built-in templates, so a page can show what each import expects.
/// Templates hold no workspace data, so anyone may read them; for a
/// signed-in user, a template comes as their workspace configured it (its
/// destination's `template_for`).
#[server(endpoint = "list_templates")]
pub async fn list_templates() -> Result<Vec<Template>, AppError> {
    use crate::backend::{access, auth, db};
    let templates = crate::backend::templates::all();
    let Some(session) = auth::optional_session().await? else { return Ok(templates) };
    let db = db()?;
    let mut out = Vec::with_capacity(templates.len());
    for template in templates {
        out.push(access::for_workspace(&db, session.workspace.id, template).await?);
    }
    Ok(out)
}
