//! Background imports: the browser stages an import's valid rows
//! batch by batch (`import_staged`), then queues the import; a runner
//! commits the staged batches through the same path as `commit_batch`
//! ([`imports::commit_batches`]), several in one transaction when the page
//! has sent ahead of it. The job (`import_jobs`) is made
//! with the first staged batch and commits batches while the others arrive,
//! in the order of the file; queueing seals it (no more batches), and only
//! a sealed job ends its import. A job with nothing to commit yet is given
//! back to the queue, so a page that stops sending holds no runner.
//!
//! Several runners, in one process or in several processes sharing one
//! PostgreSQL, share the jobs: a runner claims one queued job at a time with
//! a row lock (PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` in a
//! transaction; SQLite, which has one writer: one atomic `UPDATE ... WHERE
//! state = 'queued'`). A running job sends a heartbeat after each batch; one
//! whose heartbeat is older than [`RunnerConfig::stale`] was abandoned (its
//! process stopped) and is claimed again. It then resumes without
//! duplicates: the batches already committed are in `import_batches`, and
//! [`imports::commit`] skips them.

use super::db::{Backend, Conn, Db};
use super::imports::{self, ImportHead, SUMMARY_COLUMNS, SUMMARY_JOINS};
use super::{access, now, random_hex, rfc3339};
use crate::model::{FailureCause, FinishedImports, ImportState, ImportSummary, Staged};
use crate::{on_conn, on_pool};
use crate::AppError;
use csv_import_core::Record;
use std::time::Duration;

/// Wakes this process's idle runners when a job is queued here, so that a
/// small import does not wait out their poll (other processes still poll).
static QUEUED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Wakes the [`wait_for_end`]s of this process when one of its runners
/// ends a job (every waiter looks again at its own import).
static ENDED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// A job is tried this many times before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// How a runner behaves.
#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// The runner's name, stored in `claimed_by`; unique per runner.
    pub name: String,
    /// How long an idle runner waits before it looks for a job again.
    pub poll: Duration,
    /// A running job whose heartbeat is older than this is claimed again.
    pub stale: Duration,
}

impl RunnerConfig {
    /// A runner with a fresh random name, polling every 500 ms, taking over
    /// jobs silent for 30 s.
    pub fn new() -> RunnerConfig {
        let suffix = random_hex(4).unwrap_or_else(|_| "0".to_string());
        RunnerConfig {
            name: format!("runner-{}-{suffix}", std::process::id()),
            poll: Duration::from_millis(500),
            stale: Duration::from_secs(30),
        }
    }

    /// [`RunnerConfig::new`] with `CSV_IMPORT_JOB_POLL_MS` and
    /// `CSV_IMPORT_JOB_STALE_SECS` from the environment when set.
    pub fn from_env() -> RunnerConfig {
        let mut config = RunnerConfig::new();
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(ms) = number("CSV_IMPORT_JOB_POLL_MS").filter(|ms| *ms > 0) {
            config.poll = Duration::from_millis(ms);
        }
        if let Some(secs) = number("CSV_IMPORT_JOB_STALE_SECS").filter(|s| *s > 0) {
            config.stale = Duration::from_secs(secs);
        }
        config
    }
}

impl Default for RunnerConfig {
    fn default() -> RunnerConfig {
        RunnerConfig::new()
    }
}

/// A job a runner has claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The job's id.
    pub id: i64,
    /// Its import.
    pub import_id: String,
}

/// Whether the import has a job: it is a background import, whose batches
/// are staged.
pub(crate) async fn has_job(conn: Conn<'_>, import_id: &str) -> Result<bool, AppError> {
    Ok(job_sealed(conn, import_id).await?.is_some())
}

/// The import's job, if it has one yet: whether it is sealed (staging is over).
async fn job_sealed(mut conn: Conn<'_>, import_id: &str) -> Result<Option<bool>, AppError> {
    let sealed: Option<i64> = on_conn!(conn, c => sqlx::query_scalar("SELECT sealed FROM import_jobs WHERE import_id = $1")
        .bind(import_id)
        .fetch_optional(c)
        .await)?;
    Ok(sealed.map(|sealed| sealed != 0))
}

/// Wake this process's idle runners: a job may have work.
pub(crate) fn wake_runners() {
    QUEUED.notify_waiters();
}

