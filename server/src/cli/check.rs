//! `validate`, `parse` and `templates`: the engine from the command line.

use super::{load_template, read_input, Format, ReadArgs};
use crate::error::Error;
use csv_import_core::map::Override;
use csv_import_core::report::{check, Options, Report};
use csv_import_core::sniff::{delimiter_name, parse_delimiter, sniff_delimiter};
use csv_import_core::header_row::HeaderRow;
use csv_import_core::{FileErrorCode, Lang, RowErrorCode, Template, messages};
use serde_json::{Value, json};
use std::process::ExitCode;

/// `csv-import validate`.
pub fn validate(
    read: &ReadArgs,
    template: &str,
    map: &[String],
    records: bool,
    format: Format,
    error_report: Option<&str>,
    file: &str,
) -> Result<ExitCode, Error> {
    let template = load_template(template)?;
    let overrides = map.iter().map(|m| Override::parse(m).map_err(Error::Usage)).collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        encoding: read.encoding.clone(),
        delimiter: read.delimiter.as_deref().map(parse_delimiter).transpose().map_err(Error::Usage)?,
        overrides,
        now: crate::now_rfc3339(),
        keep_invalid_rows: error_report.is_some(),
        header_row: read.header_row.map_or(HeaderRow::Detect, HeaderRow::Line),
        sheet: read.sheet.clone(),
        ..Options::default()
    };
    let bytes = read_input(file)?;
    let report = check(&bytes, &template, &options);
    if let Some(e) = report.file_errors.iter().find(|e| e.code == FileErrorCode::ChooseSheet) {
        // Bad usage rather than a bad file: say which option is missing.
        return Err(Error::Usage(format!("{} Name it with --sheet NAME or --sheet N.", e.message)));
    }
    if let Some(path) = error_report {
        std::fs::write(path, report.error_report_csv(&template))
            .map_err(|source| Error::Io { path: path.to_string(), source })?;
    }
    match format {
        Format::Json => println!("{}", validate_json(&report, &template, records)),
        Format::Text => print!("{}", validate_text(&report, &template)),
    }
    Ok(ExitCode::from(if !report.file_errors.is_empty() {
        2
    } else if report.rows.invalid > 0 {
        1
    } else {
        0
    }))
}

/// The JSON object of `validate --format json`.
pub fn validate_json(report: &Report, template: &Template, records: bool) -> Value {
    let mut out = json!({
        "template": report.template,
        "encoding": report.encoding,
        "delimiter": report.delimiter,
        "columns": report.columns.iter().map(|c| json!({
            "index": c.index,
            "header": c.header,
            "field": c.field,
            "attribute": c.attribute,
            "match": c.how,
            "looks_like": c.looks_like,
        })).collect::<Vec<_>>(),
        "rows": report.rows,
        "header_line": report.header_line,
        "rows_above": report.rows_above,
        "sheet": report.sheet,
        "file_errors": report.file_errors,
        "errors": report.errors.iter().map(|e| json!({
            "row": e.row,
            "line": e.line,
            "field": e.field,
            "header": e.header,
            "code": e.code,
            "message": e.message,
            "place": messages::place(Lang::En, report.sheet.as_deref(), e.row, e.line, e.column, e.header.as_deref()),
        })).collect::<Vec<_>>(),
    });
    if records {
        out["records"] = Value::Array(
            report.records.iter().map(|r| serde_json::to_value(r.view(template)).unwrap_or(Value::Null)).collect(),
        );
    }
    out
}

fn validate_text(report: &Report, template: &Template) -> String {
    let mut out = String::new();
    let delimiter = report.delimiter.bytes().next().map(delimiter_name).unwrap_or("?");
    let source = match &report.sheet {
        Some(sheet) => format!("{}, sheet \"{sheet}\"", report.encoding),
        None => format!("{}, {delimiter}", report.encoding),
    };
    out += &format!(
        "{}: {} rows, {} valid, {} invalid ({source})\n",
        template.name, report.rows.total, report.rows.valid, report.rows.invalid
    );
    if report.rows_above > 0 {
        let above = match report.rows_above {
            1 => "1 row above it ignored".to_string(),
            n => format!("{n} rows above it ignored"),
        };
        out += &format!("header: line {} ({above})\n", report.header_line);
    }
    let mapped: Vec<String> = report
        .columns
        .iter()
        .filter_map(|c| match (&c.field, &c.attribute) {
            (Some(f), _) => Some(match c.looks_like {
                Some(kind) => format!("{} -> {f} ({})", c.header.trim(), kind.reason(csv_import_core::Lang::En)),
                None => format!("{} -> {f}", c.header.trim()),
            }),
            (None, Some(a)) => Some(format!("{} -> attribute {a}", c.header.trim())),
            _ => None,
        })
        .collect();
    if !mapped.is_empty() {
        out += &format!("columns: {}\n", mapped.join(", "));
    }
    let ignored: Vec<&str> = report
        .columns
        .iter()
        .filter(|c| c.field.is_none() && c.attribute.is_none() && !c.header.trim().is_empty())
        .map(|c| c.header.trim())
        .collect();
    if !ignored.is_empty() {
        out += &format!("ignored (no matching field): {}\n", ignored.join(", "));
    }
    for e in &report.file_errors {
        out += &format!("file error: {} [{}]\n", e.message, e.code.as_str());
    }
    for e in &report.errors {
        let place = messages::place(Lang::En, report.sheet.as_deref(), e.row, e.line, e.column, e.header.as_deref());
        let place = match (&e.header, &e.field, &report.sheet) {
            (None, Some(field), None) => format!("{place}, field {field}"),
            _ => place,
        };
        out += &format!("{place}: {} [{}]\n", e.message, e.code.as_str());
    }
    out
}

