//! Run the whole pipeline over a file and report: counts, file errors, row
//! errors, the valid records, and an error-report CSV a user can fix.

use crate::decode::decode_in;
use crate::header_row::{HeaderRow, choose_header};
use crate::error::{FileError, FileErrorCode, RowError};
use crate::map::{Column, Mapper, Override};
use crate::messages::{self, Lang};
use crate::parse::{RawRow, RowReader};
use crate::record::Record;
use crate::sniff::sniff_delimiter;
use crate::template::{FieldType, Template};
use crate::validate::{FileRules, Validator};
use serde::{Deserialize, Serialize};

/// What the caller decides instead of the engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Force this encoding (a WHATWG label such as `windows-1252`).
    pub encoding: Option<String>,
    /// Force this delimiter.
    pub delimiter: Option<u8>,
    /// Column mapping choices, applied after automatic matching.
    pub overrides: Vec<Override>,
    /// The current time, RFC 3339, for `default = "now"` fields. The engine
    /// has no clock of its own (it runs in browsers too).
    pub now: String,
    /// Keep the original cells of invalid rows (for the error-report CSV).
    pub keep_invalid_rows: bool,
    /// Values the server said do not exist, by field key: a cell of a field
    /// with a `reference` whose normalised value is listed is an error
    /// (`unknown_user`, `unknown_id` or `unknown_reference`).
    /// The engine cannot know what exists; the caller asks the server with
    /// the distinct values only and passes its answer here.
    pub unknown: Vec<(String, Vec<String>)>,
    /// The language of the messages (file and row errors).
    pub lang: Lang,
    /// Which row is the header: found (the default), or a given line.
    pub header_row: HeaderRow,
    /// For a workbook: the sheet to read, by name or 1-based position.
    /// Needed when the workbook has several sheets with data.
    pub sheet: Option<String>,
}

/// Row counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    /// Data rows in the file (blank rows not counted).
    pub total: u64,
    /// Rows that passed every check.
    pub valid: u64,
    /// Rows with at least one error.
    pub invalid: u64,
}

/// The outcome of checking one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The template's name.
    pub template: String,
    /// The encoding used, as a WHATWG label (`utf-8`, `windows-1252`, ...).
    pub encoding: String,
    /// The delimiter used, as a one-character string.
    pub delimiter: String,
    /// The file's header cells, as decoded.
    #[serde(skip)]
    pub header: Vec<String>,
    /// Each column and the field it maps to.
    pub columns: Vec<Column>,
    /// Row counts.
    pub rows: RowCounts,
    /// Problems with the file as a whole; any of them stops the import.
    pub file_errors: Vec<FileError>,
    /// Problems with rows, in file order.
    pub errors: Vec<RowError>,
    /// The valid rows, normalised ([`check_verdicts`] leaves it empty).
    #[serde(skip)]
    pub records: Vec<Record>,
    /// The original cells of invalid rows, when asked for.
    #[serde(skip)]
    pub invalid_rows: Vec<RawRow>,
    /// The line (a sheet's row) of the header, 1-based.
    #[serde(default)]
    pub header_line: u64,
    /// Rows with a value above the header: ignored.
    #[serde(default)]
    pub rows_above: u64,
    /// For a workbook, the sheet read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl Report {
    /// Whether the file can be imported as it is: no file error and no invalid row.
    pub fn is_clean(&self) -> bool {
        self.file_errors.is_empty() && self.rows.invalid == 0
    }

    /// The error-report CSV: the original header plus an `errors` column,
    /// then each invalid row with its cells as in the file and what is wrong.
    ///
    /// Cells a spreadsheet would run as a formula get a leading `'`, and
    /// password columns are left empty: a report must never carry them.
    /// Needs [`Options::keep_invalid_rows`].
    pub fn error_report_csv(&self, template: &Template) -> String {
        self.error_report_csv_in(template, Lang::En)
    }

    /// [`error_report_csv`](Report::error_report_csv), with its `errors`
    /// column named and written in `lang` (the messages are as checked).
    pub fn error_report_csv_in(&self, template: &Template, lang: Lang) -> String {
        let secret: Vec<bool> = self
            .columns
            .iter()
            .map(|c| c.field.as_deref().and_then(|k| template.field(k)).is_some_and(|f| f.kind == FieldType::Password))
            .collect();
        let width = self.invalid_rows.iter().map(|r| r.cells.len()).chain([self.header.len()]).max().unwrap_or(0);
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        let mut header: Vec<String> = self.header.iter().map(|h| escape_formula(h)).collect();
        header.resize(width, String::new());
        header.push(messages::errors_column(lang).to_string());
        let mut errors = self.errors.iter().peekable();
        // csv::Writer into a Vec cannot fail on I/O; a failure here is a bug.
        writer.write_record(&header).expect("writing CSV to memory");
        for row in &self.invalid_rows {
            let mut cells: Vec<String> = (0..width)
                .map(|i| {
                    if secret.get(i).copied().unwrap_or(false) {
                        String::new()
                    } else {
                        row.cells.get(i).map(|c| escape_formula(c)).unwrap_or_default()
                    }
                })
                .collect();
            let mut found = Vec::new();
            while let Some(e) = errors.next_if(|e| e.row <= row.row) {
                if e.row == row.row {
                    let place = e.header.as_deref().or(e.field.as_deref()).unwrap_or(messages::row_place(lang));
                    let message = format!("{} [{}]", e.message, e.code.as_str());
                    found.push(messages::reason(lang, place, &message));
                }
            }
            cells.push(escape_formula(&found.join("; ")));
            writer.write_record(&cells).expect("writing CSV to memory");
        }
        let bytes = writer.into_inner().expect("flushing CSV to memory");
        String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
    }
}

