//! One cell against its field: dangerous content, the type, `max_length`
//! and `pattern`, in that order.
//!
//! A [`FieldChecker`] compiles a field once (its pattern, date formats and
//! enum options) and then checks every cell of the column. The built-in types
//! are checked by hand-written byte scans rather than regular expressions,
//! because a file can have a million rows and the check runs on each.
//!
//! ```
//! use csv_import_core::value::FieldChecker;
//! use csv_import_core::{Field, RowErrorCode, Value};
//!
//! let field: Field = serde_json::from_str(r#"{"key": "born", "type": "date", "formats": ["YYYYMMDD"]}"#).unwrap();
//! let born = FieldChecker::new(&field).unwrap();
//! assert_eq!(born.check(" 19811120 "), Ok(Value::Text("1981-11-20".into())));
//!
//! let err = born.check("19810230").unwrap_err();
//! assert_eq!(err.code, RowErrorCode::InvalidDate);
//! assert!(err.message.contains("February 1981 has no day 30"));
//! ```

mod date;
mod datetime;
mod email;
mod number;
mod options;
mod password;
mod phone;
mod url;

pub use date::DateFormat;
pub use email::is_valid_email;
pub use password::password_problems;

use crate::error::{RowErrorCode, ValueError};
use crate::record::Value;
use crate::template::{Field, FieldType};
use regex_lite::Regex;
use std::borrow::Cow;

/// A field's rules compiled once (pattern, date formats, enum lookup), used
/// for every cell of its column.
///
/// ```
/// use csv_import_core::value::FieldChecker;
/// use csv_import_core::{Field, RowErrorCode, Value};
///
/// let field: Field = serde_json::from_str(r#"{"key": "age", "type": "integer"}"#).unwrap();
/// let age = FieldChecker::new(&field).unwrap();
/// assert_eq!(age.check("1,234"), Ok(Value::Int(1234)));
/// assert_eq!(age.check("=1+2").unwrap_err().code, RowErrorCode::InvalidNumber);
/// ```
#[derive(Clone, Debug)]
pub struct FieldChecker {
    field: Field,
    rules: Rules,
    // Anchored as `^(?:pattern)$` so the whole value must match.
    pattern: Option<Regex>,
}

/// What a type needs beyond the field itself, compiled.
#[derive(Clone, Debug)]
enum Rules {
    Plain,
    Date(Vec<DateFormat>),
    // The ISO date forms first, then how many of the field's own follow.
    Datetime(Vec<DateFormat>, usize),
    Enum(options::Choices),
}

impl FieldChecker {
    /// Compiles a field's rules. Fails, naming the field, if its pattern or
    /// one of its date formats does not compile or an enum has no options.
    pub fn new(field: &Field) -> Result<FieldChecker, String> {
        let key = &field.key;
        let compile = |specs: &[String]| -> Result<Vec<DateFormat>, String> {
            specs.iter().map(|s| DateFormat::parse(s).map_err(|e| format!("field {key}: {e}"))).collect()
        };
        let rules = match field.kind {
            FieldType::Date if field.formats.is_empty() => Rules::Date(vec![DateFormat::iso()]),
            FieldType::Date => Rules::Date(compile(&field.formats)?),
            FieldType::Datetime => {
                let mut formats = datetime::iso_formats();
                let iso = formats.len();
                for format in compile(&field.formats)? {
                    if !formats.contains(&format) {
                        formats.push(format);
                    }
                }
                let custom = formats.len() - iso;
                Rules::Datetime(formats, custom)
            }
            FieldType::Enum => {
                Rules::Enum(options::Choices::new(&field.options).map_err(|e| format!("field {key}: {e}"))?)
            }
            _ => Rules::Plain,
        };
        let pattern = match &field.pattern {
            None => None,
            Some(p) => {
                // Compile the bare pattern first: an unbalanced one such as
                // `a)|(b` would otherwise escape the anchoring group.
                Regex::new(p).map_err(|e| format!("field {key} has a bad pattern: {e}"))?;
                let anchored =
                    Regex::new(&format!("^(?:{p})$")).map_err(|e| format!("field {key} has a bad pattern: {e}"))?;
                Some(anchored)
            }
        };
        Ok(FieldChecker { field: field.clone(), rules, pattern })
    }

