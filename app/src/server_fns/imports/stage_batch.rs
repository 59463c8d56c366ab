use crate::model::{Batch, Staged};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Keeps one batch (at most 5,000 rows, fewer for some destinations) of a background import's valid rows
/// for its job, so that a big file is uploaded in steps that can be retried
/// and the user need not wait for the commit: the same `(import_id, seq)`
/// is kept once. Nothing is stored as a record yet; the job checks every row
/// again with core when it commits, and skips a row that fails with its
/// reasons. Same checks as `commit_batch`: the session, the import in the
/// session's workspace and started by this user or an admin (else 404), the
/// template's permission (403), the rows the import announced (400). A batch
/// sent once the import is queued is refused (409); one acknowledged is
/// always committed by the job.
/// JSON body: `{"batch": {"import_id", "seq", "rows"}}`.
#[server(endpoint = "stage_batch", input = Json)]
pub async fn stage_batch(batch: Batch) -> Result<Staged, AppError> {
    use crate::backend::{access, auth, db, imports, jobs};
    let session = auth::current_session().await?;
    let db = db()?;
    let head = imports::find(&db, &session, &batch.import_id).await?;
    let (_template, destination) = access::importable(&session, &head.template)?;
    // Another member's import, unless an admin: 404, as if unknown.
    imports::may_send(&session, &head)?;
    imports::check_batch_size(destination.as_ref(), &batch.rows)?;
    jobs::stage(&db, &head, batch.seq, &batch.rows).await
}
