//! The database layer against a real SQLite file and the real PostgreSQL.

#[macro_use]
mod common;

use csv_import::db::{self, on_conn, on_pool, Backend, Conn};

async fn tables(db: &db::Db) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Backend::Postgres => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
    };
    on_pool!(db.pool, p => sqlx::query_scalar(sql).fetch_all(p).await).expect("list tables")
}

#[tokio::test]
async fn sqlite_file_and_folder_are_created_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/app.db");
    let url = format!("sqlite://{}", path.display());
    let db = db::connect(&url).await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
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
    assert_eq!(db.backend(), Backend::Postgres);
    assert!(tables(&db).await.contains(&"workspaces".to_string()));
}

#[test]
fn unknown_database_urls_are_refused_clearly() {
    let err = Backend::of_url("mysql://localhost/x").unwrap_err().to_string();
    assert!(err.contains("sqlite:// or postgres://"), "{err}");
}

/// A new workspace's id.
async fn workspace(db: &db::Db, slug: &str) -> i64 {
    on_pool!(db.pool, p => sqlx::query_scalar("INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id")
        .bind(slug.to_string())
        .fetch_one(p)
        .await)
        .expect("a workspace")
}

/// Add one record per table to `workspace` in `conn`'s transaction.
async fn add_records(mut conn: Conn<'_>, workspace: i64) -> Result<(), sqlx::Error> {
    for (table, key) in [("clients", "email"), ("leads", "email"), ("companies", "name")] {
        on_conn!(conn, c => sqlx::query(&format!(
            "INSERT INTO {table} (workspace_id, {key}, key_folded, created_at, updated_at) VALUES ($1, 'a', 'a', 'now', 'now')"
        ))
        .bind(workspace)
        .execute(c)
        .await
        .map(drop))?;
    }
    Ok(())
}

async fn records_of(db: &db::Db, workspace: i64) -> i64 {
    let mut total = 0;
    for table in ["clients", "leads", "companies"] {
        let n: i64 = on_pool!(db.pool, p => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE workspace_id = $1"))
            .bind(workspace)
            .fetch_one(p)
            .await)
            .unwrap();
        total += n;
    }
    total
}

on_both!(records_need_their_workspace, deleting_a_workspace_waits_for_its_imports_and_deletes_its_records);

/// A record of a workspace that does not exist is refused as a foreign key
/// violation, whether inserted or moved there, on both databases (the
/// record tables check it per statement on PostgreSQL).
async fn records_need_their_workspace(db: db::Db) {
    let acme = workspace(&db, "acme").await;
    let missing = acme + 1000;
    let mut conn = db.acquire().await.unwrap();
    add_records(conn.conn(), acme).await.unwrap();
    drop(conn);
    for (table, key) in [("clients", "email"), ("leads", "email"), ("companies", "name")] {
        let insert = on_pool!(db.pool, p => sqlx::query(&format!(
            "INSERT INTO {table} (workspace_id, {key}, key_folded, created_at, updated_at) \
             VALUES ($1, 'b', 'b', 'now', 'now'), ($2, 'c', 'c', 'now', 'now')"
        ))
        .bind(acme)
        .bind(missing)
        .execute(p)
        .await
        .map(|done| done.rows_affected()));
        refused_as_foreign_key(insert, &format!("{table}: a row of a missing workspace"));
        let moved = on_pool!(db.pool, p => sqlx::query(&format!("UPDATE {table} SET workspace_id = $1 WHERE workspace_id = $2"))
            .bind(missing)
            .bind(acme)
            .execute(p)
            .await
            .map(|done| done.rows_affected()));
        refused_as_foreign_key(moved, &format!("{table}: a record moved to a missing workspace"));
    }
    assert_eq!(records_of(&db, missing).await, 0);
    assert_eq!(records_of(&db, acme).await, 3, "the statements refused stored nothing");
}

fn refused_as_foreign_key(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(e)) => assert!(e.is_foreign_key_violation(), "{what}: {e}"),
        other => panic!("{what} was stored: {other:?}"),
    }
}

/// Deleting a workspace deletes its records, and waits for an import that
/// is adding records to it: once that commits, its records go too (none is
/// left without its workspace).
async fn deleting_a_workspace_waits_for_its_imports_and_deletes_its_records(db: db::Db) {
    let gone = workspace(&db, "gone").await;
    let kept = workspace(&db, "kept").await;
    let mut conn = db.acquire().await.unwrap();
    add_records(conn.conn(), kept).await.unwrap();
    drop(conn);
    let mut import = db.begin().await.unwrap();
    add_records(import.conn(), gone).await.unwrap();
    let pool = db.pool.clone();
    let delete = tokio::spawn(async move {
        on_pool!(pool, p => sqlx::query("DELETE FROM workspaces WHERE id = $1").bind(gone).execute(p).await.map(|r| r.rows_affected()))
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!delete.is_finished(), "the workspace was deleted under an import adding records to it");
    import.commit().await.unwrap();
    assert_eq!(delete.await.unwrap().expect("the delete goes on once the import commits"), 1);
    assert_eq!(records_of(&db, gone).await, 0, "the deleted workspace's records are deleted");
    assert_eq!(records_of(&db, kept).await, 3, "other workspaces keep theirs");
}
