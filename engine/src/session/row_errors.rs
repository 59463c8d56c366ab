//! The errors of the rows that have some, kept by row index: a change of a
//! million rows replaces each row's list in place, where a sorted map had
//! to be searched, or built again, row by row.

use csv_import_core::RowError;

/// Each row's errors, by row number (1-based) as a map of the rows that
/// have some: a row without errors is not in it.
#[derive(Clone, Debug, Default)]
pub struct RowErrors {
    /// By row index; an empty list for a row without errors. Shorter than
    /// the file when its last rows have none.
    by_index: Vec<Vec<RowError>>,
    /// How many rows have errors.
    rows: usize,
}

impl RowErrors {
    /// Forget every row's errors.
    pub fn clear(&mut self) {
        *self = RowErrors::default();
    }

    /// How many rows have errors.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// The errors of row `row`, if it has some.
    pub fn get(&self, row: &u64) -> Option<&Vec<RowError>> {
        // Once every row is valid, a change of a million rows asks a million times.
        if self.rows == 0 {
            return None;
        }
        let index = usize::try_from(row.checked_sub(1)?).ok()?;
        self.by_index.get(index).filter(|errors| !errors.is_empty())
    }

    /// Whether row `row` has errors.
    pub fn contains_key(&self, row: &u64) -> bool {
        self.get(row).is_some()
    }

    /// Set the errors of row `row` (none: the row is valid) and answer the
    /// ones it had, empty if none.
    pub fn replace(&mut self, row: u64, errors: Vec<RowError>) -> Vec<RowError> {
        let index = row as usize - 1;
        // A row valid before and after, in a file without errors: nothing to write.
        if errors.is_empty() && self.rows == 0 {
            return Vec::new();
        }
        if index >= self.by_index.len() {
            if errors.is_empty() {
                return Vec::new();
            }
            self.by_index.resize_with(index + 1, Vec::new);
        }
        let old = std::mem::replace(&mut self.by_index[index], errors);
        let now = !self.by_index[index].is_empty();
        match (old.is_empty(), now) {
            (true, true) => self.rows += 1,
            (false, false) => self.rows -= 1,
            _ => {}
        }
        old
    }

    /// Set the errors of row `row` (none: the row is valid).
    pub fn insert(&mut self, row: u64, errors: Vec<RowError>) {
        self.replace(row, errors);
    }

    /// Each row with errors and its errors, by row number.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &Vec<RowError>)> + '_ {
        (1..).zip(self.listed()).filter(|(_, errors)| !errors.is_empty())
    }

    /// The numbers of the rows with errors, ascending.
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.iter().map(|(row, _)| row)
    }

    /// The errors of each row that has some, by row number.
    pub fn values(&self) -> impl Iterator<Item = &Vec<RowError>> + '_ {
        self.listed().iter().filter(|errors| !errors.is_empty())
    }

    /// The lists to look through: none once every row is valid.
    fn listed(&self) -> &[Vec<RowError>] {
        if self.rows == 0 { &[] } else { &self.by_index }
    }
}

impl PartialEq for RowErrors {
    fn eq(&self, other: &RowErrors) -> bool {
        self.rows == other.rows && self.iter().eq(other.iter())
    }
}

impl std::ops::Index<&u64> for RowErrors {
    type Output = Vec<RowError>;

    /// The errors of row `row`; panics if it has none.
    fn index(&self, row: &u64) -> &Vec<RowError> {
        self.get(row).expect("a row with errors")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv_import_core::RowErrorCode;
    use std::collections::BTreeMap;

    fn error(row: u64, code: RowErrorCode) -> RowError {
        RowError {
            row,
            line: row + 1,
            column: Some(0),
            field: Some("name".into()),
            header: None,
            code,
            message: format!("row {row}"),
        }
    }

    #[test]
    fn rows_with_errors_behave_as_a_map_of_them() {
        let mut errors = RowErrors::default();
        let mut map: BTreeMap<u64, Vec<RowError>> = BTreeMap::new();
        let steps: [(u64, &[RowErrorCode]); 8] = [
            (5, &[RowErrorCode::Required]),
            (2, &[RowErrorCode::InvalidDate, RowErrorCode::DuplicateInFile]),
            (9, &[]),
            (5, &[]),
            (1, &[RowErrorCode::InvalidEmail]),
            (2, &[RowErrorCode::InvalidPhone]),
            (1, &[]),
            (7, &[RowErrorCode::TooLong]),
        ];
        for (row, codes) in steps {
            let new: Vec<RowError> = codes.iter().map(|&code| error(row, code)).collect();
            let old = errors.replace(row, new.clone());
            let expected_old = match new.is_empty() {
                true => map.remove(&row),
                false => map.insert(row, new),
            };
            assert_eq!(old, expected_old.unwrap_or_default(), "row {row}");
            assert_eq!(errors.len(), map.len());
            assert!(errors.iter().eq(map.iter().map(|(&row, e)| (row, e))));
            assert!(errors.keys().eq(map.keys().copied()));
            assert!(errors.values().eq(map.values()));
            for row in 0..12 {
                assert_eq!(errors.get(&row), map.get(&row), "row {row}");
                assert_eq!(errors.contains_key(&row), map.contains_key(&row));
            }
        }
        assert_eq!(errors[&7][0].code, RowErrorCode::TooLong);
        // Equal whatever rows without errors were once touched.
        let mut other = RowErrors::default();
        other.insert(2, errors[&2].clone());
        other.insert(7, errors[&7].clone());
        assert_eq!(errors, other);
        other.insert(3, vec![error(3, RowErrorCode::Required)]);
        assert_ne!(errors, other);
        errors.clear();
        assert_eq!((errors.len(), errors.iter().count()), (0, 0));
    }
}
