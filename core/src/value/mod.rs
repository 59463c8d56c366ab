//! One cell against its field: control characters, dangerous content, the
//! type's length bound, the type, `max_length` and `pattern`, in that order.
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
use crate::messages::{self, IdProblem, Lang};
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
    /// [`Field::max_length`]: the field's, or the default for text.
    max_length: Option<usize>,
    controls: Controls,
    // Anchored as `^(?:pattern)$` so the whole value must match.
    pattern: Option<Regex>,
    pub(crate) lang: Lang,
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
        Ok(FieldChecker {
            field: field.clone(),
            rules,
            max_length: field.max_length(),
            controls: Controls::of(field),
            pattern,
            lang: Lang::En,
        })
    }

    /// The same checker, writing its messages in `lang`.
    ///
    /// ```
    /// use csv_import_core::value::FieldChecker;
    /// use csv_import_core::{Field, Lang};
    ///
    /// let field: Field = serde_json::from_str(r#"{"key": "email", "type": "email"}"#).unwrap();
    /// let email = FieldChecker::new(&field).unwrap().with_lang(Lang::Fr);
    /// assert_eq!(
    ///     email.check("x").unwrap_err().message,
    ///     "« x » n’a pas de @. Écrivez l’adresse complète, p. ex. nom@example.com."
    /// );
    /// ```
    pub fn with_lang(mut self, lang: Lang) -> FieldChecker {
        self.lang = lang;
        self
    }

    /// The language of this checker's messages.
    pub fn lang(&self) -> Lang {
        self.lang
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
        let (kind, lang) = (self.field.kind, self.lang);
        let s = trim(raw);
        // `'+1 415 555 0101`: a number or phone number marked as text, as
        // spreadsheets write it and the error reports do (`escape_formula`),
        // so that a report fixed and imported again is read back.
        let s = if formula_exempt(kind) { without_text_mark(s) } else { s };
        // A password is taken as written; other values trimmed, which drops
        // a tab or line break at either end.
        let kept = if kind == FieldType::Password { raw } else { s };
        if is_spreadsheet_error(s) {
            return Err(ValueError::new(RowErrorCode::CellError, messages::cell_error(lang, s)));
        }
        if let Some((at, c)) = find_unstorable(kept, self.controls) {
            return Err(self.control_error(raw, kept, at, c));
        }
        if kind != FieldType::Password {
            dangerous(raw, kind, lang)?;
        }
        if let Some(max) = kind.max_chars() {
            check_type_length(kept, kind, max, lang)?;
        }
        let value = match &self.rules {
            Rules::Date(formats) => Checked::Text(date::check(s, formats, lang)?),
            Rules::Datetime(formats, custom) => Checked::Value(datetime::check(s, formats, *custom, lang)?),
            Rules::Enum(choices) => Checked::Text(Cow::Borrowed(choices.check_str(s, lang)?)),
            Rules::Plain => match kind {
                FieldType::Text => Checked::Text(Cow::Borrowed(s)),
                FieldType::Email => Checked::Text(email::check_str(s, lang)?),
                FieldType::Integer => Checked::Value(number::check_integer(s, lang)?),
                FieldType::Decimal => Checked::Value(number::check_decimal(s, lang)?),
                FieldType::Boolean => Checked::Value(check_boolean(s, lang)?),
                FieldType::Password => Checked::Value(password::check(raw, lang)?),
                FieldType::Phone => Checked::Text(phone::check_str(s, lang)?),
                FieldType::Url => Checked::Value(url::check(s, lang)?),
                FieldType::Id => Checked::Text(Cow::Borrowed(check_id(s, lang)?)),
                // Compiled into `rules` above; kept total for the compiler.
                FieldType::Date | FieldType::Datetime | FieldType::Enum => Checked::Text(Cow::Borrowed(s)),
            },
        };
        if self.max_length.is_some() || self.pattern.is_some() {
            self.check_rules(s, &value)?;
        }
        Ok(value)
    }

    /// The `control_character` error for `c` at byte `at` of `kept`, which
    /// is `raw` or a part of it; the position counts characters of `raw`.
    #[cold]
    fn control_error(&self, raw: &str, kept: &str, at: usize, c: char) -> ValueError {
        let offset = kept.as_ptr() as usize - raw.as_ptr() as usize + at;
        let position = raw[..offset].chars().count() + 1;
        let secret = self.field.kind == FieldType::Password;
        let message = messages::control_character(
            self.lang,
            (!secret).then_some(raw),
            c,
            position,
            self.field.header(),
            self.controls == Controls::Lines,
        );
        ValueError::new(RowErrorCode::ControlCharacter, message)
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
        if let Some(max) = self.max_length {
            // Bytes bound chars from above, so most values skip the count.
            let len = if text.len() <= max { 0 } else { text.chars().count() };
            if len > max {
                let message = messages::too_long(self.lang, (!secret).then_some(s), len, max);
                return Err(ValueError::new(RowErrorCode::TooLong, message));
            }
        }
        if let Some(re) = &self.pattern
            && !re.is_match(text)
        {
            let hint = self.field.pattern_hint.as_deref().map(str::trim).filter(|h| !h.is_empty()).map(strip_dot);
            let pattern = self.field.pattern.as_deref().unwrap_or_default();
            let message = messages::pattern(self.lang, (!secret).then_some(s), hint, pattern);
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

/// Which control characters a value may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Controls {
    /// None at all (a password, an attribute's name).
    None,
    /// Tabs: a value on one line, where the type's own check deals with
    /// white space (a tab between a phone number's groups is a space).
    Tab,
    /// Tabs and line breaks: multi-line text.
    Lines,
}

impl Controls {
    /// What a field takes: line breaks where it is multi-line, no control
    /// at all in a password, tabs elsewhere.
    fn of(field: &Field) -> Controls {
        match field.kind {
            FieldType::Password => Controls::None,
            _ if field.is_multiline() => Controls::Lines,
            _ => Controls::Tab,
        }
    }

    fn allows(self, c: char) -> bool {
        match self {
            Controls::None => false,
            Controls::Tab => c == '\t',
            Controls::Lines => matches!(c, '\t' | '\n' | '\r'),
        }
    }
}

/// The first control character in `s` that `allowed` does not take, with
/// its byte offset: NUL and every other C0 control, DEL and the C1 controls
/// (U+0080 to U+009F).
///
/// One pass over the bytes without branching per byte, so that a plain cell
/// costs next to nothing: a C0 control or DEL is its own byte, and a C1
/// control is encoded `C2 80` to `C2 9F`, so only cells with a byte under
/// 0x20, 0x7F or 0xC2 (which also starts `£`, `©`, a non-breaking space, ...)
/// are looked at closely.
#[inline]
pub(crate) fn find_control(s: &str, allowed: Controls) -> Option<(usize, char)> {
    let suspect = s.bytes().fold(false, |any, b| any | (b < 0x20) | (b == 0x7f) | (b == 0xc2));
    if !suspect {
        return None;
    }
    find_control_slow(s, allowed)
}

#[cold]
fn find_control_slow(s: &str, allowed: Controls) -> Option<(usize, char)> {
    s.char_indices().find(|&(_, c)| c.is_control() && !allowed.allows(c))
}

/// [`find_control`], and the invisible characters of [`is_invisible`]:
/// what a value stored in a record may not hold. Those start with the byte
/// `E2` or `EF` (as do `’` and `€`), so only the cells with one of these
/// bytes as well are looked at closely.
#[inline]
fn find_unstorable(s: &str, allowed: Controls) -> Option<(usize, char)> {
    let suspect =
        s.bytes().fold(false, |any, b| any | (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2) | (b == 0xef));
    if !suspect {
        return None;
    }
    find_unstorable_slow(s, allowed)
}

#[cold]
fn find_unstorable_slow(s: &str, allowed: Controls) -> Option<(usize, char)> {
    s.char_indices().find(|&(_, c)| (c.is_control() && !allowed.allows(c)) || is_invisible(c))
}

/// Characters a record should not hold though they are not controls: those
/// that change the direction of the text around them (a company shown as
/// "LTR" that is stored as "RTL"), a zero-width space or word joiner, a byte
/// order mark inside a cell, the replacement character that a file read in
/// the wrong encoding is full of, and the non-characters U+FFFE and U+FFFF.
/// The joiners of some scripts and emoji (U+200C, U+200D) and the marks that
/// only set a direction (U+200E, U+200F) are text and stay.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFFD}'..='\u{FFFF}')
}

