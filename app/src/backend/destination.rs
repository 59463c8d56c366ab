//! Where an import's rows go: the seam between the generic import pipeline
//! (start, batches, idempotency, staging, jobs, history, reports) and the
//! storage of whoever hosts the importer.
//!
//! The pipeline checks every row again with core, claims the batch by
//! (import id, seq) and then hands the valid rows to the template's
//! [`Destination`] inside the batch's transaction. The destination answers
//! per row (inserted, updated, unchanged, skipped with reasons in the
//! import's language). A template names its destination
//! ([`Template::destination_name`]); a host registers destinations by name
//! with [`register`].

use super::db::Db;
use crate::model::{BatchResult, RefusedCombination, SessionInfo, SkippedRow};
use crate::AppError;
use csv_import_core::{Lang, Record, Template};
use super::db::Conn;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};

/// A future a destination returns (boxed: destinations are trait objects).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Rows ready to store: the file's row number and the values in the
/// template's field order, normalised and as stored (`None`: no value).
pub type Rows = Vec<(u64, Vec<Option<String>>)>;

/// One batch, as a destination sees it.
pub struct Batch<'a> {
    /// The workspace the rows belong to.
    pub workspace_id: i64,
    /// The user who imports them.
    pub user_id: i64,
    /// The import, and the batch's place in it: together they identify the
    /// batch (a batch sent twice is applied once, before the destination).
    pub import_id: &'a str,
    /// The batch's sequence number in the import.
    pub seq: u32,
    /// The template, as the workspace uses it.
    pub template: &'a Template,
    /// The rows as sent (original cells), for destinations that keep more
    /// than the template's fields (attributes by column prefix).
    pub records: &'a [Record],
    /// The time of the commit, RFC 3339.
    pub now: &'a str,
    /// The import's language, for the reasons of skipped rows.
    pub lang: Lang,
    /// Whether earlier batches of the import met records that exist already
    /// (rows updated or unchanged): a hint for a destination that tries
    /// writing the rows as new records before looking them up.
    pub found_existing: bool,
}

/// Who a check is for: the workspace whose data answers it, and the user who
/// asks, to whom a destination may show only part of that data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asker {
    /// The workspace.
    pub workspace_id: i64,
    /// The user.
    pub user_id: i64,
}

/// What a destination worked out before the write transaction (see
/// [`Destination::prepare`]); handed back to [`Destination::write`].
#[derive(Default)]
pub struct Prepared(Option<Box<dyn Any + Send + Sync>>);

impl Prepared {
    /// Keep `value` for the write.
    pub fn new<T: Any + Send + Sync>(value: T) -> Prepared {
        Prepared(Some(Box::new(value)))
    }

    /// The value kept by [`Prepared::new`], if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.as_ref().and_then(|v| v.downcast_ref())
    }
}

/// Stores the checked rows of the templates that name it.
///
/// Every method may be called for any workspace: the pipeline has checked
/// the session, its permission and the import's owner, and passes the
/// workspace to keep the rows in.
pub trait Destination: Send + Sync {
    /// The name templates refer to it by.
    fn name(&self) -> &str;

    /// Whether it can store `template`'s rows (a destination may need
    /// certain fields or a key): the pipeline refuses imports it cannot.
    fn accepts(&self, _template: &Template) -> bool {
        true
    }

    /// Whether rows are matched to stored records by the template's key, so
    /// that two rows of one batch with the same key are refused (the second
    /// would update what the first added). `false` where one key has many
    /// rows (a lead and each of its coaches).
    fn matches_by_key(&self) -> bool {
        true
    }

    /// The most rows a batch of its imports carries (at most
    /// [`imports::MAX_BATCH_ROWS`]). Fewer where each row costs time before
    /// the transaction (hashing passwords) or a receiver has to take the
    /// batch in one request (a webhook).
    ///
    /// [`imports::MAX_BATCH_ROWS`]: super::imports::MAX_BATCH_ROWS
    fn max_batch_rows(&self) -> u32 {
        super::imports::MAX_BATCH_ROWS
    }

