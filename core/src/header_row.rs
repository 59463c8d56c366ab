//! The header row: which row of a file holds the column names.
//!
//! Files often carry something above their header: a title, an export
//! date, blank lines, notes. The header is then the row that matches the
//! template's fields best: [`find_header`] scores each of the first
//! [`SEARCH_ROWS`] rows that have a value by how many fields its cells name
//! (by key, label, synonym or close spelling, as [`crate::map`] matches
//! them) and takes the first with the best score; the first row stays the
//! header unless a later one names more fields. A caller may also name the
//! row ([`HeaderRow::Line`]). The rows above the header are ignored, and
//! the rows and lines of the others stay those of the file.
//!
//! ```
//! use csv_import_core::header_row::find_header;
//!
//! let template = csv_import_core::builtin::get("clients").unwrap();
//! let rows = vec![
//!     (1, vec!["Clients export".to_string()]),
//!     (2, vec!["Exported 2024-03-05".to_string()]),
//!     (4, vec!["First Name".to_string(), "Email".to_string()]),
//!     (5, vec!["Ann".to_string(), "ann@example.com".to_string()]),
//! ];
//! assert_eq!(find_header(&rows, &template), 2);
//! ```

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::error::{FileError, FileErrorCode};
use crate::map::Mapper;
use crate::messages::{self, Lang};
use crate::store::{RowStore, StreamLoaded};
use crate::template::Template;

/// How many rows with a value, from the top, may be the header.
pub const SEARCH_ROWS: usize = 20;

/// Which row is the header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HeaderRow {
    /// The row that matches the template best ([`find_header`]).
    #[default]
    Detect,
    /// The row that starts on this line of the file (a text file's line, a
    /// sheet's row number), 1-based; one of the first [`SEARCH_ROWS`] rows
    /// with a value.
    Line(u64),
}

/// How many of the template's fields `cells` name as column headers.
pub fn score(cells: &[String], template: &Template) -> usize {
    let mapping = Mapper::new(template).map(cells);
    let fields: HashSet<&str> = mapping.columns.iter().filter_map(|c| c.field.as_deref()).collect();
    let attributes = mapping.columns.iter().filter(|c| c.attribute.is_some()).count();
    fields.len() + attributes
}

/// The index in `rows` (each a line and its cells) of the likeliest header:
/// the first row with the best [`score`], or 0 when no later row scores
/// more than the first.
pub fn find_header(rows: &[(u64, Vec<String>)], template: &Template) -> usize {
    let mut best = (0, rows.first().map_or(0, |(_, cells)| score(cells, template)));
    for (i, (_, cells)) in rows.iter().enumerate().take(SEARCH_ROWS).skip(1) {
        let s = score(cells, template);
        if s > best.1 {
            best = (i, s);
        }
    }
    best.0
}

/// The index of the header in `rows` as `choice` says.
pub(crate) fn choose_header(
    rows: &[(u64, Vec<String>)],
    template: &Template,
    choice: HeaderRow,
    lang: Lang,
) -> Result<usize, FileError> {
    if rows.is_empty() {
        return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(lang)));
    }
    match choice {
        HeaderRow::Detect => Ok(find_header(rows, template)),
        HeaderRow::Line(line) => rows.iter().position(|(l, _)| *l == line).ok_or_else(|| {
            let first = rows.first().map_or(1, |(l, _)| *l);
            let last = rows.last().map_or(1, |(l, _)| *l);
            FileError::new(FileErrorCode::InvalidOption, messages::no_header_row(lang, line, first, last))
        }),
    }
}

impl StreamLoaded {
    /// The rows that may be the header: those above it, the header, and
    /// the first rows after it, up to [`SEARCH_ROWS`] in all, each with its
    /// line.
    pub fn header_candidates(&self) -> Vec<(u64, Vec<String>)> {
        let mut out = self.above.clone();
        out.push((self.header_line, self.header.clone()));
        let more = SEARCH_ROWS.saturating_sub(out.len()).min(self.rows.len());
        out.extend((0..more).map(|i| (self.rows.position(i).line, self.rows.cells(i))));
        out
    }

