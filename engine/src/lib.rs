//! The file as the import Web Worker holds it while the user reviews it.
//!
//! The worker reads the file in chunks into a [`Session`] (rows kept
//! compactly in a [`RowStore`](csv_import_core::store::RowStore)) and
//! checks it; the page holds only a [`Summary`] (counts, columns, the
//! numbers of the rows with errors) and
//! asks the worker, by [`Request`], for what it shows or sends: the rows in
//! view, an edit checked again, the error report, the next batch to import.
//! Nothing per cell crosses to the page except the rows in view.
//!
//! The page's wasm uses only the requests and answers; the session runs in
//! the worker's own wasm (`worker/`), so the page does not carry the engine.

#![deny(missing_docs)]

mod session;

pub use session::{FileLoader, Loaded, Session, Source, failed, key_text, load_in_chunks};

use csv_import_core::fix::{Find, Fix};
use csv_import_core::map::Override;
use csv_import_core::report::{Options, Report, RowCounts};
use csv_import_core::header_row::HeaderRow;
use csv_import_core::workbook::SheetInfo;
use csv_import_core::{Lang, Record, RowError, RowErrorCode};
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
    /// Column choices the user confirmed for a file with the same headers
    /// last time (the server remembers them; empty in preview mode): they
    /// come before guesses and after `overrides`.
    #[serde(default)]
    pub remembered: Vec<Override>,
    /// The current time, RFC 3339, for `default = "now"` fields.
    pub now: String,
    /// Values the server said do not exist, by field key (see
    /// [`Options::unknown`]); empty in preview mode, which asks no server.
    #[serde(default)]
    pub unknown: Vec<(String, Vec<String>)>,
    /// The language of the messages: the modal's.
    #[serde(default)]
    pub lang: Lang,
    /// Combinations of values the server said do not go together; empty
    /// in preview mode, which asks no server.
    #[serde(default)]
    pub mismatches: Vec<Mismatch>,
    /// For a workbook: the sheet chosen (by name), or `None` for its first
    /// sheet with data.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The header's line (a sheet's row) the user chose, or `None` for the
    /// row found.
    #[serde(default)]
    pub header_row: Option<u64>,
}

/// Values of several fields that the server said do not go together in a
/// row (a person named with a team they are not on): every row with these
/// values gets `message` on the cell of `field` (code `mismatch`), counts as
/// invalid, and is left out of the import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    /// The keys of the fields whose values go together, in order.
    pub fields: Vec<String>,
    /// Their values, normalised as [`Request::Combinations`] answers them
    /// (compared ignoring case).
    pub values: Vec<String>,
    /// The key of the field whose cell is marked (one of `fields`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
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
            lang: self.lang,
            header_row: self.header_row.map_or(HeaderRow::Detect, HeaderRow::Line),
            sheet: self.sheet.clone(),
        }
    }

    /// A loader for a file of `size` bytes read with these options (forced
    /// encoding and delimiter, language of the errors); a workbook is
    /// recognised by its first bytes.
    pub fn loader(&self, size: usize) -> FileLoader {
        FileLoader::new(self, size)
    }
}

/// A row that may be the header: its line (a sheet's row) and its first
/// values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderCandidate {
    /// The line, 1-based.
    pub line: u64,
    /// Its non-empty values, joined, at most 60 characters.
    pub preview: String,
}

/// What the page keeps of a checked file: no rows, no cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Encoding, delimiter, columns, counts and file errors; `errors` is
    /// left empty (the worker has them).
    pub report: Report,
    /// The header cells.
    pub header: Vec<String>,
    /// Up to three non-empty sample values per column (for the mapping step).
    pub samples: Vec<Vec<String>>,
    /// The numbers of the rows with errors, ascending.
    pub error_rows: Vec<u64>,
    /// Rows without errors whose key matches an existing record (see
    /// [`Request::Existing`]).
    pub matching: u64,
    /// The highest row number (rows of the file, then rows added); rows
    /// taken out keep their numbers, so the numbers shown are those of the file.
    #[serde(default)]
    pub last_row: u64,
    /// Rows taken out in the review: while there are some, row `n` is not
    /// the `n`th row shown (see [`Request::Order`]).
    #[serde(default)]
    pub removed: u64,
    /// Changes that can be undone and redone.
    #[serde(default)]
    pub steps: Steps,
    /// A workbook's sheets with data (none for a text file): with several,
    /// the user chooses one.
    #[serde(default)]
    pub sheets: Vec<SheetInfo>,
    /// The rows that may be the header (the header among them, at
    /// [`Report::header_line`]).
    #[serde(default)]
    pub header_rows: Vec<HeaderCandidate>,
}

