//! Map the file's headers to template fields.
//!
//! Each column is matched by the first rule that fits, strongest first:
//! the field's key or label exactly; the same ignoring case, accents,
//! spaces and punctuation; one of the field's synonyms; a close spelling;
//! what its values look like. Remembered choices and the caller's
//! overrides come last. Unknown columns stay unmapped and are ignored.
//! See [`Mapper`].

use crate::error::{FileError, FileErrorCode};
use crate::messages::{self, Lang};
use crate::template::{Field, FieldType, Template};
use crate::value::FieldChecker;
use serde::{Deserialize, Serialize};

/// How similar (Jaro-Winkler, on normalised text) a header must be to a
/// field's name to be matched by spelling alone. High on purpose: a wrong
/// guess is worse than asking the user.
const SIMILARITY_THRESHOLD: f64 = 0.9;

/// At least this share of a column's sample values must pass a field's
/// checks for the column to be suggested for that field by its content.
const CONTENT_SHARE: f64 = 0.8;

/// A column needs this many non-empty sample values to be judged by them.
const CONTENT_MIN_VALUES: usize = 3;

/// How many non-empty values of a column its content is judged on.
const CONTENT_MAX_VALUES: usize = 50;

/// How a column came to its field, strongest first; the modal shows it as
/// how sure the match is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchKind {
    /// The header is the field's key or label.
    Exact,
    /// The header equals the key or label ignoring case, accents, spaces and
    /// punctuation.
    Normalized,
    /// The header is one of the field's synonyms.
    Synonym,
    /// The header is spelled close to the field's name.
    Similar,
    /// The header says nothing known, but the column's values look like the
    /// field's (see [`Column::looks_like`]).
    Content,
    /// The header has an attribute prefix (`attribute:Name`).
    Attribute,
    /// The mapping the user confirmed for these headers last time.
    Remembered,
    /// The caller chose the field.
    Chosen,
    /// No field; the column is ignored.
    Unmapped,
}

impl MatchKind {
    /// Matches made by a person (now or last time) rather than guessed.
    fn by_person(self) -> bool {
        matches!(self, MatchKind::Chosen | MatchKind::Remembered)
    }
}

/// What a column's values look like, when that is how it was mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ContentKind {
    /// Email addresses.
    Emails,
    /// Phone numbers.
    Phones,
    /// Dates.
    Dates,
    /// Dates with times.
    Datetimes,
    /// Web addresses.
    Urls,
    /// Yes / no values.
    Booleans,
    /// Values from the field's list of options.
    Options,
}

impl ContentKind {
    /// The kind of values a field of this type can be recognised by, if any.
    fn of(kind: FieldType) -> Option<ContentKind> {
        Some(match kind {
            FieldType::Email => ContentKind::Emails,
            FieldType::Phone => ContentKind::Phones,
            FieldType::Date => ContentKind::Dates,
            FieldType::Datetime => ContentKind::Datetimes,
            FieldType::Url => ContentKind::Urls,
            FieldType::Boolean => ContentKind::Booleans,
            FieldType::Enum => ContentKind::Options,
            _ => return None,
        })
    }

    /// Why the column was suggested, for a person: "looks like email
    /// addresses".
    pub fn reason(self, lang: Lang) -> &'static str {
        messages::looks_like(lang, self)
    }
}

/// One column of the file and what it maps to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// 0-based position in the file.
    pub index: usize,
    /// The header text as in the file.
    pub header: String,
    /// The template field key, if mapped to a field.
    pub field: Option<String>,
    /// The attribute name, if this is a dynamic attribute column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// How the mapping was found.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// For a column mapped by its content: what its values look like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looks_like: Option<ContentKind>,
}

/// A caller's choice for one column: map it to a field, or ignore it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// Which column: its header text (trimmed, case-insensitive) or,
    /// when the header is `#N`, the N-th column (1-based).
    pub column: String,
    /// The field key, or `None` to ignore the column.
    pub field: Option<String>,
}

