//! csv-import as a library for an existing axum server: [`router`] returns a
//! `Router` to nest under a path of the host's choosing (e.g.
//! `/csv-import`), configured with the database and the host's own way to
//! say who the user is and what they may import ([`Principal`]).
//!
//! The router serves everything the importer needs under that path:
//!
//! - `embed.js`: the custom element `<csv-import>` and `CsvImport.open()`;
//! - `embed.css`: the theme of the element's shadow root;
//! - `pkg/*` and `import-worker.js`: the wasm, its loader and the Web Worker
//!   (read from the site folder cargo-leptos builds);
//! - `api/*`: the server functions (templates, imports, batches);
//! - `templates/{name}/sample.csv` and `imports/{id}/errors.csv`.
//!
//! Requests from other origins are answered only for origins on the
//! allow-list ([`EmbedConfig::allow_origins`]), with credentials, and only
//! on the importer's own endpoints ([`IMPORTER_FUNCTIONS`], the assets and
//! the downloads); a state-changing request (POST and the like) from any
//! other origin than the server's own ([`EmbedConfig::public_origin`]), or
//! from an allowed one to another endpoint, is refused with a 403, which is
//! the defence against cross-site request forgery.

use crate::db::Db;
use app::backend::host::{HostAuth, Identify};
use app::backend::throttle::SignIns;
use app::backend::DemoMode;
pub use app::backend::host::Principal;
pub use app::model::Role;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use leptos::prelude::provide_context;
use std::path::PathBuf;
use std::sync::Arc;

/// The module that defines `<csv-import>`; see EMBEDDING.md.
const EMBED_JS: &str = include_str!("embed/embed.js");

/// The shadow root's base styles and theme (CSS custom properties).
const EMBED_CSS: &str = include_str!("embed/embed.css");

/// Who the user of a request is.
#[derive(Clone)]
pub enum Identity {
    /// csv-import's own sign-in (its session cookie): the standalone server.
    SessionCookie,
    /// The host application's sign-in.
    Host(Arc<dyn Identify>),
}

/// What [`router`] needs.
#[derive(Clone)]
pub struct EmbedConfig {
    /// The database (see [`crate::db::connect`]; it runs the migrations).
    pub db: Db,
    /// The folder cargo-leptos builds the site into (`target/site`): the
    /// wasm is served from its `pkg/` folder.
    pub site_root: PathBuf,
    /// Whose sign-in decides who the user is.
    pub identity: Identity,
    /// Origins (`https://portal.example.com`) whose pages may embed the
    /// importer; the server's own origin always may.
    pub allowed_origins: Vec<String>,
    /// The origins of the server's own pages (scheme, host and port). Empty:
    /// the origin a request names in its `Host` header, which is weaker
    /// (a DNS rebinding page names its own); set it.
    pub public_origins: Vec<String>,
    /// The sign-in guard of the server functions `login` and `client_login`.
    pub sign_ins: SignIns,
}

impl EmbedConfig {
    /// A configuration with csv-import's own sign-in and no other origins.
    pub fn new(db: Db, site_root: impl Into<PathBuf>) -> EmbedConfig {
        EmbedConfig {
            db,
            site_root: site_root.into(),
            identity: Identity::SessionCookie,
            allowed_origins: Vec::new(),
            public_origins: Vec::new(),
            sign_ins: SignIns::new(false),
        }
    }

    /// Use the host's sign-in: `identify` answers, for each request, who the
    /// user is and what they may import (`None`: not signed in, a 401).
    /// Usually a closure `|parts: &Parts| { ...; async move { Some(Principal { .. }) } }`.
    pub fn identify(mut self, identify: impl Identify) -> EmbedConfig {
        self.identity = Identity::Host(Arc::new(identify));
        self
    }

    /// Let pages of these origins embed the importer (with credentials).
    pub fn allow_origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> EmbedConfig {
        self.allowed_origins.extend(origins.into_iter().map(Into::into).filter_map(|o| normalize_origin(&o)));
        self
    }

    /// The origin of the server's own pages, e.g. `https://portal.example.com`
    /// (repeatable): a state-changing request is accepted from it without
    /// the allow-list.
    pub fn public_origin(self, origin: impl Into<String>) -> EmbedConfig {
        self.public_origins([origin])
    }

