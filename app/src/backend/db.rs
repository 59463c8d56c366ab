//! The database: one pool for SQLite or PostgreSQL, chosen by URL, with its
//! migrations run at start-up.
//!
//! The migrations live in `server/migrations/{sqlite,postgres}` and are
//! compiled into the binary (`app/build.rs` makes a new file rebuild it).

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use thiserror::Error;

/// The database used when `DATABASE_URL` is not set: a file under `./data/`.
pub const DEFAULT_URL: &str = "sqlite://data/csv-import.db";

/// Set on every SQLite connection as it opens.
///
/// WAL lets readers go on while an import writes (the mode is stored in the
/// file; each connection already waits 5 s for a busy lock, sqlx's default
/// busy_timeout, instead of failing). `synchronous = NORMAL` in WAL mode
/// syncs the log to disk at checkpoints instead of at every commit: a crash
/// of the process loses nothing, a power cut or an OS crash may undo the
/// commits made since the last checkpoint, and the file stays consistent.
/// A checkpoint every 10,000 pages (about 40 MB of log) instead of SQLite's
/// 1,000: an import's batch dirties hundreds of index pages, so the default
/// copied the log back into the file every two or three batches. Each of the
/// two made the commit of imported rows about 10% faster
/// (`server/examples/bench_commit.rs`, BENCHMARKS.md).
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000";

/// Why the database could not be opened or migrated.
#[derive(Debug, Error)]
pub enum DbError {
    /// The URL names no database this server supports.
    #[error("{0}")]
    Url(String),
    /// The SQLite file's folder could not be created.
    #[error("{path}: {source}")]
    Io {
        /// The folder.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The database could not be reached or queried.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which database a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend of a database URL.
    pub fn of_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::Url(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not {}",
                url.split(':').next().unwrap_or("")
            )))
        }
    }
}

/// A connection pool and the backend it talks to. The server provides it
/// to server functions as Leptos context (`use_context::<Db>()`).
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// SQLite or PostgreSQL.
    pub backend: Backend,
}

/// Connect to `url`, creating an SQLite file (and its folder) if needed, and
/// run the migrations.
pub async fn connect(url: &str) -> Result<Db, DbError> {
    install_default_drivers();
    let backend = Backend::of_url(url)?;
    let url = match backend {
        Backend::Sqlite => sqlite_url_creating_folder(url)?,
        Backend::Postgres => url.to_string(),
    };
    let pool = AnyPoolOptions::new()
        // SQLite has one writer; more connections only queue on its lock.
        .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(SQLITE_PRAGMAS).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    let db = Db { pool, backend };
    migrate(&db).await?;
    Ok(db)
}

/// Run the migrations of the pool's backend.
pub async fn migrate(db: &Db) -> Result<(), DbError> {
    match db.backend {
        Backend::Sqlite => sqlx::migrate!("../server/migrations/sqlite").run(&db.pool).await?,
        Backend::Postgres => sqlx::migrate!("../server/migrations/postgres").run(&db.pool).await?,
    }
    Ok(())
}

/// `sqlite://data/x.db` with `mode=rwc`, after creating `data/`.
fn sqlite_url_creating_folder(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| DbError::Io { path: parent.display().to_string(), source })?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}
