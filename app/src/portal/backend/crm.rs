//! CRM clients: clients with a system-generated ID. The
//! `crm-clients` template stores its rows here: a row with an ID updates
//! that client of the workspace, a row without one adds a client or updates
//! the client with the same email. Emails and usernames are unique in a
//! workspace. The export writes the clients in the template's own format,
//! so an edited export imports back as updates.

use crate::backend::db::{Backend, Conn, Db};
use crate::model::{BatchResult, SkippedRow};
use crate::{on_conn, on_pool};
use crate::portal::model::{CrmClient, CrmPage};
use crate::AppError;
use csv_import_core::{fold_key, messages, Lang, Template};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// The `entity` of templates stored here.
pub const ENTITY: &str = "crm_clients";

/// Clients listed by [`list`].
pub const MAX_LISTED: i64 = 200;

/// The table's columns, in the order of the template's fields.
const COLUMNS: [(&str, &str); 11] = [
    ("id", "id"),
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("middleName", "middle_name"),
    ("email", "email"),
    ("username", "username"),
    ("project", "project"),
    ("desk", "desk"),
    ("active", "active"),
    ("type", "client_type"),
    ("created", "created"),
];

const ID: usize = 0;
const EMAIL: usize = 4;
const USERNAME: usize = 5;
const CREATED: usize = 10;

/// Whether `id` has the form of a client ID (24 lowercase hex digits).
pub fn valid_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A client as stored, values in [`COLUMNS`] order.
type Stored = Vec<Option<String>>;

fn select_list() -> String {
    COLUMNS.iter().map(|(_, c)| *c).collect::<Vec<_>>().join(", ")
}

fn stored_of<R: Row>(row: &R) -> Result<Stored, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut out = Vec::with_capacity(COLUMNS.len());
    for i in 0..COLUMNS.len() {
        out.push(row.try_get::<Option<String>, _>(i)?);
    }
    Ok(out)
}

async fn find_where(
    mut conn: Conn<'_>,
    workspace_id: i64,
    column: &str,
    value: &str,
) -> Result<Option<Stored>, AppError> {
    let sql = format!("SELECT {} FROM crm_clients WHERE workspace_id = $1 AND {column} = $2", select_list());
    let stored = on_conn!(conn, c => sqlx::query(&sql)
        .bind(workspace_id)
        .bind(value)
        .fetch_optional(c)
        .await
        .and_then(|row| row.as_ref().map(stored_of).transpose()))?;
    Ok(stored)
}

/// The IDs among `ids` that are not clients of the workspace (as given).
pub async fn unknown_ids(mut conn: Conn<'_>, workspace_id: i64, ids: &[String]) -> Result<Vec<String>, AppError> {
    let mut unknown = Vec::new();
    for chunk in ids.chunks(500) {
        let wanted: Vec<String> = chunk.iter().map(|v| v.trim().to_lowercase()).filter(|v| valid_id(v)).collect();
        let mut known = std::collections::HashSet::new();
        if !wanted.is_empty() {
            let placeholders = crate::backend::placeholders(wanted.len(), 2);
            let sql = format!(
                "SELECT id FROM crm_clients WHERE workspace_id = $1 AND id IN ({})",
                placeholders
            );
            let found: Vec<String> = on_conn!(conn, c => {
                let mut query = sqlx::query_scalar(&sql).persistent(false).bind(workspace_id);
                for id in &wanted {
                    query = query.bind(id.as_str());
                }
                query.fetch_all(c).await
            })?;
            known.extend(found);
        }
        unknown.extend(chunk.iter().filter(|v| !known.contains(&v.trim().to_lowercase())).cloned());
    }
    Ok(unknown)
}

/// The username made from an email: its local part, lowercase letters,
/// digits, `.`, `_` and `-` only (as core makes it for an empty cell).
fn username_base(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let slug: String = local
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => Some(c),
            ' ' => Some('.'),
            _ => None,
        })
        .collect();
    let slug = slug.trim_matches(|c| c == '.' || c == '-' || c == '_').to_string();
    if slug.is_empty() { "user".to_string() } else { slug }
}

