//! The browser entry of csv-import: hydrates the server-rendered page, and
//! gives the import Web Worker its entry point into the same wasm.

#![recursion_limit = "256"]

use wasm_bindgen::prelude::*;

/// Called by the page's hydration script once the wasm is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

/// The Web Worker's job: decode, parse and check a file's bytes for a
/// template (JSON) with the user's options (JSON); returns the analysis as JSON.
#[wasm_bindgen]
pub fn analyze_file(bytes: &[u8], template_json: &str, options_json: &str) -> Result<String, JsError> {
    console_error_panic_hook::set_once();
    let template: csv_import_core::Template = serde_json::from_str(template_json)?;
    let options: app::analysis::CheckOptions = serde_json::from_str(options_json)?;
    Ok(serde_json::to_string(&app::analysis::analyze(bytes, &template, &options))?)
}
