//! The database: SQLite or PostgreSQL, chosen by URL, with its migrations
//! run at start-up. One pool of the database's own sqlx driver ([`Pool`]),
//! so that each database gets its own fast path (arrays bound by the
//! driver, `COPY` on PostgreSQL). A statement written once for both runs
//! through [`on_pool!`](crate::on_pool) or [`on_conn!`](crate::on_conn).
//!
//! The migrations live in `server/migrations/{sqlite,postgres}` and are
//! compiled into the binary (`app/build.rs` makes a new file rebuild it).

use crate::AppError;
use csv_import_core::{messages, FieldType, Lang, Template};
pub use super::conn::{Conn, Pool, Pooled, Tx};
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Executor, Sqlite};
use std::str::FromStr;
use std::path::Path;
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::{Mutex, MutexGuard};

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
/// (`server/examples/bench_commit.rs`, BENCHMARKS.md). A page cache of up to
/// 64 MiB per connection instead of 2 MiB: once a table holds a million
/// records its key index no longer fits in 2 MiB, and each batch's random
/// inserts read its pages from the file again (the commit of a million rows
/// went from 44,500 to 52,700 rows/s). The file read through a memory map
/// of up to 1 GiB rather than copied page by page into each connection's
/// cache: the pool's connections take turns at the writes, and each finds
/// its cache stale after another's commit and reads the pages it needs
/// again (a background import of a million rows spent a third of its time
/// in those copies; its job went from 22 to 17 s). Temporary storage in
/// memory: each multi-row statement inside a transaction keeps a statement
/// journal (the pages it changes, as they were, so that it alone can be
/// undone), and in a temporary file those copies more than doubled what a
/// background import of a million rows wrote (3.7 GB against 1.5 GB; the
/// server's system time 4.2-4.7 s against 2.4-2.6 s). A journal holds the
/// pages of one statement, a few MB.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000; PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824; PRAGMA temp_store = MEMORY";

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
    /// The pool ([`on_pool!`](crate::on_pool), [`Db::begin`], [`Db::acquire`]).
    pub pool: Pool,
    /// This process's turn at SQLite's one writer ([`Db::write_turn`]).
    writer: Arc<Mutex<()>>,
}

impl Db {
    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// A transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A connection of the pool, for several statements outside a transaction.
    pub async fn acquire(&self) -> Result<Pooled, sqlx::Error> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Pooled::Sqlite(pool.acquire().await?),
            Pool::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
        })
    }

    /// Wait for this process's turn at the database's writer, before taking
    /// a connection and beginning a transaction that writes much (a batch
    /// staged or committed, an import started or ended); hold it until that
    /// transaction ends. SQLite has one writer: a transaction that finds it
    /// taken sleeps in SQLite's busy handler, up to 100 ms a time, and the
    /// writer stays idle until it wakes; waiting here hands the writer over
    /// in order the moment it is free, and spares the waiters the busy
    /// timeout. PostgreSQL locks rows, not the database: no turn (`None`).
    ///
    /// Taken before the connection, never while holding one, so that the
    /// holder can always get the connections it needs; and never twice in
    /// one task (it is not reentrant).
    pub async fn write_turn(&self) -> Option<MutexGuard<'_, ()>> {
        match self.backend() {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }
}

/// Connect to `url`, creating an SQLite file (and its folder) if needed, and
/// run the migrations.
pub async fn connect(url: &str) -> Result<Db, DbError> {
    let backend = Backend::of_url(url)?;
    let url = match backend {
        Backend::Sqlite => sqlite_url_creating_folder(url)?,
        Backend::Postgres => url.to_string(),
    };
    // SQLite has one writer; more connections only queue on its lock.
    let max = if backend == Backend::Sqlite { 4 } else { 16 };
    let pool = match backend {
        Backend::Sqlite => Pool::Sqlite(
            with_sqlite_pragmas(SqlitePoolOptions::new().max_connections(max))
                .connect_with(SqliteConnectOptions::from_str(&url)?)
                .await?,
        ),
        Backend::Postgres => {
            Pool::Postgres(PgPoolOptions::new().max_connections(max).connect_with(PgConnectOptions::from_str(&url)?).await?)
        }
    };
    let db = Db { pool, writer: Arc::new(Mutex::new(())) };
    migrate(&db).await?;
    Ok(db)
}

/// `options` with [`SQLITE_PRAGMAS`] set on each connection as it opens.
fn with_sqlite_pragmas(options: PoolOptions<Sqlite>) -> PoolOptions<Sqlite> {
    options.after_connect(|conn, _| {
        Box::pin(async move {
            conn.execute(SQLITE_PRAGMAS).await?;
            Ok(())
        })
    })
}

