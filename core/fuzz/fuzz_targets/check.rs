//! The whole engine on arbitrary bytes: `check` with every built-in template,
//! with and without forced options, the chunked decoder against `decode`,
//! and no row lost: every physical line with a value is in some row, no
//! cell holds more line breaks than a quoted field may, a row written after
//! the text is its own, and every row cut at a quote is an error.
//!
//! Input layout: 5 control bytes, then the file.
//!
//! | byte | meaning                                                           |
//! |------|-------------------------------------------------------------------|
//! | 0    | template: index into `builtin::all()` (modulo)                    |
//! | 1    | flags: 1 force delimiter, 2 force encoding, 4 no clock, 8 override |
//! | 2    | delimiter: one of `DELIMITERS`, or the byte itself past the list  |
//! | 3    | encoding label (index into `LABELS`) / override column            |
//! | 4    | seed for the chunk sizes / override field                         |

#![no_main]

use std::sync::LazyLock;

use csv_import_core::decode::{decode, ChunkDecoder};
use csv_import_core::map::Override;
use csv_import_core::parse::{MAX_QUOTED_LINE_BREAKS, parse};
use csv_import_core::sniff::sniff_delimiter;
use csv_import_core::{Options, Report, RowErrorCode, Template, builtin, check};
use libfuzzer_sys::fuzz_target;

static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(builtin::all);

const DELIMITERS: &[u8] = b",;\t|: ";

/// Labels to force: common ones, multi-byte ones, UTF-16 (NULs allowed),
/// and labels nobody knows.
const LABELS: &[&str] = &[
    "utf-8",
    "windows-1252",
    "utf-16le",
    "utf-16be",
    "UTF-16",
    "shift_jis",
    "gb18030",
    "iso-2022-jp",
    "big5",
    "euc-kr",
    "x-user-defined",
    "iso-8859-2",
    "koi8-r",
    " Latin1 ",
    "klingon",
    "iso-2022-kr",
    "",
];

const NOW: &str = "2026-01-02T03:04:05Z";

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let (control, file) = data.split_at(5);
    let template = &TEMPLATES[control[0] as usize % TEMPLATES.len()];
    let flags = control[1];

    let mut options = Options {
        keep_invalid_rows: true,
        now: if flags & 4 == 0 { NOW.to_string() } else { String::new() },
        ..Options::default()
    };
    if flags & 1 != 0 {
        let d = control[2] as usize;
        options.delimiter = Some(DELIMITERS.get(d).copied().unwrap_or(control[2]));
    }
    if flags & 2 != 0 {
        options.encoding = Some(LABELS[control[3] as usize % LABELS.len()].to_string());
    }
    if flags & 8 != 0 {
        // Map column N (or ignore it) to one of the template's fields, or to
        // a key the template does not have.
        let column = format!("#{}", control[3] % 8);
        let n = template.fields.len() + 2;
        let field = match control[4] as usize % n {
            i if i < template.fields.len() => Some(template.fields[i].key.clone()),
            i if i == template.fields.len() => None,
            _ => Some("no_such_field".to_string()),
        };
        options.overrides.push(Override { column, field });
    }

    let report = check_report(file, template, &options);
    check_no_row_lost(file, &options, &report);
    check_chunks(file, options.encoding.as_deref(), control[4]);
});

fn check_report(file: &[u8], template: &Template, options: &Options) -> Report {
    let report = check(file, template, options);
    let rows = report.rows;

    if report.file_errors.is_empty() {
        assert_eq!(rows.valid + rows.invalid, rows.total, "counts: {rows:?}");
    }
    assert!(rows.valid + rows.invalid <= rows.total, "counts: {rows:?}");
    assert_eq!(report.records.len() as u64, rows.valid);
    assert_eq!(report.invalid_rows.len() as u64, rows.invalid);

    let mut last = 0;
    for e in &report.errors {
        assert!(1 <= e.row && e.row <= rows.total, "error row {} of {}: {e}", e.row, rows.total);
        assert!(e.row >= last, "error rows go back from {last} to {}: {e}", e.row);
        last = e.row;
    }
    // Every invalid row has at least one error, and rows with errors are invalid.
    let mut error_rows: Vec<u64> = report.errors.iter().map(|e| e.row).collect();
    error_rows.dedup();
    let invalid_rows: Vec<u64> = report.invalid_rows.iter().map(|r| r.row).collect();
    assert_eq!(error_rows, invalid_rows, "rows with errors vs invalid rows");

    let csv_text = report.error_report_csv(template);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut records = 0u64;
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("error report does not parse: {e}\n{csv_text:?}"));
        if records == 0 {
            assert_eq!(record.get(record.len() - 1), Some("errors"), "{csv_text:?}");
        }
        records += 1;
    }
    assert_eq!(records, rows.invalid + 1, "error report records\n{csv_text:?}");
    report
}

/// The line breaks in `s` as an editor counts them.
fn line_breaks(s: &str) -> u64 {
    let b = s.as_bytes();
    (0..b.len()).filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))).count() as u64
}

