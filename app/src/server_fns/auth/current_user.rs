use crate::model::SessionInfo;
use crate::AppError;
use leptos::prelude::*;

/// Who is signed in, if anyone, so that pages can show the user, their
/// workspace and role, or the sign-in link. Not being signed in is `None`,
/// not an error.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionInfo>, AppError> {
    crate::backend::auth::optional_session().await
}
