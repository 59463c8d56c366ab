//! csv-import as a library inside an existing axum app: the example app
//! (`server/examples/existing_app.rs`, compiled in here as is) is started on
//! a real port, and an import is driven through HTTP with the portal's own
//! sign-in. Also the cross-origin rules of the standalone server: CORS for
//! the allow-list, 403 for other origins' state-changing requests.

#[macro_use]
mod common;

#[allow(dead_code)]
#[path = "../examples/existing_app.rs"]
mod existing_app;

use common::Site;
use csv_import::db::{on_pool, Db};
use csv_import::serve::SiteOptions;
use serde_json::{json, Value};
use std::collections::HashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both!(
    the_host_sign_in_decides_who_imports,
    the_hosts_own_table_gets_each_row_once,
    the_host_limits_templates_and_roles,
    the_embed_script_and_assets_are_served,
    other_origins_need_the_allow_list,
    the_public_origin_is_configured_not_read_from_host,
    allowed_origins_reach_the_importer_only,
    control_characters_in_paths_are_404,
);

/// An HTTP answer: status, headers (lowercase names), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A server on a free local port; stops when dropped.
struct Running {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(router: axum::Router) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    start_on(listener, router)
}

fn start_on(listener: tokio::net::TcpListener, router: axum::Router) -> Running {
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("serves");
    });
    Running { addr, task }
}

