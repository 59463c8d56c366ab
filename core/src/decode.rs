//! Bytes to text.
//!
//! A CSV file is whatever bytes a spreadsheet wrote: UTF-8 with or without a
//! byte order mark, Excel's Windows-1252, Excel's "Unicode text" (UTF-16LE),
//! or not text at all (a workbook saved under a `.csv` name). [`decode`]
//! finds out which, in this order:
//!
//! 1. Binary signatures (zip/xlsx, old xls, PDF, images, gzip, executables)
//!    and NUL bytes in number give [`FileErrorCode::NotText`]; a few stray
//!    NULs in a text file are read, each an error of its cell.
//! 2. A byte order mark decides the encoding; the mark never reaches the text.
//! 3. UTF-16 without a mark is recognised by its NUL-in-every-other-byte
//!    pattern.
//! 4. Valid UTF-8 is UTF-8, borrowed without a copy.
//! 5. Anything else is guessed by [`chardetng`], Firefox's detector.
//!
//! ```
//! use csv_import_core::decode::decode;
//!
//! // "Café;5 €" as Excel on Windows saves it.
//! let bytes = b"Caf\xe9;5 \x80\r\n";
//! let decoded = decode(bytes, None).unwrap();
//! assert_eq!(decoded.text, "Café;5 €\r\n");
//! assert_eq!(decoded.encoding, "windows-1252");
//! assert!(decoded.detected);
//! ```
//!
//! Big files can be decoded in pieces with a [`ChunkDecoder`].

use std::borrow::Cow;

use encoding_rs::{CoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::{FileError, FileErrorCode};
use crate::messages::{self, Lang, NotText};

/// How many bytes the UTF-16-without-BOM check looks at.
const UTF16_SAMPLE: usize = 4096;

/// Text decoded from the bytes of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without a byte order mark (nor a second one some tool
    /// added). Borrowed from the input when it is valid UTF-8 (a UTF-8 BOM
    /// is sliced off, not copied).
    pub text: Cow<'a, str>,
    /// The encoding's WHATWG name in lower case: `"utf-8"`, `"utf-16le"`,
    /// `"utf-16be"`, `"windows-1252"`, `"iso-8859-2"`, `"shift_jis"`, ...
    pub encoding: &'static str,
    /// Whether the bytes started with a byte order mark (which was removed).
    pub bom: bool,
    /// `false` when the caller forced the encoding, `true` when it was found
    /// from the bytes.
    pub detected: bool,
}

/// Decodes the bytes of a file to text.
///
/// With `forced = None` the encoding is detected (see the [module
/// docs](self)). With `forced = Some(label)` the bytes are decoded with that
/// encoding (any WHATWG label, see [`encoding_for_label`]) and its own byte
/// order mark, if present, is removed; malformed bytes become U+FFFD rather
/// than an error, since the caller asked for that encoding.
///
/// Errors: [`FileErrorCode::EmptyFile`] when there is nothing but white space
/// (and byte order marks), [`FileErrorCode::NotText`] for binary files and
/// [`FileErrorCode::UnknownEncoding`] for a forced label nobody knows.
///
/// ```
/// use csv_import_core::decode::decode;
/// use csv_import_core::FileErrorCode;
///
/// let d = decode(b"\xef\xbb\xbfName\nAnn\n", None).unwrap();
/// assert_eq!((&*d.text, d.encoding, d.bom), ("Name\nAnn\n", "utf-8", true));
///
/// let d = decode(b"Caf\xe9\n", Some("latin1")).unwrap();
/// assert_eq!((&*d.text, d.encoding, d.detected), ("Café\n", "windows-1252", false));
///
/// let err = decode(b"PK\x03\x04\x14\x00\x06\x00", None).unwrap_err();
/// assert_eq!(err.code, FileErrorCode::NotText);
/// assert!(err.message.contains("Excel"));
/// ```
pub fn decode<'a>(bytes: &'a [u8], forced: Option<&str>) -> Result<Decoded<'a>, FileError> {
    decode_in(bytes, forced, Lang::En)
}

