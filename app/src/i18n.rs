//! The import modal's user-facing text, in one place: English and French.
//!
//! The host picks the language (the `locale` prop of
//! [`crate::components::csv_import::CsvImport`], the `lang` attribute of
//! `<csv-import>`), or else the browser's (`navigator.language`). Components
//! read the text of the language in context with [`text`].

use leptos::prelude::*;

/// A language of the modal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Locale {
    /// All languages, for checks that every text exists in each.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// The language of a BCP 47 tag (`fr`, `fr-CA`, `en-GB`); `None` for
    /// languages the modal does not have.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// The first of the browser's preferred languages the modal has, else
    /// English. Browser only (call it in an effect or event handler).
    pub fn from_browser() -> Locale {
        let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return Locale::En };
        let languages = navigator.languages();
        (0..languages.length())
            .filter_map(|i| languages.get(i).as_string())
            .chain(navigator.language())
            .find_map(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    }

    /// The `lang` attribute value.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The texts of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Locale::En => &EN,
            Locale::Fr => &FR,
        }
    }
}

/// The language in context (provided by the embedding component), else English.
pub fn locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The texts of the language in context.
pub fn text() -> &'static Text {
    locale().text()
}

/// Every user-facing text of the modal. Texts with values are functions.
#[derive(Debug)]
pub struct Text {
    /// The modal's title in import mode, before the template's label.
    pub import_title: fn(&str) -> String,
    /// The modal's title in preview mode.
    pub preview_title: fn(&str) -> String,
    /// The close button's accessible name.
    pub close_dialog: &'static str,
    /// Asked before closing loses the file and the edits.
    pub confirm_close: &'static str,
    /// The step list's accessible name.
    pub steps: &'static str,
    /// Step names.
    pub step_upload: &'static str,
    /// Step names.
    pub step_mapping: &'static str,
    /// Step names.
    pub step_review: &'static str,
    /// Step names.
    pub step_import: &'static str,
    /// Step names.
    pub step_done: &'static str,
    /// While the template loads.
    pub loading: &'static str,
    /// A close button.
    pub close: &'static str,
    /// The title of the dialog that says why the importer cannot open.
    pub cannot_open: &'static str,
    /// Signed in to another workspace than the host asked for.
    pub wrong_workspace: fn(&str, &str) -> String,
    /// Not signed in.
    pub sign_in: &'static str,
    /// The default text of the `<csv-import>` button.
    pub launch: &'static str,
    /// The grid's row-number column.
    pub row_header: &'static str,
    /// The modal's text `n_registered`.
    pub n_registered: fn(u64) -> String,
    /// The modal's text `pair_errors_intro`.
    pub pair_errors_intro: &'static str,
    /// The modal's text `row_column_message`.
    pub row_column_message: fn(u64, &str, &str) -> String,
    /// The modal's text `n_duplicates`.
    pub n_duplicates: fn(u64) -> String,
    /// The modal's text `duplicates_hint`.
    pub duplicates_hint: &'static str,
    /// The modal's text `duplicates_anyway`.
    pub duplicates_anyway: &'static str,
    /// The modal's text `rate_left`.
    pub rate_left: fn(&str, &str) -> String,
    /// The modal's text `reconnecting`.
    pub reconnecting: fn(u32, &str) -> String,
    /// The modal's text `crm_headline`.
    pub crm_headline: fn(u64, u64, u64, &str) -> String,
    /// The modal's text `drop_here`.
    pub drop_here: &'static str,
    /// The modal's text `or_word`.
    pub or_word: &'static str,
    /// The modal's text `choose_file`.
    pub choose_file: &'static str,
    /// The modal's text `upload_hint`.
    pub upload_hint: &'static str,
    /// The modal's text `expected_columns`.
    pub expected_columns: &'static str,
    /// The modal's text `required_label`.
    pub required_label: &'static str,
    /// The modal's text `optional_label`.
    pub optional_label: &'static str,
    /// The modal's text `download_sample`.
    pub download_sample: &'static str,
    /// The modal's text `reading_file`.
    pub reading_file: fn(f64) -> String,
    /// The modal's text `reading_rows`.
    pub reading_rows: fn(&str) -> String,
    /// The modal's text `checking_rows`.
    pub checking_rows: fn(&str) -> String,
    /// The modal's text `cancel_reading`.
    pub cancel_reading: &'static str,
    /// The modal's text `spreadsheet`.
    pub spreadsheet: fn(&str) -> String,
    /// The modal's text `wrong_extension`.
    pub wrong_extension: fn(&str, &str) -> String,
    /// The modal's text `too_big`.
    pub too_big: fn(&str, f64, f64) -> String,
    /// The modal's text `nothing_dropped`.
    pub nothing_dropped: &'static str,
    /// The modal's text `how_name`.
    pub how_name: &'static str,
    /// The modal's text `how_alias`.
    pub how_alias: &'static str,
    /// The modal's text `how_similar`.
    pub how_similar: &'static str,
    /// The modal's text `how_chosen`.
    pub how_chosen: &'static str,
    /// The modal's text `how_attribute`.
    pub how_attribute: &'static str,
    /// The modal's text `how_ignored`.
    pub how_ignored: &'static str,
    /// The modal's text `attribute`.
    pub attribute: fn(&str) -> String,
    /// The modal's text `ignore_column`.
    pub ignore_column: &'static str,
    /// The modal's text `required_field`.
    pub required_field: fn(&str) -> String,
    /// The modal's text `encoding_label`.
    pub encoding_label: &'static str,
    /// The modal's text `delimiter_label`.
    pub delimiter_label: &'static str,
    /// The modal's text `detected`.
    pub detected: fn(&str) -> String,
    /// The modal's text `mapping_caption`.
    pub mapping_caption: &'static str,
    /// The modal's text `col_column`.
    pub col_column: &'static str,
    /// The modal's text `col_samples`.
    pub col_samples: &'static str,
    /// The modal's text `col_field`.
    pub col_field: &'static str,
    /// The modal's text `col_how`.
    pub col_how: &'static str,
    /// The modal's text `fix_mapping`.
    pub fix_mapping: &'static str,
    /// The modal's text `back`.
    pub back: &'static str,
    /// The modal's text `next_review`.
    pub next_review: &'static str,
    /// The modal's text `n_rows`.
    pub n_rows: fn(u64) -> String,
    /// The modal's text `n_valid`.
    pub n_valid: fn(u64) -> String,
    /// The modal's text `n_errors`.
    pub n_errors: fn(u64) -> String,
    /// The modal's text `only_errors`.
    pub only_errors: &'static str,
    /// The modal's text `download_errors`.
    pub download_errors: &'static str,
    /// The modal's text `grid_hint`.
    pub grid_hint: &'static str,
    /// The modal's text `checking_refs`.
    pub checking_refs: &'static str,
    /// The modal's text `refs_not_checked`.
    pub refs_not_checked: &'static str,
    /// The modal's text `reject_reason`.
    pub reject_reason: &'static str,
    /// The modal's text `preview_only`.
    pub preview_only: &'static str,
    /// The modal's text `import_valid_skip`.
    pub import_valid_skip: fn(u64, u64) -> String,
    /// The modal's text `import_rows`.
    pub import_rows: fn(u64) -> String,
    /// The modal's text `one_matches`.
    pub one_matches: &'static str,
    /// The modal's text `n_match`.
    pub n_match: fn(u64) -> String,
    /// The modal's text `cancel_import`.
    pub cancel_import: &'static str,
    /// The modal's text `import_cancelled`.
    pub import_cancelled: &'static str,
    /// The modal's text `imported_from`.
    pub imported_from: fn(u64, &str) -> String,
    /// The modal's text `count_inserted`.
    pub count_inserted: &'static str,
    /// The modal's text `count_updated`.
    pub count_updated: &'static str,
    /// The modal's text `count_unchanged`.
    pub count_unchanged: &'static str,
    /// The modal's text `count_skipped`.
    pub count_skipped: &'static str,
    /// The modal's text `skipped_rows`.
    pub skipped_rows: &'static str,
    /// The modal's text `row_n`.
    pub row_n: fn(u64) -> String,
    /// The modal's text `and_more`.
    pub and_more: fn(usize) -> String,
    /// The modal's text `stopping`.
    pub stopping: fn(&str, &str) -> String,
    /// The modal's text `uploading`.
    pub uploading: fn(&str, &str) -> String,
    /// The modal's text `importing`.
    pub importing: fn(&str, &str) -> String,
    /// The modal's text `measuring`.
    pub measuring: &'static str,
    /// The modal's text `grid_label`.
    pub grid_label: &'static str,
    /// The modal's text `matches_existing`.
    pub matches_existing: &'static str,
    /// The modal's text `cell_label`.
    pub cell_label: fn(u64, &str) -> String,
    /// The modal's text `reading_name`.
    pub reading_name: fn(&str) -> String,
    /// The modal's text `reading_cancelled`.
    pub reading_cancelled: fn(&str) -> String,
}

