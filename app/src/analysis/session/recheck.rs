//! Checking again only what a change affects: the changed rows themselves
//! and, for unique fields, the rows that shared one of their old keys or
//! share one of their new ones. A fix of a million cells costs one pass
//! over the rows' key hashes per unique field, not a check of the file.

use super::Session;
use super::mismatches::Mismatches;
use csv_import_core::error::shorten;
use csv_import_core::messages;
use csv_import_core::validate::{Cells, Validator};
use csv_import_core::value::FieldChecker;
use csv_import_core::{FileErrorCode, RowError, RowErrorCode, Template, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A set of key hashes, hashed by themselves: they are hashes already, and
/// a fix of a million cells looks each row's up.
type HashSetOfHashes = HashSet<u64, BuildHasherDefault<Prehashed>>;

#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    // Row indexes are small numbers: spread them over the bits the table looks at.
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A map by row index, hashed cheaply (see [`Prehashed`]).
type ByIndex<V> = HashMap<usize, V, BuildHasherDefault<Prehashed>>;

impl Session {
    /// Check again the rows at `indexes` (changed, taken out or put back)
    /// and the rows they affect; the counts follow. Answers the rows whose
    /// errors changed (the given ones always), with whether they have errors now.
    pub(super) fn recheck(&mut self, indexes: &[usize]) -> Vec<(u64, bool)> {
        self.commit = None;
        let blocked = self.report.file_errors.iter().any(|e| e.code != FileErrorCode::TooManyRows);
        let changed = if indexes.is_empty() || blocked {
            Vec::new()
        } else if self.incremental {
            self.recheck_incrementally(indexes)
        } else {
            // Generated or repeatable unique fields: core's file rules decide, over the whole file.
            let before = self.errors.clone();
            self.check(self.options.clone(), &mut |_, _| {});
            let edited: BTreeSet<u64> = indexes.iter().map(|&i| i as u64 + 1).collect();
            let mut rows: BTreeSet<u64> = before.keys().copied().collect();
            rows.extend(self.errors.keys().copied());
            rows.extend(edited.iter().copied());
            rows.into_iter()
                .filter(|r| before.get(r) != self.errors.get(r) || edited.contains(r))
                .map(|r| (r, self.errors.contains_key(&r)))
                .collect()
        };
        self.count_rows();
        changed
    }

    /// The counts from the errors and the rows taken out.
    pub(super) fn count_rows(&mut self) {
        let total = (self.store.len() - self.removed_count) as u64;
        let invalid = self.errors.len() as u64;
        self.report.rows.total = total;
        self.report.rows.invalid = invalid;
        self.report.rows.valid = total.saturating_sub(invalid);
    }

    fn recheck_incrementally(&mut self, indexes: &[usize]) -> Vec<(u64, bool)> {
        let template = self.template.clone();
        let engine = self.options.to_options();
        let Ok(validator) = Validator::new(&template, &self.mapping, &engine.now)
            .map(|v| v.with_unknown(&engine.unknown).with_lang(engine.lang))
        else {
            return Vec::new();
        };
        // Each changed row's own errors, standing in for its errors until the duplicates are known.
        let mut own: ByIndex<Vec<RowError>> = ByIndex::with_capacity_and_hasher(indexes.len(), Default::default());
        let mut rows: BTreeMap<u64, Vec<RowError>> = BTreeMap::new();
        // The unique fields looked at for the other rows (a changed row is looked at for all).
        let mut fields_of: HashMap<u64, Vec<usize>> = HashMap::new();
        for &index in indexes {
            let errors = match self.is_removed(index) {
                true => Vec::new(),
                false => validator.check_row(self.store.position(index), &self.store.row(index)).err().unwrap_or_default(),
            };
            rows.insert(index as u64 + 1, errors.clone());
            own.insert(index, errors);
        }
        for k in 0..self.keys.len() {
            let i = self.keys[k].0;
            let Ok(checker) = FieldChecker::new(&template.fields[i]) else { continue };
            // The old and new keys of the changed rows: rows with one of them may change.
            let mut wanted = HashSetOfHashes::default();
            for &index in indexes {
                let new = self.key_of(&validator, &checker, i, index, &own[&index]).map(|key| hash_key(&key)).unwrap_or(0);
                wanted.insert(std::mem::replace(&mut self.keys[k].1[index], new));
                wanted.insert(new);
            }
            wanted.remove(&0);
            if wanted.is_empty() {
                continue;
            }
            let candidates: Vec<usize> =
                self.keys[k].1.iter().enumerate().filter(|(_, h)| wanted.contains(h)).map(|(j, _)| j).collect();
            // The real keys (hashes may collide), in row order.
            let keyed: Vec<(usize, String)> = candidates
                .iter()
                .filter_map(|&j| {
                    let errors = match own.get(&j) {
                        Some(errors) => errors.clone(),
                        None => self.errors.get(&(j as u64 + 1)).cloned().unwrap_or_default(),
                    };
                    self.key_of(&validator, &checker, i, j, &errors).map(|key| (j, key))
                })
                .collect();
            for &j in candidates.iter().filter(|j| !own.contains_key(j)) {
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
            // The first row with each key; the later ones are its duplicates.
            let mut first: HashMap<&str, usize> = HashMap::new();
            for (j, key) in &keyed {
                let Some(&earlier) = first.get(key.as_str()) else {
                    first.insert(key, *j);
                    continue;
                };
                let position = self.store.position(*j);
                let field = &template.fields[i];
                let column = validator.column_of(i);
                rows.get_mut(&position.row).expect("a candidate row").push(RowError {
                    row: position.row,
                    line: position.line,
                    column,
                    field: Some(field.key.clone()),
                    header: column.and_then(|c| self.header.get(c)).map(|h| h.trim().to_string()),
                    code: RowErrorCode::DuplicateInFile,
                    message: messages::duplicate_in_file(validator.lang(), field.header(), earlier as u64 + 1, &shorten(key)),
                });
            }
        }
        let mismatches = Mismatches::new(&template, &validator, &self.header, &self.options.mismatches);
        if !mismatches.is_empty() {
            for &index in indexes.iter().filter(|&&i| !self.is_removed(i)) {
                let pos = self.store.position(index);
                let found = mismatches.errors(pos, &self.store.row(index));
                rows.get_mut(&pos.row).expect("a changed row").extend(found);
            }
        }
        // Duplicate errors of fields not looked at stay as they were.
        let mut changed = Vec::new();
        for (row, mut errors) in rows {
            let changed_row = own.contains_key(&(row as usize - 1));
            let looked_at = fields_of.get(&row).map(Vec::as_slice).unwrap_or_default();
            if let Some(old) = self.errors.get(&row) {
                let keep = old.iter().filter(|e| {
                    e.code == RowErrorCode::DuplicateInFile
                        && !changed_row
                        && !looked_at.iter().any(|&i| e.field.as_deref() == Some(template.fields[i].key.as_str()))
                });
                errors.extend(keep.cloned());
            }
            sort_errors(&template, &mut errors);
            let was = self.errors.get(&row).cloned();
            if errors.is_empty() {
                self.errors.remove(&row);
            } else {
                self.errors.insert(row, errors);
            }
            if was.as_ref() != self.errors.get(&row) || changed_row {
                changed.push((row, self.errors.contains_key(&row)));
            }
        }
        changed
    }

    /// The key a row claims for unique field `i`, as core's file rules
    /// compute it: none when the field's own cell has an error, or the row
    /// was taken out.
    pub(super) fn key_of(
        &self,
        validator: &Validator<'_>,
        checker: &FieldChecker,
        i: usize,
        index: usize,
        errors: &[RowError],
    ) -> Option<String> {
        if self.is_removed(index) {
            return None;
        }
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
}

/// A row's errors in the order core gives them: by column, and in a
/// column its own errors first, then duplicates in field order.
pub(super) fn sort_errors(template: &Template, errors: &mut [RowError]) {
    let order = |e: &RowError| {
        if e.code == RowErrorCode::DuplicateInFile {
            1 + e.field.as_deref().and_then(|k| template.fields.iter().position(|f| f.key == k)).unwrap_or(0)
        } else {
            0
        }
    };
    errors.sort_by_key(|e| (e.column.unwrap_or(usize::MAX), order(e)));
}

pub(super) fn hash_key(key: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish().max(1)
}
