//! Client accounts: clients who sign in with their email and a
//! password. The `client-accounts` template stores its rows here, matched by
//! email in the workspace:
//!
//! * a new email creates an account; the initial password is stored only as
//!   an argon2id hash (the same hashing as users' passwords, `auth.rs`);
//! * a known email updates the account. The file's password (the column is
//!   required) replaces the stored hash unless it already matches it, so the
//!   password a client was last given by file is the one that works. Empty
//!   optional cells (external_id) keep the stored value. The row counts as
//!   `updated` only when a name, birthdate, gender, external_id, the
//!   password, a tag or an attribute changed, else `unchanged`;
//! * tags (repeatable `tag` columns) must exist in the workspace; they are
//!   added to the account, never removed (imports never delete);
//! * `attribute:<Name>` / `attributes:<Name>` cells set that attribute.
//!
//! Passwords are hashed (or checked against the stored hash) before the
//! batch's write transaction, by [`hash_passwords`]: argon2 takes a good
//! part of a second per password, and SQLite's write lock would be held
//! meanwhile.
//!
//! Passwords are never logged, returned, or written to a report: a skipped
//! row's reasons never quote the password cell (core's messages for weak
//! passwords do not quote it either).

use crate::backend::auth;
use crate::backend::db::{unstorable, unstorable_reason, Conn, Db};
use crate::model::{BatchResult, SkippedRow};
use crate::portal::model::{ClientAccount, ClientAccountPage, Tag};
use crate::{on_conn, on_pool};
use crate::AppError;
use csv_import_core::recheck::Rechecker;
use csv_import_core::{fold_key, messages, Lang, Record, Template, Value};
use std::collections::{HashMap, HashSet};

/// The `entity` of templates stored here.
pub const ENTITY: &str = "client_accounts";

/// Values bound per lookup query.
const CHUNK: usize = 400;

/// Longest attribute name and value kept.
const MAX_ATTRIBUTE_NAME: usize = 100;
const MAX_ATTRIBUTE_VALUE: usize = 1_000;

/// The positions of the template's fields this committer reads.
struct Fields {
    email: usize,
    password: usize,
    first_name: usize,
    last_name: usize,
    birthdate: usize,
    gender: usize,
    tag: usize,
    external_id: usize,
}

impl Fields {
    fn of(template: &Template) -> Result<Fields, AppError> {
        let at = |key: &str| crate::backend::field_at(template, key);
        Ok(Fields {
            email: at("email_address")?,
            password: at("initial_password")?,
            first_name: at("first_name")?,
            last_name: at("last_name")?,
            birthdate: at("birthdate")?,
            gender: at("gender")?,
            tag: at("tag")?,
            external_id: at("external_id")?,
        })
    }
}

/// A stored account as an import compares it.
struct Stored {
    id: i64,
    password_hash: String,
    profile: [Option<String>; 5],
}

/// One row ready to store.
struct Pending {
    email: String,
    password: String,
    profile: [Option<String>; 5],
    tags: Vec<i64>,
    attributes: Vec<(String, String)>,
}

/// A batch's passwords, checked against the stored hashes before its write
/// transaction ([`hash_passwords`]), by email: the stored hash as read
/// (`None`: no account yet) and the hash to store (`None`: the file's
/// password verifies against the stored hash, which stays). Holds no
/// password.
#[derive(Default)]
pub struct Passwords {
    by_email: HashMap<String, (Option<String>, Option<String>)>,
}

impl Passwords {
    /// The hash decided for `email`'s password (`None`: none, or the stored
    /// hash stays).
    pub fn new_hash(&self, email: &str) -> Option<&str> {
        self.by_email.get(&fold_key(email.trim())).and_then(|(_, hash)| hash.as_deref())
    }
}

/// Hash the passwords of a batch's valid rows (values in field order), or
/// check them against the stored hashes, outside any transaction: the
/// slow part of the commit, done before [`commit`] takes the write lock.
/// An email appears once per batch (a unique field).
pub async fn hash_passwords(
    db: &Db,
    workspace_id: i64,
    template: &Template,
    rows: &[(u64, Vec<Option<String>>)],
) -> Result<Passwords, AppError> {
    let at = Fields::of(template)?;
    let wanted: Vec<(String, String)> = rows
        .iter()
        .filter_map(|(_, v)| Some((fold_key(v.get(at.email)?.as_deref()?.trim()), v.get(at.password)?.clone()?)))
        .collect();
    if wanted.is_empty() {
        return Ok(Passwords::default());
    }
    let emails: Vec<String> = wanted.iter().map(|(email, _)| email.clone()).collect();
    let stored = {
        let mut conn = db.acquire().await?;
        find(conn.conn(), workspace_id, &emails).await?
    };
    let jobs: Vec<(String, Option<String>)> = wanted
        .iter()
        .map(|(email, password)| (password.clone(), stored.get(email).map(|s| s.password_hash.clone())))
        .collect();
    let read: Vec<Option<String>> = jobs.iter().map(|(_, hash)| hash.clone()).collect();
    let hashes = decide_passwords(jobs).await?;
    let by_email = emails.into_iter().zip(read.into_iter().zip(hashes)).collect();
    Ok(Passwords { by_email })
}

