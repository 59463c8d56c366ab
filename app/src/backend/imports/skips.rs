//! The rows the browser skipped, with their reasons: checked, stored once
//! each however often they are sent, and read back for the summaries.

use super::{count, ended, lock, not_found, ImportHead};
use crate::backend::db::{Backend, Conn, Db};
use crate::model::{ImportState, SkippedRow};
use crate::AppError;
use crate::{on_conn, on_pool};
use csv_import_core::template::OnInvalid;
use csv_import_core::Template;
use std::collections::HashSet;

/// Reasons kept per skipped row, and characters per reason.
const MAX_REASONS: usize = 20;
const MAX_REASON_CHARS: usize = 1_000;

/// Skipped rows returned with one import (the count is always complete).
const MAX_LISTED_SKIPS: i64 = 10_000;

/// Reasons as stored: at most [`MAX_REASONS`], each cut to
/// [`MAX_REASON_CHARS`], never none.
fn clean_reasons(reasons: &[String]) -> Vec<String> {
    let mut out: Vec<String> = reasons
        .iter()
        .map(|r| r.trim().chars().filter(|c| *c == '\n' || !c.is_control()).take(MAX_REASON_CHARS).collect::<String>())
        .filter(|r| !r.is_empty())
        .take(MAX_REASONS)
        .collect();
    if out.is_empty() {
        out.push("Skipped.".to_string());
    }
    out
}

/// Refuse skipped rows that are not rows of the file (1 to `total_rows`),
/// a row listed twice, or any for a template that imports nothing until
/// every row is valid.
pub(super) fn check_skips(template: &Template, total_rows: u64, skipped: &[SkippedRow]) -> Result<(), AppError> {
    if let Some(bad) = skipped.iter().find(|s| s.row == 0 || s.row > total_rows) {
        return Err(AppError::BadRequest(format!(
            "Skipped row {} is not a row of the file (1 to {total_rows}).",
            bad.row
        )));
    }
    let mut seen = HashSet::with_capacity(skipped.len());
    if let Some(twice) = skipped.iter().find(|s| !seen.insert(s.row)) {
        return Err(AppError::BadRequest(format!("Skipped row {} is listed twice; list each row once.", twice.row)));
    }
    if template.on_invalid == OnInvalid::Reject && !skipped.is_empty() {
        return Err(AppError::BadRequest(format!(
            "This template imports nothing until every row is valid: fix the {} invalid rows and upload again.",
            skipped.len()
        )));
    }
    Ok(())
}

