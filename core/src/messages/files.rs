//! The messages of problems with a whole file: not text, empty, no
//! header, columns missing or twice, too many rows.

use super::{Lang, control_name, describe_char, pick, quote, quoted};
use crate::parse::QuoteProblem;
use std::fmt::Write as _;

/// What a file that is not text looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotText {
    Xlsx,
    Xls,
    Pdf,
    Image,
    Gzip,
    Program,
    NulBytes,
}

/// `not_text`.
pub(crate) fn not_text(lang: Lang, kind: NotText) -> &'static str {
    match (kind, lang) {
        (NotText::Xlsx, Lang::En) => {
            "This looks like an Excel workbook (.xlsx) or a zip file, not a CSV. \
             In Excel choose File > Save As > CSV UTF-8, then upload that file."
        }
        (NotText::Xlsx, Lang::Fr) => {
            "Ce fichier ressemble à un classeur Excel (.xlsx) ou à un fichier zip, pas à un CSV. \
             Dans Excel, choisissez Fichier > Enregistrer sous > CSV UTF-8, puis importez ce fichier."
        }
        (NotText::Xls, Lang::En) => {
            "This looks like an old Excel workbook (.xls), not a CSV. \
             In Excel choose File > Save As > CSV UTF-8, then upload that file."
        }
        (NotText::Xls, Lang::Fr) => {
            "Ce fichier ressemble à un ancien classeur Excel (.xls), pas à un CSV. \
             Dans Excel, choisissez Fichier > Enregistrer sous > CSV UTF-8, puis importez ce fichier."
        }
        (NotText::Pdf, Lang::En) => {
            "This looks like a PDF document, not a CSV. \
             Export the data from the spreadsheet it came from as CSV UTF-8 and upload that file."
        }
        (NotText::Pdf, Lang::Fr) => {
            "Ce fichier ressemble à un document PDF, pas à un CSV. \
             Exportez les données du tableur d’origine en CSV UTF-8 et importez ce fichier."
        }
        (NotText::Image, Lang::En) => {
            "This looks like an image, not a CSV. \
             Export the data from your spreadsheet as CSV UTF-8 and upload that file."
        }
        (NotText::Image, Lang::Fr) => {
            "Ce fichier ressemble à une image, pas à un CSV. \
             Exportez les données de votre tableur en CSV UTF-8 et importez ce fichier."
        }
        (NotText::Gzip, Lang::En) => {
            "This looks like a compressed (gzip) file, not a CSV. \
             Decompress it first, then upload the CSV file inside."
        }
        (NotText::Gzip, Lang::Fr) => {
            "Ce fichier ressemble à un fichier compressé (gzip), pas à un CSV. \
             Décompressez-le d’abord, puis importez le fichier CSV qu’il contient."
        }
        (NotText::Program, Lang::En) => {
            "This looks like a program, not a CSV. \
             Export the data from your spreadsheet as CSV UTF-8 and upload that file."
        }
        (NotText::Program, Lang::Fr) => {
            "Ce fichier ressemble à un programme, pas à un CSV. \
             Exportez les données de votre tableur en CSV UTF-8 et importez ce fichier."
        }
        (NotText::NulBytes, Lang::En) => {
            "This file contains binary data (NUL bytes), so it is not a CSV text file. \
             Export the data from your spreadsheet as CSV UTF-8 and upload that file."
        }
        (NotText::NulBytes, Lang::Fr) => {
            "Ce fichier contient des données binaires (octets NUL) : ce n’est donc pas un fichier texte CSV. \
             Exportez les données de votre tableur en CSV UTF-8 et importez ce fichier."
        }
    }
}

/// `empty_file`: no bytes, or only white space.
pub(crate) fn empty_file(lang: Lang) -> &'static str {
    pick(
        lang,
        "The file is empty. Export the spreadsheet again with its header row and data.",
        "Le fichier est vide. Exportez à nouveau le tableur avec sa ligne d’en-tête et ses données.",
    )
}

