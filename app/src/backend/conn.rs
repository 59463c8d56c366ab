//! The database's own sqlx drivers behind one type: a [`Pool`], a
//! transaction ([`Tx`]) or a pooled connection ([`Pooled`]) of either, the
//! connection they lend ([`Conn`]), and the macros that write a statement
//! once and compile it for both databases ([`on_pool!`](crate::on_pool),
//! [`on_conn!`](crate::on_conn)).

use super::db::Backend;
use sqlx::pool::PoolConnection;
use sqlx::{Executor, PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

/// A pool of the database's own sqlx driver.
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

impl Pool {
    /// The database it talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Run `$body` with `$p` bound to the pool `$pool` (a [`Pool`]) as
/// `&SqlitePool` or `&PgPool`, as [`on_conn!`](crate::on_conn) does with a
/// connection: for a statement that needs no transaction of its own.
///
/// ```ignore
/// let n: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM imports").fetch_one(p).await)?;
/// ```
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match &$pool {
            $crate::backend::conn::Pool::Sqlite($p) => $body,
            $crate::backend::conn::Pool::Postgres($p) => $body,
        }
    };
}

/// A transaction ([`Db::begin`](super::db::Db::begin)).
pub enum Tx {
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

/// A connection of the pool, outside a transaction ([`Db::acquire`](super::db::Db::acquire)).
pub enum Pooled {
    /// On SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// On PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

/// A connection of the database's own driver, borrowed from a [`Tx`] or a
/// [`Pooled`]: what the import's writes and the destinations run on. Write
/// a statement once for both databases with [`on_conn!`](crate::on_conn);
/// match on it where a database has a faster way of its own.
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// Run `$body` with `$c` bound to the connection of `$conn` (a [`Conn`]),
/// `&mut SqliteConnection` or `&mut PgConnection`: the body is written
/// once and compiled for each database, and must give the same type on both:
/// decode rows into Rust values inside it, and take what you need of a
/// statement's result (its two types differ).
///
/// ```ignore
/// let n: i64 = on_conn!(conn, c => sqlx::query_scalar("SELECT COUNT(*) FROM imports").fetch_one(c).await)?;
/// let changed = on_conn!(conn, c => sqlx::query("UPDATE imports SET note = NULL WHERE id = $1")
///     .bind(id)
///     .execute(c)
///     .await
///     .map(|done| done.rows_affected()))?;
/// ```
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn.reborrow() {
            $crate::backend::conn::Conn::Sqlite($c) => $body,
            $crate::backend::conn::Conn::Postgres($c) => $body,
        }
    };
}

impl Conn<'_> {
    /// The same connection, borrowed again for one call.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }

    /// The database it talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Run `sql`, statements without parameters (a savepoint).
    pub async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        on_conn!(self, c => c.execute(sql).await.map(drop))
    }
}

impl Tx {
    /// Its connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    /// Commit it.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Roll it back.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

impl Pooled {
    /// Its connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}
