use crate::model::SessionInfo;
use crate::server_fns::AppError;
use leptos::prelude::*;

/// Signs a user in, so that the other server functions know who is asking:
/// checks the email and password and sets the session cookie. Form fields
/// `email`, `password` and optionally `workspace` (a slug; else the user's
/// first workspace). A wrong email or password is a 401 that does not say
/// which of the two was wrong; after 10 wrong ones for an email within 15
/// minutes, the email is refused for a while (429, `backend::throttle`).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, workspace: Option<String>) -> Result<SessionInfo, AppError> {
    use crate::backend::throttle::{sign_in_key, SIGN_INS};
    use crate::backend::{auth, db, set_cookie};
    let key = sign_in_key("login", "", &email);
    SIGN_INS.check(&key)?;
    let db = db()?;
    match auth::sign_in(&db, &email, &password, workspace.as_deref()).await {
        Ok((token, session)) => {
            SIGN_INS.succeeded(&key);
            set_cookie(&auth::session_cookie(&token));
            Ok(session)
        }
        Err(e) => {
            if matches!(e, AppError::Unauthenticated(_)) {
                SIGN_INS.failed(&key);
            }
            Err(e)
        }
    }
}
