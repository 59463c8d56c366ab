//! An import's error report as CSV: every skipped row with its reasons
//! (from the browser's check and the server's), for the Imports page's
//! download. Cells a spreadsheet would run as a formula are escaped.

use super::db::Db;
use super::imports::ImportHead;
use crate::{on_pool, AppError};
use csv_import_core::report::spreadsheet_csv;

/// The most skipped rows in one report.
const MAX_ROWS: i64 = 100_000;

/// The report of `head`'s import: a `row,reasons` header, then one line per
/// skipped row, by row, numbered as the user saw it; several reasons joined
/// with `; `. CRLF line ends.
pub async fn csv(db: &Db, head: &ImportHead) -> Result<String, AppError> {
    let sql = format!("SELECT row, reasons FROM import_skips WHERE import_id = $1 ORDER BY row LIMIT {MAX_ROWS}");
    let rows = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String)>(&sql)
        .bind(head.id.clone())
        .fetch_all(p)
        .await)?;
    // The rows as the user saw them numbered (a workbook's, as the
    // spreadsheet numbers them).
    let shown: Option<String> = on_pool!(db.pool, p => sqlx::query_scalar("SELECT shown_rows FROM imports WHERE id = $1")
        .bind(head.id.clone())
        .fetch_one(p)
        .await)?;
    let shown: Vec<[u64; 2]> = shown.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let mut lines = vec![vec!["row".to_string(), "reasons".to_string()]];
    for (row, reasons) in rows {
        let reasons: Vec<String> = serde_json::from_str(&reasons).unwrap_or_else(|_| vec![reasons]);
        let row = crate::model::shown_row(&shown, u64::try_from(row).unwrap_or(0));
        lines.push(vec![row.to_string(), reasons.join("; ")]);
    }
    Ok(spreadsheet_csv(lines))
}
