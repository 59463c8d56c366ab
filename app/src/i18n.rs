//! The import modal's user-facing text, in one place: English and French.
//!
//! The host picks the language (the `locale` prop of
//! [`crate::components::csv_import::CsvImport`], the `lang` attribute of
//! `<csv-import>`), or else the browser's (`navigator.language`). Components
//! read the text of the language in context with [`text`].

use leptos::prelude::*;

pub mod tools;

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

    /// The language of core's messages (row and file errors) for this locale.
    pub fn core_lang(self) -> csv_import_core::Lang {
        match self {
            Locale::En => csv_import_core::Lang::En,
            Locale::Fr => csv_import_core::Lang::Fr,
        }
    }

    /// The locale of core's language (an import stores the modal's).
    pub fn of_core(lang: csv_import_core::Lang) -> Locale {
        match lang {
            csv_import_core::Lang::En => Locale::En,
            csv_import_core::Lang::Fr => Locale::Fr,
        }
    }

    /// `n` with its thousands grouped as the language writes them:
    /// `1,234,567` in English, `1 234 567` (narrow no-break spaces) in French.
    pub fn number(self, n: u64) -> String {
        let separator = match self {
            Locale::En => ',',
            Locale::Fr => '\u{202F}',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }

    /// The form of words that agree with a count of `n`: `one` where the
    /// language takes the singular (English: 1 only; French: 0 and 1),
    /// else `other`.
    pub fn form<'a>(self, n: u64, one: &'a str, other: &'a str) -> &'a str {
        let singular = match self {
            Locale::En => n == 1,
            Locale::Fr => n <= 1,
        };
        if singular { one } else { other }
    }

    /// A count and the words that follow it, grouped and agreed: the one
    /// formatter of every count the modal shows.
    ///
    /// ```
    /// use app::i18n::Locale;
    /// assert_eq!(Locale::En.count(1, "row", "rows"), "1 row");
    /// assert_eq!(Locale::En.count(0, "row", "rows"), "0 rows");
    /// assert_eq!(Locale::En.count(12_500, "row", "rows"), "12,500 rows");
    /// assert_eq!(Locale::Fr.count(0, "ligne importée", "lignes importées"), "0 ligne importée");
    /// assert_eq!(Locale::Fr.count(2, "ligne importée", "lignes importées"), "2 lignes importées");
    /// ```
    pub fn count(self, n: u64, one: &str, other: &str) -> String {
        format!("{} {}", self.number(n), self.form(n, one, other))
    }
}

/// English counts: see [`Locale::count`].
pub(crate) fn en(n: u64, one: &str, other: &str) -> String {
    Locale::En.count(n, one, other)
}

/// French counts: see [`Locale::count`].
pub(crate) fn fr(n: u64, one: &str, other: &str) -> String {
    Locale::Fr.count(n, one, other)
}

/// `message` as a sentence that can be followed by another: with its own
/// final stop where it has one (a server's message usually does), else
/// with a full stop added.
fn sentence(message: &str) -> String {
    let message = message.trim_end();
    if message.ends_with(['.', '!', '?', '…']) { message.to_string() } else { format!("{message}.") }
}

/// The language in context (provided by the embedding component), else
/// that of the modal opened last, else English.
pub fn locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(last_opened)
}

thread_local! {
    static LAST_OPENED: std::cell::Cell<Locale> = const { std::cell::Cell::new(Locale::En) };
}

/// Remember the language of a modal that opens: code outside the component
/// tree (the worker's client, tasks) words its messages in it.
pub fn set_last_opened(locale: Locale) {
    LAST_OPENED.with(|cell| cell.set(locale));
}

/// The language of the modal opened last (English before any).
pub fn last_opened() -> Locale {
    LAST_OPENED.with(|cell| cell.get())
}

/// The texts of the language in context.
pub fn text() -> &'static Text {
    locale().text()
}

