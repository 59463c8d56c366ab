//! Every text this crate writes for a person, in each language a caller can
//! choose ([`Lang`]).
//!
//! The checks name what is wrong as a small value (which character, which
//! part of an address, which day); the sentence is written here, and only
//! when there is an error, so the language costs nothing on a valid cell.
//! English is the reference: its texts are the crate's documented messages.
//!
//! Left in English on purpose: errors about a template itself (a date
//! format spec that does not parse, an enum without options, a bad
//! `pattern`, a default that fails its own field). They are for the
//! template's developer, and a broken template stops before any file is read.

use crate::parse::{MAX_QUOTED_BYTES, MAX_QUOTED_LINE_BREAKS, QuoteProblem, QuoteRun};
use crate::template::FieldType;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

mod files;
mod mapping;
mod values;

pub use files::*;
pub(crate) use mapping::*;
pub(crate) use values::*;

/// The language of the messages (English unless the caller says otherwise).
///
/// ```
/// use csv_import_core::Lang;
///
/// assert_eq!(Lang::from_tag("fr-CA"), Lang::Fr);
/// assert_eq!(Lang::from_tag("de"), Lang::En);
/// assert_eq!(serde_json::to_string(&Lang::Fr).unwrap(), "\"fr\"");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, for checks that each message exists in all of them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The language of a BCP 47 tag (`fr`, `fr-CA`, `en_GB`); English for a
    /// language this crate does not have.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("fr") { Lang::Fr } else { Lang::En }
    }

    /// The primary language tag: `en` or `fr`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
}

/// English or French, as the language says.
fn pick<T>(lang: Lang, en: T, fr: T) -> T {
    match lang {
        Lang::En => en,
        Lang::Fr => fr,
    }
}

// ---------------------------------------------------------------------------
// Pieces shared by many messages.

/// The value in quotes for a message (`"x"`, `« x »`): at most 40
/// characters, then `…`; tabs and line breaks shown as `\t`, `\r`, `\n`.
pub(crate) fn quote(lang: Lang, s: &str) -> String {
    const MAX: usize = 40;
    let (open, close) = pick(lang, ("\"", "\""), ("« ", " »"));
    let mut out = String::with_capacity(s.len().min(4 * MAX) + 8);
    out.push_str(open);
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push_str(close);
    out
}

/// A text already shortened, in quotes (`"x"`, `« x »`).
fn quoted(lang: Lang, s: &str) -> String {
    pick(lang, format!("\"{s}\""), format!("« {s} »"))
}

/// A character as a message shows it: `'x'` (`« x »`), or a name for white space.
pub(crate) fn describe_char(lang: Lang, c: char) -> String {
    let name = match c {
        ' ' => pick(lang, "a space", "un espace"),
        '\t' => pick(lang, "a tab", "une tabulation"),
        '\n' | '\r' => pick(lang, "a line break", "un saut de ligne"),
        '\u{a0}' => pick(lang, "a non-breaking space", "un espace insécable"),
        c if c.is_whitespace() => pick(lang, "a space character", "un caractère d’espacement"),
        c if c.is_control() => {
            return pick(
                lang,
                format!("the control character U+{:04X}", c as u32),
                format!("le caractère de contrôle U+{:04X}", c as u32),
            );
        }
        c => return pick(lang, format!("'{c}'"), format!("« {c} »")),
    };
    name.to_string()
}

/// A reason as the server stores it for a skipped row: the column, then
/// the message (`Email: …`, `Email : …`).
pub fn reason(lang: Lang, header: &str, message: &str) -> String {
    pick(lang, format!("{header}: {message}"), format!("{header} : {message}"))
}

/// The error-report CSV's last column.
pub(crate) fn errors_column(lang: Lang) -> &'static str {
    pick(lang, "errors", "erreurs")
}

/// Where an error of a whole row is, in place of a column's name.
pub(crate) fn row_place(lang: Lang) -> &'static str {
    pick(lang, "row", "ligne")
}

