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
//! let loaded = loader.finish(None, |_, _| {}).unwrap();
//! assert_eq!(loaded.delimiter, b';');
//! assert_eq!(loaded.header, ["Name", "Town"]);
//! assert_eq!(loaded.rows.cells(0), ["Zoé", "Győr"]);
//! ```

use std::collections::HashMap;

use crate::decode::ChunkDecoder;
use crate::error::{FileError, Position};
use crate::messages::Lang;
use crate::parse::RowReader;
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
    /// Rows changed since they were read, by index.
    edited: HashMap<usize, Vec<String>>,
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
        if let Some(cells) = self.edited.get(&index) {
            return StoredRow::Edited(cells);
        }
        let (first, last) = (self.starts[index], self.starts[index + 1]);
        let start = if first == 0 { 0 } else { self.ends[first - 1] };
        StoredRow::Packed { text: &self.text, start, ends: &self.ends[first..last] }
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
    /// shorter). Returns whether the cell changed.
    pub fn set_cell(&mut self, index: usize, column: usize, value: &str) -> bool {
        if self.row(index).get(column) == Some(value) {
            return false;
        }
        let mut cells = match self.edited.remove(&index) {
            Some(cells) => cells,
            None => self.cells(index),
        };
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = value.to_string();
        self.edited.insert(index, cells);
        true
    }

    /// Make room for the rest of a file of `text_len` bytes, guessed from
    /// the rows so far, so that the offsets do not grow by doubling (and
    /// copying) all the way.
    fn reserve_like(&mut self, text_len: usize) {
        let (rows, cells, bytes) = (self.len().max(1), self.ends.len(), self.text.len().max(1));
        let scale = text_len as f64 / bytes as f64 * 1.05;
        let more = |n: usize| ((n as f64 * scale) as usize).saturating_sub(n);
        self.ends.reserve(more(cells));
        self.starts.reserve(more(rows));
        self.lines.reserve(more(rows));
    }

    /// Bytes of memory the store holds (its buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + (self.ends.capacity() + self.starts.capacity()) * std::mem::size_of::<usize>()
            + self.lines.capacity() * std::mem::size_of::<u64>()
            + self.edited.values().map(|cells| cells.iter().map(String::capacity).sum::<usize>()).sum::<usize>()
    }
}

/// One row of a [`RowStore`], borrowed.
#[derive(Clone, Copy, Debug)]
pub enum StoredRow<'a> {
    /// As read from the file.
    Packed {
        /// The store's buffer.
        text: &'a str,
        /// Where the row's first cell starts in `text`.
        start: usize,
        /// Where each of its cells ends.
        ends: &'a [usize],
    },
    /// Changed since.
    Edited(&'a [String]),
}

impl Cells for StoredRow<'_> {
    #[inline]
    fn len(&self) -> usize {
        match self {
            StoredRow::Packed { ends, .. } => ends.len(),
            StoredRow::Edited(cells) => cells.len(),
        }
    }

    #[inline]
    fn get(&self, index: usize) -> Option<&str> {
        match self {
            StoredRow::Packed { text, start, ends } => {
                let end = *ends.get(index)?;
                let from = if index == 0 { *start } else { ends[index - 1] };
                Some(&text[from..end])
            }
            StoredRow::Edited(cells) => cells.get(index).map(String::as_str),
        }
    }
}

/// How many bytes the encoding is detected from (as [`ChunkDecoder::new`] asks).
const DETECT_BYTES: usize = 64 * 1024;