/// Every user-facing text of the modal. Texts with values are functions.
#[derive(Debug)]
pub struct Text {
    /// The review step's tools.
    pub tools: &'static tools::ToolText,
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
    /// The modal's text `n_duplicates`.
    pub n_duplicates: fn(u64) -> String,
    /// The modal's text `duplicates_hint`.
    pub duplicates_hint: &'static str,
    /// The modal's text `duplicates_anyway`.
    pub duplicates_anyway: &'static str,
    /// Rows per second, and the time left.
    pub rate_left: fn(u64, &str) -> String,
    /// The modal's text `reconnecting`.
    pub reconnecting: fn(u32, &str) -> String,
    /// The result of an import that updated records: updated, added,
    /// unchanged; the file.
    pub updated_headline: fn(u64, u64, u64, &str) -> String,
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
    /// Rows read so far.
    pub reading_rows: fn(u64) -> String,
    /// Rows checked so far.
    pub checking_rows: fn(u64) -> String,
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
    /// The modal's text `how_remembered`: the user's mapping of last time.
    pub how_remembered: &'static str,
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
    /// The Import button of a template that takes a file only when every
    /// row is valid, while some are not: the rows to fix.
    pub fix_rows: fn(u64) -> String,
    /// Rows that will update existing records.
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
    /// Cancelling an import: rows saved, rows to save.
    pub stopping: fn(u64, u64) -> String,
    /// A background import's upload: rows sent, rows to send.
    pub uploading: fn(u64, u64) -> String,
    /// An import: rows saved, rows to save.
    pub importing: fn(u64, u64) -> String,
    /// The modal's text `measuring`.
    pub measuring: &'static str,
    /// The modal's text `grid_label`.
    pub grid_label: &'static str,
    /// The modal's text `matches_existing`.
    pub matches_existing: &'static str,
    /// The modal's text `cell_label`.
    pub cell_label: fn(u64, &str) -> String,
    /// A grid column header's note for a column not imported.
    pub column_ignored: &'static str,
    /// The grid is empty because no row has an error (the filter is on).
    pub no_error_rows: &'static str,
    /// The grid is empty because the file has no data rows.
    pub no_data_rows: &'static str,
    /// The mark of a problem of a whole row (its reasons).
    pub row_problem: fn(&str) -> String,
    /// A column's resize handle (the column's header).
    pub resize_column: fn(&str) -> String,
    /// The line above the grid with the full value of the selected cell.
    pub value_bar: &'static str,
    /// That line before a cell is selected.
    pub value_bar_empty: &'static str,
    /// That line while the cell is edited.
    pub value_bar_editing: &'static str,
    /// The modal's text `reading_name`.
    pub reading_name: fn(&str) -> String,
    /// The modal's text `reading_cancelled`.
    pub reading_cancelled: fn(&str) -> String,
    /// While the worker checks every row again after a change of options.
    pub checking_again: &'static str,
    /// The server could not say which values exist (the cause).
    pub refs_failed: fn(&str) -> String,
    /// Import pressed with no file read.
    pub no_file: &'static str,
    /// `start_import` failed (the cause).
    pub start_failed: fn(&str) -> String,
    /// A batch failed for good: the rows saved (acknowledged by the server,
    /// in any order), the rows in all, the cause.
    pub stopped_after: fn(u64, u64, &str) -> String,
    /// The rows of a background import were staged but it could not be queued.
    pub queue_failed: fn(&str) -> String,
    /// Every batch was saved but `finish_import` failed.
    pub finish_failed: fn(&str) -> String,
    /// The worker failed (the browser's reason).
    pub checker_stopped: fn(&str) -> String,
    /// The worker answered nothing.
    pub checker_no_answer: &'static str,
    /// The worker's answer could not be read (the reason).
    pub checker_garbled: fn(&str) -> String,
    /// A host-supplied template this server does not import with (its name).
    pub own_templates_only: fn(&str) -> String,
    /// A page's own template that does not check: the reason.
    pub template_invalid: fn(&str) -> String,
    /// The page did not take a batch of rows (browser delivery): its message.
    pub page_refused: fn(u64, &str) -> String,
    /// A background import ended: file, rows imported, rows skipped.
    pub notice_finished: fn(&str, u64, u64) -> String,
    /// A background import failed: file, rows imported before, rows skipped.
    pub notice_failed: fn(&str, u64, u64) -> String,
    /// The notices' region name.
    pub notices: &'static str,
    /// The link from a notice to the Imports page.
    pub see_imports: &'static str,
    /// A notice's close button.
    pub dismiss: &'static str,
    /// A fault on the server (500), whose details stay in its log.
    pub server_fault: &'static str,
    /// The server could not be reached (the browser's reason).
    pub unreachable: fn(&str) -> String,
    /// The encodings offered when the detected one looks wrong: WHATWG
    /// label and what a user knows it as.
    pub encodings: &'static [(&'static str, &'static str)],
    /// The delimiters offered: the character and its name.
    pub delimiters: &'static [(&'static str, &'static str)],
    /// A detected delimiter's name (`,` `;` tab `|`, else none).
    pub delimiter_name: fn(&str) -> &'static str,
    /// A lead row whose email is already registered (imports add, never update).
    pub already_registered: &'static str,

    // Reasons the server gives for rows it refuses at commit (in the
    // import's language).
    /// A whole batch refused (the template takes a file only when every row
    /// is valid): the first bad rows, how many more.
    pub file_rejected: fn(&str, usize) -> String,
    /// The host application does not let this user import these (what).
    pub not_here: fn(&str) -> String,
    /// The user's role may not import these: role, what.
    pub role_may_not: fn(&str, &str) -> String,
    /// The server has nowhere to store these (what): a check only.
    pub not_stored: fn(&str) -> String,
    /// Workbooks: the heading of the sheet choice (file name).
    pub choose_sheet: fn(&str) -> String,
    /// A sheet's rows, as the sheet choice shows them.
    pub sheet_rows: fn(u64) -> String,
    /// Before a sheet's first values.
    pub sheet_starts_with: &'static str,
    /// The button that reads the sheet chosen.
    pub use_sheet: &'static str,
    /// The label of the sheet select in the mapping step.
    pub sheet_label: &'static str,
    /// The label of the header row select.
    pub header_row_label: &'static str,
    /// One row that may be the header: its line (a sheet's row) and values.
    pub header_row_option: fn(u64, &str) -> String,
    /// The rows above the header, ignored.
    pub rows_above_ignored: fn(u64) -> String,
}

impl Text {
    /// What to show for a server function's error: the server's own
    /// message, except for the two the browser words itself.
    pub fn app_error(&self, error: &crate::AppError) -> String {
        use crate::AppError;
        match error {
            AppError::Internal => self.server_fault.to_string(),
            AppError::Network(why) => (self.unreachable)(why),
            other => other.to_string(),
        }
    }
}

