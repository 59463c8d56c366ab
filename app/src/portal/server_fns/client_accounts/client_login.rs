use crate::AppError;
use leptos::prelude::*;

/// Whether a client signs in to a workspace (by its slug) with this email
/// and password: imported clients are given their initial password, and
/// this is the check their sign-in uses. Needs no session (clients have
/// none); answers only true or false, for an unknown workspace or email too.
/// A control character in a field is a 400. After 10 false answers for an
/// email from one address within 15 minutes, or 50 from one address, it
/// answers 429 for a while; so when the server is busy checking other
/// sign-ins (`backend::throttle`).
#[server(endpoint = "client_login")]
pub async fn client_login(workspace: String, email: String, password: String) -> Result<bool, AppError> {
    use crate::backend::throttle::{Endpoint, SignIns};
    use crate::backend::{auth, db};
    use crate::portal::backend::client_accounts;
    if workspace.len() > 100 || email.len() > 320 || password.len() > 1024 {
        return Err(AppError::BadRequest("The workspace, email or password is too long.".to_string()));
    }
    auth::check_sign_in_field("workspace", &workspace)?;
    auth::check_sign_in_field("email", &email)?;
    auth::check_sign_in_field("password", &password)?;
    let guard = SignIns::current();
    let attempt = guard.attempt(Endpoint::ClientLogin, &workspace, &email, &guard.client())?;
    let db = db()?;
    let id: Option<i64> = crate::on_pool!(db.pool, p => sqlx::query_scalar("SELECT id FROM workspaces WHERE slug = $1")
        .bind(workspace.trim().to_lowercase())
        .fetch_optional(p)
        .await)?;
    // The check of an unknown workspace or email takes as long (a decoy),
    // under the same slot.
    let slot = guard.slot().await?;
    let signed_in = client_accounts::client_login(&db, id.unwrap_or(-1), &email, &password).await?;
    drop(slot);
    if signed_in {
        attempt.succeeded();
    } else {
        attempt.failed();
    }
    Ok(signed_in)
}
