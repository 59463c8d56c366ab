use crate::model::ImportStarted;
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Opens an import, so that its batches have an id to be counted (and
/// de-duplicated) under and the history has an entry; records the rows the
/// browser already skipped, with their reasons. Needs the template's
/// permission. JSON body: `{"import": {"template", "file_name", "total_rows", "skipped"}}`.
#[server(endpoint = "start_import", input = Json)]
pub async fn start_import(import: crate::model::StartImport) -> Result<ImportStarted, AppError> {
    use crate::backend::{access, auth, db, imports};
    let session = auth::current_session().await?;
    let (template, _destination) = access::importable(&session, &import.template)?;
    imports::start(&db()?, &session, &template, &import).await
}
