//! Checking a file held in memory. The review grid keeps every parsed row so
//! that a cell edited in place is checked again at once, without reading the
//! file again; this module loads such a table and checks it.

use crate::decode::decode_in;
use crate::error::FileError;
use crate::map::Mapper;
use crate::messages;
use crate::parse::{parse_in, RawRow, Table};
use crate::report::{Options, Report, CONTENT_SAMPLE_ROWS};
use crate::store::StreamLoaded;
use crate::sniff::sniff_delimiter;
use crate::template::Template;
use crate::validate::{Cells, FileRules, Validator, WithQuote};
use crate::error::{FileErrorCode, Position};

/// A decoded and parsed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The encoding used, as a WHATWG label.
    pub encoding: String,
    /// The delimiter used.
    pub delimiter: u8,
    /// The header and the rows, cells as decoded.
    pub table: Table,
}

/// Decode and parse `bytes`, honouring the forced encoding and delimiter of `options`.
///
/// ```
/// use csv_import_core::{report::Options, table::load};
/// let loaded = load(b"a;b\n1;2\n", &Options::default()).unwrap();
/// assert_eq!(loaded.delimiter, b';');
/// assert_eq!(loaded.table.rows[0].cells, vec!["1", "2"]);
/// ```
pub fn load(bytes: &[u8], options: &Options) -> Result<Loaded, FileError> {
    let decoded = decode_in(bytes, options.encoding.as_deref(), options.lang)?;
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&decoded.text));
    let table = parse_in(&decoded.text, delimiter, options.lang)?;
    Ok(Loaded { encoding: decoded.encoding.to_string(), delimiter, table })
}

/// Map and validate a loaded file, as [`crate::check`] does for bytes.
/// The report's records are filled; its `invalid_rows` are not (the caller
/// has the rows already).
pub fn check_table(loaded: &Loaded, template: &Template, options: &Options) -> Report {
    let table = &loaded.table;
    let mut quotes = table.quote_problems.iter().peekable();
    let rows = table.rows.iter().map(|r| {
        let quote = quotes.next_if(|(row, _)| *row == r.row).map(|(_, q)| q);
        (Position { row: r.row, line: r.line }, WithQuote { cells: r.cells.as_slice(), quote })
    });
    check_rows(&table.header, rows, template, options, &loaded.encoding, loaded.delimiter)
}

/// Map and validate a file read by a [`StreamLoader`](crate::store::StreamLoader)
/// or a [`Workbook`](crate::workbook::Workbook), as [`crate::check`] does
/// for bytes: records kept when `keep_records`, the invalid rows' cells
/// when the options ask for them; the report names the header's line, the
/// rows above it and the sheet.
pub fn check_loaded(loaded: &StreamLoaded, template: &Template, options: &Options, keep_records: bool) -> Report {
    let store = &loaded.rows;
    let samples: Vec<Vec<String>> = (0..store.len().min(CONTENT_SAMPLE_ROWS)).map(|i| store.cells(i)).collect();
    let rows = (0..store.len()).map(|i| (store.position(i), store.row(i)));
    let mut report = check_rows_with(
        &loaded.header,
        &samples,
        rows,
        template,
        options,
        (&loaded.encoding, loaded.delimiter),
        keep_records,
    );
    report.header_line = loaded.header_line;
    report.rows_above = loaded.above.len() as u64;
    report.sheet = loaded.sheet.clone();
    report
}

/// [`crate::check`] of a workbook's bytes: the sheet the options name, or
/// the only sheet with data; a workbook of several is a
/// [`FileErrorCode::ChooseSheet`] error that lists them.
#[cfg(feature = "workbooks")]
pub(crate) fn check_workbook(bytes: &[u8], template: &Template, options: &Options, keep_records: bool) -> Report {
    let fail = |e: FileError| Report { template: template.name.clone(), file_errors: vec![e], ..Report::default() };
    match load_workbook(bytes, template, options) {
        Ok(loaded) => check_loaded(&loaded, template, options, keep_records),
        Err(e) => fail(e),
    }
}

/// The sheet of a workbook that `options` name (or its only sheet with
/// data), loaded for `template` with the options' header row.
#[cfg(feature = "workbooks")]
pub fn load_workbook(bytes: &[u8], template: &Template, options: &Options) -> Result<StreamLoaded, FileError> {
    use crate::workbook::{SheetOptions, Workbook};
    let lang = options.lang;
    let book = Workbook::open(bytes, lang)?;
    let index = match options.sheet.as_deref() {
        Some(choice) => book
            .find_sheet(choice)
            .ok_or_else(|| FileError::new(FileErrorCode::InvalidOption, messages::no_such_sheet(lang, choice)))?,
        None => {
            let sheets = book.sheets_with_data();
            match sheets.as_slice() {
                [only] => only.index,
                _ => {
                    let list: Vec<(&str, u64)> = sheets.iter().map(|s| (s.name.as_str(), s.rows)).collect();
                    return Err(FileError::new(FileErrorCode::ChooseSheet, messages::choose_sheet(lang, &list)));
                }
            }
        }
    };
    book.load(index, template, &SheetOptions { header_row: options.header_row, overrides: &options.overrides, lang })
}