    /// The field this checker was compiled from.
    pub fn field(&self) -> &Field {
        &self.field
    }

    /// The value an empty cell takes: the field's `default`, normalised, or
    /// for a date or datetime field whose default is `now`, the date or time
    /// `now` (RFC 3339). Fails, naming the field, if the default does not pass
    /// the field's own checks.
    pub fn default_value(&self, now: &str) -> Result<Option<Value>, String> {
        let field = &self.field;
        match field.default.as_deref() {
            None => Ok(None),
            Some("now") if matches!(field.kind, FieldType::Date | FieldType::Datetime) => {
                let text = if field.kind == FieldType::Date { now.get(..10).unwrap_or(now) } else { now };
                Ok(Some(Value::Text(text.to_string())))
            }
            Some(text) => self
                .check(text)
                .map(Some)
                .map_err(|e| format!("field {}: its default does not pass: {}", field.key, e.message)),
        }
    }

    /// Checks and normalises one non-empty cell.
    ///
    /// `raw` is the cell exactly as in the file, untrimmed; the caller
    /// guarantees `raw.trim()` is not empty and handles empty cells,
    /// defaults, `required` and uniqueness. The error message says what is
    /// wrong and what to do, quoting the value (never a password) but not
    /// its row or column.
    pub fn check(&self, raw: &str) -> Result<Value, ValueError> {
        self.check_cell(raw).map(Checked::into_value)
    }

    /// [`check`](FieldChecker::check), with text values borrowed from the
    /// cell (or from the field's options) where they need no change: what
    /// the engine uses when it only needs the verdict or the text for a
    /// moment, so that a valid cell costs no allocation.
    #[inline]
    pub(crate) fn check_cell<'a>(&'a self, raw: &'a str) -> Result<Checked<'a>, ValueError> {
        let kind = self.field.kind;
        if kind != FieldType::Password {
            dangerous(raw, kind)?;
        }
        let s = trim(raw);
        let value = match &self.rules {
            Rules::Date(formats) => Checked::Value(date::check(s, formats)?),
            Rules::Datetime(formats, custom) => Checked::Value(datetime::check(s, formats, *custom)?),
            Rules::Enum(choices) => Checked::Text(Cow::Borrowed(choices.check_str(s)?)),
            Rules::Plain => match kind {
                FieldType::Text => Checked::Text(Cow::Borrowed(s)),
                FieldType::Email => Checked::Text(email::check_str(s)?),
                FieldType::Integer => Checked::Value(number::check_integer(s)?),
                FieldType::Decimal => Checked::Value(number::check_decimal(s)?),
                FieldType::Boolean => Checked::Value(check_boolean(s)?),
                FieldType::Password => Checked::Value(password::check(raw)?),
                FieldType::Phone => Checked::Text(phone::check_str(s)?),
                FieldType::Url => Checked::Value(url::check(s)?),
                FieldType::Id => Checked::Text(Cow::Borrowed(check_id(s)?)),
                // Compiled into `rules` above; kept total for the compiler.
                FieldType::Date | FieldType::Datetime | FieldType::Enum => Checked::Text(Cow::Borrowed(s)),
            },
        };
        if self.field.max_length.is_some() || self.pattern.is_some() {
            self.check_rules(s, &value)?;
        }
        Ok(value)
    }

