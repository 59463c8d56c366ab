//! The texts of the review step's tools (find and replace, fixes, rows,
//! undo, filters), in English and French.

use super::{Locale, en, fr};
use csv_import_core::RowErrorCode;
use csv_import_core::fix::Case;

/// The review tools' texts in one language.
#[derive(Debug)]
pub struct ToolText {
    /// The tool bar's name.
    pub toolbar: &'static str,
    /// Undo and redo buttons, with their keys.
    pub undo: &'static str,
    /// Redo.
    pub redo: &'static str,
    /// Undo's keys, as a person reads them.
    pub undo_keys: &'static str,
    /// Redo's keys.
    pub redo_keys: &'static str,
    /// Find and replace: its section, fields and options.
    pub find_replace: &'static str,
    /// The text to find.
    pub find: &'static str,
    /// What it is replaced with.
    pub replace_with: &'static str,
    /// Where to look.
    pub in_column: &'static str,
    /// Every column.
    pub all_columns: &'static str,
    /// The whole cell must match.
    pub whole_cell: &'static str,
    /// Case must match.
    pub match_case: &'static str,
    /// "Replace 1,204 cells".
    pub replace_n: fn(u64) -> String,
    /// Fixes offered from the errors.
    pub fixes: &'static str,
    /// A column's errors of one kind: column, count, kind.
    pub offer: fn(&str, u64, &str) -> String,
    /// Trim N cells.
    pub trim_n: fn(u64) -> String,
    /// Change the case of N cells.
    pub case_n: fn(Case, u64) -> String,
    /// Empty N cells.
    pub empty_n: fn(u64) -> String,
    /// Set N cells to a value.
    pub set_n: fn(u64, &str) -> String,
    /// Fix N dates from a format to another.
    pub dates_n: fn(u64, &str, &str) -> String,
    /// Fix a whole column: its section.
    pub column_fix: &'static str,
    /// The action's name.
    pub action: &'static str,
    /// Name of each action.
    pub action_trim: &'static str,
    /// Lower case.
    pub action_lower: &'static str,
    /// Upper case.
    pub action_upper: &'static str,
    /// Title case.
    pub action_title: &'static str,
    /// Empty.
    pub action_empty: &'static str,
    /// Set a value.
    pub action_set: &'static str,
    /// Reformat dates.
    pub action_dates: &'static str,
    /// The value to set.
    pub value: &'static str,
    /// The format the dates are written in.
    pub dates_written_as: &'static str,
    /// Only the cells with errors.
    pub only_invalid_cells: &'static str,
    /// Nothing to change.
    pub nothing_to_change: &'static str,
    /// Rows: section, delete, add.
    pub rows: &'static str,
    /// Delete row N.
    pub delete_row: fn(u64) -> String,
    /// Delete the N invalid rows.
    pub delete_invalid: fn(u64) -> String,
    /// Delete the N rows ticked.
    pub delete_marked: fn(u64) -> String,
    /// Untick every row.
    pub clear_marks: &'static str,
    /// The box that ticks row N.
    pub mark_row: fn(u64) -> String,
    /// How to tick a range.
    pub mark_hint: &'static str,
    /// Add a row.
    pub add_row: &'static str,
    /// Filter and sort: labels.
    pub errors_in: &'static str,
    /// Any column.
    pub any_column: &'static str,
    /// Kind of error.
    pub error_kind: &'static str,
    /// Any kind.
    pub any_kind: &'static str,
    /// Sort by.
    pub sort_by: &'static str,
    /// The file's order.
    pub file_order: &'static str,
    /// The sort's direction.
    pub sort_order: &'static str,
    /// Ascending / descending.
    pub ascending: &'static str,
    /// Descending.
    pub descending: &'static str,
    /// What a change did, announced: cells changed.
    pub changed_cells: fn(u64) -> String,
    /// Rows deleted.
    pub removed_rows: fn(u64) -> String,
    /// Rows added.
    pub added_rows: fn(u64) -> String,
    /// An undo, and what it did.
    pub undone: fn(&str) -> String,
    /// A redo.
    pub redone: fn(&str) -> String,
    /// The counts after a change.
    pub now_counts: fn(u64, u64) -> String,
    /// The name of a kind of error.
    pub kind: fn(RowErrorCode) -> &'static str,
    /// Clear the mappings remembered for the template (admins).
    pub forget_mappings: &'static str,
}

