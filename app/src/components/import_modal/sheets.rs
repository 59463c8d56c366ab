//! Workbooks and header rows: which sheet of a workbook to read (in the
//! upload step, when it has several), and which row is the header (in the
//! mapping step).

use super::state::{ModalState, Step};
use leptos::prelude::*;

/// The sheets of a workbook, each with its rows and first values, while
/// none is chosen; "Use this sheet" reads it.
#[component]
pub fn SheetChoice(state: ModalState) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let sheets = move || {
        let waiting = state.step.get() == Step::Upload && state.options.with(|o| o.sheet.is_none());
        if !waiting {
            return Vec::new();
        }
        state.analysis.with(|a| a.as_ref().map(|a| a.sheets.clone()).unwrap_or_default())
    };
    move || {
        let sheets = sheets();
        (sheets.len() > 1).then(|| {
            if chosen.get_untracked().is_empty() {
                // The sheet with the most rows (the first of equals): a
                // workbook often opens on a cover or notes sheet.
                let most = sheets.iter().rev().max_by_key(|s| s.rows).unwrap_or(&sheets[0]);
                chosen.set(most.name.clone());
            }
            let text = crate::i18n::text();
            view! {
                <form
                    class="sheet-choice"
                    id="sheet-choice"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        state.choose_sheet(chosen.get_untracked());
                    }
                >
                    <fieldset>
                        <legend>{(text.choose_sheet)(&state.file_name.get_untracked())}</legend>
                        {sheets
                            .into_iter()
                            .map(|sheet| {
                                let name = sheet.name.clone();
                                let checked = name == chosen.get_untracked();
                                let first = sheet.headers.join(", ");
                                view! {
                                    <label class="sheet-option">
                                        <input
                                            type="radio"
                                            name="sheet"
                                            value=name.clone()
                                            checked=checked
                                            on:change=move |_| chosen.set(name.clone())
                                        />
                                        <span class="sheet-name">{sheet.name.clone()}</span>
                                        <span class="sheet-rows">{(text.sheet_rows)(sheet.rows)}</span>
                                        <span class="sheet-first">{format!("{} {first}", text.sheet_starts_with)}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <button type="submit" class="primary" disabled=move || state.busy.get().is_some()>
                        {text.use_sheet}
                    </button>
                </form>
            }
        })
    }
}

/// In the mapping step: the sheet (for a workbook of several) and the
/// header row, each changeable; the rows above the header are said to be
/// ignored.
#[component]
pub fn HeaderRowChoice(state: ModalState) -> impl IntoView {
    let text = crate::i18n::text();
    let sheet_select = move || {
        let (sheets, current) = state.analysis.with(|a| {
            a.as_ref().map(|a| (a.sheets.clone(), a.report.sheet.clone().unwrap_or_default())).unwrap_or_default()
        });
        (sheets.len() > 1).then(|| {
            view! {
                <label>
                    {text.sheet_label}
                    <select
                        id="sheet-select"
                        on:change=move |ev| state.choose_sheet(event_target_value(&ev))
                    >
                        {sheets
                            .into_iter()
                            .map(|s| {
                                let selected = s.name == current;
                                let label = format!("{} ({})", s.name, (text.sheet_rows)(s.rows));
                                view! { <option value=s.name selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    };
    let header_select = move || {
        let (candidates, current, above) = state.analysis.with(|a| {
            a.as_ref()
                .map(|a| (a.header_rows.clone(), a.report.header_line, a.report.rows_above))
                .unwrap_or_default()
        });
        (!candidates.is_empty()).then(|| {
            view! {
                <label>
                    {text.header_row_label}
                    <select
                        id="header-row-select"
                        aria-describedby="rows-above"
                        on:change=move |ev| {
                            if let Ok(line) = event_target_value(&ev).parse::<u64>() {
                                state.choose_header_row(line);
                            }
                        }
                    >
                        {candidates
                            .into_iter()
                            .map(|c| {
                                let selected = c.line == current;
                                view! {
                                    <option value=c.line.to_string() selected=selected>
                                        {(text.header_row_option)(c.line, &c.preview)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <span class="hint" id="rows-above">
                    {(above > 0).then(|| (text.rows_above_ignored)(above))}
                </span>
            }
        })
    };
    view! {
        {sheet_select}
        {header_select}
    }
}