    /// [`EmbedConfig::public_origin`] for several origins.
    pub fn public_origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> EmbedConfig {
        self.public_origins.extend(origins.into_iter().map(Into::into).filter_map(|o| normalize_origin(&o)));
        self
    }

    /// Behind a reverse proxy: take the client's address (which failed
    /// sign-ins are counted by) from `Forwarded` / `X-Forwarded-For`.
    pub fn trust_forwarded(mut self, trust: bool) -> EmbedConfig {
        self.sign_ins = SignIns::new(trust);
        self
    }

    /// Offer the host's own `template` beside the built-in ones (checked
    /// first; one of a built-in name replaces it). Templates are known to
    /// the whole process, as with `serve --templates DIR`.
    pub fn template(self, template: csv_import_core::Template) -> Result<EmbedConfig, String> {
        app::backend::templates::register(template)?;
        Ok(self)
    }

    /// Let `role` import with the templates whose `permission` is this one
    /// (admins have every permission, viewers none; staff starts with
    /// `import_clients` and `import_leads`). Grants are known to the whole
    /// process, like templates.
    pub fn grant(self, role: app::model::Role, permission: &str) -> EmbedConfig {
        app::backend::access::grant(role, permission);
        self
    }

    /// Hand the checked rows of the templates that name `destination` to
    /// it (see [`crate::destination`]), in place of one registered under
    /// that name before. Destinations are known to the whole process.
    pub fn destination(self, destination: impl crate::destination::Destination + 'static) -> EmbedConfig {
        crate::destination::register(Arc::new(destination));
        self
    }

    /// Share a sign-in guard with the rest of the server.
    #[cfg(feature = "portal")]
    pub(crate) fn sign_ins(mut self, sign_ins: SignIns) -> EmbedConfig {
        self.sign_ins = sign_ins;
        self
    }
}

/// The importer's router, to nest under a path of the host's choosing:
/// `host_router.nest("/csv-import", csv_import::embed::router(config))`.
/// Generic over the host router's state, which it does not use.
pub fn router<S: Clone + Send + Sync + 'static>(config: EmbedConfig) -> Router<S> {
    let EmbedConfig { db, site_root, identity, allowed_origins, public_origins, sign_ins } = config;
    let origins = Origins::new(&allowed_origins).public(&public_origins);
    let host = match &identity {
        Identity::SessionCookie => None,
        Identity::Host(identify) => Some(HostAuth(identify.clone())),
    };
    let server_fns = {
        let db = db.clone();
        move |request: Request| {
            let db = db.clone();
            let host = host.clone();
            let sign_ins = sign_ins.clone();
            async move {
                leptos_axum::handle_server_fns_with_context(
                    move || {
                        provide_context(db.clone());
                        provide_context(DemoMode(false));
                        provide_context(sign_ins.clone());
                        if let Some(host) = host.clone() {
                            provide_context(host);
                        }
                    },
                    request,
                )
                .await
                .into_response()
            }
        }
    };
    let pkg_root = site_root.clone();
    let downloads = Downloads { db, identity };
    Router::new()
        .route("/embed.js", get(|| async { asset("text/javascript; charset=utf-8", EMBED_JS) }))
        .route("/embed.css", get(|| async { asset("text/css; charset=utf-8", EMBED_CSS) }))
        .route("/template.schema.json", get(|| async { template_schema() }))
        .route(
            "/import-worker.js",
            get(move || {
                let root = site_root.clone();
                async move { static_file(root.join("import-worker.js")).await }
            }),
        )
        .route(
            "/pkg/{file}",
            get(move |Path(file): Path<String>| {
                let root = pkg_root.clone();
                async move {
                    if !safe_name(&file) {
                        return (StatusCode::NOT_FOUND, "Not found.").into_response();
                    }
                    static_file(root.join("pkg").join(file)).await
                }
            }),
        )
        .route("/api/{*name}", any(server_fns))
        .route(
            "/templates/{name}/sample.csv",
            get({
                let downloads = downloads.clone();
                move |path: Path<String>, parts: Parts| {
                    let downloads = downloads.clone();
                    async move { downloads.sample(path, parts).await }
                }
            }),
        )
        .route(
            "/imports/{id}/errors.csv",
            get(move |path: Path<String>, parts: Parts| {
                let downloads = downloads.clone();
                async move { downloads.error_report(path, parts).await }
            }),
        )
        .layer(axum::middleware::from_fn_with_state(origins, origin_guard))
        .layer(axum::middleware::map_response(protective_headers))
}