/// [`decode`], with the errors written in `lang`.
pub fn decode_in<'a>(bytes: &'a [u8], forced: Option<&str>, lang: Lang) -> Result<Decoded<'a>, FileError> {
    let found = detect(bytes, forced, true, lang)?;
    let body = &bytes[found.bom_len..];
    let text = if let Some(text) = found.utf8 {
        // The common case: validated once, no copy at all.
        Cow::Borrowed(text)
    } else if found.encoding == UTF_8 {
        String::from_utf8_lossy(body)
    } else {
        found.encoding.decode_without_bom_handling(body).0
    };
    let text = strip_extra_boms(text);
    if is_blank(&text) {
        return Err(empty_file(lang));
    }
    Ok(Decoded {
        text,
        encoding: lower_name(found.encoding),
        bom: found.bom_len > 0,
        detected: forced.is_none(),
    })
}

/// The encoding for a WHATWG label, such as `"utf-8"`, `"latin1"`,
/// `"cp1252"`, `"UTF-16"` or `"shift_jis"`; case and surrounding white space
/// do not matter.
///
/// The "replacement" encoding (labels like `"iso-2022-kr"`), which decodes
/// everything to one U+FFFD, is not offered: it cannot decode a CSV file.
///
/// ```
/// use csv_import_core::decode::encoding_for_label;
///
/// assert_eq!(encoding_for_label("Latin1").unwrap().name(), "windows-1252");
/// assert_eq!(encoding_for_label("UTF-16").unwrap().name(), "UTF-16LE");
/// assert!(encoding_for_label("klingon").is_none());
/// ```
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label_no_replacement(label.as_bytes())
}

/// Decodes a big file chunk by chunk, for a reader (such as a Web Worker)
/// that never holds the whole file.
///
/// [`ChunkDecoder::new`] detects the encoding from the first chunk, exactly
/// as [`decode`] would, and only looks at it; pass that chunk to
/// [`decode_chunk`](ChunkDecoder::decode_chunk) too, then the others in
/// order. Characters split between chunks (a UTF-8 sequence, a UTF-16
/// surrogate pair, even the byte order mark) come out whole.
///
/// ```
/// use csv_import_core::decode::ChunkDecoder;
///
/// let bytes = "\u{feff}Name\nJosé\n".as_bytes();
/// let (first, rest) = bytes.split_at(14); // inside the "é"
/// let mut decoder = ChunkDecoder::new(first, None).unwrap();
/// let mut text = String::new();
/// decoder.decode_chunk(first, false, &mut text);
/// decoder.decode_chunk(rest, true, &mut text);
/// assert_eq!(text, "Name\nJosé\n");
/// assert_eq!(decoder.encoding(), "utf-8");
/// ```
pub struct ChunkDecoder {
    decoder: encoding_rs::Decoder,
    encoding: &'static Encoding,
    /// No text has come out yet: extra BOMs are still to be removed.
    at_start: bool,
    finished: bool,
}

impl ChunkDecoder {
    /// Detects the encoding from the first chunk of the file, which should
    /// be at least 64 KiB or the whole file, so that detection sees enough.
    ///
    /// `forced` works as in [`decode`]. Errors are those of [`decode`],
    /// except that a chunk of only white space is not an error here (more
    /// may follow); the parser reports a file with no records as empty.
    /// Later chunks are not checked for NUL bytes.
    pub fn new(first_chunk: &[u8], forced: Option<&str>) -> Result<ChunkDecoder, FileError> {
        ChunkDecoder::new_in(first_chunk, forced, Lang::En)
    }

    /// [`new`](ChunkDecoder::new), with the errors written in `lang`.
    pub fn new_in(first_chunk: &[u8], forced: Option<&str>, lang: Lang) -> Result<ChunkDecoder, FileError> {
        let found = detect(first_chunk, forced, false, lang)?;
        Ok(ChunkDecoder {
            // Removes the BOM of this encoding, even when it spans chunks.
            decoder: found.encoding.new_decoder_with_bom_removal(),
            encoding: found.encoding,
            at_start: true,
            finished: false,
        })
    }

