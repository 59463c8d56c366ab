//! Seed 001, partner leads, over HTTP as a browser calls it: the real
//! router, real cookies, on a fresh SQLite file and a fresh PostgreSQL
//! schema (`<scenario>::sqlite`, `<scenario>::postgres`).

#[macro_use]
mod common;

use axum::http::StatusCode;
use csv_import::db::{on_pool, Db};
use serde_json::{json, Value};

on_both!(
    partners_and_teams_show_their_ids_and_a_partner_sees_only_their_own,
    references_know_partner_and_partner_user_ids,
    a_user_of_another_partner_is_flagged_and_rejects_the_whole_batch,
    imported_leads_start_pending_and_an_admin_approves_or_rejects_them,
    a_partner_user_imports_only_for_their_own_partner,
    the_form_decides_the_template_its_sample_and_its_checks,
    leads_already_registered_are_flagged_by_email,
);

const TEMPLATE: &str = "partner-leads";

use common::{Answer, Site as Client};

impl Client {
    /// Start an import of `rows`, send them as batch 0, finish it; the batch's answer.
    async fn import(&self, cookie: &str, rows: Value) -> Value {
        let n = rows.as_array().unwrap().len() as u64;
        let import = json!({"import": {"template": TEMPLATE, "file_name": "leads.csv", "total_rows": n, "skipped": []}});
        let started = self.json("start_import", import, cookie).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text);
        let id = started.body["import_id"].as_str().unwrap().to_string();
        let batch = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(batch.status, StatusCode::OK, "{}", batch.text);
        let again = self.json("commit_batch", json!({"batch": {"import_id": id, "seq": 0, "rows": rows}}), cookie).await;
        assert_eq!(again.body["already_applied"], true, "a batch sent twice is applied once");
        let finished = self.form("finish_import", &format!("import_id={id}&cancelled=false"), Some(cookie)).await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.text);
        batch.body
    }

    /// The stored leads of Acme as "email partner/user state", by email.
    async fn leads(&self) -> Vec<String> {
        let rows: Vec<(String, String, String, String)> = on_pool!(self.db.pool, p => sqlx::query_as(
            "SELECT l.email, p.code, u.code, l.state FROM partner_leads l JOIN partners p ON p.id = l.partner_id \
             JOIN partner_users u ON u.id = l.partner_user_id JOIN workspaces w ON w.id = l.workspace_id \
             WHERE w.slug = 'acme' ORDER BY l.email",
        )
        .fetch_all(p)
        .await)
        .unwrap();
        rows.into_iter().map(|(e, p, u, s)| format!("{e} {p}/{u} {s}")).collect()
    }

    async fn list(&self, cookie: &str, state: &str) -> Answer {
        self.form("list_partner_leads", &format!("state={state}"), Some(cookie)).await
    }
}

/// A row of the default form: first, last, email, company, phone, partner, partner user.
fn row(n: u64, email: &str, partner: &str, user: &str) -> Value {
    json!({"row": n, "values": ["Grace", "Hopper", email, "Cobol Systems", "+1 202 555 0143", partner, user]})
}

/// A `check_combinations` body for the partner-leads pairs.
fn together(combinations: Value) -> Value {
    json!({"template": "partner-leads", "fields": ["partner_id", "partner_user_id"], "combinations": combinations})
}

fn counts(batch: &Value) -> (u64, usize) {
    (batch["inserted"].as_u64().unwrap(), batch["skipped"].as_array().unwrap().len())
}

