//! The importer's downloads: a template's sample file and an import's
//! error report, for csv-import's own sign-in; the embedding router
//! ([`crate::embed`]) serves them for a host's sign-in too.

use crate::db::Db;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// `GET /imports/{id}/errors.csv`: an import's skipped rows with their
/// reasons, as a CSV download. Needs a session in the import's workspace
/// (401) whose role sees the import (another workspace's import, or another
/// member's for a role that sees only its own, is a 404).
pub(crate) async fn error_report(db: Db, Path(id): Path<String>, headers: HeaderMap) -> Response {
    use app::backend::{auth, error_report, imports};
    use app::AppError;
    if !imports::valid_id(&id) {
        return no_such_import();
    }
    let answer = async {
        let token = auth::token_of(&headers).ok_or_else(AppError::sign_in)?;
        let session = auth::session_for_token(&db, &token).await?.ok_or_else(AppError::sign_in)?;
        let head = imports::visible(&db, &session, &id).await?;
        error_report::csv(&db, &head).await.map(|csv| (head.id, csv))
    }
    .await;
    csv_download(answer.map(|(id, csv)| (format!("import-{id}-errors.csv"), csv)))
}

/// The 404 of an import id that is not one (32 lowercase hex digits).
pub(crate) fn no_such_import() -> Response {
    (StatusCode::NOT_FOUND, "There is no such import.").into_response()
}

/// A CSV download (its file name, made of known parts only, and its
/// text), or the error with its status.
pub(crate) fn csv_download(answer: Result<(String, String), app::AppError>) -> Response {
    match answer {
        Ok((file_name, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
                // The workspace's data: no cache keeps a copy.
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            // The BOM makes Excel read the file as UTF-8 (an import skips it).
            format!("\u{feff}{csv}"),
        )
            .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}

/// `GET /templates/{name}/sample.csv`: the template's sample file, as a
/// download; for a signed-in user as the workspace has it (`partner-leads`
/// follows the workspace's lead registration form).
pub(crate) async fn workspace_sample_csv(db: Db, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(name) = template_name(&name) else { return no_such_template(&name) };
    let token = app::backend::auth::token_of(&headers);
    let template = app::backend::access::sample_template(&db, token.as_deref(), &name).await;
    sample_response(&name, template)
}

/// The name of the template (a host's or a built-in one) called exactly `name`.
pub(crate) fn template_name(name: &str) -> Option<String> {
    app::backend::templates::names().into_iter().find(|known| known == name)
}

/// The 404 of an unknown template (the name escaped, as it may hold anything).
pub(crate) fn no_such_template(name: &str) -> Response {
    (StatusCode::NOT_FOUND, format!("No template is named {:?}.", app::backend::clean_text(name, 80))).into_response()
}

/// The sample file of the template `name` (a registry name: the download's
/// file name is made of it).
pub(crate) fn sample_response(name: &str, template: Option<csv_import_core::Template>) -> Response {
    // A host's template may be named anything: the file name keeps only
    // what is safe in a header.
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    match template {
        Some(template) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}-sample.csv\"")),
            ],
            csv_import_core::sample::sample_csv(&template),
        )
            .into_response(),
        None => no_such_template(&name),
    }
}
