//! The wasm of the import Web Worker (`public/import-worker.js`): the
//! engine without the page's UI, loaded when the user picks a file. A file
//! is read in chunks ([`begin_file`], [`feed_file`], [`finish_file`]) into
//! one session that then answers the page's requests ([`handle`]).

use csv_import_core::Template;
use csv_import_engine::{failed, CheckOptions, FileLoader, Request, Session};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A JavaScript function `(rows, fraction) => void`.
    pub type Progress;
    #[wasm_bindgen(method, js_name = call)]
    fn report(this: &Progress, context: &JsValue, rows: f64, fraction: f64);
}

struct Loading {
    template: Template,
    options: CheckOptions,
    loader: FileLoader,
}

thread_local! {
    static LOADING: RefCell<Option<Loading>> = const { RefCell::new(None) };
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Start reading a file of `size` bytes for a template (JSON) with the
/// user's options (JSON). The previous file, if any, is dropped.
#[wasm_bindgen]
pub fn begin_file(template_json: &str, options_json: &str, size: f64) -> Result<(), JsError> {
    console_error_panic_hook::set_once();
    let template: Template = serde_json::from_str(template_json)?;
    let options: CheckOptions = serde_json::from_str(options_json)?;
    SESSION.with(|s| s.borrow_mut().take());
    let loader = options.loader(size as usize);
    LOADING.with(|l| *l.borrow_mut() = Some(Loading { template, options, loader }));
    Ok(())
}

/// The next chunk of the file, decoded and its complete rows parsed at
/// once. False when the file turned out unreadable (the rest need not be
/// read; [`finish_file`] says why).
#[wasm_bindgen]
pub fn feed_file(chunk: &[u8]) -> bool {
    LOADING.with(|l| l.borrow_mut().as_mut().is_some_and(|l| l.loader.feed(chunk)))
}

/// How many data rows the file being read has so far.
#[wasm_bindgen]
pub fn rows_read() -> f64 {
    LOADING.with(|l| l.borrow().as_ref().map_or(0.0, |l| l.loader.rows_read() as f64))
}

/// Parse the rest of what was fed, then check every row;
/// `progress(rows, fraction)` is called now and then while checking
/// (fraction 0 to 1). Returns the file's summary as JSON.
#[wasm_bindgen]
pub fn finish_file(progress: &Progress) -> Result<String, JsError> {
    let Some(Loading { template, options, loader }) = LOADING.with(|l| l.borrow_mut().take()) else {
        return Err(JsError::new("No file is being read."));
    };
    let summary = match loader.finish(&template, &options) {
        Ok(loaded) => {
            let report = &mut |rows: u64, fraction: f64| progress.report(&JsValue::NULL, rows as f64, fraction);
            let session = Session::from_loaded(template, loaded, options, report);
            let summary = session.summary();
            SESSION.with(|s| *s.borrow_mut() = Some(session));
            summary
        }
        Err(error) => failed(&template, error),
    };
    Ok(serde_json::to_string(&summary)?)
}

/// Answer one of the page's requests (JSON, see `csv_import_engine::Request`) about the file read last.
#[wasm_bindgen]
pub fn handle(request_json: &str) -> Result<String, JsError> {
    let request: Request = serde_json::from_str(request_json)?;
    SESSION.with(|s| match s.borrow_mut().as_mut() {
        Some(session) => Ok(session.handle(request)?),
        None => Err(JsError::new("No file has been read.")),
    })
}

/// Free what the last change replaced, after its answer was posted (see
/// `csv_import_engine::Session::release`).
#[wasm_bindgen]
pub fn release() {
    SESSION.with(|s| {
        if let Some(session) = s.borrow_mut().as_mut() {
            session.release();
        }
    });
}
