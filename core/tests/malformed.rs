//! Malformed files from `tests/fixtures` (see `make_fixtures.py` there):
//! quotes that do not close, stray quotes, control characters and cells
//! too long, through every reader: `check`, a loaded table, the chunked
//! `StreamLoader` with the worker's row checks, and the server's re-check.

use csv_import_core::map::map_headers;
use csv_import_core::recheck::Rechecker;
use csv_import_core::report::Report;
use csv_import_core::store::StreamLoader;
use csv_import_core::table::{check_table, load};
use csv_import_core::validate::{FileRules, Validator};
use csv_import_core::{FileErrorCode, Lang, Options, Record, RowError, RowErrorCode, Template, Value, check};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn clients() -> Template {
    csv_import_core::builtin::get("clients").unwrap()
}

fn options() -> Options {
    Options { now: "2026-01-01T00:00:00Z".into(), keep_invalid_rows: true, ..Options::default() }
}

/// (row, line, column header, code) of every error.
fn errors(report: &Report) -> Vec<(u64, u64, Option<&str>, &str)> {
    report.errors.iter().map(|e| (e.row, e.line, e.header.as_deref(), e.code.as_str())).collect()
}

/// The rows and errors of a file read by a `StreamLoader` in small pieces
/// and checked the way the worker checks its store.
fn worker(bytes: &[u8], template: &Template, piece: usize) -> (u64, Vec<RowError>) {
    let mut loader = StreamLoader::new(None, bytes.len());
    for chunk in bytes.chunks(piece) {
        loader.feed(chunk);
    }
    let loaded = loader.finish().unwrap();
    let mapping = map_headers(&loaded.header, template, &[]);
    let validator = Validator::new(template, &mapping, "2026-01-01T00:00:00Z").unwrap();
    let mut rules = FileRules::with_rows(template, loaded.rows.len());
    let mut errors = Vec::new();
    for index in 0..loaded.rows.len() {
        if let Err(e) = rules.verdict(&validator, loaded.rows.position(index), &loaded.rows.row(index)) {
            errors.extend(e);
        }
    }
    (loaded.rows.len() as u64, errors)
}

/// The same errors from `check`, from a loaded table, and from the worker's
/// chunked read: every reader sees the file alike.
fn every_reader(name: &str, template: &Template) -> Report {
    let bytes = fixture(name);
    let report = check(&bytes, template, &options());
    let loaded = load(&bytes, &options()).unwrap();
    let from_table = check_table(&loaded, template, &options());
    assert_eq!((from_table.rows, &from_table.errors), (report.rows, &report.errors), "{name}: table");
    for piece in [7, 4096] {
        let (rows, worker_errors) = worker(&bytes, template, piece);
        assert_eq!((rows, &worker_errors), (report.rows.total, &report.errors), "{name}: worker, pieces of {piece}");
    }
    report
}

#[test]
fn an_unclosed_quote_is_an_error_on_its_row_and_the_other_rows_are_kept() {
    let report = every_reader("unclosed_quote.csv", &clients());
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    assert_eq!((report.rows.total, report.rows.valid, report.rows.invalid), (3, 2, 1));
    assert_eq!(errors(&report), [(1, 2, Some("Last Name"), "unclosed_quote")]);
    let message = &report.errors[0].message;
    assert!(message.starts_with("The quote before \"Smith\" on line 2 is never closed"), "{message}");
    assert!(message.contains("Add the closing quote where the value ends, or remove the opening one"), "{message}");
    let names: Vec<_> = report.records.iter().map(|r| r.text(&clients(), "email").unwrap().to_string()).collect();
    assert_eq!(names, ["ann@example.com", "cy@example.com"]);
    // Bob's row keeps its cells, the quote as text, for the error report.
    assert_eq!(report.invalid_rows[0].cells, ["Bob", "\"Smith", "bob@example.com"]);
    assert!(report.error_report_csv(&clients()).contains("unclosed_quote"));
}

#[test]
fn french_names_the_line_of_the_quote_too() {
    let bytes = fixture("unclosed_quote.csv");
    let report = check(&bytes, &clients(), &Options { lang: Lang::Fr, ..options() });
    assert!(report.errors[0].message.starts_with("Le guillemet avant « Smith » à la ligne 2 n’est jamais fermé"));
}

#[test]
fn a_quote_open_for_10000_lines_loses_none_of_them() {
    let report = every_reader("quote_open_10000_lines.csv", &clients());
    // Ann, Bob (cut), the 10,000 rows the quote would have swallowed, Zed.
    assert_eq!((report.rows.total, report.rows.valid, report.rows.invalid), (10_003, 10_002, 1));
    assert_eq!(errors(&report), [(2, 3, Some("Last Name"), "unclosed_quote")]);
    assert!(
        report.errors[0].message.contains("on line 3 is still open 100 lines later"),
        "{}",
        report.errors[0].message
    );
    let last = report.records.last().unwrap();
    assert_eq!(last.text(&clients(), "last_name"), Some("Lee\""));
}

