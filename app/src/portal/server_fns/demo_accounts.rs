use crate::model::DemoAccount;
use crate::AppError;
use leptos::prelude::*;

/// The demo accounts and their password, so that the sign-in page can list
/// them; empty unless the server runs in demo mode (the demo seed is on).
/// Public: the accounts exist only for people trying the demo.
#[server(endpoint = "demo_accounts")]
pub async fn demo_accounts() -> Result<Vec<DemoAccount>, AppError> {
    use crate::backend::DemoMode;
    use crate::portal::backend::demo;
    let on = use_context::<DemoMode>().unwrap_or_default().0;
    Ok(if on { demo::accounts() } else { Vec::new() })
}
