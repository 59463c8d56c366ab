//! Background imports over HTTP and through the job runner: rows
//! are staged by `stage_batch`, `queue_import` queues a job, runners claim
//! and commit it. Two runners share jobs without doing one twice; a job
//! left running by a runner that stopped is resumed by another without
//! duplicates. The job commits batches while the page still sends them,
//! in the file's order. Every scenario runs on SQLite and on PostgreSQL.

#[macro_use]
mod common;

use app::backend::imports;
use app::backend::jobs::{self, RunnerConfig};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use csv_import::db::{on_pool, Db};
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;

on_both!(
    a_runner_commits_a_staged_import,
    the_spawned_runner_wakes_when_a_job_is_queued_and_notifies,
    two_runners_share_jobs_without_doing_one_twice,
    an_interrupted_job_resumes_without_duplicates,
    background_functions_check_session_role_and_workspace,
    existing_values_finds_only_this_workspaces_records,
    the_error_report_is_a_csv_with_formulas_escaped,
    a_job_that_keeps_failing_is_marked_failed_and_notified,
    the_page_that_queued_an_import_waits_for_its_end,
    the_job_commits_batches_while_the_page_sends_them,
    an_import_cancelled_while_it_is_sent_keeps_what_its_job_committed,
    the_batches_sent_ahead_of_the_job_are_committed_together,
    an_import_ended_as_done_commits_every_staged_batch,
    each_row_is_sent_once_in_a_batch_or_as_skipped,
    staged_and_committed_batches_are_not_mixed,
    a_workbooks_error_report_names_rows_as_the_spreadsheet_does,
);

struct Api {
    router: axum::Router,
    db: Db,
}

#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    body: Value,
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// A runner for tests: named, quick to poll, 30 s to staleness.
fn runner(name: &str) -> RunnerConfig {
    RunnerConfig { name: name.to_string(), poll: Duration::from_millis(20), stale: Duration::from_secs(30) }
}

impl Api {
    async fn new(db: Db) -> Api {
        app::portal::backend::demo::seed(&db).await.expect("demo seed");
        let options = LeptosOptions::builder().output_name("csv-import").site_root("target/site").build();
        Api { router: csv_import::serve::router(options, db.clone(), true), db }
    }

    async fn send(&self, method: &str, path: &str, content_type: &str, body: Vec<u8>, cookie: Option<&str>) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self.router.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, text, body }
    }

    async fn form(&self, name: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = form_encode(pairs).into_bytes();
        self.send("POST", &format!("/api/{name}"), "application/x-www-form-urlencoded", body, cookie).await
    }

    async fn json(&self, name: &str, body: Value, cookie: Option<&str>) -> Reply {
        self.send("POST", &format!("/api/{name}"), "application/json", body.to_string().into_bytes(), cookie).await
    }

    async fn login(&self, email: &str) -> String {
        let reply = self.form("login", &[("email", email), ("password", "demo-password")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{email} signs in: {}", reply.text);
        let set_cookie = reply.headers.get(header::SET_COOKIE).expect("Set-Cookie").to_str().unwrap();
        set_cookie.split(';').next().unwrap().to_string()
    }

    async fn start(&self, cookie: &str, template: &str, file_name: &str, total_rows: u64, skipped: Value) -> String {
        let reply = self
            .json(
                "start_import",
                json!({"import": {"template": template, "file_name": file_name, "total_rows": total_rows, "skipped": skipped}}),
                Some(cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "start_import: {}", reply.text);
        reply.body["import_id"].as_str().unwrap().to_string()
    }

    async fn stage(&self, cookie: &str, import_id: &str, seq: u32, rows: Value) -> Reply {
        self.json("stage_batch", json!({"batch": {"import_id": import_id, "seq": seq, "rows": rows}}), Some(cookie)).await
    }

    async fn queue(&self, cookie: &str, import_id: &str) -> Reply {
        self.form("queue_import", &[("import_id", import_id)], Some(cookie)).await
    }

    async fn count(&self, table: &str, workspace_slug: &str) -> i64 {
        on_pool!(self.db.pool, p => sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} t JOIN workspaces w ON w.id = t.workspace_id WHERE w.slug = $1"
        ))
        .bind(workspace_slug)
        .fetch_one(p)
        .await)
        .unwrap()
    }

    async fn job(&self, import_id: &str) -> (String, i64, Option<String>) {
        on_pool!(self.db.pool, p => sqlx::query_as("SELECT state, attempts, claimed_by FROM import_jobs WHERE import_id = $1")
            .bind(import_id)
            .fetch_one(p)
            .await)
            .unwrap()
    }
}

/// `n` valid client rows numbered from `first`, with emails tagged `tag`.
fn clients(tag: &str, first: u64, n: u64) -> Value {
    Value::Array(
        (first..first + n)
            .map(|i| json!({"row": i, "values": [format!("P{i}"), "Bg", format!("p{i}.{tag}@example.com"), null, "Co"]}))
            .collect(),
    )
}

