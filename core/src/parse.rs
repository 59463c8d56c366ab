//! Records with their row and line.
//!
//! The `csv` crate does the parsing (quoted fields, doubled quotes, line
//! breaks inside quotes, `\r\n`, `\n` and lone `\r` line endings, ragged
//! rows). This module adds what an import needs on top:
//!
//! * the header is the first record that is not blank;
//! * blank records, including lines of only delimiters and white space such
//!   as Excel's `;;;`, are skipped and not counted as rows;
//! * every data record gets its [`Position`]: the data row number and the
//!   physical line it starts on, counted the way a text editor counts lines
//!   (each `\r\n`, `\n` or lone `\r` ends one line).
//!
//! Cells are exactly as decoded: nothing is trimmed.
//!
//! ```
//! use csv_import_core::parse::parse;
//!
//! let table = parse("Name;Note\r\n;;\r\nAnn;\"two\r\nlines\"\r\nBob;ok\r\n", b';').unwrap();
//! assert_eq!(table.header, ["Name", "Note"]);
//! assert_eq!(table.rows[0].cells, ["Ann", "two\r\nlines"]);
//! assert_eq!((table.rows[0].row, table.rows[0].line), (1, 3));
//! assert_eq!((table.rows[1].row, table.rows[1].line), (2, 5));
//! ```

use crate::error::{FileError, FileErrorCode, Position};
use crate::messages::{self, Lang};

/// One data record with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRow {
    /// Data row number, 1-based (header excluded, blank rows not counted).
    pub row: u64,
    /// Physical line the record starts on, 1-based.
    pub line: u64,
    /// The cells, exactly as decoded; as many as the record has, which may be
    /// fewer or more than the header has.
    pub cells: Vec<String>,
}

/// A whole parsed file: header and data records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The header cells, with any byte order mark removed, otherwise as
    /// decoded (not trimmed).
    pub header: Vec<String>,
    /// Physical line of the header, 1-based.
    pub header_line: u64,
    /// The non-blank data records in file order.
    pub rows: Vec<RawRow>,
}

/// Parses all of `text` with `delimiter` into a [`Table`].
///
/// This collects every record; to go through a big file without holding all
/// the rows, use a [`RowReader`]. Errors are those of [`RowReader::new`].
///
/// ```
/// use csv_import_core::parse::parse;
///
/// let table = parse("\n,,\nid,name\n1,Ann\n,\n2\n3,Cy,extra\n", b',').unwrap();
/// assert_eq!(table.header_line, 3);
/// let rows: Vec<_> = table.rows.iter().map(|r| (r.row, r.line, r.cells.len())).collect();
/// assert_eq!(rows, [(1, 4, 2), (2, 6, 1), (3, 7, 3)]);
/// ```
pub fn parse(text: &str, delimiter: u8) -> Result<Table, FileError> {
    parse_in(text, delimiter, Lang::En)
}

/// [`parse`], with the errors written in `lang`.
pub fn parse_in(text: &str, delimiter: u8, lang: Lang) -> Result<Table, FileError> {
    let mut reader = RowReader::new_in(text, delimiter, lang)?;
    let mut rows = Vec::new();
    while let Some(pos) = reader.next_row() {
        rows.push(RawRow {
            row: pos.row,
            line: pos.line,
            cells: reader.record().iter().map(String::from).collect(),
        });
    }
    Ok(Table { header: reader.header, header_line: reader.header_line, rows })
}

