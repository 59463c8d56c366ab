//! The server's commit next to each database's own bulk loader, on the same
//! rows: part of `make bench`.
//!
//! ```text
//! cargo run --release -p csv-import --example bench_commit -- <clients.csv>
//! ```
//!
//! The file is checked with core as the modal checks it; its valid records
//! go, in batches of 5,000 as the modal sends them (`BENCH_BATCH_ROWS` sets
//! another size, to measure what the batch size costs), through the server's
//! commit path (`imports::find` and `imports::commit` per batch, as the
//! `commit_batch` endpoint calls them, between `imports::start` and
//! `imports::finish`) into a fresh SQLite file and a fresh schema of the
//! local PostgreSQL, then again as a second import of the same rows (a
//! re-import: every row found unchanged, `recommit_rows_per_s_*`). The
//! same rows, as stored, are then written to a CSV file and loaded into a
//! plain table by `sqlite3`'s `.import` and by `psql`'s `\copy` (COPY),
//! then into the same plain table with only a unique index on the key
//! (`*_key_index_*`): the one index a commit that matches rows by key must
//! write, so `bulk_key_index_vs_plain_*` is the most `commit_vs_bulk_*` can
//! be.
//! They are also bulk-loaded into the real `clients` table of a fresh,
//! migrated database, with its key index, its other indexes and its
//! workspace check, as the commit writes them: `psql`'s `\copy` straight
//! into it, and on SQLite the shell's `.import` into a scratch table then
//! one `INSERT ... SELECT` (`.import` takes no column list), in one
//! transaction. That is the bulk loader's speed on this schema, the floor
//! the commit's own work adds to. The same load again with one transaction
//! per batch of the commit's size (a `\copy` or an `INSERT ... SELECT` per
//! batch): the writes the commit does, with none of its checks, lookups or
//! bookkeeping (`*_indexed_batched_*`). It prints `name: value` lines:
//!
//! ```text
//! commit_rows: ...
//! commit_batch_rows: ...
//! wire_json_mb: ...
//! wire_json_encode_s: ...
//! wire_json_decode_s: ...
//! commit_rows_per_s_sqlite: ...
//! sqlite_import_rows_per_s: ...
//! commit_vs_bulk_sqlite: ...
//! sqlite_import_key_index_rows_per_s: ...
//! bulk_key_index_vs_plain_sqlite: ...
//! recommit_rows_per_s_sqlite: ...
//! sqlite_import_indexed_rows_per_s: ...
//! commit_vs_bulk_indexed_sqlite: ...
//! sqlite_import_indexed_batched_rows_per_s: ...
//! commit_vs_bulk_indexed_batched_sqlite: ...
//! commit_rows_per_s_postgres: ...
//! postgres_copy_rows_per_s: ...
//! commit_vs_bulk_postgres: ...
//! postgres_copy_key_index_rows_per_s: ...
//! bulk_key_index_vs_plain_postgres: ...
//! recommit_rows_per_s_postgres: ...
//! postgres_copy_indexed_rows_per_s: ...
//! commit_vs_bulk_indexed_postgres: ...
//! postgres_copy_indexed_batched_rows_per_s: ...
//! commit_vs_bulk_indexed_batched_postgres: ...
//! job_stage_s_sqlite: ...
//! job_commit_s_sqlite: ...
//! job_rows_per_s_sqlite: ...
//! (and the three job figures of postgres)
//! ```
//!
//! `job_*` is the path of a background import: every batch staged as the
//! page stages it (`jobs::stage`), the job queued, then run by a runner
//! (`jobs::run`), into a second fresh database.
//!
//! PostgreSQL is `BENCH_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); where it does not answer, its
//! figures are printed as `n/a (reason)`.

