//! The HTTP server: the Leptos app, its server functions, and plain routes
//! (sample files). The importer that other pages embed is mounted at
//! `/csv-import` by the same library function hosts use ([`crate::embed::router`]).

use crate::db::{Backend, Db};
use app::backend::throttle::SignIns;
use app::backend::DemoMode;
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

/// The largest request body accepted ([`app::model::REQUEST_BODY_LIMIT`]).
pub const BODY_LIMIT: usize = app::model::REQUEST_BODY_LIMIT;

/// Settings of `csv-import serve`.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Where to listen, e.g. `127.0.0.1:3000`; defaults to the Leptos site address.
    pub addr: Option<String>,
    /// The database URL.
    pub database_url: String,
    /// Seed the demo workspaces and accounts (SQLite only) and list them on
    /// the sign-in page: opt-in, never on a server others can reach.
    pub demo: bool,
    /// Origins whose pages may embed the importer (`CSV_IMPORT_ALLOWED_ORIGINS`).
    pub allowed_origins: Vec<String>,
    /// The origin browsers reach the server at (`CSV_IMPORT_PUBLIC_ORIGIN`);
    /// defaults to the listen address.
    pub public_origin: Option<String>,
    /// Read the client's address from `Forwarded` / `X-Forwarded-For`
    /// (`CSV_IMPORT_TRUST_FORWARDED=1`): only behind a reverse proxy.
    pub trust_forwarded: bool,
    /// A folder of template files offered beside the built-in ones
    /// (`CSV_IMPORT_TEMPLATES`).
    pub templates: Option<std::path::PathBuf>,
}

/// What a site's router is built with, beyond the database.
#[derive(Clone, Debug, Default)]
pub struct SiteOptions {
    /// Demo mode: the sign-in page lists the demo accounts (seed them with
    /// `app::portal::backend::demo::seed`).
    pub demo: bool,
    /// Origins whose pages may embed the importer and call its endpoints.
    pub allowed_origins: Vec<String>,
    /// The server's public origin (`https://imports.example.com`); `None`:
    /// `http://` and the Leptos site address (and `http://localhost:PORT`
    /// when that is a loopback or unspecified address).
    pub public_origin: Option<String>,
    /// Trust forwarded client addresses (see `app::backend::throttle`).
    pub trust_forwarded: bool,
}

/// The whole router for a connected database. `demo` tells the sign-in page
/// to list the demo accounts (seed them with `app::portal::backend::demo::seed`).
pub fn router(leptos_options: LeptosOptions, db: Db, demo: bool) -> Router {
    router_with(leptos_options, db, &SiteOptions { demo, ..SiteOptions::default() })
}

/// [`router`], letting pages of `allowed_origins` embed the importer
/// (`/csv-import/embed.js`) and call the server with the user's session.
pub fn router_with_origins(leptos_options: LeptosOptions, db: Db, demo: bool, allowed_origins: &[String]) -> Router {
    let site = SiteOptions { demo, allowed_origins: allowed_origins.to_vec(), ..SiteOptions::default() };
    router_with(leptos_options, db, &site)
}

/// The origins the server's own pages are at: `configured`, or else those
/// of the listen address. An error says what is wrong with `configured`.
pub fn public_origins(configured: Option<&str>, listen: SocketAddr) -> Result<Vec<String>, String> {
    if let Some(origin) = configured.map(str::trim).filter(|o| !o.is_empty()) {
        return crate::embed::normalize_origin(origin).map(|o| vec![o]).ok_or_else(|| {
            format!("{origin:?} is not an origin: write the scheme, host and port only, e.g. https://imports.example.com")
        });
    }
    let port = listen.port();
    let ip = listen.ip();
    let mut origins = Vec::new();
    if ip.is_unspecified() {
        origins.push(format!("http://127.0.0.1:{port}"));
    } else {
        origins.push(format!("http://{listen}"));
    }
    if ip.is_loopback() || ip.is_unspecified() {
        origins.push(format!("http://localhost:{port}"));
    }
    Ok(origins.into_iter().filter_map(|o| crate::embed::normalize_origin(&o)).collect())
}

