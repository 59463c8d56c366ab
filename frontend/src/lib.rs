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
    // The portal's pages are lazy routes (chunks of their own in `split`
    // builds): hydration waits for the page's code rather than failing.
    leptos::mount::hydrate_lazy(app::App);
}