impl Override {
    /// Parse `HEADER=FIELD` (an empty FIELD, or `-`, ignores the column).
    pub fn parse(spec: &str) -> Result<Override, String> {
        let (column, field) = spec.rsplit_once('=').ok_or_else(|| format!("'{spec}' is not HEADER=FIELD"))?;
        let field = field.trim();
        Ok(Override {
            column: column.trim().to_string(),
            field: if field.is_empty() || field == "-" { None } else { Some(field.to_string()) },
        })
    }

    fn applies_to(&self, index: usize, header: &str) -> bool {
        match self.column.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n == index + 1,
            None => self.column.trim().eq_ignore_ascii_case(header.trim()),
        }
    }
}

/// The mapping of every column, and the file errors it implies.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// One entry per header cell, in file order.
    pub columns: Vec<Column>,
    /// Duplicate or missing columns, bad overrides.
    pub file_errors: Vec<FileError>,
}

impl Mapping {
    /// The columns mapped to this field, in file order.
    pub fn columns_for<'m>(&'m self, key: &'m str) -> impl Iterator<Item = &'m Column> + 'm {
        self.columns.iter().filter(move |c| c.field.as_deref() == Some(key))
    }

    /// The columns mapped to nothing.
    pub fn unmapped(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.field.is_none() && c.attribute.is_none() && !c.header.trim().is_empty())
    }
}

/// Lowercase letters and digits only, accents removed from Latin letters:
/// `E-Mail Address` becomes `emailaddress`, `Téléphone` `telephone`.
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase) {
        match strip_accent(c) {
            Some(base) => out.push_str(base),
            None => out.push(c),
        }
    }
    out
}

/// The unaccented spelling of a lowercase Latin letter with a diacritic.
fn strip_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ť' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'æ' => "ae",
        'œ' => "oe",
        'ß' => "ss",
        _ => return None,
    })
}

/// Map `header` to the fields of `template`, applying `overrides` last.
///
/// The same as `Mapper::new(template).overrides(overrides).map(header)`;
/// [`Mapper`] also takes sample rows, remembered choices and a language.
///
/// ```
/// use csv_import_core::{map::map_headers, Template};
/// let template = Template::from_toml(r#"
///     name = "t"
///     label = "T"
///     [[fields]]
///     key = "email"
///     label = "Email"
///     synonyms = ["E-Mail Address"]
///     required = true
/// "#).unwrap();
/// let header = vec!["e-mail address".to_string(), "Notes".to_string()];
/// let mapping = map_headers(&header, &template, &[]);
/// assert_eq!(mapping.columns[0].field.as_deref(), Some("email"));
/// assert_eq!(mapping.columns[1].field, None);
/// assert!(mapping.file_errors.is_empty());
/// ```
pub fn map_headers(header: &[String], template: &Template, overrides: &[Override]) -> Mapping {
    Mapper::new(template).overrides(overrides).map(header)
}

/// [`map_headers`], with the file errors written in `lang`.
pub fn map_headers_in(header: &[String], template: &Template, overrides: &[Override], lang: Lang) -> Mapping {
    Mapper::new(template).overrides(overrides).lang(lang).map(header)
}