/// English.
pub static EN: ToolText = ToolText {
    toolbar: "Review tools",
    undo: "Undo",
    redo: "Redo",
    undo_keys: "Ctrl+Z",
    redo_keys: "Ctrl+Shift+Z",
    find_replace: "Find and replace",
    find: "Find",
    replace_with: "Replace with",
    in_column: "In column",
    all_columns: "All columns",
    whole_cell: " Whole cell",
    match_case: " Match case",
    replace_n: |n| format!("Replace {}", en(n, "cell", "cells")),
    fixes: "Fixes for the errors",
    offer: |column, n, kind| format!("{column}: {} ({kind})", en(n, "error", "errors")),
    trim_n: |n| format!("Trim spaces in {}", en(n, "cell", "cells")),
    case_n: |case, n| match case {
        Case::Upper => format!("Upper-case {}", en(n, "cell", "cells")),
        Case::Title => format!("Capitalise {}", en(n, "cell", "cells")),
        _ => format!("Lower-case {}", en(n, "cell", "cells")),
    },
    empty_n: |n| format!("Empty {}", en(n, "cell", "cells")),
    set_n: |n, value| format!("Set {} to “{value}”", en(n, "cell", "cells")),
    dates_n: |n, from, to| format!("Fix {} from {from} to {to}", en(n, "date", "dates")),
    column_fix: "Fix a column",
    action: "Action",
    action_trim: "Trim spaces",
    action_lower: "lower case",
    action_upper: "UPPER CASE",
    action_title: "Capitalise Each Word",
    action_empty: "Empty the cells",
    action_set: "Set a value",
    action_dates: "Reformat dates",
    value: "Value",
    dates_written_as: "Dates are written as",
    only_invalid_cells: " Only cells with errors",
    nothing_to_change: "No cell would change.",
    rows: "Rows",
    delete_row: |row| format!("Delete row {}", Locale::En.number(row)),
    delete_invalid: |n| format!("Delete {}", en(n, "invalid row", "invalid rows")),
    delete_marked: |n| format!("Delete {}", en(n, "selected row", "selected rows")),
    clear_marks: "Clear the selection",
    mark_row: |row| format!("Select row {}", Locale::En.number(row)),
    mark_hint: "Shift+click selects every row from the last one selected; Shift+Space in a cell selects its row",
    add_row: "Add a row",
    errors_in: "Errors in",
    any_column: "Any column",
    error_kind: "Kind of error",
    any_kind: "Any kind",
    sort_by: "Sort by",
    file_order: "File order",
    sort_order: "Sort order",
    ascending: "A → Z",
    descending: "Z → A",
    changed_cells: |n| format!("{} changed.", en(n, "cell", "cells")),
    removed_rows: |n| format!("{} deleted.", en(n, "row", "rows")),
    added_rows: |n| format!("{} added.", en(n, "row", "rows")),
    undone: |what| format!("Undone: {what}"),
    redone: |what| format!("Redone: {what}"),
    now_counts: |valid, invalid| format!("Now {} valid, {} with errors.", Locale::En.number(valid), Locale::En.number(invalid)),
    kind: |code| match code {
        RowErrorCode::Required => "required",
        RowErrorCode::InvalidEmail => "not an email",
        RowErrorCode::InvalidDate => "not a date",
        RowErrorCode::InvalidDatetime => "not a date and time",
        RowErrorCode::InvalidNumber => "not a number",
        RowErrorCode::InvalidBoolean => "not yes or no",
        RowErrorCode::InvalidEnum => "not an option",
        RowErrorCode::InvalidPhone => "not a phone number",
        RowErrorCode::InvalidUrl => "not a web address",
        RowErrorCode::InvalidId => "not an identifier",
        RowErrorCode::TooLong => "too long",
        RowErrorCode::Pattern => "wrong form",
        RowErrorCode::WeakPassword => "weak password",
        RowErrorCode::DuplicateInFile => "duplicate",
        RowErrorCode::Formula => "formula",
        RowErrorCode::Markup => "HTML tag",
        RowErrorCode::ExtraCells => "extra cells",
        RowErrorCode::UnknownUser => "unknown user",
        RowErrorCode::UnknownId => "unknown ID",
        RowErrorCode::UnknownReference => "unknown value",
        RowErrorCode::DuplicateExisting => "already stored",
        RowErrorCode::ControlCharacter => "control character",
        RowErrorCode::UnclosedQuote => "unclosed quote",
        RowErrorCode::Mismatch => "do not go together",
        _ => "other",
    },
    forget_mappings: "Forget remembered mappings",
};