impl Running {
    /// One HTTP/1.1 request over a fresh connection.
    async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.expect("connects");
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let raw = String::from_utf8_lossy(&raw).to_string();
        let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        // A header sent more than once is kept as one list, as HTTP reads it.
        let mut headers = HashMap::<String, String>::new();
        for (name, value) in lines.filter_map(|l| l.split_once(':')) {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            headers.entry(name).and_modify(|v| *v = format!("{v}, {value}")).or_insert_with(|| value.to_string());
        }
        let chunked = headers.get("transfer-encoding").is_some_and(|v| v.contains("chunked"));
        let body = if chunked { dechunk(body) } else { body.to_string() };
        Answer { status, headers, body }
    }

    async fn form(&self, path: &str, body: &str, extra: &[(&str, &str)]) -> Answer {
        let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")];
        headers.extend_from_slice(extra);
        self.send("POST", path, &headers, body).await
    }

    async fn json(&self, path: &str, body: Value, extra: &[(&str, &str)]) -> Answer {
        let mut headers = vec![("Content-Type", "application/json"), ("Accept", "application/json")];
        headers.extend_from_slice(extra);
        self.send("POST", path, &headers, &body.to_string()).await
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

fn portal(db: Db) -> axum::Router {
    existing_app::app(db, "target/site".into())
}

const ALICE: (&str, &str) = ("Cookie", "portal_user=alice");
const VICTOR: (&str, &str) = ("Cookie", "portal_user=victor");

async fn the_host_sign_in_decides_who_imports(db: Db) {
    let server = start(portal(db.clone())).await;

    // Not signed in to the portal: csv-import says so, whatever its own cookies.
    let anonymous = server.form("/csv-import/api/get_template", "name=clients", &[]).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    // Alice, signed in by the portal, may import clients into her company.
    let access = server.form("/csv-import/api/get_template", "name=clients", &[ALICE]).await;
    assert_eq!(access.status, 200, "{}", access.body);
    assert_eq!(access.json()["may_import"], true);
    let me = server.form("/csv-import/api/current_user", "", &[ALICE]).await;
    assert_eq!(me.json()["email"], "alice@northwind.test");
    assert_eq!(me.json()["workspace"]["slug"], "northwind");

    let started = server
        .json(
            "/csv-import/api/start_import",
            json!({"import": {"template": "clients", "file_name": "people.csv", "total_rows": 3,
                "skipped": [{"row": 3, "reasons": ["email: \"nope\" is not an email address."]}]}}),
            &[ALICE],
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let import_id = started.json()["import_id"].as_str().unwrap().to_string();
    let batch = server
        .json(
            "/csv-import/api/commit_batch",
            json!({"batch": {"import_id": import_id, "seq": 0, "rows": [
                {"row": 1, "values": ["Ann", "Lee", "ann.lee@example.com", null, "Northwind"]},
                {"row": 2, "values": ["Bruno", "Díaz", "bruno.diaz@example.es", null, null]},
            ]}}),
            &[ALICE],
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.body);
    assert_eq!(batch.json()["inserted"], 2);
    let done =
        server.form("/csv-import/api/finish_import", &format!("import_id={import_id}&cancelled=false"), &[ALICE]).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!((done.json()["inserted"].clone(), done.json()["skipped"].clone()), (json!(2), json!(1)));
    assert_eq!(done.json()["user_email"], "alice@northwind.test");

    let stored: i64 = on_pool!(db.pool, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM clients c JOIN workspaces w ON w.id = c.workspace_id WHERE w.slug = 'northwind'",
    )
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!(stored, 2, "the rows are in the portal user's workspace");

    // The error report of the import, with the portal's sign-in.
    let report = server.send("GET", &format!("/csv-import/imports/{import_id}/errors.csv"), &[ALICE], "").await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.body.contains("is not an email address"), "{}", report.body);
    let report = server.send("GET", &format!("/csv-import/imports/{import_id}/errors.csv"), &[], "").await;
    assert_eq!(report.status, 401);

    // A user the portal signed in cannot sign in to csv-import by password.
    let login = server
        .form("/csv-import/api/login", "email=alice%40northwind.test&password=%21host", &[])
        .await;
    assert_eq!(login.status, 401, "{}", login.body);
}

/// The portal's contacts, `first..first + n`, as a batch's rows.
fn contacts(first: u64, n: u64, name: &str) -> Value {
    (first..first + n)
        .map(|i| json!({"row": i, "values": [format!("c{i}@northwind.test"), format!("{name} {i}"), null]}))
        .collect()
}

async fn the_hosts_own_table_gets_each_row_once(db: Db) {
    use app::backend::jobs::{self, RunnerConfig};
    existing_app::create_tables(&db).await.unwrap();
    let server = start(portal(db.clone())).await;
    let import = json!({"import": {"template": "contacts", "file_name": "contacts.csv", "total_rows": 4, "skipped": []}});
    let started = server.json("/csv-import/api/start_import", import, &[ALICE]).await;
    assert_eq!(started.status, 200, "{}", started.body);
    let id = started.json()["import_id"].as_str().unwrap().to_string();
    let stage = |seq: u32, rows: Value| {
        let server = &server;
        let body = json!({"batch": {"import_id": id, "seq": seq, "rows": rows}});
        async move { server.json("/csv-import/api/stage_batch", body, &[ALICE]).await }
    };
    // The second upload of batch 0 is a retry after a lost answer.
    for (seq, first) in [(0, 1), (0, 1), (1, 3)] {
        let staged = stage(seq, contacts(first, 2, "Contact")).await;
        assert_eq!(staged.status, 200, "{}", staged.body);
    }
    let queued = server.form("/csv-import/api/queue_import", &format!("import_id={id}"), &[ALICE]).await;
    assert_eq!(queued.status, 200, "{}", queued.body);

    // A runner commits the first batch (the commit path of commit_batch)
    // and its process dies; another takes the job over once it is silent.
    let dead = RunnerConfig { name: "dead".into(), poll: std::time::Duration::from_millis(20), stale: std::time::Duration::from_secs(30) };
    let claim = jobs::claim(&db, &dead).await.unwrap().expect("the job is claimed");
    let head = app::backend::imports::load(&db, &id, None).await.unwrap().unwrap();
    let template = app::backend::access::template(&head.template).unwrap();
    let rows: Vec<csv_import_core::Record> = serde_json::from_value(contacts(1, 2, "Contact")).unwrap();
    let first = app::backend::imports::commit_batches(&db, &head, &template, &[(0, &rows)], app::backend::imports::By::Job)
        .await
        .unwrap();
    assert_eq!(first[0].inserted, 2);
    on_pool!(db.pool, p => sqlx::query("UPDATE import_jobs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(claim.id)
        .execute(p)
        .await
        .map(drop))
        .unwrap();
    let live = RunnerConfig { name: "live".into(), ..dead.clone() };
    assert!(jobs::run_once(&db, &live).await.unwrap());

    let stored: Vec<(String, String)> =
        on_pool!(db.pool, p => sqlx::query_as("SELECT email, name FROM portal_contacts ORDER BY email").fetch_all(p).await).unwrap();
    let expected: Vec<(String, String)> =
        (1..=4).map(|i| (format!("c{i}@northwind.test"), format!("Contact {i}"))).collect();
    assert_eq!(stored, expected, "each row once, in the portal's own table");
    let summary = server.form("/csv-import/api/get_import", &format!("import_id={id}"), &[ALICE]).await;
    assert_eq!((summary.json()["state"].clone(), summary.json()["inserted"].clone()), (json!("done"), json!(4)), "{}", summary.body);

    // The destination's own answers: the same file with one name changed.
    let import = json!({"import": {"template": "contacts", "file_name": "contacts.csv", "total_rows": 2, "skipped": []}});
    let again = server.json("/csv-import/api/start_import", import, &[ALICE]).await;
    let again = again.json()["import_id"].as_str().unwrap().to_string();
    let mut rows = contacts(1, 2, "Contact");
    rows[1]["values"][1] = json!("Contact Two");
    let body = json!({"batch": {"import_id": again, "seq": 0, "rows": rows}});
    let answer = server.json("/csv-import/api/commit_batch", body, &[ALICE]).await;
    assert_eq!((answer.json()["unchanged"].clone(), answer.json()["updated"].clone()), (json!(1), json!(1)), "{}", answer.body);
    let count: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM portal_contacts").fetch_one(p).await).unwrap();
    assert_eq!(count, 4);
}

async fn the_host_limits_templates_and_roles(db: Db) {
    let server = start(portal(db)).await;
    // The portal allows clients and leads only, even to an admin.
    let companies = server.form("/csv-import/api/get_template", "name=companies", &[ALICE]).await;
    assert_eq!(companies.status, 200, "{}", companies.body);
    assert_eq!(companies.json()["may_import"], false);
    assert_eq!(companies.json()["reason"], "You may not import companies here. Ask an admin.");
    let refused = server
        .json(
            "/csv-import/api/start_import",
            json!({"import": {"template": "companies", "file_name": "c.csv", "total_rows": 1, "skipped": []}}),
            &[ALICE],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // Victor is a viewer in the portal: he may check a file, not import it.
    let access = server.form("/csv-import/api/get_template", "name=clients", &[VICTOR]).await;
    assert_eq!(access.json()["may_import"], false, "{}", access.body);
    let refused = server
        .json(
            "/csv-import/api/start_import",
            json!({"import": {"template": "clients", "file_name": "c.csv", "total_rows": 1, "skipped": []}}),
            &[VICTOR],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    // The portal's own pages are untouched by the mount.
    let home = server.send("GET", "/", &[ALICE], "").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<csv-import template=\"clients\""), "{}", home.body);
}

async fn the_embed_script_and_assets_are_served(db: Db) {
    let server = start(portal(db)).await;
    let script = server.send("GET", "/csv-import/embed.js", &[], "").await;
    assert_eq!(script.status, 200);
    assert!(script.headers["content-type"].starts_with("text/javascript"), "{:?}", script.headers);
    assert!(script.body.contains("customElements.define(\"csv-import\""), "defines the element");
    assert!(script.body.contains("csv-import:complete") && script.body.contains("csv-import:cancel"));
    let css = server.send("GET", "/csv-import/embed.css", &[], "").await;
    // The shadow root's own size and scheme (the palette is in the app's stylesheet).
    assert!(css.body.contains("--csv-import-font-size"), "sized from its own root: {}", css.body);
    assert!(css.body.contains(r#":host([theme="dark" i])"#), "a dark theme: {}", css.body);
    let sample = server.send("GET", "/csv-import/templates/clients/sample.csv", &[], "").await;
    assert_eq!(sample.status, 200);
    assert!(sample.body.starts_with("First Name,Last Name,Email"), "{}", sample.body);
    // The partner-leads sample follows the portal user's workspace's form.
    let form = json!({"fields": [
        {"label": "Email", "key": "email", "type": "email", "required": true},
        {"label": "Yearly budget", "key": "budget", "type": "number", "required": false},
    ]});
    let saved = server.json("/csv-import/api/save_lead_form", form, &[ALICE]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let own = server.send("GET", "/csv-import/templates/partner-leads/sample.csv", &[ALICE], "").await;
    assert_eq!(own.status, 200, "{}", own.body);
    let header = own.body.lines().next().unwrap_or_default();
    assert!(header.contains("Yearly budget") && header.contains("Partner ID"), "{header}");
    let anonymous = server.send("GET", "/csv-import/templates/partner-leads/sample.csv", &[], "").await;
    assert!(!anonymous.body.contains("Yearly budget"), "without a sign-in, the built-in form: {}", anonymous.body);
    // Nothing outside the site's pkg folder.
    let escape = server.send("GET", "/csv-import/pkg/..%2F..%2FCargo.toml", &[], "").await;
    assert_eq!(escape.status, 404);
}

async fn other_origins_need_the_allow_list(db: Db) {
    app::portal::backend::demo::seed(&db).await.expect("demo seed");
    let options = leptos::prelude::LeptosOptions::builder().output_name("csv-import").site_root("target/site").build();
    let partner = "http://partner.example.test";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let site = SiteOptions {
        demo: true,
        allowed_origins: vec![format!("{partner}/")],
        public_origin: Some(format!("http://{}", listener.local_addr().unwrap())),
        ..SiteOptions::default()
    };
    let server = start_on(listener, csv_import::serve::router_with(options, db, &site));

    let login = server.form("/api/login", "email=admin%40acme.test&password=demo-password", &[]).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let cookie = login.headers["set-cookie"].split(';').next().unwrap().to_string();
    let with_cookie = |origin: &'static str| [("Cookie", cookie.clone()), ("Origin", origin.to_string())];

    // The preflight of an allowed origin: credentials allowed, origin echoed.
    let preflight = server
        .send(
            "OPTIONS",
            "/csv-import/api/start_import",
            &[("Origin", partner), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")],
            "",
        )
        .await;
    assert_eq!(preflight.status, 204, "{}", preflight.body);
    assert_eq!(preflight.headers["access-control-allow-origin"], partner);
    assert_eq!(preflight.headers["access-control-allow-credentials"], "true");
    assert!(preflight.headers["access-control-allow-headers"].contains("content-type"));

    // A call from the allowed origin, with the user's session cookie.
    let headers = with_cookie("http://partner.example.test");
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let access = server.form("/csv-import/api/get_template", "name=clients", &headers).await;
    assert_eq!(access.status, 200, "{}", access.body);
    assert_eq!(access.json()["may_import"], true);
    assert_eq!(access.headers["access-control-allow-origin"], partner);

    // Another origin's page cannot make the user's browser change anything,
    // on the embed mount or on the app's own server functions.
    let headers = with_cookie("http://evil.example.test");
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for path in ["/csv-import/api/start_import", "/api/start_import"] {
        let forged = server
            .json(path, json!({"import": {"template": "clients", "file_name": "x.csv", "total_rows": 1, "skipped": []}}), &headers)
            .await;
        assert_eq!(forged.status, 403, "{path}: {}", forged.body);
        assert!(forged.body.contains("CSV_IMPORT_ALLOWED_ORIGINS"), "{}", forged.body);
        assert!(!forged.headers.contains_key("access-control-allow-origin"));
    }
    let preflight = server
        .send("OPTIONS", "/csv-import/api/start_import", &[("Origin", "http://evil.example.test"), ("Access-Control-Request-Method", "POST")], "")
        .await;
    assert_eq!(preflight.status, 403);
    // Reading is not changing, but the browser gets no CORS headers to read it with.
    let script = server.send("GET", "/csv-import/embed.js", &[("Origin", "http://evil.example.test")], "").await;
    assert_eq!(script.status, 200);
    assert!(!script.headers.contains_key("access-control-allow-origin"));
    let script = server.send("GET", "/csv-import/embed.js", &[("Origin", partner)], "").await;
    assert_eq!(script.headers["access-control-allow-origin"], partner);
    // Each answer says once that it depends on the Origin, with CORS headers
    // or without: a shared cache keeps one answer per origin.
    for origin in [Some(partner), Some("http://evil.example.test"), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("Origin", o)).into_iter().collect();
        let script = server.send("GET", "/csv-import/embed.js", &headers, "").await;
        assert_eq!(script.headers.get("vary").map(String::as_str), Some("Origin"), "{origin:?}");
    }

    // The server's own pages (same origin) work as before.
    let own = format!("http://{}", server.addr);
    let headers = [("Cookie", cookie.as_str()), ("Origin", own.as_str())];
    let started = server
        .json("/api/start_import", json!({"import": {"template": "clients", "file_name": "x.csv", "total_rows": 1, "skipped": []}}), &headers)
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
}

/// A state-changing call (`logout`: it needs no session and changes
/// nothing without one) from `origin`, with these headers too.
async fn logout_from(site: &Site, headers: &[(&str, &str)]) -> u16 {
    site.send_with("POST", "/api/logout", "application/x-www-form-urlencoded", String::new(), headers).await.status.as_u16()
}

async fn the_public_origin_is_configured_not_read_from_host(db: Db) {
    // By default, the listen address (the Leptos default, 127.0.0.1:3000),
    // as 127.0.0.1 or localhost.
    let site = Site::new(db.clone()).await;
    assert_eq!(logout_from(&site, &[("origin", "http://127.0.0.1:3000")]).await, 200);
    assert_eq!(logout_from(&site, &[("origin", "http://localhost:3000")]).await, 200);
    assert_eq!(logout_from(&site, &[("origin", "http://127.0.0.1:3001")]).await, 403);
    assert_eq!(logout_from(&site, &[("origin", "https://127.0.0.1:3000")]).await, 403);
    // A page whose name resolves to the server names itself in Host too.
    let rebound = [("origin", "http://rebind.example.test:3000"), ("host", "rebind.example.test:3000")];
    assert_eq!(logout_from(&site, &rebound).await, 403);
    // Without Origin: refused when the browser says another site sent it.
    assert_eq!(logout_from(&site, &[("sec-fetch-site", "cross-site")]).await, 403);
    assert_eq!(logout_from(&site, &[("sec-fetch-site", "same-origin")]).await, 200);
    assert_eq!(logout_from(&site, &[]).await, 200);
    let read = site.send_with("GET", "/healthz", "text/plain", String::new(), &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(read.status, 200, "reading is not changing");

    // Configured: that origin (its default port or not), and no other.
    let options = SiteOptions { demo: true, public_origin: Some("https://Imports.Example.com/".into()), ..SiteOptions::default() };
    let site = Site::with(db, options).await;
    assert_eq!(logout_from(&site, &[("origin", "https://imports.example.com")]).await, 200);
    assert_eq!(logout_from(&site, &[("origin", "https://imports.example.com:443")]).await, 200);
    assert_eq!(logout_from(&site, &[("origin", "http://imports.example.com")]).await, 403);
    assert_eq!(logout_from(&site, &[("origin", "http://127.0.0.1:3000")]).await, 403);
    let own_host = [("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")];
    assert_eq!(logout_from(&site, &own_host).await, 403);
}

async fn allowed_origins_reach_the_importer_only(db: Db) {
    let partner = "https://partner.example.test";
    let options = SiteOptions { demo: true, allowed_origins: vec![partner.to_string()], ..SiteOptions::default() };
    let site = Site::with(db, options).await;
    let cookie = site.sign_in("admin@acme.test").await;
    let call = |path: String, body: &'static str| {
        let (site, cookie) = (site.clone(), cookie.clone());
        async move {
            let headers = [("origin", partner), ("cookie", cookie.as_str())];
            site.send_with("POST", &path, "application/x-www-form-urlencoded", body.to_string(), &headers).await
        }
    };
    // The importer's endpoints answer the allowed origin (whatever the answer).
    for name in csv_import::embed::IMPORTER_FUNCTIONS {
        for prefix in ["", "/csv-import"] {
            let answer = call(format!("{prefix}/api/{name}"), "").await;
            assert_ne!(answer.status, 403, "{prefix}/api/{name}: {}", answer.text);
            assert_eq!(answer.headers["access-control-allow-origin"], partner, "{prefix}/api/{name}");
        }
    }
    let template = call("/csv-import/api/get_template".into(), "name=clients").await;
    assert_eq!((template.status.as_u16(), template.body["may_import"].clone()), (200, json!(true)), "{}", template.text);
    // The portal's are not the importer's: refused, on both mounts.
    for name in [
        "list_records",
        "list_imports",
        "list_client_accounts",
        "list_crm_clients",
        "list_partner_leads",
        "list_coaching",
        "add_tag",
        "delete_tag",
        "save_lead_form",
        "review_lead",
        "login",
        "logout",
        "client_login",
        "demo_accounts",
    ] {
        for prefix in ["", "/csv-import"] {
            let answer = call(format!("{prefix}/api/{name}"), "").await;
            assert_eq!(answer.status, 403, "{prefix}/api/{name}: {}", answer.text);
            assert!(answer.text.contains("may use the importer's endpoints only"), "{}", answer.text);
            assert!(!answer.headers.contains_key("access-control-allow-origin"));
        }
    }
    // Downloads: the importer's files are shared with the page, the CRM export is not.
    let get = |path: &'static str| {
        let (site, cookie) = (site.clone(), cookie.clone());
        async move { site.send_with("GET", path, "text/plain", String::new(), &[("origin", partner), ("cookie", &cookie)]).await }
    };
    let sample = get("/csv-import/templates/clients/sample.csv").await;
    assert_eq!(sample.headers["access-control-allow-origin"], partner);
    let export = get("/crm/export.csv").await;
    assert_eq!(export.status, 200, "the server answers; the browser keeps it from the page");
    assert!(!export.headers.contains_key("access-control-allow-origin"));
}

async fn control_characters_in_paths_are_404(db: Db) {
    let site = Site::new(db).await;
    let cookie = site.sign_in("admin@acme.test").await;
    let get = |path: String| {
        let (site, cookie) = (site.clone(), cookie.clone());
        async move { site.send("GET", &path, "text/plain", String::new(), Some(&cookie)).await }
    };
    // An import with a skipped row, for its error report.
    let started = site
        .json(
            "start_import",
            json!({"import": {"template": "clients", "file_name": "x.csv", "total_rows": 1,
                "skipped": [{"row": 1, "reasons": ["email: missing"]}]}}),
            &cookie,
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.text);
    let id = started.body["import_id"].as_str().unwrap().to_string();
    let finished = site.form("finish_import", &format!("import_id={id}&cancelled=false"), Some(&cookie)).await;
    assert_eq!(finished.status, 200, "{}", finished.text);

    for prefix in ["", "/csv-import"] {
        let sample = get(format!("{prefix}/templates/clients/sample.csv")).await;
        assert_eq!(sample.status, 200, "{}", sample.text);
        assert_eq!(sample.headers["content-disposition"], "attachment; filename=\"clients-sample.csv\"");
        let report = get(format!("{prefix}/imports/{id}/errors.csv")).await;
        assert_eq!(report.status, 200, "{}", report.text);
        assert_eq!(report.headers["content-disposition"], format!("attachment; filename=\"import-{id}-errors.csv\""));
        for path in [
            format!("{prefix}/templates/clients%0a/sample.csv"),
            format!("{prefix}/templates/clients%0d%0aSet-Cookie:%20x=y/sample.csv"),
            format!("{prefix}/templates/%00/sample.csv"),
            format!("{prefix}/templates/%20clients/sample.csv"),
            format!("{prefix}/imports/%0a/errors.csv"),
            format!("{prefix}/imports/{id}%0a/errors.csv"),
            format!("{prefix}/imports/%20{id}/errors.csv"),
        ] {
            let answer = get(path.clone()).await;
            assert_eq!(answer.status, 404, "{path}: {}", answer.text);
            assert!(!answer.headers.contains_key("content-disposition"), "{path}");
            assert!(!answer.text.contains('\n'), "{path}: {:?}", answer.text);
        }
    }
    for path in ["/crm/export.csv%0a", "/crm/export%0a.csv", "/crm%0a/export.csv"] {
        assert_eq!(get(path.to_string()).await.status, 404, "{path}");
    }
}

/// `GET /csv-import/template.schema.json` describes every key the server's
/// own templates use, and refuses others (as the reader does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_format_has_a_json_schema() {
    let (db, _dir) = common::sqlite().await;
    let server = start(portal(db)).await;
    let answer = server.send("GET", "/csv-import/template.schema.json", &[], "").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.headers["content-type"].starts_with("application/schema+json"), "{:?}", answer.headers);
    let schema = answer.json();
    assert_eq!(schema["title"], "csv-import template");
    assert!(schema["$schema"].as_str().is_some_and(|s| s.contains("json-schema.org")), "{schema}");
    assert_eq!(schema["additionalProperties"], false, "unknown keys are refused, as the reader does");
    let field = &schema["$defs"]["Field"];
    assert_eq!(field["additionalProperties"], false);
    for key in ["name", "label", "fields", "key", "destination", "existing", "webhook", "background", "sample"] {
        assert!(schema["properties"].get(key).is_some(), "{key} is described");
    }
    assert!(schema["properties"]["fields"]["description"].as_str().is_some_and(|d| !d.is_empty()), "with its documentation");
    let types = serde_json::to_string(&schema["$defs"]["FieldType"]).unwrap();
    for kind in ["\"text\"", "\"email\"", "\"date\"", "\"enum\"", "\"password\""] {
        assert!(types.contains(kind), "{kind} in {types}");
    }
    // Every key of every template the server offers is in the schema.
    for template in app::backend::templates::all() {
        let value = serde_json::to_value(&template).unwrap();
        for key in value.as_object().unwrap().keys() {
            assert!(schema["properties"].get(key).is_some(), "{}: {key} is not in the schema", template.name);
        }
        for f in value["fields"].as_array().unwrap() {
            for key in f.as_object().unwrap().keys() {
                assert!(field["properties"].get(key).is_some(), "{}: fields.{key} is not in the schema", template.name);
            }
        }
    }
}
