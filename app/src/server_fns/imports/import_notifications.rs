use crate::model::FinishedImports;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's background imports that finished (or failed) after
/// `since`, so that a page can tell the user without a reload; it polls
/// every few seconds with the `now` of the previous answer (an empty
/// `since` only asks for `now`); an import may be listed by two answers in
/// a row (the asks overlap so that none is missed), the page tells it once.
/// Any role of the workspace may ask; other workspaces' imports are never
/// listed. `since` is a time as the server
/// writes it (`2026-11-21T05:20:43.120Z`), else 400.
#[server(endpoint = "import_notifications")]
pub async fn import_notifications(since: String) -> Result<FinishedImports, AppError> {
    use crate::backend::{auth, db, jobs, now};
    let session = auth::current_session().await?;
    let since = since.trim();
    // A role that does not see the workspace is told nothing of its imports.
    if since.is_empty() || !session.role.sees_workspace() {
        return Ok(FinishedImports { now: now(), finished: Vec::new() });
    }
    if !jobs::valid_time(since) {
        return Err(AppError::BadRequest(format!(
            "\"{}\" is not a time like 2026-11-21T05:20:43.120Z.",
            crate::backend::clean_text(since, 40)
        )));
    }
    jobs::notices(&db()?, session.workspace.id, since).await
}
