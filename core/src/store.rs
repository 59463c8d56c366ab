//! A big file's rows kept compactly, and read into memory chunk by chunk.
//!
//! A review grid must keep every row of the file so that any of them can be
//! shown, edited and checked again. A `Vec<Vec<String>>` costs three words
//! and an allocation per cell; a [`RowStore`] keeps all cells back to back
//! in one `String` with one offset per cell, so a file's rows take little
//! more than the file itself.
//!
//! A [`StreamLoader`] fills one from a file read in chunks (a browser reads
//! a `File` in slices): each chunk is decoded as it comes, characters cut
//! between chunks come out whole, and the whole file is never held as bytes.
//!
//! ```
//! use csv_import_core::store::StreamLoader;
//!
//! let bytes = "Name;Town\nZoé;Győr\n".as_bytes();
//! let mut loader = StreamLoader::new(None, bytes.len());
//! for chunk in bytes.chunks(3) {
//!     loader.feed(chunk);
//! }
//! let loaded = loader.finish().unwrap();
//! assert_eq!(loaded.delimiter, b';');
//! assert_eq!(loaded.header, ["Name", "Town"]);
//! assert_eq!(loaded.rows.cells(0), ["Zoé", "Győr"]);
//! ```


use crate::decode::ChunkDecoder;
use crate::error::{FileError, FileErrorCode, Position};
use crate::messages::{self, Lang};
#[cfg(doc)]
use crate::parse::RowReader;
use crate::parse::{QuoteProblem, Records, check_delimiter, header_of};
use crate::sniff::sniff_delimiter;
use crate::validate::Cells;

/// Every data row of a file: cells back to back in one buffer, with the
/// rows changed since (edits) kept apart.
#[derive(Clone, Debug, Default)]
pub struct RowStore {
    /// All cells of all rows, back to back.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    /// Per row, the index in `ends` of its first cell; one more at the end.
    starts: Vec<usize>,
    /// Per row, the physical line it starts on.
    lines: Vec<u64>,
    /// Rows changed since they were read: their cells, packed as `text`
    /// and `ends` are, in `edit_text` and `edit_ends`; by row index (empty
    /// until a row is edited), where the row's cells are there: the index
    /// of its first end and its number of cells, `(0, 0)` for a row not edited.
    /// A change writes the row again at the end, so that a fix of a
    /// million cells costs about their text, not a string per cell; what it
    /// leaves behind is dropped once it outweighs what is in use.
    edited: Vec<(u32, u32)>,
    edit_text: String,
    edit_ends: Vec<usize>,
    /// Cells in `edit_ends` no row uses any more.
    edit_garbage: usize,
    /// The rows cut at a quote that does not close, by index (ascending).
    quotes: Vec<(usize, QuoteProblem)>,
}

impl RowStore {
    /// An empty store that can take `bytes` bytes of cell text without
    /// growing.
    pub fn with_capacity(bytes: usize) -> RowStore {
        RowStore { text: String::with_capacity(bytes), starts: vec![0], ..RowStore::default() }
    }

