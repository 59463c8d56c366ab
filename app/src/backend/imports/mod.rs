//! Imports: their bookkeeping (`imports`, `import_batches`, `import_skips`),
//! who may send to them, their start, end and summaries. The rows the
//! browser skipped are in `skips`, the commit of a batch in `commit`, and
//! what made a commit fail in `faults`.
//!
//! A batch is committed in one transaction that first claims its
//! `(import_id, seq)` row in `import_batches`; a batch sent again finds the
//! claim and gets the stored counts back (`already_applied`), so a retry
//! never applies rows twice. Records are inserted, or updated by the
//! template's key; nothing is ever deleted.

use super::db::{Backend, Conn, Db};
use super::destination::{self, Destination};
use super::{clean_text, now, random_hex};
use crate::model::{
    FailureCause, ImportFailure, ImportStarted, ImportState, ImportSummary, Role, SessionInfo, StartImport,
};
use crate::AppError;
use crate::{on_conn, on_pool};
use csv_import_core::{Lang, Record, Template};
use sqlx::Row;

mod commit;
mod faults;
mod in_flight;
mod skips;

pub(crate) use commit::{check_announced, has_committed_batches};
pub use commit::{commit, commit_batches};
pub use faults::{fault_of, note_database_error, Fault, RowFault};
pub use skips::add_skips;
use skips::{check_skips, insert_skips, skips};

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
pub async fn load(db: &Db, id: &str, workspace_id: Option<i64>) -> Result<Option<ImportHead>, AppError> {
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

/// The row numbers shown (see [`StartImport::shown_rows`]) as stored, or a
/// 400 naming what is wrong with them: pairs by row, within the file, and
/// numbers a spreadsheet could have.
fn shown_rows_json(pairs: &[[u64; 2]], total_rows: u64) -> Result<Option<String>, AppError> {
    const MOST_SHOWN: u64 = 1 << 40;
    if pairs.is_empty() {
        return Ok(None);
    }
    if pairs.len() > crate::model::MAX_SHOWN_ROWS {
        return Err(AppError::BadRequest(format!(
            "At most {} pairs of shown row numbers are taken; send none to have the data rows named.",
            crate::model::MAX_SHOWN_ROWS
        )));
    }
    let mut after = 0;
    for &[row, shown] in pairs {
        if row <= after || row > total_rows || shown == 0 || shown > MOST_SHOWN {
            return Err(AppError::BadRequest(format!(
                "The shown row numbers must go by data row, each row 1 to {total_rows} once, each number 1 to {MOST_SHOWN}: [{row}, {shown}] does not."
            )));
        }
        after = row;
    }
    serde_json::to_string(pairs).map(Some).map_err(|e| AppError::internal("shown rows", e))
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
    let shown_rows = shown_rows_json(&input.shown_rows, input.total_rows)?;

    let id = random_hex(16)?;
    let created = now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    on_conn!(tx.conn(), c => sqlx::query(
        "INSERT INTO imports (id, workspace_id, user_id, template, file_name, state, total_rows, skipped, note, created_at, lang, shown_rows) \
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $10, $11)",
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
    .bind(&shown_rows)
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    insert_skips(tx.conn(), &id, None, &input.skipped).await?;
    tx.commit().await?;
    let max_batch_rows = destination::for_template(template).map_or(MAX_BATCH_ROWS, |d| batch_rows(d.as_ref()));
    Ok(ImportStarted { import_id: id, max_batch_rows, max_batch_bytes: MAX_BATCH_BYTES })
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

fn ended(state: ImportState) -> AppError {
    AppError::Conflict(format!("This import is {}; start a new import to send more rows.", state_text(state)))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Who commits an import's batches, or ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// Its sender: `commit_batch` and `finish_import` (the page, the CLI).
    Sender,
    /// Its background job, which commits the staged batches and ends the
    /// import once every one is committed.
    Job,
}

/// End a running import as done or cancelled (an ended one stays as it is).
/// A background import's job, if it is still taking batches, is sealed in
/// the same transaction (never an ended import with a job waiting for
/// batches). Cancelled, its runner then drops what is staged and ends it.
/// Ended as done by its sender, the import keeps every batch the server
/// acknowledged: it stays running, as queueing leaves it, until its job has
/// committed them and ends it.
pub async fn finish(db: &Db, head: &ImportHead, cancelled: bool, by: By) -> Result<(), AppError> {
    let state = if cancelled { ImportState::Cancelled } else { ImportState::Done };
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    // Locked first, so that no batch is staged between the look at the job
    // and the end.
    lock(tx.conn(), &head.id).await?;
    let job_commits_staged = !cancelled && by == By::Sender && super::jobs::has_job(tx.conn(), &head.id).await?;
    if !job_commits_staged {
        on_conn!(tx.conn(), c => sqlx::query("UPDATE imports SET state = $1, finished_at = $2 WHERE id = $3 AND state = 'running'")
            .bind(state_text(state))
            .bind(now())
            .bind(&head.id)
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
    }
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
