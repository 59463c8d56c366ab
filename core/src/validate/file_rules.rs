//! The rules that need the other rows of the file: uniqueness within the
//! file and generated values.

use super::seen::SeenValues;
use super::{Cells, Item, RowOutcome, Validator, looks_at};
use crate::error::{Position, RowError, RowErrorCode};
use crate::record::{Record, Value};
use crate::template::{FieldType, Generator, Template};
use std::borrow::Cow;
use std::collections::HashSet;

/// The rules that need the other rows: uniqueness within the file and
/// generated values. Feed it every row in file order.
pub struct FileRules {
    /// Per unique field: normalised value to the first row that has it.
    seen: Vec<Option<SeenValues>>,
    /// Usernames already used in the file, explicit or generated.
    usernames: HashSet<String>,
    /// For [`verdict`](FileRules::verdict): the current row's check, kept
    /// between rows so that its buffers are reused.
    check: RowCheck,
}

/// One row checked on its own ([`Validator::check_into`]): its errors, and
/// the key each unique field claims in it, as the file rules compare them.
/// An editor that keeps the file's rows checks a changed row again with it
/// and learns, from the keys, which other rows the change can affect,
/// without checking the file again.
///
/// Its buffers are reused from row to row: keep one and pass it each time.
#[derive(Debug, Default)]
pub struct RowCheck {
    errors: Vec<RowError>,
    /// The unique keys back to back, and (field, start, end) of each.
    keys: String,
    spans: Vec<(usize, usize, usize)>,
    /// The fields checked, as flags by field index; `None`: the whole row.
    only: Option<Vec<bool>>,
}

impl RowCheck {
    /// An empty check, to pass to [`Validator::check_into`].
    pub fn new() -> RowCheck {
        RowCheck::default()
    }

    /// A check of some fields only (flags by field index, e.g. from
    /// [`Validator::fields_reading`]): their errors and keys, and a cut
    /// quote in one of their cells. The row's other fields, its attribute
    /// columns and its extra cells are not looked at, so an editor that
    /// changed one column keeps the row's other errors as they were.
    pub fn of_fields(fields: Vec<bool>) -> RowCheck {
        RowCheck { only: Some(fields), ..RowCheck::default() }
    }

    /// Whether the check looks at field `field` (by index): every field,
    /// unless it was made [`of_fields`](RowCheck::of_fields).
    pub fn looks_at(&self, field: usize) -> bool {
        looks_at(self.only.as_deref(), field)
    }

    /// The row's own errors (none of the file rules'), unsorted.
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    /// The row's errors, taken out (the keys stay).
    pub fn take_errors(&mut self) -> Vec<RowError> {
        std::mem::take(&mut self.errors)
    }

    /// The key of unique field `field` (by index) in the row, if it claims
    /// one: none when the field's own cell has an error, or it is empty
    /// with no default.
    pub fn key(&self, field: usize) -> Option<&str> {
        self.keys().find(|(i, _)| *i == field).map(|(_, key)| key)
    }

    /// Each unique field's key in the row (field index, key), in field order.
    pub fn keys(&self) -> impl Iterator<Item = (usize, &str)> {
        self.spans.iter().map(|&(i, start, end)| (i, &self.keys[start..end]))
    }

    fn clear(&mut self) {
        self.errors.clear();
        self.keys.clear();
        self.spans.clear();
    }

    fn push_key(&mut self, field: usize, key: &str) {
        let start = self.keys.len();
        self.keys.push_str(key);
        self.spans.push((field, start, self.keys.len()));
    }
}

