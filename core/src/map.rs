//! Map the file's headers to template fields.
//!
//! Each column is matched by the first rule that fits, strongest first:
//! the field's key or label exactly; the same ignoring case, spaces and
//! punctuation; one of the field's synonyms; a close spelling. The caller
//! can override any column. Unknown columns stay unmapped and are ignored.

use crate::error::{FileError, FileErrorCode};
use crate::messages::{self, Lang};
use crate::template::Template;
use serde::{Deserialize, Serialize};

/// How similar (Jaro-Winkler, on normalised text) a header must be to a
/// field's name to be matched by spelling alone. High on purpose: a wrong
/// guess is worse than asking the user.
const SIMILARITY_THRESHOLD: f64 = 0.9;

/// How a column came to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The header is the field's key or label.
    Exact,
    /// The header equals the key or label ignoring case, spaces and punctuation.
    Normalized,
    /// The header is one of the field's synonyms.
    Synonym,
    /// The header is spelled close to the field's name.
    Similar,
    /// The header has an attribute prefix (`attribute:Name`).
    Attribute,
    /// The caller chose the field.
    Chosen,
    /// No field; the column is ignored.
    Unmapped,
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
        let (column, field) = spec
            .rsplit_once('=')
            .ok_or_else(|| format!("'{spec}' is not HEADER=FIELD"))?;
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
        self.columns.iter().filter(|c| c.how == MatchKind::Unmapped && !c.header.trim().is_empty())
    }
}

/// Lowercase letters and digits only: `E-Mail Address` becomes `emailaddress`.
pub fn normalize_header(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Map `header` to the fields of `template`, applying `overrides` last.
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
    map_headers_in(header, template, overrides, Lang::En)
}

/// [`map_headers`], with the file errors written in `lang`.
pub fn map_headers_in(header: &[String], template: &Template, overrides: &[Override], lang: Lang) -> Mapping {
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
        })
        .collect();

    for column in &mut columns {
        let trimmed = column.header.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(name) = attribute_name(trimmed, &template.attribute_prefixes) {
            column.attribute = Some(name.to_string());
            column.how = MatchKind::Attribute;
            continue;
        }
        let normalized = normalize_header(trimmed);
        let rules: [(MatchKind, &dyn Fn(&FieldNames) -> bool); 3] = [
            (MatchKind::Exact, &|n| n.key == trimmed || n.label == trimmed),
            (MatchKind::Normalized, &|n| n.normalized.iter().take(2).any(|s| *s == normalized)),
            (MatchKind::Synonym, &|n| n.normalized.iter().skip(2).any(|s| *s == normalized)),
        ];
        for (how, matches) in rules {
            if let Some(i) = names.iter().position(|n| matches(n)) {
                column.field = Some(template.fields[i].key.clone());
                column.how = how;
                break;
            }
        }
    }

    // Spelling matches only for fields no stronger rule took, best score first.
    let taken = |columns: &[Column], key: &str| columns.iter().any(|c| c.field.as_deref() == Some(key));
    let mut guesses: Vec<(f64, usize, usize)> = Vec::new();
    for column in columns.iter().filter(|c| c.how == MatchKind::Unmapped) {
        let normalized = normalize_header(&column.header);
        if normalized.is_empty() {
            continue;
        }
        for (i, n) in names.iter().enumerate() {
            let score = n.normalized.iter().map(|s| strsim::jaro_winkler(s, &normalized)).fold(0.0, f64::max);
            if score >= SIMILARITY_THRESHOLD {
                guesses.push((score, column.index, i));
            }
        }
    }
    guesses.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, column_index, field_index) in guesses {
        let field = &template.fields[field_index];
        if columns[column_index].how != MatchKind::Unmapped || (!field.repeatable && taken(&columns, &field.key)) {
            continue;
        }
        columns[column_index].field = Some(field.key.clone());
        columns[column_index].how = MatchKind::Similar;
    }

    let mut file_errors = Vec::new();
    for o in overrides {
        let Some(column) = columns.iter_mut().find(|c| o.applies_to(c.index, &c.header)) else {
            file_errors.push(FileError::new(FileErrorCode::InvalidOption, messages::unknown_column(lang, &o.column)));
            continue;
        };
        match &o.field {
            Some(key) if template.field(key).is_none() => {
                let fields = template.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>().join(", ");
                file_errors.push(FileError::new(
                    FileErrorCode::InvalidOption,
                    messages::unknown_field(lang, &column.header, key, &template.label, &fields),
                ));
            }
            Some(key) => {
                column.field = Some(key.clone());
                column.attribute = None;
                column.how = MatchKind::Chosen;
            }
            None => {
                column.field = None;
                column.attribute = None;
                column.how = MatchKind::Unmapped;
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
        // `Given Name` is a synonym of first_name, which is already taken.
        assert_eq!(m.columns[2].how, MatchKind::Synonym);
        assert_eq!(m.columns[3].how, MatchKind::Similar);
        assert_eq!(fields(&m), vec![Some("first_name"), Some("email"), Some("first_name"), Some("phone"), None]);
        assert_eq!(m.file_errors.len(), 1);
        assert_eq!(m.file_errors[0].code, FileErrorCode::DuplicateHeader);
        assert!(m.file_errors[0].message.contains("Columns 1 (\"first_name\") and 3 (\"Given Name\")"));
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
}