/// The bound of a type other than text, on the value as written (trimmed):
/// `too_long` before the type's own checks, which then never see a
/// megabyte of junk. An email address also has at most 64 characters
/// before the @ (RFC 5321).
fn check_type_length(s: &str, kind: FieldType, max: usize, lang: Lang) -> Result<(), ValueError> {
    // Bytes bound chars from above, so most values skip the count.
    if s.len() <= max && (kind != FieldType::Email || s.len() <= email::LOCAL_MAX) {
        return Ok(());
    }
    let secret = kind == FieldType::Password;
    let len = s.chars().count();
    if len > max {
        let message = messages::type_too_long(lang, (!secret).then_some(s), kind, len, max);
        return Err(ValueError::new(RowErrorCode::TooLong, message));
    }
    if kind == FieldType::Email {
        let local = s.find('@').map_or(0, |at| s[..at].chars().count());
        if local > email::LOCAL_MAX {
            let message = messages::email_local_too_long(lang, s, local, email::LOCAL_MAX);
            return Err(ValueError::new(RowErrorCode::TooLong, message));
        }
    }
    Ok(())
}

/// Types whose valid values may start with a formula character (`-5`,
/// `+44 20 ...`); their own parser rejects anything else that does.
fn formula_exempt(kind: FieldType) -> bool {
    matches!(kind, FieldType::Integer | FieldType::Decimal | FieldType::Phone | FieldType::Date | FieldType::Datetime)
}