impl Validator<'_> {
    /// Check one row on its own into `check`: the checks of
    /// [`check_row`](Validator::check_row), without building a record, and
    /// the keys its unique fields claim, as [`FileRules`] claims them.
    ///
    /// ```
    /// use csv_import_core::error::Position;
    /// use csv_import_core::map::map_headers;
    /// use csv_import_core::validate::{RowCheck, Validator};
    ///
    /// let template = csv_import_core::builtin::get("clients").unwrap();
    /// let header = ["First Name".to_string(), "Email".to_string()];
    /// let validator = Validator::new(&template, &map_headers(&header, &template, &[]), "").unwrap();
    /// let email = template.fields.iter().position(|f| f.key == "email").unwrap();
    /// let mut check = RowCheck::new();
    /// validator.check_into(Position { row: 1, line: 2 }, &["", "Ann@Example.com"][..], &mut check);
    /// assert_eq!(check.errors()[0].code.as_str(), "required");
    /// assert_eq!(check.key(email), Some("ann@example.com"));
    /// validator.check_into(Position { row: 2, line: 3 }, &["Bob", "not-an-email"][..], &mut check);
    /// assert_eq!(check.key(email), None);
    /// ```
    pub fn check_into<C: Cells + ?Sized>(&self, pos: Position, cells: &C, check: &mut RowCheck) {
        check.clear();
        let RowCheck { errors, keys, spans, only } = check;
        let fields = &self.template.fields;
        // Inlined: the items are too big to pass through memory per cell.
        self.walk_row(
            pos,
            cells,
            only.as_deref(),
            errors,
            #[inline(always)]
            |item| {
                if let Item::Field(i, found) = item
                    && fields[i].unique
                    && let Some(key) = found.unique_key()
                {
                    let start = keys.len();
                    keys.push_str(&key);
                    spans.push((i, start, keys.len()));
                }
            },
        );
        if !check.errors.is_empty() {
            // A row with errors claims the keys of the fields without one.
            check.keys.clear();
            check.spans.clear();
            for i in 0..fields.len() {
                if fields[i].unique && check.looks_at(i) && let Some(key) = recheck_key(self, i, &check.errors, cells) {
                    check.push_key(i, &key);
                }
            }
        }
    }
}

impl FileRules {
    /// Rules for one template.
    pub fn new(template: &Template) -> FileRules {
        FileRules {
            seen: template.fields.iter().map(|f| f.unique.then(SeenValues::default)).collect(),
            usernames: HashSet::new(),
            check: RowCheck::new(),
        }
    }

    /// Rules for one template and a file of about `rows` rows: the tables
    /// of unique values are made that big at once, rather than grown (and
    /// copied, the old table and the new one held together) as they fill.
    pub fn with_rows(template: &Template, rows: usize) -> FileRules {
        let mut rules = FileRules::new(template);
        rules.seen.iter_mut().flatten().for_each(|seen| seen.reserve(rows));
        rules
    }

    /// Take names already used outside the file (say, existing usernames),
    /// so that generated ones avoid them.
    pub fn reserve_usernames<I: IntoIterator<Item = String>>(&mut self, names: I) {
        self.usernames.extend(names.into_iter().map(|n| n.to_lowercase()));
    }

