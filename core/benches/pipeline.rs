//! How much the whole pipeline costs next to a bare CSV parse.
//!
//! A 100,000-row file for the built-in `clients` template is generated here,
//! deterministically (no files in the repository): accented names, emails,
//! phones, companies with quoted commas, and about 5% invalid rows (bad
//! emails, duplicates, formula cells, missing first names, bad phones).
//!
//! Run with `cargo bench -p csv-import-core --bench pipeline` (or `make
//! bench`); add `-- <name>...` to run only the stages whose names contain one
//! of them. It prints, per stage, the median time of several interleaved
//! runs (interleaved so that noise from other work on the machine hits every
//! measurement alike), then the summary lines a person or a script reads:
//!
//! ```text
//! verdict_only_rows_per_s: ...
//! verdict_only_over_parse: ...
//! bare_parse_rows_per_s: ...
//! full_pipeline_rows_per_s: ...
//! native_validate_over_parse: ...
//! ```
//!
//! The stages:
//!
//! * `bare_parse`: csv's `ByteRecord` parse of the bytes, the floor;
//! * `full_pipeline`: [`check`], records kept (and dropped, as a caller
//!   eventually does); `native_validate_over_parse` is its time over
//!   `bare_parse`'s;
//! * `verdict_only`: [`check_verdicts`], the same report without records;
//! * `stage_*`: the steps on their own: `decode` (UTF-8 check),
//!   `stream_load` (the worker's read: decode and parse into a row store,
//!   4 MiB at a time), `sniff`,
//!   `row_reader` (parse with line numbers, cells as `&str`), `map_headers`,
//!   `check_row` (reader plus row checks), `check_row_and_admit` (plus
//!   uniqueness, records dropped), `verdict_no_unique` (`verdict_only` with
//!   no unique field: what uniqueness costs);
//! * `field_*`: `FieldChecker::check` alone over every non-empty cell of
//!   one column (owned values, as `check_row` makes them).
//!
//! With `CSV_IMPORT_BENCH_DATA=<folder>` (an absolute path: cargo runs
//! benchmarks in the crate's folder) it only writes the data files the rest
//! of `make bench` measures, `clients-<rows>.csv` for 5,000, 10,000, 100,000
//! and 1,000,000 rows, with this same generator.
//!
//! A plain timing loop rather than criterion: the figures wanted are a few
//! medians and their ratio, and this keeps the crate's dev-dependencies (and
//! `cargo test` build times) as they are. Without `--bench` (as under
//! `cargo test --benches`) it runs once on a small file, as a smoke test.

use csv_import_core::decode::decode;
use csv_import_core::map::map_headers;
use csv_import_core::parse::RowReader;
use csv_import_core::sniff::sniff_delimiter;
use csv_import_core::store::StreamLoader;
use csv_import_core::validate::{FileRules, Validator};
use csv_import_core::value::FieldChecker;
use csv_import_core::{check, check_verdicts, Options, Template};
use std::hint::black_box;
use std::time::{Duration, Instant};

const ROWS: usize = 100_000;
const WARM_UP: usize = 3;
const RUNS: usize = 15;

