use crate::model::SessionInfo;
use crate::server_fns::AppError;
use leptos::prelude::*;

/// Signs a user in, so that the other server functions know who is asking:
/// checks the email and password and sets the session cookie. Form fields
/// `email`, `password` and optionally `workspace` (a slug; else the user's
/// first workspace). A wrong email or password is a 401 that does not say
/// which of the two was wrong.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, workspace: Option<String>) -> Result<SessionInfo, AppError> {
    use crate::backend::{auth, db, set_cookie};
    let db = db()?;
    let (token, session) = auth::sign_in(&db, &email, &password, workspace.as_deref()).await?;
    set_cookie(&auth::session_cookie(&token));
    Ok(session)
}
