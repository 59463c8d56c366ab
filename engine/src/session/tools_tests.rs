//! The review tools of the worker session: find and replace, fixes offered
//! from the errors, rows taken out and added, undo and redo, the grid's
//! order; after each, the errors are those a full check finds.

use super::tests::{full_check, options};
use super::*;
use crate::{Sort, Target, ViewSpec};
use csv_import_core::fix::{Case, Find, Fix};
use csv_import_core::{RowErrorCode, Template};

fn people() -> Template {
    Template::from_toml(
        r#"
        name = "people"
        label = "People"
        [[fields]]
        key = "name"
        label = "Name"
        required = true
        [[fields]]
        key = "email"
        label = "Email"
        type = "email"
        unique = true
        [[fields]]
        key = "phone"
        label = "Phone"
        type = "phone"
        [[fields]]
        key = "born"
        label = "Born"
        type = "date"
        formats = ["YYYY-MM-DD"]
        "#,
    )
    .unwrap()
}

fn load(text: &str) -> Session {
    load_in_chunks(text.as_bytes(), 7, people(), options()).unwrap_or_else(|s| panic!("{s:?}"))
}

/// The file as the session holds it now: every row shown, its cells.
fn cells(s: &Session) -> Vec<(u64, Vec<String>)> {
    s.order(&ViewSpec::default()).into_iter().map(|row| (row, s.store.cells(row as usize - 1))).collect()
}

/// The session agrees with a full check of its cells, and its counts with its errors.
fn consistent(s: &Session) {
    assert_eq!(s.errors, full_check(s));
    let rows = s.summary().report.rows;
    assert_eq!(rows.total, (s.store.len() - s.removed_count) as u64);
    assert_eq!((rows.invalid, rows.valid), (s.errors.len() as u64, rows.total - s.errors.len() as u64));
}

const FILE: &str = "Name,Email,Phone,Born\n\
    Ann,ANN@X.COM,N/A,20/11/1981\n\
    Bob,bob@x.com,+1 415 555 0101,1990-01-02\n\
    Cy,cy@x.com,n/a,05/03/2024\n\
    ,ann@x.com,N/A or so,31/02/2024\n\
    Di, di@x.com ,N/A,\n";

#[test]
fn find_counts_before_replace_and_replace_is_checked_again() {
    let mut s = load(FILE);
    let na = Find { text: "N/A".into(), whole_cell: true, match_case: false };
    assert_eq!(s.find(Some(2), &na), 3);
    assert_eq!(s.find(None, &na), 3);
    let part = Find { text: "n/a".into(), ..Find::default() };
    assert_eq!(s.find(Some(2), &part), 4);
    assert_eq!(s.find(Some(0), &part), 0);
    let before = s.summary().report.rows;
    let outcome = s.replace(Some(2), &na, "");
    assert_eq!(outcome.cells, 3);
    assert_eq!(s.store.cells(0)[2], "");
    assert_eq!(s.store.cells(3)[2], "N/A or so", "not the whole cell: left as it is");
    consistent(&s);
    assert!(!s.errors.values().flatten().any(|e| e.code == RowErrorCode::InvalidPhone && e.row != 4), "{:?}", s.errors);
    assert_eq!(outcome.summary.report.rows, s.summary().report.rows);
    assert_ne!(outcome.summary.report.rows, before);
    // Nothing found: nothing changes, and no step is kept.
    let steps = s.steps().undo;
    assert_eq!(s.replace(None, &Find { text: "zzz".into(), ..Find::default() }, "y").cells, 0);
    assert_eq!(s.steps().undo, steps);
}

#[test]
fn no_fix_is_offered_that_would_leave_every_cell_wrong() {
    // Emails are checked ignoring case: lower case would change the cells
    // and fix none.
    let s = load("Name,Email,Phone,Born\nAnn,ÉMILE@EXAMPLE.COM,,\nBob,BOB@@EXAMPLE.COM,,\n");
    let offers = s.offers();
    let emails = offers.iter().find(|o| o.target.column == 1).expect("the emails' errors");
    assert_eq!(emails.errors, 2);
    assert!(emails.fixes.iter().all(|(fix, _)| !matches!(fix, Fix::Case(_))), "{:?}", emails.fixes);
}