    /// `max_length` and `pattern`, on the normalised text.
    fn check_rules(&self, s: &str, value: &Checked<'_>) -> Result<(), ValueError> {
        let owned;
        let text: &str = match value {
            Checked::Text(t) => t,
            Checked::Value(Value::Text(t)) => t,
            Checked::Value(Value::Int(i)) => {
                owned = i.to_string();
                &owned
            }
            Checked::Value(Value::Bool(b)) => {
                if *b {
                    "true"
                } else {
                    "false"
                }
            }
            _ => return Ok(()),
        };
        let secret = self.field.kind == FieldType::Password;
        if let Some(max) = self.field.max_length {
            // Bytes bound chars from above, so most values skip the count.
            let len = if text.len() <= max { 0 } else { text.chars().count() };
            if len > max {
                let message = if secret {
                    format!("The password is {len} characters long; the most is {max}. Choose a shorter one.")
                } else {
                    format!(
                        "{} is {len} characters long; the most is {max}. Shorten it to {max} characters or fewer.",
                        quote(s)
                    )
                };
                return Err(ValueError::new(RowErrorCode::TooLong, message));
            }
        }
        if let Some(re) = &self.pattern
            && !re.is_match(text)
        {
            let hint = self.field.pattern_hint.as_deref().map(str::trim).filter(|h| !h.is_empty());
            let message = match (secret, hint) {
                (true, Some(h)) => {
                    format!("The password is not in the required form: {}. Choose one that is.", strip_dot(h))
                }
                (true, None) => "The password does not match the field's pattern. Choose one that does.".to_string(),
                (false, Some(h)) => {
                    format!("{} is not in the expected form: {}. Change it to match.", quote(s), strip_dot(h))
                }
                (false, None) => format!(
                    "{} does not match the pattern {}. Change the value so that it matches.",
                    quote(s),
                    self.field.pattern.as_deref().unwrap_or_default()
                ),
            };
            return Err(ValueError::new(RowErrorCode::Pattern, message));
        }
        Ok(())
    }
}

/// A checked value, its text borrowed where it can be.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Checked<'a> {
    /// A text value, often the trimmed cell itself.
    Text(Cow<'a, str>),
    /// Any other value (and text the type's check built).
    Value(Value),
}

impl Checked<'_> {
    /// The owned value, as [`FieldChecker::check`] returns it.
    pub(crate) fn into_value(self) -> Value {
        match self {
            Checked::Text(t) => Value::Text(t.into_owned()),
            Checked::Value(v) => v,
        }
    }

    /// `self.into_value().to_cell()`, with one copy of a text rather than two.
    pub(crate) fn into_cell(self) -> String {
        match self {
            Checked::Text(t) => t.into_owned(),
            Checked::Value(v) => v.to_cell(),
        }
    }
}

/// `s.trim()`, with a shortcut for the common cell that starts and ends
/// with a visible ASCII character (none of which is white space).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        [only] if only.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Types whose valid values may start with a formula character (`-5`,
/// `+44 20 ...`); their own parser rejects anything else that does.
fn formula_exempt(kind: FieldType) -> bool {
    matches!(kind, FieldType::Integer | FieldType::Decimal | FieldType::Phone | FieldType::Date | FieldType::Datetime)
}

/// Formula and markup checks, shared by every type but passwords.
fn dangerous(raw: &str, kind: FieldType) -> Result<(), ValueError> {
    // Most cells start with a character that is neither white space nor a
    // trigger, and then neither rule below can apply.
    let plain_start = raw.chars().next().is_some_and(|c| !c.is_whitespace() && !matches!(c, '=' | '+' | '-' | '@'));
    if !formula_exempt(kind) && !plain_start {
        // Trim spaces only: a leading tab or carriage return is itself a
        // formula trigger in some spreadsheets.
        let lead = raw.trim_start_matches(' ').chars().next();
        let trigger = match lead {
            Some(c @ ('=' | '+' | '-' | '@' | '\t' | '\r')) => Some(c),
            // A newline or other white space before `=` is trimmed away on
            // output, which would leave a formula behind.
            _ => raw.trim_start().chars().next().filter(|c| matches!(c, '=' | '+' | '-' | '@')),
        };
        if let Some(c) = trigger {
            // Quoted with the tab or line break still in view.
            return Err(formula_error(raw.trim_start_matches(' ').trim_end(), c));
        }
    }
    if let Some(tag) = find_tag(raw) {
        let message = format!(
            "{} contains an HTML tag ({}), which could run in a web page. Remove the < > part.",
            quote(raw.trim()),
            tag
        );
        return Err(ValueError::new(RowErrorCode::Markup, message));
    }
    Ok(())
}

