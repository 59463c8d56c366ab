//! The messages of values that are not what their field takes: email
//! addresses, web addresses, phone numbers, numbers, dates and times.

use super::{describe_char, pick, quote, Lang};
use std::fmt::Write as _;

/// Why an email address is not one, in the order the checks find it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmailProblem<'a> {
    Space(char),
    NoAt,
    ManyAt,
    NoLocal,
    LocalChar(char),
    NoDomain,
    DomainChar(char),
    NoDot,
    DotAfterAt,
    EndsWithDot,
    TwoDots,
    LabelHyphen(&'a str),
    LabelTooLong,
    /// The fast check refused it and the slow one found nothing.
    Invalid,
}

/// `invalid_email`.
pub(crate) fn email(lang: Lang, value: &str, problem: EmailProblem<'_>) -> String {
    use EmailProblem as P;
    let eg = pick(lang, "e.g. name@example.com", "p. ex. nom@example.com");
    let p = match (problem, lang) {
        (P::Space(c), Lang::En) => {
            format!("contains {}. Remove the space; an email address has none.", describe_char(lang, c))
        }
        (P::Space(c), Lang::Fr) => {
            format!("contient {}. Supprimez l’espace : une adresse e-mail n’en a pas.", describe_char(lang, c))
        }
        (P::NoAt, Lang::En) => format!("has no @. Write the whole address, {eg}."),
        (P::NoAt, Lang::Fr) => format!("n’a pas de @. Écrivez l’adresse complète, {eg}."),
        (P::ManyAt, Lang::En) => format!("has more than one @. Keep only one address per cell, {eg}."),
        (P::ManyAt, Lang::Fr) => format!("a plus d’un @. Gardez une seule adresse par cellule, {eg}."),
        (P::NoLocal, Lang::En) => format!("has nothing before the @. Add the name part, {eg}."),
        (P::NoLocal, Lang::Fr) => format!("n’a rien avant le @. Ajoutez la partie nom, {eg}."),
        (P::LocalChar(c), Lang::En) => format!(
            "contains {} before the @, which an email address cannot have. Remove it or correct the address.",
            describe_char(lang, c)
        ),
        (P::LocalChar(c), Lang::Fr) => format!(
            "contient {} avant le @, ce qu’une adresse e-mail ne peut pas avoir. Supprimez ce caractère ou corrigez l’adresse.",
            describe_char(lang, c)
        ),
        (P::NoDomain, Lang::En) => format!("has nothing after the @. Add the domain, {eg}."),
        (P::NoDomain, Lang::Fr) => format!("n’a rien après le @. Ajoutez le domaine, {eg}."),
        (P::DomainChar(c), Lang::En) => format!(
            "contains {} after the @; a domain has only the letters a to z, digits, '-' and '.' (a domain with accents \
             is written in its xn-- form). Correct the domain, {eg}.",
            describe_char(lang, c)
        ),
        (P::DomainChar(c), Lang::Fr) => format!(
            "contient {} après le @ ; un domaine n’a que les lettres a à z, des chiffres, « - » et « . » (un domaine \
             accentué s’écrit sous sa forme xn--). Corrigez le domaine, {eg}.",
            describe_char(lang, c)
        ),
        (P::NoDot, Lang::En) => format!("has no domain ending after the @. Add the domain ending, {eg}."),
        (P::NoDot, Lang::Fr) => {
            format!("n’a pas d’extension de domaine après le @. Ajoutez l’extension (.com, .fr…), {eg}.")
        }
        (P::DotAfterAt, Lang::En) => format!("has a dot right after the @. Remove the dot, {eg}."),
        (P::DotAfterAt, Lang::Fr) => format!("a un point juste après le @. Supprimez ce point, {eg}."),
        (P::EndsWithDot, Lang::En) => "ends with a dot. Remove the dot at the end.".to_string(),
        (P::EndsWithDot, Lang::Fr) => "se termine par un point. Supprimez le point final.".to_string(),
        (P::TwoDots, Lang::En) => "has two dots in a row after the @. Remove one of them.".to_string(),
        (P::TwoDots, Lang::Fr) => "a deux points à la suite après le @. Supprimez-en un.".to_string(),
        (P::LabelHyphen(label), Lang::En) => {
            format!("has a part of its domain that starts or ends with '-' (\"{label}\"). Correct the domain, {eg}.")
        }
        (P::LabelHyphen(label), Lang::Fr) => {
            format!("a une partie de domaine qui commence ou finit par « - » (« {label} »). Corrigez le domaine, {eg}.")
        }
        (P::LabelTooLong, Lang::En) => {
            "has a part of its domain longer than 63 characters. Correct the domain.".to_string()
        }
        (P::LabelTooLong, Lang::Fr) => {
            "a une partie de domaine de plus de 63 caractères. Corrigez le domaine.".to_string()
        }
        (P::Invalid, Lang::En) => "is not a valid email address. Correct it, e.g. name@example.com.".to_string(),
        (P::Invalid, Lang::Fr) => {
            "n’est pas une adresse e-mail valide. Corrigez-la, p. ex. nom@example.com.".to_string()
        }
    };
    format!("{} {p}", quote(lang, value))
}

