//! Date-times: RFC 3339 and the forms spreadsheets write
//! (`2024-06-13 15:06:02`, `2024/06/13 15:06`, a bare date), written back as
//! RFC 3339 with the given offset or `Z`.

use super::date::{DateFormat, calendar_problem, push_iso_date, push_num};
use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Impossible, Lang};
use crate::record::Value;

/// The date parts every date-time field accepts, before the field's own.
pub(super) fn iso_formats() -> Vec<DateFormat> {
    vec![DateFormat::iso(), DateFormat::parse("YYYY/MM/DD").expect("a valid format")]
}

/// Why the part after the date is not a time.
enum TimeProblem {
    Shape,
    Range(Impossible),
}

/// The time of day, as parsed; `offset` is `None` for a bare local time.
struct Time<'a> {
    hour: u32,
    minute: u32,
    second: u32,
    fraction: &'a str,
    offset: Option<Offset>,
}

enum Offset {
    Utc,
    East { negative: bool, hours: u32, minutes: u32 },
}

/// A date-time cell, already trimmed. `formats` are the ISO forms then the
/// field's own (`custom` of them), for the date part.
pub(super) fn check(s: &str, formats: &[DateFormat], custom: usize, lang: Lang) -> Result<Value, ValueError> {
    let mut problem: Option<Impossible> = None;
    for format in formats {
        let Some(((y, m, d), n)) = format.parse_prefix(s) else { continue };
        let time = match parse_time(&s[n..]) {
            Ok(t) => t,
            Err(TimeProblem::Shape) => continue,
            Err(TimeProblem::Range(p)) => {
                problem.get_or_insert(p);
                continue;
            }
        };
        if let Some(p) = calendar_problem(y, m, d) {
            problem.get_or_insert(p);
            continue;
        }
        return Ok(Value::Text(render(y, m, d, &time)));
    }
    let own: Vec<&str> = formats[formats.len() - custom..].iter().map(DateFormat::spec).collect();
    Err(ValueError::new(RowErrorCode::InvalidDatetime, messages::datetime(lang, s, problem, &own)))
}

fn render(y: i32, m: u32, d: u32, t: &Time) -> String {
    let mut out = String::with_capacity(26 + t.fraction.len());
    push_iso_date(&mut out, y, m, d);
    out.push('T');
    push_num(&mut out, t.hour, 2);
    out.push(':');
    push_num(&mut out, t.minute, 2);
    out.push(':');
    push_num(&mut out, t.second, 2);
    if !t.fraction.is_empty() {
        out.push('.');
        out.push_str(t.fraction);
    }
    match t.offset {
        None | Some(Offset::Utc) => out.push('Z'),
        Some(Offset::East { negative, hours, minutes }) => {
            out.push(if negative { '-' } else { '+' });
            push_num(&mut out, hours, 2);
            out.push(':');
            push_num(&mut out, minutes, 2);
        }
    }
    out
}

/// The part after the date: empty (midnight), or `T`/`t`/spaces then
/// `H:MM[:SS[.fff]]`, then optionally spaces and `Z`, `+HH:MM` or `+HHMM`.
fn parse_time(rest: &str) -> Result<Time<'_>, TimeProblem> {
    let b = rest.as_bytes();
    if b.is_empty() {
        return Ok(Time { hour: 0, minute: 0, second: 0, fraction: "", offset: None });
    }
    let mut pos = match b[0] {
        b'T' | b't' => 1,
        b' ' => b.iter().take_while(|&&c| c == b' ').count(),
        _ => return Err(TimeProblem::Shape),
    };
    let hour = number(b, &mut pos, 1, 2)?;
    expect(b, &mut pos, b':')?;
    let minute = number(b, &mut pos, 2, 2)?;
    let mut second = 0;
    let mut fraction = "";
    if b.get(pos) == Some(&b':') {
        pos += 1;
        second = number(b, &mut pos, 2, 2)?;
        if b.get(pos) == Some(&b'.') {
            let start = pos + 1;
            let n = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(TimeProblem::Shape);
            }
            fraction = &rest[start..start + n];
            pos = start + n;
        }
    }
    if hour > 23 {
        return Err(TimeProblem::Range(Impossible::Hour(hour)));
    }
    if minute > 59 {
        return Err(TimeProblem::Range(Impossible::Minute(minute)));
    }
    // 60 is a leap second.
    if second > 60 {
        return Err(TimeProblem::Range(Impossible::Second(second)));
    }
    while b.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let offset = match b.get(pos) {
        None => None,
        Some(b'Z' | b'z') => {
            pos += 1;
            Some(Offset::Utc)
        }
        Some(&sign @ (b'+' | b'-')) => {
            pos += 1;
            let hours = number(b, &mut pos, 2, 2)?;
            if b.get(pos) == Some(&b':') {
                pos += 1;
            }
            let minutes = number(b, &mut pos, 2, 2)?;
            if hours > 23 || minutes > 59 {
                return Err(TimeProblem::Range(Impossible::Offset(sign as char, hours, minutes)));
            }
            Some(Offset::East { negative: sign == b'-', hours, minutes })
        }
        Some(_) => return Err(TimeProblem::Shape),
    };
    if pos != b.len() {
        return Err(TimeProblem::Shape);
    }
    Ok(Time { hour, minute, second, fraction, offset })
}

