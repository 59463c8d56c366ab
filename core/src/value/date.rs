//! Calendar dates in a template's formats (`YYYYMMDD`, `DD/MM/YYYY`, ...),
//! checked against the real calendar and written as ISO `YYYY-MM-DD`.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Impossible, Lang};
use std::borrow::Cow;
use std::fmt::Write;

/// A compiled date format such as `YYYY-MM-DD`, `YYYYMMDD` or `D.M.YYYY`.
///
/// Tokens (upper or lower case): `YYYY` a four-digit year, `MM` and `DD` a
/// two-digit month and day, `M` and `D` a month and day of one or two
/// digits. Any other character except a letter or digit is a literal that
/// must appear as it is (`-`, `/`, `.`, space, ...). Each of year, month and
/// day appears exactly once. Two-digit years (`YY`) are refused: `01/02/03`
/// does not say its century. A one-or-two-digit token must be followed by a
/// literal or end the format, so that `YYYYMD` (is `2024111` in January or
/// November?) cannot be written.
///
/// ```
/// use csv_import_core::value::DateFormat;
///
/// let f = DateFormat::parse("D.M.YYYY").unwrap();
/// assert_eq!(f.parse_date("20.11.1981"), Some((1981, 11, 20)));
/// assert_eq!(f.parse_date("1.2.2024"), Some((2024, 2, 1)));
/// assert_eq!(f.parse_date("30.2.2024"), None); // not a real day
/// assert!(DateFormat::parse("DD/MM/YY").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateFormat {
    spec: String,
    parts: Vec<Part>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Year,
    // `min` is 2 for `MM` and `DD`, 1 for `M` and `D`; at most 2 digits.
    Month { min: usize },
    Day { min: usize },
    Literal(char),
}

