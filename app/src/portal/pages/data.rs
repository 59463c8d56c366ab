//! Data management: choose what to import (clients, leads or
//! companies), download its sample file, then import a file through the
//! modal (upload, map the columns, review, import). These imports run in
//! the background: the page says they started, and the top bar says when
//! they are done.

use crate::components::import_modal::{ImportModal, Mode};
use super::import_notice::{ImportNotice, ImportNoticeLine};
use crate::model::{ImportSummary, TemplateAccess};
use crate::server_fns::templates::get_template::get_template;
use leptos::prelude::*;

/// The data types this page imports: template name, label, records page.
const TYPES: [(&str, &str, &str); 3] =
    [("clients", "Clients", "/clients"), ("leads", "Leads", "/leads"), ("companies", "Companies", "/companies")];

#[component]
pub fn DataPage() -> impl IntoView {
    let chosen = RwSignal::new("clients");
    let access = Resource::new(move || chosen.get(), |name| get_template(name.to_string(), None));
    let open = RwSignal::new(None::<TemplateAccess>);
    let notice = RwSignal::new(None::<ImportNotice>);

    let on_close = move |summary: Option<ImportSummary>| {
        open.set(None);
        if let Some(said) = ImportNotice::after(summary) {
            notice.set(Some(said));
        }
    };

    view! {
        <h1>"Data management"</h1>
        <p class="lead">
            "Import clients, leads or companies from a CSV file. Start from the sample file, map your columns to the fields, check the rows, then import: the import runs in the background and you can keep working."
        </p>
        <section class="data-import" aria-labelledby="data-import-heading">
            <h2 id="data-import-heading">"Import"</h2>
            <fieldset class="data-types">
                <legend>"Data type"</legend>
                {TYPES
                    .into_iter()
                    .map(|(name, label, _)| view! {
                        <label class="data-type">
                            <input
                                type="radio"
                                name="data-type"
                                value=name
                                prop:checked=move || chosen.get() == name
                                on:change=move |_| {
                                    chosen.set(name);
                                    notice.set(None);
                                }
                            />
                            " "
                            {label}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            {move || {
                let name = chosen.get();
                let label = TYPES.iter().find(|t| t.0 == name).map(|t| t.1).unwrap_or(name);
                view! {
                    <p>
                        <a
                            class="button"
                            href=format!("/templates/{name}/sample.csv")
                            download=format!("{name}-sample.csv")
                        >
                            {format!("Download {} sample CSV", label.to_lowercase())}
                        </a>
                    </p>
                }
            }}
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match access.await {
                        Ok(access) if access.may_import => {
                            let label = access.template.label.clone();
                            view! {
                                <p>
                                    <button type="button" class="primary" on:click=move |_| open.set(Some(access.clone()))>
                                        {format!("Import {}", label.to_lowercase())}
                                    </button>
                                </p>
                                <ol class="data-steps">
                                    <li>"Upload your CSV file."</li>
                                    <li>"Map its columns to the fields (required fields must have a column)."</li>
                                    <li>"Check the rows: invalid rows are skipped with their reasons; emails that already exist update their record."</li>
                                    <li>"Import: the records appear when the background import is done."</li>
                                </ol>
                            }
                            .into_any()
                        }
                        Ok(access) => view! {
                            <p class="hint" id="data-import-blocked">{access.reason.unwrap_or_default()}</p>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
            // The link goes to the records of the type imported.
            <ImportNoticeLine
                notice
                link=Signal::derive(move || {
                    let name = chosen.get();
                    TYPES.iter().find(|t| t.0 == name).map(|t| (t.2, format!("Open {}", t.1)))
                })
            />
        </section>
        {move || open.get().map(|access| view! { <ImportModal access mode=Mode::Import on_close=on_close/> })}
    }
}
