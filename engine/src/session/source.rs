//! Where a session's rows come from, and reading them again when the user
//! picks another sheet of a workbook or another header row.
//!
//! A text file is read in chunks as it comes ([`StreamLoader`]); a workbook
//! (recognised by its first bytes: a zip or an OLE compound file) is held
//! whole, because its rows can only be read once all of it is there, and
//! kept, so that another sheet or header row reads it again without the
//! file. A text file's rows are kept in the session; another header row
//! moves them ([`StreamLoaded::with_header`]).

use super::Session;
use crate::{CheckOptions, HeaderCandidate};
use csv_import_core::header_row::HeaderRow;
use csv_import_core::messages;
use csv_import_core::store::{RowStore, StreamLoaded, StreamLoader};
use csv_import_core::workbook::{SheetInfo, SheetOptions, Workbook};
use csv_import_core::{FileError, FileErrorCode, Template};

/// Where the rows came from.
#[derive(Default)]
pub enum Source {
    /// A text file, read in chunks; its rows are all in the session.
    #[default]
    Text,
    /// A workbook, kept whole, with its sheets that have data.
    Workbook {
        /// The workbook's file.
        bytes: Vec<u8>,
        /// Its sheets with data.
        sheets: Vec<SheetInfo>,
    },
}

/// A file read, and where it came from.
pub struct Loaded {
    /// The rows read (of the sheet chosen, for a workbook).
    pub rows: StreamLoaded,
    /// Where they came from.
    pub source: Source,
}

/// Reads a file chunk by chunk: a text file as it comes, a workbook whole.
pub struct FileLoader {
    text: StreamLoader,
    workbook: Option<Vec<u8>>,
    started: bool,
}

/// The first bytes of a zip (`.xlsx`, `.xlsm`, `.xlsb`, `.ods`) and of an
/// OLE compound file (`.xls`).
fn starts_like_a_workbook(chunk: &[u8]) -> bool {
    chunk.starts_with(b"PK\x03\x04") || chunk.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

impl FileLoader {
    /// A loader for a file of `size` bytes read with `options`.
    pub fn new(options: &CheckOptions, size: usize) -> FileLoader {
        let engine = options.to_options();
        let text = StreamLoader::new(engine.encoding.as_deref(), size)
            .with_delimiter(engine.delimiter)
            .with_lang(engine.lang);
        FileLoader { text, workbook: None, started: false }
    }

    /// Takes the next chunk; false once the file cannot be read.
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        if !self.started && !chunk.is_empty() {
            self.started = true;
            if starts_like_a_workbook(chunk) {
                self.workbook = Some(Vec::new());
            }
        }
        match &mut self.workbook {
            Some(bytes) => {
                bytes.extend_from_slice(chunk);
                true
            }
            None => self.text.feed(chunk),
        }
    }

    /// Rows read so far (a workbook's are read at the end).
    pub fn rows_read(&self) -> u64 {
        if self.workbook.is_some() { 0 } else { self.text.rows_read() }
    }

    /// The rows of the file: a text file's from its header row, a
    /// workbook's from the sheet the options name (or its first sheet with
    /// data).
    pub fn finish(self, template: &Template, options: &CheckOptions) -> Result<Loaded, FileError> {
        match self.workbook {
            Some(bytes) => {
                let (rows, sheets) = load_sheet(&bytes, template, options)?;
                Ok(Loaded { rows, source: Source::Workbook { bytes, sheets } })
            }
            None => {
                let lang = options.lang;
                let rows = self.text.finish()?.with_header(header_choice(options), template, lang)?;
                Ok(Loaded { rows, source: Source::Text })
            }
        }
    }
}

fn header_choice(options: &CheckOptions) -> HeaderRow {
    options.header_row.map_or(HeaderRow::Detect, HeaderRow::Line)
}

/// The sheet of a workbook that `options` name, or its first with data.
fn load_sheet(bytes: &[u8], template: &Template, options: &CheckOptions) -> Result<(StreamLoaded, Vec<SheetInfo>), FileError> {
    let engine = options.to_options();
    let lang = engine.lang;
    let book = Workbook::open(bytes, lang)?;
    let sheets = book.sheets_with_data();
    let index = match options.sheet.as_deref() {
        Some(name) => book
            .find_sheet(name)
            .ok_or_else(|| FileError::new(FileErrorCode::InvalidOption, messages::no_such_sheet(lang, name)))?,
        None => sheets.first().map_or(0, |s| s.index),
    };
    let sheet_options = SheetOptions { header_row: header_choice(options), overrides: &engine.overrides, lang };
    Ok((book.load(index, template, &sheet_options)?, sheets))
}

