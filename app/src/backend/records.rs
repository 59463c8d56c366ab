//! The record tables (`clients`, `leads`, `companies`): one column per field
//! of the built-in template of the same name, holding the normalised value as
//! text, plus `id`, `workspace_id`, `created_at` and `updated_at`, and
//! `key_folded`: the record's key (a client's or lead's email, a company's
//! name) folded by [`fold_key`], which imports look records up by and a
//! unique index guards. SQL's `LOWER` is never used to match keys: SQLite
//! and PostgreSQL fold differently from each other and from Rust.
//!
//! Table and column names only ever come from the compiled-in templates
//! (checked by [`table_for`]), never from a request; values are always bound
//! as parameters.

use super::db::{Backend, Conn, Db};
use super::destination::{with_skipped, Batch, BoxFuture, Destination, Prepared, Rows};
use crate::model::{BatchResult, RecordPage, RecordRow, SessionInfo, SkippedRow};
use crate::AppError;
use csv_import_core::{fold_key, Template, Value};
use crate::{on_conn, on_pool};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The tables, each named after its built-in template and entity.
pub const TABLES: [&str; 3] = ["clients", "leads", "companies"];

/// Each table's key field, whose folded value is its `key_folded`.
const KEYS: [(&str, &str); 3] = [("clients", "email"), ("leads", "email"), ("companies", "name")];

/// Records per page of [`page`].
pub const PER_PAGE: u32 = 25;

/// A record table the server stores a template's rows in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordTable {
    /// The table's name, one of [`TABLES`].
    pub name: &'static str,
    /// The field whose folded value is the table's `key_folded`.
    pub key: &'static str,
}

/// The table for a built-in template, if the server stores its rows: the
/// template's name and entity must both be the table's name, its upsert key
/// the table's key field, and every field key a plain identifier (they
/// become column names).
pub fn table_for(template: &Template) -> Option<RecordTable> {
    let (name, key) = KEYS.iter().copied().find(|(t, _)| *t == template.name && *t == template.entity)?;
    let plain = |key: &str| !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let keyed = template.key.len() == 1 && template.key[0] == key && template.field(key).is_some();
    (keyed && template.fields.iter().all(|f| plain(&f.key) && !f.repeatable)).then_some(RecordTable { name, key })
}

/// The text a value is stored as; `None` for no value.
pub fn stored(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Text(s) if s.is_empty() => None,
        Value::List(items) if items.is_empty() => None,
        other => Some(other.to_cell()),
    }
}

/// The text two key values are compared by (case ignored): [`fold_key`].
pub fn key_text(value: &str) -> String {
    fold_key(value)
}