/// Whether the staged batch `s` of job `j` may be committed now: not
/// committed yet and, until the job is sealed, next after the committed
/// ones (batches are committed in the file's order while they arrive; a
/// retried batch may come after the next one).
const READY: &str = "NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.import_id = s.import_id AND b.seq = s.seq) \
     AND (j.sealed = 1 OR s.seq = 0 \
          OR EXISTS (SELECT 1 FROM import_batches p WHERE p.import_id = s.import_id AND p.seq = s.seq - 1))";

/// Whether job `j` has a batch to commit now.
fn has_ready_batch() -> String {
    format!("EXISTS (SELECT 1 FROM import_staged s WHERE s.import_id = j.import_id AND {READY})")
}

/// Keep one batch of a background import's rows for its job. The same
/// `(import, seq)` is kept once; the first version stays. The rows are
/// checked again with core when the job commits them.
///
/// Staging and [`queue`] hold the import's lock ([`imports::lock`]) while
/// they look and write, so a batch is either staged before the job is
/// queued, and then committed by it, or refused with a 409: never
/// acknowledged and then left out.
pub async fn stage(db: &Db, head: &ImportHead, seq: u32, rows: &[Record]) -> Result<Staged, AppError> {
    let template = access::template(&head.template)?;
    // Encoded before the writer's turn, which this does not need.
    let payload = serde_json::to_string(rows).map_err(|e| AppError::internal("encoding a batch", e))?;
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let state = imports::lock(tx.conn(), &head.id).await?;
    let stored: Option<i64> = on_conn!(tx.conn(), c =>
        sqlx::query_scalar("SELECT row_count FROM import_staged WHERE import_id = $1 AND seq = $2")
            .bind(&head.id)
            .bind(i64::from(seq))
            .fetch_optional(c)
            .await)?;
    // A retry of a batch staged before gets its answer, even once queued.
    if let Some(n) = stored {
        tx.rollback().await?;
        return Ok(Staged { rows: u64::try_from(n).unwrap_or(0), already_staged: true });
    }
    let job = job_sealed(tx.conn(), &head.id).await?;
    if job == Some(true) {
        return Err(AppError::Conflict("This import is already queued; start a new import to send more rows.".into()));
    }
    if state != Some(ImportState::Running) {
        return Err(AppError::Conflict("This import has ended; start a new import to send more rows.".into()));
    }
    // Staged and committed batches are not mixed: a staged batch whose seq
    // a request committed would never be committed.
    if job.is_none() && imports::has_committed_batches(tx.conn(), &head.id).await? {
        return Err(AppError::Conflict(
            "This import's batches are committed one at a time (commit_batch); send the rest the same way.".into(),
        ));
    }
    imports::check_announced(tx.conn(), head, &template, seq, rows).await?;
    on_conn!(tx.conn(), c => sqlx::query(
        "INSERT INTO import_staged (import_id, seq, payload, row_count, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&head.id)
    .bind(i64::from(seq))
    .bind(&payload)
    .bind(rows.len() as i64)
    .bind(now())
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    if job.is_none() {
        insert_job(tx.conn(), head, false).await?;
    }
    tx.commit().await?;
    wake_runners();
    Ok(Staged { rows: rows.len() as u64, already_staged: false })
}

/// Make the import's job, sealed or still taking batches.
async fn insert_job(mut conn: Conn<'_>, head: &ImportHead, sealed: bool) -> Result<(), AppError> {
    on_conn!(conn, c => sqlx::query(
        "INSERT INTO import_jobs (import_id, workspace_id, state, attempts, created_at, sealed) \
         VALUES ($1, $2, 'queued', 0, $3, $4)",
    )
    .bind(&head.id)
    .bind(head.workspace_id)
    .bind(now())
    .bind(i64::from(sealed))
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// Queue the import: every batch is staged; its job, sealed, commits what
/// is left and ends the import. Queueing twice queues once.
pub async fn queue(db: &Db, head: &ImportHead) -> Result<(), AppError> {
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    let state = imports::lock(tx.conn(), &head.id).await?;
    let job = job_sealed(tx.conn(), &head.id).await?;
    if job == Some(true) {
        return Ok(());
    }
    if state != Some(ImportState::Running) {
        return Err(AppError::Conflict("This import has ended; start a new import.".into()));
    }
    match job {
        Some(_) => {
            on_conn!(tx.conn(), c => sqlx::query("UPDATE import_jobs SET sealed = 1 WHERE import_id = $1")
                .bind(&head.id)
                .execute(c)
                .await
                .map(|done| done.rows_affected()))?;
        }
        None => insert_job(tx.conn(), head, true).await?,
    }
    tx.commit().await?;
    wake_runners();
    Ok(())
}

/// Claim one job for `config.name`: a queued one that is sealed or has a
/// batch to commit, or a running one whose heartbeat is stale. `None` when
/// there is none.
pub async fn claim(db: &Db, config: &RunnerConfig) -> Result<Option<Claim>, AppError> {
    let now_t = time::OffsetDateTime::now_utc();
    let now = rfc3339(now_t);
    let stale = time::Duration::try_from(config.stale).unwrap_or(time::Duration::seconds(30));
    let stale_before = rfc3339(now_t - stale);
    match db.backend() {
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            let sql = format!(
                "SELECT j.id, j.import_id FROM import_jobs j \
                 WHERE (j.state = 'queued' AND (j.sealed = 1 OR {ready})) \
                    OR (j.state = 'running' AND j.heartbeat_at < $1) \
                 ORDER BY j.id LIMIT 1 FOR UPDATE OF j SKIP LOCKED",
                ready = has_ready_batch()
            );
            let row: Option<(i64, String)> =
                on_conn!(tx.conn(), c => sqlx::query_as(&sql).bind(&stale_before).fetch_optional(c).await)?;
            let Some((id, import_id)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
            let claim = Claim { id, import_id };
            on_conn!(tx.conn(), c => sqlx::query(
                "UPDATE import_jobs SET state = 'running', claimed_by = $1, claimed_at = $2, heartbeat_at = $3, \
                 attempts = attempts + 1 WHERE id = $4",
            )
            .bind(&config.name)
            .bind(&now)
            .bind(&now)
            .bind(claim.id)
            .execute(c)
            .await
            .map(drop))?;
            tx.commit().await?;
            Ok(Some(claim))
        }
        Backend::Sqlite => {
            // One statement, and SQLite has one writer: two runners cannot
            // both see the job queued.
            let sql = format!(
                "UPDATE import_jobs SET state = 'running', claimed_by = $1, claimed_at = $2, heartbeat_at = $3, \
                 attempts = attempts + 1 \
                 WHERE id = (SELECT j.id FROM import_jobs j \
                             WHERE (j.state = 'queued' AND (j.sealed = 1 OR {ready})) \
                                OR (j.state = 'running' AND j.heartbeat_at < $4) \
                             ORDER BY j.id LIMIT 1) \
                 AND (state = 'queued' OR (state = 'running' AND heartbeat_at < $5)) \
                 RETURNING id, import_id",
                ready = has_ready_batch()
            );
            let row: Option<(i64, String)> = on_pool!(db.pool, p => sqlx::query_as(&sql)
                .bind(&config.name)
                .bind(&now)
                .bind(&now)
                .bind(&stale_before)
                .bind(&stale_before)
                .fetch_optional(p)
                .await)?;
            Ok(row.map(|(id, import_id)| Claim { id, import_id }))
        }
    }
}

/// Tell the others this runner still works on the job; false when another
/// runner has taken it over (this one was silent too long).
async fn heartbeat(db: &Db, config: &RunnerConfig, claim: &Claim) -> Result<bool, AppError> {
    change_own_job(db, config, claim, "heartbeat_at = $3", "", Some(now())).await
}

/// `UPDATE import_jobs SET {set}` (with `value` as `$3`) where the job is
/// running, claimed by this runner, and `{also}` holds; false when it did
/// not change (another runner has it, or `also` no longer holds).
async fn change_own_job(
    db: &Db,
    config: &RunnerConfig,
    claim: &Claim,
    set: &str,
    also: &str,
    value: Option<String>,
) -> Result<bool, AppError> {
    let sql = format!("UPDATE import_jobs SET {set} WHERE id = $1 AND claimed_by = $2 AND state = 'running' {also}");
    let changed = on_pool!(db.pool, p => {
        let mut query = sqlx::query(&sql).bind(claim.id).bind(&config.name);
        if let Some(value) = &value {
            query = query.bind(value);
        }
        query.execute(p).await.map(|done| done.rows_affected())
    })?;
    Ok(changed > 0)
}

/// The import of a job, read without a session (the runner acts for the
/// user who queued it).
async fn head_of(db: &Db, import_id: &str) -> Result<ImportHead, AppError> {
    imports::load(db, import_id, None)
        .await?
        .ok_or_else(|| AppError::internal("job", format!("import {import_id} is missing")))
}

/// How a runner's turn at a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// The job is done: its import ended (or had ended) and its staged rows
    /// are gone.
    Ended,
    /// Every batch staged so far is committed and the page is still sending:
    /// the job went back to the queue until the next batch.
    Released,
    /// Another runner took the job over midway (this one was silent too long).
    TakenOver,
}

/// The most rows a job commits in one transaction (several staged batches
/// when the page has sent ahead of it). Each SQLite transaction writes
/// again every page of the key index its random keys touch, so fewer,
/// bigger ones write less: a million rows imported 7% sooner with 50,000
/// than with 20,000 (BENCHMARKS.md), while holding the writer about half a
/// second at a time. A retry redoes at most that many.
const JOB_TRANSACTION_ROWS: i64 = 50_000;

/// What a job does next.
enum Next {
    /// Commit these staged batches (payloads by seq, in order, one after
    /// the other).
    Batches(Vec<(u32, String)>),
    /// Sealed and every staged batch committed: end the import.
    Finish,
    /// Not sealed, and the next batch is not staged yet.
    Wait,
}

/// The job's next step: the first batch it may commit ([`READY`]) and the
/// staged batches that follow it without a gap, up to
/// [`JOB_TRANSACTION_ROWS`] rows.
async fn next_step(db: &Db, import_id: &str) -> Result<Next, AppError> {
    // Sealed first: once sealed, nothing more is staged, so "no batch" then
    // means every batch is committed.
    let sealed: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT sealed FROM import_jobs WHERE import_id = $1")
        .bind(import_id)
        .fetch_one(p)
        .await)?;
    let sql = format!(
        "SELECT s.seq FROM import_staged s JOIN import_jobs j ON j.import_id = s.import_id \
         WHERE s.import_id = $1 AND {READY} ORDER BY s.seq LIMIT 1"
    );
    let first: Option<i64> = on_pool!(db.pool, p => sqlx::query_scalar(&sql).bind(import_id).fetch_optional(p).await)?;
    let Some(first) = first else {
        return Ok(if sealed != 0 { Next::Finish } else { Next::Wait });
    };
    // The sizes first (from the index), then only the payloads taken.
    let sizes: Vec<(i64, i64)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT s.seq, s.row_count FROM import_staged s WHERE s.import_id = $1 AND s.seq >= $2 \
         AND NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.import_id = s.import_id AND b.seq = s.seq) \
         ORDER BY s.seq LIMIT 64",
    )
    .bind(import_id)
    .bind(first)
    .fetch_all(p)
    .await)?;
    let mut last = first;
    let mut rows = 0;
    for (seq, count) in sizes {
        // The first always; then the next seq while the rows fit.
        let follows = seq == last + 1 && rows + count <= JOB_TRANSACTION_ROWS;
        if seq != first && !follows {
            break;
        }
        last = seq;
        rows += count;
    }
    let batches: Vec<(i64, String)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT seq, payload FROM import_staged WHERE import_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq",
    )
    .bind(import_id)
    .bind(first)
    .bind(last)
    .fetch_all(p)
    .await)?;
    let batches = batches
        .into_iter()
        .map(|(seq, payload)| Ok((u32::try_from(seq).map_err(|e| AppError::internal("staged seq", e))?, payload)))
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Next::Batches(batches))
}

