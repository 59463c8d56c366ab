//! Phone numbers: 7 to 15 digits (the E.164 limit) with the punctuation
//! people write, an optional leading `+` and an optional extension.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Lang, PhoneProblem};
#[cfg(test)]
use crate::record::Value;
use std::borrow::Cow;

const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 15;
const MAX_EXTENSION: usize = 10;

/// A trimmed cell; runs of white space become one space.
#[cfg(test)]
pub(super) fn check(s: &str) -> Result<Value, ValueError> {
    check_str(s, Lang::En).map(|t| Value::Text(t.into_owned()))
}

/// [`check`], borrowing the number when it needs no change.
pub(super) fn check_str(s: &str, lang: Lang) -> Result<Cow<'_, str>, ValueError> {
    let tidy = problem(s).map_err(|p| ValueError::new(RowErrorCode::InvalidPhone, messages::phone(lang, s, p)))?;
    // Most numbers are already tidy: keep them as they are.
    if tidy {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Ok(Cow::Owned(out))
}

/// Whether the number is valid, and if so whether its white space is
/// already single spaces.
fn problem(s: &str) -> Result<bool, PhoneProblem> {
    // The extension starts at the first letter: `x12`, `ext. 12`, `extension 12`.
    let (main, extension) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    };
    if let Some(ext) = extension {
        extension_problem(ext)?;
    }
    let mut digits = 0;
    let mut open = false;
    let mut tidy = extension.is_none_or(|e| !e.contains(|c: char| c.is_whitespace() && c != ' ') && !e.contains("  "));
    let mut space_before = false;
    for (i, c) in main.char_indices() {
        let space = c.is_whitespace();
        tidy &= !space || (c == ' ' && !space_before);
        space_before = space;
        match c {
            '0'..='9' => digits += 1,
            '+' if i == 0 => {}
            '+' => {
                return Err(PhoneProblem::PlusInside);
            }
            '(' if open => return Err(PhoneProblem::NestedBracket),
            '(' => open = true,
            ')' if !open => return Err(PhoneProblem::UnopenedBracket),
            ')' => open = false,
            '-' | '.' | '/' if i == 0 => {
                return Err(PhoneProblem::BadStart(c));
            }
            '-' | '.' | '/' => {}
            c if c.is_whitespace() => {}
            c => {
                return Err(PhoneProblem::Char(c));
            }
        }
    }
    if open {
        return Err(PhoneProblem::Unclosed);
    }
    if digits == 0 {
        return Err(PhoneProblem::NoDigits);
    }
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return Err(PhoneProblem::Digits(digits, MIN_DIGITS, MAX_DIGITS));
    }
    Ok(tidy)
}

/// `x12`, `ext12`, `ext. 12`, `extension 12`, in any case.
fn extension_problem(ext: &str) -> Result<(), PhoneProblem> {
    let lower = |n: usize| ext.get(..n).map(str::to_ascii_lowercase);
    let word = if lower(9).as_deref() == Some("extension") {
        9
    } else if lower(3).as_deref() == Some("ext") {
        3
    } else if lower(1).as_deref() == Some("x") {
        1
    } else {
        let c = ext.chars().next().unwrap_or('?');
        return Err(PhoneProblem::ExtensionChar(c));
    };
    let rest = ext[word..].strip_prefix('.').unwrap_or(&ext[word..]).trim_start();
    let n = rest.len();
    if n == 0 || n > MAX_EXTENSION || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PhoneProblem::Extension(MAX_EXTENSION));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match check(s) {
            Ok(Value::Text(t)) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn err(s: &str) -> String {
        let e = check(s).unwrap_err();
        assert_eq!(e.code, RowErrorCode::InvalidPhone);
        e.message
    }

    #[test]
    fn valid_numbers() {
        assert_eq!(ok("+44 20 7946 0958"), "+44 20 7946 0958");
        assert_eq!(ok("(030) 1234567"), "(030) 1234567");
        assert_eq!(ok("030/1234567"), "030/1234567");
        assert_eq!(ok("555-123-4567"), "555-123-4567");
        assert_eq!(ok("555.123.4567"), "555.123.4567");
        assert_eq!(ok("1234567"), "1234567");
        assert_eq!(ok("+123456789012345"), "+123456789012345");
        assert_eq!(ok("+44  20\t7946   0958"), "+44 20 7946 0958");
        assert_eq!(ok("555-123-4567 x123"), "555-123-4567 x123");
        assert_eq!(ok("555-123-4567 ext. 123"), "555-123-4567 ext. 123");
        assert_eq!(ok("555-123-4567 EXT 12"), "555-123-4567 EXT 12");
        assert_eq!(ok("555-123-4567x9"), "555-123-4567x9");
        assert_eq!(ok("555-123-4567 extension 9"), "555-123-4567 extension 9");
    }

    #[test]
    fn invalid_numbers() {
        assert!(err("123456").contains("has 6 digits"));
        assert!(err("+1234567890123456").contains("has 16 digits"));
        assert!(err("44+20 7946 0958").contains("'+' that is not at the start"));
        assert!(err("call me").contains("contains 'c'"));
        assert!(err("555-123-4567 x").contains("extension"));
        assert!(err("555-123-4567 x12a").contains("extension"));
        assert!(err("555 123 4567 #12").contains("contains '#'"));
        assert!(err("(030 1234567").contains("never closed"));
        assert!(err("030) 1234567").contains("without a '('"));
        assert!(err("-555-123-4567").contains("starts with '-'"));
        assert!(err("=5551234567").contains("contains '='"));
        assert!(err("@5551234567").contains("contains '@'"));
    }
}