/// `empty_file`: lines, but all blank.
pub(crate) fn no_rows(lang: Lang) -> &'static str {
    pick(
        lang,
        "The file has no rows: every line is blank. \
         Export the spreadsheet again with its header row and data.",
        "Le fichier n’a aucune ligne : toutes les lignes sont vides. \
         Exportez à nouveau le tableur avec sa ligne d’en-tête et ses données.",
    )
}

/// `unknown_encoding`.
pub(crate) fn unknown_encoding(lang: Lang, label: &str) -> String {
    pick(
        lang,
        format!(
            "Unknown encoding \"{label}\". Use a standard name such as utf-8, utf-16le, \
             windows-1252 (also latin1), iso-8859-2 or shift_jis, or leave the encoding \
             empty to detect it."
        ),
        format!(
            "Encodage « {label} » inconnu. Utilisez un nom standard comme utf-8, utf-16le, \
             windows-1252 (ou latin1), iso-8859-2 ou shift_jis, ou laissez l’encodage vide \
             pour le détecter."
        ),
    )
}

/// `invalid_option`: a delimiter that cannot separate columns.
pub(crate) fn bad_delimiter(lang: Lang, delimiter: char) -> String {
    pick(
        lang,
        format!("The delimiter {delimiter:?} cannot separate columns. Use a comma, semicolon, tab or pipe."),
        format!(
            "Le délimiteur {} ne peut pas séparer des colonnes. \
             Utilisez une virgule, un point-virgule, une tabulation ou une barre verticale.",
            describe_char(lang, delimiter)
        ),
    )
}

/// `no_header`.
pub(crate) fn no_header(lang: Lang, line: u64) -> String {
    pick(
        lang,
        format!(
            "The first row (line {line}) has no column names. Put the column names in the \
             first row, then upload the file again."
        ),
        format!(
            "La première ligne (ligne {line}) n’a pas de noms de colonnes. Mettez les noms des \
             colonnes sur la première ligne, puis importez à nouveau le fichier."
        ),
    )
}

/// `invalid_option`: the mapping names a column the file does not have.
pub(crate) fn unknown_column(lang: Lang, column: &str) -> String {
    pick(
        lang,
        format!("The mapping names a column \"{column}\" that the file does not have."),
        format!("La correspondance nomme une colonne « {column} » que le fichier n’a pas."),
    )
}

/// `invalid_option`: the mapping sends a column to no field of the template.
pub(crate) fn unknown_field(lang: Lang, column: &str, key: &str, template: &str, fields: &str) -> String {
    pick(
        lang,
        format!(
            "The mapping sends column \"{column}\" to \"{key}\", which is not a field of {template}. Fields: {fields}."
        ),
        format!(
            "La correspondance envoie la colonne « {column} » vers « {key} », qui n’est pas un champ de {template}. \
             Champs : {fields}."
        ),
    )
}

/// `duplicate_header`: `columns` are (1-based number, header).
pub(crate) fn duplicate_header(lang: Lang, columns: &[(usize, &str)], field: &str) -> String {
    let list = columns
        .iter()
        .map(|(n, h)| format!("{n} ({})", quoted(lang, h)))
        .collect::<Vec<_>>()
        .join(pick(lang, " and ", " et "));
    pick(
        lang,
        format!(
            "Columns {list} both map to {field}. Keep one: remove the other column from the file, or ignore it in the mapping."
        ),
        format!(
            "Les colonnes {list} correspondent toutes deux à {field}. Gardez-en une : supprimez l’autre colonne \
             du fichier, ou ignorez-la dans la correspondance."
        ),
    )
}

/// `missing_required_column`.
pub(crate) fn missing_required_column(lang: Lang, field: &str) -> String {
    pick(
        lang,
        format!(
            "The file has no column for {field} (required). Add a column headed \"{field}\", or map one of the file's columns to it."
        ),
        format!(
            "Le fichier n’a pas de colonne pour {field} (obligatoire). Ajoutez une colonne intitulée « {field} », \
             ou associez-lui l’une des colonnes du fichier."
        ),
    )
}