    /// Adds a row, starting on `line`, with these cells.
    pub fn push<'a>(&mut self, line: u64, cells: impl IntoIterator<Item = &'a str>) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        for cell in cells {
            self.text.push_str(cell);
            self.ends.push(self.text.len());
        }
        self.starts.push(self.ends.len());
        self.lines.push(line);
    }

    /// Adds a row read from a file, starting on `line`, with its cells and
    /// its [`QuoteProblem`], if any.
    pub fn push_cut<'a>(&mut self, line: u64, cells: impl IntoIterator<Item = &'a str>, quote: Option<QuoteProblem>) {
        if let Some(problem) = quote {
            self.quotes.push((self.len(), problem));
        }
        self.push(line, cells);
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The row at `index` (0-based; its row number is `index + 1`).
    /// Panics if there is no such row.
    pub fn row(&self, index: usize) -> StoredRow<'_> {
        let quote = self.quote_problem(index);
        if let Some(&(first, n)) = self.edited.get(index).filter(|(_, n)| *n > 0) {
            let (first, n) = (first as usize, n as usize);
            let start = if first == 0 { 0 } else { self.edit_ends[first - 1] };
            let ends = &self.edit_ends[first..first + n];
            return StoredRow { cells: StoredCells { text: &self.edit_text, start, ends }, quote };
        }
        let (first, last) = (self.starts[index], self.starts[index + 1]);
        let start = if first == 0 { 0 } else { self.ends[first - 1] };
        StoredRow { cells: StoredCells { text: &self.text, start, ends: &self.ends[first..last] }, quote }
    }

    /// The quote problem of the row at `index`, if it has one (and its
    /// cell was not edited since).
    pub fn quote_problem(&self, index: usize) -> Option<&QuoteProblem> {
        if self.quotes.is_empty() {
            return None;
        }
        self.quotes.binary_search_by_key(&index, |(i, _)| *i).ok().map(|at| &self.quotes[at].1)
    }

    /// The position of the row at `index`: its row number and line.
    pub fn position(&self, index: usize) -> Position {
        Position { row: index as u64 + 1, line: self.lines[index] }
    }

    /// The cells of the row at `index`, as owned strings.
    pub fn cells(&self, index: usize) -> Vec<String> {
        let row = self.row(index);
        (0..row.len()).filter_map(|c| row.get(c)).map(str::to_string).collect()
    }

    /// Sets one cell of a row (adding empty cells before it if the row is
    /// shorter). Returns whether the cell changed. Editing the cell a quote
    /// problem is in settles that problem: the user has written the value.
    pub fn set_cell(&mut self, index: usize, column: usize, value: &str) -> bool {
        if self.row(index).get(column) == Some(value) {
            return false;
        }
        if self.quote_problem(index).is_some_and(|q| q.column == column) {
            self.quotes.retain(|(i, _)| *i != index);
        }
        // The row's cells as ranges of the buffer they are in, which may be
        // the one they are copied to: no copy of the row is made first.
        let edited = self.edited.get(index).copied().filter(|(_, n)| *n > 0);
        let (in_edits, cell_ends, start) = match edited {
            Some((first, n)) => {
                let (first, n) = (first as usize, n as usize);
                (true, first..first + n, if first == 0 { 0 } else { self.edit_ends[first - 1] })
            }
            None => {
                let (first, last) = (self.starts[index], self.starts[index + 1]);
                (false, first..last, if first == 0 { 0 } else { self.ends[first - 1] })
            }
        };
        let old_n = cell_ends.len();
        let n = old_n.max(column + 1);
        let first = self.edit_ends.len();
        self.edit_ends.reserve(n);
        let mut from = start;
        for c in 0..n {
            let range = match c < old_n {
                true => {
                    let end = if in_edits { self.edit_ends[cell_ends.start + c] } else { self.ends[cell_ends.start + c] };
                    let range = from..end;
                    from = end;
                    range
                }
                false => from..from,
            };
            match (c == column, in_edits) {
                (true, _) => self.edit_text.push_str(value),
                (false, true) => self.edit_text.extend_from_within(range),
                (false, false) => self.edit_text.push_str(&self.text[range]),
            }
            self.edit_ends.push(self.edit_text.len());
        }
        if self.edited.len() < self.len() {
            self.edited.resize(self.len(), (0, 0));
        }
        let old = std::mem::replace(&mut self.edited[index], (first as u32, n as u32));
        self.edit_garbage += old.1 as usize;
        if self.edit_garbage > 1024 && self.edit_garbage > self.edit_ends.len() / 2 {
            self.compact_edits();
        }
        true
    }

    /// Write the edited rows again without what earlier edits left behind.
    fn compact_edits(&mut self) {
        let mut text = String::with_capacity(self.edit_text.len());
        let mut ends = Vec::with_capacity(self.edit_ends.len() - self.edit_garbage);
        let mut rows: Vec<(usize, (usize, usize))> = (self.edited.iter().enumerate())
            .filter(|(_, (_, n))| *n > 0)
            .map(|(i, &(first, n))| (i, (first as usize, n as usize)))
            .collect();
        rows.sort_unstable_by_key(|(_, (first, _))| *first);
        for (index, (first, n)) in rows {
            let mut start = if first == 0 { 0 } else { self.edit_ends[first - 1] };
            let at = ends.len();
            for &end in &self.edit_ends[first..first + n] {
                text.push_str(&self.edit_text[start..end]);
                ends.push(text.len());
                start = end;
            }
            self.edited[index] = (at as u32, n as u32);
        }
        self.edit_text = text;
        self.edit_ends = ends;
        self.edit_garbage = 0;
    }

    /// Make room for `scale` times what the store holds now, so that its
    /// buffers do not grow by doubling (and copying) all the way.
    fn reserve_like(&mut self, scale: f64) {
        let (rows, cells, bytes) = (self.len(), self.ends.len(), self.text.len());
        let more = |n: usize| ((n as f64 * scale) as usize).saturating_sub(n);
        self.text.reserve(more(bytes));
        self.ends.reserve(more(cells));
        self.starts.reserve(more(rows));
        self.lines.reserve(more(rows));
    }

    /// Bytes of memory the store holds (its buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + (self.ends.capacity() + self.starts.capacity()) * std::mem::size_of::<usize>()
            + self.lines.capacity() * std::mem::size_of::<u64>()
            + self.edit_text.capacity()
            + self.edit_ends.capacity() * std::mem::size_of::<usize>()
            + self.edited.capacity() * std::mem::size_of::<(u32, u32)>()
    }
}