/// How many changes can be undone and redone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Steps {
    /// Changes that can be undone.
    pub undo: usize,
    /// Changes undone that can be done again.
    pub redo: usize,
}

/// What a change of many cells or rows did, and the file's summary after it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeOutcome {
    /// The file now.
    pub summary: Summary,
    /// Cells changed.
    pub cells: u64,
    /// Rows taken out.
    pub rows_removed: u64,
    /// Rows added (or put back).
    pub rows_added: u64,
    /// The row a [`Request::AddRow`] added.
    pub added: Option<u64>,
}

/// Which cells a fix applies to: the cells of a column, all of them or
/// only those with an error of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The column.
    pub column: usize,
    /// Only the cells with this error; `None` for every cell of the column.
    pub code: Option<RowErrorCode>,
}

/// A fix the review offers for the errors of one kind in a column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// The cells it is for.
    pub target: Target,
    /// How many cells have that error.
    pub errors: u64,
    /// Fixes that change some of them, with how many cells each changes.
    pub fixes: Vec<(Fix, u64)>,
}

/// How many cells a fix would change, or why it cannot be applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixCount {
    /// Cells it changes.
    pub cells: u64,
    /// What is wrong with the fix (a date format that is not one).
    pub error: Option<String>,
}

/// Which rows the grid shows, and in what order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewSpec {
    /// Only rows with an error.
    #[serde(default)]
    pub only_errors: bool,
    /// Only rows with an error in this column.
    #[serde(default)]
    pub column: Option<usize>,
    /// Only rows with an error of this kind.
    #[serde(default)]
    pub code: Option<RowErrorCode>,
    /// Sorted by this column's values (numbers as numbers, text ignoring
    /// case); ties keep the file's order.
    #[serde(default)]
    pub sort: Option<Sort>,
}

impl ViewSpec {
    /// Whether the view is the rows in file order, maybe only those with
    /// errors: the page knows their numbers from the [`Summary`] alone
    /// (while no row was taken out).
    pub fn is_plain(&self) -> bool {
        self.column.is_none() && self.code.is_none() && self.sort.is_none()
    }
}

/// A sort by one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    /// The column.
    pub column: usize,
    /// Largest first.
    #[serde(default)]
    pub descending: bool,
}

/// One row as the grid shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewRow {
    /// Data row number, 1-based.
    pub row: u64,
    /// Physical line, 1-based.
    pub line: u64,
    /// Cells as decoded (or as edited).
    pub cells: Vec<String>,
    /// The row's errors.
    pub errors: Vec<RowError>,
}

/// What an edit changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EditOutcome {
    /// The row counts now.
    pub rows: RowCounts,
    /// Rows whose errors changed (the edited one, and rows that were or
    /// became duplicates of it), with whether they have errors now.
    pub changed: Vec<(u64, bool)>,
    /// As [`Summary::matching`].
    pub matching: u64,
    /// Changes that can be undone and redone, this edit included.
    #[serde(default)]
    pub steps: Steps,
}

/// A row that will not be imported, and why (as the server records it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Data row number.
    pub row: u64,
    /// One entry per problem, naming the column.
    pub reasons: Vec<String>,
}

/// The next rows to import.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NextBatch {
    /// Valid rows, normalised, in file order.
    pub records: Vec<Record>,
    /// No rows are left after these.
    pub done: bool,
}