use app::backend::{access, imports, jobs, records};
use app::portal::backend::{demo};
use app::model::{Role, SessionInfo, SkippedRow, StartImport, WorkspaceInfo};
use csv_import::db::{self, on_pool, Db};
use csv_import_core::{check, Options, Record};
use sqlx::Row;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let path = std::env::args().nth(1).expect("usage: bench_commit <clients.csv>");
    let bytes = std::fs::read(&path).expect("the data file can be read");
    let template = access::template("clients").expect("the clients template");
    let options = Options { now: csv_import::now_rfc3339(), ..Options::default() };
    let report = check(&bytes, &template, &options);
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    let rows = report.records;
    println!("commit_rows: {}", rows.len());
    let batch_rows = match std::env::var("BENCH_BATCH_ROWS") {
        Ok(n) => n.parse().ok().filter(|n| *n > 0).expect("BENCH_BATCH_ROWS is a number of rows, e.g. 1000"),
        Err(_) => imports::MAX_BATCH_ROWS as usize,
    };
    println!("commit_batch_rows: {batch_rows}");
    report_wire(&rows, batch_rows);

    let dir = tempfile::tempdir().expect("a temporary folder");
    // The rows as the server stores them, for the bulk loaders.
    let csv_path = dir.path().join("rows.csv");
    write_csv(&csv_path, &rows);
    let columns: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
    let create_plain = format!(
        "CREATE TABLE clients_bulk ({})",
        columns.iter().map(|c| format!("{c} TEXT")).collect::<Vec<_>>().join(", ")
    );

    // SQLite.
    let url = format!("sqlite://{}/commit.db", dir.path().display());
    let sqlite = db::connect(&url).await.expect("SQLite");
    let commit_sqlite = commit_all(&sqlite, &rows, batch_rows).await;
    report_recommit("sqlite", rows.len(), recommit_all(&sqlite, &rows, batch_rows).await);
    let bulk_sqlite = sqlite_plain(dir.path(), &csv_path, &create_plain, None, rows.len());
    report_pair("sqlite", rows.len(), Some(commit_sqlite), bulk_sqlite, "sqlite_import_rows_per_s", "the sqlite3 shell");
    let keyed_sqlite = sqlite_plain(dir.path(), &csv_path, &create_plain, Some(KEY_INDEX), rows.len());
    report_key_index("sqlite", rows.len(), bulk_sqlite, keyed_sqlite, "sqlite_import_key_index_rows_per_s");
    let indexed_sqlite = sqlite_indexed(dir.path(), &rows, &columns, None).await;
    report_indexed("sqlite", rows.len(), commit_sqlite, indexed_sqlite, "sqlite_import_indexed_rows_per_s", "indexed");
    let batched_sqlite = sqlite_indexed(dir.path(), &rows, &columns, Some(batch_rows)).await;
    report_indexed("sqlite", rows.len(), commit_sqlite, batched_sqlite, "sqlite_import_indexed_batched_rows_per_s", "indexed_batched");
    let url = format!("sqlite://{}/job.db", dir.path().display());
    let sqlite = db::connect(&url).await.expect("SQLite");
    report_job("sqlite", rows.len(), job_all(&sqlite, &rows, batch_rows).await);
    report_start_skips("sqlite", start_skips(&sqlite).await);

    // PostgreSQL.
    let base = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match postgres(&base, "commit").await {
        Err(reason) => {
            for name in ["commit_rows_per_s_postgres", "postgres_copy_rows_per_s", "commit_vs_bulk_postgres"] {
                println!("{name}: n/a ({reason})");
            }
        }
        Ok((pg, admin, schema)) => {
            let commit_pg = commit_all(&pg, &rows, batch_rows).await;
            report_recommit("postgres", rows.len(), recommit_all(&pg, &rows, batch_rows).await);
            on_pool!(pg.pool, p => p.close().await);
            match postgres(&base, "job").await {
                Ok((pg, _, job_schema)) => {
                    report_job("postgres", rows.len(), job_all(&pg, &rows, batch_rows).await);
                    report_start_skips("postgres", start_skips(&pg).await);
                    on_pool!(pg.pool, p => p.close().await);
                    let _ = sqlx::query(&format!("DROP SCHEMA {job_schema} CASCADE")).execute(&admin).await;
                }
                Err(reason) => println!("job_rows_per_s_postgres: n/a ({reason})"),
            }
            let copy = postgres_plain(&admin, &base, &schema, &csv_path, &create_plain, None, rows.len()).await;
            report_pair("postgres", rows.len(), Some(commit_pg), copy, "postgres_copy_rows_per_s", "psql's \\copy");
            let keyed = postgres_plain(&admin, &base, &schema, &csv_path, &create_plain, Some(KEY_INDEX), rows.len()).await;
            report_key_index("postgres", rows.len(), copy, keyed, "postgres_copy_key_index_rows_per_s");
            let mut indexed = [None, None];
            for (i, batches) in [None, Some(batch_rows)].into_iter().enumerate() {
                indexed[i] = match postgres(&base, &format!("indexed{i}")).await {
                    Ok((pg, _, indexed_schema)) => {
                        let seconds =
                            postgres_indexed(&pg, &base, &indexed_schema, dir.path(), &rows, &columns, batches).await;
                        on_pool!(pg.pool, p => p.close().await);
                        let _ = sqlx::query(&format!("DROP SCHEMA {indexed_schema} CASCADE")).execute(&admin).await;
                        seconds
                    }
                    Err(_) => None,
                };
            }
            report_indexed("postgres", rows.len(), commit_pg, indexed[0], "postgres_copy_indexed_rows_per_s", "indexed");
            report_indexed("postgres", rows.len(), commit_pg, indexed[1], "postgres_copy_indexed_batched_rows_per_s", "indexed_batched");
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await;
        }
    }
}