static EN: Text = Text {
    import_title: |label| format!("Import {label}"),
    preview_title: |label| format!("Check a file: {label}"),
    close_dialog: "Close dialog",
    confirm_close: "Close the import? The file and your changes in it will be lost.",
    steps: "Steps",
    step_upload: "Upload",
    step_mapping: "Map columns",
    step_review: "Review",
    step_import: "Import",
    step_done: "Done",
    loading: "Loading…",
    close: "Close",
    cannot_open: "The importer cannot open",
    wrong_workspace: |signed_in, asked| {
        format!("You are signed in to the workspace \"{signed_in}\", not \"{asked}\". Sign in to \"{asked}\" and try again.")
    },
    sign_in: "Sign in to continue.",
    launch: "Import",
    row_header: "Row",
    n_registered: |n| format!("{n} already registered"),
    pair_errors_intro: "These rows name a partner user who is not on that partner's team, or a partner you may not import for:",
    row_column_message: |row, header, message| format!("Row {row}, {header}: {message}"),
    n_duplicates: |n| if n == 1 { "1 row has the email of a lead already registered (marked ↻).".to_string() } else { format!("{n} rows have the email of a lead already registered (marked ↻).") },
    duplicates_hint: " Importing adds them again as new leads. Remove them from your file, or import them anyway.",
    duplicates_anyway: " Import the already registered leads anyway",
    rate_left: |rate, left| format!("{rate} rows/s · about {left} left"),
    reconnecting: |attempt, why| format!("Connection lost; reconnecting (attempt {attempt})… Nothing is lost: the import goes on from the last saved batch. ({why})"),
    crm_headline: |updated, added, unchanged, file| format!("{updated} clients updated, {added} added, {unchanged} unchanged from {file}."),
    drop_here: "Drag and drop your CSV file here",
    or_word: "or",
    choose_file: "Choose a file",
    upload_hint: "CSV, TSV or TXT up to 200 MB, in any common encoding (UTF-8, UTF-16, Windows-1252) and with , ; tab or | between values.",
    expected_columns: "Columns this import expects",
    required_label: "Required: ",
    optional_label: "Optional: ",
    download_sample: "Download sample CSV",
    reading_file: |mb| format!("Reading the file… {mb:.1} MB"),
    reading_rows: |n| format!("Reading rows… {n} rows"),
    checking_rows: |n| format!("Checking rows… {n} rows"),
    cancel_reading: "Cancel reading",
    spreadsheet: |name| format!("{name} is a spreadsheet, not a CSV file. Open it and save it as CSV (in Excel: File › Save As › CSV UTF-8), then upload that file."),
    wrong_extension: |name, ext| format!("{name} is a .{ext} file. Upload a CSV file (.csv, .tsv or .txt)."),
    too_big: |name, mb, max| format!("{name} is {mb:.0} MB; the most a file may have is {max:.0} MB. Split it into smaller files."),
    nothing_dropped: "Nothing to read was dropped. Drop a CSV file.",
    how_name: "matched by name",
    how_alias: "matched by a known alias",
    how_similar: "matched by similar spelling: check it",
    how_chosen: "your choice",
    how_attribute: "custom attribute",
    how_ignored: "ignored",
    attribute: |name| format!("Attribute: {name}"),
    ignore_column: "— ignore this column —",
    required_field: |label| format!("{label} (required)"),
    encoding_label: "Encoding ",
    delimiter_label: "Delimiter ",
    detected: |what| format!("Detected: {what}"),
    mapping_caption: "Columns of the file and the fields they go to",
    col_column: "Column in your file",
    col_samples: "Sample values",
    col_field: "Goes to field",
    col_how: "How",
    fix_mapping: "Fix the mapping before going on:",
    back: "Back",
    next_review: "Next: review rows",
    n_rows: |n| format!("{n} rows"),
    n_valid: |n| format!("{n} valid"),
    n_errors: |n| format!("{n} with errors"),
    only_errors: " Show only rows with errors",
    download_errors: "Download error report (CSV)",
    grid_hint: "Tab moves between cells with errors; Enter or a double click edits a cell.",
    checking_refs: "Checking with the server which of the emails and IDs exist…",
    refs_not_checked: "Whether users, tags or partners exist is not checked in a preview: that would send values to the server. The import checks them.",
    reject_reason: "This import takes a file only when every row is valid. Fix the rows with errors here or in your file, then import.",
    preview_only: "Preview only: nothing of this file was sent anywhere.",
    import_valid_skip: |valid, skip| format!("Import {valid} valid rows, skip {skip}"),
    import_rows: |n| format!("Import {n} rows"),
    one_matches: "1 row matches an existing record and will update it",
    n_match: |n| format!("{n} rows match existing records and will update them"),
    cancel_import: "Cancel import",
    import_cancelled: "Import cancelled. The rows saved before you cancelled stay saved.",
    imported_from: |n, file| format!("Imported {n} rows from {file}."),
    count_inserted: "Inserted",
    count_updated: "Updated",
    count_unchanged: "Unchanged",
    count_skipped: "Skipped",
    skipped_rows: "Skipped rows",
    row_n: |n| format!("Row {n}: "),
    and_more: |n| format!("… and {n} more; see the import's page."),
    stopping: |done, total| format!("Stopping after the current batch… {done} of {total} rows saved"),
    uploading: |done, total| format!("Uploading… {done} of {total} rows sent"),
    importing: |done, total| format!("Importing… {done} of {total} rows saved"),
    measuring: "Measuring speed…",
    grid_label: "Rows of the file",
    matches_existing: "Matches an existing record: importing this row updates it.",
    cell_label: |row, column| format!("Row {row}, {column}"),
    reading_name: |name| format!("Reading and checking {name}…"),
    reading_cancelled: |name| format!("Reading {name} was cancelled. Pick the file again to start over."),
};