/// Whether `name` is what core generates for an empty username: the base
/// made from the email, or that base with a number after it.
fn looks_generated(name: &str, base: &str) -> bool {
    name == base || name.strip_prefix(base).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

/// The usernames a generated one may collide with (a base such as `sam`
/// and the base with a number, `sam2`, `sam17`), read from the database
/// once per base and batch, and kept up to date with the batch's own
/// writes. Finding a free name then costs no query, so a batch of clients
/// that share a base costs one query for it, not one per name tried.
#[derive(Default)]
struct Usernames {
    bases: HashMap<String, Base>,
}

/// The names of one base and their owners (client IDs).
struct Base {
    owners: HashMap<String, String>,
    /// Every `{base}{n}` for 2 <= n < `next` is taken: the search for a
    /// free number starts here.
    next: u64,
}

impl Usernames {
    /// The base's names, read once.
    async fn base(&mut self, mut conn: Conn<'_>, workspace_id: i64, base: &str) -> Result<&mut Base, AppError> {
        if !self.bases.contains_key(base) {
            // `{base}` and `{base}{digits}` sort in byte order between
            // `{base}` and `{base}:` (`:` follows `9`); others in the range,
            // such as `sam0x`, are filtered out.
            let (low, high) = (base.to_string(), format!("{base}:"));
            let sql = if conn.backend() == Backend::Postgres {
                "SELECT username, id FROM crm_clients WHERE workspace_id = $1 \
                 AND username COLLATE \"C\" >= $2 AND username COLLATE \"C\" < $3"
            } else {
                "SELECT username, id FROM crm_clients WHERE workspace_id = $1 AND username >= $2 AND username < $3"
            };
            let rows: Vec<(String, String)> =
                on_conn!(conn, c => sqlx::query_as(sql).bind(workspace_id).bind(&low).bind(&high).fetch_all(c).await)?;
            let owners = rows.into_iter().filter(|(name, _)| looks_generated(name, base)).collect();
            self.bases.insert(base.to_string(), Base { owners, next: 2 });
        }
        self.bases.get_mut(base).ok_or_else(|| AppError::internal("usernames", "a base just read is missing"))
    }

    /// The bases already read that `name` is a name of: `sam12` is one of
    /// `sam12`, `sam1` and `sam`.
    fn bases_of<'a>(&'a mut self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a mut Base)> + 'a {
        let digits = name.bytes().rev().take_while(u8::is_ascii_digit).count();
        let prefixes: HashSet<&str> = (0..=digits).map(|k| &name[..name.len() - k]).collect();
        self.bases.iter_mut().filter(move |(b, _)| prefixes.contains(b.as_str())).map(|(b, base)| (b.as_str(), base))
    }

    /// `name` now belongs to the client `id`.
    fn taken(&mut self, name: &str, id: &str) {
        for (_, base) in self.bases_of(name) {
            base.owners.insert(name.to_string(), id.to_string());
        }
    }

    /// `name` is free again (its client was given another).
    fn freed(&mut self, name: &str) {
        for (b, base) in self.bases_of(name) {
            base.owners.remove(name);
            if let Ok(n) = name[b.len()..].parse::<u64>()
                && name[b.len()..] == n.to_string()
            {
                base.next = base.next.min(n.max(2));
            }
        }
    }
}

impl Base {
    /// Whether `name` belongs to a client other than `me`.
    fn is_taken(&self, name: &str, me: Option<&str>) -> bool {
        self.owners.get(name).is_some_and(|id| Some(id.as_str()) != me)
    }

    /// `first` if it is free, else `{base}{n}` with the smallest free n >= 2
    /// (as trying `{base}2`, `{base}3`, ... in turn would find).
    fn free_name(&mut self, base: &str, first: String, me: Option<&str>) -> String {
        if !self.is_taken(&first, me) {
            return first;
        }
        // `next` counts names of any client, so it holds only without `me`.
        let mut n = if me.is_none() { self.next.max(2) } else { 2 };
        while self.is_taken(&format!("{base}{n}"), me) {
            n += 1;
        }
        // Only raised when no client is skipped over: the next search may
        // start here only if every number below is someone else's.
        if me.is_none() {
            self.next = n;
        }
        format!("{base}{n}")
    }
}

/// Whether `username` belongs to a client of the workspace other than `me`.
async fn username_taken(
    mut conn: Conn<'_>,
    workspace_id: i64,
    username: &str,
    me: Option<&str>,
) -> Result<bool, AppError> {
    let owner: Option<String> =
        on_conn!(conn, c => sqlx::query_scalar("SELECT id FROM crm_clients WHERE workspace_id = $1 AND username = $2")
            .bind(workspace_id)
            .bind(username)
            .fetch_optional(c)
            .await)?;
    Ok(owner.is_some_and(|id| Some(id.as_str()) != me))
}

