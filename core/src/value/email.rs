//! Email addresses: the HTML standard's "valid email address" (what a
//! browser's `<input type=email>` accepts), plus a dot in the domain.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, EmailProblem, Lang};
#[cfg(test)]
use crate::record::Value;
use std::borrow::Cow;

/// The most characters before the @ (RFC 5321); the whole address has at
/// most 254 ([`FieldType::max_chars`](crate::FieldType::max_chars)).
pub(super) const LOCAL_MAX: usize = 64;

/// Whether `s`, exactly as given, is a valid email address.
///
/// The syntax is the HTML standard's: a local part of ASCII letters, digits
/// and ``.!#$%&'*+/=?^_`{|}~-``, an `@`, and a domain of labels of letters,
/// digits and inner hyphens (at most 63 characters each) separated by dots.
/// Unlike the standard, the domain must have at least one dot: `ann@example`
/// is almost always a mistake in an import.
///
/// ```
/// use csv_import_core::value::is_valid_email;
///
/// assert!(is_valid_email("ann.lee+news@mail.example.com"));
/// assert!(!is_valid_email("ann@example"));
/// assert!(!is_valid_email("ann lee@example.com"));
/// ```
pub fn is_valid_email(s: &str) -> bool {
    scan(s).is_some()
}

/// Whether `s` is a valid email address ([`is_valid_email`]) and, if so,
/// whether it has upper-case letters: one pass for both.
fn scan(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let at = b.iter().position(|&c| c == b'@')?;
    let mut upper = false;
    if at == 0 {
        return None;
    }
    for &c in &b[..at] {
        if !LOCAL[c as usize] {
            return None;
        }
        upper |= c.is_ascii_uppercase();
    }
    // One pass over the domain: label lengths, hyphens at label edges, dots.
    let (mut label, mut dots, mut prev) = (0, 0, b'.');
    for &c in &b[at + 1..] {
        match c {
            b'.' if label == 0 || prev == b'-' => return None,
            b'.' => (label, dots) = (0, dots + 1),
            b'-' if label == 0 => return None,
            b'-' => label += 1,
            c if c.is_ascii_alphanumeric() => {
                label += 1;
                upper |= c.is_ascii_uppercase();
            }
            _ => return None,
        }
        if label > 63 {
            return None;
        }
        prev = c;
    }
    (label > 0 && prev != b'-' && dots > 0).then_some(upper)
}

/// A trimmed cell: checked, then lowercased.
#[cfg(test)]
pub(super) fn check(s: &str) -> Result<Value, ValueError> {
    check_str(s, Lang::En).map(|t| Value::Text(t.into_owned()))
}

/// A trimmed cell: checked, then lowercased, borrowed if it already is.
pub(super) fn check_str(s: &str, lang: Lang) -> Result<Cow<'_, str>, ValueError> {
    match scan(s) {
        // Valid addresses are ASCII, so this is exact.
        Some(true) => return Ok(Cow::Owned(s.to_ascii_lowercase())),
        Some(false) => return Ok(Cow::Borrowed(s)),
        None => {}
    }
    // The slow path names the problem; it agrees with the fast one (tested).
    let p = problem(s).unwrap_or(EmailProblem::Invalid);
    Err(ValueError::new(RowErrorCode::InvalidEmail, messages::email(lang, s, p)))
}

/// The bytes of a local part, as a table for the hot path.
const LOCAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let symbols = b".!#$%&'*+/=?^_`{|}~-";
    let mut i = 0;
    while i < symbols.len() {
        t[symbols[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_local_byte(c: u8) -> bool {
    LOCAL[c as usize]
}

/// What is wrong with an address; `None` when it is valid.
fn problem(s: &str) -> Option<EmailProblem<'_>> {
    if let Some(c) = s.chars().find(|c| c.is_whitespace()) {
        return Some(EmailProblem::Space(c));
    }
    let Some(at) = s.find('@') else {
        return Some(EmailProblem::NoAt);
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if domain.contains('@') {
        return Some(EmailProblem::ManyAt);
    }
    if local.is_empty() {
        return Some(EmailProblem::NoLocal);
    }
    if let Some(c) = local.chars().find(|&c| !(c.is_ascii() && is_local_byte(c as u8))) {
        return Some(EmailProblem::LocalChar(c));
    }
    if domain.is_empty() {
        return Some(EmailProblem::NoDomain);
    }
    if let Some(c) = domain.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return Some(EmailProblem::DomainChar(c));
    }
    if !domain.contains('.') {
        return Some(EmailProblem::NoDot);
    }
    if domain.starts_with('.') {
        return Some(EmailProblem::DotAfterAt);
    }
    if domain.ends_with('.') {
        return Some(EmailProblem::EndsWithDot);
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Some(EmailProblem::TwoDots);
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(EmailProblem::LabelHyphen(label));
        }
        if label.len() > 63 {
            return Some(EmailProblem::LabelTooLong);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses() {
        for s in [
            "ann@example.com",
            "Ann.Lee@Example.COM",
            "a+tag@sub.example.co.uk",
            "o'brien@example.ie",
            "x@a-b.example",
            "!#$%&'*+/=?^_`{|}~-@example.com",
            "ann@123.example",
            ".ann..lee.@example.com", // the HTML standard allows dots anywhere on the left
        ] {
            assert!(is_valid_email(s), "{s}");
        }
    }

    #[test]
    fn lowercases_and_keeps_the_rest() {
        assert_eq!(check("Ann.Lee@Example.COM"), Ok(Value::Text("ann.lee@example.com".into())));
    }

    #[test]
    fn messages_name_the_fix() {
        let cases = [
            ("ann.example.com", "has no @"),
            ("ann@@example.com", "more than one @"),
            ("ann@example.com;bob@example.com", "more than one @"),
            ("ann lee@example.com", "Remove the space"),
            ("ann@example", "Add the domain ending, e.g. name@example.com"),
            ("@example.com", "nothing before the @"),
            ("ann@", "nothing after the @"),
            ("ann@.example.com", "dot right after the @"),
            ("ann@example.com.", "ends with a dot"),
            ("ann@example..com", "two dots in a row"),
            ("ann@-example.com", "starts or ends with '-'"),
            ("ann@exam_ple.com", "contains '_' after the @"),
            ("anné@example.com", "contains 'é' before the @"),
            ("ann(x)@example.com", "contains '(' before the @"),
            ("ann@münchen.de", "contains 'ü' after the @"),
        ];
        for (input, expected) in cases {
            let e = check(input).unwrap_err();
            assert_eq!(e.code, RowErrorCode::InvalidEmail);
            assert!(e.message.contains(expected), "{input}: {}", e.message);
            assert!(e.message.starts_with('"'), "{}", e.message);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_and_explained_checks_agree(s in "[aA.@\\-_ é1]{0,12}") {
            proptest::prop_assert_eq!(is_valid_email(&s), problem(&s).is_none(), "{:?}: {:?}", s, problem(&s));
        }
    }

    #[test]
    fn long_labels() {
        let ok = format!("a@{}.com", "b".repeat(63));
        let long = format!("a@{}.com", "b".repeat(64));
        assert!(is_valid_email(&ok));
        assert!(!is_valid_email(&long));
    }
}