static FR: Text = Text {
    import_title: |label| format!("Importer : {label}"),
    preview_title: |label| format!("Vérifier un fichier : {label}"),
    close_dialog: "Fermer la fenêtre",
    confirm_close: "Fermer l’import ? Le fichier et vos modifications seront perdus.",
    steps: "Étapes",
    step_upload: "Fichier",
    step_mapping: "Colonnes",
    step_review: "Vérification",
    step_import: "Import",
    step_done: "Terminé",
    loading: "Chargement…",
    close: "Fermer",
    cannot_open: "L’import ne peut pas s’ouvrir",
    wrong_workspace: |signed_in, asked| {
        format!(
            "Vous êtes connecté à l’espace « {signed_in} », pas à « {asked} ». Connectez-vous à « {asked} » et réessayez."
        )
    },
    sign_in: "Connectez-vous pour continuer.",
    launch: "Importer",
    row_header: "Ligne",
    n_registered: |n| format!("{n} déjà enregistrées"),
    pair_errors_intro: "Ces lignes nomment un utilisateur partenaire qui n’est pas dans l’équipe de ce partenaire, ou un partenaire pour lequel vous ne pouvez pas importer :",
    row_column_message: |row, header, message| format!("Ligne {row}, {header} : {message}"),
    n_duplicates: |n| if n == 1 { "1 ligne a l’e-mail d’un prospect déjà enregistré (marqué ↻).".to_string() } else { format!("{n} lignes ont l’e-mail d’un prospect déjà enregistré (marqué ↻).") },
    duplicates_hint: " Les importer les ajoute de nouveau comme nouveaux prospects. Retirez-les de votre fichier, ou importez-les quand même.",
    duplicates_anyway: " Importer quand même les prospects déjà enregistrés",
    rate_left: |rate, left| format!("{rate} lignes/s · environ {left} restantes"),
    reconnecting: |attempt, why| format!("Connexion perdue ; reconnexion (essai {attempt})… Rien n’est perdu : l’import reprend au dernier lot enregistré. ({why})"),
    crm_headline: |updated, added, unchanged, file| format!("{updated} clients mis à jour, {added} ajoutés, {unchanged} inchangés depuis {file}."),
    drop_here: "Glissez-déposez votre fichier CSV ici",
    or_word: "ou",
    choose_file: "Choisir un fichier",
    upload_hint: "CSV, TSV ou TXT jusqu’à 200 Mo, dans un encodage courant (UTF-8, UTF-16, Windows-1252), valeurs séparées par , ; tabulation ou |.",
    expected_columns: "Colonnes attendues par cet import",
    required_label: "Obligatoires : ",
    optional_label: "Facultatives : ",
    download_sample: "Télécharger un exemple CSV",
    reading_file: |mb| format!("Lecture du fichier… {mb:.1} Mo"),
    reading_rows: |n| format!("Lecture des lignes… {n} lignes"),
    checking_rows: |n| format!("Vérification des lignes… {n} lignes"),
    cancel_reading: "Arrêter la lecture",
    spreadsheet: |name| format!("{name} est un classeur, pas un fichier CSV. Ouvrez-le et enregistrez-le en CSV (dans Excel : Fichier › Enregistrer sous › CSV UTF-8), puis importez ce fichier."),
    wrong_extension: |name, ext| format!("{name} est un fichier .{ext}. Importez un fichier CSV (.csv, .tsv ou .txt)."),
    too_big: |name, mb, max| format!("{name} fait {mb:.0} Mo ; un fichier peut faire au plus {max:.0} Mo. Découpez-le en fichiers plus petits."),
    nothing_dropped: "Rien de lisible n’a été déposé. Déposez un fichier CSV.",
    how_name: "reconnue par son nom",
    how_alias: "reconnue par un synonyme",
    how_similar: "reconnue par une orthographe proche : vérifiez",
    how_chosen: "votre choix",
    how_attribute: "attribut personnalisé",
    how_ignored: "ignorée",
    attribute: |name| format!("Attribut : {name}"),
    ignore_column: "— ignorer cette colonne —",
    required_field: |label| format!("{label} (obligatoire)"),
    encoding_label: "Encodage ",
    delimiter_label: "Séparateur ",
    detected: |what| format!("Détecté : {what}"),
    mapping_caption: "Les colonnes du fichier et les champs où elles vont",
    col_column: "Colonne de votre fichier",
    col_samples: "Exemples de valeurs",
    col_field: "Va dans le champ",
    col_how: "Comment",
    fix_mapping: "Corrigez la correspondance avant de continuer :",
    back: "Retour",
    next_review: "Suivant : vérifier les lignes",
    n_rows: |n| format!("{n} lignes"),
    n_valid: |n| format!("{n} valides"),
    n_errors: |n| format!("{n} avec erreurs"),
    only_errors: " Afficher seulement les lignes avec erreurs",
    download_errors: "Télécharger le rapport d’erreurs (CSV)",
    grid_hint: "Tab passe d’une cellule en erreur à l’autre ; Entrée ou un double clic modifie une cellule.",
    checking_refs: "Vérification auprès du serveur des e-mails et identifiants existants…",
    refs_not_checked: "L’existence des utilisateurs, étiquettes ou partenaires n’est pas vérifiée dans un aperçu : il faudrait envoyer des valeurs au serveur. L’import les vérifie.",
    reject_reason: "Cet import n’accepte un fichier que si toutes ses lignes sont valides. Corrigez les lignes en erreur ici ou dans votre fichier, puis importez.",
    preview_only: "Aperçu seulement : rien de ce fichier n’a été envoyé.",
    import_valid_skip: |valid, skip| format!("Importer {valid} lignes valides, ignorer {skip}"),
    import_rows: |n| format!("Importer {n} lignes"),
    one_matches: "1 ligne correspond à un enregistrement existant et le mettra à jour",
    n_match: |n| format!("{n} lignes correspondent à des enregistrements existants et les mettront à jour"),
    cancel_import: "Annuler l’import",
    import_cancelled: "Import annulé. Les lignes enregistrées avant l’annulation le restent.",
    imported_from: |n, file| format!("{n} lignes importées depuis {file}."),
    count_inserted: "Ajoutés",
    count_updated: "Mis à jour",
    count_unchanged: "Inchangés",
    count_skipped: "Ignorés",
    skipped_rows: "Lignes ignorées",
    row_n: |n| format!("Ligne {n} : "),
    and_more: |n| format!("… et {n} de plus ; voir la page de l’import."),
    stopping: |done, total| format!("Arrêt après le lot en cours… {done} lignes sur {total} enregistrées"),
    uploading: |done, total| format!("Envoi… {done} lignes sur {total} envoyées"),
    importing: |done, total| format!("Import… {done} lignes sur {total} enregistrées"),
    measuring: "Mesure de la vitesse…",
    grid_label: "Lignes du fichier",
    matches_existing: "Correspond à un enregistrement existant : importer cette ligne le met à jour.",
    cell_label: |row, column| format!("Ligne {row}, {column}"),
    reading_name: |name| format!("Lecture et vérification de {name}…"),
    reading_cancelled: |name| format!("La lecture de {name} a été annulée. Choisissez de nouveau le fichier pour recommencer."),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        assert_eq!(Locale::from_tag("fr-CA"), Some(Locale::Fr));
        assert_eq!(Locale::from_tag("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn every_language_has_every_text() {
        for locale in Locale::ALL {
            let t = locale.text();
            let texts = [
                t.close_dialog, t.confirm_close, t.steps, t.step_upload, t.step_mapping, t.step_review,
                t.step_import, t.step_done, t.loading, t.close, t.cannot_open, t.sign_in, t.launch,
            ];
            assert!(texts.iter().all(|s| !s.trim().is_empty()), "{locale:?} has an empty text");
            assert!((t.import_title)("clients").contains("clients"));
            assert!((t.preview_title)("clients").contains("clients"));
            let wrong = (t.wrong_workspace)("acme", "globex");
            assert!(wrong.contains("acme") && wrong.contains("globex"));
        }
        // French is French, not a copy of English, in every step.
        let (en, fr) = (Locale::En.text(), Locale::Fr.text());
        for (e, f) in [
            (en.close_dialog, fr.close_dialog),
            (en.choose_file, fr.choose_file),
            (en.next_review, fr.next_review),
            (en.only_errors, fr.only_errors),
            (en.cancel_import, fr.cancel_import),
            (en.count_skipped, fr.count_skipped),
        ] {
            assert_ne!(e, f);
        }
        assert_eq!((en.import_valid_skip)(3, 1), "Import 3 valid rows, skip 1");
        assert_eq!((fr.import_valid_skip)(3, 1), "Importer 3 lignes valides, ignorer 1");
        assert_eq!((fr.n_duplicates)(1), "1 ligne a l’e-mail d’un prospect déjà enregistré (marqué ↻).");
        assert!((fr.n_duplicates)(2).starts_with("2 lignes"));
    }
}