/// `csv-import parse --format json`.
pub fn parse(read: &ReadArgs, file: &str) -> Result<ExitCode, Error> {
    let bytes = read_input(file)?;
    let fail = |e: csv_import_core::FileError| {
        println!("{}", json!({ "file_errors": [e] }));
        Ok(ExitCode::from(2))
    };
    if csv_import_core::workbook::WorkbookKind::detect(&bytes).is_some() {
        return parse_workbook(read, &bytes);
    }
    let decoded = match csv_import_core::decode::decode(&bytes, read.encoding.as_deref()) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let delimiter = match read.delimiter.as_deref() {
        Some(d) => parse_delimiter(d).map_err(Error::Usage)?,
        None => sniff_delimiter(&decoded.text),
    };
    let table = match csv_import_core::parse::parse(&decoded.text, delimiter) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    // Rows cut at a quote that does not close: the same errors `validate`
    // gives them, so that nothing a reader cut looks whole here.
    let errors: Vec<Value> = table
        .quote_problems
        .iter()
        .filter_map(|(row, problem)| {
            let raw = table.rows.get(usize::try_from(*row).ok()?.checked_sub(1)?)?;
            let cell = raw.cells.get(problem.column).map_or("", String::as_str);
            Some(json!({
                "row": row,
                "line": raw.line,
                "column": problem.column,
                "header": table.header.get(problem.column).map(|h| h.trim()),
                "code": RowErrorCode::UnclosedQuote,
                "message": messages::unclosed_quote(Lang::En, problem, cell),
            }))
        })
        .collect();
    println!(
        "{}",
        json!({
            "encoding": decoded.encoding,
            "delimiter": char::from(delimiter).to_string(),
            "header": table.header,
            "rows": table.rows.iter().map(|r| &r.cells).collect::<Vec<_>>(),
            "errors": errors,
        })
    );
    Ok(if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `csv-import parse` of a workbook: the sheet's header and cells as read.
fn parse_workbook(read: &ReadArgs, bytes: &[u8]) -> Result<ExitCode, Error> {
    // No template: the header is the first row, or the one --header-row names.
    let template: Template = serde_json::from_value(json!({ "name": "parse", "label": "parse", "fields": [] }))
        .map_err(|e| Error::Template(e.to_string()))?;
    let options = Options {
        header_row: read.header_row.map_or(HeaderRow::Detect, HeaderRow::Line),
        sheet: read.sheet.clone(),
        ..Options::default()
    };
    let loaded = match csv_import_core::table::load_workbook(bytes, &template, &options) {
        Ok(loaded) => loaded,
        Err(e) if e.code == FileErrorCode::ChooseSheet => {
            return Err(Error::Usage(format!("{} Name it with --sheet NAME or --sheet N.", e.message)));
        }
        Err(e) => {
            println!("{}", json!({ "file_errors": [e] }));
            return Ok(ExitCode::from(2));
        }
    };
    let rows: Vec<Vec<String>> = (0..loaded.rows.len()).map(|i| loaded.rows.cells(i)).collect();
    let lines: Vec<u64> = (0..loaded.rows.len()).map(|i| loaded.rows.position(i).line).collect();
    println!(
        "{}",
        json!({
            "encoding": loaded.encoding,
            "sheet": loaded.sheet,
            "header_line": loaded.header_line,
            "header": loaded.header,
            "rows": rows,
            "lines": lines,
            "errors": [],
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// `csv-import templates`.
pub fn templates(format: Format) -> ExitCode {
    let all = csv_import_core::builtin::all();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default()),
        Format::Text => {
            for t in &all {
                println!("{} - {}", t.name, t.label);
                for f in &t.fields {
                    let mut notes = vec![f.kind.as_str().to_string()];
                    if f.required {
                        notes.push("required".into());
                    }
                    if f.unique {
                        notes.push("unique".into());
                    }
                    if f.repeatable {
                        notes.push("repeatable".into());
                    }
                    if let Some(d) = &f.default {
                        notes.push(format!("default {d}"));
                    }
                    if f.generated.is_some() {
                        notes.push("generated when empty".into());
                    }
                    println!("    {:<20} {}", f.header(), notes.join(", "));
                }
                if !t.attribute_prefixes.is_empty() {
                    println!("    {:<20} custom attributes", format!("{}<Name>", t.attribute_prefixes[0]));
                }
                if let Some(max) = t.max_rows {
                    println!("    at most {max} rows per file");
                }
            }
        }
    }
    ExitCode::SUCCESS
}
