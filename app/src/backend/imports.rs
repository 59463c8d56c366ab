//! Imports: their bookkeeping (`imports`, `import_batches`, `import_skips`)
//! and the commit of one batch of rows.
//!
//! A batch is committed in one transaction that first claims its
//! `(import_id, seq)` row in `import_batches`; a batch sent again finds the
//! claim and gets the stored counts back (`already_applied`), so a retry
//! never applies rows twice. Records are inserted, or updated by the
//! template's key; nothing is ever deleted.

use super::destination::{self, Batch, Destination, Prepared};
use super::db::{Backend, Conn, Db, Tx};
use super::records::{self, key_text};
use super::references;
use super::{clean_text, now, random_hex};
use crate::model::{
    BatchResult, FailureCause, ImportFailure, ImportStarted, ImportState, ImportSummary, Role, SessionInfo, SkippedRow,
    StartImport,
};
use crate::AppError;
use csv_import_core::messages;
use csv_import_core::recheck::Rechecker;
use csv_import_core::template::OnInvalid;
use csv_import_core::Lang;
use csv_import_core::{Record, Template};
use crate::{on_conn, on_pool};
use sqlx::Row;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

/// The most rows one batch may carry, unless its destination asks for
/// fewer ([`Destination::max_batch_rows`]). Each batch is one transaction:
/// on SQLite most of a batch's cost is writing the index pages it touched
/// at its commit, so 5,000 rows per batch commit about twice as fast as 500
/// (BENCHMARKS.md); a retry redoes at most that many.
pub const MAX_BATCH_ROWS: u32 = 5_000;

/// The most bytes of JSON a batch's rows may take: half the server's body
/// limit, so that a batch of long values is cut short of it. The browser
/// counts an upper bound of the JSON before it sends.
pub const MAX_BATCH_BYTES: u32 = (crate::model::REQUEST_BODY_LIMIT / 2) as u32;

/// The most rows a batch of `destination`'s imports carries.
pub fn batch_rows(destination: &dyn Destination) -> u32 {
    destination.max_batch_rows().clamp(1, MAX_BATCH_ROWS)
}

/// Refuse a batch with more rows than its destination takes.
pub fn check_batch_size(destination: &dyn Destination, rows: &[Record]) -> Result<(), AppError> {
    let most = batch_rows(destination);
    if rows.len() > most as usize {
        return Err(AppError::BadRequest(format!(
            "A batch may carry at most {most} rows; this one has {}. Send smaller batches.",
            rows.len()
        )));
    }
    Ok(())
}

/// The most data rows an import may announce.
pub const MAX_TOTAL_ROWS: u64 = 10_000_000;

/// Reasons kept per skipped row, and characters per reason.
const MAX_REASONS: usize = 20;
const MAX_REASON_CHARS: usize = 1_000;

/// Skipped rows returned with one import (the count is always complete).
const MAX_LISTED_SKIPS: i64 = 10_000;

/// Imports returned by [`list`].
const MAX_LISTED_IMPORTS: i64 = 200;

/// An import as far as access checks need it.
#[derive(Clone, Debug)]
pub struct ImportHead {
    /// Its id.
    pub id: String,
    /// The workspace it belongs to.
    pub workspace_id: i64,
    /// Who started it.
    pub user_id: i64,
    /// The template's name.
    pub template: String,
    /// running, done or cancelled.
    pub state: ImportState,
    /// The language of the reasons for rows refused at commit (the modal's).
    pub lang: Lang,
    /// The data rows the import announced: its batches carry no more.
    pub total_rows: u64,
    /// Rows of its committed batches that matched an existing record
    /// (updated or unchanged), as it was loaded.
    pub matched: u64,
}

/// Whether `id` has the form of an import id (32 lowercase hex digits).
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn not_found() -> AppError {
    AppError::NotFound("There is no such import in this workspace.".to_string())
}

fn state_of(text: &str) -> Result<ImportState, AppError> {
    match text {
        "running" => Ok(ImportState::Running),
        "done" => Ok(ImportState::Done),
        "cancelled" => Ok(ImportState::Cancelled),
        other => Err(AppError::internal("import state", format!("unknown state {other:?}"))),
    }
}

