//! The commit of record batches (clients, leads, companies) in multi-row
//! statements: the inserted / updated / unchanged / skipped counts, the
//! stored values and the workspace scoping must be exactly those of a row by
//! row upsert, for batches that mix every case, for values that need quoting
//! in SQL arrays, and across the statement chunks. Every scenario runs on
//! SQLite and on PostgreSQL.

#[macro_use]
mod common;

use app::backend::{access, existing, imports, records};
use app::model::{BatchResult, Role, SessionInfo, StartImport, WorkspaceInfo};
use csv_import::db::{on_pool, Db};
use csv_import_core::{Lang, Record};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;

on_both!(
    a_mixed_batch_counts_each_row_once,
    values_that_need_quoting_are_stored_as_sent,
    writes_cross_statement_chunks_and_repeat_ids,
    rows_refused_at_commit_are_explained_in_the_modal_language,
    non_ascii_keys_match_whatever_their_case,
    keys_stored_before_folding_are_folded_at_start_up,
    values_a_database_refuses_skip_their_row,
);

/// A session of `email` in the workspace `slug` (demo data seeded).
async fn session(db: &Db, slug: &str, email: &str) -> SessionInfo {
    let (workspace_id, workspace_name, user_id, name) = on_pool!(db.pool, p => sqlx::query_as::<_, (i64, String, i64, String)>(
        "SELECT w.id, w.name, u.id, u.name FROM workspaces w, users u WHERE w.slug = $1 AND u.email = $2",
    )
    .bind(slug)
    .bind(email)
    .fetch_one(p)
    .await)
    .expect("demo workspace and user");
    SessionInfo {
        user_id,
        email: email.to_string(),
        name,
        workspace: WorkspaceInfo { id: workspace_id, slug: slug.to_string(), name: workspace_name },
        role: Role::Admin,
    }
}

/// Start an import of `template` and commit `rows` (JSON as the modal sends
/// them) as batch `seq`.
async fn commit(db: &Db, session: &SessionInfo, template: &str, seq: u32, rows: &Value) -> (String, BatchResult) {
    let id = start(db, session, template, rows.as_array().unwrap().len() as u64).await;
    (id.clone(), commit_to(db, session, &id, template, seq, rows).await)
}

async fn start(db: &Db, session: &SessionInfo, template: &str, total_rows: u64) -> String {
    start_in(db, session, template, total_rows, Lang::En).await
}

/// [`start`] from a modal in `lang`.
async fn start_in(db: &Db, session: &SessionInfo, template: &str, total_rows: u64, lang: Lang) -> String {
    let t = access::template(template).unwrap();
    let input =
        StartImport { template: template.into(), file_name: "people.csv".into(), total_rows, skipped: vec![], lang, shown_rows: vec![] };
    imports::start(db, session, &t, &input).await.expect("start").import_id
}

async fn commit_to(db: &Db, session: &SessionInfo, id: &str, template: &str, seq: u32, rows: &Value) -> BatchResult {
    let t = access::template(template).unwrap();
    let head = imports::find(db, session, id).await.expect("import");
    let rows: Vec<Record> = serde_json::from_value(rows.clone()).expect("records");
    imports::commit(db, &head, &t, seq, &rows).await.expect("commit")
}

/// Every record of `table` in the workspace `slug`: email (or name) to
/// (values, created_at, updated_at).
async fn stored(db: &Db, table: &str, columns: &str, slug: &str) -> Vec<(Vec<Option<String>>, String, String)> {
    let sql = format!(
        "SELECT {columns}, t.created_at, t.updated_at FROM {table} t JOIN workspaces w ON w.id = t.workspace_id \
         WHERE w.slug = $1 ORDER BY t.id"
    );
    let width = columns.split(',').count();
    on_pool!(db.pool, p => sqlx::query(&sql)
        .bind(slug)
        .fetch_all(p)
        .await
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let values = (0..width).map(|i| r.get::<Option<String>, _>(i)).collect();
                    (values, r.get(width), r.get(width + 1))
                })
                .collect()
        }))
        .unwrap()
}

