//! An import's error report as CSV: every skipped row with its reasons
//! (from the browser's check and the server's), for the Imports page's
//! download. Cells a spreadsheet would run as a formula are escaped.

use super::db::Db;
use super::imports::ImportHead;
use crate::AppError;
use csv_import_core::report::escape_formula;
use sqlx::Row;

/// The most skipped rows in one report.
const MAX_ROWS: i64 = 100_000;

/// One CSV cell: formula-escaped, quoted when it needs to be.
fn cell(text: &str) -> String {
    let text = escape_formula(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The report of `head`'s import: a `row,reasons` header, then one line per
/// skipped row, by row; several reasons joined with `; `. CRLF line ends.
pub async fn csv(db: &Db, head: &ImportHead) -> Result<String, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT row, reasons FROM import_skips WHERE import_id = $1 ORDER BY row LIMIT {MAX_ROWS}"
    ))
    .bind(head.id.clone())
    .fetch_all(&db.pool)
    .await?;
    let mut out = String::from("row,reasons\r\n");
    for r in rows {
        let row: i64 = r.try_get(0)?;
        let reasons: String = r.try_get(1)?;
        let reasons: Vec<String> = serde_json::from_str(&reasons).unwrap_or_else(|_| vec![reasons]);
        out.push_str(&format!("{row},{}\r\n", cell(&reasons.join("; "))));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_escaped_and_quoted() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
