//! Every message in every language.

use super::*;
use crate::error::{FileErrorCode, RowErrorCode};
use crate::report::{Options, check};
use crate::value::FieldChecker;
use crate::{Field, Template};
use std::collections::HashSet;

/// A field from its JSON, checked in both languages.
fn both(json: &str, raw: &str) -> (crate::ValueError, crate::ValueError) {
    let field: Field = serde_json::from_str(json).unwrap();
    let en = FieldChecker::new(&field).unwrap();
    let fr = en.clone().with_lang(Lang::Fr);
    let (Err(e), Err(f)) = (en.check(raw), fr.check(raw)) else { panic!("{json} {raw:?} should fail") };
    (e, f)
}

/// What every French message must be: its own text, not the English
/// one, French quotes, a full sentence.
fn assert_french(en: &str, fr: &str, what: &str) {
    assert!(!fr.trim().is_empty(), "{what}: empty");
    assert_ne!(en, fr, "{what}: the French is the English");
    // Straight quotes only where the value itself has one.
    assert!(fr.matches('"').count() <= en.matches("'\"'").count(), "{what}: straight quotes in {fr}");
    assert!(fr.ends_with(['.', ')']), "{what}: {fr}");
}

const TEXT: &str = r#"{"key": "v", "type": "text"}"#;

