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
    use crate::backend::{auth, db, imports, jobs};
    let session = auth::current_session().await?;
    let db = db()?;
    let import = imports::sending(&db, &session, &batch.import_id).await?;
    imports::check_batch_size(import.destination.as_ref(), &batch.rows)?;
    jobs::stage(&db, &import.head, batch.seq, &batch.rows).await
}
