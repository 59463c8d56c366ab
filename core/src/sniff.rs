//! The delimiter.
//!
//! Excel writes commas or semicolons depending on the region (semicolons
//! where the comma is the decimal separator), tabs for "Unicode text", and
//! some systems export pipes. [`sniff_delimiter`] picks the one that splits
//! the first records into the same number of columns, reading quoted fields
//! the way the parser will.
//!
//! ```
//! use csv_import_core::sniff::{delimiter_name, sniff_delimiter};
//!
//! // Decimal commas do not fool it: the header has no comma.
//! let d = sniff_delimiter("Name;Amount\nAnn;1,5\nBob;2,75\n");
//! assert_eq!(delimiter_name(d), "semicolon");
//! ```

/// The delimiters [`sniff_delimiter`] chooses from, in tie-break order.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How much text the sniffer reads at most.
const MAX_BYTES: usize = 64 * 1024;
/// How many non-blank records the sniffer reads at most.
const MAX_RECORDS: usize = 50;

/// Guesses the delimiter of CSV `text` from its first records (about
/// 64 KiB, at most 50 records).
///
/// For each candidate in [`DELIMITERS`] the records are read as the parser
/// reads them with that delimiter, so that delimiters in quoted fields
/// (including quoted line breaks and doubled quotes) do not count. Blank
/// records, and records of only delimiters and white space, are ignored.
/// The first remaining record is the header. A candidate qualifies when it
/// appears in the header and, if there are data records, in at least one of
/// them. The winner has the largest share of records with the header's
/// count; ties go to the larger count, then to the earlier candidate in
/// [`DELIMITERS`]. When nothing qualifies (a single-column file) the answer
/// is `b','`.
///
/// ```
/// use csv_import_core::sniff::sniff_delimiter;
///
/// assert_eq!(sniff_delimiter("a\tb\n\"x, y, z\"\t1\n"), b'\t');
/// assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
/// assert_eq!(sniff_delimiter("email\nann@example.com\n"), b',');
/// ```
pub fn sniff_delimiter(text: &str) -> u8 {
    let bytes = text.as_bytes();
    let mut best: Option<(u8, Tally)> = None;
    for d in DELIMITERS {
        let tally = tally(bytes, d);
        if !tally.qualifies() {
            continue;
        }
        match &best {
            Some((_, b)) if !tally.beats(b) => {}
            _ => best = Some((d, tally)),
        }
    }
    match best {
        Some((d, _)) => d,
        // Lines without any delimiter above the header (a title, an export
        // date): sniff from the first line that has one.
        None => match first_line_with_a_delimiter(bytes) {
            Some(start) if start > 0 => sniff_delimiter(&text[start..]),
            _ => b',',
        },
    }
}

/// Where the first line holding one of [`DELIMITERS`] starts, in the
/// sniffed sample.
fn first_line_with_a_delimiter(bytes: &[u8]) -> Option<usize> {
    let sample = &bytes[..bytes.len().min(MAX_BYTES)];
    let at = sample.iter().position(|b| DELIMITERS.contains(b))?;
    // Line starts are ASCII line breaks, so the slice stays on a character boundary.
    Some(sample[..at].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1))
}

/// Parses a delimiter given by a person or a program: `","`, `";"`, `"\t"`
/// (a tab, or the two characters `\t`), `"|"`, or the names `"comma"`,
/// `"semicolon"`, `"tab"`, `"pipe"`, in any case.
///
/// ```
/// use csv_import_core::sniff::parse_delimiter;
///
/// assert_eq!(parse_delimiter("Semicolon"), Ok(b';'));
/// assert_eq!(parse_delimiter("\t"), Ok(b'\t'));
/// assert!(parse_delimiter("colon").unwrap_err().contains("semicolon"));
/// ```
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    // A tab is white space, so look at the untrimmed value first.
    if s == "\t" {
        return Ok(b'\t');
    }
    match s.trim().to_ascii_lowercase().as_str() {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\\t" | "tab" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(format!(
            "Unknown delimiter \"{s}\". Use one of: \",\" (comma), \";\" (semicolon), \
             tab, \"|\" (pipe)."
        )),
    }
}