/// Store the valid rows of one batch (row number, values in field order).
/// Runs in the batch's transaction.
pub async fn commit(
    mut conn: Conn<'_>,
    workspace_id: i64,
    template: &Template,
    rows: Vec<(u64, Vec<Option<String>>)>,
    now: &str,
    lang: Lang,
) -> Result<BatchResult, AppError> {
    // The template's fields, by position in COLUMNS.
    let at = COLUMNS.iter().map(|(key, _)| crate::backend::field_at(template, key)).collect::<Result<Vec<_>, _>>()?;
    let header = |i: usize| template.fields[at[i]].header().to_string();

    let mut result = BatchResult::default();
    let mut usernames = Usernames::default();
    for (row, values) in rows {
        let mut wanted: Stored = at.iter().map(|&i| values.get(i).cloned().flatten()).collect();
        let skip = |result: &mut BatchResult, reason: String| result.skipped.push(SkippedRow { row, reasons: vec![reason] });
        let Some(email) = wanted[EMAIL].clone().map(|e| fold_key(e.trim())) else {
            let email = header(EMAIL);
            skip(&mut result, messages::reason(lang, &email, &messages::required(lang, &email)));
            continue;
        };
        wanted[EMAIL] = Some(email.clone());

        // The client this row is about, if it exists.
        let current = match wanted[ID].clone().map(|v| v.trim().to_lowercase()) {
            Some(id) => {
                let found = if valid_id(&id) { find_where(conn.reborrow(), workspace_id, "id", &id).await? } else { None };
                match found {
                    Some(found) => Some(found),
                    None => {
                        let field = &template.fields[at[ID]];
                        let error = csv_import_core::validate::reference_error_in(field, &id, lang);
                        skip(&mut result, messages::reason(lang, field.header(), &error.message));
                        continue;
                    }
                }
            }
            None => find_where(conn.reborrow(), workspace_id, "email", &email).await?,
        };
        let me = current.as_ref().and_then(|c| c[ID].clone());

        // The email may not belong to another client.
        if let Some(owner) = find_where(conn.reborrow(), workspace_id, "email", &email).await?
            && owner[ID] != me
        {
            skip(
                &mut result,
                format!(
                    "{}: {email} belongs to another client (ID {}). Each client needs its own email: correct it, or use that client's ID.",
                    header(EMAIL),
                    owner[ID].clone().unwrap_or_default()
                ),
            );
            continue;
        }

        // The username: a generated one (or none) is made free with a
        // number; a chosen one must be free.
        let base = username_base(&email);
        let given = wanted[USERNAME].clone();
        let generated = given.as_deref().is_none_or(|u| looks_generated(u, &base));
        let username = match (&current, generated) {
            (Some(c), true) if c[USERNAME].is_some() => c[USERNAME].clone().unwrap_or_default(),
            (_, true) => {
                let first = given.clone().unwrap_or_else(|| base.clone());
                usernames.base(conn.reborrow(), workspace_id, &base).await?.free_name(&base, first, me.as_deref())
            }
            (_, false) => {
                let name = given.clone().unwrap_or_default();
                if username_taken(conn.reborrow(), workspace_id, &name, me.as_deref()).await? {
                    skip(
                        &mut result,
                        format!(
                            "{}: \"{name}\" is taken by another client. Choose another, or leave it empty to have one made.",
                            header(USERNAME)
                        ),
                    );
                    continue;
                }
                name
            }
        };
        wanted[USERNAME] = Some(username.clone());

        match current {
            Some(current) => {
                wanted[ID] = current[ID].clone();
                // An empty Created became "now": an update keeps the old date.
                if wanted[CREATED].as_deref() == Some(now) {
                    wanted[CREATED] = current[CREATED].clone();
                }
                if wanted == current {
                    result.unchanged += 1;
                    continue;
                }
                let sets: Vec<String> =
                    COLUMNS.iter().skip(1).enumerate().map(|(i, (_, c))| format!("{c} = ${}", i + 1)).collect();
                let sql = format!(
                    "UPDATE crm_clients SET {}, updated_at = ${} WHERE workspace_id = ${} AND id = ${}",
                    sets.join(", "),
                    COLUMNS.len(),
                    COLUMNS.len() + 1,
                    COLUMNS.len() + 2
                );
                on_conn!(conn, c => {
                    let mut query = sqlx::query(&sql).persistent(false);
                    for value in wanted.iter().skip(1) {
                        query = query.bind(value.as_deref());
                    }
                    query.bind(now).bind(workspace_id).bind(wanted[ID].as_deref()).execute(c).await.map(drop)
                })
                .map_err(crate::backend::db::value_error)?;
                if let Some(old) = current[USERNAME].as_deref().filter(|old| *old != username) {
                    usernames.freed(old);
                }
                usernames.taken(&username, wanted[ID].as_deref().unwrap_or_default());
                result.updated += 1;
            }
            None => {
                let id = crate::backend::random_hex(12)?;
                wanted[ID] = Some(id.clone());
                insert(conn.reborrow(), workspace_id, &wanted, now).await?;
                usernames.taken(&username, &id);
                result.inserted += 1;
            }
        }
    }
    Ok(result)
}

