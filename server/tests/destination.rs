//! The destination seam: a host registers its own destination for a
//! template, and the import pipeline hands it the checked rows (never the
//! invalid ones), keeps its per-row answer as the import's counts and
//! skipped rows, applies a batch sent twice once, and asks it which values
//! it has already. Runs in its own process: the registry is process-wide.

#[macro_use]
mod common;

use axum::http::StatusCode;
use common::Site;
use csv_import::db::{on_pool, Db};
use csv_import::destination::{self, Batch, BatchResult, BoxFuture, Destination, Prepared, Rows, SessionInfo, SkippedRow};
use csv_import_core::Template;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

/// The one destination of this process, registered on first use (both
/// databases' scenarios run at once and share the registry).
fn memory() -> Arc<Memory> {
    static MEMORY: OnceLock<Arc<Memory>> = OnceLock::new();
    MEMORY
        .get_or_init(|| {
            let memory = Arc::new(Memory::default());
            destination::register(memory.clone());
            memory
        })
        .clone()
}

on_both!(a_registered_destination_receives_the_checked_rows_and_answers_for_them);

/// Keeps what it is handed in memory: the rows of each batch it wrote.
#[derive(Default)]
struct Memory {
    written: Mutex<Vec<(String, u32, Rows)>>,
}

impl Destination for Memory {
    fn name(&self) -> &str {
        "companies"
    }

    fn write<'a>(
        &'a self,
        _conn: app::backend::db::Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        mut skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, app::AppError>> {
        Box::pin(async move {
            // A destination may refuse rows of its own, with a reason.
            let (kept, refused): (Vec<_>, Vec<_>) =
                rows.into_iter().partition(|(_, values)| values[0].as_deref() != Some("Refused Ltd"));
            skipped.extend(refused.into_iter().map(|(row, _)| SkippedRow { row, reasons: vec!["Name: refused here.".into()] }));
            skipped.sort_by_key(|s| s.row);
            let result = BatchResult { inserted: kept.len() as u64, skipped, ..BatchResult::default() };
            self.written.lock().unwrap().push((batch.import_id.to_string(), batch.seq, kept));
            Ok(result)
        })
    }

    fn existing<'a>(
        &'a self,
        _db: &'a Db,
        _session: &'a SessionInfo,
        _template: &'a Template,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, app::AppError>> {
        Box::pin(async move {
            let stored: Vec<String> = self
                .written
                .lock()
                .unwrap()
                .iter()
                .flat_map(|(_, _, rows)| rows.iter().filter_map(|(_, v)| v[0].clone()))
                .map(|name| csv_import_core::fold_key(&name))
                .collect();
            assert_eq!(field, "name");
            Ok(values.iter().map(|v| csv_import_core::fold_key(v)).filter(|v| stored.contains(v)).collect())
        })
    }
}

async fn a_registered_destination_receives_the_checked_rows_and_answers_for_them(db: Db) {
    let memory = memory();
    let site = Site::new(db).await;
    let admin = site.sign_in("admin@acme.test").await;
    let table_before: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM companies").fetch_one(p).await).unwrap();

    let start = json!({"import": {"template": "companies", "file_name": "c.csv", "total_rows": 3, "skipped": []}});
    let started = site.json("start_import", start, &admin).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let id = started.body["import_id"].as_str().unwrap().to_string();
    let company = |row: u64, name: &str, website: &str| json!({"row": row, "values": [name, website, "", "", "", "", ""]});
    let rows = json!([
        company(1, "Ölwerk GmbH", "https://oelwerk.example"),
        company(2, "Refused Ltd", "https://refused.example"),
        company(3, "Broken Site", "not a url at all"),
    ]);
    let batch = json!({"batch": {"import_id": id, "seq": 0, "rows": rows}});
    let answer = site.json("commit_batch", batch.clone(), &admin).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["inserted"], 1, "{}", answer.text);
    let skipped: Vec<u64> = answer.body["skipped"].as_array().unwrap().iter().map(|s| s["row"].as_u64().unwrap()).collect();
    assert_eq!(skipped, [2, 3], "the destination's refusal and core's: {}", answer.text);

    // Only the rows core passed reached the destination, once, normalised.
    {
        let written = memory.written.lock().unwrap();
        let ours: Vec<_> = written.iter().filter(|(import, ..)| *import == id).collect();
        assert_eq!(ours.len(), 1);
        assert_eq!(ours[0].1, 0);
        let names: Vec<Option<String>> = ours[0].2.iter().map(|(_, v)| v[0].clone()).collect();
        assert_eq!(names, [Some("Ölwerk GmbH".to_string())]);
    }
    // A batch sent again is answered from the import's records, not written again.
    let again = site.json("commit_batch", batch, &admin).await;
    assert_eq!(again.body["already_applied"], true, "{}", again.text);
    assert_eq!(memory.written.lock().unwrap().iter().filter(|(import, ..)| *import == id).count(), 1);

    // The review step's existing-value check asks the destination.
    let existing = json!({"template": "companies", "field": "name", "values": ["ÖLWERK GMBH", "Other"]});
    let found = site.json("existing_values", existing, &admin).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.body, json!([csv_import_core::fold_key("Ölwerk GmbH")]));

    // The portal's own table was not touched.
    let table_after: i64 = on_pool!(site.db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM companies").fetch_one(p).await).unwrap();
    assert_eq!(table_before, table_after);
}