    /// The encoding's lower-case WHATWG name, as in [`Decoded::encoding`].
    pub fn encoding(&self) -> &'static str {
        lower_name(self.encoding)
    }

    /// Decodes the next chunk and appends its text to `out`.
    ///
    /// Bytes of a character cut at the end of `bytes` are kept until the
    /// next call. Set `last` on the final chunk (it may be empty) so that an
    /// unfinished character at the very end becomes U+FFFD; calls after that
    /// are ignored. Malformed bytes become U+FFFD.
    pub fn decode_chunk(&mut self, bytes: &[u8], last: bool, out: &mut String) {
        if self.finished {
            return;
        }
        let before = out.len();
        let mut rest = bytes;
        loop {
            if let Some(needed) = self.decoder.max_utf8_buffer_length(rest.len()) {
                out.reserve(needed);
            } else {
                out.reserve(rest.len());
            }
            let (result, read, _) = self.decoder.decode_to_string(rest, out, last);
            rest = &rest[read..];
            match result {
                CoderResult::InputEmpty => break,
                // Only when the length computation overflowed; grow and go on.
                CoderResult::OutputFull => out.reserve(4096),
            }
        }
        if self.at_start {
            // As in `decode`: a doubled BOM does not reach the text either.
            let new = &out[before..];
            let extra = new.len() - new.trim_start_matches('\u{FEFF}').len();
            out.drain(before..before + extra);
            self.at_start = out.len() == before;
        }
        self.finished = last;
    }
}

/// What detection found.
struct Found<'a> {
    encoding: &'static Encoding,
    /// Length of the byte order mark to skip (0 when there is none).
    bom_len: usize,
    /// The bytes after the BOM as text, when detection already found them
    /// to be valid UTF-8 (so `decode` does not check them twice).
    utf8: Option<&'a str>,
}

/// Finds the encoding. `complete` is false when `bytes` may be only the
/// start of the file, so that a UTF-8 sequence cut at the end still counts
/// as UTF-8.
fn detect<'a>(
    bytes: &'a [u8],
    forced: Option<&str>,
    complete: bool,
    lang: Lang,
) -> Result<Found<'a>, FileError> {
    if bytes.is_empty() {
        return Err(empty_file(lang));
    }
    if let Some(kind) = binary_signature(bytes) {
        return Err(not_text(lang, kind));
    }
    if let Some(label) = forced {
        let encoding = encoding_for_label(label).ok_or_else(|| unknown_encoding(label, lang))?;
        let bom_len = match Encoding::for_bom(bytes) {
            Some((bom_encoding, len)) if bom_encoding == encoding => len,
            _ => 0,
        };
        let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
        if !utf16 && !stray_nuls_at_most(bytes) {
            return Err(not_text(lang, NotText::NulBytes));
        }
        return Ok(Found { encoding, bom_len, utf8: None });
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        if encoding == UTF_8 && !stray_nuls_at_most(bytes) {
            return Err(not_text(lang, NotText::NulBytes));
        }
        return Ok(Found { encoding, bom_len, utf8: None });
    }
    if memchr::memchr(0, bytes).is_some() {
        if let Some(encoding) = utf16_without_bom(bytes) {
            return Ok(Found { encoding, bom_len: 0, utf8: None });
        }
        if !stray_nuls_at_most(bytes) {
            return Err(not_text(lang, NotText::NulBytes));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(Found { encoding: UTF_8, bom_len: 0, utf8: Some(text) }),
        // `error_len() == None`: only a character cut at the end.
        Err(e) if !complete && e.error_len().is_none() => {
            return Ok(Found { encoding: UTF_8, bom_len: 0, utf8: None });
        }
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, complete);
    Ok(Found { encoding: detector.guess(None, true), bom_len: 0, utf8: None })
}

/// Whether `bytes` (one byte per character, not UTF-16) are text with at
/// most a few stray NUL bytes, as a damaged export can leave: no more than
/// 8 or one in 10,000, and under 1% of other control bytes. Such a file is
/// read, and each cell with a NUL is an error of its row (the NUL named,
/// the row fixable in the review); a binary file has far more of both.
fn stray_nuls_at_most(bytes: &[u8]) -> bool {
    let nuls = memchr::memchr_iter(0, bytes).count();
    let controls = bytes.iter().filter(|&&b| b < 0x20 && !matches!(b, 0 | b'\t' | b'\n' | b'\r' | 0x0c)).count();
    nuls <= 8.max(bytes.len() / 10_000) && controls * 100 < bytes.len()
}

