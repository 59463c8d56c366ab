//! Excel and OpenDocument workbooks: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` and
//! `.ods`, read with [`calamine`] into the same rows a CSV file gives.
//!
//! A workbook is recognised by its bytes ([`WorkbookKind::detect`]), not by
//! its name. [`Workbook::open`] reads every sheet; [`Workbook::sheets`] says
//! what each holds (for a user choosing one); [`Workbook::load`] turns one
//! sheet into a [`StreamLoaded`], the header and rows every later step
//! (mapping, checking, review, import) takes, so nothing after it knows the
//! file was a workbook.
//!
//! Cells come out as the user sees them:
//!
//! * a number is written without float noise: `0.1` stays `0.1`, a phone
//!   number or ID stored as a number stays whole (`33612345678`, never
//!   `3.36E+10`), at most the 15 significant digits a spreadsheet shows;
//! * a date or time (a serial number with a date format) is written as ISO
//!   `2024-03-05`, `2024-03-05 14:30:00` or `14:30:00`; in a column mapped
//!   to a date field with formats of its own, in the field's first format;
//! * a formula gives the value the spreadsheet last computed;
//! * `TRUE` and `FALSE` for booleans; an error cell (`#N/A`, `#DIV/0!`) its
//!   text, which every field refuses as a `cell_error`;
//! * rows with no value are skipped (not counted), empty trailing cells
//!   dropped;
//! * a cell merged over several rows (a company written once beside its
//!   contacts) gives its value to each of those rows, in its first column;
//!   merged across columns (a title over the table) it stays one cell, the
//!   first column's, as a spreadsheet shows it. `.xlsx` and `.xls` say
//!   which cells are merged; `.ods` and `.xlsb` files are read without
//!   that (calamine does not give their merges), so there only the first
//!   row has the value.
//!
//! Each row's [`Position::line`](crate::Position) is its row number in the
//! sheet (1-based), so that messages name the row a spreadsheet shows.
//!
//! ```
//! use csv_import_core::workbook::WorkbookKind;
//!
//! assert_eq!(WorkbookKind::detect(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), Some(WorkbookKind::Xls));
//! assert_eq!(WorkbookKind::detect(b"Name,Email\n"), None);
//! ```

use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Dimensions, Ods, Range, Reader, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use serde::{Deserialize, Serialize};

use crate::error::{FileError, FileErrorCode};
use crate::header_row::{HeaderRow, choose_header};
use crate::map::{Mapper, Override};
use crate::messages::{self, Lang};
use crate::store::{RowStore, StreamLoaded};
use crate::template::{FieldType, Template};
use crate::value::DateFormat;

/// The file formats a [`Workbook`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum WorkbookKind {
    /// Office Open XML: `.xlsx` and `.xlsm` (Excel 2007 and later, Google
    /// Sheets, Numbers and LibreOffice exports).
    Xlsx,
    /// Excel's binary workbook, `.xlsb`.
    Xlsb,
    /// Excel 97-2003, `.xls`.
    Xls,
    /// OpenDocument spreadsheet, `.ods` (LibreOffice, OpenOffice).
    Ods,
}

const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ZIP: &[u8] = b"PK\x03\x04";
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

impl WorkbookKind {
    /// The kind of workbook `bytes` are, from their signature: a compound
    /// document (OLE) is `.xls`; a zip is `.ods` when its first entry says
    /// so, `.xlsb` or `.xlsx` when it holds `xl/workbook.bin` or `xl/`
    /// entries. Anything else (text, a zip of other files) is `None`.
    pub fn detect(bytes: &[u8]) -> Option<WorkbookKind> {
        if bytes.starts_with(OLE) {
            return Some(WorkbookKind::Xls);
        }
        if !bytes.starts_with(ZIP) {
            return None;
        }
        // An OpenDocument file starts with its stored, uncompressed
        // `mimetype` entry.
        if memchr::memmem::find(&bytes[..bytes.len().min(256)], ODS_MIME).is_some() {
            return Some(WorkbookKind::Ods);
        }
        if memchr::memmem::find(bytes, b"xl/workbook.bin").is_some() {
            return Some(WorkbookKind::Xlsb);
        }
        memchr::memmem::find(bytes, b"xl/").map(|_| WorkbookKind::Xlsx)
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            WorkbookKind::Xlsx => "xlsx",
            WorkbookKind::Xlsb => "xlsb",
            WorkbookKind::Xls => "xls",
            WorkbookKind::Ods => "ods",
        }
    }
}