    /// [`Validator::check_row`] then [`admit`](FileRules::admit), for a
    /// caller that needs only the verdict: the same errors in the same
    /// order, and the same unique values claimed, but no record is built,
    /// so a valid row costs no allocation.
    ///
    /// Generated values are not made (no record holds them), and do not
    /// change a verdict; to get the records of some rows later, run
    /// `check_row` and `admit` over the file again with fresh rules.
    ///
    /// ```
    /// use csv_import_core::error::Position;
    /// use csv_import_core::map::map_headers;
    /// use csv_import_core::validate::{FileRules, Validator};
    ///
    /// let template = csv_import_core::builtin::get("clients").unwrap();
    /// let header = ["First Name".to_string(), "Email".to_string()];
    /// let mapping = map_headers(&header, &template, &[]);
    /// let validator = Validator::new(&template, &mapping, "").unwrap();
    /// let mut rules = FileRules::new(&template);
    /// let rows = [["Ann", "ann@example.com"], ["Bob", "ANN@example.com"], ["", "cy@example.com"]];
    /// let codes: Vec<Vec<&str>> = (1..)
    ///     .zip(&rows)
    ///     .map(|(row, cells)| match rules.verdict(&validator, Position { row, line: row + 1 }, &cells[..]) {
    ///         Ok(()) => vec![],
    ///         Err(errors) => errors.iter().map(|e| e.code.as_str()).collect(),
    ///     })
    ///     .collect();
    /// assert_eq!(codes, [vec![], vec!["duplicate_in_file"], vec!["required"]]);
    /// ```
    pub fn verdict<C: Cells + ?Sized>(
        &mut self,
        validator: &Validator<'_>,
        pos: Position,
        cells: &C,
    ) -> Result<(), Vec<RowError>> {
        validator.check_into(pos, cells, &mut self.check);
        let RowCheck { errors, keys, spans, .. } = &mut self.check;
        for &(i, start, end) in spans.iter() {
            if let Some(seen) = self.seen[i].as_mut() {
                claim(seen, validator, pos, i, &keys[start..end], errors);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            errors.sort_by_key(|e| e.column.unwrap_or(usize::MAX));
            Err(std::mem::take(errors))
        }
    }

    /// The unique values the row last given to
    /// [`verdict`](FileRules::verdict) claimed, by field index, as compared
    /// (lower case): none for a field whose own cell has an error or that
    /// is empty with no default. A caller that indexes rows by their keys
    /// gets them here without checking the cells again.
    ///
    /// ```
    /// use csv_import_core::error::Position;
    /// use csv_import_core::map::map_headers;
    /// use csv_import_core::validate::{FileRules, Validator};
    ///
    /// let template = csv_import_core::builtin::get("clients").unwrap();
    /// let header = ["First Name".to_string(), "Email".to_string()];
    /// let mapping = map_headers(&header, &template, &[]);
    /// let validator = Validator::new(&template, &mapping, "").unwrap();
    /// let email = template.fields.iter().position(|f| f.key == "email").unwrap();
    /// let mut rules = FileRules::new(&template);
    /// let _ = rules.verdict(&validator, Position { row: 1, line: 2 }, &["", "Ann@Example.com"][..]);
    /// assert_eq!(rules.claimed().collect::<Vec<_>>(), [(email, "ann@example.com")]);
    /// let _ = rules.verdict(&validator, Position { row: 2, line: 3 }, &["Bob", "not-an-email"][..]);
    /// assert_eq!(rules.claimed().count(), 0);
    /// ```
    pub fn claimed(&self) -> impl Iterator<Item = (usize, &str)> {
        self.check.keys()
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
        for (i, seen) in self.seen.iter_mut().enumerate() {
            let Some(seen) = seen else { continue };
            let key = match &record {
                Some(r) => unique_key(&r.values[i]),
                None => recheck_key(validator, i, &errors, cells).map(Cow::Owned),
            };
            if let Some(key) = key {
                claim(seen, validator, pos, i, &key, &mut errors);
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

/// The unique key of field `i` in a row with `errors`: the field's own cell
/// checked again, if it has no error of its own and is not empty.
fn recheck_key<C: Cells + ?Sized>(validator: &Validator<'_>, i: usize, errors: &[RowError], cells: &C) -> Option<String> {
    let key = &validator.template.fields[i].key;
    if errors.iter().any(|e| e.field.as_deref() == Some(key)) {
        return None;
    }
    let raw = validator.column_of(i).and_then(|c| cells.get(c)).filter(|raw| !raw.trim().is_empty())?;
    let value = validator.fields[i].checker.check(raw).ok()?;
    unique_key(&value).map(Cow::into_owned)
}

/// Claim a unique field's value for this row; a duplicate error if an
/// earlier row has it.
fn claim(
    seen: &mut SeenValues,
    validator: &Validator<'_>,
    pos: Position,
    i: usize,
    key: &str,
    errors: &mut Vec<RowError>,
) {
    let Some(first) = seen.first_row(key, pos.row) else { return };
    let field = &validator.template.fields[i];
    errors.push(RowError {
        row: pos.row,
        line: pos.line,
        column: validator.column_of(i),
        field: Some(field.key.clone()),
        header: validator.header_of(i),
        code: RowErrorCode::DuplicateInFile,
        message: crate::messages::duplicate_in_file(
            validator.lang,
            field.header(),
            first,
            &crate::error::shorten(key),
        ),
    });
}

/// The text two values of a unique field are compared by: text in lower
/// case, borrowed when it already is (emails always are).
pub(super) fn unique_key(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Null => None,
        Value::Text(s) => Some(lowercase(s)),
        other => Some(Cow::Owned(other.to_cell())),
    }
}

/// `s.to_lowercase()`, without a copy when nothing changes.
pub(super) fn lowercase(s: &str) -> Cow<'_, str> {
    let unchanged = if s.is_ascii() {
        !s.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        // Every character its own lower case; `str::to_lowercase` then
        // changes nothing either (its one special case, 'Σ', changes).
        s.chars().all(|c| {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        })
    };
    if unchanged { Cow::Borrowed(s) } else { Cow::Owned(s.to_lowercase()) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lowercase_is_to_lowercase(s in "[aAzZ0 .@]{0,8}|\\PC{0,8}|[ΣσςİIıǅǄǆß]{0,4}") {
            let lower = lowercase(&s);
            prop_assert_eq!(&*lower, s.to_lowercase());
            prop_assert_eq!(matches!(lower, Cow::Borrowed(_)), s.to_lowercase() == s);
        }
    }
}
