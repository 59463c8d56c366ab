//! Step 3: every row checked; fix cells in place, download the errors, then
//! import the valid rows (or go back and fix the file).

use super::grid::Grid;
use super::state::{Mode, ModalState, Step};
use csv_import_core::parse::RawRow;
use csv_import_core::template::OnInvalid;
use leptos::prelude::*;

#[component]
pub fn ReviewStep(state: ModalState) -> impl IntoView {
    let template = state.template();
    let rejects = template.on_invalid == OnInvalid::Reject;
    let counts = move || state.analysis.with(|a| a.as_ref().map(|a| a.report.rows).unwrap_or_default());
    let valid = move || counts().valid;
    let invalid = move || counts().invalid;
    let checking = move || state.refs_checking.get() > 0;
    let can_import = move || valid() > 0 && !(rejects && invalid() > 0) && !checking();
    let has_references = super::references::has_references(&template);
    // Flag the rows that will update existing records (one call, distinct values only).
    Effect::new(move |_| untrack(|| super::existing::check(state)));
    let matching = move || super::existing::matching_rows(&state);

    let download_errors = {
        let template = template.clone();
        move |_| {
            let csv = state.analysis.with(|a| {
                a.as_ref().map(|a| {
                    let mut report = a.report.clone();
                    report.header = a.header.clone();
                    report.invalid_rows = state.errors.with(|errors| {
                        a.rows
                            .iter()
                            .filter(|r| errors.contains_key(&r.row))
                            .map(|r| RawRow { row: r.row, line: r.line, cells: r.cells.clone() })
                            .collect()
                    });
                    report.error_report_csv(&template)
                })
            });
            if let Some(csv) = csv {
                let stem = state.file_name.with(|n| n.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or(n.clone()));
                // The BOM makes Excel read the report as UTF-8.
                let _ = crate::browser::download_text(&format!("{stem}-errors.csv"), "text/csv;charset=utf-8", &format!("\u{feff}{csv}"));
            }
        }
    };

    view! {
        <div class="review-summary" role="status">
            <span class="count">{move || format!("{} rows", counts().total)}</span>
            <span class="count ok">{move || format!("{} valid", valid())}</span>
            <span class="count bad" class:zero=move || invalid() == 0>{move || format!("{} with errors", invalid())}</span>
            {move || match matching() {
                0 => None,
                1 => Some(view! { <span class="count exists">"1 row matches an existing record and will update it"</span> }.into_any()),
                n => Some(view! { <span class="count exists">{format!("{n} rows match existing records and will update them")}</span> }.into_any()),
            }}
        </div>
        <div class="review-tools">
            <label class="toggle">
                <input
                    type="checkbox"
                    prop:checked=move || state.only_errors.get()
                    on:change=move |ev| state.only_errors.set(event_target_checked(&ev))
                />
                " Show only rows with errors"
            </label>
            <button type="button" disabled=move || invalid() == 0 on:click=download_errors>
                "Download error report (CSV)"
            </button>
            <span class="hint">"Tab moves between cells with errors; Enter or a double click edits a cell."</span>
        </div>
        {move || checking().then(|| view! {
            <p class="busy" role="status" id="references-checking">
                <span class="spinner" aria-hidden="true"></span>
                "Checking with the server which of the emails and IDs exist…"
            </p>
        })}
        {move || state.refs_error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {(has_references && state.mode == Mode::Preview).then(|| view! {
            <p class="notice" id="references-not-checked">
                "Whether users, tags or partners exist is not checked in a preview: that would send values to the server. The import checks them."
            </p>
        })}
        <Grid state/>
        {move || (rejects && invalid() > 0).then(|| view! {
            <p class="error" role="alert" id="reject-reason">
                "This import takes a file only when every row is valid. Fix the rows with errors here or in your file, then import."
            </p>
        })}
        <footer class="modal-footer">
            <button type="button" on:click=move |_| state.step.set(Step::Mapping)>"Back"</button>
            {match state.mode {
                Mode::Preview => view! {
                    <p class="hint">"Preview only: nothing of this file was sent anywhere."</p>
                }.into_any(),
                Mode::Import => view! {
                    <button
                        type="button"
                        class="primary"
                        disabled=move || !can_import()
                        aria-describedby=move || (rejects && invalid() > 0).then_some("reject-reason")
                        on:click=move |_| super::run::start(state)
                    >
                        {move || if invalid() > 0 && !rejects {
                            format!("Import {} valid rows, skip {}", valid(), invalid())
                        } else {
                            format!("Import {} rows", valid())
                        }}
                    </button>
                }.into_any(),
            }}
        </footer>
    }
}