fn reasons(batch: &Value, i: usize) -> Vec<String> {
    batch["skipped"][i]["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect()
}

const SEEDED: [&str; 2] = ["linus.t@example.net P-1001/PU-2002 approved", "margaret.h@example.org P-1002/PU-2003 pending"];

async fn partners_and_teams_show_their_ids_and_a_partner_sees_only_their_own(db: Db) {
    let client = Client::new(db).await;
    assert_eq!(client.form("list_partners", "", None).await.status, StatusCode::UNAUTHORIZED);

    let viewer = client.sign_in("viewer@acme.test").await;
    let list = client.form("list_partners", "", Some(&viewer)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(
        list.body,
        json!([
            {"id": "P-1002", "name": "Contoso Resellers", "team": 1, "leads": 1, "pending": 1},
            {"id": "P-1001", "name": "Northwind Partners", "team": 2, "leads": 1, "pending": 0},
        ])
    );
    // The details list the team with each user's ID; the ID is found in any case.
    let details = client.form("get_partner", "id=p-1001", Some(&viewer)).await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.text);
    assert_eq!(details.body["partner"]["id"], "P-1001");
    let team: Vec<(&str, &str)> = details.body["team"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), u["name"].as_str().unwrap()))
        .collect();
    assert_eq!(team, [("PU-2001", "Nora North"), ("PU-2002", "Omar Ortiz")]);

    // A partner's user sees their own partner only, and themselves marked.
    let partner = client.sign_in("partner@northwind.test").await;
    let own = client.form("list_partners", "", Some(&partner)).await;
    let ids: Vec<&str> = own.body.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["P-1001"]);
    let team = client.form("get_partner", "id=P-1001", Some(&partner)).await;
    assert_eq!(team.body["team"][0]["you"], true, "{}", team.text);
    assert_eq!(team.body["team"][1]["you"], false);
    let other = client.form("get_partner", "id=P-1002", Some(&partner)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.text);

    // Another workspace has none of them.
    let globex = client.sign_in("admin@globex.test").await;
    assert_eq!(client.form("list_partners", "", Some(&globex)).await.body, json!([]));
    assert_eq!(client.form("get_partner", "id=P-1001", Some(&globex)).await.status, StatusCode::NOT_FOUND);
}

async fn references_know_partner_and_partner_user_ids(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let check = |field: &str, values: Value| json!({"template": TEMPLATE, "field": field, "values": values});
    let partners = client.json("check_references", check("partner_id", json!(["P-1001", "p-1002", "P-9999", ""])), &admin).await;
    assert_eq!(partners.status, StatusCode::OK, "{}", partners.text);
    assert_eq!(partners.body, json!(["P-9999"]));
    let users = client.json("check_references", check("partner_user_id", json!(["PU-2001", "pu-2003", "PU-7", "P-1001"])), &admin).await;
    assert_eq!(users.body, json!(["PU-7", "P-1001"]));
    // Another workspace knows none of Acme's IDs.
    let globex = client.sign_in("admin@globex.test").await;
    let theirs = client.json("check_references", check("partner_id", json!(["P-1001"])), &globex).await;
    assert_eq!(theirs.body, json!(["P-1001"]));
    // Staff and viewers may not import partner leads, so they may not ask.
    let staff = client.sign_in("staff@acme.test").await;
    let refused = client.json("check_references", check("partner_id", json!(["P-1001"])), &staff).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    let pairs = client.json("check_combinations", together(json!([["P-1001", "PU-2001"]])), &staff).await;
    assert_eq!(pairs.status, StatusCode::FORBIDDEN, "{}", pairs.text);
}