/// What the page asks the worker's session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Check every row again with these options (a mapping change, values
    /// the server does not know): answers a [`Summary`].
    Check {
        /// The options to check with.
        options: CheckOptions,
    },
    /// These rows (numbers), with their errors: answers `Vec<ViewRow>`.
    Rows {
        /// Row numbers, as the summary gives them.
        rows: Vec<u64>,
    },
    /// Set one cell and check what it affects (undoable): answers an [`EditOutcome`].
    Edit {
        /// The row's number.
        row: u64,
        /// The column, from 0 in the file's order.
        column: usize,
        /// The cell's new text.
        value: String,
    },
    /// How many cells of `column` (all columns when `None`) hold the text
    /// and would change: answers a `u64`.
    Find {
        /// The column, or `None` for all.
        column: Option<usize>,
        /// What to look for.
        find: Find,
    },
    /// Replace the text in those cells (one step): answers a [`ChangeOutcome`].
    Replace {
        /// The column, or `None` for all.
        column: Option<usize>,
        /// What to look for.
        find: Find,
        /// What to put in its place.
        with: String,
    },
    /// The fixes offered for the errors of each column: answers `Vec<Offer>`.
    Offers,
    /// How many cells a fix would change: answers a [`FixCount`].
    CountFix {
        /// The cells the fix is for.
        target: Target,
        /// The fix.
        fix: Fix,
    },
    /// Apply a fix (one step): answers a [`ChangeOutcome`].
    ApplyFix {
        /// The cells the fix is for.
        target: Target,
        /// The fix.
        fix: Fix,
    },
    /// Take these rows out (one step): answers a [`ChangeOutcome`].
    DeleteRows {
        /// Row numbers.
        rows: Vec<u64>,
    },
    /// Take every row with an error out (one step): answers a [`ChangeOutcome`].
    DeleteInvalid,
    /// Add an empty row at the end (one step): answers a [`ChangeOutcome`].
    AddRow,
    /// Undo the last change: answers a [`ChangeOutcome`].
    Undo,
    /// Do the last undone change again: answers a [`ChangeOutcome`].
    Redo,
    /// The numbers of the rows a view shows, in order: answers `Vec<u64>`.
    Order {
        /// The filter and sort of the view.
        view: ViewSpec,
    },
    /// The error report CSV (original cells plus an `errors` column): answers a string.
    ErrorReport,
    /// The distinct values of each mapped field with a `reference`: answers
    /// `Vec<(field key, values)>`.
    References,
    /// The distinct combinations of the values of these fields (keys) in
    /// the rows that have a valid, non-empty value for each, normalised as
    /// [`Request::References`] gives them: answers `Vec<Vec<String>>`.
    Combinations {
        /// Field keys.
        fields: Vec<String>,
    },
    /// The distinct key texts (trimmed, lowercased) of a column, at most
    /// `max`: answers `Vec<String>`.
    KeyValues {
        /// The column, from 0 in the file's order.
        column: usize,
        /// The most values to answer.
        max: usize,
    },
    /// Key texts that existing records have: answers the number of valid
    /// rows that match one.
    Existing {
        /// The column, from 0 in the file's order.
        column: usize,
        /// Key texts of existing records.
        values: Vec<String>,
    },
    /// The rows with errors and why: answers `Vec<Skipped>`.
    Skipped,
    /// Where the row numbers shown differ from the data row numbers (a
    /// workbook's), as at most `max` `[row, shown]` pairs: answers
    /// `Vec<[u64; 2]>` (see `Session::shown_rows`).
    ShownRows {
        /// The most pairs; beyond it, none.
        max: usize,
    },
    /// Start handing out valid records from the first row: answers the
    /// number of valid rows.
    StartCommit,
    /// The next valid records, at most `size` and, when `max_bytes` is not
    /// 0, at most that many bytes of JSON (always at least one record):
    /// answers a [`NextBatch`].
    NextBatch {
        /// The most records.
        size: usize,
        /// The most bytes of the records as JSON; 0: no limit.
        #[serde(default)]
        max_bytes: usize,
    },
}