    /// The template as `workspace_id` uses it (a form the workspace
    /// configured); the built-in one by default.
    fn template_for<'a>(
        &'a self,
        _db: &'a Db,
        _workspace_id: i64,
        template: Template,
    ) -> BoxFuture<'a, Result<Template, AppError>> {
        Box::pin(async move { Ok(template) })
    }

    /// Work on the batch's rows before the write transaction, or `None` for
    /// none (the default): slow work that must not hold the database's write
    /// lock (hashing passwords), or delivery to another system (a webhook).
    /// It is not run for a batch applied before, nor for one refused as a
    /// whole; it may run again for a batch whose transaction did not commit
    /// (a restart, the same batch sent twice at once), so a delivery carries
    /// the batch's (import id, seq) for the receiver to apply it once.
    fn prepare<'a>(
        &'a self,
        _db: &'a Db,
        _batch: &'a Batch<'a>,
        _rows: &'a Rows,
    ) -> Option<BoxFuture<'a, Result<Prepared, AppError>>> {
        None
    }

    /// Store `rows` on `conn` (inside the batch's transaction) and answer per
    /// row. `skipped` are the rows the pipeline refused: a destination that
    /// refuses a whole file for one bad row needs them; the others hand them
    /// back in the result. A database error aborts the batch: the pipeline
    /// then finds the row the database refused and tries again without it.
    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>>;

    /// Which of `values` (distinct, as given) are not values `asker`'s
    /// workspace has for the reference `name` that a field of `template`
    /// declares (`reference = "project"`: "must be an existing project
    /// code"), on the caller's connection; values in, never rows. Compare as
    /// your data does (ignoring case, say). Answer only what `asker.user_id`
    /// may know: a user who sees part of the workspace must not learn which
    /// values exist outside it. By default the destination knows no
    /// references of its own, and the check is refused.
    fn unknown_references<'a>(
        &'a self,
        _conn: Conn<'a>,
        _asker: Asker,
        template: &'a Template,
        name: &'a str,
        _values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            Err(cannot_check(template, name))
        })
    }

    /// Which of `combinations` (values of the fields `group`, one of the
    /// template's [`Template::checked_together`], in its order) do not go
    /// together for `session`'s user, with the value to mark and why, in
    /// `lang`; distinct combinations in, never rows. The review marks those
    /// cells; `write` must refuse such rows itself. By default the
    /// destination checks no combinations, and the check is refused.
    #[allow(clippy::too_many_arguments)]
    fn refused_combinations<'a>(
        &'a self,
        _conn: Conn<'a>,
        _session: &'a SessionInfo,
        template: &'a Template,
        _group: &'a [String],
        _combinations: &'a [Vec<String>],
        _lang: Lang,
    ) -> BoxFuture<'a, Result<Vec<RefusedCombination>, AppError>> {
        Box::pin(async move {
            Err(cannot_check_together(template))
        })
    }

    /// Which of `values` the workspace's stored records already have in
    /// `field` (folded by `fold_key`, each once), so that the review step can
    /// say which rows update a record; distinct values in, never rows. By
    /// default the destination keeps no such values to compare with.
    fn existing<'a>(
        &'a self,
        _db: &'a Db,
        _session: &'a SessionInfo,
        template: &'a Template,
        _field: &'a str,
        _values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            Err(AppError::BadRequest(format!("Imports of {} cannot be compared with stored records.", template.label)))
        })
    }
}

/// The answer to a batch of a template that takes a file only when every
/// row is valid, when some are not: nothing stored, every row skipped, the
/// valid ones with a reason that names the first invalid rows.
pub fn file_rejected(lang: Lang, mut skipped: Vec<SkippedRow>, valid_rows: impl IntoIterator<Item = u64>) -> BatchResult {
    skipped.sort_by_key(|s| s.row);
    let bad: Vec<String> = skipped.iter().take(5).map(|s| s.row.to_string()).collect();
    let text = crate::i18n::Locale::of_core(lang).text();
    let why = (text.file_rejected)(&bad.join(", "), skipped.len().saturating_sub(5));
    skipped.extend(valid_rows.into_iter().map(|row| SkippedRow { row, reasons: vec![why.clone()] }));
    skipped.sort_by_key(|s| s.row);
    BatchResult { skipped, ..BatchResult::default() }
}

/// The refusal of a reference check the destination cannot answer.
pub fn cannot_check(template: &Template, reference: &str) -> AppError {
    AppError::BadRequest(format!("Imports of {} cannot check {reference} values.", template.label))
}

/// The refusal of a check of values together the destination cannot answer.
pub fn cannot_check_together(template: &Template) -> AppError {
    AppError::BadRequest(format!("Imports of {} cannot check values together.", template.label))
}

/// `skipped` and the rows the store refused in `result`, by row.
pub fn with_skipped(mut result: BatchResult, mut skipped: Vec<SkippedRow>) -> BatchResult {
    skipped.append(&mut result.skipped);
    skipped.sort_by_key(|s| s.row);
    result.skipped = skipped;
    result
}

/// The registered destinations.
fn registry() -> &'static RwLock<Vec<Arc<dyn Destination>>> {
    static REGISTRY: OnceLock<RwLock<Vec<Arc<dyn Destination>>>> = OnceLock::new();
    // The built-in ones, then the portal's this server is built with.
    REGISTRY.get_or_init(|| {
        let mut all = super::records::destinations();
        all.push(Arc::new(super::webhook::Webhook::new(super::webhook::NAME)));
        #[cfg(feature = "portal")]
        all.extend(crate::portal::backend::destinations::destinations());
        RwLock::new(all)
    })
}

/// Register `destination` under its name, in place of one registered
/// under that name before.
pub fn register(destination: Arc<dyn Destination>) {
    let mut all = registry().write().unwrap_or_else(|e| e.into_inner());
    all.retain(|d| d.name() != destination.name());
    all.push(destination);
}

/// The destination of `template`'s rows, if one is registered that accepts it.
pub fn for_template(template: &Template) -> Option<Arc<dyn Destination>> {
    let all = registry().read().unwrap_or_else(|e| e.into_inner());
    all.iter().find(|d| d.name() == template.destination_name() && d.accepts(template)).cloned()
}