impl Session {
    /// Reads the rows again when `options` name another sheet or header
    /// row than the rows were read with. On an error the rows stay as they
    /// were, and so do the sheet and header row of the session's options.
    pub(super) fn reload(&mut self, options: &mut CheckOptions) -> Result<(), FileError> {
        if options.sheet == self.options.sheet && options.header_row == self.options.header_row {
            return Ok(());
        }
        let lang = options.lang;
        let outcome = match &self.source {
            Source::Workbook { bytes, .. } => load_sheet(bytes, &self.template, options).map(|(rows, _)| rows),
            Source::Text => {
                let candidates = self.header_candidates();
                match options.header_row {
                    Some(line) if !candidates.iter().any(|c| c.line == line) => {
                        let first = candidates.first().map_or(1, |c| c.line);
                        let last = candidates.last().map_or(1, |c| c.line);
                        Err(FileError::new(FileErrorCode::InvalidOption, messages::no_header_row(lang, line, first, last)))
                    }
                    _ => {
                        let loaded = StreamLoaded {
                            encoding: self.encoding.clone(),
                            delimiter: self.delimiter,
                            header: std::mem::take(&mut self.header),
                            header_line: self.header_line,
                            above: std::mem::take(&mut self.above),
                            sheet: None,
                            rows: std::mem::replace(&mut self.store, RowStore::with_capacity(0)),
                        };
                        // The line was checked above: moving the header cannot fail.
                        loaded.with_header(header_choice(options), &self.template, lang)
                    }
                }
            }
        };
        match outcome {
            Ok(rows) => {
                self.take_rows(rows);
                Ok(())
            }
            Err(error) => {
                options.sheet = self.options.sheet.clone();
                options.header_row = self.options.header_row;
                Err(error)
            }
        }
    }

    /// Uses these rows from now on.
    pub(super) fn take_rows(&mut self, rows: StreamLoaded) {
        self.encoding = rows.encoding;
        self.delimiter = rows.delimiter;
        self.header = rows.header;
        self.header_line = rows.header_line;
        self.above = rows.above;
        self.sheet = rows.sheet;
        self.store = rows.rows;
        // Other rows: what was taken out or can be undone was about the old ones.
        self.removed.clear();
        self.removed_count = 0;
        self.history = super::History::default();
    }

