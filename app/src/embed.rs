//! The importer in a page that is not a Leptos app: `embed.js` (served at
//! `/csv-import/embed.js`) creates a `<csv-import>` element with a shadow
//! root, loads the importer's own wasm (`embed/`, without the demo portal)
//! and calls [`mount`] through its `mount_import` export.

use crate::components::csv_import::{CsvImport, DeliveredRows, ImportResult, Mode, RowsHandler, TemplateSource};
use crate::i18n::Locale;
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

/// The element's attributes, as `embed.js` sends them (JSON).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedOptions {
    /// The template's name.
    #[serde(default)]
    pub template: String,
    /// The page's own template (the format of the server's, as JSON), for
    /// `preview` and `deliver`; the server imports only with its own.
    #[serde(default)]
    pub schema: Option<csv_import_core::Template>,
    /// The workspace's slug the host expects.
    #[serde(default)]
    pub workspace: Option<String>,
    /// `import` (default), `preview` or `deliver`.
    #[serde(default)]
    pub mode: Option<String>,
    /// A language tag (`fr`, `en-GB`); the browser's when missing.
    #[serde(default)]
    pub lang: Option<String>,
    /// Replaces the modal's title.
    #[serde(default)]
    pub title: Option<String>,
    /// Where csv-import is mounted, e.g. `https://app.example.com/csv-import/`.
    pub base: String,
}

impl EmbedOptions {
    /// The mode named by the `mode` attribute.
    pub fn mode(&self) -> Result<Mode, String> {
        match self.mode.as_deref().map(str::trim).unwrap_or("") {
            "" | "import" => Ok(Mode::Import),
            "preview" => Ok(Mode::Preview),
            "deliver" => Ok(Mode::Deliver),
            other => Err(format!("mode=\"{other}\" is not a mode: use \"import\", \"preview\" or \"deliver\".")),
        }
    }
}

/// Mount the modal into `host` (an element in the shadow root). `on_event`
/// is called as `on_event(kind, json)` with kind `complete` (json: the
/// [`ImportResult`]), `cancel` or `close` (json: `null`), `error` (json:
/// `{"message"}`, when the importer cannot open), and in `deliver`
/// mode `rows` (json: the [`DeliveredRows`]), for which it returns a
/// promise that settles once the page has taken the rows. The returned
/// value unmounts the modal when dropped.
pub fn mount(host: JsValue, options_json: &str, on_event: JsValue) -> Result<Box<dyn std::any::Any>, String> {
    let on_event: js_sys::Function = on_event.dyn_into().map_err(|_| "on_event is not a function.".to_string())?;
    let options: EmbedOptions =
        serde_json::from_str(options_json).map_err(|e| format!("The importer's options are not valid: {e}"))?;
    let mode = options.mode()?;
    let host: web_sys::HtmlElement = host.dyn_into().map_err(|_| "The importer's host is not an HTML element.".to_string())?;
    crate::assets::set_base(&options.base);
    let locale = options.lang.as_deref().and_then(Locale::from_tag);
    let handle = leptos::mount::mount_to(host, move || {
        let emit = StoredValue::new_local(on_event);
        let send = move |kind: &'static str, json: String| {
            emit.with_value(|f| {
                let _ = f.call2(&JsValue::NULL, &JsValue::from_str(kind), &JsValue::from_str(&json));
            });
        };
        let on_complete = Callback::new(move |result: ImportResult| {
            send("complete", serde_json::to_string(&result).unwrap_or_else(|_| "null".into()))
        });
        let on_cancel = Callback::new(move |()| send("cancel", "null".into()));
        let on_close = Callback::new(move |()| send("close", "null".into()));
        let on_error = Callback::new(move |message: String| {
            send("error", serde_json::json!({ "message": message }).to_string())
        });
        let on_rows = RowsHandler(std::rc::Rc::new(move |rows: DeliveredRows| {
            let answer = serde_json::to_string(&rows).map(|json| {
                emit.with_value(|f| f.call2(&JsValue::NULL, &JsValue::from_str("rows"), &JsValue::from_str(&json)))
            });
            Box::pin(async move {
                let answer = answer.map_err(|e| e.to_string())?.map_err(js_message)?;
                let promise = js_sys::Promise::resolve(&answer);
                wasm_bindgen_futures::JsFuture::from(promise).await.map(|_| ()).map_err(js_message)
            })
        }));
        let template = match options.schema.clone() {
            Some(schema) => TemplateSource::Value(Box::new(schema)),
            None => TemplateSource::Name(options.template.clone()),
        };
        let workspace = options.workspace.clone();
        let title = options.title.clone();
        view! {
            <CsvImport
                template
                nostrip:workspace=workspace
                mode
                nostrip:locale=locale
                nostrip:title=title
                on_complete
                on_cancel
                on_close
                on_error
                on_rows
            />
        }
    });
    Ok(Box::new(handle))
}

/// What a rejected promise or a thrown value says: an `Error`'s message, a
/// string as is, else its JSON.
fn js_message(value: JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value
        .as_string()
        .or_else(|| js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| "no reason given".to_string())
}
