//! Values the server said do not exist (`Options::unknown`): flagged per
//! cell with the code of the field's reference and a message with the fix.

use csv_import_core::report::check_verdicts;
use csv_import_core::table::{check_table, load};
use csv_import_core::{check, Options, RowErrorCode};

fn options(unknown: &[(&str, &[&str])]) -> Options {
    Options {
        now: "2026-01-01T00:00:00Z".into(),
        unknown: unknown.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect(),
        ..Options::default()
    }
}

const LEADS: &[u8] = b"Lead Email,Coach Email\n\
dana.lead@example.com,coach.amy@example.com\n\
dana.lead@example.com,Coach.Ghost@Example.com\n\
ghost.lead@example.com,\n\
eli.lead@example.com,coach.ghost@example.com\n";

#[test]
fn unknown_users_are_flagged_by_cell_with_the_fix() {
    let template = csv_import_core::builtin::get("coaching-leads").unwrap();
    let opts = options(&[("coach_email", &["coach.ghost@example.com"]), ("lead_email", &["ghost.lead@example.com"])]);
    let report = check(LEADS, &template, &opts);
    assert_eq!((report.rows.valid, report.rows.invalid), (1, 3));
    let found: Vec<(u64, Option<usize>, RowErrorCode)> = report.errors.iter().map(|e| (e.row, e.column, e.code)).collect();
    assert_eq!(
        found,
        [(2, Some(1), RowErrorCode::UnknownUser), (3, Some(0), RowErrorCode::UnknownUser), (4, Some(1), RowErrorCode::UnknownUser)]
    );
    assert_eq!(
        report.errors[0].message,
        "coach.ghost@example.com is not a user of this workspace. Invite them first, or correct the email."
    );
    assert_eq!(report.errors[0].header.as_deref(), Some("Coach Email"));
    // The verdicts-only path and the in-memory table agree.
    let verdicts = check_verdicts(LEADS, &template, &opts);
    assert_eq!(verdicts.errors, report.errors);
    let table = check_table(&load(LEADS, &opts).unwrap(), &template, &opts);
    assert_eq!(table.errors, report.errors);
}

#[test]
fn without_unknown_values_nothing_is_flagged() {
    let template = csv_import_core::builtin::get("coaching-leads").unwrap();
    let report = check(LEADS, &template, &options(&[]));
    assert_eq!((report.rows.valid, report.rows.invalid), (4, 0));
    // A key of no field, or of a field without a reference, changes nothing.
    let clients = csv_import_core::builtin::get("clients").unwrap();
    let file = b"First Name,Email\nAnn,ann@example.com\n";
    let report = check(file, &clients, &options(&[("email", &["ann@example.com"]), ("nope", &["Ann"])]));
    assert_eq!(report.rows.valid, 1);
}

#[test]
fn each_reference_kind_has_its_code_and_the_templates_message() {
    let accounts = csv_import_core::builtin::get("client-accounts").unwrap();
    let sample = accounts.sample.clone().unwrap();
    let tag_column = sample.header.iter().position(|h| h == "tag").unwrap();
    let mut row = sample.rows[0].clone();
    row[tag_column] = "Missing Tag".into();
    let file = format!("{}\n{}\n", sample.header.join(","), row.join(","));
    let report = check(file.as_bytes(), &accounts, &options(&[("tag", &["missing tag"])]));
    assert_eq!(report.errors.iter().map(|e| e.code).collect::<Vec<_>>(), [RowErrorCode::UnknownReference], "{:?}", report.errors);
    // The message is the template's, in the language asked, with the value in it.
    assert_eq!(
        report.errors[0].message,
        "There is no tag \"Missing Tag\" in this workspace. Create the tag first, or correct its name."
    );
    let fr = check(file.as_bytes(), &accounts, &Options { lang: csv_import_core::Lang::Fr, ..options(&[("tag", &["missing tag"])]) });
    assert!(fr.errors[0].message.starts_with("Il n’y a pas d’étiquette « Missing Tag »"), "{}", fr.errors[0].message);

    let crm = csv_import_core::builtin::get("crm-clients").unwrap();
    let id = crm.fields.iter().find(|f| f.key == "id").unwrap().header().to_string();
    let file = format!("{id},firstName,email\nC-404,Ann,ann@example.com\n");
    let report = check(file.as_bytes(), &crm, &options(&[("id", &["c-404"])]));
    assert_eq!(report.errors.iter().map(|e| e.code).collect::<Vec<_>>(), [RowErrorCode::UnknownId], "{:?}", report.errors);
}

/// A host's template with its own reference and wording.
fn project_template(extra: &str) -> Result<csv_import_core::Template, String> {
    csv_import_core::Template::from_toml(&format!(
        "name = \"tasks\"\nlabel = \"Tasks\"\n[[fields]]\nkey = \"project\"\nlabel = \"Project code\"\n{extra}\n"
    ))
}

#[test]
fn a_hosts_wording_fills_in_the_value_and_the_column_once() {
    let template = project_template(
        "reference = \"project\"\nunknown_message = { en = 'No project \"{value}\" (column {column}).', fr = 'Pas de projet « {value} » ({column}).' }",
    )
    .unwrap();
    let field = template.field("project").unwrap();
    let en = csv_import_core::validate::reference_error_in(field, "PRJ-{column}", csv_import_core::Lang::En);
    assert_eq!(en.code, RowErrorCode::UnknownReference);
    // A value that looks like a placeholder stays as it is.
    assert_eq!(en.message, "No project \"PRJ-{column}\" (column Project code).");
    let fr = csv_import_core::validate::reference_error_in(field, "PRJ-9", csv_import_core::Lang::Fr);
    assert_eq!(fr.message, "Pas de projet « PRJ-9 » (Project code).");
    // One text for every language.
    let one = project_template("reference = \"project\"\nunknown_message = \"Unknown {value}; braces {like this} stay.\"").unwrap();
    let fr = csv_import_core::validate::reference_error_in(one.field("project").unwrap(), "X", csv_import_core::Lang::Fr);
    assert_eq!(fr.message, "Unknown X; braces {like this} stay.");
}

#[test]
fn a_wording_that_cannot_be_used_stops_the_template() {
    for (extra, expected) in [
        ("unknown_message = \"No {value}.\"", "has an unknown_message but no reference"),
        ("reference = \"project\"\nunknown_message = \"No {value} in {table}.\"", "{table} is not a placeholder here (use {value} or {column})"),
        ("reference = \"project\"\nunknown_message = { fr = \"Pas de {value}.\" }", "it needs an `en` text"),
        ("reference = \"project\"\nunknown_message = { en = \"No {value}.\", de = \"Kein {value}.\" }", "\"de\" is not a language"),
        ("reference = \"project\"\nunknown_message = \"  \"", "a text is empty"),
    ] {
        let error = project_template(extra).unwrap_err();
        assert!(error.contains("field project") && error.contains(expected), "{extra}: {error}");
    }
}
