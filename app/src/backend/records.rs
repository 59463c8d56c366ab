//! The record tables (`clients`, `leads`, `companies`): one column per field
//! of the built-in template of the same name, holding the normalised value as
//! text, plus `id`, `workspace_id`, `created_at` and `updated_at`.
//!
//! Table and column names only ever come from the compiled-in templates
//! (checked by [`table_for`]), never from a request; values are always bound
//! as parameters.

use super::db::Db;
use crate::model::{RecordPage, RecordRow};
use crate::server_fns::AppError;
use csv_import_core::{Template, Value};
use sqlx::{AnyConnection, Row};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// The tables, each named after its built-in template and entity.
pub const TABLES: [&str; 3] = ["clients", "leads", "companies"];

/// Records per page of [`page`].
pub const PER_PAGE: u32 = 25;

/// A record table the server stores a template's rows in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordTable {
    /// The table's name, one of [`TABLES`].
    pub name: &'static str,
}

/// The table for a built-in template, if the server stores its rows: the
/// template's name and entity must both be the table's name, and every field
/// key a plain identifier (they become column names).
pub fn table_for(template: &Template) -> Option<RecordTable> {
    let name = TABLES.iter().copied().find(|t| *t == template.name && *t == template.entity)?;
    let plain = |key: &str| !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    template.fields.iter().all(|f| plain(&f.key) && !f.repeatable).then_some(RecordTable { name })
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

/// The text two key values are compared by (case ignored).
pub fn key_text(value: &str) -> String {
    value.to_lowercase()
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
    let search = super::clean_text(search, 200);
    let filter = if search.is_empty() || searched.is_empty() {
        String::new()
    } else {
        format!(" AND ({})", searched.join(" OR "))
    };
    let pattern = format!("%{}%", escape_like(&search));
    let table_name = table.name;

    let count_sql = format!("SELECT COUNT(*) FROM {table_name} WHERE workspace_id = $1{filter}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(workspace_id);
    if !filter.is_empty() {
        count = count.bind(pattern.clone());
    }
    let total = count.fetch_one(&db.pool).await?;

    let offset = u64::from(page) * u64::from(PER_PAGE);
    let select_sql = format!(
        "SELECT id, {} FROM {table_name} WHERE workspace_id = $1{filter} ORDER BY id DESC LIMIT {PER_PAGE} OFFSET {offset}",
        columns.join(", ")
    );
    let mut select = sqlx::query(&select_sql).bind(workspace_id);
    if !filter.is_empty() {
        select = select.bind(pattern);
    }
    let rows = select
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            let values = (0..columns.len())
                .map(|i| row.try_get::<Option<String>, _>(i + 1).map(Option::unwrap_or_default))
                .collect::<Result<Vec<String>, _>>()?;
            Ok(RecordRow { id, values })
        })
        .collect::<Result<Vec<RecordRow>, sqlx::Error>>()?;
    Ok(RecordPage {
        columns: template.fields.iter().map(|f| f.header().to_string()).collect(),
        rows,
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page: PER_PAGE,
    })
}

/// `%`, `_` and `\` taken literally in a `LIKE ... ESCAPE '\'` pattern.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
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

/// Rows per PostgreSQL statement (the arrays are one parameter each, so
/// this bounds memory, not a protocol limit).
const POSTGRES_MAX_ROWS: usize = 10_000;

/// Whether the connection talks to PostgreSQL (else SQLite).
fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgresql")
}

/// A PostgreSQL array literal of texts (`{"a","b",NULL}`), to be bound as
/// one text parameter and cast (`$n::text[]`): the Any driver binds no arrays.
fn pg_text_array<'a>(items: impl Iterator<Item = Option<&'a str>>) -> String {
    let mut out = String::from("{");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            None => out.push_str("NULL"),
            Some(text) => {
                out.push('"');
                for c in text.chars() {
                    if c == '"' || c == '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
            }
        }
    }
    out.push('}');
    out
}

