//! Seed 003, CRM clients, over HTTP as a browser calls it: the real router,
//! real cookies, on a fresh SQLite file and a fresh PostgreSQL schema
//! (`<scenario>::sqlite`, `<scenario>::postgres`).

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use csv_import::db::{on_pool, Db};
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
use tower::ServiceExt;

on_both!(
    viewers_may_neither_import_nor_export,
    a_row_without_id_inserts_with_defaults,
    a_row_with_an_id_updates_that_client,
    a_row_without_id_updates_the_client_with_its_email,
    unknown_and_foreign_ids_are_skipped_with_unknown_id,
    generated_usernames_are_unique_in_the_workspace,
    generated_usernames_fill_the_first_free_number,
    a_taken_explicit_username_or_email_skips_the_row,
    export_is_the_template_format_with_formulas_escaped,
    export_edit_import_updates_without_duplicates,
);

const TEMPLATE: &str = "crm-clients";

struct Client {
    router: axum::Router,
    db: Db,
}

struct Answer {
    status: StatusCode,
    body: Value,
    text: String,
}

/// A stored client: every column in the template's field order.
type Stored = Vec<Option<String>>;

impl Client {
    async fn new(db: Db) -> Client {
        app::portal::backend::demo::seed(&db).await.expect("demo seed");
        // Start from no clients: the tests count what they add.
        on_pool!(db.pool, p => sqlx::query("DELETE FROM crm_clients").execute(p).await.map(drop)).unwrap();
        let options = LeptosOptions::builder().output_name("csv-import").site_root("target/site").build();
        Client { router: csv_import::serve::router(options, db.clone(), true), db }
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let cookie = response.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let mut body = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let (Some(cookie), Value::Object(map)) = (cookie, &mut body) {
            map.insert("__cookie".into(), Value::String(cookie.split(';').next().unwrap().to_string()));
        }
        Answer { status, body, text }
    }

