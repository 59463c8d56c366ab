use crate::AppError;
use leptos::prelude::*;

/// Add a tag to the workspace, so that client-accounts files may name it.
/// Admins only; a name that exists already (case ignored) is a 409. A name
/// is held to the rules of a tag cell in a client-accounts file (1 to 100
/// characters, no formula start, no markup) and may hold no control
/// characters: a 400 says what to change.
#[server(endpoint = "add_tag")]
pub async fn add_tag(name: String) -> Result<(), AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::client_accounts;
    use crate::model::Role;
    let session = auth::current_session().await?;
    if session.role != Role::Admin {
        return Err(AppError::Forbidden("Only admins may change tags.".to_string()));
    }
    check_name(&name)?;
    if !client_accounts::add_tag(&db()?, session.workspace.id, &name).await? {
        return Err(AppError::Conflict(format!("The tag \"{}\" exists already.", name.trim())));
    }
    Ok(())
}

/// A 400 for a name that a tag cell of a client-accounts file could not
/// name, with core's message for that cell.
#[cfg(feature = "ssr")]
fn check_name(name: &str) -> Result<(), AppError> {
    use csv_import_core::value::FieldChecker;
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        return Err(AppError::BadRequest("A tag needs a name of 1 to 100 characters.".to_string()));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "A tag name may not hold control characters (tabs, line breaks, ...). Remove them.".to_string(),
        ));
    }
    let template = crate::backend::access::template("client-accounts")?;
    let field = template.field("tag").ok_or_else(|| AppError::internal("add_tag", "client-accounts has no tag field"))?;
    let checker = FieldChecker::new(field).map_err(|e| AppError::internal("add_tag", e))?;
    match checker.check(name) {
        Ok(_) => Ok(()),
        Err(e) => Err(AppError::BadRequest(format!("Tag name: {}", e.message))),
    }
}