/// Maps a file's columns to a template's fields.
///
/// Each column is matched by the first rule that fits, strongest first:
/// the field's key or label exactly; the same ignoring case, accents,
/// spaces and punctuation; one of the field's synonyms; a close spelling;
/// then, for a column whose header says nothing known, its values (mostly
/// email addresses, phone numbers, dates, web addresses, yes/no values or
/// one of an enum's options). A guess never gives a field that is not
/// repeatable a second column: the stronger match keeps it, then the
/// earlier column. Remembered choices (what the user confirmed for these
/// headers before) come next, and the caller's overrides last; both take a
/// field from a guessed column.
///
/// ```
/// use csv_import_core::map::{ContentKind, Mapper, MatchKind};
/// use csv_import_core::{Lang, Template};
///
/// let template = Template::from_toml(r#"
///     name = "t"
///     label = "T"
///     [[fields]]
///     key = "name"
///     [[fields]]
///     key = "email"
///     type = "email"
/// "#).unwrap();
/// let header = vec!["Name".to_string(), "Contact".to_string()];
/// let rows = vec![
///     vec!["Ann".to_string(), "ann@example.com".to_string()],
///     vec!["Bob".to_string(), "bob@example.com".to_string()],
///     vec!["Cy".to_string(), "cy@example.org".to_string()],
/// ];
/// let mapping = Mapper::new(&template).samples(&rows).map(&header);
/// let contact = &mapping.columns[1];
/// assert_eq!((contact.field.as_deref(), contact.how), (Some("email"), MatchKind::Content));
/// assert_eq!(contact.looks_like.unwrap().reason(Lang::En), "looks like email addresses");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Mapper<'a> {
    template: &'a Template,
    overrides: &'a [Override],
    remembered: &'a [Override],
    samples: &'a [Vec<String>],
    lang: Lang,
}