    async fn post(&self, name: &str, content_type: &str, body: String, cookie: Option<&str>) -> Answer {
        let mut request = Request::builder()
            .method("POST")
            .uri(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    async fn export(&self, cookie: Option<&str>) -> Answer {
        let mut request = Request::builder().method("GET").uri("/crm/export.csv");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn json(&self, name: &str, body: Value, cookie: &str) -> Answer {
        self.post(name, "application/json", body.to_string(), Some(cookie)).await
    }

    async fn sign_in(&self, email: &str) -> String {
        let body = format!("email={}&password=demo-password", email.replace('@', "%40"));
        let answer = self.post("login", "application/x-www-form-urlencoded", body, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{email}: {}", answer.text);
        answer.body["__cookie"].as_str().unwrap().to_string()
    }

    async fn start(&self, cookie: &str, total_rows: u64) -> Answer {
        let import = json!({"import": {"template": TEMPLATE, "file_name": "clients.csv", "total_rows": total_rows, "skipped": []}});
        self.json("start_import", import, cookie).await
    }

    /// Start an import, send `rows` as batch 0, finish it; the batch's answer.
    async fn import(&self, cookie: &str, rows: Vec<Value>) -> Value {
        let started = self.start(cookie, rows.len() as u64).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text);
        let id = started.body["import_id"].as_str().unwrap().to_string();
        let rows = Value::Array(rows);
        let batch = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(batch.status, StatusCode::OK, "{}", batch.text);
        let body = format!("import_id={id}&cancelled=false");
        let finished = self.post("finish_import", "application/x-www-form-urlencoded", body, Some(cookie)).await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
        batch.body
    }

    /// The clients of workspace `slug` by email.
    async fn stored(&self, slug: &str) -> Vec<Stored> {
        let rows: Vec<(String, String, Option<String>, Option<String>, String, String, String, String, String, String, String)> =
            on_pool!(self.db.pool, p => sqlx::query_as(
                "SELECT c.id, c.first_name, c.last_name, c.middle_name, c.email, c.username, c.project, c.desk, \
                 c.active, c.client_type, c.created FROM crm_clients c JOIN workspaces w ON w.id = c.workspace_id \
                 WHERE w.slug = $1 ORDER BY c.email",
            )
            .bind(slug)
            .fetch_all(p)
            .await)
            .unwrap();
        rows.into_iter()
            .map(|r| vec![Some(r.0), Some(r.1), r.2, r.3, Some(r.4), Some(r.5), Some(r.6), Some(r.7), Some(r.8), Some(r.9), Some(r.10)])
            .collect()
    }
}

/// A row as the browser sends it: values in the template's field order
/// (ID, firstName, lastName, middleName, email, username, project, desk,
/// active, type, created), empty cells as null.
fn row(n: u64, cells: [&str; 11]) -> Value {
    let values: Vec<Value> = cells.iter().map(|c| if c.is_empty() { Value::Null } else { json!(c) }).collect();
    json!({"row": n, "values": values})
}

fn counts(batch: &Value) -> (u64, u64, u64, usize) {
    (
        batch["inserted"].as_u64().unwrap(),
        batch["updated"].as_u64().unwrap(),
        batch["unchanged"].as_u64().unwrap(),
        batch["skipped"].as_array().unwrap().len(),
    )
}

fn reasons(batch: &Value) -> String {
    batch["skipped"].to_string()
}

async fn viewers_may_neither_import_nor_export(db: Db) {
    let client = Client::new(db).await;
    let viewer = client.sign_in("viewer@acme.test").await;
    let start = client.start(&viewer, 1).await;
    assert_eq!(start.status, StatusCode::FORBIDDEN, "{}", start.text);
    assert!(start.body["message"].as_str().unwrap().contains("CRM clients"), "{}", start.text);
    assert_eq!(client.export(Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(client.export(None).await.status, StatusCode::UNAUTHORIZED);
    // Staff may (import_clients).
    let staff = client.sign_in("staff@acme.test").await;
    assert_eq!(client.start(&staff, 1).await.status, StatusCode::OK);
    assert_eq!(client.export(Some(&staff)).await.status, StatusCode::OK);
}

async fn a_row_without_id_inserts_with_defaults(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    let batch = client
        .import(&staff, vec![row(1, ["", "John", "", "", "John.Doe@Example.com", "", "", "", "", "", ""])])
        .await;
    assert_eq!(counts(&batch), (1, 0, 0, 0), "{batch}");
    let stored = client.stored("acme").await;
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    let id = c[0].clone().unwrap();
    assert!(id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
    assert_eq!(c[1..10].to_vec(), vec![
        Some("John".into()), None, None, Some("john.doe@example.com".into()), Some("john.doe".into()),
        Some("default".into()), Some("default".into()), Some("true".into()), Some("personal".into())
    ]);
    // Created defaults to now.
    assert!(c[10].as_deref().unwrap().starts_with("20"), "{c:?}");
}

async fn a_row_with_an_id_updates_that_client(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    client.import(&staff, vec![row(1, ["", "Emma", "Smith", "", "emma@example.com", "emma.s", "", "", "", "", "2024-07-01T07:33:52.343Z"])]).await;
    let id = client.stored("acme").await[0][0].clone().unwrap();
    // A new email and last name for the same ID; the username left empty stays.
    let batch = client
        .import(&staff, vec![row(1, [&id, "Emma", "Jones", "", "emma.jones@example.com", "", "", "", "false", "corporate", "2024-07-01T07:33:52.343Z"])])
        .await;
    assert_eq!(counts(&batch), (0, 1, 0, 0), "{batch}");
    let stored = client.stored("acme").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0][0].as_deref(), Some(id.as_str()));
    assert_eq!(stored[0][2].as_deref(), Some("Jones"));
    assert_eq!(stored[0][4].as_deref(), Some("emma.jones@example.com"));
    assert_eq!(stored[0][5].as_deref(), Some("emma.s"), "the username is kept");
    assert_eq!(stored[0][8].as_deref(), Some("false"));
    assert_eq!(stored[0][9].as_deref(), Some("corporate"));
    // The same again: unchanged.
    let again = client
        .import(&staff, vec![row(1, [&id, "Emma", "Jones", "", "emma.jones@example.com", "emma.s", "", "", "false", "corporate", "2024-07-01T07:33:52.343Z"])])
        .await;
    assert_eq!(counts(&again), (0, 0, 1, 0), "{again}");
}

async fn a_row_without_id_updates_the_client_with_its_email(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    client.import(&staff, vec![row(1, ["", "Mike", "Brown", "", "michael@example.com", "", "", "", "", "", ""])]).await;
    let batch = client
        .import(&staff, vec![row(1, ["", "Michael", "Brown", "", "MICHAEL@example.com", "", "p1", "d1", "", "", ""])])
        .await;
    assert_eq!(counts(&batch), (0, 1, 0, 0), "{batch}");
    let stored = client.stored("acme").await;
    assert_eq!(stored.len(), 1, "no duplicate");
    assert_eq!(stored[0][1].as_deref(), Some("Michael"));
    assert_eq!(stored[0][5].as_deref(), Some("michael"));
    assert_eq!((stored[0][6].as_deref(), stored[0][7].as_deref()), (Some("p1"), Some("d1")));
}

async fn unknown_and_foreign_ids_are_skipped_with_unknown_id(db: Db) {
    let client = Client::new(db).await;
    let globex = client.sign_in("admin@globex.test").await;
    client.import(&globex, vec![row(1, ["", "Gil", "", "", "gil@example.com", "", "", "", "", "", ""])]).await;
    let foreign = client.stored("globex").await[0][0].clone().unwrap();

    let staff = client.sign_in("staff@acme.test").await;
    // The browser asks before the import: both IDs are unknown in Acme.
    let check = client
        .json("check_references", json!({"template": TEMPLATE, "field": "id", "values": [foreign, "0123456789abcdef01234567"]}), &staff)
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert_eq!(check.body, json!([foreign, "0123456789abcdef01234567"]));

    let batch = client
        .import(&staff, vec![
            row(1, [&foreign, "Gil", "Stolen", "", "gil@example.com", "", "", "", "", "", ""]),
            row(2, ["0123456789abcdef01234567", "Ann", "", "", "ann@example.com", "", "", "", "", "", ""]),
            row(3, ["", "Ann", "", "", "ann.new@example.com", "", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (1, 0, 0, 2), "{batch}");
    let text = reasons(&batch);
    assert!(text.contains("No record of this workspace has the ID"), "{text}");
    assert_eq!(batch["skipped"][0]["row"], 1);
    assert_eq!(batch["skipped"][1]["row"], 2);
    // Globex's client is untouched; Acme has only Ann.
    assert_eq!(client.stored("globex").await[0][2], None);
    let acme = client.stored("acme").await;
    assert_eq!(acme.len(), 1);
    assert_eq!(acme[0][4].as_deref(), Some("ann.new@example.com"));
    let known = client.json("check_references", json!({"template": TEMPLATE, "field": "id", "values": [acme[0][0]]}), &staff).await;
    assert_eq!(known.body, json!([]));
}

async fn generated_usernames_are_unique_in_the_workspace(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    client.import(&staff, vec![row(1, ["", "Sam", "", "", "sam@one.example", "", "", "", "", "", ""])]).await;
    // Another file: the browser made "sam" again, not knowing the first.
    let batch = client
        .import(&staff, vec![
            row(1, ["", "Sam", "Two", "", "sam@two.example", "sam", "", "", "", "", ""]),
            row(2, ["", "Sam", "Three", "", "sam@three.example", "", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (2, 0, 0, 0), "{batch}");
    let names: Vec<String> = client.stored("acme").await.into_iter().map(|c| c[5].clone().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["sam", "sam2", "sam3"], "{names:?}");
}

/// A generated username takes the smallest free number, as trying `sam2`,
/// `sam3`, ... one by one would: gaps are filled, names taken earlier in the
/// batch are skipped, and a name a client gives up in the batch is free
/// again. (The names of a base are read once per batch, not once per try.)
async fn generated_usernames_fill_the_first_free_number(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    let batch = client
        .import(&staff, vec![
            row(1, ["", "Sam", "", "", "sam@one.example", "", "", "", "", "", ""]),
            row(2, ["", "Olga", "", "", "olga@example.com", "sam2", "", "", "", "", ""]),
            row(3, ["", "Otto", "", "", "otto@example.com", "sam4", "", "", "", "", ""]),
            row(4, ["", "Sami", "", "", "sami@example.com", "sam07", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (4, 0, 0, 0), "{batch}");
    let username_of = |stored: &[Stored], email: &str| {
        stored.iter().find(|c| c[4].as_deref() == Some(email)).and_then(|c| c[5].clone()).unwrap()
    };

    // Another file, whose rows the browser named sam, sam2, sam3.
    let batch = client
        .import(&staff, vec![
            row(1, ["", "Sam", "A", "", "sam@a.example", "sam", "", "", "", "", ""]),
            row(2, ["", "Sam", "B", "", "sam@b.example", "sam2", "", "", "", "", ""]),
            row(3, ["", "Sam", "C", "", "sam@c.example", "sam3", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (3, 0, 0, 0), "{batch}");
    let stored = client.stored("acme").await;
    let names: Vec<String> =
        ["sam@a.example", "sam@b.example", "sam@c.example"].iter().map(|e| username_of(&stored, e)).collect();
    assert_eq!(names, ["sam3", "sam5", "sam6"]);

    // Olga gives sam2 up in the batch; the next new Sam gets it.
    let olga = stored.iter().find(|c| c[4].as_deref() == Some("olga@example.com")).unwrap()[0].clone().unwrap();
    let batch = client
        .import(&staff, vec![
            row(1, ["", "Sam", "D", "", "sam@d.example", "", "", "", "", "", ""]),
            row(2, [&olga, "Olga", "", "", "olga@example.com", "olga.k", "", "", "", "", ""]),
            row(3, ["", "Sam", "E", "", "sam@e.example", "", "", "", "", "", ""]),
            row(4, ["", "Sam", "F", "", "sam@f.example", "sam6", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (3, 1, 0, 0), "{batch}");
    let stored = client.stored("acme").await;
    let names: Vec<String> = ["sam@d.example", "olga@example.com", "sam@e.example", "sam@f.example"]
        .iter()
        .map(|e| username_of(&stored, e))
        .collect();
    assert_eq!(names, ["sam7", "olga.k", "sam2", "sam8"]);
    let mut all: Vec<String> = stored.iter().map(|c| c[5].clone().unwrap()).collect();
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "no username twice: {all:?}");
}

async fn a_taken_explicit_username_or_email_skips_the_row(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    client
        .import(&staff, vec![
            row(1, ["", "Ann", "", "", "ann@example.com", "annie", "", "", "", "", ""]),
            row(2, ["", "Bob", "", "", "bob@example.com", "", "", "", "", "", ""]),
        ])
        .await;
    let stored = client.stored("acme").await;
    let bob_id = stored[1][0].clone().unwrap();
    let batch = client
        .import(&staff, vec![
            row(1, ["", "Carl", "", "", "carl@example.com", "annie", "", "", "", "", ""]),
            row(2, [&bob_id, "Bob", "", "", "ann@example.com", "", "", "", "", "", ""]),
        ])
        .await;
    assert_eq!(counts(&batch), (0, 0, 0, 2), "{batch}");
    let text = reasons(&batch);
    assert!(text.contains("\\\"annie\\\" is taken by another client"), "{text}");
    assert!(text.contains("ann@example.com belongs to another client"), "{text}");
    assert_eq!(client.stored("acme").await, stored, "nothing changed");
}

/// The export's lines, without the BOM.
fn lines(text: &str) -> Vec<String> {
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    assert!(text.ends_with("\r\n"));
    text.split("\r\n").filter(|l| !l.is_empty()).map(str::to_string).collect()
}

async fn export_is_the_template_format_with_formulas_escaped(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    client
        .import(&staff, vec![row(1, ["", "Ann", "Doe, Jr", "", "a@example.com", "", "", "", "", "", "2024-06-13T15:06:02.802Z"])])
        .await;
    // The import refuses formulas, but a value may have come from elsewhere.
    on_pool!(client.db.pool, p => sqlx::query("UPDATE crm_clients SET first_name = $1").bind("=HYPERLINK(\"x\")").execute(p).await.map(drop)).unwrap();
    let answer = client.export(Some(&staff)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let lines = lines(&answer.text);
    let sample = csv_import_core::sample::sample_csv(&app::backend::access::template(TEMPLATE).unwrap());
    assert_eq!(lines[0], "ID,firstName,lastName,middleName,email,username,project,desk,active,type,created");
    assert!(sample.starts_with(&lines[0]), "the header is the sample's: {sample}");
    let id = client.stored("acme").await[0][0].clone().unwrap();
    assert_eq!(
        lines[1],
        format!("{id},\"'=HYPERLINK(\"\"x\"\")\",\"Doe, Jr\",,a@example.com,a,default,default,true,personal,2024-06-13T15:06:02.802Z")
    );
    assert_eq!(lines.len(), 2);
}

async fn export_edit_import_updates_without_duplicates(db: Db) {
    let client = Client::new(db).await;
    let staff = client.sign_in("staff@acme.test").await;
    let rows = (1..=4)
        .map(|n| {
            let email = format!("c{n}@example.com");
            let created = format!("2024-07-0{n}T07:33:52.343Z");
            row(n, ["", "First", "Last", "", &email, "", "", "", "true", "personal", &created])
        })
        .collect();
    client.import(&staff, rows).await;
    let before = client.stored("acme").await;

    let exported = lines(&client.export(Some(&staff)).await.text);
    assert_eq!(exported.len(), 5);
    // Edit the file: a last name of one client, the email of another.
    let mut edited: Vec<Vec<String>> = exported[1..].iter().map(|l| l.split(',').map(str::to_string).collect()).collect();
    edited[0][2] = "Changed".to_string();
    edited[1][4] = "new.c2@example.com".to_string();
    let rows: Vec<Value> = edited
        .iter()
        .enumerate()
        .map(|(i, cells)| {
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            row(i as u64 + 1, cells.try_into().unwrap())
        })
        .collect();
    let batch = client.import(&staff, rows).await;
    assert_eq!(counts(&batch), (0, 2, 2, 0), "{batch}");

    let after = client.stored("acme").await;
    assert_eq!(after.len(), 4, "no duplicates");
    let by_id = |id: &Option<String>| after.iter().find(|c| &c[0] == id).unwrap().clone();
    assert_eq!(by_id(&before[0][0])[2].as_deref(), Some("Changed"));
    assert_eq!(by_id(&before[1][0])[4].as_deref(), Some("new.c2@example.com"));
    assert_eq!(by_id(&before[1][0])[5], before[1][5], "the username stays");
    assert_eq!(by_id(&before[2][0]), before[2]);
}
