//! A host's own template (from a folder of TOML files, as `serve
//! --templates DIR` reads them) and its own destination: the modal gets the
//! template from the server, the sample file follows it, and an import's
//! checked rows reach the host's destination. Runs in its own process: the
//! registries are process-wide.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::Site;
use csv_import::db::Db;
use csv_import::destination::{self, Batch, BatchResult, BoxFuture, Destination, Prepared, Rows, SkippedRow};
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

on_both!(a_host_template_is_offered_checked_and_delivered_to_its_destination);

const PROJECTS: &str = r#"
name = "projects"
label = "Projects"
description = "Projects of the host application."
entity = "projects"
destination = "host_projects"
key = ["code"]

[[fields]]
key = "code"
label = "Project code"
type = "id"
required = true
unique = true
pattern = "^PRJ-[0-9]{4}$"
pattern_hint = "PRJ- and four digits, e.g. PRJ-0042"

[[fields]]
key = "name"
label = "Name"
required = true
synonyms = ["Project", "Nom du projet"]

[[fields]]
key = "client"
label = "Client code"
reference = "client_code"
"#;

/// The client codes the host knows (its own reference, `client_code`).
const CLIENT_CODES: [&str; 2] = ["ACME", "GLOBEX"];

/// The host's storage: the rows it was handed, and how many times its slow
/// work before the transaction ran for each (import, seq).
#[derive(Default)]
struct HostProjects {
    rows: Mutex<Vec<(String, Rows)>>,
    prepared: Mutex<Vec<(String, u32)>>,
}

impl Destination for HostProjects {
    fn name(&self) -> &str {
        "host_projects"
    }

    fn unknown_references<'a>(
        &'a self,
        _conn: app::backend::db::Conn<'a>,
        _asker: app::backend::destination::Asker,
        _template: &'a csv_import_core::Template,
        name: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, app::AppError>> {
        Box::pin(async move {
            assert_eq!(name, "client_code");
            Ok(values.iter().filter(|v| !CLIENT_CODES.iter().any(|c| c.eq_ignore_ascii_case(v))).cloned().collect())
        })
    }

    // Slow work outside the transaction, as hashing passwords or a delivery.
    fn prepare<'a>(
        &'a self,
        _db: &'a Db,
        batch: &'a Batch<'a>,
        _rows: &'a Rows,
    ) -> Option<BoxFuture<'a, Result<Prepared, app::AppError>>> {
        Some(Box::pin(async move {
            self.prepared.lock().unwrap().push((batch.import_id.to_string(), batch.seq));
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            Ok(Prepared::default())
        }))
    }

    fn write<'a>(
        &'a self,
        _conn: app::backend::db::Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, app::AppError>> {
        Box::pin(async move {
            let result = BatchResult { inserted: rows.len() as u64, skipped, ..BatchResult::default() };
            self.rows.lock().unwrap().push((batch.import_id.to_string(), rows));
            Ok(result)
        })
    }
}

/// The folder of templates and the destination, set up once per process.
fn host() -> Arc<HostProjects> {
    static HOST: OnceLock<Arc<HostProjects>> = OnceLock::new();
    HOST.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("projects.toml"), PROJECTS).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a template").unwrap();
        let names = app::backend::templates::register_dir(dir.path()).expect("the folder's templates");
        assert_eq!(names, ["projects"]);
        let host = Arc::new(HostProjects::default());
        destination::register(host.clone());
        host
    })
    .clone()
}

/// A destination that keeps nothing: for the registration through the
/// axum mount's configuration.
struct Nowhere;

impl Destination for Nowhere {
    fn name(&self) -> &str {
        "host_nowhere"
    }

    fn write<'a>(
        &'a self,
        _conn: app::backend::db::Conn<'a>,
        _batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, app::AppError>> {
        Box::pin(async move { Ok(BatchResult { unchanged: rows.len() as u64, skipped, ..BatchResult::default() }) })
    }
}

#[tokio::test]
async fn the_axum_mount_takes_templates_and_destinations_from_rust() {
    let (db, _dir) = common::sqlite().await;
    let template = csv_import_core::Template::from_toml(
        &PROJECTS.replace("name = \"projects\"", "name = \"host-tasks\"").replace("host_projects", "host_nowhere"),
    )
    .unwrap();
    let broken = csv_import_core::Template { fields: Vec::new(), ..template.clone() };
    assert!(csv_import::embed::EmbedConfig::new(db.clone(), "target/site").template(broken).is_err());
    let _config = csv_import::embed::EmbedConfig::new(db, "target/site").template(template).unwrap().destination(Nowhere);
    let registered = app::backend::templates::get("host-tasks").expect("the template is offered");
    let destination = destination::for_template(&registered).expect("its destination is registered");
    assert_eq!(destination.name(), "host_nowhere");
}