/// Reads data records one at a time, for speed and bounded memory.
///
/// One [`TextRecord`] is reused for every record, so reading costs no
/// allocation per row beyond what `csv` itself needs for an unusually long
/// record. Line numbers come from csv's own count of `\n`, corrected for
/// skipped blank lines and, only in files that have them, lone `\r`
/// (counted incrementally, so O(bytes) in total).
///
/// [`next_row`](RowReader::next_row) returns a plain [`Position`] rather than
/// a `Result`: reading a `&str` with `flexible(true)` cannot fail. There is
/// no I/O and no unequal record lengths.
///
/// ```
/// use csv_import_core::parse::RowReader;
///
/// let mut reader = RowReader::new("Name,Age\r\nAnn,31\r\n\r\nBob,27\r\n", b',').unwrap();
/// assert_eq!(reader.header(), ["Name", "Age"]);
/// let mut ages = 0;
/// while let Some(pos) = reader.next_row() {
///     ages += reader.record()[1].parse::<u32>().unwrap();
///     assert!(pos.line == 2 || pos.line == 4);
/// }
/// assert_eq!((ages, reader.rows_read()), (58, 2));
/// ```
pub struct RowReader<'a> {
    records: Records<'a>,
    header: Vec<String>,
    header_line: u64,
    rows: u64,
}

impl<'a> RowReader<'a> {
    /// Starts reading `text`, split at `delimiter`, and reads the header: the
    /// first record that is not blank.
    ///
    /// Errors: [`FileErrorCode::EmptyFile`] when every record is blank,
    /// [`FileErrorCode::NoHeader`] when the header has no text (its cells
    /// hold only byte order marks and white space), and
    /// [`FileErrorCode::InvalidOption`] when `delimiter` is not an ASCII
    /// byte or is a quote or line break.
    pub fn new(text: &'a str, delimiter: u8) -> Result<RowReader<'a>, FileError> {
        RowReader::new_in(text, delimiter, Lang::En)
    }

    /// [`new`](RowReader::new), with the errors written in `lang`.
    pub fn new_in(text: &'a str, delimiter: u8, lang: Lang) -> Result<RowReader<'a>, FileError> {
        check_delimiter(delimiter, lang)?;
        // A BOM before the first field would stop csv from seeing an opening
        // quote there; it is not a line break, so line numbers do not move.
        let mut records = Records::new(text.trim_start_matches('\u{FEFF}'), delimiter);
        if !records.next_non_blank() {
            return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(lang)));
        }
        let header_line = records.start_line();
        let header = header_of(&records.record, header_line, lang)?;
        Ok(RowReader { records, header, header_line, rows: 0 })
    }

    /// The header cells, with any byte order mark removed, otherwise as in
    /// the file.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The physical line of the header, 1-based.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Reads the next non-blank data record and returns its position, or
    /// `None` at the end of the text. Its cells are in
    /// [`record`](RowReader::record).
    pub fn next_row(&mut self) -> Option<Position> {
        if !self.records.next_non_blank() {
            return None;
        }
        self.rows += 1;
        Some(Position { row: self.rows, line: self.records.start_line() })
    }

    /// The cells of the record [`next_row`](RowReader::next_row) last
    /// returned, exactly as in the text.
    pub fn record(&self) -> &TextRecord {
        &self.records.record
    }

    /// How many data rows [`next_row`](RowReader::next_row) has returned.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }
}

/// A delimiter csv can split at: ASCII, and not a quote or line break.
pub(crate) fn check_delimiter(delimiter: u8, lang: Lang) -> Result<(), FileError> {
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\r' | b'\n') {
        return Err(FileError::new(FileErrorCode::InvalidOption, messages::bad_delimiter(lang, delimiter as char)));
    }
    Ok(())
}

/// The header from its record: byte order marks removed from each cell;
/// [`FileErrorCode::NoHeader`] if nothing else is left.
pub(crate) fn header_of(record: &TextRecord, line: u64, lang: Lang) -> Result<Vec<String>, FileError> {
    let header: Vec<String> = record.iter().map(|cell| cell.trim_start_matches('\u{FEFF}').to_string()).collect();
    if header.iter().all(|cell| is_blank(cell)) {
        return Err(FileError::new(FileErrorCode::NoHeader, messages::no_header(lang, line)));
    }
    Ok(header)
}

