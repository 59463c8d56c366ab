//! The review step's tools: undo and redo, find and replace, the fixes the
//! errors offer, a fix for a whole column, rows deleted and added, and the
//! grid's filter and sort. The worker does the work; each change is one
//! step to undo, and the live region says what it did and the counts.

use super::state::ModalState;
use crate::analysis::{ChangeOutcome, FixCount, Request, Sort, Target, ViewSpec};
use crate::i18n::Text;
use csv_import_core::RowErrorCode;
use csv_import_core::fix::{Case, Find, Fix};
use leptos::prelude::*;

/// The words for a change's outcome.
fn told_cells(text: &Text, outcome: &ChangeOutcome) -> String {
    (text.tools.changed_cells)(outcome.cells)
}

fn told_rows(text: &Text, outcome: &ChangeOutcome) -> String {
    match outcome.rows_added {
        0 => (text.tools.removed_rows)(outcome.rows_removed),
        n => (text.tools.added_rows)(n),
    }
}

fn told_any(text: &Text, outcome: &ChangeOutcome) -> String {
    match (outcome.cells, outcome.rows_removed, outcome.rows_added) {
        (0, 0, 0) => text.tools.nothing_to_change.to_string(),
        (0, _, _) => told_rows(text, outcome),
        _ => told_cells(text, outcome),
    }
}

/// The label of a fix's button, with the cells it changes.
pub fn fix_label(text: &Text, fix: &Fix, n: u64) -> String {
    let t = text.tools;
    match fix {
        Fix::Trim => (t.trim_n)(n),
        Fix::Case(case) => (t.case_n)(*case, n),
        Fix::Empty => (t.empty_n)(n),
        Fix::Set { value } => (t.set_n)(n, value),
        Fix::ReformatDate { from, to } => (t.dates_n)(n, from, to),
        _ => (t.changed_cells)(n),
    }
}

/// Undo the last change.
pub fn undo(state: ModalState) {
    leptos::task::spawn_local(async move {
        state.change(Request::Undo, |t, o| (t.tools.undone)(&told_any(t, o))).await;
    });
}

/// Do the last undone change again.
pub fn redo(state: ModalState) {
    leptos::task::spawn_local(async move {
        state.change(Request::Redo, |t, o| (t.tools.redone)(&told_any(t, o))).await;
    });
}

/// What a column action of the "Fix a column" form does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Trim,
    Lower,
    Upper,
    Title,
    Empty,
    Set,
    Dates,
}

impl Action {
    const ALL: [Action; 7] =
        [Action::Trim, Action::Lower, Action::Upper, Action::Title, Action::Empty, Action::Set, Action::Dates];

    fn name(self, text: &Text) -> &'static str {
        let t = text.tools;
        match self {
            Action::Trim => t.action_trim,
            Action::Lower => t.action_lower,
            Action::Upper => t.action_upper,
            Action::Title => t.action_title,
            Action::Empty => t.action_empty,
            Action::Set => t.action_set,
            Action::Dates => t.action_dates,
        }
    }

    fn fix(self, value: &str, to: &str) -> Fix {
        match self {
            Action::Trim => Fix::Trim,
            Action::Lower => Fix::Case(Case::Lower),
            Action::Upper => Fix::Case(Case::Upper),
            Action::Title => Fix::Case(Case::Title),
            Action::Empty => Fix::Empty,
            Action::Set => Fix::Set { value: value.to_string() },
            Action::Dates => Fix::ReformatDate { from: value.to_string(), to: to.to_string() },
        }
    }
}

