//! The review grid: every row of the file, virtualised (only the rows in
//! view are in the page), invalid cells marked with their reason, cells
//! editable in place.

use super::state::ModalState;
use csv_import_core::FieldType;
use leptos::prelude::*;

/// Height of a row in pixels; fixed, so the rows in view follow from the scroll position.
const ROW_HEIGHT: f64 = 36.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;
/// Height of the scrolling area in pixels.
const VIEW_HEIGHT: f64 = 432.0;

#[component]
pub fn Grid(state: ModalState) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0_f64);
    let editing = RwSignal::new(None::<(usize, usize)>);
    let template = state.template();
    // The key column, whose values existing records may have already.
    let key_column = Memo::new(move |_| super::existing::key_column(&state).map(|(_, c)| c));

    // Columns of the file with the field each maps to; password columns are masked.
    let columns = Memo::new(move |_| {
        state.analysis.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.report
                        .columns
                        .iter()
                        .map(|c| {
                            let field = c.field.as_deref().and_then(|k| template.field(k));
                            let secret = field.is_some_and(|f| f.kind == FieldType::Password);
                            let label = field.map(|f| f.header().to_string()).or(c.attribute.clone());
                            (c.header.clone(), label, secret)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });

    // Indexes of the rows shown: all, or only those with errors.
    let shown = Memo::new(move |_| {
        let only_errors = state.only_errors.get();
        state.errors.with(|errors| {
            state.analysis.with(|a| {
                a.as_ref()
                    .map(|a| {
                        a.rows
                            .iter()
                            .enumerate()
                            .filter(|(_, r)| !only_errors || errors.contains_key(&r.row))
                            .map(|(i, _)| i)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        })
    });

    let commit = move |index: usize, column: usize, value: String| {
        editing.set(None);
        let mut changed = false;
        state.analysis.update(|a| {
            if let Some(row) = a.as_mut().and_then(|a| a.rows.get_mut(index)) {
                if row.cells.len() <= column {
                    row.cells.resize(column + 1, String::new());
                }
                if row.cells[column] != value {
                    row.cells[column] = value;
                    changed = true;
                }
            }
        });
        if changed {
            state.recheck();
        }
    };

    let body = move || {
        let shown = shown.get();
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let last = (first + (VIEW_HEIGHT / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(shown.len());
        let columns = columns.get();
        let width = columns.len();
        state.errors.with(|errors| {
            state.analysis.with(|a| {
                let Some(a) = a else { return Vec::new() };
                shown[first.min(last)..last]
                    .iter()
                    .enumerate()
                    .map(|(offset, &index)| {
                        let row = &a.rows[index];
                        let row_errors = errors.get(&row.row);
                        let top = (first + offset) as f64 * ROW_HEIGHT;
                        let row_level: Vec<String> =
                            row_errors.map(|e| e.row.iter().map(|e| e.message.clone()).collect()).unwrap_or_default();
                        let cells = (0..width)
                            .map(|column| {
                                let text = row.cells.get(column).cloned().unwrap_or_default();
                                let (_, _, secret) = &columns[column];
                                let secret = *secret;
                                let reasons: Vec<String> = row_errors
                                    .and_then(|e| e.cells.get(&column))
                                    .map(|list| list.iter().map(|e| e.message.clone()).collect())
                                    .unwrap_or_default();
                                let invalid = !reasons.is_empty();
                                let exists = !invalid
                                    && key_column.get() == Some(column)
                                    && state.existing.with(|e| e.contains(&super::existing::key_text(&text)));
                                let reason_id = format!("reason-{}-{column}", row.row);
                                let reason = reasons.join(" ");
                                let is_editing = editing.get() == Some((index, column));
                                let shown_text = if secret && !text.is_empty() { "••••••••".to_string() } else { text.clone() };
                                if is_editing {
                                    let input = NodeRef::<leptos::html::Input>::new();
                                    Effect::new(move |_| {
                                        if let Some(input) = input.get() {
                                            let _ = input.focus();
                                            input.select();
                                        }
                                    });
                                    let done = std::cell::Cell::new(false);
                                    let finish = std::rc::Rc::new(move |value: Option<String>| {
                                        if done.replace(true) {
                                            return;
                                        }
                                        match value {
                                            Some(value) => commit(index, column, value),
                                            None => editing.set(None),
                                        }
                                    });
                                    let on_key = {
                                        let finish = finish.clone();
                                        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                                            "Enter" => {
                                                // Stop here: the events are delegated, and the cell that
                                                // replaces this input must not see this Enter and reopen.
                                                ev.prevent_default();
                                                ev.stop_propagation();
                                                let value = event_target_value(&ev);
                                                let finish = finish.clone();
                                                queue_microtask(move || finish(Some(value)));
                                            }
                                            "Escape" => {
                                                ev.prevent_default();
                                                ev.stop_propagation();
                                                finish(None);
                                            }
                                            _ => {}
                                        }
                                    };
                                    view! {
                                        <div role="gridcell" class="cell editing" class:invalid=invalid>
                                            <input
                                                node_ref=input
                                                type=if secret { "password" } else { "text" }
                                                value=text
                                                aria-label=format!("Row {}, {}", row.row, columns[column].0)
                                                on:keydown=on_key
                                                on:blur=move |ev| finish(Some(event_target_value(&ev)))
                                            />
                                        </div>
                                    }
                                    .into_any()
                                } else {
                                    view! {
                                        <div
                                            role="gridcell"
                                            class="cell"
                                            class:invalid=invalid
                                            class:exists=exists
                                            tabindex=if invalid { "0" } else { "-1" }
                                            aria-invalid=invalid.then_some("true")
                                            aria-describedby=invalid.then(|| reason_id.clone())
                                            title=if invalid {
                                                Some(reason.clone())
                                            } else {
                                                exists.then(|| "Matches an existing record: importing this row updates it.".to_string())
                                            }
                                            data-row=row.row
                                            data-column=column
                                            on:dblclick=move |_| editing.set(Some((index, column)))
                                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                                if ev.key() == "Enter" || ev.key() == "F2" {
                                                    ev.prevent_default();
                                                    editing.set(Some((index, column)));
                                                }
                                            }
                                        >
                                            <span class="cell-text">{shown_text}</span>
                                            {invalid.then(|| {
                                                let (id, text) = (reason_id.clone(), reason.clone());
                                                view! { <span class="cell-reason" id=id role="tooltip">{text}</span> }
                                            })}
                                        </div>
                                    }
                                    .into_any()
                                }
                            })
                            .collect_view();
                        let row_title = row_level.join(" ");
                        view! {
                            <div
                                role="row"
                                class="grid-row"
                                class:has-errors=row_errors.is_some()
                                style=format!("top:{top}px")
                                aria-rowindex=row.row + 1
                            >
                                <div role="rowheader" class="cell row-number" title=(!row_title.is_empty()).then_some(row_title.clone())>
                                    {row.row}
                                    {(!row_level.is_empty()).then(|| view! {
                                        <span class="row-flag" aria-label=format!("Row problem: {row_title}")>"!"</span>
                                    })}
                                </div>
                                {cells}
                            </div>
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
    };

    let template_columns = move || {
        let n = columns.with(Vec::len);
        format!("grid-template-columns: 4.5rem repeat({n}, minmax(9rem, 1fr)); --ci-cols:{n}")
    };
    view! {
        <div
            class="grid"
            role="grid"
            aria-label="Rows of the file"
            aria-rowcount=move || shown.with(Vec::len) + 1
            style=format!("height:{VIEW_HEIGHT}px")
            on:scroll=move |ev| {
                let target: Option<web_sys::Element> = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into(t).ok());
                if let Some(target) = target {
                    scroll_top.set(target.scroll_top() as f64);
                }
            }
        >
            <div role="row" class="grid-row grid-head" style=template_columns aria-rowindex="1">
                <div role="columnheader" class="cell row-number">"Row"</div>
                {move || columns.get()
                    .into_iter()
                    .map(|(header, field, _)| { let unmapped = field.is_none(); view! {
                        <div role="columnheader" class="cell" class:unmapped=unmapped>
                            <span class="head-name">{header}</span>
                            <span class="head-field">{field.map(|f| format!("→ {f}")).unwrap_or_else(|| "ignored".into())}</span>
                        </div>
                    }})
                    .collect_view()}
            </div>
            <div class="grid-body" style=move || format!("height:{}px;{}", shown.with(Vec::len) as f64 * ROW_HEIGHT, template_columns())>
                {body}
            </div>
        </div>
        {move || shown.with(Vec::is_empty).then(|| view! {
            <p class="notice">{move || if state.only_errors.get() { "No row has an error." } else { "The file has no data rows." }}</p>
        })}
    }
}
