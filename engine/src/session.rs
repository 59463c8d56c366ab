//! The worker's side of [`super::Request`]: the file's rows in a [`RowStore`],
//! checked, edited and handed out in batches.

mod edits;
mod history;
mod mismatches;
mod recheck;
mod row_errors;
mod view;
mod source;

pub use source::{FileLoader, Loaded, Source};

use super::{CheckOptions, NextBatch, Request, Skipped, Steps, Summary, ViewRow};
use history::History;
use mismatches::{Mismatches, normal};
use recheck::{hash_key, sort_errors};
use row_errors::RowErrors;

use csv_import_core::map::{Mapper, Mapping};
use csv_import_core::messages;
use csv_import_core::parse::RawRow;
use csv_import_core::report::Report;
use csv_import_core::store::{RowStore, StreamLoaded};
use csv_import_core::validate::{Cells, FileRules, Validator};
use csv_import_core::value::FieldChecker;
use csv_import_core::{FileError, FileErrorCode, Lang, Record, RowError, Template, Value};
use std::collections::{BTreeSet, HashSet};

/// How many of the first rows the mapping looks at to recognise a column by
/// its values.
const CONTENT_SAMPLE_ROWS: usize = 100;

/// Where the hand-out of valid records for an import stands.
struct Handout {
    /// The file-wide rules (uniqueness) over the records handed out.
    rules: FileRules,
    /// The next row index to look at.
    next: usize,
    /// A record admitted but left for the next batch (it did not fit).
    held: Option<Record>,
}

/// An upper bound of the bytes `record` takes as JSON: every value's text
/// plus quotes and separators, each byte that JSON may escape counted at
/// the six bytes of `\u00XX`.
fn json_len_bound(record: &Record) -> usize {
    fn text(s: &str) -> usize {
        let escaped = s.bytes().filter(|&b| b < 0x20 || b == b'"' || b == b'\\').count();
        s.len() + 5 * escaped + 3
    }
    let values: usize = record
        .values
        .iter()
        .map(|value| match value {
            Value::Null | Value::Bool(_) => 6,
            Value::Int(_) => 21,
            Value::Text(s) => text(s),
            Value::List(items) => 2 + items.iter().map(|s| text(s)).sum::<usize>(),
        })
        .sum();
    let attributes: usize = record.attributes.iter().map(|(k, v)| text(k) + text(v) + 3).sum();
    48 + values + attributes
}

/// The worker's file: its rows, what was found wrong in them, and the
/// state of an import under way.
pub struct Session {
    template: Template,
    encoding: String,
    delimiter: u8,
    header: Vec<String>,
    /// The header's line, the rows above it (ignored) and the sheet.
    header_line: u64,
    above: Vec<(u64, Vec<String>)>,
    sheet: Option<String>,
    source: Source,
    store: RowStore,
    options: CheckOptions,
    mapping: Mapping,
    report: Report,
    /// Every row was checked with `mapping` and `options` (no file error
    /// stopped the check): a check that changes neither keeps the verdicts.
    rows_checked: bool,
    /// Errors of each row that has some, in the order core reports them.
    errors: RowErrors,
    /// Per unique field (template index): a hash of each row's key, 0 for
    /// none; rows with the same key have the same hash.
    keys: Vec<(usize, Vec<u64>)>,
    /// An edit can be checked alone (else the whole file is checked again).
    incremental: bool,
    existing: Option<(usize, HashSet<String>)>,
    commit: Option<Handout>,
    /// Per row index, whether the user took the row out (empty while none
    /// was): it is not shown, checked, counted nor imported, and keeps its number.
    removed: Vec<bool>,
    removed_count: usize,
    /// The review's changes, to undo and redo.
    history: History,
    /// Errors a change replaced, freed by [`Session::release`] once the
    /// change is answered: freeing a million rows' errors takes longer
    /// than checking them again.
    retired: Vec<Vec<RowError>>,
}

