//! The page's wasm: hydrates the server-rendered demo portal. The UI only:
//! the engine that reads and checks files is the worker's own wasm
//! (`worker/`), loaded when the user picks a file, and the importer that
//! hosts embed (`embed.js`) is a wasm of its own (`embed/`), without the
//! portal's pages.

#![recursion_limit = "256"]

use wasm_bindgen::prelude::*;

/// Called by the page's hydration script once the wasm is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