async fn a_user_of_another_partner_is_flagged_and_rejects_the_whole_batch(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    // The browser asks about the distinct pairs; only the mismatched one comes back.
    let pairs = client
        .json(
            "check_combinations",
            together(json!([["P-1001", "PU-2001"], ["P-1001", "PU-2003"], ["p-1002", "pu-2003"], ["P-1001", "PU-404"]])),
            &admin,
        )
        .await;
    assert_eq!(pairs.status, StatusCode::OK, "{}", pairs.text);
    let problems = pairs.body.as_array().unwrap();
    assert_eq!(problems.len(), 1, "{}", pairs.text);
    assert_eq!(problems[0]["values"], json!(["P-1001", "PU-2003"]));
    assert_eq!(problems[0]["marked"], 1, "the Partner User ID is the cell to fix");
    assert!(problems[0]["message"].as_str().unwrap().contains("belongs to partner P-1002, not P-1001"), "{}", pairs.text);
    // In the modal's language when it says which.
    let mut body = together(json!([["P-1001", "PU-2003"]]));
    body["lang"] = json!("fr");
    let french = client.json("check_combinations", body, &admin).await;
    assert_eq!(french.status, StatusCode::OK, "{}", french.text);
    let message = french.body[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("appartient au partenaire P-1002, pas à P-1001"), "{}", french.text);
    // Only a group the template declares, with one value per field; a
    // template without such a group cannot be asked.
    let other = json!({"template": "partner-leads", "fields": ["partner_id", "email"], "combinations": [["P-1001", "a@b.c"]]});
    let refused = client.json("check_combinations", other, &admin).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert!(refused.text.contains("does not check the fields partner_id, email together"), "{}", refused.text);
    let short = client.json("check_combinations", together(json!([["P-1001"]])), &admin).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.text);
    let clients = json!({"template": "clients", "fields": ["email", "phone"], "combinations": [["a@b.c", "1"]]});
    assert_eq!(client.json("check_combinations", clients, &admin).await.status, StatusCode::BAD_REQUEST);
    // A NUL (which PostgreSQL refuses in text) or an overlong value is no one's pair: not a 500.
    let odd = client.json("check_combinations", together(json!([["P-1001\u{0}", "PU-2003"], ["P-1001", "x".repeat(5000)]])), &admin).await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.text);
    let many: Vec<Value> = (0..10_001).map(|i| json!([format!("P-{i}"), "PU-1"])).collect();
    let too_many = client.json("check_combinations", together(json!(many)), &admin).await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST, "{}", too_many.text);

    // A batch with one such row, and one unknown partner: nothing is stored,
    // every row says why.
    let batch = client
        .import(
            &admin,
            json!([
                row(1, "ada@example.com", "P-1001", "PU-2001"),
                row(2, "alan@example.com", "P-1001", "PU-2003"),
                row(3, "edsger@example.com", "P-1002", "PU-2003"),
                row(4, "barbara@example.com", "P-4040", "PU-2001"),
            ]),
        )
        .await;
    assert_eq!(counts(&batch), (0, 4), "{batch}");
    assert!(reasons(&batch, 0)[0].starts_with("Not imported: rows 2, 4 of this file have errors"), "{:?}", reasons(&batch, 0));
    assert_eq!(
        reasons(&batch, 1),
        ["Partner User ID: Partner user PU-2003 belongs to partner P-1002, not P-1001. Use the ID of someone on P-1001's team (on its partner page), or correct the Partner ID."]
    );
    assert!(reasons(&batch, 2)[0].starts_with("Not imported:"), "{:?}", reasons(&batch, 2));
    assert!(reasons(&batch, 3)[0].contains("no partner with the ID \"P-4040\""), "{:?}", reasons(&batch, 3));
    assert_eq!(client.leads().await, SEEDED);

    // The browser may not start a file it found rows with errors in.
    let import = json!({"import": {"template": TEMPLATE, "file_name": "leads.csv", "total_rows": 2,
        "skipped": [{"row": 2, "reasons": ["Email: required"]}]}});
    let refused = client.json("start_import", import, &admin).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert!(refused.text.contains("every row is valid"), "{}", refused.text);
}

async fn imported_leads_start_pending_and_an_admin_approves_or_rejects_them(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let batch = client
        .import(&admin, json!([row(1, "Ada@Example.com", "P-1001", "PU-2001"), row(2, "alan@example.com", "p-1002", "PU-2003")]))
        .await;
    assert_eq!(counts(&batch), (2, 0), "{batch}");
    assert_eq!(
        client.leads().await,
        [
            "ada@example.com P-1001/PU-2001 pending",
            "alan@example.com P-1002/PU-2003 pending",
            "linus.t@example.net P-1001/PU-2002 approved",
            "margaret.h@example.org P-1002/PU-2003 pending",
        ]
    );

    let pending = client.list(&admin, "pending").await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.text);
    assert_eq!((pending.body["total"].clone(), pending.body["pending"].clone()), (json!(3), json!(3)));
    assert_eq!(pending.body["may_review"], true);
    let newest = &pending.body["leads"][0];
    assert_eq!(newest["email"], "alan@example.com");
    assert_eq!(newest["partner_name"], "Contoso Resellers");
    assert_eq!(newest["details"][0], json!(["First name", "Grace"]));
    let ada = pending.body["leads"][1]["id"].as_i64().unwrap();

    // Only an admin reviews, once.
    let staff = client.sign_in("staff@acme.test").await;
    let refused = client.form("review_lead", &format!("id={ada}&decision=approve"), Some(&staff)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    let approved = client.form("review_lead", &format!("id={ada}&decision=approve"), Some(&admin)).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body, json!("approved"));
    let twice = client.form("review_lead", &format!("id={ada}&decision=reject"), Some(&admin)).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text);
    let bad = client.form("review_lead", &format!("id={ada}&decision=maybe"), Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    let globex = client.sign_in("admin@globex.test").await;
    let elsewhere = client.form("review_lead", &format!("id={ada}&decision=reject"), Some(&globex)).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "{}", elsewhere.text);
    assert!(client.leads().await.contains(&"ada@example.com P-1001/PU-2001 approved".to_string()));

    // The partner sees their own leads' states, not the other partner's.
    let partner = client.sign_in("partner@northwind.test").await;
    let theirs = client.list(&partner, "").await;
    let seen: Vec<(String, String)> = theirs.body["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["email"].as_str().unwrap().to_string(), l["state"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(seen, [("ada@example.com".into(), "approved".into()), ("linus.t@example.net".into(), "approved".into())]);
    assert_eq!(theirs.body["may_review"], false);
    let bad_state = client.list(&partner, "lost").await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST, "{}", bad_state.text);
}