/// One page of a workspace's records, newest first, optionally filtered by
/// `search` (case-insensitive, anywhere in a name, the email or the company).
pub async fn page(
    db: &Db,
    workspace_id: i64,
    template: &Template,
    table: RecordTable,
    search: &str,
    page: u32,
) -> Result<RecordPage, AppError> {
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    let has = |c: &str| columns.contains(&c);
    let mut searched: Vec<String> = ["name", "first_name", "last_name", "email", "company"]
        .into_iter()
        .filter(|c| has(c))
        .map(|c| format!("LOWER({c}) LIKE LOWER($2) ESCAPE '\\'"))
        .collect();
    if has("first_name") && has("last_name") {
        searched.push(
            "LOWER(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')) LIKE LOWER($2) ESCAPE '\\'".to_string(),
        );
    }
    // The key also by its folded text, which finds `Ölwerk` for `ölwerk`
    // where SQLite's `LOWER` folds ASCII only.
    searched.push("key_folded LIKE $3 ESCAPE '\\'".to_string());
    let search = super::clean_text(search, 200);
    let filter = if search.is_empty() { String::new() } else { format!(" AND ({})", searched.join(" OR ")) };
    let pattern = super::db::contains_pattern(&search);
    let folded = fold_key(&pattern);
    let table_name = table.name;

    let count_sql = format!("SELECT COUNT(*) FROM {table_name} WHERE workspace_id = $1{filter}");
    let total: i64 = on_pool!(db.pool, p => {
        let mut count = sqlx::query_scalar(&count_sql).bind(workspace_id);
        if !filter.is_empty() {
            count = count.bind(&pattern).bind(&folded);
        }
        count.fetch_one(p).await
    })?;

    let offset = u64::from(page) * u64::from(PER_PAGE);
    let select_sql = format!(
        "SELECT id, {} FROM {table_name} WHERE workspace_id = $1{filter} ORDER BY id DESC LIMIT {PER_PAGE} OFFSET {offset}",
        columns.join(", ")
    );
    let rows = on_pool!(db.pool, p => {
        let mut select = sqlx::query(&select_sql).bind(workspace_id);
        if !filter.is_empty() {
            select = select.bind(&pattern).bind(&folded);
        }
        select
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|row| {
                let id: i64 = row.try_get(0)?;
                let values = (0..columns.len())
                    .map(|i| row.try_get::<Option<String>, _>(i + 1).map(Option::unwrap_or_default))
                    .collect::<Result<Vec<String>, _>>()?;
                Ok(RecordRow { id, values })
            })
            .collect::<Result<Vec<RecordRow>, sqlx::Error>>()
    })?;
    Ok(RecordPage {
        columns: template.fields.iter().map(|f| f.header().to_string()).collect(),
        rows,
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page: PER_PAGE,
    })
}


/// An existing record: its id and stored values in field order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    /// Database id.
    pub id: i64,
    /// Values in the template's field order.
    pub values: Vec<Option<String>>,
}

/// The most parameters one SQLite statement may bind (SQLite's
/// `SQLITE_MAX_VARIABLE_NUMBER` since 3.32; the bundled SQLite is newer).
const SQLITE_MAX_PARAMS: usize = 32_766;

/// Rows per PostgreSQL statement (the arrays are one parameter each, bound
/// by the driver, so this bounds memory, not a protocol limit).
const POSTGRES_MAX_ROWS: usize = 10_000;

/// The workspace's records whose `key` field (the table's key) has one of
/// `keys` as its folded text ([`key_text`], as the caller gives them), by
/// that text. Where several records share a key (only rows from before the
/// folded keys can), the oldest wins: the others have no `key_folded`. One
/// statement on PostgreSQL (the keys as one array); on SQLite as few as its
/// parameter limit allows.
pub async fn find_by_key(
    mut conn: Conn<'_>,
    template: &Template,
    table: RecordTable,
    workspace_id: i64,
    key: &str,
    keys: &[String],
) -> Result<HashMap<String, Existing>, AppError> {
    if key != table.key || template.field(key).is_none() {
        return Err(AppError::internal("find_by_key", format!("{key} is not the key of {}", table.name)));
    }
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    let postgres = conn.backend() == Backend::Postgres;
    let chunk_len = if postgres { POSTGRES_MAX_ROWS } else { SQLITE_MAX_PARAMS - 1 };
    let mut found = HashMap::new();
    for chunk in keys.chunks(chunk_len) {
        let rows: Vec<(i64, String, Vec<Option<String>>)> = match conn.reborrow() {
            Conn::Postgres(c) => {
                // One probe of the (workspace_id, key_folded) unique index per
                // key: while a big import runs, the table's statistics lag, and
                // `key_folded = ANY (...)` (or a plain join) is then planned as a
                // scan of the whole workspace, which grows with every batch. The
                // `LIMIT 1` (the key is unique) keeps the probe a nested loop.
                let sql = format!(
                    "SELECT r.id, r.key_folded, {} FROM unnest($2::text[]) AS k(key) \
                     CROSS JOIN LATERAL (SELECT * FROM {} t WHERE t.workspace_id = $1 AND t.key_folded = k.key LIMIT 1) r",
                    columns.iter().map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", "),
                    table.name
                );
                // Planned each time (not kept prepared): a plan kept from when
                // the table was small scans the whole table once it is not.
                let rows = sqlx::query(&sql)
                    .persistent(false)
                    .bind(workspace_id)
                    .bind(chunk)
                    .fetch_all(c)
                    .await
                    .map_err(super::db::value_error)?;
                rows.iter().map(|row| existing_of(row, columns.len())).collect::<Result<_, _>>()?
            }
            Conn::Sqlite(c) => {
                // Anonymous `?` parameters: SQLite looks named ones (`$n`) up
                // by a linear search, which is quadratic over a long list.
                let sql = format!(
                    "SELECT id, key_folded, {} FROM {} WHERE workspace_id = ? AND key_folded IN ({})",
                    columns.join(", "),
                    table.name,
                    vec!["?"; chunk.len()].join(", ")
                );
                let mut query = sqlx::query(&sql).persistent(false).bind(workspace_id);
                for k in chunk {
                    query = query.bind(k.as_str());
                }
                let rows = query.fetch_all(c).await?;
                rows.iter().map(|row| existing_of(row, columns.len())).collect::<Result<_, _>>()?
            }
        };
        for (id, folded, values) in rows {
            found.insert(folded, Existing { id, values });
        }
    }
    Ok(found)
}

