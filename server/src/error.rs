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
    /// The database could not be opened, reached or migrated.
    #[error("{0}")]
    Db(#[from] app::backend::db::DbError),
    /// A server-side operation (e.g. adding a user) was refused or failed.
    #[error("{0}")]
    App(#[from] app::AppError),
    /// Bad usage the argument parser could not catch.
    #[error("{0}")]
    Usage(String),
}
