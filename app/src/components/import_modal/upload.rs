//! Step 1: drop or pick a file; see what the template expects.

use super::state::ModalState;
use crate::browser::ReadPhase;
use leptos::prelude::*;
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
        // Workbooks are read by the worker (recognised by their bytes).
        "xlsx" | "xls" | "xlsm" | "xlsb" | "ods" => None,
        "numbers" => Some((crate::i18n::text().spreadsheet)(name)),
        other => Some((crate::i18n::text().wrong_extension)(name, other)),
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
            state.error.set(Some((crate::i18n::text().too_big)(&name, file.size() / 1_048_576.0, MAX_BYTES / 1_048_576.0)));
            return;
        }
        state.error.set(None);
        state.file_name.set(name);
        // The worker reads the file in slices: its bytes are never copied whole.
        state.file.set_value(Some(file));
        state.options.update(|o| *o = Default::default());
        leptos::task::spawn_local(async move { state.analyze().await });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0));
        match file {
            Some(file) => take_file(file),
            None => state.error.set(Some(crate::i18n::text().nothing_dropped.into())),
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
    // A page's own template is not on the server: its sample is made here.
    let sample_href = if state.mode.uses_server() {
        crate::assets::url(&format!("templates/{}/sample.csv", template.name))
    } else {
        data_url("text/csv;charset=utf-8", &csv_import_core::sample::sample_csv(&template))
    };
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
            <p class="dropzone-title">{crate::i18n::text().drop_here}</p>
            <p>{crate::i18n::text().or_word}</p>
            <label class="button file-button">
                {crate::i18n::text().choose_file}
                <input
                    type="file"
                    class="visually-hidden"
                    accept=".csv,.tsv,.txt,.xlsx,.xlsm,.xlsb,.xls,.ods,text/csv,text/tab-separated-values,text/plain"
                    aria-describedby="upload-hint"
                    on:change=on_pick
                />
            </label>
            <p class="hint" id="upload-hint">
                {crate::i18n::text().upload_hint}
            </p>
        </div>
        <ReadingProgress state/>
        <super::sheets::SheetChoice state/>
        {move || state.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        <section class="expected-columns" aria-labelledby="expected-heading">
            <h3 id="expected-heading">{crate::i18n::text().expected_columns}</h3>
            // The template's description tells how its import goes: not for
            // a check, which imports nothing.
            {(state.mode != super::state::Mode::Preview).then(|| view! { <p>{template.description.clone()}</p> })}
            <p>
                <strong>{crate::i18n::text().required_label}</strong>
                {required.join(", ")}
            </p>
            {optional_text.map(|text| view! { <p><strong>{crate::i18n::text().optional_label}</strong>{text}</p> })}
            <p>
                <a href=sample_href download=sample_name>{crate::i18n::text().download_sample}</a>
            </p>
        </section>
    }
}

/// While the worker reads a file: rows read, how far, and a Cancel that
/// stops it at once.
#[component]
pub fn ReadingProgress(state: ModalState) -> impl IntoView {
    move || {
        state.reading.get().map(|p| {
            let what = match p.phase {
                ReadPhase::Reading => (crate::i18n::text().reading_file)(p.bytes as f64 / 1_048_576.0),
                ReadPhase::Parsing => (crate::i18n::text().reading_rows)(p.rows),
                ReadPhase::Checking => (crate::i18n::text().checking_rows)(p.rows),
            };
            let percent = p.percent.clamp(0.0, 100.0);
            view! {
                <div class="read-progress" id="read-progress">
                    <p id="read-progress-label">{what}{format!(" ({percent:.0}%)")}</p>
                    <progress
                        max="100"
                        value=percent
                        aria-labelledby="read-progress-label"
                        aria-valuetext=format!("{percent:.0}%")
                    ></progress>
                    <button type="button" on:click=move |_| state.cancel_reading()>{crate::i18n::text().cancel_reading}</button>
                </div>
            }
        })
    }
}

/// `text` as a `data:` URL of type `mime` (percent-encoded).
fn data_url(mime: &str, text: &str) -> String {
    let mut url = format!("data:{mime},");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}
