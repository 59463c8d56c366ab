//! The database layer against a real SQLite file and the real PostgreSQL.

mod common;

use csv_import::db::{self, Backend};

async fn tables(db: &db::Db) -> Vec<String> {
    let sql = match db.backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Backend::Postgres => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
    };
    sqlx::query_scalar(sql).fetch_all(&db.pool).await.expect("list tables")
}

#[tokio::test]
async fn sqlite_file_and_folder_are_created_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/app.db");
    let url = format!("sqlite://{}", path.display());
    let db = db::connect(&url).await.unwrap();
    assert_eq!(db.backend, Backend::Sqlite);
    assert!(path.exists(), "the SQLite file is created on first start");
    assert!(tables(&db).await.contains(&"workspaces".to_string()));
    drop(db);
    // A second start finds the migrations applied and changes nothing.
    let again = db::connect(&url).await.unwrap();
    assert!(tables(&again).await.contains(&"workspaces".to_string()));
}

#[tokio::test]
async fn postgres_is_migrated() {
    let Some(db) = common::postgres().await else { return };
    assert_eq!(db.backend, Backend::Postgres);
    assert!(tables(&db).await.contains(&"workspaces".to_string()));
}

#[test]
fn unknown_database_urls_are_refused_clearly() {
    let err = Backend::of_url("mysql://localhost/x").unwrap_err().to_string();
    assert!(err.contains("sqlite:// or postgres://"), "{err}");
}