    /// The rows that may be the header, each with its line and a preview.
    pub fn header_candidates(&self) -> Vec<HeaderCandidate> {
        let preview = |cells: &[String]| -> String {
            let text: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            let text = text.join(" · ");
            match text.char_indices().nth(60) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text,
            }
        };
        let mut out: Vec<HeaderCandidate> =
            self.above.iter().map(|(line, cells)| HeaderCandidate { line: *line, preview: preview(cells) }).collect();
        out.push(HeaderCandidate { line: self.header_line, preview: preview(&self.header) });
        let more = csv_import_core::header_row::SEARCH_ROWS.saturating_sub(out.len()).min(self.store.len());
        out.extend((0..more).map(|i| HeaderCandidate {
            line: self.store.position(i).line,
            preview: preview(&self.store.cells(i)),
        }));
        out
    }

    /// A workbook's sheets with data; none for a text file.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        match &self.source {
            Source::Workbook { sheets, .. } => sheets.clone(),
            Source::Text => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{CheckOptions, load_in_chunks};

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../core/tests/fixtures/workbooks/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn options() -> CheckOptions {
        CheckOptions { now: "2026-01-01T00:00:00Z".into(), ..CheckOptions::default() }
    }

    #[test]
    fn a_workbook_read_in_chunks_lists_its_sheets_and_reads_the_one_chosen() {
        let template = csv_import_core::builtin::get("clients").unwrap();
        let mut session = load_in_chunks(&fixture("clients.xlsx"), 1000, template, options()).ok().unwrap();
        let summary = session.summary();
        let names: Vec<&str> = summary.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Notes", "Clients"]);
        // The first sheet with data, until the user chooses.
        assert_eq!(summary.report.sheet.as_deref(), Some("Notes"));
        session.check(CheckOptions { sheet: Some("Clients".into()), ..options() }, &mut |_, _| {});
        let summary = session.summary();
        assert_eq!((summary.report.sheet.as_deref(), summary.report.header_line, summary.report.rows_above), (Some("Clients"), 4, 2));
        assert_eq!((summary.report.rows.valid, summary.report.rows.invalid), (3, 1));
        let lines: Vec<u64> = summary.header_rows.iter().map(|c| c.line).collect();
        assert_eq!(lines[..4], [1, 2, 4, 5]);
        assert_eq!(summary.header_rows[0].preview, "Clients export");
        let row = &session.rows(&[3])[0];
        assert_eq!((row.line, row.errors[0].code), (7, csv_import_core::RowErrorCode::CellError));
    }

    #[test]
    fn a_workbooks_rows_are_shown_with_the_spreadsheets_numbers() {
        let template = csv_import_core::builtin::get("clients").unwrap();
        let mut session = load_in_chunks(&fixture("clients.xlsx"), 1000, template.clone(), options()).ok().unwrap();
        session.check(CheckOptions { sheet: Some("Clients".into()), ..options() }, &mut |_, _| {});
        let runs = session.shown_rows(100);
        assert_eq!(runs[0], [1, 5], "the first data row is the sheet's row 5");
        let total = session.summary().report.rows.total;
        let numbers: Vec<u64> = (1..=total).collect();
        for row in session.rows(&numbers) {
            let [from, shown] = *runs.iter().rev().find(|[from, _]| *from <= row.row).unwrap();
            assert_eq!(shown + (row.row - from), row.line, "row {}", row.row);
        }
        // Too many pairs to send: none, and the data rows are recorded.
        assert_eq!(session.shown_rows(0), Vec::<[u64; 2]>::new());
        // A text file's rows are shown with their data row numbers.
        let text = load_in_chunks(b"Title

First Name,Email
Ann,ann@example.com
", 7, template, options()).ok().unwrap();
        assert!(text.shown_rows(100).is_empty());
    }

    #[test]
    fn another_header_row_reads_the_rows_again_and_a_bad_one_keeps_them() {
        let template = csv_import_core::builtin::get("clients").unwrap();
        let file = b"Clients of March\n\nFirst Name,Email\nAnn,ann@example.com\nBob,bob@example.com\n";
        let mut session = load_in_chunks(file, 7, template, options()).ok().unwrap();
        let summary = session.summary();
        assert_eq!((summary.report.header_line, summary.report.rows_above, summary.report.rows.total), (3, 1, 2));
        // The user takes the title as the header: the header row comes back as a row.
        session.check(CheckOptions { header_row: Some(1), ..options() }, &mut |_, _| {});
        let summary = session.summary();
        assert_eq!((summary.report.header_line, summary.report.rows.total), (1, 3));
        assert!(summary.report.file_errors.iter().any(|e| e.code == csv_import_core::FileErrorCode::MissingRequiredColumn));
        // A blank line cannot be the header: the rows stay, the error says which rows can.
        session.check(CheckOptions { header_row: Some(2), ..options() }, &mut |_, _| {});
        let summary = session.summary();
        assert_eq!(summary.report.header_line, 1);
        assert!(summary.report.file_errors.iter().any(|e| e.message.contains("Row 2 cannot be the header")));
        session.check(CheckOptions { header_row: Some(3), ..options() }, &mut |_, _| {});
        let summary = session.summary();
        assert_eq!((summary.report.header_line, summary.report.rows.valid), (3, 2));
        assert_eq!(session.rows(&[1])[0].line, 4);
    }

    #[test]
    fn rows_read_again_forget_the_rows_taken_out_and_the_undo_steps() {
        let template = csv_import_core::builtin::get("clients").unwrap();
        let file = b"Clients of March
First Name,Email
Ann,ann@example.com
Bob,bob@example.com
";
        let mut session = load_in_chunks(file, 7, template, options()).ok().unwrap();
        session.edit(1, 0, "Anna");
        session.delete_rows(&[2]);
        let summary = session.summary();
        assert_eq!((summary.removed, summary.steps.undo), (1, 2));
        // Another header row: other rows, so nothing to put back or undo.
        session.check(CheckOptions { header_row: Some(1), ..options() }, &mut |_, _| {});
        let summary = session.summary();
        assert_eq!((summary.removed, summary.steps.undo, summary.report.rows.total), (0, 0, 3));
        assert_eq!(session.undo().cells, 0);
    }
}
