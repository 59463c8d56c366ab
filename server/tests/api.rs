//! The server functions over HTTP, as a browser calls them: the real axum
//! router, real requests (`POST /api/<name>`, form-urlencoded or JSON), real
//! cookies, against a real SQLite file and the real PostgreSQL. Every
//! scenario runs on both (`<scenario>::sqlite`, `<scenario>::postgres`).

#[macro_use]
mod common;

use axum::body::Body;
use common::Site;
use axum::http::{header, HeaderMap, Request, StatusCode};
use csv_import::db::{on_pool, Db};
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
use tower::ServiceExt;

on_both!(
    login_sets_a_session_cookie,
    repeated_failed_sign_ins_are_refused_for_a_while,
    wrong_password_or_unknown_email_is_401,
    no_cookie_is_401,
    logout_ends_the_session,
    viewer_may_not_import,
    staff_may_import_clients_not_companies,
    import_inserts_then_unchanged_then_updated,
    tampered_rows_are_skipped_not_committed,
    another_workspaces_import_is_404,
    a_batch_sent_twice_is_applied_once,
    malformed_requests_are_4xx,
    get_import_lists_browser_and_server_skips,
    a_long_list_of_skipped_rows_goes_in_parts,
    finished_imports_take_no_more_batches,
    records_are_searched_and_paged_per_workspace,
    demo_seed_is_idempotent,
    concurrent_wrong_passwords_are_counted_before_they_are_checked,
    an_address_is_refused_after_its_failures_across_emails,
    forwarded_addresses_count_only_when_trusted,
    a_burst_of_unknown_emails_verifies_a_few_at_a_time,
    control_characters_in_sign_in_fields_are_400,
    a_new_password_ends_the_sessions,
    remembered_mappings_are_kept_per_workspace_and_cleared_by_admins,
);

/// The app's router on `db`, with the demo data seeded.
struct Api {
    router: axum::Router,
    db: Db,
}

/// A response: status, headers, and the body as JSON (`Null` if it is not).
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    body: Value,
}

