//! Validate rows against a template.
//!
//! Validation has two layers. [`Validator::check_row`] looks at one row on
//! its own (types, required, defaults, dangerous content, ragged rows) and
//! can run on any row in any order, which is what an in-place edit needs.
//! [`FileRules`] then sees the rows in file order for what depends on the
//! other rows: uniqueness within the file and generated values.

use crate::error::{Position, RowError, RowErrorCode, ValueError};
use crate::map::{Mapping, MatchKind};
use crate::messages::{self, Lang, Missing};
use crate::parse::QuoteProblem;
use crate::record::{Record, Value};
use crate::template::{Field, FieldType, Reference, Template};
use crate::value::{trim, Checked, FieldChecker};

mod file_rules;
mod seen;

use file_rules::{lowercase, unique_key};
pub use file_rules::{FileRules, RowCheck};
use std::borrow::Cow;
use std::collections::HashSet;

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
    /// The quote that does not close where it should, if the reader cut the
    /// row at one: the row is then an `unclosed_quote` error.
    fn quote_problem(&self) -> Option<&QuoteProblem> {
        None
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
    #[inline]
    fn quote_problem(&self) -> Option<&QuoteProblem> {
        crate::parse::TextRecord::quote_problem(self)
    }
}

/// Cells with the quote problem their reader found, for rows kept apart
/// from it (a [`Table`](crate::parse::Table)'s rows and its
/// `quote_problems`).
#[derive(Clone, Copy, Debug)]
pub struct WithQuote<'a, C: ?Sized> {
    /// The cells.
    pub cells: &'a C,
    /// The row's quote problem.
    pub quote: Option<&'a QuoteProblem>,
}