#[test]
fn fixes_are_offered_from_the_errors_with_their_counts_and_fix_them() {
    let mut s = load(FILE);
    let offers = s.offers();
    let born = offers.iter().find(|o| o.target == Target { column: 3, code: Some(RowErrorCode::InvalidDate) }).unwrap();
    assert_eq!(born.errors, 3);
    let reformat = Fix::ReformatDate { from: "DD/MM/YYYY".into(), to: "YYYY-MM-DD".into() };
    // 31/02/2024 is no day: two of the three cells change.
    assert!(born.fixes.contains(&(reformat.clone(), 2)), "{:?}", born.fixes);
    let phone = offers.iter().find(|o| o.target.column == 2).unwrap();
    assert!(phone.fixes.contains(&(Fix::Empty, 4)), "{:?}", phone.fixes);
    // The whole column of emails, upper case or not: trimmed and lowered.
    let emails = Target { column: 1, code: None };
    assert_eq!(s.count_fix(emails, &Fix::Case(Case::Lower)).cells, 1);
    assert_eq!(s.count_fix(emails, &Fix::Trim).cells, 1);

    let outcome = s.apply_fix(born.target, &reformat);
    assert_eq!(outcome.cells, 2);
    assert_eq!(s.store.cells(0)[3], "1981-11-20");
    assert_eq!(s.store.cells(2)[3], "2024-03-05");
    assert_eq!(s.store.cells(3)[3], "31/02/2024");
    consistent(&s);
    s.apply_fix(Target { column: 2, code: Some(RowErrorCode::InvalidPhone) }, &Fix::Empty);
    consistent(&s);
    s.apply_fix(emails, &Fix::Case(Case::Lower));
    // ann@x.com twice now: the fourth row is the duplicate.
    assert!(s.errors[&4].iter().any(|e| e.code == RowErrorCode::DuplicateInFile), "{:?}", s.errors);
    consistent(&s);
    s.apply_fix(Target { column: 1, code: None }, &Fix::Trim);
    s.apply_fix(Target { column: 0, code: Some(RowErrorCode::Required) }, &Fix::Set { value: "Eve".into() });
    consistent(&s);
    // A date format that is not one: nothing counted, nothing changed, and why.
    let wrong = Fix::ReformatDate { from: "DD/MM/YY".into(), to: "YYYY-MM-DD".into() };
    let count = s.count_fix(Target { column: 3, code: None }, &wrong);
    assert_eq!(count.cells, 0);
    assert!(count.error.unwrap().contains("two-digit year"));
    assert_eq!(s.apply_fix(Target { column: 3, code: None }, &wrong).cells, 0);
    // The rows imported are the fixed ones.
    s.start_commit();
    let batch = s.next_batch(100, 0);
    let first = &batch.records[0];
    assert_eq!(first.text(&s.template, "email"), Some("ann@x.com"));
    assert_eq!(first.text(&s.template, "born"), Some("1981-11-20"));
}

#[test]
fn every_change_undoes_and_redoes_to_the_same_cells_and_errors() {
    let mut s = load(FILE);
    let mut states = vec![(cells(&s), s.errors.clone())];
    s.edit(1, 1, "ann@x.com");
    states.push((cells(&s), s.errors.clone()));
    s.replace(None, &Find { text: "n/a".into(), whole_cell: true, match_case: false }, "");
    states.push((cells(&s), s.errors.clone()));
    s.apply_fix(Target { column: 3, code: Some(RowErrorCode::InvalidDate) }, &Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap());
    states.push((cells(&s), s.errors.clone()));
    s.delete_rows(&[1]);
    states.push((cells(&s), s.errors.clone()));
    let added = s.add_row().added.unwrap();
    assert_eq!(added, 6);
    states.push((cells(&s), s.errors.clone()));
    s.edit(added, 0, "Fay");
    states.push((cells(&s), s.errors.clone()));
    s.delete_invalid();
    states.push((cells(&s), s.errors.clone()));
    assert_eq!(s.steps(), Steps { undo: 7, redo: 0 });
    for back in (0..states.len() - 1).rev() {
        s.undo();
        assert_eq!((cells(&s), s.errors.clone()), states[back], "undone to state {back}");
        consistent(&s);
    }
    assert_eq!(s.steps(), Steps { undo: 0, redo: 7 });
    assert_eq!(s.undo().cells, 0, "nothing more to undo");
    for (forward, state) in states.iter().enumerate().skip(1) {
        s.redo();
        assert_eq!(&(cells(&s), s.errors.clone()), state, "redone to state {forward}");
        consistent(&s);
    }
    // A new change after an undo: what was undone cannot be redone.
    s.undo();
    s.edit(2, 0, "Bo");
    assert_eq!(s.steps(), Steps { undo: 7, redo: 0 });
}