/// For each (password, stored hash): `None` when the password verifies
/// against the stored hash, else its new hash. A few at a time on the
/// blocking threads: argon2 is slow and memory-hard.
async fn decide_passwords(jobs: Vec<(String, Option<String>)>) -> Result<Vec<Option<String>>, AppError> {
    let parallel = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8);
    let mut hashes: Vec<Option<String>> = Vec::with_capacity(jobs.len());
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let tasks: Vec<_> = jobs
            .by_ref()
            .take(parallel)
            .map(|(password, stored)| {
                tokio::task::spawn_blocking(move || -> Result<Option<String>, AppError> {
                    if stored.is_some_and(|hash| auth::verify_password(&hash, &password)) {
                        return Ok(None);
                    }
                    auth::hash_password(&password).map(Some)
                })
            })
            .collect();
        for task in tasks {
            hashes.push(task.await.map_err(|e| AppError::internal("password hashing task", e))??);
        }
    }
    Ok(hashes)
}

/// Store the valid rows of one batch (row number, values in field order, as
/// checked by the caller); `records` are the batch's records as received,
/// for the tag lists and attributes; `passwords` what [`hash_passwords`]
/// decided before the transaction (a password whose account changed since,
/// or that it did not see, is hashed here). Runs in the batch's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn commit(
    mut conn: Conn<'_>,
    workspace_id: i64,
    template: &Template,
    rows: Vec<(u64, Vec<Option<String>>)>,
    records: &[Record],
    passwords: &Passwords,
    now: &str,
    lang: Lang,
) -> Result<BatchResult, AppError> {
    let text = crate::portal::i18n::text_in(crate::i18n::Locale::of_core(lang));
    let at = Fields::of(template)?;
    let checker = Rechecker::new(template, now).map_err(|e| AppError::internal("template", e))?.with_lang(lang);
    let by_row: HashMap<u64, &Record> = records.iter().map(|r| (r.row, r)).collect();
    let tag_field = &template.fields[at.tag];

    // Every tag the rows name, looked up once.
    let mut tag_lists: HashMap<u64, Vec<String>> = HashMap::new();
    for (row, _) in &rows {
        let names = match by_row.get(row).map(|r| checker.check(r)) {
            Some(Ok(values)) => match &values[at.tag] {
                Value::List(items) => items.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
                Value::Null => Vec::new(),
                other => vec![other.to_cell()],
            },
            _ => Vec::new(),
        };
        tag_lists.insert(*row, names);
    }
    let all_tags: Vec<String> = tag_lists.values().flatten().cloned().collect();
    let tag_ids = tag_ids(conn.reborrow(), workspace_id, &all_tags).await?;

    let mut result = BatchResult::default();
    let mut pending = Vec::with_capacity(rows.len());
    for (row, values) in rows {
        let mut reasons = Vec::new();
        let mut tags = Vec::new();
        for name in tag_lists.remove(&row).unwrap_or_default() {
            match tag_ids.get(&fold_key(&name)) {
                Some(id) => tags.push(*id),
                None => {
                    let error = csv_import_core::validate::reference_error_in(tag_field, &name, lang);
                    reasons.push(messages::reason(lang, tag_field.header(), &error.message));
                }
            }
        }
        let mut attributes: Vec<(String, String)> = Vec::new();
        for (name, value) in by_row.get(&row).map(|r| r.attributes.as_slice()).unwrap_or_default() {
            let (name, value) = (name.trim(), value.trim());
            if name.is_empty() || value.is_empty() {
                continue;
            }
            if name.chars().count() > MAX_ATTRIBUTE_NAME || value.chars().count() > MAX_ATTRIBUTE_VALUE {
                reasons.push((text.attribute_too_long)(&crate::backend::clean_text(name, 40), MAX_ATTRIBUTE_NAME, MAX_ATTRIBUTE_VALUE));
                continue;
            }
            if let Some(problem) = unstorable(name, true).or_else(|| unstorable(value, false)) {
                let header = format!("attribute:{}", crate::backend::clean_text(name, 40));
                reasons.push(unstorable_reason(lang, &header, problem));
                continue;
            }
            // The last cell of a name wins.
            attributes.retain(|(n, _)| n != name);
            attributes.push((name.to_string(), value.to_string()));
        }
        let (Some(email), Some(password)) = (values[at.email].clone(), values[at.password].clone()) else {
            reasons.push(text.malformed_account.to_string());
            result.skipped.push(SkippedRow { row, reasons });
            continue;
        };
        if !reasons.is_empty() {
            result.skipped.push(SkippedRow { row, reasons });
            continue;
        }
        pending.push(Pending {
            email: fold_key(email.trim()),
            password,
            profile: [
                values[at.first_name].clone(),
                values[at.last_name].clone(),
                values[at.birthdate].clone(),
                values[at.gender].clone(),
                values[at.external_id].clone(),
            ],
            tags,
            attributes,
        });
    }

    let emails: Vec<String> = pending.iter().map(|p| p.email.clone()).collect();
    let existing = find(conn.reborrow(), workspace_id, &emails).await?;

    // What was decided before the transaction holds while the account's
    // stored hash is still the one it was decided against.
    let mut decided: Vec<Option<Option<String>>> = pending
        .iter()
        .map(|p| {
            let read = existing.get(&p.email).map(|s| &s.password_hash);
            passwords.by_email.get(&p.email).filter(|(was, _)| was.as_ref() == read).map(|(_, hash)| hash.clone())
        })
        .collect();
    let late: Vec<usize> = (0..pending.len()).filter(|&i| decided[i].is_none()).collect();
    let jobs = late
        .iter()
        .map(|&i| (pending[i].password.clone(), existing.get(&pending[i].email).map(|s| s.password_hash.clone())))
        .collect();
    for (i, hash) in late.into_iter().zip(decide_passwords(jobs).await?) {
        decided[i] = Some(hash);
    }
    let hashes: Vec<Option<String>> = decided.into_iter().map(Option::flatten).collect();

    for (p, hash) in pending.into_iter().zip(hashes) {
        let [first, last, birthdate, gender, external_id] = p.profile.clone();
        let (account, changed) = match existing.get(&p.email) {
            None => {
                let hash = hash.ok_or_else(|| AppError::internal("client accounts", "a new account has no hash"))?;
                let id: i64 = on_conn!(conn, c => sqlx::query_scalar(
                    "INSERT INTO client_accounts (workspace_id, email, password_hash, first_name, last_name, \
                     birthdate, gender, external_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                )
                .bind(workspace_id)
                .bind(&p.email)
                .bind(&hash)
                .bind(first.as_deref().unwrap_or_default())
                .bind(last.as_deref().unwrap_or_default())
                .bind(birthdate.as_deref())
                .bind(gender.as_deref())
                .bind(external_id.as_deref())
                .bind(now)
                .fetch_one(c)
                .await)
                .map_err(crate::backend::db::value_error)?;
                result.inserted += 1;
                (id, None)
            }
            Some(stored) => {
                let external_id = external_id.or_else(|| stored.profile[4].clone());
                let profile = [first.clone(), last.clone(), birthdate.clone(), gender.clone(), external_id.clone()];
                let changed = profile != stored.profile || hash.is_some();
                if changed {
                    on_conn!(conn, c => sqlx::query(
                        "UPDATE client_accounts SET password_hash = $1, first_name = $2, last_name = $3, \
                         birthdate = $4, gender = $5, external_id = $6, updated_at = $7 WHERE id = $8",
                    )
                    .bind(hash.as_deref().unwrap_or(&stored.password_hash))
                    .bind(first.as_deref().unwrap_or_default())
                    .bind(last.as_deref().unwrap_or_default())
                    .bind(birthdate.as_deref())
                    .bind(gender.as_deref())
                    .bind(external_id.as_deref())
                    .bind(now)
                    .bind(stored.id)
                    .execute(c)
                    .await
                    .map(drop))
                    .map_err(crate::backend::db::value_error)?;
                }
                (stored.id, Some(changed))
            }
        };
        let mut extra = 0u64;
        for tag in &p.tags {
            extra += on_conn!(conn, c => sqlx::query(
                "INSERT INTO account_tags (account_id, tag_id) VALUES ($1, $2) ON CONFLICT (account_id, tag_id) DO NOTHING",
            )
            .bind(account)
            .bind(*tag)
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
        }
        for (name, value) in &p.attributes {
            // Only a new or different value counts as a change.
            extra += on_conn!(conn, c => sqlx::query(
                "INSERT INTO account_attributes (account_id, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value \
                 WHERE account_attributes.value <> excluded.value",
            )
            .bind(account)
            .bind(name)
            .bind(value)
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
        }
        match changed {
            None => {}
            Some(true) => result.updated += 1,
            Some(false) if extra > 0 => {
                on_conn!(conn, c => sqlx::query("UPDATE client_accounts SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(account)
                    .execute(c)
                    .await
                    .map(drop))?;
                result.updated += 1;
            }
            Some(false) => result.unchanged += 1,
        }
    }
    result.skipped.sort_by_key(|s| s.row);
    Ok(result)
}

/// An account as [`find`] reads it: id, email, password hash, first name,
/// last name, birthdate, gender, external ID.
type StoredRow = (i64, String, String, String, String, Option<String>, Option<String>, Option<String>);

/// The workspace's accounts among `emails` (lowercase), by email.
async fn find(mut conn: Conn<'_>, workspace_id: i64, emails: &[String]) -> Result<HashMap<String, Stored>, AppError> {
    let mut found = HashMap::new();
    let wanted: Vec<&String> = emails.iter().collect::<HashSet<_>>().into_iter().collect();
    for chunk in wanted.chunks(CHUNK) {
        let placeholders = crate::backend::placeholders(chunk.len(), 2);
        let sql = format!(
            "SELECT id, email, password_hash, first_name, last_name, birthdate, gender, external_id \
             FROM client_accounts WHERE workspace_id = $1 AND email IN ({})",
            placeholders
        );
        let rows: Vec<StoredRow> = on_conn!(conn, c => {
            let mut query = sqlx::query_as(&sql).persistent(false).bind(workspace_id);
            for email in chunk {
                query = query.bind(email.as_str());
            }
            query.fetch_all(c).await
        })?;
        for (id, email, password_hash, first, last, birthdate, gender, external_id) in rows {
            found.insert(
                email,
                Stored {
                    id,
                    password_hash,
                    profile: [
                        Some(first).filter(|s| !s.is_empty()),
                        Some(last).filter(|s| !s.is_empty()),
                        birthdate,
                        gender,
                        external_id,
                    ],
                },
            );
        }
    }
    Ok(found)
}

/// The ids of the workspace's tags among `names`, by lowercase name.
pub async fn tag_ids(mut conn: Conn<'_>, workspace_id: i64, names: &[String]) -> Result<HashMap<String, i64>, AppError> {
    let wanted = crate::backend::distinct_keys(names);
    let mut found = HashMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let placeholders = crate::backend::placeholders(chunk.len(), 2);
        let sql = format!(
            "SELECT name_key, id FROM tags WHERE workspace_id = $1 AND name_key IN ({})",
            placeholders
        );
        let rows: Vec<(String, i64)> = on_conn!(conn, c => {
            let mut query = sqlx::query_as(&sql).persistent(false).bind(workspace_id);
            for name in chunk {
                query = query.bind(name.as_str());
            }
            query.fetch_all(c).await
        })?;
        for (name, id) in rows {
            found.insert(name, id);
        }
    }
    Ok(found)
}

/// Add a tag to the workspace; `false` when one of that name (case ignored)
/// exists already.
pub async fn add_tag(db: &Db, workspace_id: i64, name: &str) -> Result<bool, AppError> {
    let name = crate::backend::clean_text(name, 100);
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("A tag needs a name.".to_string()));
    }
    let added = on_pool!(db.pool, p => sqlx::query(
        "INSERT INTO tags (workspace_id, name, name_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (workspace_id, name_key) DO NOTHING",
    )
    .bind(workspace_id)
    .bind(name.to_string())
    .bind(fold_key(name))
    .bind(crate::backend::now())
    .execute(p)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(added > 0)
}

/// Whether a client of the workspace signs in with this email and password.
/// An unknown email is checked against a decoy hash, so it takes as long.
pub async fn client_login(db: &Db, workspace_id: i64, email: &str, password: &str) -> Result<bool, AppError> {
    let email = fold_key(email.trim());
    // No stored email has a NUL, and PostgreSQL would refuse to compare one.
    let hash: Option<String> = if email.contains('\0') {
        None
    } else {
        on_pool!(db.pool, p => sqlx::query_scalar("SELECT password_hash FROM client_accounts WHERE workspace_id = $1 AND email = $2")
            .bind(workspace_id)
            .bind(&email)
            .fetch_optional(p)
            .await)?
    };
    auth::verify_password_async(hash, password.to_string()).await
}

/// The workspace's tags by name, with how many accounts carry each.
pub async fn list_tags(db: &Db, workspace_id: i64) -> Result<Vec<Tag>, AppError> {
    let rows: Vec<(i64, String, i64)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT t.id, t.name, (SELECT COUNT(*) FROM account_tags a WHERE a.tag_id = t.id) \
         FROM tags t WHERE t.workspace_id = $1 ORDER BY t.name_key",
    )
    .bind(workspace_id)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().map(|(id, name, n)| Tag { id, name, accounts: u64::try_from(n).unwrap_or(0) }).collect())
}

