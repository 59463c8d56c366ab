use crate::AppError;
use csv_import_core::map::Override;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The column choices remembered for a file with these headers, for a
/// template the user may import with, in the session's workspace (empty
/// when none were). Only the header row is sent, never rows; preview mode
/// asks nothing. JSON body: `{"template", "headers"}`.
#[server(endpoint = "remembered_mapping", input = Json)]
pub async fn remembered_mapping(template: String, headers: Vec<String>) -> Result<Vec<Override>, AppError> {
    use crate::backend::{access, auth, db, mappings};
    let session = auth::current_session().await?;
    let (template, _) = access::importable(&session, &template)?;
    mappings::check_input(&headers, &[])?;
    mappings::remembered(&db()?, &session, &template.name, &headers).await
}

/// Remember the column choices the user confirmed for a file with these
/// headers (a template the user may import with, the session's workspace),
/// so that the next file with the same headers is mapped "as last time".
/// JSON body: `{"template", "headers", "columns": [{"column", "field"}]}`.
#[server(endpoint = "remember_mapping", input = Json)]
pub async fn remember_mapping(template: String, headers: Vec<String>, columns: Vec<Override>) -> Result<(), AppError> {
    use crate::backend::{access, auth, db, mappings};
    let session = auth::current_session().await?;
    let (template, _) = access::importable(&session, &template)?;
    mappings::check_input(&headers, &columns)?;
    mappings::remember(&db()?, &session, &template.name, &headers, &columns).await
}

/// Forget every mapping remembered for a template in the session's
/// workspace; admins only (403). Answers how many were forgotten.
#[server(endpoint = "forget_mappings")]
pub async fn forget_mappings(template: String) -> Result<u64, AppError> {
    use crate::backend::{access, auth, db, mappings};
    let session = auth::current_session().await?;
    let template = access::template(&template)?;
    mappings::forget(&db()?, &session, &template.name).await
}
