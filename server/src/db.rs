//! The database: one pool for SQLite or PostgreSQL, chosen by URL, with its
//! migrations run at start-up. It lives in the app crate
//! (`app::backend::db`) so that server functions can use it; this module
//! re-exports it.

pub use app::backend::db::*;
pub use app::{on_conn, on_pool};
