//! Mapping a real-looking export: French headers in Windows-1252, and a
//! column whose header says nothing but whose values are email addresses.

use csv_import_core::map::{ContentKind, MatchKind};
use csv_import_core::{Lang, Options, builtin, check};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mapping/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_french_export_maps_with_no_manual_step() {
    let template = builtin::get("clients").unwrap();
    let report = check(&fixture("french_1252_contact.csv"), &template, &Options::default());
    assert_eq!(report.encoding, "windows-1252");
    assert!(report.file_errors.is_empty(), "{:?}", report.file_errors);
    let mapped: Vec<(&str, Option<&str>, MatchKind)> =
        report.columns.iter().map(|c| (c.header.as_str(), c.field.as_deref(), c.how)).collect();
    assert_eq!(
        mapped,
        vec![
            ("Prénom", Some("first_name"), MatchKind::Synonym),
            ("Nom", Some("last_name"), MatchKind::Synonym),
            ("Contact", Some("email"), MatchKind::Content),
            ("Téléphone", Some("phone"), MatchKind::Synonym),
            ("Société", Some("company"), MatchKind::Synonym),
        ]
    );
    let contact = &report.columns[2];
    assert_eq!(contact.looks_like, Some(ContentKind::Emails));
    assert_eq!(contact.looks_like.unwrap().reason(Lang::En), "looks like email addresses");
    assert_eq!((report.rows.valid, report.rows.invalid), (4, 0));
}