impl<C: Cells + ?Sized> Cells for WithQuote<'_, C> {
    #[inline]
    fn len(&self) -> usize {
        self.cells.len()
    }
    #[inline]
    fn get(&self, index: usize) -> Option<&str> {
        self.cells.get(index)
    }
    #[inline]
    fn quote_problem(&self) -> Option<&QuoteProblem> {
        self.quote
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
    /// Per field index: the values (lowercased) the server said do not
    /// exist; empty when there are none at all, so the common case costs
    /// one bounds check per cell.
    unknown: Vec<Option<HashSet<String>>>,
    lang: Lang,
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
        Ok(Validator {
            template,
            header: mapping.columns.iter().map(|c| c.header.clone()).collect(),
            targets,
            fields,
            attribute_checker: FieldChecker::new(&attribute_field())?,
            unknown: Vec::new(),
            lang: Lang::En,
        })
    }

    /// The same validator, writing its messages in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Validator<'t> {
        for plan in &mut self.fields {
            plan.checker.lang = lang;
        }
        self.attribute_checker.lang = lang;
        self.lang = lang;
        self
    }

    /// The language of this validator's messages.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Flag the values the server said do not exist: `unknown` lists, by
    /// field key, normalised values of fields that have a `reference`. A
    /// cell whose value is listed (case ignored) gets the reference's error
    /// (`unknown_user`, `unknown_id`, `unknown_reference`).
    /// Keys of fields without a reference, or of no field, are ignored.
    ///
    /// ```
    /// use csv_import_core::map::map_headers;
    /// use csv_import_core::validate::Validator;
    /// use csv_import_core::Position;
    ///
    /// let template = csv_import_core::builtin::get("coaching-leads").unwrap();
    /// let header = ["Lead Email".to_string(), "Coach Email".to_string()];
    /// let mapping = map_headers(&header, &template, &[]);
    /// let unknown = [("coach_email".to_string(), vec!["coach.x@example.com".to_string()])];
    /// let validator = Validator::new(&template, &mapping, "").unwrap().with_unknown(&unknown);
    /// let errors = validator.check_row(Position { row: 1, line: 2 }, &["dana@example.com", "Coach.X@example.com"][..]).unwrap_err();
    /// assert_eq!(errors[0].code.as_str(), "unknown_user");
    /// ```
    pub fn with_unknown(mut self, unknown: &[(String, Vec<String>)]) -> Validator<'t> {
        let mut sets: Vec<Option<HashSet<String>>> = vec![None; self.template.fields.len()];
        for (key, values) in unknown {
            let Some(i) = self.template.fields.iter().position(|f| &f.key == key && f.reference.is_some()) else {
                continue;
            };
            let set = sets[i].get_or_insert_with(HashSet::new);
            set.extend(values.iter().map(|v| trim(v).to_lowercase()).filter(|v| !v.is_empty()));
        }
        self.unknown = if sets.iter().any(Option::is_some) { sets } else { Vec::new() };
        self
    }

    /// The error for a checked value of field `i` that the server said does
    /// not exist, if it is one.
    #[inline]
    fn unknown_reference(&self, i: usize, field: &Field, value: &Checked<'_>) -> Option<ValueError> {
        let set = self.unknown.get(i)?.as_ref()?;
        let text: Cow<'_, str> = match value {
            Checked::Text(t) => Cow::Borrowed(t.as_ref()),
            Checked::Value(v) => Cow::Owned(v.to_cell()),
        };
        set.contains(lowercase(&text).as_ref()).then(|| reference_error_in(field, &text, self.lang))
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
        self.walk_row(pos, cells, None, &mut errors, |item| match item {
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
        only: Option<&[bool]>,
        errors: &mut Vec<RowError>,
        mut found: impl FnMut(Item<'a>),
    ) {
        let checked = |i: usize| looks_at(only, i);
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

        // A row cut at a runaway quote: that error stands for its cell, which
        // is not checked as a value too.
        let broken = cells.quote_problem().map(|q| {
            let field = match self.targets.get(q.column) {
                Some(Target::Field(f)) => Some(*f),
                _ => None,
            };
            if only.is_none() || field.is_some_and(checked) {
                let cell = cells.get(q.column).unwrap_or("");
                let message = messages::unclosed_quote(self.lang, q, cell);
                let field = field.and_then(|f| self.template.fields.get(f));
                errors.push(error(Some(q.column), field, ValueError::new(RowErrorCode::UnclosedQuote, message)));
            }
            q.column
        });

        let width = self.header.len();
        if only.is_none() && cells.len() > width {
            let extra: Vec<&str> = (width..cells.len()).filter_map(|i| cells.get(i)).filter(|c| !c.trim().is_empty()).collect();
            if !extra.is_empty() {
                let first = (width..cells.len()).find(|&i| cells.get(i).is_some_and(|c| !c.trim().is_empty()));
                errors.push(error(
                    first,
                    None,
                    ValueError::new(RowErrorCode::ExtraCells, messages::extra_cells(self.lang, cells.len(), width, &extra)),
                ));
            }
        }

        for (i, (field, plan)) in self.template.fields.iter().zip(&self.fields).enumerate() {
            if !checked(i) {
                continue;
            }
            if field.repeatable {
                let mut items = Vec::new();
                for &c in &plan.columns {
                    let raw = cells.get(c).unwrap_or("");
                    if trim(raw).is_empty() || broken == Some(c) {
                        continue;
                    }
                    match plan.checker.check_cell(raw) {
                        Ok(v) => {
                            if let Some(e) = self.unknown_reference(i, field, &v) {
                                errors.push(error(Some(c), Some(field), e));
                                continue;
                            }
                            let text = v.into_cell();
                            if !items.iter().any(|i: &String| i.eq_ignore_ascii_case(&text)) {
                                items.push(text);
                            }
                        }
                        Err(e) => errors.push(error(Some(c), Some(field), e)),
                    }
                }
                let cut = plan.columns.iter().any(|&c| broken == Some(c));
                if items.is_empty() && field.required && !cut {
                    errors.push(error(plan.columns.first().copied(), Some(field), required(field, self.lang)));
                }
                found(Item::Field(i, Found::List(items)));
                continue;
            }
            let column = plan.columns.first().copied();
            let raw = column.and_then(|c| cells.get(c)).unwrap_or("");
            let value = if column.is_some() && column == broken {
                Found::Null
            } else if trim(raw).is_empty() {
                match (&plan.default, field.generated, field.required) {
                    (Some(default), _, _) => Found::Default(default),
                    (None, Some(_), _) | (None, None, false) => Found::Null,
                    (None, None, true) => {
                        errors.push(error(column, Some(field), required(field, self.lang)));
                        Found::Null
                    }
                }
            } else {
                match plan.checker.check_cell(raw) {
                    Ok(v) => match self.unknown_reference(i, field, &v) {
                        Some(e) => {
                            errors.push(error(column, Some(field), e));
                            Found::Null
                        }
                        None => Found::Cell(v),
                    },
                    Err(e) => {
                        errors.push(error(column, Some(field), e));
                        Found::Null
                    }
                }
            };
            found(Item::Field(i, value));
        }

        // Attribute columns belong to no field: a check of some fields skips them.
        let attributes = if only.is_none() { &self.targets[..] } else { &[] };
        for (c, target) in attributes.iter().enumerate() {
            let Target::Attribute(name) = target else { continue };
            let raw = cells.get(c).unwrap_or("");
            if trim(raw).is_empty() || broken == Some(c) {
                continue;
            }
            if let Some(e) = attribute_name_error(name, self.lang) {
                errors.push(error(Some(c), None, e));
                continue;
            }
            match self.attribute_checker.check_cell(raw) {
                Ok(v) => found(Item::Attribute(name, v)),
                Err(e) => errors.push(error(Some(c), None, e)),
            }
        }
    }

    /// The fields that read the file's `columns`, as flags by field index,
    /// for [`RowCheck::of_fields`]; `None` when one of the columns holds
    /// attributes, whose errors belong to no field.
    pub fn fields_reading(&self, columns: &[usize]) -> Option<Vec<bool>> {
        let mut fields = vec![false; self.template.fields.len()];
        for &c in columns {
            match self.targets.get(c) {
                Some(Target::Field(f)) => fields[*f] = true,
                Some(Target::Attribute(_)) => return None,
                Some(Target::Ignored) | None => {}
            }
        }
        Some(fields)
    }

    /// The 0-based file column of a field, if mapped (the first, for repeatable fields).
    pub fn column_of(&self, field_index: usize) -> Option<usize> {
        self.fields.get(field_index).and_then(|p| p.columns.first().copied())
    }

    fn header_of(&self, field_index: usize) -> Option<String> {
        self.column_of(field_index).and_then(|c| self.header.get(c)).map(|h| h.trim().to_string())
    }
}

/// Whether a check limited to the fields flagged in `only` looks at field
/// `i` (every field when `only` is `None`).
fn looks_at(only: Option<&[bool]>, i: usize) -> bool {
    only.is_none_or(|only| only.get(i).copied().unwrap_or(false))
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

/// The field an attribute's value is checked as: text of at most
/// [`ATTRIBUTE_MAX_LENGTH`](crate::record::ATTRIBUTE_MAX_LENGTH) characters.
pub(crate) fn attribute_field() -> Field {
    Field {
        key: "attribute".into(),
        label: String::new(),
        kind: FieldType::Text,
        required: false,
        unique: false,
        repeatable: false,
        default: None,
        generated: None,
        max_length: Some(crate::record::ATTRIBUTE_MAX_LENGTH),
        pattern: None,
        pattern_hint: None,
        unknown_message: None,
        formats: Vec::new(),
        options: Vec::new(),
        synonyms: Vec::new(),
        reference: None,
        help: None,
    }
}

/// What is wrong with an attribute's name (from its column's header), if
/// anything: a control character (a name is one line, so tabs and line
/// breaks too), or more than
/// [`ATTRIBUTE_NAME_MAX_LENGTH`](crate::record::ATTRIBUTE_NAME_MAX_LENGTH)
/// characters. The server checks the names it receives with it too.
///
/// ```
/// use csv_import_core::validate::attribute_name_error;
/// use csv_import_core::Lang;
///
/// assert!(attribute_name_error("Program Start Date", Lang::En).is_none());
/// assert_eq!(attribute_name_error("Coach\nName", Lang::En).unwrap().code.as_str(), "control_character");
/// assert_eq!(attribute_name_error(&"x".repeat(101), Lang::En).unwrap().code.as_str(), "too_long");
/// ```
pub fn attribute_name_error(name: &str, lang: Lang) -> Option<ValueError> {
    use crate::record::ATTRIBUTE_NAME_MAX_LENGTH as MAX;
    if let Some((at, c)) = crate::value::find_control(name, crate::value::Controls::None) {
        let position = name[..at].chars().count() + 1;
        let message = messages::attribute_name(lang, name, Err((c, position)), MAX);
        return Some(ValueError::new(RowErrorCode::ControlCharacter, message));
    }
    let len = if name.len() <= MAX { 0 } else { name.chars().count() };
    (len > MAX).then(|| ValueError::new(RowErrorCode::TooLong, messages::attribute_name(lang, name, Ok(len), MAX)))
}

fn required(field: &Field, lang: Lang) -> ValueError {
    ValueError::new(RowErrorCode::Required, messages::required(lang, field.header()))
}

/// The error of a value of `field` (which has a `reference`) that does not
/// exist on the server: its code and a message with the fix. The server
/// uses it too, for the rows it checks again at commit.
pub fn reference_error(field: &Field, value: &str) -> ValueError {
    reference_error_in(field, value, Lang::En)
}

/// [`reference_error`], with the message in `lang`.
///
/// ```
/// use csv_import_core::validate::reference_error_in;
/// use csv_import_core::Lang;
///
/// let template = csv_import_core::builtin::get("coaching-leads").unwrap();
/// let coach = template.field("coach_email").unwrap();
/// let error = reference_error_in(coach, "x@example.com", Lang::Fr);
/// assert!(error.message.starts_with("x@example.com n’est pas un utilisateur de cet espace."), "{}", error.message);
/// ```
pub fn reference_error_in(field: &Field, value: &str, lang: Lang) -> ValueError {
    let shown = crate::error::shorten(value);
    let (code, missing) = match &field.reference {
        Some(Reference::User) | None => (RowErrorCode::UnknownUser, Missing::User),
        Some(Reference::Record) => (RowErrorCode::UnknownId, Missing::Record),
        Some(Reference::Named(_)) => (RowErrorCode::UnknownReference, Missing::Named(field.unknown_message.as_ref())),
    };
    ValueError::new(code, messages::unknown_reference(lang, missing, &shown, field.header()))
}