fn formula_error(s: &str, c: char) -> ValueError {
    let message = match c {
        '\t' | '\r' => {
            let name = if c == '\t' { "a tab" } else { "a carriage return" };
            format!(
                "{} starts with {name}, which a spreadsheet may read as the start of a formula. Remove the {} at the start.",
                quote(s),
                if c == '\t' { "tab" } else { "line break" }
            )
        }
        _ => format!(
            "{} starts with '{c}', which a spreadsheet would run as a formula. Remove the '{c}', or start the cell with an apostrophe (') to keep it as text.",
            quote(s)
        ),
    };
    ValueError::new(RowErrorCode::Formula, message)
}

/// The first HTML-like tag: `<` then a letter, `/`, `!` or `?` (`<b>`,
/// `</p>`, `<!--`, `<?php`). `a < b` and `<3` are not tags.
fn find_tag(s: &str) -> Option<&str> {
    // Most cells have no `<` at all, which a plain scan of a short cell says
    // faster than `match_indices` (or memchr's dispatch).
    if !s.as_bytes().contains(&b'<') {
        return None;
    }
    for (i, _) in s.match_indices('<') {
        let next = s.as_bytes().get(i + 1).copied();
        if matches!(next, Some(b'a'..=b'z' | b'A'..=b'Z' | b'/' | b'!' | b'?')) {
            let rest = &s[i..];
            let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
            let mut tag = &rest[..end];
            if tag.chars().count() > 20 {
                let cut = tag.char_indices().nth(20).map(|(j, _)| j).unwrap_or(tag.len());
                tag = &tag[..cut];
            }
            return Some(tag);
        }
    }
    None
}

const TRUE_WORDS: [&str; 5] = ["true", "yes", "1", "y", "t"];
const FALSE_WORDS: [&str; 5] = ["false", "no", "0", "n", "f"];

fn check_boolean(s: &str) -> Result<Value, ValueError> {
    if TRUE_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return Ok(Value::Bool(true));
    }
    if FALSE_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return Ok(Value::Bool(false));
    }
    let message = format!("{} is not a yes/no value. Use one of: true, false, yes, no, 1, 0, y, n, t, f.", quote(s));
    Err(ValueError::new(RowErrorCode::InvalidBoolean, message))
}

const ID_MAX: usize = 64;

fn check_id(s: &str) -> Result<&str, ValueError> {
    let bad = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    let problem = if let Some(c) = bad {
        format!("contains {}, which an ID cannot have", describe_char(c))
    } else if s.len() > ID_MAX {
        format!("is {} characters long; an ID has at most {ID_MAX}", s.len())
    } else {
        return Ok(s);
    };
    let message = format!("{} {problem}. Use 1 to {ID_MAX} letters, digits, '-', '_' or '.', e.g. AB-1042.", quote(s));
    Err(ValueError::new(RowErrorCode::InvalidId, message))
}

/// The value in double quotes for a message: at most 40 characters, then
/// `…`; tabs and line breaks shown as `\t`, `\r`, `\n`.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::with_capacity(s.len().min(4 * MAX) + 8);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character as a message shows it: `'x'`, or a name for white space.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        '\u{a0}' => "a non-breaking space".to_string(),
        c if c.is_whitespace() => "a space character".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("'{c}'"),
    }
}

fn strip_dot(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}

#[cfg(test)]
mod tests;
