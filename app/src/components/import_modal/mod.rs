//! The import modal: upload, map columns, review, import, result.
//!
//! The file is read and checked in a Web Worker; the page only renders. In
//! preview mode the modal stops after the review and nothing of the file
//! leaves the browser.

mod existing;
mod grid;
mod mapping;
mod together;
mod references;
mod remembered;
mod review;
mod run;
mod sheets;
mod state;
mod tools;
mod upload;

use crate::model::{ImportSummary, TemplateAccess};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use state::{ModalState, Step};

pub use state::Mode;

/// The import modal for one template. `on_close` gets the import's summary
/// when rows were imported.
///
/// With the `split` feature (`cargo leptos build --split`), the modal's code
/// is a chunk of its own, fetched when a modal first opens: a page that only
/// shows an Import button does not load it.
#[component]
pub fn ImportModal(
    /// The template and whether the user may import with it.
    access: TemplateAccess,
    /// Import, or only check the file.
    mode: Mode,
    /// Called when the modal closes.
    #[prop(into)]
    on_close: Callback<Option<ImportSummary>>,
    /// Replaces the title ("Import clients").
    #[prop(optional, into)]
    title: Option<String>,
    /// Called once when the import has finished and its result shows.
    #[prop(optional, into)]
    on_done: Option<Callback<ImportSummary>>,
    /// Where the rows go in [`Mode::Deliver`].
    #[prop(optional)]
    on_rows: Option<crate::components::csv_import::RowsHandler>,
) -> impl IntoView {
    let text = crate::i18n::text();
    // Wrapped: the modal's callbacks stay on the page's one thread, while a
    // lazy function's arguments must be `Send` to cross the chunk's loading.
    let opened = SendWrapper::new(Opened { access, mode, on_close, title, on_done, on_rows, text });
    let modal = modal_view(opened);
    view! {
        <Suspense fallback=move || view! {
            <p class="busy modal-loading" role="status"><span class="spinner" aria-hidden="true"></span>{text.loading}</p>
        }>
            {Suspend::new(SendWrapper::new(modal))}
        </Suspense>
    }
}

/// What [`ImportModal`] was opened with.
struct Opened {
    access: TemplateAccess,
    mode: Mode,
    on_close: Callback<Option<ImportSummary>>,
    title: Option<String>,
    on_done: Option<Callback<ImportSummary>>,
    on_rows: Option<crate::components::csv_import::RowsHandler>,
    text: &'static crate::i18n::Text,
}

/// The modal itself: the chunk that `split` builds load on demand.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn modal_view(opened: SendWrapper<Opened>) -> AnyView {
    let Opened { access, mode, on_close, title, on_done, on_rows, text } = opened.take();
    let state = ModalState::new(access, mode, on_rows);
    if let Some(on_done) = on_done {
        let told = StoredValue::new(false);
        Effect::new(move |_| {
            if state.step.get() == Step::Done && !told.get_value() {
                if let Some(summary) = state.result.get() {
                    told.set_value(true);
                    on_done.run(summary);
                }
            }
        });
    }
    // Effects run in the browser only, once the modal is on the page.
    Effect::new(move |_| crate::browser::warm_up_worker());
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            show_when_connected(dialog, 0);
        }
    });
    // A step's buttons go with it (Next, Back): the focus would fall to the
    // page's body, out of the dialog. It goes to the new step's content
    // instead, from where Tab goes on to its controls.
    let body = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |first: Option<()>| {
        state.step.track();
        if first.is_some() {
            request_animation_frame(move || {
                // The modal may be gone by then (the last step closes it).
                let (Some(dialog), Some(body)) = (dialog.try_get_untracked().flatten(), body.try_get_untracked().flatten()) else {
                    return;
                };
                let inside = crate::browser::focused_element().is_some_and(|f| dialog.contains(Some(&f)));
                if !inside {
                    let _ = body.focus();
                }
            });
        }
    });
    let close = move || {
        let step = state.step.get_untracked();
        if step == Step::Importing {
            state.cancel_requested.set(true);
            return;
        }
        let would_lose_work = state.analysis.with_untracked(Option::is_some) && step != Step::Done;
        if would_lose_work && !crate::browser::confirm(text.confirm_close) {
            return;
        }
        on_close.run(state.result.get_untracked());
    };
    let label = state.access.with_value(|a| a.template.label.clone());
    let heading = title.unwrap_or_else(|| match mode {
        Mode::Import | Mode::Deliver => (text.import_title)(&label),
        Mode::Preview => (text.preview_title)(&label),
    });
    view! {
        <dialog
            node_ref=dialog
            class="import-modal"
            aria-labelledby="import-modal-title"
            aria-describedby="import-modal-step"
            on:cancel=move |ev: leptos::ev::Event| {
                // A file picker dismissed without a file fires a `cancel`
                // that bubbles up from its input: only the dialog's own
                // (Escape) closes it.
                if !crate::browser::is_own_event(&ev) {
                    return;
                }
                // Escape: ask before losing work instead of closing at once.
                ev.prevent_default();
                close();
            }
        >
            <header class="modal-header">
                <h2 id="import-modal-title">{heading}</h2>
                <button type="button" class="icon-button" aria-label=text.close_dialog on:click=move |_| close()>"×"</button>
            </header>
            <StepIndicator state/>
            <div class="modal-body" aria-live="polite" tabindex="-1" node_ref=body>
                {move || state.busy.get().map(|message| view! {
                    <p class="busy" role="status"><span class="spinner" aria-hidden="true"></span>{message}</p>
                })}
                {move || match state.step.get() {
                    Step::Upload => view! { <upload::UploadStep state/> }.into_any(),
                    Step::Mapping => view! { <mapping::MappingStep state/> }.into_any(),
                    Step::Review => view! { <review::ReviewStep state/> }.into_any(),
                    Step::Importing | Step::Done => view! { <run::RunStep state on_close/> }.into_any(),
                }}
            </div>
        </dialog>
    }
    .into_any()
}

/// Opens the dialog as a modal once it is in the document: a view awaited in
/// a `Suspense` (the modal's chunk loading) is built before it is mounted,
/// and `showModal` refuses a dialog that is not connected.
fn show_when_connected(dialog: web_sys::HtmlDialogElement, frames: u32) {
    if dialog.open() {
        return;
    }
    if dialog.is_connected() {
        let _ = dialog.show_modal();
    } else if frames < 120 {
        request_animation_frame(move || show_when_connected(dialog, frames + 1));
    }
}

/// Where the user is: a list of the steps with the current one marked.
#[component]
fn StepIndicator(state: ModalState) -> impl IntoView {
    let text = crate::i18n::text();
    let steps = state.steps();
    view! {
        <ol class="steps" id="import-modal-step" aria-label=text.steps>
            {steps
                .into_iter()
                .enumerate()
                .map(|(i, step)| {
                    let current = move || state.step.get() == step;
                    let done = move || state.step.get() > step;
                    view! {
                        <li
                            class:current=current
                            class:done=done
                            aria-current=move || current().then_some("step")
                        >
                            <span class="step-number" aria-hidden="true">{i + 1}</span>
                            {step_label(text, step)}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// A step's name in the language in context (`fallback` for steps it lacks).
fn step_label(text: &'static crate::i18n::Text, step: Step) -> &'static str {
    match step {
        Step::Upload => text.step_upload,
        Step::Mapping => text.step_mapping,
        Step::Review => text.step_review,
        Step::Importing => text.step_import,
        Step::Done => text.step_done,
    }
}