/// Why a web address is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem<'a> {
    Char(char),
    /// A scheme other than http(s), as written.
    Scheme(&'a str),
    /// `https:example.com`: the scheme as written, then what follows it.
    Slashes(&'a str, &'a str),
    EmailLike,
    UserInfo,
    OpenBracket,
    Port,
    NoHost,
    NotIpv6,
    HostChar(char),
    BareNoDot,
    NoDot,
    EmptyLabel,
    BadLabel(&'a str),
    NumericHost,
}

/// `invalid_url`.
pub(crate) fn url(lang: Lang, value: &str, problem: UrlProblem<'_>) -> String {
    use UrlProblem as P;
    let eg = pick(lang, "e.g. https://example.com/page", "p. ex. https://example.com/page");
    let p = match (problem, lang) {
        (P::Char(c), Lang::En) => format!(
            "contains {}, which a web address cannot have. Remove it (a space inside a path is written %20), {eg}.",
            describe_char(lang, c)
        ),
        (P::Char(c), Lang::Fr) => format!(
            "contient {}, qu’une adresse web ne peut pas avoir. Supprimez ce caractère (un espace dans un chemin s’écrit %20), {eg}.",
            describe_char(lang, c)
        ),
        (P::Scheme(name), Lang::En) => format!(
            "is a '{}:' link, not a web address. Only addresses that start with http:// or https:// are accepted, {eg}.",
            name.to_ascii_lowercase()
        ),
        (P::Scheme(name), Lang::Fr) => format!(
            "est un lien « {}: », pas une adresse web. Seules les adresses qui commencent par http:// ou https:// sont acceptées, {eg}.",
            name.to_ascii_lowercase()
        ),
        (P::Slashes(name, after), Lang::En) => format!(
            "needs two slashes after '{name}:'. Write it as {}://{}.",
            name.to_ascii_lowercase(),
            after.trim_start_matches(['/', '\\'])
        ),
        (P::Slashes(name, after), Lang::Fr) => format!(
            "doit avoir deux barres obliques après « {name}: ». Écrivez {}://{}.",
            name.to_ascii_lowercase(),
            after.trim_start_matches(['/', '\\'])
        ),
        (P::EmailLike, Lang::En) => {
            format!("looks like an email address, not a web address. Put the website here, {eg}.")
        }
        (P::EmailLike, Lang::Fr) => {
            format!("ressemble à une adresse e-mail, pas à une adresse web. Mettez ici le site web, {eg}.")
        }
        (P::UserInfo, Lang::En) => {
            format!("has a user name or password before the host ('…@'). Remove that part, {eg}.")
        }
        (P::UserInfo, Lang::Fr) => {
            format!("a un nom d’utilisateur ou un mot de passe avant l’hôte (« …@ »). Supprimez cette partie, {eg}.")
        }
        (P::OpenBracket, Lang::En) => format!("has a '[' without a ']'. Correct the address, {eg}."),
        (P::OpenBracket, Lang::Fr) => format!("a un « [ » sans « ] ». Corrigez l’adresse, {eg}."),
        (P::Port, Lang::En) => {
            format!("has a port that is not a number from 0 to 65535 after the ':'. Correct or remove it, {eg}.")
        }
        (P::Port, Lang::Fr) => {
            format!("a un port qui n’est pas un nombre de 0 à 65535 après le « : ». Corrigez-le ou supprimez-le, {eg}.")
        }
        (P::NoHost, Lang::En) => format!("has no host name. Write the whole address, {eg}."),
        (P::NoHost, Lang::Fr) => format!("n’a pas de nom d’hôte. Écrivez l’adresse complète, {eg}."),
        (P::NotIpv6, Lang::En) => {
            format!("has a bracketed host that is not an IPv6 address. Correct the address, {eg}.")
        }
        (P::NotIpv6, Lang::Fr) => {
            format!("a un hôte entre crochets qui n’est pas une adresse IPv6. Corrigez l’adresse, {eg}.")
        }
        (P::HostChar(c), Lang::En) => format!(
            "has {} in its host name. A host has only letters, digits, '-' and '.', {eg}.",
            describe_char(lang, c)
        ),
        (P::HostChar(c), Lang::Fr) => format!(
            "contient {} dans son nom d’hôte. Un hôte n’a que des lettres, des chiffres, « - » et « . », {eg}.",
            describe_char(lang, c)
        ),
        (P::BareNoDot, Lang::En) => {
            format!("is not a web address. Write the whole address with its domain ending, {eg}.")
        }
        (P::BareNoDot, Lang::Fr) => {
            format!("n’est pas une adresse web. Écrivez l’adresse complète avec l’extension du domaine, {eg}.")
        }
        (P::NoDot, Lang::En) => format!("has no domain ending in its host name. Add it, {eg}."),
        (P::NoDot, Lang::Fr) => format!("n’a pas d’extension de domaine dans son nom d’hôte. Ajoutez-la, {eg}."),
        (P::EmptyLabel, Lang::En) => format!(
            "has an empty part in its host name (a dot at the start or end, or two in a row). Remove the extra dot, {eg}."
        ),
        (P::EmptyLabel, Lang::Fr) => format!(
            "a une partie vide dans son nom d’hôte (un point au début ou à la fin, ou deux à la suite). Supprimez le point en trop, {eg}."
        ),
        (P::BadLabel(label), Lang::En) => format!(
            "has a part of its host name that starts or ends with '-' or is too long (\"{label}\"). Correct it, {eg}."
        ),
        (P::BadLabel(label), Lang::Fr) => format!(
            "a une partie de son nom d’hôte qui commence ou finit par « - » ou qui est trop longue (« {label} »). Corrigez-la, {eg}."
        ),
        (P::NumericHost, Lang::En) => {
            format!("is not a web address: its host ends in a number. Write the whole address, {eg}.")
        }
        (P::NumericHost, Lang::Fr) => {
            format!("n’est pas une adresse web : son hôte se termine par un nombre. Écrivez l’adresse complète, {eg}.")
        }
    };
    format!("{} {p}", quote(lang, value))
}

/// Why a phone number is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PhoneProblem {
    PlusInside,
    NestedBracket,
    UnopenedBracket,
    /// Starts with `-`, `.` or `/`.
    BadStart(char),
    Char(char),
    Unclosed,
    NoDigits,
    /// Digits counted, fewest, most.
    Digits(usize, usize, usize),
    ExtensionChar(char),
    /// The most digits an extension has.
    Extension(usize),
}

