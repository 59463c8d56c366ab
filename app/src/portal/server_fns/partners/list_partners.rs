use super::Partner;
use crate::AppError;
use leptos::prelude::*;

/// The workspace's partners with their IDs, so that whoever prepares a lead
/// file can find the Partner ID to put in it. A partner's user sees only
/// their own partner; every other role sees all.
#[server(endpoint = "list_partners")]
pub async fn list_partners() -> Result<Vec<Partner>, AppError> {
    use crate::backend::{auth, db};
    use crate::portal::backend::partners;
    let session = auth::current_session().await?;
    partners::list_partners(&db()?, &session).await
}