/// Map and validate `rows` (each with its position) under `header`.
pub fn check_rows<C: Cells>(
    header: &[String],
    rows: impl ExactSizeIterator<Item = (Position, C)>,
    template: &Template,
    options: &Options,
    encoding: &str,
    delimiter: u8,
) -> Report {
    check_rows_with(header, &[], rows, template, options, (encoding, delimiter), true)
}

/// [`check_rows`], with sample rows for mapping columns by their values.
fn check_rows_with<C: Cells>(
    header: &[String],
    samples: &[Vec<String>],
    rows: impl ExactSizeIterator<Item = (Position, C)>,
    template: &Template,
    options: &Options,
    (encoding, delimiter): (&str, u8),
    keep_records: bool,
) -> Report {
    let mut report = Report {
        template: template.name.clone(),
        encoding: encoding.to_string(),
        delimiter: char::from(delimiter).to_string(),
        header: header.to_vec(),
        ..Report::default()
    };
    let lang = options.lang;
    let mapping = Mapper::new(template).overrides(&options.overrides).samples(samples).lang(lang).map(header);
    report.columns = mapping.columns.clone();
    report.file_errors = mapping.file_errors.clone();
    report.rows.total = rows.len() as u64;
    if template.fields.iter().any(|f| f.default.as_deref() == Some("now")) && options.now.is_empty() {
        report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, messages::no_clock(lang)));
    }
    if let Some(max) = template.max_rows.filter(|max| report.rows.total > *max) {
        report.file_errors.push(FileError::new(
            FileErrorCode::TooManyRows,
            messages::too_many_rows(lang, report.rows.total, &template.label, max),
        ));
    }
    if report.file_errors.iter().any(|e| e.code.stops_checking()) {
        return report;
    }
    let validator = match Validator::new(template, &mapping, &options.now) {
        Ok(v) => v.with_unknown(&options.unknown).with_lang(lang),
        Err(message) => {
            report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, message));
            return report;
        }
    };
    let mut rules = FileRules::with_rows(template, rows.len());
    for (pos, cells) in rows {
        let outcome = if keep_records {
            rules.admit(&validator, pos, validator.check_row(pos, &cells), &cells).map(Some)
        } else {
            rules.verdict(&validator, pos, &cells).map(|()| None)
        };
        match outcome {
            Ok(record) => {
                report.rows.valid += 1;
                report.records.extend(record);
            }
            Err(errors) => {
                report.rows.invalid += 1;
                report.errors.extend(errors);
                if options.keep_invalid_rows {
                    let cells = (0..cells.len()).filter_map(|c| cells.get(c)).map(str::to_string).collect();
                    report.invalid_rows.push(RawRow { row: pos.row, line: pos.line, cells });
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    #[test]
    fn checking_a_loaded_table_matches_checking_the_bytes() {
        let template = crate::builtin::get("clients").unwrap();
        let bytes = "First Name;Email\nAnn;ann@x.com\n;bob@x.com\nCy;ANN@x.com\n\nDé;bad@\n".as_bytes();
        let options = Options { now: "2026-01-01T00:00:00Z".into(), ..Options::default() };
        let direct = check(bytes, &template, &options);
        let loaded = load(bytes, &options).unwrap();
        let from_table = check_table(&loaded, &template, &options);
        assert_eq!(from_table.rows, direct.rows);
        assert_eq!(from_table.errors, direct.errors);
        assert_eq!(from_table.records, direct.records);
        assert_eq!(from_table.columns, direct.columns);
    }

    #[test]
    fn an_edited_cell_is_checked_again() {
        let template = crate::builtin::get("clients").unwrap();
        let options = Options::default();
        let mut loaded = load(b"First Name,Email\nAnn,not-an-email\n", &options).unwrap();
        assert_eq!(check_table(&loaded, &template, &options).rows.invalid, 1);
        loaded.table.rows[0].cells[1] = "ann@example.com".into();
        let report = check_table(&loaded, &template, &options);
        assert_eq!(report.rows.valid, 1);
        assert!(report.errors.is_empty());
    }

    #[test]
    fn too_many_rows_is_reported_with_the_rows_still_checked() {
        let mut template = crate::builtin::get("clients").unwrap();
        template.max_rows = Some(1);
        let loaded = load(b"First Name\nAnn\nBob\n", &Options::default()).unwrap();
        let report = check_table(&loaded, &template, &Options::default());
        assert_eq!(report.file_errors[0].code, FileErrorCode::TooManyRows);
        assert!(report.file_errors[0].message.contains("The file has 2 rows"));
        assert_eq!(report.rows.valid, 2);
    }
}
