use crate::model::{Batch, BatchResult};
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Commits one batch of an import's valid rows (at most the `max_batch_rows`
/// and `max_batch_bytes` its start answered), so that a big
/// file is stored in steps the user can follow and a lost answer can be
/// retried: the same `(import_id, seq)` is applied once. Every row is
/// checked again on the server; a row that fails is skipped with its
/// reasons, never stored, and so is a row the database refuses (its
/// neighbours are committed). Inserts, or updates by the template's key;
/// never deletes. Only whoever started the import, or an admin, may send
/// to it (else 404). The batches of an import carry no more rows than it
/// announced (`total_rows`, the template's `max_rows`), each row number of
/// the file once (else 400). JSON body: `{"batch": {"import_id", "seq", "rows"}}`.
#[server(endpoint = "commit_batch", input = Json)]
pub async fn commit_batch(batch: Batch) -> Result<BatchResult, AppError> {
    use crate::backend::{auth, db, imports};
    let session = auth::current_session().await?;
    let db = db()?;
    let import = imports::sending(&db, &session, &batch.import_id).await?;
    imports::check_batch_size(import.destination.as_ref(), &batch.rows)?;
    imports::commit(&db, &import.head, &import.template, batch.seq, &batch.rows).await
}