async fn insert(mut conn: Conn<'_>, workspace_id: i64, values: &Stored, now: &str) -> Result<(), AppError> {
    let placeholders = crate::backend::placeholders(COLUMNS.len() + 2, 1);
    let sql = format!(
        "INSERT INTO crm_clients ({}, workspace_id, updated_at) VALUES ({})",
        select_list(),
        placeholders
    );
    on_conn!(conn, c => {
        let mut query = sqlx::query(&sql).persistent(false);
        for value in values {
            query = query.bind(value.as_deref());
        }
        query.bind(workspace_id).bind(now).execute(c).await.map(drop)
    })
    .map_err(crate::backend::db::value_error)?;
    Ok(())
}

/// Add the clients (values in template field order, ID ignored) that the
/// workspace does not have yet by email. For the demo data.
pub async fn seed(db: &Db, workspace_id: i64, clients: &[[&str; 11]], now: &str) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    for client in clients {
        let email = fold_key(client[EMAIL]);
        if find_where(conn.conn(), workspace_id, "email", &email).await?.is_some() {
            continue;
        }
        let mut values: Stored = client.iter().map(|v| (!v.is_empty()).then(|| v.to_string())).collect();
        values[ID] = Some(crate::backend::random_hex(12)?);
        values[EMAIL] = Some(email);
        insert(conn.conn(), workspace_id, &values, now).await?;
    }
    Ok(())
}

fn client_of(values: Stored) -> CrmClient {
    let mut v = values.into_iter();
    let mut next = || v.next().flatten();
    CrmClient {
        id: next().unwrap_or_default(),
        first_name: next().unwrap_or_default(),
        last_name: next(),
        middle_name: next(),
        email: next().unwrap_or_default(),
        username: next().unwrap_or_default(),
        project: next().unwrap_or_default(),
        desk: next().unwrap_or_default(),
        active: next().is_some_and(|a| a == "true"),
        client_type: next().unwrap_or_default(),
        created: next().unwrap_or_default(),
    }
}

/// The workspace's clients by email; with `search`, only those whose name,
/// email or username contains it (case ignored). At most [`MAX_LISTED`].
pub async fn list(db: &Db, workspace_id: i64, search: &str) -> Result<CrmPage, AppError> {
    let search = crate::backend::clean_text(search, 200).to_lowercase();
    let pattern = crate::backend::db::contains_pattern(&search);
    let filter = "($2 = '' OR LOWER(first_name) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(last_name, '')) LIKE $3 ESCAPE '\\' \
         OR email LIKE $3 ESCAPE '\\' OR LOWER(username) LIKE $3 ESCAPE '\\')";
    let total: i64 =
        on_pool!(db.pool, p => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM crm_clients WHERE workspace_id = $1 AND {filter}"))
            .bind(workspace_id)
            .bind(&search)
            .bind(&pattern)
            .fetch_one(p)
            .await)?;
    let sql = format!(
        "SELECT {} FROM crm_clients WHERE workspace_id = $1 AND {filter} ORDER BY email LIMIT {MAX_LISTED}",
        select_list()
    );
    let rows: Vec<Stored> = on_pool!(db.pool, p => sqlx::query(&sql)
        .bind(workspace_id)
        .bind(&search)
        .bind(&pattern)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(stored_of).collect::<Result<Vec<_>, sqlx::Error>>()))?;
    let clients: Vec<CrmClient> = rows.into_iter().map(client_of).collect();
    Ok(CrmPage { clients, total: u64::try_from(total).unwrap_or(0) })
}

/// Every client of the workspace as CSV in the template's format: the
/// fields' headers, then one line per client by email. CRLF line ends.
pub async fn export_csv(db: &Db, workspace_id: i64, template: &Template) -> Result<String, AppError> {
    let sql = format!(
        "SELECT {} FROM crm_clients WHERE workspace_id = $1 ORDER BY email",
        select_list()
    );
    let rows: Vec<Stored> = on_pool!(db.pool, p => sqlx::query(&sql)
        .bind(workspace_id)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(stored_of).collect::<Result<Vec<_>, sqlx::Error>>()))?;
    let mut lines: Vec<Vec<String>> = vec![template.fields.iter().map(|f| f.header().to_string()).collect()];
    for stored in rows {
        let line: Vec<String> = template
            .fields
            .iter()
            .map(|f| {
                COLUMNS
                    .iter()
                    .position(|(k, _)| *k == f.key)
                    .and_then(|i| stored[i].clone())
                    .unwrap_or_default()
            })
            .collect();
        lines.push(line);
    }
    Ok(csv_import_core::report::spreadsheet_csv(lines))
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_usernames_are_recognised() {
        assert_eq!(username_base("John.Doe+x@example.com"), "john.doex");
        assert!(looks_generated("john", "john"));
        assert!(looks_generated("john12", "john"));
        assert!(!looks_generated("johnny", "john"));
        assert!(!looks_generated("jd", "john"));
    }
}
