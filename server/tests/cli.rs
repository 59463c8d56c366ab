//! The `csv-import` command line, run as a user would run it.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures").join(name)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_csv-import"));
    command.args(args);
    match stdin {
        None => command.output().expect("run csv-import"),
        Some(bytes) => {
            use std::io::Write;
            let mut child = command
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn csv-import");
            child.stdin.take().unwrap().write_all(bytes).unwrap();
            child.wait_with_output().unwrap()
        }
    }
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn every_sample_validates_clean() {
    for name in ["coaching-leads", "partner-leads", "client-accounts", "crm-clients", "clients", "leads", "companies"] {
        let sample = run(&["sample", "--template", name], None);
        assert!(sample.status.success());
        let check = run(&["validate", "--template", name, "--format", "json", "-"], Some(&sample.stdout));
        let report = json(&check);
        assert_eq!(check.status.code(), Some(0), "{name}: {report}");
        assert_eq!(report["rows"]["invalid"], 0, "{name}");
        assert!(report["rows"]["valid"].as_u64().unwrap() >= 2, "{name}");
    }
}

#[test]
fn invalid_rows_exit_1_with_positions() {
    let file = b"Email;First Name\nann@x.com;Ann\nbob@;Bob\nANN@x.com;Annie\n";
    let out = run(&["validate", "-t", "clients", "--format", "json", "--records", "-"], Some(file));
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["delimiter"], ";");
    assert_eq!(report["encoding"], "utf-8");
    assert_eq!(report["rows"]["total"], 3);
    assert_eq!(report["rows"]["valid"], 1);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors[0]["row"], 2);
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["code"], "invalid_email");
    assert_eq!(errors[0]["header"], "Email");
    assert_eq!(errors[1]["code"], "duplicate_in_file");
    assert_eq!(report["records"][0]["email"], "ann@x.com");
    assert_eq!(report["records"][0]["first_name"], "Ann");
    assert_eq!(report["columns"][1]["field"], "first_name");
}