/// What one sheet holds, for a user choosing a sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetInfo {
    /// 0-based position in the workbook.
    pub index: usize,
    /// The sheet's name.
    pub name: String,
    /// Rows with a value, after the first one (the rows of data if the
    /// first row is the header).
    pub rows: u64,
    /// The first few values of its first row with a value.
    pub headers: Vec<String>,
}

/// How many values of a sheet's first row [`SheetInfo::headers`] shows.
const SHEET_HEADERS: usize = 5;

/// A workbook's sheets, read.
pub struct Workbook {
    kind: WorkbookKind,
    sheets: Vec<(String, Range<Data>)>,
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.sheets.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Workbook").field("kind", &self.kind).field("sheets", &names).finish()
    }
}

/// How to read one sheet: which row is the header, and the caller's column
/// choices (which decide the date format of a column).
#[derive(Clone, Copy, Debug, Default)]
pub struct SheetOptions<'a> {
    /// The header row: found, or chosen by the user.
    pub header_row: HeaderRow,
    /// Column choices, as given to the mapping.
    pub overrides: &'a [Override],
    /// The language of the errors.
    pub lang: Lang,
}

impl Workbook {
    /// Reads the workbook in `bytes` (of any [`WorkbookKind`]), every sheet
    /// but the hidden ones.
    ///
    /// Errors: [`FileErrorCode::NotText`] when the bytes are not a workbook
    /// (see [`WorkbookKind::detect`]), [`FileErrorCode::Unreadable`] when
    /// they are one that cannot be read (damaged, encrypted), and
    /// [`FileErrorCode::EmptyFile`] when no sheet has a value.
    pub fn open(bytes: &[u8], lang: Lang) -> Result<Workbook, FileError> {
        let kind = WorkbookKind::detect(bytes)
            .ok_or_else(|| FileError::new(FileErrorCode::NotText, messages::not_a_workbook(lang)))?;
        let unreadable =
            |why: String| FileError::new(FileErrorCode::Unreadable, messages::unreadable_workbook(lang, kind.extension(), &why));
        if kind == WorkbookKind::Xls && !whole_sectors(bytes) {
            return Err(unreadable("cut short".into()));
        }
        // calamine may panic on a damaged file rather than fail: natively
        // that is caught and said like any damage. (In wasm a panic stops
        // the worker, which the page reports; the checks above keep the
        // common damage, a file cut short, from getting that far.)
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_kind(kind, bytes)));
        let sheets = match read {
            Ok(result) => result.map_err(unreadable)?,
            Err(_) => return Err(unreadable("damaged".into())),
        };
        if sheets.iter().all(|(_, range)| range.rows().all(row_is_blank)) {
            return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(lang)));
        }
        Ok(Workbook { kind, sheets })
    }

    /// The workbook's format.
    pub fn kind(&self) -> WorkbookKind {
        self.kind
    }

    /// Each sheet: its name, rows and first values.
    pub fn sheets(&self) -> Vec<SheetInfo> {
        self.sheets
            .iter()
            .enumerate()
            .map(|(index, (name, range))| {
                let mut rows = range.rows().filter(|r| !row_is_blank(r));
                let headers = rows
                    .next()
                    .map(|r| {
                        r.iter().map(cell_text).filter(|t| !t.trim().is_empty()).take(SHEET_HEADERS).collect()
                    })
                    .unwrap_or_default();
                SheetInfo { index, name: name.clone(), rows: rows.count() as u64, headers }
            })
            .collect()
    }

    /// The sheets that have a value: the ones a user may choose.
    pub fn sheets_with_data(&self) -> Vec<SheetInfo> {
        self.sheets().into_iter().filter(|s| !s.headers.is_empty()).collect()
    }

    /// The sheet a user named: by its name (ignoring case and surrounding
    /// spaces), or else by its position, 1-based (`2` is the second sheet).
    pub fn find_sheet(&self, choice: &str) -> Option<usize> {
        let wanted = choice.trim().to_lowercase();
        if let Some(at) = self.sheets.iter().position(|(name, _)| name.trim().to_lowercase() == wanted) {
            return Some(at);
        }
        let n: usize = wanted.parse().ok()?;
        (1..=self.sheets.len()).contains(&n).then(|| n - 1)
    }

    /// The name of sheet `index`.
    pub fn sheet_name(&self, index: usize) -> Option<&str> {
        self.sheets.get(index).map(|(name, _)| name.as_str())
    }

    /// Sheet `index` as a header and rows, for `template`: the header row
    /// is found or taken as `options` say (see [`crate::header_row`]), and
    /// a column the header maps to a date field with formats of its own has
    /// its date cells written in the field's first format.
    ///
    /// The [`StreamLoaded`]'s `encoding` is the workbook's extension
    /// (`xlsx`, ...), its `sheet` the sheet's name, and each row's line its
    /// row in the sheet.
    pub fn load(&self, index: usize, template: &Template, options: &SheetOptions<'_>) -> Result<StreamLoaded, FileError> {
        let lang = options.lang;
        let Some((name, range)) = self.sheets.get(index) else {
            return Err(FileError::new(FileErrorCode::InvalidOption, messages::no_such_sheet(lang, &(index + 1).to_string())));
        };
        // Absolute positions: a sheet whose first value is in C4 still has
        // its rows and columns numbered from A1.
        let (top, left) = range.start().map(|(r, c)| (r as u64, c as usize)).unwrap_or((0, 0));
        let lines = || range.rows().enumerate().map(move |(i, r)| (top + i as u64 + 1, r)).filter(|(_, r)| !row_is_blank(r));
        let texts = |cells: &[Data]| -> Vec<String> {
            let mut out: Vec<String> = std::iter::repeat_n(String::new(), left).chain(cells.iter().map(cell_text)).collect();
            while out.last().is_some_and(|c| c.is_empty()) {
                out.pop();
            }
            out
        };
        let candidates: Vec<(u64, Vec<String>)> =
            lines().take(crate::header_row::SEARCH_ROWS).map(|(line, r)| (line, texts(r))).collect();
        let chosen = choose_header(&candidates, template, options.header_row, lang)?;
        let (header_line, header) = candidates[chosen].clone();
        if header.iter().all(|c| c.trim().is_empty()) {
            return Err(FileError::new(FileErrorCode::NoHeader, messages::no_header(lang, header_line)));
        }
        let formats = date_formats(&header, template, options.overrides, left);
        let above: Vec<(u64, Vec<String>)> = candidates[..chosen].to_vec();
        let mut rows = RowStore::with_capacity(0);
        let mut cells = Vec::new();
        for (line, row) in lines().filter(|(line, _)| *line > header_line) {
            cells.clear();
            cells.extend(std::iter::repeat_n(String::new(), left));
            for (column, cell) in row.iter().enumerate() {
                let text = match (cell, formats.get(column + left)) {
                    (Data::DateTime(dt), Some(Some(format))) if dt.is_datetime() => {
                        let (y, m, d, ..) = dt.to_ymd_hms_milli();
                        format.format_date(i32::from(y), u32::from(m), u32::from(d))
                    }
                    _ => cell_text(cell),
                };
                cells.push(text);
            }
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            rows.push(line, cells.iter().map(String::as_str));
        }
        Ok(StreamLoaded {
            encoding: self.kind.extension().to_string(),
            delimiter: b',',
            header,
            header_line,
            above,
            sheet: Some(name.clone()),
            rows,
        })
    }
}