/// `invalid_option`: the template fills dates with `now` and the caller
/// gave no time.
pub fn no_clock(lang: Lang) -> &'static str {
    pick(
        lang,
        "The template fills some dates with the current time, but no time was given.",
        "Le modèle remplit certaines dates avec l’heure actuelle, mais aucune heure n’a été fournie.",
    )
}

/// `too_many_rows`: `label` is the template's.
///
/// ```
/// use csv_import_core::{messages::too_many_rows, Lang};
///
/// assert_eq!(
///     too_many_rows(Lang::Fr, 12, "Clients", 10),
///     "Le fichier a 12 lignes ; Clients en accepte au plus 10 par fichier. \
///      Découpez-le en fichiers de 10 lignes ou moins."
/// );
/// ```
pub fn too_many_rows(lang: Lang, total: u64, label: &str, max: u64) -> String {
    pick(
        lang,
        format!(
            "The file has {total} rows; {label} takes at most {max} per file. Split it into files of {max} rows or fewer."
        ),
        format!(
            "Le fichier a {total} lignes ; {label} en accepte au plus {max} par fichier. \
             Découpez-le en fichiers de {max} lignes ou moins."
        ),
    )
}

/// `unclosed_quote`: in the header row.
pub(crate) fn header_quote(lang: Lang, problem: &QuoteProblem) -> String {
    let (line, column) = (problem.line, problem.column + 1);
    pick(
        lang,
        format!(
            "The header row has a quote that does not close (column {column}, line {line}), so it runs into the rows \
             below. Add the closing quote after the column name, or remove the quote, then upload the file again."
        ),
        format!(
            "La ligne d’en-tête a un guillemet qui ne se ferme pas (colonne {column}, ligne {line}) : il déborde sur \
             les lignes suivantes. Ajoutez le guillemet fermant après le nom de la colonne, ou supprimez-le, puis \
             importez à nouveau le fichier."
        ),
    )
}

/// `control_character`: in the name of column `column` (1-based), on `line`.
pub(crate) fn header_control(lang: Lang, column: usize, name: &str, c: char, position: usize, line: u64) -> String {
    let (q, c) = (quote(lang, name), control_name(lang, c));
    pick(
        lang,
        format!(
            "The name of column {column} ({q}, line {line}) contains the control character {c} at position {position}. \
             Remove it from the header row, then upload the file again."
        ),
        format!(
            "Le nom de la colonne {column} ({q}, ligne {line}) contient le caractère de contrôle {c} en position \
             {position}. Supprimez-le de la ligne d’en-tête, puis importez à nouveau le fichier."
        ),
    )
}

/// `not_text`, for bytes given as a workbook that are none.
#[cfg(feature = "workbooks")]
pub(crate) fn not_a_workbook(lang: Lang) -> &'static str {
    pick(
        lang,
        "This file is not an Excel or OpenDocument workbook (.xlsx, .xlsm, .xlsb, .xls, .ods). \
         Save it from your spreadsheet in one of these formats or as CSV UTF-8, then upload it again.",
        "Ce fichier n’est pas un classeur Excel ou OpenDocument (.xlsx, .xlsm, .xlsb, .xls, .ods). \
         Enregistrez-le depuis votre tableur dans l’un de ces formats ou en CSV UTF-8, puis importez-le à nouveau.",
    )
}

/// `unreadable`: a workbook calamine could not read.
#[cfg(feature = "workbooks")]
pub(crate) fn unreadable_workbook(lang: Lang, extension: &str, why: &str) -> String {
    pick(
        lang,
        format!(
            "This workbook (.{extension}) cannot be read: it may be damaged or protected by a password \
             ({why}). Open it in your spreadsheet, save it again (or as CSV UTF-8), then upload that file."
        ),
        format!(
            "Ce classeur (.{extension}) ne peut pas être lu : il est peut-être endommagé ou protégé par un \
             mot de passe ({why}). Ouvrez-le dans votre tableur, enregistrez-le à nouveau (ou en CSV UTF-8), \
             puis importez ce fichier."
        ),
    )
}

