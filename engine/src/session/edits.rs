//! The review's changes to the rows: a cell edited, text replaced, a fix
//! applied to many cells, rows taken out or added; each one step that can
//! be undone and redone, after which the rows it touched are checked again.

use super::Session;
use super::history::{CellChanges, Step};
use crate::{ChangeOutcome, EditOutcome, FixCount, Offer, Target};
use csv_import_core::fix::{Find, Fix};
use csv_import_core::validate::Cells;
use csv_import_core::{FieldType, RowErrorCode};
use std::collections::BTreeMap;

/// Date formats tried on the cells of a date column with errors, to offer
/// the one most of them are in.
const COMMON_DATE_FORMATS: [&str; 10] = [
    "DD/MM/YYYY",
    "MM/DD/YYYY",
    "D/M/YYYY",
    "M/D/YYYY",
    "DD.MM.YYYY",
    "DD-MM-YYYY",
    "YYYY-MM-DD",
    "YYYY/MM/DD",
    "YYYYMMDD",
    "MM-DD-YYYY",
];

/// How many cells of a column with date errors are read to guess their format.
const DATE_SAMPLE: usize = 1_000;

impl Session {
    /// Set one cell (one step) and check again what it affects.
    pub fn edit(&mut self, row: u64, column: usize, value: &str) -> EditOutcome {
        let mut changes = CellChanges::default();
        if row >= 1 && row as usize <= self.store.len() && !self.is_removed(row as usize - 1) {
            let index = row as usize - 1;
            let before = self.store.row(index).get(column).unwrap_or("").to_string();
            if before != value {
                changes.push(index, column, &before, value);
            }
        }
        let changed = self.record_cells(changes);
        EditOutcome { rows: self.report.rows, changed, matching: self.matching(), steps: self.steps() }
    }

    /// How many cells of `column` (every column when `None`) hold the text
    /// and would change if it were replaced.
    pub fn find(&self, column: Option<usize>, find: &Find) -> u64 {
        let mut n = 0;
        self.each_cell(column, |_, _, cell| n += u64::from(find.matches(cell)));
        n
    }

    /// Replace the text found by `with`, in one step.
    pub fn replace(&mut self, column: Option<usize>, find: &Find, with: &str) -> ChangeOutcome {
        let mut changes = CellChanges::default();
        self.each_cell(column, |index, c, cell| {
            if let Some(new) = find.replace(cell, with) {
                changes.push(index, c, cell, &new);
            }
        });
        let cells = changes.len() as u64;
        self.record_cells(changes);
        ChangeOutcome { cells, ..self.outcome() }
    }

    /// How many cells `fix` would change.
    pub fn count_fix(&self, target: Target, fix: &Fix) -> FixCount {
        let fix = match fix.prepare() {
            Ok(fix) => fix,
            Err(error) => return FixCount { cells: 0, error: Some(error) },
        };
        // Counted without keeping the changes: the review counts every fix it offers.
        let mut new = String::new();
        let mut changes =
            |index: usize| fix.apply_into(self.store.row(index).get(target.column).unwrap_or(""), &mut new);
        let cells = self.target_rows(target).into_iter().filter(|&index| changes(index)).count();
        FixCount { cells: cells as u64, error: None }
    }

    /// Apply `fix` to the cells of `target`, in one step.
    pub fn apply_fix(&mut self, target: Target, fix: &Fix) -> ChangeOutcome {
        let Ok(changes) = self.fix_changes(target, fix) else { return self.outcome() };
        let cells = changes.len() as u64;
        self.record_cells(changes);
        ChangeOutcome { cells, ..self.outcome() }
    }

    fn fix_changes(&self, target: Target, fix: &Fix) -> Result<CellChanges, String> {
        let fix = fix.prepare()?;
        let rows = self.target_rows(target);
        // Room for the cells' old values, and as much for the new ones, made
        // once: buffers of megabytes grown step by step are copied each time.
        let bytes = rows.iter().map(|&index| self.store.row(index).get(target.column).map_or(0, str::len)).sum();
        let mut changes = CellChanges::with_capacity(rows.len(), bytes);
        // One buffer for every new value, rather than a string per cell.
        let mut new = String::new();
        for index in rows {
            let row = self.store.row(index);
            let cell = row.get(target.column).unwrap_or("");
            if fix.apply_into(cell, &mut new) {
                changes.push(index, target.column, cell, &new);
            }
        }
        changes.shrink_to_fit();
        Ok(changes)
    }

