//! Values that must exist on the server (users, ...): in import mode the
//! modal asks the server about the distinct values of each such field,
//! never the rows, and flags the cells of the values it does not know. In
//! preview mode nothing is asked: nothing of the file leaves the browser.

use super::state::ModalState;
use crate::analysis::Request;
use crate::server_fns::templates::check_references::check_references;
use csv_import_core::Template;
use leptos::prelude::*;
use std::collections::HashSet;

/// The most values one call asks about (the server's limit).
const PER_CALL: usize = 10_000;

/// Whether the template has fields the server must check.
pub fn has_references(template: &Template) -> bool {
    template.fields.iter().any(|f| f.reference.is_some())
}

/// Ask the server about the values not asked about yet, then check the
/// rows again with what it does not know. Import mode only.
pub fn check(state: ModalState) {
    if !state.mode.uses_server() {
        return;
    }
    let template = state.template();
    if !has_references(&template) {
        return;
    }
    state.refs_checking.update(|n| *n += 1);
    state.refs_error.set(None);
    leptos::task::spawn_local(async move {
        // The worker has the rows: it answers the distinct values of each such field.
        let wanted = crate::browser::ask::<Vec<(String, Vec<String>)>>(&Request::References).await.unwrap_or_default();
        if state.refs_checking.try_get_untracked().is_none() {
            return;
        }
        let mut asks: Vec<(String, Vec<String>)> = Vec::new();
        state.refs_asked.update_value(|asked| {
            for (field, values) in wanted {
                let seen = asked.entry(field.clone()).or_default();
                let new: Vec<String> = values.into_iter().filter(|v| seen.insert(v.clone())).collect();
                if !new.is_empty() {
                    asks.push((field, new));
                }
            }
        });
        state.refs_checking.update(|n| *n = n.saturating_sub(1));
        if !asks.is_empty() {
            ask_server(state, template, asks);
        }
    });
}

/// Ask the server about `asks` (values not asked about before), then check
/// the rows again with what it does not know.
fn ask_server(state: ModalState, template: Template, asks: Vec<(String, Vec<String>)>) {
    state.refs_checking.update(|n| *n += 1);
    state.refs_error.set(None);
    leptos::task::spawn_local(async move {
        let mut changed = false;
        for (field, values) in asks {
            for chunk in values.chunks(PER_CALL) {
                let answer = check_references(template.name.clone(), field.clone(), chunk.to_vec()).await;
                if state.refs_checking.try_get_untracked().is_none() {
                    // The modal was closed meanwhile.
                    return;
                }
                match answer {
                    Ok(unknown) if unknown.is_empty() => {}
                    Ok(unknown) => {
                        changed = true;
                        state.options.update(|o| match o.unknown.iter_mut().find(|(k, _)| *k == field) {
                            Some((_, list)) => list.extend(unknown),
                            None => o.unknown.push((field.clone(), unknown)),
                        });
                    }
                    Err(e) => {
                        // Asked again at the next check.
                        let failed: HashSet<&String> = chunk.iter().collect();
                        state.refs_asked.update_value(|asked| {
                            if let Some(seen) = asked.get_mut(&field) {
                                seen.retain(|v| !failed.contains(v));
                            }
                        });
                        let text = state.text();
                        state.refs_error.set(Some((text.refs_failed)(&text.app_error(&e))));
                    }
                }
            }
        }
        state.refs_checking.update(|n| *n = n.saturating_sub(1));
        if changed {
            state.recheck();
        }
    });
}