/// `invalid_phone`.
pub(crate) fn phone(lang: Lang, value: &str, problem: PhoneProblem) -> String {
    use PhoneProblem as P;
    let eg = pick(lang, "e.g. +44 20 7946 0958 or (030) 1234567 x12", "p. ex. +44 20 7946 0958 ou (030) 1234567 x12");
    let p = match (problem, lang) {
        (P::PlusInside, Lang::En) => {
            format!("has a '+' that is not at the start. Keep '+' only before the country code, {eg}.")
        }
        (P::PlusInside, Lang::Fr) => {
            format!("a un « + » qui n’est pas au début. Gardez le « + » seulement devant l’indicatif du pays, {eg}.")
        }
        (P::NestedBracket, Lang::En) => format!("has a '(' inside brackets. Remove the extra bracket, {eg}."),
        (P::NestedBracket, Lang::Fr) => {
            format!("a une « ( » à l’intérieur de parenthèses. Supprimez la parenthèse en trop, {eg}.")
        }
        (P::UnopenedBracket, Lang::En) => format!("has a ')' without a '('. Remove it or add the '(', {eg}."),
        (P::UnopenedBracket, Lang::Fr) => {
            format!("a une « ) » sans « ( ». Supprimez-la ou ajoutez la « ( », {eg}.")
        }
        (P::BadStart(c), Lang::En) => format!("starts with '{c}'. Start with a digit, '+' or '(', {eg}."),
        (P::BadStart(c), Lang::Fr) => format!("commence par « {c} ». Commencez par un chiffre, « + » ou « ( », {eg}."),
        (P::Char(c), Lang::En) => format!(
            "contains {}, which a phone number cannot have. Use digits, spaces, + - . / ( ) and an extension such as x12, {eg}.",
            describe_char(lang, c)
        ),
        (P::Char(c), Lang::Fr) => format!(
            "contient {}, qu’un numéro de téléphone ne peut pas avoir. Utilisez des chiffres, des espaces, + - . / ( ) et un poste comme x12, {eg}.",
            describe_char(lang, c)
        ),
        (P::Unclosed, Lang::En) => format!("has a '(' that is never closed. Add the ')', {eg}."),
        (P::Unclosed, Lang::Fr) => format!("a une « ( » qui n’est jamais fermée. Ajoutez la « ) », {eg}."),
        (P::NoDigits, Lang::En) => format!("has no digits. Write the phone number, {eg}."),
        (P::NoDigits, Lang::Fr) => format!("n’a aucun chiffre. Écrivez le numéro de téléphone, {eg}."),
        (P::Digits(n, min, max), Lang::En) => {
            format!("has {n} digits; a phone number has {min} to {max}, country code included. Check the number, {eg}.")
        }
        (P::Digits(n, min, max), Lang::Fr) => format!(
            "a {n} chiffres ; un numéro de téléphone en a de {min} à {max}, indicatif du pays compris. Vérifiez le numéro, {eg}."
        ),
        (P::ExtensionChar(c), Lang::En) => format!(
            "contains {}, which a phone number cannot have. Use only digits and an extension such as x12, {eg}.",
            describe_char(lang, c)
        ),
        (P::ExtensionChar(c), Lang::Fr) => format!(
            "contient {}, qu’un numéro de téléphone ne peut pas avoir. N’utilisez que des chiffres et un poste comme x12, {eg}.",
            describe_char(lang, c)
        ),
        (P::Extension(max), Lang::En) => {
            format!("has an extension that is not 1 to {max} digits. Write it as x12 or ext. 12 at the end, {eg}.")
        }
        (P::Extension(max), Lang::Fr) => format!(
            "a un numéro de poste qui ne fait pas de 1 à {max} chiffres. Écrivez-le x12 ou ext. 12 à la fin, {eg}."
        ),
    };
    format!("{} {p}", quote(lang, value))
}