// ---------------------------------------------------------------------------
// Row errors.

/// `required`: an empty cell of a required field.
pub fn required(lang: Lang, header: &str) -> String {
    pick(
        lang,
        format!("{header} is required: fill it in, or skip this row."),
        format!("{header} est obligatoire : remplissez-le, ou ignorez cette ligne."),
    )
}

/// `duplicate_in_file`: the same value of a unique field as an earlier row.
/// `value` is shown as given (shorten it first).
///
/// ```
/// use csv_import_core::{messages::duplicate_in_file, Lang};
///
/// assert_eq!(
///     duplicate_in_file(Lang::Fr, "Email", 2, "ann@example.com"),
///     "Même Email qu’à la ligne 2 (« ann@example.com ») : chaque ligne doit avoir la sienne. \
///      Supprimez ou fusionnez l’une des deux lignes."
/// );
/// ```
pub fn duplicate_in_file(lang: Lang, header: &str, first_row: u64, value: &str) -> String {
    pick(
        lang,
        format!(
            "Same {header} as row {first_row} (\"{value}\"): each row needs its own. Remove or merge one of the two rows."
        ),
        format!(
            "Même {header} qu’à la ligne {first_row} (« {value} ») : chaque ligne doit avoir la sienne. \
             Supprimez ou fusionnez l’une des deux lignes."
        ),
    )
}

/// `extra_cells`: values beyond the header's columns.
pub(crate) fn extra_cells(lang: Lang, cells: usize, width: usize, values: &[&str]) -> String {
    let shown: Vec<String> = values.iter().take(3).map(|v| quoted(lang, &crate::error::shorten(v))).collect();
    let more = values.len().saturating_sub(3);
    let list = match (more, lang) {
        (0, _) => shown.join(", "),
        (_, Lang::En) => format!("{} and {more} more", shown.join(", ")),
        (_, Lang::Fr) => format!("{} et {more} autres", shown.join(", ")),
    };
    pick(
        lang,
        format!(
            "This row has {cells} cells but the header has {width} columns; {list} are in no column. \
             Remove them, or put quotes around a value that contains the delimiter."
        ),
        format!(
            "Cette ligne a {cells} cellules mais l’en-tête a {width} colonnes ; {list} ne sont dans aucune colonne. \
             Supprimez-les, ou mettez entre guillemets une valeur qui contient le délimiteur."
        ),
    )
}

/// What a reference points to, for [`unknown_reference`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Missing<'a> {
    User,
    Record,
    /// A destination's reference, with the template's wording if it has one.
    Named(Option<&'a crate::template::Wording>),
}

/// `unknown_user`, `unknown_id`, `unknown_reference`: a value the server
/// does not have. `shown` is already shortened.
pub(crate) fn unknown_reference(lang: Lang, missing: Missing<'_>, shown: &str, header: &str) -> String {
    match (missing, lang) {
        (Missing::User, Lang::En) => {
            format!("{shown} is not a user of this workspace. Invite them first, or correct the email.")
        }
        (Missing::User, Lang::Fr) => format!(
            "{shown} n’est pas un utilisateur de cet espace. Invitez cette personne d’abord, ou corrigez l’adresse e-mail."
        ),
        (Missing::Record, Lang::En) => format!(
            "No record of this workspace has the ID \"{shown}\". Leave {header} empty to add a new record, or correct it."
        ),
        (Missing::Record, Lang::Fr) => format!(
            "Aucun enregistrement de cet espace n’a l’identifiant « {shown} ». \
             Laissez {header} vide pour ajouter un nouvel enregistrement, ou corrigez-le."
        ),
        (Missing::Named(Some(wording)), _) => fill(wording.in_lang(lang), &[("value", shown), ("column", header)]),
        (Missing::Named(None), Lang::En) => {
            format!("\"{shown}\" is not an existing {header} here. Correct it, or create it first.")
        }
        (Missing::Named(None), Lang::Fr) => {
            format!("« {shown} » n’est pas une valeur existante de {header} ici. Corrigez-la, ou créez-la d’abord.")
        }
    }
}