#[test]
fn stray_quotes_are_text_and_move_no_cell() {
    let report = every_reader("stray_quote.csv", &clients());
    assert!(report.is_clean(), "{:?}", report.errors);
    let t = clients();
    let cells: Vec<_> =
        report.records.iter().map(|r| (r.text(&t, "last_name").unwrap(), r.text(&t, "company").unwrap())).collect();
    assert_eq!(cells, [("O\"Brien", "Acme, Inc."), ("Lee", "5\" screens"), ("Ho \"CJ\"", "Ho & Co")]);
}

#[test]
fn control_characters_are_errors_in_the_cell_they_are_in() {
    let report = every_reader("control_characters.csv", &clients());
    assert_eq!(
        errors(&report),
        [
            (1, 2, Some("First Name"), "control_character"),
            (2, 3, Some("Last Name"), "control_character"),
            (3, 4, Some("Email"), "control_character"),
            (4, 5, Some("Phone"), "control_character"),
            (5, 6, Some("Email"), "control_character"),
        ]
    );
    let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages[0].contains("U+0001 at position 4"), "{}", messages[0]);
    assert!(messages[1].contains("U+001B (escape) at position 3"), "{}", messages[1]);
    assert!(messages[2].contains("U+007F (delete) at position 7"), "{}", messages[2]);
    assert!(messages[3].contains("U+0085 (next line) at position 7"), "{}", messages[3]);
    assert!(
        messages[4].contains("U+000A (line feed) at position 15, but Email takes a single line"),
        "{}",
        messages[4]
    );
    // A tab, and characters whose UTF-8 starts like a C1 control's, are text.
    assert_eq!(report.records.len(), 1);
    assert_eq!(report.records[0].text(&clients(), "company"), Some("Tab\tand £ are fine"));
}

#[test]
fn a_nul_in_a_utf16_file_is_a_row_error() {
    let report = every_reader("nul_utf16le.csv", &clients());
    assert_eq!(report.encoding, "utf-16le");
    assert_eq!(errors(&report), [(1, 2, Some("First Name"), "control_character")]);
    assert!(report.errors[0].message.contains("U+0000 (NUL) at position 4"), "{}", report.errors[0].message);
    assert_eq!(report.rows.valid, 1);
}

#[test]
fn a_few_stray_nuls_in_a_text_file_are_row_errors() {
    let report = every_reader("stray_nul.csv", &clients());
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    assert_eq!(report.encoding, "windows-1252");
    assert_eq!(
        errors(&report),
        [(1, 2, Some("Last Name"), "control_character"), (3, 4, Some("Email"), "control_character")]
    );
    assert!(report.errors[0].message.contains("U+0000 (NUL) at position 3"), "{}", report.errors[0].message);
    assert_eq!(report.rows.valid, 1);
    assert_eq!(report.records[0].text(&clients(), "first_name"), Some("Ann"));
}

#[test]
fn cells_too_long_for_their_field() {
    let template = Template::from_toml(
        r#"
        name = "notes"
        label = "Notes"
        [[fields]]
        key = "email"
        label = "Email"
        type = "email"
        required = true
        [[fields]]
        key = "notes"
        label = "Notes"
        [[fields]]
        key = "bio"
        label = "Bio"
        max_length = 10000
        "#,
    )
    .unwrap();
    let report = every_reader("long_cells.csv", &template);
    assert_eq!(
        errors(&report),
        [(1, 2, Some("Email"), "too_long"), (2, 3, Some("Notes"), "too_long"), (3, 4, Some("Notes"), "too_long")]
    );
    assert!(report.errors[0].message.contains("is 3012 characters long; an email address has at most 254"));
    assert!(report.errors[1].message.contains("is 100000 characters long; the most is 1000"));
    // A template that raised the bound takes the long value.
    assert_eq!(report.records.len(), 1);
    assert_eq!(report.records[0].text(&template, "bio").map(str::len), Some(5_000));
}