/// Why a number is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberProblem {
    NotANumber,
    Char(char),
    Exponent,
    Grouping,
    // The digits on each side of a lone `,` that could be either separator.
    Ambiguous,
    NotWhole,
    TooLarge,
    TrailingSeparator,
}

/// `invalid_number`; `decimal` for a decimal field, else an integer one.
pub(crate) fn number(lang: Lang, s: &str, problem: NumberProblem, decimal: bool) -> String {
    use NumberProblem as P;
    let q = quote(lang, s);
    let example = match (decimal, lang) {
        (true, Lang::En) => "e.g. 1234.5 or -0.75",
        (false, Lang::En) => "e.g. 1234 or -12",
        (true, Lang::Fr) => "p. ex. 1234.5 ou -0.75",
        (false, Lang::Fr) => "p. ex. 1234 ou -12",
    };
    let kind = match (decimal, lang) {
        (true, Lang::En) => "a number",
        (false, Lang::En) => "a whole number",
        (true, Lang::Fr) => "un nombre",
        (false, Lang::Fr) => "un nombre entier",
    };
    match (problem, lang) {
        (P::NotANumber, Lang::En) => format!("{q} is not {kind}. Write digits, {example}."),
        (P::NotANumber, Lang::Fr) => format!("{q} n’est pas {kind}. Écrivez des chiffres, {example}."),
        (P::Char(c @ ('$' | '€' | '£' | '¥' | '%')), Lang::En) => {
            format!("{q} contains {}. Remove it and write only the number, {example}.", describe_char(lang, c))
        }
        (P::Char(c @ ('$' | '€' | '£' | '¥' | '%')), Lang::Fr) => format!(
            "{q} contient {}. Supprimez ce symbole et n’écrivez que le nombre, {example}.",
            describe_char(lang, c)
        ),
        (P::Char(c), Lang::En) => {
            format!("{q} contains {}, so it is not {kind}. Write only digits, {example}.", describe_char(lang, c))
        }
        (P::Char(c), Lang::Fr) => format!(
            "{q} contient {}, ce n’est donc pas {kind}. N’écrivez que des chiffres, {example}.",
            describe_char(lang, c)
        ),
        (P::Exponent, Lang::En) => {
            format!("{q} is in scientific notation. Write the number out in full, e.g. 1500000.")
        }
        (P::Exponent, Lang::Fr) => {
            format!("{q} est en notation scientifique. Écrivez le nombre en entier, p. ex. 1500000.")
        }
        (P::Grouping, Lang::En) if decimal => format!(
            "{q} has its separators in the wrong place. Write thousands in groups of three and one decimal separator, e.g. 1,234,567.89, or no thousands separators: 1234567.89."
        ),
        (P::Grouping, Lang::Fr) if decimal => format!(
            "{q} a ses séparateurs au mauvais endroit. Écrivez les milliers par groupes de trois et un seul séparateur décimal, \
             p. ex. 1,234,567.89, ou sans séparateur de milliers : 1234567.89."
        ),
        (P::Grouping, Lang::En) => format!(
            "{q} has its thousands separators in the wrong place. Write groups of three digits, e.g. 1,234,567, or no separators: 1234567."
        ),
        (P::Grouping, Lang::Fr) => format!(
            "{q} a ses séparateurs de milliers au mauvais endroit. Écrivez des groupes de trois chiffres, \
             p. ex. 1,234,567, ou aucun séparateur : 1234567."
        ),
        (P::Ambiguous, _) => {
            let (int, frac) = s.trim_start_matches(['-', '+', '\u{2212}']).split_once(',').unwrap_or((s, ""));
            pick(
                lang,
                format!(
                    "{q} could mean {int}{frac} or {int}.{frac}. Write {int}{frac} for the whole number, or {int}.{frac} with a decimal point."
                ),
                format!(
                    "{q} peut vouloir dire {int}{frac} ou {int}.{frac}. Écrivez {int}{frac} pour le nombre entier, \
                     ou {int}.{frac} avec un point décimal."
                ),
            )
        }
        (P::NotWhole, Lang::En) => format!("{q} is not a whole number. Remove the decimal part, {example}."),
        (P::NotWhole, Lang::Fr) => format!("{q} n’est pas un nombre entier. Supprimez la partie décimale, {example}."),
        (P::TooLarge, Lang::En) => format!(
            "{q} is too large; whole numbers here run from -9223372036854775808 to 9223372036854775807. Check the value."
        ),
        (P::TooLarge, Lang::Fr) => format!(
            "{q} est trop grand ; les nombres entiers vont ici de -9223372036854775808 à 9223372036854775807. Vérifiez la valeur."
        ),
        (P::TrailingSeparator, Lang::En) => {
            format!("{q} ends with a decimal separator. Add the digits after it or remove it, {example}.")
        }
        (P::TrailingSeparator, Lang::Fr) => format!(
            "{q} se termine par un séparateur décimal. Ajoutez les chiffres qui le suivent ou supprimez-le, {example}."
        ),
    }
}

