//! Which rows the grid shows, and in what order: filtered by column and
//! by kind of error, sorted by a column.

use super::Session;
use crate::ViewSpec;
use csv_import_core::validate::Cells;
use std::cmp::Ordering;

/// A cell as a sort compares it: numbers as numbers, before text; text
/// ignoring case; empty cells last whichever the direction.
#[derive(PartialEq, PartialOrd)]
enum SortKey {
    Number(f64),
    Text(String),
    Empty,
}

fn sort_key(cell: &str) -> SortKey {
    let cell = cell.trim();
    if cell.is_empty() {
        return SortKey::Empty;
    }
    match cell.parse::<f64>() {
        Ok(n) if n.is_finite() => SortKey::Number(n),
        _ => SortKey::Text(cell.to_lowercase()),
    }
}

impl Session {
    /// The numbers of the rows `view` shows, in order.
    pub fn order(&self, view: &ViewSpec) -> Vec<u64> {
        let filtered = view.only_errors || view.column.is_some() || view.code.is_some();
        let mut rows: Vec<u64> = if filtered {
            self.errors
                .iter()
                .filter(|(_, errors)| {
                    errors.iter().any(|e| {
                        view.column.is_none_or(|c| e.column == Some(c)) && view.code.is_none_or(|code| e.code == code)
                    })
                })
                .map(|(row, _)| row)
                .collect()
        } else {
            (0..self.store.len()).filter(|&i| !self.is_removed(i)).map(|i| i as u64 + 1).collect()
        };
        if let Some(sort) = view.sort {
            let mut keyed: Vec<(SortKey, u64)> = rows
                .iter()
                .map(|&row| (sort_key(self.store.row(row as usize - 1).get(sort.column).unwrap_or("")), row))
                .collect();
            keyed.sort_by(|(a, ra), (b, rb)| {
                let by_value = match (a, b) {
                    (SortKey::Empty, SortKey::Empty) => Ordering::Equal,
                    (SortKey::Empty, _) => return Ordering::Greater,
                    (_, SortKey::Empty) => return Ordering::Less,
                    _ if sort.descending => b.partial_cmp(a).unwrap_or(Ordering::Equal),
                    _ => a.partial_cmp(b).unwrap_or(Ordering::Equal),
                };
                by_value.then(ra.cmp(rb))
            });
            rows = keyed.into_iter().map(|(_, row)| row).collect();
        }
        rows
    }
}
