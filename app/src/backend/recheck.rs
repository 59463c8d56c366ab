//! The server's own check of the rows a browser sends: the browser validated
//! them with `csv-import-core`, but a request can say anything, so every
//! value goes through the same field checks again before it is stored.
//!
//! A [`Record`] holds normalised values; each is turned back into cell text
//! (a list item by item) and checked by the field's
//! [`FieldChecker`](csv_import_core::value::FieldChecker). Empty values follow
//! core's rules for empty cells: the field's default, else nothing, else
//! "required".

use csv_import_core::template::FieldType;
use csv_import_core::value::FieldChecker;
use csv_import_core::{Record, Template, Value};

/// A template's fields compiled once for every row of a batch.
pub struct Rechecker<'t> {
    template: &'t Template,
    checkers: Vec<FieldChecker>,
    defaults: Vec<Option<Value>>,
}

impl<'t> Rechecker<'t> {
    /// Compile `template`; `now` (RFC 3339) fills `default = "now"` fields.
    /// Fails only for a broken template, which is a bug of the server.
    pub fn new(template: &'t Template, now: &str) -> Result<Rechecker<'t>, String> {
        let mut checkers = Vec::with_capacity(template.fields.len());
        let mut defaults = Vec::with_capacity(template.fields.len());
        for field in &template.fields {
            let checker = FieldChecker::new(field)?;
            let default = match field.default.as_deref() {
                None => None,
                Some("now") if matches!(field.kind, FieldType::Date | FieldType::Datetime) => {
                    let text = if field.kind == FieldType::Date { now.get(..10).unwrap_or(now) } else { now };
                    Some(Value::Text(text.to_string()))
                }
                Some(text) => Some(
                    checker
                        .check(text)
                        .map_err(|e| format!("field {}: its default does not pass: {}", field.key, e.message))?,
                ),
            };
            checkers.push(checker);
            defaults.push(default);
        }
        Ok(Rechecker { template, checkers, defaults })
    }

    /// The record's values checked and normalised again, in field order, or
    /// the reasons it cannot be stored (each names the column).
    pub fn check(&self, record: &Record) -> Result<Vec<Value>, Vec<String>> {
        let fields = &self.template.fields;
        if record.values.len() != fields.len() {
            return Err(vec![format!(
                "Malformed row: it has {} values but the template {} has {} fields.",
                record.values.len(),
                self.template.name,
                fields.len()
            )]);
        }
        let mut reasons = Vec::new();
        let mut values = Vec::with_capacity(fields.len());
        for (i, (field, value)) in fields.iter().zip(&record.values).enumerate() {
            let checker = &self.checkers[i];
            let problem = |message: &str| format!("{}: {message}", field.header());
            if field.repeatable {
                let cells: Vec<String> = match value {
                    Value::Null => Vec::new(),
                    Value::List(items) => items.clone(),
                    other => vec![other.to_cell()],
                };
                let mut items: Vec<String> = Vec::new();
                for cell in cells.iter().filter(|c| !c.trim().is_empty()) {
                    match checker.check(cell) {
                        Ok(v) => {
                            let text = v.to_cell();
                            if !items.iter().any(|i| i.eq_ignore_ascii_case(&text)) {
                                items.push(text);
                            }
                        }
                        Err(e) => reasons.push(problem(&e.message)),
                    }
                }
                if items.is_empty() && field.required {
                    reasons.push(required(field.header()));
                }
                values.push(Value::List(items));
                continue;
            }
            let cell = match value {
                Value::List(_) => {
                    reasons.push(problem("Malformed row: a list was sent for a field that takes one value."));
                    values.push(Value::Null);
                    continue;
                }
                other => other.to_cell(),
            };
            let checked = if cell.trim().is_empty() {
                match (&self.defaults[i], field.generated, field.required) {
                    (Some(default), _, _) => default.clone(),
                    (None, Some(_), _) | (None, None, false) => Value::Null,
                    (None, None, true) => {
                        reasons.push(required(field.header()));
                        Value::Null
                    }
                }
            } else {
                match checker.check(&cell) {
                    Ok(v) => v,
                    Err(e) => {
                        reasons.push(problem(&e.message));
                        Value::Null
                    }
                }
            };
            values.push(checked);
        }
        if reasons.is_empty() { Ok(values) } else { Err(reasons) }
    }
}

fn required(header: &str) -> String {
    format!("{header}: {header} is required: fill it in, or skip this row.")
}