fn number(b: &[u8], pos: &mut usize, min: usize, max: usize) -> Result<u32, TimeProblem> {
    let n = b[*pos..].iter().take(max).take_while(|c| c.is_ascii_digit()).count();
    if n < min {
        return Err(TimeProblem::Shape);
    }
    let value = b[*pos..*pos + n].iter().fold(0, |v, c| v * 10 + u32::from(c - b'0'));
    *pos += n;
    Ok(value)
}

fn expect(b: &[u8], pos: &mut usize, c: u8) -> Result<(), TimeProblem> {
    if b.get(*pos) == Some(&c) {
        *pos += 1;
        Ok(())
    } else {
        Err(TimeProblem::Shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats(custom: &[&str]) -> Vec<DateFormat> {
        let mut f = iso_formats();
        f.extend(custom.iter().map(|s| DateFormat::parse(s).unwrap()));
        f
    }

    fn ok(s: &str) -> String {
        match check(s, &formats(&[]), 0, Lang::En) {
            Ok(Value::Text(t)) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn err(s: &str) -> String {
        let e = check(s, &formats(&[]), 0, Lang::En).unwrap_err();
        assert_eq!(e.code, RowErrorCode::InvalidDatetime);
        e.message
    }

    #[test]
    fn rfc3339_keeps_offsets_and_fractions() {
        assert_eq!(ok("2024-06-13T15:06:02.802Z"), "2024-06-13T15:06:02.802Z");
        assert_eq!(ok("2024-06-13t15:06:02z"), "2024-06-13T15:06:02Z");
        assert_eq!(ok("2024-06-13T15:06:02+02:00"), "2024-06-13T15:06:02+02:00");
        assert_eq!(ok("2024-06-13T15:06:02-05:30"), "2024-06-13T15:06:02-05:30");
        assert_eq!(ok("2024-06-13T15:06:02+00:00"), "2024-06-13T15:06:02+00:00");
        assert_eq!(ok("2024-06-13T15:06:02.123456789+01:00"), "2024-06-13T15:06:02.123456789+01:00");
        assert_eq!(ok("2024-06-13T15:06:02.5"), "2024-06-13T15:06:02.5Z");
        assert_eq!(ok("2024-06-13T15:06:02+0200"), "2024-06-13T15:06:02+02:00");
        assert_eq!(ok("2024-06-13 15:06:02 +02:00"), "2024-06-13T15:06:02+02:00");
    }

    #[test]
    fn spreadsheet_forms() {
        assert_eq!(ok("2024-06-13 15:06:02"), "2024-06-13T15:06:02Z");
        assert_eq!(ok("2024-06-13T15:06"), "2024-06-13T15:06:00Z");
        assert_eq!(ok("2024-06-13 15:06"), "2024-06-13T15:06:00Z");
        assert_eq!(ok("2024-06-13 9:05"), "2024-06-13T09:05:00Z");
        assert_eq!(ok("2024-06-13"), "2024-06-13T00:00:00Z");
        assert_eq!(ok("2024/06/13 15:06:02"), "2024-06-13T15:06:02Z");
        assert_eq!(ok("2024/06/13 15:06"), "2024-06-13T15:06:00Z");
        assert_eq!(ok("2016-12-31T23:59:60Z"), "2016-12-31T23:59:60Z");
    }

    #[test]
    fn ranges_are_checked() {
        assert!(err("2024-06-13 24:00").contains("no hour 24"));
        assert!(err("2024-06-13 23:60").contains("no minute 60"));
        assert!(err("2024-06-13 23:59:61").contains("no second 61"));
        assert!(err("2023-02-29 10:00").contains("February 2023 has no day 29"));
        assert!(err("2024-13-01").contains("no month 13"));
        assert!(err("2024-06-13T10:00+24:00").contains("offset +24:00"));
        assert_eq!(ok("2024-02-29T10:00:00Z"), "2024-02-29T10:00:00Z");
    }

    #[test]
    fn shapes_that_are_refused() {
        for s in [
            "13/06/2024 15:06",
            "2024-06-13T",
            "2024-06-13T15",
            "2024-06-13T15:6",
            "2024-06-13T15:06:2",
            "2024-06-13T15:06:02.",
            "2024-06-13T15:06:02ZZ",
            "2024-06-13Z",
            "2024-06-13x15:06",
            "2024-06-13T123:06",
            "2024-06-13T15:06+2",
            "2024-6-13",
            "now",
        ] {
            let m = err(s);
            assert!(m.contains("2024-06-13T15:06:02Z"), "{s}: {m}");
        }
    }

    #[test]
    fn field_formats_for_the_date_part() {
        let f = formats(&["DD.MM.YYYY", "YYYYMMDD"]);
        assert_eq!(check("13.06.2024 15:06", &f, 2, Lang::En), Ok(Value::Text("2024-06-13T15:06:00Z".into())));
        assert_eq!(check("20240613T15:06:02Z", &f, 2, Lang::En), Ok(Value::Text("2024-06-13T15:06:02Z".into())));
        assert_eq!(check("2024-06-13", &f, 2, Lang::En), Ok(Value::Text("2024-06-13T00:00:00Z".into())));
        let e = check("13/06/2024", &f, 2, Lang::En).unwrap_err();
        assert!(e.message.contains("may also be written as DD.MM.YYYY or YYYYMMDD"), "{}", e.message);
    }
}
