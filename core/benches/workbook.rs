//! `cargo bench -p csv-import-core --bench workbook`: a big workbook read
//! and checked natively, stage by stage. The file is `CSV_IMPORT_BENCH_XLSX`
//! (`make bench` writes a 100,000-row one with LibreOffice from the clients
//! benchmark file); without it, nothing is measured.

use csv_import_core::table::check_loaded;
use csv_import_core::workbook::{SheetOptions, Workbook};
use csv_import_core::{Lang, Options};
use std::time::Instant;

fn main() {
    let Ok(path) = std::env::var("CSV_IMPORT_BENCH_XLSX") else {
        println!("workbook: CSV_IMPORT_BENCH_XLSX is not set; nothing measured");
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            println!("workbook: cannot read {path}: {e}");
            return;
        }
    };
    let template = csv_import_core::builtin::get("clients").expect("a built-in template");
    let started = Instant::now();
    let book = match Workbook::open(&bytes, Lang::En) {
        Ok(book) => book,
        Err(e) => {
            println!("workbook: {}", e.message);
            return;
        }
    };
    let opened = started.elapsed().as_secs_f64();
    let loaded = book.load(0, &template, &SheetOptions::default()).expect("the first sheet loads");
    let read = started.elapsed().as_secs_f64();
    let options = Options { now: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let report = check_loaded(&loaded, &template, &options, false);
    let total = started.elapsed().as_secs_f64();
    let rows = report.rows.total;
    println!("workbook file: {path} ({} bytes, {rows} rows, {} invalid)", bytes.len(), report.rows.invalid);
    println!("workbook_open_ms: {:.0}", opened * 1e3);
    println!("workbook_rows_ms: {:.0}", (read - opened) * 1e3);
    println!("workbook_check_ms: {:.0}", (total - read) * 1e3);
    println!("workbook_rows_per_s_native: {:.0}", rows as f64 / total);
}
