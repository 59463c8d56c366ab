//! Seed 000, coaching leads, over HTTP as a browser calls it: the real
//! router, real cookies, on a fresh SQLite file and a fresh PostgreSQL
//! schema (`<scenario>::sqlite`, `<scenario>::postgres`).

#[macro_use]
mod common;

use axum::http::StatusCode;
use csv_import::db::{on_pool, Db};
use serde_json::{json, Value};

on_both!(
    only_admins_may_import_coaching_leads,
    check_references_answers_exactly_the_unknown_values,
    a_batch_with_an_unknown_coach_skips_that_row,
    importing_adds_pairs_and_leads_and_never_deletes,
);

const TEMPLATE: &str = "coaching-leads";

use common::{Answer, Site as Client};

impl Client {
    async fn check(&self, cookie: &str, field: &str, values: Value) -> Answer {
        self.json("check_references", json!({"template": TEMPLATE, "field": field, "values": values}), cookie).await
    }

    async fn start(&self, cookie: &str, total_rows: u64) -> Answer {
        let import = json!({"import": {"template": TEMPLATE, "file_name": "leads.csv", "total_rows": total_rows, "skipped": []}});
        self.json("start_import", import, cookie).await
    }

    /// Start an import, send `rows` as batch 0, finish it; the batch's answer.
    async fn import(&self, cookie: &str, rows: Value) -> Value {
        let n = rows.as_array().unwrap().len() as u64;
        let started = self.start(cookie, n).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text);
        let id = started.body["import_id"].as_str().unwrap().to_string();
        let batch = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(batch.status, StatusCode::OK, "{}", batch.text);
        let again = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(again.body["already_applied"], true, "a batch sent twice is applied once");
        let body = format!("import_id={id}&cancelled=false");
        let finished = self.form("finish_import", &body, Some(cookie)).await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
        batch.body
    }

    /// Every pair of Acme as "lead > coach", and every lead, sorted.
    async fn stored(&self) -> (Vec<String>, Vec<String>) {
        let pairs: Vec<(String, String)> = on_pool!(self.db.pool, p => sqlx::query_as(
            "SELECT l.email, c.email FROM coaching_pairs p JOIN users l ON l.id = p.lead_user_id \
             JOIN users c ON c.id = p.coach_user_id JOIN workspaces w ON w.id = p.workspace_id \
             WHERE w.slug = 'acme' ORDER BY l.email, c.email",
        )
        .fetch_all(p)
        .await)
        .unwrap();
        let leads: Vec<String> = on_pool!(self.db.pool, p => sqlx::query_scalar(
            "SELECT u.email FROM coaching_leads l JOIN users u ON u.id = l.user_id \
             JOIN workspaces w ON w.id = l.workspace_id WHERE w.slug = 'acme' ORDER BY u.email",
        )
        .fetch_all(p)
        .await)
        .unwrap();
        (pairs.into_iter().map(|(l, c)| format!("{l} > {c}")).collect(), leads)
    }
}

fn row(n: u64, lead: &str, coach: Option<&str>) -> Value {
    json!({"row": n, "values": [lead, coach]})
}

fn counts(batch: &Value) -> (u64, u64, u64, usize) {
    (
        batch["inserted"].as_u64().unwrap(),
        batch["updated"].as_u64().unwrap(),
        batch["unchanged"].as_u64().unwrap(),
        batch["skipped"].as_array().unwrap().len(),
    )
}

