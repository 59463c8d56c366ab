//! A row checked again after one column changed: a check of the fields
//! that read it gives their errors and keys, and nothing of the others.

use csv_import_core::error::Position;
use csv_import_core::map::map_headers;
use csv_import_core::validate::{RowCheck, Validator};
use csv_import_core::RowErrorCode;

#[test]
fn a_check_of_some_fields_looks_at_their_cells_only() {
    let template = csv_import_core::builtin::get("clients").unwrap();
    let header: Vec<String> = ["First Name", "Email", "Phone"].map(String::from).to_vec();
    let validator = Validator::new(&template, &map_headers(&header, &template, &[]), "").unwrap();
    let email = template.fields.iter().position(|f| f.key == "email").unwrap();
    // A row with a missing name, a good email, a bad phone and an extra cell.
    let row = ["", "Ann@Example.com", "N/A", "extra"];
    let pos = Position { row: 1, line: 2 };

    let mut whole = RowCheck::new();
    validator.check_into(pos, &row[..], &mut whole);
    let mut codes: Vec<RowErrorCode> = whole.errors().iter().map(|e| e.code).collect();
    codes.sort_by_key(|c| c.as_str());
    assert_eq!(codes, [RowErrorCode::ExtraCells, RowErrorCode::InvalidPhone, RowErrorCode::Required]);

    // The email column's field only: no error, its key claimed.
    let fields = validator.fields_reading(&[1]).unwrap();
    assert_eq!(fields.iter().filter(|f| **f).count(), 1);
    let mut scoped = RowCheck::of_fields(fields);
    validator.check_into(pos, &row[..], &mut scoped);
    assert!(scoped.errors().is_empty(), "{:?}", scoped.errors());
    assert_eq!(scoped.key(email), Some("ann@example.com"));

    // The phone column's field: its error only, and no key of another field.
    let mut phone = RowCheck::of_fields(validator.fields_reading(&[2]).unwrap());
    validator.check_into(pos, &row[..], &mut phone);
    assert_eq!(phone.errors().iter().map(|e| e.code).collect::<Vec<_>>(), [RowErrorCode::InvalidPhone]);
    assert_eq!(phone.key(email), None);
    // A column the template does not read asks for no field.
    assert_eq!(validator.fields_reading(&[3]).unwrap().iter().filter(|f| **f).count(), 0);
}
