//! Users, passwords and sessions.
//!
//! Passwords are hashed with argon2id (the crate's default parameters) and
//! never stored or logged. A session is a random 32-byte token in the
//! `csv_import_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure when
//! `CSV_IMPORT_SECURE_COOKIES=1`; SameSite=None and Secure when
//! `CSV_IMPORT_CROSS_SITE_COOKIES=1`, for embedding pages of other sites);
//! the database keeps only its SHA-256, so a
//! copy of the database signs nobody in. Sessions last 14 days.

use super::db::Db;
use super::{now, random_hex, rfc3339, sha256_hex};
use crate::model::{Role, SessionInfo, WorkspaceInfo};
use crate::{on_conn, on_pool, AppError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use std::sync::{Mutex, OnceLock};

/// The session cookie's name.
pub const COOKIE: &str = "csv_import_session";

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 14;

/// The answer to a wrong email or password; it does not say which.
pub const WRONG_CREDENTIALS: &str = "Email or password is wrong.";

/// The fewest characters a password set here may have.
pub const MIN_PASSWORD: usize = 8;

/// More than this is refused before hashing (argon2 time grows with length).
const MAX_PASSWORD: usize = 1024;

/// Hash a password with argon2id and a fresh random salt; a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::internal("random salt", e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal("salt", e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal("hashing a password", e))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Argon2 working memory (19 MiB with the default parameters) kept for the
/// next sign-in check: allocating it anew for each one fragments the heap,
/// and a burst of sign-ins grew the process by hundreds of megabytes.
static KEPT_MEMORY: Mutex<Vec<Vec<argon2::Block>>> = Mutex::new(Vec::new());

/// Buffers kept at most (more sign-ins than this at once allocate their own).
const KEPT_BUFFERS: usize = 8;

/// [`verify_password`] in working memory kept from the previous checks.
fn verify_password_in_kept_memory(hash: &str, password: &str) -> bool {
    use argon2::password_hash::Output;
    use argon2::{Algorithm, Params, Version};
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let Ok(version) = parsed.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let blocks = params.block_count();
    let kept = KEPT_MEMORY.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let mut memory = kept.filter(|m| m.len() >= blocks).unwrap_or_else(|| vec![argon2::Block::new(); blocks]);
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok();
    let mut kept = KEPT_MEMORY.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() < KEPT_BUFFERS {
        kept.push(memory);
    }
    drop(kept);
    // Output compares in constant time.
    hashed && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// [`hash_password`] off the async threads (it takes tens of milliseconds).
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::internal("password hashing task", e))?
}

