//! "Check a file": the modal in preview mode. Steps 1 to 3 only; nothing of
//! the file leaves the browser.

use crate::components::import_modal::{ImportModal, Mode};
use crate::model::TemplateAccess;
use crate::server_fns::templates::list_templates::list_templates;
use leptos::prelude::*;

#[component]
pub fn CheckPage() -> impl IntoView {
    let templates = Resource::new(|| (), |_| list_templates());
    let chosen = RwSignal::new(None::<TemplateAccess>);
    view! {
        <h1>"Check a file"</h1>
        <p class="lead">
            "See every problem in a CSV file before anyone imports it. The file is read and checked in this browser only: nothing is uploaded."
        </p>
        <Suspense fallback=|| view! { <p aria-busy="true">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match templates.await {
                    Ok(list) => view! {
                        <ul class="check-list">
                            {list.into_iter().map(|template| {
                                let label = format!("Check a {} file", template.label);
                                let name = template.name.clone();
                                view! {
                                    <li>
                                        <button type="button" data-template=name on:click=move |_| chosen.set(Some(TemplateAccess {
                                            template: template.clone(),
                                            // Opened to check a file: the modal's own
                                            // "Preview only" says so.
                                            may_import: false,
                                            reason: None,
                                        }))>{label}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        {move || chosen.get().map(|access| view! {
            <ImportModal access mode=Mode::Preview on_close=move |_| chosen.set(None)/>
        })}
    }
}
