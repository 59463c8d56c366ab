//! The file as the browser holds it while the user reviews it: decoded,
//! parsed and checked. The Web Worker makes an [`Analysis`] from the file's
//! bytes; the page keeps it, checks edited rows again with [`recheck`], and
//! sends the valid records.

use csv_import_core::map::Override;
use csv_import_core::parse::Table;
use csv_import_core::report::{Options, Report};
use csv_import_core::table::{check_rows, load, Loaded};
use csv_import_core::{FileError, Position, Template};
use serde::{Deserialize, Serialize};

/// What the user chose instead of what was detected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOptions {
    /// A forced encoding label, or `None` to detect.
    pub encoding: Option<String>,
    /// A forced delimiter (`,` `;` `\t` `|`), or `None` to detect.
    pub delimiter: Option<String>,
    /// Column choices from the mapping step.
    pub overrides: Vec<Override>,
    /// The current time, RFC 3339, for `default = "now"` fields.
    pub now: String,
    /// Values the server said do not exist, by field key (see
    /// [`Options::unknown`]); empty in preview mode, which asks no server.
    #[serde(default)]
    pub unknown: Vec<(String, Vec<String>)>,
}

impl CheckOptions {
    /// The engine's options.
    pub fn to_options(&self) -> Options {
        Options {
            encoding: self.encoding.clone(),
            delimiter: self.delimiter.as_deref().and_then(|d| d.bytes().next()),
            overrides: self.overrides.clone(),
            now: self.now.clone(),
            keep_invalid_rows: false,
            unknown: self.unknown.clone(),
        }
    }
}

/// One parsed row, as sent from the worker to the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Data row number, 1-based.
    pub row: u64,
    /// Physical line, 1-based.
    pub line: u64,
    /// Cells as decoded.
    pub cells: Vec<String>,
}

/// A checked file: the report plus every row, so the page can show and edit them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Encoding, delimiter, columns, counts, file and row errors.
    pub report: Report,
    /// The header cells.
    pub header: Vec<String>,
    /// Every data row.
    pub rows: Vec<Row>,
}

/// Decode, parse and check a file (the worker's job).
pub fn analyze(bytes: &[u8], template: &Template, options: &CheckOptions) -> Analysis {
    let engine_options = options.to_options();
    match load(bytes, &engine_options) {
        Ok(Loaded { encoding, delimiter, table: Table { header, rows, .. } }) => {
            let positions = rows.iter().map(|r| (Position { row: r.row, line: r.line }, r.cells.as_slice()));
            let report = check_rows(&header, positions, template, &engine_options, &encoding, delimiter);
            let rows = rows.into_iter().map(|r| Row { row: r.row, line: r.line, cells: r.cells }).collect();
            Analysis { report: Report { records: Vec::new(), ..report }, header, rows }
        }
        Err(error) => failed(template, error),
    }
}

/// An analysis of a file that could not be read at all.
pub fn failed(template: &Template, error: FileError) -> Analysis {
    Analysis {
        report: Report { template: template.name.clone(), file_errors: vec![error], ..Report::default() },
        ..Analysis::default()
    }
}

/// Check the rows again (after an edit or a mapping change); the report's
/// records are the valid rows, ready to send.
pub fn recheck(analysis: &Analysis, template: &Template, options: &CheckOptions) -> Report {
    let rows = analysis.rows.iter().map(|r| (Position { row: r.row, line: r.line }, r.cells.as_slice()));
    let delimiter = analysis.report.delimiter.bytes().next().unwrap_or(b',');
    check_rows(&analysis.header, rows, template, &options.to_options(), &analysis.report.encoding, delimiter)
}