/// Headers that keep a browser from misreading or framing the site: no
/// content sniffing (a CSV download is never run as a script), and the
/// pages framed by the site's own pages only, so that another site cannot
/// lay its buttons over a signed-in user's (clickjacking). Hosts embed the
/// importer with `embed.js`, never in a frame.
pub(crate) async fn protective_headers(mut response: Response) -> Response {
    use axum::http::{header, HeaderValue};
    let html = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if html {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
        headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static("frame-ancestors 'self'"));
    }
    response
}

/// Start the background import runner (clients, leads and companies import
/// in the background): call once per server process, inside the tokio
/// runtime. Several processes on one PostgreSQL share the jobs.
pub fn spawn_background_imports(db: &Db) -> tokio::task::JoinHandle<()> {
    app::backend::jobs::spawn(db.clone(), app::backend::jobs::RunnerConfig::from_env())
}

/// The server functions that pages of allowed origins may call: what the
/// importer itself needs, and nothing of the portal (no lists of records or
/// accounts, no export, no administration, no sign-in).
pub const IMPORTER_FUNCTIONS: [&str; 16] = [
    "list_templates",
    "get_template",
    "check_references",
    "check_combinations",
    "existing_values",
    "remembered_mapping",
    "remember_mapping",
    "start_import",
    "commit_batch",
    "stage_batch",
    "skip_rows",
    "queue_import",
    "finish_import",
    "get_import",
    "import_notifications",
    "current_user",
];

/// The origins [`origin_guard`] knows: the allow-list of embedding pages
/// and the server's own.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    allowed: Arc<Vec<String>>,
    public: Arc<Vec<String>>,
}

impl Origins {
    /// An allow-list from origins as configured (normalised; bad entries dropped).
    pub fn new<S: AsRef<str>>(origins: impl IntoIterator<Item = S>) -> Origins {
        Origins { allowed: Arc::new(normalized(origins)), public: Arc::default() }
    }

    /// The origins of the server's own pages; without any, a request's
    /// `Host` header says which it is.
    pub fn public<S: AsRef<str>>(mut self, origins: impl IntoIterator<Item = S>) -> Origins {
        self.public = Arc::new(normalized(origins));
        self
    }

    fn allows(&self, origin: &str) -> bool {
        normalize_origin(origin).is_some_and(|o| self.allowed.iter().any(|allowed| *allowed == o))
    }

    /// Whether `origin` is the server's own.
    fn own(&self, origin: &str, headers: &HeaderMap) -> bool {
        if self.public.is_empty() {
            return same_origin(origin, headers);
        }
        normalize_origin(origin).is_some_and(|o| self.public.iter().any(|own| *own == o))
    }
}

fn normalized<S: AsRef<str>>(origins: impl IntoIterator<Item = S>) -> Vec<String> {
    origins.into_iter().filter_map(|o| normalize_origin(o.as_ref())).collect()
}

/// `https://Portal.Example.com:443/` → `https://portal.example.com`; `None`
/// when it is not a scheme and a host (with a port or not).
pub(crate) fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = origin.split_once("://")?;
    let valid = matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', ' ', '\\'])
        && !rest.chars().any(char::is_control);
    if !valid {
        return None;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    Some(format!("{scheme}://{}", rest.strip_suffix(default_port).unwrap_or(rest)))
}

/// Whether a request to `path` (under the server's root or the importer's
/// mount) is the importer's: its server functions, assets and downloads.
fn importer_path(path: &str) -> bool {
    let path = path.strip_prefix("/csv-import").unwrap_or(path);
    if let Some(name) = path.strip_prefix("/api/") {
        return IMPORTER_FUNCTIONS.contains(&name);
    }
    let download = |prefix: &str, suffix: &str| {
        path.strip_prefix(prefix).and_then(|p| p.strip_suffix(suffix)).is_some_and(|middle| !middle.contains('/'))
    };
    matches!(path, "/embed.js" | "/embed.css" | "/import-worker.js" | "/template.schema.json")
        || path.strip_prefix("/pkg/").is_some_and(|file| !file.contains('/'))
        || download("/templates/", "/sample.csv")
        || download("/imports/", "/errors.csv")
}