/// The router of [`router`] with every option.
pub fn router_with(leptos_options: LeptosOptions, db: Db, site: &SiteOptions) -> Router {
    let public = public_origins(site.public_origin.as_deref(), leptos_options.site_addr).unwrap_or_else(|e| {
        tracing::warn!("{e}; the listen address is taken instead");
        public_origins(None, leptos_options.site_addr).unwrap_or_default()
    });
    let sign_ins = SignIns::new(site.trust_forwarded);
    let embed = crate::embed::EmbedConfig::new(db.clone(), leptos_options.site_root.as_ref())
        .allow_origins(site.allowed_origins.iter().cloned())
        .public_origins(public.iter().cloned())
        .sign_ins(sign_ins.clone());
    let origins = crate::embed::Origins::new(&embed.allowed_origins).public(&embed.public_origins);
    let routes = generate_route_list(App);
    let shell_options = leptos_options.clone();
    let demo = DemoMode(site.demo);
    let report_db = db.clone();
    let export_db = db.clone();
    let sample_db = db.clone();
    Router::new()
        .route(
            "/templates/{name}/sample.csv",
            get(move |path: Path<String>, headers: HeaderMap| crate::downloads::workspace_sample_csv(sample_db.clone(), path, headers)),
        )
        .route(
            "/imports/{id}/errors.csv",
            get(move |path: Path<String>, headers: HeaderMap| crate::downloads::error_report(report_db.clone(), path, headers)),
        )
        .route(
            "/crm/export.csv",
            get(move |headers: HeaderMap| crm_export(export_db.clone(), headers)),
        )
        .route("/healthz", get(|| async { "ok" }))
        .nest("/csv-import", crate::embed::router(embed))
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || {
                provide_context(db.clone());
                provide_context(demo);
                provide_context(sign_ins.clone());
            },
            move || shell(shell_options.clone()),
        )
        .nest(&format!("/{}", leptos_options.site_pkg_dir), site_files(&leptos_options))
        .fallback(leptos_axum::file_and_error_handler(shell))
        // Axum's extractors honour DefaultBodyLimit; server functions read
        // the raw body, which RequestBodyLimitLayer caps (413 beyond it).
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(too_large_as_json))
        // Cross-origin pages: CORS for the allow-list (the importer's
        // endpoints only), 403 for others' state-changing requests.
        .layer(axum::middleware::from_fn_with_state(origins, crate::embed::origin_guard))
        .layer(axum::middleware::map_response(crate::embed::protective_headers))
        .with_state(leptos_options)
}

/// The body limit's 413 is plain text; callers of the server functions
/// get every error as [`app::AppError`]'s JSON, this one too.
async fn too_large_as_json(response: Response) -> Response {
    let json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE || json {
        return response;
    }
    (response.status(), axum::Json(app::AppError::body_too_large())).into_response()
}

/// The site's compiled files (`/pkg/`: the page's wasm, its chunks, the
/// worker's). They keep their names from one build to the next, while the
/// page's wasm and its chunks must come from the same build: browsers ask
/// again each time, and get a 304 when the file has not changed (the
/// fallback's file handler drops the request's conditional headers).
fn site_files(options: &LeptosOptions) -> Router<LeptosOptions> {
    let folder = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .fallback_service(ServeDir::new(folder).precompressed_gzip().precompressed_br())
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            response
                .headers_mut()
                .entry(axum::http::header::CACHE_CONTROL)
                .or_insert(axum::http::HeaderValue::from_static("no-cache"));
            response
        }))
}

