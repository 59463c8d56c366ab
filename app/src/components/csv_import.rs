//! The importer as a component for Leptos apps: [`CsvImport`].
//!
//! ```ignore
//! use app::components::csv_import::{CsvImport, ImportResult, Mode};
//!
//! let open = RwSignal::new(false);
//! let on_complete = Callback::new(move |result: ImportResult| log!("{} new", result.inserted));
//! let on_close = Callback::new(move |_| open.set(false));
//! view! {
//!     <button on:click=move |_| open.set(true)>"Import clients"</button>
//!     <Show when=move || open.get()>
//!         <CsvImport template="clients" workspace="acme" on_complete on_close/>
//!     </Show>
//! }
//! ```
//!
//! The modal is open while the component is mounted; the host unmounts it
//! in `on_close`. See EMBEDDING.md for the other props.

use crate::components::import_modal::ImportModal;
pub use crate::components::import_modal::Mode;
use crate::i18n::Locale;
pub use crate::model::{ImportState, JobState};
use crate::model::{ImportSummary, TemplateAccess};
use crate::server_fns::auth::current_user::current_user;
use crate::server_fns::imports::get_import::get_import;
use crate::server_fns::templates::get_template::get_template;
use crate::AppError;
use csv_import_core::Template;
use leptos::context::Provider;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One batch of checked rows handed to the page in [`Mode::Deliver`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveredRows {
    /// The template's name.
    pub template: String,
    /// The file's name.
    pub file_name: String,
    /// The batch's place in the import, from 0.
    pub seq: u32,
    /// The rows: `{"row": 7, "<field key>": value, ...}`, values normalised
    /// (trimmed, emails in lower case, dates as `YYYY-MM-DD`), `null` when empty.
    pub rows: Vec<serde_json::Value>,
    /// Whether this is the last batch.
    pub last: bool,
}

/// The page's handler of [`DeliveredRows`] in [`Mode::Deliver`]: the future
/// resolves once the page has stored the batch (the next batch waits for
/// it), or fails with the page's message, which stops the import.
#[derive(Clone)]
pub struct RowsHandler(
    pub std::rc::Rc<dyn Fn(DeliveredRows) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>>,
);

impl std::fmt::Debug for RowsHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowsHandler")
    }
}

/// Which template the importer uses: a built-in's name, or a template value.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateSource {
    /// A template the server knows, by name (`clients`, `leads`, ...).
    Name(String),
    /// A template value. The server imports only with its own templates:
    /// a value equal to a server template of the same name imports; any other
    /// checks files only (preview).
    Value(Box<Template>),
}

impl From<&str> for TemplateSource {
    fn from(name: &str) -> Self {
        TemplateSource::Name(name.to_string())
    }
}

impl From<String> for TemplateSource {
    fn from(name: String) -> Self {
        TemplateSource::Name(name)
    }
}

impl From<Template> for TemplateSource {
    fn from(template: Template) -> Self {
        TemplateSource::Value(Box::new(template))
    }
}

/// What an import did, for the host (`on_complete`, the `csv-import:complete`
/// event's `detail`, camelCase in JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// The import's id (its page in the history, its error report).
    pub import_id: String,
    /// The template's name.
    pub template: String,
    /// The file's name.
    pub file_name: String,
    /// Done, or cancelled by the user part way (committed batches stay).
    pub state: ImportState,
    /// For imports that run in the background: how the job ended.
    pub job: Option<JobState>,
    /// Data rows in the file.
    pub total_rows: u64,
    /// New records.
    pub inserted: u64,
    /// Records changed.
    pub updated: u64,
    /// Records that already had these values.
    pub unchanged: u64,
    /// Rows not imported (invalid, or skipped by the user).
    pub skipped: u64,
}

impl From<ImportSummary> for ImportResult {
    fn from(s: ImportSummary) -> Self {
        ImportResult {
            import_id: s.id,
            template: s.template,
            file_name: s.file_name,
            state: s.state,
            job: s.job,
            total_rows: s.total_rows,
            inserted: s.inserted,
            updated: s.updated,
            unchanged: s.unchanged,
            skipped: s.skipped,
        }
    }
}

