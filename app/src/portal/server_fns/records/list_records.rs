use crate::model::RecordPage;
use crate::AppError;
use leptos::prelude::*;

/// One page (25 rows, newest first) of the workspace's clients, leads or
/// companies, optionally searched by name, email or company, so that users
/// see what an import changed. Every role may look.
#[server(endpoint = "list_records")]
pub async fn list_records(entity: String, search: String, page: u32) -> Result<RecordPage, AppError> {
    use crate::backend::{access, auth, db, records};
    let session = auth::current_session().await?;
    crate::backend::access::browse(&session)?;
    let entity = entity.trim();
    if !records::TABLES.contains(&entity) {
        return Err(AppError::BadRequest(format!(
            "Records are clients, leads or companies, not \"{}\".",
            crate::backend::clean_text(entity, 40)
        )));
    }
    let template = access::template(entity)?;
    let table = records::table_for(&template)
        .ok_or_else(|| AppError::internal("list_records", format!("no table for {entity}")))?;
    records::page(&db()?, session.workspace.id, &template, table, &search, page).await
}