/// The name of a delimiter: `"comma"`, `"semicolon"`, `"tab"` or `"pipe"`,
/// and `"other"` for any other byte.
///
/// ```
/// use csv_import_core::sniff::delimiter_name;
///
/// assert_eq!(delimiter_name(b'\t'), "tab");
/// ```
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "comma",
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "other",
    }
}

/// How one candidate delimiter splits the sampled records.
#[derive(Debug, Default)]
struct Tally {
    /// Non-blank records seen, the header included.
    records: usize,
    /// The header's delimiter count.
    header: usize,
    /// Records (the header included) with the header's count.
    matching: usize,
    /// Whether some data record has the delimiter at all.
    in_data: bool,
}

impl Tally {
    fn add(&mut self, count: usize) {
        if self.records == 0 {
            self.header = count;
        } else {
            self.in_data |= count > 0;
        }
        self.records += 1;
        self.matching += (count == self.header) as usize;
    }

    fn qualifies(&self) -> bool {
        self.header > 0 && (self.records == 1 || self.in_data)
    }

    /// Strictly better than `other`; an equal tally loses, so the earlier
    /// candidate keeps its place.
    fn beats(&self, other: &Tally) -> bool {
        // Compare matching / records without division; each candidate reads
        // quotes at its own field starts, so the record counts can differ.
        let mine = self.matching as u64 * other.records as u64;
        let theirs = other.matching as u64 * self.records as u64;
        mine > theirs || (mine == theirs && self.header > other.header)
    }
}