/// The unique index on the key that matching rows by key needs, for the
/// plain table: the one index no commit that finds records by their key
/// can do without. Empty cells are no key (the sqlite3 shell loads them as
/// empty text, not NULL).
const KEY_INDEX: &str = "CREATE UNIQUE INDEX clients_bulk_key ON clients_bulk (email) WHERE email <> ''";

/// Seconds for the sqlite3 shell to load `csv` into a fresh plain table
/// (`create`), with `index` made first; `None` if the count is off.
fn sqlite_plain(dir: &Path, csv: &Path, create: &str, index: Option<&str>, rows: usize) -> Option<f64> {
    let file = dir.join(if index.is_some() { "bulk-keyed.db" } else { "bulk.db" });
    let seconds = timed_command(
        Command::new("sqlite3")
            .arg(&file)
            .arg("-cmd")
            .arg(format!("{create}; {}", index.unwrap_or("")))
            .arg(format!(".import --csv {} clients_bulk", csv.display())),
    )?;
    let loaded = Command::new("sqlite3").arg(&file).arg("SELECT COUNT(*) FROM clients_bulk").output().ok()?;
    let loaded: usize = String::from_utf8_lossy(&loaded.stdout).trim().parse().ok()?;
    (loaded == rows).then_some(seconds)
}

/// Seconds for `psql`'s `\copy` to load `csv` into a fresh plain table
/// (`create`) of `schema`, with `index` made first; `None` if the count is
/// off.
async fn postgres_plain(
    admin: &sqlx::PgPool,
    base: &str,
    schema: &str,
    csv: &Path,
    create: &str,
    index: Option<&str>,
    rows: usize,
) -> Option<f64> {
    let _ = sqlx::query(&format!("DROP TABLE IF EXISTS {schema}.clients_bulk")).execute(admin).await;
    let seconds = timed_command(Command::new("psql").args(["-X", "-q", "-v", "ON_ERROR_STOP=1", base]).args([
        "-c",
        &format!("SET search_path = {schema}; {create}; {}", index.unwrap_or("")),
        "-c",
        &format!("\\copy {schema}.clients_bulk FROM '{}' WITH (FORMAT csv)", csv.display()),
    ]))?;
    let loaded: Option<i64> = sqlx::query(&format!("SELECT COUNT(*) FROM {schema}.clients_bulk"))
        .fetch_one(admin)
        .await
        .ok()
        .and_then(|r| r.try_get(0).ok());
    (loaded == Some(rows as i64)).then_some(seconds)
}

/// Print the three figures of one database.
fn report_pair(db: &str, rows: usize, commit: Option<f64>, bulk: Option<f64>, bulk_name: &str, loader: &str) {
    let per_s = |seconds: f64| rows as f64 / seconds;
    match commit {
        Some(s) => println!("commit_rows_per_s_{db}: {:.0}", per_s(s)),
        None => println!("commit_rows_per_s_{db}: n/a (the commit failed)"),
    }
    match bulk {
        Some(s) => println!("{bulk_name}: {:.0}", per_s(s)),
        None => println!("{bulk_name}: n/a ({loader} did not load the rows)"),
    }
    match (commit, bulk) {
        (Some(c), Some(b)) => println!("commit_vs_bulk_{db}: {:.2}", b / c),
        _ => println!("commit_vs_bulk_{db}: n/a (a figure is missing)"),
    }
}

