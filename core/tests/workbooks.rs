//! Workbooks written by LibreOffice (see fixtures/workbooks/make_workbooks.py)
//! read through the same steps as CSV files.
#![cfg(feature = "workbooks")]

use csv_import_core::header_row::HeaderRow;
use csv_import_core::workbook::{SheetOptions, Workbook, WorkbookKind};
use csv_import_core::{FileErrorCode, Lang, Options, RowErrorCode, check};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/workbooks/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn clients() -> csv_import_core::Template {
    csv_import_core::builtin::get("clients").unwrap()
}

#[test]
fn each_format_is_recognised_by_its_bytes() {
    assert_eq!(WorkbookKind::detect(&fixture("clients.xlsx")), Some(WorkbookKind::Xlsx));
    assert_eq!(WorkbookKind::detect(&fixture("clients.xls")), Some(WorkbookKind::Xls));
    assert_eq!(WorkbookKind::detect(&fixture("clients.ods")), Some(WorkbookKind::Ods));
}

#[test]
fn sheets_say_their_rows_and_first_values() {
    for name in ["clients.xlsx", "clients.xls", "clients.ods"] {
        let book = Workbook::open(&fixture(name), Lang::En).unwrap();
        let sheets = book.sheets();
        assert_eq!(sheets.len(), 2, "{name}");
        assert_eq!((sheets[0].name.as_str(), sheets[0].rows), ("Notes", 1), "{name}");
        assert_eq!((sheets[1].name.as_str(), sheets[1].rows), ("Clients", 6), "{name}");
        assert_eq!(sheets[1].headers, ["Clients export"], "{name}");
        assert_eq!(book.find_sheet("clients"), Some(1));
        assert_eq!(book.find_sheet("2"), Some(1));
        assert_eq!(book.find_sheet("3"), None);
    }
}

#[test]
fn cells_come_out_as_the_spreadsheet_shows_them() {
    for name in ["clients.xlsx", "clients.xls", "clients.ods"] {
        let book = Workbook::open(&fixture(name), Lang::En).unwrap();
        let loaded = book.load(1, &clients(), &SheetOptions::default()).unwrap();
        assert_eq!(loaded.sheet.as_deref(), Some("Clients"));
        // The title and the export date are above the header, found on row 4.
        assert_eq!(loaded.header_line, 4, "{name}");
        assert_eq!(loaded.above.len(), 2, "{name}");
        assert_eq!(loaded.header, ["First Name", "Last Name", "Email", "Phone", "Company", "Discount", "Visits"]);
        let rows: Vec<Vec<String>> = (0..loaded.rows.len()).map(|i| loaded.rows.cells(i)).collect();
        assert_eq!(rows[0], ["Ann", "Lee", "ann@example.com", "33612345678", "Acme", "0.1", "2"], "{name}");
        // LibreOffice writes a boolean as the number 1 with a TRUE/FALSE
        // number format (Excel writes a boolean, which reads as TRUE).
        let truth = "1";
        assert_eq!(rows[1], ["Bob", "Ray", "bob@example.com", "+33 6 12 34 56 79", truth, "0.3", "4"], "{name}");
        assert_eq!(rows[2], ["Cy", "Fox", "#N/A", "", "Globex", "12.5", "3"], "{name}");
        // Empty trailing cells are dropped.
        assert_eq!(rows[3], ["Dee", "Moe", "dee@example.com", "", "Initech"], "{name}");
        // Lines are the sheet's rows.
        assert_eq!(loaded.rows.position(0), csv_import_core::Position { row: 1, line: 5 });
        assert_eq!(loaded.rows.position(3).line, 8);
    }
}

#[test]
fn a_workbook_checks_like_a_csv_and_names_sheet_and_cell() {
    let options = Options { sheet: Some("Clients".into()), ..Options::default() };
    let report = check(&fixture("clients.xlsx"), &clients(), &options);
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    assert_eq!((report.rows.total, report.rows.valid, report.rows.invalid), (4, 3, 1));
    assert_eq!((report.header_line, report.rows_above, report.sheet.as_deref()), (4, 2, Some("Clients")));
    let e = &report.errors[0];
    assert_eq!((e.code, e.row, e.line, e.column), (RowErrorCode::CellError, 3, 7, Some(2)));
    assert!(e.message.contains("#N/A"), "{}", e.message);
    let place = csv_import_core::messages::place(Lang::En, report.sheet.as_deref(), e.row, e.line, e.column, e.header.as_deref());
    assert_eq!(place, "Sheet \"Clients\", row 7, column C (Email)");
    assert_eq!(report.records[0].text(&clients(), "phone"), Some("33612345678"));
}

#[test]
fn several_sheets_and_none_chosen_is_an_error_that_lists_them() {
    let report = check(&fixture("clients.ods"), &clients(), &Options::default());
    assert_eq!(report.file_errors[0].code, FileErrorCode::ChooseSheet);
    let message = &report.file_errors[0].message;
    assert!(message.contains("\"Notes\" (1 row)") && message.contains("\"Clients\" (6 rows)"), "{message}");
    let report = check(&fixture("clients.xls"), &clients(), &Options { sheet: Some("Budget".into()), ..Options::default() });
    assert_eq!(report.file_errors[0].code, FileErrorCode::InvalidOption);
}

#[test]
fn the_user_may_pick_another_header_row() {
    let options = Options { sheet: Some("2".into()), header_row: HeaderRow::Line(1), ..Options::default() };
    let report = check(&fixture("clients.xls"), &clients(), &options);
    // "Clients export" as the header: no column names the required first name.
    assert_eq!(report.file_errors[0].code, FileErrorCode::MissingRequiredColumn);
    assert_eq!((report.header_line, report.rows_above), (1, 0));
}

