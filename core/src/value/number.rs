//! Integers and decimals as people type them: a sign, thousands separators
//! in groups of three, and a decimal point or comma.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Lang};
use crate::record::Value;

/// A thousands separator. Spaces include the non-breaking ones spreadsheets
/// write in French and Swiss locales.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    Comma,
    Dot,
    Space,
    Apostrophe,
}

fn sep_of(c: char) -> Option<Sep> {
    match c {
        ',' => Some(Sep::Comma),
        '.' => Some(Sep::Dot),
        ' ' | '\u{a0}' | '\u{202f}' => Some(Sep::Space),
        '\'' | '\u{2019}' => Some(Sep::Apostrophe),
        _ => None,
    }
}

use crate::messages::NumberProblem as Problem;

/// A number split into its parts, borrowed from the cell.
struct Parts<'a> {
    negative: bool,
    // Digits and thousands separators before the decimal separator.
    int: &'a str,
    // Digits after the decimal separator; empty if none.
    frac: &'a str,
}

/// Splits a trimmed cell. `decimal` allows a decimal separator.
fn split(s: &str, decimal: bool) -> Result<Parts<'_>, Problem> {
    let (negative, body) = match s.chars().next() {
        Some('-') => (true, &s[1..]),
        // U+2212, the typographic minus that word processors write.
        Some('\u{2212}') => (true, &s['\u{2212}'.len_utf8()..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mut dots, mut commas, mut last_dot, mut last_comma) = (0, 0, 0, 0);
    let mut other_sep = false;
    let mut digits = 0;
    for (i, c) in body.char_indices() {
        match c {
            '0'..='9' => digits += 1,
            '.' => (dots, last_dot) = (dots + 1, i),
            ',' => (commas, last_comma) = (commas + 1, i),
            c if sep_of(c).is_some() => other_sep = true,
            'e' | 'E' if digits > 0 => return Err(Problem::Exponent),
            c => return Err(Problem::Char(c)),
        }
    }
    if digits == 0 {
        return Err(Problem::NotANumber);
    }
    // Where the decimal separator is, if there is one.
    let point = if !decimal {
        // `12.5` and `1,5` are fractions; `1,234` is a thousand and more.
        let after_comma = &body.as_bytes()[last_comma + 1..];
        let comma_fraction = commas == 1 && after_comma.len() != 3 && after_comma.iter().all(u8::is_ascii_digit);
        if dots == 1 || comma_fraction {
            return Err(Problem::NotWhole);
        }
        if dots > 1 {
            return Err(Problem::Grouping);
        }
        None
    } else if dots > 0 && commas > 0 {
        // `1,234.5` or `1.234,5`: the last one is the decimal separator.
        let (point, count) = if last_dot > last_comma { (last_dot, dots) } else { (last_comma, commas) };
        if count != 1 {
            return Err(Problem::Grouping);
        }
        Some(point)
    } else if dots == 1 {
        Some(last_dot)
    } else if commas == 1 {
        let int = &body[..last_comma];
        let ambiguous =
            !other_sep && three_after(body, last_comma) && (1..=3).contains(&int.len()) && !int.starts_with('0');
        if ambiguous {
            return Err(Problem::Ambiguous);
        }
        Some(last_comma)
    } else {
        None
    };
    let (int, frac) = match point {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, ""),
    };
    if point.is_some() {
        if frac.is_empty() {
            return Err(Problem::TrailingSeparator);
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::Grouping);
        }
    }
    check_groups(int)?;
    Ok(Parts { negative, int, frac })
}

/// Whether exactly three digits follow the separator at `i` and end the text.
fn three_after(body: &str, i: usize) -> bool {
    let rest = &body.as_bytes()[i + 1..];
    rest.len() == 3 && rest.iter().all(u8::is_ascii_digit)
}

/// Thousands separators: one kind, a first group of 1 to 3 digits, then
/// groups of exactly 3.
fn check_groups(int: &str) -> Result<(), Problem> {
    let mut kind = None;
    let mut group = 0;
    let mut first = true;
    for c in int.chars() {
        if c.is_ascii_digit() {
            group += 1;
            continue;
        }
        let sep = sep_of(c).ok_or(Problem::Char(c))?;
        if *kind.get_or_insert(sep) != sep {
            return Err(Problem::Grouping);
        }
        let ok = if first { (1..=3).contains(&group) } else { group == 3 };
        if !ok {
            return Err(Problem::Grouping);
        }
        first = false;
        group = 0;
    }
    if kind.is_some() && group != 3 {
        return Err(Problem::Grouping);
    }
    Ok(())
}

fn digits(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().filter(u8::is_ascii_digit)
}

/// A trimmed integer cell.
pub(super) fn check_integer(s: &str, lang: Lang) -> Result<Value, ValueError> {
    let parts = split(s, false).map_err(|p| error(s, p, false, lang))?;
    let mut magnitude: u64 = 0;
    for d in digits(parts.int) {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(d - b'0')))
            .ok_or_else(|| error(s, Problem::TooLarge, false, lang))?;
    }
    let value = if parts.negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() };
    value.map(Value::Int).ok_or_else(|| error(s, Problem::TooLarge, false, lang))
}

