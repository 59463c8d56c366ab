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
//! A quote that opens a field and does not close where it should never
//! takes the rest of the file with it. A quoted field that is still open at
//! the end of the text, or after more than [`MAX_QUOTED_LINE_BREAKS`] line
//! breaks or [`MAX_QUOTED_BYTES`] bytes, is a [`QuoteProblem`]: the record
//! keeps the fields before that quote, then the rest of the quote's line
//! split at the delimiter with the quote kept as text, and reading goes on
//! at the next line. The row is an error (`unclosed_quote`) naming the line
//! the quote opened on; the rows around it are read as usual. A quote inside
//! an unquoted field (`O"Brien`, `5" screen`) is text, as spreadsheets
//! write it, and never moves a cell.
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
use serde::{Deserialize, Serialize};

/// The most line breaks one quoted field may hold. A legitimate multi-line
/// cell (an address, a note) has a handful; a field still open after more
/// is a quote that was never meant to span lines, and would swallow rows.
pub const MAX_QUOTED_LINE_BREAKS: u64 = 100;

/// The most bytes one quoted field may hold (1 MiB): far above any value a
/// template accepts, so that only a runaway quote reaches it.
pub const MAX_QUOTED_BYTES: usize = 1 << 20;

/// How a quoted field ran past where it should have closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuoteRun {
    /// The text ends before the quote closes.
    Unclosed,
    /// Still open after [`MAX_QUOTED_LINE_BREAKS`] line breaks.
    TooManyLines,
    /// Still open after [`MAX_QUOTED_BYTES`] bytes.
    TooManyBytes,
}