#[test]
fn a_hundred_steps_and_more_can_be_undone() {
    let mut s = load(FILE);
    for i in 0..150 {
        s.edit(2, 0, &format!("Bob {i}"));
    }
    assert!(s.steps().undo >= 100);
    for _ in 0..100 {
        s.undo();
    }
    assert_eq!(s.store.cells(1)[0], "Bob 49");
}

#[test]
fn rows_taken_out_are_not_shown_checked_counted_nor_imported() {
    let mut s = load(FILE);
    // Row 4 duplicates row 1's email once it is lowered.
    s.apply_fix(Target { column: 1, code: None }, &Fix::Case(Case::Lower));
    assert!(s.errors[&4].iter().any(|e| e.code == RowErrorCode::DuplicateInFile));
    let outcome = s.delete_rows(&[1, 1, 99]);
    assert_eq!(outcome.rows_removed, 1);
    assert_eq!(outcome.summary.removed, 1);
    assert_eq!(outcome.summary.report.rows.total, 4);
    assert!(!s.errors.get(&4).is_some_and(|e| e.iter().any(|e| e.code == RowErrorCode::DuplicateInFile)));
    consistent(&s);
    assert!(s.rows(&[1]).is_empty());
    assert_eq!(s.order(&ViewSpec::default()), vec![2, 3, 4, 5]);
    assert!(!s.error_report().contains("ANN@X.COM"));
    let outcome = s.delete_invalid();
    assert_eq!(outcome.summary.report.rows.invalid, 0);
    consistent(&s);
    assert_eq!(s.start_commit(), outcome.summary.report.rows.valid);
    let rows: Vec<u64> = s.next_batch(100, 0).records.iter().map(|r| r.row).collect();
    assert_eq!(rows, s.order(&ViewSpec::default()));
    assert!(s.skipped().is_empty());
}