fn client(row: u64, first: &str, email: Option<&str>, phone: Option<&str>) -> Value {
    json!({"row": row, "values": [first, "Lee", email, phone, "Northwind"]})
}

const CLIENT_COLUMNS: &str = "first_name, last_name, email, phone, company";

async fn a_mixed_batch_counts_each_row_once(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let globex = session(&db, "globex", "admin@globex.test").await;
    let demo_clients = stored(&db, "clients", CLIENT_COLUMNS, "acme").await.len();

    // 300 clients, of which Globex has the same 100 first emails.
    let first: Vec<Value> = (0..300)
        .map(|i| client(i + 1, &format!("P{i}"), Some(&format!("p{i}@example.com")), Some("+1 415 555 0101")))
        .collect();
    let (_, result) = commit(&db, &acme, "clients", 0, &json!(first)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged, result.skipped.len()), (300, 0, 0, 0));
    let globex_rows: Vec<Value> = (0..100)
        .map(|i| client(i + 1, &format!("G{i}"), Some(&format!("p{i}@example.com")), None))
        .collect();
    let (_, result) = commit(&db, &globex, "clients", 0, &json!(globex_rows)).await;
    assert_eq!(result.inserted, 100, "another workspace's records are not this one's");
    let globex_before = stored(&db, "clients", CLIENT_COLUMNS, "globex").await;
    let acme_before = stored(&db, "clients", CLIENT_COLUMNS, "acme").await;

    // One batch of 500: 100 unchanged, 100 changed (and the key's case), 150
    // new, 50 new without an email, 60 repeating an email of an earlier row
    // of the batch, 40 with an invalid email.
    let mut batch = Vec::new();
    let mut row = 0;
    let mut next = || {
        row += 1;
        row
    };
    for i in 0..100 {
        batch.push(client(next(), &format!("P{i}"), Some(&format!("p{i}@example.com")), Some("+1 415 555 0101")));
    }
    for i in 100..200 {
        batch.push(client(next(), &format!("P{i} changed"), Some(&format!("P{i}@EXAMPLE.COM")), Some("+1 415 555 0101")));
    }
    for i in 0..150 {
        batch.push(client(next(), &format!("N{i}"), Some(&format!("new{i}@example.com")), None));
    }
    for i in 0..50 {
        batch.push(client(next(), &format!("Nobody {i}"), None, None));
    }
    for i in 0..60 {
        // Twice the same new email, and twice an existing one.
        let email = if i % 2 == 0 { format!("NEW{i}@example.com") } else { format!("p{i}@example.com") };
        batch.push(client(next(), "Again", Some(&email), None));
    }
    for i in 0..40 {
        batch.push(client(next(), "Bad", Some(&format!("not an email {i}")), None));
    }
    assert_eq!(batch.len(), 500);
    let import = start(&db, &acme, "clients", 500).await;
    let result = commit_to(&db, &acme, &import, "clients", 3, &json!(batch)).await;
    assert_eq!(
        (result.inserted, result.updated, result.unchanged, result.skipped.len(), result.already_applied),
        (200, 100, 100, 100, false)
    );
    let skipped_rows: Vec<u64> = result.skipped.iter().map(|s| s.row).collect();
    assert_eq!(skipped_rows, (401..=500).collect::<Vec<u64>>(), "skipped rows, in row order");
    assert!(result.skipped[0].reasons[0].contains("Same Email as row 201"), "{:?}", result.skipped[0].reasons);
    assert!(result.skipped[1].reasons[0].contains("Same Email as row 2"), "{:?}", result.skipped[1].reasons);
    assert!(result.skipped[99].reasons[0].starts_with("Email:"), "{:?}", result.skipped[99].reasons);

    // The stored records: the first 100 as they were (updated_at too), the
    // next 100 with the new values and the old created_at, 200 new ones.
    let acme_after = stored(&db, "clients", CLIENT_COLUMNS, "acme").await;
    assert_eq!(acme_after.len(), demo_clients + 300 + 200);
    assert_eq!(acme_after[..demo_clients + 100], acme_before[..demo_clients + 100], "unchanged rows are not written");
    for i in 100..200 {
        let (values, created, updated) = &acme_after[demo_clients + i];
        let (_, created_before, updated_before) = &acme_before[demo_clients + i];
        assert_eq!(values[0].as_deref(), Some(format!("P{i} changed").as_str()));
        assert_eq!(values[2].as_deref().map(str::to_lowercase), Some(format!("p{i}@example.com")));
        assert_eq!(created, created_before, "an update keeps created_at");
        assert!(updated >= updated_before);
    }
    assert_eq!(acme_after[demo_clients + 200..demo_clients + 300], acme_before[demo_clients + 200..], "rows 200..300 untouched");
    let new: Vec<&Vec<Option<String>>> = acme_after[demo_clients + 300..].iter().map(|(v, _, _)| v).collect();
    let expected_new: Vec<String> =
        (0..150).map(|i| format!("N{i}")).chain((0..50).map(|i| format!("Nobody {i}"))).collect();
    assert_eq!(new.iter().map(|v| v[0].clone().unwrap()).collect::<Vec<_>>(), expected_new, "inserted in row order");
    assert!(new[150..].iter().all(|v| v[2].is_none()), "rows without a key value are inserted without one");
    assert_eq!(stored(&db, "clients", CLIENT_COLUMNS, "globex").await, globex_before, "Globex untouched");

    // The import's totals, and the same batch sent again: stored counts,
    // nothing written twice.
    let again = commit_to(&db, &acme, &import, "clients", 3, &json!(batch)).await;
    assert!(again.already_applied);
    assert_eq!((again.inserted, again.updated, again.unchanged, again.skipped.len()), (200, 100, 100, 100));
    assert_eq!(again.skipped, result.skipped);
    assert_eq!(stored(&db, "clients", CLIENT_COLUMNS, "acme").await, acme_after);
    let head = imports::find(&db, &acme, &import).await.unwrap();
    let summary = imports::summary(&db, &head).await.unwrap();
    assert_eq!((summary.inserted, summary.updated, summary.unchanged, summary.skipped), (200, 100, 100, 100));
    // The import's next batches are told it met existing records: they are
    // looked up first rather than tried as new records.
    assert_eq!(head.matched, 200);

    // The same rows in a new import: what was written is now unchanged.
    let (_, result) = commit(&db, &acme, "clients", 0, &json!(batch)).await;
    assert_eq!(
        (result.inserted, result.updated, result.unchanged, result.skipped.len()),
        (50, 0, 350, 100),
        "only the rows without a key are new again"
    );
}