/// Every visible sheet of a workbook of `kind`, with its cells.
fn read_kind(kind: WorkbookKind, bytes: &[u8]) -> Result<Vec<(String, Range<Data>)>, String> {
    let cursor = Cursor::new(bytes);
    match kind {
        WorkbookKind::Xlsx => read_all(
            open_workbook_from_rs::<Xlsx<_>, _>(cursor).map_err(|e| e.to_string())?,
            |reader, name| reader.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        ),
        WorkbookKind::Xlsb => {
            read_all(open_workbook_from_rs::<Xlsb<_>, _>(cursor).map_err(|e| e.to_string())?, |_, _| Ok(Vec::new()))
        }
        WorkbookKind::Xls => read_all(
            open_workbook_from_rs::<Xls<_>, _>(cursor).map_err(|e| e.to_string())?,
            |reader, name| reader.merge_cells_by_sheet_name(name).map_err(|e| e.to_string()),
        ),
        WorkbookKind::Ods => {
            read_all(open_workbook_from_rs::<Ods<_>, _>(cursor).map_err(|e| e.to_string())?, |_, _| Ok(Vec::new()))
        }
    }
}

/// Give a value merged over several rows to each of them, in the merge's
/// first column (see the module's documentation). Only cells within the
/// sheet's used range are written: a merge of a whole column does not grow
/// the sheet.
fn fill_merged_rows(range: &mut Range<Data>, merges: &[Dimensions]) {
    let (Some(start), Some(end)) = (range.start(), range.end()) else { return };
    for merge in merges {
        let (top, column) = merge.start;
        if merge.end.0 <= top || top < start.0 || column < start.1 || column > end.1 {
            continue;
        }
        let Some(value) = range.get_value((top, column)).filter(|v| !matches!(v, Data::Empty)).cloned() else {
            continue;
        };
        for row in top + 1..=merge.end.0.min(end.0) {
            range.set_value((row, column), value.clone());
        }
    }
}