/// Why a day, or a time of day, does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Impossible {
    Year0,
    Month(u32),
    Day0,
    /// Year, month, day: a day the month does not have.
    Day(i32, u32, u32),
    Hour(u32),
    Minute(u32),
    Second(u32),
    /// Sign, hours, minutes.
    Offset(char, u32, u32),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// e.g. "February 1981 has no day 30".
fn impossible(lang: Lang, why: Impossible) -> String {
    use Impossible as I;
    match (why, lang) {
        (I::Year0, Lang::En) => "there is no year 0".to_string(),
        (I::Year0, Lang::Fr) => "l’année 0 n’existe pas".to_string(),
        (I::Month(m), Lang::En) => format!("there is no month {m}"),
        (I::Month(m), Lang::Fr) => format!("le mois {m} n’existe pas"),
        (I::Day0, Lang::En) => "there is no day 0".to_string(),
        (I::Day0, Lang::Fr) => "le jour 0 n’existe pas".to_string(),
        (I::Day(y, m, d), Lang::En) => format!("{} {y} has no day {d}", MONTHS[m as usize - 1]),
        (I::Day(y, m, d), Lang::Fr) => format!("le {d} {} {y} n’existe pas", MOIS[m as usize - 1]),
        (I::Hour(h), Lang::En) => format!("there is no hour {h} (hours run from 0 to 23)"),
        (I::Hour(h), Lang::Fr) => format!("l’heure {h} n’existe pas (les heures vont de 0 à 23)"),
        (I::Minute(m), Lang::En) => format!("there is no minute {m}"),
        (I::Minute(m), Lang::Fr) => format!("la minute {m} n’existe pas"),
        (I::Second(s), Lang::En) => format!("there is no second {s}"),
        (I::Second(s), Lang::Fr) => format!("la seconde {s} n’existe pas"),
        (I::Offset(sign, h, m), Lang::En) => {
            format!("there is no time zone offset {sign}{h:02}:{m:02} (offsets run from -23:59 to +23:59)")
        }
        (I::Offset(sign, h, m), Lang::Fr) => {
            format!("le décalage horaire {sign}{h:02}:{m:02} n’existe pas (les décalages vont de -23:59 à +23:59)")
        }
    }
}