async fn values_that_need_quoting_are_stored_as_sent(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let awkward = [
        "NULL",
        "{a,b}",
        "say \"hi\"",
        "back\\slash",
        "comma, and 'quote'",
        "Zoë Ångström 東京",
        "$1",
        "  two  spaces  ",
        "line\\nfeed",
        "}{\"\\",
    ];
    let rows: Vec<Value> = awkward
        .iter()
        .enumerate()
        .map(|(i, text)| {
            json!({"row": i + 1, "values": [format!("F{i}"), text, format!("q{i}@example.com"), null, text]})
        })
        .collect();
    let (_, result) = commit(&db, &acme, "clients", 0, &json!(rows)).await;
    assert_eq!(result.inserted, awkward.len() as u64, "{:?}", result.skipped);
    let mut changed = rows.clone();
    for (i, row) in changed.iter_mut().enumerate() {
        row["values"][4] = json!(format!("{} again", awkward[i]));
    }
    let (_, result) = commit(&db, &acme, "clients", 0, &json!(changed)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged), (0, awkward.len() as u64, 0));
    let found: BTreeMap<String, (Option<String>, Option<String>)> =
        on_pool!(db.pool, p => sqlx::query_as::<_, (String, Option<String>, Option<String>)>(
            "SELECT email, last_name, company FROM clients WHERE email LIKE 'q%@example.com'",
        )
            .fetch_all(p)
            .await)
            .unwrap()
            .into_iter()
            .map(|(email, last_name, company)| (email, (last_name, company)))
            .collect();
    for (i, text) in awkward.iter().enumerate() {
        let (last, company) = &found[&format!("q{i}@example.com")];
        let trimmed = text.trim().to_string();
        assert_eq!(last.as_deref(), Some(trimmed.as_str()), "row {i}");
        assert_eq!(company.as_deref(), Some(format!("{text} again").trim()), "row {i}");
    }
}