fn main() {
    // `make bench` gets its data files from here, so that every figure is
    // measured on the same rows: `CSV_IMPORT_BENCH_DATA=<folder>` writes
    // `clients-<rows>.csv` for each size and stops.
    if let Some(folder) = std::env::var_os("CSV_IMPORT_BENCH_DATA") {
        write_files(std::path::Path::new(&folder));
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let bench = std::env::args().any(|a| a == "--bench");
    // Other arguments pick stages by name, as in `-- field_`; the summary
    // lines need `bare_parse` and `full_pipeline`.
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    let (rows, warm_up, runs) = if bench { (ROWS, WARM_UP, RUNS) } else { (2_000, 0, 1) };

    let template = csv_import_core::builtin::get("clients").expect("built-in clients template");
    let file = generate(rows);
    let options = Options { now: "2024-05-01T12:00:00Z".into(), ..Options::default() };

    // The figures only mean something if the pipeline does the work: check
    // the outcome once, outside the timings.
    let report = check(&file, &template, &options);
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    assert_eq!(report.rows.total, rows as u64);
    assert_eq!(report.rows.valid as usize, report.records.len());
    let invalid_share = report.rows.invalid as f64 / rows as f64;
    assert!((0.03..0.08).contains(&invalid_share), "{invalid_share}");
    assert_eq!(bare_parse(&file), rows + 1);
    assert_eq!(stream_load(&file), rows);
    let verdicts = check_verdicts(&file, &template, &options);
    assert!(verdicts.rows == report.rows && verdicts.errors == report.errors, "check_verdicts disagrees with check");

    let stages = Stages::new(&file, &template, &options);
    // What uniqueness costs: the same checks with `unique` off.
    let mut not_unique = template.clone();
    not_unique.fields.iter_mut().for_each(|f| f.unique = false);
    let mut timings: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut record = |name: &'static str, d: Duration| match timings.iter_mut().find(|(n, _)| *n == name) {
        Some((_, v)) => v.push(d),
        None => timings.push((name, vec![d])),
    };
    for run in 0..warm_up + runs {
        let keep = run >= warm_up;
        let mut measure = |name: &'static str, f: &mut dyn FnMut()| {
            if !wanted(name) {
                return;
            }
            let start = Instant::now();
            f();
            let elapsed = start.elapsed();
            if keep {
                record(name, elapsed);
            }
        };
        measure("bare_parse", &mut || {
            black_box(bare_parse(black_box(&file)));
        });
        measure("full_pipeline", &mut || {
            black_box(check(black_box(&file), &template, &options));
        });
        measure("verdict_only", &mut || {
            black_box(check_verdicts(black_box(&file), &template, &options));
        });
        measure("stage_decode", &mut || {
            black_box(decode(black_box(&file), None).map(|d| d.text.len()).ok());
        });
        measure("stage_stream_load", &mut || {
            black_box(stream_load(black_box(&file)));
        });
        measure("stage_sniff", &mut || {
            black_box(sniff_delimiter(black_box(&stages.text)));
        });
        measure("stage_row_reader", &mut || {
            black_box(stages.row_reader());
        });
        measure("stage_map_headers", &mut || {
            black_box(map_headers(black_box(&stages.header), &template, &[]));
        });
        measure("stage_check_row", &mut || {
            black_box(stages.check_rows());
        });
        measure("stage_check_row_and_admit", &mut || {
            black_box(stages.check_and_admit());
        });
        measure("stage_verdict_no_unique", &mut || {
            black_box(check_verdicts(black_box(&file), &not_unique, &options));
        });
        for (i, name) in FIELD_STAGES.iter().enumerate() {
            measure(name, &mut || {
                black_box(stages.check_column(i));
            });
        }
    }

    let median = |name: &str| -> Option<f64> {
        let (_, v) = timings.iter().find(|(n, _)| *n == name)?;
        let mut v: Vec<f64> = v.iter().map(Duration::as_secs_f64).collect();
        v.sort_by(f64::total_cmp);
        Some(v[v.len() / 2])
    };
    println!(
        "file: {rows} rows, {:.1} MB, {:.1}% invalid; medians of {runs} runs after {warm_up} warm-up",
        file.len() as f64 / 1e6,
        invalid_share * 100.0
    );
    for (name, _) in &timings {
        let t = median(name).unwrap_or_default();
        match median("bare_parse") {
            Some(bare) => println!("{name:<28} {:>9.2} ms  {:>5.2}x bare parse", t * 1e3, t / bare),
            None => println!("{name:<28} {:>9.2} ms", t * 1e3),
        }
    }
    let (Some(bare), Some(full)) = (median("bare_parse"), median("full_pipeline")) else { return };
    if let Some(verdict) = median("verdict_only") {
        println!("verdict_only_rows_per_s: {:.0}", rows as f64 / verdict);
        println!("verdict_only_over_parse: {:.2}", verdict / bare);
    }
    println!("bare_parse_rows_per_s: {:.0}", rows as f64 / bare);
    println!("full_pipeline_rows_per_s: {:.0}", rows as f64 / full);
    println!("native_validate_over_parse: {:.2}", full / bare);
}

/// A bare csv parse of the same bytes, reusing one record: the floor.
fn bare_parse(file: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(file);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).expect("reading from memory") {
        n += 1;
    }
    n
}

/// The worker's read: the file in 4 MiB slices through a `StreamLoader`,
/// each slice's rows parsed into the store as it comes.
fn stream_load(file: &[u8]) -> usize {
    let mut loader = StreamLoader::new(None, file.len());
    for slice in file.chunks(4 << 20) {
        loader.feed(slice);
    }
    loader.finish().map(|loaded| loaded.rows.len()).unwrap_or(0)
}

