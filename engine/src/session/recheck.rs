//! Checking again only what a change affects: the changed rows themselves
//! and, for unique fields, the rows that shared one of their old keys or
//! share one of their new ones. A fix of a million cells costs one pass
//! over the rows' key hashes per unique field, not a check of the file.

use super::Session;
use super::mismatches::Mismatches;
use csv_import_core::error::shorten;
use csv_import_core::messages;
use csv_import_core::validate::{RowCheck, Validator};
use csv_import_core::{RowError, RowErrorCode, Template};
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
        self.recheck_in(indexes, None)
    }

    /// [`recheck`](Session::recheck) after cells of `columns` changed in
    /// the rows at `indexes`: only the fields that read those columns are
    /// checked again in them; their other errors stay as they were.
    pub(super) fn recheck_cells(&mut self, indexes: &[usize], columns: &[usize]) -> Vec<(u64, bool)> {
        self.recheck_in(indexes, Some(columns))
    }

    fn recheck_in(&mut self, indexes: &[usize], columns: Option<&[usize]>) -> Vec<(u64, bool)> {
        self.commit = None;
        let blocked = self.report.file_errors.iter().any(|e| e.code.stops_checking());
        let changed = if indexes.is_empty() || blocked {
            Vec::new()
        } else if self.incremental {
            self.recheck_incrementally(indexes, columns)
        } else {
            // Generated or repeatable unique fields: core's file rules decide, over the whole file.
            let before = self.errors.clone();
            // The rows changed: every one is checked again.
            self.rows_checked = false;
            self.check(self.options.clone(), &mut |_, _| {});
            let edited: BTreeSet<u64> = indexes.iter().map(|&i| i as u64 + 1).collect();
            let mut rows: BTreeSet<u64> = before.keys().collect();
            rows.extend(self.errors.keys());
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

    fn recheck_incrementally(&mut self, indexes: &[usize], columns: Option<&[usize]>) -> Vec<(u64, bool)> {
        let template = self.template.clone();
        let engine = self.options.to_options();
        let Ok(validator) = Validator::new(&template, &self.mapping, &engine.now)
            .map(|v| v.with_unknown(&engine.unknown).with_lang(engine.lang))
        else {
            return Vec::new();
        };
        let mismatches = Mismatches::new(&template, &validator, &self.header, &self.options.mismatches);
        // The fields the changed cells are read by, when only they need a
        // look: not for rows taken out or put back, attribute columns, or
        // values checked together with other fields.
        let scope = columns.filter(|_| mismatches.is_empty()).and_then(|c| validator.fields_reading(c));
        let limited = scope.is_some();
        let mut check = scope.map_or_else(RowCheck::new, RowCheck::of_fields);
        // The fields checked again, by key: a row keeps its errors of the others.
        let checked_keys: Vec<&str> =
            template.fields.iter().enumerate().filter(|(i, _)| check.looks_at(*i)).map(|(_, f)| f.key.as_str()).collect();
        // Each row once, in order (as changes give them): its old errors can
        // be moved out of its list rather than copied.
        let movable = indexes.is_sorted_by(|a, b| a < b);
        // No unique field looked at and no row taken out or put back: no key
        // moves, so no other row is affected and each row is settled as it
        // is checked (a fix of dates or phones).
        let alone = self.keys.iter().all(|(i, _)| !check.looks_at(*i)) && !indexes.iter().any(|&i| self.is_removed(i));
        if alone && movable {
            let scope = Scope { limited, checked_keys: &checked_keys };
            return self.recheck_rows_alone(&template, &validator, &mismatches, indexes, scope, &mut check);
        }
        // Each changed row's own errors, and the unique fields (by slot in
        // `keys`) whose key it changed: only those can change other rows.
        let mut changed_rows: Vec<Changed> = Vec::with_capacity(indexes.len());
        let mut wanted: Vec<HashSetOfHashes> = vec![HashSetOfHashes::default(); self.keys.len()];
        // The old duplicates moved out, by slot in `changed_rows` (few rows have some).
        let mut moved_duplicates: Vec<(usize, Vec<RowError>)> = Vec::new();
        for &index in indexes {
            let removed = self.is_removed(index);
            let number = index as u64 + 1;
            let has_errors = self.errors.contains_key(&number);
            let mut taken = (movable && has_errors).then(|| self.errors.replace(number, Vec::new()));
            let mut own = Vec::new();
            if !removed {
                let pos = self.store.position(index);
                let row = self.store.row(index);
                validator.check_into(pos, &row, &mut check);
                own = check.take_errors();
                if !mismatches.is_empty() {
                    own.extend(mismatches.errors(pos, &row));
                }
                if limited {
                    // The errors of the fields not looked at (duplicates are settled below).
                    let kept = |e: &RowError| {
                        e.code != RowErrorCode::DuplicateInFile
                            && !e.field.as_deref().is_some_and(|k| checked_keys.contains(&k))
                    };
                    match &mut taken {
                        Some(old) => own.extend(old.extract_if(.., |e| kept(e))),
                        None => own.extend(self.errors.get(&number).into_iter().flatten().filter(|e| kept(e)).cloned()),
                    }
                }
            }
            if let Some(mut old) = taken {
                let duplicates: Vec<RowError> =
                    old.extract_if(.., |e| e.code == RowErrorCode::DuplicateInFile).collect();
                if !duplicates.is_empty() {
                    moved_duplicates.push((changed_rows.len(), duplicates));
                }
                self.retired.push(old);
            }
            let mut moved = Vec::new();
            let mut new_keys = Vec::new();
            for (k, (i, hashes)) in self.keys.iter_mut().enumerate() {
                // A row taken out claims no key at all.
                if !check.looks_at(*i) && !removed {
                    continue;
                }
                let key = if removed { None } else { check.key(*i) };
                let new = key.map_or(0, hash_key);
                let old = std::mem::replace(&mut hashes[index], new);
                // An equal 64-bit hash is taken for the same key.
                if old != new {
                    wanted[k].insert(old);
                    wanted[k].insert(new);
                    moved.push(k);
                    new_keys.extend(key.map(|key| (k, key.to_string())));
                }
            }
            changed_rows.push(Changed { index, own, looked_at: moved, new_keys });
        }
        // Rows not changed whose duplicates may have: their errors but those.
        let mut whole = RowCheck::new();
        let mut others: BTreeMap<usize, Changed> = BTreeMap::new();
        let slot_of: ByIndex<usize> = match wanted.iter().any(|w| !w.is_empty()) {
            true => changed_rows.iter().enumerate().map(|(slot, c)| (c.index, slot)).collect(),
            false => ByIndex::default(),
        };
        for (k, mut wanted) in wanted.into_iter().enumerate() {
            wanted.remove(&0);
            if wanted.is_empty() {
                continue;
            }
            let i = self.keys[k].0;
            let candidates: Vec<usize> =
                self.keys[k].1.iter().enumerate().filter(|(_, h)| wanted.contains(h)).map(|(j, _)| j).collect();
            // The real keys (hashes may collide), in row order.
            let mut keyed: Vec<(usize, String)> = Vec::with_capacity(candidates.len());
            for &j in &candidates {
                // A changed row's moved key is known; any other row's is read again.
                let known = slot_of.get(&j).and_then(|&slot| changed_rows[slot].new_keys.iter().find(|(f, _)| *f == k));
                match known {
                    Some((_, key)) => keyed.push((j, key.clone())),
                    None => {
                        validator.check_into(self.store.position(j), &self.store.row(j), &mut whole);
                        keyed.extend(whole.key(i).map(|key| (j, key.to_string())));
                    }
                }
                let entry = match slot_of.get(&j) {
                    Some(&slot) => &mut changed_rows[slot],
                    None => others.entry(j).or_insert_with(|| Changed {
                        index: j,
                        own: self
                            .errors
                            .get(&(j as u64 + 1))
                            .map(|e| e.iter().filter(|e| e.code != RowErrorCode::DuplicateInFile).cloned().collect())
                            .unwrap_or_default(),
                        looked_at: Vec::new(),
                        new_keys: Vec::new(),
                    }),
                };
                if !entry.looked_at.contains(&k) {
                    entry.looked_at.push(k);
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
                let error = RowError {
                    row: position.row,
                    line: position.line,
                    column,
                    field: Some(field.key.clone()),
                    header: column.and_then(|c| self.header.get(c)).map(|h| h.trim().to_string()),
                    code: RowErrorCode::DuplicateInFile,
                    message: messages::duplicate_in_file(validator.lang(), field.header(), earlier as u64 + 1, &shorten(key)),
                };
                match slot_of.get(j) {
                    Some(&slot) => changed_rows[slot].own.push(error),
                    None => others.get_mut(j).expect("a candidate row").own.push(error),
                }
            }
        }
        let mut changed = Vec::with_capacity(changed_rows.len());
        let mut updates = Vec::with_capacity(changed_rows.len() + others.len());
        let mut moved_duplicates = moved_duplicates.into_iter().peekable();
        for (slot, row) in changed_rows.into_iter().enumerate() {
            let duplicates = moved_duplicates.next_if(|(at, _)| *at == slot).map(|(_, d)| d).unwrap_or_default();
            let (number, errors) = self.settled(&template, row, duplicates);
            changed.push((number, !errors.is_empty()));
            updates.push((number, errors));
        }
        for (_, row) in others {
            let (number, errors) = self.settled(&template, row, Vec::new());
            if self.errors.get(&number).map_or(&[][..], Vec::as_slice) != errors.as_slice() {
                changed.push((number, !errors.is_empty()));
            }
            updates.push((number, errors));
        }
        self.store_errors(updates);
        changed.sort_unstable();
        changed
    }

    /// [`recheck_incrementally`](Session::recheck_incrementally) when no
    /// key can move, for rows at `indexes` ascending without repeats: each
    /// changed row's errors from `check` (and, when it is `limited` to some
    /// fields, its old errors of the other fields) and its old duplicates,
    /// stored as the row is checked.
    fn recheck_rows_alone(
        &mut self,
        template: &Template,
        validator: &Validator<'_>,
        mismatches: &Mismatches,
        indexes: &[usize],
        Scope { limited, checked_keys }: Scope<'_>,
        check: &mut RowCheck,
    ) -> Vec<(u64, bool)> {
        // The old errors each row keeps, by place in `indexes`: those of
        // the fields not looked at (when `limited`), then its duplicates,
        // moved out of the row's old list. Gathered first, in a loop of
        // their own: reading a million rows' old errors waits on memory,
        // and a short loop waits for many at once.
        let other_field = |e: &RowError| {
            e.code != RowErrorCode::DuplicateInFile && !e.field.as_deref().is_some_and(|k| checked_keys.contains(&k))
        };
        let keeps = |e: &RowError| e.code == RowErrorCode::DuplicateInFile || (limited && other_field(e));
        let mut kept: Vec<(usize, Vec<RowError>)> = Vec::new();
        for (at, &index) in indexes.iter().enumerate() {
            let number = index as u64 + 1;
            if !self.errors.get(&number).is_some_and(|old| old.iter().any(keeps)) {
                continue;
            }
            let mut old = self.errors.replace(number, Vec::new());
            let mut errors: Vec<RowError> = old.extract_if(.., |e| limited && other_field(e)).collect();
            errors.extend(old.extract_if(.., |e| e.code == RowErrorCode::DuplicateInFile));
            kept.push((at, errors));
            self.retired.push(old);
        }
        let mut kept = kept.into_iter().peekable();
        let mut changed = Vec::with_capacity(indexes.len());
        self.retired.reserve(indexes.len());
        for (at, &index) in indexes.iter().enumerate() {
            let pos = self.store.position(index);
            let row = self.store.row(index);
            validator.check_into(pos, &row, check);
            let mut errors = check.take_errors();
            if !mismatches.is_empty() {
                errors.extend(mismatches.errors(pos, &row));
            }
            if let Some((_, old)) = kept.next_if(|(place, _)| *place == at) {
                errors.extend(old);
            }
            sort_errors(template, &mut errors);
            changed.push((pos.row, !errors.is_empty()));
            self.retire_errors_of(pos.row, errors);
        }
        changed.sort_unstable();
        changed
    }

    /// A row's new errors: those found, and its duplicates of the unique
    /// fields not looked at, which stay as they were (`moved_duplicates`
    /// when they were moved out of its list already).
    fn settled(&self, template: &Template, row: Changed, moved_duplicates: Vec<RowError>) -> (u64, Vec<RowError>) {
        let number = row.index as u64 + 1;
        let mut errors = row.own;
        let looked_at = |e: &RowError| {
            row.looked_at.iter().any(|&k| e.field.as_deref() == Some(template.fields[self.keys[k].0].key.as_str()))
        };
        // Moved out of the row's list, or still in it: one or the other is empty.
        errors.extend(moved_duplicates.into_iter().filter(|e| !looked_at(e)));
        let old = self.errors.get(&number).into_iter().flatten();
        errors.extend(old.filter(|e| e.code == RowErrorCode::DuplicateInFile && !looked_at(e)).cloned());
        sort_errors(template, &mut errors);
        (number, errors)
    }

    /// Put rows' new errors in place of their old ones (none: the row is
    /// valid); the old ones are kept for [`Session::release`].
    fn store_errors(&mut self, updates: Vec<(u64, Vec<RowError>)>) {
        self.retired.reserve(updates.len());
        for (number, errors) in updates {
            self.retire_errors_of(number, errors);
        }
    }

    /// Set a row's errors, keeping the ones they replace to be freed later.
    fn retire_errors_of(&mut self, number: u64, errors: Vec<RowError>) {
        let old = self.errors.replace(number, errors);
        if old.capacity() > 0 {
            self.retired.push(old);
        }
    }
}

/// What a check of changed rows looked at: whether it was limited to some
/// fields, and their keys.
struct Scope<'a> {
    limited: bool,
    checked_keys: &'a [&'a str],
}

/// A row checked again: its errors so far, the unique fields (slots of the
/// session's keys) whose duplicates were looked for, and the new keys of
/// those it moved.
struct Changed {
    index: usize,
    own: Vec<RowError>,
    looked_at: Vec<usize>,
    new_keys: Vec<(usize, String)>,
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