/// Reads the sample as csv would with delimiter `d` and tallies the count of
/// `d` outside quotes in each non-blank record.
fn tally(bytes: &[u8], d: u8) -> Tally {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        /// At the start of a field: a quote here opens a quoted field.
        FieldStart,
        /// In an unquoted field (or after a closed quoted field).
        Unquoted,
        /// Inside quotes.
        Quoted,
        /// Just read a quote inside quotes: a second one is an escaped quote.
        QuoteInQuoted,
    }

    let limit = bytes.len().min(MAX_BYTES);
    let mut tally = Tally::default();
    let mut state = State::FieldStart;
    let mut count = 0;
    // Whether the record has something besides delimiters and white space.
    let mut content = false;
    for &b in &bytes[..limit] {
        match state {
            State::Quoted => {
                if b == b'"' {
                    state = State::QuoteInQuoted;
                } else if !b.is_ascii_whitespace() {
                    content = true;
                }
                continue;
            }
            State::QuoteInQuoted if b == b'"' => {
                state = State::Quoted;
                content = true;
                continue;
            }
            _ => {}
        }
        if b == b'\n' || b == b'\r' {
            if content {
                tally.add(count);
                if tally.records == MAX_RECORDS {
                    return tally;
                }
            }
            count = 0;
            content = false;
            state = State::FieldStart;
        } else if b == d {
            count += 1;
            state = State::FieldStart;
        } else if b == b'"' && state == State::FieldStart {
            state = State::Quoted;
        } else {
            state = State::Unquoted;
            content |= !(b.is_ascii_whitespace() || DELIMITERS.contains(&b));
        }
    }
    // The last record counts when it ends the text, or when the sample
    // holds nothing else (one huge header).
    if content && (limit == bytes.len() || tally.records == 0) {
        tally.add(count);
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_without_delimiters_above_the_header_is_passed_over() {
        let text = "Clients of March\nExported 2024-03-05\n\nFirst Name;Email\nAnn;ann@x.com\nBob;bob@x.com\n";
        assert_eq!(sniff_delimiter(text), b';');
        assert_eq!(sniff_delimiter("Just a title\nand notes\n"), b',');
    }

    #[test]
    fn simple_files() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\r\n1;2;3\r\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\r1|2|3\r"), b'|');
    }

    #[test]
    fn decimal_commas_in_a_semicolon_file() {
        assert_eq!(sniff_delimiter("Name;Amount\nAnn;1,5\nBob;2,75"), b';');
        // Even with more commas than semicolons per data line.
        assert_eq!(sniff_delimiter("a;b\n1,5;2,5\n3,25;4,5\n"), b';');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let tsv =
            "Name\tNote\n\"Smith, Ann\"\t\"a, b, c\"\n\"Lee, Bob\"\t\"x,\ny, \"\"z\"\", w\"\n";
        assert_eq!(sniff_delimiter(tsv), b'\t');
        // The header's quoted semicolon does not make it a semicolon file.
        assert_eq!(sniff_delimiter("\"a;b\",c\n1,2\n3,4\n"), b',');
    }

    #[test]
    fn most_consistent_wins() {
        // Commas appear in every line but unevenly; pipes split evenly.
        let text = "a,b|c|d\n1|2,3,4|5\n6|7|8,9\n";
        assert_eq!(sniff_delimiter(text), b'|');
    }

    #[test]
    fn ties_go_to_the_higher_count_then_the_list_order() {
        // Both consistent; the semicolon splits into more columns.
        assert_eq!(sniff_delimiter("a,b;c;d\n1,2;3;4\n"), b';');
        // Both consistent with the same count: comma comes first.
        assert_eq!(sniff_delimiter("a,b;c\n1,2;3\n"), b',');
        assert_eq!(sniff_delimiter("a|b\tc\n1|2\t3\n"), b'\t');
    }

    #[test]
    fn blank_and_delimiter_only_lines_are_ignored() {
        let text = "\n;;;\n  \nName;Amount\n;;\n\nAnn;1,5\n;\nBob;2,5\n";
        assert_eq!(sniff_delimiter(text), b';');
        let t = tally(text.as_bytes(), b';');
        assert_eq!((t.records, t.header, t.matching), (3, 1, 3));
    }

    #[test]
    fn single_column_is_comma() {
        assert_eq!(sniff_delimiter("email\nann@example.com\nbob@example.com\n"), b',');
        // A header with a semicolon but data without any: still one column.
        assert_eq!(sniff_delimiter("Notes; misc\nhello\nworld\n"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }

    #[test]
    fn header_only_file() {
        assert_eq!(sniff_delimiter("a;b;c"), b';');
        assert_eq!(sniff_delimiter("a;b;c\r\n"), b';');
    }

    #[test]
    fn header_must_have_the_delimiter() {
        // Data lines have commas, the header has none but has semicolons.
        assert_eq!(sniff_delimiter("x;y\n1,2,3;4\n5,6;7\n"), b';');
    }

    #[test]
    fn only_the_sample_is_read() {
        // 60 comma records, then a semicolon flood that is never reached.
        let mut text = String::new();
        for _ in 0..60 {
            text.push_str("a,b\n");
        }
        for _ in 0..1000 {
            text.push_str("1;2;3;4;5,6\n");
        }
        assert_eq!(sniff_delimiter(&text), b',');
        assert_eq!(tally(text.as_bytes(), b',').records, MAX_RECORDS);

        // A cut record at the 64 KiB mark is not counted.
        let line = "a;b\n";
        let mut long = line.repeat(20);
        long.push_str(&"x".repeat(MAX_BYTES));
        long.push_str(";;;;;\n");
        assert_eq!(tally(long.as_bytes(), b';').records, 20);
        // Unless the sample holds nothing else.
        let huge = format!("{};b\n", "x".repeat(MAX_BYTES));
        assert_eq!(sniff_delimiter(&huge), b',');
        let huge = format!("a;{}\n", "x".repeat(MAX_BYTES));
        assert_eq!(sniff_delimiter(&huge), b';');
    }

    #[test]
    fn names() {
        for d in DELIMITERS {
            assert_eq!(parse_delimiter(delimiter_name(d)), Ok(d));
            assert_eq!(parse_delimiter(&(d as char).to_string()), Ok(d));
        }
        assert_eq!(parse_delimiter(" TAB "), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter("PIPE"), Ok(b'|'));
        assert_eq!(delimiter_name(b':'), "other");
        let e = parse_delimiter(":").unwrap_err();
        for accepted in ["comma", "semicolon", "tab", "pipe"] {
            assert!(e.contains(accepted), "{e}");
        }
    }
}