async fn only_admins_may_import_coaching_leads(db: Db) {
    let client = Client::new(db).await;
    for (email, role) in [("staff@acme.test", "staff"), ("viewer@acme.test", "viewer")] {
        let cookie = client.sign_in(email).await;
        let start = client.start(&cookie, 1).await;
        assert_eq!(start.status, StatusCode::FORBIDDEN, "{email}: {}", start.text);
        assert_eq!(start.body["error"], "forbidden");
        let message = start.body["message"].as_str().unwrap();
        assert!(message.contains(role) && message.contains("coaching leads"), "{message}");
        let check = client.check(&cookie, "coach_email", json!(["coach.amy@example.com"])).await;
        assert_eq!(check.status, StatusCode::FORBIDDEN, "{email}: {}", check.text);
        // The page explains it before the user picks a file.
        let access = client.form("get_template", &format!("name={TEMPLATE}"), Some(&cookie)).await;
        assert_eq!(access.body["may_import"], false);
        assert!(access.body["reason"].as_str().unwrap().contains(role), "{}", access.text);
    }
    // Not signed in: 401.
    let anonymous = client
        .send("POST", "/api/check_references", "application/json", json!({"template": TEMPLATE, "field": "coach_email", "values": []}).to_string(), None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let admin = client.sign_in("admin@acme.test").await;
    let access = client.form("get_template", &format!("name={TEMPLATE}"), Some(&admin)).await;
    assert_eq!(access.body["may_import"], true, "{}", access.text);
    assert_eq!(client.start(&admin, 1).await.status, StatusCode::OK);
    assert_eq!(client.check(&admin, "coach_email", json!([])).await.status, StatusCode::OK);
}

async fn check_references_answers_exactly_the_unknown_values(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let values = json!([
        "dana.lead@example.com",
        "Coach.Amy@Example.com",
        "coach.ghost@example.com",
        "coach.ghost@example.com",
        "",
        "  nobody@example.org ",
        "admin@globex.test"
    ]);
    let answer = client.check(&admin, "coach_email", values).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    // Members of another workspace are no users of this one.
    assert_eq!(answer.body, json!(["coach.ghost@example.com", "nobody@example.org", "admin@globex.test"]));
    let leads = client.check(&admin, "lead_email", json!(["eli.lead@example.com", "staff@acme.test"])).await;
    assert_eq!(leads.body, json!([]));

    // The field must exist and refer to something; other kinds are not checked yet.
    let bad_field = client.check(&admin, "lead_name", json!(["x"])).await;
    assert_eq!(bad_field.status, StatusCode::BAD_REQUEST, "{}", bad_field.text);
    let tags = client
        .json("check_references", json!({"template": "client-accounts", "field": "tag", "values": ["vip"]}), &admin)
        .await;
    // Tags are checked (see server/tests/client_accounts.rs).
    assert_eq!(tags.status, StatusCode::OK, "{}", tags.text);
    let no_reference = client
        .json("check_references", json!({"template": "clients", "field": "email", "values": ["a@b.test"]}), &admin)
        .await;
    assert_eq!(no_reference.status, StatusCode::BAD_REQUEST, "{}", no_reference.text);

    // At most 10,000 distinct values per call; the same value many times is one.
    let many: Vec<String> = (0..10_001).map(|i| format!("user{i}@example.com")).collect();
    let too_many = client.check(&admin, "coach_email", json!(many)).await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST, "{}", too_many.text);
    let enough: Vec<String> = (0..10_000).map(|i| format!("user{i}@example.com")).collect();
    let fine = client.check(&admin, "coach_email", json!(enough)).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.text);
    assert_eq!(fine.body.as_array().unwrap().len(), 10_000);
    // Rows are not what it takes: a row object is refused as input.
    let rows = client.check(&admin, "coach_email", json!([{"row": 1, "values": ["a"]}])).await;
    assert_eq!(rows.status, StatusCode::BAD_REQUEST, "{}", rows.text);
}