/// One `field_*` stage per template field, in the template's order.
const FIELD_STAGES: [&str; 5] =
    ["field_first_name_text", "field_last_name_text", "field_email", "field_phone", "field_company_text"];

/// Inputs for timing the pipeline's steps one by one.
struct Stages<'t> {
    text: String,
    header: Vec<String>,
    delimiter: u8,
    template: &'t Template,
    options: Options,
    /// Non-empty cells per column, for the per-field checks: the text of a
    /// column back to back and where each cell ends (contiguous, as cells
    /// are in the parser's buffer, so that the timings are not cache misses).
    columns: Vec<(String, Vec<usize>)>,
    checkers: Vec<FieldChecker>,
}

impl<'t> Stages<'t> {
    fn new(file: &[u8], template: &'t Template, options: &Options) -> Stages<'t> {
        let text = decode(file, None).expect("decodes").text.into_owned();
        let delimiter = sniff_delimiter(&text);
        let mut reader = RowReader::new(&text, delimiter).expect("has a header");
        let header = reader.header().to_vec();
        let mut columns = vec![(String::new(), Vec::new()); header.len()];
        while reader.next_row().is_some() {
            for (c, cell) in reader.record().iter().enumerate() {
                if let Some((text, ends)) = columns.get_mut(c).filter(|_| !cell.trim().is_empty()) {
                    text.push_str(cell);
                    ends.push(text.len());
                }
            }
        }
        let checkers = template.fields.iter().map(|f| FieldChecker::new(f).expect("compiles")).collect();
        Stages { header, delimiter, template, options: options.clone(), columns, checkers, text }
    }

    /// Parse with the crate's reader, cells as `&str`.
    fn row_reader(&self) -> usize {
        let mut reader = RowReader::new(&self.text, self.delimiter).expect("has a header");
        let mut bytes = 0;
        while reader.next_row().is_some() {
            bytes += reader.record().iter().map(str::len).sum::<usize>();
        }
        bytes
    }

    /// Parse plus `Validator::check_row`, outcomes dropped.
    fn check_rows(&self) -> usize {
        let mapping = map_headers(&self.header, self.template, &[]);
        let validator = Validator::new(self.template, &mapping, &self.options.now).expect("compiles");
        let mut reader = RowReader::new(&self.text, self.delimiter).expect("has a header");
        let mut valid = 0;
        while let Some(pos) = reader.next_row() {
            valid += validator.check_row(pos, reader.record()).is_ok() as usize;
        }
        valid
    }

    /// Parse plus `check_row` plus `FileRules::admit`, records dropped.
    fn check_and_admit(&self) -> usize {
        let mapping = map_headers(&self.header, self.template, &[]);
        let validator = Validator::new(self.template, &mapping, &self.options.now).expect("compiles");
        let mut rules = FileRules::new(self.template);
        let mut reader = RowReader::new(&self.text, self.delimiter).expect("has a header");
        let mut valid = 0;
        while let Some(pos) = reader.next_row() {
            let cells = reader.record();
            valid += rules.admit(&validator, pos, validator.check_row(pos, cells), cells).is_ok() as usize;
        }
        valid
    }

    /// `FieldChecker::check` alone over every non-empty cell of a column.
    fn check_column(&self, field: usize) -> usize {
        let checker = &self.checkers[field];
        let (text, ends) = &self.columns[field];
        let mut start = 0;
        let mut ok = 0;
        for &end in ends {
            ok += checker.check(&text[start..end]).is_ok() as usize;
            start = end;
        }
        ok
    }
}

/// A small deterministic generator (splitmix64): the same file every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST: [&str; 32] = [
    "Ann", "Bruno", "Chloé", "Zoé", "Jürgen", "Søren", "Mia", "Liam", "Noah", "Emma", "Olivia", "José", "François",
    "Łukasz", "Ana", "Björn", "Renée", "Aiko", "Wei", "Priya", "Mohammed", "Siobhán", "Élodie", "Ingrid", "Tomás",
    "Nikolaj", "Grace", "Hannah", "Lucas", "Amélie", "Mary Ann", "Jean-Luc",
];
const LAST: [&str; 32] = [
    "Lee", "Díaz", "Martin", "Müller", "Schröder", "García", "Smith", "Johnson", "Nguyen", "O'Brien", "Kowalski",
    "Andersson", "Dubois", "Rossi", "Novák", "Yamamoto", "Chen", "Patel", "Brown", "Fernández", "Jensen", "Öztürk",
    "van der Berg", "MacDonald", "Ibáñez", "Kim", "Silva", "Wójcik", "Murphy", "Haddad", "Søndergaard", "Costa",
];
const DOMAINS: [&str; 6] =
    ["example.com", "mail.example.org", "example.co.uk", "firma.example.de", "example.fr", "corp.example.net"];