async fn writes_cross_statement_chunks_and_repeat_ids(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let template = access::template("leads").unwrap();
    let table = records::table_for(&template).unwrap();
    let width = template.fields.len();
    let lead = |i: usize, tag: &str| -> Vec<Option<String>> {
        (0..width)
            .map(|c| match template.fields[c].key.as_str() {
                "email" => Some(format!("l{i}@example.com")),
                "first_name" => Some(format!("{tag}{i}")),
                _ => None,
            })
            .collect()
    };
    // More rows than one statement takes on either database.
    let n = 10_123;
    let writes: Vec<records::Write> = (0..n).map(|i| records::Write { id: None, values: lead(i, "L") }).collect();
    let mut conn = db.acquire().await.unwrap();
    records::write_many(conn.conn(), &template, table, acme.workspace.id, &writes, "2026-01-01T00:00:00Z")
        .await
        .unwrap();
    let keys: Vec<String> = (0..n).map(|i| format!("L{i}@EXAMPLE.COM").to_lowercase()).collect();
    let found = records::find_by_key(conn.conn(), &template, table, acme.workspace.id, "email", &keys).await.unwrap();
    assert_eq!(found.len(), n, "every written lead is found by its key");

    // The same record written twice in one call: the later values win.
    let id = found["l7@example.com"].id;
    let twice = vec![
        records::Write { id: Some(id), values: lead(7, "first") },
        records::Write { id: Some(id), values: lead(7, "second") },
        records::Write { id: None, values: lead(n + 1, "L") },
    ];
    records::write_many(conn.conn(), &template, table, acme.workspace.id, &twice, "2026-01-02T00:00:00Z")
        .await
        .unwrap();
    let found = records::find_by_key(conn.conn(), &template, table, acme.workspace.id, "email", &keys).await.unwrap();
    let first_name = template.fields.iter().position(|f| f.key == "first_name").unwrap();
    assert_eq!(found["l7@example.com"].values[first_name].as_deref(), Some("second7"));

    // A record of another workspace is never overwritten, even by id.
    let globex = session(&db, "globex", "admin@globex.test").await;
    let foreign = vec![records::Write { id: Some(id), values: lead(7, "foreign") }];
    records::write_many(conn.conn(), &template, table, globex.workspace.id, &foreign, "2026-01-03T00:00:00Z")
        .await
        .unwrap();
    let found = records::find_by_key(conn.conn(), &template, table, acme.workspace.id, "email", &keys).await.unwrap();
    assert_eq!(found["l7@example.com"].values[first_name].as_deref(), Some("second7"));
    let globex_leads: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE workspace_id = $1")
        .bind(globex.workspace.id)
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(globex_leads, 0);
}

/// The browser checked the rows in French; the rows the server refuses at
/// commit (a value the browser let through, a repeat within the batch) get
/// French reasons too, also when the batch comes in a later request.
async fn rows_refused_at_commit_are_explained_in_the_modal_language(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let rows = json!([
        client(1, "Ann", Some("ann@example.com"), None),
        client(2, "Bob", Some("bob.example.com"), None),
        client(3, "Cy", Some("ann@example.com"), None),
    ]);
    let french = start_in(&db, &acme, "clients", 3, Lang::Fr).await;
    let result = commit_to(&db, &acme, &french, "clients", 0, &rows).await;
    assert_eq!(result.inserted, 1);
    let reasons: Vec<&str> = result.skipped.iter().flat_map(|s| s.reasons.iter().map(String::as_str)).collect();
    assert_eq!(
        reasons,
        [
            "Email : « bob.example.com » n’a pas de @. Écrivez l’adresse complète, p. ex. nom@example.com.",
            "Email : Même Email qu’à la ligne 1 (« ann@example.com ») : chaque ligne doit avoir la sienne. \
             Supprimez ou fusionnez l’une des deux lignes.",
        ]
    );

    // An import started without a language (an older page) stays English.
    let english = start(&db, &acme, "clients", 3).await;
    let rows = json!([client(1, "Bob", Some("bob.example.com"), None)]);
    let result = commit_to(&db, &acme, &english, "clients", 0, &rows).await;
    assert_eq!(
        result.skipped[0].reasons,
        ["Email: \"bob.example.com\" has no @. Write the whole address, e.g. name@example.com."]
    );
}

