//! The review grid: every row of the file, virtualised (only the rows in
//! view are in the page, fetched from the worker that holds the file),
//! invalid cells marked with their reason, cells editable in place.
//!
//! A million rows are too tall for a browser to scroll (element heights
//! stop at about 33 million pixels), so past a limit the scroll bar is
//! scaled: its position says where in the file the view is.

use super::state::ModalState;
use crate::analysis::{Request, ViewRow};
use csv_import_core::FieldType;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use wasm_bindgen::JsCast;

/// Height of a row in pixels; fixed, so the rows in view follow from the scroll position.
const ROW_HEIGHT: f64 = 36.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
const OVERSCAN: usize = 8;
/// Height of the scrolling area in pixels.
const VIEW_HEIGHT: f64 = 432.0;
/// The tallest the scrolled body is made; taller files scale the scroll bar.
const MAX_BODY: f64 = 8_000_000.0;
/// Rows kept fetched before the cache is emptied down to the rows in view.
const CACHE_ROWS: usize = 4_000;
/// Width of a column nobody resized: at least this, sharing what is left.
const DEFAULT_COLUMN: &str = "minmax(9rem, 1fr)";
/// The narrowest and widest a resized column may be, in pixels.
const MIN_WIDTH: f64 = 48.0;
const MAX_WIDTH: f64 = 1_200.0;
/// How far an arrow key moves a column's edge, in pixels (Shift: four times).
const KEY_STEP: f64 = 16.0;
/// The cells' padding and border, added to the widest text when fitting a column.
const CELL_PADDING: f64 = 18.0;

/// The grid's columns: the row numbers, then each file column at its
/// resized width (pixels) or the default; and the width all of them need.
fn column_template(widths: &[Option<f64>]) -> (String, String) {
    let mut template = String::from("4.5rem");
    let mut fixed = 0.0;
    let mut flexible = 0;
    for width in widths {
        match width {
            Some(w) => {
                template.push_str(&format!(" {w:.0}px"));
                fixed += w;
            }
            None => {
                template.push(' ');
                template.push_str(DEFAULT_COLUMN);
                flexible += 1;
            }
        }
    }
    (template, format!("calc(4.5rem + {fixed:.0}px + {flexible} * 9rem)"))
}

/// Keeps the focus in the grid while it jumps to a row not drawn yet: the
/// cell that had it goes with the rows scrolled away, and a key pressed
/// before the new cell is drawn would otherwise reach the page.
fn hold_focus(grid: &web_sys::HtmlDivElement) {
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = grid.focus_with_options(&options);
}

/// A resized width kept within bounds.
fn clamp_width(width: f64) -> f64 {
    width.clamp(MIN_WIDTH, MAX_WIDTH).round()
}

/// A row in view: its number, its place in the rows shown, what it shows
/// (`None` while it is fetched) and a stamp of that.
#[derive(Clone)]
struct Item {
    number: u64,
    index: usize,
    row: Option<ViewRow>,
    stamp: u64,
}