/// The import modal, open while mounted.
#[component]
pub fn CsvImport(
    /// The template: a name (`"clients"`) or a `Template` value.
    #[prop(into)]
    template: TemplateSource,
    /// The workspace (slug) the host imports into. The signed-in user's
    /// session decides the workspace; when this differs the modal says so
    /// instead of importing into another one.
    #[prop(optional, into)]
    workspace: Option<String>,
    /// `Mode::Import` (the default), `Mode::Preview` (check only, nothing
    /// leaves the browser) or `Mode::Deliver` (the valid rows go to
    /// `on_rows`, not to the importer's server).
    #[prop(optional)]
    mode: Option<Mode>,
    /// Takes the valid rows in `Mode::Deliver`, batch by batch.
    #[prop(optional)]
    on_rows: Option<RowsHandler>,
    /// The language; the browser's when left out.
    #[prop(optional)]
    locale: Option<Locale>,
    /// Replaces the modal's title.
    #[prop(optional, into)]
    title: Option<String>,
    /// Called when an import has finished (for background imports, when
    /// their job has), with its result.
    #[prop(optional, into)]
    on_complete: Option<Callback<ImportResult>>,
    /// Called when the user closes the modal without importing.
    #[prop(optional, into)]
    on_cancel: Option<Callback<()>>,
    /// Called when the importer is done: after `on_cancel`, or after
    /// `on_complete` once the user closes the result (for background
    /// imports, once their job has finished). Unmount the component here.
    #[prop(optional, into)]
    on_close: Option<Callback<()>>,
    /// Called with the reason when the importer cannot open (an unknown
    /// template, another workspace, no session); the modal says it too.
    #[prop(optional, into)]
    on_error: Option<Callback<String>>,
) -> impl IntoView {
    let mode = mode.unwrap_or(Mode::Import);
    let chosen = RwSignal::new(locale.unwrap_or_default());
    if locale.is_none() {
        Effect::new(move |_| chosen.set(Locale::from_browser()));
    }
    let source = StoredValue::new(template);
    let access = LocalResource::new(move || {
        let source = source.get_value();
        let workspace = workspace.clone();
        let locale = chosen.get();
        async move { load(source, workspace, locale, mode).await }
    });
    if let Some(on_error) = on_error {
        // Told once, when the importer's template and session are known.
        Effect::new(move |told: Option<bool>| {
            if told == Some(true) {
                return true;
            }
            let Some(Err(message)) = access.get() else { return false };
            on_error.run(message);
            true
        });
    }
    let completed = StoredValue::new(false);
    let complete = move |summary: ImportSummary| {
        if completed.try_get_value() == Some(false) {
            completed.set_value(true);
            if let Some(on_complete) = on_complete {
                on_complete.run(summary.into());
            }
        }
    };
    // The import finished in the modal (the result is on screen).
    let on_done = Callback::new(move |summary: ImportSummary| {
        if summary.job.is_none() {
            complete(summary);
        }
    });
    let shown = RwSignal::new(true);
    // Where the keyboard was when the importer opened (a host's button): the
    // focus goes back there when it closes, since the dialog is removed
    // rather than closed and the focus would fall to the page's body.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| opener.set_value(crate::browser::focused_element()));
    let give_focus_back = move || {
        if let Some(opener) = opener.try_get_value().flatten() {
            request_animation_frame(move || {
                if opener.is_connected() {
                    let _ = opener.focus();
                }
            });
        }
    };
    let finish = move || {
        if let Some(on_close) = on_close {
            on_close.run(());
        }
    };
    let closed = Callback::new(move |summary: Option<ImportSummary>| {
        shown.set(false);
        give_focus_back();
        match summary {
            // A background import: its job finishes after the modal closes;
            // the component stays (hidden) until then.
            Some(summary) if summary.job.is_some_and(|j| matches!(j, JobState::Queued | JobState::Running)) => {
                leptos::task::spawn_local(async move {
                    let summary = wait_for_job(summary).await;
                    // Unmounted by the host meanwhile: nobody to tell.
                    if completed.try_get_value().is_some() {
                        complete(summary);
                        finish();
                    }
                });
            }
            Some(summary) => {
                complete(summary);
                finish();
            }
            None => {
                if !completed.get_value() {
                    if let Some(on_cancel) = on_cancel {
                        on_cancel.run(());
                    }
                }
                finish();
            }
        }
    });
    let title = StoredValue::new(title);
    let on_rows = StoredValue::new_local(on_rows);
    view! {
        {move || {
            let locale = chosen.get();
            let text = locale.text();
            view! {
                <Provider value=locale>
                    <div class="csv-import" lang=locale.tag() dir="ltr">
                        {move || match shown.get().then(|| access.get()).flatten() {
                            _ if !shown.get() => ().into_any(),
                            None => view! {
                                <p class="busy" role="status"><span class="spinner" aria-hidden="true"></span>{text.loading}</p>
                            }.into_any(),
                            Some(Ok(access)) => {
                                // A template the server does not import with (a page's
                                // own, the user's permission missing) checks files only,
                                // and the review says why.
                                let mode = if access.may_import { mode } else { Mode::Preview };
                                view! {
                                    <ImportModal access mode on_close=closed on_done nostrip:title=title.get_value() nostrip:on_rows=on_rows.get_value()/>
                                }.into_any()
                            }
                            Some(Err(message)) => view! {
                                <CannotOpen message on_close=closed/>
                            }.into_any(),
                        }}
                    </div>
                </Provider>
            }
        }}
    }
}

