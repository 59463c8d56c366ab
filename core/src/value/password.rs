//! The password policy. Messages say what is missing and never quote the
//! password or any part of it.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Lang};
use crate::record::Value;

/// The fewest characters a password may have.
const MIN_CHARS: usize = 8;

/// What a password lacks under the policy, as phrases for a message; empty
/// when it meets the policy.
///
/// The policy: at least 8 characters, an uppercase letter, a lowercase
/// letter, a digit and a symbol (any character that is neither a letter nor
/// a digit, a space included). Letters and digits are Unicode ones.
///
/// ```
/// use csv_import_core::value::password_problems;
///
/// assert!(password_problems("Tr0ub4dor&3").is_empty());
/// assert_eq!(password_problems("abcdefg1"), ["an uppercase letter", "a symbol"]);
/// ```
pub fn password_problems(s: &str) -> Vec<&'static str> {
    let (mut chars, mut upper, mut lower, mut digit, mut symbol) = (0, false, false, false, false);
    for c in s.chars() {
        chars += 1;
        if c.is_uppercase() {
            upper = true;
        } else if c.is_lowercase() {
            lower = true;
        } else if c.is_numeric() {
            digit = true;
        } else if !c.is_alphanumeric() {
            symbol = true;
        }
    }
    let mut problems = Vec::new();
    for (missing, phrase) in [
        (chars < MIN_CHARS, "at least 8 characters"),
        (!upper, "an uppercase letter"),
        (!lower, "a lowercase letter"),
        (!digit, "a digit"),
        (!symbol, "a symbol"),
    ] {
        if missing {
            problems.push(phrase);
        }
    }
    problems
}

/// An untrimmed cell: spaces are legal characters in a password.
pub(super) fn check(raw: &str, lang: Lang) -> Result<Value, ValueError> {
    let problems = password_problems(raw);
    if problems.is_empty() {
        Ok(Value::Text(raw.to_owned()))
    } else {
        Err(ValueError::new(RowErrorCode::WeakPassword, messages::weak_password(lang, &problems)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(password_problems("Abcdef1!").is_empty());
        assert!(password_problems("Äbcdéf1 ").is_empty(), "space is a symbol, Unicode letters count");
        assert_eq!(password_problems("Abc1!"), ["at least 8 characters"]);
        assert_eq!(password_problems("ABCDEFG1!"), ["a lowercase letter"]);
        assert_eq!(password_problems("abcdefgh"), ["an uppercase letter", "a digit", "a symbol"]);
        assert_eq!(password_problems("").len(), 5);
    }

    #[test]
    fn message_lists_what_is_missing() {
        assert_eq!(
            check("Abcdefg", Lang::En).unwrap_err().message,
            "The password needs at least 8 characters, a digit and a symbol. Choose a stronger one."
        );
        assert_eq!(
            check("abcdefgh1!", Lang::En).unwrap_err().message,
            "The password needs an uppercase letter. Choose a stronger one."
        );
        assert_eq!(check(" Abcdef1 ", Lang::En), Ok(Value::Text(" Abcdef1 ".into())));
    }
}
