//! Rows whose key value (the email of a client or lead, the name of a
//! company) is already a record of the workspace: not an error, but worth a
//! warning, since importing them updates those records. The distinct values
//! of the key column (the worker has them) are sent in one call, never the
//! rows; in preview mode nothing is sent.

use super::state::ModalState;
use crate::analysis::Request;
use csv_import_core::template::OnMatch;
use crate::server_fns::imports::existing_values::existing_values;
use leptos::prelude::*;

/// The most distinct values sent (the server takes no more).
const MAX_VALUES: usize = 10_000;

pub use crate::analysis::key_text;

/// Whether a match with an existing record is a duplicate to be added
/// again (the template says so) rather than a record the row updates.
pub fn duplicates(template: &csv_import_core::Template) -> bool {
    matches!(template.existing_check(), Some((_, OnMatch::AddAgain)))
}

/// The field compared with existing records (the template's).
fn compared_field(template: &csv_import_core::Template) -> Option<String> {
    template.existing_check().map(|(field, _)| field.to_string())
}

/// The key field checked against existing records, and its column in the file.
pub fn key_column(state: &ModalState) -> Option<(String, usize)> {
    let field = state.access.with_value(|a| compared_field(&a.template))?;
    let column = state.analysis.with(|a| {
        a.as_ref().and_then(|a| a.report.columns.iter().position(|c| c.field.as_deref() == Some(field.as_str())))
    })?;
    Some((field, column))
}

/// Ask the server which key values of the file its records already have,
/// then the worker how many valid rows match them.
pub fn check(state: ModalState) {
    if !state.mode.uses_server() || !state.access.with_value(|a| a.may_import) {
        return;
    }
    let Some((field, column)) = untrack(|| key_column(&state)) else { return };
    let template = state.access.with_value(|a| a.template.name.clone());
    leptos::task::spawn_local(async move {
        let Ok(values) = crate::browser::ask::<Vec<String>>(&Request::KeyValues { column, max: MAX_VALUES }).await else {
            return;
        };
        if values.is_empty() {
            return;
        }
        // A warning only: when the call fails, nothing is flagged.
        if let Ok(found) = existing_values(template, field, values).await {
            let found: Vec<String> = found.into_iter().map(|v| key_text(&v)).collect();
            let _ = state.existing.try_set(found.iter().cloned().collect());
            if let Ok(matching) = crate::browser::ask::<u64>(&Request::Existing { column, values: found }).await {
                let _ = state.analysis.try_update(|a| {
                    if let Some(a) = a {
                        a.matching = matching;
                    }
                });
            }
        }
    });
}

/// How many rows without errors match an existing record.
pub fn matching_rows(state: &ModalState) -> usize {
    state.analysis.with(|a| a.as_ref().map(|a| a.matching as usize).unwrap_or(0))
}
