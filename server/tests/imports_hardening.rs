//! Imports under stress: a row the database refuses is skipped with a
//! reason while its neighbours are committed (in a background job and in
//! `commit_batch`), and only a fault that is not about rows fails a job, with
//! a message; batches carry no more rows than the import announced; a batch
//! acknowledged by `stage_batch` is never left out of the job, however it
//! races `queue_import`; a member sends rows only to their own imports (or
//! is an admin); imports left in staging are abandoned after a day. Every
//! scenario runs on SQLite and on PostgreSQL.

#[macro_use]
mod common;

use app::backend::jobs::{self, RunnerConfig};
use axum::http::StatusCode;
use common::{Answer, Site};
use csv_import::db::{on_conn, on_pool, Backend, Db};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

on_both!(
    a_row_the_database_refuses_is_skipped_and_the_job_goes_on,
    commit_batch_skips_a_row_the_database_refuses,
    a_job_fails_only_for_what_is_not_about_rows_and_says_so,
    batches_carry_no_more_rows_than_announced,
    a_staged_batch_is_never_dropped_by_a_racing_queue,
    members_send_rows_only_to_their_own_imports,
    imports_left_in_staging_are_abandoned_after_a_day,
);

/// A runner for tests: named, quick to poll.
fn runner(name: &str) -> RunnerConfig {
    RunnerConfig { name: name.to_string(), poll: Duration::from_millis(5), stale: Duration::from_secs(30) }
}

/// `n` valid client rows numbered from `first`, emails tagged `tag`, each
/// with its own phone number.
fn clients(tag: &str, first: u64, n: u64) -> Vec<Value> {
    (first..first + n)
        .map(|i| {
            json!({"row": i, "values": [format!("P{i}"), "Lee", format!("p{i}.{tag}@example.com"),
                format!("+1 415 555 {:04}", i), "Northwind"]})
        })
        .collect()
}

impl Site {
    async fn start(&self, cookie: &str, file_name: &str, total_rows: u64) -> String {
        let import =
            json!({"import": {"template": "clients", "file_name": file_name, "total_rows": total_rows, "skipped": []}});
        let answer = self.json("start_import", import, cookie).await;
        assert_eq!(answer.status, StatusCode::OK, "start_import: {}", answer.text);
        answer.body["import_id"].as_str().unwrap().to_string()
    }

    async fn batch(&self, function: &str, cookie: &str, import_id: &str, seq: u32, rows: &[Value]) -> Answer {
        self.json(function, json!({"batch": {"import_id": import_id, "seq": seq, "rows": rows}}), cookie).await
    }

    async fn import(&self, cookie: &str, import_id: &str) -> Value {
        let answer = self.form("get_import", &format!("import_id={import_id}"), Some(cookie)).await;
        assert_eq!(answer.status, StatusCode::OK, "get_import: {}", answer.text);
        answer.body
    }

    async fn emails(&self) -> BTreeSet<String> {
        on_pool!(self.db.pool, p => sqlx::query_scalar::<_, Option<String>>("SELECT email FROM clients")
            .fetch_all(p)
            .await)
            .unwrap()
            .into_iter()
            .flatten()
            .collect()
    }

