//! How long the review's bulk fixes take in the worker's session on a big
//! file: `cargo run --release -p csv-import-engine --example bench_bulk_fix [ROWS]`
//! (default 1,000,000). A file of ROWS rows with "N/A" in a third of its
//! phone cells, capitalised emails and DD/MM/YYYY dates is read, then fixed
//! with three bulk actions, one undo and its redo; each is timed, and the
//! last lines are `name: value` figures for `make bench`.

use csv_import_engine::{CheckOptions, Target, load_in_chunks};
use csv_import_core::fix::{Case, Fix};
use csv_import_core::{RowErrorCode, Template};
use std::time::Instant;

fn main() {
    let rows: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    // As the page sends a template to the worker: JSON.
    let template: Template = serde_json::from_str(
        r#"{"name": "people", "label": "People", "fields": [
            {"key": "name", "required": true},
            {"key": "email", "type": "email", "unique": true},
            {"key": "phone", "type": "phone"},
            {"key": "born", "type": "date"}
        ]}"#,
    )
    .expect("the template");
    let mut text = String::with_capacity(rows * 64);
    text.push_str("name,email,phone,born\n");
    for i in 0..rows {
        let phone = if i % 3 == 0 { "N/A".to_string() } else { format!("+1 202 555 {:04}", 1000 + i % 9000) };
        text.push_str(&format!("P{i},P{i}@Example.COM,{phone},{:02}/{:02}/19{:02}\n", i % 28 + 1, i % 12 + 1, i % 100));
    }
    let options = CheckOptions { now: "2026-01-01T00:00:00Z".into(), ..CheckOptions::default() };
    let start = Instant::now();
    let mut session = load_in_chunks(text.as_bytes(), 1 << 20, template, options).unwrap_or_else(|s| panic!("{s:?}"));
    println!("read and checked {rows} rows: {} ms", start.elapsed().as_millis());
    let time = |name: &str, f: &mut dyn FnMut() -> u64| {
        let start = Instant::now();
        let cells = f();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!("{name}: {cells} cells in {ms:.0} ms");
        ms
    };
    let offers = time("offers", &mut || session.offers().len() as u64);
    let phones = time("empty the N/A phones", &mut || {
        session.apply_fix(Target { column: 2, code: Some(RowErrorCode::InvalidPhone) }, &Fix::Empty).cells
    });
    release(&mut session);
    let dates = time("reformat the dates", &mut || {
        let fix = Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").expect("formats");
        session.apply_fix(Target { column: 3, code: Some(RowErrorCode::InvalidDate) }, &fix).cells
    });
    release(&mut session);
    let emails = time("lower-case the emails", &mut || {
        session.apply_fix(Target { column: 1, code: None }, &Fix::Case(Case::Lower)).cells
    });
    release(&mut session);
    let undo = time("undo", &mut || session.undo().cells);
    release(&mut session);
    let redo = time("redo", &mut || session.redo().cells);
    release(&mut session);
    let summary = session.summary();
    assert_eq!(summary.report.rows.invalid, 0, "every row fixed");
    println!("undo history: {} MB", session.history_bytes() / 1_000_000);
    println!("bulk_fix_1m_rows_ms: {:.0}", dates.max(emails).max(phones));
    println!("bulk_offers_ms: {offers:.0}");
    println!("bulk_undo_ms: {:.0}", undo.max(redo));
}

/// Free what a change replaced, as the worker does once the change's
/// answer is posted: timed apart, since the user does not wait for it.
fn release(session: &mut csv_import_engine::Session) {
    let start = Instant::now();
    session.release();
    println!("  then freed what it replaced in {} ms", start.elapsed().as_millis());
}