const COMPANIES: [&str; 16] = [
    "Northwind",
    "Contoso Ibérica",
    "Fabrikam",
    "Smith, Jones & Co",
    "Acme, Inc.",
    "Müller GmbH",
    "Globex",
    "Initech",
    "Dupont, Fils et Cie",
    "Umbrella Corp",
    "Tailspin Toys",
    "Adventure Works",
    "Société Générale d'Exemple",
    "Wide World Importers",
    "Blue Yonder Airlines",
    "Café \"Zum Löwen\"",
];

/// The file, `\r\n` line endings as Excel writes them.
/// The files `make bench` measures: 5,000 rows (the end-to-end import),
/// 10,000, 100,000 and 1,000,000 rows, each written only if missing or of
/// another size than this generator makes.
fn write_files(folder: &std::path::Path) {
    std::fs::create_dir_all(folder).expect("the data folder can be made");
    for rows in [5_000, 10_000, 100_000, 1_000_000] {
        let path = folder.join(format!("clients-{rows}.csv"));
        let bytes = generate(rows);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            continue;
        }
        std::fs::write(&path, &bytes).expect("the data file can be written");
        println!("wrote {} ({} rows, {} bytes)", path.display(), rows, bytes.len());
    }
}

fn generate(rows: usize) -> Vec<u8> {
    let mut rng = Rng(0x5EED_CAFE);
    let mut out = String::with_capacity(rows * 90);
    out.push_str("First Name,Last Name,Email,Phone,Company\r\n");
    let mut emails: Vec<String> = Vec::with_capacity(rows);
    for i in 0..rows {
        let mut first = rng.pick(&FIRST).to_string();
        let last = rng.pick(&LAST).to_string();
        let local = format!("{}.{}{}", ascii_slug(&first), ascii_slug(&last), i);
        let mut email = format!("{local}@{}", rng.pick(&DOMAINS));
        if rng.below(10) == 0 {
            email = capitalise(&email);
        }
        let mut phone = match rng.below(10) {
            0 => String::new(),
            1..=4 => format!("+1 415 555 {:04}", rng.below(10_000)),
            5 => format!("+44 20 7946 {:04}", rng.below(10_000)),
            6 => format!("(030) {:07}", rng.below(10_000_000)),
            7 => format!("555-{:03}-{:04}", rng.below(1000), rng.below(10_000)),
            8 => format!("+49 30 {:08}", rng.below(100_000_000)),
            _ => format!("+33 1 {:02} {:02} {:02} {:02}", rng.below(100), rng.below(100), rng.below(100), rng.below(100)),
        };
        let mut company = if rng.below(8) == 0 { String::new() } else { rng.pick(&COMPANIES).to_string() };
        // About 5% invalid, of several kinds.
        if rng.below(20) == 0 {
            match rng.below(6) {
                0 => email = format!("{local}.{}", rng.pick(&DOMAINS)),
                1 => email = format!("{local}@example"),
                2 if !emails.is_empty() => email = emails[rng.below(emails.len())].to_uppercase(),
                2 => first.clear(),
                3 => company = "=HYPERLINK(\"http://evil.example\",\"Click\")".to_string(),
                4 => first.clear(),
                _ => phone = "call me".to_string(),
            }
        }
        for (j, cell) in [&first, &last, &email, &phone, &company].into_iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_cell(&mut out, cell);
        }
        out.push_str("\r\n");
        emails.push(email);
    }
    out.into_bytes()
}

/// A cell, quoted when it holds a comma, quote or line break.
fn push_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// Lowercase ASCII letters from a name, accents dropped, as people's
/// addresses usually are.
fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'a'..='z' | 'A'..='Z' => Some(c.to_ascii_lowercase()),
            'à' | 'á' | 'â' | 'ä' => Some('a'),
            'é' | 'è' | 'ê' | 'É' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' | 'ø' | 'Ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            'Ł' => Some('l'),
            _ => None,
        })
        .collect()
}

/// `ann.lee1@example.com` to `Ann.lee1@Example.com`.
fn capitalise(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut up = true;
    for c in email.chars() {
        out.push(if up { c.to_ascii_uppercase() } else { c });
        up = c == '@';
    }
    out
}