/// The same rows imported again (every one found unchanged), per second.
fn report_recommit(db: &str, rows: usize, seconds: f64) {
    println!("recommit_rows_per_s_{db}: {:.0}", rows as f64 / seconds);
}

/// A loader's rows per second (`seconds` it took, `None` when it did not
/// load the rows) and a ratio of it to another figure (`None` when one is
/// missing).
fn report_load(rows: usize, name: &str, seconds: Option<f64>, ratio_name: &str, ratio: Option<f64>) {
    match seconds {
        Some(seconds) => println!("{name}: {:.0}", rows as f64 / seconds),
        None => println!("{name}: n/a (the loader did not load the rows)"),
    }
    match ratio {
        Some(ratio) => println!("{ratio_name}: {ratio:.2}"),
        None => println!("{ratio_name}: n/a (a figure is missing)"),
    }
}

/// The bulk loader into the commit's own table and the commit's share of
/// its speed (`commit_vs_bulk_{loader}_{db}`). `loader` is `indexed` (one
/// transaction) or `indexed_batched` (one transaction per batch of the
/// commit's size: the commit against the same writes with no checks,
/// lookups or bookkeeping).
fn report_indexed(db: &str, rows: usize, commit: f64, bulk: Option<f64>, name: &str, loader: &str) {
    report_load(rows, name, bulk, &format!("commit_vs_bulk_{loader}_{db}"), bulk.map(|seconds| seconds / commit));
}

/// The loader into the plain table with only the key's unique index, and
/// its share of the plain load's speed (`bulk_key_index_vs_plain_{db}`): a
/// commit that finds records by key writes at least that index, so this
/// share is the most `commit_vs_bulk_*` can reach.
fn report_key_index(db: &str, rows: usize, plain: Option<f64>, keyed: Option<f64>, name: &str) {
    let ratio = plain.zip(keyed).map(|(plain, keyed)| plain / keyed);
    report_load(rows, name, keyed, &format!("bulk_key_index_vs_plain_{db}"), ratio);
}

/// The acme workspace's id and the rows as the commit stores them in
/// `clients` (workspace, fields, folded key, both times), written to
/// `indexed.csv` under `dir`, with the column list they are in.
async fn indexed_rows(db: &Db, dir: &Path, rows: &[Record], columns: &[&str]) -> (i64, std::path::PathBuf, String) {
    demo::seed(db).await.expect("demo data");
    let workspace = session(db).await.workspace.id;
    let key_at = columns.iter().position(|c| *c == "email").expect("the clients key");
    let now = csv_import::now_rfc3339();
    // Empty text is no value, as in `write_csv`.
    let lines = rows.iter().map(|record| {
        let values: Vec<String> = record.values.iter().map(|v| records::stored(v).unwrap_or_default()).collect();
        let folded = csv_import_core::fold_key(&values[key_at]);
        std::iter::once(workspace.to_string()).chain(values).chain([folded, now.clone(), now.clone()])
    });
    let path = dir.join("indexed.csv");
    write_lines(&path, lines);
    let list = format!("workspace_id, {}, key_folded, created_at, updated_at", columns.join(", "));
    (workspace, path, list)
}