impl DateFormat {
    /// Compiles a format. The error says what is wrong with it.
    pub fn parse(spec: &str) -> Result<DateFormat, String> {
        let bad = |why: &str| Err(format!("date format \"{spec}\" {why}"));
        let chars: Vec<char> = spec.chars().collect();
        let mut parts = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|&&d| d == c).count();
            let part = match c.to_ascii_uppercase() {
                'Y' if run == 4 => Part::Year,
                'Y' if run == 2 => return bad("uses a two-digit year (YY), which does not say its century; use YYYY"),
                'Y' => return bad("has a year that is not YYYY"),
                'M' if run <= 2 => Part::Month { min: run },
                'D' if run <= 2 => Part::Day { min: run },
                'M' | 'D' => return bad(&format!("has {run} {c}s in a row; use {c}{c} or {c}")),
                _ if c.is_ascii_alphabetic() => {
                    return bad(&format!(
                        "has the letter '{c}'; use YYYY, MM, M, DD, D and separators such as - / . or a space"
                    ));
                }
                _ if c.is_ascii_digit() => return bad("contains a digit; use YYYY, MM, M, DD and D for the numbers"),
                _ => {
                    i += 1;
                    parts.push(Part::Literal(c));
                    continue;
                }
            };
            i += run;
            parts.push(part);
        }
        let count = |f: fn(&Part) -> bool| parts.iter().filter(|p| f(p)).count();
        if count(|p| *p == Part::Year) != 1
            || count(|p| matches!(p, Part::Month { .. })) != 1
            || count(|p| matches!(p, Part::Day { .. })) != 1
        {
            return bad("needs a year (YYYY), a month (MM or M) and a day (DD or D), once each");
        }
        for pair in parts.windows(2) {
            let variable = matches!(pair[0], Part::Month { min: 1 } | Part::Day { min: 1 });
            if variable && !matches!(pair[1], Part::Literal(_)) {
                return bad("has M or D right before another number; put a separator after it or use MM or DD");
            }
        }
        Ok(DateFormat { spec: spec.to_string(), parts })
    }

    /// `YYYY-MM-DD`, the default.
    pub(crate) fn iso() -> DateFormat {
        DateFormat {
            spec: "YYYY-MM-DD".to_string(),
            parts: vec![
                Part::Year,
                Part::Literal('-'),
                Part::Month { min: 2 },
                Part::Literal('-'),
                Part::Day { min: 2 },
            ],
        }
    }

    /// The format as written in the template.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// The year, month and day of `s` if it is in this format (all of it,
    /// no surrounding spaces) and is a real calendar day: `2024-02-29` is,
    /// `2023-02-29` and `1981-02-30` are not. Years run from 1 to 9999.
    pub fn parse_date(&self, s: &str) -> Option<(i32, u32, u32)> {
        let (y, m, d) = self.parse_fields(s)?;
        calendar_problem(y, m, d).is_none().then_some((y, m, d))
    }

    /// Writes a date in this format, e.g. 1981-11-20 as `20.11.1981` for
    /// `DD.MM.YYYY`; used to show examples.
    pub fn format_date(&self, year: i32, month: u32, day: u32) -> String {
        let mut out = String::with_capacity(self.spec.len() + 2);
        self.write_date(&mut out, year, month, day);
        out
    }

    /// Appends a date in this format to `out`, as [`format_date`](DateFormat::format_date)
    /// writes it: a fix of a million dates writes them into one buffer.
    pub fn write_date(&self, out: &mut String, year: i32, month: u32, day: u32) {
        for part in &self.parts {
            match *part {
                // The digits by hand: `write!` costs more than the rest of a date.
                Part::Year if year >= 0 => push_num(out, year.unsigned_abs(), 4),
                Part::Year => {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "{year:04}");
                }
                Part::Month { min } => push_num(out, month, min),
                Part::Day { min } => push_num(out, day, min),
                Part::Literal(c) => out.push(c),
            }
        }
    }

    /// The fields of all of `s`, not yet checked against the calendar.
    fn parse_fields(&self, s: &str) -> Option<(i32, u32, u32)> {
        match self.parse_prefix(s)? {
            (ymd, n) if n == s.len() => Some(ymd),
            _ => None,
        }
    }

    /// The fields at the start of `s` and how many bytes they took; the
    /// date part of a date-time.
    pub(crate) fn parse_prefix(&self, s: &str) -> Option<((i32, u32, u32), usize)> {
        let b = s.as_bytes();
        let (mut pos, mut y, mut m, mut d) = (0, 0, 0, 0);
        for part in &self.parts {
            match *part {
                Part::Year => {
                    y = digits(b, &mut pos, 4, 4)? as i32;
                }
                Part::Month { min } => m = digits(b, &mut pos, min, 2)?,
                Part::Day { min } => d = digits(b, &mut pos, min, 2)?,
                // Separators are ASCII but for rare formats: one byte to compare.
                Part::Literal(c) if c.is_ascii() => {
                    if b.get(pos) != Some(&(c as u8)) {
                        return None;
                    }
                    pos += 1;
                }
                Part::Literal(c) => {
                    let mut buf = [0; 4];
                    let lit = c.encode_utf8(&mut buf).as_bytes();
                    if !b[pos..].starts_with(lit) {
                        return None;
                    }
                    pos += lit.len();
                }
            }
        }
        Some(((y, m, d), pos))
    }
}

/// `min..=max` ASCII digits at `pos`, greedily.
fn digits(b: &[u8], pos: &mut usize, min: usize, max: usize) -> Option<u32> {
    let mut value = 0;
    let mut n = 0;
    while n < max {
        match b.get(*pos + n) {
            Some(c @ b'0'..=b'9') => value = value * 10 + u32::from(c - b'0'),
            _ => break,
        }
        n += 1;
    }
    if n < min {
        return None;
    }
    *pos += n;
    Some(value)
}

pub(crate) fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub(crate) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Why these fields are not a real day (February 1981 has no day 30).
pub(crate) fn calendar_problem(y: i32, m: u32, d: u32) -> Option<Impossible> {
    if y < 1 {
        Some(Impossible::Year0)
    } else if !(1..=12).contains(&m) {
        Some(Impossible::Month(m))
    } else if d < 1 {
        Some(Impossible::Day0)
    } else if d > days_in_month(y, m) {
        Some(Impossible::Day(y, m, d))
    } else {
        None
    }
}