/// Whether `origin` is the origin the request was sent to (its `Host`).
fn same_origin(origin: &str, headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    let Some((scheme, authority)) = origin.split_once("://") else { return false };
    let without_default_port = |a: &str| -> String {
        let default = if scheme.eq_ignore_ascii_case("https") { ":443" } else { ":80" };
        a.strip_suffix(default).unwrap_or(a).to_ascii_lowercase()
    };
    host.is_some_and(|h| without_default_port(&h) == without_default_port(authority))
}

/// CORS for the allowed origins, and the CSRF defence: a request that
/// changes something (any method but GET and HEAD) is refused (403) when a
/// page of another origin than the server's own sent it, unless that origin
/// is on the allow-list and the request is for the importer
/// ([`IMPORTER_FUNCTIONS`]). Browsers send `Origin` with such requests; one
/// without it is refused too when `Sec-Fetch-Site: cross-site` says that a
/// page of another site sent it.
pub async fn origin_guard(State(origins): State<Origins>, request: Request, next: Next) -> Response {
    let mut response = guard_origin(origins, request, next).await;
    // Whether an answer carries CORS headers depends on the Origin: a
    // shared cache must not give one origin's answer to another. Once,
    // though the guard may run twice (the importer's router nested in the
    // site's).
    let headers = response.headers_mut();
    let varies = headers.get_all(header::VARY).iter().any(|v| {
        v.to_str().is_ok_and(|v| v.split(',').any(|name| name.trim().eq_ignore_ascii_case("origin")))
    });
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn guard_origin(origins: Origins, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    let origin = match request.headers().get(header::ORIGIN).map(|o| o.to_str()) {
        None => None,
        Some(Ok(origin)) => Some(origin.to_string()),
        Some(Err(_)) => return (StatusCode::BAD_REQUEST, "The Origin header is not valid.").into_response(),
    };
    let Some(origin) = origin else {
        let cross_site = request.headers().get("sec-fetch-site").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        if cross_site && !safe {
            return (StatusCode::FORBIDDEN, "A page of another site may not change anything on this csv-import server.")
                .into_response();
        }
        return next.run(request).await;
    };
    if origins.own(&origin, request.headers()) {
        return next.run(request).await;
    }
    let allowed = origins.allows(&origin);
    if !allowed || !importer_path(request.uri().path()) {
        if safe {
            // No CORS headers: the browser keeps the answer from the page.
            return next.run(request).await;
        }
        let origin = app::backend::clean_text(&origin, 100);
        let message = if allowed {
            format!(
                "Pages of {origin} may use the importer's endpoints only, and {} is not one of them.",
                app::backend::clean_text(request.uri().path(), 100)
            )
        } else {
            format!(
                "Pages of {origin} may not use this csv-import server. Add the origin to its allow-list (CSV_IMPORT_ALLOWED_ORIGINS)."
            )
        };
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    let Ok(allow_origin) = HeaderValue::from_str(&origin) else {
        return (StatusCode::BAD_REQUEST, "The Origin header is not valid.").into_response();
    };
    let preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"));
        let asked = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            asked.unwrap_or_else(|| HeaderValue::from_static("content-type, accept")),
        );
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        response
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    response
}

/// `GET /template.schema.json`: the JSON Schema of template files, for
/// hosts' editors (`"$schema"` in a JSON template, or a TOML language
/// server's schema setting).
fn template_schema() -> Response {
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(csv_import_core::template::json_schema).as_str();
    asset("application/schema+json", schema)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// A file name without folders or tricks: letters, digits, `.`, `_`, `-`.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

async fn static_file(path: PathBuf) -> Response {
    let content_type = match path.extension().and_then(|e| e.to_str()) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], Body::from(bytes))
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "Not found. Build the site with `cargo leptos build`.").into_response(),
    }
}

/// The downloads (sample file, error report), with the router's sign-in.
#[derive(Clone)]
struct Downloads {
    db: Db,
    identity: Identity,
}