/// Seconds for the sqlite3 shell to load `rows` into the `clients` table
/// of a fresh migrated file, in one transaction, or with `batch_rows` in
/// one transaction per batch as the commit writes them; `None` if the count
/// is off.
async fn sqlite_indexed(dir: &Path, rows: &[Record], columns: &[&str], batch_rows: Option<usize>) -> Option<f64> {
    let file = dir.join(match batch_rows {
        Some(_) => "indexed-batched.db",
        None => "indexed.db",
    });
    let db = db::connect(&format!("sqlite://{}", file.display())).await.expect("SQLite");
    let (workspace, csv, list) = indexed_rows(&db, dir, rows, columns).await;
    let before = clients_of(&db, workspace).await;
    on_pool!(db.pool, p => p.close().await);
    let scratch = format!("CREATE TEMP TABLE scratch ({})", list.split(", ").map(|c| format!("{c} TEXT")).collect::<Vec<_>>().join(", "));
    let seconds = timed_command(
        Command::new("sqlite3")
            .arg(&file)
            // The pool that migrated the file may still be closing.
            .arg("-cmd")
            .arg(".timeout 5000")
            .arg("-cmd")
            .arg("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
            .arg("-cmd")
            .arg(&scratch)
            .arg("-cmd")
            .arg(format!(".import --csv {} scratch", csv.display()))
            // Empty cells are no value, as the commit stores them (the key
            // index would otherwise take every row without a key as one).
            // Each statement is its own transaction.
            .arg(
                batch_bounds(rows.len(), batch_rows)
                    .map(|(from, to)| {
                        format!(
                            "INSERT INTO clients ({list}) SELECT {} FROM scratch WHERE rowid > {from} AND rowid <= {to};",
                            list.split(", ").map(|c| format!("NULLIF({c}, '')")).collect::<Vec<_>>().join(", ")
                        )
                    })
                    .collect::<String>(),
            ),
    )?;
    let loaded = Command::new("sqlite3")
        .arg(&file)
        .arg(format!("SELECT COUNT(*) FROM clients WHERE workspace_id = {workspace}"))
        .output()
        .ok()?;
    let loaded: i64 = String::from_utf8_lossy(&loaded.stdout).trim().parse().ok()?;
    (loaded - before == rows.len() as i64).then_some(seconds)
}

/// How many clients the workspace has (the demo data has some).
async fn clients_of(db: &Db, workspace: i64) -> i64 {
    on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE workspace_id = $1")
        .bind(workspace)
        .fetch_one(p)
        .await)
        .expect("the clients can be counted")
}

/// Seconds for `psql`'s `\copy` to load `rows` straight into the `clients`
/// table of the migrated `schema`, in one transaction, or with `batch_rows`
/// in one `\copy` (and transaction) per batch as the commit writes them;
/// `None` if the count is off.
async fn postgres_indexed(
    db: &Db,
    base: &str,
    schema: &str,
    dir: &Path,
    rows: &[Record],
    columns: &[&str],
    batch_rows: Option<usize>,
) -> Option<f64> {
    let (workspace, csv, list) = indexed_rows(db, dir, rows, columns).await;
    let before = clients_of(db, workspace).await;
    let text = std::fs::read_to_string(&csv).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let mut copies = Vec::new();
    for (i, (from, to)) in batch_bounds(lines.len(), batch_rows).enumerate() {
        let part = dir.join(format!("indexed-{i}.csv"));
        std::fs::write(&part, lines[from..to].iter().map(|l| format!("{l}\n")).collect::<String>()).ok()?;
        copies.push("-c".to_string());
        copies.push(format!("\\copy {schema}.clients ({list}) FROM '{}' WITH (FORMAT csv)", part.display()));
    }
    let seconds = timed_command(Command::new("psql").args(["-X", "-q", "-v", "ON_ERROR_STOP=1", base]).args(&copies))?;
    (clients_of(db, workspace).await - before == rows.len() as i64).then_some(seconds)
}

/// The rows `from..to` of each batch of `batch_rows` (one batch of all
/// `rows` for `None`).
fn batch_bounds(rows: usize, batch_rows: Option<usize>) -> impl Iterator<Item = (usize, usize)> {
    let size = batch_rows.unwrap_or(rows).max(1);
    (0..rows).step_by(size).map(move |from| (from, (from + size).min(rows)))
}

/// Seconds a command takes, if it succeeds.
fn timed_command(command: &mut Command) -> Option<f64> {
    let start = Instant::now();
    let output = command.output().ok()?;
    let seconds = start.elapsed().as_secs_f64();
    if !output.status.success() {
        eprintln!("{:?}: {}", command, String::from_utf8_lossy(&output.stderr));
        return None;
    }
    Some(seconds)
}

/// A fresh schema of the PostgreSQL at `base`, migrated: the app's pool,
/// an admin pool and the schema's name.
async fn postgres(base: &str, name: &str) -> Result<(Db, sqlx::PgPool, String), String> {
    let admin = sqlx::PgPool::connect(base).await.map_err(|e| format!("PostgreSQL at {base} does not answer: {e}"))?;
    let schema = format!("bench_{name}_{}", std::process::id());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.map_err(|e| e.to_string())?;
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let db = db::connect(&url).await.map_err(|e| e.to_string())?;
    Ok((db, admin, schema))
}