/// A 400 when a sign-in field (`label`: email, password, workspace) holds
/// a control character: no address, password or slug has one, and
/// PostgreSQL refuses NUL in text.
pub fn check_sign_in_field(label: &str, value: &str) -> Result<(), AppError> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(AppError::BadRequest(format!(
            "The {label} contains a control character (U+{:04X}). Type it again without it.",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// [`verify_password`] off the async threads; with no hash (an unknown
/// email) it checks a decoy, so that the answer takes as long, and is false.
pub async fn verify_password_async(hash: Option<String>, password: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password_in_kept_memory(&hash, &password),
        None => {
            verify_password_in_kept_memory(decoy_hash(), &password);
            false
        }
    })
        .await
        .map_err(|e| AppError::internal("password check task", e))
}

/// A hash to check against when the email is unknown, so that the answer
/// takes as long as for a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

/// The `Set-Cookie` value that stores `token` for [`SESSION_DAYS`].
pub fn session_cookie(token: &str) -> String {
    cookie(token, SESSION_DAYS * 24 * 60 * 60)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn expired_cookie() -> String {
    cookie("", 0)
}

fn cookie(value: &str, max_age: i64) -> String {
    // Pages of another site (on the embed allow-list) need SameSite=None,
    // which browsers accept only with Secure (HTTPS).
    if std::env::var("CSV_IMPORT_CROSS_SITE_COOKIES").is_ok_and(|v| v == "1") {
        return format!("{COOKIE}={value}; HttpOnly; SameSite=None; Secure; Path=/; Max-Age={max_age}");
    }
    let secure = if std::env::var("CSV_IMPORT_SECURE_COOKIES").is_ok_and(|v| v == "1") { "; Secure" } else { "" };
    format!("{COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}")
}

/// The session token in the request's cookies, if it has one of the right
/// form (64 hex digits).
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The session of the current server function request: 401 when there is
/// no cookie, or it names no live session.
pub async fn current_session() -> Result<SessionInfo, AppError> {
    optional_session().await?.ok_or_else(AppError::sign_in)
}

/// The session of the current request, or `None` when not signed in.
pub async fn optional_session() -> Result<Option<SessionInfo>, AppError> {
    // Mounted by a host application: the host's sign-in decides.
    if let Some(super::host::HostAuth(identify)) = leptos::prelude::use_context::<super::host::HostAuth>() {
        let parts: axum::http::request::Parts = leptos::prelude::use_context()
            .ok_or_else(|| AppError::internal("context", "no request parts in the Leptos context"))?;
        let db = super::db()?;
        return Ok(super::host::session(&db, identify.as_ref(), &parts).await?.map(|(session, grant)| {
            leptos::prelude::provide_context(grant);
            session
        }));
    }
    let headers: HeaderMap =
        leptos_axum::extract().await.map_err(|e| AppError::internal("reading the request headers", e))?;
    let Some(token) = token_of(&headers) else { return Ok(None) };
    let db = super::db()?;
    session_for_token(&db, &token).await
}

/// The live session whose token is `token`.
pub async fn session_for_token(db: &Db, token: &str) -> Result<Option<SessionInfo>, AppError> {
    let row = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String, String, i64, String, String, String)>(
        "SELECT u.id, u.email, u.name, w.id, w.slug, w.name, m.role \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         JOIN workspaces w ON w.id = s.workspace_id \
         JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id \
         WHERE s.id = $1 AND s.expires_at > $2",
    )
    .bind(sha256_hex(token))
    .bind(now())
    .fetch_optional(p)
    .await)?;
    let Some((user_id, email, name, workspace_id, slug, workspace_name, role)) = row else { return Ok(None) };
    let Some(role) = Role::parse(&role) else {
        return Err(AppError::internal("session", format!("unknown role {role:?}")));
    };
    Ok(Some(SessionInfo {
        user_id,
        email,
        name,
        workspace: WorkspaceInfo { id: workspace_id, slug, name: workspace_name },
        role,
    }))
}

/// Check an email and password and open a session in the user's workspace
/// (`workspace`, a slug, or else their first one). Returns the cookie token
/// and the session.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    workspace: Option<&str>,
) -> Result<(String, SessionInfo), AppError> {
    let email = email.trim().to_lowercase();
    let wrong = || AppError::Unauthenticated(WRONG_CREDENTIALS.to_string());
    if email.is_empty() || password.is_empty() || email.len() > 320 || password.len() > MAX_PASSWORD {
        return Err(wrong());
    }
    let user = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String)>("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email.clone())
        .fetch_optional(p)
        .await)?;
    let (user_id, hash) = match user {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matches = verify_password_async(hash, password.to_string()).await?;
    let Some(user_id) = user_id.filter(|_| matches) else { return Err(wrong()) };

    let slug = workspace.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let membership = on_pool!(db.pool, p => sqlx::query_scalar::<_, i64>(
        "SELECT w.id FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.user_id = $1 AND (w.slug = $2 OR $3 = 0) ORDER BY w.id LIMIT 1",
    )
    .bind(user_id)
    .bind(slug.clone().unwrap_or_default())
    .bind(i64::from(slug.is_some()))
    .fetch_optional(p)
    .await)?;
    let Some(workspace_id) = membership else {
        return Err(AppError::Forbidden(match slug {
            Some(s) => format!("You are not a member of the workspace \"{}\".", super::clean_text(&s, 60)),
            None => "Your account belongs to no workspace yet. Ask an admin to add you to one.".to_string(),
        }));
    };

    let token = random_hex(32)?;
    let created = time::OffsetDateTime::now_utc();
    let expires = created + time::Duration::days(SESSION_DAYS);
    // Sweep this user's expired sessions while here.
    on_pool!(db.pool, p => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(user_id)
        .bind(rfc3339(created))
        .execute(p)
        .await
        .map(drop))?;
    on_pool!(db.pool, p => sqlx::query("INSERT INTO sessions (id, user_id, workspace_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(workspace_id)
        .bind(rfc3339(created))
        .bind(rfc3339(expires))
        .execute(p)
        .await
        .map(drop))?;
    let session = session_for_token(db, &token)
        .await?
        .ok_or_else(|| AppError::internal("sign in", "the new session is not found"))?;
    Ok((token, session))
}

/// End the session whose token is `token` (nothing if there is none).
pub async fn sign_out(db: &Db, token: &str) -> Result<(), AppError> {
    on_pool!(db.pool, p => sqlx::query("DELETE FROM sessions WHERE id = $1").bind(sha256_hex(token)).execute(p).await.map(drop))?;
    Ok(())
}

/// A user to create or update with [`add_user`].
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Email (lowercased before storing).
    pub email: String,
    /// Display name.
    pub name: String,
    /// The password, at least [`MIN_PASSWORD`] characters.
    pub password: String,
    /// The workspace's slug; created if missing.
    pub workspace_slug: String,
    /// The workspace's name if it is created; defaults to the slug.
    pub workspace_name: Option<String>,
    /// The user's role there.
    pub role: Role,
}