/// UTF-16 saved without a byte order mark: mostly Latin text, so nearly every
/// high byte is NUL. Returns the byte order, or `None` when the NULs are
/// something else.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE)];
    let pairs = sample.len() / 2;
    let (mut nul_even, mut nul_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        nul_even += (pair[0] == 0) as usize;
        nul_odd += (pair[1] == 0) as usize;
    }
    // At least 90% NUL on one side and mostly not on the other (all NULs is
    // not text).
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 2 < pairs;
    if mostly(nul_odd) && rarely(nul_even) {
        Some(UTF_16LE)
    } else if mostly(nul_even) && rarely(nul_odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// What the file looks like when its first bytes are a known binary format.
fn binary_signature(bytes: &[u8]) -> Option<NotText> {
    const SIGNATURES: &[(&[u8], NotText)] = &[
        (b"PK\x03\x04", NotText::Xlsx),
        (b"PK\x05\x06", NotText::Xlsx),
        (b"PK\x07\x08", NotText::Xlsx),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", NotText::Xls),
        (b"%PDF", NotText::Pdf),
        (b"\x89PNG\r\n\x1a\n", NotText::Image),
        (b"\xFF\xD8\xFF", NotText::Image),
        (b"GIF87a", NotText::Image),
        (b"GIF89a", NotText::Image),
        (b"\x1F\x8B", NotText::Gzip),
        (b"\x7FELF", NotText::Program),
    ];
    for &(signature, kind) in SIGNATURES {
        if bytes.starts_with(signature) {
            return Some(kind);
        }
    }
    // "MZ" alone could start a CSV header; a Windows program also has NULs.
    let head = &bytes[..bytes.len().min(1024)];
    if bytes.starts_with(b"MZ") && memchr::memchr(0, head).is_some() {
        return Some(NotText::Program);
    }
    None
}

fn not_text(lang: Lang, kind: NotText) -> FileError {
    FileError::new(FileErrorCode::NotText, messages::not_text(lang, kind))
}

fn empty_file(lang: Lang) -> FileError {
    FileError::new(FileErrorCode::EmptyFile, messages::empty_file(lang))
}

fn unknown_encoding(label: &str, lang: Lang) -> FileError {
    FileError::new(FileErrorCode::UnknownEncoding, messages::unknown_encoding(lang, label.trim()))
}

/// Removes U+FEFF characters left at the start after the BOM: some tools
/// add their own BOM to a file that already has one.
fn strip_extra_boms(text: Cow<'_, str>) -> Cow<'_, str> {
    let extra = text.len() - text.trim_start_matches('\u{FEFF}').len();
    if extra == 0 {
        return text;
    }
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[extra..]),
        Cow::Owned(mut s) => {
            s.drain(..extra);
            Cow::Owned(s)
        }
    }
}

/// White space and stray byte order marks only.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}')
}