static EN: Text = Text {
    tools: &tools::EN,
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
    n_registered: |n| format!("{} already registered", Locale::En.number(n)),
    n_duplicates: |n| en(n, "row has the email of a lead already registered (marked ↻).", "rows have the email of a lead already registered (marked ↻)."),
    duplicates_hint: " Importing adds them again as new leads. Remove them from your file, or import them anyway.",
    duplicates_anyway: " Import the already registered leads anyway",
    rate_left: |rate, left| format!("{} rows/s · about {left} left", Locale::En.number(rate)),
    reconnecting: |attempt, why| format!("Connection lost; reconnecting (attempt {attempt})… Nothing is lost: the import goes on from the last saved batch. ({why})"),
    updated_headline: |updated, added, unchanged, file| {
        let n = |n| Locale::En.number(n);
        format!("{} updated, {} added, {} unchanged from {file}.", en(updated, "record", "records"), n(added), n(unchanged))
    },
    drop_here: "Drag and drop your CSV file here",
    or_word: "or",
    choose_file: "Choose a file",
    upload_hint: "CSV, TSV or TXT up to 200 MB, in any common encoding (UTF-8, UTF-16, Windows-1252) and with , ; tab or | between values; or an Excel or OpenDocument workbook (.xlsx, .xls, .xlsm, .xlsb, .ods).",
    expected_columns: "Columns this import expects",
    required_label: "Required: ",
    optional_label: "Optional: ",
    download_sample: "Download sample CSV",
    reading_file: |mb| format!("Reading the file… {mb:.1} MB"),
    reading_rows: |n| format!("Reading rows… {}", en(n, "row", "rows")),
    checking_rows: |n| format!("Checking rows… {}", en(n, "row", "rows")),
    cancel_reading: "Cancel reading",
    spreadsheet: |name| format!("{name} is an Apple Numbers file, which cannot be read here. In Numbers choose File › Export To › Excel (or CSV), then upload that file."),
    wrong_extension: |name, ext| format!("{name} is a .{ext} file. Upload a CSV file (.csv, .tsv or .txt) or a workbook (.xlsx, .xls, .ods)."),
    too_big: |name, mb, max| format!("{name} is {mb:.0} MB; the most a file may have is {max:.0} MB. Split it into smaller files."),
    nothing_dropped: "Nothing to read was dropped. Drop a CSV file.",
    how_name: "matched by name",
    how_alias: "matched by a known alias",
    how_similar: "matched by similar spelling: check it",
    how_chosen: "your choice",
    how_attribute: "custom attribute",
    how_ignored: "ignored",
    how_remembered: "as last time",
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
    n_rows: |n| en(n, "row", "rows"),
    n_valid: |n| format!("{} valid", Locale::En.number(n)),
    n_errors: |n| format!("{} with errors", Locale::En.number(n)),
    only_errors: " Show only rows with errors",
    download_errors: "Download error report (CSV)",
    grid_hint: "Tab moves between cells with errors; Enter or a double click edits a cell.",
    checking_refs: "Checking with the server which of the emails and IDs exist…",
    refs_not_checked: "Values that must already exist on the server (users, tags, IDs) are not checked in a preview: that would send them to the server. The import checks them.",
    reject_reason: "This import takes a file only when every row is valid. Fix the rows with errors here or in your file, then import.",
    preview_only: "Preview only: nothing of this file was sent anywhere.",
    import_valid_skip: |valid, skip| format!("Import {}, skip {}", en(valid, "valid row", "valid rows"), Locale::En.number(skip)),
    import_rows: |n| format!("Import {}", en(n, "row", "rows")),
    fix_rows: |n| format!("Fix {} to import this file", en(n, "row", "rows")),
    n_match: |n| en(n, "row matches an existing record and will update it", "rows match existing records and will update them"),
    cancel_import: "Cancel import",
    import_cancelled: "Import cancelled. The rows saved before you cancelled stay saved.",
    imported_from: |n, file| format!("Imported {} from {file}.", en(n, "row", "rows")),
    count_inserted: "Inserted",
    count_updated: "Updated",
    count_unchanged: "Unchanged",
    count_skipped: "Skipped",
    skipped_rows: "Skipped rows",
    row_n: |n| format!("Row {n}: "),
    and_more: |n| format!("… and {} more; see the import's page.", Locale::En.number(n as u64)),
    stopping: |done, total| format!("Stopping after the current batch… {} of {} saved", Locale::En.number(done), en(total, "row", "rows")),
    uploading: |done, total| format!("Uploading… {} of {} sent", Locale::En.number(done), en(total, "row", "rows")),
    importing: |done, total| format!("Importing… {} of {} saved", Locale::En.number(done), en(total, "row", "rows")),
    measuring: "Measuring speed…",
    grid_label: "Rows of the file",
    matches_existing: "Matches an existing record: importing this row updates it.",
    cell_label: |row, column| format!("Row {row}, {column}"),
    column_ignored: "ignored",
    no_error_rows: "No row has an error.",
    no_data_rows: "The file has no data rows.",
    row_problem: |why| format!("Row problem: {why}"),
    resize_column: |header| format!("Resize column {header} (Left and Right arrow keys; double-click fits the widest value)"),
    value_bar: "Full value of the selected cell",
    value_bar_empty: "Select a cell to see its full value here.",
    value_bar_editing: "editing",
    reading_name: |name| format!("Reading and checking {name}…"),
    reading_cancelled: |name| format!("Reading {name} was cancelled. Pick the file again to start over."),
    checking_again: "Checking the rows again…",
    refs_failed: |e| format!("Could not check with the server whether these values exist ({e}). They are checked again when you import."),
    no_file: "There is no file to import.",
    start_failed: |e| format!("The import could not start: {e}"),
    stopped_after: |sent, total, e| {
        let e = sentence(e);
        if sent == 0 {
            return format!("The import stopped before any row was saved: {e} Import the file again once this is fixed.");
        }
        let (sent, total) = (Locale::En.number(sent), en(total, "row", "rows"));
        format!("The import stopped with {sent} of {total} saved: {e} Import the file again to finish (saved rows come back as unchanged).")
    },
    queue_failed: |e| format!("The rows were uploaded but the import could not be started: {e}"),
    finish_failed: |e| format!("The rows were sent but the import could not be closed: {e}"),
    checker_stopped: |e| format!("The file checker stopped: {e}"),
    checker_no_answer: "The file checker sent no answer.",
    checker_garbled: |e| format!("The file checker's answer was not understood: {e}"),
    own_templates_only: |name| format!("This server imports only with its own templates; the template \"{name}\" checks files without importing them."),
    template_invalid: |why| format!("The page's template cannot be used: {why}. Fix the template in the page's code."),
    page_refused: |taken, why| {
        format!("The page took {} and then stopped the import: {why}", en(taken, "row", "rows"))
    },
    notice_finished: |file, imported, skipped| {
        let n = |n| Locale::En.number(n);
        format!("Import of {file} finished: {} imported, {} skipped.", n(imported), n(skipped))
    },
    notice_failed: |file, imported, skipped| {
        let n = |n| Locale::En.number(n);
        format!("Import of {file} failed: {} imported before it stopped, {} skipped.", n(imported), n(skipped))
    },
    notices: "Notifications",
    see_imports: "See imports",
    dismiss: "Dismiss",
    server_fault: "Something went wrong on the server. Try again; if it keeps happening, tell your administrator.",
    unreachable: |why| format!("The server could not be reached ({why}). Check the connection and try again."),
    encodings: &[
        ("utf-8", "UTF-8"),
        ("windows-1252", "Windows-1252 (Excel, Western Europe)"),
        ("utf-16le", "UTF-16 LE (Excel Unicode text)"),
        ("utf-16be", "UTF-16 BE"),
        ("iso-8859-2", "ISO-8859-2 (Central Europe)"),
        ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
        ("macintosh", "Mac Roman"),
        ("shift_jis", "Shift_JIS (Japanese)"),
        ("gbk", "GBK (Chinese)"),
    ],
    delimiters: &[(",", "Comma ,"), (";", "Semicolon ;"), ("\t", "Tab"), ("|", "Pipe |")],
    delimiter_name: |d| match d {
        "," => "comma",
        ";" => "semicolon",
        "\t" => "tab",
        "|" => "pipe",
        _ => "none",
    },
    already_registered: "A lead with this email is already registered: importing this row adds it again as a new lead.",
    file_rejected: |rows, more| {
        // `rows` lists the first rows ("2, 4"); `more` counts the others.
        let several = rows.contains(',') || more > 0;
        let (row, has) = if several { ("rows", "have") } else { ("row", "has") };
        let more = if more > 0 { format!(" and {} more", Locale::En.number(more as u64)) } else { String::new() };
        format!("Not imported: {row} {rows}{more} of this file {has} errors, and this import takes a file only when every row is valid. Fix them and import the file again.")
    },
    not_here: |what| format!("You may not import {what} here. Ask an admin."),
    role_may_not: |role, what| format!("Your role ({role}) may not import {what}. Ask an admin."),
    not_stored: |what| format!("This server does not store {what} imports yet. You can still check a file against the template."),
    choose_sheet: |name| format!("{name} has several sheets. Which one holds the rows to import?"),
    sheet_rows: |n| en(n, "row", "rows"),
    sheet_starts_with: "starts with",
    use_sheet: "Use this sheet",
    sheet_label: "Sheet",
    header_row_label: "Header row",
    header_row_option: |line, values| if values.is_empty() { format!("Row {line}") } else { format!("Row {line}: {values}") },
    rows_above_ignored: |n| format!("{} above the header {} ignored.", en(n, "row", "rows"), if n == 1 { "is" } else { "are" }),
};

