//! The worker session against core's full check.

use super::*;
use csv_import_core::RowErrorCode;
use csv_import_core::report::check;
use crate::Target;
use recheck::hash_key;
use csv_import_core::validate::RowCheck;

pub(super) fn options() -> CheckOptions {
    CheckOptions { now: "2026-01-01T00:00:00Z".into(), ..CheckOptions::default() }
}

fn session(text: &str, template: &str) -> Session {
    let template = csv_import_core::builtin::get(template).unwrap();
    load_in_chunks(text.as_bytes(), 5, template, options()).unwrap_or_else(|s| panic!("{s:?}"))
}

/// The errors a full check of the session's current cells gives.
pub(super) fn full_check(session: &Session) -> RowErrors {
    let mut fresh = Session {
        template: session.template.clone(),
        encoding: session.encoding.clone(),
        delimiter: session.delimiter,
        header: session.header.clone(),
        header_line: session.header_line,
        above: session.above.clone(),
        sheet: session.sheet.clone(),
        source: super::Source::Text,
        store: session.store.clone(),
        options: CheckOptions { header_row: session.options.header_row, ..CheckOptions::default() },
        mapping: session.mapping.clone(),
        report: Report::default(),
        rows_checked: false,
        errors: RowErrors::default(),
        keys: Vec::new(),
        incremental: false,
        existing: None,
        commit: None,
        removed: session.removed.clone(),
        removed_count: session.removed_count,
        history: History::default(),
        retired: Vec::new(),
    };
    fresh.check(session.options.clone(), &mut |_, _| {});
    fresh.errors
}

#[test]
fn a_session_reports_what_core_reports() {
    let text = "First Name;Email\nAnn;ann@x.com\n;bob@x.com\nCy;ANN@x.com\n\nDé;bad@\n";
    let s = session(text, "clients");
    let direct = check(text.as_bytes(), &csv_import_core::builtin::get("clients").unwrap(), &options().to_options());
    let summary = s.summary();
    assert_eq!(summary.report.rows, direct.rows);
    assert_eq!(summary.error_rows, vec![2, 3, 4]);
    let all: Vec<RowError> = s.errors.values().flatten().cloned().collect();
    assert_eq!(all, direct.errors);
    assert_eq!(summary.samples[0], vec!["Ann", "Cy", "Dé"]);
    let rows = s.rows(&[3, 99]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].cells, ["Cy", "ANN@x.com"]);
    assert_eq!(rows[0].errors[0].code, RowErrorCode::DuplicateInFile);
}