#[component]
pub fn ReviewTools(state: ModalState) -> impl IntoView {
    let text = state.text();
    let t = text.tools;
    let template = state.template();
    // The file's columns: index, header, and the date format of a date field.
    let columns = Memo::new(move |_| {
        state.analysis.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.report
                        .columns
                        .iter()
                        .map(|c| {
                            let field = c.field.as_deref().and_then(|k| template.field(k));
                            let date = field
                                .filter(|f| f.kind == csv_import_core::FieldType::Date)
                                .map(|f| f.formats.first().cloned().unwrap_or_else(|| "YYYY-MM-DD".into()));
                            (c.index, c.header.clone(), date)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let header_of = move |column: usize| columns.with(|c| c.iter().find(|c| c.0 == column).map(|c| c.1.clone()).unwrap_or_default());
    let steps = move || state.analysis.with(|a| a.as_ref().map(|a| a.steps).unwrap_or_default());
    let invalid = move || state.analysis.with(|a| a.as_ref().map_or(0, |a| a.report.rows.invalid));
    let column_options = move || {
        columns.get().into_iter().map(|(i, h, _)| view! { <option value=i.to_string()>{h}</option> }).collect_view()
    };

    // Find and replace, with the count of the cells it would change.
    let find_text = RwSignal::new(String::new());
    let replace_text = RwSignal::new(String::new());
    let find_column = RwSignal::new(None::<usize>);
    let whole_cell = RwSignal::new(false);
    let match_case = RwSignal::new(false);
    let found = RwSignal::new(0_u64);
    let find = move || Find { text: find_text.get(), whole_cell: whole_cell.get(), match_case: match_case.get() };
    Effect::new(move |_| {
        let (find, column) = (find(), find_column.get());
        state.generation.track();
        leptos::task::spawn_local(async move {
            let n = crate::browser::ask::<u64>(&Request::Find { column, find }).await.unwrap_or(0);
            let _ = found.try_set(n);
        });
    });
    let replace = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = Request::Replace { column: find_column.get_untracked(), find: untrack(find), with: replace_text.get_untracked() };
        leptos::task::spawn_local(async move {
            state.change(request, told_cells).await;
        });
    };
    let parse_column = |value: String| value.parse::<usize>().ok();

    // A fix for a whole column, with its count (or what is wrong with it).
    let fix_column = RwSignal::new(None::<usize>);
    let action = RwSignal::new(Action::Lower);
    let action_value = RwSignal::new(String::new());
    let fix_count = RwSignal::new(FixCount::default());
    let date_to = move |column: Option<usize>| {
        column
            .and_then(|c| columns.with(|cols| cols.iter().find(|x| x.0 == c).and_then(|x| x.2.clone())))
            .unwrap_or_else(|| "YYYY-MM-DD".into())
    };
    let column_fix = move || {
        let column = fix_column.get()?;
        Some((Target { column, code: None }, action.get().fix(&action_value.get(), &date_to(Some(column)))))
    };
    Effect::new(move |_| {
        state.generation.track();
        let Some((target, fix)) = column_fix() else {
            fix_count.set(FixCount::default());
            return;
        };
        leptos::task::spawn_local(async move {
            let n = crate::browser::ask::<FixCount>(&Request::CountFix { target, fix }).await.unwrap_or_default();
            let _ = fix_count.try_set(n);
        });
    });
    let apply_column_fix = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((target, fix)) = column_fix() else { return };
        leptos::task::spawn_local(async move {
            state.change(Request::ApplyFix { target, fix }, told_cells).await;
        });
    };

    // Filter and sort: the worker gives the rows shown.
    Effect::new(move |previous: Option<(ViewSpec, bool)>| {
        let now = (state.view.get(), state.only_errors.get());
        if previous.is_some_and(|p| p != now) {
            state.refresh_view();
        }
        now
    });
    let kinds = move || {
        let mut codes: Vec<RowErrorCode> = state.offers.with(|o| o.iter().filter_map(|o| o.target.code).collect());
        codes.sort_by_key(|c| c.as_str());
        codes.dedup();
        codes
    };

    let selected_row = move || state.selected.get().map(|(row, _)| row);
    let marked_n = move || state.marked.with(|m| m.len());
    view! {
        <div class="review-toolbar" role="group" aria-label=t.toolbar>
            <div class="tool-row">
                <button
                    type="button"
                    id="undo"
                    disabled=move || steps().undo == 0
                    aria-keyshortcuts="Control+Z"
                    title=t.undo_keys
                    on:click=move |_| undo(state)
                >{t.undo}</button>
                <button
                    type="button"
                    id="redo"
                    disabled=move || steps().redo == 0
                    aria-keyshortcuts="Control+Shift+Z"
                    title=t.redo_keys
                    on:click=move |_| redo(state)
                >{t.redo}</button>
                <span class="tool-sep" aria-hidden="true"></span>
                <button
                    type="button"
                    id="delete-rows"
                    disabled=move || marked_n() == 0 && selected_row().is_none()
                    on:click=move |_| {
                        // The rows ticked, else the row of the cell with the focus.
                        let rows: Vec<u64> = match marked_n() {
                            0 => selected_row().into_iter().collect(),
                            _ => state.marked.get_untracked().into_iter().collect(),
                        };
                        if rows.is_empty() {
                            return;
                        }
                        leptos::task::spawn_local(async move {
                            if state.change(Request::DeleteRows { rows }, told_rows).await.is_some() {
                                state.selected.set(None);
                            }
                        });
                    }
                >{move || match (marked_n(), selected_row()) {
                    (0, Some(row)) => (t.delete_row)(row),
                    (0, None) => (t.delete_row)(0).replace(" 0", ""),
                    (n, _) => (t.delete_marked)(n as u64),
                }}</button>
                <Show when=move || { marked_n() > 0 }>
                    <button
                        type="button"
                        id="clear-marks"
                        on:click=move |_| {
                            state.marked.set(Default::default());
                            state.mark_anchor.set(None);
                        }
                    >{t.clear_marks}</button>
                </Show>
                <button
                    type="button"
                    id="delete-invalid"
                    disabled=move || invalid() == 0
                    on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            state.change(Request::DeleteInvalid, told_rows).await;
                        });
                    }
                >{move || (t.delete_invalid)(invalid())}</button>
                <button
                    type="button"
                    id="add-row"
                    on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            if let Some(outcome) = state.change(Request::AddRow, told_rows).await {
                                if let Some(row) = outcome.added {
                                    state.edit_request.set(Some((row, 0)));
                                }
                            }
                        });
                    }
                >{t.add_row}</button>
            </div>
            {move || {
                let offers: Vec<_> = state.offers.get().into_iter().filter(|o| !o.fixes.is_empty()).collect();
                (!offers.is_empty()).then(|| view! {
                    <section class="fix-offers" aria-label=t.fixes>
                        <h3>{t.fixes}</h3>
                        <ul>
                            {offers.into_iter().map(|offer| {
                                let kind = offer.target.code.map(|c| (t.kind)(c)).unwrap_or_default();
                                let label = (t.offer)(&header_of(offer.target.column), offer.errors, kind);
                                let target = offer.target;
                                view! {
                                    <li>
                                        <span class="offer-label">{label}</span>
                                        {offer.fixes.into_iter().map(|(fix, n)| {
                                            let name = fix_label(text, &fix, n);
                                            view! {
                                                <button type="button" class="fix" on:click=move |_| {
                                                    let fix = fix.clone();
                                                    leptos::task::spawn_local(async move {
                                                        state.change(Request::ApplyFix { target, fix }, told_cells).await;
                                                    });
                                                }>{name}</button>
                                            }
                                        }).collect_view()}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            }}
            <details class="tool-panel" id="find-replace">
                <summary>{t.find_replace}</summary>
                <form on:submit=replace>
                    <label>{t.find}" "<input type="text" id="find-text" prop:value=find_text on:input=move |ev| find_text.set(event_target_value(&ev))/></label>
                    <label>{t.replace_with}" "<input type="text" id="replace-text" prop:value=replace_text on:input=move |ev| replace_text.set(event_target_value(&ev))/></label>
                    <label>{t.in_column}" "
                        <select id="find-column" on:change=move |ev| find_column.set(parse_column(event_target_value(&ev)))>
                            <option value="">{t.all_columns}</option>
                            {column_options}
                        </select>
                    </label>
                    <label class="toggle"><input type="checkbox" prop:checked=whole_cell on:change=move |ev| whole_cell.set(event_target_checked(&ev))/>{t.whole_cell}</label>
                    <label class="toggle"><input type="checkbox" prop:checked=match_case on:change=move |ev| match_case.set(event_target_checked(&ev))/>{t.match_case}</label>
                    <button type="submit" disabled=move || found.get() == 0>{move || (t.replace_n)(found.get())}</button>
                </form>
            </details>
            <details class="tool-panel" id="column-fix">
                <summary>{t.column_fix}</summary>
                <form on:submit=apply_column_fix>
                    <label>{t.in_column}" "
                        <select id="fix-column" on:change=move |ev| fix_column.set(parse_column(event_target_value(&ev)))>
                            <option value="">"—"</option>
                            {column_options}
                        </select>
                    </label>
                    <label>{t.action}" "
                        <select id="fix-action" on:change=move |ev| {
                            let at = event_target_value(&ev).parse::<usize>().unwrap_or(0);
                            action.set(Action::ALL[at.min(Action::ALL.len() - 1)]);
                        }>
                            {Action::ALL.iter().enumerate().map(|(i, a)| view! {
                                <option value=i.to_string() selected=*a == Action::Lower>{a.name(text)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    {move || matches!(action.get(), Action::Set | Action::Dates).then(|| view! {
                        <label>{if action.get() == Action::Dates { t.dates_written_as } else { t.value }}" "
                            <input
                                type="text"
                                id="fix-value"
                                placeholder=move || (action.get() == Action::Dates).then_some("DD/MM/YYYY")
                                prop:value=action_value
                                on:input=move |ev| action_value.set(event_target_value(&ev))
                            />
                        </label>
                    })}
                    <button type="submit" disabled=move || fix_count.with(|c| c.cells == 0)>
                        {move || match column_fix() {
                            Some((_, fix)) => fix_label(text, &fix, fix_count.with(|c| c.cells)),
                            None => t.column_fix.to_string(),
                        }}
                    </button>
                    {move || fix_count.with(|c| c.error.clone()).map(|e| view! { <span class="error" role="alert">{e}</span> })}
                </form>
            </details>
            <div class="tool-row view-tools">
                <label>{t.errors_in}" "
                    <select id="filter-column" on:change=move |ev| {
                        let column = parse_column(event_target_value(&ev));
                        state.view.update(|v| v.column = column);
                    }>
                        <option value="">{t.any_column}</option>
                        {column_options}
                    </select>
                </label>
                <label>{t.error_kind}" "
                    <select id="filter-kind" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let code = kinds().into_iter().find(|c| c.as_str() == value);
                        state.view.update(|v| v.code = code);
                    }>
                        <option value="">{t.any_kind}</option>
                        {move || kinds().into_iter().map(|c| view! {
                            // Chosen from the view: the options are drawn again whenever the errors change.
                            <option value=c.as_str() selected=move || state.view.with(|v| v.code == Some(c))>{(t.kind)(c)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t.sort_by}" "
                    <select id="sort-column" on:change=move |ev| {
                        let column = parse_column(event_target_value(&ev));
                        state.view.update(|v| v.sort = column.map(|column| Sort { column, descending: v.sort.is_some_and(|s| s.descending) }));
                    }>
                        <option value="">{t.file_order}</option>
                        {column_options}
                    </select>
                </label>
                <select
                    id="sort-direction"
                    aria-label=t.sort_order
                    disabled=move || state.view.with(|v| v.sort.is_none())
                    on:change=move |ev| {
                        let descending = event_target_value(&ev) == "desc";
                        state.view.update(|v| if let Some(s) = v.sort.as_mut() { s.descending = descending });
                    }
                >
                    <option value="asc">{t.ascending}</option>
                    <option value="desc">{t.descending}</option>
                </select>
            </div>
        </div>
        <p class="visually-hidden" id="review-announce" role="status" aria-live="polite">{move || state.announce.get()}</p>
    }
}