    /// The rows a target reaches: every row shown, or those with an error
    /// of its kind in its column.
    fn target_rows(&self, target: Target) -> Vec<usize> {
        match target.code {
            None => (0..self.store.len()).filter(|&i| !self.is_removed(i)).collect(),
            Some(code) => self
                .errors
                .iter()
                .filter(|(_, errors)| errors.iter().any(|e| e.code == code && e.column == Some(target.column)))
                .map(|(row, _)| row as usize - 1)
                .collect(),
        }
    }

    /// The fixes offered for each kind of error in each column, with the
    /// cells each one changes; only fixes that change some cells.
    pub fn offers(&self) -> Vec<Offer> {
        let mut groups: BTreeMap<(usize, &'static str), (RowErrorCode, u64)> = BTreeMap::new();
        for e in self.errors.values().flatten() {
            if let Some(column) = e.column {
                groups.entry((column, e.code.as_str())).or_insert((e.code, 0)).1 += 1;
            }
        }
        let mut offers = Vec::new();
        for ((column, _), (code, errors)) in groups {
            let target = Target { column, code: Some(code) };
            let field = self
                .report
                .columns
                .iter()
                .find(|c| c.index == column)
                .and_then(|c| c.field.as_deref())
                .and_then(|key| self.template.field(key));
            // No lower-case fix: emails and choices are checked ignoring case,
            // so it would change cells and make none valid.
            let mut candidates = vec![Fix::Trim];
            if let Some(field) = field.filter(|f| f.kind == FieldType::Date && code == RowErrorCode::InvalidDate) {
                let to = field.formats.first().cloned().unwrap_or_else(|| "YYYY-MM-DD".to_string());
                if let Some(from) = self.guess_date_format(target, &to) {
                    candidates.push(Fix::ReformatDate { from, to });
                }
            }
            // Emptying a cell fixes it only where an empty value is allowed.
            if field.is_none_or(|f| !f.required && f.default.is_none()) || code == RowErrorCode::ExtraCells {
                candidates.push(Fix::Empty);
            }
            let fixes: Vec<(Fix, u64)> = candidates
                .into_iter()
                .filter_map(|fix| {
                    let n = self.count_fix(target, &fix).cells;
                    (n > 0).then_some((fix, n))
                })
                .collect();
            offers.push(Offer { target, errors, fixes });
        }
        offers
    }

    /// The common date format most of a target's cells are in (not the
    /// field's own, which they fail), judged on the first cells.
    fn guess_date_format(&self, target: Target, field_format: &str) -> Option<String> {
        let cells: Vec<String> = self
            .target_rows(target)
            .into_iter()
            .take(DATE_SAMPLE)
            .filter_map(|i| self.store.row(i).get(target.column).map(|c| c.trim().to_string()))
            .collect();
        COMMON_DATE_FORMATS
            .iter()
            .filter(|f| **f != field_format)
            .filter_map(|f| {
                let format = csv_import_core::value::DateFormat::parse(f).ok()?;
                let n = cells.iter().filter(|c| format.parse_date(c).is_some()).count();
                (n > 0).then_some((n, *f))
            })
            // The most cells; among equals, the first in the list (day first before month first).
            .max_by_key(|(n, f)| (*n, std::cmp::Reverse(COMMON_DATE_FORMATS.iter().position(|x| x == f))))
            .map(|(_, f)| f.to_string())
    }

    /// Take rows out (one step); numbers out of range or already out are passed over.
    pub fn delete_rows(&mut self, rows: &[u64]) -> ChangeOutcome {
        let mut indexes: Vec<usize> = rows
            .iter()
            .filter(|&&r| r >= 1 && r as usize <= self.store.len())
            .map(|&r| r as usize - 1)
            .filter(|&i| !self.is_removed(i))
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        if indexes.is_empty() {
            return self.outcome();
        }
        let n = indexes.len() as u64;
        self.set_removed(&indexes, true);
        self.history.record(Step::Remove(indexes.iter().map(|&i| i as u32).collect()));
        ChangeOutcome { rows_removed: n, ..self.outcome() }
    }

    /// Take every row with an error out (one step).
    pub fn delete_invalid(&mut self) -> ChangeOutcome {
        let rows: Vec<u64> = self.errors.keys().collect();
        self.delete_rows(&rows)
    }

    /// Add an empty row after the last one (one step); it is checked like any other.
    pub fn add_row(&mut self) -> ChangeOutcome {
        let index = self.store.len();
        self.store.push(0, std::iter::repeat_n("", self.header.len()));
        if !self.removed.is_empty() {
            self.removed.push(false);
        }
        for (_, hashes) in &mut self.keys {
            hashes.push(0);
        }
        self.history.record(Step::Add(index as u32));
        self.recheck(&[index]);
        ChangeOutcome { rows_added: 1, added: Some(index as u64 + 1), ..self.outcome() }
    }

    /// Undo the last change.
    pub fn undo(&mut self) -> ChangeOutcome {
        let Some(step) = self.history.take_undo() else { return self.outcome() };
        let outcome = self.replay(&step, false);
        self.history.undone(step);
        ChangeOutcome { summary: self.summary(), ..outcome }
    }

    /// Do the last undone change again.
    pub fn redo(&mut self) -> ChangeOutcome {
        let Some(step) = self.history.take_redo() else { return self.outcome() };
        let outcome = self.replay(&step, true);
        self.history.redone(step);
        ChangeOutcome { summary: self.summary(), ..outcome }
    }

    /// Do a step (`forward`) or its opposite, and check again what it touched.
    fn replay(&mut self, step: &Step, forward: bool) -> ChangeOutcome {
        let mut outcome = ChangeOutcome::default();
        match step {
            Step::Cells(changes) => {
                let mut indexes = Vec::with_capacity(changes.len());
                for (index, column, value) in changes.cells(forward) {
                    self.store.set_cell(index, column, value);
                    indexes.push(index);
                }
                indexes.dedup();
                outcome.cells = changes.len() as u64;
                self.recheck_cells(&indexes, &changes.columns());
            }
            Step::Remove(rows) => {
                let indexes: Vec<usize> = rows.iter().map(|&i| i as usize).collect();
                self.set_removed(&indexes, forward);
                match forward {
                    true => outcome.rows_removed = rows.len() as u64,
                    false => outcome.rows_added = rows.len() as u64,
                }
            }
            Step::Add(index) => {
                self.set_removed(&[*index as usize], !forward);
                match forward {
                    true => outcome.rows_added = 1,
                    false => outcome.rows_removed = 1,
                }
            }
        }
        outcome
    }

    /// Set cells, as one step, and check again the rows they are in.
    fn record_cells(&mut self, changes: CellChanges) -> Vec<(u64, bool)> {
        if changes.is_empty() {
            return Vec::new();
        }
        let mut indexes = Vec::with_capacity(changes.len());
        for (index, column, value) in changes.cells(true) {
            self.store.set_cell(index, column, value);
            indexes.push(index);
        }
        indexes.dedup();
        let columns = changes.columns();
        self.history.record(Step::Cells(changes));
        self.recheck_cells(&indexes, &columns)
    }

    /// Take rows out or put them back, and check again what that affects.
    fn set_removed(&mut self, indexes: &[usize], removed: bool) {
        if self.removed.len() < self.store.len() {
            self.removed.resize(self.store.len(), false);
        }
        for &i in indexes {
            if self.removed[i] != removed {
                self.removed[i] = removed;
                match removed {
                    true => self.removed_count += 1,
                    false => self.removed_count -= 1,
                }
            }
        }
        self.recheck(indexes);
    }

    /// Each cell of the rows shown, in `column` or in every column of the header.
    fn each_cell(&self, column: Option<usize>, mut f: impl FnMut(usize, usize, &str)) {
        let columns = match column {
            Some(c) => c..c + 1,
            None => 0..self.header.len(),
        };
        for index in (0..self.store.len()).filter(|&i| !self.is_removed(i)) {
            let row = self.store.row(index);
            for c in columns.clone() {
                f(index, c, row.get(c).unwrap_or(""));
            }
        }
    }

    /// The summary after a change, and nothing done.
    fn outcome(&self) -> ChangeOutcome {
        ChangeOutcome { summary: self.summary(), ..ChangeOutcome::default() }
    }
}