/// The background path's figures: staging, the job, and its rows per second.
/// What the rows' JSON costs on the wire and in the server: every batch
/// encoded as the page sends it and decoded as the server reads it (the
/// server reads each batch twice on a background import: the request, then
/// the staged batch).
fn report_wire(rows: &[Record], batch_rows: usize) {
    let started = Instant::now();
    let bodies: Vec<Vec<u8>> = rows
        .chunks(batch_rows)
        .map(|batch| serde_json::to_vec(&serde_json::json!({"batch": {"import_id": "0".repeat(32), "seq": 0, "rows": batch}})).expect("JSON"))
        .collect();
    let encode = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut decoded = 0;
    for body in &bodies {
        let value: serde_json::Value = serde_json::from_slice(body).expect("JSON");
        let batch: Vec<Record> = serde_json::from_value(value["batch"]["rows"].clone()).expect("rows");
        decoded += batch.len();
    }
    let decode_value = started.elapsed().as_secs_f64();
    let started = Instant::now();
    #[derive(serde::Deserialize)]
    struct Body {
        batch: Batch,
    }
    #[derive(serde::Deserialize)]
    struct Batch {
        rows: Vec<Record>,
    }
    for body in &bodies {
        let body: Body = serde_json::from_slice(body).expect("JSON");
        decoded += body.batch.rows.len();
    }
    let decode = started.elapsed().as_secs_f64();
    assert_eq!(decoded, 2 * rows.len());
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    println!("wire_json_mb: {:.1}", bytes as f64 / 1e6);
    println!("wire_json_encode_s: {encode:.2}");
    println!("wire_json_decode_s: {decode:.2} (through serde_json::Value: {decode_value:.2})");
}

fn report_job(db: &str, rows: usize, (stage, job): (f64, f64)) {
    println!("job_stage_s_{db}: {stage:.2}");
    println!("job_commit_s_{db}: {job:.2}");
    println!("job_rows_per_s_{db}: {:.0}", rows as f64 / (stage + job));
}

/// Seconds to stage `rows` as one background import of Acme's admin,
/// `batch_rows` per batch, then seconds for a runner to commit them.
async fn job_all(db: &Db, rows: &[Record], batch_rows: usize) -> (f64, f64) {
    demo::seed(db).await.expect("demo data");
    let session = session(db).await;
    let template = access::template("clients").unwrap();
    let import = imports::start(db, &session, &template, &start_input(rows)).await.expect("start").import_id;
    let head = imports::find(db, &session, &import).await.expect("import");
    let start = Instant::now();
    for (seq, batch) in rows.chunks(batch_rows).enumerate() {
        jobs::stage(db, &head, seq as u32, batch).await.expect("stage");
    }
    jobs::queue(db, &head).await.expect("queue");
    let staged = start.elapsed().as_secs_f64();
    let start = Instant::now();
    assert!(jobs::run_once(db, &jobs::RunnerConfig::new()).await.expect("the job"), "a job to run");
    let job = start.elapsed().as_secs_f64();
    let head = imports::find(db, &session, &import).await.expect("import");
    let summary = imports::counts(db, &head).await.expect("summary");
    assert_eq!(summary.inserted, rows.len() as u64, "every valid row of the file is a new client");
    (staged, job)
}

/// Rows a big file's import starts with as skipped (the million-row
/// file's invalid rows are about this many).
const START_SKIPS: u64 = 50_000;

/// Seconds to start an import of a million rows of which [`START_SKIPS`]
/// are skipped, each with a reason, as the page announces them.
async fn start_skips(db: &Db) -> f64 {
    let session = session(db).await;
    let template = access::template("clients").unwrap();
    let skipped = (1..=START_SKIPS)
        .map(|i| SkippedRow {
            row: i * 20,
            reasons: vec![format!("Email: \"user{i}@\" is not an email address. Correct it, e.g. name@example.com.")],
        })
        .collect();
    let input = StartImport { total_rows: 1_000_000, skipped, ..start_input(&[]) };
    let start = Instant::now();
    let import = imports::start(db, &session, &template, &input).await.expect("start").import_id;
    let seconds = start.elapsed().as_secs_f64();
    let stored: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_skips WHERE import_id = $1")
        .bind(import)
        .fetch_one(p)
        .await)
        .expect("the skipped rows");
    assert_eq!(stored, START_SKIPS as i64, "every skipped row is stored");
    seconds
}

