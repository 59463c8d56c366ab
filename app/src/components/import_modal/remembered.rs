//! Remembered mappings: the mapping step asks the server for the column
//! choices confirmed last time for a file with the same headers (only the
//! header row is sent; preview mode asks nothing), and the choices the user
//! confirms are remembered when they go on to the review. An admin may
//! clear what is remembered for the template.

use super::state::ModalState;
use crate::server_fns::imports::mappings::{forget_mappings, remember_mapping, remembered_mapping};
use csv_import_core::map::{MatchKind, Override};
use leptos::prelude::*;

/// Whether the server is asked and told about mappings: imports only.
fn asks_server(state: &ModalState) -> bool {
    state.mode.uses_server() && state.access.with_value(|a| a.may_import)
}

/// Ask for the choices remembered for the file's headers; the rows are
/// checked again when they differ from those in use.
pub fn recall(state: ModalState) {
    if !asks_server(&state) {
        return;
    }
    let Some(headers) = state.analysis.with_untracked(|a| a.as_ref().map(|a| a.header.clone())) else { return };
    if headers.is_empty() {
        return;
    }
    let template = state.access.with_value(|a| a.template.name.clone());
    leptos::task::spawn_local(async move {
        // Nothing remembered, or the call failed: the mapping is guessed as before.
        let remembered = remembered_mapping(template, headers).await.unwrap_or_default();
        if state.options.try_with_untracked(|o| o.remembered != remembered) == Some(true) {
            state.options.update(|o| o.remembered = remembered);
            state.recheck();
        }
    });
}

/// Remember the mapping as the user confirms it (every column of the file
/// but the dynamic attribute ones, which their prefix maps).
pub fn remember(state: ModalState) {
    if !asks_server(&state) {
        return;
    }
    let Some((headers, columns)) = state.analysis.with_untracked(|a| {
        a.as_ref().map(|a| {
            let columns: Vec<Override> = a
                .report
                .columns
                .iter()
                .filter(|c| c.attribute.is_none())
                .map(|c| Override { column: c.header.clone(), field: c.field.clone() })
                .collect();
            (a.header.clone(), columns)
        })
    }) else {
        return;
    };
    let template = state.access.with_value(|a| a.template.name.clone());
    leptos::task::spawn_local(async move {
        // Not remembered is no reason to stop the import: the next file is guessed again.
        let _ = remember_mapping(template, headers, columns).await;
    });
}

/// For admins, when columns are mapped as last time: a button that forgets
/// the template's remembered mappings.
#[component]
pub fn ForgetRemembered(state: ModalState) -> impl IntoView {
    let text = state.text();
    // Asked only where the server is: a preview or a page that takes the
    // rows itself sends nothing.
    let admin = LocalResource::new(move || async move {
        asks_server(&state)
            && matches!(
                crate::server_fns::auth::current_user::current_user().await,
                Ok(Some(s)) if s.role == crate::model::Role::Admin
            )
    });
    let any_remembered = move || {
        state.analysis.with(|a| a.as_ref().is_some_and(|a| a.report.columns.iter().any(|c| c.how == MatchKind::Remembered)))
    };
    let forget = move |_| {
        let template = state.access.with_value(|a| a.template.name.clone());
        leptos::task::spawn_local(async move {
            match forget_mappings(template).await {
                Ok(_) => {
                    state.options.update(|o| o.remembered.clear());
                    state.recheck();
                }
                Err(e) => state.error.set(Some(text.app_error(&e))),
            }
        });
    };
    move || {
        (asks_server(&state) && any_remembered() && admin.get() == Some(true)).then(|| view! {
            <button type="button" id="forget-mappings" on:click=forget>{text.tools.forget_mappings}</button>
        })
    }
}