#[test]
fn file_errors_exit_2() {
    let out = run(&["validate", "-t", "coaching-leads", "--format", "json", "-"], Some(b"Coach Email\na@b.co\n"));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["file_errors"][0]["code"], "missing_required_column");

    let out = run(&["validate", "-t", "clients", "--format", "json", fixture("fake.xlsx.csv").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["file_errors"][0]["code"], "not_text");
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let out = run(&["validate", "-t", "no-such-template", "x.csv"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("built-in: coaching-leads"));
    let out = run(&["validate", "-t", "clients", "--delimiter", "xx", "-"], Some(b"a\n"));
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["validate"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn overrides_and_forced_options_are_honoured() {
    let file = "Nom;Courriel\nZoé;zoe@example.fr\n".as_bytes();
    let out = run(
        &["validate", "-t", "clients", "--map", "Nom=first_name", "--map", "Courriel=email", "--format", "json", "--records", "-"],
        Some(file),
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["records"][0]["first_name"], "Zoé");

    // Forcing the comma makes one column of the whole line: no email column.
    let out = run(&["validate", "-t", "clients", "--delimiter", ",", "--map", "#1=first_name", "--format", "json", "-"], Some(file));
    assert_eq!(json(&out)["delimiter"], ",");
}

#[test]
fn french_headers_and_a_column_of_emails_map_without_help() {
    let file = "Prénom;Nom;Contact\nZoé;Roy;zoe@example.fr\nLéa;Gay;lea@example.fr\nIan;Fox;ian@example.com\n".as_bytes();
    let out = run(&["validate", "-t", "clients", "-"], Some(file));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("columns: Prénom -> first_name, Nom -> last_name, Contact -> email (looks like email addresses)"),
        "{text}"
    );
}

#[test]
fn windows_1252_semicolon_export_keeps_its_accents() {
    let out = run(&["parse", "--format", "json", fixture("excel_1252_semicolon.csv").to_str().unwrap()], None);
    assert!(out.status.success());
    let parsed = json(&out);
    assert_eq!(parsed["encoding"], "windows-1252");
    assert_eq!(parsed["delimiter"], ";");
    let text = parsed.to_string();
    assert!(text.contains('é'), "{text}");
}

#[test]
fn parse_shows_cells_untrimmed() {
    let out = run(&["parse", "--format", "json", "-"], Some(b"a,b\n  x ,\"y\ny\"\n"));
    let parsed = json(&out);
    assert_eq!(parsed["header"], serde_json::json!(["a", "b"]));
    assert_eq!(parsed["rows"][0], serde_json::json!(["  x ", "y\ny"]));
}

#[test]
fn an_unclosed_quote_is_an_error_in_validate_and_parse() {
    let file =
        b"First Name,Last Name,Email\nBob,\"Smith,bob@example.com\nAnn,Lee,ann@example.com\nCy,Ho,cy@example.com\n";
    let out = run(&["validate", "-t", "clients", "-"], Some(file));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("clients: 3 rows, 2 valid, 1 invalid"), "{text}");
    assert!(
        text.contains("row 1 (line 2), column \"Last Name\": The quote before \"Smith\" on line 2 is never closed"),
        "{text}"
    );
    assert!(text.contains("[unclosed_quote]"), "{text}");

    let out = run(&["parse", "--format", "json", "-"], Some(file));
    assert_eq!(out.status.code(), Some(1));
    let parsed = json(&out);
    assert_eq!(parsed["rows"][0], serde_json::json!(["Bob", "\"Smith", "bob@example.com"]));
    assert_eq!(parsed["rows"][2], serde_json::json!(["Cy", "Ho", "cy@example.com"]));
    assert_eq!(parsed["errors"][0]["code"], "unclosed_quote");
    assert_eq!((parsed["errors"][0]["row"].as_u64(), parsed["errors"][0]["line"].as_u64()), (Some(1), Some(2)));
    assert_eq!(parsed["errors"][0]["header"], "Last Name");
}

#[test]
fn control_characters_and_long_values_are_errors_in_validate() {
    let long = "a".repeat(3000);
    let file = format!("First Name,Email\nAnn\u{1b},ann@example.com\nBob,{long}@example.com\n");
    let out = run(&["validate", "-t", "clients", "--format", "json", "-"], Some(file.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let parsed = json(&out);
    let codes: Vec<&str> = parsed["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["control_character", "too_long"]);
}

#[test]
fn error_report_escapes_formulas_and_leaves_out_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("errors.csv");
    let file = b"email_address,initial_password,first_name,last_name,birthdate,gender\n\
                 a@example.com,weakpass,=HYPERLINK(1),Lee,19810230,male\n";
    let out = run(
        &["validate", "-t", "client-accounts", "--error-report", report.to_str().unwrap(), "-"],
        Some(file),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("email_address,initial_password,first_name,last_name,birthdate,gender,errors"));
    assert!(text.contains("'=HYPERLINK(1)"), "{text}");
    assert!(!text.contains("weakpass"), "a password leaked into the report: {text}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("weakpass"));
    assert!(text.contains("weak_password") && text.contains("invalid_date") && text.contains("formula"));
}

#[test]
fn templates_lists_every_builtin() {
    let out = run(&["templates", "--format", "json"], None);
    let list = json(&out);
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["coaching-leads", "partner-leads", "client-accounts", "crm-clients", "clients", "leads", "companies"]);
}

#[test]
fn a_template_file_can_be_given_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.toml");
    std::fs::write(&path, "name = \"pets\"\nlabel = \"Pets\"\n[[fields]]\nkey = \"name\"\nrequired = true\n").unwrap();
    let out = run(&["validate", "-t", path.to_str().unwrap(), "--format", "json", "-"], Some(b"name\nRex\n\n"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["template"], "pets");
}

fn workbook(name: &str) -> String {
    fixture(&format!("workbooks/{name}")).to_string_lossy().into_owned()
}

#[test]
fn a_workbook_of_several_sheets_needs_a_sheet_and_lists_them() {
    for name in ["clients.xlsx", "clients.xls", "clients.ods"] {
        let out = run(&["validate", "-t", "clients", &workbook(name)], None);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("\"Notes\" (1 row)") && err.contains("\"Clients\" (6 rows)"), "{name}: {err}");
        assert!(err.contains("--sheet"), "{err}");
    }
}

#[test]
fn a_workbook_sheet_validates_with_sheet_row_and_column() {
    for (name, sheet) in [("clients.xlsx", "Clients"), ("clients.xls", "2"), ("clients.ods", "clients")] {
        let out = run(&["validate", "-t", "clients", "--sheet", sheet, &workbook(name)], None);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(text.starts_with("clients: 4 rows, 3 valid, 1 invalid ("), "{text}");
        assert!(text.contains("sheet \"Clients\""), "{text}");
        assert!(text.contains("header: line 4 (2 rows above it ignored)"), "{text}");
        assert!(text.contains("Sheet \"Clients\", row 7, column C (Email): #N/A is a spreadsheet error"), "{text}");
        assert!(text.contains("[cell_error]"), "{text}");
    }
}

#[test]
fn a_workbook_in_json_with_its_records() {
    let out = run(
        &["validate", "-t", "clients", "--sheet", "Clients", "--format", "json", "--records", &workbook("clients.xlsx")],
        None,
    );
    let report = json(&out);
    assert_eq!((report["sheet"].as_str(), report["header_line"].as_u64()), (Some("Clients"), Some(4)));
    assert_eq!(report["errors"][0]["place"], "Sheet \"Clients\", row 7, column C (Email)");
    assert_eq!(report["records"][0]["phone"], "33612345678");
    assert_eq!(report["records"][0]["email"], "ann@example.com");
}

#[test]
fn header_row_overrides_the_row_found() {
    let file = b"Our clients\nFirst Name,Email\nAnn,ann@example.com\n";
    let found = run(&["validate", "-t", "clients", "-"], Some(file));
    assert_eq!(found.status.code(), Some(0), "{}", String::from_utf8_lossy(&found.stdout));
    assert!(String::from_utf8_lossy(&found.stdout).contains("header: line 2 (1 row above it ignored)"));
    let forced = run(&["validate", "-t", "clients", "--header-row", "1", "-"], Some(file));
    assert_eq!(forced.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&forced.stdout).contains("[missing_required_column]"));
    let wrong = run(&["validate", "-t", "clients", "--header-row", "9", "-"], Some(file));
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("Row 9 cannot be the header"));
}

#[test]
fn a_workbook_with_one_sheet_goes_straight_on_with_dates_in_the_fields_format() {
    let out = run(&["validate", "-t", "client-accounts", "--format", "json", "--records", &workbook("accounts.xlsx")], None);
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["records"][0]["birthdate"], "1981-11-20");
}

#[test]
fn parse_shows_a_workbook_sheet_as_read() {
    let out = run(&["parse", "--sheet", "Clients", "--header-row", "4", &workbook("clients.ods")], None);
    let parsed = json(&out);
    assert_eq!(out.status.code(), Some(0), "{parsed}");
    assert_eq!(parsed["sheet"], "Clients");
    assert_eq!(parsed["header"][2], "Email");
    assert_eq!(parsed["rows"][0][3], "33612345678");
    assert_eq!(parsed["rows"][0][5], "0.1");
    assert_eq!(parsed["rows"][2][2], "#N/A");
    assert_eq!(parsed["lines"][0], 5);
}