/// A quote that opens a field and does not close where it should: the
/// record was cut at the end of the quote's line (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QuoteProblem {
    /// The 0-based column of the field the quote opens.
    pub column: usize,
    /// The physical line the quote is on, 1-based.
    pub line: u64,
    /// How far it ran.
    pub run: QuoteRun,
}

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
    /// The rows (by row number, ascending) whose record was cut at a quote
    /// that does not close; see [`QuoteProblem`].
    pub quote_problems: Vec<(u64, QuoteProblem)>,
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
    let mut quote_problems = Vec::new();
    while let Some(pos) = reader.next_row() {
        if let Some(problem) = reader.record().quote_problem() {
            quote_problems.push((pos.row, *problem));
        }
        rows.push(RawRow { row: pos.row, line: pos.line, cells: reader.record().iter().map(String::from).collect() });
    }
    Ok(Table { header: reader.header, header_line: reader.header_line, rows, quote_problems })
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
        let mut records = Records::new(text.trim_start_matches('\u{FEFF}'), delimiter, true);
        if !records.next_non_blank() {
            return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(lang)));
        }
        let header_line = records.start_line();
        let header = header_of(&records.record, header_line, 0, lang)?;
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
    /// returned, exactly as in the text (and its
    /// [`quote_problem`](TextRecord::quote_problem), if any).
    pub fn record(&self) -> &TextRecord {
        &self.records.record
    }

    /// How many data rows [`next_row`](RowReader::next_row) has returned.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Takes the `n`-th row with a value after the header (1-based) as the
    /// header instead, before any row was read: the rows up to it are
    /// skipped, and the rows after it are numbered from 1 (their lines stay
    /// those of the file). See [`crate::header_row`].
    pub fn skip_to_header(&mut self, n: usize, lang: Lang) -> Result<(), FileError> {
        for _ in 0..n {
            if !self.records.next_non_blank() {
                return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(lang)));
            }
        }
        self.header_line = self.records.start_line();
        self.header = header_of(&self.records.record, self.header_line, 0, lang)?;
        self.rows = 0;
        Ok(())
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
/// `shift` is what to add to the line of a quote problem (counted from the
/// start of the text read, which may be a later piece of the file).
pub(crate) fn header_of(record: &TextRecord, line: u64, shift: u64, lang: Lang) -> Result<Vec<String>, FileError> {
    let header: Vec<String> = record.iter().map(|cell| cell.trim_start_matches('\u{FEFF}').to_string()).collect();
    if header.iter().all(|cell| is_blank(cell)) {
        return Err(FileError::new(FileErrorCode::NoHeader, messages::no_header(lang, line)));
    }
    if let Some(problem) = record.quote_problem() {
        return Err(FileError::new(
            FileErrorCode::UnclosedQuote,
            messages::header_quote(lang, &QuoteProblem { line: problem.line + shift, ..*problem }),
        ));
    }
    // Tabs and line breaks are white space in a column name; other control
    // characters are damage.
    for (column, cell) in header.iter().enumerate() {
        if let Some((at, c)) = crate::value::find_control(cell, crate::value::Controls::Lines) {
            let position = cell[..at].chars().count() + 1;
            return Err(FileError::new(
                FileErrorCode::ControlCharacter,
                messages::header_control(lang, column + 1, cell, c, position, line),
            ));
        }
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
    delimiter: u8,
    /// Whether `bytes` runs to the end of the file: only then is a quote
    /// still open at its end unclosed (else the next piece may close it).
    complete: bool,
    /// Whether the text has a quote at all; most machine-written files have
    /// none, and then no record needs a second look.
    quotes: bool,
    reader: csv::Reader<&'a [u8]>,
    /// Where `reader` starts in `bytes` (it starts again after a record cut
    /// at a quote), and the `\n` before that.
    base: usize,
    base_newlines: u64,
    /// Where the current record starts (before any blank lines csv skipped)
    /// and csv's line there, counting `\n` only.
    record_start: usize,
    record_csv_line: u64,
    pub(crate) record: TextRecord,
    lone_crs: LoneCrs,
}

impl<'a> Records<'a> {
    /// Records of `text`, split at `delimiter` (checked by the caller);
    /// `complete` when the text runs to the end of the file.
    pub(crate) fn new(text: &'a str, delimiter: u8, complete: bool) -> Records<'a> {
        let bytes = text.as_bytes();
        Records {
            bytes,
            delimiter,
            complete,
            quotes: memchr::memchr(b'"', bytes).is_some(),
            reader: csv_reader(bytes, delimiter),
            base: 0,
            base_newlines: 0,
            record_start: 0,
            record_csv_line: 1,
            record: TextRecord { fields: csv::ByteRecord::new(), quote: None },
            lone_crs: LoneCrs::new(bytes),
        }
    }

    /// Reads the next record into `record`; false at the end.
    pub(crate) fn next_record(&mut self) -> bool {
        // Bytes, not a `StringRecord`: see `TextRecord`.
        let more = match self.reader.read_byte_record(&mut self.record.fields) {
            Ok(more) => more,
            // See the type's docs: no I/O and no length checks.
            Err(e) => unreachable!("reading CSV from a &str cannot fail: {e}"),
        };
        if !more {
            return false;
        }
        debug_assert!(self.record.fields.iter().all(|f| std::str::from_utf8(f).is_ok()));
        let (start, line) = self.record.fields.position().map_or((0, 1), |p| (p.byte() as usize, p.line()));
        self.record_start = self.base + start;
        self.record_csv_line = self.base_newlines + line;
        self.record.quote = None;
        if self.quotes {
            self.look_at_quotes();
        }
        true
    }

    /// Cuts the record at a quoted field that runs away, if it has one.
    /// Only a record with a line break in a cell, a very long one, or one
    /// that reaches the end of the text can have one, so most records cost
    /// one scan of their cells for a line break.
    fn look_at_quotes(&mut self) {
        let (bytes, end) = (self.bytes, self.offset());
        let data = self.record.fields.as_slice();
        let suspect = data.len() > MAX_QUOTED_BYTES
            || memchr::memchr2(b'\n', b'\r', data).is_some()
            || (self.complete && end >= self.bytes.len());
        if !suspect {
            return;
        }
        let raw = &bytes[self.record_start..end];
        let Some((column, open, run)) = runaway_quote(raw, self.delimiter, self.complete) else {
            return;
        };
        let quote = self.record_start + open;
        let eol = memchr::memchr2(b'\r', b'\n', &bytes[quote..]).map_or(bytes.len(), |i| quote + i);
        // The fields before the quote as csv read them, then the quote's
        // line split at the delimiter, quotes kept.
        self.record.fields.truncate(column);
        for piece in bytes[quote..eol].split(|&b| b == self.delimiter) {
            self.record.fields.push_field(piece);
        }
        // Blank lines csv skipped before the record are in `start_line`.
        let first = self.start_line();
        let record_text = &bytes[self.record_start..quote];
        let skipped = record_text.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(record_text.len());
        let line = first + line_breaks_in(&record_text[skipped..]);
        self.record.quote = Some(QuoteProblem { column, line, run });
        // Read on from the end of the quote's line.
        self.base_newlines += memchr::memchr_iter(b'\n', &bytes[self.base..eol]).count() as u64;
        self.base = eol;
        self.reader = csv_reader(&bytes[eol..], self.delimiter);
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
    /// break may be partly or wholly left, as the `\n` of a `\r\n`).
    pub(crate) fn offset(&self) -> usize {
        self.base + self.reader.position().byte() as usize
    }

    /// The physical line the current record starts on, 1-based, counted
    /// from the start of the text.
    pub(crate) fn start_line(&mut self) -> u64 {
        // csv's record position is where it started reading, which is before
        // any blank lines it skipped on the way (only `\r` and `\n`), and
        // its line counts only `\n`, up to that position.
        let mut start = self.record_start;
        let mut skipped = 0;
        while let Some(&b) = self.bytes.get(start) {
            match b {
                b'\n' => skipped += 1,
                b'\r' => {}
                _ => break,
            }
            start += 1;
        }
        self.record_csv_line + skipped + self.lone_crs.before(self.bytes, start)
    }
}

/// csv's reader as this module uses it: no header row, ragged records.
fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes)
}

/// The first quoted field of one record's text (`raw`, from where csv
/// started reading it to where it stopped) that runs away: its column, the
/// offset of its opening quote in `raw`, and how. Follows csv's own states:
/// a quote opens a field only at its start, `""` inside is a quote, and a
/// field ends at the delimiter or a line break outside quotes. A field still
/// open at the end of `raw` is unclosed only when `complete`; until then it
/// may close in the text still to come.
fn runaway_quote(raw: &[u8], delimiter: u8, complete: bool) -> Option<(usize, usize, QuoteRun)> {
    // csv skips line breaks before a record.
    let mut i = raw.iter().position(|&b| b != b'\r' && b != b'\n')?;
    let (mut column, mut field_start) = (0, true);
    while let Some(&b) = raw.get(i) {
        if field_start && b == b'"' {
            let open = i;
            let mut breaks = 0u64;
            let mut j = i + 1;
            loop {
                let Some(k) = memchr::memchr3(b'"', b'\r', b'\n', &raw[j..]) else {
                    if raw.len() - open > MAX_QUOTED_BYTES {
                        return Some((column, open, QuoteRun::TooManyBytes));
                    }
                    return complete.then_some((column, open, QuoteRun::Unclosed));
                };
                let at = j + k;
                if at - open > MAX_QUOTED_BYTES {
                    return Some((column, open, QuoteRun::TooManyBytes));
                }
                match raw[at] {
                    b'"' => match raw.get(at + 1) {
                        Some(b'"') => j = at + 2,
                        // A quote at the very end may be the first of a `""`.
                        None if !complete => return None,
                        _ => {
                            i = at + 1;
                            break;
                        }
                    },
                    b'\r' if raw.get(at + 1) == Some(&b'\n') => {
                        breaks += 1;
                        j = at + 2;
                    }
                    _ => {
                        breaks += 1;
                        j = at + 1;
                    }
                }
                if breaks > MAX_QUOTED_LINE_BREAKS {
                    return Some((column, open, QuoteRun::TooManyLines));
                }
            }
            // After the closing quote the field goes on unquoted.
            field_start = false;
            continue;
        }
        match b {
            b'\r' | b'\n' => return None,
            b if b == delimiter => {
                column += 1;
                field_start = true;
            }
            _ => field_start = false,
        }
        i += 1;
    }
    None
}

/// The line breaks in `bytes` as an editor counts them: `\r\n`, `\n` and
/// a lone `\r` each end one line.
fn line_breaks_in(bytes: &[u8]) -> u64 {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    let lone_crs = memchr::memchr_iter(b'\r', bytes).filter(|&i| bytes.get(i + 1) != Some(&b'\n')).count();
    (newlines + lone_crs) as u64
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
pub struct TextRecord {
    fields: csv::ByteRecord,
    quote: Option<QuoteProblem>,
}

impl TextRecord {
    /// How many cells the record has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The cell at `index`, if the record has one.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&str> {
        self.fields.get(index).map(as_text)
    }

    /// The cells in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.fields.iter().map(as_text)
    }

    /// The quote that does not close where it should, if the record was
    /// cut at one (see the [module docs](self)).
    ///
    /// ```
    /// use csv_import_core::parse::{QuoteRun, RowReader};
    ///
    /// let text = "First Name,Last Name,Email\nBob,\"Smith,bob@example.com\nAnn,Lee,ann@example.com\n";
    /// let mut reader = RowReader::new(text, b',').unwrap();
    /// reader.next_row().unwrap();
    /// assert_eq!(reader.record().iter().collect::<Vec<_>>(), ["Bob", "\"Smith", "bob@example.com"]);
    /// let problem = reader.record().quote_problem().unwrap();
    /// assert_eq!((problem.column, problem.line, problem.run), (1, 2, QuoteRun::Unclosed));
    /// reader.next_row().unwrap();
    /// assert_eq!(reader.record().iter().collect::<Vec<_>>(), ["Ann", "Lee", "ann@example.com"]);
    /// assert!(reader.record().quote_problem().is_none());
    /// ```
    pub fn quote_problem(&self) -> Option<&QuoteProblem> {
        self.quote.as_ref()
    }
}