fn state_text(state: ImportState) -> &'static str {
    match state {
        ImportState::Running => "running",
        ImportState::Done => "done",
        ImportState::Cancelled => "cancelled",
    }
}

/// The import `id` of the session's workspace; 404 for any other (an id of
/// another workspace is not told apart from an unknown one).
pub async fn find(db: &Db, session: &SessionInfo, id: &str) -> Result<ImportHead, AppError> {
    let id = id.trim();
    if !valid_id(id) {
        return Err(not_found());
    }
    load(db, id, Some(session.workspace.id)).await?.ok_or_else(not_found)
}

/// The import `id` (of `workspace_id` when given), if there is one.
pub(crate) async fn load(db: &Db, id: &str, workspace_id: Option<i64>) -> Result<Option<ImportHead>, AppError> {
    let row: Option<(i64, i64, String, String, String, i64, i64)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT workspace_id, user_id, template, state, lang, total_rows, updated + unchanged FROM imports \
         WHERE id = $1 AND ($2 IS NULL OR workspace_id = $2)",
    )
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(p)
    .await)?;
    let Some((workspace_id, user_id, template, state, lang, total_rows, matched)) = row else { return Ok(None) };
    Ok(Some(ImportHead {
        id: id.to_string(),
        workspace_id,
        user_id,
        template,
        state: state_of(&state)?,
        lang: Lang::from_tag(&lang),
        total_rows: count(total_rows),
        matched: count(matched),
    }))
}

/// An import the session may send rows to, with the template and the
/// destination its rows go through.
pub struct Sending {
    /// The import.
    pub head: ImportHead,
    /// Its template, as the session's workspace has it now.
    pub template: Template,
    /// Where its rows go.
    pub destination: std::sync::Arc<dyn Destination>,
}

/// The import `id` as the requests that add to it (batches, skipped rows,
/// the queueing) check it: in the session's workspace (404), the template
/// still importable by the session's role, which may have changed since the
/// import started (403), started by this user or an admin (404).
pub async fn sending(db: &Db, session: &SessionInfo, id: &str) -> Result<Sending, AppError> {
    let head = find(db, session, id).await?;
    let (template, destination) = super::access::importable(session, &head.template)?;
    may_send(session, &head)?;
    Ok(Sending { head, template, destination })
}

/// 404 unless the session's user started the import or is an admin of its
/// workspace: a member sends rows to, queues and ends only their own imports
/// (another member's import is not told apart from an unknown one).
pub fn may_send(session: &SessionInfo, head: &ImportHead) -> Result<(), AppError> {
    if head.user_id == session.user_id || session.role == Role::Admin {
        return Ok(());
    }
    Err(not_found())
}

/// The import `id` as the requests that read it (its summary, its end,
/// its error report) check it: in the session's workspace, and seen by the
/// session's role (else 404, as if unknown).
pub async fn visible(db: &Db, session: &SessionInfo, id: &str) -> Result<ImportHead, AppError> {
    let head = find(db, session, id).await?;
    may_see(session, &head)?;
    Ok(head)
}

/// 404 unless the session's role sees the whole workspace or its user
/// started the import: other roles see their own imports only.
fn may_see(session: &SessionInfo, head: &ImportHead) -> Result<(), AppError> {
    if session.role.sees_workspace() || head.user_id == session.user_id {
        return Ok(());
    }
    Err(not_found())
}

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

