//! Shared by the server's integration tests: databases to test against.

#![allow(dead_code)]

use csv_import::db::{self, Db};

/// Runs each `scenario(db)` twice: on a fresh SQLite file and on a fresh
/// PostgreSQL schema, as `<scenario>::sqlite` and `<scenario>::postgres`.
#[allow(unused_macros)]
macro_rules! on_both {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (db, _dir) = crate::common::sqlite().await;
                super::$scenario(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = crate::common::postgres().await else { return };
                super::$scenario(db).await;
            }
        }
    )*};
}

/// A fresh SQLite database in a temporary folder (kept alive by the guard).
pub async fn sqlite() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let db = db::connect(&url).await.expect("SQLite connects and migrates");
    (db, dir)
}

/// A fresh schema on the test PostgreSQL, or `None` (with a notice) where
/// there is none. Under `CI=true` a missing PostgreSQL fails the test.
pub async fn postgres() -> Option<Db> {
    let base = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    sqlx::any::install_default_drivers();
    let admin = match sqlx::AnyPool::connect(&base).await {
        Ok(pool) => pool,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but PostgreSQL at {base} is not reachable: {e}");
            }
            eprintln!("NOTICE: PostgreSQL tests skipped: {base} is not reachable ({e})");
            return None;
        }
    };
    let schema = format!(
        "t_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    Some(db::connect(&url).await.expect("PostgreSQL connects and migrates"))
}