/// A record's id, folded key and `fields` values, from a row that has them
/// in that order.
fn existing_of<R: Row>(row: &R, fields: usize) -> Result<(i64, String, Vec<Option<String>>), sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let values = (0..fields).map(|i| row.try_get::<Option<String>, _>(i + 2)).collect::<Result<Vec<_>, _>>()?;
    Ok((row.try_get(0)?, row.try_get(1)?, values))
}

/// Give every record that has a key but no `key_folded` (rows from before
/// the folded keys) its folded key, oldest first, a thousand per
/// transaction. Where several such records fold to one key, or a record
/// already has it, the oldest keeps it and the others stay without (as
/// before, the oldest record of a key was the one imports updated). Run
/// at start-up, after the migrations; a partial index finds the rows to
/// fold, so with none it costs one lookup per table.
pub async fn fill_folded_keys(db: &Db) -> Result<(), sqlx::Error> {
    for (table, key) in KEYS {
        let mut after = 0i64;
        loop {
            let sql = format!(
                "SELECT id, {key} FROM {table} WHERE key_folded IS NULL AND {key} IS NOT NULL AND id > $1 \
                 ORDER BY id LIMIT 1000"
            );
            let rows: Vec<(i64, String)> = on_pool!(db.pool, p => sqlx::query_as(&sql).bind(after).fetch_all(p).await)?;
            let Some((last, _)) = rows.last() else { break };
            let last = *last;
            let mut tx = db.begin().await?;
            if let Conn::Postgres(c) = tx.conn() {
                // Server processes starting together fold one at a time.
                sqlx::query("SELECT pg_advisory_xact_lock(2026120301)").execute(c).await?;
            }
            // Not when another record of the workspace has the key.
            let update = format!(
                "UPDATE {table} SET key_folded = $1 WHERE id = $2 AND NOT EXISTS \
                 (SELECT 1 FROM {table} o WHERE o.workspace_id = {table}.workspace_id AND o.key_folded = $1)"
            );
            for (id, value) in rows {
                on_conn!(tx.conn(), c => sqlx::query(&update).bind(fold_key(&value)).bind(id).execute(c).await.map(drop))?;
            }
            tx.commit().await?;
            after = last;
        }
    }
    Ok(())
}

/// One record to write: `id: None` inserts a new record, `Some(id)` (an
/// existing record of the workspace) overwrites its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The record to overwrite, or `None` for a new one.
    pub id: Option<i64>,
    /// Values in the template's field order.
    pub values: Vec<Option<String>>,
}

