//! The shapes of CSV every parser is held to (RFC 4180 and what spreadsheet
//! programs write beside it), each read by the whole-file reader
//! (`decode`, `sniff_delimiter`, `parse`) and by the worker's `StreamLoader`
//! fed in pieces of 1, 3 and 4,096 bytes: both must give the same header
//! and cells, exactly.

use csv_import_core::decode::decode;
use csv_import_core::parse::parse;
use csv_import_core::sniff::sniff_delimiter;
use csv_import_core::store::StreamLoader;
use csv_import_core::validate::Cells;

/// One case: its name, the file's bytes, and the header and rows expected.
struct Case {
    name: &'static str,
    file: &'static [u8],
    header: &'static [&'static str],
    rows: &'static [&'static [&'static str]],
}

const CASES: &[Case] = &[
    Case {
        name: "plain, LF",
        file: b"a,b,c\n1,2,3\n4,5,6\n",
        header: &["a", "b", "c"],
        rows: &[&["1", "2", "3"], &["4", "5", "6"]],
    },
    Case {
        name: "plain, CRLF, no line end at the end",
        file: b"a,b,c\r\n1,2,3\r\n4,5,6",
        header: &["a", "b", "c"],
        rows: &[&["1", "2", "3"], &["4", "5", "6"]],
    },
    Case {
        name: "the delimiter inside quotes",
        file: b"name,town,postcode\nRiya Shah,\"Leeds, West Yorkshire\",LS1 4AP\n",
        header: &["name", "town", "postcode"],
        rows: &[&["Riya Shah", "Leeds, West Yorkshire", "LS1 4AP"]],
    },
    Case {
        name: "doubled quotes inside quotes",
        file: b"id,said\n1,\"she said \"\"yes\"\", twice\"\n2,\"\"\"\"\n",
        header: &["id", "said"],
        rows: &[&["1", "she said \"yes\", twice"], &["2", "\""]],
    },
    Case {
        name: "empty cells, quoted and not",
        file: b"a,b,c\n1,\"\",\"\"\n,,3\n",
        header: &["a", "b", "c"],
        rows: &[&["1", "", ""], &["", "", "3"]],
    },
    Case {
        name: "line breaks inside quotes, LF",
        file: b"id,note,n\n1,\"first line\nsecond line\",2\n3,4,5\n",
        header: &["id", "note", "n"],
        rows: &[&["1", "first line\nsecond line", "2"], &["3", "4", "5"]],
    },
    Case {
        name: "line breaks inside quotes, CRLF, kept as written",
        file: b"id,note\r\n1,\"one\r\ntwo\"\r\n2,x\r\n",
        header: &["id", "note"],
        rows: &[&["1", "one\r\ntwo"], &["2", "x"]],
    },
    Case {
        name: "quotes and line breaks together",
        file: b"id,note\n1,\"say \n\"\"hi\"\" \nnow\"\n2,3\n",
        header: &["id", "note"],
        rows: &[&["1", "say \n\"hi\" \nnow"], &["2", "3"]],
    },
    Case {
        name: "JSON in a quoted cell",
        file: b"key,data\n7,\"{\"\"kind\"\": \"\"point\"\", \"\"at\"\": [1.5, 2]}\"\n",
        header: &["key", "data"],
        rows: &[&["7", "{\"kind\": \"point\", \"at\": [1.5, 2]}"]],
    },
    Case {
        name: "UTF-8 beyond Latin-1",
        file: "word,script\nʤungle,IPA\n東京,Kanji\nΑθήνα,Greek\n😀,emoji\n".as_bytes(),
        header: &["word", "script"],
        rows: &[&["ʤungle", "IPA"], &["東京", "Kanji"], &["Αθήνα", "Greek"], &["😀", "emoji"]],
    },
    Case {
        name: "spaces around values are the values'",
        file: b"a,b\n  x , y  \n\" q \", r\n",
        header: &["a", "b"],
        rows: &[&["  x ", " y  "], &[" q ", " r"]],
    },
    Case {
        name: "a header only",
        file: b"first,last,email\r\n",
        header: &["first", "last", "email"],
        rows: &[],
    },
    Case {
        name: "blank lines between rows are no rows",
        file: b"a,b\n1,2\n\n\n3,4\n\n",
        header: &["a", "b"],
        rows: &[&["1", "2"], &["3", "4"]],
    },
    Case {
        name: "a byte order mark before the header",
        file: b"\xEF\xBB\xBFa,b\n1,2\n",
        header: &["a", "b"],
        rows: &[&["1", "2"]],
    },
    Case {
        name: "semicolons, as a spreadsheet in a decimal-comma language writes",
        file: b"name;amount\nAnn;1,5\n\"Bob; Jr\";2\n",
        header: &["name", "amount"],
        rows: &[&["Ann", "1,5"], &["Bob; Jr", "2"]],
    },
    Case {
        name: "tabs",
        file: b"name\tcity\nAnn\tParis, TX\nBob\t\"Lyon\"\n",
        header: &["name", "city"],
        rows: &[&["Ann", "Paris, TX"], &["Bob", "Lyon"]],
    },
    Case {
        name: "rows shorter and longer than the header keep their cells",
        file: b"a,b,c\n1\n1,2,3,4\n",
        header: &["a", "b", "c"],
        rows: &[&["1"], &["1", "2", "3", "4"]],
    },
    Case {
        name: "a quoted empty last cell",
        file: b"a,b\n1,\"\"\n",
        header: &["a", "b"],
        rows: &[&["1", ""]],
    },
    Case {
        name: "old Mac line ends (CR only)",
        file: b"a,b\r1,2\r3,4\r",
        header: &["a", "b"],
        rows: &[&["1", "2"], &["3", "4"]],
    },
];

/// The header and rows the whole-file reader gives.
fn whole(file: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let decoded = decode(file, None).expect("decoded");
    let table = parse(&decoded.text, sniff_delimiter(&decoded.text)).expect("parsed");
    (table.header, table.rows.into_iter().map(|r| r.cells).collect())
}

/// The header and rows the worker's reader gives, fed `piece` bytes at a time.
fn streamed(file: &[u8], piece: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let mut loader = StreamLoader::new(None, file.len());
    for chunk in file.chunks(piece) {
        loader.feed(chunk);
    }
    let loaded = loader.finish().expect("loaded");
    let rows = (0..loaded.rows.len())
        .map(|i| {
            let row = loaded.rows.row(i);
            (0..row.len()).filter_map(|c| row.get(c)).map(str::to_string).collect()
        })
        .collect();
    (loaded.header, rows)
}

#[test]
fn every_reader_reads_the_common_shapes_of_csv_exactly() {
    for case in CASES {
        let expected: (Vec<String>, Vec<Vec<String>>) = (
            case.header.iter().map(|s| s.to_string()).collect(),
            case.rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
        );
        assert_eq!(whole(case.file), expected, "{}: whole file", case.name);
        for piece in [1, 3, 4096] {
            assert_eq!(streamed(case.file, piece), expected, "{}: pieces of {piece}", case.name);
        }
    }
}