/// A PostgreSQL array literal of optional integers (`{1,NULL,3}`).
fn pg_id_array(ids: impl Iterator<Item = Option<i64>>) -> String {
    let items: Vec<String> = ids.map(|id| id.map_or_else(|| "NULL".to_string(), |id| id.to_string())).collect();
    format!("{{{}}}", items.join(","))
}

/// The workspace's records whose `key` field equals one of `keys` (compared
/// by SQL's `LOWER`), by key text ([`key_text`]). Where several records share
/// a key, the oldest wins. One statement on PostgreSQL (the keys as one
/// array); on SQLite as few as its parameter limit allows.
pub async fn find_by_key(
    conn: &mut AnyConnection,
    template: &Template,
    table: RecordTable,
    workspace_id: i64,
    key: &str,
    keys: &[String],
) -> Result<HashMap<String, Existing>, AppError> {
    let Some(key_index) = template.fields.iter().position(|f| f.key == key) else {
        return Err(AppError::internal("find_by_key", format!("{key} is not a field of {}", template.name)));
    };
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    let select = format!("SELECT id, {} FROM {} WHERE workspace_id = $1 AND ", columns.join(", "), table.name);
    let postgres = is_postgres(conn);
    let chunk_len = if postgres { POSTGRES_MAX_ROWS } else { SQLITE_MAX_PARAMS - 1 };
    let mut found = HashMap::new();
    for chunk in keys.chunks(chunk_len) {
        let rows = if postgres {
            let sql = format!(
                "{select}LOWER({key}) = ANY (ARRAY(SELECT LOWER(k) FROM unnest($2::text[]) AS k))"
            );
            // Planned each time (not kept prepared): a plan kept from when
            // the table was small scans the whole table once it is not.
            sqlx::query(&sql)
                .persistent(false)
                .bind(workspace_id)
                .bind(pg_text_array(chunk.iter().map(|k| Some(k.as_str()))))
                .fetch_all(&mut *conn)
                .await?
        } else {
            // Anonymous `?` parameters: SQLite looks named ones (`$n`) up
            // by a linear search, which is quadratic over a long list.
            let select = select.replace("$1", "?");
            let placeholders = vec!["LOWER(?)"; chunk.len()];
            let sql = format!("{select}LOWER({key}) IN ({})", placeholders.join(", "));
            let mut query = sqlx::query(&sql).persistent(false).bind(workspace_id);
            for k in chunk {
                query = query.bind(k.clone());
            }
            query.fetch_all(&mut *conn).await?
        };
        for row in rows {
            let id: i64 = row.try_get(0)?;
            let values = (0..columns.len())
                .map(|i| row.try_get::<Option<String>, _>(i + 1))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(k) = values[key_index].as_deref().map(key_text) {
                // The oldest record of a key wins. Not by `ORDER BY id`:
                // SQLite would then walk the workspace's records in id order
                // instead of looking the keys up in their index.
                match found.entry(k) {
                    Entry::Vacant(e) => {
                        e.insert(Existing { id, values });
                    }
                    Entry::Occupied(mut e) if e.get().id > id => {
                        e.insert(Existing { id, values });
                    }
                    Entry::Occupied(_) => {}
                }
            }
        }
    }
    Ok(found)
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
    conn: &mut AnyConnection,
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
/// parameter limit), and on PostgreSQL one `INSERT ... SELECT FROM unnest(..)`
/// for the new records and one `UPDATE ... FROM unnest(..)` for the changed
/// ones, each column as one array parameter. New
/// records get `created_at` and `updated_at` = `now`, updated ones
/// `updated_at`. A record is only ever updated within `workspace_id`. A key
/// already taken by another record (a concurrent import) is a 409
/// [`AppError::Conflict`].
pub async fn write_many(
    conn: &mut AnyConnection,
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
    let postgres = is_postgres(conn);
    let max_rows = if postgres { POSTGRES_MAX_ROWS } else { SQLITE_MAX_PARAMS / (columns.len() + 4) };
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
        if postgres {
            write_postgres(conn, &columns, table, workspace_id, chunk, now).await?;
        } else {
            write_sqlite(conn, &columns, table, workspace_id, chunk, now, full).await?;
        }
        start = end;
    }
    Ok(())
}