/// Prefix a cell that a spreadsheet would run as a formula with `'`.
pub fn escape_formula(cell: &str) -> String {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Rows as a CSV file a spreadsheet may open: every cell through
/// [`escape_formula`], quoted when it needs to be, CRLF line ends.
///
/// ```
/// use csv_import_core::report::spreadsheet_csv;
///
/// let csv = spreadsheet_csv([vec!["row", "reasons"], vec!["3", "=HYPERLINK(\"x\"), bad"]]);
/// assert_eq!(csv, "row,reasons\r\n3,\"'=HYPERLINK(\"\"x\"\"), bad\"\r\n");
/// ```
pub fn spreadsheet_csv<R, C>(rows: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer =
        csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| escape_formula(c.as_ref())).collect();
        // csv::Writer into a Vec cannot fail on I/O; a failure here is a bug.
        writer.write_record(&cells).expect("writing CSV to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing CSV to memory")).expect("UTF-8 cells")
}

/// Decode, sniff, parse, map and validate `bytes` for `template`.
///
/// Never panics on any input: every problem is in the report.
pub fn check(bytes: &[u8], template: &Template, options: &Options) -> Report {
    run(bytes, template, options, true)
}

/// [`check`] without the records: the same report (counts, file errors, row
/// errors, invalid rows when asked for) except that
/// [`records`](Report::records) stays empty, which makes it several times
/// faster on a big file. For telling a user what to fix before importing;
/// the records of the rows can be made later, batch by batch, with
/// [`Validator::check_row`] and [`FileRules::admit`].
///
/// A function of its own rather than a field of [`Options`], which callers
/// build field by field.
///
/// ```
/// use csv_import_core::{check, report::check_verdicts, Options};
///
/// let template = csv_import_core::builtin::get("clients").unwrap();
/// let file = b"First Name,Email\nAnn,ann@example.com\n,bob@example.com\nCy,ANN@example.com\n";
/// let (full, verdicts) = (check(file, &template, &Options::default()), check_verdicts(file, &template, &Options::default()));
/// assert_eq!((verdicts.rows, &verdicts.errors), (full.rows, &full.errors));
/// assert_eq!((full.records.len(), verdicts.records.len()), (1, 0));
/// ```
pub fn check_verdicts(bytes: &[u8], template: &Template, options: &Options) -> Report {
    run(bytes, template, options, false)
}

/// How many data rows the mapping may look at to recognise a column by its
/// values.
pub(crate) const CONTENT_SAMPLE_ROWS: usize = 100;

