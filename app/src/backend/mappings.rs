//! Remembered column mappings: what a user confirmed at the mapping step
//! for a template in a workspace, kept by the file's headers, so that the
//! next file with the same headers is mapped "as last time". A remembered
//! choice that no longer fits (a field the template lost) is passed over by
//! the mapper, never an error.

use super::db::Db;
use super::now;
use crate::model::{Role, SessionInfo};
use crate::{on_pool, AppError};
use csv_import_core::map::Override;

/// The most headers a remembered file may have.
pub const MAX_HEADERS: usize = 500;

/// The longest header or field key kept, in characters.
pub const MAX_TEXT: usize = 300;

/// The key headers are remembered by: each trimmed and lowercased, joined
/// by U+001F (a control character no header may hold).
pub fn headers_key(headers: &[String]) -> String {
    headers.iter().map(|h| h.trim().to_lowercase()).collect::<Vec<_>>().join("\u{1f}")
}

/// Headers and choices checked before they are stored or looked up: not
/// too many, not too long, no control characters, each choice naming one
/// of the headers.
pub fn check_input(headers: &[String], columns: &[Override]) -> Result<(), AppError> {
    if headers.is_empty() || headers.len() > MAX_HEADERS {
        return Err(AppError::BadRequest(format!(
            "A mapping is remembered for 1 to {MAX_HEADERS} headers; {} were sent.",
            headers.len()
        )));
    }
    let bad = |text: &str| text.chars().count() > MAX_TEXT || text.chars().any(char::is_control);
    if let Some(at) = headers.iter().position(|h| bad(h)) {
        return Err(AppError::BadRequest(format!(
            "Header {} is longer than {MAX_TEXT} characters or holds a control character.",
            at + 1
        )));
    }
    if columns.len() > headers.len() {
        return Err(AppError::BadRequest("More choices than headers were sent.".into()));
    }
    let known: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
    for choice in columns {
        if bad(&choice.column) || choice.field.as_deref().is_some_and(bad) {
            return Err(AppError::BadRequest(format!(
                "The choice for \"{}\" is longer than {MAX_TEXT} characters or holds a control character.",
                super::clean_text(&choice.column, 60)
            )));
        }
        if !known.contains(&choice.column.trim().to_lowercase()) {
            return Err(AppError::BadRequest(format!(
                "\"{}\" is not one of the headers sent.",
                super::clean_text(&choice.column, 60)
            )));
        }
    }
    Ok(())
}

/// The choices remembered for these headers, or none.
pub async fn remembered(db: &Db, session: &SessionInfo, template: &str, headers: &[String]) -> Result<Vec<Override>, AppError> {
    let text: Option<String> = on_pool!(db.pool, p => sqlx::query_scalar(
        "SELECT columns FROM remembered_mappings WHERE workspace_id = $1 AND template = $2 AND headers = $3",
    )
    .bind(session.workspace.id)
    .bind(template)
    .bind(headers_key(headers))
    .fetch_optional(p)
    .await)?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
}

/// Remember these choices for these headers (replacing what was remembered).
pub async fn remember(
    db: &Db,
    session: &SessionInfo,
    template: &str,
    headers: &[String],
    columns: &[Override],
) -> Result<(), AppError> {
    let text = serde_json::to_string(columns).map_err(|e| AppError::internal("remember mapping", e))?;
    on_pool!(db.pool, p => sqlx::query(
        "INSERT INTO remembered_mappings (workspace_id, template, headers, columns, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (workspace_id, template, headers) DO UPDATE SET columns = excluded.columns, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(session.workspace.id)
    .bind(template)
    .bind(headers_key(headers))
    .bind(text)
    .bind(session.user_id)
    .bind(now())
    .execute(p)
    .await
    .map(drop))?;
    Ok(())
}

/// Forget the workspace's remembered mappings of a template (admins only);
/// how many there were.
pub async fn forget(db: &Db, session: &SessionInfo, template: &str) -> Result<u64, AppError> {
    if session.role != Role::Admin {
        return Err(AppError::Forbidden("Only an admin of the workspace may clear remembered mappings.".into()));
    }
    let forgotten = on_pool!(db.pool, p => sqlx::query("DELETE FROM remembered_mappings WHERE workspace_id = $1 AND template = $2")
        .bind(session.workspace.id)
        .bind(template)
        .execute(p)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(forgotten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_remembered_ignoring_case_and_spaces_around() {
        let a = headers_key(&[" Email".into(), "Prénom ".into()]);
        assert_eq!(a, headers_key(&["EMAIL".into(), "PRÉNOM".into()]));
        assert_ne!(a, headers_key(&["Prénom".into(), "Email".into()]));
    }

    #[test]
    fn input_is_checked_before_it_is_kept() {
        let headers = vec!["Email".to_string(), "Nom".to_string()];
        let choice = |column: &str, field: Option<&str>| Override { column: column.into(), field: field.map(Into::into) };
        assert!(check_input(&headers, &[choice("email", Some("email")), choice("Nom", None)]).is_ok());
        assert!(check_input(&headers, &[choice("Phone", Some("phone"))]).is_err());
        assert!(check_input(&[], &[]).is_err());
        assert!(check_input(&["a\u{0}".into()], &[]).is_err());
        assert!(check_input(&headers, &[choice("Nom", Some(&"x".repeat(MAX_TEXT + 1)))]).is_err());
    }
}
