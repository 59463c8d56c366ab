//! Decode, sniff and parse real-world file shapes, from the fixtures in
//! `tests/fixtures` (regenerate them with `make_fixtures.py` there).

use csv_import_core::decode::{ChunkDecoder, decode};
use csv_import_core::parse::{RowReader, Table, parse};
use csv_import_core::sniff::{DELIMITERS, sniff_delimiter};
use csv_import_core::{FileError, FileErrorCode};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the pipeline made of one file.
struct Loaded {
    encoding: &'static str,
    bom: bool,
    delimiter: u8,
    table: Table,
}

fn load(name: &str) -> Loaded {
    let bytes = fixture(name);
    let decoded = decode(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(decoded.detected);
    assert!(!decoded.text.starts_with('\u{FEFF}'), "{name}: BOM left in the text");
    let delimiter = sniff_delimiter(&decoded.text);
    let table = parse(&decoded.text, delimiter).unwrap_or_else(|e| panic!("{name}: {e}"));
    Loaded { encoding: decoded.encoding, bom: decoded.bom, delimiter, table }
}

fn load_err(name: &str) -> FileError {
    let bytes = fixture(name);
    match decode(&bytes, None) {
        Err(e) => e,
        Ok(d) => parse(&d.text, sniff_delimiter(&d.text)).expect_err(name),
    }
}

/// (row, line) of every data record.
fn positions(table: &Table) -> Vec<(u64, u64)> {
    table.rows.iter().map(|r| (r.row, r.line)).collect()
}

fn cells(table: &Table, i: usize) -> Vec<&str> {
    table.rows[i].cells.iter().map(String::as_str).collect()
}

#[test]
fn excel_windows_1252_semicolons() {
    let f = load("excel_1252_semicolon.csv");
    assert_eq!((f.encoding, f.bom, f.delimiter), ("windows-1252", false, b';'));
    assert_eq!(f.table.header, ["Name", "Stadt", "Betrag", "Notiz"]);
    assert_eq!(cells(&f.table, 0), ["José Núñez", "München", "1.234,50 €", "“Grüße”"]);
    assert_eq!(cells(&f.table, 1), ["Zoë Brontë", "Köln", "99,90 €", "it’s fine"]);
    assert_eq!(cells(&f.table, 2), ["François", "Genève", "0,5 €", "naïve café"]);
    assert_eq!(positions(&f.table), [(1, 2), (2, 3), (3, 4)]);
}

#[test]
fn excel_export_forced_encodings() {
    let bytes = fixture("excel_1252_semicolon.csv");
    let d = decode(&bytes, Some("latin1")).unwrap();
    assert_eq!((d.encoding, d.detected), ("windows-1252", false));
    assert!(d.text.contains("José Núñez"));
    // Forced UTF-8 on Windows-1252 bytes: replacement characters, no error.
    let d = decode(&bytes, Some("utf-8")).unwrap();
    assert!(d.text.contains("Jos\u{FFFD} N\u{FFFD}\u{FFFD}ez"));
    let e = decode(&bytes, Some("ebcdic")).unwrap_err();
    assert_eq!(e.code, FileErrorCode::UnknownEncoding);
}

#[test]
fn utf8_with_bom() {
    let f = load("utf8_bom.csv");
    assert_eq!((f.encoding, f.bom, f.delimiter), ("utf-8", true, b','));
    assert_eq!(f.table.header, ["email", "first_name", "city"]);
    assert_eq!(cells(&f.table, 1), ["bob@example.com", "Björk", "Reykjavík"]);
    assert_eq!(cells(&f.table, 2), ["chen@example.com", "陈", "北京"]);
}

#[test]
fn excel_unicode_text_utf16le_tabs() {
    let f = load("utf16le_bom_tab.txt");
    assert_eq!((f.encoding, f.bom, f.delimiter), ("utf-16le", true, b'\t'));
    assert_eq!(f.table.header, ["Name", "City", "Note"]);
    assert_eq!(cells(&f.table, 0), ["Åsa", "Malmö", "Lund, Sweden"]);
    assert_eq!(cells(&f.table, 1), ["Łukasz", "Łódź", "🎉 party"]);
    assert_eq!(positions(&f.table), [(1, 2), (2, 3)]);
}

#[test]
fn utf16be_with_bom() {
    let f = load("utf16be_bom.csv");
    assert_eq!((f.encoding, f.bom, f.delimiter), ("utf-16be", true, b','));
    assert_eq!(f.table.header, ["sku", "price"]);
    assert_eq!(cells(&f.table, 1), ["B-2", "7 €"]);
}

#[test]
fn utf16le_without_bom() {
    let f = load("utf16le_nobom.csv");
    assert_eq!((f.encoding, f.bom, f.delimiter), ("utf-16le", false, b';'));
    assert_eq!(cells(&f.table, 0), ["1", "Renée"]);
    assert_eq!(cells(&f.table, 1), ["2", "Åke"]);
}

#[test]
fn quoted_newlines_and_doubled_quotes() {
    let f = load("quoted_multiline.csv");
    assert_eq!(f.delimiter, b',');
    assert_eq!(
        cells(&f.table, 1),
        ["2", "first line\nsecond line, with comma\nthird \"quoted\" line", "Bob"]
    );
    assert_eq!(cells(&f.table, 2), ["3", "He said \"hi\"", "Cy"]);
    assert_eq!(cells(&f.table, 3), ["4", "", "Dee"]);
    // The record after the three-line cell starts on line 6, not 4.
    assert_eq!(positions(&f.table), [(1, 2), (2, 3), (3, 6), (4, 7)]);
}

#[test]
fn lone_cr_line_endings() {
    let f = load("lone_cr.csv");
    assert_eq!(f.table.header, ["name", "note"]);
    assert_eq!(cells(&f.table, 1), ["Bob", "two\rlines"]);
    assert_eq!(cells(&f.table, 2), ["Cy", "last"]);
    assert_eq!(positions(&f.table), [(1, 2), (2, 3), (3, 5)]);
}

#[test]
fn mixed_line_endings() {
    let f = load("mixed_endings.csv");
    let values: Vec<_> = (0..4).map(|i| cells(&f.table, i).join("|")).collect();
    assert_eq!(values, ["1|x", "2|y", "3|z", "4|w"]);
    assert_eq!(positions(&f.table), [(1, 2), (2, 3), (3, 5), (4, 8)]);
}

#[test]
fn blank_and_delimiter_only_lines() {
    let f = load("blank_lines.csv");
    assert_eq!(f.delimiter, b';');
    assert_eq!(f.table.header, ["Name", "Email", "Age", "Team"]);
    assert_eq!(f.table.header_line, 4);
    // Rows are numbered without the blank lines; lines count them.
    assert_eq!(positions(&f.table), [(1, 5), (2, 9), (3, 11)]);
    assert_eq!(cells(&f.table, 2)[0], "Cy");
}

#[test]
fn ragged_rows_are_kept() {
    let f = load("ragged.csv");
    let lens: Vec<_> = f.table.rows.iter().map(|r| r.cells.len()).collect();
    assert_eq!(lens, [3, 2, 1, 5, 3]);
    assert_eq!(cells(&f.table, 3), ["7", "8", "9", "10", "11"]);
    assert_eq!(cells(&f.table, 4), ["12", "", ""]);
}

#[test]
fn single_column() {
    let f = load("single_column.csv");
    assert_eq!(f.delimiter, b',');
    assert_eq!(f.table.header, ["email"]);
    assert_eq!(f.table.rows.len(), 3);
    assert!(f.table.rows.iter().all(|r| r.cells.len() == 1));
}

#[test]
fn pipe_delimited() {
    let f = load("pipe.csv");
    assert_eq!(f.delimiter, b'|');
    assert_eq!(cells(&f.table, 0), ["1", "Smith, Ann", "a;b;c"]);
}

#[test]
fn tabs_with_quoted_commas() {
    let f = load("tab_quoted_commas.tsv");
    assert_eq!(f.delimiter, b'\t');
    assert_eq!(cells(&f.table, 0), ["Smith, Ann", "1 Main St, Springfield, IL", "10"]);
    assert_eq!(cells(&f.table, 1), ["Lee, Bob", "2 Oak Ave,\nApt 3, Dover", "20"]);
    assert_eq!(positions(&f.table), [(1, 2), (2, 3), (3, 5)]);
}

#[test]
fn decimal_commas_in_semicolon_file() {
    let f = load("decimal_comma.csv");
    assert_eq!(f.delimiter, b';');
    assert_eq!(cells(&f.table, 1), ["Bob", "2,75"]);
    assert_eq!(cells(&f.table, 2), ["Cy", "1.000,25"]);
}

#[test]
fn double_bom_does_not_stick_to_the_header() {
    let f = load("double_bom.csv");
    assert!(f.bom);
    assert_eq!(f.table.header, ["Name", "Age"]);
    assert_eq!(cells(&f.table, 0), ["Ann", "3"]);
}

#[test]
fn binary_files_are_not_text() {
    for (name, needle) in [
        ("binary_junk.bin", "NUL bytes"),
        ("fake.xlsx.csv", "Excel workbook (.xlsx)"),
        ("old_excel.xls", "(.xls)"),
        ("image.png", "image"),
    ] {
        let e = load_err(name);
        assert_eq!(e.code, FileErrorCode::NotText, "{name}");
        assert!(e.message.contains(needle), "{name}: {}", e.message);
        assert!(e.message.contains("CSV UTF-8"), "{name}: {}", e.message);
    }
    assert!(load_err("fake.xlsx.csv").message.contains("File > Save As"));
}

#[test]
fn empty_files() {
    for name in ["empty.csv", "whitespace.csv", "bom_only.csv"] {
        let e = load_err(name);
        assert_eq!(e.code, FileErrorCode::EmptyFile, "{name}");
        assert!(e.message.contains("header row"), "{name}: {}", e.message);
    }
}

const TEXT_FIXTURES: [&str; 15] = [
    "excel_1252_semicolon.csv",
    "utf8_bom.csv",
    "utf16le_bom_tab.txt",
    "utf16be_bom.csv",
    "utf16le_nobom.csv",
    "quoted_multiline.csv",
    "lone_cr.csv",
    "mixed_endings.csv",
    "blank_lines.csv",
    "ragged.csv",
    "single_column.csv",
    "pipe.csv",
    "tab_quoted_commas.tsv",
    "decimal_comma.csv",
    "double_bom.csv",
];

#[test]
fn chunked_decoding_matches_whole_decoding() {
    for name in TEXT_FIXTURES {
        let bytes = fixture(name);
        let whole = decode(&bytes, None).unwrap();
        for size in [1, 2, 3, 5, 64, bytes.len()] {
            let mut decoder = ChunkDecoder::new(&bytes, None).unwrap();
            assert_eq!(decoder.encoding(), whole.encoding, "{name}");
            let mut text = String::new();
            let chunks: Vec<&[u8]> = bytes.chunks(size).collect();
            for (i, chunk) in chunks.iter().enumerate() {
                decoder.decode_chunk(chunk, i + 1 == chunks.len(), &mut text);
            }
            assert_eq!(text, whole.text, "{name} in chunks of {size}");
        }
    }
}

#[test]
fn row_reader_agrees_with_parse() {
    for name in TEXT_FIXTURES {
        let bytes = fixture(name);
        let text = decode(&bytes, None).unwrap().text;
        let d = sniff_delimiter(&text);
        let table = parse(&text, d).unwrap();
        let mut reader = RowReader::new(&text, d).unwrap();
        assert_eq!((reader.header(), reader.header_line()), (&table.header[..], table.header_line));
        for row in &table.rows {
            let pos = reader.next_row().unwrap();
            assert_eq!((pos.row, pos.line), (row.row, row.line), "{name}");
            assert_eq!(reader.record().iter().collect::<Vec<_>>(), row.cells, "{name}");
        }
        assert_eq!(reader.next_row(), None);
        assert_eq!(reader.rows_read(), table.rows.len() as u64);
    }
}

/// Line ends before byte `offset`, counted naively as an editor does.
fn editor_line(text: &str, offset: usize) -> u64 {
    let b = text.as_bytes();
    let mut line = 1;
    for i in 0..offset {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
    }
    line
}

/// Writes one record the way a careful CSV writer would.
fn write_record(fields: &[String], d: u8, out: &mut String) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(d as char);
        }
        if field.contains(['"', '\r', '\n', d as char]) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
}

fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

fn field() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec!['a', 'é', '€', ' ', '"', ',', ';', '\t', '|', '\n', '\r']),
        0..6,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// A line: either a record of fields or a blank line (`None`), with its
/// line ending (the last one may have none).
fn lines() -> impl Strategy<Value = Vec<(Option<Vec<String>>, &'static str)>> {
    let record = proptest::collection::vec(field(), 1..5).prop_map(Some);
    let line = prop_oneof![3 => record, 1 => Just(None)];
    let ending = prop::sample::select(vec!["\n", "\r\n", "\r"]);
    proptest::collection::vec((line, ending), 1..12)
}

proptest! {
    /// Any bytes: decode, sniff and parse never panic, and chunked decoding
    /// agrees with whole decoding when they pick the same encoding.
    #[test]
    fn any_bytes_never_panic(
        bytes in proptest::collection::vec(
            prop_oneof![
                any::<u8>(),
                prop::sample::select(vec![
                    0u8, 0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0xE9, 0x80, 0xC3, 0x92,
                    b',', b';', b'\t', b'|', b'"', b'\n', b'\r', b' ', b'a',
                ]),
            ],
            0..300,
        ),
        cut in any::<prop::sample::Index>(),
    ) {
        if let Ok(decoded) = decode(&bytes, None) {
            let d = sniff_delimiter(&decoded.text);
            prop_assert!(DELIMITERS.contains(&d));
            if let Ok(table) = parse(&decoded.text, d) {
                for (i, row) in table.rows.iter().enumerate() {
                    prop_assert_eq!(row.row, i as u64 + 1);
                }
            }
            let mut decoder = ChunkDecoder::new(&bytes, None).unwrap();
            if decoder.encoding() == decoded.encoding {
                let cut = cut.index(bytes.len() + 1);
                let mut text = String::new();
                decoder.decode_chunk(&bytes[..cut], false, &mut text);
                decoder.decode_chunk(&bytes[cut..], true, &mut text);
                prop_assert_eq!(&text, &decoded.text);
            }
        }
    }

    /// CSV-shaped text from a small, nasty alphabet: rows are numbered 1, 2,
    /// 3, ... and each starts on a later line than the one before.
    #[test]
    fn csv_shaped_text_is_numbered_in_order(
        text in proptest::collection::vec(
            prop::sample::select(vec![
                "a", "é", " ", "\"", "\"\"", ",", ";", "\t", "|", "\n", "\r", "\r\n", "\u{FEFF}",
            ]),
            0..80,
        ).prop_map(|parts| parts.concat()),
    ) {
        for d in DELIMITERS.into_iter().chain([sniff_delimiter(&text)]) {
            let Ok(table) = parse(&text, d) else { continue };
            let total_lines = editor_line(&text, text.len());
            let mut previous = table.header_line;
            prop_assert!(previous >= 1);
            for (i, row) in table.rows.iter().enumerate() {
                prop_assert_eq!(row.row, i as u64 + 1);
                prop_assert!(row.line > previous, "line {} after {}", row.line, previous);
                prop_assert!(row.line <= total_lines);
                prop_assert!(row.cells.iter().any(|c| !c.trim().is_empty()));
                previous = row.line;
            }
        }
    }

    /// Records written by a proper CSV writer, with blank lines and any line
    /// endings between them, come back with exactly their cells, row numbers
    /// and the lines an editor shows.
    #[test]
    fn written_records_come_back_with_their_lines(
        lines in lines(),
        d in prop::sample::select(DELIMITERS.to_vec()),
    ) {
        let mut text = String::new();
        // (start offset, fields) of every non-blank record, header first.
        let mut expected: Vec<(usize, Vec<String>)> = Vec::new();
        let count = lines.len();
        for (i, (line, ending)) in lines.into_iter().enumerate() {
            match line {
                Some(fields) if !is_blank(&fields) => {
                    expected.push((text.len(), fields.clone()));
                    write_record(&fields, d, &mut text);
                }
                // A blank line: nothing, spaces, or Excel's delimiters only.
                Some(fields) => text.push_str(&(d as char).to_string().repeat(fields.len() - 1)),
                None => text.push_str("  "),
            }
            // The last line has no ending when "\r" was drawn for it.
            if i + 1 < count || ending != "\r" {
                text.push_str(ending);
            }
        }
        match parse(&text, d) {
            Err(e) => {
                prop_assert!(expected.is_empty(), "{e} for {text:?}");
                prop_assert_eq!(e.code, FileErrorCode::EmptyFile);
            }
            Ok(table) => {
                prop_assert_eq!(&table.header, &expected[0].1);
                prop_assert_eq!(table.header_line, editor_line(&text, expected[0].0));
                prop_assert_eq!(table.rows.len(), expected.len() - 1);
                for (i, (row, (start, fields))) in table.rows.iter().zip(&expected[1..]).enumerate() {
                    prop_assert_eq!(row.row, i as u64 + 1);
                    prop_assert_eq!(row.line, editor_line(&text, *start), "{:?}", text);
                    prop_assert_eq!(&row.cells, fields);
                }
            }
        }
    }
}
