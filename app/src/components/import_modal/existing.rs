//! Rows whose key value (the email of a client or lead, the name of a
//! company) is already a record of the workspace: not an error, but worth a
//! warning, since importing them updates those records. The distinct values
//! of the key column are sent in one call (never the rows); in preview mode
//! nothing is sent.

use super::state::{ModalState, Mode};
use crate::server_fns::imports::existing_values::existing_values;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The most distinct values sent (the server takes no more).
const MAX_VALUES: usize = 10_000;

/// The text a key value is compared by.
pub fn key_text(cell: &str) -> String {
    cell.trim().to_lowercase()
}

/// The key field checked against existing records, and its column in the file.
pub fn key_column(state: &ModalState) -> Option<(String, usize)> {
    let field = state.access.with_value(|a| a.template.key.first().cloned())?;
    let column = state.analysis.with(|a| {
        a.as_ref().and_then(|a| a.report.columns.iter().position(|c| c.field.as_deref() == Some(field.as_str())))
    })?;
    Some((field, column))
}

/// Ask the server which key values of the file its records already have.
pub fn check(state: ModalState) {
    if state.mode == Mode::Preview || !state.access.with_value(|a| a.may_import) {
        return;
    }
    let Some((field, column)) = key_column(&state) else { return };
    let values: BTreeSet<String> = state.analysis.with_untracked(|a| {
        a.as_ref()
            .map(|a| {
                a.rows
                    .iter()
                    .filter_map(|r| r.cells.get(column))
                    .map(|c| key_text(c))
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    });
    if values.is_empty() {
        return;
    }
    let template = state.access.with_value(|a| a.template.name.clone());
    let values: Vec<String> = values.into_iter().take(MAX_VALUES).collect();
    leptos::task::spawn_local(async move {
        // A warning only: when the call fails, nothing is flagged.
        if let Ok(found) = existing_values(template, field, values).await {
            state.existing.set(found.into_iter().map(|v| key_text(&v)).collect());
        }
    });
}

/// How many rows without errors match an existing record.
pub fn matching_rows(state: &ModalState) -> usize {
    let Some((_, column)) = key_column(state) else { return 0 };
    state.existing.with(|existing| {
        if existing.is_empty() {
            return 0;
        }
        state.errors.with(|errors| {
            state.analysis.with(|a| {
                a.as_ref()
                    .map(|a| {
                        a.rows
                            .iter()
                            .filter(|r| !errors.contains_key(&r.row))
                            .filter(|r| r.cells.get(column).is_some_and(|c| existing.contains(&key_text(c))))
                            .count()
                    })
                    .unwrap_or(0)
            })
        })
    })
}