/// The records of one text, blank ones included, each with the line it
/// starts on (counted from the start of the text) and where it ends: what
/// [`RowReader`] reads a whole file with, and what a
/// [`StreamLoader`](crate::store::StreamLoader) reads each piece of a file
/// with as it arrives.
pub(crate) struct Records<'a> {
    bytes: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    pub(crate) record: TextRecord,
    lone_crs: LoneCrs,
}

impl<'a> Records<'a> {
    /// Records of `text`, split at `delimiter` (checked by the caller).
    pub(crate) fn new(text: &'a str, delimiter: u8) -> Records<'a> {
        let bytes = text.as_bytes();
        let reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
        Records { bytes, reader, record: TextRecord(csv::ByteRecord::new()), lone_crs: LoneCrs::new(bytes) }
    }

    /// Reads the next record into `record`; false at the end.
    pub(crate) fn next_record(&mut self) -> bool {
        // Bytes, not a `StringRecord`: see `TextRecord`.
        match self.reader.read_byte_record(&mut self.record.0) {
            Ok(more) => {
                debug_assert!(self.record.0.iter().all(|f| std::str::from_utf8(f).is_ok()));
                more
            }
            // See the type's docs: no I/O and no length checks.
            Err(e) => unreachable!("reading CSV from a &str cannot fail: {e}"),
        }
    }

    /// Reads records until one is not blank; false at the end.
    fn next_non_blank(&mut self) -> bool {
        while self.next_record() {
            if !self.record_is_blank() {
                return true;
            }
        }
        false
    }

    /// Whether the record read last has only white space.
    pub(crate) fn record_is_blank(&self) -> bool {
        self.record.iter().all(is_blank)
    }

    /// Where reading stopped: just past the last record read (its line
    /// break may be partly left, as the `\n` of a `\r\n`).
    pub(crate) fn offset(&self) -> usize {
        self.reader.position().byte() as usize
    }

    /// The physical line the current record starts on, 1-based, counted
    /// from the start of the text.
    pub(crate) fn start_line(&mut self) -> u64 {
        // csv's record position is where it started reading, which is before
        // any blank lines it skipped on the way (only `\r` and `\n`), and
        // its line counts only `\n`, up to that position.
        let (mut start, csv_line) =
            self.record.0.position().map_or((0, 1), |p| (p.byte() as usize, p.line()));
        let mut skipped = 0;
        while let Some(&b) = self.bytes.get(start) {
            match b {
                b'\n' => skipped += 1,
                b'\r' => {}
                _ => break,
            }
            start += 1;
        }
        csv_line + skipped + self.lone_crs.before(self.bytes, start)
    }
}

/// The cells of one record read by a [`RowReader`], as `&str`.
///
/// A [`csv::ByteRecord`] underneath, whose fields are UTF-8 because of where
/// they come from: csv cuts them from the reader's `&str` at the delimiter
/// (checked to be ASCII) and line breaks, and removes only quotes (the
/// reader sets no escape character, comments or trimming). All of those are
/// ASCII bytes, which never occur inside a multi-byte UTF-8 character, so
/// each field is whole characters of the text: valid UTF-8 that needs no
/// second check (csv's `StringRecord` checks every field of a record that
/// is not all ASCII, which cost about a third of the parse). Only a
/// [`RowReader`] makes one, which keeps that true.
///
/// ```
/// use csv_import_core::parse::RowReader;
///
/// let mut reader = RowReader::new("Name;Town\n\"Zoé\";\"Győr; \"\"Old\"\"\"\n", b';').unwrap();
/// reader.next_row().unwrap();
/// let record = reader.record();
/// assert_eq!((record.len(), &record[0], record.get(1)), (2, "Zoé", Some("Győr; \"Old\"")));
/// assert_eq!(record.iter().collect::<Vec<_>>(), ["Zoé", "Győr; \"Old\""]);
/// ```
#[derive(Clone, Debug)]
pub struct TextRecord(csv::ByteRecord);

impl TextRecord {
    /// How many cells the record has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cell at `index`, if the record has one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&str> {
        self.0.get(index).map(as_text)
    }