/// French.
pub static FR: ToolText = ToolText {
    toolbar: "Outils de relecture",
    undo: "Annuler",
    redo: "Rétablir",
    undo_keys: "Ctrl+Z",
    redo_keys: "Ctrl+Maj+Z",
    find_replace: "Rechercher et remplacer",
    find: "Rechercher",
    replace_with: "Remplacer par",
    in_column: "Dans la colonne",
    all_columns: "Toutes les colonnes",
    whole_cell: " Cellule entière",
    match_case: " Respecter la casse",
    replace_n: |n| format!("Remplacer {}", fr(n, "cellule", "cellules")),
    fixes: "Corrections des erreurs",
    offer: |column, n, kind| format!("{column} : {} ({kind})", fr(n, "erreur", "erreurs")),
    trim_n: |n| format!("Retirer les espaces de {}", fr(n, "cellule", "cellules")),
    case_n: |case, n| match case {
        Case::Upper => format!("Mettre {} en majuscules", fr(n, "cellule", "cellules")),
        Case::Title => format!("Mettre une capitale initiale à {}", fr(n, "cellule", "cellules")),
        _ => format!("Mettre {} en minuscules", fr(n, "cellule", "cellules")),
    },
    empty_n: |n| format!("Vider {}", fr(n, "cellule", "cellules")),
    set_n: |n, value| format!("Mettre « {value} » dans {}", fr(n, "cellule", "cellules")),
    dates_n: |n, from, to| format!("Corriger {} de {from} en {to}", fr(n, "date", "dates")),
    column_fix: "Corriger une colonne",
    action: "Action",
    action_trim: "Retirer les espaces",
    action_lower: "minuscules",
    action_upper: "MAJUSCULES",
    action_title: "Capitale À Chaque Mot",
    action_empty: "Vider les cellules",
    action_set: "Mettre une valeur",
    action_dates: "Reformater les dates",
    value: "Valeur",
    dates_written_as: "Les dates sont écrites",
    only_invalid_cells: " Seulement les cellules en erreur",
    nothing_to_change: "Aucune cellule ne changerait.",
    rows: "Lignes",
    delete_row: |row| format!("Supprimer la ligne {}", Locale::Fr.number(row)),
    delete_invalid: |n| format!("Supprimer {}", fr(n, "ligne invalide", "lignes invalides")),
    delete_marked: |n| format!("Supprimer {}", fr(n, "ligne sélectionnée", "lignes sélectionnées")),
    clear_marks: "Tout désélectionner",
    mark_row: |row| format!("Sélectionner la ligne {}", Locale::Fr.number(row)),
    mark_hint: "Maj+clic sélectionne toutes les lignes depuis la dernière sélectionnée ; Maj+Espace dans une cellule sélectionne sa ligne",
    add_row: "Ajouter une ligne",
    errors_in: "Erreurs dans",
    any_column: "Toute colonne",
    error_kind: "Type d’erreur",
    any_kind: "Tout type",
    sort_by: "Trier par",
    file_order: "Ordre du fichier",
    sort_order: "Sens du tri",
    ascending: "A → Z",
    descending: "Z → A",
    changed_cells: |n| format!("{} {}.", fr(n, "cellule", "cellules"), Locale::Fr.form(n, "modifiée", "modifiées")),
    removed_rows: |n| format!("{} {}.", fr(n, "ligne", "lignes"), Locale::Fr.form(n, "supprimée", "supprimées")),
    added_rows: |n| format!("{} {}.", fr(n, "ligne", "lignes"), Locale::Fr.form(n, "ajoutée", "ajoutées")),
    undone: |what| format!("Annulé : {what}"),
    redone: |what| format!("Rétabli : {what}"),
    now_counts: |valid, invalid| {
        format!(
            "Maintenant {} et {} avec erreurs.",
            fr(valid, "valide", "valides"),
            Locale::Fr.number(invalid)
        )
    },
    kind: |code| match code {
        RowErrorCode::Required => "obligatoire",
        RowErrorCode::InvalidEmail => "pas un e-mail",
        RowErrorCode::InvalidDate => "pas une date",
        RowErrorCode::InvalidDatetime => "pas une date et heure",
        RowErrorCode::InvalidNumber => "pas un nombre",
        RowErrorCode::InvalidBoolean => "ni oui ni non",
        RowErrorCode::InvalidEnum => "pas une option",
        RowErrorCode::InvalidPhone => "pas un téléphone",
        RowErrorCode::InvalidUrl => "pas une adresse web",
        RowErrorCode::InvalidId => "pas un identifiant",
        RowErrorCode::TooLong => "trop long",
        RowErrorCode::Pattern => "mauvaise forme",
        RowErrorCode::WeakPassword => "mot de passe faible",
        RowErrorCode::DuplicateInFile => "doublon",
        RowErrorCode::Formula => "formule",
        RowErrorCode::Markup => "balise HTML",
        RowErrorCode::ExtraCells => "cellules en trop",
        RowErrorCode::UnknownUser => "utilisateur inconnu",
        RowErrorCode::UnknownId => "identifiant inconnu",
        RowErrorCode::UnknownReference => "valeur inconnue",
        RowErrorCode::DuplicateExisting => "déjà enregistré",
        RowErrorCode::ControlCharacter => "caractère de contrôle",
        RowErrorCode::UnclosedQuote => "guillemet non fermé",
        RowErrorCode::Mismatch => "ne vont pas ensemble",
        _ => "autre",
    },
    forget_mappings: "Oublier les correspondances mémorisées",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_counts_agree_with_their_number_in_each_language() {
        assert_eq!((EN.replace_n)(1_204), "Replace 1,204 cells");
        assert_eq!((EN.replace_n)(1), "Replace 1 cell");
        assert_eq!((FR.replace_n)(0), "Remplacer 0 cellule");
        assert_eq!((EN.dates_n)(3_000, "DD/MM/YYYY", "YYYY-MM-DD"), "Fix 3,000 dates from DD/MM/YYYY to YYYY-MM-DD");
        assert_eq!((FR.dates_n)(1, "JJ", "AAAA"), "Corriger 1 date de JJ en AAAA");
        assert_eq!((FR.changed_cells)(2), "2 cellules modifiées.");
        assert_eq!((FR.removed_rows)(1), "1 ligne supprimée.");
        assert_eq!((EN.delete_invalid)(1), "Delete 1 invalid row");
        assert_eq!((EN.delete_marked)(1_204), "Delete 1,204 selected rows");
        assert_eq!((FR.delete_marked)(2), "Supprimer 2 lignes sélectionnées");
        assert_eq!((FR.now_counts)(1, 2), "Maintenant 1 valide et 2 avec erreurs.");
        for code in [RowErrorCode::InvalidDate, RowErrorCode::InvalidPhone, RowErrorCode::Required, RowErrorCode::Mismatch] {
            assert_ne!((EN.kind)(code), (FR.kind)(code));
            assert_ne!((EN.kind)(code), "other");
        }
        assert_ne!(EN.find_replace, FR.find_replace);
    }
}