impl std::ops::Index<usize> for TextRecord {
    type Output = str;

    /// The cell at `index`; panics if the record has no such cell.
    fn index(&self, index: usize) -> &str {
        as_text(&self.fields[index])
    }
}

/// A field of a [`TextRecord`] as text.
#[inline]
fn as_text(field: &[u8]) -> &str {
    // SAFETY: every field of a `TextRecord` is valid UTF-8; see the type's
    // docs (and the `debug_assert!` in `Records::next_record`); a record cut at a
    // quote is split only at the ASCII delimiter and line breaks too.
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

    /// The cells of every row, with its quote problem's column, line and run.
    fn cut_rows(text: &str) -> Vec<(Vec<String>, Option<(usize, u64, QuoteRun)>)> {
        let t = parse(text, b',').unwrap();
        t.rows
            .iter()
            .map(|r| {
                let problem =
                    t.quote_problems.iter().find(|(row, _)| *row == r.row).map(|(_, q)| (q.column, q.line, q.run));
                (r.cells.clone(), problem)
            })
            .collect()
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn an_unclosed_quote_cuts_its_row_and_keeps_the_rows_after_it() {
        let text =
            "First Name,Last Name,Email\nBob,\"Smith,bob@example.com\nAnn,Lee,ann@example.com\nCy,Ho,cy@example.com\n";
        assert_eq!(
            cut_rows(text),
            [
                (strings(&["Bob", "\"Smith", "bob@example.com"]), Some((1, 2, QuoteRun::Unclosed))),
                (strings(&["Ann", "Lee", "ann@example.com"]), None),
                (strings(&["Cy", "Ho", "cy@example.com"]), None),
            ]
        );
        let lines: Vec<u64> = parse(text, b',').unwrap().rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        // Also without a line break at the end, with CRLF, and as the last field.
        assert_eq!(cut_rows("a,b\r\n1,\"x\r\n2,y")[1], (strings(&["2", "y"]), None));
        assert_eq!(cut_rows("a,b\n1,\"x")[0], (strings(&["1", "\"x"]), Some((1, 2, QuoteRun::Unclosed))));
    }

    #[test]
    fn stray_quotes_inside_unquoted_fields_are_text() {
        let text = "Name,Size,Email\nBob,O\"Brien,x@y.z\nTV,5\" screen,a@b.c\n\"Ann\",3\"\",\"q\"\"r\"\n";
        assert_eq!(
            cut_rows(text),
            [
                (strings(&["Bob", "O\"Brien", "x@y.z"]), None),
                (strings(&["TV", "5\" screen", "a@b.c"]), None),
                (strings(&["Ann", "3\"\"", "q\"r"]), None),
            ]
        );
    }

    #[test]
    fn quoted_cells_of_a_few_lines_are_kept_whole() {
        let note = format!("\"{}\"", vec!["line"; MAX_QUOTED_LINE_BREAKS as usize + 1].join("\r\n"));
        let text = format!("a,b\n1,{note}\n2,x\n");
        let rows = cut_rows(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0[1].matches("\r\n").count() as u64, MAX_QUOTED_LINE_BREAKS);
        assert_eq!((rows[0].1, rows[1].1), (None, None));
    }

    #[test]
    fn a_quote_still_open_after_too_many_lines_is_cut_at_its_line() {
        // A quoted note over two lines first, then a stray quote that closes
        // only 10,000 lines later.
        let mut text = String::from("a,b,c\n\"two\nlines\",\"stray,x\n");
        for i in 0..10_000 {
            text.push_str(&format!("{i},y,z\n"));
        }
        text.push_str("end\",w,v\n");
        let t = parse(&text, b',').unwrap();
        assert_eq!(t.rows.len(), 10_002);
        assert_eq!(t.rows[0].cells, ["two\nlines", "\"stray", "x"]);
        assert_eq!((t.rows[0].row, t.rows[0].line), (1, 2));
        // The quote is on line 3, where the row was cut.
        let problem = QuoteProblem { column: 1, line: 3, run: QuoteRun::TooManyLines };
        assert_eq!(t.quote_problems, [(1, problem)]);
        assert_eq!((t.rows[1].cells.clone(), t.rows[1].line), (strings(&["0", "y", "z"]), 4));
        // The closing quote, inside an unquoted field, is text.
        assert_eq!((t.rows[10_001].cells.clone(), t.rows[10_001].line), (strings(&["end\"", "w", "v"]), 10_004));
    }

    #[test]
    fn a_quote_still_open_after_too_many_bytes_is_cut() {
        let text = format!("a,b\n1,\"{}\",2\n3,4\n", "x".repeat(MAX_QUOTED_BYTES + 1));
        let rows = cut_rows(&text);
        assert_eq!(rows[0].1, Some((1, 2, QuoteRun::TooManyBytes)));
        assert_eq!(rows[0].0.len(), 3);
        assert_eq!(rows[1], (strings(&["3", "4"]), None));
        // A quoted cell of a megabyte less a little is a cell (too long for
        // any field, which the field says).
        let text = format!("a,b\n1,\"{}\"\n", "x".repeat(MAX_QUOTED_BYTES - 10));
        assert_eq!(cut_rows(&text)[0].1, None);
    }

    #[test]
    fn a_runaway_quote_in_the_header_is_a_file_error() {
        let e = parse("Name,\"Email\nAnn,ann@example.com\n", b',').unwrap_err();
        assert_eq!(e.code, FileErrorCode::UnclosedQuote);
        assert!(e.message.contains("column 2, line 1"), "{}", e.message);
    }

    #[test]
    fn control_characters_in_the_header_are_a_file_error() {
        let e = parse("Name,E\u{0}mail\nAnn,x\n", b',').unwrap_err();
        assert_eq!(e.code, FileErrorCode::ControlCharacter);
        assert!(e.message.contains("column 2"), "{}", e.message);
        assert!(e.message.contains("U+0000 (NUL) at position 2"), "{}", e.message);
        // Tabs and line breaks in a column name are white space.
        assert_eq!(parse("\"First\nName\",\tEmail\nAnn,x\n", b',').unwrap().header, ["First\nName", "\tEmail"]);
    }

    /// Text of cells, delimiters, quotes anywhere, line breaks, and now and
    /// then 60 lines at once, so that quotes run past the bounds too.
    fn quoted_text() -> impl Strategy<Value = String> {
        let lines = "x,\n".repeat(60);
        proptest::collection::vec(
            prop_oneof![
                8 => prop::sample::select(vec!["a", "é", ",", "\"", "\"\"", "\n", "\r\n", "\r", " "]).prop_map(str::to_string),
                1 => Just(lines),
            ],
            0..50,
        )
        .prop_map(|parts| format!("h,i\n{}", parts.concat()))
    }

    use proptest::prelude::*;

    proptest! {
        /// No row is lost: every line with a value is in some row (a row
        /// spans the lines of its cells' line breaks), and no cell holds more
        /// line breaks than a quoted field may.
        #[test]
        fn every_line_is_in_a_row(text in quoted_text()) {
            let t = parse(&text, b',').unwrap();
            let breaks = |cells: &[String]| cells.iter().map(|c| line_breaks_in(c.as_bytes())).sum::<u64>();
            for row in &t.rows {
                for cell in &row.cells {
                    prop_assert!(line_breaks_in(cell.as_bytes()) <= MAX_QUOTED_LINE_BREAKS, "{cell:?}");
                }
            }
            let spans: Vec<(u64, u64)> = t.rows.iter().map(|r| (r.line, r.line + breaks(&r.cells))).collect();
            let mut line = 1;
            let bytes = text.as_bytes();
            let mut start = 0;
            for i in 0..=bytes.len() {
                let end = i == bytes.len() || bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                if !end {
                    continue;
                }
                let text_line = String::from_utf8_lossy(&bytes[start..i]);
                let has_value = text_line.chars().any(|c| !c.is_whitespace() && c != ',' && c != '"');
                if line > t.header_line && has_value {
                    prop_assert!(spans.iter().any(|&(a, b)| a <= line && line <= b), "line {line} {text_line:?} in no row");
                }
                line += 1;
                start = i + 1;
            }
        }

        /// A row written after any text is read as that row: nothing before
        /// it (a quote left open) takes it in.
        #[test]
        fn a_row_after_any_text_is_its_own(text in quoted_text()) {
            let t = parse(&format!("{text}\nZZ,ZZ\n"), b',').unwrap();
            let last = t.rows.last().unwrap();
            prop_assert_eq!(&last.cells, &["ZZ", "ZZ"]);
            prop_assert!(t.quote_problems.last().is_none_or(|(row, _)| *row < last.row));
        }
    }

    #[test]
    fn non_ascii_text() {
        let t = parse("Név;Város\nŐsz;Győr\n", b';').unwrap();
        assert_eq!(t.header, ["Név", "Város"]);
        assert_eq!(t.rows[0].cells, ["Ősz", "Győr"]);
    }
}