impl Reply {
    /// The `error` kind and `message` of an `AppError` body.
    fn error(&self) -> (&str, &str) {
        (self.body["error"].as_str().unwrap_or(""), self.body["message"].as_str().unwrap_or(""))
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

impl Api {
    async fn new(db: Db) -> Api {
        app::portal::backend::demo::seed(&db).await.expect("demo seed");
        Api::without_seed(db, true)
    }

    fn without_seed(db: Db, demo: bool) -> Api {
        let options = LeptosOptions::builder().output_name("csv-import").site_root("target/site").build();
        Api { router: csv_import::serve::router(options, db.clone(), demo), db }
    }

    /// A POST as a browser's `fetch` sends it, Content-Length included.
    async fn request(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>, cookie: Option<&str>) -> Reply {
        let body: Vec<u8> = body.into();
        let mut request = Request::builder()
            .method("POST")
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

    /// A form-urlencoded call, as `ActionForm` and the default encoding send it.
    async fn form(&self, name: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.request(&format!("/api/{name}"), "application/x-www-form-urlencoded", form_encode(pairs), cookie).await
    }

    /// A JSON call (`start_import`, `commit_batch`).
    async fn json(&self, name: &str, body: Value, cookie: Option<&str>) -> Reply {
        self.request(&format!("/api/{name}"), "application/json", body.to_string(), cookie).await
    }

    /// Sign in with the demo password; the `Cookie` header value to send.
    async fn login(&self, email: &str) -> String {
        let reply = self.form("login", &[("email", email), ("password", "demo-password")], None).await;
        assert_eq!(reply.status, StatusCode::OK, "{email} signs in: {}", reply.text);
        let set_cookie = reply.headers.get(header::SET_COOKIE).expect("Set-Cookie").to_str().unwrap();
        set_cookie.split(';').next().unwrap().to_string()
    }

    /// Start an import; its id. Panics unless it is a 200.
    async fn start(&self, cookie: &str, template: &str, total_rows: u64, skipped: Value) -> String {
        let reply = self
            .json(
                "start_import",
                json!({"import": {"template": template, "file_name": "people.csv", "total_rows": total_rows, "skipped": skipped}}),
                Some(cookie),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "start_import: {}", reply.text);
        // The records destination takes 5,000 rows a batch, within 4 MiB of JSON.
        assert_eq!((reply.body["max_batch_rows"].clone(), reply.body["max_batch_bytes"].clone()), (json!(5000), json!(4194304)));
        reply.body["import_id"].as_str().unwrap().to_string()
    }

    async fn batch(&self, cookie: &str, import_id: &str, seq: u32, rows: Value) -> Reply {
        self.json("commit_batch", json!({"batch": {"import_id": import_id, "seq": seq, "rows": rows}}), Some(cookie))
            .await
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
}

/// Three valid client rows (first_name, last_name, email, phone, company).
fn three_clients() -> Value {
    json!([
        {"row": 1, "values": ["Ann", "Lee", "ann.lee@example.com", "+1 415 555 0101", "Northwind"]},
        {"row": 2, "values": ["Bruno", "Díaz", "bruno.diaz@example.es", "+34 912 345 678", "Contoso Ibérica"]},
        {"row": 3, "values": ["Chloé", "Martin", "chloe.martin@example.fr", null, null]},
    ])
}

fn counts(reply: &Reply) -> (u64, u64, u64, usize, bool) {
    let b = &reply.body;
    (
        b["inserted"].as_u64().unwrap(),
        b["updated"].as_u64().unwrap(),
        b["unchanged"].as_u64().unwrap(),
        b["skipped"].as_array().unwrap().len(),
        b["already_applied"].as_bool().unwrap(),
    )
}

async fn login_sets_a_session_cookie(db: Db) {
    let api = Api::new(db).await;
    let reply = api.form("login", &[("email", " Admin@Acme.test "), ("password", "demo-password")], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["email"], "admin@acme.test");
    assert_eq!(reply.body["role"], "admin");
    assert_eq!(reply.body["workspace"]["slug"], "acme");
    let set_cookie = reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(set_cookie.contains(part), "{set_cookie} has {part}");
    }
    assert!(!set_cookie.contains("Secure"), "no Secure flag unless CSV_IMPORT_SECURE_COOKIES=1");
    let token = set_cookie.split(';').next().unwrap().strip_prefix("csv_import_session=").unwrap();
    assert_eq!(token.len(), 64);

    // Only the token's hash is stored.
    let ids: Vec<String> = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT id FROM sessions").fetch_all(p).await).unwrap();
    assert_eq!(ids, vec![app::backend::sha256_hex(token)]);

    let cookie = format!("csv_import_session={token}");
    let me = api.form("current_user", &[], Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["email"], "admin@acme.test");

    // The Globex admin lands in Globex.
    let globex = api.form("login", &[("email", "admin@globex.test"), ("password", "demo-password")], None).await;
    assert_eq!(globex.body["workspace"]["slug"], "globex");
}

async fn wrong_password_or_unknown_email_is_401(db: Db) {
    let api = Api::new(db).await;
    for (email, password) in [("admin@acme.test", "wrong-password"), ("nobody@acme.test", "demo-password"), ("", "")] {
        let reply = api.form("login", &[("email", email), ("password", password)], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{email}: {}", reply.text);
        assert_eq!(reply.error(), ("unauthenticated", "Email or password is wrong."));
        assert!(reply.headers.get(header::SET_COOKIE).is_none());
    }
    let count: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(p).await).unwrap();
    assert_eq!(count, 0);
}

async fn repeated_failed_sign_ins_are_refused_for_a_while(db: Db) {
    let api = Api::new(db).await;
    // An email of its own: the count is kept per server process, per email.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let email = format!("guess-{nanos}@acme.test");
    for attempt in 1..=10 {
        let reply = api.form("login", &[("email", &email), ("password", "guess")], None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}: {}", reply.text);
    }
    let refused = api.form("login", &[("email", &email), ("password", "guess")], None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text);
    assert_eq!(refused.error().0, "too_many_requests");
    assert!(refused.error().1.starts_with("Too many failed sign-ins for this email. Wait 15 minutes"), "{}", refused.text);
    // Other emails sign in as before.
    let admin = api.form("login", &[("email", "admin@acme.test"), ("password", "demo-password")], None).await;
    assert_eq!(admin.status, StatusCode::OK, "{}", admin.text);
}

async fn no_cookie_is_401(db: Db) {
    let api = Api::new(db).await;
    let forged = format!("csv_import_session={}", "ab".repeat(32));
    for cookie in [None, Some("csv_import_session=garbage"), Some(forged.as_str())] {
        for (name, pairs) in [
            ("get_template", vec![("name", "clients")]),
            ("list_records", vec![("entity", "clients"), ("search", ""), ("page", "0")]),
            ("list_imports", vec![]),
            ("get_import", vec![("import_id", "0123456789abcdef0123456789abcdef")]),
            ("finish_import", vec![("import_id", "0123456789abcdef0123456789abcdef"), ("cancelled", "true")]),
        ] {
            let reply = api.form(name, &pairs, cookie).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{name} {cookie:?}: {}", reply.text);
            assert_eq!(reply.error().0, "unauthenticated");
        }
        let reply = api
            .json(
                "start_import",
                json!({"import": {"template": "clients", "file_name": "a.csv", "total_rows": 1, "skipped": []}}),
                cookie,
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
        let reply = api.batch(cookie.unwrap_or(""), "0123456789abcdef0123456789abcdef", 0, three_clients()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
        // Not signed in is an answer, not an error.
        let me = api.form("current_user", &[], cookie).await;
        assert_eq!((me.status, me.body.clone()), (StatusCode::OK, Value::Null));
    }
    assert_eq!(api.count("clients", "acme").await, 3, "only the seeded clients");
}

async fn logout_ends_the_session(db: Db) {
    let api = Api::new(db).await;
    let cookie = api.login("staff@acme.test").await;
    let out = api.form("logout", &[], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.text);
    let cleared = out.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.starts_with("csv_import_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie no longer works, even if the browser kept it.
    let reply = api.form("list_imports", &[], Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

async fn viewer_may_not_import(db: Db) {
    let api = Api::new(db).await;
    let viewer = api.login("viewer@acme.test").await;
    let access = api.form("get_template", &[("name", "clients")], Some(&viewer)).await;
    assert_eq!(access.status, StatusCode::OK, "{}", access.text);
    assert_eq!(access.body["may_import"], false);
    assert_eq!(access.body["reason"], "Your role (viewer) may not import clients. Ask an admin.");
    assert_eq!(access.body["template"]["name"], "clients");
    // The modal asks in its own language.
    let french = api.form("get_template", &[("name", "clients"), ("lang", "fr")], Some(&viewer)).await;
    assert_eq!(french.body["reason"], "Votre rôle (viewer) ne permet pas d’importer « clients ». Demandez à un administrateur.");

    let reply = api
        .json(
            "start_import",
            json!({"import": {"template": "clients", "file_name": "a.csv", "total_rows": 3, "skipped": []}}),
            Some(&viewer),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert_eq!(reply.error(), ("forbidden", "Your role (viewer) may not import clients. Ask an admin."));

    // Nor may a viewer send rows into an import an admin started.
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "clients", 3, json!([])).await;
    let reply = api.batch(&viewer, &import_id, 0, three_clients()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert_eq!(api.count("clients", "acme").await, 3, "nothing committed");
    // But a viewer may look at the history.
    let list = api.form("list_imports", &[], Some(&viewer)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.as_array().unwrap().len(), 1);
}

async fn staff_may_import_clients_not_companies(db: Db) {
    let api = Api::new(db).await;
    let staff = api.login("staff@acme.test").await;
    let access = api.form("get_template", &[("name", "companies")], Some(&staff)).await;
    assert_eq!(access.body["may_import"], false);
    assert_eq!(access.body["reason"], "Your role (staff) may not import companies. Ask an admin.");
    let access = api.form("get_template", &[("name", "leads")], Some(&staff)).await;
    assert_eq!((access.body["may_import"].clone(), access.body["reason"].clone()), (json!(true), Value::Null));

    let import_id = api.start(&staff, "clients", 3, json!([])).await;
    let reply = api.batch(&staff, &import_id, 0, three_clients()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(counts(&reply), (3, 0, 0, 0, false));

    let reply = api
        .json(
            "start_import",
            json!({"import": {"template": "companies", "file_name": "c.csv", "total_rows": 1, "skipped": []}}),
            Some(&staff),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);

    // A staff member may not slip company rows into an admin's companies import.
    let admin = api.login("admin@acme.test").await;
    let companies = api.start(&admin, "companies", 1, json!([])).await;
    let row = json!([{"row": 1, "values": ["Initech", null, null, null, null, null, null]}]);
    let reply = api.batch(&staff, &companies, 0, row.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert_eq!(api.count("companies", "acme").await, 2, "only the seeded companies");
    let reply = api.batch(&admin, &companies, 0, row).await;
    assert_eq!(counts(&reply), (1, 0, 0, 0, false));

    // Unknown templates are a 404; every built-in template is stored (partner
    // leads too: server/tests/partners.rs), and a staff member
    // may not import partner leads.
    let reply = api.form("get_template", &[("name", "nope")], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let access = api.form("get_template", &[("name", "partner-leads")], Some(&admin)).await;
    assert_eq!(access.body["may_import"], true, "{}", access.text);
    let reply = api
        .json(
            "start_import",
            json!({"import": {"template": "partner-leads", "file_name": "c.csv", "total_rows": 1, "skipped": []}}),
            Some(&staff),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
}

async fn import_inserts_then_unchanged_then_updated(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let first = api.start(&admin, "clients", 3, json!([])).await;
    let reply = api.batch(&admin, &first, 0, three_clients()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(counts(&reply), (3, 0, 0, 0, false));
    let done = api.form("finish_import", &[("import_id", &first), ("cancelled", "false")], Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["state"], "done");
    assert_eq!((done.body["inserted"].clone(), done.body["total_rows"].clone()), (json!(3), json!(3)));
    assert!(done.body["finished_at"].is_string());
    assert_eq!(api.count("clients", "acme").await, 6);

    // The same rows again, in a new import: nothing changes.
    let second = api.start(&admin, "clients", 3, json!([])).await;
    let reply = api.batch(&admin, &second, 0, three_clients()).await;
    assert_eq!(counts(&reply), (0, 0, 3, 0, false));

    // One phone changed; the email (the key) matches whatever its case.
    let third = api.start(&admin, "clients", 4, json!([])).await;
    let mut rows = three_clients();
    rows[0]["values"][3] = json!("+1 415 555 0199");
    rows[0]["values"][2] = json!("ANN.LEE@EXAMPLE.COM");
    let reply = api.batch(&admin, &third, 0, rows).await;
    assert_eq!(counts(&reply), (0, 1, 2, 0, false));
    assert_eq!(api.count("clients", "acme").await, 6, "updated, not inserted");
    let phone: Option<String> = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT phone FROM clients WHERE email = 'ann.lee@example.com'")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(phone.as_deref(), Some("+1 415 555 0199"));
    // Rows without a key value are inserted.
    let reply = api.batch(&admin, &third, 1, json!([{"row": 4, "values": ["Dora", null, null, null, null]}])).await;
    assert_eq!(counts(&reply), (1, 0, 0, 0, false));

    let list = api.form("list_imports", &[], Some(&admin)).await;
    let ids: Vec<&str> = list.body.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![third.as_str(), second.as_str(), first.as_str()], "newest first");
    assert_eq!(list.body[0]["user_email"], "admin@acme.test");
    assert_eq!(list.body[0]["updated"], 1);
    assert_eq!(list.body[0]["state"], "running");
}

async fn tampered_rows_are_skipped_not_committed(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "leads", 7, json!([])).await;
    let rows = json!([
        // Claimed valid by a tampering client, but not.
        {"row": 1, "values": ["Eve", "Hacker", "not-an-email", null, null, null, "new"]},
        {"row": 2, "values": ["=HYPERLINK(\"http://x\")", null, "eve@example.com", null, null, null, "new"]},
        {"row": 3, "values": ["Too", "Few", "few@example.com"]},
        {"row": 4, "values": [null, "Nofirst", "nofirst@example.com", null, null, null, "new"]},
        {"row": 5, "values": ["Stat", "Us", "status@example.com", null, null, null, "sleeping"]},
        // Valid, and normalised again by the server: lowercased email, default status.
        {"row": 6, "values": ["Val", "Id", "Val.Id@Example.COM", null, null, null, null]},
        // A second row with the same email within the batch.
        {"row": 7, "values": ["Val", "Again", "val.id@example.com", null, null, null, "new"]},
    ]);
    let reply = api.batch(&admin, &import_id, 0, rows).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(counts(&reply), (1, 0, 0, 6, false));
    let skipped = reply.body["skipped"].as_array().unwrap();
    let reasons = |row: u64| -> String {
        skipped.iter().find(|s| s["row"] == row).map(|s| s["reasons"].to_string()).unwrap_or_default()
    };
    assert!(reasons(1).contains("Email: ") && reasons(1).contains("not-an-email"), "{}", reasons(1));
    assert!(reasons(2).contains("formula"), "{}", reasons(2));
    assert!(reasons(3).contains("Malformed row"), "{}", reasons(3));
    assert!(reasons(4).contains("First Name is required"), "{}", reasons(4));
    assert!(reasons(5).contains("Status: "), "{}", reasons(5));
    assert!(reasons(7).contains("Same Email as row 6"), "{}", reasons(7));
    assert_eq!(api.count("leads", "acme").await, 3, "two seeded leads and the one valid row");
    let stored: (String, Option<String>) =
        on_pool!(api.db.pool, p => sqlx::query_as("SELECT email, status FROM leads WHERE first_name = 'Val'").fetch_one(p).await).unwrap();
    assert_eq!(stored, ("val.id@example.com".to_string(), Some("new".to_string())));
    let evil: i64 = on_pool!(api.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE email IN ('not-an-email', 'eve@example.com')")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(evil, 0);

    // More than 5,000 rows is refused as a whole.
    let many: Vec<Value> =
        (1..=5001).map(|i| json!({"row": i, "values": ["A", null, format!("a{i}@example.com"), null, null, null, "new"]})).collect();
    let reply = api.batch(&admin, &import_id, 1, Value::Array(many)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(api.count("leads", "acme").await, 3);
}

async fn another_workspaces_import_is_404(db: Db) {
    let api = Api::new(db).await;
    let globex = api.login("admin@globex.test").await;
    let acme = api.login("admin@acme.test").await;
    let globex_import = api.start(&globex, "clients", 4, json!([{"row": 4, "reasons": ["Email: bad"]}])).await;

    let reply = api.batch(&acme, &globex_import, 0, three_clients()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    assert_eq!(reply.error().0, "not_found");
    for name in ["get_import", "finish_import"] {
        let reply = api.form(name, &[("import_id", &globex_import), ("cancelled", "true")], Some(&acme)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{name}: {}", reply.text);
    }
    assert_eq!(api.count("clients", "acme").await, 3);
    assert_eq!(api.count("clients", "globex").await, 0);
    let list = api.form("list_imports", &[], Some(&acme)).await;
    assert_eq!(list.body, json!([]), "Globex's import is not in Acme's history");

    // The owner's batch still works, and lands in Globex only.
    let reply = api.batch(&globex, &globex_import, 0, three_clients()).await;
    assert_eq!(counts(&reply), (3, 0, 0, 0, false));
    assert_eq!(api.count("clients", "globex").await, 3);
    assert_eq!(api.count("clients", "acme").await, 3);
    // Acme's records page does not show them.
    let page = api.form("list_records", &[("entity", "clients"), ("search", "ann.lee"), ("page", "0")], Some(&acme)).await;
    assert_eq!(page.body["total"], 0, "{}", page.text);
}

async fn a_batch_sent_twice_is_applied_once(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "clients", 5, json!([])).await;
    let mut rows = three_clients();
    rows.as_array_mut().unwrap().push(json!({"row": 4, "values": ["Bad", null, "bad@", null, null]}));
    let first = api.batch(&admin, &import_id, 0, rows.clone()).await;
    assert_eq!(counts(&first), (3, 0, 0, 1, false));
    let again = api.batch(&admin, &import_id, 0, rows.clone()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(counts(&again), (3, 0, 0, 1, true), "the stored counts, with its skipped rows");
    assert_eq!(again.body["skipped"][0]["row"], 4);
    // Even with other rows under the same number: the first version stays.
    let other = api.batch(&admin, &import_id, 0, json!([{"row": 1, "values": ["Zed", null, "zed@example.com", null, null]}])).await;
    assert!(counts(&other).4, "already applied");
    assert_eq!(api.count("clients", "acme").await, 6);
    let summary = api.form("get_import", &[("import_id", &import_id)], Some(&admin)).await;
    assert_eq!((summary.body["inserted"].clone(), summary.body["skipped"].clone()), (json!(3), json!(1)));

    // Two copies at the same time: still once.
    let seq1 = json!([{"row": 5, "values": ["Kim", null, "kim@example.com", null, null]}]);
    let (a, b) = tokio::join!(api.batch(&admin, &import_id, 1, seq1.clone()), api.batch(&admin, &import_id, 1, seq1));
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "{} {}", a.text, b.text);
    assert_eq!([counts(&a).4, counts(&b).4].iter().filter(|x| **x).count(), 1, "one applied, one found applied");
    assert_eq!(api.count("clients", "acme").await, 7);
}

async fn malformed_requests_are_4xx(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "clients", 3, json!([])).await;
    let path = "/api/commit_batch";
    for body in [
        "{not json".to_string(),
        json!({"batch": {"import_id": import_id, "seq": 0}}).to_string(),
        json!({"batch": {"import_id": import_id, "seq": -1, "rows": []}}).to_string(),
        json!({"batch": {"import_id": import_id, "seq": 0, "rows": [{"row": 1, "values": [{"a": 1}]}]}}).to_string(),
        String::new(),
    ] {
        let reply = api.request(path, "application/json", body.clone(), Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {}", reply.text);
        assert_eq!(reply.error().0, "bad_request", "{}", reply.text);
    }
    // Missing or mistyped form fields.
    let reply = api.form("list_records", &[("entity", "clients")], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = api.form("list_records", &[("entity", "clients"), ("search", ""), ("page", "minus one")], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = api.form("list_records", &[("entity", "users; DROP TABLE users"), ("search", ""), ("page", "0")], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let reply = api.form("get_import", &[("import_id", "../../etc/passwd")], Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    // Inconsistent announcements.
    let reply = api
        .json(
            "start_import",
            json!({"import": {"template": "clients", "file_name": "a.csv", "total_rows": 1, "skipped": [{"row": 9, "reasons": ["x"]}]}}),
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    // A body over the limit is refused before it is read.
    let huge = vec![b' '; csv_import::serve::BODY_LIMIT + 1];
    let reply = api.request(path, "application/json", huge, Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.body["error"], "too_large", "{}", reply.text);
    assert!(reply.text.contains("smaller batches"), "{}", reply.text);
    // The same body sent in pieces, its length unknown until it ends.
    let pieces = (0..=csv_import::serve::BODY_LIMIT / 65_536).map(|_| Ok::<_, std::io::Error>(vec![b' '; 65_536]));
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, admin.as_str())
        .body(Body::from_stream(futures::stream::iter(pieces)))
        .unwrap();
    let response = api.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, &body["error"]), (StatusCode::PAYLOAD_TOO_LARGE, &json!("too_large")), "{body}");
    // An unknown server function.
    let reply = api.form("drop_everything", &[], Some(&admin)).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert_eq!(api.count("clients", "acme").await, 3);
}

async fn get_import_lists_browser_and_server_skips(db: Db) {
    let api = Api::new(db).await;
    let staff = api.login("staff@acme.test").await;
    let browser_skips = json!([
        {"row": 2, "reasons": ["Email: \"bob@\" has nothing after the @."]},
        {"row": 5, "reasons": ["First Name: First Name is required: fill it in, or skip this row."]},
    ]);
    let import_id = api.start(&staff, "clients", 5, browser_skips).await;
    let rows = json!([
        {"row": 1, "values": ["Ann", "Lee", "ann.lee@example.com", null, null]},
        {"row": 3, "values": ["Cy", "<b>bold</b>", "cy@example.com", null, null]},
        {"row": 4, "values": ["Di", null, "di@example.com", "not a phone", null]},
    ]);
    let reply = api.batch(&staff, &import_id, 0, rows).await;
    assert_eq!(counts(&reply), (1, 0, 0, 2, false));

    let summary = api.form("get_import", &[("import_id", &import_id)], Some(&staff)).await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.text);
    let body = &summary.body;
    assert_eq!((body["template"].clone(), body["file_name"].clone()), (json!("clients"), json!("people.csv")));
    assert_eq!((body["total_rows"].clone(), body["inserted"].clone(), body["skipped"].clone()), (json!(5), json!(1), json!(4)));
    let rows: Vec<u64> = body["skipped_rows"].as_array().unwrap().iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, vec![2, 3, 4, 5], "browser and server skips, by row");
    assert!(body["skipped_rows"][0]["reasons"][0].as_str().unwrap().contains("bob@"));
    assert!(body["skipped_rows"][1]["reasons"][0].as_str().unwrap().starts_with("Last Name: "));
    assert!(body["skipped_rows"][2]["reasons"][0].as_str().unwrap().starts_with("Phone: "));

    // A viewer of the workspace may look too; lists leave the rows out.
    let viewer = api.login("viewer@acme.test").await;
    let seen = api.form("get_import", &[("import_id", &import_id)], Some(&viewer)).await;
    assert_eq!(seen.body["skipped_rows"].as_array().unwrap().len(), 4);
    let list = api.form("list_imports", &[], Some(&viewer)).await;
    assert_eq!(list.body[0]["skipped_rows"], json!([]));
    assert_eq!(list.body[0]["skipped"], 4);

    // Cancelling keeps what was committed and returns the rows too.
    let cancelled = api.form("finish_import", &[("import_id", &import_id), ("cancelled", "true")], Some(&staff)).await;
    assert_eq!(cancelled.body["state"], "cancelled");
    assert_eq!(cancelled.body["skipped_rows"].as_array().unwrap().len(), 4);
    assert_eq!(api.count("clients", "acme").await, 4);

    // A file whose skipped rows take several statements to store, all kept
    // in order, reasons with quotes and non-ASCII letters intact.
    let many: Vec<Value> =
        (1..=4_501_u64).map(|row| json!({"row": row, "reasons": [format!("Émail: \"x{row}\" is not an email.")]})).collect();
    let import_id = api.start(&staff, "clients", 4_501, Value::Array(many)).await;
    let summary = api.form("get_import", &[("import_id", &import_id)], Some(&staff)).await;
    assert_eq!(summary.body["skipped"], 4_501, "{}", &summary.text[..summary.text.len().min(300)]);
    let listed = summary.body["skipped_rows"].as_array().unwrap();
    assert_eq!(listed.len(), 4_501);
    assert!(listed.iter().enumerate().all(|(i, s)| s["row"] == i as u64 + 1));
    assert_eq!(listed[4_500]["reasons"][0], "Émail: \"x4501\" is not an email.");
}

async fn a_long_list_of_skipped_rows_goes_in_parts(db: Db) {
    let api = Api::new(db).await;
    let staff = api.login("staff@acme.test").await;
    // 100,000 invalid rows with their reasons: over the 8 MiB a request may
    // carry, so the list cannot go with the start alone.
    let total = 100_010_u64;
    let skip = |row: u64| json!({"row": row, "reasons": [format!("Email: \"person{row}.example.com\" has no @: write it as name@domain, or skip this row.")]});
    let all: Vec<Value> = (1..=100_000).map(skip).collect();
    let whole = api
        .json("start_import", json!({"import": {"template": "clients", "file_name": "big.csv", "total_rows": total, "skipped": all}}), Some(&staff))
        .await;
    assert_eq!((whole.status, whole.body["error"].clone()), (StatusCode::PAYLOAD_TOO_LARGE, json!("too_large")));

    // The start carries the first rows, `skip_rows` the rest, in parts.
    let import_id = api.start(&staff, "clients", total, Value::Array((1..=20_000).map(skip).collect())).await;
    let more = |rows: std::ops::RangeInclusive<u64>| json!({"skips": {"import_id": import_id, "skipped": rows.map(skip).collect::<Vec<_>>()}});
    for part in [20_001..=50_000, 50_001..=80_000, 80_001..=100_000] {
        let added = api.json("skip_rows", more(part.clone()), Some(&staff)).await;
        assert_eq!((added.status, added.body.clone()), (StatusCode::OK, json!(part.count())), "{}", added.text);
    }
    // A part sent again (its answer lost) adds nothing; one that overlaps adds the new rows only.
    let again = api.json("skip_rows", more(80_001..=100_000), Some(&staff)).await;
    assert_eq!(again.body, json!(0));
    let overlap = api.json("skip_rows", more(99_999..=100_002), Some(&staff)).await;
    assert_eq!(overlap.body, json!(2));

    // Not a row of the file, a row twice, a viewer, another workspace, no session: refused.
    let outside = api.json("skip_rows", more(total + 1..=total + 1), Some(&staff)).await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST, "{}", outside.text);
    assert!(outside.text.contains("not a row of the file"), "{}", outside.text);
    let twice = json!({"skips": {"import_id": import_id, "skipped": [skip(100_005), skip(100_005)]}});
    let twice = api.json("skip_rows", twice, Some(&staff)).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.text);
    assert!(twice.text.contains("listed twice"), "{}", twice.text);
    let viewer = api.login("viewer@acme.test").await;
    assert_eq!(api.json("skip_rows", more(100_006..=100_006), Some(&viewer)).await.status, StatusCode::FORBIDDEN);
    let elsewhere = api.login("admin@globex.test").await;
    assert_eq!(api.json("skip_rows", more(100_006..=100_006), Some(&elsewhere)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json("skip_rows", more(100_006..=100_006), None).await.status, StatusCode::UNAUTHORIZED);

    // Every row once, in the count and in the list.
    let done = api.form("finish_import", &[("import_id", &import_id), ("cancelled", "false")], Some(&staff)).await;
    assert_eq!(done.body["skipped"], 100_002, "{}", &done.text[..done.text.len().min(300)]);
    let (stored, distinct, lowest, highest): (i64, i64, i64, i64) = on_pool!(api.db.pool, p => sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT row), MIN(row), MAX(row) FROM import_skips WHERE import_id = $1",
    )
    .bind(&import_id)
    .fetch_one(p)
    .await)
    .unwrap();
    assert_eq!((stored, distinct, lowest, highest), (100_002, 100_002, 1, 100_002));
    // The answer lists the first 10,000, in order (the error report has them all).
    let listed: Vec<u64> = done.body["skipped_rows"].as_array().unwrap().iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert!(listed.iter().copied().eq(1..=10_000), "{} listed, from {:?}", listed.len(), listed.first());
    // Once the import has ended, no more.
    let late = api.json("skip_rows", more(100_007..=100_007), Some(&staff)).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
}

async fn finished_imports_take_no_more_batches(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "clients", 3, json!([])).await;
    let first = api.batch(&admin, &import_id, 0, three_clients()).await;
    assert_eq!(counts(&first), (3, 0, 0, 0, false));
    let done = api.form("finish_import", &[("import_id", &import_id), ("cancelled", "false")], Some(&admin)).await;
    assert_eq!(done.body["state"], "done");
    // A new batch after the end is a conflict...
    let late = api.batch(&admin, &import_id, 1, json!([{"row": 9, "values": ["Late", null, "late@example.com", null, null]}])).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    // ...but a retry of a committed one still gets its answer.
    let retry = api.batch(&admin, &import_id, 0, three_clients()).await;
    assert_eq!(counts(&retry), (3, 0, 0, 0, true));
    // Finishing again changes nothing.
    let again = api.form("finish_import", &[("import_id", &import_id), ("cancelled", "true")], Some(&admin)).await;
    assert_eq!((again.body["state"].clone(), again.body["finished_at"].clone()), (json!("done"), done.body["finished_at"].clone()));
    assert_eq!(api.count("clients", "acme").await, 6);
}

async fn records_are_searched_and_paged_per_workspace(db: Db) {
    let api = Api::new(db).await;
    let admin = api.login("admin@acme.test").await;
    let import_id = api.start(&admin, "clients", 30, json!([])).await;
    let rows: Vec<Value> = (1..=30)
        .map(|i| json!({"row": i, "values": [format!("Person{i:02}"), "Smith", format!("p{i}@example.com"), null, if i % 2 == 0 { "Even_Co" } else { "Odd%Co" }]}))
        .collect();
    assert_eq!(counts(&api.batch(&admin, &import_id, 0, Value::Array(rows)).await), (30, 0, 0, 0, false));

    let page = |search: &'static str, page: &'static str| {
        let admin = admin.clone();
        let api = &api;
        async move { api.form("list_records", &[("entity", "clients"), ("search", search), ("page", page)], Some(&admin)).await }
    };
    let first = page("", "0").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["columns"], json!(["First Name", "Last Name", "Email", "Phone", "Company"]));
    assert_eq!((first.body["total"].clone(), first.body["per_page"].clone()), (json!(33), json!(25)));
    assert_eq!(first.body["rows"].as_array().unwrap().len(), 25);
    assert_eq!(first.body["rows"][0]["values"][0], "Person30", "newest first");
    let second = page("", "1").await;
    assert_eq!(second.body["rows"].as_array().unwrap().len(), 8);

    // Case-insensitive, over names, email and company; % and _ are literal.
    assert_eq!(page("SMITH", "0").await.body["total"], 30);
    assert_eq!(page("person07 smith", "0").await.body["total"], 1);
    assert_eq!(page("P7@EXAMPLE", "0").await.body["total"], 1);
    assert_eq!(page("odd%co", "0").await.body["total"], 15);
    assert_eq!(page("n_co", "0").await.body["total"], 15, "only Even_Co");
    assert_eq!(page("whitfield", "0").await.body["total"], 1, "a seeded client");
    assert_eq!(page("'; DROP TABLE clients; --", "0").await.body["total"], 0);

    let leads = api.form("list_records", &[("entity", "leads"), ("search", ""), ("page", "0")], Some(&admin)).await;
    assert_eq!(leads.body["total"], 2);
    let companies = api.form("list_records", &[("entity", "companies"), ("search", "kumo"), ("page", "0")], Some(&admin)).await;
    assert_eq!(companies.body["total"], 1);
    assert_eq!(companies.body["rows"][0]["values"][5], "Tokyo");

    let globex = api.login("admin@globex.test").await;
    let theirs = api.form("list_records", &[("entity", "clients"), ("search", ""), ("page", "0")], Some(&globex)).await;
    assert_eq!(theirs.body["total"], 0);
}

async fn demo_seed_is_idempotent(db: Db) {
    let api = Api::new(db.clone()).await;
    app::portal::backend::demo::seed(&db).await.unwrap();
    app::portal::backend::demo::seed(&db).await.unwrap();
    let users: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await).unwrap();
    let workspaces: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM workspaces").fetch_one(p).await).unwrap();
    assert_eq!((users, workspaces), (9, 2));
    // Partners, their users and leads once too.
    for (table, n) in [("partners", 2), ("partner_users", 3), ("partner_leads", 2)] {
        let count: i64 = on_pool!(db.pool, p => sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(p).await).unwrap();
        assert_eq!(count, n, "{table}");
    }
    assert_eq!((api.count("clients", "acme").await, api.count("leads", "acme").await, api.count("companies", "acme").await), (3, 2, 2));
    let roles: Vec<(String, String)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id ORDER BY u.email",
    )
    .fetch_all(p)
    .await)
    .unwrap();
    assert_eq!(
        roles,
        [
            ("admin@acme.test", "admin"),
            ("admin@globex.test", "admin"),
            ("coach.amy@example.com", "viewer"),
            ("coach.ben@example.com", "viewer"),
            ("dana.lead@example.com", "viewer"),
            ("eli.lead@example.com", "viewer"),
            ("partner@northwind.test", "external"),
            ("staff@acme.test", "staff"),
            ("viewer@acme.test", "viewer"),
        ]
        .map(|(e, r)| (e.to_string(), r.to_string()))
    );
    let hash: String = on_pool!(db.pool, p => sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'staff@acme.test'")
        .fetch_one(p)
        .await)
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");

    // Demo mode lists the accounts; otherwise the list is empty.
    let demo = api.form("demo_accounts", &[], None).await;
    assert_eq!(demo.body.as_array().unwrap().len(), 5);
    assert_eq!(demo.body[0]["password"], "demo-password");
    let quiet = Api::without_seed(db, false);
    assert_eq!(quiet.form("demo_accounts", &[], None).await.body, json!([]));
}

/// `csv-import user add`, run as an operator would, then signing in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_add_creates_a_user_who_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/users.db", dir.path().display());
    let run = |args: &[&str], password: Option<&str>, stdin: &str| {
        use std::io::Write;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_csv-import"));
        command.args(["user", "add"]).args(args).env("DATABASE_URL", &url).env_remove("CSV_IMPORT_PASSWORD");
        if let Some(p) = password {
            command.env("CSV_IMPORT_PASSWORD", p);
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let args = ["--email", "Pat@Initech.test", "--name", "Pat", "--workspace", "initech", "--role", "staff"];
    let out = run(&args, Some("correct horse"), "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Added pat@initech.test to workspace initech (new) as staff.");

    // Signed in with the first password...
    let api = Api::without_seed(csv_import::db::connect(&url).await.unwrap(), false);
    let first = api.form("login", &[("email", "pat@initech.test"), ("password", "correct horse")], None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let cookie = first.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();

    // The password from standard input; an existing user is updated.
    let mut admin_args = args;
    admin_args[7] = "admin";
    let out = run(&admin_args, None, "another password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Updated pat@initech.test"));
    // ...and signed out by the new one.
    assert_eq!(api.form("current_user", &[], Some(&cookie)).await.body, Value::Null);

    // Too short a password, a bad role, a bad slug: refused with a message.
    let out = run(&args, Some("short"), "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must have 8 to"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["--email", "a@b.test", "--name", "A", "--workspace", "initech", "--role", "owner"], Some("long enough"), "");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--email", "a@b.test", "--name", "A", "--workspace", "Not A Slug", "--role", "viewer"], Some("long enough"), "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("workspace slug"), "{}", String::from_utf8_lossy(&out.stderr));

    let db = csv_import::db::connect(&url).await.unwrap();
    let api = Api::without_seed(db, false);
    let old = api.form("login", &[("email", "pat@initech.test"), ("password", "correct horse")], None).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let reply = api.form("login", &[("email", "pat@initech.test"), ("password", "another password")], None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!((reply.body["role"].clone(), reply.body["workspace"]["slug"].clone()), (json!("admin"), json!("initech")));
}

/// `count` sign-in requests at once (each from its own task), as `(status,
/// message)`; `request(i)` makes the i-th: the site to send from and the
/// form fields.
async fn at_once<F>(count: usize, request: F) -> Vec<(StatusCode, String)>
where
    F: Fn(usize) -> (Site, &'static str, Vec<(String, String)>),
{
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let (site, endpoint, fields) = request(i);
        tasks.spawn(async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let answer = site.form(endpoint, &form_encode(&pairs), None).await;
            (answer.status, answer.body["message"].as_str().unwrap_or(&answer.text).to_string())
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = tasks.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn with_status(answers: &[(StatusCode, String)], status: StatusCode) -> Vec<&str> {
    answers.iter().filter(|(s, _)| *s == status).map(|(_, m)| m.as_str()).collect()
}

async fn concurrent_wrong_passwords_are_counted_before_they_are_checked(db: Db) {
    let site = Site::new(db).await;
    let attacker = site.from("198.51.100.7");
    let answers = at_once(40, |i| {
        let password = format!("guess-{i}");
        (attacker.clone(), "login", fields(&[("email", "admin@acme.test"), ("password", &password)]))
    })
    .await;
    let checked = with_status(&answers, StatusCode::UNAUTHORIZED);
    let refused = with_status(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert!(!checked.is_empty() && checked.len() <= 10, "at most 10 checked, not {}: {answers:?}", checked.len());
    assert_eq!(checked.len() + refused.len(), 40, "{answers:?}");
    assert!(refused.iter().all(|m| m.starts_with("Too many failed sign-ins for this email.")), "{refused:?}");

    // That address may not try the account any more, even with the right password...
    let right = fields(&[("email", "admin@acme.test"), ("password", "demo-password")]);
    let again = at_once(1, |_| (attacker.clone(), "login", right.clone())).await;
    assert_eq!(again[0].0, StatusCode::TOO_MANY_REQUESTS, "{again:?}");
    // ...but the rightful user, elsewhere, signs in as usual.
    let user = at_once(1, |_| (site.from("203.0.113.20"), "login", right.clone())).await;
    assert_eq!(user[0].0, StatusCode::OK, "{user:?}");

    // Client sign-ins are guarded the same way.
    let answers = at_once(40, |i| {
        let password = format!("guess-{i}");
        (attacker.clone(), "client_login", fields(&[("workspace", "acme"), ("email", "someone@example.com"), ("password", &password)]))
    })
    .await;
    let checked = with_status(&answers, StatusCode::OK);
    assert!(!checked.is_empty() && checked.len() <= 10, "at most 10 checked: {answers:?}");
    assert_eq!(checked.len() + with_status(&answers, StatusCode::TOO_MANY_REQUESTS).len(), 40, "{answers:?}");
}

async fn an_address_is_refused_after_its_failures_across_emails(db: Db) {
    let site = Site::new(db).await;
    let scanner = site.from("198.51.100.9");
    // 45 staff sign-ins and 5 client sign-ins, each with another email.
    for i in 0..50 {
        let email = format!("nobody-{i}@example.com");
        let (endpoint, pairs) = if i < 45 {
            ("login", vec![("email", email.as_str()), ("password", "guess")])
        } else {
            ("client_login", vec![("workspace", "acme"), ("email", email.as_str()), ("password", "guess")])
        };
        let answer = scanner.form(endpoint, &form_encode(&pairs), None).await;
        assert!(matches!(answer.status, StatusCode::UNAUTHORIZED | StatusCode::OK), "attempt {i}: {}", answer.text);
    }
    for endpoint in ["login", "client_login"] {
        let pairs = [("workspace", "acme"), ("email", "admin@acme.test"), ("password", "demo-password")];
        let refused = scanner.form(endpoint, &form_encode(&pairs), None).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{endpoint}: {}", refused.text);
        assert_eq!(
            refused.body["message"],
            "Too many failed sign-ins from your network address. Wait 15 minutes and try again."
        );
    }
    // Other addresses are not affected.
    site.from("198.51.100.10").sign_in("admin@acme.test").await;
}

async fn forwarded_addresses_count_only_when_trusted(db: Db) {
    let guess = |forwarded: &str| {
        let forwarded = forwarded.to_string();
        move |site: Site| async move {
            let body = form_encode(&[("email", "staff@acme.test"), ("password", "guess")]);
            let headers = [("x-forwarded-for", forwarded.as_str())];
            site.send_with("POST", "/api/login", "application/x-www-form-urlencoded", body, &headers).await
        }
    };
    // Not configured: the header is ignored, every attempt counts for the peer.
    let site = Site::new(db.clone()).await;
    for i in 0..10 {
        let answer = guess(&format!("203.0.113.{i}"))(site.clone()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text);
    }
    let refused = guess("203.0.113.99")(site.clone()).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text);

    // Behind a proxy, trusted: the right-most hop that is not a proxy counts.
    let options = csv_import::serve::SiteOptions { demo: true, trust_forwarded: true, ..Default::default() };
    let proxied = Site::with(db, options).await.from("10.0.0.2");
    for _ in 0..10 {
        let answer = guess("203.0.113.7")(proxied.clone()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.text);
    }
    // Writing another address before the real one does not help.
    let forged = guess("192.0.2.1, 203.0.113.7")(proxied.clone()).await;
    assert_eq!(forged.status, StatusCode::TOO_MANY_REQUESTS, "{}", forged.text);
    // The user, from their own address through the same proxy, signs in.
    let body = form_encode(&[("email", "staff@acme.test"), ("password", "demo-password")]);
    let user = proxied
        .send_with("POST", "/api/login", "application/x-www-form-urlencoded", body, &[("forwarded", "for=203.0.113.8")])
        .await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.text);
}

/// The largest resident size the process has had, in KiB.
fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn a_burst_of_unknown_emails_verifies_a_few_at_a_time(db: Db) {
    let site = Site::new(db).await;
    let before = peak_memory_kib();
    // 128 sign-ins at once, each from its own address: no count stops them,
    // each costs a verification (a decoy hash: the emails are unknown).
    let answers = at_once(128, |i| {
        let email = format!("unknown-{i}@example.com");
        (site.from(&format!("198.18.{}.{}", i / 200, 1 + i % 200)), "login", fields(&[("email", &email), ("password", "guess")]))
    })
    .await;
    let grown_mib = peak_memory_kib().saturating_sub(before) / 1024;
    // Each argon2 verification holds 19 MiB: 128 at once would be 2.4 GiB.
    assert!(grown_mib < 512, "the peak memory grew by {grown_mib} MiB");
    let checked = with_status(&answers, StatusCode::UNAUTHORIZED).len();
    let busy = with_status(&answers, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(checked + busy.len(), 128, "{answers:?}");
    assert!(checked > 0, "the waiting ones are checked in turn: {answers:?}");
    assert!(busy.iter().all(|m| m.contains("Try again in a few seconds")), "{busy:?}");
}

async fn control_characters_in_sign_in_fields_are_400(db: Db) {
    let site = Site::new(db).await;
    let cases: [(&str, &[(&str, &str)], &str); 6] = [
        ("login", &[("email", "admin@acme.test\u{0}"), ("password", "demo-password")], "email"),
        ("login", &[("email", "admin@acme.test"), ("password", "demo-\u{0}password")], "password"),
        ("login", &[("email", "admin@acme.test"), ("password", "demo-password"), ("workspace", "acme\u{0}")], "workspace"),
        ("client_login", &[("workspace", "ac\u{0}me"), ("email", "a@example.com"), ("password", "x")], "workspace"),
        ("client_login", &[("workspace", "acme"), ("email", "a@example.com\n"), ("password", "x")], "email"),
        ("client_login", &[("workspace", "acme"), ("email", "a@example.com"), ("password", "x\u{1b}")], "password"),
    ];
    for (endpoint, pairs, field) in cases {
        let answer = site.form(endpoint, &form_encode(pairs), None).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{endpoint} {pairs:?}: {}", answer.text);
        let message = answer.body["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("The {field} contains a control character (U+")), "{message}");
    }
    // None of them counted as a failure: the account signs in.
    site.sign_in("admin@acme.test").await;
}

async fn a_new_password_ends_the_sessions(db: Db) {
    use app::backend::auth::{add_user, NewUser};
    let site = Site::new(db.clone()).await;
    let user = |password: &str| NewUser {
        email: "pat@initech.test".to_string(),
        name: "Pat".to_string(),
        password: password.to_string(),
        workspace_slug: "initech".to_string(),
        workspace_name: None,
        role: app::model::Role::Staff,
    };
    add_user(&db, &user("first password")).await.unwrap();
    let sign_in = |password: &'static str| {
        let site = site.clone();
        async move {
            let body = form_encode(&[("email", "pat@initech.test"), ("password", password)]);
            let answer = site.form("login", &body, None).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            answer.body["__cookie"].as_str().unwrap().to_string()
        }
    };
    let cookie = sign_in("first password").await;
    let admin = site.sign_in("admin@acme.test").await;
    let me = |cookie: String| {
        let site = site.clone();
        async move { site.form("current_user", "", Some(&cookie)).await.body["email"].clone() }
    };
    // The same password again (a new role, say): the session stays.
    add_user(&db, &user("first password")).await.unwrap();
    assert_eq!(me(cookie.clone()).await, "pat@initech.test");
    // A new password: whoever had the old one is signed out, and only them.
    add_user(&db, &user("second password")).await.unwrap();
    assert_eq!(me(cookie).await, Value::Null);
    assert_eq!(me(admin).await, "admin@acme.test");
    let left: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'pat@initech.test'")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(left, 0);
    sign_in("second password").await;
}

/// One HTTP/1.1 request over a new connection: the status and the raw rest.
async fn http(addr: std::net::SocketAddr, request: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.ok()?;
    let raw = String::from_utf8_lossy(&raw).to_string();
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    Some((status, raw))
}

fn post(path: &str, host: &str, origin: Option<&str>) -> String {
    let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{origin}Accept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

/// `csv-import serve` as an operator starts it: demo mode only when asked
/// for (`--demo` or `CSV_IMPORT_DEMO=1`), with a warning; `--no-demo` is
/// still accepted. Only pages of its public origin may change anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_has_no_demo_unless_asked_for() {
    for (args, env, demo) in [
        (&[][..], None, false),
        (&["--no-demo"][..], None, false),
        (&["--demo"][..], None, true),
        (&[][..], Some("1"), true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
        let stderr = std::fs::File::create(dir.path().join("stderr")).unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_csv-import"));
        command
            .args(["serve", "--addr", &addr.to_string()])
            .args(args)
            .env("DATABASE_URL", format!("sqlite://{}/serve.db", dir.path().display()))
            .env("LEPTOS_OUTPUT_NAME", "csv-import")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("RUST_LOG", "warn")
            .env_remove("CSV_IMPORT_DEMO")
            .env_remove("CSV_IMPORT_PUBLIC_ORIGIN")
            .env_remove("CSV_IMPORT_TRUST_FORWARDED")
            .stdout(std::process::Stdio::null())
            .stderr(stderr);
        if let Some(value) = env {
            command.env("CSV_IMPORT_DEMO", value);
        }
        let mut child = command.spawn().unwrap();
        let mut up = false;
        for _ in 0..300 {
            let get = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if http(addr, &get).await.is_some_and(|(status, _)| status == 200) {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let host = addr.to_string();
        let accounts = http(addr, &post("/api/demo_accounts", &host, None)).await;
        let own = http(addr, &post("/api/logout", &host, Some(&format!("http://localhost:{port}")))).await;
        // A page whose own name resolves to this server (DNS rebinding)
        // names itself in Host and Origin alike: not the public origin.
        let rebound = format!("rebind.example.test:{port}");
        let forged = http(addr, &post("/api/logout", &rebound, Some(&format!("http://{rebound}")))).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let log = std::fs::read_to_string(dir.path().join("stderr")).unwrap();
        assert!(up, "{args:?} {env:?}: the server did not start: {log}");
        let (status, accounts) = accounts.unwrap();
        assert_eq!(status, 200, "{accounts}");
        assert_eq!(accounts.contains("demo-password"), demo, "{args:?} {env:?}: {accounts}");
        assert_eq!(log.contains("DEMO MODE IS ON"), demo, "{args:?} {env:?}: {log}");
        assert_eq!(own.unwrap().0, 200);
        let (status, forged) = forged.unwrap();
        assert_eq!(status, 403, "{forged}");
    }
}

async fn remembered_mappings_are_kept_per_workspace_and_cleared_by_admins(db: Db) {
    let api = Api::new(db).await;
    let (admin, staff, viewer, other) = (
        api.login("admin@acme.test").await,
        api.login("staff@acme.test").await,
        api.login("viewer@acme.test").await,
        api.login("admin@globex.test").await,
    );
    let headers = json!(["Prénom", "Contact", "Notes"]);
    let ask = |cookie: &str, names: Value| {
        let body = json!({"template": "clients", "headers": names});
        let cookie = cookie.to_string();
        let api = &api;
        async move { api.json("remembered_mapping", body, Some(&cookie)).await }
    };
    // Nothing remembered yet.
    let reply = ask(&staff, headers.clone()).await;
    assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!([])), "{}", reply.text);
    // Staff confirm a mapping: it is kept for the same headers, case and spaces aside.
    let columns = json!([
        {"column": "Prénom", "field": "first_name"},
        {"column": "Contact", "field": "email"},
        {"column": "Notes", "field": null},
    ]);
    let body = json!({"template": "clients", "headers": headers, "columns": columns});
    let reply = api.json("remember_mapping", body, Some(&staff)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = ask(&admin, json!([" prénom", "CONTACT", "notes "])).await;
    assert_eq!(reply.body, columns, "{}", reply.text);
    // Other headers, another workspace: nothing.
    assert_eq!(ask(&admin, json!(["Prénom", "Contact"])).await.body, json!([]));
    assert_eq!(ask(&other, headers.clone()).await.body, json!([]));
    // A second confirmation replaces the first.
    let changed = json!([{"column": "Contact", "field": "phone"}]);
    let body = json!({"template": "clients", "headers": headers, "columns": changed});
    assert_eq!(api.json("remember_mapping", body, Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(ask(&staff, headers.clone()).await.body, changed);
    // Who may not import with the template may neither ask nor tell; no session is a 401.
    assert_eq!(ask(&viewer, headers.clone()).await.status, StatusCode::FORBIDDEN);
    let body = json!({"template": "companies", "headers": headers, "columns": []});
    assert_eq!(api.json("remember_mapping", body, Some(&staff)).await.status, StatusCode::FORBIDDEN);
    let body = json!({"template": "clients", "headers": headers});
    assert_eq!(api.json("remembered_mapping", body, None).await.status, StatusCode::UNAUTHORIZED);
    // Bad input is a 400: a choice for a header not sent, a control character, no headers.
    for body in [
        json!({"template": "clients", "headers": headers, "columns": [{"column": "Phone", "field": "phone"}]}),
        json!({"template": "clients", "headers": ["a\u{0}"], "columns": []}),
        json!({"template": "clients", "headers": [], "columns": []}),
    ] {
        let reply = api.json("remember_mapping", body.clone(), Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {}", reply.text);
    }
    // Only an admin clears them, in their own workspace only.
    let reply = api.form("forget_mappings", &[("template", "clients")], Some(&staff)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    let reply = api.form("forget_mappings", &[("template", "clients")], Some(&other)).await;
    assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!(0)), "{}", reply.text);
    assert_eq!(ask(&staff, headers.clone()).await.body, changed);
    let reply = api.form("forget_mappings", &[("template", "clients")], Some(&admin)).await;
    assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!(1)), "{}", reply.text);
    assert_eq!(ask(&staff, headers).await.body, json!([]));
}

/// The page's wasm and its chunks keep their names across builds, so the
/// browser is told to ask again (and gets a 304 when nothing changed) rather
/// than mix a cached chunk with a newer page; other answers are left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_files_are_revalidated_each_time() {
    let (db, _dir) = common::sqlite().await;
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/chunk_1.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let options = LeptosOptions::builder()
        .output_name("csv-import")
        .site_root(site.path().to_string_lossy().into_owned())
        .build();
    let router = csv_import::serve::router(options, db, false);
    let get = |uri: &str, since: Option<String>| {
        let mut request = Request::builder().uri(uri);
        if let Some(since) = since {
            request = request.header(header::IF_MODIFIED_SINCE, since);
        }
        router.clone().oneshot(request.body(Body::empty()).unwrap())
    };

    let first = get("/pkg/chunk_1.wasm", None).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let modified = first.headers()[header::LAST_MODIFIED].to_str().unwrap().to_string();
    let again = get("/pkg/chunk_1.wasm", Some(modified)).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let health = get("/healthz", None).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get(header::CACHE_CONTROL).is_none());
}

/// Pages are framed by the site's own pages only (no clickjacking from
/// another site), and no answer is content-sniffed, the importer's included.
#[tokio::test]
async fn pages_refuse_other_sites_frames_and_no_answer_is_sniffed() {
    let (db, _dir) = common::sqlite().await;
    let site = Site::new(db).await;
    let page = site.send("GET", "/sign-in", "", String::new(), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
    assert_eq!(page.headers[header::CONTENT_SECURITY_POLICY], "frame-ancestors 'self'");
    for path in ["/sign-in", "/healthz", "/csv-import/embed.js", "/templates/clients/sample.csv"] {
        let answer = site.send("GET", path, "", String::new(), None).await;
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
    }
    let script = site.send("GET", "/csv-import/embed.js", "", String::new(), None).await;
    assert!(script.headers.get(header::X_FRAME_OPTIONS).is_none(), "only pages carry the frame rule");
}
