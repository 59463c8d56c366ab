use crate::model::SessionInfo;
use crate::AppError;
use leptos::prelude::*;

/// Signs a user in, so that the other server functions know who is asking:
/// checks the email and password and sets the session cookie. Form fields
/// `email`, `password` and optionally `workspace` (a slug; else the user's
/// first workspace). A wrong email or password is a 401 that does not say
/// which of the two was wrong; a control character in a field is a 400.
/// After 10 wrong ones for an email from one address within 15 minutes, or
/// 50 from one address, the attempt is refused for a while (429); so is one
/// that finds the server busy checking other sign-ins (`backend::throttle`).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, workspace: Option<String>) -> Result<SessionInfo, AppError> {
    use crate::backend::throttle::{Endpoint, SignIns};
    use crate::backend::{auth, db, set_cookie};
    auth::check_sign_in_field("email", &email)?;
    auth::check_sign_in_field("password", &password)?;
    auth::check_sign_in_field("workspace", workspace.as_deref().unwrap_or_default())?;
    let guard = SignIns::current();
    let attempt = guard.attempt(Endpoint::Login, "", &email, &guard.client())?;
    let db = db()?;
    let slot = guard.slot().await?;
    let signed_in = auth::sign_in(&db, &email, &password, workspace.as_deref()).await;
    drop(slot);
    match signed_in {
        Ok((token, session)) => {
            attempt.succeeded();
            set_cookie(&auth::session_cookie(&token));
            Ok(session)
        }
        Err(e) => {
            if matches!(e, AppError::Unauthenticated(_)) {
                attempt.failed();
            }
            Err(e)
        }
    }
}
