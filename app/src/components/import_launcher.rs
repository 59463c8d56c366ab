//! A page's Import button: enabled when the user may import with the
//! template, otherwise disabled with the reason next to it; it opens the
//! import modal and tells the page when the modal closes.

use crate::components::import_modal::{ImportModal, Mode};
use crate::model::ImportSummary;
use crate::server_fns::templates::get_template::get_template;
use leptos::prelude::*;

#[component]
pub fn ImportLauncher(
    /// The template's name.
    template: &'static str,
    /// The button's text, e.g. "Import leads".
    label: &'static str,
    /// Said after the reason when the button is disabled.
    #[prop(optional)]
    blocked_hint: Option<&'static str>,
    /// More actions shown before the button to users who may import (e.g. Export).
    #[prop(optional, into)]
    actions: Option<ViewFn>,
    /// Called when the modal closes, with the import's summary if rows were imported.
    #[prop(into)]
    on_close: Callback<Option<ImportSummary>>,
) -> impl IntoView {
    let access = Resource::new(|| (), move |_| get_template(template.to_string(), None));
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let close = Callback::new(move |summary: Option<ImportSummary>| {
        open.set(false);
        on_close.run(summary);
        // The focus goes back to the button that opened the modal, once the
        // modal dialog (which makes the rest of the page inert) is gone.
        request_animation_frame(move || {
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        });
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let actions = actions.clone();
                Suspend::new(async move {
                    match access.await {
                        Ok(access) if access.may_import => view! {
                            <span class="page-actions">
                                {actions.as_ref().map(ViewFn::run)}
                                <button type="button" class="primary" node_ref=button on:click=move |_| open.set(true)>{label}</button>
                            </span>
                        }.into_any(),
                        Ok(access) => view! {
                            <span class="import-blocked">
                                <button type="button" class="primary" disabled aria-describedby="import-blocked-reason">
                                    {label}
                                </button>
                                <span id="import-blocked-reason" class="hint">
                                    {access.reason.unwrap_or_default()}
                                    {blocked_hint.map(|hint| format!(" {hint}"))}
                                </span>
                            </span>
                        }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })
            }}
        </Suspense>
        {move || open.get().then(|| {
            access.get().and_then(Result::ok).map(|access| view! {
                <ImportModal access mode=Mode::Import on_close=close/>
            })
        })}
    }
}