/// `invalid_option`: a sheet asked for that the workbook does not have.
pub fn no_such_sheet(lang: Lang, asked: &str) -> String {
    pick(
        lang,
        format!("The workbook has no sheet named or numbered \"{asked}\"."),
        format!("Le classeur n’a pas de feuille nommée ou numérotée « {asked} »."),
    )
}

/// `choose_sheet`: several sheets and none chosen; each with its rows.
pub fn choose_sheet(lang: Lang, sheets: &[(&str, u64)]) -> String {
    let list: Vec<String> = sheets
        .iter()
        .map(|(name, rows)| match (lang, rows) {
            (Lang::En, 1) => format!("\"{name}\" (1 row)"),
            (Lang::En, n) => format!("\"{name}\" ({n} rows)"),
            (Lang::Fr, 0 | 1) => format!("« {name} » ({rows} ligne)"),
            (Lang::Fr, n) => format!("« {name} » ({n} lignes)"),
        })
        .collect();
    let list = list.join(", ");
    pick(
        lang,
        format!("The workbook has several sheets: {list}. Choose the one to import."),
        format!("Le classeur a plusieurs feuilles : {list}. Choisissez celle à importer."),
    )
}

/// `invalid_option`: a header row asked for that is not one of the rows
/// that may be the header.
pub fn no_header_row(lang: Lang, line: u64, first: u64, last: u64) -> String {
    pick(
        lang,
        format!(
            "Row {line} cannot be the header: it is blank or too far down. Choose a row with a value \
             between {first} and {last}."
        ),
        format!(
            "La ligne {line} ne peut pas être l’en-tête : elle est vide ou trop bas. Choisissez une ligne \
             non vide entre {first} et {last}."
        ),
    )
}

/// The error of a cell holding a spreadsheet error value such as `#N/A`.
pub(crate) fn cell_error(lang: Lang, value: &str) -> String {
    pick(
        lang,
        format!(
            "{value} is a spreadsheet error: the cell's formula failed, so it has no value. Fix the formula \
             or type the value in the spreadsheet."
        ),
        format!(
            "{value} est une erreur du tableur : la formule de la cellule a échoué, elle n’a donc pas de \
             valeur. Corrigez la formule ou saisissez la valeur dans le tableur."
        ),
    )
}

/// Where a row error is, as a person reads it: `Sheet "Clients", row 12,
/// column C` for a workbook (the sheet's own row and column letter), `row
/// 3 (line 4), column "Email"` for a text file.
pub fn place(lang: Lang, sheet: Option<&str>, row: u64, line: u64, column: Option<usize>, header: Option<&str>) -> String {
    let mut out = match (sheet, lang) {
        (Some(sheet), Lang::En) => format!("Sheet \"{sheet}\", row {line}"),
        (Some(sheet), Lang::Fr) => format!("Feuille « {sheet} », ligne {line}"),
        (None, Lang::En) => format!("row {row} (line {line})"),
        (None, Lang::Fr) => format!("rangée {row} (ligne {line})"),
    };
    match (sheet, column, header) {
        (Some(_), Some(c), Some(h)) => {
            let _ = write!(out, ", {} {} ({})", pick(lang, "column", "colonne"), column_letters(c), h.trim());
        }
        (Some(_), Some(c), None) => {
            let _ = write!(out, ", {} {}", pick(lang, "column", "colonne"), column_letters(c));
        }
        (None, _, Some(h)) => {
            let _ = write!(out, ", {} \"{}\"", pick(lang, "column", "colonne"), h.trim());
        }
        _ => {}
    }
    out
}

/// A 0-based column index as a spreadsheet names it: A, B, ..., Z, AA, AB, ...
///
/// ```
/// use csv_import_core::messages::column_letters;
/// assert_eq!((column_letters(0), column_letters(25), column_letters(26), column_letters(701)), ("A".into(), "Z".into(), "AA".into(), "ZZ".into()));
/// ```
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}
