//! The database: one pool for SQLite or PostgreSQL, chosen by URL, with its
//! migrations run at start-up.

use crate::error::Error;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::AnyPool;
use std::path::Path;

/// The database used when `DATABASE_URL` is not set: a file under `./data/`.
pub const DEFAULT_URL: &str = "sqlite://data/csv-import.db";

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
    pub fn of_url(url: &str) -> Result<Backend, Error> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::Usage(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not {}",
                url.split(':').next().unwrap_or("")
            )))
        }
    }
}

/// A connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// SQLite or PostgreSQL.
    pub backend: Backend,
}

/// Connect to `url`, creating an SQLite file (and its folder) if needed, and
/// run the migrations.
pub async fn connect(url: &str) -> Result<Db, Error> {
    install_default_drivers();
    let backend = Backend::of_url(url)?;
    let url = match backend {
        Backend::Sqlite => sqlite_url_creating_folder(url)?,
        Backend::Postgres => url.to_string(),
    };
    let pool = AnyPoolOptions::new()
        // SQLite has one writer; more connections only queue on its lock.
        .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
        .connect(&url)
        .await?;
    if backend == Backend::Sqlite {
        // WAL lets readers go on while an import writes; busy_timeout makes a
        // second writer wait instead of failing.
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        sqlx::query("PRAGMA busy_timeout = 5000").execute(&pool).await?;
    }
    let db = Db { pool, backend };
    migrate(&db).await?;
    Ok(db)
}

/// Run the migrations of the pool's backend.
pub async fn migrate(db: &Db) -> Result<(), Error> {
    match db.backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&db.pool).await?,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&db.pool).await?,
    }
    Ok(())
}

/// `sqlite://data/x.db` with `mode=rwc`, after creating `data/`.
fn sqlite_url_creating_folder(url: &str) -> Result<String, Error> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| Error::Io { path: parent.display().to_string(), source })?;
        }
    }
    let query = if query.contains("mode=") { query.to_string() } else if query.is_empty() { "mode=rwc".into() } else { format!("{query}&mode=rwc") };
    Ok(format!("sqlite://{path}?{query}"))
}