/// Store more of the rows the browser skipped, for an import whose list is
/// too long to go with its start: each row once however often it is sent
/// (its number is its key), added to the import's count. Only while the
/// import runs. The rows added now. The caller has checked the session, its
/// workspace and its permission.
pub async fn add_skips(db: &Db, head: &ImportHead, template: &Template, skipped: &[SkippedRow]) -> Result<u64, AppError> {
    check_skips(template, head.total_rows, skipped)?;
    let (Some(first), Some(last)) = (skipped.iter().map(|s| s.row).min(), skipped.iter().map(|s| s.row).max()) else {
        return Ok(0);
    };
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    match lock(tx.conn(), &head.id).await? {
        Some(ImportState::Running) => {}
        Some(state) => return Err(ended(state)),
        None => return Err(not_found()),
    }
    // The rows of this list stored before: it was sent again.
    let stored: HashSet<u64> = listed_skips_between(tx.conn(), &head.id, first, last).await?.into_iter().collect();
    let new: Vec<SkippedRow> = skipped.iter().filter(|s| !stored.contains(&s.row)).cloned().collect();
    // Each row of the file is sent once: in a batch, or listed as skipped.
    let listed = listed_skips(tx.conn(), &head.id).await?;
    let sent = super::commit::rows_in_batches(tx.conn(), &head.id, None).await?;
    if listed + new.len() as u64 + sent > head.total_rows {
        return Err(AppError::BadRequest(format!(
            "{} more rows listed as skipped would make {} with the {listed} listed before and the {sent} sent in \
             batches, more than the {} this import announced. Send each row of the file once, in a batch or as skipped.",
            new.len(),
            listed + new.len() as u64 + sent,
            head.total_rows
        )));
    }
    insert_skips(tx.conn(), &head.id, None, &new).await?;
    on_conn!(tx.conn(), c => sqlx::query("UPDATE imports SET skipped = skipped + $1 WHERE id = $2")
        .bind(new.len() as i64)
        .bind(&head.id)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    tx.commit().await?;
    Ok(new.len() as u64)
}

pub(super) async fn insert_skips(
    mut conn: Conn<'_>,
    import_id: &str,
    seq: Option<u32>,
    skipped: &[SkippedRow],
) -> Result<(), AppError> {
    // Many rows a statement (four parameters each, under SQLite's limit of
    // 32,766): a file's skipped rows can be tens of thousands.
    const ROWS: usize = 2_000;
    for chunk in skipped.chunks(ROWS) {
        // SQLite looks `$n` parameters up one by one (quadratic over
        // thousands): anonymous ones there, bound in order.
        let tuples: Vec<String> = match conn.backend() {
            Backend::Postgres => (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${}, ${})", 4 * i + 1, 4 * i + 2, 4 * i + 3, 4 * i + 4))
                .collect(),
            Backend::Sqlite => vec!["(?, ?, ?, ?)".to_string(); chunk.len()],
        };
        let sql = format!("INSERT INTO import_skips (import_id, seq, row, reasons) VALUES {}", tuples.join(", "));
        let reasons = chunk
            .iter()
            .map(|s| serde_json::to_string(&clean_reasons(&s.reasons)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::internal("encoding reasons", e))?;
        on_conn!(conn, c => {
            let mut query = sqlx::query(&sql).persistent(chunk.len() == ROWS);
            for (s, reasons) in chunk.iter().zip(&reasons) {
                query = query
                    .bind(import_id)
                    .bind(seq.map(i64::from))
                    .bind(i64::try_from(s.row).unwrap_or(i64::MAX))
                    .bind(reasons.as_str());
            }
            query.execute(c).await.map(|done| done.rows_affected())
        })?;
    }
    Ok(())
}

/// The skipped rows of an import (of one batch, or all of them), by row.
pub(super) async fn skips(db: &Db, import_id: &str, seq: Option<u32>) -> Result<Vec<SkippedRow>, AppError> {
    let rows: Vec<(i64, String)> = match seq {
        Some(seq) => on_pool!(db.pool, p => {
            sqlx::query_as("SELECT row, reasons FROM import_skips WHERE import_id = $1 AND seq = $2 ORDER BY row")
                .bind(import_id)
                .bind(i64::from(seq))
                .fetch_all(p)
                .await
        })?,
        None => on_pool!(db.pool, p => {
            sqlx::query_as(&format!(
                "SELECT row, reasons FROM import_skips WHERE import_id = $1 ORDER BY row LIMIT {MAX_LISTED_SKIPS}"
            ))
            .bind(import_id)
            .fetch_all(p)
            .await
        })?,
    };
    rows.into_iter()
        .map(|(row, reasons)| {
            Ok(SkippedRow {
                row: count(row),
                reasons: serde_json::from_str(&reasons).unwrap_or_else(|_| vec![reasons]),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The rows listed as skipped (by the browser, not by the server's commit)
/// from `first` to `last`.
pub(super) async fn listed_skips_between(mut conn: Conn<'_>, import_id: &str, first: u64, last: u64) -> Result<Vec<u64>, AppError> {
    let rows: Vec<i64> = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT row FROM import_skips WHERE import_id = $1 AND seq IS NULL AND row BETWEEN $2 AND $3",
    )
    .bind(import_id)
    .bind(i64::try_from(first).unwrap_or(i64::MAX))
    .bind(i64::try_from(last).unwrap_or(i64::MAX))
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(count).collect())
}

/// How many rows are listed as skipped: the import's skipped rows but those
/// of its committed batches, kept with their batch.
pub(super) async fn listed_skips(mut conn: Conn<'_>, import_id: &str) -> Result<u64, AppError> {
    let listed: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT CAST(i.skipped - COALESCE((SELECT SUM(b.skipped) FROM import_batches b WHERE b.import_id = i.id), 0) AS BIGINT) \
         FROM imports i WHERE i.id = $1",
    )
    .bind(import_id)
    .fetch_one(c)
    .await)?;
    Ok(count(listed))
}
