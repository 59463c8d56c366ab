//! Validate rows against a template.
//!
//! Validation has two layers. [`Validator::check_row`] looks at one row on
//! its own (types, required, defaults, dangerous content, ragged rows) and
//! can run on any row in any order, which is what an in-place edit needs.
//! [`FileRules`] then sees the rows in file order for what depends on the
//! other rows: uniqueness within the file and generated values.

use crate::error::{Position, RowError, RowErrorCode, ValueError};
use crate::map::{Mapping, MatchKind};
use crate::record::{Record, Value};
use crate::template::{Field, FieldType, Generator, Template};
use crate::value::FieldChecker;
use std::collections::{HashMap, HashSet};

/// The cells of one row, from any container.
pub trait Cells {
    /// How many cells the row has.
    fn len(&self) -> usize;
    /// The cell at `index`, if the row has one.
    fn get(&self, index: usize) -> Option<&str>;
    /// Whether the row has no cells.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Cells for csv::StringRecord {
    fn len(&self) -> usize {
        csv::StringRecord::len(self)
    }
    fn get(&self, index: usize) -> Option<&str> {
        csv::StringRecord::get(self, index)
    }
}

impl<S: AsRef<str>> Cells for [S] {
    fn len(&self) -> usize {
        <[S]>::len(self)
    }
    fn get(&self, index: usize) -> Option<&str> {
        <[S]>::get(self, index).map(AsRef::as_ref)
    }
}

impl<S: AsRef<str>> Cells for Vec<S> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn get(&self, index: usize) -> Option<&str> {
        self.as_slice().get(index).map(AsRef::as_ref)
    }
}

/// Where a file column's values go.
#[derive(Clone, Debug)]
enum Target {
    Field(usize),
    Attribute(String),
    Ignored,
}

/// One template field, compiled: its checker, its columns, its default.
struct FieldPlan {
    checker: FieldChecker,
    columns: Vec<usize>,
    default: Option<Value>,
}

/// Checks rows of one file against one template and mapping.
pub struct Validator<'t> {
    template: &'t Template,
    header: Vec<String>,
    targets: Vec<Target>,
    fields: Vec<FieldPlan>,
    attribute_checker: FieldChecker,
}

/// The outcome of one row: a record when valid, or its errors.
pub type RowOutcome = Result<Record, Vec<RowError>>;