/// Reads a file chunk by chunk into a [`RowStore`].
///
/// [`feed`](StreamLoader::feed) the chunks in order, then
/// [`finish`](StreamLoader::finish). The encoding is detected from the first
/// 64 KiB (held back until that much has come, or the file ended); from then
/// on each chunk is decoded as it comes, and a character cut between two
/// chunks is decoded whole. The text is then parsed into the store and
/// dropped: at most the text and the store are held at once.
pub struct StreamLoader {
    forced: Option<String>,
    head: Vec<u8>,
    decoder: Option<ChunkDecoder>,
    text: String,
    /// Each chunk is decoded here first: a decoder reserves room for the
    /// worst case (every byte malformed), which must not grow `text`.
    scratch: String,
    error: Option<FileError>,
    bytes_read: u64,
    lang: Lang,
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
            // Most files are UTF-8 or a single-byte encoding: the text is
            // about as long as the file, so it need not grow (and be copied).
            text: String::with_capacity(size.saturating_add(16)),
            scratch: String::new(),
            error: None,
            bytes_read: 0,
            lang: Lang::En,
        }
    }

    /// The same loader, writing its errors in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> StreamLoader {
        self.lang = lang;
        self
    }

    /// Takes the next chunk. Returns false once the file cannot be read
    /// (not text, unknown encoding): the rest need not be read;
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
                self.text.push_str(&self.scratch);
            }
            None => {
                self.head.extend_from_slice(chunk);
                if self.head.len() >= DETECT_BYTES {
                    self.start_decoding();
                }
            }
        }
        self.error.is_none()
    }

    /// How many bytes were fed.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn start_decoding(&mut self) {
        let head = std::mem::take(&mut self.head);
        match ChunkDecoder::new_in(&head, self.forced.as_deref(), self.lang) {
            Ok(mut decoder) => {
                self.scratch.clear();
                decoder.decode_chunk(&head, false, &mut self.scratch);
                self.text.push_str(&self.scratch);
                self.decoder = Some(decoder);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// Ends the file: sniffs the delimiter (unless `delimiter` forces one)
    /// and parses every row into a [`RowStore`]. `progress` is called now
    /// and then with the rows read so far and the fraction of the text
    /// parsed (0 to 1).
    ///
    /// Errors: those of [`crate::decode::decode`] and [`RowReader::new`].
    pub fn finish(mut self, delimiter: Option<u8>, mut progress: impl FnMut(u64, f64)) -> Result<StreamLoaded, FileError> {
        if self.decoder.is_none() && self.error.is_none() {
            self.start_decoding();
        }
        if let Some(error) = self.error {
            return Err(error);
        }
        let mut decoder = self.decoder.expect("a decoder once the first chunk was read");
        self.scratch.clear();
        decoder.decode_chunk(&[], true, &mut self.scratch);
        self.text.push_str(&self.scratch);
        drop(self.scratch);
        let encoding = decoder.encoding().to_string();
        let text = self.text;
        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));
        let mut reader = RowReader::new_in(&text, delimiter, self.lang)?;
        let header = reader.header().to_vec();
        // Cells are the text less delimiters, quotes and line breaks: the
        // store never needs more room than the text.
        let mut rows = RowStore::with_capacity(text.len());
        let total = text.len().max(1) as f64;
        while let Some(pos) = reader.next_row() {
            rows.push(pos.line, reader.record().iter());
            if pos.row == 1024 {
                rows.reserve_like(text.len());
            }
            if pos.row % 20_000 == 0 {
                progress(pos.row, (rows.text.len() as f64 / total).min(1.0));
            }
        }
        progress(rows.len() as u64, 1.0);
        drop(reader);
        drop(text);
        Ok(StreamLoaded { encoding, delimiter, header, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FileErrorCode;
    use crate::report::Options;
    use crate::table::load;

    fn load_in_chunks(bytes: &[u8], size: usize) -> Result<StreamLoaded, FileError> {
        let mut loader = StreamLoader::new(None, bytes.len());
        for chunk in bytes.chunks(size) {
            loader.feed(chunk);
        }
        loader.finish(None, |_, _| {})
    }

    fn rows_of(loaded: &StreamLoaded) -> Vec<(Position, Vec<String>)> {
        (0..loaded.rows.len()).map(|i| (loaded.rows.position(i), loaded.rows.cells(i))).collect()
    }

    #[test]
    fn multibyte_characters_cut_between_chunks_come_out_whole() {
        // Two-, three- and four-byte UTF-8, a BOM, quotes and a line break in a cell.
        let text = "\u{feff}Name,Town,Note\r\nZoé,Győr,\"€ 5\r\nand 🎉\"\r\nJosé,Ñandú,日本語\r\n";
        let whole = load(text.as_bytes(), &Options::default()).unwrap();
        for size in 1..=8 {
            let loaded = load_in_chunks(text.as_bytes(), size).unwrap();
            assert_eq!(loaded.header, whole.table.header, "chunks of {size}");
            let expected: Vec<_> =
                whole.table.rows.iter().map(|r| (Position { row: r.row, line: r.line }, r.cells.clone())).collect();
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
        assert_eq!(loader.finish(None, |_, _| {}).unwrap_err().code, FileErrorCode::NotText);
        let loader = StreamLoader::new(None, 0);
        assert_eq!(loader.finish(None, |_, _| {}).unwrap_err().code, FileErrorCode::EmptyFile);
        let mut loader = StreamLoader::new(None, 4);
        loader.feed(b" \n\n");
        assert_eq!(loader.finish(None, |_, _| {}).unwrap_err().code, FileErrorCode::EmptyFile);
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
}
