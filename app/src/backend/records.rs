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
use std::collections::HashMap;

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

/// The workspace's records whose `key` field equals one of `keys` (compared
/// by [`key_text`]), by key text. Where several records share a key, the
/// oldest wins.
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
    let mut found = HashMap::new();
    for chunk in keys.chunks(200) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("LOWER(${})", i + 2)).collect();
        let sql = format!(
            "SELECT id, {} FROM {} WHERE workspace_id = $1 AND LOWER({key}) IN ({}) ORDER BY id",
            columns.join(", "),
            table.name,
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(false).bind(workspace_id);
        for k in chunk {
            query = query.bind(k.clone());
        }
        for row in query.fetch_all(&mut *conn).await? {
            let id: i64 = row.try_get(0)?;
            let values = (0..columns.len())
                .map(|i| row.try_get::<Option<String>, _>(i + 1))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(k) = values[key_index].as_deref().map(key_text) {
                found.entry(k).or_insert(Existing { id, values });
            }
        }
    }
    Ok(found)
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
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    let width = columns.len() + 3;
    for chunk in rows.chunks(100) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} (workspace_id, {}, created_at, updated_at) VALUES {}",
            table.name,
            columns.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query(&sql).persistent(chunk.len() == 100);
        for values in chunk {
            query = query.bind(workspace_id);
            for v in values {
                query = query.bind(v.clone());
            }
            query = query.bind(now.to_string()).bind(now.to_string());
        }
        query.execute(&mut *conn).await.map_err(|e| match &e {
            // The key's unique index: another import added the same record
            // since this batch looked. Sent again, the batch finds it.
            sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict(
                "Another import added some of these records at the same moment. Send the batch again.".to_string(),
            ),
            _ => AppError::from(e),
        })?;
    }
    Ok(())
}

/// Overwrite a record's values (in field order).
pub async fn update(
    conn: &mut AnyConnection,
    template: &Template,
    table: RecordTable,
    id: i64,
    values: &[Option<String>],
    now: &str,
) -> Result<(), AppError> {
    let sets: Vec<String> = template.fields.iter().enumerate().map(|(i, f)| format!("{} = ${}", f.key, i + 1)).collect();
    let n = sets.len();
    let sql = format!("UPDATE {} SET {}, updated_at = ${} WHERE id = ${}", table.name, sets.join(", "), n + 1, n + 2);
    let mut query = sqlx::query(&sql);
    for v in values {
        query = query.bind(v.clone());
    }
    query.bind(now.to_string()).bind(id).execute(&mut *conn).await?;
    Ok(())
}