/// Appends `v` with at least `width` digits. Hand-written because `format!`
/// costs more than the rest of a date check.
pub(crate) fn push_num(out: &mut String, v: u32, width: usize) {
    // Months, days, hours and minutes: the common case, two digits.
    if width == 2 && v < 100 {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
        return;
    }
    let mut buf = [b'0'; 10];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    i = i.min(buf.len() - width.min(buf.len()));
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_iso_date(out: &mut String, y: i32, m: u32, d: u32) {
    push_num(out, y.unsigned_abs(), 4);
    out.push('-');
    push_num(out, m, 2);
    out.push('-');
    push_num(out, d, 2);
}

/// A date cell, already trimmed, against the field's formats in order: its
/// ISO text, borrowed from the cell when the cell is written so already.
pub(super) fn check<'a>(s: &'a str, formats: &[DateFormat], lang: Lang) -> Result<Cow<'a, str>, ValueError> {
    let mut problem = None;
    for format in formats {
        if let Some((y, m, d)) = format.parse_fields(s) {
            match calendar_problem(y, m, d) {
                None if is_iso_text(s, y, m, d) => return Ok(Cow::Borrowed(s)),
                None => {
                    let mut out = String::with_capacity(10);
                    push_iso_date(&mut out, y, m, d);
                    return Ok(Cow::Owned(out));
                }
                // The first format that fits the shape explains best.
                Some(p) => {
                    problem.get_or_insert(p);
                }
            }
        }
    }
    let specs: Vec<&str> = formats.iter().map(|f| f.spec.as_str()).collect();
    let example = formats.first().map(|f| f.format_date(1981, 11, 20)).unwrap_or_default();
    Err(ValueError::new(RowErrorCode::InvalidDate, messages::date(lang, s, problem, &specs, &example)))
}