#[test]
fn a_french_session_writes_french_messages() {
    let text = "First Name,Email\nAnn,ann@x.com\nBob,bob.example.com\nCy,ANN@x.com\n";
    let template = csv_import_core::builtin::get("clients").unwrap();
    let options = CheckOptions { lang: Lang::Fr, ..options() };
    // As the page sends it: a missing `lang` is English.
    let json = serde_json::to_string(&options).unwrap();
    assert_eq!(serde_json::from_str::<CheckOptions>(&json).unwrap(), options);
    assert_eq!(serde_json::from_str::<CheckOptions>(r#"{"now": "", "overrides": []}"#).unwrap().lang, Lang::En);
    let mut s = load_in_chunks(text.as_bytes(), 5, template, options).unwrap_or_else(|s| panic!("{s:?}"));
    let rows = s.rows(&[2, 3]);
    assert_eq!(
        rows[0].errors[0].message,
        "« bob.example.com » n’a pas de @. Écrivez l’adresse complète, p. ex. nom@example.com."
    );
    assert!(rows[1].errors[0].message.starts_with("Même Email qu’à la ligne 1"), "{}", rows[1].errors[0].message);
    let skipped = s.skipped();
    assert!(skipped[0].reasons[0].starts_with("Email : « bob.example.com » n’a pas de @."), "{skipped:?}");
    let csv = s.error_report();
    assert!(csv.starts_with("First Name,Email,erreurs\n"), "{csv}");
    assert!(csv.contains("Email : « bob.example.com » n’a pas de @."), "{csv}");
    // An edit is checked again in the same language.
    s.edit(2, 1, "bob@");
    assert!(s.rows(&[2])[0].errors[0].message.contains("n’a rien après le @"), "{:?}", s.rows(&[2]));
    // So are the file's own errors.
    let empty = load_in_chunks(
        b"",
        5,
        csv_import_core::builtin::get("clients").unwrap(),
        CheckOptions { lang: Lang::Fr, ..CheckOptions::default() },
    )
    .err()
    .unwrap();
    assert!(empty.report.file_errors[0].message.starts_with("Le fichier est vide."), "{empty:?}");
}

#[test]
fn edits_change_the_same_errors_a_full_check_finds() {
    let text = "First Name,Email\nAnn,a@x.com\nBob,a@x.com\nCy,a@x.com\nDi,d@x.com\nEd,bad\n";
    let mut s = session(text, "clients");
    assert_eq!(s.summary().error_rows, vec![2, 3, 5]);
    let edits: &[(u64, usize, &str)] = &[
        (1, 1, "z@x.com"), // row 2 becomes the first a@x.com, row 3 its duplicate
        (2, 1, "D@x.com"), // row 2 duplicates row 4 now; row 3 is first of a@x.com
        (4, 1, "bad"),     // row 4 invalid: row 2 is alone with d@x.com
        (5, 1, "a@x.com"), // row 5 fixed, but a duplicate of row 3
        (3, 0, ""),        // row 3 loses its name: still claims a@x.com
        (3, 1, "q@x.com"), // row 3 leaves a@x.com: row 5 is first
        (1, 1, "A@X.COM"), // row 1 takes it again
        (4, 1, "d@x.com"),
    ];
    for &(row, column, value) in edits {
        let before = s.errors.clone();
        let outcome = s.edit(row, column, value);
        let expected = full_check(&s);
        assert_eq!(s.errors, expected, "after setting row {row} to {value:?}");
        assert_eq!(outcome.rows.invalid, expected.len() as u64);
        for (r, errors) in expected.iter() {
            if before.get(&r) != Some(errors) {
                assert!(outcome.changed.contains(&(r, true)), "row {r} changed after {row}={value:?}: {outcome:?}");
            }
        }
    }
}

#[test]
fn many_edits_bulk_fixes_and_undos_agree_with_a_full_check() {
    // Few distinct values, so that edits keep, take, leave and share keys.
    let names = ["Ann", "", "Bob"];
    let emails = ["a@x.com", "A@X.com", "b@x.com", "bad", "", " c@x.com "];
    let mut text = String::from("First Name,Email\n");
    for i in 0..30 {
        text.push_str(&format!("{},{}\n", names[i % 3], emails[i % 6]));
    }
    let mut s = session(&text, "clients");
    let mut seed = 7_u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    for step in 0..300 {
        let before = s.errors.clone();
        let changed = match next(6) {
            0 => {
                s.undo();
                None
            }
            1 => {
                s.delete_rows(&[next(30) as u64 + 1]);
                None
            }
            2 => {
                let fix = csv_import_core::fix::Fix::Case(csv_import_core::fix::Case::Lower);
                s.apply_fix(Target { column: 1, code: None }, &fix);
                None
            }
            3 => Some(s.edit(next(30) as u64 + 1, 0, names[next(3)]).changed),
            _ => Some(s.edit(next(30) as u64 + 1, 1, emails[next(6)]).changed),
        };
        let expected = full_check(&s);
        assert_eq!(s.errors, expected, "step {step}");
        for (r, errors) in expected.iter().filter(|&(r, e)| before.get(&r) != Some(e)) {
            if let Some(changed) = &changed {
                assert!(changed.contains(&(r, true)), "step {step}: row {r} changed to {errors:?}: {changed:?}");
            }
        }
    }
}

#[test]
fn the_keys_indexed_while_checking_are_those_an_edit_computes() {
    // Valid, duplicate, invalid elsewhere, invalid in the key, empty key.
    let text = "First Name,Email\nAnn,A@x.com\nBob,a@X.com\n,c@x.com\nDi,bad\nEd,\nFy, f@x.com \n,F@X.COM\n";
    let s = session(text, "clients");
    let template = s.template.clone();
    let engine = s.options.to_options();
    let validator = Validator::new(&template, &s.mapping, &engine.now).unwrap();
    assert!(s.incremental);
    assert_eq!(s.keys.len(), 1);
    let (field, hashes) = &s.keys[0];
    let mut check = RowCheck::new();
    let recomputed: Vec<u64> = (0..s.store.len())
        .map(|index| {
            validator.check_into(s.store.position(index), &s.store.row(index), &mut check);
            check.key(*field).map_or(0, hash_key)
        })
        .collect();
    assert_eq!(hashes, &recomputed);
    // Rows 1 and 2 share a key; row 3, invalid for its name, has its own;
    // row 4's is bad and row 5 has none.
    assert!(hashes[0] != 0 && hashes[0] == hashes[1] && hashes[2] != 0 && hashes[1] != hashes[2]);
    assert_eq!((hashes[3], hashes[4]), (0, 0));
    assert_eq!(hashes[5], hashes[6]);
}

#[test]
fn batches_hold_the_valid_rows_once_each_in_order() {
    let mut text = String::from("First Name,Email\n");
    for i in 1..=25 {
        let email = if i % 5 == 0 { "bad".to_string() } else { format!("p{i}@x.com") };
        text.push_str(&format!("P{i},{email}\n"));
    }
    let mut s = session(&text, "clients");
    assert_eq!(s.start_commit(), 20);
    let mut rows = Vec::new();
    loop {
        let batch = s.next_batch(7, 0);
        assert!(batch.records.len() <= 7);
        rows.extend(batch.records.iter().map(|r| r.row));
        if batch.done {
            break;
        }
    }
    let expected: Vec<u64> = (1..=25).filter(|i| i % 5 != 0).collect();
    assert_eq!(rows, expected);
    assert_eq!(s.skipped().iter().map(|s| s.row).collect::<Vec<_>>(), vec![5, 10, 15, 20, 25]);
    assert!(s.skipped()[0].reasons[0].starts_with("Email: "));
}

#[test]
fn reports_references_and_existing_keys_come_from_the_rows() {
    let text = "First Name,Email\nAnn,ann@x.com\n=cmd,bob@x.com\nCy,CY@x.com\n";
    let mut s = session(text, "clients");
    let report = s.error_report();
    assert!(report.starts_with("First Name,Email,errors"), "{report}");
    assert!(report.contains("'=cmd"), "{report}");
    assert_eq!(s.key_values(1, 10), ["ann@x.com", "bob@x.com", "cy@x.com"]);
    assert_eq!(s.key_values(1, 2), ["ann@x.com", "bob@x.com"], "the first in order, not the first read");
    assert!(s.key_values(1, 0).is_empty());
    assert_eq!(s.set_existing(1, vec!["cy@x.com".into(), "bob@x.com".into()]), 1);
    assert_eq!(s.edit(2, 0, "Bob").matching, 2);
}

#[test]
fn a_file_over_the_template_limit_says_so() {
    let mut text = String::from("firstName,email\n");
    for i in 0..5001 {
        text.push_str(&format!("P{i},p{i}@x.com\n"));
    }
    let s = session(&text, "crm-clients");
    let summary = s.summary();
    assert!(summary.report.file_errors.iter().any(|e| e.code == FileErrorCode::TooManyRows));
}

#[test]
fn the_worker_maps_like_core_by_headers_and_by_values() {
    let text = "Prénom;Nom;Contact;Société\nAnn;Lee;ann@x.com;Acme\nBob;Ray;bob@x.com;\nCy;Ho;cy@x.org;Initech\n";
    let s = session(text, "clients");
    let direct = check(text.as_bytes(), &csv_import_core::builtin::get("clients").unwrap(), &options().to_options());
    let summary = s.summary();
    assert_eq!(summary.report.columns, direct.columns);
    let fields: Vec<Option<&str>> = summary.report.columns.iter().map(|c| c.field.as_deref()).collect();
    assert_eq!(fields, [Some("first_name"), Some("last_name"), Some("email"), Some("company")]);
    assert_eq!(summary.report.columns[2].how, csv_import_core::map::MatchKind::Content);
    assert_eq!(summary.report.rows.valid, 3);
}

fn mismatch(values: [&str; 2], field: &str, message: &str) -> crate::Mismatch {
    crate::Mismatch {
        fields: vec!["partner_id".into(), "partner_user_id".into()],
        values: values.iter().map(|v| v.to_string()).collect(),
        field: field.into(),
        message: message.into(),
    }
}

#[test]
fn refused_combinations_mark_the_cell_count_as_errors_and_stay_out_of_the_import() {
    let text = "Email,Partner ID,Partner User ID\n\
                a@x.com,P-1001,PU-2001\n\
                b@x.com,p-1001,pu-2003\n\
                c@x.com,P-1001,PU-2003\n\
                bad,P-1002,PU-2003\n\
                e@x.com,P-1001,\n";
    let template = csv_import_core::builtin::get("partner-leads").unwrap();
    let mut s = load_in_chunks(text.as_bytes(), 7, template, options()).unwrap_or_else(|s| panic!("{s:?}"));
    // The distinct pairs of rows with both values valid, never the rows.
    let fields = vec!["partner_id".to_string(), "partner_user_id".to_string()];
    assert_eq!(
        s.combinations(&fields),
        [vec!["P-1001", "PU-2001"], vec!["P-1001", "PU-2003"], vec!["P-1002", "PU-2003"], vec!["p-1001", "pu-2003"]]
    );
    assert!(
        s.combinations(&["partner_id".into(), "company".into()]).is_empty(),
        "an unmapped field has no combinations"
    );
    assert_eq!(s.summary().error_rows, vec![4, 5]);

    let refused = "Partner user PU-2003 belongs to partner P-1002, not P-1001.";
    let with =
        CheckOptions { mismatches: vec![mismatch(["P-1001", "PU-2003"], "partner_user_id", refused)], ..options() };
    s.check(with.clone(), &mut |_, _| {});
    let summary = s.summary();
    assert_eq!(summary.error_rows, vec![2, 3, 4, 5], "case is ignored");
    assert_eq!((summary.report.rows.valid, summary.report.rows.invalid), (1, 4));
    let row = &s.rows(&[2])[0];
    assert_eq!(row.errors.len(), 1);
    let e = &row.errors[0];
    assert_eq!((e.column, e.field.as_deref(), e.code), (Some(2), Some("partner_user_id"), RowErrorCode::Mismatch));
    assert_eq!((e.header.as_deref(), e.message.as_str(), e.line), (Some("Partner User ID"), refused, 3));
    // Row 4 keeps its own error and has no refused pair.
    assert!(s.rows(&[4])[0].errors.iter().all(|e| e.code != RowErrorCode::Mismatch));
    // The error report, the skipped rows and the import have them.
    let report = s.error_report();
    assert!(report.lines().any(|l| l.starts_with("b@x.com,p-1001,pu-2003,") && l.contains(refused)), "{report}");
    let skipped = s.skipped();
    assert_eq!(skipped.iter().map(|s| s.row).collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert_eq!(skipped[0].reasons, [format!("Partner User ID: {refused}")]);
    assert_eq!(s.start_commit(), 1);
    let batch = s.next_batch(10, 0);
    assert_eq!(batch.records.iter().map(|r| r.row).collect::<Vec<_>>(), [1]);

    // Fixing the cell clears it; naming the pair again brings it back.
    let outcome = s.edit(2, 1, "P-1002");
    assert_eq!(outcome.changed, [(2, false)]);
    assert_eq!(outcome.rows.invalid, 3);
    assert!(s.rows(&[2])[0].errors.is_empty());
    let outcome = s.edit(1, 2, "PU-2003");
    assert_eq!(outcome.changed, [(1, true)]);
    assert_eq!(s.rows(&[1])[0].errors[0].code, RowErrorCode::Mismatch);
    assert_eq!(s.errors, full_check(&s));
    // Through the worker's protocol, as the page sends it.
    let answer = s.handle(Request::Combinations { fields }).unwrap();
    assert!(answer.contains(r#"["P-1001","PU-2003"]"#), "{answer}");
    let json = serde_json::to_string(&with).unwrap();
    assert_eq!(serde_json::from_str::<CheckOptions>(&json).unwrap(), with);
}

#[test]
fn edits_with_refused_combinations_match_a_full_check() {
    // A unique field that is also the marked one: its key is still claimed.
    let template = csv_import_core::Template::from_toml(
        r#"
        name = "pairs"
        label = "Pairs"
        [[fields]]
        key = "email"
        type = "email"
        unique = true
        [[fields]]
        key = "partner_id"
        reference = "partner"
        [[fields]]
        key = "partner_user_id"
        reference = "partner_user"
        "#,
    )
    .unwrap();
    let text = "email,partner_id,partner_user_id\na@x.com,P1,U1\na@x.com,P1,U2\nb@x.com,P2,U2\nc@x.com,P1,U2\n";
    let options = CheckOptions {
        mismatches: vec![
            mismatch(["P1", "U2"], "partner_user_id", "U2 is not on P1's team."),
            mismatch(["P2", "U2"], "email", "No."),
        ],
        ..options()
    };
    let mut s = load_in_chunks(text.as_bytes(), 3, template, options).unwrap_or_else(|s| panic!("{s:?}"));
    assert!(s.incremental);
    assert_eq!(s.summary().error_rows, vec![2, 3, 4]);
    assert_eq!(s.errors, full_check(&s));
    let edits: &[(u64, usize, &str)] = &[
        (3, 0, "a@x.com"), // marked on its email, and a duplicate of row 1 there too
        (1, 2, "U2"),      // row 1 refused; still first with a@x.com
        (3, 1, "P3"),      // row 3's pair is fine now; still a duplicate
        (2, 2, "U1"),      // row 2's pair is fine; still a duplicate
        (1, 0, "z@x.com"), // row 2 is first with a@x.com now
        (4, 1, "P2"),      // row 4 refused on its email
    ];
    for &(row, column, value) in edits {
        let before = s.errors.clone();
        let outcome = s.edit(row, column, value);
        let expected = full_check(&s);
        assert_eq!(s.errors, expected, "after setting row {row} to {value:?}");
        assert_eq!(outcome.rows.invalid, expected.len() as u64);
        for r in before.keys().chain(expected.keys()) {
            if before.get(&r) != expected.get(&r) {
                assert!(
                    outcome.changed.contains(&(r, expected.contains_key(&r))),
                    "row {r} after {row}={value:?}: {outcome:?}"
                );
            }
        }
    }
    assert!(
        s.rows(&[4])[0].errors.iter().any(|e| e.code == RowErrorCode::Mismatch && e.field.as_deref() == Some("email"))
    );
}

#[test]
fn a_remembered_mapping_maps_as_last_time_and_a_choice_made_now_wins() {
    use csv_import_core::map::{MatchKind, Override};
    let text = "Given,Contact,Notes\nAnn,ann@x.com,n\n";
    let choice = |column: &str, field: Option<&str>| Override { column: column.into(), field: field.map(Into::into) };
    let remembered = vec![choice("given", Some("first_name")), choice("Notes", Some("company")), choice("Gone", Some("phone"))];
    let template = csv_import_core::builtin::get("clients").unwrap();
    let options = CheckOptions { remembered: remembered.clone(), ..options() };
    let mut s = load_in_chunks(text.as_bytes(), 5, template, options.clone()).unwrap_or_else(|s| panic!("{s:?}"));
    let how: Vec<(Option<String>, MatchKind)> = s.summary().report.columns.iter().map(|c| (c.field.clone(), c.how)).collect();
    assert_eq!(how[0], (Some("first_name".into()), MatchKind::Remembered));
    assert_eq!(how[2], (Some("company".into()), MatchKind::Remembered));
    assert_eq!(s.summary().report.rows.valid, 1);
    // The user changes a remembered column: their choice counts.
    s.check(CheckOptions { overrides: vec![choice("Notes", None)], ..options }, &mut |_, _| {});
    let notes = &s.summary().report.columns[2];
    assert_eq!(notes.field, None, "{notes:?}");
}

#[test]
fn a_remembered_mapping_that_confirms_the_columns_keeps_the_rows_verdicts() {
    use csv_import_core::map::{MatchKind, Override};
    let mut s = session("First name,Last name,Email\nAnn,Lee,ann@x.com\nBob,,not-an-email\n,Roe,roe@x.com\n", "clients");
    let before = s.summary();
    assert_eq!((before.report.rows.valid, before.report.rows.invalid), (1, 2));
    // What the server remembers from the last file with these headers: as guessed.
    let remembered: Vec<Override> =
        before.report.columns.iter().map(|c| Override { column: c.header.clone(), field: c.field.clone() }).collect();
    let mut progress = 0;
    s.check(CheckOptions { remembered: remembered.clone(), ..options() }, &mut |_, _| progress += 1);
    assert_eq!(progress, 0, "the rows were checked again");
    let after = s.summary();
    assert!(after.report.columns.iter().all(|c| c.how == MatchKind::Remembered), "{:?}", after.report.columns);
    assert_eq!((after.report.rows.valid, after.report.rows.invalid), (1, 2));
    assert_eq!(after.error_rows, before.error_rows);
    assert_eq!(s.errors, full_check(&s));

    // A remembered choice that maps a column elsewhere checks every row again.
    let mut moved = remembered;
    moved[1].field = Some("company".into());
    s.check(CheckOptions { remembered: moved, ..options() }, &mut |_, _| progress += 1);
    assert!(progress > 0);
    assert_eq!(s.summary().report.columns[1].field.as_deref(), Some("company"));
    assert_eq!(s.errors, full_check(&s));

    // Another language: the same mapping, every row checked again.
    let checked = progress;
    let remembered = s.options.remembered.clone();
    s.check(CheckOptions { remembered, lang: csv_import_core::Lang::Fr, ..options() }, &mut |_, _| progress += 1);
    assert!(progress > checked);
}

#[test]
fn an_edit_checked_over_the_whole_file_is_checked_after_a_confirmed_mapping() {
    use csv_import_core::map::Override;
    // A unique field that repeats: an edit is checked over the whole file.
    let template = Template::from_toml(
        "name = \"t\"\nlabel = \"T\"\n[[fields]]\nkey = \"code\"\nunique = true\nrepeatable = true\n\
         [[fields]]\nkey = \"email\"\ntype = \"email\"\n",
    )
    .unwrap();
    let mut s = load_in_chunks(b"Code,Email\nA,a@x.com\nB,b@x.com\n", 5, template, options()).unwrap_or_else(|s| panic!("{s:?}"));
    assert!(!s.incremental);
    let remembered = vec![
        Override { column: "Code".into(), field: Some("code".into()) },
        Override { column: "Email".into(), field: Some("email".into()) },
    ];
    let mut progress = 0;
    s.check(CheckOptions { remembered, ..options() }, &mut |_, _| progress += 1);
    assert_eq!(progress, 0, "the rows were checked again");
    s.edit(2, 1, "not-an-email");
    assert!(s.errors.contains_key(&2), "{:?}", s.errors);
    assert_eq!(s.errors, full_check(&s));
}