/// Insert records (values in field order), several per statement. A key
/// already taken (a concurrent import) is a 409 [`AppError::Conflict`].
pub async fn insert_many(
    conn: Conn<'_>,
    template: &Template,
    table: RecordTable,
    workspace_id: i64,
    rows: &[Vec<Option<String>>],
    now: &str,
) -> Result<(), AppError> {
    let writes: Vec<Write> = rows.iter().map(|values| Write { id: None, values: values.clone() }).collect();
    write_many(conn, template, table, workspace_id, &writes, now).await
}

/// Insert the new records and overwrite the existing ones of `writes` in as
/// few statements as the database allows: one multi-row `INSERT ... ON
/// CONFLICT (id) DO UPDATE` per chunk on SQLite (chunks sized to its
/// parameter limit), and on PostgreSQL one `COPY` for the new records and
/// one `UPDATE ... FROM unnest(..)` for the changed ones, each column as one
/// array parameter. New
/// records get `created_at` and `updated_at` = `now`, updated ones
/// `updated_at`. A record is only ever updated within `workspace_id`. A key
/// already taken by another record (a concurrent import) is a 409
/// [`AppError::Conflict`].
pub async fn write_many(
    mut conn: Conn<'_>,
    template: &Template,
    table: RecordTable,
    workspace_id: i64,
    writes: &[Write],
    now: &str,
) -> Result<(), AppError> {
    if writes.is_empty() {
        return Ok(());
    }
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    if let Some(bad) = writes.iter().find(|w| w.values.len() != columns.len()) {
        return Err(AppError::internal(
            "write_many",
            format!("{} values for the {} fields of {}", bad.values.len(), columns.len(), template.name),
        ));
    }
    let Some(key_at) = columns.iter().position(|c| *c == table.key) else {
        return Err(AppError::internal("write_many", format!("{} has no field {}", template.name, table.key)));
    };
    let postgres = conn.backend() == Backend::Postgres;
    let max_rows = if postgres { POSTGRES_MAX_ROWS } else { SQLITE_MAX_PARAMS / (columns.len() + 5) };
    // One statement may not update a record twice (PostgreSQL refuses it):
    // a second write of the same id starts the next statement.
    let mut start = 0;
    while start < writes.len() {
        let mut ids = HashSet::new();
        let mut end = start;
        while end < writes.len() && end - start < max_rows && writes[end].id.is_none_or(|id| ids.insert(id)) {
            end += 1;
        }
        let chunk = &writes[start..end];
        // Kept prepared: the statements of a full chunk or a full batch,
        // which every import repeats.
        let full = chunk.len() == max_rows || chunk.len() == super::imports::MAX_BATCH_ROWS as usize;
        match conn.reborrow() {
            Conn::Postgres(c) => write_postgres(c, &columns, key_at, table, workspace_id, chunk, now).await?,
            Conn::Sqlite(c) => write_sqlite(c, &columns, key_at, table, workspace_id, chunk, now, full).await?,
        }
        start = end;
    }
    Ok(())
}

