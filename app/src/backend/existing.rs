//! Which values of a file already belong to records of the workspace (e.g.
//! the emails of existing clients), so that the review step can say which
//! rows will update a record instead of adding one. Only the distinct
//! values are sent, never the rows.

use super::db::Db;
use super::records::{key_text, RecordTable};
use crate::{on_pool, AppError};
use std::collections::BTreeSet;

/// The most values one call may ask about.
pub const MAX_VALUES: usize = 10_000;

/// The values among `values` (compared by [`key_text`], case ignored) that
/// the field `field` has in the workspace's records; folded, sorted, each
/// once. Only the table's key can be asked about: it is the one column
/// stored folded (`key_folded`), and SQL's `LOWER` folds differently.
pub async fn existing(
    db: &Db,
    table: RecordTable,
    field: &str,
    workspace_id: i64,
    values: &[String],
) -> Result<Vec<String>, AppError> {
    if field != table.key {
        return Err(AppError::BadRequest(format!(
            "Only the field {} of {} can be checked for existing records.",
            table.key, table.name
        )));
    }
    let wanted: BTreeSet<String> = values
        .iter()
        .map(|v| key_text(v.trim()))
        .filter(|v| !v.is_empty() && v.len() <= 1_000 && !v.contains('\0'))
        .collect();
    let wanted: Vec<String> = wanted.into_iter().collect();
    let mut found = BTreeSet::new();
    for chunk in wanted.chunks(500) {
        let placeholders = super::placeholders(chunk.len(), 2);
        let sql = format!(
            "SELECT key_folded FROM {} WHERE workspace_id = $1 AND key_folded IN ({})",
            table.name,
            placeholders
        );
        found.extend(on_pool!(db.pool, p => {
            let mut query = sqlx::query_scalar::<_, String>(&sql).persistent(false).bind(workspace_id);
            for v in chunk {
                query = query.bind(v.clone());
            }
            query.fetch_all(p).await
        })?);
    }
    Ok(found.into_iter().collect())
}
