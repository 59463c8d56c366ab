//! The commit of an import's batches: each row checked again with core,
//! written through the template's destination in one transaction with the
//! batch's claim, a batch sent again answered from what was stored.

use super::in_flight::Turn;
use super::faults::{fault_behind, row_fault_reason, Fault, RowFault, LAST_FAULT};
use super::skips::{insert_skips, listed_skips, listed_skips_between, skips};
use super::{count, ended, lock, not_found, By, ImportHead, MAX_TOTAL_ROWS};
use crate::backend::db::{Conn, Db, Tx};
use crate::backend::destination::{self, Asker, Batch, Destination, Prepared};
use crate::backend::records::{self, key_text};
use crate::backend::references;
use crate::backend::{clean_text, now};
use crate::model::{BatchResult, ImportState, SkippedRow};
use crate::AppError;
use crate::{on_conn, on_pool};
use csv_import_core::messages;
use csv_import_core::recheck::Rechecker;
use csv_import_core::template::OnInvalid;
use csv_import_core::{Lang, Record, Template};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

/// What a batch will do, decided before the transaction: the rows to store
/// (row number, values as stored) and the rows refused.
#[derive(Clone)]
struct Checked {
    valid: Vec<(u64, Vec<Option<String>>)>,
    skipped: Vec<SkippedRow>,
}

/// Check every row again with core, and refuse rows that repeat a unique
/// value (or, with `watch_keys`, a key value) of an earlier row of the batch.
fn check_rows(
    template: &Template,
    rows: &[Record],
    now: &str,
    watch_keys: bool,
    lang: Lang,
) -> Result<Checked, AppError> {
    let checker = Rechecker::new(template, now).map_err(|e| AppError::internal("template", e))?.with_lang(lang);
    let watched: Vec<usize> = template
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.unique || (watch_keys && template.key.contains(&f.key)))
        .map(|(i, _)| i)
        .collect();
    let mut seen: Vec<HashMap<String, u64>> = vec![HashMap::new(); template.fields.len()];
    let mut checked = Checked { valid: Vec::with_capacity(rows.len()), skipped: Vec::new() };
    for record in rows {
        let values = match checker.check(record) {
            Ok(values) => values,
            Err(reasons) => {
                checked.skipped.push(SkippedRow { row: record.row, reasons });
                continue;
            }
        };
        let stored: Vec<Option<String>> = values.iter().map(records::stored).collect();
        let mut reasons = crate::backend::db::unstorable_reasons(template, &stored, lang);
        for &i in &watched {
            let Some(value) = &stored[i] else { continue };
            if let Some(first) = seen[i].get(&key_text(value)) {
                let header = template.fields[i].header();
                let message = messages::duplicate_in_file(lang, header, *first, &clean_text(value, 40));
                reasons.push(messages::reason(lang, header, &message));
            }
        }
        if !reasons.is_empty() {
            checked.skipped.push(SkippedRow { row: record.row, reasons });
            continue;
        }
        for &i in &watched {
            if let Some(value) = &stored[i] {
                seen[i].insert(key_text(value), record.row);
            }
        }
        checked.valid.push((record.row, stored));
    }
    Ok(checked)
}

/// Skip the rows whose referenced values (users, ...) do not exist in the
/// workspace, with core's reason; the browser flagged them already, but a
/// request can say anything and users come and go.
async fn check_references(
    mut conn: Conn<'_>,
    template: &Template,
    asker: Asker,
    checked: &mut Checked,
    lang: Lang,
) -> Result<(), AppError> {
    for (i, field) in template.fields.iter().enumerate() {
        let Some(reference) = &field.reference else {
            continue;
        };
        // A repeatable field's values are lists: its entity's committer
        // checks them item by item (client accounts' tags).
        if field.repeatable {
            continue;
        }
        let values: Vec<String> = checked.valid.iter().filter_map(|(_, v)| v[i].clone()).collect();
        if values.is_empty() {
            continue;
        }
        let values = references::distinct(&values).unwrap_or(values);
        let missing: HashSet<String> =
            references::unknown(conn.reborrow(), asker, template, reference, &values).await?.iter().map(|v| key_text(v)).collect();
        if missing.is_empty() {
            continue;
        }
        let (keep, drop): (Vec<_>, Vec<_>) = std::mem::take(&mut checked.valid)
            .into_iter()
            .partition(|(_, v)| v[i].as_deref().is_none_or(|v| !missing.contains(&key_text(v))));
        checked.valid = keep;
        for (row, values) in drop {
            let value = values[i].clone().unwrap_or_default();
            let error = csv_import_core::validate::reference_error_in(field, &value, lang);
            checked
                .skipped
                .push(SkippedRow { row, reasons: vec![messages::reason(lang, field.header(), &error.message)] });
        }
    }
    checked.skipped.sort_by_key(|s| s.row);
    Ok(())
}