async fn a_partner_user_imports_only_for_their_own_partner(db: Db) {
    let client = Client::new(db).await;
    let partner = client.sign_in("partner@northwind.test").await;
    let access = client.form("get_template", &format!("name={TEMPLATE}"), Some(&partner)).await;
    assert_eq!(access.body["may_import"], true, "{}", access.text);
    // Other imports stay closed to a partner.
    let clients = client.form("get_template", "name=clients", Some(&partner)).await;
    assert_eq!(clients.body["may_import"], false, "{}", clients.text);

    let pairs =
        client.json("check_combinations", together(json!([["P-1002", "PU-2003"], ["P-1001", "PU-2002"]])), &partner).await;
    assert_eq!(pairs.status, StatusCode::OK, "{}", pairs.text);
    assert_eq!(pairs.body.as_array().unwrap().len(), 1, "{}", pairs.text);
    assert_eq!(pairs.body[0]["marked"], 0, "the Partner ID is the cell to fix");
    assert!(pairs.body[0]["message"].as_str().unwrap().contains("only for your own partner, P-1001"), "{}", pairs.text);
    // Another partner's team member: not on theirs, without saying whose.
    let stranger = client.json("check_combinations", together(json!([["P-1001", "PU-2003"]])), &partner).await;
    assert_eq!(stranger.body[0]["marked"], 1, "{}", stranger.text);
    let message = stranger.body[0]["message"].as_str().unwrap();
    assert!(message.contains("PU-2003 is not on the team of P-1001"), "{message}");
    assert!(!message.contains("P-1002"), "{message}");
    // Nor whether an ID off their team exists: the reference check tells
    // them nothing, and the pair check says the same of PU-2003 and PU-7.
    let check = |field: &str, values: Value| json!({"template": TEMPLATE, "field": field, "values": values});
    for (field, values) in [("partner_id", json!(["P-1001", "P-1002", "P-9999"])), ("partner_user_id", json!(["PU-2002", "PU-2003", "PU-7"]))] {
        let unknown = client.json("check_references", check(field, values), &partner).await;
        assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.text);
        assert_eq!(unknown.body, json!([]), "{field}");
    }
    let strangers = client.json("check_combinations", together(json!([["P-1001", "PU-2003"], ["P-1001", "PU-7"], ["P-9999", "PU-2002"]])), &partner).await;
    let told: Vec<String> = strangers.body.as_array().unwrap().iter().map(|p| p["message"].as_str().unwrap().replace("PU-2003", "PU-7")).collect();
    assert_eq!(told.len(), 3, "{}", strangers.text);
    assert_eq!(told[0], told[1], "one message whether the user exists or not");
    assert!(told[2].contains("only for your own partner, P-1001"), "{}", told[2]);
    let nowhere = client.import(&partner, json!([row(1, "ada@example.com", "P-1001", "PU-7")])).await;
    let elsewhere = client.import(&partner, json!([row(1, "ada@example.com", "P-1001", "PU-2003")])).await;
    assert_eq!(counts(&nowhere), (0, 1), "{nowhere}");
    assert_eq!(reasons(&nowhere, 0), reasons(&elsewhere, 0).iter().map(|r| r.replace("PU-2003", "PU-7")).collect::<Vec<_>>());
    assert!(reasons(&nowhere, 0)[0].contains("not on the team of P-1001"), "{nowhere}");
    let unknown_partner = client.import(&partner, json!([row(1, "ada@example.com", "P-9999", "PU-2002")])).await;
    let other_partner = client.import(&partner, json!([row(1, "ada@example.com", "P-1002", "PU-2002")])).await;
    assert_eq!(reasons(&unknown_partner, 0), reasons(&other_partner, 0).iter().map(|r| r.replace("P-1002", "P-9999")).collect::<Vec<_>>());

    let refused = client.import(&partner, json!([row(1, "ada@example.com", "P-1002", "PU-2003")])).await;
    assert_eq!(counts(&refused), (0, 1), "{refused}");
    assert!(reasons(&refused, 0)[0].starts_with("Partner ID: You may import leads only for your own partner"), "{refused}");
    // For a teammate, or for themselves, it works.
    let batch = client
        .import(&partner, json!([row(1, "ada@example.com", "P-1001", "PU-2002"), row(2, "alan@example.com", "P-1001", "PU-2001")]))
        .await;
    assert_eq!(counts(&batch), (2, 0), "{batch}");

    // A partner neither reviews nor edits the form.
    let list = client.list(&partner, "pending").await;
    let id = list.body["leads"][0]["id"].as_i64().unwrap();
    let review = client.form("review_lead", &format!("id={id}&decision=approve"), Some(&partner)).await;
    assert_eq!(review.status, StatusCode::FORBIDDEN, "{}", review.text);
    let form = client.json("save_lead_form", json!({"fields": [{"label": "Email", "key": "email", "type": "email", "required": true}]}), &partner).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN, "{}", form.text);

    // Nor do they see the workspace's records or its other imports.
    for (name, body) in [
        ("list_records", "entity=clients&search=&page=0"),
        ("list_crm_clients", "search="),
        ("list_client_accounts", "search="),
        ("list_coaching", "search="),
        ("list_tags", ""),
        ("list_imports", ""),
    ] {
        let answer = client.form(name, body, Some(&partner)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{name}: {}", answer.text);
    }
    let admin = client.sign_in("admin@acme.test").await;
    let theirs = json!({"import": {"template": "clients", "file_name": "c.csv", "total_rows": 0, "skipped": []}});
    let id = client.json("start_import", theirs, &admin).await.body["import_id"].as_str().unwrap().to_string();
    let peek = client.form("get_import", &format!("import_id={id}"), Some(&partner)).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND, "{}", peek.text);
    assert_eq!(client.form("get_import", &format!("import_id={id}"), Some(&admin)).await.status, StatusCode::OK);
}

