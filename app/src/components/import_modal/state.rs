//! The modal's state, shared by its steps.
//!
//! The file's rows live in the import Web Worker; the page keeps a
//! [`Summary`] (counts, columns, the numbers of the rows with errors) and
//! asks the worker for the rows it shows.

use crate::analysis::{ChangeOutcome, CheckOptions, EditOutcome, Offer, Request, Summary, ViewRow, ViewSpec};
use crate::browser::ReadProgress;
use crate::model::{ImportSummary, TemplateAccess};
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Up to how many invalid rows the fixes offered are counted again after
/// each edited cell.
const OFFERS_AFTER_EDIT_MAX_ERRORS: u64 = 50_000;

/// What the modal is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Check, then import the valid rows.
    Import,
    /// Check only: nothing of the file leaves the browser.
    Preview,
    /// Check, then hand the valid rows to the page in batches (the host
    /// stores them itself): nothing is sent to the importer's server.
    Deliver,
}

impl Mode {
    /// Whether the checked rows go to the importer's server (the only mode
    /// in which the modal asks the server about stored records).
    pub fn uses_server(self) -> bool {
        self == Mode::Import
    }
}

/// The steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Upload,
    Mapping,
    Review,
    Importing,
    Done,
}

/// How an import under way is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunProgress {
    /// Rows saved (or sent, for background imports).
    pub done: u64,
    /// Rows to save.
    pub total: u64,
    /// Rows per second so far.
    pub rate: f64,
    /// Seconds left at that rate, once known.
    pub left: Option<f64>,
    /// The connection dropped: why, and the attempt under way.
    pub reconnecting: Option<(String, u32)>,
}

/// Everything the steps share. All fields are signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct ModalState {
    pub mode: Mode,
    /// Where the rows go in [`Mode::Deliver`].
    pub deliver: StoredValue<Option<crate::components::csv_import::RowsHandler>, LocalStorage>,
    /// The language of the modal, read once when it opens: event handlers
    /// and tasks run outside the component tree, where context is not found.
    pub locale: crate::i18n::Locale,
    pub access: StoredValue<TemplateAccess>,
    pub step: RwSignal<Step>,
    pub file_name: RwSignal<String>,
    /// The file picked, kept to read it again with other options.
    pub file: StoredValue<Option<web_sys::File>, LocalStorage>,
    pub options: RwSignal<CheckOptions>,
    /// What the worker found in the file (no rows).
    pub analysis: RwSignal<Option<Summary>>,
    /// Rows fetched from the worker for the grid, by row number; cleared
    /// when the rows are checked again.
    pub rows: RwSignal<HashMap<u64, ViewRow>>,
    /// Bumped whenever the fetched rows are out of date.
    pub generation: RwSignal<u64>,
    pub busy: RwSignal<Option<String>>,
    /// Reading the file: how far the worker is.
    pub reading: RwSignal<Option<ReadProgress>>,
    pub error: RwSignal<Option<String>>,
    pub only_errors: RwSignal<bool>,
    pub progress: RwSignal<RunProgress>,
    pub cancel_requested: RwSignal<bool>,
    pub result: RwSignal<Option<ImportSummary>>,
    /// Key values of the file that existing records of the workspace have
    /// (lowercased): their rows will update those records.
    pub existing: RwSignal<std::collections::HashSet<String>>,
    /// Reference checks under way (import mode).
    pub refs_checking: RwSignal<u32>,
    /// Values already sent to `check_references`, by field key.
    pub refs_asked: StoredValue<HashMap<String, HashSet<String>>>,
    /// Combinations of values already sent to the server: (fields, values lowercased).
    pub together_asked: StoredValue<HashSet<(Vec<String>, Vec<String>)>>,
    /// Why the last reference check failed.
    pub refs_error: RwSignal<Option<String>>,
    /// The grid's filter by column and kind of error, and its sort (the
    /// "only rows with errors" box is `only_errors`).
    pub view: RwSignal<ViewSpec>,
    /// The numbers of the rows shown, in order, when they are not simply
    /// the file's (a filter, a sort, rows taken out); asked of the worker.
    pub order: RwSignal<Option<Vec<u64>>>,
    /// The fixes offered from the errors.
    pub offers: RwSignal<Vec<Offer>>,
    /// The cell with the focus last (row, column).
    pub selected: RwSignal<Option<(u64, usize)>>,
    /// Rows the user ticked (by number), to delete together, and the place
    /// in the view of the last one ticked, where a Shift+click range starts.
    pub marked: RwSignal<BTreeSet<u64>>,
    pub mark_anchor: RwSignal<Option<usize>>,
    /// A cell the grid should scroll to and open for editing (a row just added).
    pub edit_request: RwSignal<Option<(u64, usize)>>,
    /// What the last change did, for the live region.
    pub announce: RwSignal<String>,
    /// A cell to give the focus back to once the rows are drawn again
    /// (a change made from the grid's keyboard, Ctrl+Z).
    pub refocus: RwSignal<Option<(u64, usize)>>,
}