async fn a_batch_with_an_unknown_coach_skips_that_row(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let batch = client
        .import(
            &admin,
            json!([
                row(1, "dana.lead@example.com", Some("coach.amy@example.com")),
                row(2, "dana.lead@example.com", Some("coach.ghost@example.com")),
                row(3, "ghost.lead@example.com", None),
                row(4, "eli.lead@example.com", Some("eli.lead@example.com")),
                row(5, "eli.lead@example.com", Some("not-an-email")),
            ]),
        )
        .await;
    assert_eq!(counts(&batch), (1, 0, 0, 4), "{batch}");
    let skipped = batch["skipped"].as_array().unwrap();
    let reasons = |i: usize| skipped[i]["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(skipped.iter().map(|s| s["row"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert_eq!(
        reasons(0),
        ["Coach Email: coach.ghost@example.com is not a user of this workspace. Invite them first, or correct the email."]
    );
    assert!(reasons(1)[0].starts_with("Lead Email: ghost.lead@example.com is not a user"), "{:?}", reasons(1));
    assert!(reasons(2)[0].contains("own coach"), "{:?}", reasons(2));
    assert!(reasons(3)[0].starts_with("Coach Email:"), "{:?}", reasons(3));
    let (pairs, leads) = client.stored().await;
    assert_eq!(pairs, ["dana.lead@example.com > coach.amy@example.com"]);
    assert_eq!(leads, ["dana.lead@example.com"]);
}

async fn importing_adds_pairs_and_leads_and_never_deletes(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let file = json!([
        row(1, "dana.lead@example.com", Some("coach.amy@example.com")),
        row(2, "Dana.Lead@example.com", Some("coach.ben@example.com")),
        row(3, "eli.lead@example.com", Some("coach.amy@example.com")),
        row(4, "coach.ben@example.com", None),
    ]);
    let first = client.import(&admin, file.clone()).await;
    assert_eq!(counts(&first), (4, 0, 0, 0), "{first}");
    let (pairs, leads) = client.stored().await;
    assert_eq!(
        pairs,
        [
            "dana.lead@example.com > coach.amy@example.com",
            "dana.lead@example.com > coach.ben@example.com",
            "eli.lead@example.com > coach.amy@example.com",
        ]
    );
    assert_eq!(leads, ["coach.ben@example.com", "dana.lead@example.com", "eli.lead@example.com"]);

    // The same file again changes nothing.
    let again = client.import(&admin, file).await;
    assert_eq!(counts(&again), (0, 0, 4, 0), "{again}");

    // A second file without an earlier pair leaves that pair; a lead named
    // again without a coach is unchanged; the same pair twice is one pair.
    let second = client
        .import(
            &admin,
            json!([
                row(1, "eli.lead@example.com", Some("coach.ben@example.com")),
                row(2, "eli.lead@example.com", Some("coach.ben@example.com")),
                row(3, "dana.lead@example.com", None),
            ]),
        )
        .await;
    assert_eq!(counts(&second), (1, 0, 2, 0), "{second}");
    let (pairs, _) = client.stored().await;
    assert_eq!(pairs.len(), 4, "{pairs:?}");
    assert!(pairs.contains(&"dana.lead@example.com > coach.amy@example.com".to_string()));

    // The Coaches page's list, searched by a coach's email.
    let list = client.form("list_coaching", "search=COACH.BEN", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let leads: Vec<&str> = list.body["leads"].as_array().unwrap().iter().map(|l| l["lead"]["email"].as_str().unwrap()).collect();
    assert_eq!(leads, ["coach.ben@example.com", "dana.lead@example.com", "eli.lead@example.com"]);
    let dana = &list.body["leads"][1];
    let coaches: Vec<&str> = dana["coaches"].as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap()).collect();
    assert_eq!(coaches, ["coach.amy@example.com", "coach.ben@example.com"]);
    let eli = client.form("list_coaching", "search=eli.", Some(&admin)).await;
    assert_eq!(eli.body["total"], 1, "{}", eli.text);

    // Another workspace sees none of it; a viewer may look.
    let globex = client.sign_in("admin@globex.test").await;
    let theirs = client.form("list_coaching", "search=", Some(&globex)).await;
    assert_eq!(theirs.body["total"], 0, "{}", theirs.text);
    let viewer = client.sign_in("viewer@acme.test").await;
    let looks = client.form("list_coaching", "search=", Some(&viewer)).await;
    assert_eq!(looks.body["total"], 3, "{}", looks.text);
}
