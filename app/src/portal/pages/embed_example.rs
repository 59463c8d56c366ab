//! `/examples/leptos-host`: how a Leptos app embeds the importer. It uses
//! only the public API (`components::csv_import` and `i18n::Locale`), as a
//! host app in another crate would; EMBEDDING.md walks through it.

use crate::components::csv_import::{CsvImport, ImportResult, Mode};
use crate::i18n::Locale;
use leptos::prelude::*;

/// The example host page: two buttons, the importer, and what it reported.
#[component]
pub fn LeptosHostExample() -> impl IntoView {
    // Which importer is open, if any: the host decides when it is mounted.
    let open = RwSignal::new(None::<Mode>);
    let last = RwSignal::new(None::<ImportResult>);
    let cancels = RwSignal::new(0u32);

    let on_complete = Callback::new(move |result: ImportResult| last.set(Some(result)));
    let on_cancel = Callback::new(move |()| cancels.update(|n| *n += 1));
    let on_close = Callback::new(move |()| open.set(None));

    view! {
        <h1>"Embedding in a Leptos app"</h1>
        <p class="lead">
            "This page is a host app's page: it mounts the "<code>"CsvImport"</code>
            " component and hears what it did through callbacks."
        </p>
        <div class="page-actions" style="display: flex; gap: 0.5rem;">
            <button type="button" class="primary" on:click=move |_| open.set(Some(Mode::Import))>
                "Import clients"
            </button>
            <button type="button" on:click=move |_| open.set(Some(Mode::Preview))>
                "Vérifier un fichier (preview, French)"
            </button>
        </div>
        {move || last.get().map(|r| view! {
            <p class="notice host-result" role="status" data-import=r.import_id.clone()>
                {format!(
                    "Import {} finished: {} new, {} updated, {} unchanged, {} skipped.",
                    r.import_id, r.inserted, r.updated, r.unchanged, r.skipped
                )}
            </p>
        })}
        {move || (cancels.get() > 0).then(|| view! {
            <p class="hint host-cancelled">{format!("Closed without importing ({}).", cancels.get())}</p>
        })}
        {move || open.get().map(|mode| match mode {
            Mode::Import => view! {
                <CsvImport template="clients" workspace="acme" on_complete on_cancel on_close/>
            }.into_any(),
            // (This page opens the importer in these two modes only.)
            _ => view! {
                <CsvImport
                    template="clients"
                    workspace="acme"
                    mode=Mode::Preview
                    locale=Locale::Fr
                    title="Vérifier une liste de clients"
                    on_cancel
                    on_close
                />
            }.into_any(),
        })}
    }
}