/// The rows of staged batches, up to the first that cannot be read: the
/// batches before it are committed first, and it stops the next turn (an
/// error when it is the first).
fn read_staged(staged: &[(u32, String)]) -> Result<Vec<(u32, Vec<Record>)>, AppError> {
    let mut batches = Vec::with_capacity(staged.len());
    for (seq, payload) in staged {
        match serde_json::from_str(payload) {
            Ok(rows) => batches.push((*seq, rows)),
            Err(e) if batches.is_empty() => return Err(AppError::internal("reading a staged batch", e)),
            Err(_) => break,
        }
    }
    Ok(batches)
}

/// Give a job that waits for its next batch back to the queue (the turn
/// does not count as an attempt); false when it was sealed or taken over
/// meanwhile.
async fn release(db: &Db, config: &RunnerConfig, claim: &Claim) -> Result<bool, AppError> {
    let set = "state = 'queued', claimed_by = NULL, attempts = attempts - 1";
    change_own_job(db, config, claim, set, "AND sealed = 0", None).await
}

/// Commit a claimed job's staged batches, in order, as long as there are
/// some; batches committed before (by a runner that stopped) are skipped
/// by [`imports::commit`].
pub async fn run(db: &Db, config: &RunnerConfig, claim: &Claim) -> Result<Turn, AppError> {
    let head = head_of(db, &claim.import_id).await?;
    if head.state == ImportState::Running {
        let template = access::template(&head.template)?;
        loop {
            if !heartbeat(db, config, claim).await? {
                return Ok(Turn::TakenOver);
            }
            match next_step(db, &head.id).await? {
                Next::Batches(staged) => {
                    let batches = read_staged(&staged)?;
                    let batches: Vec<(u32, &[Record])> =
                        batches.iter().map(|(seq, rows)| (*seq, rows.as_slice())).collect();
                    // Rows the database refuses are skipped with a reason inside
                    // the commit; an error here is a fault that is not about rows,
                    // or the import ended meanwhile (cancelled while it was sent).
                    match imports::commit_batches(db, &head, &template, &batches, imports::By::Job).await {
                        Ok(_) => {}
                        Err(AppError::Conflict(_)) if head_of(db, &head.id).await?.state != ImportState::Running => break,
                        Err(e) => return Err(e),
                    }
                }
                Next::Finish => {
                    imports::finish(db, &head, false, imports::By::Job).await?;
                    break;
                }
                Next::Wait => {
                    if release(db, config, claim).await? {
                        return Ok(Turn::Released);
                    }
                }
            }
        }
    }
    // Done and its staged rows gone together: nobody sees one without the
    // other. The rows go first: the end time is taken last, just before
    // the commit that shows it.
    let _turn = db.write_turn().await;
    let mut tx = db.begin().await?;
    on_conn!(tx.conn(), c => sqlx::query("DELETE FROM import_staged WHERE import_id = $1").bind(&head.id).execute(c).await.map(|done| done.rows_affected()))?;
    let ended = on_conn!(tx.conn(), c => sqlx::query(
        "UPDATE import_jobs SET state = 'done', finished_at = $1, heartbeat_at = $2, error = NULL \
         WHERE id = $3 AND claimed_by = $4 AND state = 'running'",
    )
    .bind(now())
    .bind(now())
    .bind(claim.id)
    .bind(&config.name)
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    if ended == 0 {
        tx.rollback().await?;
        return Ok(Turn::TakenOver);
    }
    tx.commit().await?;
    Ok(Turn::Ended)
}

/// A job that stopped on an error (never a row's: those are skipped) goes
/// back to the queue, or fails after [`MAX_ATTEMPTS`]: its import then ends
/// as cancelled with a message that says why; what was committed stays.
async fn failed(db: &Db, config: &RunnerConfig, claim: &Claim, error: &AppError) -> Result<(), AppError> {
    let attempts: i64 = on_pool!(db.pool, p => {
        sqlx::query_scalar("SELECT attempts FROM import_jobs WHERE id = $1").bind(claim.id).fetch_one(p).await
    })?;
    // A receiver that refused the rows, or stayed down through the
    // delivery's own retries, is not tried again by the job.
    let destination = match error {
        AppError::Destination(message) => Some(message.as_str()),
        _ => None,
    };
    let give_up = attempts >= MAX_ATTEMPTS || destination.is_some();
    let message = super::clean_text(&error.to_string(), 500);
    on_pool!(db.pool, p => sqlx::query(
        "UPDATE import_jobs SET state = $1, error = $2, finished_at = $3 WHERE id = $4 AND claimed_by = $5 AND state = 'running'",
    )
    .bind(if give_up { "failed" } else { "queued" })
    .bind(&message)
    .bind(give_up.then(now))
    .bind(claim.id)
    .bind(&config.name)
    .execute(p)
    .await
    .map(drop))?;
    if give_up {
        let head = head_of(db, &claim.import_id).await?;
        let mut conn = db.acquire().await?;
        let cause = if destination.is_some() { FailureCause::Destination } else { FailureCause::Infrastructure };
        imports::fail(conn.conn(), &head, cause, destination).await?;
    }
    Ok(())
}

/// Claim one job and run it. True when a job was claimed.
pub async fn run_once(db: &Db, config: &RunnerConfig) -> Result<bool, AppError> {
    let Some(claim) = claim(db, config).await? else {
        return Ok(false);
    };
    match run(db, config, &claim).await {
        Ok(Turn::Ended) => tracing::info!("import {} committed by {}", claim.import_id, config.name),
        // Not an end: its waiters go on waiting.
        Ok(Turn::Released) => return Ok(true),
        Ok(Turn::TakenOver) => tracing::warn!("import {}: another runner took the job over", claim.import_id),
        Err(e) => {
            tracing::warn!("import {}: the job stopped: {e}", claim.import_id);
            failed(db, config, &claim, &e).await?;
        }
    }
    ENDED.notify_waiters();
    Ok(true)
}

/// The longest one [`wait_for_end`] waits.
pub const MAX_WAIT: Duration = Duration::from_secs(20);
/// A waiter looks at its import again this often, for a job that a runner
/// of another process ends (this process's runners wake it at once).
const WAIT_RECHECK: Duration = Duration::from_secs(2);
/// At most this many waits at once in a process; more answer at once, and
/// their pages fall back to asking for notices.
const MAX_WAITERS: usize = 1_000;
static WAITERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts one waiter while it lives.
struct Waiter;

impl Waiter {
    fn join() -> Option<Waiter> {
        use std::sync::atomic::Ordering;
        let before = WAITERS.fetch_add(1, Ordering::AcqRel);
        if before >= MAX_WAITERS {
            WAITERS.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Waiter)
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        WAITERS.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The background import `head` once its job has ended (done or failed),
/// waiting up to `wait` (at most [`MAX_WAIT`]) for it; `None` when it is
/// still queued or running then. The page that handed the import over
/// learns its end as it happens rather than at its next ask for notices.
/// 409 when the import has no job (not queued, or not a background import).
pub async fn wait_for_end(db: &Db, head: &ImportHead, wait: Duration) -> Result<Option<ImportSummary>, AppError> {
    let deadline = tokio::time::Instant::now() + wait.min(MAX_WAIT);
    let waiter = Waiter::join();
    loop {
        // Listening before looking: an end between the two still wakes it.
        let ended = ENDED.notified();
        tokio::pin!(ended);
        ended.as_mut().enable();
        let state: Option<String> = on_pool!(db.pool, p => sqlx::query_scalar("SELECT state FROM import_jobs WHERE import_id = $1")
            .bind(&head.id)
            .fetch_optional(p)
            .await)?;
        match state.as_deref() {
            None => return Err(AppError::Conflict("This import has no background job.".into())),
            Some("done" | "failed") => return imports::counts(db, head).await.map(Some),
            Some(_) => {}
        }
        let now = tokio::time::Instant::now();
        if waiter.is_none() || now >= deadline {
            return Ok(None);
        }
        tokio::select! {
            _ = tokio::time::sleep_until(deadline.min(now + WAIT_RECHECK)) => {}
            _ = ended => {}
        }
    }
}

/// Imports left in staging (rows staged, never queued) this long after
/// their last batch are abandoned: their staged rows are dropped (what the
/// job committed meanwhile stays).
pub const ABANDON_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How often a runner looks for abandoned imports.
const ABANDON_SWEEP: Duration = Duration::from_secs(60);

/// Drop the staged rows of the imports left in staging whose last batch is
/// older than `older_than`, and end each as cancelled, abandoned, with a
/// message that says so. Each import is checked again under its lock, so a
/// batch staged or a job queued meanwhile keeps it. Returns how many were
/// abandoned (at most 100 a call).
pub async fn drop_abandoned(db: &Db, older_than: Duration) -> Result<u64, AppError> {
    let age = time::Duration::try_from(older_than).unwrap_or(time::Duration::days(1));
    let before = rfc3339(time::OffsetDateTime::now_utc() - age);
    let left = "SELECT s.import_id FROM import_staged s JOIN imports i ON i.id = s.import_id \
         WHERE i.state = 'running' \
         AND NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.import_id = s.import_id AND j.sealed = 1) \
         AND ($1 = '' OR s.import_id = $1) GROUP BY s.import_id HAVING MAX(s.created_at) < $2";
    let first = format!("{left} LIMIT 100");
    let ids: Vec<String> =
        on_pool!(db.pool, p => sqlx::query_scalar(&first).bind("").bind(&before).fetch_all(p).await)?;
    let mut dropped = 0;
    for id in ids {
        let Some(head) = imports::load(db, &id, None).await? else {
            continue;
        };
        let _turn = db.write_turn().await;
        let mut tx = db.begin().await?;
        imports::lock(tx.conn(), &id).await?;
        let still: Option<String> =
            on_conn!(tx.conn(), c => sqlx::query_scalar(left).bind(&id).bind(&before).fetch_optional(c).await)?;
        if still.is_none() {
            tx.rollback().await?;
            continue;
        }
        on_conn!(tx.conn(), c => sqlx::query("DELETE FROM import_staged WHERE import_id = $1").bind(&id).execute(c).await.map(|done| done.rows_affected()))?;
        imports::fail(tx.conn(), &head, FailureCause::Abandoned, None).await?;
        // Its job, sealed, is ended by a runner (nothing left to commit).
        on_conn!(tx.conn(), c => sqlx::query("UPDATE import_jobs SET sealed = 1 WHERE import_id = $1").bind(&id).execute(c).await.map(|done| done.rows_affected()))?;
        tx.commit().await?;
        tracing::info!("import {id}: staged a day ago and never queued; its staged rows were dropped");
        dropped += 1;
    }
    Ok(dropped)
}

/// Start a runner: a task that runs jobs one at a time and, when there is
/// none, looks again every `config.poll` or as soon as this process queues
/// one; now and then it also drops the
/// staged rows of abandoned imports ([`drop_abandoned`]). Runs until the
/// runtime stops (or the handle is aborted).
pub fn spawn(db: Db, config: RunnerConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut swept: Option<std::time::Instant> = None;
        loop {
            if swept.is_none_or(|at| at.elapsed() >= ABANDON_SWEEP) {
                swept = Some(std::time::Instant::now());
                if let Err(e) = drop_abandoned(&db, ABANDON_AFTER).await {
                    tracing::warn!("job runner {}: dropping abandoned imports: {e}", config.name);
                }
            }
            // Listening before looking: a job queued meanwhile still wakes it.
            let queued = QUEUED.notified();
            tokio::pin!(queued);
            queued.as_mut().enable();
            match run_once(&db, &config).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!("job runner {}: {e}", config.name),
            }
            tokio::select! {
                _ = tokio::time::sleep(config.poll) => {}
                _ = queued => {}
            }
        }
    })
}

