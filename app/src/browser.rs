//! Browser-only helpers: the Web Worker that reads, checks and keeps the
//! file, file downloads, the clock. They compile on the server too, but are
//! called only from event handlers and effects, never while rendering.
//!
//! The worker's message protocol is described at the top of
//! `public/import-worker.js`.

use crate::analysis::{CheckOptions, Request, Summary};
use csv_import_core::Template;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What the worker is doing with a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadPhase {
    /// Reading the file's bytes, before its first rows.
    #[default]
    Reading,
    /// Reading and parsing: rows are coming.
    Parsing,
    /// Checking the rows read.
    Checking,
}

impl ReadPhase {
    /// The phase a progress message of the worker names.
    fn named(name: &str) -> ReadPhase {
        match name {
            "parsing" => ReadPhase::Parsing,
            "checking" => ReadPhase::Checking,
            _ => ReadPhase::Reading,
        }
    }
}

/// How far the worker is with a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadProgress {
    pub phase: ReadPhase,
    /// Rows read (parsing) or checked (checking) so far.
    pub rows: u64,
    /// Bytes of the file read so far.
    pub bytes: u64,
    /// 0 to 100, over the whole job.
    pub percent: f64,
}

struct Pending {
    resolve: js_sys::Function,
    reject: js_sys::Function,
    progress: Option<Rc<dyn Fn(ReadProgress)>>,
}

struct Client {
    worker: web_sys::Worker,
    pending: Rc<RefCell<HashMap<u32, Pending>>>,
    // Kept alive as long as the worker.
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    // One worker for the page: it holds the file being imported.
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

fn js_error(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        // An ErrorEvent of the worker.
        .or_else(|| get(&value, "message").as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), String> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value).map(|_| ()).map_err(js_error)
}

/// Fail every call waiting for the worker.
/// Why the worker gave no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerError {
    /// [`stop_worker`] stopped it: the user cancelled.
    Cancelled,
    /// It failed, or its answer could not be read; the message says why.
    Failed(String),
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerError::Cancelled => f.write_str("Cancelled."),
            WorkerError::Failed(message) => f.write_str(message),
        }
    }
}

impl From<String> for WorkerError {
    fn from(message: String) -> WorkerError {
        WorkerError::Failed(message)
    }
}

/// Fail every call waiting for the worker: with `message`, or, for `None`,
/// as cancelled (a `null` rejection, which no failure of the worker gives).
fn reject_all(pending: &RefCell<HashMap<u32, Pending>>, message: Option<&str>) {
    let reason = message.map_or(JsValue::NULL, JsValue::from_str);
    let calls: Vec<Pending> = pending.borrow_mut().drain().map(|(_, p)| p).collect();
    for call in calls {
        let _ = call.reject.call1(&JsValue::NULL, &reason);
    }
}

fn with_worker<T>(f: impl FnOnce(&Client) -> Result<T, String>) -> Result<T, String> {
    CLIENT.with(|cell| {
        if cell.borrow().is_none() {
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Module);
            let worker = web_sys::Worker::new_with_options(&crate::assets::worker_url()?, &options).map_err(js_error)?;
            let pending: Rc<RefCell<HashMap<u32, Pending>>> = Rc::default();
            let on_message = {
                let pending = pending.clone();
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                    let data = event.data();
                    let id = get(&data, "id").as_f64().unwrap_or(0.0) as u32;
                    let kind = get(&data, "type").as_string().unwrap_or_default();
                    if kind == "progress" {
                        let progress = pending.borrow().get(&id).and_then(|p| p.progress.clone());
                        if let Some(progress) = progress {
                            progress(ReadProgress {
                                phase: ReadPhase::named(&get(&data, "phase").as_string().unwrap_or_default()),
                                rows: get(&data, "rows").as_f64().unwrap_or(0.0) as u64,
                                bytes: get(&data, "bytesRead").as_f64().unwrap_or(0.0) as u64,
                                percent: get(&data, "percent").as_f64().unwrap_or(0.0),
                            });
                        }
                        return;
                    }
                    let Some(call) = pending.borrow_mut().remove(&id) else { return };
                    if get(&data, "ok").as_bool() == Some(true) {
                        let _ = call.resolve.call1(&JsValue::NULL, &get(&data, "json"));
                    } else {
                        let _ = call.reject.call1(&JsValue::NULL, &get(&data, "error"));
                    }
                })
            };
            let on_error = {
                let pending = pending.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    let message = (crate::i18n::last_opened().text().checker_stopped)(&js_error(event));
                    reject_all(&pending, Some(&message));
                    // A worker that failed is dropped so the next call starts afresh.
                    leptos::task::spawn_local(async { drop_client() });
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            *cell.borrow_mut() = Some(Client { worker, pending, _on_message: on_message, _on_error: on_error });
        }
        f(cell.borrow().as_ref().expect("a worker"))
    })
}

fn drop_client() {
    if let Some(client) = CLIENT.with(|cell| cell.borrow_mut().take()) {
        client.worker.terminate();
        reject_all(&client.pending, None);
    }
}

/// Start the worker now, before there is a file: its script and the
/// engine's wasm (which the page does not carry) download and compile while
/// the user picks one, so that the file's check starts at once.
pub fn warm_up_worker() {
    if let Err(message) = with_worker(|_| Ok(())) {
        // The first file tries again, and says why if it fails then.
        leptos::logging::warn!("{message}");
    }
}

