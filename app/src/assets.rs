//! Where the importer's own files (the Web Worker, sample files) and server
//! functions are: at the root of csv-import's own site, or under the URL it
//! is mounted at when another page embeds it (`https://app.example.com/csv-import/`).

use std::cell::RefCell;

thread_local! {
    static BASE: RefCell<String> = RefCell::new(String::from("/"));
}

/// Serve the importer's files and server functions from `base` (an absolute
/// URL ending in `/`). Called once by the embed entry before mounting.
pub fn set_base(base: &str) {
    let base = if base.ends_with('/') { base.to_string() } else { format!("{base}/") };
    // Server functions are `{server url}/api/...`; the URL is set once per page.
    let server_url: &'static str = Box::leak(base.trim_end_matches('/').to_string().into_boxed_str());
    let _ = leptos::server_fn::client::try_set_server_url(server_url);
    BASE.with(|b| *b.borrow_mut() = base);
}

/// The URL of `path` (relative, e.g. `templates/clients/sample.csv`) among
/// the importer's files.
pub fn url(path: &str) -> String {
    BASE.with(|b| format!("{}{}", b.borrow(), path.trim_start_matches('/')))
}

/// The URL to start the import Web Worker from. A worker must come from the
/// page's own origin, so for a page of another origin it is a small module
/// of the page's (a `blob:` URL) that imports the real one.
pub fn worker_url() -> Result<String, String> {
    let url = url("import-worker.js");
    let page_origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    if !url.starts_with("http") || url.starts_with(&format!("{page_origin}/")) {
        return Ok(url);
    }
    let source = js_sys::Array::of1(&format!("import {};", serde_json::to_string(&url).unwrap_or_default()).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &options).map_err(|e| format!("{e:?}"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))
}
