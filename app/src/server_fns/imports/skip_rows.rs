use crate::model::MoreSkips;
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Records more of the rows the browser skipped, with their reasons, for an
/// import whose list is too long to go with `start_import` in one request
/// (a big file with many invalid rows). Each row is kept once however often
/// it is sent, and counted once in the import's skipped rows. Same checks as
/// `commit_batch`: the session, the import in the session's workspace and
/// started by this user or an admin (else 404), the template's permission
/// (403), rows of the file each listed once (400), the import still running
/// (409). JSON body: `{"skips": {"import_id", "skipped": [{"row", "reasons"}]}}`.
#[server(endpoint = "skip_rows", input = Json)]
pub async fn skip_rows(skips: MoreSkips) -> Result<u64, AppError> {
    use crate::backend::{auth, db, imports};
    let session = auth::current_session().await?;
    let db = db()?;
    let import = imports::sending(&db, &session, &skips.import_id).await?;
    imports::add_skips(&db, &import.head, &import.template, &skips.skipped).await
}