/// Refuse a batch that goes beyond what its import announced: a sequence
/// number or a row number out of range, a row sent twice in the batch, or
/// more rows in all the import's batches (each counted once, staged or
/// committed; this one as sent, whether or not it was stored before) than
/// the file's rows or the template's limit. Runs in the transaction that
/// holds the import's [`lock`], and before a delivery that leaves it.
pub(crate) async fn check_announced(
    mut conn: Conn<'_>,
    head: &ImportHead,
    template: &Template,
    seq: u32,
    rows: &[Record],
) -> Result<(), AppError> {
    let total = head.total_rows;
    let limit = template.max_rows.unwrap_or(MAX_TOTAL_ROWS).min(MAX_TOTAL_ROWS).min(total);
    // Each batch carries at least one row, so there are no more than rows.
    if u64::from(seq) >= total.max(1) {
        return Err(AppError::BadRequest(format!(
            "Batch {seq} is out of range: this import announced {total} rows, so its batches are numbered from 0 to {}.",
            total.max(1) - 1
        )));
    }
    let mut seen = HashSet::with_capacity(rows.len());
    for record in rows {
        if record.row == 0 || record.row > total {
            return Err(AppError::BadRequest(format!(
                "Row {} is not a row of the file: this import announced rows 1 to {total}.",
                record.row
            )));
        }
        if !seen.insert(record.row) {
            return Err(AppError::BadRequest(format!(
                "Row {} is sent twice in batch {seq}; send each row once.",
                record.row
            )));
        }
    }
    let sent = rows_in_batches(conn.reborrow(), &head.id, Some(seq)).await? + rows.len() as u64;
    if sent > limit {
        let why = if limit < total {
            format!("{} takes at most {limit} rows per import", template.name)
        } else {
            format!("this import announced {total} rows")
        };
        return Err(AppError::BadRequest(format!(
            "Batch {seq} is refused: {why}, and with it the batches would carry {sent}. \
             Start a new import for the rows beyond."
        )));
    }
    // Each row of the file is sent once: in a batch, or listed as skipped.
    let (Some(first), Some(last)) = (seen.iter().min(), seen.iter().max()) else { return Ok(()) };
    if let Some(row) = listed_skips_between(conn.reborrow(), &head.id, *first, *last).await?.into_iter().find(|r| seen.contains(r)) {
        return Err(AppError::BadRequest(format!(
            "Row {row} was listed as skipped for this import; send it in a batch or as skipped, not both."
        )));
    }
    let listed = listed_skips(conn, &head.id).await?;
    if sent + listed > total {
        return Err(AppError::BadRequest(format!(
            "Batch {seq} is refused: with the {listed} rows listed as skipped, the batches would carry {sent} rows, \
             more than the {total} this import announced. Send each row of the file once, in a batch or as skipped."
        )));
    }
    Ok(())
}