/// Bad values of every type, one per kind of problem the checks name.
fn bad_values() -> Vec<(&'static str, &'static str)> {
    let email = r#"{"key": "v", "type": "email"}"#;
    let int = r#"{"key": "v", "type": "integer"}"#;
    let dec = r#"{"key": "v", "type": "decimal"}"#;
    let phone = r#"{"key": "v", "type": "phone"}"#;
    let url = r#"{"key": "v", "type": "url"}"#;
    let date = r#"{"key": "v", "type": "date", "formats": ["YYYYMMDD", "DD/MM/YYYY"]}"#;
    let datetime = r#"{"key": "v", "type": "datetime", "formats": ["DD.MM.YYYY"]}"#;
    vec![
        (email, "ann lee@example.com"),
        (email, "ann.example.com"),
        (email, "ann@@example.com"),
        (email, "@example.com"),
        (email, "anné@example.com"),
        (email, "ann@"),
        (email, "ann@exam_ple.com"),
        (email, "ann@example"),
        (email, "ann@.example.com"),
        (email, "ann@example.com."),
        (email, "ann@example..com"),
        (email, "ann@-example.com"),
        (int, "abc"),
        (int, "12$"),
        (int, "12x"),
        (int, "1e5"),
        (int, "1,23,4"),
        (int, "12.5"),
        (int, "99999999999999999999"),
        (dec, "1.2.3,4"),
        (dec, "1,234"),
        (dec, "12."),
        (r#"{"key": "v", "type": "boolean"}"#, "maybe"),
        (r#"{"key": "v", "type": "id"}"#, "a b"),
        (r#"{"key": "v", "type": "id"}"#, "a12345678901234567890123456789012345678901234567890123456789012345"),
        (r#"{"key": "v", "type": "enum", "options": [{"value": "female"}, {"value": "male"}]}"#, "femal"),
        (r#"{"key": "v", "type": "password"}"#, "abc"),
        (r#"{"key": "v", "type": "password", "max_length": 10}"#, "Abcdefgh1!xyz"),
        (r#"{"key": "v", "type": "password", "pattern": "[A-Z].*"}"#, "aBcdefg1!"),
        (
            r#"{"key": "v", "type": "password", "pattern": "[A-Z].*", "pattern_hint": "starts with a capital"}"#,
            "aBcdefg1!",
        ),
        (r#"{"key": "v", "type": "text", "max_length": 3}"#, "abcd"),
        (r#"{"key": "v", "type": "text", "pattern": "[0-9]+"}"#, "abc"),
        (r#"{"key": "v", "type": "text", "pattern": "[0-9]+", "pattern_hint": "digits only."}"#, "abc"),
        (TEXT, "=1+2"),
        (TEXT, "\tx"),
        (TEXT, "\rx"),
        (TEXT, "<b>hi</b>"),
        (phone, "44+20 7946 0958"),
        (phone, "((030) 1234567"),
        (phone, "030) 1234567"),
        (phone, "-555-123-4567"),
        (phone, "555 123 4567 #12"),
        (phone, "(030 1234567"),
        (phone, "()"),
        (phone, "123456"),
        (phone, "555-123-4567 call"),
        (phone, "555-123-4567 x"),
        (url, "https://exa mple.com"),
        (url, "javascript:alert(1)"),
        (url, "https:example.com"),
        (url, "ann@example.com"),
        (url, "https://user:pw@example.com"),
        (url, "https://[::1"),
        (url, "https://example.com:99999"),
        (url, "https://"),
        (url, "https://[zz]"),
        (url, "https://exa!mple.com"),
        (url, "hello"),
        (url, "https://example"),
        (url, "https://example..com"),
        (url, "https://-example.com"),
        (url, "1.5"),
        (date, "19810230"),
        (date, "00001120"),
        (date, "19811320"),
        (date, "19811100"),
        (date, "nope"),
        (datetime, "2024-06-13 24:00"),
        (datetime, "2024-06-13 10:60"),
        (datetime, "2024-06-13 10:00:61"),
        (datetime, "2024-06-13 10:00 +25:00"),
        (datetime, "2023-02-29 10:00"),
        (datetime, "soon"),
        // Control characters: damage anywhere, a line break where one line is taken.
        (TEXT, "Ann\u{0}Lee"),
        (TEXT, "Ann\u{1b}[31mLee"),
        (email, "ann@exam\u{85}ple.com"),
        (phone, "555 123\n4567"),
        (r#"{"key": "v", "type": "password"}"#, "Abcdefg1!\u{7f}"),
        // Longer than any value of the type.
        (email, leak(format!("{}@example.com", "a".repeat(3000)))),
        (email, leak(format!("ann@{}.com", "b".repeat(60).repeat(5)))),
        (url, leak(format!("https://example.com/{}", "p".repeat(2100)))),
        (phone, leak("5".repeat(65))),
        (int, leak("1".repeat(101))),
        (date, leak("1".repeat(65))),
        (r#"{"key": "v", "type": "password"}"#, leak(format!("Ab1!{}", "x".repeat(300)))),
        (TEXT, leak("t".repeat(1001))),
    ]
}

/// A test value that lives as long as the static cases.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[test]
fn every_value_error_has_its_own_french_text() {
    let mut seen = HashSet::new();
    for (json, raw) in bad_values() {
        let (en, fr) = both(json, raw);
        assert_eq!(en.code, fr.code, "{json} {raw:?}");
        assert_french(&en.message, &fr.message, &format!("{json} {raw:?}"));
        // Each case is a different message: the fixture misses none.
        assert!(seen.insert(en.message.clone()), "two cases give {}", en.message);
    }
}

/// Runs `file` through `check` in both languages.
fn reports(file: &[u8], template: &Template, options: Options) -> (crate::Report, crate::Report) {
    let en = check(file, template, &options);
    let fr = check(file, template, &Options { lang: Lang::Fr, ..options });
    (en, fr)
}

#[test]
fn every_row_error_code_has_french() {
    let template = Template::from_toml(
        r#"
        name = "t"
        label = "T"
        [[fields]]
        key = "email"
        type = "email"
        required = true
        unique = true
        [[fields]]
        key = "coach"
        type = "email"
        reference = "user"
        [[fields]]
        key = "tag"
        reference = "tag"
        [[fields]]
        key = "partner"
        type = "id"
        reference = "partner"
        [[fields]]
        key = "partner_user"
        type = "id"
        reference = "partner_user"
        [[fields]]
        key = "record"
        type = "id"
        reference = "record"
        [[fields]]
        key = "project"
        reference = "project"
        "#,
    )
    .unwrap();
    let file = b"email,coach,tag,partner,partner_user,record,project\n\
        ann@example.com,c@example.com,vip,P1,U1,R1,PRJ-9\n\
        ann@example.com,,,,,,,extra\n\
        ,,other,,,,\n\
        bob@example.com,\"c@example.com,x\n";
    let unknown = ["coach:c@example.com", "tag:vip", "partner:P1", "partner_user:U1", "record:R1", "project:PRJ-9"]
        .iter()
        .map(|s| s.split_once(':').unwrap())
        .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
        .collect();
    let (en, fr) = reports(file, &template, Options { unknown, ..Options::default() });
    assert_eq!(en.errors.len(), fr.errors.len());
    let mut codes: HashSet<RowErrorCode> = HashSet::new();
    for (e, f) in en.errors.iter().zip(&fr.errors) {
        assert_eq!(e.code, f.code);
        assert_french(&e.message, &f.message, e.code.as_str());
        codes.insert(e.code);
    }
    for (json, raw) in bad_values() {
        codes.insert(both(json, raw).0.code);
    }
    // `duplicate_existing` is the server's own (it knows the stored records).
    let all = [
        RowErrorCode::Required,
        RowErrorCode::InvalidEmail,
        RowErrorCode::InvalidDate,
        RowErrorCode::InvalidDatetime,
        RowErrorCode::InvalidNumber,
        RowErrorCode::InvalidBoolean,
        RowErrorCode::InvalidEnum,
        RowErrorCode::InvalidPhone,
        RowErrorCode::InvalidUrl,
        RowErrorCode::InvalidId,
        RowErrorCode::TooLong,
        RowErrorCode::Pattern,
        RowErrorCode::WeakPassword,
        RowErrorCode::DuplicateInFile,
        RowErrorCode::Formula,
        RowErrorCode::Markup,
        RowErrorCode::ExtraCells,
        RowErrorCode::UnknownUser,
        RowErrorCode::UnknownId,
        RowErrorCode::UnknownReference,
        RowErrorCode::ControlCharacter,
        RowErrorCode::UnclosedQuote,
    ];
    for code in all {
        assert!(codes.contains(&code), "no French checked for {}", code.as_str());
    }
    let kinds: HashSet<&str> = fr.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(kinds.len() >= 8, "{kinds:?}");
}

#[test]
fn every_file_error_has_french() {
    let template = Template::from_toml(
        r#"
        name = "t"
        label = "Contacts"
        max_rows = 1
        [[fields]]
        key = "email"
        label = "Email"
        required = true
        [[fields]]
        key = "seen"
        type = "date"
        default = "now"
        "#,
    )
    .unwrap();
    let override_to = |column: &str, field: Option<&str>| crate::map::Override {
        column: column.to_string(),
        field: field.map(str::to_string),
    };
    let now = || Options { now: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let cases: Vec<(&[u8], Options)> = vec![
        (b"", now()),
        (b"PK\x03\x04 zip", now()),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", now()),
        (b"%PDF-1.7", now()),
        (b"\x89PNG\r\n\x1a\n", now()),
        (b"\x1F\x8B", now()),
        (b"\x7FELF", now()),
        (b"Email\nann\0\0\0\0\0\0\0\0\0@example.com\n", now()),
        (b"  \n \n", now()),
        (b"Email\na\n", Options { encoding: Some("nope".into()), ..now() }),
        (b"Email\na\n", Options { delimiter: Some(b'"'), ..now() }),
        (
            b"Email,E-mail\na,b\n",
            Options { overrides: vec![override_to("Email", Some("email")), override_to("E-mail", Some("email"))], ..now() },
        ),
        (b"Name\nAnn\n", now()),
        (b"Email\na\nb\n", now()),
        (b"Email\na\n", Options::default()),
        (b"Email\na\n", Options { overrides: vec![override_to("Nope", None)], ..now() }),
        (b"Email\na\n", Options { overrides: vec![override_to("Email", Some("nope"))], ..now() }),
        (b"Em\x01ail\na\n", now()),
        (b"Email,\"Seen\na\n", now()),
        // Two sheets, none chosen.
        (include_bytes!("../../tests/fixtures/workbooks/clients.ods"), now()),
    ];
    let mut codes = HashSet::new();
    for (file, options) in cases {
        let (en, fr) = reports(file, &template, options);
        assert!(!en.file_errors.is_empty(), "{file:?}");
        assert_eq!(en.file_errors.len(), fr.file_errors.len(), "{file:?}");
        for (e, f) in en.file_errors.iter().zip(&fr.file_errors) {
            assert_eq!(e.code, f.code);
            assert_french(&e.message, &f.message, e.code.as_str());
            codes.insert(e.code);
        }
    }
    // A header of only byte order marks; `check` strips them on decoding.
    let text = "\u{FEFF};\u{FEFF} \na;b\n";
    let en = crate::parse::RowReader::new_in(text, b';', Lang::En).err().unwrap();
    let fr = crate::parse::RowReader::new_in(text, b';', Lang::Fr).err().unwrap();
    assert_french(&en.message, &fr.message, "no_header");
    codes.insert(fr.code);
    assert_eq!(codes.len(), 12, "{codes:?}");
    assert!(codes.contains(&FileErrorCode::UnknownEncoding));
}

#[test]
fn some_french_texts_in_full() {
    let (_, fr) = both(r#"{"key": "v", "type": "date", "formats": ["YYYYMMDD"]}"#, "19810230");
    assert_eq!(
        fr.message,
        "« 19810230 » n’est pas un jour qui existe : le 30 février 1981 n’existe pas. \
         Vérifiez le jour et le mois. Utilisez YYYYMMDD, p. ex. 19811120."
    );
    let (_, fr) = both(r#"{"key": "v", "type": "password"}"#, "abcdefg1");
    assert_eq!(
        fr.message,
        "Le mot de passe doit contenir une majuscule et un symbole. Choisissez-en un plus solide."
    );
    let (_, fr) = both(TEXT, "=SUM(A1)");
    assert_eq!(
        fr.message,
        "« =SUM(A1) » commence par « = », qu’un tableur exécuterait comme une formule. Supprimez le « = », \
         ou commencez la cellule par une apostrophe (') pour la garder comme texte."
    );
    assert_eq!(required(Lang::Fr, "Email"), "Email est obligatoire : remplissez-le, ou ignorez cette ligne.");
    let (_, fr) = both(TEXT, "Ann\u{0}");
    assert_eq!(
        fr.message,
        "« Ann\u{FFFD} » contient le caractère de contrôle U+0000 (NUL) en position 4, qu’un enregistrement ne peut \
         pas contenir. Supprimez-le ; il vient en général d’un export abîmé ou d’un copier-coller depuis un autre programme."
    );
    let problem = crate::parse::QuoteProblem { column: 1, line: 2, run: crate::parse::QuoteRun::Unclosed };
    assert_eq!(
        unclosed_quote(Lang::Fr, &problem, "\"Smith"),
        "Le guillemet avant « Smith » à la ligne 2 n’est jamais fermé : les lignes suivantes seraient entrées dans \
         cette cellule ; la ligne a été coupée à la fin de la ligne 2. Ajoutez le guillemet fermant là où la valeur se \
         termine, ou supprimez le guillemet ouvrant (un guillemet dans une valeur entre guillemets s’écrit deux fois)."
    );
    assert_eq!(reason(Lang::Fr, "Email", "x"), "Email : x");
}

#[test]
fn languages_from_tags() {
    assert_eq!(Lang::from_tag("fr"), Lang::Fr);
    assert_eq!(Lang::from_tag("fr-CA"), Lang::Fr);
    assert_eq!(Lang::from_tag(" FR_be "), Lang::Fr);
    assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    assert_eq!(Lang::from_tag("de"), Lang::En);
    assert_eq!(Lang::from_tag(""), Lang::En);
    assert_eq!(Lang::default(), Lang::En);
    for lang in Lang::ALL {
        assert_eq!(Lang::from_tag(lang.tag()), lang);
        let json = serde_json::to_string(&lang).unwrap();
        assert_eq!(json, format!("\"{}\"", lang.tag()));
        assert_eq!(serde_json::from_str::<Lang>(&json).unwrap(), lang);
    }
}
