use crate::server_fns::AppError;
use leptos::prelude::*;

/// Whether a client signs in to a workspace (by its slug) with this email
/// and password: imported clients are given their initial password, and
/// this is the check their sign-in uses. Needs no session (clients have
/// none); answers only true or false, for an unknown workspace or email too.
/// After 10 false answers for an email within 15 minutes, it answers 429
/// for a while (`backend::throttle`).
#[server(endpoint = "client_login")]
pub async fn client_login(workspace: String, email: String, password: String) -> Result<bool, AppError> {
    use crate::backend::throttle::{sign_in_key, SIGN_INS};
    use crate::backend::{client_accounts, db};
    if workspace.len() > 100 || email.len() > 320 || password.len() > 1024 {
        return Err(AppError::BadRequest("The workspace, email or password is too long.".to_string()));
    }
    let key = sign_in_key("client_login", &workspace, &email);
    SIGN_INS.check(&key)?;
    let db = db()?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM workspaces WHERE slug = $1")
        .bind(workspace.trim().to_string())
        .fetch_optional(&db.pool)
        .await?;
    let signed_in = client_accounts::client_login(&db, id.unwrap_or(-1), &email, &password).await?;
    if signed_in {
        SIGN_INS.succeeded(&key);
    } else {
        SIGN_INS.failed(&key);
    }
    Ok(signed_in)
}