/// One row of a [`RowStore`], borrowed: its cells (read with [`Cells`])
/// and its quote problem, if any.
#[derive(Clone, Copy, Debug)]
pub struct StoredRow<'a> {
    cells: StoredCells<'a>,
    quote: Option<&'a QuoteProblem>,
}

/// A row's cells in a packed buffer: the file's, or the edited rows'.
#[derive(Clone, Copy, Debug)]
struct StoredCells<'a> {
    /// The buffer.
    text: &'a str,
    /// Where the row's first cell starts in `text`.
    start: usize,
    /// Where each of its cells ends.
    ends: &'a [usize],
}

impl Cells for StoredRow<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.cells.ends.len()
    }

    #[inline]
    fn get(&self, index: usize) -> Option<&str> {
        let StoredCells { text, start, ends } = self.cells;
        let end = *ends.get(index)?;
        let from = if index == 0 { start } else { ends[index - 1] };
        Some(&text[from..end])
    }

    #[inline]
    fn quote_problem(&self) -> Option<&QuoteProblem> {
        self.quote
    }
}

/// How many bytes the encoding is detected from (as [`ChunkDecoder::new`] asks).
const DETECT_BYTES: usize = 64 * 1024;

/// How much text the delimiter is sniffed from before rows are parsed: all
/// that [`sniff_delimiter`] reads, so that it decides as it would on the
/// whole text.
const SNIFF_BYTES: usize = 64 * 1024;

/// Reads a file chunk by chunk into a [`RowStore`].
///
/// [`feed`](StreamLoader::feed) the chunks in order, then
/// [`finish`](StreamLoader::finish). The encoding is detected from the first
/// 64 KiB (held back until that much has come, or the file ended), and the
/// delimiter from the first 64 KiB of text; from then on each chunk is
/// decoded as it comes (a character cut between two chunks is decoded
/// whole) and its complete records are parsed into the store at once. Only
/// the text after the last complete record is kept for the next chunk, so
/// the file is held about once, in the store, rather than as text and store
/// together. The rows, their lines and the errors are those of
/// [`RowReader`] on the whole text.
pub struct StreamLoader {
    forced: Option<String>,
    head: Vec<u8>,
    decoder: Option<ChunkDecoder>,
    /// The delimiter: the caller's, or else sniffed once enough text came.
    delimiter: Option<u8>,
    delimiter_known: bool,
    /// Decoded text not parsed yet: from the start of a record (or of the
    /// file) to the end of what was decoded.
    pending: String,
    /// Each chunk is decoded here first: a decoder reserves room for the
    /// worst case (every byte malformed), which must not grow `pending`.
    scratch: String,
    /// Whether `pending` starts the file, byte order marks and all.
    at_start: bool,
    /// Line breaks before `pending`.
    lines_before: u64,
    /// What was left in `pending` after the last parse: one record not yet
    /// complete. Parsing waits until `pending` is twice that, so that a
    /// record that never ends (an unclosed quote) is not read again with
    /// every chunk.
    left: usize,
    header: Option<Vec<String>>,
    header_line: u64,
    rows: RowStore,
    /// Room in the store was made for the whole file, as guessed.
    reserved: bool,
    size: usize,
    text_decoded: usize,
    text_parsed: usize,
    error: Option<FileError>,
    bytes_read: u64,
    lang: Lang,
    /// [`DETECT_BYTES`] and [`SNIFF_BYTES`]; smaller in tests, to cut files
    /// of a few bytes in several parses.
    detect_bytes: usize,
    sniff_bytes: usize,
}