impl<'a> Mapper<'a> {
    /// A mapper for `template`: no samples, nothing remembered, no
    /// overrides, English.
    pub fn new(template: &'a Template) -> Mapper<'a> {
        Mapper { template, overrides: &[], remembered: &[], samples: &[], lang: Lang::En }
    }

    /// The caller's choices, applied last ([`MatchKind::Chosen`]).
    pub fn overrides(mut self, overrides: &'a [Override]) -> Mapper<'a> {
        self.overrides = overrides;
        self
    }

    /// Choices remembered from an earlier import of a file with these
    /// headers ([`MatchKind::Remembered`]); a choice naming a column or
    /// field that is not there is left out silently.
    pub fn remembered(mut self, remembered: &'a [Override]) -> Mapper<'a> {
        self.remembered = remembered;
        self
    }

    /// The file's first data rows, cells in column order, for mapping
    /// columns by their values.
    pub fn samples(mut self, rows: &'a [Vec<String>]) -> Mapper<'a> {
        self.samples = rows;
        self
    }

    /// The language of the file errors.
    pub fn lang(mut self, lang: Lang) -> Mapper<'a> {
        self.lang = lang;
        self
    }

    /// Maps every cell of `header`.
    pub fn map(&self, header: &[String]) -> Mapping {
        let (template, lang) = (self.template, self.lang);
        let names: Vec<FieldNames> = template.fields.iter().map(FieldNames::new).collect();
        let mut columns: Vec<Column> = header
            .iter()
            .enumerate()
            .map(|(index, text)| Column {
                index,
                header: text.clone(),
                field: None,
                attribute: None,
                how: MatchKind::Unmapped,
                looks_like: None,
            })
            .collect();

        // Header rules, strongest first over all columns, so that a weaker
        // match never takes a field a stronger one claims later in the file.
        let normalized: Vec<String> = columns.iter().map(|c| normalize_header(c.header.trim())).collect();
        for column in &mut columns {
            if let Some(name) = attribute_name(column.header.trim(), &template.attribute_prefixes) {
                column.attribute = Some(name.to_string());
                column.how = MatchKind::Attribute;
            }
        }
        let rules: [(MatchKind, &dyn Fn(&FieldNames, &Column, &str) -> bool); 3] = [
            (MatchKind::Exact, &|n, c, _| n.key == c.header.trim() || n.label == c.header.trim()),
            (MatchKind::Normalized, &|n, _, norm| n.normalized.iter().take(2).any(|s| s == norm)),
            (MatchKind::Synonym, &|n, _, norm| n.normalized.iter().skip(2).any(|s| s == norm)),
        ];
        for (how, matches) in rules {
            for k in 0..columns.len() {
                if columns[k].how != MatchKind::Unmapped || normalized[k].is_empty() {
                    continue;
                }
                let free = names.iter().enumerate().position(|(i, n)| {
                    matches(n, &columns[k], &normalized[k]) && is_free(&columns, &template.fields[i])
                });
                if let Some(i) = free {
                    columns[k].field = Some(template.fields[i].key.clone());
                    columns[k].how = how;
                }
            }
        }

        // Spelling matches only for fields no stronger rule took, best score first.
        let mut guesses: Vec<(f64, usize, usize)> = Vec::new();
        for column in columns.iter().filter(|c| c.how == MatchKind::Unmapped) {
            let normalized = &normalized[column.index];
            if normalized.is_empty() {
                continue;
            }
            for (i, n) in names.iter().enumerate() {
                let score = n.normalized.iter().map(|s| strsim::jaro_winkler(s, normalized)).fold(0.0, f64::max);
                if score >= SIMILARITY_THRESHOLD {
                    guesses.push((score, column.index, i));
                }
            }
        }
        guesses.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, column_index, field_index) in guesses {
            let field = &template.fields[field_index];
            if columns[column_index].how != MatchKind::Unmapped || !is_free(&columns, field) {
                continue;
            }
            columns[column_index].field = Some(field.key.clone());
            columns[column_index].how = MatchKind::Similar;
        }

        self.map_by_content(&mut columns);

        let mut file_errors = Vec::new();
        for (how, choices) in [(MatchKind::Remembered, self.remembered), (MatchKind::Chosen, self.overrides)] {
            for o in choices {
                let Some(k) = columns.iter().position(|c| o.applies_to(c.index, &c.header)) else {
                    if how == MatchKind::Chosen {
                        file_errors.push(FileError::new(
                            FileErrorCode::InvalidOption,
                            messages::unknown_column(lang, &o.column),
                        ));
                    }
                    continue;
                };
                match &o.field {
                    Some(key) if template.field(key).is_none() => {
                        if how == MatchKind::Chosen {
                            let fields = template.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", ");
                            file_errors.push(FileError::new(
                                FileErrorCode::InvalidOption,
                                messages::unknown_field(lang, &columns[k].header, key, &template.label, &fields),
                            ));
                        }
                    }
                    Some(key) => {
                        let repeatable = template.field(key).is_some_and(|f| f.repeatable);
                        // A person's choice takes the field from a guess.
                        for other in columns.iter_mut() {
                            if !repeatable && other.field.as_deref() == Some(key) && !other.how.by_person() {
                                *other =
                                    Column { field: None, how: MatchKind::Unmapped, looks_like: None, ..other.clone() };
                            }
                        }
                        let column = &mut columns[k];
                        column.field = Some(key.clone());
                        column.attribute = None;
                        column.how = how;
                        column.looks_like = None;
                    }
                    None => {
                        let column = &mut columns[k];
                        column.field = None;
                        column.attribute = None;
                        column.how = if how == MatchKind::Remembered { how } else { MatchKind::Unmapped };
                        column.looks_like = None;
                    }
                }
            }
        }

        let mapping = Mapping { columns, file_errors };
        let mut file_errors = mapping.file_errors.clone();
        for field in &template.fields {
            let mapped: Vec<&Column> = mapping.columns_for(&field.key).collect();
            if mapped.len() > 1 && !field.repeatable {
                let list: Vec<(usize, &str)> = mapped.iter().map(|c| (c.index + 1, c.header.trim())).collect();
                file_errors.push(FileError::for_field(
                    FileErrorCode::DuplicateHeader,
                    &field.key,
                    messages::duplicate_header(lang, &list, field.header()),
                ));
            }
            if mapped.is_empty() && field.required && field.default.is_none() && field.generated.is_none() {
                file_errors.push(FileError::for_field(
                    FileErrorCode::MissingRequiredColumn,
                    &field.key,
                    messages::missing_required_column(lang, field.header()),
                ));
            }
        }
        Mapping { file_errors, ..mapping }
    }

    /// Suggests a field for each column still unmapped from its sample
    /// values: the free field of a recognisable type whose checks most of
    /// the values pass (the larger share wins, then a required field, then
    /// the template's order).
    fn map_by_content(&self, columns: &mut [Column]) {
        if self.samples.is_empty() {
            return;
        }
        let candidates: Vec<(usize, ContentKind, FieldChecker)> = self
            .template
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, field)| {
                let kind = ContentKind::of(field.kind)?;
                Some((i, kind, FieldChecker::new(field).ok()?))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        for k in 0..columns.len() {
            if columns[k].how != MatchKind::Unmapped {
                continue;
            }
            let values: Vec<&str> = self
                .samples
                .iter()
                .filter_map(|row| row.get(columns[k].index))
                .map(|cell| cell.trim())
                .filter(|cell| !cell.is_empty())
                .take(CONTENT_MAX_VALUES)
                .collect();
            if values.len() < CONTENT_MIN_VALUES {
                continue;
            }
            let mut best: Option<(f64, bool, usize, ContentKind)> = None;
            for (i, kind, checker) in &candidates {
                let field = &self.template.fields[*i];
                if !is_free(columns, field) {
                    continue;
                }
                let passed = values.iter().filter(|v| checker.check(v).is_ok()).count();
                let share = passed as f64 / values.len() as f64;
                if share < CONTENT_SHARE {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((s, required, _, _)) => share > s || (share == s && field.required && !required),
                };
                if better {
                    best = Some((share, field.required, *i, *kind));
                }
            }
            if let Some((_, _, i, kind)) = best {
                columns[k].field = Some(self.template.fields[i].key.clone());
                columns[k].how = MatchKind::Content;
                columns[k].looks_like = Some(kind);
            }
        }
    }
}

/// Whether `field` may take one more column: it is repeatable, or no column
/// has it yet.
fn is_free(columns: &[Column], field: &Field) -> bool {
    field.repeatable || !columns.iter().any(|c| c.field.as_deref() == Some(field.key.as_str()))
}

/// The attribute name of a header like `attribute:Program Start Date`.
fn attribute_name<'h>(header: &'h str, prefixes: &[String]) -> Option<&'h str> {
    prefixes.iter().find_map(|prefix| {
        let head = header.get(..prefix.len())?;
        if !head.eq_ignore_ascii_case(prefix) {
            return None;
        }
        let name = header[prefix.len()..].trim();
        (!name.is_empty()).then_some(name)
    })
}

