use crate::AppError;
use leptos::prelude::*;

/// Signs out: ends the session in the database (so a copied cookie stops
/// working too) and removes the cookie. Signing out without a session is
/// not an error.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::backend::{auth, db, set_cookie};
    let headers: axum::http::HeaderMap =
        leptos_axum::extract().await.map_err(|e| AppError::internal("reading the request headers", e))?;
    if let Some(token) = auth::token_of(&headers) {
        auth::sign_out(&db()?, &token).await?;
    }
    set_cookie(&auth::expired_cookie());
    Ok(())
}