/// The `SET` list of an upsert: every field, `key_folded` and `updated_at`
/// from `excluded`.
fn upsert_sets(columns: &[&str]) -> String {
    columns
        .iter()
        .chain(["key_folded", "updated_at"].iter())
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `key_folded` of a record's values.
fn folded(write: &Write, key_at: usize) -> Option<String> {
    write.values[key_at].as_deref().map(fold_key)
}

fn conflict(e: sqlx::Error) -> AppError {
    match &e {
        // The key's unique index: another import added the same record
        // since this batch looked. Sent again, the batch finds it.
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(
            "Another import added some of these records at the same moment. Send the batch again.".to_string(),
        ),
        _ => super::db::value_error(e),
    }
}

#[allow(clippy::too_many_arguments)]
async fn write_sqlite(
    conn: &mut sqlx::SqliteConnection,
    columns: &[&str],
    key_at: usize,
    table: RecordTable,
    workspace_id: i64,
    chunk: &[Write],
    now: &str,
    persistent: bool,
) -> Result<(), AppError> {
    // Anonymous `?` parameters, all bound in order: SQLite looks named ones
    // (`$n`) up by a linear search, which is quadratic over thousands.
    let tuple = format!("({})", vec!["?"; columns.len() + 5].join(", "));
    let name = table.name;
    let sql = format!(
        "INSERT INTO {name} (id, workspace_id, {}, key_folded, created_at, updated_at) VALUES {} \
         ON CONFLICT (id) DO UPDATE SET {} WHERE {name}.workspace_id = excluded.workspace_id",
        columns.join(", "),
        vec![tuple.as_str(); chunk.len()].join(", "),
        upsert_sets(columns)
    );
    let mut query = sqlx::query(&sql).persistent(persistent);
    for write in chunk {
        query = query.bind(write.id).bind(workspace_id);
        for v in &write.values {
            query = query.bind(v.as_deref());
        }
        query = query.bind(folded(write, key_at)).bind(now).bind(now);
    }
    query.execute(&mut *conn).await.map_err(conflict)?;
    Ok(())
}

async fn write_postgres(
    conn: &mut sqlx::PgConnection,
    columns: &[&str],
    key_at: usize,
    table: RecordTable,
    workspace_id: i64,
    chunk: &[Write],
    now: &str,
) -> Result<(), AppError> {
    // New records and changed ones in two statements: a plain INSERT lets
    // the id default and skips the speculative insertion an `ON CONFLICT`
    // costs per row (a fifth of the statement's time on all-new rows).
    let (new, changed): (Vec<&Write>, Vec<&Write>) = chunk.iter().partition(|w| w.id.is_none());
    let name = table.name;
    let cols = columns.join(", ");
    let folded_of = |writes: &[&Write]| writes.iter().map(|w| folded(w, key_at)).collect::<Vec<_>>();
    fn column_of<'w>(writes: &[&'w Write], i: usize) -> Vec<Option<&'w str>> {
        writes.iter().map(|w| w.values[i].as_deref()).collect()
    }
    if !new.is_empty() {
        // New records by `COPY`, PostgreSQL's bulk loader, straight into the
        // table: a taken key fails it as it would fail an INSERT.
        let sql = format!(
            "COPY {name} (workspace_id, {cols}, key_folded, created_at, updated_at) FROM STDIN (FORMAT binary)"
        );
        let data = copy_rows(workspace_id, &new, key_at, now);
        let mut copy = conn.copy_in_raw(&sql).await.map_err(conflict)?;
        if let Err(e) = copy.send(data).await {
            let _ = copy.abort("the rows could not be sent").await;
            return Err(conflict(e));
        }
        copy.finish().await.map_err(conflict)?;
    }
    if !changed.is_empty() {
        let arrays: Vec<String> = (0..columns.len()).map(|i| format!("${}::text[]", i + 5)).collect();
        let sets: Vec<String> = columns.iter().map(|c| format!("{c} = v.{c}")).collect();
        let sql = format!(
            "UPDATE {name} SET {sets}, key_folded = v.key_folded, updated_at = $2 \
             FROM unnest($3::bigint[], $4::text[], {arrays}) AS v(id, key_folded, {cols}) \
             WHERE {name}.id = v.id AND {name}.workspace_id = $1",
            sets = sets.join(", "),
            arrays = arrays.join(", "),
        );
        // Planned each time, as the key lookup: a plan kept from when the
        // table was small could join it by a full scan.
        let mut query = sqlx::query(&sql)
            .persistent(false)
            .bind(workspace_id)
            .bind(now)
            .bind(changed.iter().map(|w| w.id).collect::<Vec<_>>())
            .bind(folded_of(&changed));
        for i in 0..columns.len() {
            query = query.bind(column_of(&changed, i));
        }
        query.execute(&mut *conn).await.map_err(conflict)?;
    }
    Ok(())
}

