//! The csv-import server and command-line tool: the HTTP server (axum and
//! leptos_axum), the database (sqlx, SQLite or PostgreSQL) and the
//! `validate`, `parse`, `sample` and `templates` commands.

// The views nest deeply enough to pass rustc's default type-layout depth.
#![recursion_limit = "256"]

#[cfg(feature = "portal")]
pub mod cli;
pub mod db;
pub mod destination;
mod downloads;
pub mod embed;
pub mod error;
#[cfg(feature = "portal")]
pub mod serve;

/// The current time as RFC 3339, for `default = "now"` fields.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}