/// `s` without the leading `'` that marks a value starting with `+` or `-`
/// as text.
fn without_text_mark(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['+', '-']) => rest,
        _ => s,
    }
}

/// Formula and markup checks, shared by every type but passwords.
fn dangerous(raw: &str, kind: FieldType, lang: Lang) -> Result<(), ValueError> {
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
            let message = messages::formula(lang, raw.trim_start_matches(' ').trim_end(), c);
            return Err(ValueError::new(RowErrorCode::Formula, message));
        }
    }
    if let Some(tag) = find_tag(raw) {
        return Err(ValueError::new(RowErrorCode::Markup, messages::markup(lang, raw.trim(), tag)));
    }
    Ok(())
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

fn check_boolean(s: &str, lang: Lang) -> Result<Value, ValueError> {
    if TRUE_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return Ok(Value::Bool(true));
    }
    if FALSE_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return Ok(Value::Bool(false));
    }
    Err(ValueError::new(RowErrorCode::InvalidBoolean, messages::boolean(lang, s)))
}

const ID_MAX: usize = 64;

fn check_id(s: &str, lang: Lang) -> Result<&str, ValueError> {
    let bad = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    let problem = if let Some(c) = bad {
        IdProblem::Char(c)
    } else if s.len() > ID_MAX {
        IdProblem::TooLong(s.len())
    } else {
        return Ok(s);
    };
    Err(ValueError::new(RowErrorCode::InvalidId, messages::id(lang, s, problem, ID_MAX)))
}

fn strip_dot(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}

#[cfg(test)]
mod tests;

/// Whether a cell holds one of a spreadsheet's error values (`#N/A`,
/// `#DIV/0!`, ...): what a workbook's failed formula gives, and what Excel
/// writes for it when it saves a CSV file. It is never a value to import.
///
/// ```
/// use csv_import_core::value::is_spreadsheet_error;
/// assert!(is_spreadsheet_error("#N/A") && is_spreadsheet_error("#DIV/0!"));
/// assert!(!is_spreadsheet_error("#1 customer"));
/// ```
pub fn is_spreadsheet_error(cell: &str) -> bool {
    const ERRORS: [&str; 12] = [
        "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#DATA!", "#GETTING_DATA", "#SPILL!",
        "#CALC!", "#FIELD!",
    ];
    cell.starts_with('#') && ERRORS.iter().any(|e| cell.eq_ignore_ascii_case(e))
}