async fn a_runner_commits_a_staged_import(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let before = api.form("import_notifications", &[("since", "")], Some(&admin)).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert_eq!(before.body["finished"], json!([]));
    let since = before.body["now"].as_str().unwrap().to_string();

    let import_id = api.start(&admin, "clients", "clients.csv", 5, json!([{"row": 5, "reasons": ["Email: bad"]}])).await;
    let first = api.stage(&admin, &import_id, 0, clients("a", 1, 2)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!((first.body["rows"].clone(), first.body["already_staged"].clone()), (json!(2), json!(false)));
    // A retried batch is kept once, the first version.
    let again = api.stage(&admin, &import_id, 0, clients("zzz", 1, 1)).await;
    assert_eq!((again.body["rows"].clone(), again.body["already_staged"].clone()), (json!(2), json!(true)));
    // A tampered row in the next batch: skipped by the job, never committed.
    let mut rows = clients("a", 3, 1);
    rows.as_array_mut().unwrap().push(json!({"row": 4, "values": ["=cmd()", null, "evil@example.com", null, null]}));
    assert_eq!(api.stage(&admin, &import_id, 1, rows).await.status, StatusCode::OK);
    assert_eq!(api.count("clients", "acme").await, 3, "staged rows are not records yet");

    let queued = api.queue(&admin, &import_id).await;
    assert_eq!(queued.status, StatusCode::OK, "{}", queued.text);
    assert_eq!((queued.body["job"].clone(), queued.body["state"].clone()), (json!("queued"), json!("running")));
    assert_eq!(api.queue(&admin, &import_id).await.status, StatusCode::OK, "queueing twice queues once");
    let list = api.form("list_imports", &[], Some(&admin)).await;
    assert_eq!(list.body[0]["job"], "queued");
    // Staging after the job is queued is refused.
    let late = api.stage(&admin, &import_id, 2, clients("a", 9, 1)).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);

    assert!(jobs::run_once(&api.db, &runner("r1")).await.unwrap(), "a job was claimed");
    assert!(!jobs::run_once(&api.db, &runner("r1")).await.unwrap(), "no job left");
    assert_eq!(api.count("clients", "acme").await, 6);
    let evil: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE email = 'evil@example.com'")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(evil, 0);
    let summary = api.form("get_import", &[("import_id", &import_id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["job"].clone()), (json!("done"), json!("done")), "{}", summary.text);
    assert_eq!((b["inserted"].clone(), b["skipped"].clone()), (json!(3), json!(2)));
    let skipped: Vec<u64> = b["skipped_rows"].as_array().unwrap().iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert_eq!(skipped, vec![4, 5]);
    assert!(b["skipped_rows"][0]["reasons"][0].as_str().unwrap().contains("formula"));
    let staged: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged").fetch_one(p).await).unwrap();
    assert_eq!(staged, 0, "staged rows are dropped once committed");

    // The notification: finished since the page asked.
    let news = api.form("import_notifications", &[("since", &since)], Some(&admin)).await;
    assert_eq!(news.status, StatusCode::OK, "{}", news.text);
    let finished = news.body["finished"].as_array().unwrap();
    assert_eq!(finished.len(), 1);
    assert_eq!((finished[0]["file_name"].clone(), finished[0]["inserted"].clone()), (json!("clients.csv"), json!(3)));
    // The next ask looks back a little (an end committed just after an
    // answer is not missed): the page tells each import once, by its id.
    let next = news.body["now"].as_str().unwrap().to_string();
    assert!(next.as_str() >= since.as_str() && next < finished[0]["finished_at"].as_str().unwrap().to_string(), "{next}");
    let later = api.form("import_notifications", &[("since", &next)], Some(&admin)).await;
    assert_eq!(later.body["finished"][0]["id"], finished[0]["id"], "{}", later.text);
    // An end recorded before an answer's time but committed after it (the
    // job's last transaction was still running) is listed by the next ask.
    let import_id = finished[0]["id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let ended = app::backend::rfc3339(time::OffsetDateTime::now_utc());
    tokio::time::sleep(Duration::from_millis(5)).await;
    let asked = api.form("import_notifications", &[("since", &next)], Some(&admin)).await.body["now"].as_str().unwrap().to_string();
    assert!(ended > asked, "{ended} after {asked}");
    on_pool!(api.db.pool, p => sqlx::query("UPDATE import_jobs SET finished_at = $1 WHERE import_id = $2")
        .bind(ended)
        .bind(import_id.clone())
        .execute(p)
        .await
        .map(drop))
        .unwrap();
    let late = api.form("import_notifications", &[("since", &asked)], Some(&admin)).await;
    assert_eq!(late.body["finished"][0]["id"], json!(import_id), "{}", late.text);
    let bad = api.form("import_notifications", &[("since", "yesterday")], Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Globex hears nothing of Acme's imports.
    let globex = api.login("admin@globex.test").await;
    let theirs = api.form("import_notifications", &[("since", &since)], Some(&globex)).await;
    assert_eq!(theirs.body["finished"], json!([]));
}

async fn the_spawned_runner_wakes_when_a_job_is_queued_and_notifies(db: Db) {
    let api = Api::new(db).await;
    let staff = api.login("staff@acme.test").await;
    // It would look again only in an hour: the queueing wakes it.
    let idle = RunnerConfig { poll: Duration::from_secs(3600), ..runner("spawned") };
    let handle = jobs::spawn(api.db.clone(), idle);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let import_id = api.start(&staff, "leads", "leads.csv", 2, json!([])).await;
    let rows = json!([
        {"row": 1, "values": ["Priya", "Shah", "priya.bg@example.com", null, "Fabrikam", "Webinar", "new"]},
        {"row": 2, "values": ["Tom", "Becker", "tom.bg@example.de", null, null, null, null]},
    ]);
    assert_eq!(api.stage(&staff, &import_id, 0, rows).await.status, StatusCode::OK);
    assert_eq!(api.queue(&staff, &import_id).await.status, StatusCode::OK);
    let mut state = String::new();
    for _ in 0..200 {
        state = api.job(&import_id).await.0;
        if state == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    handle.abort();
    assert_eq!(state, "done");
    assert_eq!(api.count("leads", "acme").await, 4);
    let status: Option<String> = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT status FROM leads WHERE email = 'tom.bg@example.de'")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(status.as_deref(), Some("new"), "normalised again by the job: the default status");
}

async fn two_runners_share_jobs_without_doing_one_twice(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let mut ids = Vec::new();
    for j in 0..6_u64 {
        let tag = format!("j{j}");
        let id = api.start(&admin, "clients", &format!("file{j}.csv"), 120, json!([])).await;
        for seq in 0..3_u32 {
            let reply = api.stage(&admin, &id, seq, clients(&tag, u64::from(seq) * 40 + 1, 40)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        }
        assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
        ids.push(id);
    }
    // Two runners at once, on the same database, each until no job is left.
    let work = |name: &'static str| {
        let db = api.db.clone();
        tokio::spawn(async move {
            let config = runner(name);
            let mut done = 0;
            while jobs::run_once(&db, &config).await.unwrap() {
                done += 1;
            }
            done
        })
    };
    let (a, b) = tokio::join!(work("runner-a"), work("runner-b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 6, "every job claimed once: {a} + {b}");
    for id in &ids {
        let (state, attempts, claimed_by) = api.job(id).await;
        assert_eq!((state.as_str(), attempts), ("done", 1), "{id}");
        assert!(matches!(claimed_by.as_deref(), Some("runner-a" | "runner-b")));
        let inserted: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT inserted FROM imports WHERE id = $1")
            .bind(id.clone())
            .fetch_one(p)
            .await)
            .unwrap();
        assert_eq!(inserted, 120);
    }
    assert_eq!(api.count("clients", "acme").await, 3 + 6 * 120, "each record inserted once");
    let distinct: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(DISTINCT email) FROM clients").fetch_one(p).await).unwrap();
    assert_eq!(distinct, 3 + 6 * 120);
}

async fn an_interrupted_job_resumes_without_duplicates(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let id = api.start(&admin, "clients", "big.csv", 90, json!([])).await;
    for seq in 0..3_u32 {
        assert_eq!(api.stage(&admin, &id, seq, clients("crash", u64::from(seq) * 30 + 1, 30)).await.status, StatusCode::OK);
    }
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);

    // A runner claims the job, commits the first batch (through the same
    // commit path and idempotency as commit_batch), and its process dies.
    let dead = runner("dead");
    let claim = jobs::claim(&api.db, &dead).await.unwrap().expect("the job is claimed");
    let head = imports::load(&api.db, &id, None).await.unwrap().unwrap();
    let template = app::backend::access::template(&head.template).unwrap();
    let rows: Vec<csv_import_core::Record> = serde_json::from_value(clients("crash", 1, 30)).unwrap();
    let first = imports::commit_batches(&api.db, &head, &template, &[(0, &rows)], imports::By::Job).await.unwrap();
    assert_eq!((first[0].inserted, first[0].already_applied), (30, false));
    assert_eq!(api.count("clients", "acme").await, 33);

    // While its heartbeat is fresh, nobody else takes the job.
    let live = runner("live");
    assert!(!jobs::run_once(&api.db, &live).await.unwrap(), "a live job is not taken over");
    // Silent for longer than the staleness limit: abandoned.
    on_pool!(api.db.pool, p => sqlx::query("UPDATE import_jobs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(claim.id)
        .execute(p)
        .await
        .map(drop))
        .unwrap();
    assert!(jobs::run_once(&api.db, &live).await.unwrap(), "the abandoned job is claimed again");
    let (state, attempts, claimed_by) = api.job(&id).await;
    assert_eq!((state.as_str(), attempts, claimed_by.as_deref()), ("done", 2, Some("live")));
    assert_eq!(api.count("clients", "acme").await, 3 + 90, "each row once");
    let inserted: (i64, i64, String) = on_pool!(api.db.pool, p => sqlx::query_as("SELECT inserted, unchanged, state FROM imports WHERE id = $1")
        .bind(id.clone())
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(inserted, (90, 0, "done".to_string()), "the first batch is counted once");

    // The dead runner wakes up: it has lost the job and changes nothing.
    assert_eq!(jobs::run(&api.db, &dead, &claim).await.unwrap(), jobs::Turn::TakenOver);
    assert_eq!(api.count("clients", "acme").await, 93);
    assert_eq!(api.job(&id).await.2.as_deref(), Some("live"));
}

async fn background_functions_check_session_role_and_workspace(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let viewer = api.login("viewer@acme.test").await;
    let staff = api.login("staff@acme.test").await;
    let globex = api.login("admin@globex.test").await;
    let id = api.start(&admin, "clients", "c.csv", 3, json!([])).await;
    let companies = api.start(&admin, "companies", "co.csv", 1, json!([])).await;

    // Not signed in: 401 everywhere.
    assert_eq!(api.stage("", &id, 0, clients("x", 1, 1)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.form("queue_import", &[("import_id", &id)], None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.form("import_notifications", &[("since", "")], None).await.status, StatusCode::UNAUTHORIZED);
    let ask = json!({"template": "clients", "field": "email", "values": ["dana.whitfield@example.net"]});
    assert_eq!(api.json("existing_values", ask.clone(), None).await.status, StatusCode::UNAUTHORIZED);

    // A viewer may not import: 403.
    let reply = api.stage(&viewer, &id, 0, clients("x", 1, 1)).await;
    assert_eq!((reply.status, reply.body["error"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")), "{}", reply.text);
    assert_eq!(api.queue(&viewer, &id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json("existing_values", ask.clone(), Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    // Staff may not import companies, nor stage into an admin's companies import.
    let row = json!([{"row": 1, "values": ["Initech", null, null, null, null, null, null]}]);
    assert_eq!(api.stage(&staff, &companies, 0, row).await.status, StatusCode::FORBIDDEN);
    let ask_companies = json!({"template": "companies", "field": "name", "values": ["Blue Harbor"]});
    assert_eq!(api.json("existing_values", ask_companies, Some(&staff)).await.status, StatusCode::FORBIDDEN);

    // Another workspace's import: 404, as if unknown.
    let reply = api.stage(&globex, &id, 0, clients("x", 1, 1)).await;
    assert_eq!((reply.status, reply.body["error"].clone()), (StatusCode::NOT_FOUND, json!("not_found")));
    assert_eq!(api.queue(&globex, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.queue(&admin, "../etc").await.status, StatusCode::NOT_FOUND);

    // Bad input: 400.
    let many: Vec<Value> = (1..=5001).map(|i| json!({"row": i, "values": ["A", null, format!("a{i}@example.com"), null, null]})).collect();
    assert_eq!(api.stage(&admin, &id, 0, Value::Array(many)).await.status, StatusCode::BAD_REQUEST);
    let bad_field = json!({"template": "clients", "field": "phone", "values": ["x"]});
    assert_eq!(api.json("existing_values", bad_field, Some(&admin)).await.status, StatusCode::BAD_REQUEST);
    let sql = json!({"template": "clients", "field": "email) OR (1=1", "values": ["x"]});
    assert_eq!(api.json("existing_values", sql, Some(&admin)).await.status, StatusCode::BAD_REQUEST);
    let too_many: Vec<String> = (0..10_001).map(|i| format!("v{i}@example.com")).collect();
    let ask_many = json!({"template": "clients", "field": "email", "values": too_many});
    assert_eq!(api.json("existing_values", ask_many, Some(&admin)).await.status, StatusCode::BAD_REQUEST);

    // Nothing was staged or queued by any of it.
    let staged: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged").fetch_one(p).await).unwrap();
    let queued: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_jobs").fetch_one(p).await).unwrap();
    assert_eq!((staged, queued), (0, 0));
}

async fn existing_values_finds_only_this_workspaces_records(db: Db) {
    let api = Api::new(db).await;
    let acme = api.login("staff@acme.test").await;
    let globex = api.login("admin@globex.test").await;
    // A Globex client that Acme does not have.
    let id = api.start(&globex, "clients", "g.csv", 1, json!([])).await;
    let row = json!([{"row": 1, "values": ["Gil", null, "only.globex@example.com", null, null]}]);
    let reply = api.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": row}}), Some(&globex)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    let ask = json!({"template": "clients", "field": "email", "values": [
        "Dana.Whitfield@Example.NET", "eitan.mor@example.org", "only.globex@example.com", "new.person@example.com",
        "eitan.mor@example.org", ""
    ]});
    let reply = api.json("existing_values", ask.clone(), Some(&acme)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body, json!(["dana.whitfield@example.net", "eitan.mor@example.org"]));
    let theirs = api.json("existing_values", ask, Some(&globex)).await;
    assert_eq!(theirs.body, json!(["only.globex@example.com"]));
    // Leads are their own table.
    let leads = json!({"template": "leads", "field": "email", "values": ["hiro.tanaka@example.jp", "dana.whitfield@example.net"]});
    assert_eq!(api.json("existing_values", leads, Some(&acme)).await.body, json!(["hiro.tanaka@example.jp"]));
}

async fn the_error_report_is_a_csv_with_formulas_escaped(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let skipped = json!([{"row": 2, "reasons": ["=HYPERLINK(\"http://evil\"): starts with '='"]}]);
    let id = api.start(&admin, "clients", "r.csv", 3, skipped).await;
    let rows = json!([{"row": 3, "values": ["Bad", null, "bad@", null, null]}]);
    assert_eq!(api.stage(&admin, &id, 0, rows).await.status, StatusCode::OK);
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &runner("r")).await.unwrap());

    let path = format!("/imports/{id}/errors.csv");
    let report = api.send("GET", &path, "text/plain", Vec::new(), Some(&admin)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    assert!(report.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    assert!(report.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
    let lines: Vec<&str> = report.text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "row,reasons");
    assert!(lines[1].starts_with("2,\"'=HYPERLINK(\"\"http://evil\"\")"), "{}", lines[1]);
    assert!(lines[2].starts_with("3,") && lines[2].contains("bad@"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);

    assert_eq!(api.send("GET", &path, "text/plain", Vec::new(), None).await.status, StatusCode::UNAUTHORIZED);
    let globex = api.login("admin@globex.test").await;
    assert_eq!(api.send("GET", &path, "text/plain", Vec::new(), Some(&globex)).await.status, StatusCode::NOT_FOUND);
    // Every role that sees the workspace may read it; a partner's user sees
    // only their own imports, so another's report is unknown to them.
    let viewer = api.login("viewer@acme.test").await;
    assert_eq!(api.send("GET", &path, "text/plain", Vec::new(), Some(&viewer)).await.status, StatusCode::OK);
    let partner = api.login("partner@northwind.test").await;
    assert_eq!(api.send("GET", &path, "text/plain", Vec::new(), Some(&partner)).await.status, StatusCode::NOT_FOUND);
}

async fn a_workbooks_error_report_names_rows_as_the_spreadsheet_does(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let start = |shown_rows: Value| {
        let skipped = json!([{"row": 2, "reasons": ["Email: not an email"]}, {"row": 4, "reasons": ["First name: missing"]}]);
        json!({"import": {"template": "clients", "file_name": "c.xlsx", "total_rows": 5, "skipped": skipped, "shown_rows": shown_rows}})
    };
    // The header on the sheet's row 4, a blank row after the third data row.
    let reply = api.json("start_import", start(json!([[1, 5], [4, 9]])), Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let id = reply.body["import_id"].as_str().unwrap().to_string();
    // A row the server refuses is named the same way.
    let rows = json!([{"row": 5, "values": ["Bad", null, "bad@", null, null]}]);
    assert_eq!(api.stage(&admin, &id, 0, rows).await.status, StatusCode::OK);
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &runner("r")).await.unwrap());
    let report = api.send("GET", &format!("/imports/{id}/errors.csv"), "text/plain", Vec::new(), Some(&admin)).await;
    let named: Vec<&str> =
        report.text.trim_start_matches('\u{feff}').lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(named, ["6", "9", "10"], "{}", report.text);

    // Pairs out of order, beyond the file or numbered 0 are refused.
    for bad in [json!([[3, 5], [2, 9]]), json!([[6, 5]]), json!([[1, 0]]), json!([[0, 4]])] {
        let reply = api.json("start_import", start(bad.clone()), Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {}", reply.text);
        assert!(reply.text.contains("shown row numbers"), "{}", reply.text);
    }
}

/// Two server processes on one PostgreSQL: two routers, each with its own
/// pool and its own runner, on the same schema. Jobs queued through one are
/// shared by both runners, each done exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_share_jobs() {
    let base =
        std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let admin_pool = match sqlx::PgPool::connect(&base).await {
        Ok(pool) => pool,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but PostgreSQL at {base} is not reachable: {e}");
            }
            eprintln!("NOTICE: PostgreSQL test skipped: {base} is not reachable ({e})");
            return;
        }
    };
    let schema = format!(
        "t2_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin_pool).await.unwrap();
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    let first = Api::new(csv_import::db::connect(&url).await.unwrap()).await;
    let second = Api::new(csv_import::db::connect(&url).await.unwrap()).await;

    let admin = first.login("admin@acme.test").await;
    let mut ids = Vec::new();
    for j in 0..6_u64 {
        // Alternate the process the browser talks to.
        let api = if j % 2 == 0 { &first } else { &second };
        let id = api.start(&admin, "clients", &format!("p{j}.csv"), 100, json!([])).await;
        for seq in 0..2_u32 {
            let reply = api.stage(&admin, &id, seq, clients(&format!("proc{j}"), u64::from(seq) * 50 + 1, 50)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        }
        assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
        ids.push(id);
    }
    let a = jobs::spawn(first.db.clone(), runner("process-a"));
    let b = jobs::spawn(second.db.clone(), runner("process-b"));
    let mut states = Vec::new();
    for _ in 0..300 {
        states.clear();
        for id in &ids {
            states.push(first.job(id).await);
        }
        if states.iter().all(|(s, _, _)| s == "done") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.abort();
    b.abort();
    for (state, attempts, claimed_by) in &states {
        assert_eq!((state.as_str(), *attempts), ("done", 1), "claimed once");
        assert!(matches!(claimed_by.as_deref(), Some("process-a" | "process-b")));
    }
    assert_eq!(first.count("clients", "acme").await, 3 + 600, "each record once");
    let distinct: i64 =
        on_pool!(second.db.pool, p => sqlx::query_scalar("SELECT COUNT(DISTINCT email) FROM clients").fetch_one(p).await).unwrap();
    assert_eq!(distinct, 3 + 600);
    drop((first, second));
    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin_pool).await;
}

async fn a_job_that_keeps_failing_is_marked_failed_and_notified(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let since = api.form("import_notifications", &[("since", "")], Some(&admin)).await.body["now"].as_str().unwrap().to_string();
    let id = api.start(&admin, "clients", "broken.csv", 4, json!([])).await;
    assert_eq!(api.stage(&admin, &id, 0, clients("ok", 1, 2)).await.status, StatusCode::OK);
    assert_eq!(api.stage(&admin, &id, 1, clients("ok", 3, 2)).await.status, StatusCode::OK);
    // The second batch is damaged in storage: every try stops there.
    on_pool!(api.db.pool, p => sqlx::query("UPDATE import_staged SET payload = 'not json' WHERE import_id = $1 AND seq = 1")
        .bind(id.clone())
        .execute(p)
        .await
        .map(drop))
        .unwrap();
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    let config = runner("r");
    for attempt in 1..=jobs::MAX_ATTEMPTS {
        assert!(jobs::run_once(&api.db, &config).await.unwrap());
        let (state, attempts, _) = api.job(&id).await;
        let expected = if attempt < jobs::MAX_ATTEMPTS { "queued" } else { "failed" };
        assert_eq!((state.as_str(), attempts), (expected, attempt), "after try {attempt}");
    }
    assert!(!jobs::run_once(&api.db, &config).await.unwrap(), "a failed job is not tried again");
    // The first batch was committed once, and stays.
    assert_eq!(api.count("clients", "acme").await, 5);
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    assert_eq!((summary.body["state"].clone(), summary.body["job"].clone()), (json!("cancelled"), json!("failed")));
    assert_eq!(summary.body["inserted"], 2);
    assert_eq!(summary.body["failure"]["cause"], "infrastructure", "{}", summary.text);
    let news = api.form("import_notifications", &[("since", &since)], Some(&admin)).await;
    assert_eq!(news.body["finished"][0]["job"], "failed", "{}", news.text);
    assert_eq!(news.body["finished"][0]["failure"], summary.body["failure"], "the notice says why");
}

async fn the_page_that_queued_an_import_waits_for_its_end(db: Db) {
    let api = Api::new(db).await;
    let staff = api.login("staff@acme.test").await;
    let globex = api.login("admin@globex.test").await;
    let import_id = api.start(&staff, "clients", "wait.csv", 2, json!([])).await;
    let wait = |id: &str, ms: &str, cookie: Option<&str>| {
        let pairs = [("import_id", id.to_string()), ("wait_ms", ms.to_string())];
        let cookie = cookie.map(str::to_string);
        let api = &api;
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api.form("wait_for_import", &pairs, cookie.as_deref()).await
        }
    };
    // Not queued yet: there is no job to wait for.
    let early = wait(&import_id, "100", Some(&staff)).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert_eq!(api.stage(&staff, &import_id, 0, clients("wait", 1, 2)).await.status, StatusCode::OK);
    assert_eq!(api.queue(&staff, &import_id).await.status, StatusCode::OK);

    // Checked like every function: the session, the workspace, the input.
    assert_eq!(wait(&import_id, "100", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wait(&import_id, "100", Some(&globex)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(wait("../etc", "100", Some(&staff)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(wait(&import_id, "soon", Some(&staff)).await.status, StatusCode::BAD_REQUEST);

    // No runner yet: still queued when the short wait is over.
    let queued = wait(&import_id, "100", Some(&staff)).await;
    assert_eq!((queued.status, queued.body.clone()), (StatusCode::OK, Value::Null), "{}", queued.text);

    // A long wait answers when a runner, started meanwhile, ends the job
    // (the wait's own limit is far off).
    let started = std::time::Instant::now();
    let idle = RunnerConfig { poll: Duration::from_secs(3600), ..runner("ends-it") };
    let (ended, handle) = tokio::join!(wait(&import_id, "20000", Some(&staff)), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        jobs::spawn(api.db.clone(), idle)
    });
    handle.abort();
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text);
    assert_eq!((ended.body["job"].clone(), ended.body["inserted"].clone()), (json!("done"), json!(2)), "{}", ended.text);
    assert!(started.elapsed() < jobs::MAX_WAIT, "answered at the end, not at the wait's limit");
    // Ended: answered at once however long the wait asked for; the limit
    // is the server's.
    let again = wait(&import_id, "4000000000", Some(&staff)).await;
    assert_eq!(again.body["id"], json!(import_id), "{}", again.text);
}

async fn the_job_commits_batches_while_the_page_sends_them(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let id = api.start(&admin, "clients", "stream.csv", 120, json!([])).await;
    let r = runner("r");
    assert!(!jobs::run_once(&api.db, &r).await.unwrap(), "nothing staged, nothing to run");
    for seq in 0..2_u32 {
        assert_eq!(api.stage(&admin, &id, seq, clients("s", u64::from(seq) * 30 + 1, 30)).await.status, StatusCode::OK);
    }
    // The staged batches are committed before the page has sent them all;
    // the job then goes back to the queue, the turn not counted as a try.
    assert!(jobs::run_once(&api.db, &r).await.unwrap(), "the job takes the staged batches");
    assert_eq!(api.count("clients", "acme").await, 3 + 60);
    assert_eq!(api.job(&id).await, ("queued".to_string(), 0, None));
    assert!(!jobs::run_once(&api.db, &r).await.unwrap(), "nothing to do until the next batch");
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["job"].clone(), b["inserted"].clone()), (json!("running"), json!("queued"), json!(60)));

    // A batch that comes before the one it follows (a retried request)
    // waits for it: batches are committed in the file's order.
    assert_eq!(api.stage(&admin, &id, 3, clients("s", 91, 30)).await.status, StatusCode::OK);
    assert!(!jobs::run_once(&api.db, &r).await.unwrap(), "batch 3 waits for batch 2");
    assert_eq!(api.count("clients", "acme").await, 3 + 60);
    assert_eq!(api.stage(&admin, &id, 2, clients("s", 61, 30)).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &r).await.unwrap());
    assert_eq!(api.count("clients", "acme").await, 3 + 120);
    let seqs: Vec<i64> = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT seq FROM import_batches WHERE import_id = $1 ORDER BY created_at, seq")
        .bind(id.clone())
        .fetch_all(p)
        .await)
        .unwrap();
    assert_eq!(seqs, vec![0, 1, 2, 3]);
    assert_eq!(api.form("get_import", &[("import_id", &id)], Some(&admin)).await.body["state"], "running", "not sealed yet");

    // Queued (sealed): the job ends the import; nothing is committed twice.
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &r).await.unwrap());
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["job"].clone(), b["inserted"].clone()), (json!("done"), json!("done"), json!(120)));
    assert_eq!(api.job(&id).await.1, 1, "one counted try: the last turn");
    let staged: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged").fetch_one(p).await).unwrap();
    assert_eq!(staged, 0);
    assert_eq!(api.stage(&admin, &id, 4, clients("s", 100, 1)).await.status, StatusCode::CONFLICT);
}

async fn an_import_cancelled_while_it_is_sent_keeps_what_its_job_committed(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let id = api.start(&admin, "clients", "cancel.csv", 60, json!([])).await;
    let r = runner("r");
    assert_eq!(api.stage(&admin, &id, 0, clients("c", 1, 30)).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &r).await.unwrap());
    assert_eq!(api.stage(&admin, &id, 1, clients("c", 31, 30)).await.status, StatusCode::OK);
    // The user stops the import while the second batch waits for the job.
    let cancelled = api.form("finish_import", &[("import_id", &id), ("cancelled", "true")], Some(&admin)).await;
    assert_eq!((cancelled.status, cancelled.body["state"].clone()), (StatusCode::OK, json!("cancelled")), "{}", cancelled.text);
    assert!(jobs::run_once(&api.db, &r).await.unwrap(), "the job, sealed by the cancel, is ended");
    assert!(!jobs::run_once(&api.db, &r).await.unwrap());
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["job"].clone(), b["inserted"].clone()), (json!("cancelled"), json!("done"), json!(30)));
    assert_eq!(api.count("clients", "acme").await, 3 + 30, "the committed batch stays, the staged one does not come in");
    let staged: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged").fetch_one(p).await).unwrap();
    assert_eq!(staged, 0);
    assert_eq!(api.stage(&admin, &id, 2, clients("c", 59, 1)).await.status, StatusCode::CONFLICT);
}

async fn the_batches_sent_ahead_of_the_job_are_committed_together(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let id = api.start(&admin, "clients", "ahead.csv", 150, json!([])).await;
    // Batches 0 to 2 in a row, 4 after a gap: the job takes the three.
    for seq in [0_u32, 1, 2, 4] {
        let rows = clients("a", u64::from(seq) * 30 + 1, 30);
        assert_eq!(api.stage(&admin, &id, seq, rows).await.status, StatusCode::OK);
    }
    let r = runner("r");
    assert!(jobs::run_once(&api.db, &r).await.unwrap());
    assert_eq!(api.count("clients", "acme").await, 3 + 90, "batch 4 waits for batch 3");
    let batches: Vec<(i64, i64, String)> = on_pool!(api.db.pool, p => sqlx::query_as(
        "SELECT seq, inserted, created_at FROM import_batches WHERE import_id = $1 ORDER BY seq",
    )
    .bind(id.clone())
    .fetch_all(p)
    .await)
    .unwrap();
    assert_eq!(batches.iter().map(|b| (b.0, b.1)).collect::<Vec<_>>(), vec![(0, 30), (1, 30), (2, 30)], "each batch's own counts");
    assert!(batches.iter().all(|b| b.2 == batches[0].2), "one commit time: {batches:?}");
    if api.db.backend() == csv_import::db::Backend::Postgres {
        // The transaction that wrote each batch's bookkeeping.
        let transactions: Vec<String> = on_pool!(api.db.pool, p => sqlx::query_scalar(
            "SELECT DISTINCT CAST(xmin AS TEXT) FROM import_batches WHERE import_id = $1",
        )
        .bind(id.clone())
        .fetch_all(p)
        .await)
        .unwrap();
        assert_eq!(transactions.len(), 1, "one transaction for the three batches: {transactions:?}");
    }
    assert_eq!(api.stage(&admin, &id, 3, clients("a", 91, 30)).await.status, StatusCode::OK);
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    assert!(jobs::run_once(&api.db, &r).await.unwrap());
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["inserted"].clone()), (json!("done"), json!(150)));
    assert_eq!(api.count("clients", "acme").await, 3 + 150);
}

/// SQLite has one writer: batches sent at once wait for this process's
/// turn at it, in order, without holding a connection meanwhile (more
/// batches wait than the pool has connections), and are all staged once
/// the turn is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_batches_sent_at_once_wait_for_the_writers_turn() {
    let (db, _dir) = common::sqlite().await;
    common::bounded(async move {
        let api = std::sync::Arc::new(Api::new(db).await);
        let admin = api.login("admin@acme.test").await;
        let id = api.start(&admin, "clients", "together.csv", 80, json!([])).await;
        let turn = api.db.write_turn().await;
        assert!(turn.is_some(), "SQLite's writer is taken in turn");
        let sent: Vec<_> = (0..8_u32)
            .map(|seq| {
                let (api, admin, id) = (api.clone(), admin.clone(), id.clone());
                tokio::spawn(async move { api.stage(&admin, &id, seq, clients("t", u64::from(seq) * 10 + 1, 10)).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sent.iter().all(|s| !s.is_finished()), "no batch is staged while another holds the writer");
        drop(turn);
        for s in sent {
            let reply = s.await.unwrap();
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        }
        let staged: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged WHERE import_id = $1")
            .bind(id.clone())
            .fetch_one(p)
            .await)
            .unwrap();
        assert_eq!(staged, 8);
        // The job's commit waits its turn the same way.
        assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
        let turn = api.db.write_turn().await;
        let job = {
            let api = api.clone();
            tokio::spawn(async move { jobs::run_once(&api.db, &runner("r")).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!job.is_finished(), "the job does not commit while another holds the writer");
        assert_eq!(api.count("clients", "acme").await, 3);
        drop(turn);
        assert!(job.await.unwrap().unwrap(), "the job ran");
        assert_eq!(api.count("clients", "acme").await, 3 + 80);
    })
    .await;
}

/// A background import its sender ends as done (the page stopped on an
/// error, out of order) keeps every batch the server acknowledged: its job
/// commits them, then ends it.
async fn an_import_ended_as_done_commits_every_staged_batch(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let id = api.start(&admin, "clients", "stopped.csv", 30, json!([])).await;
    // Batch 0 never came; 1 and 2 were acknowledged.
    assert_eq!(api.stage(&admin, &id, 1, clients("d", 11, 10)).await.status, StatusCode::OK);
    assert_eq!(api.stage(&admin, &id, 2, clients("d", 21, 10)).await.status, StatusCode::OK);
    let done = api.form("finish_import", &[("import_id", &id), ("cancelled", "false")], Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["state"], json!("running"), "the job ends it: {}", done.text);
    let r = runner("r");
    while jobs::run_once(&api.db, &r).await.unwrap() {}
    let summary = api.form("get_import", &[("import_id", &id)], Some(&admin)).await;
    let b = &summary.body;
    assert_eq!((b["state"].clone(), b["inserted"].clone()), (json!("done"), json!(20)), "{}", summary.text);
    assert_eq!(api.count("clients", "acme").await, 3 + 20);
    // Nothing more is taken once it is ended.
    assert_eq!(api.stage(&admin, &id, 0, clients("d", 1, 10)).await.status, StatusCode::CONFLICT);
}

/// A row is sent once: in a batch, or listed as skipped. The counts of an
/// import never pass its rows.
async fn each_row_is_sent_once_in_a_batch_or_as_skipped(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let commit = |id: String, seq: u32, rows: Value| {
        let api = &api;
        let admin = admin.clone();
        async move { api.json("commit_batch", json!({"batch": {"import_id": id, "seq": seq, "rows": rows}}), Some(&admin)).await }
    };
    // Listed as skipped at the start, then sent in a batch.
    let skipped = json!([{"row": 1, "reasons": ["bad"]}, {"row": 2, "reasons": ["bad"]}]);
    let id = api.start(&admin, "leads", "twice.csv", 3, skipped).await;
    let leads = |first: u64, n: u64| {
        Value::Array((first..first + n).map(|i| json!({"row": i, "values": ["L", "Ee", format!("twice{i}@example.com"), null, null, null, null]})).collect())
    };
    let both = commit(id.clone(), 0, leads(2, 2)).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST, "{}", both.text);
    assert!(both.text.contains("Row 2 was listed as skipped"), "{}", both.text);
    assert_eq!(commit(id.clone(), 0, leads(3, 1)).await.status, StatusCode::OK);
    // Sent in a batch, then listed as skipped: the file has 3 rows.
    let more = api.json("skip_rows", json!({"skips": {"import_id": id, "skipped": [{"row": 3, "reasons": ["x"]}]}}), Some(&admin)).await;
    assert_eq!(more.status, StatusCode::BAD_REQUEST, "{}", more.text);
    let done = api.form("finish_import", &[("import_id", &id), ("cancelled", "false")], Some(&admin)).await;
    let b = &done.body;
    assert_eq!((b["inserted"].clone(), b["skipped"].clone(), b["total_rows"].clone()), (json!(1), json!(2), json!(3)), "{}", done.text);

    // Batches first, then the same rows listed as skipped.
    let id = api.start(&admin, "leads", "later.csv", 2, json!([])).await;
    let rows = Value::Array((1..=2).map(|i| json!({"row": i, "values": ["L", "Ee", format!("later{i}@example.com"), null, null, null, null]})).collect());
    assert_eq!(commit(id.clone(), 0, rows).await.status, StatusCode::OK);
    let late = api.json("skip_rows", json!({"skips": {"import_id": id, "skipped": [{"row": 1, "reasons": ["x"]}, {"row": 2, "reasons": ["x"]}]}}), Some(&admin)).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "{}", late.text);
    let b = api.form("get_import", &[("import_id", &id)], Some(&admin)).await.body;
    assert_eq!((b["inserted"].clone(), b["skipped"].clone()), (json!(2), json!(0)));
}

/// A background import's batches are staged and committed by its job; a
/// request cannot commit one (it could take the seq of a staged batch,
/// which would then never be committed), nor stage after committing.
async fn staged_and_committed_batches_are_not_mixed(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let commit = |id: &str, seq: u32, rows: Value| {
        api.json("commit_batch", json!({"batch": {"import_id": id, "seq": seq, "rows": rows}}), Some(&admin))
    };
    let id = api.start(&admin, "clients", "mixed.csv", 20, json!([])).await;
    assert_eq!(api.stage(&admin, &id, 1, clients("m", 11, 10)).await.status, StatusCode::OK);
    let mixed = commit(&id, 1, clients("other", 11, 10)).await;
    assert_eq!(mixed.status, StatusCode::CONFLICT, "{}", mixed.text);
    let early = commit(&id, 0, clients("m", 1, 10)).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert_eq!(api.stage(&admin, &id, 0, clients("m", 1, 10)).await.status, StatusCode::OK);
    assert_eq!(api.queue(&admin, &id).await.status, StatusCode::OK);
    while jobs::run_once(&api.db, &runner("r")).await.unwrap() {}
    let b = api.form("get_import", &[("import_id", &id)], Some(&admin)).await.body;
    assert_eq!((b["state"].clone(), b["inserted"].clone()), (json!("done"), json!(20)));
    let theirs: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE email LIKE '%.m@example.com'").fetch_one(p).await).unwrap();
    assert_eq!(theirs, 20, "the acknowledged rows, not the ones a commit tried to put in their place");

    // Committed one at a time, then staged.
    let id = api.start(&admin, "clients", "mixed2.csv", 20, json!([])).await;
    assert_eq!(commit(&id, 0, clients("n", 1, 10)).await.status, StatusCode::OK);
    assert_eq!(api.stage(&admin, &id, 1, clients("n", 11, 10)).await.status, StatusCode::CONFLICT);
}