impl ModalState {
    pub fn new(
        access: TemplateAccess,
        mode: Mode,
        deliver: Option<crate::components::csv_import::RowsHandler>,
    ) -> ModalState {
        let locale = crate::i18n::locale();
        crate::i18n::set_last_opened(locale);
        let state = ModalState {
            mode,
            deliver: StoredValue::new_local(deliver),
            locale,
            access: StoredValue::new(access),
            step: RwSignal::new(Step::Upload),
            file_name: RwSignal::new(String::new()),
            file: StoredValue::new_local(None),
            options: RwSignal::new(CheckOptions::default()),
            analysis: RwSignal::new(None),
            rows: RwSignal::new(HashMap::new()),
            generation: RwSignal::new(0),
            busy: RwSignal::new(None),
            reading: RwSignal::new(None),
            error: RwSignal::new(None),
            only_errors: RwSignal::new(false),
            progress: RwSignal::new(RunProgress::default()),
            cancel_requested: RwSignal::new(false),
            result: RwSignal::new(None),
            existing: RwSignal::new(Default::default()),
            refs_checking: RwSignal::new(0),
            refs_asked: StoredValue::new(HashMap::new()),
            together_asked: StoredValue::new(HashSet::new()),
            refs_error: RwSignal::new(None),
            view: RwSignal::new(ViewSpec::default()),
            order: RwSignal::new(None),
            offers: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            marked: RwSignal::new(BTreeSet::new()),
            mark_anchor: RwSignal::new(None),
            edit_request: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            refocus: RwSignal::new(None),
        };
        // Closing the modal stops the worker: it frees the file's rows.
        on_cleanup(crate::browser::stop_worker);
        state
    }

