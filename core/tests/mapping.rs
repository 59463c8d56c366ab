//! Mapping real-looking exports: French and German headers in
//! Windows-1252, Spanish ones in UTF-8, and a column whose header says
//! nothing but whose values are email addresses.

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

/// Each column's header, the field it went to, and how.
fn mapped(report: &csv_import_core::Report) -> Vec<(&str, Option<&str>, MatchKind)> {
    report.columns.iter().map(|c| (c.header.as_str(), c.field.as_deref(), c.how)).collect()
}

#[test]
fn a_german_export_maps_with_no_manual_step() {
    let template = builtin::get("clients").unwrap();
    let report = check(&fixture("german_1252_outlook.csv"), &template, &Options::default());
    assert_eq!(report.encoding, "windows-1252");
    assert_eq!(
        mapped(&report),
        vec![
            ("Vorname", Some("first_name"), MatchKind::Synonym),
            ("Nachname", Some("last_name"), MatchKind::Synonym),
            ("E-Mail-Adresse", Some("email"), MatchKind::Synonym),
            ("Mobiltelefon", Some("phone"), MatchKind::Synonym),
            ("Firma", Some("company"), MatchKind::Synonym),
        ]
    );
    assert_eq!((report.rows.valid, report.rows.invalid), (2, 0));

    let companies = builtin::get("companies").unwrap();
    let report = check(&fixture("german_1252_companies.csv"), &companies, &Options::default());
    assert_eq!(
        mapped(&report),
        vec![
            ("Firmenname", Some("name"), MatchKind::Synonym),
            ("Webseite", Some("website"), MatchKind::Synonym),
            ("Straße", Some("address"), MatchKind::Synonym),
            ("Ort", Some("city"), MatchKind::Synonym),
            ("Land", Some("country"), MatchKind::Synonym),
        ]
    );
    assert_eq!((report.rows.valid, report.rows.invalid), (1, 0));
}

#[test]
fn a_spanish_export_maps_with_no_manual_step() {
    let template = builtin::get("leads").unwrap();
    let report = check(&fixture("spanish_utf8_bom.csv"), &template, &Options::default());
    assert_eq!(report.encoding, "utf-8");
    assert_eq!(
        mapped(&report),
        vec![
            ("Nombre", Some("first_name"), MatchKind::Synonym),
            ("Apellidos", Some("last_name"), MatchKind::Synonym),
            ("Correo electrónico", Some("email"), MatchKind::Synonym),
            ("Teléfono móvil", Some("phone"), MatchKind::Synonym),
            ("Empresa", Some("company"), MatchKind::Synonym),
        ]
    );
    assert_eq!((report.rows.valid, report.rows.invalid), (2, 0));
}