/// Serve until Ctrl-C.
pub async fn serve(config: ServeConfig) -> Result<(), crate::error::Error> {
    let conf = get_configuration(None).map_err(|e| crate::error::Error::Usage(format!("Leptos configuration: {e}")))?;
    let mut leptos_options = conf.leptos_options;
    if let Some(addr) = &config.addr {
        leptos_options.site_addr =
            addr.parse().map_err(|e| crate::error::Error::Usage(format!("--addr {addr}: {e}")))?;
    }
    let addr = leptos_options.site_addr;
    let public = public_origins(config.public_origin.as_deref(), addr)
        .map_err(|e| crate::error::Error::Usage(format!("--public-origin: {e}")))?;
    if let Some(dir) = &config.templates {
        let names = app::backend::templates::register_dir(dir)
            .map_err(|e| crate::error::Error::Usage(format!("--templates: {e}")))?;
        tracing::info!("templates from {}: {}", dir.display(), names.join(", "));
        // A receiver without its secret would fail every import: say so now.
        if let Some(problem) = names.iter().find_map(|n| app::backend::webhook::missing_secret(n)) {
            return Err(crate::error::Error::Usage(format!("--templates: {problem}")));
        }
    }
    let db = crate::db::connect(&config.database_url).await?;
    let demo = config.demo && db.backend() == Backend::Sqlite;
    if config.demo && !demo {
        tracing::warn!("demo mode is for SQLite only: nothing is seeded on PostgreSQL, and no demo account is listed");
    }
    if demo {
        app::portal::backend::demo::seed(&db).await?;
        eprintln!("{}", app::portal::backend::demo::warning());
        tracing::warn!("demo mode is on: the demo accounts and their password are listed to anyone");
    }
    if config.public_origin.is_none() && addr.ip().is_unspecified() {
        tracing::warn!(
            "listening on {addr} without --public-origin: only pages at {} may change anything; set the origin browsers use",
            public.join(" and ")
        );
    }
    // The background import runner; every server process runs
    // one, and they share the jobs through the database.
    let runner = app::backend::jobs::spawn(db.clone(), app::backend::jobs::RunnerConfig::from_env());
    let site = SiteOptions {
        demo,
        allowed_origins: config.allowed_origins.clone(),
        public_origin: config.public_origin.clone(),
        trust_forwarded: config.trust_forwarded,
    };
    let app = router_with(leptos_options, db, &site);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|source| crate::error::Error::Io { path: addr.to_string(), source })?;
    tracing::info!("listening on http://{addr} (public origin {})", public.join(", "));
    // The peer address counts failed sign-ins (app::backend::throttle).
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|source| crate::error::Error::Io { path: addr.to_string(), source })?;
    runner.abort();
    Ok(())
}

/// `GET /crm/export.csv`: the workspace's CRM clients in the `crm-clients`
/// template's format, so that the edited file imports back as updates.
/// Needs a session (401) whose role may import CRM clients (403).
async fn crm_export(db: Db, headers: HeaderMap) -> Response {
    use app::backend::{access, auth};
    use app::portal::backend::crm;
    use app::AppError;
    let answer = async {
        let token = auth::token_of(&headers).ok_or_else(AppError::sign_in)?;
        let session = auth::session_for_token(&db, &token).await?.ok_or_else(AppError::sign_in)?;
        let template = access::template("crm-clients")?;
        if let Some(reason) = access::refusal(session.role, &template) {
            return Err(AppError::Forbidden(reason));
        }
        crm::export_csv(&db, session.workspace.id, &template).await.map(|csv| (session.workspace.slug, csv))
    }
    .await;
    crate::downloads::csv_download(answer.map(|(slug, csv)| (format!("crm-clients-{slug}.csv"), csv)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_origin_defaults_to_the_listen_address() {
        let loopback: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(public_origins(None, loopback).unwrap(), ["http://127.0.0.1:3000", "http://localhost:3000"]);
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(public_origins(None, any).unwrap(), ["http://127.0.0.1:8080", "http://localhost:8080"]);
        let lan: SocketAddr = "192.0.2.5:80".parse().unwrap();
        assert_eq!(public_origins(None, lan).unwrap(), ["http://192.0.2.5"]);
        let configured = public_origins(Some("https://Imports.Example.com:443/"), loopback).unwrap();
        assert_eq!(configured, ["https://imports.example.com"]);
        let wrong = public_origins(Some("imports.example.com/path"), loopback).unwrap_err();
        assert!(wrong.contains("is not an origin"), "{wrong}");
    }
}