#[test]
fn date_cells_take_the_date_fields_format() {
    let template = csv_import_core::builtin::get("client-accounts").unwrap();
    let book = Workbook::open(&fixture("accounts.xlsx"), Lang::En).unwrap();
    let loaded = book.load(0, &template, &SheetOptions::default()).unwrap();
    assert_eq!(loaded.rows.cells(0)[4], "19811120");
    let options = Options { now: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let report = check(&fixture("accounts.xlsx"), &template, &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.rows.valid, 2);
    assert_eq!(report.records[1].text(&template, "gender"), Some("male"));
}

#[test]
fn a_damaged_workbook_is_a_clear_file_error() {
    let mut bytes = fixture("clients.xlsx");
    bytes.truncate(bytes.len() / 2);
    let report = check(&bytes, &clients(), &Options::default());
    assert_eq!(report.file_errors[0].code, FileErrorCode::Unreadable);
    assert!(report.file_errors[0].message.contains("save it again"), "{}", report.file_errors[0].message);
}

#[test]
fn a_csv_with_a_title_above_the_header_is_read_from_the_header() {
    let bytes = b"Clients of March\nExported 2024-03-05\n\nFirst Name;Email\nAnn;ann@example.com\nBob;bob@\n";
    let report = check(bytes, &clients(), &Options::default());
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    assert_eq!((report.header_line, report.rows_above, report.rows.total), (4, 2, 2), "{report:?}");
    assert_eq!((report.errors.len(), report.rows.invalid), (1, 1), "{report:?}");
    assert_eq!((report.errors[0].row, report.errors[0].line), (2, 6));
    let forced = check(bytes, &clients(), &Options { header_row: HeaderRow::Line(1), ..Options::default() });
    assert_eq!(forced.file_errors[0].code, FileErrorCode::MissingRequiredColumn);
}

#[test]
fn a_spreadsheet_error_saved_in_a_csv_is_a_cell_error_too() {
    let report = check(b"First Name,Email\nAnn,#N/A\n#DIV/0!,bob@example.com\n", &clients(), &Options::default());
    let codes: Vec<_> = report.errors.iter().map(|e| (e.row, e.code)).collect();
    assert_eq!(codes, [(1, RowErrorCode::CellError), (2, RowErrorCode::CellError)]);
}

#[test]
fn damaged_workbooks_are_file_errors_never_panics() {
    for name in ["clients.xlsx", "clients.xls", "clients.ods", "accounts.xlsx"] {
        let bytes = fixture(name);
        let mut cases: Vec<Vec<u8>> = (1..20).map(|k| bytes[..bytes.len() * k / 20].to_vec()).collect();
        // Bytes flipped here and there after the signature.
        for step in [97, 389, 1031] {
            let mut flipped = bytes.clone();
            for i in (16..flipped.len()).step_by(step) {
                flipped[i] ^= 0x5A;
            }
            cases.push(flipped);
        }
        for case in cases {
            let options = Options { sheet: Some("1".into()), ..Options::default() };
            let report = check(&case, &clients(), &options);
            // Either read (a flip may land in unused bytes) or a file error.
            assert!(report.rows.total > 0 || !report.file_errors.is_empty(), "{name}");
        }
    }
}

#[test]
fn a_value_merged_over_rows_is_each_rows_and_a_title_merged_across_stays_one_cell() {
    for name in ["merged.xlsx", "merged.xls"] {
        let book = Workbook::open(&fixture(name), Lang::En).unwrap();
        let loaded = book.load(0, &clients(), &SheetOptions::default()).unwrap();
        assert_eq!(loaded.header_line, 2, "{name}");
        assert_eq!(loaded.above, [(1, vec!["Contacts by company".to_string()])], "{name}");
        assert_eq!(loaded.header, ["Company", "First Name", "Last Name", "Email"], "{name}");
        let rows: Vec<Vec<String>> = (0..loaded.rows.len()).map(|i| loaded.rows.cells(i)).collect();
        assert_eq!(rows[0], ["Acme", "Ann", "Lee", "ann@example.com"], "{name}");
        assert_eq!(rows[1], ["Acme", "Bob", "Ray", "bob@example.com"], "{name}");
        assert_eq!(rows[2], ["Acme", "Cy", "Fox", "cy@example.com"], "{name}");
        assert_eq!(rows[3], ["Globex", "Dee", "Moe", "dee@example.com"], "{name}");
        let report = check(
            &fixture(name),
            &clients(),
            &Options { now: "2026-01-01T00:00:00Z".into(), ..Options::default() },
        );
        assert_eq!((report.rows.total, report.rows.valid), (4, 4), "{name}: {:?}", report.errors);
        let companies: Vec<_> = report.records.iter().map(|r| r.text(&clients(), "company")).collect();
        assert_eq!(companies, [Some("Acme"), Some("Acme"), Some("Acme"), Some("Globex")], "{name}");
    }
    // calamine does not give an OpenDocument sheet's merges: the merged
    // value is the first row's only, as documented.
    let book = Workbook::open(&fixture("merged.ods"), Lang::En).unwrap();
    let loaded = book.load(0, &clients(), &SheetOptions::default()).unwrap();
    assert_eq!(loaded.rows.cells(0)[0], "Acme");
    assert_eq!(loaded.rows.cells(1)[0], "");
}