/// A company as the modal sends it: name, website, email, phone, address,
/// city, country.
fn company(row: u64, name: &str, city: &str) -> Value {
    json!({"row": row, "values": [name, null, null, null, null, city, null]})
}

/// Keys are compared by one rule, computed in Rust: SQLite's `LOWER` folds
/// ASCII only and PostgreSQL's folds `İ` to `i` and a final `Σ` to `σ`, so
/// comparing by either missed the record and hit the unique index (a 409).
async fn non_ascii_keys_match_whatever_their_case(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let names = ["Ölwerk", "İzmir AŞ", "Σίσυφος"];
    let rows: Vec<Value> = names.iter().enumerate().map(|(i, n)| company(i as u64 + 1, n, "Berlin")).collect();
    let (_, result) = commit(&db, &acme, "companies", 0, &json!(rows)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged, result.skipped.len()), (3, 0, 0, 0), "{result:?}");

    // The same companies in capitals: found, and their names as sent.
    let upper: Vec<String> = names.iter().map(|n| n.to_uppercase()).collect();
    assert_eq!(upper, ["ÖLWERK", "İZMIR AŞ", "ΣΊΣΥΦΟΣ"]);
    let rows: Vec<Value> = upper.iter().enumerate().map(|(i, n)| company(i as u64 + 1, n, "Berlin")).collect();
    let (_, result) = commit(&db, &acme, "companies", 0, &json!(rows)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged, result.skipped.len()), (0, 3, 0, 0), "{result:?}");
    let (_, result) = commit(&db, &acme, "companies", 0, &json!(rows)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged), (0, 0, 3));
    // And in lower case, where `İ` keeps its dot (U+0307).
    let lower: Vec<Value> =
        names.iter().enumerate().map(|(i, n)| company(i as u64 + 1, &n.to_lowercase(), "Paris")).collect();
    let (_, result) = commit(&db, &acme, "companies", 0, &json!(lower)).await;
    assert_eq!((result.inserted, result.updated, result.unchanged), (0, 3, 0));
    let stored = stored(&db, "companies", "t.name, t.city", "acme").await;
    let ours: Vec<&Vec<Option<String>>> =
        stored.iter().map(|(v, _, _)| v).filter(|v| v[1].as_deref() == Some("Paris")).collect();
    assert_eq!(ours.len(), 3, "one record each, never a second: {stored:?}");

    // The review step's warning finds them in any case, each once.
    let t = access::template("companies").unwrap();
    let table = records::table_for(&t).unwrap();
    let asked: Vec<String> = upper.iter().cloned().chain(["ölwerk".to_string(), "Nowhere Ltd".to_string()]).collect();
    let found = existing::existing(&db, table, "name", acme.workspace.id, &asked).await.unwrap();
    let mut expected: Vec<String> = names.iter().map(|n| csv_import_core::fold_key(n)).collect();
    expected.sort();
    assert_eq!(found, expected);
    // Only the key is stored folded: another field cannot be asked about.
    assert!(existing::existing(&db, table, "city", acme.workspace.id, &asked).await.is_err());

    // The list's search finds a key in another case on both databases.
    let page = records::page(&db, acme.workspace.id, &t, table, "ölwerk", 0).await.unwrap();
    assert_eq!(page.total, 1);
}