/// Delete a tag of the workspace. A tag that accounts carry is refused (409)
/// rather than silently taken off them: imports and this page never remove
/// what a client was given without saying so.
pub async fn delete_tag(db: &Db, workspace_id: i64, id: i64) -> Result<(), AppError> {
    let tag = list_tags(db, workspace_id).await?.into_iter().find(|t| t.id == id);
    let Some(tag) = tag else {
        return Err(AppError::NotFound("There is no such tag in this workspace.".to_string()));
    };
    if tag.accounts > 0 {
        return Err(AppError::Conflict(format!(
            "The tag \"{}\" is used by {} client account(s) and cannot be deleted.",
            tag.name, tag.accounts
        )));
    }
    on_pool!(db.pool, p => sqlx::query("DELETE FROM tags WHERE id = $1 AND workspace_id = $2").bind(id).bind(workspace_id).execute(p).await.map(drop))?;
    Ok(())
}

/// An account as [`list`] reads it: id, email, first name, last name,
/// birthdate, gender, external ID.
type AccountRow = (i64, String, String, String, Option<String>, Option<String>, Option<String>);

/// Accounts listed by [`list`].
pub const MAX_LISTED: i64 = 200;

/// The workspace's client accounts by email, with their tags and
/// attributes; with `search`, those whose email, name or external ID
/// contains it (case ignored).
pub async fn list(db: &Db, workspace_id: i64, search: &str) -> Result<ClientAccountPage, AppError> {
    let search = crate::backend::clean_text(search, 200).to_lowercase();
    let pattern = crate::backend::db::contains_pattern(&search);
    let filter = "($2 = '' OR LOWER(email) LIKE $3 ESCAPE '\\' OR LOWER(first_name || ' ' || last_name) LIKE $3 ESCAPE '\\' \
         OR LOWER(COALESCE(external_id, '')) LIKE $3 ESCAPE '\\')";
    let total: i64 = on_pool!(db.pool, p => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM client_accounts WHERE workspace_id = $1 AND {filter}"))
        .bind(workspace_id)
        .bind(&search)
        .bind(&pattern)
        .fetch_one(p)
        .await)?;
    let sql = format!(
        "SELECT id, email, first_name, last_name, birthdate, gender, external_id FROM client_accounts \
         WHERE workspace_id = $1 AND {filter} ORDER BY email LIMIT {MAX_LISTED}"
    );
    let rows: Vec<AccountRow> = on_pool!(db.pool, p => sqlx::query_as(&sql)
        .bind(workspace_id)
        .bind(&search)
        .bind(&pattern)
        .fetch_all(p)
        .await)?;
    let mut accounts = Vec::with_capacity(rows.len());
    for (id, email, first_name, last_name, birthdate, gender, external_id) in rows {
        let mut account = ClientAccount {
            id,
            email,
            first_name,
            last_name,
            birthdate,
            gender,
            external_id,
            ..ClientAccount::default()
        };
        account.tags = on_pool!(db.pool, p => sqlx::query_scalar(
            "SELECT t.name FROM account_tags a JOIN tags t ON t.id = a.tag_id WHERE a.account_id = $1 ORDER BY t.name_key",
        )
        .bind(account.id)
        .fetch_all(p)
        .await)?;
        account.attributes = on_pool!(db.pool, p =>
            sqlx::query_as("SELECT name, value FROM account_attributes WHERE account_id = $1 ORDER BY name")
                .bind(account.id)
                .fetch_all(p)
                .await)?;
        accounts.push(account);
    }
    Ok(ClientAccountPage { accounts, total: u64::try_from(total).unwrap_or(0) })
}