    /// The cells in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.0.iter().map(as_text)
    }
}

impl std::ops::Index<usize> for TextRecord {
    type Output = str;

    /// The cell at `index`; panics if the record has no such cell.
    fn index(&self, index: usize) -> &str {
        as_text(&self.0[index])
    }
}

/// A field of a [`TextRecord`] as text.
#[inline]
fn as_text(field: &[u8]) -> &str {
    // SAFETY: every field of a `TextRecord` is valid UTF-8; see the type's
    // docs (and the `debug_assert!` in `RowReader::next_record`).
    unsafe { std::str::from_utf8_unchecked(field) }
}

/// Counts the `\r` not followed by `\n` (classic Mac line endings), which
/// end a line in an editor but not in csv's line count.
struct LoneCrs {
    /// Whether the text has any; most files have none, and then counting
    /// costs nothing.
    any: bool,
    /// Offset up to which they are counted.
    offset: usize,
    /// How many there are before `offset`.
    count: u64,
}

impl LoneCrs {
    fn new(bytes: &[u8]) -> LoneCrs {
        // One pass, stopping at the first: cheap next to parsing.
        let any = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
        LoneCrs { any, offset: 0, count: 0 }
    }

    /// How many lone `\r` come before byte `offset`, which must not be less
    /// than the last one asked for.
    fn before(&mut self, bytes: &[u8], offset: usize) -> u64 {
        if !self.any {
            return 0;
        }
        debug_assert!(offset >= self.offset);
        let span = &bytes[self.offset..offset];
        self.count += memchr::memchr_iter(b'\r', span)
            .filter(|&i| bytes.get(self.offset + i + 1) != Some(&b'\n'))
            .count() as u64;
        self.offset = offset;
        self.count
    }
}

