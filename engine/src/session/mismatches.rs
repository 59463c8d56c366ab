//! Combinations of values the server said do not go together
//! ([`Mismatch`]), compiled for the file's mapping: each row that has one
//! gets its message on the marked cell, like any other cell error.

use crate::Mismatch;
use csv_import_core::validate::{Cells, Validator};
use csv_import_core::value::FieldChecker;
use csv_import_core::{Position, RowError, RowErrorCode, Template};
use std::collections::HashMap;

/// The normalised text of a cell of a field with this checker, as
/// [`Request::References`](crate::Request::References) and
/// [`Request::Combinations`](crate::Request::Combinations) give
/// it: `None` for an empty cell or an invalid value (flagged for that already).
pub fn normal(checker: &FieldChecker, raw: Option<&str>) -> Option<String> {
    let raw = raw.filter(|raw| !raw.trim().is_empty())?;
    checker.check(raw).ok().map(|v| v.to_cell()).filter(|v| !v.is_empty())
}

/// The mismatches of the same fields that mark the same field.
struct Rule {
    /// Per field of the combination: its column and checker.
    fields: Vec<(usize, FieldChecker)>,
    /// The marked field's key, and its column and header if it is mapped.
    field: String,
    column: Option<usize>,
    header: Option<String>,
    /// The combinations (lowercased) and their messages.
    messages: HashMap<Vec<String>, String>,
}

/// The mismatches of a check, ready to be looked up per row.
pub struct Mismatches {
    rules: Vec<Rule>,
}

impl Mismatches {
    /// Compile `mismatches` for the validator's mapping. Those naming a
    /// field the template lacks or the file does not map are left out: no
    /// row can have them.
    pub fn new(
        template: &Template,
        validator: &Validator<'_>,
        header: &[String],
        mismatches: &[Mismatch],
    ) -> Mismatches {
        let mut rules: Vec<Rule> = Vec::new();
        let index = |key: &str| template.fields.iter().position(|f| f.key == key);
        for m in mismatches.iter().filter(|m| m.fields.len() == m.values.len() && !m.fields.is_empty()) {
            let Some(at) = m.fields.iter().map(|k| index(k)).collect::<Option<Vec<usize>>>() else {
                continue;
            };
            let Some(columns) = at.iter().map(|&i| validator.column_of(i)).collect::<Option<Vec<usize>>>() else {
                continue;
            };
            let Some(marked) = index(&m.field) else {
                continue;
            };
            let values: Vec<String> = m.values.iter().map(|v| v.trim().to_lowercase()).collect();
            if let Some(rule) = rules.iter_mut().find(|r| {
                r.field == m.field
                    && r.fields.len() == columns.len()
                    && r.fields.iter().zip(&columns).all(|((c, _), d)| c == d)
            }) {
                rule.messages.insert(values, m.message.clone());
                continue;
            }
            let Ok(fields) = at
                .iter()
                .zip(&columns)
                .map(|(&i, &c)| FieldChecker::new(&template.fields[i]).map(|checker| (c, checker)))
                .collect::<Result<Vec<_>, _>>()
            else {
                continue;
            };
            let column = validator.column_of(marked);
            rules.push(Rule {
                fields,
                field: m.field.clone(),
                column,
                header: column.and_then(|c| header.get(c)).map(|h| h.trim().to_string()),
                messages: HashMap::from([(values, m.message.clone())]),
            });
        }
        Mismatches { rules }
    }

    /// Whether no row can have a mismatch (the usual case: nothing to look up).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The mismatch errors of one row.
    pub fn errors<C: Cells + ?Sized>(&self, pos: Position, cells: &C) -> Vec<RowError> {
        let mut out = Vec::new();
        for rule in &self.rules {
            let values: Option<Vec<String>> = rule
                .fields
                .iter()
                .map(|(c, checker)| normal(checker, cells.get(*c)).map(|v| v.to_lowercase()))
                .collect();
            let Some(message) = values.and_then(|values| rule.messages.get(&values)) else {
                continue;
            };
            out.push(RowError {
                row: pos.row,
                line: pos.line,
                column: rule.column,
                field: Some(rule.field.clone()),
                header: rule.header.clone(),
                code: RowErrorCode::Mismatch,
                message: message.clone(),
            });
        }
        out
    }
}
