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

/// Check `file` against the built-in `template`: its encoding, every
/// column mapped by a synonym to the field given (header, field), and every
/// one of its `rows` valid.
fn maps_by_synonym(file: &str, template: &str, encoding: &str, expected: &[(&str, &str)], rows: u64) {
    let template = builtin::get(template).unwrap();
    let report = check(&fixture(file), &template, &Options::default());
    assert_eq!(report.encoding, encoding, "{file}");
    let mapped: Vec<(&str, Option<&str>, MatchKind)> =
        report.columns.iter().map(|c| (c.header.as_str(), c.field.as_deref(), c.how)).collect();
    let expected: Vec<(&str, Option<&str>, MatchKind)> =
        expected.iter().map(|(header, field)| (*header, Some(*field), MatchKind::Synonym)).collect();
    assert_eq!(mapped, expected, "{file}");
    assert_eq!((report.rows.valid, report.rows.invalid), (rows, 0), "{file}");
}

#[test]
fn a_german_export_maps_with_no_manual_step() {
    maps_by_synonym(
        "german_1252_outlook.csv",
        "clients",
        "windows-1252",
        &[
            ("Vorname", "first_name"),
            ("Nachname", "last_name"),
            ("E-Mail-Adresse", "email"),
            ("Mobiltelefon", "phone"),
            ("Firma", "company"),
        ],
        2,
    );
    maps_by_synonym(
        "german_1252_companies.csv",
        "companies",
        "windows-1252",
        &[("Firmenname", "name"), ("Webseite", "website"), ("Straße", "address"), ("Ort", "city"), ("Land", "country")],
        1,
    );
}

#[test]
fn a_spanish_export_maps_with_no_manual_step() {
    maps_by_synonym(
        "spanish_utf8_bom.csv",
        "leads",
        "utf-8",
        &[
            ("Nombre", "first_name"),
            ("Apellidos", "last_name"),
            ("Correo electrónico", "email"),
            ("Teléfono móvil", "phone"),
            ("Empresa", "company"),
        ],
        2,
    );
}
