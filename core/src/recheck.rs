//! Checking records again: the browser validated its rows with this crate,
//! but a request can say anything, so the server puts every value of a
//! record it receives through the same field checks before storing it.
//!
//! A [`Record`] holds normalised values; each is turned back into cell text
//! (a list item by item) and checked by the field's
//! [`FieldChecker`](crate::value::FieldChecker). Empty values follow
//! core's rules for empty cells: the field's default, else nothing, else
//! "required".

use crate::messages::{self, Lang};
use crate::validate::{attribute_field, attribute_name_error};
use crate::value::{FieldChecker, trim};
use crate::{Record, Template, Value};

/// A template's fields compiled once for every row of a batch.
pub struct Rechecker<'t> {
    template: &'t Template,
    checkers: Vec<FieldChecker>,
    defaults: Vec<Option<Value>>,
    /// Attribute values, checked as text of at most [`ATTRIBUTE_MAX_LENGTH`](crate::record::ATTRIBUTE_MAX_LENGTH).
    attribute: FieldChecker,
    lang: Lang,
}

impl<'t> Rechecker<'t> {
    /// Compile `template`; `now` (RFC 3339) fills `default = "now"` fields.
    /// Fails only for a broken template, which is a bug of the server.
    pub fn new(template: &'t Template, now: &str) -> Result<Rechecker<'t>, String> {
        let mut checkers = Vec::with_capacity(template.fields.len());
        let mut defaults = Vec::with_capacity(template.fields.len());
        for field in &template.fields {
            // A record holds dates normalised to ISO (`YYYY-MM-DD`), whatever
            // formats the file used (`YYYYMMDD`): accept that form as well.
            let mut field = field.clone();
            if field.kind == crate::template::FieldType::Date
                && !field.formats.is_empty()
                && !field.formats.iter().any(|f| f == "YYYY-MM-DD")
            {
                field.formats.push("YYYY-MM-DD".to_string());
            }
            let field = &field;
            let checker = FieldChecker::new(field)?;
            let default = checker.default_value(now)?;
            checkers.push(checker);
            defaults.push(default);
        }
        let attribute = FieldChecker::new(&attribute_field())?;
        Ok(Rechecker { template, checkers, defaults, attribute, lang: Lang::En })
    }

    /// The same checks, with the reasons written in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Rechecker<'t> {
        for checker in &mut self.checkers {
            checker.lang = lang;
        }
        self.attribute.lang = lang;
        self.lang = lang;
        self
    }

