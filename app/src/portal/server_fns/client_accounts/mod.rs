//! Client accounts: listing them, and their sign-in check.

pub mod client_login;
pub mod list_client_accounts;