/// Whether an OLE compound file (`.xls`) is made of whole sectors after
/// its 512-byte header, as every program writes it: one cut short is not.
fn whole_sectors(bytes: &[u8]) -> bool {
    let (Some(&low), Some(&high)) = (bytes.get(30), bytes.get(31)) else {
        return false;
    };
    let shift = u16::from_le_bytes([low, high]);
    if !(7..=16).contains(&shift) || bytes.len() < 512 {
        return false;
    }
    (bytes.len() - 512) % (1usize << shift) == 0
}

/// Every visible sheet of a workbook with its cells, merged rows filled
/// from the sheet's merged cells as `merges` gives them.
fn read_all<R: Reader<Cursor<B>>, B: AsRef<[u8]>>(
    mut reader: R,
    merges: impl Fn(&mut R, &str) -> Result<Vec<Dimensions>, String>,
) -> Result<Vec<(String, Range<Data>)>, String>
where
    R::Error: std::fmt::Display,
{
    let names: Vec<String> = reader
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    names
        .into_iter()
        .map(|name| {
            let mut range = reader.worksheet_range(&name).map_err(|e| e.to_string())?;
            fill_merged_rows(&mut range, &merges(&mut reader, &name)?);
            Ok((name, range))
        })
        .collect()
}

fn row_is_blank(row: &[Data]) -> bool {
    row.iter().all(|c| match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// Per column (absolute index), the date format its date cells are
/// written in: the first format of the date field the header maps it to,
/// when that field has formats of its own.
fn date_formats(header: &[String], template: &Template, overrides: &[Override], left: usize) -> Vec<Option<DateFormat>> {
    let mapping = Mapper::new(template).overrides(overrides).map(header);
    let mut out = vec![None; header.len()];
    for column in mapping.columns.iter().filter(|c| c.index >= left) {
        let Some(field) = column.field.as_deref().and_then(|key| template.fields.iter().find(|f| f.key == key)) else {
            continue;
        };
        if field.kind == FieldType::Date
            && let Some(format) = field.formats.first().and_then(|spec| DateFormat::parse(spec).ok())
        {
            out[column.index] = Some(format);
        }
    }
    out
}

/// The text of a cell, as a spreadsheet shows it (see the module docs).
///
/// ```
/// use calamine::Data;
/// use csv_import_core::workbook::cell_text;
///
/// assert_eq!(cell_text(&Data::Float(0.1)), "0.1");
/// assert_eq!(cell_text(&Data::Float(33612345678.0)), "33612345678");
/// assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.3");
/// assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
/// ```
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            let serial = dt.as_f64();
            let mut out = String::new();
            let has_time = (h, mi, s) != (0, 0, 0);
            // A serial below 1 is a time of day with no date.
            if serial >= 1.0 || !has_time {
                let _ = write!(out, "{y:04}-{mo:02}-{d:02}");
            }
            if has_time {
                if !out.is_empty() {
                    out.push(' ');
                }
                let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
            }
            out
        }
        Data::DateTimeIso(s) => s.replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number as a spreadsheet shows it: whole numbers without a decimal
/// point or exponent, others with at most 15 significant digits (what
/// Excel keeps), so that `0.1 + 0.2` is `0.3`.
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    // 15 significant digits, then the shortest text that reads back as that
    // number (Rust's `Display` for f64 never uses an exponent).
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == rounded.trunc() && rounded.abs() < 1e17 {
        return format!("{}", rounded as i128);
    }
    format!("{rounded}")
}