impl<'t> Validator<'t> {
    /// Compile `template` for a file with this header and mapping. `now` is
    /// the RFC 3339 time used for `default = "now"` date and datetime fields.
    pub fn new(template: &'t Template, mapping: &Mapping, now: &str) -> Result<Validator<'t>, String> {
        let targets = mapping
            .columns
            .iter()
            .map(|c| match (&c.field, &c.attribute) {
                (Some(key), _) => template
                    .fields
                    .iter()
                    .position(|f| &f.key == key)
                    .map(Target::Field)
                    .ok_or_else(|| format!("the mapping names an unknown field {key}")),
                (None, Some(name)) if c.how == MatchKind::Attribute => Ok(Target::Attribute(name.clone())),
                _ => Ok(Target::Ignored),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let fields = template
            .fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let checker = FieldChecker::new(field)?;
                let columns = targets
                    .iter()
                    .enumerate()
                    .filter_map(|(c, t)| matches!(t, Target::Field(f) if *f == i).then_some(c))
                    .collect();
                let default = match field.default.as_deref() {
                    None => None,
                    Some("now") if matches!(field.kind, FieldType::Date | FieldType::Datetime) => {
                        let value = if field.kind == FieldType::Date { now.get(..10).unwrap_or(now) } else { now };
                        Some(Value::Text(value.to_string()))
                    }
                    Some(text) => Some(
                        checker
                            .check(text)
                            .map_err(|e| format!("field {}: its default does not pass: {}", field.key, e.message))?,
                    ),
                };
                Ok(FieldPlan { checker, columns, default })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let attribute_field = Field {
            key: "attribute".into(),
            label: String::new(),
            kind: FieldType::Text,
            required: false,
            unique: false,
            repeatable: false,
            default: None,
            generated: None,
            max_length: Some(10_000),
            pattern: None,
            pattern_hint: None,
            formats: Vec::new(),
            options: Vec::new(),
            synonyms: Vec::new(),
            reference: None,
            help: None,
        };
        Ok(Validator {
            template,
            header: mapping.columns.iter().map(|c| c.header.clone()).collect(),
            targets,
            fields,
            attribute_checker: FieldChecker::new(&attribute_field)?,
        })
    }

    /// The template this validator checks against.
    pub fn template(&self) -> &'t Template {
        self.template
    }

    /// Check one row on its own. Generated fields left empty stay `Null`
    /// here; [`FileRules::admit`] fills them.
    pub fn check_row<C: Cells + ?Sized>(&self, pos: Position, cells: &C) -> RowOutcome {
        let mut errors = Vec::new();
        let error = |column: Option<usize>, field: Option<&Field>, e: ValueError| RowError {
            row: pos.row,
            line: pos.line,
            column,
            field: field.map(|f| f.key.clone()),
            header: column.and_then(|c| self.header.get(c).map(|h| h.trim().to_string())),
            code: e.code,
            message: e.message,
        };

        let width = self.header.len();
        if cells.len() > width {
            let extra: Vec<&str> = (width..cells.len()).filter_map(|i| cells.get(i)).filter(|c| !c.trim().is_empty()).collect();
            if !extra.is_empty() {
                let first = (width..cells.len()).find(|&i| cells.get(i).is_some_and(|c| !c.trim().is_empty()));
                errors.push(error(
                    first,
                    None,
                    ValueError::new(
                        RowErrorCode::ExtraCells,
                        format!(
                            "This row has {} cells but the header has {width} columns; {} are in no column. \
                             Remove them, or put quotes around a value that contains the delimiter.",
                            cells.len(),
                            quote_list(&extra)
                        ),
                    ),
                ));
            }
        }

        let mut values = Vec::with_capacity(self.fields.len());
        for (field, plan) in self.template.fields.iter().zip(&self.fields) {
            if field.repeatable {
                let mut items = Vec::new();
                for &c in &plan.columns {
                    let raw = cells.get(c).unwrap_or("");
                    if raw.trim().is_empty() {
                        continue;
                    }
                    match plan.checker.check(raw) {
                        Ok(v) => {
                            let text = v.to_cell();
                            if !items.iter().any(|i: &String| i.eq_ignore_ascii_case(&text)) {
                                items.push(text);
                            }
                        }
                        Err(e) => errors.push(error(Some(c), Some(field), e)),
                    }
                }
                if items.is_empty() && field.required {
                    errors.push(error(plan.columns.first().copied(), Some(field), required(field)));
                }
                values.push(Value::List(items));
                continue;
            }
            let column = plan.columns.first().copied();
            let raw = column.and_then(|c| cells.get(c)).unwrap_or("");
            let value = if raw.trim().is_empty() {
                match (&plan.default, field.generated, field.required) {
                    (Some(default), _, _) => default.clone(),
                    (None, Some(_), _) | (None, None, false) => Value::Null,
                    (None, None, true) => {
                        errors.push(error(column, Some(field), required(field)));
                        Value::Null
                    }
                }
            } else {
                match plan.checker.check(raw) {
                    Ok(v) => v,
                    Err(e) => {
                        errors.push(error(column, Some(field), e));
                        Value::Null
                    }
                }
            };
            values.push(value);
        }

        let mut attributes = Vec::new();
        for (c, target) in self.targets.iter().enumerate() {
            let Target::Attribute(name) = target else { continue };
            let raw = cells.get(c).unwrap_or("");
            if raw.trim().is_empty() {
                continue;
            }
            match self.attribute_checker.check(raw) {
                Ok(v) => attributes.push((name.clone(), v.to_cell())),
                Err(e) => errors.push(error(Some(c), None, e)),
            }
        }

        if errors.is_empty() {
            Ok(Record { row: pos.row, values, attributes })
        } else {
            errors.sort_by_key(|e| e.column.unwrap_or(usize::MAX));
            Err(errors)
        }
    }

    /// The 0-based file column of a field, if mapped (the first, for repeatable fields).
    pub fn column_of(&self, field_index: usize) -> Option<usize> {
        self.fields.get(field_index).and_then(|p| p.columns.first().copied())
    }

    fn header_of(&self, field_index: usize) -> Option<String> {
        self.column_of(field_index).and_then(|c| self.header.get(c)).map(|h| h.trim().to_string())
    }
}

fn required(field: &Field) -> ValueError {
    ValueError::new(
        RowErrorCode::Required,
        format!("{} is required: fill it in, or skip this row.", field.header()),
    )
}

fn quote_list(values: &[&str]) -> String {
    let shown: Vec<String> = values.iter().take(3).map(|v| format!("\"{}\"", crate::error::shorten(v))).collect();
    let more = values.len().saturating_sub(3);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// The rules that need the other rows: uniqueness within the file and
/// generated values. Feed it every row in file order.
pub struct FileRules {
    /// Per unique field: normalised value to the first row that has it.
    seen: Vec<Option<HashMap<String, u64>>>,
    /// Usernames already used in the file, explicit or generated.
    usernames: HashSet<String>,
}

impl FileRules {
    /// Rules for one template.
    pub fn new(template: &Template) -> FileRules {
        FileRules {
            seen: template.fields.iter().map(|f| f.unique.then(HashMap::new)).collect(),
            usernames: HashSet::new(),
        }
    }

    /// Take names already used outside the file (say, existing usernames),
    /// so that generated ones avoid them.
    pub fn reserve_usernames<I: IntoIterator<Item = String>>(&mut self, names: I) {
        self.usernames.extend(names.into_iter().map(|n| n.to_lowercase()));
    }

    /// Apply the file rules to one row's outcome: a valid record may become
    /// invalid (a duplicate); generated fields are filled in. Rows with
    /// errors still claim their unique values, so that fixing one of two
    /// duplicates leaves the other flagged.
    pub fn admit<C: Cells + ?Sized>(
        &mut self,
        validator: &Validator<'_>,
        pos: Position,
        outcome: RowOutcome,
        cells: &C,
    ) -> RowOutcome {
        let template = validator.template;
        let (mut record, mut errors) = match outcome {
            Ok(record) => (Some(record), Vec::new()),
            Err(errors) => (None, errors),
        };
        for (i, field) in template.fields.iter().enumerate() {
            let Some(seen) = self.seen[i].as_mut() else { continue };
            let key = match &record {
                Some(r) => unique_key(&r.values[i]),
                // An invalid row: check the field again on its own, if its cell is fine.
                None if errors.iter().all(|e| e.field.as_deref() != Some(&field.key)) => validator
                    .column_of(i)
                    .and_then(|c| cells.get(c))
                    .filter(|raw| !raw.trim().is_empty())
                    .and_then(|raw| validator.fields[i].checker.check(raw).ok())
                    .and_then(|v| unique_key(&v)),
                None => None,
            };
            let Some(key) = key else { continue };
            match seen.get(&key) {
                Some(&first) => {
                    errors.push(RowError {
                        row: pos.row,
                        line: pos.line,
                        column: validator.column_of(i),
                        field: Some(field.key.clone()),
                        header: validator.header_of(i),
                        code: RowErrorCode::DuplicateInFile,
                        message: format!(
                            "Same {} as row {first} (\"{}\"): each row needs its own. Remove or merge one of the two rows.",
                            field.header(),
                            crate::error::shorten(&key)
                        ),
                    });
                }
                None => {
                    seen.insert(key, pos.row);
                }
            }
        }
        if let Some(r) = record.as_mut() {
            for (i, field) in template.fields.iter().enumerate() {
                match (&r.values[i], field.generated) {
                    (Value::Text(name), Some(Generator::Username)) => {
                        self.usernames.insert(name.to_lowercase());
                    }
                    (Value::Null, Some(Generator::Username)) => {
                        let base = username_base(template, r);
                        let name = self.unique_username(&base);
                        r.values[i] = Value::Text(name);
                    }
                    _ => {}
                }
            }
        }
        match record {
            Some(r) if errors.is_empty() => Ok(r),
            _ => {
                errors.sort_by_key(|e| e.column.unwrap_or(usize::MAX));
                Err(errors)
            }
        }
    }

    fn unique_username(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while !self.usernames.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

/// The text two values of a unique field are compared by.
fn unique_key(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Text(s) => Some(s.to_lowercase()),
        other => Some(other.to_cell()),
    }
}

/// A username from the record: the email's local part, or else first and
/// last name; lowercase letters, digits, `.`, `_` and `-` only.
fn username_base(template: &Template, record: &Record) -> String {
    let text_of = |kind: Option<FieldType>, hint: &str| {
        template.fields.iter().zip(&record.values).find_map(|(f, v)| {
            let wanted = match kind {
                Some(k) => f.kind == k,
                None => crate::map::normalize_header(&f.key).contains(hint),
            };
            if wanted { v.as_text().map(str::to_string) } else { None }
        })
    };
    let raw = text_of(Some(FieldType::Email), "")
        .and_then(|e| e.split('@').next().map(str::to_string))
        .or_else(|| {
            let first = text_of(None, "first").unwrap_or_default();
            let last = text_of(None, "last").unwrap_or_default();
            let joined = format!("{first}.{last}");
            (joined != ".").then_some(joined)
        })
        .unwrap_or_default();
    let mut slug: String = raw
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => Some(c),
            ' ' => Some('.'),
            _ => None,
        })
        .collect();
    slug = slug.trim_matches(|c| c == '.' || c == '-' || c == '_').to_string();
    if slug.is_empty() { "user".to_string() } else { slug }
}
