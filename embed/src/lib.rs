//! The wasm that `embed.js` loads into a host's page: the import modal and
//! nothing of the demo portal (its pages, entities and routes), so that a
//! host's visitors download the importer's UI only. The engine that reads
//! and checks files is the worker's own wasm (`worker/`), loaded when the
//! modal opens.

#![recursion_limit = "256"]

use wasm_bindgen::prelude::*;

/// The importer mounted into a page by `embed.js`; dropping it (`free()` in
/// JavaScript) unmounts the modal.
#[wasm_bindgen]
pub struct MountedImport {
    _handle: Box<dyn std::any::Any>,
}

/// `embed.js`'s entry: mount the import modal into `host` (an element in the
/// `<csv-import>` shadow root) with the element's options (JSON, see
/// `app::embed::EmbedOptions`); `on_event(kind, json)` hears `complete`,
/// `cancel` and `close`.
#[wasm_bindgen]
pub fn mount_import(host: JsValue, options_json: &str, on_event: JsValue) -> Result<MountedImport, JsError> {
    console_error_panic_hook::set_once();
    app::embed::mount(host, options_json, on_event).map(|handle| MountedImport { _handle: handle }).map_err(|e| JsError::new(&e))
}