#[test]
fn the_server_checks_attributes_and_tags_like_cells() {
    let template = csv_import_core::builtin::get("client-accounts").unwrap();
    let checker = Rechecker::new(&template, "2026-01-01T00:00:00Z").unwrap();
    let at = |key: &str| template.fields.iter().position(|f| f.key == key).unwrap();
    let mut values = vec![Value::Null; template.fields.len()];
    values[at("email_address")] = Value::Text("ada@example.com".into());
    values[at("initial_password")] = Value::Text("Analytical#1815".into());
    values[at("first_name")] = Value::Text("Ada".into());
    values[at("last_name")] = Value::Text("Lovelace".into());
    values[at("gender")] = Value::Text("female".into());
    values[at("birthdate")] = Value::Text("1981-11-20".into());
    let record = |values: &[Value], attributes: &[(&str, &str)]| Record {
        row: 1,
        values: values.to_vec(),
        attributes: attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    let fine = record(&values, &[("Program Start Date", "2024-07-17"), ("Note", "two\nlines")]);
    assert!(checker.check(&fine).is_ok(), "{:?}", checker.check(&fine));

    let long_name = "n".repeat(101);
    let long_value = "v".repeat(1001);
    let bad = record(
        &values,
        &[
            ("Coach", "=HYPERLINK(\"x\")"),
            ("Level", "<b>2</b>"),
            ("Team", "A\u{0}B"),
            ("Bio", &long_value),
            (&long_name, "x"),
            ("Coach\tName", "Amy"),
        ],
    );
    let reasons = checker.check(&bad).unwrap_err();
    assert_eq!(reasons.len(), 6, "{reasons:#?}");
    assert!(reasons[0].starts_with("attribute:Coach: ") && reasons[0].contains("formula"), "{}", reasons[0]);
    assert!(reasons[1].contains("HTML tag"), "{}", reasons[1]);
    assert!(reasons[2].contains("U+0000 (NUL) at position 2"), "{}", reasons[2]);
    assert!(reasons[3].contains("1001 characters long; the most is 1000"), "{}", reasons[3]);
    assert!(reasons[4].contains("is 101 characters long; the most is 100"), "{}", reasons[4]);
    assert!(reasons[5].contains("U+0009 (tab) at position 6"), "{}", reasons[5]);

    // A tag (a repeatable field) with a control character.
    let mut tagged = values.clone();
    tagged[at("tag")] = Value::List(vec!["vip".into(), "news\u{1b}letter".into()]);
    let reasons = checker.check(&record(&tagged, &[])).unwrap_err();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("U+001B (escape)"), "{}", reasons[0]);

    // Attributes for a template that takes none.
    let clients = clients();
    let plain = Rechecker::new(&clients, "2026-01-01T00:00:00Z").unwrap();
    let mut values = vec![Value::Null; clients.fields.len()];
    values[0] = Value::Text("Ann".into());
    values[2] = Value::Text("ann@example.com".into());
    let reasons = plain.check(&record(&values, &[("x", "y")])).unwrap_err();
    assert!(reasons[0].contains("has no attribute columns"), "{reasons:?}");
}

#[test]
fn attribute_columns_are_checked_in_the_browser_too() {
    let template = csv_import_core::builtin::get("client-accounts").unwrap();
    let long = "v".repeat(1001);
    let file = format!(
        "email_address,initial_password,first_name,last_name,birthdate,gender,attribute:Coach,attribute:Bad\tName\n\
         ada@example.com,Analytical#1815,Ada,Lovelace,19811120,female,A\u{7}my,x\n\
         bob@example.com,Analytical#1815,Bob,Lee,19800101,male,{long},\n"
    );
    let report = check(file.as_bytes(), &template, &options());
    // A tab is white space in a column name, but an attribute's name is one line.
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    let codes: Vec<_> = report.errors.iter().map(|e| (e.row, e.header.as_deref(), e.code)).collect();
    assert_eq!(
        codes,
        [
            (1, Some("attribute:Coach"), RowErrorCode::ControlCharacter),
            (1, Some("attribute:Bad\tName"), RowErrorCode::ControlCharacter),
            (2, Some("attribute:Coach"), RowErrorCode::TooLong),
        ]
    );
}

#[test]
fn a_quote_or_control_character_in_the_header_stops_the_file() {
    let report = check(b"First Name,\"Email\nAnn,ann@example.com\n", &clients(), &options());
    assert_eq!(report.file_errors[0].code, FileErrorCode::UnclosedQuote);
    let report = check(b"First Name,Em\x1bail\nAnn,ann@example.com\n", &clients(), &options());
    assert_eq!(report.file_errors[0].code, FileErrorCode::ControlCharacter);
    assert!(report.file_errors[0].message.contains("column 2"), "{}", report.file_errors[0].message);
    // The worker's loader says the same.
    let mut loader = StreamLoader::new(None, 0);
    loader.feed(b"First Name,Em\x1bail\nAnn,ann@example.com\n");
    assert_eq!(loader.finish().unwrap_err().code, FileErrorCode::ControlCharacter);
}