    /// The record's values checked and normalised again, in field order, or
    /// the reasons it cannot be stored (each names the column).
    pub fn check(&self, record: &Record) -> Result<Vec<Value>, Vec<String>> {
        let fields = &self.template.fields;
        if record.values.len() != fields.len() {
            return Err(vec![messages::malformed_width(
                self.lang,
                record.values.len(),
                &self.template.name,
                fields.len(),
            )]);
        }
        let mut reasons = Vec::new();
        let mut values = Vec::with_capacity(fields.len());
        for (i, (field, value)) in fields.iter().zip(&record.values).enumerate() {
            let checker = &self.checkers[i];
            let problem = |message: &str| messages::reason(self.lang, field.header(), message);
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
                    reasons.push(required(field.header(), self.lang));
                }
                values.push(Value::List(items));
                continue;
            }
            let cell = match value {
                Value::List(_) => {
                    reasons.push(problem(messages::malformed_list(self.lang)));
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
                        reasons.push(required(field.header(), self.lang));
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
        self.check_attributes(record, &mut reasons);
        if reasons.is_empty() { Ok(values) } else { Err(reasons) }
    }

    /// The record's attributes, each name and value checked as the browser
    /// checks an attribute column: the name one line of at most
    /// [`ATTRIBUTE_NAME_MAX_LENGTH`](crate::record::ATTRIBUTE_NAME_MAX_LENGTH)
    /// characters, the value like a text cell (formulas, markup, control
    /// characters, at most [`ATTRIBUTE_MAX_LENGTH`](crate::record::ATTRIBUTE_MAX_LENGTH) characters). A template
    /// without attribute columns takes none.
    fn check_attributes(&self, record: &Record, reasons: &mut Vec<String>) {
        let Some(prefix) = self.template.attribute_prefixes.first() else {
            if !record.attributes.is_empty() {
                reasons.push(messages::malformed_attributes(self.lang, &self.template.name));
            }
            return;
        };
        for (name, value) in &record.attributes {
            let place = format!("{prefix}{}", crate::error::shorten(name));
            let problem = |message: &str| messages::reason(self.lang, &place, message);
            let name = trim(name);
            if name.is_empty() {
                continue;
            }
            if let Some(e) = attribute_name_error(name, self.lang) {
                reasons.push(problem(&e.message));
                continue;
            }
            if trim(value).is_empty() {
                continue;
            }
            if let Err(e) = self.attribute.check_cell(value) {
                reasons.push(problem(&e.message));
            }
        }
    }
}

fn required(header: &str, lang: Lang) -> String {
    messages::reason(lang, header, &messages::required(lang, header))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(values: Vec<Value>) -> Record {
        Record { row: 1, values, attributes: Vec::new() }
    }

    #[test]
    fn normalised_records_pass_and_come_back_the_same() {
        let template = crate::builtin::get("clients").unwrap();
        let checker = Rechecker::new(&template, "2026-01-01T00:00:00Z").unwrap();
        let values = vec![
            Value::Text("Ann".into()),
            Value::Null,
            Value::Text("ann@example.com".into()),
            Value::Text("+1 415 555 0101".into()),
            Value::Null,
        ];
        assert_eq!(checker.check(&record(values.clone())), Ok(values));
    }

    #[test]
    fn dates_of_a_template_format_come_back_in_iso_form() {
        let template = crate::builtin::get("client-accounts").unwrap();
        let checker = Rechecker::new(&template, "2026-01-01T00:00:00Z").unwrap();
        let at = template.fields.iter().position(|f| f.key == "birthdate").unwrap();
        let mut values: Vec<Value> = template.fields.iter().map(|_| Value::Null).collect();
        values[0] = Value::Text("ada@example.com".into());
        values[1] = Value::Text("Analytical#1815".into());
        values[2] = Value::Text("Ada".into());
        values[3] = Value::Text("Lovelace".into());
        values[5] = Value::Text("female".into());
        values[at] = Value::Text("1981-11-20".into());
        let checked = checker.check(&record(values.clone())).unwrap();
        assert_eq!(checked[at], Value::Text("1981-11-20".into()));
        values[at] = Value::Text("1981-02-30".into());
        assert!(checker.check(&record(values)).is_err());
    }

    #[test]
    fn tampered_values_are_refused_with_the_column_named() {
        let template = crate::builtin::get("clients").unwrap();
        let checker = Rechecker::new(&template, "2026-01-01T00:00:00Z").unwrap();
        let values = vec![
            Value::Text("=cmd".into()),
            Value::Null,
            Value::Text("not-an-email".into()),
            Value::Null,
            Value::Null,
        ];
        let reasons = checker.check(&record(values)).unwrap_err();
        assert_eq!(reasons.len(), 2);
        assert!(reasons[0].starts_with("First Name:"), "{reasons:?}");
        assert!(reasons[1].starts_with("Email:"), "{reasons:?}");
        let short = checker.check(&record(vec![Value::Text("Ann".into())])).unwrap_err();
        assert!(short[0].starts_with("Malformed row"), "{short:?}");
        let missing = checker.check(&record(vec![Value::Null; 5])).unwrap_err();
        assert!(missing[0].contains("is required"), "{missing:?}");
    }

    #[test]
    fn empty_values_take_the_defaults() {
        let template = crate::builtin::get("crm-clients").unwrap();
        let checker = Rechecker::new(&template, "2026-01-01T00:00:00Z").unwrap();
        let mut values = vec![Value::Null; template.fields.len()];
        values[1] = Value::Text("Ann".into());
        values[4] = Value::Text("ann@example.com".into());
        let checked = checker.check(&record(values)).unwrap();
        let by_key = |key: &str| &checked[template.fields.iter().position(|f| f.key == key).unwrap()];
        assert_eq!(by_key("project"), &Value::Text("default".into()));
        assert_eq!(by_key("active"), &Value::Bool(true));
        assert_eq!(by_key("created"), &Value::Text("2026-01-01T00:00:00Z".into()));
    }
}
