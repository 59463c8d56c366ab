//! Seed 002, client accounts with initial passwords, over HTTP as a browser calls it: the real
//! router, real cookies, on a fresh SQLite file and a fresh PostgreSQL
//! schema (`<scenario>::sqlite`, `<scenario>::postgres`).

#[macro_use]
mod common;

use axum::http::StatusCode;
use csv_import::db::{on_pool, Db};
use serde_json::{json, Value};

on_both!(
    only_admins_may_import_client_accounts_or_change_tags,
    imported_accounts_sign_in_with_their_hashed_initial_password,
    bad_rows_are_skipped_on_the_server_too,
    reimport_adds_tags_updates_attributes_and_counts_changes,
    tags_are_checked_listed_added_and_deleted,
    repeated_failed_client_sign_ins_are_refused_for_a_while,
    passwords_are_hashed_before_the_write_transaction,
    tag_names_are_checked_like_tag_cells,
    an_attribute_a_database_refuses_skips_its_row,
    batches_stay_small_where_each_row_is_hashed,
);

const TEMPLATE: &str = "client-accounts";

use common::{Answer, Site as Client};

impl Client {
    async fn start(&self, cookie: &str, total_rows: u64) -> Answer {
        let import = json!({"import": {"template": TEMPLATE, "file_name": "clients.csv", "total_rows": total_rows, "skipped": []}});
        self.json("start_import", import, cookie).await
    }

