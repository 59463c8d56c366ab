//! The modal's state, shared by its steps.

use crate::analysis::{recheck, Analysis, CheckOptions};
use crate::model::{ImportSummary, TemplateAccess};
use csv_import_core::{FileErrorCode, Report, RowError};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What the modal is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Check, then import the valid rows.
    Import,
    /// Check only: nothing of the file leaves the browser.
    Preview,
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

/// The errors of one row, by column.
#[derive(Clone, Debug, Default)]
pub struct RowErrors {
    /// Errors in one cell, by 0-based column.
    pub cells: HashMap<usize, Vec<RowError>>,
    /// Errors about the whole row (extra cells) or a field with no column.
    pub row: Vec<RowError>,
}

/// Errors by data row number.
pub type ErrorIndex = HashMap<u64, RowErrors>;

/// Everything the steps share. All fields are signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct ModalState {
    pub mode: Mode,
    pub access: StoredValue<TemplateAccess>,
    pub step: RwSignal<Step>,
    pub file_name: RwSignal<String>,
    pub bytes: StoredValue<Option<Arc<Vec<u8>>>>,
    pub options: RwSignal<CheckOptions>,
    pub analysis: RwSignal<Option<Analysis>>,
    pub errors: RwSignal<ErrorIndex>,
    pub busy: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    pub only_errors: RwSignal<bool>,
    pub progress: RwSignal<(u64, u64)>,
    pub cancel_requested: RwSignal<bool>,
    pub result: RwSignal<Option<ImportSummary>>,
    /// Key values of the file that existing records of the workspace have
    /// (lowercased): their rows will update those records.
    pub existing: RwSignal<std::collections::HashSet<String>>,
    /// Reference checks under way (import mode).
    pub refs_checking: RwSignal<u32>,
    /// Values already sent to `check_references`, by field key.
    pub refs_asked: StoredValue<HashMap<String, HashSet<String>>>,
    /// Why the last reference check failed.
    pub refs_error: RwSignal<Option<String>>,
}

impl ModalState {
    pub fn new(access: TemplateAccess, mode: Mode) -> ModalState {
        ModalState {
            mode,
            access: StoredValue::new(access),
            step: RwSignal::new(Step::Upload),
            file_name: RwSignal::new(String::new()),
            bytes: StoredValue::new(None),
            options: RwSignal::new(CheckOptions::default()),
            analysis: RwSignal::new(None),
            errors: RwSignal::new(HashMap::new()),
            busy: RwSignal::new(None),
            error: RwSignal::new(None),
            only_errors: RwSignal::new(false),
            progress: RwSignal::new((0, 0)),
            cancel_requested: RwSignal::new(false),
            result: RwSignal::new(None),
            existing: RwSignal::new(Default::default()),
            refs_checking: RwSignal::new(0),
            refs_asked: StoredValue::new(HashMap::new()),
            refs_error: RwSignal::new(None),
        }
    }

    /// The template.
    pub fn template(&self) -> csv_import_core::Template {
        self.access.with_value(|a| a.template.clone())
    }

    /// The steps this mode shows, with their labels.
    pub fn steps(&self) -> Vec<(Step, &'static str)> {
        let mut steps = vec![(Step::Upload, "Upload"), (Step::Mapping, "Map columns"), (Step::Review, "Review")];
        if self.mode == Mode::Import {
            steps.extend([(Step::Importing, "Import"), (Step::Done, "Done")]);
        }
        steps
    }

    /// Keep a new analysis, and index its errors for the grid.
    pub fn set_analysis(&self, analysis: Analysis) {
        self.errors.set(index_errors(&analysis.report));
        self.analysis.set(Some(analysis));
        super::references::check(*self);
    }

    /// Check every row again with the current options (after an edit or a
    /// mapping change), on the page: the rows are in memory already.
    pub fn recheck(&self) {
        let template = self.template();
        let mut options = self.options.get_untracked();
        options.now = crate::browser::now_rfc3339();
        let mut index = None;
        self.analysis.update(|analysis| {
            if let Some(analysis) = analysis {
                let report = recheck(analysis, &template, &options);
                index = Some(index_errors(&report));
                analysis.report = Report { records: Vec::new(), ..report };
            }
        });
        if let Some(index) = index {
            self.errors.set(index);
            super::references::check(*self);
        }
    }

    /// Read the file in the worker again with the current options.
    pub async fn analyze(&self) {
        let Some(bytes) = self.bytes.get_value() else { return };
        let template = self.template();
        let mut options = self.options.get_untracked();
        options.now = crate::browser::now_rfc3339();
        self.error.set(None);
        self.busy.set(Some("Reading and checking the file…".into()));
        let outcome = crate::browser::analyze_in_worker(bytes.as_ref().clone(), &template, &options).await;
        self.busy.set(None);
        match outcome {
            Ok(analysis) => {
                let stopping: Vec<String> = analysis
                    .report
                    .file_errors
                    .iter()
                    .filter(|e| {
                        matches!(
                            e.code,
                            FileErrorCode::EmptyFile
                                | FileErrorCode::NotText
                                | FileErrorCode::UnknownEncoding
                                | FileErrorCode::NoHeader
                                | FileErrorCode::TooManyRows
                        )
                    })
                    .map(|e| e.message.clone())
                    .collect();
                if stopping.is_empty() {
                    self.set_analysis(analysis);
                    if self.step.get_untracked() == Step::Upload {
                        self.step.set(Step::Mapping);
                    }
                } else {
                    self.analysis.set(None);
                    self.step.set(Step::Upload);
                    self.error.set(Some(stopping.join(" ")));
                }
            }
            Err(message) => self.error.set(Some(message)),
        }
    }
}

/// Errors by row and column, for the grid.
pub fn index_errors(report: &Report) -> ErrorIndex {
    let mut index: ErrorIndex = HashMap::new();
    for error in &report.errors {
        let entry = index.entry(error.row).or_default();
        match error.column {
            Some(column) => entry.cells.entry(column).or_default().push(error.clone()),
            None => entry.row.push(error.clone()),
        }
    }
    index
}
