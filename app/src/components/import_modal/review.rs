//! Step 3: every row checked; fix cells in place, download the errors, then
//! import the valid rows (or go back and fix the file).

use super::grid::Grid;
use super::tools::ReviewTools;
use super::state::{Mode, ModalState, Step};
use csv_import_core::template::OnInvalid;
use leptos::prelude::*;

#[component]
pub fn ReviewStep(state: ModalState) -> impl IntoView {
    let template = state.template();
    let rejects = template.on_invalid == OnInvalid::Reject;
    let counts = move || state.analysis.with(|a| a.as_ref().map(|a| a.report.rows).unwrap_or_default());
    // Cells the server refused (unknown values, values that do not go
    // together) are errors of the worker's rows like any other.
    let valid = move || counts().valid;
    let invalid = move || counts().invalid;
    let checking = move || state.refs_checking.get() > 0;
    // Leads whose email is registered already are added again only when the user says so.
    let duplicates = super::existing::duplicates(&template);
    let duplicates_ok = RwSignal::new(false);
    let can_import = move || {
        valid() > 0
            && !(rejects && invalid() > 0)
            && !checking()
            && !(duplicates && super::existing::matching_rows(&state) > 0 && !duplicates_ok.get())
    };
    let has_references = super::references::has_references(&template);
    // Flag the rows that will update existing records (one call, distinct values only).
    Effect::new(move |_| untrack(|| super::existing::check(state)));
    let matching = move || super::existing::matching_rows(&state);

    let download_errors = move |_| {
        leptos::task::spawn_local(async move {
            // The worker has the rows: it writes the report, straight into the file.
            let stem = state.file_name.with_untracked(|n| n.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or(n.clone()));
            let saved = crate::browser::download_from_worker(
                &crate::analysis::Request::ErrorReport,
                &format!("{stem}-errors.csv"),
                "text/csv;charset=utf-8",
            )
            .await;
            if let Err(message) = saved {
                state.error.set(Some(message));
            }
        });
    };

    // Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) undo and redo the review's
    // changes, except in a text field, where they undo the typing.
    let shortcuts = move |ev: leptos::ev::KeyboardEvent| {
        if !(ev.ctrl_key() || ev.meta_key()) || ev.alt_key() {
            return;
        }
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if in_field {
            return;
        }
        match (ev.key().to_lowercase().as_str(), ev.shift_key()) {
            ("z", false) => {
                ev.prevent_default();
                super::tools::undo(state);
            }
            ("z", true) | ("y", false) => {
                ev.prevent_default();
                super::tools::redo(state);
            }
            _ => {}
        }
    };

    view! {
        <div class="review-step" on:keydown=shortcuts>
        <div class="review-summary" role="status">
            <span class="count">{move || (crate::i18n::text().n_rows)(counts().total as u64)}</span>
            <span class="count ok">{move || (crate::i18n::text().n_valid)(valid() as u64)}</span>
            <span class="count bad" class:zero=move || invalid() == 0>{move || (crate::i18n::text().n_errors)(invalid() as u64)}</span>
            {move || match matching() {
                0 => None,
                n if duplicates => Some(view! {
                    <span class="count exists">{(crate::i18n::text().n_registered)(n as u64)}</span>
                }.into_any()),
                n => Some(view! { <span class="count exists">{(crate::i18n::text().n_match)(n as u64)}</span> }.into_any()),
            }}
        </div>
        <div class="review-tools">
            <label class="toggle">
                <input
                    type="checkbox"
                    prop:checked=move || state.only_errors.get()
                    on:change=move |ev| state.only_errors.set(event_target_checked(&ev))
                />
                {crate::i18n::text().only_errors}
            </label>
            <button type="button" disabled=move || invalid() == 0 on:click=download_errors>
                {crate::i18n::text().download_errors}
            </button>
            <span class="hint">{crate::i18n::text().grid_hint}</span>
        </div>
        {move || checking().then(|| view! {
            <p class="busy" role="status" id="references-checking">
                <span class="spinner" aria-hidden="true"></span>
                {crate::i18n::text().checking_refs}
            </p>
        })}
        {move || state.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {move || state.refs_error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {(has_references && !state.mode.uses_server()).then(|| view! {
            <p class="notice" id="references-not-checked">
                {crate::i18n::text().refs_not_checked}
            </p>
        })}
        <ReviewTools state/>
        <Grid state/>
        {move || (duplicates && matching() > 0).then(|| view! {
            <div class="notice duplicates" id="duplicate-warning">
                <p>
                    {(crate::i18n::text().n_duplicates)(matching() as u64)}
                    {crate::i18n::text().duplicates_hint}
                </p>
                <label class="toggle">
                    <input
                        type="checkbox"
                        prop:checked=move || duplicates_ok.get()
                        on:change=move |ev| duplicates_ok.set(event_target_checked(&ev))
                    />
                    {crate::i18n::text().duplicates_anyway}
                </label>
            </div>
        })}
        {move || (rejects && invalid() > 0).then(|| view! {
            <p class="error" role="alert" id="reject-reason">
                {crate::i18n::text().reject_reason}
            </p>
        })}
        <footer class="modal-footer">
            <button type="button" on:click=move |_| state.step.set(Step::Mapping)>{crate::i18n::text().back}</button>
            {match state.mode {
                Mode::Preview => view! {
                    <p class="hint" id="preview-only">
                        {state.access.with_value(|a| a.reason.clone()).unwrap_or_else(|| crate::i18n::text().preview_only.to_string())}
                    </p>
                }.into_any(),
                Mode::Import | Mode::Deliver => view! {
                    <button
                        type="button"
                        class="primary"
                        disabled=move || !can_import()
                        aria-describedby=move || (rejects && invalid() > 0).then_some("reject-reason")
                        on:click=move |_| super::run::start(state)
                    >
                        {move || match (invalid(), rejects) {
                            (0, _) => (crate::i18n::text().import_rows)(valid()),
                            // The whole file is refused while a row has an error: say what unlocks it.
                            (invalid, true) => (crate::i18n::text().fix_rows)(invalid),
                            (invalid, false) => (crate::i18n::text().import_valid_skip)(valid(), invalid),
                        }}
                    </button>
                }.into_any(),
            }}
        </footer>
        </div>
    }
}