    async fn sql(&self, sql: &str) {
        on_pool!(self.db.pool, p => sqlx::raw_sql(sql).execute(p).await.map(drop)).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Rules a database administrator added that the template does not
    /// know: a client's company may not be "Refused Inc", and a phone
    /// number belongs to one client of a workspace.
    async fn add_database_rules(&self) {
        match self.db.backend() {
            Backend::Postgres => {
                self.sql("ALTER TABLE clients ADD CONSTRAINT clients_company_allowed CHECK (company <> 'Refused Inc')")
                    .await
            }
            Backend::Sqlite => {
                self.sql(
                    "CREATE TRIGGER clients_company_allowed BEFORE INSERT ON clients WHEN NEW.company = 'Refused Inc' \
                     BEGIN SELECT RAISE(ABORT, 'company not allowed'); END",
                )
                .await
            }
        }
        self.sql("CREATE UNIQUE INDEX clients_workspace_phone ON clients (workspace_id, phone)").await;
    }
}

fn skipped_rows(summary: &Value) -> Vec<(u64, String)> {
    summary["skipped_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["row"].as_u64().unwrap(), s["reasons"][0].as_str().unwrap().to_string()))
        .collect()
}

/// A batch of four rows, of which the database refuses the second (its
/// company breaks a constraint) and the fourth (the phone number of the
/// first: a unique index that the browser's check cannot see).
fn batch_with_two_refused_rows(tag: &str, first: u64) -> Vec<Value> {
    let mut rows = clients(tag, first, 4);
    rows[1]["values"][4] = json!("Refused Inc");
    rows[3]["values"][3] = rows[0]["values"][3].clone();
    rows
}

fn assert_refused_reasons(skipped: &[(u64, String)], rows: [u64; 2]) {
    assert_eq!(skipped.iter().map(|s| s.0).collect::<Vec<_>>(), rows.to_vec(), "{skipped:?}");
    assert!(skipped[0].1.starts_with("The database refused this row: one of its values"), "{}", skipped[0].1);
    assert!(skipped[1].1.starts_with("The database refused this row: a value that must be unique"), "{}", skipped[1].1);
}

async fn a_row_the_database_refuses_is_skipped_and_the_job_goes_on(db: Db) {
    let site = Site::new(db).await;
    site.add_database_rules().await;
    let admin = site.sign_in("admin@acme.test").await;
    let before = site.emails().await.len();
    let id = site.start(&admin, "rules.csv", 12).await;
    assert_eq!(site.batch("stage_batch", &admin, &id, 0, &clients("job", 1, 4)).await.status, StatusCode::OK);
    let bad = site.batch("stage_batch", &admin, &id, 1, &batch_with_two_refused_rows("job", 5)).await;
    assert_eq!(bad.status, StatusCode::OK, "{}", bad.text);
    assert_eq!(site.batch("stage_batch", &admin, &id, 2, &clients("job", 9, 4)).await.status, StatusCode::OK);
    assert_eq!(site.form("queue_import", &format!("import_id={id}"), Some(&admin)).await.status, StatusCode::OK);

    assert!(jobs::run_once(&site.db, &runner("r")).await.unwrap());
    let summary = site.import(&admin, &id).await;
    assert_eq!((summary["state"].clone(), summary["job"].clone()), (json!("done"), json!("done")), "{summary}");
    assert_eq!((summary["inserted"].clone(), summary["skipped"].clone()), (json!(10), json!(2)));
    assert_eq!(summary["failure"], Value::Null);
    assert_refused_reasons(&skipped_rows(&summary), [6, 8]);
    // The three batches, staged ahead of the job, could not go in one
    // transaction: each was committed alone, with its own counts.
    let counts: Vec<(i64, i64, i64)> =
        on_pool!(site.db.pool, p => sqlx::query_as("SELECT seq, inserted, skipped FROM import_batches WHERE import_id = $1 ORDER BY seq")
            .bind(id.clone())
            .fetch_all(p)
            .await)
            .unwrap();
    assert_eq!(counts, vec![(0, 4, 0), (1, 2, 2), (2, 4, 0)]);
    let emails = site.emails().await;
    assert_eq!(emails.len(), before + 10, "the other rows of every batch are stored");
    assert!(emails.contains("p5.job@example.com") && emails.contains("p7.job@example.com"));
    assert!(!emails.contains("p6.job@example.com") && !emails.contains("p8.job@example.com"));
}

async fn commit_batch_skips_a_row_the_database_refuses(db: Db) {
    let site = Site::new(db).await;
    site.add_database_rules().await;
    let admin = site.sign_in("admin@acme.test").await;
    let before = site.emails().await.len();
    let id = site.start(&admin, "rules.csv", 8).await;
    let answer = site.batch("commit_batch", &admin, &id, 0, &batch_with_two_refused_rows("fg", 1)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!((answer.body["inserted"].clone(), answer.body["already_applied"].clone()), (json!(2), json!(false)));
    let skipped: Vec<(u64, String)> = answer.body["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["row"].as_u64().unwrap(), s["reasons"][0].as_str().unwrap().to_string()))
        .collect();
    assert_refused_reasons(&skipped, [2, 4]);
    // Sent again: the stored answer, nothing written twice.
    let again = site.batch("commit_batch", &admin, &id, 0, &batch_with_two_refused_rows("fg", 1)).await;
    assert_eq!((again.body["already_applied"].clone(), again.body["inserted"].clone()), (json!(true), json!(2)));
    assert_eq!(site.emails().await.len(), before + 2);

    // A French import gets the reason in French.
    let import = json!({"import": {"template": "clients", "file_name": "fr.csv", "total_rows": 14, "skipped": [], "lang": "fr"}});
    let french = site.json("start_import", import, &admin).await.body["import_id"].as_str().unwrap().to_string();
    let answer = site.batch("commit_batch", &admin, &french, 0, &batch_with_two_refused_rows("fr", 11)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let reason = answer.body["skipped"][0]["reasons"][0].as_str().unwrap();
    assert!(reason.starts_with("La base de données a refusé cette ligne"), "{reason}");
    let finished = site.form("finish_import", &format!("import_id={id}&cancelled=false"), Some(&admin)).await;
    assert_eq!((finished.status, finished.body["skipped"].clone()), (StatusCode::OK, json!(2)), "{}", finished.text);
}

async fn a_job_fails_only_for_what_is_not_about_rows_and_says_so(db: Db) {
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let since =
        site.form("import_notifications", "since=", Some(&admin)).await.body["now"].as_str().unwrap().to_string();
    let id = site.start(&admin, "gone.csv", 4).await;
    assert_eq!(site.batch("stage_batch", &admin, &id, 0, &clients("gone", 1, 4)).await.status, StatusCode::OK);
    assert_eq!(site.form("queue_import", &format!("import_id={id}"), Some(&admin)).await.status, StatusCode::OK);
    // The record table is out of reach while the job runs (as when the
    // database is gone): not a fault of any row.
    site.sql("ALTER TABLE clients RENAME TO clients_away").await;
    let config = runner("r");
    for _ in 0..jobs::MAX_ATTEMPTS {
        assert!(jobs::run_once(&site.db, &config).await.unwrap());
    }
    site.sql("ALTER TABLE clients_away RENAME TO clients").await;

    let summary = site.import(&admin, &id).await;
    assert_eq!((summary["state"].clone(), summary["job"].clone()), (json!("cancelled"), json!("failed")), "{summary}");
    assert_eq!(summary["skipped"], 0, "no row is blamed");
    assert_eq!(summary["failure"]["cause"], "infrastructure");
    let message = summary["failure"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("not about your rows"), "{message}");
    let list = site.form("list_imports", "", Some(&admin)).await;
    let listed = list.body.as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap().clone();
    assert_eq!(listed["failure"]["message"], message.as_str());
    let news = site.form("import_notifications", &format!("since={}", since.replace(':', "%3A")), Some(&admin)).await;
    assert_eq!(news.status, StatusCode::OK, "{}", news.text);
    assert_eq!(news.body["finished"][0]["failure"]["message"], message.as_str(), "{}", news.text);
}

async fn batches_carry_no_more_rows_than_announced(db: Db) {
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    for function in ["commit_batch", "stage_batch"] {
        let id = site.start(&admin, "five.csv", 5).await;
        let refused = |answer: &Answer, what: &str| {
            assert_eq!(
                (answer.status, answer.body["error"].clone()),
                (StatusCode::BAD_REQUEST, json!("bad_request")),
                "{function} {what}: {}",
                answer.text
            );
            answer.body["message"].as_str().unwrap().to_string()
        };
        let ok = site.batch(function, &admin, &id, 0, &clients(function, 1, 3)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        // Three more rows would make six of an import of five.
        let message = refused(&site.batch(function, &admin, &id, 1, &clients(function, 3, 3)).await, "too many rows");
        assert!(message.contains("announced 5 rows") && message.contains("would carry 6"), "{message}");
        // A retry of the first batch is not counted again.
        let again = site.batch(function, &admin, &id, 0, &clients(function, 1, 3)).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        // Row numbers outside the file, a row twice, a batch number out of range.
        let message = refused(&site.batch(function, &admin, &id, 1, &clients(function, 6, 1)).await, "row 6");
        assert!(message.contains("Row 6 is not a row of the file"), "{message}");
        refused(&site.batch(function, &admin, &id, 1, &clients(function, 0, 1)).await, "row 0");
        let twice = [clients(function, 4, 1), clients(function, 4, 1)].concat();
        assert!(refused(&site.batch(function, &admin, &id, 1, &twice).await, "twice").contains("sent twice"));
        assert!(refused(&site.batch(function, &admin, &id, 5, &clients(function, 4, 1)).await, "seq")
            .contains("out of range"));
        // What fits is taken, and then nothing more.
        let ok = site.batch(function, &admin, &id, 1, &clients(function, 4, 2)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        refused(&site.batch(function, &admin, &id, 2, &clients(function, 5, 1)).await, "a sixth row");
    }
    let stored: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE email LIKE '%.commit_batch@example.com'")
        .fetch_one(p)
        .await)
        .unwrap();
    let staged: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT CAST(SUM(row_count) AS BIGINT) FROM import_staged")
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!((stored, staged), (5, 5));
}

async fn a_staged_batch_is_never_dropped_by_a_racing_queue(db: Db) {
    let site = Arc::new(Site::new(db).await);
    let admin = Arc::new(site.sign_in("admin@acme.test").await);

    // The interleaving itself: a queueing holds the import and has sealed its
    // job, not yet committed, when a batch comes. The batch waits, then is
    // refused: acknowledged, it would be staged behind the job's back.
    let id = site.start(&admin, "interleaved.csv", 4).await;
    assert_eq!(site.batch("stage_batch", &admin, &id, 0, &clients("il", 1, 2)).await.status, StatusCode::OK);
    let mut queueing = site.db.begin().await.unwrap();
    let hold = match site.db.backend() {
        Backend::Postgres => "SELECT state FROM imports WHERE id = $1 FOR UPDATE",
        Backend::Sqlite => "UPDATE imports SET state = state WHERE id = $1 RETURNING state",
    };
    on_conn!(queueing.conn(), c => sqlx::query(hold).bind(id.clone()).fetch_one(c).await.map(drop)).unwrap();
    let sealed = on_conn!(queueing.conn(), c => sqlx::query("UPDATE import_jobs SET sealed = 1 WHERE import_id = $1")
        .bind(id.clone())
        .execute(c)
        .await
        .map(|done| done.rows_affected()))
        .unwrap();
    assert_eq!(sealed, 1, "the first batch made the job");
    let late = {
        let (site, admin, id) = (site.clone(), admin.clone(), id.clone());
        tokio::spawn(async move { site.batch("stage_batch", &admin, &id, 1, &clients("il", 3, 2)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    queueing.commit().await.unwrap();
    let late = late.await.unwrap();
    assert_eq!(late.status, StatusCode::CONFLICT, "a batch staged while the import was queued: {}", late.text);
    let staged: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged WHERE import_id = $1")
        .bind(id.clone())
        .fetch_one(p)
        .await)
        .unwrap();
    assert_eq!(staged, 1, "only the batch staged before the queueing");

    // Many batches and a queueing at once, a runner polling all along.
    // A runner polls all along, so a batch staged after the job read the
    // staged batches would be left out (and then deleted with them).
    let runner = jobs::spawn(site.db.clone(), runner("racer"));
    // Big batches: encoding one takes long enough for a queue and a job to
    // pass between a check and a write that are not one transaction.
    const ROUNDS: u32 = 3;
    let per_batch = 250_u64;
    let batches = 16_u32;
    let mut acknowledged = BTreeSet::new();
    let mut refused = 0;
    for round in 0..ROUNDS {
        let id = site.start(&admin, &format!("race{round}.csv"), u64::from(batches) * per_batch).await;
        let mut tasks = Vec::new();
        for seq in 0..batches {
            let (site, admin, id) = (site.clone(), admin.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                // The queue goes out among the batches.
                if seq == batches / 2 {
                    let queued = site.form("queue_import", &format!("import_id={id}"), Some(&admin)).await;
                    assert_eq!(queued.status, StatusCode::OK, "{}", queued.text);
                }
                let rows = clients(&format!("r{round}"), u64::from(seq) * per_batch + 1, per_batch);
                let answer = site.batch("stage_batch", &admin, &id, seq, &rows).await;
                (seq, answer.status, answer.text)
            }));
        }
        for task in tasks {
            let (seq, status, text) = task.await.unwrap();
            match status {
                StatusCode::OK => {
                    acknowledged.insert((round, seq));
                }
                StatusCode::CONFLICT => refused += 1,
                other => panic!("batch {seq}: {other} {text}"),
            }
        }
        // The job ends.
        let mut state = String::new();
        for _ in 0..400 {
            state = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT state FROM import_jobs WHERE import_id = $1")
                .bind(id.clone())
                .fetch_one(p)
                .await)
                .unwrap();
            if state == "done" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(state, "done");
    }
    runner.abort();
    let emails = site.emails().await;
    for round in 0..ROUNDS {
        for seq in 0..batches {
            for i in u64::from(seq) * per_batch + 1..=u64::from(seq + 1) * per_batch {
                let committed = emails.contains(&format!("p{i}.r{round}@example.com"));
                assert_eq!(
                    committed,
                    acknowledged.contains(&(round, seq)),
                    "round {round}, batch {seq}: acknowledged batches are committed, refused ones not"
                );
            }
        }
    }
    let left: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM import_staged").fetch_one(p).await).unwrap();
    assert_eq!(left, 0, "no staged batch is left behind");
    assert!(refused > 0 && !acknowledged.is_empty(), "the race ran both ways: {refused} refused");
}

async fn members_send_rows_only_to_their_own_imports(db: Db) {
    let site = Site::new(db).await;
    let workspace = app::backend::auth::NewUser {
        email: "second.staff@acme.test".into(),
        name: "Second Staff".into(),
        password: "demo-password".into(),
        workspace_slug: "acme".into(),
        workspace_name: None,
        role: app::model::Role::Staff,
    };
    app::backend::auth::add_user(&site.db, &workspace).await.expect("second staff user");
    let staff = site.sign_in("staff@acme.test").await;
    let other = site.sign_in("second.staff@acme.test").await;
    let admin = site.sign_in("admin@acme.test").await;

    let foreground = site.start(&staff, "mine.csv", 6).await;
    let background = site.start(&staff, "mine-too.csv", 6).await;
    // Another staff member of the workspace: as if the imports did not exist.
    for (function, id) in [("commit_batch", &foreground), ("stage_batch", &background)] {
        let answer = site.batch(function, &other, id, 0, &clients("other", 1, 1)).await;
        assert_eq!(
            (answer.status, answer.body["error"].clone()),
            (StatusCode::NOT_FOUND, json!("not_found")),
            "{function}: {}",
            answer.text
        );
    }
    for id in [&foreground, &background] {
        let queued = site.form("queue_import", &format!("import_id={id}"), Some(&other)).await;
        assert_eq!(queued.status, StatusCode::NOT_FOUND, "{}", queued.text);
        let finished = site.form("finish_import", &format!("import_id={id}&cancelled=true"), Some(&other)).await;
        assert_eq!(finished.status, StatusCode::NOT_FOUND, "{}", finished.text);
    }
    // They may still look at it, as at every import of the workspace.
    assert_eq!(site.import(&other, &foreground).await["state"], "running");
    assert!(site.emails().await.iter().all(|e| !e.ends_with(".other@example.com")));

    // Whoever started it, and an admin, may.
    let mine = site.batch("commit_batch", &staff, &foreground, 0, &clients("own", 1, 2)).await;
    assert_eq!((mine.status, mine.body["inserted"].clone()), (StatusCode::OK, json!(2)), "{}", mine.text);
    let by_admin = site.batch("commit_batch", &admin, &foreground, 1, &clients("own", 3, 2)).await;
    assert_eq!((by_admin.status, by_admin.body["inserted"].clone()), (StatusCode::OK, json!(2)), "{}", by_admin.text);
    assert_eq!(site.batch("stage_batch", &staff, &background, 0, &clients("bg", 1, 2)).await.status, StatusCode::OK);
    assert_eq!(site.batch("stage_batch", &admin, &background, 1, &clients("bg", 3, 2)).await.status, StatusCode::OK);
    let queued = site.form("queue_import", &format!("import_id={background}"), Some(&admin)).await;
    assert_eq!(queued.status, StatusCode::OK, "{}", queued.text);
    let finished = site.form("finish_import", &format!("import_id={foreground}&cancelled=false"), Some(&staff)).await;
    assert_eq!((finished.status, finished.body["state"].clone()), (StatusCode::OK, json!("done")), "{}", finished.text);
}

async fn imports_left_in_staging_are_abandoned_after_a_day(db: Db) {
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let old = site.start(&admin, "old.csv", 4).await;
    let fresh = site.start(&admin, "fresh.csv", 4).await;
    let queued = site.start(&admin, "queued.csv", 4).await;
    for id in [&old, &fresh, &queued] {
        assert_eq!(site.batch("stage_batch", &admin, id, 0, &clients("stale", 1, 2)).await.status, StatusCode::OK);
    }
    assert_eq!(site.form("queue_import", &format!("import_id={queued}"), Some(&admin)).await.status, StatusCode::OK);
    // Two of them were staged two days ago; one of those was queued.
    on_pool!(site.db.pool, p => sqlx::query("UPDATE import_staged SET created_at = '2026-01-01T00:00:00.000Z' WHERE import_id <> $1")
        .bind(fresh.clone())
        .execute(p)
        .await
        .map(drop))
        .unwrap();

    assert_eq!(jobs::drop_abandoned(&site.db, jobs::ABANDON_AFTER).await.unwrap(), 1);
    assert_eq!(jobs::drop_abandoned(&site.db, jobs::ABANDON_AFTER).await.unwrap(), 0, "once");
    let staged = |id: String| {
        let pool = site.db.pool.clone();
        async move {
            on_pool!(pool, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM import_staged WHERE import_id = $1")
                .bind(id)
                .fetch_one(p)
                .await)
                .unwrap()
        }
    };
    assert_eq!((staged(old.clone()).await, staged(fresh.clone()).await, staged(queued.clone()).await), (0, 1, 1));
    let summary = site.import(&admin, &old).await;
    assert_eq!(
        (summary["state"].clone(), summary["failure"]["cause"].clone()),
        (json!("cancelled"), json!("abandoned"))
    );
    assert!(summary["failure"]["message"].as_str().unwrap().contains("stopped before every row was sent"), "{summary}");
    assert_eq!(site.import(&admin, &fresh).await["state"], "running");
    // The abandoned import takes no more rows.
    let late = site.batch("stage_batch", &admin, &old, 1, &clients("stale", 3, 1)).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
    // Its job, which was waiting for the next batch, is ended by a runner
    // (nothing left to commit); the fresh import's job waits on.
    let runner = jobs::RunnerConfig::new();
    while jobs::run_once(&site.db, &runner).await.unwrap() {}
    let job_of = |id: String| {
        let pool = site.db.pool.clone();
        async move {
            on_pool!(pool, p => sqlx::query_as::<_, (String, i64)>("SELECT state, sealed FROM import_jobs WHERE import_id = $1")
                .bind(id)
                .fetch_one(p)
                .await)
                .unwrap()
        }
    };
    assert_eq!(job_of(old.clone()).await, ("done".to_string(), 1));
    assert_eq!(job_of(fresh.clone()).await, ("queued".to_string(), 0));
    assert_eq!(site.import(&admin, &fresh).await["inserted"], 2, "its first batch was committed while it waits");
    assert_eq!(site.import(&admin, &old).await["state"], "cancelled");
}
