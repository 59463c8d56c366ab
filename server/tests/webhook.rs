//! The webhook destination against a real HTTP receiver on a local port:
//! the receiver checks every signature (Standard Webhooks), applies each
//! `webhook-id` once, and is made to fail (500s, answers that never come,
//! connections dropped mid-request, refusals) to show that every valid row
//! arrives, none is applied twice, and a receiver that stays down stops the
//! import with its own words. Runs in its own process: the registries are
//! process-wide.

#[macro_use]
mod common;

use app::backend::jobs::{self, RunnerConfig};
use axum::http::StatusCode;
use common::Site;
use csv_import::db::{on_pool, Db};
use csv_import::destination::{self, Webhook};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

on_both!(
    failed_deliveries_are_tried_again_and_each_row_arrives_once,
    a_background_import_delivers_every_batch_once_across_a_restart,
    a_refusal_or_a_receiver_that_stays_down_stops_the_import_with_its_words,
    a_refusal_in_the_background_keeps_the_batches_delivered_before_it,
);

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver does with the next request.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Apply the batch and answer, as without a fault.
    Pass,
    /// Answer 500.
    Error,
    /// Read the request, then wait past the sender's timeout.
    Hang,
    /// Read the request, then close the connection without an answer.
    Drop,
    /// Answer 422 with a message of its own.
    Refuse,
    /// Apply the batch, then never answer (the sender's process dies, or
    /// the answer is lost).
    ApplyThenHang,
    /// Answer 200 with two megabytes of nothing useful.
    Huge,
}

/// The host's receiver and what it saw.
#[derive(Default)]
struct Receiver {
    faults: Mutex<VecDeque<Fault>>,
    /// Every post, by `webhook-id`, whatever came of it.
    posts: Mutex<HashMap<String, usize>>,
    /// The answers to the ids applied, given again to a post of one of them.
    answered: Mutex<HashMap<String, String>>,
    /// The rows applied: (import id, row number, email).
    applied: Mutex<Vec<(String, u64, String)>>,
    /// Posts whose signature did not verify.
    forged: AtomicUsize,
}

impl Receiver {
    fn fail_next(&self, faults: &[Fault]) {
        self.faults.lock().unwrap().extend(faults);
    }

    fn posts_of(&self, id: &str) -> usize {
        self.posts.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    fn applied_in(&self, import_id: &str) -> Vec<u64> {
        let mut rows: Vec<u64> =
            self.applied.lock().unwrap().iter().filter(|(i, ..)| i == import_id).map(|(_, r, _)| *r).collect();
        rows.sort();
        rows
    }

    /// Listen on a free local port; the receiver's address.
    async fn start(self: &Arc<Self>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}/hooks/contacts?token=t0k3n", listener.local_addr().unwrap());
        let receiver = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let receiver = receiver.clone();
                tokio::spawn(async move { receiver.serve(stream).await });
            }
        });
        address
    }

    /// One request per connection (answered with `Connection: close`).
    async fn serve(&self, mut stream: TcpStream) {
        let Some((headers, body)) = read_request(&mut stream).await else { return };
        let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        *self.posts.lock().unwrap().entry(id.clone()).or_default() += 1;
        let fault = self.faults.lock().unwrap().pop_front();
        let (status, answer) = match fault {
            Some(Fault::Error) => (500, "database is restarting".to_string()),
            Some(Fault::Hang) => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                return;
            }
            Some(Fault::Drop) => return,
            Some(Fault::Refuse) => (422, "Quota exceeded: this workspace may hold 10 contacts.".to_string()),
            Some(Fault::Huge) => (200, " ".repeat(2 * 1024 * 1024)),
            Some(Fault::ApplyThenHang) => {
                self.apply(&id, &headers, &body);
                tokio::time::sleep(Duration::from_secs(3)).await;
                return;
            }
            Some(Fault::Pass) | None => self.apply(&id, &headers, &body),
        };
        let reason = if status == 200 { "OK" } else { "Not OK" };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    /// Check the signature, then apply the batch once per id: rows whose
    /// email is at example.org are refused with a reason.
    fn apply(&self, id: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> (u16, String) {
        if standardwebhooks::Webhook::new(SECRET).unwrap().verify(body, headers).is_err() {
            self.forged.fetch_add(1, Ordering::SeqCst);
            return (401, "bad signature".to_string());
        }
        // Held until the answer is kept: two copies of a batch arriving at
        // once are applied once, as a receiver's unique key on the id does.
        let mut answered = self.answered.lock().unwrap();
        if let Some(answer) = answered.get(id) {
            return (200, answer.clone());
        }
        let posted: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(posted["type"], "import.rows");
        let data = &posted["data"];
        let import_id = data["import_id"].as_str().unwrap().to_string();
        assert_eq!(id, format!("{import_id}-{}", data["seq"]), "the id is the batch's (import id, seq)");
        let mut rejected = Vec::new();
        for row in data["rows"].as_array().unwrap() {
            let number = row["row"].as_u64().unwrap();
            let email = row["values"]["email"].as_str().unwrap().to_string();
            if email.ends_with("@example.org") {
                rejected.push(json!({"row": number, "reason": "The CRM takes no example.org addresses."}));
            } else {
                self.applied.lock().unwrap().push((import_id.clone(), number, email));
            }
        }
        let answer = json!({"rejected": rejected}).to_string();
        answered.insert(id.to_string(), answer.clone());
        (200, answer)
    }
}