    /// The modal's texts, in its language.
    pub fn text(&self) -> &'static crate::i18n::Text {
        self.locale.text()
    }

    /// The template.
    pub fn template(&self) -> csv_import_core::Template {
        self.access.with_value(|a| a.template.clone())
    }

    /// The steps this mode shows.
    pub fn steps(&self) -> Vec<Step> {
        let mut steps = vec![Step::Upload, Step::Mapping, Step::Review];
        if self.mode != Mode::Preview {
            steps.extend([Step::Importing, Step::Done]);
        }
        steps
    }

    /// Keep a new summary; the rows shown are fetched again.
    pub fn set_analysis(&self, summary: Summary) {
        self.analysis.set(Some(summary));
        self.rows.set(HashMap::new());
        self.refresh_view();
        self.generation.update(|g| *g += 1);
        self.check_with_server();
    }

    /// Ask the worker again for the rows shown (when a filter, a sort or
    /// rows taken out make them other than the file's) and for the fixes
    /// the errors offer.
    pub fn refresh_view(&self) {
        let state = *self;
        let mut view = self.view.get_untracked();
        view.only_errors = self.only_errors.get_untracked();
        let removed = self.analysis.with_untracked(|a| a.as_ref().map_or(0, |a| a.removed));
        let plain = view.is_plain() && removed == 0;
        leptos::task::spawn_local(async move {
            let order = match plain {
                true => None,
                false => crate::browser::ask::<Vec<u64>>(&Request::Order { view }).await.ok(),
            };
            let _ = state.order.try_set(order);
            let _ = state.generation.try_update(|g| *g += 1);
            if let Ok(offers) = crate::browser::ask::<Vec<Offer>>(&Request::Offers).await {
                let _ = state.offers.try_set(offers);
            }
        });
    }

    /// Send a change of many cells or rows (a replace, a fix, rows taken
    /// out or added, undo, redo) to the worker, keep the summary it
    /// answers and announce what changed. `told` words what was done.
    pub async fn change(&self, request: Request, told: fn(&crate::i18n::Text, &ChangeOutcome) -> String) -> Option<ChangeOutcome> {
        // The rows are drawn again after a change: a cell of the grid that had the focus gets it back.
        let in_grid = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.closest(".grid").ok().flatten())
            .is_some();
        self.busy.set(Some(self.text().checking_again.into()));
        let answer = crate::browser::ask::<ChangeOutcome>(&request).await;
        let _ = self.busy.try_set(None);
        match answer {
            Ok(outcome) => {
                let text = self.text();
                let rows = outcome.summary.report.rows;
                let said = format!("{} {}", told(text, &outcome), (text.tools.now_counts)(rows.valid, rows.invalid));
                self.set_analysis(outcome.summary.clone());
                // Rows went or came back: the ticks may name rows not shown.
                if outcome.rows_removed > 0 || outcome.rows_added > 0 {
                    self.marked.set(BTreeSet::new());
                    self.mark_anchor.set(None);
                }
                self.announce.set(said);
                if in_grid {
                    self.refocus.set(self.selected.get_untracked());
                }
                Some(outcome)
            }
            Err(message) => {
                let _ = self.error.try_set(Some(message));
                None
            }
        }
    }

    /// Ask the server about the values and combinations of values it must
    /// know (import mode); the rows are checked again with its answers.
    pub fn check_with_server(&self) {
        super::references::check(*self);
        super::together::check(*self);
    }

    /// The current options, with the clock read now.
    fn options_now(&self) -> CheckOptions {
        let mut options = self.options.get_untracked();
        options.now = crate::browser::now_rfc3339();
        options.lang = self.locale.core_lang();
        options
    }

    /// Check every row again in the worker with the current options (after
    /// a mapping change, or values the server does not know).
    pub fn recheck(&self) {
        let state = *self;
        let options = self.options_now();
        self.busy.set(Some(self.text().checking_again.into()));
        leptos::task::spawn_local(async move {
            let answer = crate::browser::ask::<Summary>(&Request::Check { options }).await;
            let _ = state.busy.try_set(None);
            match answer {
                Ok(summary) => {
                    if state.analysis.try_get_untracked().is_some() {
                        state.set_analysis(summary);
                    }
                }
                Err(message) => {
                    let _ = state.error.try_set(Some(message));
                }
            }
        });
    }

    /// Set one cell in the worker, which checks it again (and the rows that
    /// share a unique value with it); only what changed comes back.
    pub fn edit(&self, row: u64, column: usize, value: String) {
        let state = *self;
        // Shown at once; the worker's answer brings the errors.
        self.rows.update(|rows| {
            if let Some(r) = rows.get_mut(&row) {
                if r.cells.len() <= column {
                    r.cells.resize(column + 1, String::new());
                }
                r.cells[column] = value.clone();
            }
        });
        leptos::task::spawn_local(async move {
            match crate::browser::ask::<EditOutcome>(&Request::Edit { row, column, value }).await {
                Ok(outcome) => {
                    state.analysis.update(|a| {
                        if let Some(a) = a {
                            a.report.rows = outcome.rows;
                            a.matching = outcome.matching;
                            a.steps = outcome.steps;
                            for &(row, bad) in &outcome.changed {
                                match (a.error_rows.binary_search(&row), bad) {
                                    (Err(at), true) => a.error_rows.insert(at, row),
                                    (Ok(at), false) => {
                                        a.error_rows.remove(at);
                                    }
                                    _ => {}
                                }
                            }
                        }
                    });
                    // The changed rows that are shown (or were fetched) come again, with their errors.
                    let mut again: Vec<u64> = state.rows.with_untracked(|rows| {
                        outcome.changed.iter().map(|(r, _)| *r).filter(|r| rows.contains_key(r)).collect()
                    });
                    if !again.contains(&row) {
                        again.push(row);
                    }
                    if let Ok(fresh) = crate::browser::ask::<Vec<ViewRow>>(&Request::Rows { rows: again }).await {
                        let _ = state.rows.try_update(|rows| {
                            for r in fresh {
                                rows.insert(r.row, r);
                            }
                        });
                    }
                    state.check_with_server();
                    // The fixes offered follow the errors; on a file with very many
                    // errors, counting them again after each cell would hold up the
                    // worker, and they follow the next bulk change instead.
                    if outcome.rows.invalid <= OFFERS_AFTER_EDIT_MAX_ERRORS {
                        if let Ok(offers) = crate::browser::ask::<Vec<Offer>>(&Request::Offers).await {
                            let _ = state.offers.try_set(offers);
                        }
                    }
                }
                Err(message) => state.error.set(Some(message)),
            }
        });
    }

    /// Read the file in the worker (again) with the current options.
    pub async fn analyze(&self) {
        let Some(file) = self.file.get_value() else { return };
        let template = self.template();
        let options = self.options_now();
        self.error.set(None);
        let name = self.file_name.get_untracked();
        self.busy.set(Some((crate::i18n::text().reading_name)(&name)));
        self.reading.set(Some(ReadProgress::default()));
        let state = *self;
        let outcome = crate::browser::analyze_in_worker(&file, &template, &options, move |p| {
            let _ = state.reading.try_set(Some(p));
        })
        .await;
        if self.busy.try_set(None).is_some() {
            // The modal was closed meanwhile.
            return;
        }
        self.reading.set(None);
        match outcome {
            Ok(summary) => {
                let stopping: Vec<String> = summary
                    .report
                    .file_errors
                    .iter()
                    .filter(|e| e.code.stops_reading())
                    .map(|e| e.message.clone())
                    .collect();
                let choosing = summary.sheets.len() > 1 && self.options.with_untracked(|o| o.sheet.is_none());
                if choosing {
                    // A workbook of several sheets: the upload step asks which
                    // one before anything is mapped or sent.
                    self.analysis.set(Some(summary));
                    self.step.set(Step::Upload);
                } else if stopping.is_empty() {
                    self.set_analysis(summary);
                    if self.step.get_untracked() == Step::Upload {
                        self.step.set(Step::Mapping);
                    }
                } else {
                    self.analysis.set(None);
                    self.step.set(Step::Upload);
                    self.error.set(Some(stopping.join(" ")));
                }
            }
            Err(crate::browser::WorkerError::Cancelled) => {
                self.analysis.set(None);
                self.step.set(Step::Upload);
                self.error.set(Some((crate::i18n::text().reading_cancelled)(&name)));
            }
            Err(crate::browser::WorkerError::Failed(message)) => self.error.set(Some(message)),
        }
    }

    /// The number a row is shown with: a workbook's row as the spreadsheet
    /// numbers it (its line), a text file's data row.
    pub fn shown_row(&self, row: u64, line: u64) -> u64 {
        let workbook = self.analysis.with_untracked(|a| a.as_ref().is_some_and(|a| a.report.sheet.is_some()));
        if workbook { line } else { row }
    }

    /// Read another sheet of the workbook (its header found again, the
    /// column choices dropped), then go on to the mapping.
    pub fn choose_sheet(&self, name: String) {
        self.options.update(|o| {
            o.sheet = Some(name);
            o.header_row = None;
            o.overrides.clear();
        });
        self.reread_rows();
    }

    /// Take another row as the header (the column choices dropped: the
    /// columns are those of the new header).
    pub fn choose_header_row(&self, line: u64) {
        self.options.update(|o| {
            o.header_row = Some(line);
            o.overrides.clear();
        });
        self.reread_rows();
    }

    /// The worker reads its rows again with the current options (another
    /// sheet or header row) and checks them; the mapping step follows.
    fn reread_rows(&self) {
        let state = *self;
        let options = self.options_now();
        self.error.set(None);
        self.busy.set(Some(self.text().checking_again.into()));
        leptos::task::spawn_local(async move {
            let answer = crate::browser::ask::<Summary>(&Request::Check { options }).await;
            if state.busy.try_set(None).is_some() {
                // The modal was closed meanwhile.
                return;
            }
            match answer {
                Ok(summary) => {
                    // The worker keeps its rows on an error: so does the page.
                    let sheet = summary.report.sheet.clone();
                    let header_row = Some(summary.report.header_line).filter(|l| *l > 0);
                    state.options.update(|o| {
                        if sheet.is_some() {
                            o.sheet = sheet;
                        }
                        if o.header_row.is_some() {
                            o.header_row = header_row;
                        }
                    });
                    state.set_analysis(summary);
                    state.step.set(Step::Mapping);
                }
                Err(message) => state.error.set(Some(message)),
            }
        });
    }

    /// Stop reading the file at once (the worker is stopped and started afresh).
    pub fn cancel_reading(&self) {
        crate::browser::stop_worker();
    }
}
