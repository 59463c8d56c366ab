//! Reference checks: which of the values a file names do not exist in the
//! workspace: users by email are the importer's to answer; a reference of
//! any other name is the template's destination's. The browser asks with
//! the distinct values of one field (never rows) to flag cells before the
//! import; the commit asks again for the rows it is sent.

use crate::AppError;
use csv_import_core::template::Reference;
use csv_import_core::Template;
use super::db::Conn;
use super::destination::Asker;
use crate::on_conn;
use std::collections::{HashMap, HashSet};

/// The most distinct values one check may ask about.
pub const MAX_VALUES: usize = 10_000;

/// Values bound per query.
const CHUNK: usize = 500;

/// The field `key` of `template` and its reference: 400 when the template
/// has no such field or the field refers to nothing.
pub fn field_reference(template: &Template, key: &str) -> Result<Reference, AppError> {
    let key = key.trim();
    let field = template.field(key).ok_or_else(|| {
        AppError::BadRequest(format!(
            "The template {} has no field \"{}\".",
            template.name,
            super::clean_text(key, 60)
        ))
    })?;
    field.reference.clone().ok_or_else(|| {
        AppError::BadRequest(format!("The field {} refers to nothing the server could check.", field.key))
    })
}

/// The distinct, trimmed, non-empty values of a request (first spelling
/// kept), or a 400 when there are more than [`MAX_VALUES`].
pub fn distinct(values: &[String]) -> Result<Vec<String>, AppError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for value in values {
        let value = value.trim();
        // A NUL could not even be looked up (PostgreSQL refuses it).
        if value.is_empty() || value.chars().count() > 1_000 || value.contains('\0') {
            continue;
        }
        if seen.insert(csv_import_core::fold_key(value)) {
            out.push(value.to_string());
            if out.len() > MAX_VALUES {
                return Err(AppError::BadRequest(format!(
                    "At most {MAX_VALUES} distinct values can be checked at once. Send them in several calls."
                )));
            }
        }
    }
    Ok(out)
}

/// The values (as given) that do not exist in `asker`'s workspace as
/// `reference` of `template`, as far as the asking user may know. Compared
/// ignoring case.
pub async fn unknown(
    mut conn: Conn<'_>,
    asker: Asker,
    template: &Template,
    reference: &Reference,
    values: &[String],
) -> Result<Vec<String>, AppError> {
    match reference {
        Reference::User => {
            let known = user_ids(conn.reborrow(), asker.workspace_id, values).await?;
            Ok(not_in(values, &known))
        }
        // Any other reference is the destination's data (tag names, record
        // IDs, a host's project codes).
        named => {
            let destination = super::destination::for_template(template).ok_or_else(|| {
                AppError::BadRequest(super::access::unsupported(template).unwrap_or_default())
            })?;
            destination.unknown_references(conn, asker, template, named.name(), values).await
        }
    }
}

/// The `values` whose folded key (`fold_key`) is not among `known`'s keys.
pub fn not_in<V>(values: &[String], known: &std::collections::HashMap<String, V>) -> Vec<String> {
    values.iter().filter(|v| !known.contains_key(&csv_import_core::fold_key(v.trim()))).cloned().collect()
}

/// The ids of the workspace's members among `emails`, by lowercase email.
pub async fn user_ids(
    mut conn: Conn<'_>,
    workspace_id: i64,
    emails: &[String],
) -> Result<HashMap<String, i64>, AppError> {
    let wanted = super::distinct_keys(emails);
    let mut found = HashMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let placeholders = super::placeholders(chunk.len(), 2);
        // Emails are stored lowercase (a CHECK constraint), so the index is used.
        let sql = format!(
            "SELECT u.email, u.id FROM users u JOIN memberships m ON m.user_id = u.id \
             WHERE m.workspace_id = $1 AND u.email IN ({})",
            placeholders
        );
        let rows: Vec<(String, i64)> = on_conn!(conn, c => {
            let mut query = sqlx::query_as(&sql).persistent(false).bind(workspace_id);
            for email in chunk {
                query = query.bind(email.as_str());
            }
            query.fetch_all(c).await
        })?;
        for (email, id) in rows {
            found.insert(email, id);
        }
    }
    Ok(found)
}