#[tokio::test]
async fn the_host_grants_its_templates_permissions_to_roles() {
    use app::model::Role;
    let (db, _dir) = common::sqlite().await;
    let template = csv_import_core::Template::from_toml(
        &PROJECTS
            .replace("name = \"projects\"", "name = \"host-sites\"\npermission = \"import_host_sites\"")
            .replace("host_projects", "host_nowhere"),
    )
    .unwrap();
    let config = csv_import::embed::EmbedConfig::new(db.clone(), "target/site").template(template).unwrap();
    let registered = app::backend::templates::get("host-sites").unwrap();
    let refused = |role| app::backend::access::refusal(role, &registered);
    // Before the grant, only admins have the permission.
    assert_eq!(refused(Role::Admin), None);
    for role in [Role::Staff, Role::External, Role::Viewer] {
        assert!(refused(role).is_some_and(|r| r.contains("may not import")), "{role:?}: {:?}", refused(role));
    }
    let _config = config.grant(Role::External, "import_host_sites");
    assert_eq!(refused(Role::External), None);
    // Granted to one role, not to the others; a viewer never imports.
    assert!(refused(Role::Staff).is_some());
    let _config = csv_import::embed::EmbedConfig::new(db, "target/site").grant(Role::Viewer, "import_host_sites");
    assert!(refused(Role::Viewer).is_some());
}

#[test]
fn a_broken_template_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.toml"), PROJECTS.replace("key = [\"code\"]", "key = [\"nope\"]")).unwrap();
    let error = app::backend::templates::register_dir(dir.path()).unwrap_err();
    assert!(error.contains("broken.toml") && error.contains("upsert key nope is not a field"), "{error}");
}

async fn a_host_template_is_offered_checked_and_delivered_to_its_destination(db: Db) {
    let host = host();
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;

    // The modal's view of it: the template and the right to import.
    let got = site.form("get_template", "name=projects", Some(&admin)).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(got.body["may_import"], true, "{}", got.text);
    assert_eq!(got.body["template"]["fields"][0]["label"], "Project code");
    let listed = site.form("list_templates", "", Some(&admin)).await;
    assert!(listed.text.contains("\"projects\""), "{}", listed.text);
    let sample = site.send("GET", "/templates/projects/sample.csv", "", String::new(), Some(&admin)).await;
    assert_eq!(sample.status, StatusCode::OK);
    assert!(sample.text.starts_with("Project code,Name"), "{}", sample.text);

    // An import: core checks the rows against the host's template, and the
    // valid ones reach the host's destination.
    // The host's own reference, asked with distinct values as the review step does.
    let asked = json!({"template": "projects", "field": "client", "values": ["acme", "Initech", "ACME"]});
    let unknown = site.json("check_references", asked, &admin).await;
    assert_eq!((unknown.status, unknown.body.clone()), (StatusCode::OK, json!(["Initech"])), "{}", unknown.text);

    let start = json!({"import": {"template": "projects", "file_name": "p.csv", "total_rows": 4, "skipped": []}});
    let started = site.json("start_import", start, &admin).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let id = started.body["import_id"].as_str().unwrap().to_string();
    let rows = json!([
        {"row": 1, "values": ["PRJ-0001", "Harbour bridge", "acme"]},
        {"row": 2, "values": ["P-1", "Bad code", null]},
        {"row": 3, "values": ["PRJ-0003", "Tunnel", null]},
        {"row": 4, "values": ["PRJ-0004", "Viaduct", "Initech"]},
    ]);
    let answer = site.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), &admin).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["inserted"], 2, "{}", answer.text);
    assert_eq!(answer.body["skipped"][0]["row"], 2, "{}", answer.text);
    assert!(answer.text.contains("PRJ- and four digits"), "the template's hint: {}", answer.text);
    assert_eq!(answer.body["skipped"][1]["row"], 4, "{}", answer.text);
    assert!(
        answer.text.contains(r#"\"Initech\" is not an existing Client code here. Correct it, or create it first."#),
        "the host's reference, checked again at commit: {}",
        answer.text
    );
    let delivered = host.rows.lock().unwrap();
    let ours: Vec<&Rows> = delivered.iter().filter(|(import, _)| *import == id).map(|(_, rows)| rows).collect();
    assert_eq!(ours.len(), 1);
    let codes: Vec<Option<String>> = ours[0].iter().map(|(_, v)| v[0].clone()).collect();
    assert_eq!(codes, [Some("PRJ-0001".to_string()), Some("PRJ-0003".to_string())]);
    drop(delivered);

    // The same batch sent five times at once (a retry racing the first try)
    // is prepared once: the copies wait for the first, then find it stored.
    let start = json!({"import": {"template": "projects", "file_name": "p.csv", "total_rows": 1, "skipped": []}});
    let id = site.json("start_import", start, &admin).await.body["import_id"].as_str().unwrap().to_string();
    let batch = json!({"batch": {"import_id": id, "seq": 0, "rows": [{"row": 1, "values": ["PRJ-0010", "Dam", null]}]}});
    let copies = (0..5).map(|_| {
        let (site, batch, admin) = (site.clone(), batch.clone(), admin.clone());
        tokio::spawn(async move { site.json("commit_batch", batch, &admin).await })
    });
    let mut applied = 0;
    for copy in copies.collect::<Vec<_>>() {
        let answer = copy.await.unwrap();
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.body["inserted"], 1, "{}", answer.text);
        applied += usize::from(answer.body["already_applied"] != true);
    }
    assert_eq!(applied, 1, "one copy applied, the others answered as applied before");
    let prepared = host.prepared.lock().unwrap().iter().filter(|(import, _)| *import == id).count();
    assert_eq!(prepared, 1, "the slow work ran once");
    assert_eq!(host.rows.lock().unwrap().iter().filter(|(import, _)| *import == id).count(), 1);
}