/// Start an import of `template` for the session: checks the announced rows
/// and stores the rows the browser skipped.
pub async fn start(
    db: &Db,
    session: &SessionInfo,
    template: &Template,
    input: &StartImport,
) -> Result<ImportStarted, AppError> {
    let file_name = clean_text(&input.file_name, 255);
    let file_name = if file_name.is_empty() { "(unnamed file)".to_string() } else { file_name };
    let limit = template.max_rows.unwrap_or(MAX_TOTAL_ROWS).min(MAX_TOTAL_ROWS);
    if input.total_rows > limit {
        return Err(AppError::BadRequest(format!(
            "The file has {} rows; the most this import takes is {limit}. Split the file.",
            input.total_rows
        )));
    }
    if input.skipped.len() as u64 > input.total_rows {
        return Err(AppError::BadRequest(format!(
            "{} rows are listed as skipped, but the file has only {} rows.",
            input.skipped.len(),
            input.total_rows
        )));
    }
    check_skips(template, input.total_rows, &input.skipped)?;

    let id = random_hex(16)?;
    let created = now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    on_conn!(tx.conn(), c => sqlx::query(
        "INSERT INTO imports (id, workspace_id, user_id, template, file_name, state, total_rows, skipped, note, created_at, lang) \
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(session.workspace.id)
    .bind(session.user_id)
    .bind(&template.name)
    .bind(&file_name)
    .bind(i64::try_from(input.total_rows).unwrap_or(i64::MAX))
    .bind(input.skipped.len() as i64)
    .bind(&template.success_note)
    .bind(&created)
    .bind(input.lang.tag())
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    insert_skips(tx.conn(), &id, None, &input.skipped).await?;
    tx.commit().await?;
    let max_batch_rows = destination::for_template(template).map_or(MAX_BATCH_ROWS, |d| batch_rows(d.as_ref()));
    Ok(ImportStarted { import_id: id, max_batch_rows, max_batch_bytes: MAX_BATCH_BYTES })
}

/// Refuse skipped rows that are not rows of the file (1 to `total_rows`),
/// a row listed twice, or any for a template that imports nothing until
/// every row is valid.
fn check_skips(template: &Template, total_rows: u64, skipped: &[SkippedRow]) -> Result<(), AppError> {
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
    let stored: Vec<i64> = on_conn!(tx.conn(), c => sqlx::query_scalar(
        "SELECT row FROM import_skips WHERE import_id = $1 AND seq IS NULL AND row BETWEEN $2 AND $3",
    )
    .bind(&head.id)
    .bind(i64::try_from(first).unwrap_or(i64::MAX))
    .bind(i64::try_from(last).unwrap_or(i64::MAX))
    .fetch_all(c)
    .await)?;
    let stored: HashSet<u64> = stored.into_iter().map(count).collect();
    let new: Vec<SkippedRow> = skipped.iter().filter(|s| !stored.contains(&s.row)).cloned().collect();
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

async fn insert_skips(
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
        let mut reasons = super::db::unstorable_reasons(template, &stored, lang);
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
    workspace_id: i64,
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
            references::unknown(conn.reborrow(), workspace_id, template, reference, &values).await?.iter().map(|v| key_text(v)).collect();
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

/// What made a batch's commit fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The values of a row: the database refused it. The row is skipped with
    /// a reason and the other rows of the batch are committed.
    Row(RowFault),
    /// Not about rows: the database could not be reached, a server fault.
    /// The batch stores nothing; a background job stops (and is tried again).
    Infrastructure,
}

/// Why the database refused a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFault {
    /// A value that must be unique is taken (a unique index the browser's
    /// check cannot see, or a record another import added at that moment).
    Duplicate,
    /// A value breaks another rule of the database (a constraint, a value
    /// the column cannot hold).
    Refused,
}

tokio::task_local! {
    /// The fault of the last database error turned into an [`AppError`]
    /// while a batch is committed: the error itself says nothing to the
    /// caller (a 500), but the commit must know whether a row caused it.
    static LAST_FAULT: Cell<Option<Fault>>;
}

/// Note what caused a database error, for the batch being committed (if
/// any) on this task. Called wherever a `sqlx::Error` becomes an
/// [`AppError`].
pub fn note_database_error(error: &sqlx::Error) {
    let _ = LAST_FAULT.try_with(|last| last.set(Some(fault_of(error))));
}

/// Whether a database error was caused by the values written (a constraint
/// or a value the database cannot store) or by anything else.
pub fn fault_of(error: &sqlx::Error) -> Fault {
    use sqlx::error::ErrorKind;
    let sqlx::Error::Database(db_error) = error else {
        return Fault::Infrastructure;
    };
    match db_error.kind() {
        ErrorKind::UniqueViolation => return Fault::Row(RowFault::Duplicate),
        ErrorKind::ForeignKeyViolation | ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
            return Fault::Row(RowFault::Refused);
        }
        _ => {}
    }
    if let Some(pg) = db_error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        // SQLSTATE classes 22 (data exception: a value the column cannot
        // hold) and 23 (integrity constraint violation).
        if pg.code().starts_with("22") || pg.code().starts_with("23") {
            return Fault::Row(RowFault::Refused);
        }
    }
    if db_error.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // Primary result codes TOOBIG (18), CONSTRAINT (19, triggers'
        // RAISE(ABORT) too) and MISMATCH (20).
        let primary = db_error.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff);
        if matches!(primary, Some(18..=20)) {
            return Fault::Row(RowFault::Refused);
        }
    }
    Fault::Infrastructure
}