/// The `SET` list of an upsert: every field and `updated_at` from `excluded`.
fn upsert_sets(columns: &[&str]) -> String {
    columns.iter().chain(["updated_at"].iter()).map(|c| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ")
}

fn conflict(e: sqlx::Error) -> AppError {
    match &e {
        // The key's unique index: another import added the same record
        // since this batch looked. Sent again, the batch finds it.
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(
            "Another import added some of these records at the same moment. Send the batch again.".to_string(),
        ),
        _ => AppError::from(e),
    }
}

async fn write_sqlite(
    conn: &mut AnyConnection,
    columns: &[&str],
    table: RecordTable,
    workspace_id: i64,
    chunk: &[Write],
    now: &str,
    persistent: bool,
) -> Result<(), AppError> {
    // Anonymous `?` parameters, all bound in order: SQLite looks named ones
    // (`$n`) up by a linear search, which is quadratic over thousands.
    let tuple = format!("({})", vec!["?"; columns.len() + 4].join(", "));
    let name = table.name;
    let sql = format!(
        "INSERT INTO {name} (id, workspace_id, {}, created_at, updated_at) VALUES {} \
         ON CONFLICT (id) DO UPDATE SET {} WHERE {name}.workspace_id = excluded.workspace_id",
        columns.join(", "),
        vec![tuple.as_str(); chunk.len()].join(", "),
        upsert_sets(columns)
    );
    let mut query = sqlx::query(&sql).persistent(persistent);
    for write in chunk {
        query = query.bind(write.id).bind(workspace_id);
        for v in &write.values {
            query = query.bind(v.clone());
        }
        query = query.bind(now.to_string()).bind(now.to_string());
    }
    query.execute(&mut *conn).await.map_err(conflict)?;
    Ok(())
}

async fn write_postgres(
    conn: &mut AnyConnection,
    columns: &[&str],
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
    let values: Vec<String> = columns.iter().map(|c| format!("v.{c}")).collect();
    if !new.is_empty() {
        let arrays: Vec<String> = (0..columns.len()).map(|i| format!("${}::text[]", i + 3)).collect();
        let sql = format!(
            "INSERT INTO {name} (workspace_id, {cols}, created_at, updated_at) \
             SELECT $1, {values}, $2, $2 FROM unnest({arrays}) AS v({cols})",
            values = values.join(", "),
            arrays = arrays.join(", "),
        );
        let mut query = sqlx::query(&sql).bind(workspace_id).bind(now.to_string());
        for i in 0..columns.len() {
            query = query.bind(pg_text_array(new.iter().map(|w| w.values[i].as_deref())));
        }
        query.execute(&mut *conn).await.map_err(conflict)?;
    }
    if !changed.is_empty() {
        let arrays: Vec<String> = (0..columns.len()).map(|i| format!("${}::text[]", i + 4)).collect();
        let sets: Vec<String> = columns.iter().map(|c| format!("{c} = v.{c}")).collect();
        let sql = format!(
            "UPDATE {name} SET {sets}, updated_at = $2 \
             FROM unnest($3::bigint[], {arrays}) AS v(id, {cols}) \
             WHERE {name}.id = v.id AND {name}.workspace_id = $1",
            sets = sets.join(", "),
            arrays = arrays.join(", "),
        );
        // Planned each time, as the key lookup: a plan kept from when the
        // table was small could join it by a full scan.
        let mut query = sqlx::query(&sql)
            .persistent(false)
            .bind(workspace_id)
            .bind(now.to_string())
            .bind(pg_id_array(changed.iter().map(|w| w.id)));
        for i in 0..columns.len() {
            query = query.bind(pg_text_array(changed.iter().map(|w| w.values[i].as_deref())));
        }
        query.execute(&mut *conn).await.map_err(conflict)?;
    }
    Ok(())
}