/// A request's headers and body, read by hand (one request, HTTP/1.1).
async fn read_request(stream: &mut TcpStream) -> Option<(axum::http::HeaderMap, Vec<u8>)> {
    let mut data = Vec::new();
    let mut chunk = [0_u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut headers = axum::http::HeaderMap::new();
    for line in head.lines().skip(1).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers.append(
            axum::http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            value.trim().parse().ok()?,
        );
    }
    let length: usize = headers.get("content-length")?.to_str().ok()?.parse().ok()?;
    while data.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    }
    Some((headers, data[head_end..head_end + length].to_vec()))
}

/// A host template that posts to `url`, under a name of its own; `extra`
/// is added to its `[webhook]` table.
fn contacts_template(url: &str, extra: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("contacts-{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let background = if extra.contains("# background") { "background = true" } else { "" };
    let text = format!(
        r#"
name = "{name}"
label = "Contacts"
destination = "test-hook"
key = ["email"]
{background}

[[fields]]
key = "email"
label = "Email"
type = "email"
required = true

[[fields]]
key = "name"
label = "Name"

[webhook]
url = "{url}"
timeout_ms = 400
{extra}
"#
    );
    let template = csv_import_core::Template::from_toml(&text).unwrap();
    app::backend::templates::register(template).unwrap();
    destination::register(Arc::new(Webhook::new("test-hook").with_secret(SECRET)));
    name
}

fn contacts(first: u64, n: u64, domain: &str) -> Value {
    let rows: Vec<Value> = (first..first + n)
        .map(|i| json!({"row": i, "values": [format!("person{i}@{domain}"), format!("Person {i}")]}))
        .collect();
    Value::Array(rows)
}

async fn start(site: &Site, cookie: &str, template: &str, total_rows: u64) -> String {
    let start = json!({"import": {"template": template, "file_name": "contacts.csv", "total_rows": total_rows, "skipped": []}});
    let started = site.json("start_import", start, cookie).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    // A receiver takes each batch in one request: 500 rows at most.
    assert_eq!(started.body["max_batch_rows"], 500);
    started.body["import_id"].as_str().unwrap().to_string()
}

async fn commit(site: &Site, cookie: &str, id: &str, seq: u32, rows: Value) -> common::Answer {
    site.json("commit_batch", json!({"batch": {"import_id": id, "seq": seq, "rows": rows}}), cookie).await
}

/// Stage `batches` batches of `per_batch` contacts each (rows numbered
/// from 1 on) for a background import, then queue it.
async fn stage_and_queue(site: &Site, cookie: &str, id: &str, batches: u32, per_batch: u64) {
    for seq in 0..batches {
        let rows = contacts(u64::from(seq) * per_batch + 1, per_batch, "acme.test");
        let staged = site.json("stage_batch", json!({"batch": {"import_id": id, "seq": seq, "rows": rows}}), cookie).await;
        assert_eq!(staged.status, StatusCode::OK, "{}", staged.text);
    }
    assert_eq!(site.form("queue_import", &format!("import_id={id}"), Some(cookie)).await.status, StatusCode::OK);
}

async fn failed_deliveries_are_tried_again_and_each_row_arrives_once(db: Db) {
    let receiver = Arc::new(Receiver::default());
    let template = contacts_template(&receiver.start().await, "");
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let id = start(&site, &admin, &template, 7).await;

    // A 500, an answer that never comes, a connection dropped: the fourth
    // post gets through, and the receiver's refusal is a skipped row.
    receiver.fail_next(&[Fault::Error, Fault::Hang, Fault::Drop]);
    let mut rows = contacts(1, 3, "acme.test");
    rows.as_array_mut().unwrap().push(json!({"row": 4, "values": ["someone@example.org", "Refused"]}));
    let answer = commit(&site, &admin, &id, 0, rows.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["inserted"], 3, "{}", answer.text);
    assert_eq!(answer.body["skipped"][0]["row"], 4, "{}", answer.text);
    assert_eq!(answer.body["skipped"][0]["reasons"][0], "The CRM takes no example.org addresses.");
    assert_eq!(receiver.posts_of(&format!("{id}-0")), 4);

    // The same batch again (a retry after a lost answer): applied before,
    // so nothing is posted again.
    let again = commit(&site, &admin, &id, 0, rows).await;
    assert_eq!((again.status, again.body["already_applied"].clone()), (StatusCode::OK, json!(true)), "{}", again.text);
    assert_eq!(receiver.posts_of(&format!("{id}-0")), 4);

    // Two copies of the next batch racing: both may be posted, with the same
    // id, and the receiver applies it once; the import counts it once.
    let (a, b) = tokio::join!(
        commit(&site, &admin, &id, 1, contacts(5, 3, "acme.test")),
        commit(&site, &admin, &id, 1, contacts(5, 3, "acme.test")),
    );
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "{} / {}", a.text, b.text);
    assert_eq!(receiver.applied_in(&id), [1, 2, 3, 5, 6, 7], "each valid row once");
    let done = site.form("finish_import", &format!("import_id={id}&cancelled=false"), Some(&admin)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!((done.body["inserted"].clone(), done.body["skipped"].clone()), (json!(6), json!(1)), "{}", done.text);
    assert_eq!(receiver.forged.load(Ordering::SeqCst), 0, "every post was signed");

    // A template sent back by a browser cannot name a receiver: the server
    // knows the template's receiver from its own files only.
    let listed = site.form("list_templates", "", Some(&admin)).await;
    assert!(listed.text.contains(&template) && !listed.text.contains("t0k3n"), "{}", listed.text);
}

async fn a_background_import_delivers_every_batch_once_across_a_restart(db: Db) {
    let receiver = Arc::new(Receiver::default());
    let template = contacts_template(&receiver.start().await, "# background");
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let id = start(&site, &admin, &template, 90).await;
    stage_and_queue(&site, &admin, &id, 3, 30).await;

    // A runner posts the first batch, the receiver applies it, and the
    // runner's process dies before it hears back and commits: the receiver
    // has the rows, the database does not.
    let first = format!("{id}-0");
    receiver.fail_next(&[Fault::ApplyThenHang]);
    let runner = RunnerConfig { name: "r".into(), poll: Duration::from_millis(20), stale: Duration::from_secs(30) };
    let dead = RunnerConfig { name: "dead".into(), ..runner.clone() };
    let claim = jobs::claim(&site.db, &dead).await.unwrap().expect("the job is claimed");
    let (db, config, claimed) = (site.db.clone(), dead.clone(), claim.clone());
    let process = tokio::spawn(async move { jobs::run(&db, &config, &claimed).await });
    while receiver.posts_of(&first) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    process.abort();
    assert!(process.await.unwrap_err().is_cancelled());
    assert_eq!(receiver.applied_in(&id), (1..=30).collect::<Vec<u64>>());
    on_pool!(site.db.pool, p => sqlx::query("UPDATE import_jobs SET heartbeat_at = '2000-01-01T00:00:00.000Z' WHERE id = $1")
        .bind(claim.id)
        .execute(p)
        .await
        .map(drop))
        .unwrap();

    // After the restart another runner takes the job over: the first batch
    // is posted again with the same id, and applied once.
    receiver.fail_next(&[Fault::Error, Fault::Hang]);
    assert!(jobs::run_once(&site.db, &runner).await.unwrap(), "the abandoned job is claimed again");
    assert_eq!(receiver.posts_of(&first), 4, "one post before the restart, three after it");
    assert_eq!(receiver.applied_in(&id), (1..=90).collect::<Vec<u64>>(), "every row once");
    let summary = site.form("get_import", &format!("import_id={id}"), Some(&admin)).await;
    assert_eq!((summary.body["state"].clone(), summary.body["job"].clone()), (json!("done"), json!("done")), "{}", summary.text);
    assert_eq!(summary.body["inserted"], 90, "{}", summary.text);
}

async fn a_refusal_or_a_receiver_that_stays_down_stops_the_import_with_its_words(db: Db) {
    let receiver = Arc::new(Receiver::default());
    let url = receiver.start().await;
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;

    // In the modal: the receiver's own message, and nothing counted.
    let template = contacts_template(&url, "max_attempts = 3");
    let id = start(&site, &admin, &template, 4).await;
    receiver.fail_next(&[Fault::Refuse]);
    let refused = commit(&site, &admin, &id, 0, contacts(1, 2, "acme.test")).await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.text);
    assert!(refused.text.contains("Quota exceeded: this workspace may hold 10 contacts."), "{}", refused.text);
    assert!(refused.text.contains("127.0.0.1") && !refused.text.contains("t0k3n"), "the host, not its token: {}", refused.text);
    assert_eq!(receiver.posts_of(&format!("{id}-0")), 1, "a refusal is not tried again");
    receiver.fail_next(&[Fault::Error, Fault::Error, Fault::Error]);
    let down = commit(&site, &admin, &id, 1, contacts(3, 2, "acme.test")).await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY, "{}", down.text);
    assert!(down.text.contains("after 3 tries") && down.text.contains("database is restarting"), "{}", down.text);
    // An answer too long to be a list of rejections is not read to its end.
    receiver.fail_next(&[Fault::Huge]);
    let huge = commit(&site, &admin, &id, 1, contacts(3, 2, "acme.test")).await;
    assert_eq!(huge.status, StatusCode::BAD_GATEWAY, "{}", huge.text);
    assert!(huge.text.contains("with more than 1048576 bytes"), "{}", huge.text);
    // The receiver is back: the same batch goes through.
    let back = commit(&site, &admin, &id, 1, contacts(3, 2, "acme.test")).await;
    assert_eq!((back.status, back.body["inserted"].clone()), (StatusCode::OK, json!(2)), "{}", back.text);

    // In the background: the job stops at once, and the Imports page and the
    // notice say why, in the receiver's words.
    let template = contacts_template(&url, "max_attempts = 2\n# background");
    let since = site.form("import_notifications", "since=", Some(&admin)).await.body["now"].as_str().unwrap().to_string();
    let id = start(&site, &admin, &template, 4).await;
    stage_and_queue(&site, &admin, &id, 2, 2).await;
    receiver.fail_next(&[Fault::Refuse]);
    let runner = RunnerConfig { name: "r".into(), poll: Duration::from_millis(20), stale: Duration::from_secs(30) };
    assert!(jobs::run_once(&site.db, &runner).await.unwrap());
    assert!(!jobs::run_once(&site.db, &runner).await.unwrap(), "not tried again");
    let summary = site.form("get_import", &format!("import_id={id}"), Some(&admin)).await;
    assert_eq!((summary.body["state"].clone(), summary.body["job"].clone()), (json!("cancelled"), json!("failed")));
    assert_eq!(summary.body["failure"]["cause"], "destination", "{}", summary.text);
    let message = summary.body["failure"]["message"].as_str().unwrap();
    assert!(message.starts_with("The import stopped: the system that receives the rows"), "{message}");
    assert!(message.contains("Quota exceeded"), "{message}");
    let news = site.form("import_notifications", &format!("since={since}"), Some(&admin)).await;
    assert_eq!(news.body["finished"][0]["failure"], summary.body["failure"], "the notice says why: {}", news.text);
    assert!(receiver.applied_in(&id).is_empty());
}

async fn a_refusal_in_the_background_keeps_the_batches_delivered_before_it(db: Db) {
    let receiver = Arc::new(Receiver::default());
    let template = contacts_template(&receiver.start().await, "max_attempts = 2\n# background");
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let id = start(&site, &admin, &template, 6).await;
    // Three batches staged ahead of the job: the receiver takes the first
    // and refuses the second.
    stage_and_queue(&site, &admin, &id, 3, 2).await;
    receiver.fail_next(&[Fault::Pass, Fault::Refuse]);
    let runner = RunnerConfig { name: "r".into(), poll: Duration::from_millis(20), stale: Duration::from_secs(30) };
    assert!(jobs::run_once(&site.db, &runner).await.unwrap());
    let summary = site.form("get_import", &format!("import_id={id}"), Some(&admin)).await;
    assert_eq!((summary.body["state"].clone(), summary.body["job"].clone()), (json!("cancelled"), json!("failed")));
    assert_eq!(receiver.applied_in(&id), vec![1, 2], "the first batch arrived");
    assert_eq!(summary.body["inserted"], 2, "and is counted: {}", summary.text);
    assert_eq!(receiver.posts_of(&format!("{id}-2")), 0, "nothing is sent after the refusal");
}