/// Run the migrations of the pool's backend, then fold the record keys
/// that rows from before the folded-key migration lack.
pub async fn migrate(db: &Db) -> Result<(), DbError> {
    match &db.pool {
        Pool::Sqlite(pool) => sqlx::migrate!("../server/migrations/sqlite").run(pool).await?,
        Pool::Postgres(pool) => sqlx::migrate!("../server/migrations/postgres").run(pool).await?,
    }
    super::records::fill_folded_keys(db).await?;
    Ok(())
}

/// The longest value stored, in bytes: far above any template's
/// `max_length`, so only a value that slipped past every other check meets it.
pub const MAX_VALUE_BYTES: usize = 100_000;

/// The longest indexed value (a folded key, an email, a username, a tag
/// name), in bytes: PostgreSQL refuses B-tree index entries over about
/// 2,700 bytes.
pub const MAX_INDEXED_BYTES: usize = 2_000;

/// Why a value cannot be stored as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unstorable {
    /// It holds a NUL character, which PostgreSQL's text cannot hold.
    Nul,
    /// It is longer than the database (or its index) takes.
    TooLong {
        /// The most bytes allowed.
        max_bytes: usize,
    },
}

/// What keeps `value` from being stored: a NUL character, or more bytes
/// than [`MAX_VALUE_BYTES`] ([`MAX_INDEXED_BYTES`] for an `indexed` one).
/// Checked before values reach the database, so that such a value skips its
/// row with a reason instead of failing the batch.
pub fn unstorable(value: &str, indexed: bool) -> Option<Unstorable> {
    let max_bytes = if indexed { MAX_INDEXED_BYTES } else { MAX_VALUE_BYTES };
    if value.len() > max_bytes {
        Some(Unstorable::TooLong { max_bytes })
    } else if value.contains('\0') {
        Some(Unstorable::Nul)
    } else {
        None
    }
}

/// A skipped row's reason for an [`Unstorable`] value of the column `header`.
pub fn unstorable_reason(lang: Lang, header: &str, problem: Unstorable) -> String {
    let message = match (problem, lang) {
        (Unstorable::Nul, Lang::Fr) => {
            "contient un caractère NUL, qu’aucune base de données ne garde. Supprimez-le du fichier.".to_string()
        }
        (Unstorable::Nul, _) => "contains a NUL character, which cannot be stored. Remove it from the file.".to_string(),
        (Unstorable::TooLong { max_bytes }, Lang::Fr) => {
            format!("est trop long pour être enregistré (plus de {max_bytes} octets). Raccourcissez-le.")
        }
        (Unstorable::TooLong { max_bytes }, _) => {
            format!("is too long to be stored (over {max_bytes} bytes). Shorten it.")
        }
    };
    messages::reason(lang, header, &message)
}

/// The reasons a row's values (as stored, in the template's field order)
/// cannot be stored: one per [`unstorable`] value, naming its column. Key,
/// unique and reference fields are indexed. Passwords are never stored
/// (only their hash), so they are not looked at.
pub fn unstorable_reasons(template: &Template, values: &[Option<String>], lang: Lang) -> Vec<String> {
    let mut reasons = Vec::new();
    for (field, value) in template.fields.iter().zip(values) {
        let Some(value) = value else { continue };
        if field.kind == FieldType::Password {
            continue;
        }
        let indexed = field.unique || field.reference.is_some() || template.key.contains(&field.key);
        if let Some(problem) = unstorable(value, indexed) {
            reasons.push(unstorable_reason(lang, field.header(), problem));
        }
    }
    reasons
}

/// A PostgreSQL error about a value (SQLSTATE class 22, data exception, e.g.
/// an invalid byte sequence; or 54000, e.g. an index row too large) as a
/// 400 that says so; any other error as it is. The values' own checks
/// ([`unstorable`]) run first, so this is the last line, not the rule.
pub fn value_error(e: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(d) = &e
        && let Some(code) = d.code()
        && code.len() == 5
        && (code.starts_with("22") || code == "54000")
    {
        tracing::warn!("a value was refused by the database: {d}");
        return AppError::BadRequest(
            "A value of this batch could not be stored (too long, or a character the database refuses). \
             Shorten or correct it and send the batch again."
                .to_string(),
        );
    }
    AppError::from(e)
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

/// A `LIKE ... ESCAPE '\'` pattern that finds `search` anywhere in a
/// value, its `%`, `_` and `\` taken literally.
pub fn contains_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_found_anywhere_with_its_wildcards_taken_literally() {
        assert_eq!(super::contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(super::contains_pattern("Zoé"), "%Zoé%");
    }
}