fn report_start_skips(db: &str, seconds: f64) {
    println!("start_skipped_rows_per_s_{db}: {:.0} ({START_SKIPS} rows in {seconds:.2} s)", START_SKIPS as f64 / seconds);
}

/// The start of one import of `rows`, as the page announces it.
fn start_input(rows: &[Record]) -> StartImport {
    StartImport {
        template: "clients".into(),
        file_name: "clients.csv".into(),
        // Rows keep their numbers in the file: the import announces the last.
        total_rows: rows.iter().map(|r| r.row).max().unwrap_or(0),
        skipped: vec![],
        lang: Default::default(),
        shown_rows: Vec::new(),
    }
}

/// Seconds to commit `rows` as one import of Acme's admin, `batch_rows` per
/// batch, into a fresh database (every row a new client).
async fn commit_all(db: &Db, rows: &[Record], batch_rows: usize) -> f64 {
    demo::seed(db).await.expect("demo data");
    let (seconds, inserted, _) = import_rows(db, rows, batch_rows).await;
    assert_eq!(inserted, rows.len() as u64, "every valid row of the file is a new client");
    seconds
}

/// Seconds to commit the same `rows` again as a new import: every row finds
/// its client, unchanged.
async fn recommit_all(db: &Db, rows: &[Record], batch_rows: usize) -> f64 {
    let (seconds, _, unchanged) = import_rows(db, rows, batch_rows).await;
    assert_eq!(unchanged, rows.len() as u64, "every row of the file is a client already");
    seconds
}

/// One import of `rows` by Acme's admin: its seconds, rows inserted and
/// rows unchanged.
async fn import_rows(db: &Db, rows: &[Record], batch_rows: usize) -> (f64, u64, u64) {
    let session = session(db).await;
    let template = access::template("clients").unwrap();
    let input = start_input(rows);
    let start = Instant::now();
    let import = imports::start(db, &session, &template, &input).await.expect("start").import_id;
    let (mut inserted, mut unchanged) = (0, 0);
    for (seq, batch) in rows.chunks(batch_rows).enumerate() {
        let head = imports::find(db, &session, &import).await.expect("import");
        let result = imports::commit(db, &head, &template, seq as u32, batch).await.expect("commit");
        inserted += result.inserted;
        unchanged += result.unchanged;
    }
    let head = imports::find(db, &session, &import).await.expect("import");
    imports::finish(db, &head, false, imports::By::Sender).await.expect("finish");
    (start.elapsed().as_secs_f64(), inserted, unchanged)
}

async fn session(db: &Db) -> SessionInfo {
    let (workspace_id, workspace_name, user_id, name) = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String, i64, String)>(
        "SELECT w.id, w.name, u.id, u.name FROM workspaces w, users u WHERE w.slug = 'acme' AND u.email = 'admin@acme.test'",
    )
    .fetch_one(p)
    .await)
    .expect("the demo admin");
    SessionInfo {
        user_id,
        email: "admin@acme.test".into(),
        name,
        workspace: WorkspaceInfo { id: workspace_id, slug: "acme".into(), name: workspace_name },
        role: Role::Admin,
    }
}

/// The records' values as stored, one CSV line each (no header).
fn write_csv(path: &Path, rows: &[Record]) {
    // Empty and missing values both load as empty text: the bulk loaders get
    // the same bytes per row either way.
    write_lines(path, rows.iter().map(|r| r.values.iter().map(|v| records::stored(v).unwrap_or_default())));
}

/// One CSV line per item of `lines` (no header), quoted where needed.
fn write_lines<L: IntoIterator<Item = String>>(path: &Path, lines: impl Iterator<Item = L>) {
    let mut out = String::new();
    for line in lines {
        for (i, text) in line.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if text.contains([',', '"', '\r', '\n']) {
                out.push('"');
                out.push_str(&text.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(&text);
            }
        }
        out.push('\n');
    }
    std::fs::write(path, out).expect("the rows file can be written");
}