/// `encoding.name().to_lowercase()`, as a `&'static str`.
fn lower_name(encoding: &'static Encoding) -> &'static str {
    match encoding.name() {
        "Big5" => "big5",
        "EUC-JP" => "euc-jp",
        "EUC-KR" => "euc-kr",
        "GBK" => "gbk",
        "IBM866" => "ibm866",
        "ISO-2022-JP" => "iso-2022-jp",
        "ISO-8859-10" => "iso-8859-10",
        "ISO-8859-13" => "iso-8859-13",
        "ISO-8859-14" => "iso-8859-14",
        "ISO-8859-15" => "iso-8859-15",
        "ISO-8859-16" => "iso-8859-16",
        "ISO-8859-2" => "iso-8859-2",
        "ISO-8859-3" => "iso-8859-3",
        "ISO-8859-4" => "iso-8859-4",
        "ISO-8859-5" => "iso-8859-5",
        "ISO-8859-6" => "iso-8859-6",
        "ISO-8859-7" => "iso-8859-7",
        "ISO-8859-8" => "iso-8859-8",
        "ISO-8859-8-I" => "iso-8859-8-i",
        "KOI8-R" => "koi8-r",
        "KOI8-U" => "koi8-u",
        "Shift_JIS" => "shift_jis",
        "UTF-16BE" => "utf-16be",
        "UTF-16LE" => "utf-16le",
        "UTF-8" => "utf-8",
        "gb18030" => "gb18030",
        "macintosh" => "macintosh",
        "replacement" => "replacement",
        "windows-1250" => "windows-1250",
        "windows-1251" => "windows-1251",
        "windows-1252" => "windows-1252",
        "windows-1253" => "windows-1253",
        "windows-1254" => "windows-1254",
        "windows-1255" => "windows-1255",
        "windows-1256" => "windows-1256",
        "windows-1257" => "windows-1257",
        "windows-1258" => "windows-1258",
        "windows-874" => "windows-874",
        "x-mac-cyrillic" => "x-mac-cyrillic",
        "x-user-defined" => "x-user-defined",
        // Every encoding_rs encoding is listed above (a test checks it); a
        // future one still gets its proper, if not lower-case, name.
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> Decoded<'_> {
        decode(bytes, None).unwrap()
    }

    fn err(bytes: &[u8], forced: Option<&str>) -> FileError {
        decode(bytes, forced).unwrap_err()
    }

    #[test]
    fn utf8_is_borrowed() {
        let d = ok("Name,City\nJosé,Zürich\n".as_bytes());
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.text, "Name,City\nJosé,Zürich\n");
        assert_eq!((d.encoding, d.bom, d.detected), ("utf-8", false, true));
    }

    #[test]
    fn utf8_bom_is_removed_and_still_borrowed() {
        let d = ok(b"\xef\xbb\xbfName\n");
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.text, "Name\n");
        assert!(d.bom);
    }

    #[test]
    fn doubled_boms_are_removed() {
        let d = ok(b"\xef\xbb\xbf\xef\xbb\xbf\"a\",b\n");
        assert_eq!((&*d.text, d.bom), ("\"a\",b\n", true));
        assert!(matches!(d.text, Cow::Borrowed(_)));
        let le: Vec<u8> = "\u{feff}\u{feff}a".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(ok(&le).text, "a");
        // A BOM later in the text is a character like any other.
        assert_eq!(ok("a\u{feff}".as_bytes()).text, "a\u{feff}");

        let bytes = b"\xef\xbb\xbf\xef\xbb\xbf\xef\xbb\xbfa\xef\xbb\xbf";
        for cut in 0..bytes.len() {
            let mut decoder = ChunkDecoder::new(bytes, None).unwrap();
            let mut out = String::new();
            decoder.decode_chunk(&bytes[..cut], false, &mut out);
            decoder.decode_chunk(&bytes[cut..], true, &mut out);
            assert_eq!(out, "a\u{feff}", "cut at {cut}");
        }
    }

    #[test]
    fn utf16_boms() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a\tb\né".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let d = ok(&le);
        assert_eq!((&*d.text, d.encoding, d.bom), ("a\tb\né", "utf-16le", true));

        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a,€".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let d = ok(&be);
        assert_eq!((&*d.text, d.encoding, d.bom), ("a,€", "utf-16be", true));
    }

    #[test]
    fn utf16_without_bom_by_nul_pattern() {
        let text = "Name;Town\r\nÅsa;Malmö\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let d = ok(&le);
        assert_eq!((&*d.text, d.encoding, d.bom), (text, "utf-16le", false));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(ok(&be).encoding, "utf-16be");
        // Odd length: not UTF-16, so the NULs make it binary.
        let mut odd = le.clone();
        odd.push(b'x');
        assert_eq!(err(&odd, None).code, FileErrorCode::NotText);
    }

    #[test]
    fn windows_1252_excel_export() {
        // Café;Müller;5 €;’quoted’;“x”;Peña
        let bytes = b"Caf\xe9;M\xfcller;5 \x80;\x92quoted\x92;\x93x\x94;Pe\xf1a\r\n";
        let d = ok(bytes);
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, "Café;Müller;5 €;’quoted’;“x”;Peña\r\n");
        assert!(d.detected);
    }

    #[test]
    fn binary_signatures_name_the_format() {
        let cases: &[(&[u8], &str)] = &[
            (b"PK\x03\x04rest", "Excel workbook (.xlsx)"),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "old Excel workbook (.xls)"),
            (b"%PDF-1.7\n", "PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0", "image"),
            (b"\xFF\xD8\xFF\xE0", "image"),
            (b"GIF89a", "image"),
            (b"\x1F\x8B\x08\x00", "gzip"),
            (b"\x7FELF\x02\x01", "program"),
            (b"MZ\x90\x00\x03", "program"),
            (b"a,b\n\x00\x01\x02\x03", "NUL"),
        ];
        for (bytes, needle) in cases {
            let e = err(bytes, None);
            assert_eq!(e.code, FileErrorCode::NotText, "{needle}");
            assert!(e.message.contains(needle), "{needle}: {}", e.message);
            assert!(e.message.contains("CSV"), "{}", e.message);
        }
        // A header that merely starts with "MZ" is text.
        assert_eq!(ok(b"MZ code,Name\n1,Ann\n").text, "MZ code,Name\n1,Ann\n");
    }

    #[test]
    fn signatures_win_over_forced_encoding() {
        assert_eq!(err(b"PK\x03\x04", Some("utf-8")).code, FileErrorCode::NotText);
        // More NULs than a damaged export leaves: binary.
        assert_eq!(err(b"a\x00b\x00c\x00d\x00e\x00f\x00g\x00h\x00i\x00", Some("windows-1252")).code, FileErrorCode::NotText);
        // A stray one is read (its cell is an error).
        assert_eq!(decode(b"a\x00b", Some("windows-1252")).unwrap().text, "a\u{0}b");
    }

    #[test]
    fn empty_files() {
        for bytes in [
            &b""[..],
            b"   \r\n\t\n",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf \n",
            b"\xff\xfe",
            b"\xef\xbb\xbf\xef\xbb\xbf",
        ] {
            let e = err(bytes, None);
            assert_eq!(e.code, FileErrorCode::EmptyFile, "{bytes:?}");
            assert!(e.message.contains("header row"));
        }
    }

    #[test]
    fn forced_encodings() {
        let d = decode(b"Caf\xe9", Some(" CP1252 ")).unwrap();
        assert_eq!((&*d.text, d.encoding, d.detected), ("Café", "windows-1252", false));

        // Forced UTF-8 on bad bytes decodes lossily instead of failing.
        let d = decode(b"Caf\xe9 ok", Some("utf8")).unwrap();
        assert_eq!(d.text, "Caf\u{FFFD} ok");

        // Its own BOM is removed...
        let d = decode(b"\xef\xbb\xbfa", Some("utf-8")).unwrap();
        assert_eq!((&*d.text, d.bom), ("a", true));
        // ...another encoding's is not: the caller said what the bytes are.
        let d = decode(b"\xef\xbb\xbfa", Some("latin1")).unwrap();
        assert_eq!((&*d.text, d.bom), ("ï»¿a", false));

        // "UTF-16" is little-endian; NULs are expected there.
        let le: Vec<u8> = "ab".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le, Some("UTF-16")).unwrap().text, "ab");

        // Even text that would be detected as UTF-8 obeys the forced label.
        let d = decode("é".as_bytes(), Some("iso-8859-2")).unwrap();
        assert_eq!((&*d.text, d.encoding), ("ĂŠ", "iso-8859-2"));
    }

    #[test]
    fn unknown_forced_label() {
        for label in ["klingon", "", "iso-2022-kr"] {
            let e = err(b"a,b", Some(label));
            assert_eq!(e.code, FileErrorCode::UnknownEncoding);
            assert!(e.message.contains("windows-1252"), "{}", e.message);
        }
    }

    #[test]
    fn labels() {
        for (label, name) in [
            ("latin1", "windows-1252"),
            ("CP1252", "windows-1252"),
            ("iso-8859-1", "windows-1252"),
            ("UTF-16", "UTF-16LE"),
            ("utf8", "UTF-8"),
            ("sjis", "Shift_JIS"),
        ] {
            assert_eq!(encoding_for_label(label).map(|e| e.name()), Some(name), "{label}");
        }
    }

    #[test]
    fn every_encoding_has_a_static_lower_case_name() {
        let all = [
            encoding_rs::BIG5,
            encoding_rs::EUC_JP,
            encoding_rs::EUC_KR,
            encoding_rs::GBK,
            encoding_rs::IBM866,
            encoding_rs::ISO_2022_JP,
            encoding_rs::ISO_8859_10,
            encoding_rs::ISO_8859_13,
            encoding_rs::ISO_8859_14,
            encoding_rs::ISO_8859_15,
            encoding_rs::ISO_8859_16,
            encoding_rs::ISO_8859_2,
            encoding_rs::ISO_8859_3,
            encoding_rs::ISO_8859_4,
            encoding_rs::ISO_8859_5,
            encoding_rs::ISO_8859_6,
            encoding_rs::ISO_8859_7,
            encoding_rs::ISO_8859_8,
            encoding_rs::ISO_8859_8_I,
            encoding_rs::KOI8_R,
            encoding_rs::KOI8_U,
            encoding_rs::SHIFT_JIS,
            UTF_16BE,
            UTF_16LE,
            UTF_8,
            encoding_rs::GB18030,
            encoding_rs::MACINTOSH,
            encoding_rs::REPLACEMENT,
            encoding_rs::WINDOWS_1250,
            encoding_rs::WINDOWS_1251,
            encoding_rs::WINDOWS_1252,
            encoding_rs::WINDOWS_1253,
            encoding_rs::WINDOWS_1254,
            encoding_rs::WINDOWS_1255,
            encoding_rs::WINDOWS_1256,
            encoding_rs::WINDOWS_1257,
            encoding_rs::WINDOWS_1258,
            encoding_rs::WINDOWS_874,
            encoding_rs::X_MAC_CYRILLIC,
            encoding_rs::X_USER_DEFINED,
        ];
        for e in all {
            assert_eq!(lower_name(e), e.name().to_lowercase());
        }
    }

    #[test]
    fn chunks_split_at_every_offset() {
        let text = "Név;Ár\r\nŐsz;5 €\r\n😀 emoji;𝄞\n";
        let utf16 = |bom: &[u8], to: fn(u16) -> [u8; 2], text: &str| -> Vec<u8> {
            bom.iter().copied().chain(text.encode_utf16().flat_map(to)).collect()
        };
        // Without a BOM, UTF-16 is recognised in mostly Latin text.
        let latin = "Name;Town\r\nÅsa;Malmö 😀\r\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("名前,都市\n田中,東京\n");
        let inputs: Vec<(Vec<u8>, Option<&str>)> = vec![
            (text.as_bytes().to_vec(), None),
            ([&b"\xef\xbb\xbf"[..], text.as_bytes()].concat(), None),
            (utf16(&[0xFF, 0xFE], u16::to_le_bytes, text), None),
            (utf16(&[0xFE, 0xFF], u16::to_be_bytes, text), None),
            (utf16(&[], u16::to_le_bytes, latin), None),
            // A multi-byte legacy encoding, forced.
            (sjis.into_owned(), Some("shift_jis")),
        ];
        for (bytes, forced) in &inputs {
            let whole = decode(bytes, *forced).unwrap().text.into_owned();
            assert!(whole == text || whole == latin || whole.starts_with("名前"));
            // Two cuts anywhere, including both at the same place, in the
            // BOM, and inside every character.
            for i in 0..=bytes.len() {
                for j in i..=bytes.len() {
                    let mut decoder = ChunkDecoder::new(bytes, *forced).unwrap();
                    let mut out = String::new();
                    decoder.decode_chunk(&bytes[..i], false, &mut out);
                    decoder.decode_chunk(&bytes[i..j], false, &mut out);
                    decoder.decode_chunk(&bytes[j..], true, &mut out);
                    assert_eq!(out, whole, "cuts at {i} and {j} of {bytes:?}");
                }
            }
        }
    }

    #[test]
    fn chunk_decoder_detects_from_first_chunk() {
        // The first chunk ends inside "é": still UTF-8.
        let bytes = "Name\nJosé\n".as_bytes();
        let d = ChunkDecoder::new(&bytes[..9], None).unwrap();
        assert_eq!(d.encoding(), "utf-8");
        // Windows-1252.
        let d = ChunkDecoder::new(b"Caf\xe9;M\xfcller\r\n", None).unwrap();
        assert_eq!(d.encoding(), "windows-1252");
        // Binary and unknown labels fail early.
        assert_eq!(
            ChunkDecoder::new(b"PK\x03\x04", None).err().unwrap().code,
            FileErrorCode::NotText
        );
        assert_eq!(
            ChunkDecoder::new(b"a", Some("nope")).err().unwrap().code,
            FileErrorCode::UnknownEncoding
        );
        // A truncated character at the very end becomes U+FFFD.
        let mut d = ChunkDecoder::new(b"ab\xc3", None).unwrap();
        let mut out = String::new();
        d.decode_chunk(b"ab\xc3", true, &mut out);
        assert_eq!(out, "ab\u{FFFD}");
        // After the last chunk, further input is ignored.
        d.decode_chunk(b"zz", true, &mut out);
        assert_eq!(out, "ab\u{FFFD}");
    }
}