/// A background import's final summary (polled), or the last one seen.
async fn wait_for_job(mut summary: ImportSummary) -> ImportSummary {
    // About ten minutes at most; the history page has it after that.
    for _ in 0..1200 {
        if !summary.job.is_some_and(|j| matches!(j, JobState::Queued | JobState::Running)) {
            break;
        }
        crate::browser::sleep_ms(500).await;
        match get_import(summary.id.clone()).await {
            Ok(next) => summary = next,
            Err(AppError::Network(_)) => continue,
            Err(_) => break,
        }
    }
    summary
}

/// The template and the user's access to it, or why the importer cannot open.
async fn load(
    source: TemplateSource,
    workspace: Option<String>,
    locale: Locale,
    mode: Mode,
) -> Result<TemplateAccess, String> {
    let (text, lang) = (locale.text(), locale.core_lang());
    // A page's own template, to check a file or to take its rows itself:
    // the importer's server is not asked anything.
    if let TemplateSource::Value(template) = &source
        && !mode.uses_server()
    {
        let template = (**template).clone();
        template.check().map_err(|e| (text.template_invalid)(&e))?;
        return Ok(TemplateAccess { template, may_import: true, reason: None });
    }
    let session = current_user().await.map_err(|e| text.app_error(&e))?.ok_or_else(|| text.sign_in.to_string())?;
    if let Some(asked) = workspace.map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()) {
        if asked != session.workspace.slug {
            return Err((text.wrong_workspace)(&session.workspace.slug, &asked));
        }
    }
    match source {
        TemplateSource::Name(name) => get_template(name, Some(lang)).await.map_err(|e| text.app_error(&e)),
        TemplateSource::Value(template) => {
            let template = *template;
            match get_template(template.name.clone(), Some(lang)).await {
                Ok(access) if access.template == template => Ok(access),
                Ok(_) | Err(AppError::NotFound(_)) => Ok(TemplateAccess {
                    reason: Some((text.own_templates_only)(&template.name)),
                    template,
                    may_import: false,
                }),
                Err(e) => Err(text.app_error(&e)),
            }
        }
    }
}

/// A small dialog that says why the importer cannot open.
#[component]
fn CannotOpen(message: String, on_close: Callback<Option<ImportSummary>>) -> impl IntoView {
    let text = crate::i18n::text();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="import-modal import-modal-error"
            aria-labelledby="csv-import-error-title"
            aria-describedby="csv-import-error-message"
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(None);
            }
        >
            <header class="modal-header">
                <h2 id="csv-import-error-title">{text.cannot_open}</h2>
            </header>
            <div class="modal-body">
                <p id="csv-import-error-message" class="error" role="alert">{message}</p>
                <div class="modal-actions">
                    <button type="button" class="primary" on:click=move |_| on_close.run(None)>{text.close}</button>
                </div>
            </div>
        </dialog>
    }
}