/// Stop the worker at once, whatever it is doing (reading a file), and
/// free what it holds: the next call starts a new one. Calls waiting for
/// it fail with [`WorkerError::Cancelled`].
pub fn stop_worker() {
    drop_client();
}

/// Post `message` (an object with `type`; an `id` is added) and wait for
/// the worker's answer (its `json`, as a JavaScript string).
async fn call_raw(message: js_sys::Object, progress: Option<Rc<dyn Fn(ReadProgress)>>) -> Result<JsValue, WorkerError> {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    });
    set(&message, "id", &JsValue::from(id))?;
    let mut outcome: Result<(), String> = Ok(());
    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        outcome = with_worker(|client| {
            client.pending.borrow_mut().insert(id, Pending { resolve, reject, progress: progress.clone() });
            client.worker.post_message(&message).map_err(js_error)
        });
    });
    outcome?;
    wasm_bindgen_futures::JsFuture::from(answer).await.map_err(|reason| match reason.is_null() {
        true => WorkerError::Cancelled,
        false => WorkerError::Failed(js_error(reason)),
    })
}

/// [`call_raw`], with the answer as a Rust string.
async fn call(message: js_sys::Object, progress: Option<Rc<dyn Fn(ReadProgress)>>) -> Result<String, WorkerError> {
    let reply = call_raw(message, progress).await?;
    reply.as_string().ok_or_else(|| WorkerError::Failed(crate::i18n::last_opened().text().checker_no_answer.to_string()))
}

/// Read and check `file` in the worker, in chunks, off the main thread.
/// The worker keeps the rows; the page gets the [`Summary`]. `progress`
/// is told how far it is. [`stop_worker`] cancels.
pub async fn analyze_in_worker(
    file: &web_sys::File,
    template: &Template,
    options: &CheckOptions,
    progress: impl Fn(ReadProgress) + 'static,
) -> Result<Summary, WorkerError> {
    let message = js_sys::Object::new();
    set(&message, "type", &JsValue::from_str("analyze"))?;
    set(&message, "file", file)?;
    set(&message, "template", &JsValue::from_str(&serde_json::to_string(template).map_err(|e| e.to_string())?))?;
    set(&message, "options", &JsValue::from_str(&serde_json::to_string(options).map_err(|e| e.to_string())?))?;
    let json = call(message, Some(Rc::new(progress))).await?;
    serde_json::from_str(&json).map_err(|e| WorkerError::Failed((crate::i18n::last_opened().text().checker_garbled)(&e.to_string())))
}

/// Ask the worker about the file it holds (see [`Request`]).
pub async fn ask<T: DeserializeOwned>(request: &Request) -> Result<T, String> {
    let message = js_sys::Object::new();
    set(&message, "type", &JsValue::from_str("request"))?;
    set(&message, "json", &JsValue::from_str(&serde_json::to_string(request).map_err(|e| e.to_string())?))?;
    let json = call(message, None).await.map_err(|e| e.to_string())?;
    serde_json::from_str(&json).map_err(|e| (crate::i18n::last_opened().text().checker_garbled)(&e.to_string()))
}

/// Ask the worker for a text (the error report) and save it as a file,
/// without the text passing through the page's wasm: it may be megabytes.
pub async fn download_from_worker(request: &Request, file_name: &str, mime: &str) -> Result<(), String> {
    let message = js_sys::Object::new();
    set(&message, "type", &JsValue::from_str("request"))?;
    set(&message, "json", &JsValue::from_str(&serde_json::to_string(request).map_err(|e| e.to_string())?))?;
    let json = call_raw(message, None).await.map_err(|e| e.to_string())?;
    // JSON.parse on the JavaScript string itself: it never becomes a Rust string.
    let parse = js_sys::Function::new_with_args("json", "return JSON.parse(json)");
    let text = parse.call1(&JsValue::NULL, &json).map_err(js_error)?;
    // The BOM makes Excel read the file as UTF-8.
    let parts = js_sys::Array::of2(&JsValue::from_str("\u{feff}"), &text);
    save_blob(file_name, mime, &parts)
}

/// Milliseconds since the page loaded (for rates).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// Wait `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Let the browser save `text` as a file.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    save_blob(file_name, mime, &js_sys::Array::of1(&JsValue::from_str(text)))
}

/// Let the browser save the concatenated `parts` as a file.
fn save_blob(file_name: &str, mime: &str, parts: &js_sys::Array) -> Result<(), String> {
    let properties = web_sys::BlobPropertyBag::new();
    properties.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(parts, &properties).map_err(js_error)?;
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

/// The element that has the keyboard's focus, looked for inside open shadow
/// roots too (an embedding page's launch button is in one).
pub fn focused_element() -> Option<web_sys::HtmlElement> {
    let mut active = web_sys::window()?.document()?.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|root| root.active_element()) {
        active = inner;
    }
    active.dyn_into().ok()
}

/// Whether `event` was fired at the element whose listener sees it, rather
/// than bubbling up from one inside it.
pub fn is_own_event(event: &web_sys::Event) -> bool {
    match (event.target(), event.current_target()) {
        (Some(target), Some(current)) => JsValue::from(target) == JsValue::from(current),
        _ => true,
    }
}
