//! Which values of a file already belong to records of the workspace (e.g.
//! the emails of existing clients), so that the review step can say which
//! rows will update a record instead of adding one. Only the distinct
//! values are sent, never the rows.

use super::db::Db;
use super::records::{key_text, RecordTable};
use crate::server_fns::AppError;
use std::collections::BTreeSet;

/// The most values one call may ask about.
pub const MAX_VALUES: usize = 10_000;

/// The values among `values` (compared ignoring case) that the field `field`
/// (a column of `table`, checked by the caller) has in the workspace's
/// records; lowercased, sorted, each once.
pub async fn existing(
    db: &Db,
    table: RecordTable,
    field: &str,
    workspace_id: i64,
    values: &[String],
) -> Result<Vec<String>, AppError> {
    let wanted: BTreeSet<String> =
        values.iter().map(|v| key_text(v.trim())).filter(|v| !v.is_empty() && v.len() <= 1_000).collect();
    let wanted: Vec<String> = wanted.into_iter().collect();
    let mut found = BTreeSet::new();
    for chunk in wanted.chunks(500) {
        let placeholders = super::placeholders(chunk.len(), 2);
        let sql = format!(
            "SELECT DISTINCT LOWER({field}) FROM {} WHERE workspace_id = $1 AND LOWER({field}) IN ({})",
            table.name,
            placeholders
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql).persistent(false).bind(workspace_id);
        for v in chunk {
            query = query.bind(v.clone());
        }
        found.extend(query.fetch_all(&db.pool).await?);
    }
    Ok(found.into_iter().collect())
}