async fn the_form_decides_the_template_its_sample_and_its_checks(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let default = client.form("get_lead_form", "", Some(&admin)).await;
    assert_eq!(default.status, StatusCode::OK, "{}", default.text);
    assert_eq!(default.body["updated_at"], Value::Null);
    assert_eq!(default.body["fields"][0], json!({"label": "First name", "key": "first_name", "type": "text", "required": false, "options": []}));

    // A form without a required email is refused, naming the fix.
    let no_email = client
        .json("save_lead_form", json!({"fields": [{"label": "Company", "key": "", "type": "text", "required": true, "options": []}]}), &admin)
        .await;
    assert_eq!(no_email.status, StatusCode::BAD_REQUEST, "{}", no_email.text);
    assert!(no_email.text.contains("key email"), "{}", no_email.text);
    let staff = client.sign_in("staff@acme.test").await;
    let fields = json!({"fields": [
        {"label": "Email", "key": "email", "type": "email", "required": true, "options": []},
        {"label": "Budget band", "key": "", "type": "select", "required": true, "options": ["Small", "Large"]},
        {"label": "Notes", "key": "notes", "type": "text", "required": false, "options": []},
    ]});
    assert_eq!(client.json("save_lead_form", fields.clone(), &staff).await.status, StatusCode::FORBIDDEN);
    let saved = client.json("save_lead_form", fields, &admin).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["fields"][1]["key"], "budget_band");

    // The template, its required columns and its sample follow the form.
    let access = client.form("get_template", &format!("name={TEMPLATE}"), Some(&admin)).await;
    let template = &access.body["template"];
    let keys: Vec<&str> = template["fields"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["email", "budget_band", "notes", "partner_id", "partner_user_id"]);
    let required: Vec<&str> =
        template["fields"].as_array().unwrap().iter().filter(|f| f["required"] == true).map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(required, ["email", "budget_band", "partner_id", "partner_user_id"]);
    let listed = client.form("list_templates", "", Some(&admin)).await;
    let listed = listed.body.as_array().unwrap().iter().find(|t| t["name"] == TEMPLATE).unwrap().clone();
    assert_eq!(&listed, template);
    let sample = client.send("GET", "/templates/partner-leads/sample.csv", "text/plain", String::new(), Some(&admin)).await;
    assert_eq!(sample.status, StatusCode::OK);
    assert!(sample.text.starts_with("Email,Budget band,Notes,Partner ID,Partner User ID\r\ngrace.hopper@example.com,Small,Example,P-1001,PU-2001\r\n"), "{}", sample.text);
    // Without a session, and in another workspace, the default form's sample.
    let anonymous = client.send("GET", "/templates/partner-leads/sample.csv", "text/plain", String::new(), None).await;
    assert!(anonymous.text.starts_with("first_name,last_name,email,company,phone,partner_id,partner_user_id\r\n"), "{}", anonymous.text);
    let globex = client.sign_in("admin@globex.test").await;
    let theirs = client.send("GET", "/templates/partner-leads/sample.csv", "text/plain", String::new(), Some(&globex)).await;
    assert!(theirs.text.starts_with("First name,Last name,Email,Company,Phone,Partner ID,Partner User ID\r\n"), "{}", theirs.text);

    // The server checks rows against the form: a missing budget or one
    // that is no option rejects the batch; the fixed file imports.
    let bad = client
        .import(
            &admin,
            json!([
                {"row": 1, "values": ["ada@example.com", "Large", null, "P-1001", "PU-2001"]},
                {"row": 2, "values": ["alan@example.com", null, null, "P-1001", "PU-2001"]},
                {"row": 3, "values": ["edsger@example.com", "Huge", null, "P-1001", "PU-2001"]},
            ]),
        )
        .await;
    assert_eq!(counts(&bad), (0, 3), "{bad}");
    assert!(reasons(&bad, 1)[0].starts_with("Budget band:"), "{:?}", reasons(&bad, 1));
    assert!(reasons(&bad, 2)[0].starts_with("Budget band:"), "{:?}", reasons(&bad, 2));
    let good = client
        .import(&admin, json!([{"row": 1, "values": ["ada@example.com", "large", "Met at the fair", "P-1001", "PU-2001"]}]))
        .await;
    assert_eq!(counts(&good), (1, 0), "{good}");
    let list = client.list(&admin, "pending").await;
    assert_eq!(list.body["leads"][0]["details"], json!([["Budget band", "Large"], ["Notes", "Met at the fair"]]));
}