/// `invalid_date`: `why` when the shape fits but the day does not exist;
/// `formats` are the accepted specs, first then others, with an example of
/// the first.
pub(crate) fn date(lang: Lang, value: &str, why: Option<Impossible>, formats: &[&str], example: &str) -> String {
    let q = quote(lang, value);
    let mut out = match (why, lang) {
        (Some(p), Lang::En) => format!("{q} is not a real day: {}. Check the day and the month.", impossible(lang, p)),
        (Some(p), Lang::Fr) => {
            format!("{q} n’est pas un jour qui existe : {}. Vérifiez le jour et le mois.", impossible(lang, p))
        }
        (None, Lang::En) => format!("{q} is not a date in the expected format."),
        (None, Lang::Fr) => format!("{q} n’est pas une date au format attendu."),
    };
    if let Some((first, others)) = formats.split_first() {
        let _ = match lang {
            Lang::En => write!(out, " Use {first}, e.g. {example}"),
            Lang::Fr => write!(out, " Utilisez {first}, p. ex. {example}"),
        };
        if !others.is_empty() {
            let _ = match lang {
                Lang::En => write!(out, " (also accepted: {})", others.join(", ")),
                Lang::Fr => write!(out, " (aussi acceptés : {})", others.join(", ")),
            };
        }
        out.push('.');
    }
    out
}

/// `invalid_datetime`: `custom` are the field's own formats for the date part.
pub(crate) fn datetime(lang: Lang, value: &str, why: Option<Impossible>, custom: &[&str]) -> String {
    let q = quote(lang, value);
    let mut out = match (why, lang) {
        (Some(p), Lang::En) => format!("{q} is not a real date and time: {}. Correct it.", impossible(lang, p)),
        (Some(p), Lang::Fr) => {
            format!("{q} n’est pas une date et heure qui existe : {}. Corrigez-la.", impossible(lang, p))
        }
        (None, Lang::En) => format!("{q} is not a date and time."),
        (None, Lang::Fr) => format!("{q} n’est pas une date et heure."),
    };
    out.push_str(pick(
        lang,
        " Use e.g. 2024-06-13T15:06:02Z, 2024-06-13 15:06 or 2024-06-13 (midnight UTC)",
        " Utilisez p. ex. 2024-06-13T15:06:02Z, 2024-06-13 15:06 ou 2024-06-13 (minuit UTC)",
    ));
    if !custom.is_empty() {
        let _ = match lang {
            Lang::En => write!(out, "; the date may also be written as {}", custom.join(" or ")),
            Lang::Fr => write!(out, " ; la date peut aussi s’écrire {}", custom.join(" ou ")),
        };
    }
    out.push('.');
    out
}