/// Whether `since` is a time as [`now`] writes it (`2026-11-21T05:20:43.120Z`).
pub fn valid_time(since: &str) -> bool {
    let b = since.as_bytes();
    b.len() == 24
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'.',
            23 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// How far back each ask for notices looks past the previous answer. An
/// import's end time is taken inside the transaction that records it, so it
/// may become visible a moment after an answer whose time is later; asking
/// again from a little earlier finds it. The page skips imports it has told.
const NOTICE_OVERLAP: time::Duration = time::Duration::seconds(10);

/// The workspace's background imports whose job ended (done or failed)
/// after `since` (a checked time), oldest first, and the `since` of the
/// next ask: the server's time less [`NOTICE_OVERLAP`], never before `since`.
pub async fn notices(db: &Db, workspace_id: i64, since: &str) -> Result<FinishedImports, AppError> {
    let now_t = time::OffsetDateTime::now_utc();
    let finished = finished_since(db, workspace_id, since).await?;
    // Times as `rfc3339` writes them sort as text.
    let next = rfc3339(now_t - NOTICE_OVERLAP).max(since.to_string());
    Ok(FinishedImports { now: next, finished })
}

/// The workspace's background imports whose job ended (done or failed)
/// after `since`, oldest first (at most 50).
async fn finished_since(db: &Db, workspace_id: i64, since: &str) -> Result<Vec<ImportSummary>, AppError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} {SUMMARY_JOINS} WHERE i.workspace_id = $1 AND j.state IN ('done', 'failed') \
         AND j.finished_at > $2 ORDER BY j.finished_at, i.id LIMIT 50"
    );
    on_pool!(db.pool, p => {
        sqlx::query(&sql).bind(workspace_id).bind(since).fetch_all(p).await?.iter().map(imports::summary_of).collect()
    })
}