/// A duration (`[h]:mm:ss`) from a fraction of days.
fn duration_text(days: f64) -> String {
    let total = (days * 86_400.0).round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let total = total.abs();
    format!("{sign}{}:{:02}:{:02}", total / 3600, total % 3600 / 60, total % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn numbers_keep_what_a_spreadsheet_shows() {
        assert_eq!(number_text(0.1), "0.1");
        assert_eq!(number_text(120_000_000_000.0), "120000000000");
        assert_eq!(number_text(-42.0), "-42");
        assert_eq!(number_text(1.1 * 3.0), "3.3");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(1e-7), "0.0000001");
    }

    #[test]
    fn dates_and_times_are_iso() {
        let at = |v: f64| cell_text(&Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false)));
        assert_eq!(at(45356.0), "2024-03-05");
        assert_eq!(at(45356.604166666664), "2024-03-05 14:30:00");
        assert_eq!(at(0.5), "12:00:00");
        let duration = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(cell_text(&duration), "36:00:00");
        assert_eq!(cell_text(&Data::DateTimeIso("2024-03-05T14:30:00".into())), "2024-03-05 14:30:00");
    }

    #[test]
    fn merged_rows_are_filled_within_the_sheet_only() {
        let mut range = Range::new((2, 1), (5, 2));
        range.set_value((2, 1), Data::String("Acme".into()));
        range.set_value((4, 2), Data::Float(7.0));
        let merges = [
            // Down the whole column: the sheet does not grow to a million rows.
            Dimensions::new((2, 1), (1_048_575, 1)),
            // Starting on an empty cell: nothing to give.
            Dimensions::new((2, 2), (3, 2)),
            // Across columns only: stays one cell.
            Dimensions::new((4, 2), (4, 9)),
        ];
        fill_merged_rows(&mut range, &merges);
        assert_eq!(range.end(), Some((5, 2)));
        let column = |c| (2..=5).map(|r| range.get_value((r, c)).cloned().unwrap()).collect::<Vec<_>>();
        assert_eq!(column(1), vec![Data::String("Acme".into()); 4]);
        assert_eq!(column(2), [Data::Empty, Data::Empty, Data::Float(7.0), Data::Empty]);
    }

    #[test]
    fn error_cells_keep_their_text() {
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::Div0)), "#DIV/0!");
    }

    #[test]
    fn a_zip_that_is_not_a_workbook_is_not_one() {
        assert_eq!(WorkbookKind::detect(b"PK\x03\x04\x14\x00word/document.xml"), None);
        assert_eq!(WorkbookKind::detect(b"PK\x03\x04\x14\x00xl/workbook.xml"), Some(WorkbookKind::Xlsx));
        assert_eq!(WorkbookKind::detect(b"PK\x03\x04\x14\x00xl/workbook.bin"), Some(WorkbookKind::Xlsb));
        let err = Workbook::open(b"PK\x03\x04\x14\x00xl/ nothing else", Lang::En).unwrap_err();
        assert_eq!(err.code, FileErrorCode::Unreadable);
        assert!(err.message.contains("xlsx"), "{}", err.message);
    }
}