static FR: Text = Text {
    tools: &tools::FR,
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
    n_registered: |n| fr(n, "déjà enregistrée", "déjà enregistrées"),
    n_duplicates: |n| fr(n, "ligne a l’e-mail d’un prospect déjà enregistré (marqué ↻).", "lignes ont l’e-mail d’un prospect déjà enregistré (marqué ↻)."),
    duplicates_hint: " Les importer les ajoute de nouveau comme nouveaux prospects. Retirez-les de votre fichier, ou importez-les quand même.",
    duplicates_anyway: " Importer quand même les prospects déjà enregistrés",
    rate_left: |rate, left| format!("{} lignes/s · environ {left} restantes", Locale::Fr.number(rate)),
    reconnecting: |attempt, why| format!("Connexion perdue ; reconnexion (essai {attempt})… Rien n’est perdu : l’import reprend au dernier lot enregistré. ({why})"),
    updated_headline: |updated, added, unchanged, file| {
        format!(
            "{} mis à jour, {}, {} depuis {file}.",
            fr(updated, "enregistrement", "enregistrements"),
            fr(added, "ajouté", "ajoutés"),
            fr(unchanged, "inchangé", "inchangés")
        )
    },
    drop_here: "Glissez-déposez votre fichier CSV ici",
    or_word: "ou",
    choose_file: "Choisir un fichier",
    upload_hint: "CSV, TSV ou TXT jusqu’à 200 Mo, dans un encodage courant (UTF-8, UTF-16, Windows-1252), valeurs séparées par , ; tabulation ou | ; ou un classeur Excel ou OpenDocument (.xlsx, .xls, .xlsm, .xlsb, .ods).",
    expected_columns: "Colonnes attendues par cet import",
    required_label: "Obligatoires : ",
    optional_label: "Facultatives : ",
    download_sample: "Télécharger un exemple CSV",
    reading_file: |mb| format!("Lecture du fichier… {mb:.1} Mo"),
    reading_rows: |n| format!("Lecture des lignes… {}", fr(n, "ligne", "lignes")),
    checking_rows: |n| format!("Vérification des lignes… {}", fr(n, "ligne", "lignes")),
    cancel_reading: "Arrêter la lecture",
    spreadsheet: |name| format!("{name} est un fichier Apple Numbers, qui ne peut pas être lu ici. Dans Numbers, choisissez Fichier › Exporter vers › Excel (ou CSV), puis importez ce fichier."),
    wrong_extension: |name, ext| format!("{name} est un fichier .{ext}. Importez un fichier CSV (.csv, .tsv ou .txt) ou un classeur (.xlsx, .xls, .ods)."),
    too_big: |name, mb, max| format!("{name} fait {mb:.0} Mo ; un fichier peut faire au plus {max:.0} Mo. Découpez-le en fichiers plus petits."),
    nothing_dropped: "Rien de lisible n’a été déposé. Déposez un fichier CSV.",
    how_name: "reconnue par son nom",
    how_alias: "reconnue par un synonyme",
    how_similar: "reconnue par une orthographe proche : vérifiez",
    how_chosen: "votre choix",
    how_attribute: "attribut personnalisé",
    how_ignored: "ignorée",
    how_remembered: "comme la dernière fois",
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
    n_rows: |n| fr(n, "ligne", "lignes"),
    n_valid: |n| fr(n, "valide", "valides"),
    n_errors: |n| format!("{} avec erreurs", Locale::Fr.number(n)),
    only_errors: " Afficher seulement les lignes avec erreurs",
    download_errors: "Télécharger le rapport d’erreurs (CSV)",
    grid_hint: "Tab passe d’une cellule en erreur à l’autre ; Entrée ou un double clic modifie une cellule.",
    checking_refs: "Vérification auprès du serveur des e-mails et identifiants existants…",
    refs_not_checked: "L’existence des valeurs qui doivent déjà être sur le serveur (utilisateurs, étiquettes, identifiants) n’est pas vérifiée dans un aperçu : il faudrait les envoyer au serveur. L’import les vérifie.",
    reject_reason: "Cet import n’accepte un fichier que si toutes ses lignes sont valides. Corrigez les lignes en erreur ici ou dans votre fichier, puis importez.",
    preview_only: "Aperçu seulement : rien de ce fichier n’a été envoyé.",
    import_valid_skip: |valid, skip| format!("Importer {}, ignorer {}", fr(valid, "ligne valide", "lignes valides"), Locale::Fr.number(skip)),
    import_rows: |n| format!("Importer {}", fr(n, "ligne", "lignes")),
    fix_rows: |n| format!("Corrigez {} pour importer ce fichier", fr(n, "ligne", "lignes")),
    n_match: |n| fr(n, "ligne correspond à un enregistrement existant et le mettra à jour", "lignes correspondent à des enregistrements existants et les mettront à jour"),
    cancel_import: "Annuler l’import",
    import_cancelled: "Import annulé. Les lignes enregistrées avant l’annulation le restent.",
    imported_from: |n, file| format!("{} depuis {file}.", fr(n, "ligne importée", "lignes importées")),
    count_inserted: "Ajoutés",
    count_updated: "Mis à jour",
    count_unchanged: "Inchangés",
    count_skipped: "Ignorés",
    skipped_rows: "Lignes ignorées",
    row_n: |n| format!("Ligne {n} : "),
    and_more: |n| format!("… et {} de plus ; voir la page de l’import.", Locale::Fr.number(n as u64)),
    // In French the words agree with the first number: « 1 ligne sur 3 enregistrée ».
    stopping: |done, total| {
        let saved = Locale::Fr.form(done, "enregistrée", "enregistrées");
        format!("Arrêt après le lot en cours… {} sur {} {saved}", fr(done, "ligne", "lignes"), Locale::Fr.number(total))
    },
    uploading: |done, total| {
        format!("Envoi… {} sur {} {}", fr(done, "ligne", "lignes"), Locale::Fr.number(total), Locale::Fr.form(done, "envoyée", "envoyées"))
    },
    importing: |done, total| {
        let saved = Locale::Fr.form(done, "enregistrée", "enregistrées");
        format!("Import… {} sur {} {saved}", fr(done, "ligne", "lignes"), Locale::Fr.number(total))
    },
    measuring: "Mesure de la vitesse…",
    grid_label: "Lignes du fichier",
    matches_existing: "Correspond à un enregistrement existant : importer cette ligne le met à jour.",
    cell_label: |row, column| format!("Ligne {row}, {column}"),
    column_ignored: "ignorée",
    no_error_rows: "Aucune ligne n’a d’erreur.",
    no_data_rows: "Le fichier n’a aucune ligne de données.",
    row_problem: |why| format!("Problème de la ligne : {why}"),
    resize_column: |header| format!("Redimensionner la colonne {header} (flèches gauche et droite ; un double clic l’ajuste à la valeur la plus longue)"),
    value_bar: "Valeur complète de la cellule sélectionnée",
    value_bar_empty: "Sélectionnez une cellule pour voir ici sa valeur complète.",
    value_bar_editing: "modification",
    reading_name: |name| format!("Lecture et vérification de {name}…"),
    reading_cancelled: |name| format!("La lecture de {name} a été annulée. Choisissez de nouveau le fichier pour recommencer."),
    checking_again: "Nouvelle vérification des lignes…",
    refs_failed: |e| format!("Impossible de vérifier auprès du serveur si ces valeurs existent ({e}). Elles seront vérifiées de nouveau à l’import."),
    no_file: "Il n’y a aucun fichier à importer.",
    start_failed: |e| format!("L’import n’a pas pu démarrer : {e}"),
    stopped_after: |sent, total, e| {
        if sent == 0 {
            let e = sentence(e);
            return format!("L’import s’est arrêté avant qu’aucune ligne ne soit enregistrée : {e} Importez de nouveau le fichier une fois le problème réglé.");
        }
        let saved = if sent == 1 { "enregistrée" } else { "enregistrées" };
        let (sent, total) = (fr(sent, "ligne", "lignes"), Locale::Fr.number(total));
        let e = sentence(e);
        format!("L’import s’est arrêté avec {sent} sur {total} {saved} : {e} Importez de nouveau le fichier pour terminer (les lignes déjà enregistrées reviendront comme inchangées).")
    },
    queue_failed: |e| format!("Les lignes ont été envoyées mais l’import n’a pas pu être lancé : {e}"),
    finish_failed: |e| format!("Les lignes ont été envoyées mais l’import n’a pas pu être clôturé : {e}"),
    checker_stopped: |e| format!("Le vérificateur de fichier s’est arrêté : {e}"),
    checker_no_answer: "Le vérificateur de fichier n’a pas répondu.",
    checker_garbled: |e| format!("La réponse du vérificateur de fichier est illisible : {e}"),
    own_templates_only: |name| format!("Ce serveur n’importe qu’avec ses propres modèles ; le modèle « {name} » vérifie les fichiers sans les importer."),
    template_invalid: |why| format!("Le modèle de la page ne peut pas servir : {why}. Corrigez le modèle dans le code de la page."),
    page_refused: |taken, why| format!("La page a pris {} lignes, puis a arrêté l’import : {why}", Locale::Fr.number(taken)),
    notice_finished: |file, imported, skipped| {
        format!(
            "Import de {file} terminé : {}, {}.",
            fr(imported, "ligne importée", "lignes importées"),
            fr(skipped, "ignorée", "ignorées")
        )
    },
    notice_failed: |file, imported, skipped| {
        format!(
            "Échec de l’import de {file} : {} avant l’arrêt, {}.",
            fr(imported, "ligne importée", "lignes importées"),
            fr(skipped, "ignorée", "ignorées")
        )
    },
    notices: "Notifications",
    see_imports: "Voir les imports",
    dismiss: "Masquer",
    server_fault: "Une erreur s’est produite sur le serveur. Réessayez ; si cela se reproduit, prévenez votre administrateur.",
    unreachable: |why| format!("Le serveur est injoignable ({why}). Vérifiez la connexion et réessayez."),
    encodings: &[
        ("utf-8", "UTF-8"),
        ("windows-1252", "Windows-1252 (Excel, Europe de l’Ouest)"),
        ("utf-16le", "UTF-16 LE (texte Unicode d’Excel)"),
        ("utf-16be", "UTF-16 BE"),
        ("iso-8859-2", "ISO-8859-2 (Europe centrale)"),
        ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
        ("macintosh", "Mac Roman"),
        ("shift_jis", "Shift_JIS (japonais)"),
        ("gbk", "GBK (chinois)"),
    ],
    delimiters: &[(",", "Virgule ,"), (";", "Point-virgule ;"), ("\t", "Tabulation"), ("|", "Barre verticale |")],
    delimiter_name: |d| match d {
        "," => "virgule",
        ";" => "point-virgule",
        "\t" => "tabulation",
        "|" => "barre verticale",
        _ => "aucun",
    },
    already_registered: "Un prospect avec cet e-mail est déjà enregistré : importer cette ligne l’ajoute de nouveau comme nouveau prospect.",
    file_rejected: |rows, more| {
        // `rows` lists the first rows (« 2, 4 ») ; `more` counts the others.
        let several = rows.contains(',') || more > 0;
        let (row, has) = if several { ("les lignes", "ont") } else { ("la ligne", "a") };
        let more = if more > 0 { format!(" et {} autres", Locale::Fr.number(more as u64)) } else { String::new() };
        format!("Non importé : {row} {rows}{more} de ce fichier {has} des erreurs, et cet import n’accepte un fichier que si toutes ses lignes sont valides. Corrigez-les et importez de nouveau le fichier.")
    },
    not_here: |what| format!("Vous ne pouvez pas importer « {what} » ici. Demandez à un administrateur."),
    role_may_not: |role, what| format!("Votre rôle ({role}) ne permet pas d’importer « {what} ». Demandez à un administrateur."),
    not_stored: |what| format!("Ce serveur n’enregistre pas encore les imports « {what} ». Vous pouvez quand même vérifier un fichier avec ce modèle."),
    choose_sheet: |name| format!("{name} a plusieurs feuilles. Laquelle contient les lignes à importer ?"),
    sheet_rows: |n| fr(n, "ligne", "lignes"),
    sheet_starts_with: "commence par",
    use_sheet: "Utiliser cette feuille",
    sheet_label: "Feuille",
    header_row_label: "Ligne d’en-tête",
    header_row_option: |line, values| if values.is_empty() { format!("Ligne {line}") } else { format!("Ligne {line} : {values}") },
    rows_above_ignored: |n| format!("{} au-dessus de l’en-tête {} ignorée{}.", fr(n, "ligne", "lignes"), if n <= 1 { "est" } else { "sont" }, if n <= 1 { "" } else { "s" }),
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

    #[test]
    fn choices_and_server_reasons_exist_in_every_language() {
        let (en, fr) = (Locale::En.text(), Locale::Fr.text());
        // The same encodings and delimiters are offered, named in each language.
        let values = |t: &Text| (t.encodings.iter().map(|e| e.0).collect::<Vec<_>>(), t.delimiters.iter().map(|d| d.0).collect::<Vec<_>>());
        assert_eq!(values(en), values(fr));
        assert_eq!((fr.delimiter_name)(";"), "point-virgule");
        assert_eq!((en.delimiter_name)("\t"), "tab");
        assert_ne!(en.delimiters, fr.delimiters);
        for (e, f) in [
            ((en.file_rejected)("2, 4", 0), (fr.file_rejected)("2, 4", 0)),
            ((en.notice_finished)("a.csv", 3, 1), (fr.notice_finished)("a.csv", 3, 1)),
            (en.server_fault.to_string(), fr.server_fault.to_string()),
        ] {
            assert!(!f.trim().is_empty());
            assert_ne!(e, f);
        }
        assert_eq!((en.file_rejected)("2", 3), "Not imported: rows 2 and 3 more of this file have errors, and this import takes a file only when every row is valid. Fix them and import the file again.");
        assert!((en.file_rejected)("2", 0).starts_with("Not imported: row 2 of this file has errors,"));
        assert!((en.file_rejected)("2, 4", 0).starts_with("Not imported: rows 2, 4 of this file have errors,"));
        assert!((fr.file_rejected)("2", 3).starts_with("Non importé : les lignes 2 et 3 autres de ce fichier ont des erreurs"));
        assert!((fr.file_rejected)("2", 0).starts_with("Non importé : la ligne 2 de ce fichier a des erreurs"));
        // The browser words the two errors it knows better than the server.
        use crate::AppError;
        assert!(fr.app_error(&AppError::Internal).starts_with("Une erreur s’est produite"));
        assert_eq!(fr.app_error(&AppError::Forbidden("No.".into())), "No.");
        assert_eq!(en.app_error(&AppError::Internal), AppError::Internal.to_string());
    }

    #[test]
    fn counts_agree_with_their_number_in_each_language() {
        let (en, fr) = (Locale::En, Locale::Fr);
        assert_eq!(en.count(0, "row", "rows"), "0 rows");
        assert_eq!(en.count(1, "row", "rows"), "1 row");
        assert_eq!(en.count(2, "row", "rows"), "2 rows");
        assert_eq!(en.count(1_234_567, "row", "rows"), "1,234,567 rows");
        // French takes the singular for 0 and 1, and groups with narrow no-break spaces.
        assert_eq!(fr.count(0, "ligne", "lignes"), "0 ligne");
        assert_eq!(fr.count(1, "ligne", "lignes"), "1 ligne");
        assert_eq!(fr.count(2, "ligne", "lignes"), "2 lignes");
        assert_eq!(fr.count(12_500, "ligne", "lignes"), "12\u{202F}500 lignes");
        assert_eq!(en.number(999), "999");
        assert_eq!(en.number(1_000), "1,000");
        assert_eq!(fr.number(100_000), "100\u{202F}000");
        assert_eq!(fr.form(0, "ajouté", "ajoutés"), "ajouté");
        assert_eq!(en.form(0, "row", "rows"), "rows");
    }

    #[test]
    fn count_messages_say_1_row_and_0_rows_in_english_and_0_ligne_in_french() {
        let (en, fr) = (Locale::En.text(), Locale::Fr.text());
        assert_eq!((en.updated_headline)(1, 0, 0, "c.csv"), "1 record updated, 0 added, 0 unchanged from c.csv.");
        assert_eq!((en.updated_headline)(2, 1, 0, "c.csv"), "2 records updated, 1 added, 0 unchanged from c.csv.");
        assert_eq!((fr.updated_headline)(1, 0, 2, "c.csv"), "1 enregistrement mis à jour, 0 ajouté, 2 inchangés depuis c.csv.");
        assert_eq!((en.import_rows)(1), "Import 1 row");
        assert_eq!((en.import_rows)(1_500), "Import 1,500 rows");
        assert_eq!((fr.import_rows)(1), "Importer 1 ligne");
        assert_eq!((en.fix_rows)(1), "Fix 1 row to import this file");
        assert_eq!((en.fix_rows)(3), "Fix 3 rows to import this file");
        assert_eq!((fr.fix_rows)(1), "Corrigez 1 ligne pour importer ce fichier");
        assert_eq!((fr.fix_rows)(3), "Corrigez 3 lignes pour importer ce fichier");
        assert_eq!((en.import_valid_skip)(1, 2), "Import 1 valid row, skip 2");
        assert_eq!((fr.import_valid_skip)(1, 2), "Importer 1 ligne valide, ignorer 2");
        assert_eq!((en.imported_from)(1, "a.csv"), "Imported 1 row from a.csv.");
        assert_eq!((fr.imported_from)(0, "a.csv"), "0 ligne importée depuis a.csv.");
        assert_eq!((fr.imported_from)(5, "a.csv"), "5 lignes importées depuis a.csv.");
        assert_eq!((en.n_match)(1), "1 row matches an existing record and will update it");
        assert_eq!((en.n_match)(4), "4 rows match existing records and will update them");
        assert_eq!((fr.n_valid)(1), "1 valide");
        assert_eq!((en.notice_finished)("a.csv", 1_000, 1), "Import of a.csv finished: 1,000 imported, 1 skipped.");
        assert_eq!((fr.notice_finished)("a.csv", 1, 0), "Import de a.csv terminé : 1 ligne importée, 0 ignorée.");
        assert_eq!((en.importing)(1, 1), "Importing… 1 of 1 row saved");
        assert_eq!((fr.importing)(1, 3), "Import… 1 ligne sur 3 enregistrée");
        assert_eq!((fr.uploading)(2, 3), "Envoi… 2 lignes sur 3 envoyées");
        assert!((en.stopped_after)(1, 1, "e").starts_with("The import stopped with 1 of 1 row saved: e."));
        assert!((fr.stopped_after)(1, 2, "e").starts_with("L’import s’est arrêté avec 1 ligne sur 2 enregistrée : e."));
        assert!((fr.stopped_after)(3, 4, "e").starts_with("L’import s’est arrêté avec 3 lignes sur 4 enregistrées : e."));
        // A server's message ends its own sentence: no second stop after it.
        let stopped = (en.stopped_after)(500, 1_400, "Sign in to continue.");
        assert!(stopped.contains("rows saved: Sign in to continue. Import the file"), "{stopped}");
        let stopped = (fr.stopped_after)(500, 1_400, "Connectez-vous pour continuer.");
        assert!(stopped.contains("continuer. Importez"), "{stopped}");
        // Nothing saved: no "after 0 rows", no "the rows before".
        let stopped = (en.stopped_after)(0, 1_400, "Too large.");
        assert_eq!(stopped, "The import stopped before any row was saved: Too large. Import the file again once this is fixed.");
        let stopped = (fr.stopped_after)(0, 1_400, "Trop grand");
        assert!(stopped.starts_with("L’import s’est arrêté avant qu’aucune ligne ne soit enregistrée : Trop grand. Importez"), "{stopped}");
        assert_eq!((en.reading_rows)(1), "Reading rows… 1 row");
        assert_eq!((fr.n_registered)(1), "1 déjà enregistrée");
        // No count message says "1 rows", "1 lignes" or "0 lignes" in either language.
        let en_wrong: &[&str] = &["1 rows", "1 clients", "1 valid rows", "1 row match "];
        let fr_wrong: &[&str] = &["1 lignes", "0 lignes", "1 clients", "0 clients", "1 valides", "0 valides", "0 ajoutés"];
        for (t, wrong) in [(en, en_wrong), (fr, fr_wrong)] {
            for n in [0, 1] {
                let said = [
                    (t.n_rows)(n),
                    (t.n_valid)(n),
                    (t.n_registered)(n),
                    (t.n_duplicates)(n),
                    (t.n_match)(n),
                    (t.import_rows)(n),
                    (t.fix_rows)(n),
                    (t.import_valid_skip)(n, n),
                    (t.imported_from)(n, "f"),
                    (t.updated_headline)(n, n, n, "f"),
                    (t.reading_rows)(n),
                    (t.checking_rows)(n),
                    (t.importing)(n, n),
                    (t.uploading)(n, n),
                    (t.stopping)(n, n),
                    (t.stopped_after)(n, n, "e"),
                    (t.notice_finished)("f", n, n),
                    (t.notice_failed)("f", n, n),
                ];
                for s in said {
                    assert!(!wrong.iter().any(|w| s.starts_with(w) || s.contains(&format!(" {w}"))), "{s}");
                }
            }
        }
    }
}
