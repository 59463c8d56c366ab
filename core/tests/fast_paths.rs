//! The fast paths agree with the plain ones: `check_verdicts` with `check`,
//! `RowReader`'s unchecked cells with csv's checked `StringRecord`s.

use csv_import_core::parse::RowReader;
use csv_import_core::{Options, Report, Template, builtin, check, check_verdicts};
use proptest::prelude::*;

fn options() -> Options {
    Options { now: "2024-05-01T12:00:00Z".into(), keep_invalid_rows: true, ..Options::default() }
}

/// `check` and `check_verdicts` agree on everything but the records.
fn assert_same_verdicts(file: &[u8], template: &Template) -> Report {
    let full = check(file, template, &options());
    let fast = check_verdicts(file, template, &options());
    let what = &template.name;
    assert_eq!(fast.rows, full.rows, "{what}");
    assert_eq!(fast.errors, full.errors, "{what}");
    assert_eq!(fast.file_errors, full.file_errors, "{what}");
    assert_eq!(fast.invalid_rows, full.invalid_rows, "{what}");
    assert_eq!((&fast.header, &fast.columns), (&full.header, &full.columns), "{what}");
    assert_eq!((&fast.encoding, &fast.delimiter), (&full.encoding, &full.delimiter), "{what}");
    assert!(fast.records.is_empty(), "{what}");
    if full.file_errors.is_empty() {
        assert_eq!(full.records.len() as u64, full.rows.valid, "{what}");
    }
    full
}

/// Every fixture file with every built-in template.
#[test]
fn fixtures_give_the_same_verdicts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() || path.extension().is_some_and(|e| e == "py") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for template in builtin::all() {
            assert_same_verdicts(&bytes, &template);
        }
        files += 1;
    }
    assert!(files > 10);
}

/// Uniqueness where the two paths could part: defaults, repeatable fields,
/// numbers and enum aliases, in valid rows and in rows with other errors.
const EDGE: &str = r#"
name = "edge"
label = "Edge"
[[fields]]
key = "code"
unique = true
default = "NONE"
[[fields]]
key = "tag"
repeatable = true
unique = true
[[fields]]
key = "n"
type = "integer"
unique = true
[[fields]]
key = "kind"
type = "enum"
unique = true
options = [{ value = "Alpha", aliases = ["a"] }, { value = "beta" }]
[[fields]]
key = "must"
required = true
"#;

#[test]
fn edge_cases_of_uniqueness_give_the_same_verdicts() {
    let template = Template::from_toml(EDGE).unwrap();
    let file = "Code,Tag,Tag,N,Kind,Must\n\
                ,x,y,1,a,ok\n\
                ,X,,2,,ok\n\
                ,,,,,\n\
                none,x,Y,1 000,ALPHA,ok\n\
                Q,x,y,3,beta,ok\n\
                Q,x,,4,beta,\n\
                ,x,y,1000,Beta,ok\n\
                r,=x,y,5,,ok\n\
                R,,x,6,,ok\n";
    let full = assert_same_verdicts(file.as_bytes(), &template);
    assert!(full.errors.iter().filter(|e| e.code.as_str() == "duplicate_in_file").count() >= 5, "{:#?}", full.errors);
}

/// A file for `template`: its labels as the header (an attribute column
/// too, if it takes them), then rows made of its sample cells and of cells
/// that fail or repeat.
fn file_for(template: &Template, picks: &[Vec<usize>]) -> String {
    let sample = template.sample.as_ref().map(|s| s.rows.clone()).unwrap_or_default();
    let mut header: Vec<String> = template.fields.iter().map(|f| f.header().to_string()).collect();
    if let Some(prefix) = template.attribute_prefixes.first() {
        header.push(format!("{prefix}Note"));
    }
    let mut out = header.join(";");
    out.push('\n');
    for (r, row) in picks.iter().enumerate() {
        let cells: Vec<String> = (0..header.len())
            .map(|c| {
                let pick = row.get(c).copied().unwrap_or(0);
                let from_sample = sample.get(pick % sample.len().max(1)).and_then(|s| s.get(c)).cloned();
                match pick % 9 {
                    0..=3 => from_sample.unwrap_or_default(),
                    4 => from_sample.unwrap_or_default().to_uppercase(),
                    5 => String::new(),
                    6 => "=1+2".to_string(),
                    7 => format!("x{}", r % 3),
                    _ => " 12 ".to_string(),
                }
            })
            .map(|c| c.replace([';', '"', '\n'], " "))
            .collect();
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    out
}

proptest! {
    #[test]
    fn generated_files_give_the_same_verdicts(
        which in 0usize..7,
        picks in proptest::collection::vec(proptest::collection::vec(0usize..40, 0..14), 0..24),
    ) {
        let template = &builtin::all()[which];
        assert_same_verdicts(file_for(template, &picks).as_bytes(), template);
    }

    /// The cells a `RowReader` hands out without checking their UTF-8 are
    /// those csv's `StringRecord` gives after checking it.
    #[test]
    fn unchecked_cells_are_the_checked_cells(
        text in proptest::collection::vec(
            prop_oneof![
                4 => prop::sample::select(vec!["a", "é", "€", "𝄞", "ß", " ", "\"", ",", ";", "\t", "\n", "\r", "\r\n", "\u{FEFF}", "\u{a0}"])
                    .prop_map(str::to_string),
                1 => "\\PC{1,3}",
            ],
            0..60,
        ).prop_map(|parts| parts.concat()),
        delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|']),
    ) {
        // What the reader is expected to give, from csv's checked records:
        // blank records skipped, the first one left is the header.
        let body = text.trim_start_matches('\u{FEFF}');
        let mut checked = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(body.as_bytes());
        let expected: Vec<Vec<String>> = checked
            .records()
            .map(|r| r.expect("valid UTF-8 in, valid UTF-8 out"))
            .filter(|r| !r.iter().all(|c| c.chars().all(char::is_whitespace)))
            .map(|r| r.iter().map(str::to_string).collect())
            .collect();
        // Until a quote runs away; then the reader cuts the record (see
        // `parse`) where csv reads on to the end.
        match RowReader::new(&text, delimiter) {
            Err(e) if e.code == csv_import_core::FileErrorCode::UnclosedQuote => {}
            Err(_) => {
                let no_header = expected.first().is_none_or(|h| h.iter().all(|c| c.trim_start_matches('\u{FEFF}').trim().is_empty()));
                prop_assert!(no_header);
            }
            Ok(mut reader) => {
                let header: Vec<String> = expected[0].iter().map(|c| c.trim_start_matches('\u{FEFF}').to_string()).collect();
                prop_assert_eq!(reader.header(), &header[..]);
                let mut got = Vec::new();
                let mut cut = false;
                while reader.next_row().is_some() {
                    let record = reader.record();
                    if record.quote_problem().is_some() {
                        cut = true;
                        break;
                    }
                    let cells: Vec<String> = record.iter().map(str::to_string).collect();
                    prop_assert_eq!(cells.len(), record.len());
                    for (i, cell) in cells.iter().enumerate() {
                        prop_assert_eq!(Some(cell.as_str()), record.get(i));
                        prop_assert_eq!(cell.as_str(), &record[i]);
                    }
                    got.push(cells);
                }
                if cut {
                    prop_assert_eq!(&got[..], &expected[1..=got.len()]);
                } else {
                    prop_assert_eq!(&got[..], &expected[1..]);
                }
            }
        }
    }
}