    /// Start an import, send `rows` as batch 0, finish it; the batch's answer
    /// and the finished import's summary.
    async fn import(&self, cookie: &str, rows: Value) -> (Value, Answer) {
        let n = rows.as_array().unwrap().len() as u64;
        let started = self.start(cookie, n).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text);
        let id = started.body["import_id"].as_str().unwrap().to_string();
        let batch = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(batch.status, StatusCode::OK, "{}", batch.text);
        let finished = self.form("finish_import", &format!("import_id={id}&cancelled=false"), Some(cookie)).await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
        (batch.body, finished)
    }

    async fn login(&self, email: &str, password: &str) -> bool {
        let body = format!(
            "workspace=acme&email={}&password={}",
            urlencode(email),
            urlencode(password)
        );
        let answer = self.form("client_login", &body, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.body.as_bool().unwrap()
    }

    async fn hash_of(&self, email: &str) -> String {
        on_pool!(self.db.pool, p => sqlx::query_scalar("SELECT password_hash FROM client_accounts WHERE email = $1")
            .bind(email.to_string())
            .fetch_one(p)
            .await)
            .unwrap()
    }

    async fn accounts(&self, cookie: &str, search: &str) -> Value {
        let answer = self.form("list_client_accounts", &format!("search={}", urlencode(search)), Some(cookie)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert!(!answer.text.contains("argon2"), "no hash is ever returned: {}", answer.text);
        answer.body
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// One row as the browser sends it: values in field order, attributes apart.
fn row(n: u64, email: &str, password: &str, tags: &[&str], attributes: &[(&str, &str)]) -> Value {
    json!({
        "row": n,
        "values": [email, password, "Ada", "Lovelace", "1981-11-20", "female", tags, format!("EXT-{n}")],
        "attributes": attributes.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
    })
}

fn counts(batch: &Value) -> (u64, u64, u64, usize) {
    (
        batch["inserted"].as_u64().unwrap(),
        batch["updated"].as_u64().unwrap(),
        batch["unchanged"].as_u64().unwrap(),
        batch["skipped"].as_array().unwrap().len(),
    )
}

async fn only_admins_may_import_client_accounts_or_change_tags(db: Db) {
    let client = Client::new(db).await;
    for (email, role) in [("staff@acme.test", "staff"), ("viewer@acme.test", "viewer")] {
        let cookie = client.sign_in(email).await;
        let start = client.start(&cookie, 1).await;
        assert_eq!(start.status, StatusCode::FORBIDDEN, "{email}: {}", start.text);
        assert!(start.body["message"].as_str().unwrap().contains(role), "{}", start.text);
        let add = client.form("add_tag", "name=gold", Some(&cookie)).await;
        assert_eq!(add.status, StatusCode::FORBIDDEN, "{email}: {}", add.text);
        let delete = client.form("delete_tag", "id=1", Some(&cookie)).await;
        assert_eq!(delete.status, StatusCode::FORBIDDEN, "{email}: {}", delete.text);
        // Looking is allowed.
        assert_eq!(client.form("list_tags", "", Some(&cookie)).await.status, StatusCode::OK);
    }
    let anonymous = client.form("list_client_accounts", "search=", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let admin = client.sign_in("admin@acme.test").await;
    assert_eq!(client.start(&admin, 1).await.status, StatusCode::OK);
}

async fn imported_accounts_sign_in_with_their_hashed_initial_password(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let rows = json!([
        row(1, "ada.lovelace@example.com", "Analytical#1815", &["vip", "Newsletter"], &[("Program Start Date", "2024-07-17")]),
        row(2, "charles.babbage@example.com", "Difference!1791", &[], &[]),
    ]);
    let (batch, finished) = client.import(&admin, rows).await;
    assert_eq!(counts(&batch), (2, 0, 0, 0), "{batch}");
    assert!(finished.text.contains("No invitation was sent"), "the summary carries the note: {}", finished.text);

    let hash = client.hash_of("ada.lovelace@example.com").await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("Analytical"), "{hash}");
    assert!(client.login("ada.lovelace@example.com", "Analytical#1815").await);
    assert!(client.login("ADA.Lovelace@example.com", "Analytical#1815").await, "email case ignored");
    assert!(!client.login("ada.lovelace@example.com", "analytical#1815").await);
    assert!(!client.login("nobody@example.com", "Analytical#1815").await);
    assert!(client.login("charles.babbage@example.com", "Difference!1791").await);

    let page = client.accounts(&admin, "ada.lovelace").await;
    assert_eq!(page["total"], 1, "{page}");
    let ada = &page["accounts"][0];
    assert_eq!(ada["email"], "ada.lovelace@example.com");
    assert_eq!(ada["birthdate"], "1981-11-20");
    assert_eq!(ada["gender"], "female");
    assert_eq!(ada["external_id"], "EXT-1");
    assert_eq!(ada["tags"], json!(["newsletter", "vip"]));
    assert_eq!(ada["attributes"], json!([["Program Start Date", "2024-07-17"]]));

    // The import's error report and record of skipped rows never hold a password.
    let globex = client.sign_in("admin@globex.test").await;
    assert_eq!(client.accounts(&globex, "").await["total"], 0, "another workspace sees none");
}

async fn bad_rows_are_skipped_on_the_server_too(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    // A tampered batch: the browser would have flagged these rows.
    let mut bad_date = row(4, "d@example.com", "Good#Pass123", &[], &[]);
    bad_date["values"][4] = json!("1981-02-30");
    let (batch, _) = client
        .import(
            &admin,
            json!([
                row(1, "a@example.com", "Good#Pass123", &["vip"], &[]),
                row(2, "b@example.com", "password", &[], &[]),
                row(3, "c@example.com", "Good#Pass123", &["vip", "ghost-tag"], &[]),
                bad_date,
            ]),
        )
        .await;
    assert_eq!(counts(&batch), (1, 0, 0, 3), "{batch}");
    let text = batch.to_string();
    assert!(!text.contains("Good#Pass123") && !text.contains("\"password\""), "no password is quoted: {text}");
    let skipped = batch["skipped"].as_array().unwrap();
    assert_eq!(skipped.iter().map(|s| s["row"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(skipped[1]["reasons"][0].as_str().unwrap().contains("ghost-tag"), "{batch}");
    let stored: i64 = on_pool!(client.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM client_accounts").fetch_one(p).await).unwrap();
    assert_eq!(stored, 1);
}

async fn reimport_adds_tags_updates_attributes_and_counts_changes(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let first = json!([row(1, "ada@example.com", "Analytical#1815", &["vip"], &[("Level", "1"), ("Coach", "Amy")])]);
    let (batch, _) = client.import(&admin, first.clone()).await;
    assert_eq!(counts(&batch), (1, 0, 0, 0), "{batch}");
    let hash = client.hash_of("ada@example.com").await;

    // The same file: unchanged, and the hash is kept.
    let (again, _) = client.import(&admin, first).await;
    assert_eq!(counts(&again), (0, 0, 1, 0), "{again}");
    assert_eq!(client.hash_of("ada@example.com").await, hash);

    // A new tag is added (the old one stays); an attribute changes.
    let (tagged, _) =
        client.import(&admin, json!([row(1, "ada@example.com", "Analytical#1815", &["newsletter"], &[("Level", "2")])])).await;
    assert_eq!(counts(&tagged), (0, 1, 0, 0), "{tagged}");
    let page = client.accounts(&admin, "").await;
    assert_eq!(page["accounts"][0]["tags"], json!(["newsletter", "vip"]));
    assert_eq!(page["accounts"][0]["attributes"], json!([["Coach", "Amy"], ["Level", "2"]]));

    // A new initial password replaces the old one.
    let (password, _) = client.import(&admin, json!([row(1, "ada@example.com", "Another#Pass99", &[], &[])])).await;
    assert_eq!(counts(&password), (0, 1, 0, 0), "{password}");
    assert!(client.login("ada@example.com", "Another#Pass99").await);
    assert!(!client.login("ada@example.com", "Analytical#1815").await);
}

async fn tags_are_checked_listed_added_and_deleted(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let check = client
        .json("check_references", json!({"template": TEMPLATE, "field": "tag", "values": ["VIP", "gold", "newsletter", "gold"]}), &admin)
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.text);
    assert_eq!(check.body, json!(["gold"]));

    assert_eq!(client.form("add_tag", "name=Gold", Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(client.form("add_tag", "name=gold", Some(&admin)).await.status, StatusCode::CONFLICT);
    assert_eq!(client.form("add_tag", "name=+", Some(&admin)).await.status, StatusCode::BAD_REQUEST);
    let check = client.json("check_references", json!({"template": TEMPLATE, "field": "tag", "values": ["gold"]}), &admin).await;
    assert_eq!(check.body, json!([]));

    client.import(&admin, json!([row(1, "ada@example.com", "Analytical#1815", &["vip"], &[])])).await;
    let tags = client.form("list_tags", "", Some(&admin)).await.body;
    let names: Vec<(&str, u64)> =
        tags.as_array().unwrap().iter().map(|t| (t["name"].as_str().unwrap(), t["accounts"].as_u64().unwrap())).collect();
    assert_eq!(names, [("Gold", 0), ("newsletter", 0), ("vip", 1)]);
    let id_of = |name: &str| tags.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].as_i64().unwrap();

    // A tag in use is refused with a message; an unused one goes.
    let used = client.form("delete_tag", &format!("id={}", id_of("vip")), Some(&admin)).await;
    assert_eq!(used.status, StatusCode::CONFLICT, "{}", used.text);
    assert!(used.body["message"].as_str().unwrap().contains("used by 1 client account"), "{}", used.text);
    let gold = client.form("delete_tag", &format!("id={}", id_of("Gold")), Some(&admin)).await;
    assert_eq!(gold.status, StatusCode::OK, "{}", gold.text);
    // Another workspace's admin cannot delete Acme's tag.
    let globex = client.sign_in("admin@globex.test").await;
    let theirs = client.form("delete_tag", &format!("id={}", id_of("newsletter")), Some(&globex)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text);
}

/// How long 500 new accounts take to import (argon2id with the production
/// parameters). Not run by default: `cargo test -p csv-import --test
/// client_accounts -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn time_500_accounts() {
    let (db, _dir) = common::sqlite().await;
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let rows: Vec<Value> =
        (1..=500).map(|n| row(n, &format!("client{n}@example.com"), "Analytical#1815", &["vip"], &[])).collect();
    let started = std::time::Instant::now();
    let (batch, _) = client.import(&admin, json!(rows)).await;
    let elapsed = started.elapsed();
    assert_eq!(counts(&batch), (500, 0, 0, 0));
    eprintln!("500 accounts imported in {:.1} s", elapsed.as_secs_f64());
}

async fn repeated_failed_client_sign_ins_are_refused_for_a_while(db: Db) {
    let client = Client::new(db).await;
    // An email of its own: the count is kept per server process, per email.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let email = format!("guess-{nanos}@example.com");
    for _ in 0..10 {
        assert!(!client.login(&email, "guess").await);
    }
    let body = format!("workspace=acme&email={}&password=guess", urlencode(&email));
    let refused = client.form("client_login", &body, None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text);
    assert_eq!(refused.body["error"], "too_many_requests");
    // Another client is not held up.
    assert!(!client.login("nobody-else@example.com", "guess").await);
}

/// The batch's valid rows as the server checks them, and its records.
type Valid = Vec<(u64, Vec<Option<String>>)>;

fn checked(template: &csv_import_core::Template, rows: &Value) -> (Valid, Vec<csv_import_core::Record>) {
    let records: Vec<csv_import_core::Record> = serde_json::from_value(rows.clone()).unwrap();
    let checker = csv_import_core::recheck::Rechecker::new(template, "2026-12-03T00:00:00.000Z").unwrap();
    let valid = records
        .iter()
        .map(|r| (r.row, checker.check(r).expect("a valid row").iter().map(app::backend::records::stored).collect()))
        .collect();
    (valid, records)
}

/// [`client_accounts::commit`](app::portal::backend::client_accounts::commit) in a
/// transaction of its own, as the batch's commit runs it.
async fn commit_in_transaction(
    db: &Db,
    workspace_id: i64,
    template: &csv_import_core::Template,
    valid: Vec<(u64, Vec<Option<String>>)>,
    records: &[csv_import_core::Record],
    passwords: &app::portal::backend::client_accounts::Passwords,
) -> app::model::BatchResult {
    let mut tx = db.begin().await.unwrap();
    let result = app::portal::backend::client_accounts::commit(
        tx.conn(),
        workspace_id,
        template,
        valid,
        records,
        passwords,
        "2026-12-03T00:00:00.000Z",
        csv_import_core::Lang::En,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    result
}

/// argon2 runs before the batch's write transaction (SQLite's write lock
/// is not held for it): the hashes decided then are the ones stored, unless
/// the account's hash changed in between, when the commit decides again.
async fn passwords_are_hashed_before_the_write_transaction(db: Db) {
    use app::portal::backend::client_accounts::hash_passwords;
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    client.import(&admin, json!([row(1, "ada@example.com", "Analytical#1815", &[], &[])])).await;
    let template = app::backend::access::template(TEMPLATE).unwrap();
    let acme: i64 =
        on_pool!(client.db.pool, p => sqlx::query_scalar("SELECT id FROM workspaces WHERE slug = 'acme'").fetch_one(p).await).unwrap();
    let rows = json!([
        row(1, "ada@example.com", "Second#Pass22", &[], &[]),
        row(2, "new@example.com", "Brand#New333", &[], &[]),
        row(3, "ada2@example.com", "Third#Pass333", &[], &[]),
    ]);
    let (valid, records) = checked(&template, &rows);
    let passwords = hash_passwords(&client.db, acme, &template, &valid).await.unwrap();
    let decided: Vec<String> = ["ada@example.com", "new@example.com"]
        .iter()
        .map(|e| passwords.new_hash(e).expect("a new password gets a hash").to_string())
        .collect();
    // Another import changes ada2's account meanwhile (it did not exist).
    client.import(&admin, json!([row(1, "ada2@example.com", "Other#Pass4444", &[], &[])])).await;
    let result = commit_in_transaction(&client.db, acme, &template, valid, &records, &passwords).await;
    assert_eq!((result.inserted, result.updated, result.unchanged), (1, 2, 0), "{result:?}");
    assert_eq!(client.hash_of("ada@example.com").await, decided[0], "the hash made before the transaction");
    assert_eq!(client.hash_of("new@example.com").await, decided[1]);
    assert!(client.login("ada2@example.com", "Third#Pass333").await, "decided again: the account had changed");
    assert!(client.login("ada@example.com", "Second#Pass22").await);

    // A password that verifies against the stored hash keeps it.
    let hash = client.hash_of("new@example.com").await;
    let rows = json!([row(2, "new@example.com", "Brand#New333", &[], &[])]);
    let (valid, records) = checked(&template, &rows);
    let passwords = hash_passwords(&client.db, acme, &template, &valid).await.unwrap();
    assert_eq!(passwords.new_hash("new@example.com"), None);
    let result = commit_in_transaction(&client.db, acme, &template, valid, &records, &passwords).await;
    assert_eq!((result.inserted, result.updated, result.unchanged), (0, 0, 1), "{result:?}");
    assert_eq!(client.hash_of("new@example.com").await, hash);
}

/// The Tags page refuses what a tag cell of a file could not hold, with a
/// message saying what to change; names match by the one folding rule.
async fn tag_names_are_checked_like_tag_cells(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    for name in ["=HYPERLINK(1)", "+1", "<b>vip</b>", "tab\there", "bell\u{7}", &"x".repeat(101)] {
        let answer = client.form("add_tag", &format!("name={}", urlencode(name)), Some(&admin)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name:?}: {}", answer.text);
        assert!(!answer.body["message"].as_str().unwrap_or_default().is_empty(), "{}", answer.text);
    }
    let control = client.form("add_tag", &format!("name={}", urlencode("bell\u{7}")), Some(&admin)).await;
    assert!(control.body["message"].as_str().unwrap().contains("control characters"), "{}", control.text);
    let tags = client.form("list_tags", "", Some(&admin)).await.body;
    assert_eq!(tags.as_array().unwrap().len(), 2, "nothing added: {tags}");

    let added = client.form("add_tag", &format!("name={}", urlencode("Ölwerk")), Some(&admin)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let again = client.form("add_tag", &format!("name={}", urlencode("ÖLWERK")), Some(&admin)).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    let rows = json!([row(1, "ada@example.com", "Analytical#1815", &["ölwerk"], &[])]);
    let (batch, _) = client.import(&admin, rows).await;
    assert_eq!(counts(&batch), (1, 0, 0, 0), "{batch}");
    assert_eq!(client.accounts(&admin, "").await["accounts"][0]["tags"], json!(["Ölwerk"]));
}

/// An attribute value with a NUL (which PostgreSQL's text refuses) skips
/// its row with a reason naming the attribute; the other rows are stored.
async fn an_attribute_a_database_refuses_skips_its_row(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let (batch, _) = client
        .import(
            &admin,
            json!([
                row(1, "a@example.com", "Good#Pass123", &[], &[("Note", "fine")]),
                row(2, "b@example.com", "Good#Pass123", &[], &[("Note", "nul\u{0}here")]),
            ]),
        )
        .await;
    assert_eq!(counts(&batch), (1, 0, 0, 1), "{batch}");
    assert_eq!(batch["skipped"][0]["row"], 2);
    assert!(batch["skipped"][0]["reasons"][0].as_str().unwrap().contains("Note"), "{batch}");
}

/// Every row's password is hashed before its batch: the batches are the
/// 500 rows a few seconds of hashing allow, not the 5,000 other imports take.
async fn batches_stay_small_where_each_row_is_hashed(db: Db) {
    let site = Client::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let started = site.start(&admin, 501).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    assert_eq!(started.body["max_batch_rows"], 500);
    let id = started.body["import_id"].as_str().unwrap().to_string();
    let rows: Vec<Value> = (1..=501)
        .map(|i| json!({"row": i, "values": [format!("c{i}@example.com"), "First", "Last", "correct horse 1", null, null]}))
        .collect();
    let batch = site.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), &admin).await;
    assert_eq!(batch.status, StatusCode::BAD_REQUEST, "{}", batch.text);
    assert!(batch.text.contains("at most 500 rows"), "{}", batch.text);
    let stored: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM client_accounts").fetch_one(p).await).unwrap();
    assert_eq!(stored, 0);
}
