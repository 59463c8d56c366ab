//! Step 1: drop or pick a file; see what the template expects.

use super::state::ModalState;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Files larger than this are refused before reading: past it a browser tab
/// runs short of memory long before the user's patience runs out.
const MAX_BYTES: f64 = 200.0 * 1024.0 * 1024.0;

/// Extensions of files that are not CSV but are often dropped by mistake,
/// with what to do instead.
fn wrong_kind(name: &str) -> Option<String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" | "tsv" | "txt" | "tab" | "" => None,
        "xlsx" | "xls" | "xlsm" | "ods" | "numbers" => Some(format!(
            "{name} is a spreadsheet, not a CSV file. Open it and save it as CSV (in Excel: File › Save As › CSV UTF-8), then upload that file."
        )),
        other => Some(format!("{name} is a .{other} file. Upload a CSV file (.csv, .tsv or .txt).")),
    }
}

#[component]
pub fn UploadStep(state: ModalState) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let take_file = move |file: web_sys::File| {
        let name = file.name();
        if let Some(message) = wrong_kind(&name) {
            state.error.set(Some(message));
            return;
        }
        if file.size() > MAX_BYTES {
            state.error.set(Some(format!(
                "{name} is {:.0} MB; the most a file may have is {:.0} MB. Split it into smaller files.",
                file.size() / 1_048_576.0,
                MAX_BYTES / 1_048_576.0
            )));
            return;
        }
        state.error.set(None);
        state.file_name.set(name.clone());
        state.busy.set(Some(format!("Reading {name}…")));
        leptos::task::spawn_local(async move {
            let file = gloo_file::File::from(file);
            match gloo_file::futures::read_as_bytes(&file).await {
                Ok(bytes) => {
                    state.bytes.set_value(Some(Arc::new(bytes)));
                    state.options.update(|o| *o = Default::default());
                    state.analyze().await;
                }
                Err(e) => {
                    state.busy.set(None);
                    state.error.set(Some(format!("{name} could not be read: {e}. Try again, or pick the file again.")));
                }
            }
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0));
        match file {
            Some(file) => take_file(file),
            None => state.error.set(Some("Nothing to read was dropped. Drop a CSV file.".into())),
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(input) = input {
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                take_file(file);
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        }
    };
    let template = state.template();
    let sample_href = format!("/templates/{}/sample.csv", template.name);
    let sample_name = format!("{}-sample.csv", template.name);
    let required: Vec<String> = template.fields.iter().filter(|f| f.required).map(|f| f.header().to_string()).collect();
    let optional: Vec<String> = template.fields.iter().filter(|f| !f.required).map(|f| f.header().to_string()).collect();
    let mut optional = optional;
    optional.extend(template.attribute_prefixes.first().map(|p| format!("{p}<Name>")));
    let optional_text = (!optional.is_empty()).then(|| optional.join(", "));
    view! {
        <div
            class="dropzone"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p class="dropzone-title">"Drag and drop your CSV file here"</p>
            <p>"or"</p>
            <label class="button file-button">
                "Choose a file"
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
                    aria-describedby="upload-hint"
                    on:change=on_pick
                />
            </label>
            <p class="hint" id="upload-hint">
                "CSV, TSV or TXT up to 200 MB, in any common encoding (UTF-8, UTF-16, Windows-1252) and with , ; tab or | between values."
            </p>
        </div>
        {move || state.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        <section class="expected-columns" aria-labelledby="expected-heading">
            <h3 id="expected-heading">"Columns this import expects"</h3>
            <p>{template.description.clone()}</p>
            <p>
                <strong>"Required: "</strong>
                {required.join(", ")}
            </p>
            {optional_text.map(|text| view! { <p><strong>"Optional: "</strong>{text}</p> })}
            <p>
                <a href=sample_href download=sample_name>"Download sample CSV"</a>
            </p>
        </section>
    }
}
