//! Shared by the server's integration tests: databases to test against.

#![allow(dead_code)]

use csv_import::db::{self, Db};

/// Runs each `scenario(db)` twice: on a fresh SQLite file and on a fresh
/// PostgreSQL schema, as `<scenario>::sqlite` and `<scenario>::postgres`.
#[allow(unused_macros)]
macro_rules! on_both {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (db, _dir) = crate::common::sqlite().await;
                crate::common::bounded(super::$scenario(db)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = crate::common::postgres().await else { return };
                crate::common::bounded(super::$scenario(db)).await;
            }
        }
    )*};
}

/// The longest a scenario may take: the slowest finish in well under a
/// minute, so one that waits this long hangs (a connection never handed
/// back, a lock never released), and fails saying so instead of holding the
/// whole run until its time limit.
const SCENARIO_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs a scenario, failing it if it outlasts [`SCENARIO_LIMIT`].
pub async fn bounded(scenario: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(SCENARIO_LIMIT, scenario).await.is_err() {
        panic!("the scenario did not finish in {} s: it hangs", SCENARIO_LIMIT.as_secs());
    }
}

/// A fresh SQLite database in a temporary folder (kept alive by the guard).
pub async fn sqlite() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let db = db::connect(&url).await.expect("SQLite connects and migrates");
    (db, dir)
}

/// A fresh schema on the test PostgreSQL, or `None` (with a notice) where
/// there is none. Under `CI=true` a missing PostgreSQL fails the test.
pub async fn postgres() -> Option<Db> {
    let url = postgres_url().await?;
    Some(db::connect(&url).await.expect("PostgreSQL connects and migrates"))
}

/// The URL of a fresh, empty schema on the test PostgreSQL (see [`postgres`]).
pub async fn postgres_url() -> Option<String> {
    let base = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let admin = match sqlx::PgPool::connect(&base).await {
        Ok(pool) => pool,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but PostgreSQL at {base} is not reachable: {e}");
            }
            eprintln!("NOTICE: PostgreSQL tests skipped: {base} is not reachable ({e})");
            return None;
        }
    };
    let schema = format!(
        "t_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
}

/// The demo site's router on `db`, called as a browser calls it: server
/// functions by name, real cookies. Test files add their own helpers with
/// `impl common::Site`.
#[derive(Clone)]
pub struct Site {
    pub router: axum::Router,
    pub db: Db,
    /// The address the requests come from (the connection's peer, which
    /// `serve` gives the router); `None`: no connection info at all.
    pub peer: Option<std::net::SocketAddr>,
}

/// A response: status, body as JSON (`Null` when it is not JSON, with a
/// `__cookie` entry when it set one) and as text.
pub struct Answer {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: serde_json::Value,
    pub text: String,
}

impl Site {
    /// The site with the demo workspaces and accounts seeded, in demo mode.
    pub async fn new(db: Db) -> Site {
        Site::with(db, csv_import::serve::SiteOptions { demo: true, ..Default::default() }).await
    }

    /// The site with these options, the demo workspaces and accounts seeded
    /// (the tests sign in with them), requests from 127.0.0.1.
    pub async fn with(db: Db, options: csv_import::serve::SiteOptions) -> Site {
        app::portal::backend::demo::seed(&db).await.expect("demo seed");
        let leptos =
            leptos::prelude::LeptosOptions::builder().output_name("csv-import").site_root("target/site").build();
        let router = csv_import::serve::router_with(leptos, db.clone(), &options);
        Site { router, db, peer: Some(([127, 0, 0, 1], 40000).into()) }
    }

    /// The same site (same router and state), with requests from `ip`.
    pub fn from(&self, ip: &str) -> Site {
        Site { peer: Some(std::net::SocketAddr::new(ip.parse().expect("an IP address"), 40000)), ..self.clone() }
    }

    pub async fn send(&self, method: &str, uri: &str, content_type: &str, body: String, cookie: Option<&str>) -> Answer {
        let cookie = cookie.map(|c| ("cookie", c));
        self.send_with(method, uri, content_type, body, cookie.as_slice()).await
    }

    /// A request with these extra headers.
    pub async fn send_with(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: String,
        headers: &[(&str, &str)],
    ) -> Answer {
        use axum::http::header;
        use tower::ServiceExt;
        let mut request = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(axum::body::Body::from(body)).unwrap();
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let cookie = headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let mut body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        if let (Some(cookie), serde_json::Value::Object(map)) = (cookie, &mut body) {
            map.insert("__cookie".into(), serde_json::Value::String(cookie.split(';').next().unwrap().to_string()));
        }
        Answer { status, headers, body, text }
    }

    /// A server function called with a form body.
    pub async fn form(&self, name: &str, body: &str, cookie: Option<&str>) -> Answer {
        self.send("POST", &format!("/api/{name}"), "application/x-www-form-urlencoded", body.to_string(), cookie).await
    }

    /// A server function called with a JSON body.
    pub async fn json(&self, name: &str, body: serde_json::Value, cookie: &str) -> Answer {
        self.send("POST", &format!("/api/{name}"), "application/json", body.to_string(), Some(cookie)).await
    }

    /// Sign in as a demo account; its session cookie.
    pub async fn sign_in(&self, email: &str) -> String {
        let body = format!("email={}&password=demo-password", email.replace('@', "%40"));
        let answer = self.form("login", &body, None).await;
        assert_eq!(answer.status, axum::http::StatusCode::OK, "{email}: {}", answer.text);
        answer.body["__cookie"].as_str().unwrap().to_string()
    }
}