impl Downloads {
    /// The template's sample file; for a signed-in user, as the workspace
    /// has it (`partner-leads` follows the workspace's lead form).
    async fn sample(&self, path: Path<String>, parts: Parts) -> Response {
        match &self.identity {
            Identity::SessionCookie => crate::downloads::workspace_sample_csv(self.db.clone(), path, parts.headers).await,
            Identity::Host(identify) => {
                let Path(name) = path;
                let Some(name) = crate::downloads::template_name(&name) else { return crate::downloads::no_such_template(&name) };
                let mut template = app::backend::templates::get(&name);
                if let (Some(builtin), Ok(Some((session, _)))) =
                    (&template, app::backend::host::session(&self.db, identify.as_ref(), &parts).await)
                {
                    let workspace = session.workspace.id;
                    if let Ok(own) = app::backend::access::for_workspace(&self.db, workspace, builtin.clone()).await {
                        template = Some(own);
                    }
                }
                crate::downloads::sample_response(&name, template)
            }
        }
    }

    async fn error_report(&self, path: Path<String>, parts: Parts) -> Response {
        match &self.identity {
            Identity::SessionCookie => crate::downloads::error_report(self.db.clone(), path, parts.headers).await,
            Identity::Host(identify) => {
                use app::backend::{error_report, host, imports};
                use app::AppError;
                let Path(id) = path;
                if !imports::valid_id(&id) {
                    return crate::downloads::no_such_import();
                }
                let answer = async {
                    let (session, _) =
                        host::session(&self.db, identify.as_ref(), &parts).await?.ok_or_else(AppError::sign_in)?;
                    let head = imports::visible(&self.db, &session, &id).await?;
                    error_report::csv(&self.db, &head).await.map(|csv| (format!("import-{}-errors.csv", head.id), csv))
                }
                .await;
                crate::downloads::csv_download(answer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_normalised() {
        let origins = Origins::new(["https://Portal.Example.com/", "not an origin", "http://127.0.0.1:3131"]);
        assert_eq!(origins.allowed.len(), 2, "the bad entry is dropped: {:?}", origins.allowed);
        assert!(origins.allows("https://portal.example.com"));
        assert!(origins.allows("http://127.0.0.1:3131"));
        assert!(!origins.allows("http://127.0.0.1:3132"));
        assert!(!origins.allows("https://portal.example.com.evil.test"));
        assert!(!origins.allows("null"));
    }

    #[test]
    fn same_origin_is_the_host_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("app.example.com"));
        assert!(same_origin("https://app.example.com", &headers));
        assert!(same_origin("https://app.example.com:443", &headers));
        assert!(!same_origin("https://app.example.com:8443", &headers));
        assert!(!same_origin("https://evil.example.com", &headers));
    }

    #[test]
    fn the_public_origin_replaces_the_host_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("evil.example.test:3000"));
        let origins = Origins::new(Vec::<String>::new()).public(["http://127.0.0.1:3000", "https://app.example.com:443"]);
        assert!(origins.own("http://127.0.0.1:3000", &headers));
        assert!(origins.own("https://app.example.com", &headers));
        assert!(!origins.own("http://evil.example.test:3000", &headers), "the Host header does not count");
        // Without a configured origin (a host app that set none), it does.
        assert!(Origins::new(Vec::<String>::new()).own("http://evil.example.test:3000", &headers));
    }

    #[test]
    fn the_importer_paths_are_a_fixed_list() {
        for path in [
            "/api/start_import",
            "/csv-import/api/get_template",
            "/embed.js",
            "/csv-import/pkg/csv-import.wasm",
            "/templates/clients/sample.csv",
            "/csv-import/imports/0123/errors.csv",
        ] {
            assert!(importer_path(path), "{path}");
        }
        for path in [
            "/api/list_records",
            "/csv-import/api/save_lead_form",
            "/api/start_import/x",
            "/crm/export.csv",
            "/templates/a/b/sample.csv",
            "/",
        ] {
            assert!(!importer_path(path), "{path}");
        }
    }

    #[test]
    fn file_names_stay_in_their_folder() {
        assert!(safe_name("csv-import.wasm"));
        assert!(!safe_name("../secret"));
        assert!(!safe_name(".env"));
        assert!(!safe_name("a/b"));
    }
}