/// New records as `COPY ... (FORMAT binary)` data: per row the workspace,
/// the values, the folded key, and `now` as created and updated time.
fn copy_rows(workspace_id: i64, writes: &[&Write], key_at: usize, now: &str) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, value: Option<&str>) {
        match value {
            // A field's length, or -1 for NULL; text is sent as its UTF-8 bytes.
            Some(v) => {
                out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                out.extend_from_slice(v.as_bytes());
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    let mut out = Vec::with_capacity(64 + writes.len() * 256);
    // The signature, no flags, no header extension.
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes());
    out.extend_from_slice(&0i32.to_be_bytes());
    for write in writes {
        let fields = 1 + write.values.len() + 3;
        out.extend_from_slice(&(fields as i16).to_be_bytes());
        out.extend_from_slice(&8i32.to_be_bytes());
        out.extend_from_slice(&workspace_id.to_be_bytes());
        for value in &write.values {
            text(&mut out, value.as_deref());
        }
        text(&mut out, folded(write, key_at).as_deref());
        text(&mut out, Some(now));
        text(&mut out, Some(now));
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
    out
}

/// Insert the new records of a record table and update the changed ones,
/// matched by the template's key, on `conn` inside the batch's transaction.
///
/// With `new_first`, the rows are first written as new records without
/// looking anything up, in a savepoint: an import of new records then costs
/// no lookup (a sixth of its commit's time). When a key is taken (a record
/// of the file exists already) the database refuses the insert, usually at
/// the first such row; the savepoint is rolled back and the rows are looked
/// up, compared and written. The caller passes `false` once an import has
/// met existing records, so that a re-import tries it once, not per batch
/// (each refusal is an error in PostgreSQL's log).
pub async fn write_batch(
    mut conn: Conn<'_>,
    workspace_id: i64,
    template: &Template,
    table: RecordTable,
    valid: Vec<(u64, Vec<Option<String>>)>,
    now: &str,
    new_first: bool,
) -> Result<BatchResult, AppError> {
    if !new_first || valid.is_empty() {
        return match_and_write(conn.reborrow(), workspace_id, template, table, valid, now).await;
    }
    let (rows, writes): (Vec<u64>, Vec<Write>) =
        valid.into_iter().map(|(row, values)| (row, Write { id: None, values })).unzip();
    conn.run("SAVEPOINT new_records").await?;
    match write_many(conn.reborrow(), template, table, workspace_id, &writes, now).await {
        Ok(()) => {
            conn.run("RELEASE SAVEPOINT new_records").await?;
            return Ok(BatchResult { inserted: writes.len() as u64, ..BatchResult::default() });
        }
        // A key taken, by a record of the workspace or an earlier row.
        Err(AppError::Conflict(_)) => {
            conn.run("ROLLBACK TO SAVEPOINT new_records; RELEASE SAVEPOINT new_records").await?;
        }
        Err(e) => return Err(e),
    }
    let valid = rows.into_iter().zip(writes.into_iter().map(|w| w.values)).collect();
    match_and_write(conn, workspace_id, template, table, valid, now).await
}

/// Look the rows up by the template's key, count each as inserted, updated
/// or unchanged against the records found, and write the new and changed
/// ones.
async fn match_and_write(
    mut conn: Conn<'_>,
    workspace_id: i64,
    template: &Template,
    table: RecordTable,
    valid: Vec<(u64, Vec<Option<String>>)>,
    now: &str,
) -> Result<BatchResult, AppError> {
    // Each row is matched by the first key field it has a value for.
    let keys: Vec<(usize, &str)> = template
        .key
        .iter()
        .filter_map(|k| template.fields.iter().position(|f| &f.key == k).map(|i| (i, k.as_str())))
        .collect();
    let row_keys: Vec<Option<(usize, String)>> = valid
        .iter()
        .map(|(_, values)| {
            keys.iter().enumerate().find_map(|(j, (i, _))| values[*i].as_deref().map(|v| (j, key_text(v))))
        })
        .collect();
    let mut existing: Vec<HashMap<String, Existing>> = Vec::with_capacity(keys.len());
    for (j, (_, key)) in keys.iter().enumerate() {
        let wanted: Vec<String> = row_keys.iter().flatten().filter(|(k, _)| *k == j).map(|(_, v)| v.clone()).collect();
        existing.push(if wanted.is_empty() {
            HashMap::new()
        } else {
            find_by_key(conn.reborrow(), template, table, workspace_id, key, &wanted).await?
        });
    }

    // The counts are decided here, against the records read above in this
    // transaction; the new and changed records are then written together in
    // multi-row statements (`write_many`).
    let mut result = BatchResult::default();
    let mut writes: Vec<Write> = Vec::with_capacity(valid.len());
    for ((_, values), key) in valid.into_iter().zip(row_keys) {
        match key.and_then(|(j, k)| existing[j].get(&k)) {
            None => {
                result.inserted += 1;
                writes.push(Write { id: None, values });
            }
            Some(found) if found.values == values => result.unchanged += 1,
            Some(found) => {
                result.updated += 1;
                writes.push(Write { id: Some(found.id), values });
            }
        }
    }
    write_many(conn, template, table, workspace_id, &writes, now).await?;
    Ok(result)
}

/// The built-in destinations: one per record table, by its name.
pub fn destinations() -> Vec<Arc<dyn Destination>> {
    TABLES.iter().map(|name| Arc::new(RecordDestination { name }) as Arc<dyn Destination>).collect()
}

/// A record table (clients, leads, companies), upserted by the template's key.
struct RecordDestination {
    name: &'static str,
}

impl RecordDestination {
    fn table(&self, template: &Template) -> Result<RecordTable, AppError> {
        table_for(template)
            .filter(|t| t.name == self.name)
            .ok_or_else(|| AppError::internal("destination", format!("no table {} for {}", self.name, template.name)))
    }
}

impl Destination for RecordDestination {
    fn name(&self) -> &str {
        self.name
    }

    fn accepts(&self, template: &Template) -> bool {
        table_for(template).is_some_and(|t| t.name == self.name)
    }

    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(async move {
            let table = self.table(batch.template)?;
            let new_first = !batch.found_existing;
            let result =
                write_batch(conn, batch.workspace_id, batch.template, table, rows, batch.now, new_first).await?;
            Ok(with_skipped(result, skipped))
        })
    }

    fn existing<'a>(
        &'a self,
        db: &'a Db,
        session: &'a SessionInfo,
        template: &'a Template,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            let table = self.table(template)?;
            crate::backend::existing::existing(db, table, field, session.workspace.id, values).await
        })
    }
}


#[cfg(test)]
mod tests {
    use super::{copy_rows, Write};

    #[test]
    fn new_records_are_copied_as_binary_fields_with_null_as_minus_one() {
        let write = Write { id: None, values: vec![Some("Zoë".into()), None, Some("A@x.COM".into())] };
        let data = copy_rows(7, &[&write], 2, "now");
        let mut expected = b"PGCOPY\n\xff\r\n\0".to_vec();
        expected.extend([0, 0, 0, 0, 0, 0, 0, 0]);
        // Seven fields: the workspace, three values, the folded key, two times.
        expected.extend(7i16.to_be_bytes());
        expected.extend(8i32.to_be_bytes());
        expected.extend(7i64.to_be_bytes());
        expected.extend(4i32.to_be_bytes());
        expected.extend("Zoë".as_bytes());
        expected.extend((-1i32).to_be_bytes());
        expected.extend(7i32.to_be_bytes());
        expected.extend(b"A@x.COM");
        expected.extend(7i32.to_be_bytes());
        expected.extend(b"a@x.com");
        for _ in 0..2 {
            expected.extend(3i32.to_be_bytes());
            expected.extend(b"now");
        }
        expected.extend((-1i16).to_be_bytes());
        assert_eq!(data, expected);
    }
}