/// The first `n` data rows of `text`, for mapping columns by their values.
fn first_rows(text: &str, delimiter: u8, n: usize) -> Vec<Vec<String>> {
    let Ok(mut reader) = RowReader::new(text, delimiter) else { return Vec::new() };
    let mut rows = Vec::new();
    while rows.len() < n && reader.next_row().is_some() {
        rows.push(reader.record().iter().map(str::to_string).collect());
    }
    rows
}

/// [`check`], keeping the records or not.
fn run(bytes: &[u8], template: &Template, options: &Options, keep_records: bool) -> Report {
    #[cfg(feature = "workbooks")]
    if crate::workbook::WorkbookKind::detect(bytes).is_some() {
        return crate::table::check_workbook(bytes, template, options, keep_records);
    }
    let mut report = Report { template: template.name.clone(), ..Report::default() };
    let lang = options.lang;
    let decoded = match decode_in(bytes, options.encoding.as_deref(), lang) {
        Ok(decoded) => decoded,
        Err(e) => {
            report.file_errors.push(e);
            return report;
        }
    };
    report.encoding = decoded.encoding.to_string();
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&decoded.text));
    report.delimiter = char::from(delimiter).to_string();
    let mut reader = match RowReader::new_in(&decoded.text, delimiter, lang) {
        Ok(reader) => reader,
        Err(e) => {
            report.file_errors.push(e);
            return report;
        }
    };
    // The header: the first row, or a later one (see `header_row`).
    let mut candidates = vec![(reader.header_line(), reader.header().to_vec())];
    if let Ok(mut peek) = RowReader::new(&decoded.text, delimiter) {
        while candidates.len() < crate::header_row::SEARCH_ROWS {
            let Some(pos) = peek.next_row() else { break };
            candidates.push((pos.line, peek.record().iter().map(str::to_string).collect()));
        }
    }
    let chosen = match choose_header(&candidates, template, options.header_row, lang) {
        Ok(chosen) => chosen,
        Err(e) => {
            report.file_errors.push(e);
            return report;
        }
    };
    if chosen > 0 {
        if let Err(e) = reader.skip_to_header(chosen, lang) {
            report.file_errors.push(e);
            return report;
        }
    }
    report.rows_above = chosen as u64;
    report.header_line = reader.header_line();
    report.header = reader.header().to_vec();
    let mut samples = first_rows(&decoded.text, delimiter, CONTENT_SAMPLE_ROWS + chosen);
    let samples = samples.split_off(chosen.min(samples.len()));
    let mapping = Mapper::new(template).overrides(&options.overrides).samples(&samples).lang(lang).map(reader.header());
    report.columns = mapping.columns.clone();
    report.file_errors.extend(mapping.file_errors.iter().cloned());

    let needs_clock = template.fields.iter().any(|f| f.default.as_deref() == Some("now"));
    if needs_clock && options.now.is_empty() {
        report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, messages::no_clock(lang)));
    }
    let validator = if report.file_errors.is_empty() {
        match Validator::new(template, &mapping, &options.now) {
            Ok(v) => Some(v.with_unknown(&options.unknown).with_lang(lang)),
            Err(message) => {
                report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, message));
                None
            }
        }
    } else {
        None
    };

    let mut rules = FileRules::new(template);
    while let Some(pos) = reader.next_row() {
        report.rows.total += 1;
        let Some(validator) = &validator else { continue };
        let cells = reader.record();
        let outcome = if keep_records {
            rules.admit(validator, pos, validator.check_row(pos, cells), cells).map(Some)
        } else {
            rules.verdict(validator, pos, cells).map(|()| None)
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
                    report.invalid_rows.push(RawRow {
                        row: pos.row,
                        line: pos.line,
                        cells: cells.iter().map(str::to_string).collect(),
                    });
                }
            }
        }
    }
    if let Some(max) = template.max_rows {
        if report.rows.total > max {
            report.file_errors.push(FileError::new(
                FileErrorCode::TooManyRows,
                messages::too_many_rows(lang, report.rows.total, &template.label, max),
            ));
        }
    }
    report
}