/// Whether `new` checks the rows as `old` did, whatever the columns are
/// mapped by: the same rows (sheet, header row, encoding, delimiter), values
/// the server does not know, refused combinations and language. The clock
/// is not compared: it is read anew for every check.
fn same_checks(new: &CheckOptions, old: &CheckOptions) -> bool {
    let checks = |o: &CheckOptions| CheckOptions {
        overrides: Vec::new(),
        remembered: Vec::new(),
        now: String::new(),
        ..o.clone()
    };
    checks(new) == checks(old)
}

/// Whether every column goes to the same field (or attribute) in both
/// mappings: only how each was found may differ.
fn same_targets(new: &Mapping, old: &Mapping) -> bool {
    new.columns.len() == old.columns.len()
        && new.columns.iter().zip(&old.columns).all(|(a, b)| {
            (a.index, &a.field, &a.attribute) == (b.index, &b.field, &b.attribute)
        })
}

/// The text a key value is compared by (existing records).
pub fn key_text(cell: &str) -> String {
    cell.trim().to_lowercase()
}

impl Session {
    /// A session for a file read by a
    /// [`StreamLoader`](csv_import_core::store::StreamLoader), checked with
    /// `options`.
    /// `progress` gets the rows checked so far and the fraction done.
    pub fn new(
        template: Template,
        loaded: StreamLoaded,
        options: CheckOptions,
        progress: &mut dyn FnMut(u64, f64),
    ) -> Session {
        Session::from_loaded(template, Loaded { rows: loaded, source: Source::Text }, options, progress)
    }

    /// A session for a file read by a [`FileLoader`] (a text file or a
    /// workbook), checked with `options`.
    pub fn from_loaded(
        template: Template,
        loaded: Loaded,
        options: CheckOptions,
        progress: &mut dyn FnMut(u64, f64),
    ) -> Session {
        let Loaded { rows: loaded, source } = loaded;
        let mut session = Session {
            template,
            encoding: loaded.encoding,
            delimiter: loaded.delimiter,
            header: loaded.header,
            header_line: loaded.header_line,
            above: loaded.above,
            sheet: loaded.sheet,
            source,
            store: loaded.rows,
            // The rows were read with the options' sheet and header row.
            options: CheckOptions { sheet: options.sheet.clone(), header_row: options.header_row, ..CheckOptions::default() },
            mapping: Mapping { columns: Vec::new(), file_errors: Vec::new() },
            report: Report::default(),
            rows_checked: false,
            errors: RowErrors::default(),
            keys: Vec::new(),
            incremental: false,
            existing: None,
            commit: None,
            removed: Vec::new(),
            removed_count: 0,
            history: History::default(),
            retired: Vec::new(),
        };
        session.check(options, progress);
        session
    }

    /// The rows.
    pub fn store(&self) -> &RowStore {
        &self.store
    }

    /// Whether the row at `index` was taken out.
    pub(crate) fn is_removed(&self, index: usize) -> bool {
        self.removed.get(index).copied().unwrap_or(false)
    }