    /// The same file with its header where `choice` says (found for
    /// `template`, or the row on a given line): the rows above it are kept
    /// aside in [`above`](StreamLoaded::above), the rows after it are
    /// numbered from 1. Nothing is copied when the header does not move.
    ///
    /// ```
    /// use csv_import_core::header_row::HeaderRow;
    /// use csv_import_core::store::StreamLoader;
    ///
    /// let template = csv_import_core::builtin::get("clients").unwrap();
    /// let bytes = b"Our clients\n\nFirst Name,Email\nAnn,ann@example.com\n";
    /// let mut loader = StreamLoader::new(None, bytes.len());
    /// loader.feed(bytes);
    /// let loaded = loader.finish().unwrap().with_header(HeaderRow::Detect, &template, Default::default()).unwrap();
    /// assert_eq!(loaded.header_line, 3);
    /// assert_eq!(loaded.header, ["First Name", "Email"]);
    /// assert_eq!(loaded.above.len(), 1);
    /// assert_eq!(loaded.rows.position(0).line, 4);
    /// ```
    pub fn with_header(self, choice: HeaderRow, template: &Template, lang: Lang) -> Result<StreamLoaded, FileError> {
        let candidates = self.header_candidates();
        let chosen = choose_header(&candidates, template, choice, lang)?;
        let now = self.above.len();
        if chosen == now {
            return Ok(self);
        }
        let (header_line, header) = candidates[chosen].clone();
        if header.iter().all(|c| c.trim().is_empty()) {
            return Err(FileError::new(FileErrorCode::NoHeader, messages::no_header(lang, header_line)));
        }
        let mut rows = RowStore::with_capacity(0);
        // Rows that were above the header, or the header itself, and now
        // come after the new one.
        for (line, cells) in candidates.iter().take(now + 1).skip(chosen + 1) {
            rows.push(*line, cells.iter().map(String::as_str));
        }
        let first = if chosen > now { chosen - now } else { 0 };
        for i in first..self.rows.len() {
            let row = self.rows.row(i);
            let cells = self.rows.cells(i);
            rows.push_cut(self.rows.position(i).line, cells.iter().map(String::as_str), crate::validate::Cells::quote_problem(&row).copied());
        }
        Ok(StreamLoaded {
            header,
            header_line,
            above: candidates[..chosen].to_vec(),
            rows,
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StreamLoader;

    fn loaded(bytes: &[u8]) -> StreamLoaded {
        let mut loader = StreamLoader::new(None, bytes.len());
        loader.feed(bytes);
        loader.finish().unwrap()
    }

    #[test]
    fn a_header_on_the_first_row_stays() {
        let template = crate::builtin::get("clients").unwrap();
        let l = loaded(b"First Name,Email\nEmail,First Name\n").with_header(HeaderRow::Detect, &template, Lang::En).unwrap();
        assert_eq!((l.header_line, l.rows.len()), (1, 1));
        assert!(l.above.is_empty());
    }

    #[test]
    fn the_header_moves_down_and_back_up() {
        let template = crate::builtin::get("clients").unwrap();
        let l = loaded(b"Report\nFirst Name,Email\nAnn,ann@x.com\nBob,bob@x.com\n");
        let l = l.with_header(HeaderRow::Detect, &template, Lang::En).unwrap();
        assert_eq!((l.header_line, l.rows.len(), l.rows.position(0)), (2, 2, crate::Position { row: 1, line: 3 }));
        // The user picks the row below, then the title again.
        let l = l.with_header(HeaderRow::Line(3), &template, Lang::En).unwrap();
        assert_eq!(l.header, ["Ann", "ann@x.com"]);
        assert_eq!((l.rows.len(), l.above.len()), (1, 2));
        let l = l.with_header(HeaderRow::Line(1), &template, Lang::En).unwrap();
        assert_eq!(l.header, ["Report"]);
        assert_eq!(l.rows.len(), 3);
        assert_eq!(l.rows.cells(0), ["First Name", "Email"]);
        assert_eq!(l.rows.position(2), crate::Position { row: 3, line: 4 });
    }

    #[test]
    fn a_line_that_is_no_row_is_an_error_naming_the_rows() {
        let template = crate::builtin::get("clients").unwrap();
        let err = loaded(b"First Name\n\nAnn\n").with_header(HeaderRow::Line(2), &template, Lang::En).unwrap_err();
        assert_eq!(err.code, FileErrorCode::InvalidOption);
        assert!(err.message.contains("2"), "{}", err.message);
    }
}