/// Where the rows in view are: for a scroll position, the first row index
/// drawn, how many, and each one's top in pixels.
fn layout(scroll_top: f64, count: usize) -> (usize, usize, f64) {
    let full = count as f64 * ROW_HEIGHT;
    let body = full.min(MAX_BODY);
    // The offset into the (unscaled) list that this scroll position shows.
    let offset = if body < full && body > VIEW_HEIGHT {
        scroll_top.min(body - VIEW_HEIGHT) * (full - VIEW_HEIGHT) / (body - VIEW_HEIGHT)
    } else {
        scroll_top
    };
    let first = ((offset / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN).min(count);
    let last = (first + (VIEW_HEIGHT / ROW_HEIGHT) as usize + 2 * OVERSCAN).min(count);
    // Row k is drawn at scroll_top + (k * ROW_HEIGHT - offset).
    (first, last - first, scroll_top - offset)
}

#[component]
pub fn Grid(state: ModalState) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0_f64);
    let editing = RwSignal::new(None::<(u64, usize)>);
    // The cell the value bar shows (the one with the focus last), and the
    // value being typed while a cell is edited.
    let selected = state.selected;
    let typed = RwSignal::new(String::new());
    // Each column's width once the user resized it (pixels), and a drag
    // under way: the column, where the pointer started, the width then.
    let widths = RwSignal::new(Vec::<Option<f64>>::new());
    let dragging = StoredValue::new(None::<(usize, f64, f64)>);
    let grid_ref = NodeRef::<leptos::html::Div>::new();
    // A row to focus the first invalid cell of, once it is drawn (Tab past the view).
    let focus_row = RwSignal::new(None::<u64>);
    // Rows asked for and not answered yet, for the current generation.
    let requested: StoredValue<(u64, HashSet<u64>)> = StoredValue::new((0, HashSet::new()));
    let template = state.template();
    // The key column, whose values existing records may have already.
    let key_column = Memo::new(move |_| super::existing::key_column(&state).map(|(_, c)| c));
    // A template whose matches are added again (`on_match = "add_again"`), not updated: the mark says so.
    let exists_note = if super::existing::duplicates(&template) {
        state.text().already_registered
    } else {
        state.text().matches_existing
    };

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

    // How many rows are shown (all, or only those with errors): no list of
    // a million indexes is built, so the filter is instant.
    let count = Memo::new(move |_| {
        let only_errors = state.only_errors.get();
        if let Some(n) = state.order.with(|o| o.as_ref().map(Vec::len)) {
            return n;
        }
        state.analysis.with(|a| {
            a.as_ref()
                .map(|a| if only_errors { a.error_rows.len() } else { a.report.rows.total as usize })
                .unwrap_or(0)
        })
    });
    let row_at = move |i: usize| -> Option<u64> {
        if let Some(found) = state.order.with_untracked(|o| o.as_ref().map(|o| o.get(i).copied())) {
            return found;
        }
        if state.only_errors.get_untracked() {
            state.analysis.with_untracked(|a| a.as_ref().and_then(|a| a.error_rows.get(i).copied()))
        } else {
            Some(i as u64 + 1)
        }
    };
    // Tick a row for deletion, or untick it; with `range`, tick every row
    // shown from the last one ticked to this one.
    let mark = move |index: usize, number: u64, range: bool| {
        match (range, state.mark_anchor.get_untracked()) {
            (true, Some(from)) => {
                let rows: Vec<u64> = (from.min(index)..=from.max(index)).filter_map(row_at).collect();
                state.marked.update(|m| m.extend(rows));
            }
            _ => state.marked.update(|m| {
                if !m.remove(&number) {
                    m.insert(number);
                }
            }),
        }
        state.mark_anchor.set(Some(index));
    };
    // The row numbers in view.
    let in_view = Memo::new(move |_| {
        let (first, n, _) = layout(scroll_top.get(), count.get());
        state.only_errors.track();
        state.order.track();
        state.analysis.with(|_| ());
        (first..first + n).filter_map(row_at).collect::<Vec<u64>>()
    });
    // A new filter starts at the top.
    Effect::new(move |previous: Option<bool>| {
        let only = state.only_errors.get();
        if previous.is_some_and(|p| p != only) {
            if let Some(grid) = grid_ref.get_untracked() {
                grid.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        }
        only
    });

    // Fetch the rows in view that are not here yet.
    Effect::new(move |_| {
        let wanted = in_view.get();
        let generation = state.generation.get();
        requested.update_value(|(asked_in, asked)| {
            if *asked_in != generation || asked.len() > CACHE_ROWS {
                *asked_in = generation;
                asked.clear();
            }
        });
        let missing: Vec<u64> = state.rows.with_untracked(|rows| {
            requested.with_value(|(_, asked)| {
                wanted.iter().copied().filter(|row| !rows.contains_key(row) && !asked.contains(row)).collect()
            })
        });
        if missing.is_empty() {
            return;
        }
        requested.update_value(|(_, asked)| asked.extend(missing.iter().copied()));
        leptos::task::spawn_local(async move {
            let answer = crate::browser::ask::<Vec<ViewRow>>(&Request::Rows { rows: missing.clone() }).await;
            if state.generation.try_get_untracked() != Some(generation) {
                // Checked again meanwhile: these are out of date, and asked for again.
                return;
            }
            requested.update_value(|(_, asked)| {
                for row in &missing {
                    asked.remove(row);
                }
            });
            let Ok(rows) = answer else { return };
            state.rows.update(|cache| {
                if cache.len() > CACHE_ROWS {
                    let keep: HashSet<u64> = in_view.get_untracked().into_iter().collect();
                    cache.retain(|row, _| keep.contains(row));
                }
                for row in rows {
                    cache.insert(row.row, row);
                }
            });
        });
    });

    // Focus the first invalid cell of a row reached by Tab once it is drawn.
    Effect::new(move |_| {
        let Some(row) = focus_row.get() else { return };
        let drawn = state.rows.with(|rows| rows.contains_key(&row));
        if !drawn {
            return;
        }
        let Some(grid) = grid_ref.get_untracked() else { return };
        request_animation_frame(move || {
            // A Tab pressed meanwhile has gone on to a later row: that one gets the focus.
            if focus_row.get_untracked() != Some(row) {
                return;
            }
            if let Ok(Some(cell)) = grid.query_selector(&format!(".cell.invalid[data-row=\"{row}\"]")) {
                if let Ok(cell) = cell.dyn_into::<web_sys::HtmlElement>() {
                    let _ = cell.focus();
                }
            }
            focus_row.set(None);
        });
    });

    // Where a row is among the rows shown.
    let index_of = move |row: u64| -> Option<usize> {
        if let Some(found) = state.order.with_untracked(|o| o.as_ref().map(|o| o.iter().position(|r| *r == row))) {
            return found;
        }
        if state.only_errors.get_untracked() {
            state.analysis.with_untracked(|a| a.as_ref().and_then(|a| a.error_rows.binary_search(&row).ok()))
        } else {
            Some(row as usize - 1)
        }
    };
    // Scroll so that the row at `index` is in view, near the top.
    let scroll_to = move |grid: &web_sys::HtmlDivElement, index: usize| {
        let n = count.get_untracked();
        let full = n as f64 * ROW_HEIGHT;
        let body = full.min(MAX_BODY);
        let target = (index as f64 * ROW_HEIGHT - ROW_HEIGHT * 2.0).max(0.0);
        let top = if body < full && body > VIEW_HEIGHT {
            target * (body - VIEW_HEIGHT) / (full - VIEW_HEIGHT)
        } else {
            target
        };
        grid.set_scroll_top(top as i32);
        scroll_top.set(top);
    };
    // A cell to focus once it is drawn (the arrow keys past the rows in view).
    let focus_cell = RwSignal::new(None::<(u64, usize)>);
    Effect::new(move |_| {
        let Some((row, column)) = focus_cell.get() else { return };
        if !state.rows.with(|rows| rows.contains_key(&row)) {
            return;
        }
        let Some(grid) = grid_ref.get_untracked() else { return };
        request_animation_frame(move || {
            if focus_cell.get_untracked() != Some((row, column)) {
                return;
            }
            let selector = format!(".cell[data-row=\"{row}\"][data-column=\"{column}\"]");
            if let Ok(Some(cell)) = grid.query_selector(&selector) {
                if let Ok(cell) = cell.dyn_into::<web_sys::HtmlElement>() {
                    let _ = cell.focus();
                }
            }
            focus_cell.set(None);
        });
    });
    // After a change made from the grid (Ctrl+Z on a cell), the cell gets the focus back.
    Effect::new(move |_| {
        if let Some(cell) = state.refocus.get() {
            state.refocus.set(None);
            focus_cell.set(Some(cell));
        }
    });
    // The arrow keys move between cells, as in a spreadsheet: every cell is reachable.
    let arrow = move |ev: &leptos::ev::KeyboardEvent, row: u64, column: usize| -> bool {
        // Quick presses go on from the cell the last one went to, not drawn yet.
        let (row, column) = focus_cell.get_untracked().unwrap_or((row, column));
        let width = columns.with_untracked(Vec::len);
        let (dr, dc): (i64, i64) = match ev.key().as_str() {
            "ArrowUp" => (-1, 0),
            "ArrowDown" => (1, 0),
            "ArrowLeft" => (0, -1),
            "ArrowRight" => (0, 1),
            "Home" => (0, -(column as i64)),
            "End" => (0, width as i64 - 1 - column as i64),
            _ => return false,
        };
        ev.prevent_default();
        let column = (column as i64 + dc).clamp(0, width.saturating_sub(1) as i64) as usize;
        let Some(index) = index_of(row) else { return true };
        let target = (index as i64 + dr).clamp(0, count.get_untracked().saturating_sub(1) as i64) as usize;
        let Some(next) = row_at(target) else { return true };
        if let Some(grid) = grid_ref.get_untracked() {
            let (first, n, _) = layout(scroll_top.get_untracked(), count.get_untracked());
            // Keep a row of margin: the rows at the edges are the overscan, out of sight.
            if target + 1 < first + OVERSCAN || target + 1 >= first + n - OVERSCAN {
                hold_focus(&grid);
                scroll_to(&grid, target);
            }
        }
        focus_cell.set(Some((next, column)));
        true
    };
    // A row just added: scroll to it and edit its first cell.
    Effect::new(move |_| {
        let Some((row, column)) = state.edit_request.get() else { return };
        state.order.track();
        let Some(index) = index_of(row) else { return };
        if index >= count.get() {
            return;
        }
        if let Some(grid) = grid_ref.get_untracked() {
            scroll_to(&grid, index);
        }
        state.edit_request.set(None);
        editing.set(Some((row, column)));
    });

    // Jump to the next row with an error after `from`, wherever it is; false
    // when there is none, or when a sorted or filtered view decides what is next.
    let tab_past = move |grid: &web_sys::HtmlDivElement, from: u64| -> bool {
        let next = state.analysis.with_untracked(|a| {
            a.as_ref().and_then(|a| {
                let at = a.error_rows.partition_point(|&r| r <= from);
                a.error_rows.get(at).copied()
            })
        });
        let Some(next) = next else { return false };
        if state.order.with_untracked(Option::is_some) {
            return false;
        }
        hold_focus(grid);
        scroll_to(grid, index_of(next).unwrap_or(0));
        focus_row.set(Some(next));
        true
    };
    // Tab from the last invalid cell in view: on to the next row with an error.
    let tab_on = move |ev: &leptos::ev::KeyboardEvent, row: u64| {
        if ev.key() != "Tab" || ev.shift_key() {
            return;
        }
        let Some(grid) = grid_ref.get_untracked() else { return };
        // Later rows drawn with an invalid cell: the browser's own Tab reaches them.
        let later_in_view = state.rows.with_untracked(|cache| {
            in_view.get_untracked().iter().any(|r| {
                *r > row && cache.get(r).is_some_and(|v| v.errors.iter().any(|e| e.column.is_some()))
            })
        });
        if !later_in_view && tab_past(&grid, row) {
            ev.prevent_default();
        }
    };
    // A key pressed while the grid holds the focus between a jump and the
    // cell it goes to: it goes on from that cell, so quick presses are not lost.
    let on_grid_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.target() != ev.current_target() {
            return;
        }
        let Some(grid) = grid_ref.get_untracked() else { return };
        if let Some(row) = focus_row.get_untracked() {
            if ev.key() == "Tab" && !ev.shift_key() {
                ev.prevent_default();
                tab_past(&grid, row);
            }
        } else if let Some((row, column)) = focus_cell.get_untracked() {
            arrow(&ev, row, column);
        }
    };

    let commit = move |row: u64, column: usize, value: String| {
        editing.set(None);
        let same = state.rows.with_untracked(|rows| {
            rows.get(&row).map(|r| r.cells.get(column).map(String::as_str).unwrap_or("") == value)
        });
        if same == Some(false) {
            state.edit(row, column, value);
        }
    };

    // The rows in view, each with a stamp of what it shows: a row whose
    // stamp is unchanged keeps its elements when the view scrolls (and the
    // cell that has the focus keeps it).
    let items = move || {
        let (first, _, _) = layout(scroll_top.get(), count.get());
        let only = state.only_errors.get();
        let editing_now = editing.get();
        let existing_n = state.existing.with(|e| e.len());
        let width = columns.with(Vec::len);
        let numbers = in_view.get();
        state.rows.with(|cache| {
            numbers
                .into_iter()
                .enumerate()
                .map(|(offset, number)| {
                    let row = cache.get(&number).cloned();
                    let mut hasher = std::hash::DefaultHasher::new();
                    if let Some(r) = &row {
                        r.cells.hash(&mut hasher);
                        for e in &r.errors {
                            (e.column, &e.message).hash(&mut hasher);
                        }
                    }
                    (row.is_some(), only, first + offset, editing_now.filter(|(r, _)| *r == number), existing_n, width).hash(&mut hasher);
                    Item { number, index: first + offset, row, stamp: hasher.finish() }
                })
                .collect::<Vec<_>>()
        })
    };

    let render_row = move |item: Item| {
        let index = item.index;
        let top = move || {
            let (_, _, shift) = layout(scroll_top.get(), count.get());
            format!("top:{}px", shift + index as f64 * ROW_HEIGHT)
        };
        let number = item.number;
        let columns = columns.get_untracked();
        let width = columns.len();
        let existing_key = key_column.get_untracked();
        let Some(row) = item.row else {
            return view! {
                <div role="row" class="grid-row loading" style=top aria-rowindex=number + 1>
                    <div role="rowheader" class="cell row-number">{number}</div>
                    <div role="gridcell" class="cell placeholder" aria-busy="true">"…"</div>
                </div>
            }
            .into_any();
        };
        let mut by_cell: HashMap<usize, Vec<String>> = HashMap::new();
        let mut row_level: Vec<String> = Vec::new();
        for e in &row.errors {
            match e.column {
                Some(c) => by_cell.entry(c).or_default().push(e.message.clone()),
                None => row_level.push(e.message.clone()),
            }
        }
        let has_errors = !row.errors.is_empty();
        let number = row.row;
        let cells = (0..width)
            .map(|column| {
                let text = row.cells.get(column).cloned().unwrap_or_default();
                let secret = columns[column].2;
                let reasons = by_cell.get(&column).cloned().unwrap_or_default();
                let invalid = !reasons.is_empty();
                let exists = !invalid
                    && existing_key == Some(column)
                    && state.existing.with_untracked(|e| e.contains(&super::existing::key_text(&text)));
                let reason_id = format!("reason-{number}-{column}");
                let reason = reasons.join(" ");
                let is_editing = editing.get_untracked() == Some((number, column));
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
                            Some(value) => commit(number, column, value),
                            None => editing.set(None),
                        }
                    });
                    let on_key = {
                        let finish = finish.clone();
                        // Left with a key, the cell that replaces the input
                        // takes the focus back, rather than the page.
                        let finish = move |value: Option<String>| {
                            finish(value);
                            state.refocus.set(Some((number, column)));
                        };
                        let finish = std::rc::Rc::new(finish);
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
                            // Saved, the focus on the cell: Tab then goes on
                            // from there as from any cell.
                            "Tab" => {
                                ev.prevent_default();
                                ev.stop_propagation();
                                finish(Some(event_target_value(&ev)));
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
                                aria-label={(crate::i18n::text().cell_label)(state.shown_row(number, row.line), &columns[column].0)}
                                on:input=move |ev| typed.set(event_target_value(&ev))
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
                            tabindex=if invalid || selected.get_untracked() == Some((number, column)) || (index == 0 && column == 0) { "0" } else { "-1" }
                            aria-invalid=invalid.then_some("true")
                            aria-describedby=invalid.then(|| reason_id.clone())
                            title=if invalid {
                                Some(reason.clone())
                            } else {
                                exists.then(|| exists_note.to_string())
                            }
                            data-row=number
                            data-column=column
                            on:dblclick=move |_| editing.set(Some((number, column)))
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == " " && ev.shift_key() {
                                    ev.prevent_default();
                                    mark(index, number, false);
                                } else if ev.key() == "Enter" || ev.key() == "F2" {
                                    ev.prevent_default();
                                    editing.set(Some((number, column)));
                                } else if arrow(&ev, number, column) {
                                } else if invalid {
                                    tab_on(&ev, number);
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
        let marked = move || state.marked.with(|m| m.contains(&number));
        let shown = state.shown_row(number, row.line);
        view! {
            <div
                role="row"
                class="grid-row"
                class:has-errors=has_errors
                class:marked=marked
                aria-selected=move || if marked() { "true" } else { "false" }
                style=top
                aria-rowindex=number + 1
            >
                <div role="rowheader" class="cell row-number" title=(!row_title.is_empty()).then_some(row_title.clone())>
                    // Reached by Shift+Space from the row's cells: not a Tab stop of its own.
                    <input
                        type="checkbox"
                        class="row-mark"
                        tabindex="-1"
                        prop:checked=marked
                        aria-label=(crate::i18n::text().tools.mark_row)(shown)
                        title=crate::i18n::text().tools.mark_hint
                        on:click=move |ev: leptos::ev::MouseEvent| mark(index, number, ev.shift_key())
                    />
                    {shown}
                    {(!row_level.is_empty()).then(|| view! {
                        <span class="row-flag" aria-label=(crate::i18n::text().row_problem)(&row_title)>"!"</span>
                    })}
                </div>
                {cells}
            </div>
        }
        .into_any()
    };

    // The cell being edited is the one the value bar shows, from its value.
    Effect::new(move |_| {
        if let Some((row, column)) = editing.get() {
            let value = state.rows.with_untracked(|rows| rows.get(&row).and_then(|r| r.cells.get(column).cloned()));
            typed.set(value.unwrap_or_default());
            selected.set(Some((row, column)));
        }
    });
    // What the value bar shows: where, the full value (masked as the grid
    // masks it), and whether it is being edited.
    let bar = move || {
        let editing_now = editing.get();
        let (row, column) = editing_now.or(selected.get())?;
        let (header, _, secret) = columns.with(|c| c.get(column).cloned())?;
        let value = match editing_now {
            Some(_) => typed.get(),
            None => state.rows.with(|rows| rows.get(&row).and_then(|r| r.cells.get(column).cloned()))?,
        };
        let shown = if secret && !value.is_empty() { "••••••••".to_string() } else { value };
        let line = state.rows.with(|rows| rows.get(&row).map_or(row, |r| r.line));
        Some(((crate::i18n::text().cell_label)(state.shown_row(row, line), &header), shown, editing_now.is_some()))
    };

    let template_columns = move || {
        let n = columns.with(Vec::len);
        let (template, width) = widths.with(|w| {
            let mut all = w.clone();
            all.resize(n, None);
            column_template(&all)
        });
        format!("grid-template-columns: {template}; --ci-cols:{n}; width:{width}")
    };
    let set_width = move |column: usize, width: f64| {
        widths.update(|w| {
            if w.len() <= column {
                w.resize(column + 1, None);
            }
            w[column] = Some(clamp_width(width));
        });
    };
    // A column's width as drawn now (its header cell's).
    let drawn_width = move |column: usize| -> Option<f64> {
        let grid = grid_ref.get_untracked()?;
        let head = grid.query_selector(&format!(".grid-head .cell[data-column=\"{column}\"]")).ok()??;
        Some(head.dyn_into::<web_sys::HtmlElement>().ok()?.offset_width() as f64)
    };
    // Each column's width as drawn (pixels), for the handles' aria-valuenow:
    // measured once the header is laid out, and again after each resize.
    let drawn = RwSignal::new(Vec::<f64>::new());
    Effect::new(move |_| {
        let n = columns.with(Vec::len);
        widths.track();
        request_animation_frame(move || {
            let all = (0..n).map(|c| drawn_width(c).unwrap_or(0.0)).collect();
            let _ = drawn.try_set(all);
        });
    });
    // Double click on a handle: the column as wide as its widest value in view (and its header).
    let fit = move |column: usize| {
        let Some(grid) = grid_ref.get_untracked() else { return };
        let mut widest = 0_i32;
        let measure = |found: Option<web_sys::Element>| found.map_or(0, |e| e.scroll_width());
        if let Ok(Some(head)) = grid.query_selector(&format!(".grid-head .cell[data-column=\"{column}\"]")) {
            widest = widest.max(measure(head.query_selector(".head-name").ok().flatten()));
            widest = widest.max(measure(head.query_selector(".head-field").ok().flatten()));
        }
        let mut row = grid.query_selector(".grid-body").ok().flatten().and_then(|body| body.first_element_child());
        while let Some(r) = row {
            let text = r.query_selector(&format!(".cell[data-column=\"{column}\"] .cell-text")).ok().flatten();
            widest = widest.max(measure(text));
            row = r.next_element_sibling();
        }
        if widest > 0 {
            set_width(column, widest as f64 + CELL_PADDING);
        }
    };
    let resize_handle = move |column: usize, header: String| {
        let label = (crate::i18n::text().resize_column)(&header);
        view! {
            <div
                class="col-resize"
                role="separator"
                aria-orientation="vertical"
                aria-label=label
                aria-valuemin=MIN_WIDTH
                aria-valuemax=MAX_WIDTH
                aria-valuenow=move || drawn.with(|d| d.get(column).map(|w| w.round()))
                tabindex="0"
                data-column=column
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    ev.prevent_default();
                    ev.stop_propagation();
                    let Some(start) = drawn_width(column) else { return };
                    if let Some(handle) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = handle.set_pointer_capture(ev.pointer_id());
                    }
                    dragging.set_value(Some((column, ev.client_x() as f64, start)));
                }
                on:pointermove=move |ev: leptos::ev::PointerEvent| {
                    if let Some((c, x, start)) = dragging.get_value() {
                        set_width(c, start + ev.client_x() as f64 - x);
                    }
                }
                on:pointerup=move |_| dragging.set_value(None)
                on:pointercancel=move |_| dragging.set_value(None)
                on:dblclick=move |ev| {
                    ev.stop_propagation();
                    fit(column);
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let step = if ev.shift_key() { 4.0 * KEY_STEP } else { KEY_STEP };
                    let delta = match ev.key().as_str() {
                        "ArrowLeft" => -step,
                        "ArrowRight" => step,
                        _ => return,
                    };
                    ev.prevent_default();
                    let now = widths.with_untracked(|w| w.get(column).copied().flatten()).or_else(|| drawn_width(column));
                    if let Some(now) = now {
                        set_width(column, now + delta);
                    }
                }
            ></div>
        }
    };
    view! {
        <div class="value-bar" id="value-bar" role="group" aria-label=crate::i18n::text().value_bar>
            {move || match bar() {
                Some((place, value, editing_now)) => view! {
                    <span class="value-bar-place">{place}</span>
                    <output class="value-bar-value" class:editing=editing_now>{value}</output>
                    {editing_now.then(|| view! { <span class="value-bar-state">{crate::i18n::text().value_bar_editing}</span> })}
                }.into_any(),
                None => view! { <span class="value-bar-empty">{crate::i18n::text().value_bar_empty}</span> }.into_any(),
            }}
        </div>
        <div
            class="grid"
            role="grid"
            aria-multiselectable="true"
            aria-label={crate::i18n::text().grid_label}
            aria-rowcount=move || count.get() + 1
            style=format!("height:{VIEW_HEIGHT}px")
            node_ref=grid_ref
            tabindex="-1"
            on:keydown=on_grid_key
            on:focusin=move |ev: leptos::ev::FocusEvent| {
                // A cell (not the editing input, nor a resize handle): the value bar shows it.
                let Some(cell) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
                if !cell.class_list().contains("cell") {
                    return;
                }
                let at = |name: &str| cell.get_attribute(name).and_then(|v| v.parse::<u64>().ok());
                if let (Some(row), Some(column)) = (at("data-row"), at("data-column")) {
                    selected.set(Some((row, column as usize)));
                }
            }
            on:scroll=move |ev| {
                let target: Option<web_sys::Element> = ev.target().and_then(|t| t.dyn_into().ok());
                if let Some(target) = target {
                    scroll_top.set(target.scroll_top() as f64);
                }
            }
        >
            <div role="row" class="grid-row grid-head" style=template_columns aria-rowindex="1">
                <div role="columnheader" class="cell row-number">{crate::i18n::text().row_header}</div>
                {move || columns.get()
                    .into_iter()
                    .enumerate()
                    .map(|(column, (header, field, _))| { let unmapped = field.is_none(); view! {
                        <div role="columnheader" class="cell" class:unmapped=unmapped data-column=column>
                            <span class="head-name">{header.clone()}</span>
                            <span class="head-field">{field.map(|f| format!("→ {f}")).unwrap_or_else(|| crate::i18n::text().column_ignored.into())}</span>
                            {resize_handle(column, header)}
                        </div>
                    }})
                    .collect_view()}
            </div>
            <div
                class="grid-body"
                style=move || format!("height:{}px;{}", (count.get() as f64 * ROW_HEIGHT).min(MAX_BODY), template_columns())
            >
                <For each=items key=|item: &Item| (item.number, item.stamp) children=render_row/>
            </div>
        </div>
        {move || (count.get() == 0).then(|| view! {
            <p class="notice">{move || if state.only_errors.get() { crate::i18n::text().no_error_rows } else { crate::i18n::text().no_data_rows }}</p>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_follows_the_scroll_bar_to_the_last_row_of_a_million() {
        let (first, n, shift) = layout(0.0, 1_000_000);
        assert_eq!((first, shift), (0, 0.0));
        assert!(n >= (VIEW_HEIGHT / ROW_HEIGHT) as usize);
        // Scrolled to the bottom of the scaled body: the last rows are drawn, in view.
        let bottom = MAX_BODY - VIEW_HEIGHT;
        let (first, n, shift) = layout(bottom, 1_000_000);
        assert_eq!(first + n, 1_000_000);
        let last_top = shift + (first + n - 1) as f64 * ROW_HEIGHT;
        assert!(last_top >= bottom && last_top + ROW_HEIGHT <= bottom + VIEW_HEIGHT + 0.5, "{last_top}");
        // A short file is not scaled.
        let (first, _, shift) = layout(360.0, 100);
        assert_eq!((first, shift), (2, 0.0));
    }
}