#[test]
fn an_added_row_is_checked_edited_and_imported() {
    let mut s = load("Name,Email\nAnn,ann@x.com\n");
    let outcome = s.add_row();
    assert_eq!((outcome.added, outcome.summary.last_row, outcome.summary.report.rows.total), (Some(2), 2, 2));
    assert_eq!(s.rows(&[2])[0].errors[0].code, RowErrorCode::Required);
    s.edit(2, 0, "Bea");
    s.edit(2, 1, "ANN@x.com");
    assert_eq!(s.rows(&[2])[0].errors[0].code, RowErrorCode::DuplicateInFile);
    s.edit(2, 1, "bea@x.com");
    consistent(&s);
    s.start_commit();
    let batch = s.next_batch(10, 0);
    assert_eq!(batch.records.iter().map(|r| r.row).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(batch.records[1].text(&s.template, "email"), Some("bea@x.com"));
}

#[test]
fn views_filter_by_column_and_kind_and_sort_by_values() {
    let mut s = load(FILE);
    assert_eq!(s.order(&ViewSpec { only_errors: true, ..ViewSpec::default() }), vec![1, 3, 4, 5]);
    let by_column = ViewSpec { column: Some(3), ..ViewSpec::default() };
    assert_eq!(s.order(&by_column), vec![1, 3, 4]);
    let by_kind = ViewSpec { code: Some(RowErrorCode::Required), ..ViewSpec::default() };
    assert_eq!(s.order(&by_kind), vec![4]);
    let by_name = ViewSpec { sort: Some(Sort { column: 0, descending: false }), ..ViewSpec::default() };
    // Ignoring case; the empty name last.
    assert_eq!(s.order(&by_name), vec![1, 2, 3, 5, 4]);
    let down = ViewSpec { sort: Some(Sort { column: 0, descending: true }), ..ViewSpec::default() };
    assert_eq!(s.order(&down), vec![5, 3, 2, 1, 4]);
    let mut numbers = load("Name\n10\n9\nb\n100\nA\n");
    let sorted = numbers.order(&ViewSpec { sort: Some(Sort { column: 0, descending: false }), ..ViewSpec::default() });
    assert_eq!(sorted, vec![2, 1, 4, 5, 3], "numbers as numbers, before text");
    numbers.delete_rows(&[4]);
    let sorted = numbers.order(&ViewSpec { sort: Some(Sort { column: 0, descending: false }), ..ViewSpec::default() });
    assert_eq!(sorted, vec![2, 1, 5, 3]);
    s.delete_rows(&[3]);
    assert_eq!(s.order(&by_column), vec![1, 4]);
}

#[test]
fn requests_for_the_tools_answer_json_the_page_reads() {
    let mut s = load(FILE);
    let ask = |s: &mut Session, json: &str| s.handle(serde_json::from_str(json).unwrap()).unwrap();
    assert_eq!(ask(&mut s, r#"{"type":"find","column":2,"find":{"text":"N/A","whole_cell":true}}"#), "3");
    let answer = ask(
        &mut s,
        r#"{"type":"apply_fix","target":{"column":3,"code":"invalid_date"},"fix":{"kind":"reformat_date","from":"DD/MM/YYYY","to":"YYYY-MM-DD"}}"#,
    );
    let outcome: crate::ChangeOutcome = serde_json::from_str(&answer).unwrap();
    assert_eq!((outcome.cells, outcome.summary.steps.undo), (2, 1));
    let undone: crate::ChangeOutcome = serde_json::from_str(&ask(&mut s, r#"{"type":"undo"}"#)).unwrap();
    assert_eq!((undone.cells, undone.summary.steps), (2, Steps { undo: 0, redo: 1 }));
    let order: Vec<u64> = serde_json::from_str(&ask(&mut s, r#"{"type":"order","view":{"code":"invalid_date"}}"#)).unwrap();
    assert_eq!(order, vec![1, 3, 4]);
}

#[test]
fn a_fix_of_many_cells_keeps_only_the_changed_cells_to_undo() {
    let mut text = String::from("Name,Email,Phone,Born\n");
    for i in 0..20_000 {
        text.push_str(&format!("P{i},P{i}@X.COM,N/A,{:02}/{:02}/19{:02}\n", i % 28 + 1, i % 12 + 1, i % 100));
    }
    let mut s = load(&text);
    assert_eq!(s.summary().report.rows.invalid, 20_000);
    let fixed = s.apply_fix(Target { column: 2, code: Some(RowErrorCode::InvalidPhone) }, &Fix::Empty);
    assert_eq!(fixed.cells, 20_000);
    s.apply_fix(Target { column: 1, code: None }, &Fix::Case(Case::Lower));
    let offers = s.offers();
    let (fix, n) = offers[0].fixes.iter().find(|(f, _)| matches!(f, Fix::ReformatDate { .. })).unwrap().clone();
    assert_eq!((&fix, n), (&Fix::ReformatDate { from: "DD/MM/YYYY".into(), to: "YYYY-MM-DD".into() }, 20_000));
    let outcome = s.apply_fix(offers[0].target, &fix);
    assert_eq!(outcome.summary.report.rows.invalid, 0);
    consistent(&s);
    // Three steps of 20,000 cells: about the cells' text, not a copy of each row.
    let bytes = s.history_bytes();
    assert!(bytes < 20_000 * 3 * 60, "{bytes} bytes");
    s.undo();
    assert_eq!(s.summary().report.rows.invalid, 20_000);
    s.redo();
    assert_eq!(s.summary().report.rows.invalid, 0);
}

#[test]
fn a_fix_of_one_column_keeps_the_other_columns_errors_as_a_full_check_finds_them() {
    // Errors in every column, extra cells, duplicates of the unique email
    // column, and a quote left open in the last row's phone.
    let file = "Name,Email,Phone,Born\n\
        ,ANN@X.COM,N/A,20/11/1981\n\
        Bob,ann@x.com,+1 415 555 0101,1990-01-02,extra\n\
        Cy,not-an-email,n/a,05/03/2024\n\
        Di,di@x.com,\"+1 415,31/02/2024\n";
    let mut s = load(file);
    consistent(&s);
    let before = s.errors.clone();
    // The dates only: the name, email, phone and extra-cell errors stay.
    let dates = Target { column: 3, code: None };
    let outcome = s.apply_fix(dates, &Fix::ReformatDate { from: "DD/MM/YYYY".into(), to: "YYYY-MM-DD".into() });
    assert!(outcome.cells > 0);
    consistent(&s);
    let kept = |errors: &RowErrors| -> Vec<(u64, RowErrorCode)> {
        errors.values().flatten().filter(|e| e.column != Some(3)).map(|e| (e.row, e.code)).collect()
    };
    assert_eq!(kept(&s.errors), kept(&before));
    // The emails in lower case: a key moved, so duplicates are looked for again.
    s.apply_fix(Target { column: 1, code: None }, &Fix::Case(Case::Lower));
    consistent(&s);
    s.undo();
    consistent(&s);
    s.undo();
    consistent(&s);
    assert_eq!(s.errors, before);
    s.redo();
    s.redo();
    consistent(&s);
}

#[test]
fn a_fix_of_thousands_of_rows_stores_their_errors_as_a_full_check_finds_them() {
    // Enough rows for the errors to be stored in one pass rather than row by row.
    let mut file = String::from("Name,Email,Phone,Born\n");
    for i in 0..3_000 {
        let name = if i % 7 == 0 { "" } else { "P" };
        let email = if i % 500 == 0 { "dup@x.com".to_string() } else { format!("P{i}@X.COM") };
        let phone = if i % 3 == 0 { "N/A" } else { "+1 415 555 0101" };
        file.push_str(&format!("{name},{email},{phone},{:02}/{:02}/1990\n", i % 28 + 1, i % 12 + 1));
    }
    let mut s = load(&file);
    consistent(&s);
    let dates = Target { column: 3, code: Some(RowErrorCode::InvalidDate) };
    assert_eq!(s.apply_fix(dates, &Fix::ReformatDate { from: "DD/MM/YYYY".into(), to: "YYYY-MM-DD".into() }).cells, 3_000);
    s.release();
    consistent(&s);
    let phones = Target { column: 2, code: Some(RowErrorCode::InvalidPhone) };
    assert_eq!(s.apply_fix(phones, &Fix::Empty).cells, 1_000);
    consistent(&s);
    // Still invalid: the empty names and the repeated email.
    assert!(s.errors.values().flatten().all(|e| matches!(e.code, RowErrorCode::Required | RowErrorCode::DuplicateInFile)));
    assert!(s.summary().report.rows.invalid > 0);
    s.apply_fix(Target { column: 1, code: None }, &Fix::Case(Case::Lower));
    consistent(&s);
    for _ in 0..3 {
        s.undo();
        consistent(&s);
    }
    assert_eq!(s.errors, full_check(&s));
}

#[test]
fn batches_cut_by_bytes_hand_out_every_valid_row_once() {
    // Names of growing length, with quotes and backslashes that JSON escapes.
    let mut text = String::from("Name,Email,Phone,Born\n");
    for i in 1..=40 {
        let name = format!("\"Name {i} {}\"\"\\\"", "x".repeat(i * 7));
        text.push_str(&format!("{name},p{i}@x.com,,1990-01-02\n"));
    }
    text.push_str("Dup,p3@x.com,,1990-01-02\n");
    let mut whole = load(&text);
    assert_eq!(whole.start_commit(), 40);
    let expected: Vec<u64> = whole.next_batch(1_000, 0).records.iter().map(|r| r.row).collect();
    assert_eq!(expected, (1..=40).collect::<Vec<u64>>());

    let mut s = load(&text);
    s.start_commit();
    let max_bytes = 700;
    let (mut rows, mut batches) = (Vec::new(), 0);
    loop {
        let batch = s.next_batch(1_000, max_bytes);
        let json = serde_json::to_string(&batch.records).unwrap();
        assert!(json.len() <= max_bytes || batch.records.len() == 1, "{} bytes in {} rows", json.len(), batch.records.len());
        rows.extend(batch.records.iter().map(|r| r.row));
        batches += 1;
        if batch.done {
            break;
        }
        assert!(!batch.records.is_empty());
    }
    assert_eq!(rows, expected);
    assert!(batches > 5, "{batches} batches");
    // The row count still limits a batch.
    s.start_commit();
    assert_eq!(s.next_batch(3, max_bytes * 100).records.len(), 3);
}

#[test]
fn without_unique_fields_a_change_checks_only_its_rows_and_agrees_with_a_full_check() {
    // No key to move: the changed rows are settled one by one, whether the
    // check looks at the changed column only or (with refused pairs) at
    // every field of the row.
    let template = Template::from_toml(
        r#"
        name = "pairs"
        label = "Pairs"
        [[fields]]
        key = "partner_id"
        label = "Partner ID"
        required = true
        [[fields]]
        key = "partner_user_id"
        label = "Partner User ID"
        [[fields]]
        key = "phone"
        label = "Phone"
        type = "phone"
        [[fields]]
        key = "born"
        label = "Born"
        type = "date"
        formats = ["YYYY-MM-DD"]
        "#,
    )
    .unwrap();
    let text = "Partner ID,Partner User ID,Phone,Born\n\
                P-1,PU-3,N/A,20/11/1981\n\
                ,PU-1,+1 415 555 0101,31/02/2024\n\
                P-2,PU-3,n/a,05/03/2024,extra\n\
                P-1,PU-2,+1 415 555 0102,1990-01-02\n";
    let refused = crate::Mismatch {
        fields: vec!["partner_id".into(), "partner_user_id".into()],
        values: vec!["P-1".into(), "PU-3".into()],
        field: "partner_user_id".into(),
        message: "PU-3 is not a user of P-1.".into(),
    };
    for mismatches in [Vec::new(), vec![refused]] {
        let with = CheckOptions { mismatches, ..options() };
        let mut s = load_in_chunks(text.as_bytes(), 7, template.clone(), with).unwrap_or_else(|s| panic!("{s:?}"));
        consistent(&s);
        let before = s.errors.clone();
        let dates = Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap();
        assert_eq!(s.apply_fix(Target { column: 3, code: None }, &dates).cells, 2);
        consistent(&s);
        assert_eq!(s.apply_fix(Target { column: 2, code: Some(RowErrorCode::InvalidPhone) }, &Fix::Empty).cells, 2);
        consistent(&s);
        s.edit(4, 1, "PU-3");
        consistent(&s);
        s.edit(2, 0, "P-1");
        consistent(&s);
        for _ in 0..4 {
            s.undo();
            consistent(&s);
        }
        assert_eq!(s.errors, before);
        for _ in 0..4 {
            s.redo();
            consistent(&s);
        }
    }
}

#[test]
fn rows_given_out_of_order_or_twice_are_checked_again_as_well() {
    for (column, value) in [(3, "1981-11-20"), (1, "bob@x.com"), (2, "")] {
        let mut s = load(FILE);
        for index in [2, 0] {
            s.store.set_cell(index, column, value);
        }
        let changed = s.recheck_cells(&[2, 0, 2], &[column]);
        consistent(&s);
        assert!(changed.contains(&(1, s.errors.contains_key(&1))) && changed.contains(&(3, s.errors.contains_key(&3))));
    }
}
