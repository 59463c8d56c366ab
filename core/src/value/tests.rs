//! The checker as a whole: the order of the checks, the dangerous-content
//! rules and their exemptions, `max_length`, `pattern` and the simple types.

use super::*;
use proptest::prelude::*;

fn checker(json: &str) -> FieldChecker {
    let field: Field = serde_json::from_str(json).unwrap();
    FieldChecker::new(&field).unwrap()
}

fn of(kind: &str) -> FieldChecker {
    checker(&format!(r#"{{"key": "v", "type": "{kind}"}}"#))
}

fn code(c: &FieldChecker, raw: &str) -> RowErrorCode {
    match c.check(raw) {
        Ok(v) => panic!("{raw:?} was accepted as {v:?}"),
        Err(e) => e.code,
    }
}

fn text(s: &str) -> Result<Value, ValueError> {
    Ok(Value::Text(s.to_string()))
}

#[test]
fn text_is_trimmed() {
    let c = of("text");
    assert_eq!(c.check("  Ann Lee \t"), text("Ann Lee"));
    assert_eq!(c.check("a < b"), text("a < b"));
    assert_eq!(c.check("I <3 CSV"), text("I <3 CSV"));
    assert_eq!(c.check("'=1+2"), text("'=1+2"), "the apostrophe escape is accepted");
    assert_eq!(c.field().key, "v");
}

#[test]
fn formula_starts_are_refused_for_text_like_types() {
    let cases = [
        ("text", "=1+2"),
        ("text", "+1 555"),
        ("text", "-5 apples"),
        ("text", "@SUM(A1)"),
        ("text", "\tx"),
        ("text", "\rx"),
        ("text", "   =HYPERLINK(\"x\")"),
        ("text", "\n=1+2"),
        ("email", "=ann@example.com"),
        ("email", "-ann@example.com"),
        ("id", "-AB12"),
        ("url", "=example.com"),
        ("boolean", "+1"),
        ("enum", "=yes"),
    ];
    for (kind, raw) in cases {
        let c = if kind == "enum" {
            checker(r#"{"key": "v", "type": "enum", "options": [{"value": "yes"}]}"#)
        } else {
            of(kind)
        };
        assert_eq!(code(&c, raw), RowErrorCode::Formula, "{kind} {raw:?}");
    }
}

#[test]
fn formula_message_names_the_character_and_the_fix() {
    let e = of("text").check("=1+2").unwrap_err();
    assert!(e.message.contains("starts with '='"), "{}", e.message);
    assert!(e.message.contains("apostrophe"), "{}", e.message);
    let e = of("text").check("\tx").unwrap_err();
    assert!(e.message.contains("starts with a tab"), "{}", e.message);
    assert!(e.message.contains("\"\\tx\""), "the tab is shown, not printed: {}", e.message);
}

#[test]
fn number_phone_and_date_types_may_start_like_formulas() {
    assert_eq!(of("integer").check("-5"), Ok(Value::Int(-5)));
    assert_eq!(of("integer").check("+5"), Ok(Value::Int(5)));
    assert_eq!(of("integer").check("\t5"), Ok(Value::Int(5)));
    assert_eq!(of("decimal").check("-1,234.5"), text("-1234.5"));
    assert_eq!(of("phone").check("+44 20 7946 0958"), text("+44 20 7946 0958"));
    // ... but a formula is never a valid number, phone or date.
    assert_eq!(code(&of("integer"), "=1+2"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("integer"), "@5"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("integer"), "-1+2"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("decimal"), "=0.5"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("decimal"), "-0.5+cmd|' /C calc'!A0"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("phone"), "=5551234567"), RowErrorCode::InvalidPhone);
    assert_eq!(code(&of("phone"), "+5551234567+cmd"), RowErrorCode::InvalidPhone);
    assert_eq!(code(&of("date"), "=2024-01-01"), RowErrorCode::InvalidDate);
    assert_eq!(code(&of("date"), "-2024-01-01"), RowErrorCode::InvalidDate);
    assert_eq!(code(&of("datetime"), "@2024-01-01"), RowErrorCode::InvalidDatetime);
}

#[test]
fn a_number_or_phone_marked_as_text_is_read_back() {
    // As spreadsheets and the error reports write them.
    assert_eq!(of("phone").check("'+44 20 7946 0958"), text("+44 20 7946 0958"));
    assert_eq!(of("integer").check(" '-5 "), Ok(Value::Int(-5)));
    assert_eq!(of("decimal").check("'-1,234.5"), text("-1234.5"));
    // The mark before anything else is not one; nor is it on text.
    assert_eq!(code(&of("phone"), "'44 20 7946 0958"), RowErrorCode::InvalidPhone);
    assert_eq!(code(&of("integer"), "''-5"), RowErrorCode::InvalidNumber);
    assert_eq!(code(&of("phone"), "'=5551234567"), RowErrorCode::InvalidPhone);
    assert_eq!(of("text").check("'-note"), text("'-note"));
}

#[test]
fn markup_is_refused() {
    for raw in [
        "<b>Ann</b>",
        "Ann</p>",
        "x<script>alert(1)</script>",
        "<!-- hi -->",
        "<?php echo 1 ?>",
        "<img src=x onerror=alert(1)>",
    ] {
        let e = of("text").check(raw).unwrap_err();
        assert_eq!(e.code, RowErrorCode::Markup, "{raw}");
        assert!(e.message.contains("Remove the < > part"), "{}", e.message);
    }
    let e = of("text").check("Hi <b>Ann</b>").unwrap_err();
    assert!(e.message.contains("(<b>)"), "the tag is named: {}", e.message);
    // Markup is refused in every type but passwords, before the type check.
    assert_eq!(code(&of("url"), "https://example.com/<script>"), RowErrorCode::Markup);
    assert_eq!(code(&of("integer"), "<b>5</b>"), RowErrorCode::Markup);
    assert_eq!(of("password").check("<b>Abcdef1"), text("<b>Abcdef1"));
}

#[test]
fn passwords_are_exempt_and_untrimmed() {
    let c = of("password");
    assert_eq!(c.check("=Abcdef1!"), text("=Abcdef1!"));
    assert_eq!(c.check("-Abcdef1"), text("-Abcdef1"));
    assert_eq!(c.check(" Abcdef1 "), text(" Abcdef1 "));
    let e = c.check("Abcdefg").unwrap_err();
    assert_eq!(e.code, RowErrorCode::WeakPassword);
    assert_eq!(e.message, "The password needs at least 8 characters, a digit and a symbol. Choose a stronger one.");
}

#[test]
fn password_rules_do_not_quote_the_password() {
    let c =
        checker(r#"{"key": "v", "type": "password", "max_length": 10, "pattern": "[^x]*", "pattern_hint": "no x"}"#);
    let e = c.check("Abcdef1!Abcdef1!").unwrap_err();
    assert_eq!(e.code, RowErrorCode::TooLong);
    assert!(!e.message.contains("Abcdef"), "{}", e.message);
    assert!(e.message.contains("16 characters") && e.message.contains("most is 10"), "{}", e.message);
    let e = c.check("Abcdefx1!").unwrap_err();
    assert_eq!(e.code, RowErrorCode::Pattern);
    assert_eq!(e.message, "The password is not in the required form: no x. Choose one that is.");
}

#[test]
fn max_length_counts_characters_of_the_normalised_value() {
    let c = checker(r#"{"key": "v", "max_length": 5}"#);
    assert_eq!(c.check("héllo"), text("héllo"), "6 bytes but 5 characters");
    assert_eq!(c.check("  ñññññ  "), text("ñññññ"), "the trimmed text counts");
    let e = c.check("héllo!").unwrap_err();
    assert_eq!(e.code, RowErrorCode::TooLong);
    assert!(e.message.contains("is 6 characters long; the most is 5"), "{}", e.message);
    assert!(e.message.contains("Shorten it"), "{}", e.message);

    let c = checker(r#"{"key": "v", "type": "integer", "max_length": 4}"#);
    assert_eq!(c.check("1,234"), Ok(Value::Int(1234)));
    assert_eq!(code(&c, "12,345"), RowErrorCode::TooLong);
    // A type error comes before the length.
    assert_eq!(code(&c, "123456789x"), RowErrorCode::InvalidNumber);
}

#[test]
fn pattern_must_match_the_whole_normalised_value() {
    let c = checker(r#"{"key": "v", "pattern": "[A-Z]{2}", "pattern_hint": "two capital letters."}"#);
    assert_eq!(c.check(" DE "), text("DE"));
    let e = c.check("DEU").unwrap_err();
    assert_eq!(e.code, RowErrorCode::Pattern);
    assert_eq!(e.message, "\"DEU\" is not in the expected form: two capital letters. Change it to match.");
    assert_eq!(code(&c, "xDE"), RowErrorCode::Pattern);

    let c = checker(r#"{"key": "v", "pattern": "a|b"}"#);
    assert_eq!(c.check("a"), text("a"));
    let e = c.check("ab").unwrap_err();
    assert!(e.message.contains("does not match the pattern a|b"), "{}", e.message);

    let c = checker(r#"{"key": "v", "type": "email", "pattern": ".*@example\\.com"}"#);
    assert_eq!(c.check("Ann@EXAMPLE.com"), text("ann@example.com"));
}

#[test]
fn bad_fields_are_refused_by_new() {
    for json in [
        r#"{"key": "v", "pattern": "("}"#,
        r#"{"key": "v", "pattern": "a)|(b"}"#,
        r#"{"key": "v", "type": "date", "formats": ["DD/MM/YY"]}"#,
        r#"{"key": "v", "type": "datetime", "formats": ["MMDD"]}"#,
        r#"{"key": "v", "type": "enum"}"#,
    ] {
        let field: Field = serde_json::from_str(json).unwrap();
        let e = FieldChecker::new(&field).unwrap_err();
        assert!(e.contains("field v"), "{json}: {e}");
    }
}

#[test]
fn booleans() {
    let c = of("boolean");
    for raw in ["true", "TRUE", "Yes", "y", "T", "1", " yes "] {
        assert_eq!(c.check(raw), Ok(Value::Bool(true)), "{raw}");
    }
    for raw in ["false", "No", "N", "f", "0", "FALSE"] {
        assert_eq!(c.check(raw), Ok(Value::Bool(false)), "{raw}");
    }
    let e = c.check("maybe").unwrap_err();
    assert_eq!(e.code, RowErrorCode::InvalidBoolean);
    assert!(e.message.contains("Use one of: true, false, yes, no, 1, 0, y, n, t, f."), "{}", e.message);
    assert_eq!(code(&c, "2"), RowErrorCode::InvalidBoolean);
    assert_eq!(code(&c, "yes!"), RowErrorCode::InvalidBoolean);
}

#[test]
fn ids() {
    let c = of("id");
    assert_eq!(c.check(" AB-12_x.3 "), text("AB-12_x.3"));
    assert_eq!(c.check(&"a".repeat(64)), text(&"a".repeat(64)));
    // Longer than any ID can be: the type's bound, before its characters.
    let e = c.check(&"a".repeat(65)).unwrap_err();
    assert_eq!(e.code, RowErrorCode::TooLong);
    assert!(e.message.contains("65 characters long; an ID has at most 64"), "{}", e.message);
    assert!(c.check("AB 12").unwrap_err().message.contains("contains a space"));
    assert!(c.check("AB/12").unwrap_err().message.contains("contains '/'"));
    assert_eq!(code(&c, "Ä1"), RowErrorCode::InvalidId);
}

#[test]
fn dates_through_the_checker() {
    assert_eq!(of("date").check(" 2024-02-29 "), text("2024-02-29"));
    let c = checker(r#"{"key": "v", "type": "date", "formats": ["YYYYMMDD"]}"#);
    assert_eq!(c.check("19811120"), text("1981-11-20"));
    let e = c.check("1981-11-20").unwrap_err();
    assert_eq!(e.code, RowErrorCode::InvalidDate);
    assert!(e.message.contains("Use YYYYMMDD, e.g. 19811120."), "{}", e.message);
}

#[test]
fn datetime_messages_list_only_the_fields_own_formats() {
    let c = checker(r#"{"key": "v", "type": "datetime", "formats": ["YYYY-MM-DD", "DD.MM.YYYY"]}"#);
    assert_eq!(c.check("13.06.2024 15:06"), text("2024-06-13T15:06:00Z"));
    let e = c.check("13/06/2024").unwrap_err();
    assert!(e.message.ends_with("; the date may also be written as DD.MM.YYYY."), "{}", e.message);
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = format!("{}@", "x".repeat(100));
    let e = of("email").check(&long).unwrap_err();
    assert!(e.message.starts_with(&format!("\"{}…\"", "x".repeat(40))), "{}", e.message);
    assert!(!e.message.contains(&long));
}

#[test]
fn quote_escapes_control_characters() {
    let quote = |s: &str| messages::quote(Lang::En, s);
    assert_eq!(quote("a\tb\r\nc\u{7}"), "\"a\\tb\\r\\nc\u{FFFD}\"");
    assert_eq!(quote(&"é".repeat(41)), format!("\"{}…\"", "é".repeat(40)));
    assert_eq!(quote(&"é".repeat(40)), format!("\"{}\"", "é".repeat(40)));
    assert_eq!(messages::quote(Lang::Fr, "a\tb"), "« a\\tb »");
}

proptest! {
    #[test]
    fn weak_password_messages_never_contain_the_password(pw in "\\PC{3,24}|[a-zA-Z0-9!?# ]{3,12}") {
        let c = of("password");
        if let Err(e) = c.check(&pw) {
            if e.code == RowErrorCode::ControlCharacter {
                // Printable, but invisible (a byte order mark, say).
                prop_assert!(pw.chars().any(is_invisible), "{:?}", pw);
                prop_assert!(!e.message.contains(pw.as_str()), "{}", e.message);
                return Ok(());
            }
            prop_assert_eq!(e.code, RowErrorCode::WeakPassword);
            // The message depends only on what is missing...
            prop_assert_eq!(&e.message, &messages::weak_password(Lang::En, &password_problems(&pw)));
            // ... and never contains it. (A password made only of letters of
            // the fixed words, such as "ass", could appear by coincidence.)
            let fixed = "The password needs at least 8 characters, an uppercase letter, a lowercase letter, a digit and a symbol. Choose a stronger one.";
            if pw.chars().any(|c| !fixed.contains(c)) {
                prop_assert!(!e.message.contains(pw.as_str()), "{}", e.message);
            }
        }
    }

    #[test]
    fn checking_never_panics(raw in "\\PC{1,40}", kind in 0usize..12) {
        let kinds = ["text", "email", "integer", "decimal", "boolean", "date", "datetime", "password", "phone", "url", "id", "enum"];
        let c = if kinds[kind] == "enum" {
            checker(r#"{"key": "v", "type": "enum", "options": [{"value": "a", "aliases": ["ä"]}]}"#)
        } else {
            of(kinds[kind])
        };
        prop_assume!(!raw.trim().is_empty());
        if let Err(e) = c.check(&raw) {
            prop_assert!(e.message.ends_with('.'), "{}", e.message);
        }
    }
}

/// `dangerous` as it was before its shortcut for plain first characters.
fn dangerous_reference(raw: &str, kind: FieldType) -> Result<(), ValueError> {
    if !formula_exempt(kind) {
        let lead = raw.trim_start_matches(' ').chars().next();
        let trigger = match lead {
            Some(c @ ('=' | '+' | '-' | '@' | '\t' | '\r')) => Some(c),
            _ => raw.trim_start().chars().next().filter(|c| matches!(c, '=' | '+' | '-' | '@')),
        };
        if let Some(c) = trigger {
            let message = messages::formula(Lang::En, raw.trim_start_matches(' ').trim_end(), c);
            return Err(ValueError::new(RowErrorCode::Formula, message));
        }
    }
    let tag = raw.match_indices('<').find_map(|(i, _)| {
        matches!(raw.as_bytes().get(i + 1), Some(b'a'..=b'z' | b'A'..=b'Z' | b'/' | b'!' | b'?')).then_some(i)
    });
    if tag.is_some() {
        return Err(ValueError::new(RowErrorCode::Markup, find_tag(raw).unwrap_or_default().to_string()));
    }
    Ok(())
}

proptest! {
    #[test]
    fn trim_shortcut_is_str_trim(s in "[ \\t\\r\\n\\u{b}\\u{a0}\\u{3000}aé=<]{0,6}|\\PC{0,8}") {
        prop_assert_eq!(trim(&s), s.trim());
    }

    #[test]
    fn dangerous_shortcut_changes_nothing(raw in "[ \\t\\r\\n\\u{b}\\u{a0}=+\\-@a1é<>/]{0,8}|\\PC{0,12}", kind in 0usize..3) {
        let kind = [FieldType::Text, FieldType::Integer, FieldType::Email][kind];
        let (got, want) = (dangerous(&raw, kind, Lang::En), dangerous_reference(&raw, kind));
        match (&got, &want) {
            // The reference does not build the markup message; the tag found is enough.
            (Err(g), Err(w)) if w.code == RowErrorCode::Markup => {
                prop_assert_eq!(g.code, RowErrorCode::Markup);
                prop_assert!(g.message.contains(&w.message));
            }
            _ => prop_assert_eq!(got, want),
        }
    }

    #[test]
    fn borrowed_checks_agree_with_owned_ones(raw in "[ aA.@\\-_é1+()x]{1,16}|\\PC{1,16}", kind in 0usize..12) {
        let kinds = ["text", "email", "integer", "decimal", "boolean", "date", "datetime", "password", "phone", "url", "id", "enum"];
        let c = if kinds[kind] == "enum" {
            checker(r#"{"key": "v", "type": "enum", "options": [{"value": "Alpha", "aliases": ["a", "ä"]}, {"value": "b"}]}"#)
        } else {
            of(kinds[kind])
        };
        prop_assume!(!raw.trim().is_empty());
        let cell = c.check_cell(&raw);
        // Text that needs no change is the cell itself, not a copy.
        if let Ok(Checked::Text(Cow::Borrowed(t))) = &cell
            && kinds[kind] != "enum"
        {
            prop_assert!(raw.as_bytes().as_ptr_range().contains(&t.as_ptr()));
        }
        prop_assert_eq!(cell.map(Checked::into_value), c.check(&raw));
    }
}

#[test]
fn emails_are_lowercased_and_borrowed_when_they_already_are() {
    let c = of("email");
    assert_eq!(c.check_cell(" ann@example.com "), Ok(Checked::Text(Cow::Borrowed("ann@example.com"))));
    assert_eq!(c.check_cell("Ann@Example.COM"), Ok(Checked::Text(Cow::Owned("ann@example.com".to_string()))));
}

#[test]
fn invisible_characters_are_refused_with_their_name() {
    let c = of("text");
    for (raw, named) in [
        ("\u{202E}RTL", "U+202E (right-to-left override)"),
        ("Ann\u{200B}Lee", "U+200B (zero-width space)"),
        ("\u{FEFF}Northwind", "U+FEFF (byte order mark)"),
        ("x\u{2066}y\u{2069}", "U+2066 (directional isolate)"),
        ("\u{FFFF}", "U+FFFF"),
    ] {
        let e = c.check(raw).unwrap_err();
        assert_eq!(e.code, RowErrorCode::ControlCharacter, "{raw:?}");
        assert!(e.message.contains(named), "{raw:?}: {}", e.message);
    }
    // A file read in the wrong encoding: the way out is named.
    let e = c.check("M\u{FFFD}ller").unwrap_err();
    assert_eq!(e.code, RowErrorCode::ControlCharacter);
    assert!(e.message.contains("read in an encoding other than its own"), "{}", e.message);
    // Joiners and direction marks are text; so are curly quotes and the euro sign.
    for raw in ["\u{1F469}\u{200D}\u{1F4BB}", "\u{645}\u{200C}\u{6CC}", "abc\u{200F}", "O\u{2019}Brien \u{20AC}5"] {
        assert_eq!(c.check(raw), text(raw), "{raw:?}");
    }
    assert_eq!(code(&of("email"), "ann\u{200B}@example.com"), RowErrorCode::ControlCharacter);
}