/// Every physical data line is accounted for: inside some row (a row spans
/// the line it starts on and its cells' line breaks), and a row whose quote
/// ran away is an error in the report.
fn check_no_row_lost(file: &[u8], options: &Options, report: &Report) {
    let Ok(decoded) = decode(file, options.encoding.as_deref()) else { return };
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&decoded.text));
    let Ok(table) = parse(&decoded.text, delimiter) else { return };
    assert_eq!(table.rows.len() as u64, report.rows.total, "rows parsed vs checked");
    for cell in &table.header {
        assert!(line_breaks(cell) <= MAX_QUOTED_LINE_BREAKS, "a column name of many lines");
    }

    // The header may span lines too (a quoted line break in a column name).
    let header_breaks: u64 = table.header.iter().map(|h| line_breaks(h)).sum();
    let mut spans = vec![(table.header_line, table.header_line + header_breaks)];
    for row in &table.rows {
        let mut breaks = 0;
        for cell in &row.cells {
            let n = line_breaks(cell);
            assert!(n <= MAX_QUOTED_LINE_BREAKS, "row {} holds a cell of {n} lines", row.row);
            breaks += n;
        }
        spans.push((row.line, row.line + breaks));
    }
    let text = decoded.text.trim_start_matches('\u{FEFF}');
    let bytes = text.as_bytes();
    let (mut line, mut start) = (1u64, 0);
    for i in 0..=bytes.len() {
        let end = i == bytes.len() || bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if !end {
            continue;
        }
        let has_value = String::from_utf8_lossy(&bytes[start..i])
            .chars()
            .any(|c| !c.is_whitespace() && c != '"' && c != char::from(delimiter) && c != '\u{FEFF}');
        if line > table.header_line && has_value {
            assert!(spans.iter().any(|&(a, b)| a <= line && line <= b), "line {line} is in no row");
        }
        line += 1;
        start = i + 1;
    }

    // Each row cut at a quote is an error when the rows were checked.
    if report.file_errors.is_empty() {
        for (row, _) in &table.quote_problems {
            let flagged = report.errors.iter().any(|e| e.row == *row && e.code == RowErrorCode::UnclosedQuote);
            assert!(flagged, "row {row} was cut at a quote but has no unclosed_quote error");
        }
    }

    // A row after the text is its own: no quote left open takes it in.
    let d = char::from(delimiter);
    if d.is_ascii_alphanumeric() {
        return;
    }
    let appended = format!("{}\nZZ{d}ZZ\n", decoded.text);
    if let Ok(t) = parse(&appended, delimiter) {
        let last = t.rows.last().expect("the appended row");
        assert_eq!(last.cells, ["ZZ", "ZZ"], "the appended row was taken in");
    }
}

/// The chunked decoder gives the same text as `decode` whenever both pick
/// the same encoding (detection from a partial first chunk, or with
/// `last = false`, may legitimately pick another one).
fn check_chunks(file: &[u8], forced: Option<&str>, seed: u8) {
    let whole = decode(file, forced);
    let sizes = chunk_sizes(file.len(), seed);

    // Detection from the whole file, as `decode` does it.
    if let Ok(mut decoder) = ChunkDecoder::new(file, forced) {
        let text = run_chunks(&mut decoder, file, &sizes);
        if let Ok(d) = &whole {
            if d.encoding == decoder.encoding() {
                assert_eq!(text, d.text, "encoding {}, chunks {sizes:?}", d.encoding);
            }
        }
    }
    // Detection from the first chunk only, as a streaming reader does it.
    let first = &file[..sizes.first().copied().unwrap_or(0)];
    if let Ok(mut decoder) = ChunkDecoder::new(first, forced) {
        let text = run_chunks(&mut decoder, file, &sizes);
        if let Ok(d) = &whole {
            if d.encoding == decoder.encoding() {
                assert_eq!(text, d.text, "first chunk {first:?}, encoding {}, chunks {sizes:?}", d.encoding);
            }
        }
    }
}

fn run_chunks(decoder: &mut ChunkDecoder, file: &[u8], sizes: &[usize]) -> String {
    let mut out = String::new();
    let mut rest = file;
    for &size in sizes {
        let (chunk, tail) = rest.split_at(size);
        decoder.decode_chunk(chunk, false, &mut out);
        rest = tail;
    }
    decoder.decode_chunk(rest, true, &mut out);
    // Ignored after the last chunk.
    let len = out.len();
    decoder.decode_chunk(b"x\xff", true, &mut out);
    assert_eq!(out.len(), len);
    out
}

/// Chunk sizes (0 included) that add up to at most `len`; the rest of the
/// file is the last chunk.
fn chunk_sizes(len: usize, seed: u8) -> Vec<usize> {
    let mut state = u32::from(seed).wrapping_mul(0x9E37_79B9) | 1;
    let mut left = len;
    let mut sizes = Vec::new();
    while left > 0 && sizes.len() < 64 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        // Mostly small chunks, so that characters are cut often.
        let max = if state & 0x100 == 0 { 8 } else { 64 };
        let size = (state as usize >> 16) % (max + 1);
        let size = size.min(left);
        sizes.push(size);
        left -= size;
    }
    sizes
}