/// The fault behind `error`, returned by a store's commit. A conflict there
/// is the records' unique key taken (see `records::write_many`).
fn fault_behind(error: &AppError) -> Fault {
    match error {
        AppError::Conflict(_) => Fault::Row(RowFault::Duplicate),
        _ => LAST_FAULT.try_with(Cell::get).ok().flatten().unwrap_or(Fault::Infrastructure),
    }
}

/// The reason given for a row the database refused.
fn row_fault_reason(lang: Lang, template: &Template, fault: RowFault) -> String {
    let keys: Vec<&str> =
        template.fields.iter().filter(|f| f.unique || template.key.contains(&f.key)).map(|f| f.header()).collect();
    let keys = if keys.is_empty() { "Email".to_string() } else { keys.join(", ") };
    match (fault, lang) {
        (RowFault::Duplicate, Lang::Fr) => format!(
            "La base de données a refusé cette ligne : une valeur qui doit être unique (comme {keys}) appartient déjà \
             à un autre enregistrement. Changez-la ou retirez la ligne, puis importez-la de nouveau."
        ),
        (RowFault::Duplicate, _) => format!(
            "The database refused this row: a value that must be unique (such as {keys}) already belongs to another \
             record. Change it or remove the row, then import it again."
        ),
        (RowFault::Refused, Lang::Fr) => "La base de données a refusé cette ligne : une de ses valeurs enfreint une \
             règle des enregistrements (trop longue, ou non permise). Rien de cette ligne n’a été enregistré ; \
             corrigez-la puis importez-la de nouveau."
            .to_string(),
        (RowFault::Refused, _) => "The database refused this row: one of its values breaks a rule of the stored \
             records (too long, or not allowed). Nothing of this row was stored; correct it and import it again."
            .to_string(),
    }
}

