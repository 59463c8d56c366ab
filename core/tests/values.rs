//! Cell checks driven by `fixtures/values/cases.csv`: one row per cell, with
//! the field's settings, the raw input and the expected value or error.

use csv_import_core::value::FieldChecker;
use csv_import_core::{Field, Value};
use serde_json::{Map, Value as Json, json};

const CASES: &str = include_str!("fixtures/values/cases.csv");

/// `\t`, `\r`, `\n`, `\\` and `\u{XXXX}`, so the file can hold invisible characters.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            // A lone backslash, as in a regular expression, stays.
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A field from the type and the `options` column.
fn field(kind: &str, options: &str) -> Field {
    let mut f = Map::new();
    f.insert("key".into(), json!("v"));
    f.insert("type".into(), json!(kind));
    for setting in options.split(';').filter(|s| !s.is_empty()) {
        let (name, value) = setting.split_once('=').unwrap_or_else(|| panic!("bad setting {setting}"));
        let value = match name {
            "formats" => json!(value.split('|').collect::<Vec<_>>()),
            "options" => Json::Array(
                value
                    .split('|')
                    .map(|o| {
                        let mut spellings = o.split(',');
                        json!({"value": spellings.next().unwrap(), "aliases": spellings.collect::<Vec<_>>()})
                    })
                    .collect(),
            ),
            "max" => json!(value.parse::<usize>().unwrap()),
            "pattern" => json!(value),
            "hint" => json!(value),
            _ => panic!("unknown setting {name}"),
        };
        let name = match name {
            "max" => "max_length",
            "hint" => "pattern_hint",
            n => n,
        };
        f.insert(name.into(), value);
    }
    serde_json::from_value(Json::Object(f)).unwrap()
}

fn show(v: &Result<Value, csv_import_core::ValueError>) -> String {
    match v {
        Ok(Value::Text(t)) => format!("ok:{t}"),
        Ok(Value::Int(i)) => format!("int:{i}"),
        Ok(Value::Bool(b)) => format!("bool:{b}"),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("err:{} ({})", e.code.as_str(), e.message),
    }
}

#[test]
fn cases_from_the_fixture() {
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(CASES.as_bytes());
    let mut failures = Vec::new();
    let mut count = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let line = record.position().unwrap().line();
        let (kind, options, input, expected, piece) = (&record[0], &record[1], &record[2], &record[3], &record[4]);
        let checker = FieldChecker::new(&field(kind, options)).unwrap_or_else(|e| panic!("line {line}: {e}"));
        let input = unescape(input);
        let got = checker.check(&input);
        count += 1;
        kinds.insert(kind.to_string());
        let mut fail = |why: String| failures.push(format!("line {line}: {kind} {input:?}: {why}"));
        match &got {
            Ok(_) => {
                let expected = unescape(expected);
                if show(&got) != expected {
                    fail(format!("expected {expected}, got {}", show(&got)));
                }
            }
            Err(e) => {
                let Some(code) = expected.strip_prefix("err:") else {
                    fail(format!("expected {expected}, got {}", show(&got)));
                    continue;
                };
                if e.code.as_str() != code {
                    fail(format!("expected err:{code}, got {}", show(&got)));
                }
                if !e.message.contains(piece) {
                    fail(format!("message lacks {piece:?}: {}", e.message));
                }
                if !e.message.ends_with('.') {
                    fail(format!("message does not end a sentence: {}", e.message));
                }
                // A password is never quoted; every other value is, first.
                if kind == "password" {
                    if e.message.contains(input.as_str()) {
                        fail(format!("message contains the password: {}", e.message));
                    }
                } else if !e.message.starts_with('"') {
                    fail(format!("message does not quote the value first: {}", e.message));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(count > 200, "only {count} cases");
    assert_eq!(kinds.len(), 12, "every type has cases: {kinds:?}");
}

#[test]
fn a_checker_is_reusable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FieldChecker>();
    let checker = FieldChecker::new(&field("date", "formats=YYYYMMDD")).unwrap();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> =
            ["19811120", "20240229"].iter().map(|raw| s.spawn(|| checker.check(raw).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results, [Value::Text("1981-11-20".into()), Value::Text("2024-02-29".into())]);
    assert_eq!(checker.field().kind.as_str(), "date");
}

#[test]
fn a_report_written_for_spreadsheets_is_read_back() {
    // A phone number starts with `+`, so the report marks it as text.
    let csv = csv_import_core::report::spreadsheet_csv([
        vec!["First Name", "Email", "Phone"],
        vec!["Ann", "ann.report@example.com", "+1 415 555 0101"],
    ]);
    assert!(csv.contains(",'+1 415 555 0101"), "{csv}");
    let template = csv_import_core::builtin::get("clients").unwrap();
    let report = csv_import_core::check(csv.as_bytes(), &template, &csv_import_core::Options::default());
    assert_eq!((report.rows.valid, report.rows.invalid), (1, 0), "{:?}", report.errors);
    let phone = template.fields.iter().position(|f| f.key == "phone").unwrap();
    assert_eq!(report.records[0].values[phone], Value::Text("+1 415 555 0101".to_string()));
}
