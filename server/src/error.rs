//! The server's error type: what can go wrong outside the CSV itself.

use thiserror::Error;

/// Errors of the server and the command line.
#[derive(Debug, Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A template name or file that does not work.
    #[error("{0}")]
    Template(String),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Bad usage the argument parser could not catch.
    #[error("{0}")]
    Usage(String),
}