/// Whether `s` is `y`-`m`-`d` written as [`push_iso_date`] writes it, for a
/// real day (a year from 1 to 9999).
fn is_iso_text(s: &str, y: i32, m: u32, d: u32) -> bool {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s.as_bytes() else { return false };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    number(&[y0, y1, y2, y3]) == Some(y.unsigned_abs()) && number(&[m0, m1]) == Some(m) && number(&[d0, d1]) == Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(spec: &str) -> DateFormat {
        DateFormat::parse(spec).unwrap()
    }

    #[test]
    fn compact_format_checks_the_calendar() {
        let ymd = f("YYYYMMDD");
        assert_eq!(ymd.parse_date("19811120"), Some((1981, 11, 20)));
        assert_eq!(ymd.parse_date("19810230"), None);
        assert_eq!(ymd.parse_date("19811320"), None);
        assert_eq!(ymd.parse_date("19811100"), None);
        assert_eq!(ymd.parse_date("1981112"), None);
        assert_eq!(ymd.parse_date("198111201"), None);
        assert_eq!(ymd.parse_date("00001120"), None);
    }

    #[test]
    fn leap_days() {
        let iso = DateFormat::iso();
        assert_eq!(iso.parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(iso.parse_date("2023-02-29"), None);
        assert_eq!(iso.parse_date("2000-02-29"), Some((2000, 2, 29)));
        assert_eq!(iso.parse_date("1900-02-29"), None);
        assert_eq!(iso.parse_date("2023-04-31"), None);
        assert_eq!(iso.parse_date("2023-12-31"), Some((2023, 12, 31)));
    }

    #[test]
    fn one_digit_tokens_take_one_or_two_digits() {
        let dmy = f("D/M/YYYY");
        assert_eq!(dmy.parse_date("1/2/2024"), Some((2024, 2, 1)));
        assert_eq!(dmy.parse_date("01/02/2024"), Some((2024, 2, 1)));
        assert_eq!(dmy.parse_date("31/12/2024"), Some((2024, 12, 31)));
        assert_eq!(dmy.parse_date("/2/2024"), None);
        assert_eq!(dmy.parse_date("123/2/2024"), None);
        // Two-digit tokens insist on two digits.
        assert_eq!(f("DD/MM/YYYY").parse_date("1/2/2024"), None);
    }

    #[test]
    fn literals_and_case() {
        assert_eq!(f("yyyy.mm.dd").parse_date("2024.06.13"), Some((2024, 6, 13)));
        assert_eq!(f("DD MM YYYY").parse_date("13 06 2024"), Some((2024, 6, 13)));
        assert_eq!(f("DD MM YYYY").parse_date("13-06-2024"), None);
        assert_eq!(f("YYYY年MM月DD日").parse_date("2024年06月13日"), Some((2024, 6, 13)));
    }

    #[test]
    fn bad_formats_are_refused_with_a_reason() {
        for spec in
            ["YY-MM-DD", "YYYY-MM", "YYYY-MM-DD-DD", "YYYYMD", "DMYYYY", "YYYY-MMM-DD", "YYYY-MM-DDx", "2024-MM-DD", ""]
        {
            assert!(DateFormat::parse(spec).is_err(), "{spec}");
        }
        assert!(DateFormat::parse("YY/MM/DD").unwrap_err().contains("YYYY"));
        assert!(DateFormat::parse("YYYYMMD").is_ok());
    }

    #[test]
    fn push_num_pads() {
        let mut out = String::new();
        push_num(&mut out, 7, 2);
        push_num(&mut out, 0, 1);
        push_num(&mut out, 123, 2);
        push_num(&mut out, 42, 4);
        push_num(&mut out, u32::MAX, 2);
        assert_eq!(out, "07012300424294967295");
    }

    #[test]
    fn format_date_renders_examples() {
        assert_eq!(f("YYYYMMDD").format_date(1981, 11, 20), "19811120");
        assert_eq!(f("D.M.YYYY").format_date(2024, 2, 1), "1.2.2024");
        assert_eq!(f("DD/MM/YYYY").format_date(2024, 2, 1), "01/02/2024");
    }

    #[test]
    fn messages_name_the_format_and_the_missing_day() {
        let formats = [f("YYYYMMDD")];
        let e = check("19810230", &formats, Lang::En).unwrap_err();
        assert_eq!(e.code, RowErrorCode::InvalidDate);
        assert!(e.message.contains("February 1981 has no day 30"), "{}", e.message);
        let e = check("20.11.1981", &formats, Lang::En).unwrap_err();
        assert!(e.message.contains("Use YYYYMMDD, e.g. 19811120"), "{}", e.message);
        let e = check("2023-02-29", &[DateFormat::iso(), f("DD/MM/YYYY")], Lang::En).unwrap_err();
        assert!(e.message.contains("February 2023 has no day 29"), "{}", e.message);
        assert!(e.message.contains("also accepted: DD/MM/YYYY"), "{}", e.message);
    }

    #[test]
    fn formats_are_tried_in_order() {
        let formats = [f("DD/MM/YYYY"), f("YYYY-MM-DD")];
        assert_eq!(check("20/11/1981", &formats, Lang::En), Ok(Cow::Owned("1981-11-20".into())));
        assert_eq!(check("1981-11-20", &formats, Lang::En), Ok(Cow::Borrowed("1981-11-20")));
    }

    #[test]
    fn a_cell_in_iso_form_is_its_own_value() {
        let loose = [f("YYYY-M-D")];
        assert!(matches!(check("2024-02-01", &loose, Lang::En), Ok(Cow::Borrowed("2024-02-01"))));
        assert_eq!(check("2024-2-1", &loose, Lang::En), Ok(Cow::Owned("2024-02-01".into())));
        assert_eq!(check("0999-12-31", &[DateFormat::iso()], Lang::En), Ok(Cow::Borrowed("0999-12-31")));
        assert!(!is_iso_text("2024-02-01", 2024, 2, 2));
        assert!(!is_iso_text("2024/02/01", 2024, 2, 1));
        assert!(!is_iso_text("2024-02-1", 2024, 2, 1));
    }

    #[test]
    fn write_date_writes_what_a_formatter_writes() {
        let specs = ["YYYY-MM-DD", "DD/MM/YYYY", "D.M.YYYY", "M/D/YYYY", "YYYYMMDD", "YYYY年MM月DD日"];
        let dates = [(1981, 11, 20), (2024, 2, 1), (1, 1, 1), (9999, 12, 31), (12345, 123, 7), (-5, 3, 4), (0, 0, 0)];
        for spec in specs {
            let format = f(spec);
            for (y, m, d) in dates {
                let mut expected = String::new();
                for part in &format.parts {
                    let _ = match *part {
                        Part::Year => write!(expected, "{y:04}"),
                        Part::Month { min: 2 } => write!(expected, "{m:02}"),
                        Part::Month { .. } => write!(expected, "{m}"),
                        Part::Day { min: 2 } => write!(expected, "{d:02}"),
                        Part::Day { .. } => write!(expected, "{d}"),
                        Part::Literal(c) => write!(expected, "{c}"),
                    };
                }
                assert_eq!(format.format_date(y, m, d), expected, "{spec} {y} {m} {d}");
                let mut appended = "x".to_string();
                format.write_date(&mut appended, y, m, d);
                assert_eq!(appended, format!("x{expected}"));
            }
        }
    }
}
