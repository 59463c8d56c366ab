//! `csv-import import`: a file imported from the command line through the
//! import pipeline, on SQLite and PostgreSQL: the valid rows land, the
//! invalid ones are skipped with their reasons, the import is in the
//! history, and importing the file again updates nothing twice.

mod common;

use csv_import::db::on_pool;
use std::process::{Command, Output};

fn run(args: &[&str], url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_csv-import"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("CSV_IMPORT_PASSWORD", "a long enough password")
        .env_remove("CSV_IMPORT_TEMPLATES")
        .output()
        .expect("run csv-import")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

const FILE: &str = "First Name,Last Name,Email,Phone,Company\n\
    Ada,Lovelace,ada@example.com,+44 20 7946 0000,Analytical\n\
    Alan,Turing,not-an-email,,Bletchley\n\
    Grace,Hopper,grace@example.com,,Navy\n";

async fn a_file_is_imported_from_the_command_line(url: String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.csv");
    std::fs::write(&file, FILE).unwrap();
    let file = file.to_str().unwrap();

    // No such workspace yet: a usage error that says so.
    let missing = run(&["import", "--template", "clients", "--workspace", "acme", file], &url);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    assert!(text(&missing).contains("acme"), "{}", text(&missing));

    let added = run(
        &["user", "add", "--email", "ops@acme.test", "--name", "Ops", "--workspace", "acme", "--role", "admin"],
        &url,
    );
    assert!(added.status.success(), "{}", text(&added));

    let first = run(&["import", "--template", "clients", "--workspace", "acme", file], &url);
    assert_eq!(first.status.code(), Some(1), "one row skipped: {}", text(&first));
    let out = text(&first);
    assert!(out.contains("2 added, 0 updated, 0 unchanged, 1 skipped"), "{out}");
    assert!(out.contains("row 2: Email"), "the skipped row and why: {out}");

    // Again: the same records, unchanged, never doubled.
    let second = run(&["import", "--template", "clients", "--workspace", "acme", "--as", "OPS@acme.test", file], &url);
    assert!(text(&second).contains("0 added, 0 updated, 2 unchanged, 1 skipped"), "{}", text(&second));

    let db = csv_import::db::connect(&url).await.unwrap();
    let emails: Vec<String> = on_pool!(db.pool, p => sqlx::query_scalar("SELECT email FROM clients ORDER BY email").fetch_all(p).await).unwrap();
    assert_eq!(emails, ["ada@example.com", "grace@example.com"]);
    let history: Vec<(String, String)> =
        on_pool!(db.pool, p => sqlx::query_as("SELECT file_name, state FROM imports ORDER BY created_at").fetch_all(p).await).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|(name, state)| name == "nightly.csv" && state == "done"), "{history:?}");

    // A viewer may not import.
    let viewer = run(
        &["user", "add", "--email", "viewer@acme.test", "--name", "V", "--workspace", "acme", "--role", "viewer"],
        &url,
    );
    assert!(viewer.status.success(), "{}", text(&viewer));
    let refused = run(&["import", "--template", "clients", "--workspace", "acme", "--as", "viewer@acme.test", file], &url);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_imported_from_the_command_line_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    a_file_is_imported_from_the_command_line(format!("sqlite://{}/cli.db", dir.path().display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_imported_from_the_command_line_on_postgres() {
    let Some(url) = common::postgres_url().await else { return };
    a_file_is_imported_from_the_command_line(url).await;
}

#[test]
fn a_webhook_template_without_its_secret_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let template = "name = \"hooked\"\nlabel = \"Hooked\"\ndestination = \"webhook\"\n\n[[fields]]\nkey = \"email\"\n\
                    type = \"email\"\n\n[webhook]\nurl = \"https://hooks.example.com/rows\"\nsecret_env = \"HOOKED_SECRET\"\n";
    std::fs::write(dir.path().join("hooked.toml"), template).unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, "email\nann@example.com\n").unwrap();
    let url = format!("sqlite://{}/cli.db", dir.path().display());
    let templates = dir.path().to_str().unwrap();
    let args = ["import", "--template", "hooked", "--workspace", "acme", "--templates", templates, file.to_str().unwrap()];
    let output = Command::new(env!("CARGO_BIN_EXE_csv-import"))
        .args(args)
        .env("DATABASE_URL", &url)
        .env_remove("HOOKED_SECRET")
        .output()
        .expect("run csv-import");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("template hooked posts its rows to a webhook, but HOOKED_SECRET"), "{}", text(&output));
    assert!(!dir.path().join("cli.db").exists(), "no database was opened");
}
