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
use crate::value::{trim, Checked, FieldChecker};
use std::borrow::Cow;
use std::collections::hash_map::{Entry, RandomState};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

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

impl Cells for crate::parse::TextRecord {
    #[inline]
    fn len(&self) -> usize {
        crate::parse::TextRecord::len(self)
    }
    #[inline]
    fn get(&self, index: usize) -> Option<&str> {
        crate::parse::TextRecord::get(self, index)
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
                let default = checker.default_value(now)?;
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
        let mut values = Vec::with_capacity(self.fields.len());
        let mut attributes = Vec::new();
        self.walk_row(pos, cells, &mut errors, |item| match item {
            Item::Field(_, found) => values.push(found.into_value()),
            Item::Attribute(name, value) => attributes.push((name.to_string(), value.into_cell())),
        });
        if errors.is_empty() {
            Ok(Record { row: pos.row, values, attributes })
        } else {
            errors.sort_by_key(|e| e.column.unwrap_or(usize::MAX));
            Err(errors)
        }
    }

    /// The checks of [`check_row`](Validator::check_row): pushes the row's
    /// errors (unsorted) and hands each field's value, then each attribute's,
    /// to `found`, borrowed where it can be, so that a caller that needs
    /// only the verdict does not pay for building a record.
    #[inline]
    fn walk_row<'a, C: Cells + ?Sized>(
        &'a self,
        pos: Position,
        cells: &'a C,
        errors: &mut Vec<RowError>,
        mut found: impl FnMut(Item<'a>),
    ) {
        // Called only when there is an error: the clones stay off the hot path.
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

        for (i, (field, plan)) in self.template.fields.iter().zip(&self.fields).enumerate() {
            if field.repeatable {
                let mut items = Vec::new();
                for &c in &plan.columns {
                    let raw = cells.get(c).unwrap_or("");
                    if trim(raw).is_empty() {
                        continue;
                    }
                    match plan.checker.check_cell(raw) {
                        Ok(v) => {
                            let text = v.into_cell();
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
                found(Item::Field(i, Found::List(items)));
                continue;
            }
            let column = plan.columns.first().copied();
            let raw = column.and_then(|c| cells.get(c)).unwrap_or("");
            let value = if trim(raw).is_empty() {
                match (&plan.default, field.generated, field.required) {
                    (Some(default), _, _) => Found::Default(default),
                    (None, Some(_), _) | (None, None, false) => Found::Null,
                    (None, None, true) => {
                        errors.push(error(column, Some(field), required(field)));
                        Found::Null
                    }
                }
            } else {
                match plan.checker.check_cell(raw) {
                    Ok(v) => Found::Cell(v),
                    Err(e) => {
                        errors.push(error(column, Some(field), e));
                        Found::Null
                    }
                }
            };
            found(Item::Field(i, value));
        }

        for (c, target) in self.targets.iter().enumerate() {
            let Target::Attribute(name) = target else { continue };
            let raw = cells.get(c).unwrap_or("");
            if trim(raw).is_empty() {
                continue;
            }
            match self.attribute_checker.check_cell(raw) {
                Ok(v) => found(Item::Attribute(name, v)),
                Err(e) => errors.push(error(Some(c), None, e)),
            }
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

/// What [`Validator::walk_row`] found in a row.
enum Item<'a> {
    /// The value of the template field with this index.
    Field(usize, Found<'a>),
    /// An attribute column's name and value.
    Attribute(&'a str, Checked<'a>),
}

/// One field's value in a row.
enum Found<'a> {
    /// Empty (or in error).
    Null,
    /// Empty, so the field's default.
    Default(&'a Value),
    /// The checked cell.
    Cell(Checked<'a>),
    /// A repeatable field's values.
    List(Vec<String>),
}

impl Found<'_> {
    /// The value a record holds.
    fn into_value(self) -> Value {
        match self {
            Found::Null => Value::Null,
            Found::Default(value) => value.clone(),
            Found::Cell(checked) => checked.into_value(),
            Found::List(items) => Value::List(items),
        }
    }

    /// What [`unique_key`] gives for [`into_value`](Found::into_value),
    /// without building the value.
    fn unique_key(&self) -> Option<Cow<'_, str>> {
        match self {
            Found::Null => None,
            Found::Default(value) => unique_key(value),
            Found::Cell(Checked::Text(text)) => Some(lowercase(text)),
            Found::Cell(Checked::Value(value)) => unique_key(value),
            Found::List(items) => Some(Cow::Owned(items.join(", "))),
        }
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
    seen: Vec<Option<SeenValues>>,
    /// Usernames already used in the file, explicit or generated.
    usernames: HashSet<String>,
    /// For [`verdict`](FileRules::verdict): the current row's unique keys,
    /// back to back, and (field, start, end) of each; kept between rows so
    /// that their buffers are reused.
    keys: String,
    spans: Vec<(usize, usize, usize)>,
}

impl FileRules {
    /// Rules for one template.
    pub fn new(template: &Template) -> FileRules {
        FileRules {
            seen: template.fields.iter().map(|f| f.unique.then(SeenValues::default)).collect(),
            usernames: HashSet::new(),
            keys: String::new(),
            spans: Vec::new(),
        }
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
        let mut errors = Vec::new();
        let FileRules { seen, keys, spans, .. } = self;
        keys.clear();
        spans.clear();
        // Inlined: the items are too big to pass through memory per cell.
        validator.walk_row(
            pos,
            cells,
            &mut errors,
            #[inline(always)]
            |item| {
                if let Item::Field(i, found) = item
                    && seen[i].is_some()
                    && let Some(key) = found.unique_key()
                {
                    let start = keys.len();
                    keys.push_str(&key);
                    spans.push((i, start, keys.len()));
                }
            },
        );
        if errors.is_empty() {
            // A valid row claims the values it would have in its record, as
            // in `admit`; fields come in template order there and here.
            for &(i, start, end) in spans.iter() {
                if let Some(seen) = seen[i].as_mut() {
                    claim(seen, validator, pos, i, &keys[start..end], &mut errors);
                }
            }
        } else {
            for (i, seen) in seen.iter_mut().enumerate() {
                let Some(seen) = seen else { continue };
                if let Some(key) = recheck_key(validator, i, &errors, cells) {
                    claim(seen, validator, pos, i, &key, &mut errors);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            errors.sort_by_key(|e| e.column.unwrap_or(usize::MAX));
            Err(errors)
        }
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
        message: format!(
            "Same {} as row {first} (\"{}\"): each row needs its own. Remove or merge one of the two rows.",
            field.header(),
            crate::error::shorten(key)
        ),
    });
}

/// The text two values of a unique field are compared by: text in lower
/// case, borrowed when it already is (emails always are).
fn unique_key(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::Null => None,
        Value::Text(s) => Some(lowercase(s)),
        other => Some(Cow::Owned(other.to_cell())),
    }
}

/// `s.to_lowercase()`, without a copy when nothing changes.
fn lowercase(s: &str) -> Cow<'_, str> {
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

/// The values a unique field has had so far, each with the first row that
/// had it.
///
/// A `HashMap<String, u64>` costs an allocation per value (and as much
/// again to free it), which on a big file made uniqueness cost more than
/// all the other checks together. Here the map goes from each value's
/// 64-bit hash to where the value is kept: all of them back to back in one
/// `String`, so that remembering a value costs a copy and no allocation.
///
/// The hash is std's SipHash with random keys per file, so a crafted file
/// cannot make values collide on purpose. Two different values can still
/// share a hash by chance: the stored text is compared on every hit, so a
/// collision is never taken for a duplicate, and the second value goes to a
/// plain map.
struct SeenValues<S = RandomState> {
    hasher: S,
    first: HashMap<u64, Seen, BuildHasherDefault<HashIsKey>>,
    text: String,
    /// Values whose hash an earlier, different value has.
    collided: HashMap<String, u64>,
}

/// Where a value is in [`SeenValues::text`], and its first row.
struct Seen {
    start: usize,
    end: usize,
    row: u64,
}

impl<S: BuildHasher + Default> Default for SeenValues<S> {
    fn default() -> Self {
        SeenValues { hasher: S::default(), first: HashMap::default(), text: String::new(), collided: HashMap::new() }
    }
}

impl<S: BuildHasher> SeenValues<S> {
    /// The first row that had `value`, or `None` (and `row` is remembered as
    /// that first row).
    fn first_row(&mut self, value: &str, row: u64) -> Option<u64> {
        match self.first.entry(self.hasher.hash_one(value)) {
            Entry::Vacant(slot) => {
                let start = self.text.len();
                self.text.push_str(value);
                slot.insert(Seen { start, end: self.text.len(), row });
                None
            }
            Entry::Occupied(slot) => {
                let seen = slot.get();
                if &self.text[seen.start..seen.end] == value {
                    return Some(seen.row);
                }
                match self.collided.entry(value.to_string()) {
                    Entry::Occupied(first) => Some(*first.get()),
                    Entry::Vacant(slot) => {
                        slot.insert(row);
                        None
                    }
                }
            }
        }
    }
}

/// A `Hasher` for keys that are already hashes: it passes the `u64` on.
#[derive(Default)]
struct HashIsKey(u64);

impl Hasher for HashIsKey {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are used; kept correct for anything else.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every value hashes alike: each lookup is a collision.
    #[derive(Default)]
    struct OneHash;

    impl BuildHasher for OneHash {
        type Hasher = HashIsKey;
        fn build_hasher(&self) -> HashIsKey {
            HashIsKey(42)
        }
    }

    #[test]
    fn colliding_hashes_are_not_duplicates() {
        let mut seen = SeenValues::<OneHash>::default();
        assert_eq!(seen.first_row("ann@example.com", 1), None);
        assert_eq!(seen.first_row("bob@example.com", 2), None);
        assert_eq!(seen.first_row("cy@example.com", 3), None);
        assert_eq!(seen.first_row("bob@example.com", 4), Some(2));
        assert_eq!(seen.first_row("ann@example.com", 5), Some(1));
        assert_eq!(seen.first_row("cy@example.com", 6), Some(3));
        assert_eq!(seen.first_row("", 7), None);
        assert_eq!(seen.first_row("", 8), Some(7));
    }

    proptest! {
        #[test]
        fn seen_values_agree_with_a_plain_map(values in proptest::collection::vec("[aAé]{0,3}", 0..60), weak in any::<bool>()) {
            let mut plain: HashMap<String, u64> = HashMap::new();
            let (mut strong, mut colliding) = (SeenValues::<RandomState>::default(), SeenValues::<OneHash>::default());
            for (row, value) in (1..).zip(&values) {
                let want = plain.get(value).copied();
                plain.entry(value.clone()).or_insert(row);
                let got = if weak { colliding.first_row(value, row) } else { strong.first_row(value, row) };
                prop_assert_eq!(got, want, "{}", value);
            }
        }

        #[test]
        fn lowercase_is_to_lowercase(s in "[aAzZ0 .@]{0,8}|\\PC{0,8}|[ΣσςİIıǅǄǆß]{0,4}") {
            let lower = lowercase(&s);
            prop_assert_eq!(&*lower, s.to_lowercase());
            prop_assert_eq!(matches!(lower, Cow::Borrowed(_)), s.to_lowercase() == s);
        }
    }
}