async fn leads_already_registered_are_flagged_by_email(db: Db) {
    let client = Client::new(db).await;
    let admin = client.sign_in("admin@acme.test").await;
    let ask = |values: Value| json!({"template": TEMPLATE, "field": "email", "values": values});
    let found = client.json("existing_values", ask(json!(["LINUS.T@example.net", "new@example.com", "margaret.h@example.org"])), &admin).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.body, json!(["linus.t@example.net", "margaret.h@example.org"]));
    let other_field = client.json("existing_values", json!({"template": TEMPLATE, "field": "company", "values": ["x"]}), &admin).await;
    assert_eq!(other_field.status, StatusCode::BAD_REQUEST, "{}", other_field.text);
    // A partner learns only about their own partner's leads.
    let partner = client.sign_in("partner@northwind.test").await;
    let theirs = client.json("existing_values", ask(json!(["linus.t@example.net", "margaret.h@example.org"])), &partner).await;
    assert_eq!(theirs.body, json!(["linus.t@example.net"]));
    let viewer = client.sign_in("viewer@acme.test").await;
    assert_eq!(client.json("existing_values", ask(json!(["a@b.test"])), &viewer).await.status, StatusCode::FORBIDDEN);
    // A duplicate is a warning, not an error: when the user goes ahead, it is added.
    let batch = client.import(&admin, json!([row(1, "linus.t@example.net", "P-1001", "PU-2002")])).await;
    assert_eq!(counts(&batch), (1, 0), "{batch}");
}