/// A field's names, precomputed: key, label, and their normalised forms
/// (key, label, then synonyms).
struct FieldNames<'t> {
    key: &'t str,
    label: &'t str,
    normalized: Vec<String>,
}

impl<'t> FieldNames<'t> {
    fn new(field: &'t crate::template::Field) -> FieldNames<'t> {
        let mut normalized = vec![normalize_header(&field.key), normalize_header(field.header())];
        normalized.extend(field.synonyms.iter().map(|s| normalize_header(s)));
        FieldNames { key: &field.key, label: field.header(), normalized }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template::from_toml(
            r#"
            name = "t"
            label = "T"
            attribute_prefixes = ["attribute:", "attributes:"]
            [[fields]]
            key = "first_name"
            label = "First Name"
            required = true
            synonyms = ["fname", "given name"]
            [[fields]]
            key = "email"
            label = "Email"
            type = "email"
            synonyms = ["E-Mail Address"]
            [[fields]]
            key = "phone"
            [[fields]]
            key = "tag"
            repeatable = true
            "#,
        )
        .unwrap()
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    fn fields(m: &Mapping) -> Vec<Option<&str>> {
        m.columns.iter().map(|c| c.field.as_deref()).collect()
    }

    #[test]
    fn matches_by_each_rule_strongest_first() {
        let m = map_headers(&headers(&["first_name", "EMAIL", "Given Name", "Phnoe", "Notes"]), &template(), &[]);
        assert_eq!(m.columns[0].how, MatchKind::Exact);
        assert_eq!(m.columns[1].how, MatchKind::Normalized);
        // `Given Name` is a synonym of first_name, which an exact match took.
        assert_eq!(m.columns[2].how, MatchKind::Unmapped);
        assert_eq!(m.columns[3].how, MatchKind::Similar);
        assert_eq!(fields(&m), vec![Some("first_name"), Some("email"), None, Some("phone"), None]);
        assert!(m.file_errors.is_empty(), "{:?}", m.file_errors);
    }

    #[test]
    fn a_stronger_match_later_in_the_file_keeps_the_field() {
        // The synonym comes first, the exact label later: the label wins.
        let m = map_headers(&headers(&["Given Name", "Email", "First Name"]), &template(), &[]);
        assert_eq!(fields(&m), vec![None, Some("email"), Some("first_name")]);
        assert_eq!(m.columns[2].how, MatchKind::Exact);
        assert_eq!(m.unmapped().map(|c| c.index).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn two_chosen_columns_for_one_field_are_still_an_error() {
        let overrides = vec![Override::parse("Notes=email").unwrap()];
        let m = map_headers(&headers(&["First Name", "Email", "Notes"]), &template(), &overrides);
        // The person's choice takes the field from the guessed column.
        assert_eq!(fields(&m), vec![Some("first_name"), None, Some("email")]);
        assert!(m.file_errors.is_empty());
        let overrides = vec![Override::parse("Notes=email").unwrap(), Override::parse("Email=email").unwrap()];
        let m = map_headers(&headers(&["First Name", "Email", "Notes"]), &template(), &overrides);
        assert_eq!(m.file_errors.len(), 1);
        assert_eq!(m.file_errors[0].code, FileErrorCode::DuplicateHeader);
        assert!(
            m.file_errors[0].message.contains("Columns 2 (\"Email\") and 3 (\"Notes\")"),
            "{}",
            m.file_errors[0].message
        );
    }

    #[test]
    fn accents_do_not_matter() {
        assert_eq!(normalize_header("Téléphone portable"), "telephoneportable");
        assert_eq!(normalize_header("SOCIÉTÉ"), "societe");
        assert_eq!(normalize_header("Œuvre, Straße"), "oeuvrestrasse");
        let template = Template::from_toml(
            r#"
            name = "t"
            label = "T"
            [[fields]]
            key = "phone"
            synonyms = ["Téléphone"]
            [[fields]]
            key = "first_name"
            synonyms = ["Prénom"]
            "#,
        )
        .unwrap();
        let m = map_headers(&headers(&["TELEPHONE", "prenom"]), &template, &[]);
        assert_eq!(fields(&m), vec![Some("phone"), Some("first_name")]);
    }

    #[test]
    fn punctuation_and_spaces_do_not_matter() {
        let m = map_headers(&headers(&[" First-Name ", "e_mail address", "P.H.O.N.E"]), &template(), &[]);
        assert_eq!(fields(&m), vec![Some("first_name"), Some("email"), Some("phone")]);
    }

    #[test]
    fn repeatable_fields_take_several_columns() {
        let m = map_headers(&headers(&["First Name", "tag", "Tag", "tag"]), &template(), &[]);
        assert_eq!(m.columns_for("tag").count(), 3);
        assert!(m.file_errors.is_empty());
    }

    #[test]
    fn attribute_columns_keep_their_name() {
        let m = map_headers(
            &headers(&["First Name", "attribute:Program Start Date", "Attributes: Coach ", "attribute:"]),
            &template(),
            &[],
        );
        assert_eq!(m.columns[1].attribute.as_deref(), Some("Program Start Date"));
        assert_eq!(m.columns[2].attribute.as_deref(), Some("Coach"));
        assert_eq!(m.columns[3].attribute, None);
    }

    #[test]
    fn missing_required_column_is_a_file_error() {
        let m = map_headers(&headers(&["Email"]), &template(), &[]);
        assert_eq!(m.file_errors.len(), 1);
        assert_eq!(m.file_errors[0].code, FileErrorCode::MissingRequiredColumn);
        assert_eq!(m.file_errors[0].field.as_deref(), Some("first_name"));
    }

    #[test]
    fn overrides_win_and_can_ignore() {
        let overrides = vec![Override::parse("Nom=first_name").unwrap(), Override::parse("#2=").unwrap()];
        let m = map_headers(&headers(&["Nom", "Email"]), &template(), &overrides);
        assert_eq!(fields(&m), vec![Some("first_name"), None]);
        assert_eq!(m.columns[0].how, MatchKind::Chosen);
        assert!(m.file_errors.is_empty());
    }

    #[test]
    fn bad_overrides_are_reported() {
        let overrides = vec![Override::parse("Nope=first_name").unwrap(), Override::parse("Email=mail").unwrap()];
        let m = map_headers(&headers(&["First Name", "Email"]), &template(), &overrides);
        assert_eq!(m.file_errors.iter().filter(|e| e.code == FileErrorCode::InvalidOption).count(), 2);
        assert!(Override::parse("no equals sign").is_err());
    }

    #[test]
    fn unknown_and_blank_headers_stay_unmapped() {
        let m = map_headers(&headers(&["First Name", "", "Favourite colour"]), &template(), &[]);
        assert_eq!(m.unmapped().map(|c| c.index).collect::<Vec<_>>(), vec![2]);
    }

    fn sample_rows(columns: &[&[&str]]) -> Vec<Vec<String>> {
        let rows = columns.iter().map(|c| c.len()).max().unwrap_or(0);
        (0..rows).map(|r| columns.iter().map(|c| c.get(r).unwrap_or(&"").to_string()).collect()).collect()
    }

    fn typed_template() -> Template {
        Template::from_toml(
            r#"
            name = "t"
            label = "T"
            [[fields]]
            key = "name"
            required = true
            [[fields]]
            key = "email"
            type = "email"
            [[fields]]
            key = "work_email"
            type = "email"
            required = true
            [[fields]]
            key = "joined"
            type = "date"
            formats = ["DD/MM/YYYY"]
            [[fields]]
            key = "site"
            type = "url"
            [[fields]]
            key = "active"
            type = "boolean"
            [[fields]]
            key = "size"
            type = "enum"
            options = [{ value = "small", aliases = ["s"] }, { value = "large", aliases = ["l"] }]
            "#,
        )
        .unwrap()
    }

    #[test]
    fn columns_whose_header_says_nothing_are_mapped_by_their_values() {
        let rows = sample_rows(&[
            &["Ann", "Bob", "Cy", "Di"],
            &["ann@example.com", "bob@example.com", "", "di@example.org"],
            &["01/02/2020", "31/12/1999", "15/07/2001", "02/02/2002"],
            &["https://example.com", "example.org", "https://a.example", "b.example.net"],
            &["yes", "no", "Y", "n"],
            &["S", "large", "small", "L"],
            &["red", "green", "blue", "x@y.z"],
        ]);
        let header = headers(&["Name", "Contact", "Col C", "", "Flag", "T-shirt", "Colour"]);
        let m = Mapper::new(&typed_template()).samples(&rows).map(&header);
        assert_eq!(
            fields(&m),
            vec![Some("name"), Some("work_email"), Some("joined"), Some("site"), Some("active"), Some("size"), None]
        );
        let how: Vec<_> = m.columns.iter().map(|c| (c.how, c.looks_like)).collect();
        assert_eq!(how[0], (MatchKind::Normalized, None));
        // A required field wins a tie.
        assert_eq!(how[1], (MatchKind::Content, Some(ContentKind::Emails)));
        assert_eq!(how[2], (MatchKind::Content, Some(ContentKind::Dates)));
        assert_eq!(how[3], (MatchKind::Content, Some(ContentKind::Urls)));
        assert_eq!(how[4], (MatchKind::Content, Some(ContentKind::Booleans)));
        assert_eq!(how[5], (MatchKind::Content, Some(ContentKind::Options)));
        assert_eq!(how[6], (MatchKind::Unmapped, None));
        assert!(m.file_errors.is_empty(), "{:?}", m.file_errors);
        assert_eq!(ContentKind::Emails.reason(Lang::Fr), "ressemble à des adresses e-mail");
    }

    #[test]
    fn content_never_takes_a_field_a_header_took_or_decides_on_too_little() {
        let rows = sample_rows(&[
            &["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"],
            &["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"],
            &["f@example.com", "g@example.com", "h@example.com", "d@example.com", "e@example.com"],
            &["x@example.com", "", "", "", ""],
            &["x@example.com", "nope", "nope", "nope", "y@example.com"],
        ]);
        let header = headers(&["Email", "Work Email", "Backup", "Few", "Mixed"]);
        let m = Mapper::new(&typed_template()).samples(&rows).map(&header);
        // Both email fields are taken by headers; the third email column
        // stays unmapped; one value is too few; 2 of 5 is too small a share.
        assert_eq!(fields(&m), vec![Some("email"), Some("work_email"), None, None, None]);
    }

    #[test]
    fn remembered_choices_come_before_guesses_and_after_overrides() {
        let remembered = vec![
            Override::parse("Notes=email").unwrap(),
            Override::parse("Given Name=").unwrap(),
            Override::parse("Gone=phone").unwrap(),
            Override::parse("Phone=no_such_field").unwrap(),
        ];
        let header = headers(&["Given Name", "Email", "Notes", "Phone"]);
        let m = Mapper::new(&template()).remembered(&remembered).map(&header);
        assert_eq!(fields(&m), vec![None, None, Some("email"), Some("phone")]);
        let how: Vec<_> = m.columns.iter().map(|c| c.how).collect();
        assert_eq!(how, vec![MatchKind::Remembered, MatchKind::Unmapped, MatchKind::Remembered, MatchKind::Normalized]);
        // Stale remembered choices are no file errors; first_name is missing.
        assert_eq!(m.file_errors.len(), 1);
        assert_eq!(m.file_errors[0].code, FileErrorCode::MissingRequiredColumn);

        let overrides = vec![Override::parse("Given Name=first_name").unwrap()];
        let m = Mapper::new(&template()).remembered(&remembered).overrides(&overrides).map(&header);
        assert_eq!(fields(&m), vec![Some("first_name"), None, Some("email"), Some("phone")]);
        assert_eq!(m.columns[0].how, MatchKind::Chosen);
        assert!(m.file_errors.is_empty());
    }

    #[test]
    fn french_headers_map_to_every_builtin_field_they_name() {
        let clients = crate::builtin::get("clients").unwrap();
        let m = map_headers(&headers(&["Prénom", "Nom", "Courriel", "Téléphone", "Société"]), &clients, &[]);
        assert_eq!(
            fields(&m),
            vec![Some("first_name"), Some("last_name"), Some("email"), Some("phone"), Some("company")]
        );
        assert!(m.columns.iter().all(|c| c.how == MatchKind::Synonym));

        let accounts = crate::builtin::get("client-accounts").unwrap();
        let m = map_headers(
            &headers(&[
                "Adresse e-mail",
                "Mot de passe",
                "Prénom",
                "Nom de famille",
                "Date de naissance",
                "Sexe",
                "Étiquette",
                "Étiquette",
                "Identifiant externe",
            ]),
            &accounts,
            &[],
        );
        assert_eq!(
            fields(&m),
            vec![
                Some("email_address"),
                Some("initial_password"),
                Some("first_name"),
                Some("last_name"),
                Some("birthdate"),
                Some("gender"),
                Some("tag"),
                Some("tag"),
                Some("external_id")
            ]
        );

        let companies = crate::builtin::get("companies").unwrap();
        let m =
            map_headers(&headers(&["Raison sociale", "Site web", "Adresse", "Ville", "Pays", "Tél"]), &companies, &[]);
        assert_eq!(
            fields(&m),
            vec![Some("name"), Some("website"), Some("address"), Some("city"), Some("country"), Some("phone")]
        );
    }
}