/// A file read by a [`StreamLoader`].
#[derive(Debug)]
pub struct StreamLoaded {
    /// The encoding used, as a WHATWG label.
    pub encoding: String,
    /// The delimiter used.
    pub delimiter: u8,
    /// The header cells.
    pub header: Vec<String>,
    /// The line (a sheet's row) of the header, 1-based.
    pub header_line: u64,
    /// The rows with a value above the header, each with its line: ignored,
    /// kept so that another header row can be chosen (see
    /// [`with_header`](StreamLoaded::with_header)).
    pub above: Vec<(u64, Vec<String>)>,
    /// The sheet the rows come from, for a workbook.
    pub sheet: Option<String>,
    /// The data rows.
    pub rows: RowStore,
}

impl StreamLoader {
    /// A loader for a file of about `size` bytes, decoded with the encoding
    /// `forced` (a WHATWG label) or else the one detected.
    pub fn new(forced: Option<&str>, size: usize) -> StreamLoader {
        StreamLoader {
            forced: forced.map(str::to_string),
            head: Vec::new(),
            decoder: None,
            delimiter: None,
            delimiter_known: false,
            pending: String::new(),
            scratch: String::new(),
            at_start: true,
            lines_before: 0,
            left: 0,
            header: None,
            header_line: 0,
            rows: RowStore::with_capacity(0),
            reserved: false,
            size,
            text_decoded: 0,
            text_parsed: 0,
            error: None,
            bytes_read: 0,
            lang: Lang::En,
            detect_bytes: DETECT_BYTES,
            sniff_bytes: SNIFF_BYTES,
        }
    }