/// What [`add_user`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAdded {
    /// The user's id.
    pub user_id: i64,
    /// A new user (else the existing one got the new name and password).
    pub created_user: bool,
    /// The workspace was created.
    pub created_workspace: bool,
}

/// Create a user (or set an existing user's name and password) and give them
/// `role` in the workspace, creating the workspace if missing. A new
/// password ends the user's sessions.
pub async fn add_user(db: &Db, new: &NewUser) -> Result<UserAdded, AppError> {
    let email = new.email.trim().to_lowercase();
    if !csv_import_core::value::is_valid_email(&email) {
        return Err(AppError::BadRequest(format!("\"{}\" is not an email address.", super::clean_text(&email, 80))));
    }
    let name = super::clean_text(&new.name, 200);
    if name.is_empty() {
        return Err(AppError::BadRequest("The name is empty.".to_string()));
    }
    let length = new.password.chars().count();
    if length < MIN_PASSWORD || new.password.len() > MAX_PASSWORD {
        return Err(AppError::BadRequest(format!(
            "The password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters."
        )));
    }
    let hash = hash_password_async(new.password.clone()).await?;
    let (workspace_id, created_workspace) =
        ensure_workspace(db, &new.workspace_slug, new.workspace_name.as_deref()).await?;
    let existing: Option<(i64, String)> = on_pool!(db.pool, p => sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email.clone())
        .fetch_optional(p)
        .await)?;
    let (user_id, created_user) = match existing {
        Some((id, old_hash)) => {
            let unchanged = verify_password_async(Some(old_hash), new.password.clone()).await?;
            let mut tx = db.begin().await?;
            on_conn!(tx.conn(), c => sqlx::query("UPDATE users SET name = $1, password_hash = $2 WHERE id = $3")
                .bind(name)
                .bind(hash)
                .bind(id)
                .execute(c)
                .await
                .map(drop))?;
            if !unchanged {
                // Whoever signed in with the old password is signed out.
                on_conn!(tx.conn(), c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(c).await.map(drop))?;
            }
            tx.commit().await?;
            (id, false)
        }
        None => (insert_user(db, &email, &name, &hash).await?, true),
    };
    set_membership(db, workspace_id, user_id, new.role).await?;
    Ok(UserAdded { user_id, created_user, created_workspace })
}

/// Insert a user whose password is already hashed; their id.
pub async fn insert_user(db: &Db, email: &str, name: &str, password_hash: &str) -> Result<i64, AppError> {
    let id = on_pool!(db.pool, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(email.to_lowercase())
    .bind(name.to_string())
    .bind(password_hash.to_string())
    .bind(now())
    .fetch_one(p)
    .await)?;
    Ok(id)
}

