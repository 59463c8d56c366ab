//! The worker's side of [`super::Request`]: the file's rows in a [`RowStore`],
//! checked, edited and handed out in batches.

mod mismatches;
mod source;

pub use source::{FileLoader, Loaded, Source};

use super::{CheckOptions, EditOutcome, NextBatch, Request, Skipped, Summary, ViewRow};
use mismatches::{Mismatches, normal};

use csv_import_core::error::shorten;
use csv_import_core::map::{Mapper, Mapping};
use csv_import_core::messages;
use csv_import_core::parse::RawRow;
use csv_import_core::report::Report;
use csv_import_core::store::{RowStore, StreamLoaded};
use csv_import_core::validate::{Cells, FileRules, Validator};
use csv_import_core::value::FieldChecker;
use csv_import_core::{FileError, FileErrorCode, Lang, RowError, RowErrorCode, Template, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash, Hasher};

/// How many of the first rows the mapping looks at to recognise a column by
/// its values.
const CONTENT_SAMPLE_ROWS: usize = 100;

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
    /// Errors of each row that has some, in the order core reports them.
    errors: BTreeMap<u64, Vec<RowError>>,
    /// Per unique field (template index): a hash of each row's key, 0 for
    /// none; rows with the same key have the same hash.
    keys: Vec<(usize, Vec<u64>)>,
    /// An edit can be checked alone (else the whole file is checked again).
    incremental: bool,
    existing: Option<(usize, HashSet<String>)>,
    commit: Option<(FileRules, usize)>,
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
            errors: BTreeMap::new(),
            keys: Vec::new(),
            incremental: false,
            existing: None,
            commit: None,
        };
        session.check(options, progress);
        session
    }

    /// The rows.
    pub fn store(&self) -> &RowStore {
        &self.store
    }

    /// Map and check every row with `options`.
    pub fn check(&mut self, mut options: CheckOptions, progress: &mut dyn FnMut(u64, f64)) {
        // Another sheet or header row: the rows are read again first.
        let reloaded = self.reload(&mut options);
        let engine = options.to_options();
        self.options = options;
        self.commit = None;
        self.errors.clear();
        self.keys.clear();
        let lang = engine.lang;
        let samples: Vec<Vec<String>> =
            (0..self.store.len().min(CONTENT_SAMPLE_ROWS)).map(|i| self.store.cells(i)).collect();
        let mapping =
            Mapper::new(&self.template).overrides(&engine.overrides).samples(&samples).lang(lang).map(&self.header);
        let total = self.store.len() as u64;
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
        self.mapping = mapping;
        if report.file_errors.iter().any(|e| e.code != FileErrorCode::TooManyRows) {
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
    }

    /// The key a row claims for unique field `i`, as core's file rules
    /// compute it: none when the field's own cell has an error.
    fn key_of(
        &self,
        validator: &Validator<'_>,
        checker: &FieldChecker,
        i: usize,
        index: usize,
        errors: &[RowError],
    ) -> Option<String> {
        let field = &self.template.fields[i];
        // Refused combinations are found after the keys are claimed: they do not count here.
        let own: Vec<&RowError> = errors
            .iter()
            .filter(|e| !matches!(e.code, RowErrorCode::DuplicateInFile | RowErrorCode::Mismatch))
            .collect();
        if own.iter().any(|e| e.field.as_deref() == Some(field.key.as_str())) {
            return None;
        }
        let row = self.store.row(index);
        let raw = validator.column_of(i).and_then(|c| row.get(c)).unwrap_or("");
        let value = if raw.trim().is_empty() {
            if !own.is_empty() {
                return None;
            }
            checker.default_value(&self.options.now).ok().flatten()?
        } else {
            checker.check(raw).ok()?
        };
        match value {
            Value::Null => None,
            Value::Text(s) => Some(s.to_lowercase()),
            other => Some(other.to_cell()),
        }
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
            error_rows: self.errors.keys().copied().collect(),
            matching: self.matching(),
            sheets: self.sheets(),
            header_rows: self.header_candidates(),
        }
    }

    /// Rows by number, with their errors; numbers out of range are left out.
    pub fn rows(&self, rows: &[u64]) -> Vec<ViewRow> {
        rows.iter()
            .filter(|&&row| row >= 1 && row as usize <= self.store.len())
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

    /// Set one cell and check again what it affects: the row itself and,
    /// for unique fields, the rows that shared its old key or share its new one.
    pub fn edit(&mut self, row: u64, column: usize, value: &str) -> EditOutcome {
        let mut outcome = EditOutcome { rows: self.report.rows, matching: 0, changed: Vec::new() };
        if row == 0 || row as usize > self.store.len() {
            outcome.matching = self.matching();
            return outcome;
        }
        let index = row as usize - 1;
        if !self.store.set_cell(index, column, value) {
            outcome.matching = self.matching();
            return outcome;
        }
        self.commit = None;
        let blocked = self.report.file_errors.iter().any(|e| e.code != FileErrorCode::TooManyRows);
        if blocked {
            outcome.matching = self.matching();
            return outcome;
        }
        if !self.incremental {
            let before = self.errors.clone();
            self.check(self.options.clone(), &mut |_, _| {});
            let mut rows: BTreeSet<u64> = before.keys().copied().collect();
            rows.extend(self.errors.keys().copied());
            outcome.changed = rows
                .into_iter()
                .filter(|r| before.get(r) != self.errors.get(r) || *r == row)
                .map(|r| (r, self.errors.contains_key(&r)))
                .collect();
        } else {
            outcome.changed = self.edit_incrementally(index);
        }
        let invalid = self.errors.len() as u64;
        self.report.rows.invalid = invalid;
        self.report.rows.valid = self.report.rows.total - invalid;
        outcome.rows = self.report.rows;
        outcome.matching = self.matching();
        outcome
    }

    fn edit_incrementally(&mut self, index: usize) -> Vec<(u64, bool)> {
        let template = self.template.clone();
        let engine = self.options.to_options();
        let Ok(validator) = Validator::new(&template, &self.mapping, &engine.now)
            .map(|v| v.with_unknown(&engine.unknown).with_lang(engine.lang))
        else {
            return Vec::new();
        };
        let pos = self.store.position(index);
        let own = match validator.check_row(pos, &self.store.row(index)) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        // The row's own errors stand in for its errors until the duplicates are known.
        let mut rows: BTreeMap<u64, Vec<RowError>> = BTreeMap::new();
        rows.insert(pos.row, own.clone());
        let mut fields_of: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        fields_of.insert(pos.row, self.keys.iter().map(|(i, _)| *i).collect());
        for k in 0..self.keys.len() {
            let i = self.keys[k].0;
            let Ok(checker) = FieldChecker::new(&template.fields[i]) else { continue };
            let old = self.keys[k].1[index];
            let new = self.key_of(&validator, &checker, i, index, &own).map(|key| hash_key(&key)).unwrap_or(0);
            self.keys[k].1[index] = new;
            // Rows with the old or the new key: their duplicate errors may change.
            let wanted: Vec<u64> = [old, new].into_iter().filter(|h| *h != 0).collect();
            let mut candidates: Vec<usize> = Vec::new();
            if !wanted.is_empty() {
                for (j, h) in self.keys[k].1.iter().enumerate() {
                    if wanted.contains(h) {
                        candidates.push(j);
                    }
                }
            }
            // The real keys (hashes may collide), in row order.
            let keyed: Vec<(usize, String)> = candidates
                .iter()
                .filter_map(|&j| {
                    let row_errors = if j == index {
                        own.clone()
                    } else {
                        self.errors.get(&(j as u64 + 1)).cloned().unwrap_or_default()
                    };
                    self.key_of(&validator, &checker, i, j, &row_errors).map(|key| (j, key))
                })
                .collect();
            for &j in &candidates {
                let row = j as u64 + 1;
                rows.entry(row).or_insert_with(|| {
                    self.errors
                        .get(&row)
                        .map(|e| e.iter().filter(|e| e.code != RowErrorCode::DuplicateInFile).cloned().collect())
                        .unwrap_or_default()
                });
                let fields = fields_of.entry(row).or_default();
                if !fields.contains(&i) {
                    fields.push(i);
                }
            }
            // Remember, per candidate row, the first row with its key.
            for &(j, ref key) in &keyed {
                let first = keyed.iter().find(|(_, other)| other == key).map(|(f, _)| *f).unwrap_or(j);
                if first < j {
                    let position = self.store.position(j);
                    let field = &template.fields[i];
                    let column = validator.column_of(i);
                    rows.get_mut(&position.row).expect("a candidate row").push(RowError {
                        row: position.row,
                        line: position.line,
                        column,
                        field: Some(field.key.clone()),
                        header: column.and_then(|c| self.header.get(c)).map(|h| h.trim().to_string()),
                        code: RowErrorCode::DuplicateInFile,
                        message: messages::duplicate_in_file(
                            validator.lang(),
                            field.header(),
                            first as u64 + 1,
                            &shorten(key),
                        ),
                    });
                }
            }
        }
        let mismatches = Mismatches::new(&template, &validator, &self.header, &self.options.mismatches);
        if !mismatches.is_empty() {
            let edited = mismatches.errors(pos, &self.store.row(index));
            rows.get_mut(&pos.row).expect("the edited row").extend(edited);
        }
        // Duplicate errors of fields not looked at stay as they were.
        let mut changed = Vec::new();
        for (row, mut errors) in rows {
            let looked_at = fields_of.get(&row).cloned().unwrap_or_default();
            if let Some(old) = self.errors.get(&row) {
                let keep = old.iter().filter(|e| {
                    e.code == RowErrorCode::DuplicateInFile
                        && !looked_at.iter().any(|&i| e.field.as_deref() == Some(template.fields[i].key.as_str()))
                });
                errors.extend(keep.cloned());
            }
            sort_errors(&template, &mut errors);
            let before = self.errors.get(&row).cloned();
            if errors.is_empty() {
                self.errors.remove(&row);
            } else {
                self.errors.insert(row, errors);
            }
            if before.as_ref() != self.errors.get(&row) || row == pos.row {
                changed.push((row, self.errors.contains_key(&row)));
            }
        }
        changed
    }

    /// The error report CSV.
    pub fn error_report(&self) -> String {
        let mut report = self.report.clone();
        report.header = self.header.clone();
        report.errors = self.errors.values().flatten().cloned().collect();
        report.invalid_rows = self
            .errors
            .keys()
            .map(|&row| {
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
            for index in 0..self.store.len() {
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
        for index in 0..self.store.len() {
            let row = self.store.row(index);
            let values: Option<Vec<String>> = plan.iter().map(|(c, checker)| normal(checker, row.get(*c))).collect();
            out.extend(values);
        }
        out.into_iter().collect()
    }

    /// The distinct key texts of a column, at most `max`.
    pub fn key_values(&self, column: usize, max: usize) -> Vec<String> {
        let mut values = BTreeSet::new();
        for index in 0..self.store.len() {
            if let Some(cell) = self.store.row(index).get(column) {
                let text = key_text(cell);
                if !text.is_empty() {
                    values.insert(text);
                }
            }
        }
        values.into_iter().take(max).collect()
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
        (0..self.store.len())
            .filter(|&index| !self.errors.contains_key(&(index as u64 + 1)))
            .filter(|&index| self.store.row(index).get(*column).is_some_and(|c| existing.contains(&key_text(c))))
            .count() as u64
    }

    /// The rows with errors and why, as the import records them.
    pub fn skipped(&self) -> Vec<Skipped> {
        self.errors
            .iter()
            .map(|(&row, errors)| Skipped {
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

    /// Start handing out the valid records from the first row.
    pub fn start_commit(&mut self) -> u64 {
        self.commit = Some((FileRules::with_rows(&self.template, self.store.len()), 0));
        self.report.rows.valid
    }

    /// The next valid records, at most `size`, in file order, with generated
    /// values filled in; rows with errors are passed over.
    pub fn next_batch(&mut self, size: usize) -> NextBatch {
        let Some((mut rules, mut next)) = self.commit.take() else {
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
        while next < self.store.len() && records.len() < size.max(1) {
            let pos = self.store.position(next);
            let row = self.store.row(next);
            let outcome = rules.admit(&validator, pos, validator.check_row(pos, &row), &row);
            // A refused combination is passed over once its keys are claimed, as in `check`.
            match outcome {
                Ok(record) if mismatches.is_empty() || mismatches.errors(pos, &row).is_empty() => records.push(record),
                _ => {}
            }
            next += 1;
        }
        let done = next >= self.store.len();
        self.commit = Some((rules, next));
        NextBatch { records, done }
    }

    /// Answer a request, as JSON.
    pub fn handle(&mut self, request: Request) -> Result<String, serde_json::Error> {
        match request {
            Request::Check { options } => {
                self.check(options, &mut |_, _| {});
                serde_json::to_string(&self.summary())
            }
            Request::Rows { rows } => serde_json::to_string(&self.rows(&rows)),
            Request::Edit { row, column, value } => serde_json::to_string(&self.edit(row, column, &value)),
            Request::ErrorReport => serde_json::to_string(&self.error_report()),
            Request::References => serde_json::to_string(&self.references()),
            Request::Combinations { fields } => serde_json::to_string(&self.combinations(&fields)),
            Request::KeyValues { column, max } => serde_json::to_string(&self.key_values(column, max)),
            Request::Existing { column, values } => serde_json::to_string(&self.set_existing(column, values)),
            Request::Skipped => serde_json::to_string(&self.skipped()),
            Request::StartCommit => serde_json::to_string(&self.start_commit()),
            Request::NextBatch { size } => serde_json::to_string(&self.next_batch(size)),
        }
    }
}

/// A row's errors in the order core gives them: by column, and in a
/// column its own errors first, then duplicates in field order.
fn sort_errors(template: &Template, errors: &mut [RowError]) {
    let order = |e: &RowError| {
        if e.code == RowErrorCode::DuplicateInFile {
            1 + e.field.as_deref().and_then(|k| template.fields.iter().position(|f| f.key == k)).unwrap_or(0)
        } else {
            0
        }
    };
    errors.sort_by_key(|e| (e.column.unwrap_or(usize::MAX), order(e)));
}

fn hash_key(key: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish().max(1)
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

#[cfg(all(test, feature = "ssr"))]
mod tests;
