//! Browser-only helpers: the Web Worker that reads and checks files, file
//! downloads, the clock. They compile on the server too, but are called only
//! from event handlers and effects, never while rendering.

use crate::analysis::{Analysis, CheckOptions};
use csv_import_core::Template;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    // One worker for the page: loading the wasm into it costs more than a small file's check.
    static WORKER: RefCell<Option<web_sys::Worker>> = const { RefCell::new(None) };
}

fn js_error(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

fn worker() -> Result<web_sys::Worker, String> {
    WORKER.with(|cell| {
        if let Some(worker) = cell.borrow().as_ref() {
            return Ok(worker.clone());
        }
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("/import-worker.js", &options).map_err(js_error)?;
        *cell.borrow_mut() = Some(worker.clone());
        Ok(worker)
    })
}

/// Decode, parse and check `bytes` in the Web Worker, off the main thread.
/// The bytes are moved to the worker, not copied.
pub async fn analyze_in_worker(bytes: Vec<u8>, template: &Template, options: &CheckOptions) -> Result<Analysis, String> {
    let worker = worker()?;
    let buffer = js_sys::Uint8Array::from(bytes.as_slice());
    drop(bytes);
    let message = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&message, &JsValue::from_str(key), value).map(|_| ());
    set("bytes", &buffer).map_err(js_error)?;
    set("template", &JsValue::from_str(&serde_json::to_string(template).map_err(|e| e.to_string())?)).map_err(js_error)?;
    set("options", &JsValue::from_str(&serde_json::to_string(options).map_err(|e| e.to_string())?)).map_err(js_error)?;

    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    worker
        .post_message_with_transfer(&message, &js_sys::Array::of1(&buffer.buffer()))
        .map_err(js_error)?;
    let reply = wasm_bindgen_futures::JsFuture::from(answer).await.map_err(|e| {
        // A worker that failed to load is dropped so the next try starts afresh.
        WORKER.with(|cell| cell.borrow_mut().take());
        format!("The file checker could not run: {}", js_error(e))
    })?;
    let get = |key: &str| js_sys::Reflect::get(&reply, &JsValue::from_str(key)).ok();
    if get("ok").and_then(|v| v.as_bool()) != Some(true) {
        let error = get("error").and_then(|v| v.as_string()).unwrap_or_default();
        return Err(format!("The file checker failed: {error}"));
    }
    let json = get("json").and_then(|v| v.as_string()).ok_or("The file checker sent no answer.")?;
    serde_json::from_str(&json).map_err(|e| format!("The file checker's answer was not understood: {e}"))
}

/// Let the browser save `text` as a file.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let properties = web_sys::BlobPropertyBag::new();
    properties.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &properties).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(js_error)?.dyn_into().map_err(|_| "not a link")?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    web_sys::Url::revoke_object_url(&url).map_err(js_error)
}

/// The current time as RFC 3339 (UTC).
pub fn now_rfc3339() -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    // `2026-11-21T05:30:00.000Z` without the milliseconds.
    match iso.split_once('.') {
        Some((head, _)) => format!("{head}Z"),
        None => iso,
    }
}

/// Ask the user to confirm something, with the browser's own dialog.
pub fn confirm(message: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(true)
}