/// The rows of the import's batches, staged or committed, each batch once
/// (but `except`).
pub(super) async fn rows_in_batches(mut conn: Conn<'_>, import_id: &str, except: Option<u32>) -> Result<u64, AppError> {
    // No seq is negative: -1 leaves none out.
    let except = except.map_or(-1, i64::from);
    let sent: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM ( \
           SELECT row_count AS n FROM import_staged WHERE import_id = $1 AND seq <> $2 \
           UNION ALL \
           SELECT b.row_count AS n FROM import_batches b WHERE b.import_id = $1 AND b.seq <> $2 \
             AND NOT EXISTS (SELECT 1 FROM import_staged s WHERE s.import_id = b.import_id AND s.seq = b.seq) \
         ) t",
    )
    .bind(import_id)
    .bind(except)
    .fetch_one(c)
    .await)?;
    Ok(count(sent))
}

/// Commit one batch of `head`'s import (whose template is `template`) into
/// the template's destination. The caller has checked the session, its
/// workspace and its permission.
///
/// A row the database refuses (a unique index the check cannot see, a
/// constraint, a value it cannot store) does not stop the batch: the batch
/// is committed again row by row, each row in a savepoint, and the refused
/// rows are skipped with a reason. Only a fault that is not about rows
/// ([`Fault::Infrastructure`]) fails the batch.
pub async fn commit(
    db: &Db,
    head: &ImportHead,
    template: &Template,
    seq: u32,
    rows: &[Record],
) -> Result<BatchResult, AppError> {
    commit_batches(db, head, template, &[(seq, rows)], By::Sender)
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("commit", "no result for the batch"))
}