/// The placeholders of a template's text: each `{name}` of lower-case
/// letters and `_`, in order.
pub(crate) fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).filter(|name| is_placeholder(name))
}

fn is_placeholder(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// `text` with each `{name}` of `values` replaced, in one pass: a value
/// that itself holds `{column}` is not replaced again.
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .split_once('}')
            .and_then(|(name, _)| values.iter().find(|(n, _)| *n == name).map(|(n, v)| (n.len(), *v)));
        match value {
            Some((len, v)) => {
                out.push_str(v);
                rest = &after[len + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A record sent with the wrong number of values (a tampered request).
pub(crate) fn malformed_width(lang: Lang, values: usize, template: &str, fields: usize) -> String {
    pick(
        lang,
        format!("Malformed row: it has {values} values but the template {template} has {fields} fields."),
        format!("Ligne mal formée : elle a {values} valeurs mais le modèle {template} a {fields} champs."),
    )
}

/// A list sent for a field of one value (a tampered request).
pub(crate) fn malformed_list(lang: Lang) -> &'static str {
    pick(
        lang,
        "Malformed row: a list was sent for a field that takes one value.",
        "Ligne mal formée : une liste a été envoyée pour un champ qui ne prend qu’une valeur.",
    )
}

/// Attributes sent for a template without attribute columns (a tampered request).
pub(crate) fn malformed_attributes(lang: Lang, template: &str) -> String {
    pick(
        lang,
        format!("Malformed row: attributes were sent, but the template {template} has no attribute columns."),
        format!(
            "Ligne mal formée : des attributs ont été envoyés, mais le modèle {template} n’a pas de colonnes d’attributs."
        ),
    )
}

/// `too_long`.
pub(crate) fn too_long(lang: Lang, value: Option<&str>, len: usize, max: usize) -> String {
    match (value, lang) {
        (None, Lang::En) => format!("The password is {len} characters long; the most is {max}. Choose a shorter one."),
        (None, Lang::Fr) => {
            format!("Le mot de passe fait {len} caractères ; le maximum est {max}. Choisissez-en un plus court.")
        }
        (Some(s), Lang::En) => format!(
            "{} is {len} characters long; the most is {max}. Shorten it to {max} characters or fewer.",
            quote(lang, s)
        ),
        (Some(s), Lang::Fr) => format!(
            "{} fait {len} caractères ; le maximum est {max}. Raccourcissez la valeur à {max} caractères ou moins.",
            quote(lang, s)
        ),
    }
}

/// The name of a control character for a message: `U+0000 (NUL)`.
fn control_name(lang: Lang, c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\t' => pick(lang, "tab", "tabulation"),
        '\n' => pick(lang, "line feed", "saut de ligne"),
        '\r' => pick(lang, "carriage return", "retour chariot"),
        '\u{1b}' => pick(lang, "escape", "échappement"),
        '\u{7f}' => pick(lang, "delete", "suppression"),
        '\u{85}' => pick(lang, "next line", "ligne suivante"),
        '\u{200B}' => pick(lang, "zero-width space", "espace sans chasse"),
        '\u{202A}' => pick(lang, "left-to-right embedding", "enchâssement de gauche à droite"),
        '\u{202B}' => pick(lang, "right-to-left embedding", "enchâssement de droite à gauche"),
        '\u{202C}' => pick(lang, "pop directional formatting", "dépilement de formatage directionnel"),
        '\u{202D}' => pick(lang, "left-to-right override", "forçage de gauche à droite"),
        '\u{202E}' => pick(lang, "right-to-left override", "forçage de droite à gauche"),
        '\u{2060}' => pick(lang, "word joiner", "gluon de mots"),
        '\u{2066}'..='\u{2069}' => pick(lang, "directional isolate", "isolat directionnel"),
        '\u{FEFF}' => pick(lang, "byte order mark", "indicateur d’ordre des octets"),
        _ => return format!("U+{:04X}", c as u32),
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// `control_character`: `c` at character `position` (1-based) of the cell;
/// `value` is `None` for a password (never quoted); `multiline` when the
/// field takes line breaks (so a line break is not what is wrong).
///
/// ```
/// use csv_import_core::{messages::control_character, Lang};
///
/// assert_eq!(
///     control_character(Lang::En, Some("Ann\u{0}"), '\u{0}', 4, "First Name", true),
///     "\"Ann\u{FFFD}\" contains the control character U+0000 (NUL) at position 4, which a record cannot hold. \
///      Remove it; it usually comes from a damaged export or a copy from another program."
/// );
/// ```
pub fn control_character(
    lang: Lang,
    value: Option<&str>,
    c: char,
    position: usize,
    header: &str,
    multiline: bool,
) -> String {
    let what = match value {
        Some(v) => quote(lang, v),
        None => pick(lang, "The password", "Le mot de passe").to_string(),
    };
    if c == '\u{FFFD}' {
        return match lang {
            Lang::Fr => format!(
                "{what} contient le caractère de remplacement U+FFFD (\u{FFFD}) en position {position} : le fichier a été lu \
                 dans un autre encodage que le sien. Choisissez son encodage (par exemple Windows-1252) et relisez-le."
            ),
            _ => format!(
                "{what} contains the replacement character U+FFFD (\u{FFFD}) at position {position}: the file was read in \
                 an encoding other than its own. Choose its encoding (such as Windows-1252) and read it again."
            ),
        };
    }
    let name = control_name(lang, c);
    let line_break = matches!(c, '\n' | '\r') && !multiline && value.is_some();
    match (line_break, lang) {
        (true, Lang::En) => format!(
            "{what} contains the control character {name} at position {position}, but {header} takes a single line. \
             Remove the line break."
        ),
        (true, Lang::Fr) => format!(
            "{what} contient le caractère de contrôle {name} en position {position}, mais {header} tient sur une seule ligne. \
             Supprimez le saut de ligne."
        ),
        (false, Lang::En) => format!(
            "{what} contains the control character {name} at position {position}, which a record cannot hold. \
             Remove it; it usually comes from a damaged export or a copy from another program."
        ),
        (false, Lang::Fr) => format!(
            "{what} contient le caractère de contrôle {name} en position {position}, qu’un enregistrement ne peut pas contenir. \
             Supprimez-le ; il vient en général d’un export abîmé ou d’un copier-coller depuis un autre programme."
        ),
    }
}

/// `too_long` for a value longer than any of its type can be; `value` is
/// `None` for a password.
pub(crate) fn type_too_long(lang: Lang, value: Option<&str>, kind: FieldType, len: usize, max: usize) -> String {
    let Some(value) = value else {
        return too_long(lang, None, len, max);
    };
    let q = quote(lang, value);
    let what = match (kind, lang) {
        (FieldType::Email, Lang::En) => "an email address",
        (FieldType::Email, Lang::Fr) => "une adresse e-mail",
        (FieldType::Url, Lang::En) => "a web address",
        (FieldType::Url, Lang::Fr) => "une adresse web",
        (FieldType::Phone, Lang::En) => "a phone number",
        (FieldType::Phone, Lang::Fr) => "un numéro de téléphone",
        (FieldType::Id, Lang::En) => "an ID",
        (FieldType::Id, Lang::Fr) => "un identifiant",
        (FieldType::Integer | FieldType::Decimal, Lang::En) => "a number",
        (FieldType::Integer | FieldType::Decimal, Lang::Fr) => "un nombre",
        (FieldType::Date | FieldType::Datetime, Lang::En) => "a date",
        (FieldType::Date | FieldType::Datetime, Lang::Fr) => "une date",
        (_, Lang::En) => "a value of this column",
        (_, Lang::Fr) => "une valeur de cette colonne",
    };
    pick(
        lang,
        format!(
            "{q} is {len} characters long; {what} has at most {max}. Check the value: it may hold several cells run together."
        ),
        format!(
            "{q} fait {len} caractères ; {what} en a au plus {max}. Vérifiez la valeur : plusieurs cellules y sont peut-être collées."
        ),
    )
}

/// `too_long`: an email address with more than `max` characters before the @.
pub(crate) fn email_local_too_long(lang: Lang, value: &str, len: usize, max: usize) -> String {
    let q = quote(lang, value);
    pick(
        lang,
        format!(
            "{q} has {len} characters before the @; an email address has at most {max} there. Correct the address."
        ),
        format!("{q} a {len} caractères avant le @ ; une adresse e-mail en a au plus {max}. Corrigez l’adresse."),
    )
}

/// `unclosed_quote`: the cell (as cut, opening quote first) and where its
/// quote opened.
///
/// ```
/// use csv_import_core::{messages::unclosed_quote, parse::parse, Lang};
///
/// let table = parse("a,b\n1,\"x,y\n2,z\n", b',').unwrap();
/// let (row, problem) = table.quote_problems[0];
/// let cell = &table.rows[row as usize - 1].cells[problem.column];
/// assert!(unclosed_quote(Lang::En, &problem, cell).starts_with("The quote before \"x\" on line 2 is never closed"));
/// ```
pub fn unclosed_quote(lang: Lang, problem: &QuoteProblem, cell: &str) -> String {
    // The value after the quote: the quote itself is what the message is about.
    let q = quote(lang, cell.strip_prefix('"').unwrap_or(cell));
    let line = problem.line;
    let how = match (problem.run, lang) {
        (QuoteRun::TooManyLines, Lang::En) => format!("is still open {MAX_QUOTED_LINE_BREAKS} lines later"),
        (QuoteRun::TooManyLines, Lang::Fr) => format!("est encore ouvert {MAX_QUOTED_LINE_BREAKS} lignes plus loin"),
        (QuoteRun::TooManyBytes, Lang::En) => format!("is still open after {} MiB of text", MAX_QUOTED_BYTES >> 20),
        (QuoteRun::TooManyBytes, Lang::Fr) => {
            format!("est encore ouvert après {} Mio de texte", MAX_QUOTED_BYTES >> 20)
        }
        (_, Lang::En) => "is never closed".to_string(),
        (_, Lang::Fr) => "n’est jamais fermé".to_string(),
    };
    pick(
        lang,
        format!(
            "The quote before {q} on line {line} {how}, so the lines after it would have become part of this cell; \
             the row was cut at the end of line {line}. Add the closing quote where the value ends, or remove the \
             opening one (a quote inside a quoted value is written twice)."
        ),
        format!(
            "Le guillemet avant {q} à la ligne {line} {how} : les lignes suivantes seraient entrées dans cette \
             cellule ; la ligne a été coupée à la fin de la ligne {line}. Ajoutez le guillemet fermant là où la valeur \
             se termine, ou supprimez le guillemet ouvrant (un guillemet dans une valeur entre guillemets s’écrit \
             deux fois)."
        ),
    )
}

/// `control_character` or `too_long` for an attribute's name (a column
/// header): `problem` is the character and its position, or the length.
pub(crate) fn attribute_name(lang: Lang, name: &str, problem: Result<usize, (char, usize)>, max: usize) -> String {
    let q = quote(lang, name);
    match (problem, lang) {
        (Err((c, position)), Lang::En) => format!(
            "The attribute name {q} contains the control character {} at position {position}; a name is one line of text. \
             Correct the column's header.",
            control_name(lang, c)
        ),
        (Err((c, position)), Lang::Fr) => format!(
            "Le nom d’attribut {q} contient le caractère de contrôle {} en position {position} ; un nom tient sur une ligne. \
             Corrigez l’en-tête de la colonne.",
            control_name(lang, c)
        ),
        (Ok(len), Lang::En) => {
            format!("The attribute name {q} is {len} characters long; the most is {max}. Shorten the column's header.")
        }
        (Ok(len), Lang::Fr) => format!(
            "Le nom d’attribut {q} fait {len} caractères ; le maximum est {max}. Raccourcissez l’en-tête de la colonne."
        ),
    }
}

/// `pattern`: `value` is `None` for a password (never quoted); `hint` is the
/// template's own description of the form, shown as written.
pub(crate) fn pattern(lang: Lang, value: Option<&str>, hint: Option<&str>, pattern: &str) -> String {
    match (value, hint, lang) {
        (None, Some(h), Lang::En) => format!("The password is not in the required form: {h}. Choose one that is."),
        (None, Some(h), Lang::Fr) => {
            format!("Le mot de passe n’a pas la forme demandée : {h}. Choisissez-en un qui l’a.")
        }
        (None, None, Lang::En) => "The password does not match the field's pattern. Choose one that does.".to_string(),
        (None, None, Lang::Fr) => {
            "Le mot de passe ne correspond pas au modèle du champ. Choisissez-en un qui y correspond.".to_string()
        }
        (Some(s), Some(h), Lang::En) => {
            format!("{} is not in the expected form: {h}. Change it to match.", quote(lang, s))
        }
        (Some(s), Some(h), Lang::Fr) => {
            format!("{} n’a pas la forme attendue : {h}. Modifiez la valeur pour qu’elle corresponde.", quote(lang, s))
        }
        (Some(s), None, Lang::En) => {
            format!("{} does not match the pattern {pattern}. Change the value so that it matches.", quote(lang, s))
        }
        (Some(s), None, Lang::Fr) => format!(
            "{} ne correspond pas au modèle {pattern}. Modifiez la valeur pour qu’elle corresponde.",
            quote(lang, s)
        ),
    }
}

/// `markup`: an HTML tag in a cell.
pub(crate) fn markup(lang: Lang, value: &str, tag: &str) -> String {
    let q = quote(lang, value);
    pick(
        lang,
        format!("{q} contains an HTML tag ({tag}), which could run in a web page. Remove the < > part."),
        format!(
            "{q} contient une balise HTML ({tag}), qui pourrait s’exécuter dans une page web. Supprimez la partie < >."
        ),
    )
}

/// `formula`: a cell a spreadsheet would run; `c` is the trigger.
pub(crate) fn formula(lang: Lang, value: &str, c: char) -> String {
    let q = quote(lang, value);
    match (c, lang) {
        ('\t' | '\r', Lang::En) => {
            let name = if c == '\t' { "a tab" } else { "a carriage return" };
            let what = if c == '\t' { "tab" } else { "line break" };
            format!(
                "{q} starts with {name}, which a spreadsheet may read as the start of a formula. Remove the {what} at the start."
            )
        }
        ('\t' | '\r', Lang::Fr) => {
            let name = if c == '\t' { "une tabulation" } else { "un retour chariot" };
            let what = if c == '\t' { "la tabulation" } else { "le saut de ligne" };
            format!(
                "{q} commence par {name}, qu’un tableur peut lire comme le début d’une formule. Supprimez {what} au début."
            )
        }
        (_, Lang::En) => format!(
            "{q} starts with '{c}', which a spreadsheet would run as a formula. Remove the '{c}', or start the cell with an apostrophe (') to keep it as text."
        ),
        (_, Lang::Fr) => format!(
            "{q} commence par « {c} », qu’un tableur exécuterait comme une formule. Supprimez le « {c} », \
             ou commencez la cellule par une apostrophe (') pour la garder comme texte."
        ),
    }
}

/// `invalid_boolean`.
pub(crate) fn boolean(lang: Lang, value: &str) -> String {
    let q = quote(lang, value);
    pick(
        lang,
        format!("{q} is not a yes/no value. Use one of: true, false, yes, no, 1, 0, y, n, t, f."),
        format!(
            "{q} n’est pas une valeur oui/non. Utilisez l’une de ces valeurs : true, false, yes, no, 1, 0, y, n, t, f."
        ),
    )
}

/// What is wrong with an ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdProblem {
    Char(char),
    TooLong(usize),
}

/// `invalid_id`; `max` is the longest ID.
pub(crate) fn id(lang: Lang, value: &str, problem: IdProblem, max: usize) -> String {
    let q = quote(lang, value);
    match (problem, lang) {
        (IdProblem::Char(c), Lang::En) => format!(
            "{q} contains {}, which an ID cannot have. Use 1 to {max} letters, digits, '-', '_' or '.', e.g. AB-1042.",
            describe_char(lang, c)
        ),
        (IdProblem::TooLong(n), Lang::En) => format!(
            "{q} is {n} characters long; an ID has at most {max}. Use 1 to {max} letters, digits, '-', '_' or '.', e.g. AB-1042."
        ),
        (problem, Lang::Fr) => {
            let what = match problem {
                IdProblem::Char(c) => {
                    format!("contient {}, qu’un identifiant ne peut pas contenir", describe_char(lang, c))
                }
                IdProblem::TooLong(n) => format!("fait {n} caractères ; un identifiant en a au plus {max}"),
            };
            format!("{q} {what}. Utilisez de 1 à {max} lettres, chiffres, « - », « _ » ou « . », p. ex. AB-1042.")
        }
    }
}

/// `invalid_enum`: `best` is the closest option, `listed` the options shown
/// out of `count`.
pub(crate) fn enumeration(lang: Lang, value: &str, best: Option<&str>, listed: &[String], count: usize) -> String {
    let mut out = quote(lang, value);
    out.push_str(pick(lang, " is not one of the options.", " ne fait pas partie des options."));
    if let Some(best) = best {
        let _ = match lang {
            Lang::En => write!(out, " Did you mean {best}?"),
            Lang::Fr => write!(out, " Vouliez-vous dire {best} ?"),
        };
    }
    out.push_str(pick(lang, " Use one of: ", " Utilisez l’une de ces options : "));
    out.push_str(&listed.join(", "));
    if count > listed.len() {
        let _ = match lang {
            Lang::En => write!(out, ", … ({count} options in all)"),
            Lang::Fr => write!(out, ", … ({count} options en tout)"),
        };
    }
    out.push('.');
    out
}

/// The phrases of [`crate::value::password_problems`], in English.
const PASSWORD_NEEDS: [(&str, &str); 5] = [
    ("at least 8 characters", "au moins 8 caractères"),
    ("an uppercase letter", "une majuscule"),
    ("a lowercase letter", "une minuscule"),
    ("a digit", "un chiffre"),
    ("a symbol", "un symbole"),
];

/// `weak_password`: "The password needs at least 8 characters, a digit and a symbol."
/// `needs` are phrases of [`crate::value::password_problems`].
pub(crate) fn weak_password(lang: Lang, needs: &[&str]) -> String {
    let mut out = String::from(pick(lang, "The password needs ", "Le mot de passe doit contenir "));
    for (i, p) in needs.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == needs.len() { pick(lang, " and ", " et ") } else { ", " });
        }
        let phrase = match lang {
            Lang::En => p,
            Lang::Fr => PASSWORD_NEEDS.iter().find(|(en, _)| en == p).map_or(p, |(_, fr)| fr),
        };
        out.push_str(phrase);
    }
    out.push_str(pick(lang, ". Choose a stronger one.", ". Choisissez-en un plus solide."));
    out
}

#[cfg(test)]
mod tests;