/// Lock the import's row for the rest of the transaction, so that its
/// batches, its staging and its queueing happen one after the other; its
/// state as the lock sees it (`None`: no such import). On SQLite the lock is
/// a write (SQLite has one writer): taking it first also keeps the
/// transaction's later reads current.
pub(crate) async fn lock(mut conn: Conn<'_>, import_id: &str) -> Result<Option<ImportState>, AppError> {
    let sql = match conn.backend() {
        Backend::Postgres => "SELECT state FROM imports WHERE id = $1 FOR UPDATE",
        Backend::Sqlite => "UPDATE imports SET state = state WHERE id = $1 RETURNING state",
    };
    let state: Option<String> = on_conn!(conn, c => sqlx::query_scalar(sql).bind(import_id).fetch_optional(c).await)?;
    state.as_deref().map(state_of).transpose()
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
    let sent: i64 = on_conn!(conn, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM ( \
           SELECT row_count AS n FROM import_staged WHERE import_id = $1 AND seq <> $2 \
           UNION ALL \
           SELECT b.row_count AS n FROM import_batches b WHERE b.import_id = $1 AND b.seq <> $2 \
             AND NOT EXISTS (SELECT 1 FROM import_staged s WHERE s.import_id = b.import_id AND s.seq = b.seq) \
         ) t",
    )
    .bind(&head.id)
    .bind(i64::from(seq))
    .fetch_one(c)
    .await)?;
    let sent = count(sent) + rows.len() as u64;
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
    Ok(())
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
    commit_batches(db, head, template, &[(seq, rows)])
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
) -> Result<Vec<BatchResult>, AppError> {
    if head.state != ImportState::Running {
        let mut results = Vec::with_capacity(batches.len());
        for (seq, _) in batches {
            results.push(stored_batch(db, &head.id, *seq).await?.ok_or_else(|| ended(head.state))?);
        }
        return Ok(results);
    }
    let destination = destination::for_template(template)
        .ok_or_else(|| AppError::BadRequest(super::access::unsupported(template).unwrap_or_default()))?;
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
    let mut stopped = None;
    for (batch, checked) in parts.iter().zip(&checks) {
        match prepare(db, head, destination.as_ref(), batch, checked).await {
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
        .map(|(batch, prepared)| BatchWork { db, head, destination: destination.as_ref(), batch, prepared })
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
async fn prepare(
    db: &Db,
    head: &ImportHead,
    destination: &dyn Destination,
    batch: &Batch<'_>,
    checked: &Checked,
) -> Result<Prepared, AppError> {
    let rejected = batch.template.on_invalid == OnInvalid::Reject && !checked.skipped.is_empty();
    let Some(work) = destination.prepare(db, batch, &checked.valid).filter(|_| !rejected) else {
        return Ok(Prepared::default());
    };
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

fn ended(state: ImportState) -> AppError {
    AppError::Conflict(format!("This import is {}; start a new import to send more rows.", state_text(state)))
}

/// One batch being committed.
struct BatchWork<'a> {
    db: &'a Db,
    head: &'a ImportHead,
    destination: &'a dyn Destination,
    batch: &'a Batch<'a>,
    prepared: &'a Prepared,
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
        check_announced(tx.reborrow(), head, self.batch.template, self.batch.seq, self.batch.records).await?;
        check_references(tx, self.batch.template, head.workspace_id, checked, head.lang).await?;
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

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The skipped rows of an import (of one batch, or all of them), by row.
async fn skips(db: &Db, import_id: &str, seq: Option<u32>) -> Result<Vec<SkippedRow>, AppError> {
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

/// End a running import as done or cancelled (an ended one stays as it is).
/// A background import's job, if it is still taking batches, is sealed in
/// the same transaction (never an ended import with a job waiting for
/// batches): its runner then drops what is staged and ends it.
pub async fn finish(db: &Db, head: &ImportHead, cancelled: bool) -> Result<(), AppError> {
    let state = if cancelled { ImportState::Cancelled } else { ImportState::Done };
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    on_conn!(tx.conn(), c => sqlx::query("UPDATE imports SET state = $1, finished_at = $2 WHERE id = $3 AND state = 'running'")
        .bind(state_text(state))
        .bind(now())
        .bind(&head.id)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    let sealed = on_conn!(tx.conn(), c => sqlx::query("UPDATE import_jobs SET sealed = 1 WHERE import_id = $1 AND sealed = 0")
        .bind(&head.id)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    tx.commit().await?;
    if sealed > 0 {
        super::jobs::wake_runners();
    }
    Ok(())
}

/// The message of a failure, in `lang`.
pub fn failure_message(cause: FailureCause, lang: Lang) -> String {
    let text = match (cause, lang) {
        (FailureCause::Infrastructure, Lang::Fr) => {
            "L’import s’est arrêté sur une panne du serveur qui ne tient pas à vos lignes (par exemple, la base de \
             données était injoignable), et a été abandonné après plusieurs essais. Les lignes enregistrées avant \
             restent ; les autres n’ont pas été importées. Importez le fichier de nouveau plus tard."
        }
        (FailureCause::Infrastructure, _) => {
            "The import stopped on a fault of the server that is not about your rows (for example, the database \
             could not be reached), and was given up after several tries. The rows committed before stay; the others \
             were not imported. Import the file again later."
        }
        (FailureCause::Abandoned, Lang::Fr) => {
            "L’envoi des lignes s’est arrêté avant la fin et rien n’est venu pendant un jour : les lignes importées \
             jusque-là restent (voir les nombres), les autres ont été supprimées. Importez de nouveau le fichier pour \
             envoyer le reste."
        }
        (FailureCause::Abandoned, _) => {
            "The upload stopped before every row was sent and nothing more came for a day: the rows imported until \
             then stay (see the counts), the others were dropped. Import the file again to send the rest."
        }
        (FailureCause::Destination, Lang::Fr) => {
            "L’import s’est arrêté : le système qui reçoit les lignes les a refusées ou n’a pas répondu. Les lignes \
             enregistrées avant restent ; les autres n’ont pas été importées."
        }
        (FailureCause::Destination, _) => {
            "The import stopped: the system that receives the rows refused them or did not answer. The rows \
             committed before stay; the others were not imported."
        }
    };
    text.to_string()
}

/// End a running import as cancelled because of `cause`, with its message
/// in the import's language and `detail` after it (what the receiver said);
/// an ended import stays as it is.
pub(crate) async fn fail(
    mut conn: Conn<'_>,
    head: &ImportHead,
    cause: FailureCause,
    detail: Option<&str>,
) -> Result<(), AppError> {
    let message = match detail {
        Some(detail) => format!("{} {}", failure_message(cause, head.lang), super::clean_text(detail, 600)),
        None => failure_message(cause, head.lang),
    };
    on_conn!(conn, c => sqlx::query(
        "UPDATE imports SET state = 'cancelled', finished_at = $1, failure = $2, failure_message = $3 \
         WHERE id = $4 AND state = 'running'",
    )
    .bind(now())
    .bind(cause.as_str())
    .bind(&message)
    .bind(&head.id)
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// The columns [`summary_of`] reads, from `imports i JOIN users u` and
/// [`SUMMARY_JOINS`].
pub(crate) const SUMMARY_COLUMNS: &str =
    "i.id, i.template, i.file_name, u.email, i.created_at, i.finished_at, i.state, \
     i.total_rows, i.inserted, i.updated, i.unchanged, i.skipped, i.note, j.state, i.failure, i.failure_message";

/// The joins [`SUMMARY_COLUMNS`] need (the background job, if any).
pub(crate) const SUMMARY_JOINS: &str =
    "FROM imports i JOIN users u ON u.id = i.user_id LEFT JOIN import_jobs j ON j.import_id = i.id";

pub(crate) fn summary_of<R: Row>(row: &R) -> Result<ImportSummary, AppError>
where
    usize: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ImportSummary {
        id: row.try_get(0)?,
        template: row.try_get(1)?,
        file_name: row.try_get(2)?,
        user_email: row.try_get(3)?,
        created_at: row.try_get(4)?,
        finished_at: row.try_get(5)?,
        state: state_of(&row.try_get::<String, _>(6)?)?,
        total_rows: count(row.try_get(7)?),
        inserted: count(row.try_get(8)?),
        updated: count(row.try_get(9)?),
        unchanged: count(row.try_get(10)?),
        skipped: count(row.try_get(11)?),
        skipped_rows: Vec::new(),
        note: row.try_get(12)?,
        job: row.try_get::<Option<String>, _>(13)?.as_deref().and_then(crate::model::JobState::parse),
        failure: match row.try_get::<Option<String>, _>(14)?.as_deref().and_then(FailureCause::parse) {
            Some(cause) => Some(ImportFailure {
                cause,
                message: row.try_get::<Option<String>, _>(15)?.unwrap_or_else(|| failure_message(cause, Lang::En)),
            }),
            None => None,
        },
    })
}

/// One import with its skipped rows (the first 10,000 by row).
pub async fn summary(db: &Db, head: &ImportHead) -> Result<ImportSummary, AppError> {
    let mut summary = counts(db, head).await?;
    summary.skipped_rows = skips(db, &head.id, None).await?;
    Ok(summary)
}

/// One import's summary without its skipped rows, as the lists and the
/// notices give it.
pub async fn counts(db: &Db, head: &ImportHead) -> Result<ImportSummary, AppError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_JOINS} WHERE i.id = $1 AND i.workspace_id = $2");
    on_pool!(db.pool, p => {
        let row = sqlx::query(&sql).bind(&head.id).bind(head.workspace_id).fetch_optional(p).await?;
        summary_of(&row.ok_or_else(not_found)?)
    })
}

/// The workspace's imports, newest first (the latest 200), without their
/// skipped rows.
pub async fn list(db: &Db, workspace_id: i64) -> Result<Vec<ImportSummary>, AppError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} {SUMMARY_JOINS} WHERE i.workspace_id = $1 \
         ORDER BY i.created_at DESC, i.id DESC LIMIT {MAX_LISTED_IMPORTS}"
    );
    on_pool!(db.pool, p => sqlx::query(&sql).bind(workspace_id).fetch_all(p).await?.iter().map(summary_of).collect())
}