/// Commit several batches of `head`'s import, in the order given, as
/// [`commit`] does each, answering each batch's result. They go in one
/// transaction when the database takes them all: on SQLite most of a
/// commit's cost is writing the index pages it touched, and batches
/// committed together write each page once. When that transaction cannot
/// take them (a row refused, a batch committed before, the import ended, a
/// fault), nothing of it stays and each batch is committed alone, with
/// exactly [`commit`]'s answers.
pub async fn commit_batches(
    db: &Db,
    head: &ImportHead,
    template: &Template,
    batches: &[(u32, &[Record])],
    by: By,
) -> Result<Vec<BatchResult>, AppError> {
    if head.state != ImportState::Running {
        let mut results = Vec::with_capacity(batches.len());
        for (seq, _) in batches {
            results.push(stored_batch(db, &head.id, *seq).await?.ok_or_else(|| ended(head.state))?);
        }
        return Ok(results);
    }
    let destination = destination::for_template(template)
        .ok_or_else(|| AppError::BadRequest(crate::backend::access::unsupported(template).unwrap_or_default()))?;
    let template = destination.template_for(db, head.workspace_id, template.clone()).await?;
    let now = now();
    let mut checks = Vec::with_capacity(batches.len());
    let mut parts = Vec::with_capacity(batches.len());
    for (seq, rows) in batches {
        checks.push(check_rows(&template, rows, &now, destination.matches_by_key(), head.lang)?);
        parts.push(Batch {
            workspace_id: head.workspace_id,
            user_id: head.user_id,
            import_id: &head.id,
            seq: *seq,
            template: &template,
            records: rows,
            now: &now,
            lang: head.lang,
            found_existing: head.matched > 0,
        });
    }
    // A batch whose work fails stops there; the batches before it, whose
    // work is done (delivered to another system, say), are committed first,
    // as they would be one by one.
    let mut prepared = Vec::with_capacity(batches.len());
    let mut turns = Vec::new();
    let mut stopped = None;
    for (batch, checked) in parts.iter().zip(&checks) {
        match prepare(db, head, destination.as_ref(), batch, checked, &mut turns).await {
            Ok(work) => prepared.push(work),
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
    }
    checks.truncate(prepared.len());
    let works: Vec<BatchWork> = parts
        .iter()
        .zip(&prepared)
        .map(|(batch, prepared)| BatchWork { db, head, destination: destination.as_ref(), batch, prepared, by })
        .collect();
    let together = match works.len() {
        0 | 1 => None,
        _ => match LAST_FAULT.scope(Cell::new(None), attempt_together(db, head, &works, checks.clone())).await {
            Ok(results) => Some(results),
            Err(e) => {
                tracing::debug!("import {}: batches committed one by one: {e}", head.id);
                None
            }
        },
    };
    let results = match together {
        Some(results) => results,
        None => {
            let mut results = Vec::with_capacity(works.len());
            for (work, checked) in works.iter().zip(checks) {
                results.push(work.commit(checked).await?);
            }
            results
        }
    };
    match stopped {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

/// Work outside the write transaction (slow work, or delivery to another
/// system); not for a batch applied before (a future does nothing until
/// awaited), nor for one that the transaction would refuse as a whole.
/// Copies of the batch sent at once take turns (`turns` keeps this one's
/// until the commit ends), so that a copy finds the batch stored.
async fn prepare(
    db: &Db,
    head: &ImportHead,
    destination: &dyn Destination,
    batch: &Batch<'_>,
    checked: &Checked,
    turns: &mut Vec<Turn>,
) -> Result<Prepared, AppError> {
    let rejected = batch.template.on_invalid == OnInvalid::Reject && !checked.skipped.is_empty();
    let Some(work) = destination.prepare(db, batch, &checked.valid).filter(|_| !rejected) else {
        return Ok(Prepared::default());
    };
    turns.push(Turn::take(&head.id, batch.seq).await);
    if stored_batch(db, &head.id, batch.seq).await?.is_some() {
        return Ok(Prepared::default());
    }
    // The transaction checks the batch against what the import announced
    // again; this keeps rows beyond it from leaving.
    let mut conn = db.acquire().await?;
    check_announced(conn.conn(), head, batch.template, batch.seq, batch.records).await?;
    drop(conn);
    work.await
}

/// Every batch of `works` in one transaction, or an error and nothing
/// stored: a batch claimed before, a row refused, the import ended or a
/// fault.
async fn attempt_together(
    db: &Db,
    head: &ImportHead,
    works: &[BatchWork<'_>],
    checks: Vec<Checked>,
) -> Result<Vec<BatchResult>, AppError> {
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    if lock(tx.conn(), &head.id).await? != Some(ImportState::Running) {
        return Err(AppError::Conflict("the import is not running".into()));
    }
    let mut results = Vec::with_capacity(works.len());
    for (work, mut checked) in works.iter().zip(checks) {
        if !work.claim(tx.conn(), &mut checked).await? {
            return Err(AppError::Conflict(format!("batch {} was committed before", work.batch.seq)));
        }
        let result = work.apply(tx.conn(), checked.valid, checked.skipped).await?;
        record_batch(tx.conn(), head, work.batch.seq, &result).await?;
        results.push(result);
    }
    tx.commit().await?;
    Ok(results)
}

/// One batch being committed.
struct BatchWork<'a> {
    db: &'a Db,
    head: &'a ImportHead,
    destination: &'a dyn Destination,
    batch: &'a Batch<'a>,
    prepared: &'a Prepared,
    by: By,
}

/// How a try at a batch ended, short of a fault that stops it.
enum Attempt {
    /// Committed (or committed before).
    Done(BatchResult),
    /// The database refused a row: nothing was stored; try row by row.
    RowRefused,
}

impl BatchWork<'_> {
    /// Commit the batch: all its rows together, or, when the database
    /// refuses one, row by row.
    async fn commit(&self, checked: Checked) -> Result<BatchResult, AppError> {
        match LAST_FAULT.scope(Cell::new(None), self.attempt(checked.clone(), false)).await? {
            Attempt::Done(result) => Ok(result),
            Attempt::RowRefused => match LAST_FAULT.scope(Cell::new(None), self.attempt(checked, true)).await? {
                Attempt::Done(result) => Ok(result),
                Attempt::RowRefused => Err(AppError::internal("commit", "a row refused in the row-by-row commit")),
            },
        }
    }

    /// In a transaction that holds the import's lock: claim the batch
    /// (false when it was committed before), check it against what the
    /// import announced, and skip the rows whose references do not exist.
    async fn claim(&self, mut tx: Conn<'_>, checked: &mut Checked) -> Result<bool, AppError> {
        let head = self.head;
        let claimed = on_conn!(tx, c => sqlx::query(
            "INSERT INTO import_batches (import_id, seq, row_count, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (import_id, seq) DO NOTHING",
        )
        .bind(&head.id)
        .bind(i64::from(self.batch.seq))
        .bind(self.batch.records.len() as i64)
        .bind(self.batch.now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
        if claimed == 0 {
            return Ok(false);
        }
        // A background import's batches are staged, and committed by its
        // job only: a batch its sender committed could take the seq of one
        // staged and acknowledged, which would then never be committed.
        if self.by == By::Sender && crate::backend::jobs::has_job(tx.reborrow(), &head.id).await? {
            return Err(AppError::Conflict(
                "This import is sent in the background: stage its batches (stage_batch), its job commits them.".into(),
            ));
        }
        check_announced(tx.reborrow(), head, self.batch.template, self.batch.seq, self.batch.records).await?;
        let asker = Asker { workspace_id: head.workspace_id, user_id: head.user_id };
        check_references(tx, self.batch.template, asker, checked, head.lang).await?;
        Ok(true)
    }

    /// One transaction: lock the import, claim the batch, check it against
    /// what the import announced, then commit the rows, all together or
    /// (`row_by_row`) each in a savepoint, skipping those the database refuses.
    async fn attempt(&self, mut checked: Checked, row_by_row: bool) -> Result<Attempt, AppError> {
        let (head, seq) = (self.head, self.batch.seq);
        let _turn = self.db.write_turn().await;
        let mut tx = self.db.begin().await?;
        match lock(tx.conn(), &head.id).await? {
            Some(ImportState::Running) => {}
            Some(state) => {
                tx.rollback().await?;
                return match stored_batch(self.db, &head.id, seq).await? {
                    Some(done) => Ok(Attempt::Done(done)),
                    None => Err(ended(state)),
                };
            }
            None => return Err(not_found()),
        }
        if !self.claim(tx.conn(), &mut checked).await? {
            tx.rollback().await?;
            return stored_batch(self.db, &head.id, seq)
                .await?
                .map(Attempt::Done)
                .ok_or_else(|| AppError::internal("commit_batch", "a claimed batch is not stored"));
        }

        if !row_by_row {
            return match self.apply(tx.conn(), checked.valid, checked.skipped).await {
                Ok(result) => finish_batch(tx, head, seq, result).await.map(Attempt::Done),
                Err(error) => match fault_behind(&error) {
                    Fault::Row(_) => {
                        tx.rollback().await?;
                        Ok(Attempt::RowRefused)
                    }
                    Fault::Infrastructure => Err(error),
                },
            };
        }

        // Each row alone; a template that rejects the whole file for one bad
        // row only learns here which rows the database refuses, and then
        // commits (or rejects) the batch as a whole.
        let reject = self.batch.template.on_invalid == OnInvalid::Reject;
        let mut result = BatchResult::default();
        let mut skipped = checked.skipped;
        let mut kept = Vec::new();
        for (row, values) in checked.valid {
            let mut tried_again = false;
            loop {
                tx.conn().run("SAVEPOINT batch_row").await?;
                let _ = LAST_FAULT.try_with(|last| last.set(None));
                match self.apply(tx.conn(), vec![(row, values.clone())], Vec::new()).await {
                    Ok(one) => {
                        if reject {
                            tx.conn().run("ROLLBACK TO SAVEPOINT batch_row").await?;
                            kept.push((row, values));
                        } else {
                            tx.conn().run("RELEASE SAVEPOINT batch_row").await?;
                            result.inserted += one.inserted;
                            result.updated += one.updated;
                            result.unchanged += one.unchanged;
                            skipped.extend(one.skipped);
                        }
                        break;
                    }
                    Err(error) => match fault_behind(&error) {
                        Fault::Row(fault) => {
                            tx.conn().run("ROLLBACK TO SAVEPOINT batch_row").await?;
                            // A record another import added at the same moment
                            // is found when the row is tried again.
                            if fault == RowFault::Duplicate && !tried_again {
                                tried_again = true;
                                continue;
                            }
                            tracing::info!("import {}: row {row} refused by the database", head.id);
                            let reason = row_fault_reason(head.lang, self.batch.template, fault);
                            skipped.push(SkippedRow { row, reasons: vec![reason] });
                            break;
                        }
                        Fault::Infrastructure => return Err(error),
                    },
                }
            }
        }
        if reject {
            result = self.apply(tx.conn(), kept, skipped).await?;
        } else {
            skipped.sort_by_key(|s| s.row);
            result.skipped = skipped;
        }
        finish_batch(tx, head, seq, result).await.map(Attempt::Done)
    }

    /// Commit `valid` rows into the destination; the result lists `skipped`
    /// and the rows the destination refused, by row.
    async fn apply(
        &self,
        conn: Conn<'_>,
        valid: Vec<(u64, Vec<Option<String>>)>,
        skipped: Vec<SkippedRow>,
    ) -> Result<BatchResult, AppError> {
        self.destination.write(conn, self.batch, valid, skipped, self.prepared).await
    }
}

/// Store the batch's skipped rows and counts, add them to the import's, and
/// commit the transaction.
async fn finish_batch(
    mut tx: Tx,
    head: &ImportHead,
    seq: u32,
    result: BatchResult,
) -> Result<BatchResult, AppError> {
    record_batch(tx.conn(), head, seq, &result).await?;
    tx.commit().await?;
    Ok(result)
}

/// Store the batch's skipped rows and counts and add them to the import's,
/// in the batch's transaction; a conflict when the import has ended (the
/// transaction must then be rolled back).
async fn record_batch(
    mut conn: Conn<'_>,
    head: &ImportHead,
    seq: u32,
    result: &BatchResult,
) -> Result<(), AppError> {
    insert_skips(conn.reborrow(), &head.id, Some(seq), &result.skipped).await?;
    let skipped = result.skipped.len() as i64;

    on_conn!(conn, c => sqlx::query(
        "UPDATE import_batches SET inserted = $1, updated = $2, unchanged = $3, skipped = $4 WHERE import_id = $5 AND seq = $6",
    )
    .bind(result.inserted as i64)
    .bind(result.updated as i64)
    .bind(result.unchanged as i64)
    .bind(skipped)
    .bind(&head.id)
    .bind(i64::from(seq))
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    let running = on_conn!(conn, c => sqlx::query(
        "UPDATE imports SET inserted = inserted + $1, updated = updated + $2, unchanged = unchanged + $3, \
         skipped = skipped + $4 WHERE id = $5 AND state = 'running'",
    )
    .bind(result.inserted as i64)
    .bind(result.updated as i64)
    .bind(result.unchanged as i64)
    .bind(skipped)
    .bind(&head.id)
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    if running == 0 {
        return Err(AppError::Conflict(
            "This import ended while the batch was sent; nothing of the batch was stored.".into(),
        ));
    }
    Ok(())
}

/// The counts a batch had when it was committed, if it was.
async fn stored_batch(db: &Db, import_id: &str, seq: u32) -> Result<Option<BatchResult>, AppError> {
    let row: Option<(i64, i64, i64)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT inserted, updated, unchanged FROM import_batches WHERE import_id = $1 AND seq = $2",
    )
    .bind(import_id)
    .bind(i64::from(seq))
    .fetch_optional(p)
    .await)?;
    let Some((inserted, updated, unchanged)) = row else { return Ok(None) };
    let skipped = skips(db, import_id, Some(seq)).await?;
    Ok(Some(BatchResult {
        inserted: count(inserted),
        updated: count(updated),
        unchanged: count(unchanged),
        skipped,
        already_applied: true,
    }))
}

/// Whether any batch of the import was committed (or claimed) yet.
pub(crate) async fn has_committed_batches(mut conn: Conn<'_>, import_id: &str) -> Result<bool, AppError> {
    let found: Option<i64> = on_conn!(conn, c => sqlx::query_scalar("SELECT seq FROM import_batches WHERE import_id = $1 LIMIT 1")
        .bind(import_id)
        .fetch_optional(c)
        .await)?;
    Ok(found.is_some())
}