    /// The same loader, writing its errors in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> StreamLoader {
        self.lang = lang;
        self
    }

    /// The same loader, splitting at `delimiter` (when given) rather than
    /// the one sniffed.
    pub fn with_delimiter(mut self, delimiter: Option<u8>) -> StreamLoader {
        self.delimiter = delimiter;
        self
    }

    /// Takes the next chunk. Returns false once the file cannot be read
    /// (not text, unknown encoding, no header): the rest need not be read;
    /// [`finish`](StreamLoader::finish) says why.
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        if self.error.is_some() {
            return false;
        }
        self.bytes_read += chunk.len() as u64;
        match self.decoder.as_mut() {
            Some(decoder) => {
                self.scratch.clear();
                decoder.decode_chunk(chunk, false, &mut self.scratch);
                self.take_scratch();
            }
            None => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= self.detect_bytes {
                    self.start_decoding();
                }
            }
        }
        self.parse_pending(false);
        self.error.is_none()
    }

    /// How many bytes were fed.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// How many data rows were parsed so far.
    pub fn rows_read(&self) -> u64 {
        self.rows.len() as u64
    }

    fn start_decoding(&mut self) {
        let head = std::mem::take(&mut self.head);
        match ChunkDecoder::new_in(&head, self.forced.as_deref(), self.lang) {
            Ok(mut decoder) => {
                self.scratch.clear();
                decoder.decode_chunk(&head, false, &mut self.scratch);
                self.take_scratch();
                self.decoder = Some(decoder);
            }
            Err(error) => self.error = Some(error),
        }
    }

    fn take_scratch(&mut self) {
        self.pending.push_str(&self.scratch);
        self.text_decoded += self.scratch.len();
    }

    /// Parses the complete records of `pending` into the store (all of it
    /// when `last`), and keeps only the rest.
    fn parse_pending(&mut self, last: bool) {
        if self.error.is_some() || self.decoder.is_none() {
            return;
        }
        if !self.delimiter_known {
            if !last && self.pending.len() < self.sniff_bytes {
                return;
            }
            let delimiter = self.delimiter.unwrap_or_else(|| sniff_delimiter(&self.pending));
            if let Err(error) = check_delimiter(delimiter, self.lang) {
                self.error = Some(error);
                return;
            }
            self.delimiter = Some(delimiter);
            self.delimiter_known = true;
        }
        if self.at_start {
            // A BOM before the first field would stop csv from seeing an
            // opening quote there; it is not a line break.
            let text = self.pending.trim_start_matches('\u{FEFF}');
            if text.is_empty() && !last {
                return;
            }
            let boms = self.pending.len() - text.len();
            self.pending.drain(..boms);
            self.at_start = false;
        }
        if !last && self.pending.len() < 2 * self.left {
            return;
        }
        let delimiter = self.delimiter.unwrap_or(b',');
        let mut records = Records::new(&self.pending, delimiter, last);
        let len = self.pending.len();
        let mut cut = 0;
        while records.next_record() {
            let end = records.offset();
            // A record that reaches the end of the text so far may go on in
            // the next chunk: it is read again then.
            if end >= len && !last {
                break;
            }
            cut = end;
            if records.record_is_blank() {
                continue;
            }
            let line = self.lines_before + records.start_line();
            if self.header.is_none() {
                match header_of(&records.record, line, self.lines_before, self.lang) {
                    Ok(header) => {
                        self.header = Some(header);
                        self.header_line = line;
                    }
                    Err(error) => {
                        self.error = Some(error);
                        return;
                    }
                }
            } else {
                // The quote's line too is counted from the start of `pending`.
                let quote =
                    records.record.quote_problem().map(|q| QuoteProblem { line: q.line + self.lines_before, ..*q });
                self.rows.push_cut(line, records.record.iter(), quote);
            }
        }
        drop(records);
        self.lines_before += line_breaks(self.pending.as_bytes(), cut);
        self.pending.drain(..cut);
        self.left = self.pending.len();
        self.text_parsed += cut;
        if !self.reserved && self.text_parsed > 0 && !last {
            self.reserve_for_file();
        }
    }

    /// Make room in the store for the whole file, guessed from what was
    /// parsed so far, so that it does not grow by doubling (and copying).
    fn reserve_for_file(&mut self) {
        self.reserved = true;
        let bytes_decoded = self.bytes_read.max(1) as f64 - self.head.len() as f64;
        let text_per_byte = self.text_decoded as f64 / bytes_decoded.max(1.0);
        let text_total = self.size as f64 * text_per_byte;
        self.rows.reserve_like(text_total / self.text_parsed as f64 * 1.05);
    }

    /// Ends the file: parses what is left and returns the rows.
    ///
    /// Errors: those of [`crate::decode::decode`] and [`RowReader::new`].
    pub fn finish(mut self) -> Result<StreamLoaded, FileError> {
        if self.decoder.is_none() && self.error.is_none() {
            self.start_decoding();
        }
        if let Some(decoder) = self.decoder.as_mut() {
            self.scratch.clear();
            decoder.decode_chunk(&[], true, &mut self.scratch);
            self.take_scratch();
        }
        self.parse_pending(true);
        if let Some(error) = self.error {
            return Err(error);
        }
        let Some(header) = self.header else {
            return Err(FileError::new(FileErrorCode::EmptyFile, messages::no_rows(self.lang)));
        };
        let encoding = self.decoder.as_ref().map(|d| d.encoding().to_string()).unwrap_or_default();
        let delimiter = self.delimiter.unwrap_or(b',');
        Ok(StreamLoaded {
            encoding,
            delimiter,
            header,
            header_line: self.header_line,
            above: Vec::new(),
            sheet: None,
            rows: self.rows,
        })
    }
}

