//! The browser entry of csv-import: hydrates the server-rendered page.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the page's hydration script once the wasm is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