    /// The indexes of the rows not taken out.
    fn live(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.store.len()).filter(|&i| !self.is_removed(i))
    }

    /// Bytes the undo and redo steps hold.
    pub fn history_bytes(&self) -> usize {
        self.history.heap_bytes()
    }

    /// How many changes can be undone and redone.
    pub fn steps(&self) -> Steps {
        let (undo, redo) = self.history.counts();
        Steps { undo, redo }
    }

    /// Map and check every row with `options`.
    pub fn check(&mut self, mut options: CheckOptions, progress: &mut dyn FnMut(u64, f64)) {
        let same_checks = self.rows_checked && same_checks(&options, &self.options);
        // Another sheet or header row: the rows are read again first.
        let reloaded = self.reload(&mut options);
        let engine = options.to_options();
        self.options = options;
        self.commit = None;
        let lang = engine.lang;
        let samples: Vec<Vec<String>> =
            (0..self.store.len().min(CONTENT_SAMPLE_ROWS)).map(|i| self.store.cells(i)).collect();
        let mapping =
            Mapper::new(&self.template)
            .overrides(&engine.overrides)
            .remembered(&self.options.remembered)
            .samples(&samples)
            .lang(lang)
            .map(&self.header);
        let total = (self.store.len() - self.removed_count) as u64;
        let mut report = Report {
            template: self.template.name.clone(),
            encoding: self.encoding.clone(),
            delimiter: char::from(self.delimiter).to_string(),
            header: self.header.clone(),
            columns: mapping.columns.clone(),
            file_errors: mapping.file_errors.clone(),
            header_line: self.header_line,
            rows_above: self.above.len() as u64,
            sheet: self.sheet.clone(),
            ..Report::default()
        };
        report.file_errors.extend(reloaded.err());
        report.rows.total = total;
        if self.template.fields.iter().any(|f| f.default.as_deref() == Some("now")) && engine.now.is_empty() {
            report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, messages::no_clock(lang)));
        }
        if let Some(max) = self.template.max_rows.filter(|max| total > *max) {
            report.file_errors.push(FileError::new(
                FileErrorCode::TooManyRows,
                messages::too_many_rows(lang, total, &self.template.label, max),
            ));
        }
        // Choices that confirm what each column is mapped to already (the
        // mapping remembered from the last file with these headers, often):
        // the columns say how they were mapped, and the rows' verdicts stay.
        if same_checks
            && same_targets(&mapping, &self.mapping)
            && (&report.file_errors, report.rows.total) == (&self.report.file_errors, self.report.rows.total)
        {
            self.report.columns = report.columns;
            self.mapping = mapping;
            return;
        }
        self.rows_checked = false;
        self.errors.clear();
        self.keys.clear();
        self.mapping = mapping;
        if report.file_errors.iter().any(|e| e.code.stops_checking()) {
            self.report = report;
            return;
        }
        let template = self.template.clone();
        let validator = match Validator::new(&template, &self.mapping, &engine.now) {
            Ok(v) => v.with_unknown(&engine.unknown).with_lang(engine.lang),
            Err(message) => {
                report.file_errors.push(FileError::new(FileErrorCode::InvalidOption, message));
                self.report = report;
                return;
            }
        };
        // Every row's key of each unique field, hashed, so that an edit finds
        // the rows that share its old or new key without checking the file
        // again; taken from what each verdict claimed (the keys `key_of`
        // gives), in the same pass.
        self.incremental = !template.fields.iter().any(|f| f.unique && (f.repeatable || f.generated.is_some()));
        let indexed = template.fields.iter().enumerate().filter(|(i, f)| f.unique && validator.column_of(*i).is_some());
        let mut keys: Vec<(usize, Vec<u64>)> = match self.incremental {
            true => indexed.map(|(i, _)| (i, Vec::with_capacity(self.store.len()))).collect(),
            false => Vec::new(),
        };
        let mismatches = Mismatches::new(&template, &validator, &self.header, &self.options.mismatches);
        let mut rules = FileRules::with_rows(&template, self.store.len());
        for index in 0..self.store.len() {
            if self.is_removed(index) {
                for (_, hashes) in &mut keys {
                    hashes.push(0);
                }
                continue;
            }
            let pos = self.store.position(index);
            let row = self.store.row(index);
            let verdict = rules.verdict(&validator, pos, &row);
            // Value combinations the server refused: after the verdict, so
            // that the row's keys are claimed as core claims them.
            let extra = if mismatches.is_empty() { Vec::new() } else { mismatches.errors(pos, &row) };
            let errors = match verdict {
                Ok(()) => extra,
                Err(mut errors) => {
                    if !extra.is_empty() {
                        errors.extend(extra);
                        sort_errors(&template, &mut errors);
                    }
                    errors
                }
            };
            if errors.is_empty() {
                report.rows.valid += 1;
            } else {
                report.rows.invalid += 1;
                self.errors.insert(pos.row, errors);
            }
            for (field, hashes) in &mut keys {
                hashes.push(rules.claimed().find(|(i, _)| i == field).map_or(0, |(_, key)| hash_key(key)));
            }
            if index % 20_000 == 19_999 {
                progress(index as u64 + 1, (index + 1) as f64 / total.max(1) as f64);
            }
        }
        progress(total, 1.0);
        self.report = report;
        self.keys = keys;
        self.rows_checked = true;
    }

    /// The summary the page keeps.
    pub fn summary(&self) -> Summary {
        let samples = self
            .report
            .columns
            .iter()
            .map(|column| {
                let mut samples = Vec::new();
                for index in 0..self.store.len() {
                    if let Some(cell) = self.store.row(index).get(column.index).filter(|c| !c.trim().is_empty()) {
                        samples.push(cell.chars().take(40).collect());
                        if samples.len() == 3 {
                            break;
                        }
                    }
                    if index > 1000 {
                        break;
                    }
                }
                samples
            })
            .collect();
        Summary {
            report: self.report.clone(),
            header: self.header.clone(),
            samples,
            error_rows: self.errors.keys().collect(),
            matching: self.matching(),
            last_row: self.store.len() as u64,
            removed: self.removed_count as u64,
            steps: self.steps(),
            sheets: self.sheets(),
            header_rows: self.header_candidates(),
        }
    }

    /// Rows by number, with their errors; numbers out of range are left out.
    pub fn rows(&self, rows: &[u64]) -> Vec<ViewRow> {
        rows.iter()
            .filter(|&&row| row >= 1 && row as usize <= self.store.len() && !self.is_removed(row as usize - 1))
            .map(|&row| {
                let index = row as usize - 1;
                ViewRow {
                    row,
                    line: self.store.position(index).line,
                    cells: self.store.cells(index),
                    errors: self.errors.get(&row).cloned().unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The error report CSV.
    pub fn error_report(&self) -> String {
        let mut report = self.report.clone();
        report.header = self.header.clone();
        report.errors = self.errors.values().flatten().cloned().collect();
        report.invalid_rows = self
            .errors
            .keys()
            .map(|row| {
                let index = row as usize - 1;
                RawRow { row, line: self.store.position(index).line, cells: self.store.cells(index) }
            })
            .collect();
        report.error_report_csv_in(&self.template, self.options.lang)
    }

    /// For every mapped field with a `reference`: its key and the distinct,
    /// non-empty values of its column(s), normalised as core stores them.
    /// Cells that are not valid values (a malformed email) are left out:
    /// they are flagged for that already.
    pub fn references(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for field in self.template.fields.iter().filter(|f| f.reference.is_some()) {
            let columns: Vec<usize> = self
                .report
                .columns
                .iter()
                .filter(|c| c.field.as_deref() == Some(field.key.as_str()))
                .map(|c| c.index)
                .collect();
            if columns.is_empty() {
                continue;
            }
            let Ok(checker) = FieldChecker::new(field) else { continue };
            let mut values = BTreeSet::new();
            for index in self.live() {
                let row = self.store.row(index);
                values.extend(columns.iter().filter_map(|&c| normal(&checker, row.get(c))));
            }
            if !values.is_empty() {
                out.push((field.key.clone(), values.into_iter().collect()));
            }
        }
        out
    }

    /// The distinct combinations of the values of `fields` (keys), in the
    /// rows that have a valid, non-empty value for each, normalised as
    /// [`Self::references`] gives them. Empty when a field is not mapped.
    pub fn combinations(&self, fields: &[String]) -> Vec<Vec<String>> {
        let mut plan = Vec::with_capacity(fields.len());
        for key in fields {
            let Some(field) = self.template.field(key) else { return Vec::new() };
            let column = self.report.columns.iter().find(|c| c.field.as_deref() == Some(key.as_str())).map(|c| c.index);
            match (column, FieldChecker::new(field)) {
                (Some(column), Ok(checker)) => plan.push((column, checker)),
                _ => return Vec::new(),
            }
        }
        if plan.is_empty() {
            return Vec::new();
        }
        let mut out = BTreeSet::new();
        for index in self.live() {
            let row = self.store.row(index);
            let values: Option<Vec<String>> = plan.iter().map(|(c, checker)| normal(checker, row.get(*c))).collect();
            out.extend(values);
        }
        out.into_iter().collect()
    }

    /// The distinct key texts of a column, at most `max`.
    pub fn key_values(&self, column: usize, max: usize) -> Vec<String> {
        // Only the `max` first are kept while the rows are read: a set of
        // every key of a million rows took most of a second in the browser.
        let mut values = BTreeSet::new();
        for index in self.live() {
            if let Some(cell) = self.store.row(index).get(column) {
                let text = key_text(cell);
                let beyond = values.len() >= max && values.last().is_none_or(|last: &String| text >= *last);
                if !text.is_empty() && !beyond {
                    values.insert(text);
                    if values.len() > max {
                        values.pop_last();
                    }
                }
            }
        }
        values.into_iter().collect()
    }

    /// Keep the key texts existing records have; answers [`Self::matching`].
    pub fn set_existing(&mut self, column: usize, values: Vec<String>) -> u64 {
        self.existing = Some((column, values.iter().map(|v| key_text(v)).collect()));
        self.matching()
    }

    /// How many rows without errors match an existing record.
    pub fn matching(&self) -> u64 {
        let Some((column, existing)) = &self.existing else { return 0 };
        if existing.is_empty() {
            return 0;
        }
        self.live()
            .filter(|&index| !self.errors.contains_key(&(index as u64 + 1)))
            .filter(|&index| self.store.row(index).get(*column).is_some_and(|c| existing.contains(&key_text(c))))
            .count() as u64
    }

    /// The rows with errors and why, as the import records them.
    pub fn skipped(&self) -> Vec<Skipped> {
        self.errors
            .iter()
            .map(|(row, errors)| Skipped {
                row,
                reasons: errors
                    .iter()
                    .map(|e| {
                        let row = || if self.options.lang == Lang::Fr { "Ligne" } else { "Row" }.to_string();
                        let place = e.header.clone().or(e.field.clone()).unwrap_or_else(row);
                        messages::reason(self.options.lang, &place, &e.message)
                    })
                    .collect(),
            })
            .collect()
    }

    /// Where the row numbers the review shows differ from the data row
    /// numbers the import records: a workbook's rows are shown as the
    /// spreadsheet numbers them. `[row, shown]` pairs, by row, each saying
    /// that from data row `row` on, data row `r` is shown as
    /// `shown + (r - row)`, until the next pair; empty when every row is
    /// shown with its data row number (a text file) or when the pairs would
    /// be more than `max`.
    pub fn shown_rows(&self, max: usize) -> Vec<[u64; 2]> {
        if self.sheet.is_none() {
            return Vec::new();
        }
        let mut runs: Vec<[u64; 2]> = Vec::new();
        for index in 0..self.store.len() {
            let at = self.store.position(index);
            let continues = runs.last().is_some_and(|&[row, shown]| shown + (at.row - row) == at.line);
            if !continues {
                if runs.len() == max {
                    return Vec::new();
                }
                runs.push([at.row, at.line]);
            }
        }
        runs
    }

    /// Start handing out the valid records from the first row.
    pub fn start_commit(&mut self) -> u64 {
        self.commit =
            Some(Handout { rules: FileRules::with_rows(&self.template, self.store.len()), next: 0, held: None });
        self.report.rows.valid
    }

    /// The next valid records, at most `size` and (unless `max_bytes` is 0)
    /// at most `max_bytes` of JSON, in file order, with generated values
    /// filled in; rows with errors are passed over. A record longer than
    /// `max_bytes` goes alone.
    pub fn next_batch(&mut self, size: usize, max_bytes: usize) -> NextBatch {
        let Some(Handout { mut rules, mut next, held }) = self.commit.take() else {
            return NextBatch { records: Vec::new(), done: true };
        };
        let template = self.template.clone();
        let engine = self.options.to_options();
        let validator = match Validator::new(&template, &self.mapping, &engine.now) {
            Ok(v) => v.with_unknown(&engine.unknown).with_lang(engine.lang),
            Err(_) => return NextBatch { records: Vec::new(), done: true },
        };
        let mismatches = Mismatches::new(&template, &validator, &self.header, &self.options.mismatches);
        let mut records = Vec::with_capacity(size.min(10_000));
        let budget = if max_bytes == 0 { usize::MAX } else { max_bytes };
        let mut bytes = 0_usize;
        let mut held_over = None;
        if let Some(record) = held {
            bytes = json_len_bound(&record);
            records.push(record);
        }
        while next < self.store.len() && records.len() < size.max(1) {
            if self.is_removed(next) {
                next += 1;
                continue;
            }
            let pos = self.store.position(next);
            let row = self.store.row(next);
            let outcome = rules.admit(&validator, pos, validator.check_row(pos, &row), &row);
            // A refused combination is passed over once its keys are claimed, as in `check`.
            match outcome {
                Ok(record) if mismatches.is_empty() || mismatches.errors(pos, &row).is_empty() => {
                    let size = json_len_bound(&record);
                    if !records.is_empty() && bytes.saturating_add(size) > budget {
                        // First in the next batch: its keys are claimed
                        // already, so it is not admitted again.
                        held_over = Some(record);
                        next += 1;
                        break;
                    }
                    bytes = bytes.saturating_add(size);
                    records.push(record);
                }
                _ => {}
            }
            next += 1;
        }
        let done = next >= self.store.len() && held_over.is_none();
        self.commit = Some(Handout { rules, next, held: held_over });
        NextBatch { records, done }
    }

    /// Free what the last change replaced. The worker calls it after
    /// posting the change's answer; the next request frees it anyway.
    pub fn release(&mut self) {
        self.retired = Vec::new();
    }

    /// Answer a request, as JSON.
    pub fn handle(&mut self, request: Request) -> Result<String, serde_json::Error> {
        self.release();
        match request {
            Request::Check { options } => {
                self.check(options, &mut |_, _| {});
                serde_json::to_string(&self.summary())
            }
            Request::Rows { rows } => serde_json::to_string(&self.rows(&rows)),
            Request::Edit { row, column, value } => serde_json::to_string(&self.edit(row, column, &value)),
            Request::Find { column, find } => serde_json::to_string(&self.find(column, &find)),
            Request::Replace { column, find, with } => serde_json::to_string(&self.replace(column, &find, &with)),
            Request::Offers => serde_json::to_string(&self.offers()),
            Request::CountFix { target, fix } => serde_json::to_string(&self.count_fix(target, &fix)),
            Request::ApplyFix { target, fix } => serde_json::to_string(&self.apply_fix(target, &fix)),
            Request::DeleteRows { rows } => serde_json::to_string(&self.delete_rows(&rows)),
            Request::DeleteInvalid => serde_json::to_string(&self.delete_invalid()),
            Request::AddRow => serde_json::to_string(&self.add_row()),
            Request::Undo => serde_json::to_string(&self.undo()),
            Request::Redo => serde_json::to_string(&self.redo()),
            Request::Order { view } => serde_json::to_string(&self.order(&view)),
            Request::ErrorReport => serde_json::to_string(&self.error_report()),
            Request::References => serde_json::to_string(&self.references()),
            Request::Combinations { fields } => serde_json::to_string(&self.combinations(&fields)),
            Request::KeyValues { column, max } => serde_json::to_string(&self.key_values(column, max)),
            Request::Existing { column, values } => serde_json::to_string(&self.set_existing(column, values)),
            Request::Skipped => serde_json::to_string(&self.skipped()),
            Request::ShownRows { max } => serde_json::to_string(&self.shown_rows(max)),
            Request::StartCommit => serde_json::to_string(&self.start_commit()),
            Request::NextBatch { size, max_bytes } => serde_json::to_string(&self.next_batch(size, max_bytes)),
        }
    }
}

/// The summary of a file that could not be read at all.
pub fn failed(template: &Template, error: FileError) -> Summary {
    Summary {
        report: Report { template: template.name.clone(), file_errors: vec![error], ..Report::default() },
        ..Summary::default()
    }
}

/// Read a whole file held in memory as the worker reads it, in chunks of
/// `chunk` bytes (tests and tools).
pub fn load_in_chunks(
    bytes: &[u8],
    chunk: usize,
    template: Template,
    options: CheckOptions,
) -> Result<Session, Summary> {
    let mut loader = FileLoader::new(&options, bytes.len());
    for piece in bytes.chunks(chunk.max(1)) {
        if !loader.feed(piece) {
            break;
        }
    }
    match loader.finish(&template, &options) {
        Ok(loaded) => Ok(Session::from_loaded(template, loaded, options, &mut |_, _| {})),
        Err(error) => Err(failed(&template, error)),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tools_tests;