/// Records stored before keys were folded get their folded key when the
/// server starts (after the migrations); where two of them fold to one key,
/// the oldest keeps it, as the oldest was the one imports updated.
async fn keys_stored_before_folding_are_folded_at_start_up(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let ws = acme.workspace.id;
    for (name, city) in [("Ölwerk", "Old"), ("ölwerk", "Newer"), ("İzmir AŞ", "Izmir")] {
        on_pool!(db.pool, p => sqlx::query(
            "INSERT INTO companies (workspace_id, name, city, created_at, updated_at) VALUES ($1, $2, $3, 'then', 'then')",
        )
            .bind(ws)
            .bind(name)
            .bind(city)
            .execute(p)
            .await
            .map(drop))
            .unwrap();
    }
    on_pool!(db.pool, p => sqlx::query(
        "INSERT INTO clients (workspace_id, first_name, email, created_at, updated_at) \
         VALUES ($1, 'Leg', 'legacy@example.com', 'then', 'then')",
    )
        .bind(ws)
        .execute(p)
        .await
        .map(drop))
        .unwrap();

    csv_import::db::migrate(&db).await.expect("migrations and folding");
    let folded: Vec<(String, Option<String>)> =
        on_pool!(db.pool, p => sqlx::query_as(
            "SELECT city, key_folded FROM companies WHERE workspace_id = $1 AND created_at = 'then' ORDER BY id",
        )
            .bind(ws)
            .fetch_all(p)
            .await)
            .unwrap();
    assert_eq!(
        folded,
        [
            ("Old".to_string(), Some("ölwerk".to_string())),
            ("Newer".to_string(), None),
            ("Izmir".to_string(), Some("i\u{307}zmir aş".to_string())),
        ]
    );
    // Run again (the next start-up): nothing left to do, nothing changes.
    csv_import::db::migrate(&db).await.expect("again");

    let rows = json!([company(1, "ÖLWERK", "Old"), company(2, "İZMIR AŞ", "Izmir")]);
    let (_, result) = commit(&db, &acme, "companies", 0, &rows).await;
    assert_eq!((result.inserted, result.updated, result.unchanged, result.skipped.len()), (0, 2, 0, 0), "{result:?}");
    let oldest: String = on_pool!(db.pool, p => sqlx::query_scalar("SELECT name FROM companies WHERE workspace_id = $1 AND city = 'Old'")
        .bind(ws)
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(oldest, "ÖLWERK", "the oldest record of the key is the one updated");
    let rows = json!([client(1, "Leg", Some("Legacy@Example.com"), None)]);
    let (_, result) = commit(&db, &acme, "clients", 0, &rows).await;
    assert_eq!((result.inserted, result.skipped.len()), (0, 0), "{result:?}");
}

/// A NUL character (which PostgreSQL's text refuses) skips its row with a
/// reason naming the column; the batch's other rows are imported.
async fn values_a_database_refuses_skip_their_row(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let acme = session(&db, "acme", "admin@acme.test").await;
    let rows = json!([
        company(1, "Fine GmbH", "Berlin"),
        company(2, "Nul\u{0}Corp", "Berlin"),
        company(3, "Also Fine", "Ber\u{0}lin"),
    ]);
    let (_, result) = commit(&db, &acme, "companies", 0, &rows).await;
    assert_eq!((result.inserted, result.skipped.len()), (1, 2), "{result:?}");
    assert_eq!(result.skipped.iter().map(|s| s.row).collect::<Vec<_>>(), [2, 3]);
    // (Core may refuse the character first, with its own words.)
    assert!(result.skipped[0].reasons[0].starts_with("Name: "), "{:?}", result.skipped);
    assert!(result.skipped[1].reasons[0].starts_with("City: "), "{:?}", result.skipped);

    // Looking such a value up is no error either.
    let t = access::template("companies").unwrap();
    let table = records::table_for(&t).unwrap();
    let found = existing::existing(&db, table, "name", acme.workspace.id, &["Nul\u{0}Corp".to_string()]).await.unwrap();
    assert!(found.is_empty());
}
