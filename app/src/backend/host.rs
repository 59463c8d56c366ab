//! Sign-in by the host application: when csv-import is mounted inside an
//! existing server, the host says who the user is and what they may import,
//! and csv-import uses that instead of its own session cookie.
//!
//! The host provides an [`Identify`] (usually a closure over the request's
//! [`Parts`], reading what the host's own authentication middleware left in
//! the extensions or headers). The answer, a [`Principal`], is mapped onto
//! csv-import's users, workspaces and memberships (created on first sight,
//! with a password nobody can sign in with), so that imports keep their
//! history and their owner as with csv-import's own sign-in.

use super::auth;
use super::db::Db;
use crate::model::{Role, SessionInfo};
use crate::{on_pool, AppError};
use axum::http::request::Parts;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Who the host says the user is, and what they may import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The user's email: the user's identity in csv-import.
    pub email: String,
    /// The name shown in the import history.
    pub name: String,
    /// The workspace (tenant) slug the user imports into: 1 to 63 lowercase
    /// letters, digits and '-'. Created on first use.
    pub workspace: String,
    /// The role in that workspace; it decides which templates' permissions
    /// the user has (admin: all; staff: clients and leads; viewer: none).
    pub role: Role,
    /// If set, only these templates (by name), on top of what the role allows.
    pub templates: Option<Vec<String>>,
}

/// The answer of an [`Identify`]: a principal, `None` for "not signed in"
/// (a 401), or an error message (a 500, logged).
pub type IdentifyFuture = Pin<Box<dyn Future<Output = Result<Option<Principal>, String>> + Send>>;

/// The host's way to answer "who is this user and what may they import"
/// for a request. Implemented for closures
/// `Fn(&Parts) -> impl Future<Output = Option<Principal>>`.
pub trait Identify: Send + Sync + 'static {
    /// Who sent this request, if anybody the host knows.
    fn identify(&self, request: &Parts) -> IdentifyFuture;
}

impl<F, Fut> Identify for F
where
    F: Fn(&Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<Principal>> + Send + 'static,
{
    fn identify(&self, request: &Parts) -> IdentifyFuture {
        let answer = self(request);
        Box::pin(async move { Ok(answer.await) })
    }
}

/// The host's [`Identify`], provided as Leptos context to the server
/// functions when csv-import is mounted by a host. Without it, csv-import's
/// own session cookie is used.
#[derive(Clone)]
pub struct HostAuth(pub Arc<dyn Identify>);

/// The templates the host allows the current request's user, provided as
/// Leptos context by [`session`]; [`super::access::refusal`] honours it.
#[derive(Clone, Debug)]
pub struct HostGrant(pub Option<Vec<String>>);

impl HostGrant {
    /// Whether the host lets the user import with the template `name`.
    pub fn allows(&self, name: &str) -> bool {
        self.0.as_ref().is_none_or(|names| names.iter().any(|n| n == name))
    }
}

/// The session of a request the host vouches for: asks `identify`, then
/// finds or creates the user, workspace and membership it names.
pub async fn session(db: &Db, identify: &dyn Identify, request: &Parts) -> Result<Option<(SessionInfo, HostGrant)>, AppError> {
    let principal = identify.identify(request).await.map_err(|e| AppError::internal("the host's sign-in", e))?;
    let Some(principal) = principal else { return Ok(None) };
    let session = session_for_principal(db, &principal).await?;
    Ok(Some((session, HostGrant(principal.templates))))
}

/// A password hash no password matches: users the host signs in cannot sign
/// in to csv-import itself.
const NO_PASSWORD: &str = "!host";

/// csv-import's session for a principal: its user (by email), workspace (by
/// slug) and role there, created or updated as needed.
pub async fn session_for_principal(db: &Db, principal: &Principal) -> Result<SessionInfo, AppError> {
    let email = principal.email.trim().to_lowercase();
    if !csv_import_core::value::is_valid_email(&email) {
        return Err(AppError::internal("the host's sign-in", format!("{email:?} is not an email address")));
    }
    let (workspace_id, _) = auth::ensure_workspace(db, &principal.workspace, None).await?;
    let name = super::clean_text(&principal.name, 200);
    let name = if name.is_empty() { email.clone() } else { name };
    let user_id: i64 =
        match on_pool!(db.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email.clone()).fetch_optional(p).await)? {
            Some(id) => id,
            None => match auth::insert_user(db, &email, &name, NO_PASSWORD).await {
                Ok(id) => id,
                // Two first requests at once: the other one inserted it.
                Err(_) => on_pool!(db.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email.clone()).fetch_one(p).await)?,
            },
        };
    let role: Option<String> = on_pool!(db.pool, p => sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(p)
        .await)?;
    if role.as_deref() != Some(principal.role.as_str()) {
        auth::set_membership(db, workspace_id, user_id, principal.role).await?;
    }
    let (slug, workspace_name): (String, String) =
        on_pool!(db.pool, p => sqlx::query_as("SELECT slug, name FROM workspaces WHERE id = $1").bind(workspace_id).fetch_one(p).await)?;
    Ok(SessionInfo {
        user_id,
        email,
        name,
        workspace: crate::model::WorkspaceInfo { id: workspace_id, slug, name: workspace_name },
        role: principal.role,
    })
}