/// The line breaks in `bytes[..end]` as [`RowReader`] counts them: each
/// `\n`, and each `\r` not followed by `\n` (looking past `end`).
fn line_breaks(bytes: &[u8], end: usize) -> u64 {
    let part = &bytes[..end];
    let newlines = memchr::memchr_iter(b'\n', part).count();
    let lone_crs = memchr::memchr_iter(b'\r', part).filter(|&i| bytes.get(i + 1) != Some(&b'\n')).count();
    (newlines + lone_crs) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::QuoteRun;
    use crate::report::Options;
    use crate::table::load;
    use proptest::prelude::*;

    fn load_in_chunks(bytes: &[u8], size: usize) -> Result<StreamLoaded, FileError> {
        let mut loader = StreamLoader::new(None, bytes.len());
        for chunk in bytes.chunks(size) {
            loader.feed(chunk);
        }
        loader.finish()
    }

    /// Each row's position, cells and quote problem.
    fn rows_of(loaded: &StreamLoaded) -> Vec<(Position, Vec<String>, Option<QuoteProblem>)> {
        (0..loaded.rows.len())
            .map(|i| (loaded.rows.position(i), loaded.rows.cells(i), loaded.rows.quote_problem(i).copied()))
            .collect()
    }

    #[test]
    fn multibyte_characters_cut_between_chunks_come_out_whole() {
        // Two-, three- and four-byte UTF-8, a BOM, quotes and a line break in a cell.
        let text = "\u{feff}Name,Town,Note\r\nZoé,Győr,\"€ 5\r\nand 🎉\"\r\nJosé,Ñandú,日本語\r\n";
        let whole = load(text.as_bytes(), &Options::default()).unwrap();
        for size in 1..=8 {
            let loaded = load_in_chunks(text.as_bytes(), size).unwrap();
            assert_eq!(loaded.header, whole.table.header, "chunks of {size}");
            let expected: Vec<_> = whole
                .table
                .rows
                .iter()
                .map(|r| (Position { row: r.row, line: r.line }, r.cells.clone(), None))
                .collect();
            assert_eq!(rows_of(&loaded), expected, "chunks of {size}");
            assert_eq!(loaded.encoding, "utf-8");
        }
    }

    #[test]
    fn utf16_and_windows_1252_in_small_chunks() {
        let text = "Prénom;Ville\r\nZoé;Göteborg\r\n";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for size in [1, 3, 5] {
            let loaded = load_in_chunks(&utf16, size).unwrap();
            assert_eq!(loaded.encoding, "utf-16le");
            assert_eq!(loaded.rows.cells(0), ["Zoé", "Göteborg"]);
        }
        let latin: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        let loaded = load_in_chunks(&latin, 2).unwrap();
        assert_eq!(loaded.encoding, "windows-1252");
        assert_eq!(loaded.header, ["Prénom", "Ville"]);
    }

    #[test]
    fn a_big_file_detected_from_its_first_chunk_reads_like_a_whole_one() {
        let mut text = String::from("Name,City\n");
        for i in 0..20_000 {
            text.push_str(&format!("Zoë {i},Kraków\n"));
        }
        let whole = load(text.as_bytes(), &Options::default()).unwrap();
        let loaded = load_in_chunks(text.as_bytes(), 4093).unwrap();
        assert_eq!(loaded.rows.len(), whole.table.rows.len());
        assert_eq!(loaded.rows.cells(19_999), whole.table.rows[19_999].cells);
        assert_eq!(loaded.rows.position(19_999).line, 20_001);
    }

    #[test]
    fn files_that_are_not_csv_are_refused_early() {
        let mut loader = StreamLoader::new(None, 100);
        let mut zip = b"PK\x03\x04\x14\x00\x06\x00".to_vec();
        zip.resize(DETECT_BYTES, 0);
        assert!(!loader.feed(&zip));
        assert_eq!(loader.finish().unwrap_err().code, FileErrorCode::NotText);
        let loader = StreamLoader::new(None, 0);
        assert_eq!(loader.finish().unwrap_err().code, FileErrorCode::EmptyFile);
        let mut loader = StreamLoader::new(None, 4);
        loader.feed(b" \n\n");
        assert_eq!(loader.finish().unwrap_err().code, FileErrorCode::EmptyFile);
    }

    /// What the whole-text reader makes of `bytes`, as a loader gives it.
    fn whole(
        bytes: &[u8],
        delimiter: Option<u8>,
    ) -> Result<(String, u8, Vec<String>, Vec<(Position, Vec<String>, Option<QuoteProblem>)>), FileError> {
        let loaded = load(bytes, &Options { delimiter, ..Options::default() })?;
        let table = &loaded.table;
        let quote = |row: u64| table.quote_problems.iter().find(|(r, _)| *r == row).map(|(_, q)| *q);
        let rows =
            table.rows.iter().map(|r| (Position { row: r.row, line: r.line }, r.cells.clone(), quote(r.row))).collect();
        Ok((loaded.encoding, loaded.delimiter, loaded.table.header, rows))
    }

    proptest! {
        /// Records cut anywhere between chunks (in quotes, between `\r` and
        /// `\n`, in a character), parsed as each chunk comes: the same
        /// header, rows, lines, quote problems and errors as the whole text,
        /// also where a quote never closes or runs past its bounds (the
        /// blocks of 60 lines).
        #[test]
        fn parsing_as_chunks_come_reads_like_the_whole_text(
            text in ("(\u{FEFF}){0,2}", proptest::collection::vec(
                prop_oneof![
                    12 => "([ab;,\"\r\n é🎉]|\r\n|\"\"){0,8}",
                    1 => Just("x;y\n".repeat(60)),
                ],
                0..12,
            )).prop_map(|(boms, parts)| boms + &parts.concat()),
            chunk in 1usize..12,
            detect in 1usize..8,
            sniff in 1usize..16,
            forced in proptest::option::of(prop_oneof![Just(b','), Just(b';')]),
        ) {
            let mut loader = StreamLoader::new(None, text.len()).with_delimiter(forced);
            loader.detect_bytes = detect;
            loader.sniff_bytes = sniff;
            for piece in text.as_bytes().chunks(chunk) {
                loader.feed(piece);
            }
            let got = loader.finish().map(|l| {
                let rows = rows_of(&l);
                (l.encoding, l.delimiter, l.header, rows)
            });
            // The sniffer saw only the first `sniff` bytes of text or more:
            // compare with the same delimiter.
            let delimiter = got.as_ref().map(|g| g.1).ok().or(forced);
            let want = whole(text.as_bytes(), delimiter);
            // A file of only BOMs and white space is "empty" to the whole-text
            // decoder and "has no rows" to the parser: the same code.
            let code = |r: &Result<_, FileError>| r.as_ref().err().map(|e| e.code);
            prop_assert_eq!(code(&got), code(&want));
            prop_assert_eq!(got.ok(), want.ok());
        }
    }

    #[test]
    fn a_quote_that_never_closes_is_cut_once_it_runs_too_long() {
        // An unclosed quote would swallow the rest of the file into one cell:
        // the row is cut at the end of the quote's line once the quote is
        // still open 100 lines later, and every later line is a row again.
        let mut text = String::from("Name,Note\nAnn,\"open\n");
        for i in 0..50_000 {
            text.push_str(&format!("line {i},x\n"));
        }
        let mut loader = StreamLoader::new(None, text.len());
        for piece in text.as_bytes().chunks(1024) {
            loader.feed(piece);
            // What waits to be parsed stays small: the open quote is not held.
            assert!(loader.pending.len() < 64 * 1024, "{}", loader.pending.len());
        }
        let loaded = loader.finish().unwrap();
        assert_eq!(loaded.rows.len(), 50_001);
        assert_eq!(loaded.rows.cells(0), ["Ann", "\"open"]);
        let problem = loaded.rows.quote_problem(0).unwrap();
        assert_eq!((problem.column, problem.line, problem.run), (1, 2, QuoteRun::TooManyLines));
        assert_eq!(loaded.rows.cells(50_000), ["line 49999", "x"]);
        assert_eq!(loaded.rows.position(50_000), Position { row: 50_001, line: 50_002 });
        assert!(loaded.rows.quote_problem(1).is_none());
        // As the whole text reads it.
        let whole = load(text.as_bytes(), &Options::default()).unwrap();
        assert_eq!(whole.table.quote_problems, [(1, *problem)]);
        assert_eq!(whole.table.rows.len(), 50_001);
    }

    #[test]
    fn editing_the_cut_cell_settles_its_quote_problem() {
        let loaded = load_in_chunks(b"a,b\n1,\"x\n2,y\n", 3).unwrap();
        let mut store = loaded.rows;
        assert_eq!(store.cells(0), ["1", "\"x"]);
        assert!(store.row(0).quote_problem().is_some());
        // Another cell of the row: the problem stays.
        assert!(store.set_cell(0, 0, "3"));
        assert!(store.row(0).quote_problem().is_some());
        assert!(store.set_cell(0, 1, "x"));
        assert!(store.row(0).quote_problem().is_none());
        assert_eq!(store.cells(1), ["2", "y"]);
    }

    #[test]
    fn the_store_holds_the_rows_not_the_text_as_well() {
        let mut text = String::from("Name,Email\n");
        for i in 0..100_000 {
            text.push_str(&format!("Zoë {i},zoe{i}@example.com\n"));
        }
        let mut loader = StreamLoader::new(None, text.len());
        for piece in text.as_bytes().chunks(1 << 20) {
            loader.feed(piece);
            // What waits to be parsed is never more than a chunk and a record.
            assert!(loader.pending.capacity() <= 2 << 20, "{}", loader.pending.capacity());
        }
        let loaded = loader.finish().unwrap();
        assert_eq!(loaded.rows.len(), 100_000);
        // The cells' text, guessed from the first chunk, was reserved once.
        assert!(loaded.rows.text.capacity() <= text.len(), "{} > {}", loaded.rows.text.capacity(), text.len());
    }

    #[test]
    fn edits_replace_one_row_only() {
        let mut store = RowStore::with_capacity(0);
        store.push(2, ["a", "b"]);
        store.push(3, ["c"]);
        assert!(store.set_cell(1, 2, "z"));
        assert!(!store.set_cell(1, 2, "z"));
        assert_eq!(store.cells(1), ["c", "", "z"]);
        assert_eq!(store.cells(0), ["a", "b"]);
        assert_eq!(store.row(0).get(1), Some("b"));
        assert_eq!(store.position(1), Position { row: 2, line: 3 });
    }

    #[test]
    fn many_edits_of_the_same_rows_keep_every_rows_latest_cells_and_little_else() {
        let mut store = RowStore::with_capacity(0);
        for i in 0..3_000 {
            store.push(i + 2, [format!("n{i}").as_str(), "Ann@X.COM", "N/A"]);
        }
        let before = store.heap_bytes();
        // Every row edited again and again: what earlier edits left behind is dropped.
        for round in 0..10 {
            for i in 0..3_000 {
                assert!(store.set_cell(i, 1 + round % 2, &format!("v{round}-{i}")));
            }
        }
        for i in 0..3_000 {
            assert_eq!(store.cells(i), [format!("n{i}"), format!("v8-{i}"), format!("v9-{i}")]);
        }
        assert!(store.edit_garbage <= store.edit_ends.len(), "{} of {}", store.edit_garbage, store.edit_ends.len());
        assert!(store.heap_bytes() < before * 5, "{} against {before}", store.heap_bytes());
        // A cell past the end of a row, then the row edited again.
        assert!(store.set_cell(7, 4, "x"));
        assert!(store.set_cell(7, 0, ""));
        assert_eq!(store.cells(7), ["", "v8-7", "v9-7", "", "x"]);
    }
}