/// Empty or white space only. Stops at the first other character, so a
/// typical non-blank cell costs one comparison.
fn is_blank(cell: &str) -> bool {
    cell.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (row, line, cells) of every data record.
    fn rows(text: &str, d: u8) -> Vec<(u64, u64, Vec<String>)> {
        parse(text, d).unwrap().rows.into_iter().map(|r| (r.row, r.line, r.cells)).collect()
    }

    fn lines(text: &str, d: u8) -> Vec<u64> {
        parse(text, d).unwrap().rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn quoting() {
        let t = parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n", b',').unwrap();
        assert_eq!(t.header, ["a", "b"]);
        assert_eq!(t.rows[0].cells, ["x, y", "say \"hi\""]);
        assert_eq!(t.rows[1].cells, ["multi\nline", "z"]);
        assert_eq!((t.rows[1].row, t.rows[1].line), (2, 3));
    }

    #[test]
    fn line_endings_all_count() {
        assert_eq!(lines("h\n1\n2\n3", b','), [2, 3, 4]);
        assert_eq!(lines("h\r\n1\r\n2\r\n3\r\n", b','), [2, 3, 4]);
        assert_eq!(lines("h\r1\r2\r3\r", b','), [2, 3, 4]);
        assert_eq!(lines("h\r\n1\n2\r3\r\n4", b','), [2, 3, 4, 5]);
        // Blank lines of each kind, and `\r` then `\n` across them.
        assert_eq!(lines("h\r\r\n\n1\r\r2", b','), [4, 6]);
        // Line breaks inside quotes count as lines too.
        assert_eq!(lines("h\r\"a\rb\r\nc\nd\"\r2", b','), [2, 6]);
    }

    #[test]
    fn lone_cr_cells() {
        let t = parse("a;b\r1;\"x\ry\"\r2;z\r", b';').unwrap();
        assert_eq!(t.rows[0].cells, ["1", "x\ry"]);
        assert_eq!(t.rows[1].cells, ["2", "z"]);
        assert_eq!((t.rows[1].row, t.rows[1].line), (2, 4));
    }

    #[test]
    fn blank_records_are_skipped_everywhere() {
        let text = "\n;;;\n \t \n Name ; Age \n;;\n\nAnn;3\n ; ;\nBob;4\n;\n";
        let t = parse(text, b';').unwrap();
        assert_eq!(t.header, [" Name ", " Age "]);
        assert_eq!(t.header_line, 4);
        let got: Vec<_> = t.rows.iter().map(|r| (r.row, r.line)).collect();
        assert_eq!(got, [(1, 7), (2, 9)]);
    }

    #[test]
    fn cells_are_not_trimmed() {
        assert_eq!(rows("h,i\n  a , b\t\n", b',')[0].2, ["  a ", " b\t"]);
    }

    #[test]
    fn ragged_rows_stay_ragged() {
        let got = rows("a,b,c\n1\n1,2\n1,2,3,4,5\n", b',');
        let lens: Vec<_> = got.iter().map(|r| r.2.len()).collect();
        assert_eq!(lens, [1, 2, 5]);
    }

    #[test]
    fn header_boms_are_removed() {
        // A BOM left in the text (forced encoding, double BOM) does not stick
        // to the first header, and does not hide its quotes.
        let t = parse("\u{FEFF}\u{FEFF}\"Name\",Age\n1,2\n", b',').unwrap();
        assert_eq!(t.header, ["Name", "Age"]);
        // A BOM inside a cell, also not at the start of the text.
        let t = parse("\n\u{FEFF}Name,\u{FEFF}Age\n", b',').unwrap();
        assert_eq!(t.header, ["Name", "Age"]);
        assert_eq!(t.header_line, 2);
        // Data cells are left alone.
        assert_eq!(rows("a\n\u{FEFF}x\n", b',')[0].2, ["\u{FEFF}x"]);
    }

    #[test]
    fn empty_and_headerless_files() {
        for text in ["", "\n\r\n\r", ";;;\n;\n", "  \n\t\n", "\u{FEFF}", "\"\";\" \"\n"] {
            let e = parse(text, b';').unwrap_err();
            assert_eq!(e.code, FileErrorCode::EmptyFile, "{text:?}");
            assert!(e.message.contains("header row"));
        }
        let e = parse("\n\u{FEFF};\u{FEFF} \na;b\n", b';').unwrap_err();
        assert_eq!(e.code, FileErrorCode::NoHeader);
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(e.message.contains("column names"));
    }

    #[test]
    fn header_only() {
        let t = parse("a,b\r\n", b',').unwrap();
        assert_eq!((t.header.len(), t.header_line, t.rows.len()), (2, 1, 0));
    }

    #[test]
    fn bad_delimiters() {
        for d in [b'"', b'\n', b'\r', 0xE9] {
            assert_eq!(parse("a", d).unwrap_err().code, FileErrorCode::InvalidOption);
        }
    }

    #[test]
    fn reader_reuses_one_record() {
        let mut r = RowReader::new("h\n1\n\n2\n", b',').unwrap();
        assert_eq!((r.header(), r.header_line()), (&["h".to_string()][..], 1));
        assert_eq!(r.next_row(), Some(Position { row: 1, line: 2 }));
        assert_eq!(&r.record()[0], "1");
        assert_eq!(r.next_row(), Some(Position { row: 2, line: 4 }));
        assert_eq!(&r.record()[0], "2");
        assert_eq!(r.next_row(), None);
        assert_eq!(r.next_row(), None);
        assert_eq!(r.rows_read(), 2);
    }

    #[test]
    fn non_ascii_text() {
        let t = parse("Név;Város\nŐsz;Győr\n", b';').unwrap();
        assert_eq!(t.header, ["Név", "Város"]);
        assert_eq!(t.rows[0].cells, ["Ősz", "Győr"]);
    }
}