/// A trimmed decimal cell, written canonically: `-1234.5`.
pub(super) fn check_decimal(s: &str, lang: Lang) -> Result<Value, ValueError> {
    let parts = split(s, true).map_err(|p| error(s, p, true, lang))?;
    let mut out = String::with_capacity(parts.int.len() + parts.frac.len() + 2);
    let zero = digits(parts.int).chain(digits(parts.frac)).all(|d| d == b'0');
    // `-0` and `-0.0` are zero, not negative.
    if parts.negative && !zero {
        out.push('-');
    }
    let mut int = digits(parts.int).skip_while(|&d| d == b'0').peekable();
    if int.peek().is_none() {
        out.push('0');
    }
    out.extend(int.map(char::from));
    if !parts.frac.is_empty() {
        out.push('.');
        out.push_str(parts.frac);
    }
    Ok(Value::Text(out))
}

fn error(s: &str, problem: Problem, decimal: bool, lang: Lang) -> ValueError {
    ValueError::new(RowErrorCode::InvalidNumber, messages::number(lang, s, problem, decimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &str) -> Result<i64, String> {
        match check_integer(s, Lang::En) {
            Ok(Value::Int(i)) => Ok(i),
            Ok(v) => panic!("{v:?}"),
            Err(e) => Err(e.message),
        }
    }

    fn dec(s: &str) -> Result<String, String> {
        match check_decimal(s, Lang::En) {
            Ok(Value::Text(t)) => Ok(t),
            Ok(v) => panic!("{v:?}"),
            Err(e) => Err(e.message),
        }
    }

    #[test]
    fn integers() {
        assert_eq!(int("0"), Ok(0));
        assert_eq!(int("42"), Ok(42));
        assert_eq!(int("-42"), Ok(-42));
        assert_eq!(int("+42"), Ok(42));
        assert_eq!(int("007"), Ok(7));
        assert_eq!(int("1,234,567"), Ok(1_234_567));
        assert_eq!(int("1 234 567"), Ok(1_234_567));
        assert_eq!(int("1\u{a0}234"), Ok(1234));
        assert_eq!(int("1'234'567"), Ok(1_234_567));
        assert_eq!(int("−5"), Ok(-5));
        assert_eq!(int("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(int("-9223372036854775808"), Ok(i64::MIN));
    }

    #[test]
    fn bad_integers() {
        let cases = [
            ("", "not a whole number"),
            ("-", "not a whole number"),
            ("12.5", "Remove the decimal part"),
            ("1,5", "Remove the decimal part"),
            ("1.234.567", "wrong place"),
            ("1,23,456", "wrong place"),
            ("1234,567", "wrong place"),
            ("1,234 567", "wrong place"),
            (",123", "wrong place"),
            ("12a", "contains 'a'"),
            ("$12", "contains '$'"),
            ("1e5", "scientific notation"),
            ("=1+2", "contains '='"),
            ("--5", "contains '-'"),
            ("9223372036854775808", "too large"),
            ("-9223372036854775809", "too large"),
            ("99999999999999999999999", "too large"),
        ];
        for (input, expected) in cases {
            let message = int(input).unwrap_err();
            assert!(message.contains(expected), "{input}: {message}");
        }
    }

    #[test]
    fn decimals() {
        let cases = [
            ("12.5", "12.5"),
            ("12,5", "12.5"),
            ("-1,234.5", "-1234.5"),
            ("1.234,5", "1234.5"),
            ("1 234,56", "1234.56"),
            ("1'234.50", "1234.50"),
            ("1,234,567", "1234567"),
            ("1.234.567", "1234567"),
            ("1.234.567,89", "1234567.89"),
            ("1234,567", "1234.567"),
            ("0,123", "0.123"),
            ("1.234", "1.234"),
            (".5", "0.5"),
            ("-.5", "-0.5"),
            ("+3", "3"),
            ("007.10", "7.10"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("-0.01", "-0.01"),
        ];
        for (input, expected) in cases {
            assert_eq!(dec(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_decimals() {
        let cases = [
            ("1,234", "could mean 1234 or 1.234"),
            ("-12,500", "could mean 12500 or 12.500"),
            ("5.", "ends with a decimal separator"),
            ("1.2.3,4", "wrong place"),
            ("1,234,5", "wrong place"),
            ("12.34.5", "wrong place"),
            ("1,23.4", "wrong place"),
            ("1.5%", "contains '%'"),
            ("abc", "contains 'a'"),
            ("1.5e3", "scientific notation"),
            (".", "not a number"),
        ];
        for (input, expected) in cases {
            let message = dec(input).unwrap_err();
            assert!(message.contains(expected), "{input}: {message}");
        }
    }
}
