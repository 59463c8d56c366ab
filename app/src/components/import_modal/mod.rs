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
use state::{ModalState, Step};

pub use state::Mode;

/// The import modal for one template. `on_close` gets the import's summary
/// when rows were imported.
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
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
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
            <div class="modal-body" aria-live="polite">
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