/// Give a user a role in a workspace (replacing any role they had there).
pub async fn set_membership(db: &Db, workspace_id: i64, user_id: i64, role: Role) -> Result<(), AppError> {
    on_pool!(db.pool, p => sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role.as_str())
    .execute(p)
    .await
    .map(drop))?;
    Ok(())
}

/// The id of the workspace with this slug, creating it if missing (named
/// `name`, or the slug); and whether it was created.
pub async fn ensure_workspace(db: &Db, slug: &str, name: Option<&str>) -> Result<(i64, bool), AppError> {
    let slug = slug.trim().to_lowercase();
    let valid = !slug.is_empty()
        && slug.len() <= 63
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-');
    if !valid {
        return Err(AppError::BadRequest(format!(
            "\"{}\" is not a workspace slug: use 1 to 63 lowercase letters, digits and '-'.",
            super::clean_text(&slug, 80)
        )));
    }
    let find = "SELECT id FROM workspaces WHERE slug = $1";
    if let Some(id) = on_pool!(db.pool, p => sqlx::query_scalar::<_, i64>(find).bind(slug.clone()).fetch_optional(p).await)? {
        return Ok((id, false));
    }
    let name = name.map(|n| super::clean_text(n, 200)).filter(|n| !n.is_empty()).unwrap_or_else(|| slug.clone());
    on_pool!(db.pool, p => sqlx::query("INSERT INTO workspaces (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
        .bind(slug.clone())
        .bind(name)
        .execute(p)
        .await
        .map(drop))?;
    Ok((on_pool!(db.pool, p => sqlx::query_scalar::<_, i64>(find).bind(slug.clone()).fetch_one(p).await)?, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_memory_verifies_as_argon2_does() {
        let hash = hash_password("correct horse").unwrap();
        for _ in 0..2 {
            assert!(verify_password_in_kept_memory(&hash, "correct horse"));
            assert!(!verify_password_in_kept_memory(&hash, "correct horsE"));
        }
        // Other parameters (a smaller memory) and another variant: the same answers.
        let params = argon2::Params::new(1024, 1, 1, Some(16)).unwrap();
        let other = Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x13, params)
            .hash_password(b"battery staple", &SaltString::encode_b64(&[7u8; 16]).unwrap())
            .unwrap()
            .to_string();
        assert!(verify_password(&other, "battery staple"));
        assert!(verify_password_in_kept_memory(&other, "battery staple"));
        assert!(!verify_password_in_kept_memory(&other, "battery"));
        assert!(!verify_password_in_kept_memory("!host", "anything"));
        assert!(!verify_password_in_kept_memory("", ""));
    }

    #[test]
    fn control_characters_are_refused_in_sign_in_fields() {
        assert!(check_sign_in_field("email", "ann@example.com").is_ok());
        let refused = check_sign_in_field("password", "pass\u{0}word").unwrap_err();
        assert_eq!(refused.status(), 400);
        assert_eq!(refused.to_string(), "The password contains a control character (U+0000). Type it again without it.");
    }
}

/// A session for `email`'s membership of the workspace `slug` (or, without
/// an email, its first admin's), for work done on the server's own behalf
/// (an import from the command line); `None` when there is no such member.
pub async fn member_session(db: &Db, slug: &str, email: Option<&str>) -> Result<Option<SessionInfo>, AppError> {
    let row = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String, i64, String, String, String)>(
        "SELECT w.id, w.name, u.id, u.email, u.name, m.role FROM workspaces w \
         JOIN memberships m ON m.workspace_id = w.id JOIN users u ON u.id = m.user_id \
         WHERE w.slug = $1 AND (($2 = '' AND m.role = 'admin') OR LOWER(u.email) = LOWER($2)) \
         ORDER BY u.id LIMIT 1",
    )
    .bind(slug.to_string())
    .bind(email.unwrap_or_default().trim().to_string())
    .fetch_optional(p)
    .await)?;
    let Some((workspace_id, workspace_name, user_id, email, name, role)) = row else { return Ok(None) };
    Ok(Some(SessionInfo {
        user_id,
        email,
        name,
        workspace: crate::model::WorkspaceInfo { id: workspace_id, slug: slug.to_string(), name: workspace_name },
        role: Role::parse(&role).unwrap_or(Role::Viewer),
    }))
}
