//! An existing axum app (a toy "partner portal" with its own sign-in) that
//! mounts csv-import at `/csv-import`. The portal's sign-in decides who the
//! user is and what they may import; csv-import never asks for a password.
//!
//! Run it (after `cargo leptos build`, which builds the wasm it serves):
//!
//! ```text
//! cargo run -p csv-import --example existing_app
//! ```
//!
//! then open http://127.0.0.1:3200, sign in as Alice (admin) or Victor
//! (viewer), and import clients (into csv-import's own tables) or contacts
//! (into the portal's own `portal_contacts` table, through its own template
//! and destination).

use axum::extract::{Form, Request};
use axum::http::{header, request::Parts, HeaderMap};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use csv_import::db::{on_conn, on_pool, Conn, Db};
use csv_import::destination::{Batch, BatchResult, BoxFuture, Destination, Prepared, Rows, SkippedRow};
use csv_import::embed::{EmbedConfig, Principal, Role};
use std::path::PathBuf;

/// A user of the portal, as its own sign-in knows them.
#[derive(Clone, Debug)]
pub struct PortalUser {
    /// The portal's login name.
    pub login: &'static str,
    /// Email and display name.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// The company (tenant) the user works for: the workspace in csv-import.
    pub company: &'static str,
    /// Whether the portal lets them import.
    pub may_import: bool,
}

/// The portal's users. A real app has a table and passwords; the toy signs
/// in by name.
pub const USERS: [PortalUser; 2] = [
    PortalUser { login: "alice", email: "alice@northwind.test", name: "Alice Admin", company: "northwind", may_import: true },
    PortalUser { login: "victor", email: "victor@northwind.test", name: "Victor Viewer", company: "northwind", may_import: false },
];

/// The portal's session cookie (a real app signs or looks it up).
const COOKIE: &str = "portal_user";

/// The portal's own authentication middleware: puts the signed-in
/// [`PortalUser`] into the request's extensions.
async fn portal_auth(mut request: Request, next: Next) -> Response {
    if let Some(user) = portal_user(request.headers()) {
        request.extensions_mut().insert(user);
    }
    next.run(request).await
}

fn portal_user(headers: &HeaderMap) -> Option<PortalUser> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    let login = cookies.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == COOKIE)?.1;
    USERS.iter().find(|u| u.login == login).cloned()
}

/// The portal's answer to csv-import's question "who is this and what may
/// they import": the user its middleware found, as a [`Principal`]. The
/// future borrows nothing from the request (`use<>`): it may outlive it.
fn who(parts: &Parts) -> impl std::future::Future<Output = Option<Principal>> + Send + use<> {
    let user = parts.extensions.get::<PortalUser>().cloned();
    async move {
        user.map(|u| Principal {
            email: u.email.to_string(),
            name: u.name.to_string(),
            workspace: u.company.to_string(),
            role: if u.may_import { Role::Admin } else { Role::Viewer },
            // The portal offers its contacts, and client and lead imports.
            templates: Some(vec!["contacts".to_string(), "clients".to_string(), "leads".to_string()]),
        })
    }
}

/// The portal's own template: its contacts, imported in the background.
const CONTACTS: &str = r#"
name = "contacts"
label = "Contacts"
description = "The people you work with at your customers."
destination = "portal_contacts"
key = ["email"]
background = true

[[fields]]
key = "email"
label = "Email"
type = "email"
required = true
unique = true

[[fields]]
key = "name"
label = "Name"
required = true
synonyms = ["Full name", "Contact"]

[[fields]]
key = "phone"
label = "Phone"
type = "phone"
"#;

/// The portal's own table, in its own database (here the one csv-import
/// also uses, so that a batch and its bookkeeping commit together).
pub async fn create_tables(db: &Db) -> Result<(), sqlx::Error> {
    on_pool!(db.pool, p => sqlx::query(
        "CREATE TABLE IF NOT EXISTS portal_contacts (\
           workspace_id BIGINT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, phone TEXT, \
           PRIMARY KEY (workspace_id, email))",
    )
    .execute(p)
    .await
    .map(drop))?;
    Ok(())
}

/// Writes contacts into `portal_contacts`, upserted by email, inside the
/// batch's transaction: a batch sent again, or committed again by a job
/// that restarted, is applied once by the pipeline before it gets here.
struct PortalContacts;

impl Destination for PortalContacts {
    fn name(&self) -> &str {
        "portal_contacts"
    }

    fn write<'a>(
        &'a self,
        mut conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, app::AppError>> {
        Box::pin(async move {
            let mut result = BatchResult { skipped, ..BatchResult::default() };
            // The template's field order: email, name, phone.
            for (_row, values) in rows {
                let [email, name, phone] = [0, 1, 2].map(|i| values.get(i).cloned().flatten());
                // Written once for SQLite and PostgreSQL: `on_conn!` runs the
                // body on either database's connection.
                let stored: Option<(Option<String>, Option<String>)> = on_conn!(conn, c => {
                    sqlx::query_as("SELECT name, phone FROM portal_contacts WHERE workspace_id = $1 AND email = $2")
                        .bind(batch.workspace_id)
                        .bind(&email)
                        .fetch_optional(c)
                        .await
                })?;
                match stored {
                    None => {
                        on_conn!(conn, c => {
                            sqlx::query("INSERT INTO portal_contacts (workspace_id, email, name, phone) VALUES ($1, $2, $3, $4)")
                                .bind(batch.workspace_id)
                                .bind(&email)
                                .bind(&name)
                                .bind(&phone)
                                .execute(c)
                                .await
                                .map(drop)
                        })?;
                        result.inserted += 1;
                    }
                    Some(found) if found == (name.clone(), phone.clone()) => {
                        result.unchanged += 1;
                    }
                    Some(_) => {
                        on_conn!(conn, c => {
                            sqlx::query("UPDATE portal_contacts SET name = $1, phone = $2 WHERE workspace_id = $3 AND email = $4")
                                .bind(&name)
                                .bind(&phone)
                                .bind(batch.workspace_id)
                                .bind(&email)
                                .execute(c)
                                .await
                                .map(drop)
                        })?;
                        result.updated += 1;
                    }
                }
            }
            Ok(result)
        })
    }
}

/// The portal's router with csv-import mounted at `/csv-import`.
pub fn app(db: Db, site_root: PathBuf) -> Router {
    let contacts = csv_import_core::Template::from_toml(CONTACTS).expect("the contacts template");
    let importer = EmbedConfig::new(db, site_root)
        .identify(who)
        .template(contacts)
        .expect("the contacts template checks")
        .destination(PortalContacts);
    Router::new()
        .route("/", get(home))
        .route("/sign-in", post(sign_in))
        .nest("/csv-import", csv_import::embed::router(importer))
        .layer(axum::middleware::from_fn(portal_auth))
}

async fn home(headers: HeaderMap) -> Html<String> {
    let body = match portal_user(&headers) {
        Some(user) => format!(
            "<p>Signed in as {name}.</p>\n\
             <csv-import template=\"clients\" workspace=\"{company}\">Import clients</csv-import>\n\
             <csv-import template=\"contacts\" workspace=\"{company}\">Import contacts</csv-import>\n\
             <p id=\"result\" role=\"status\"></p>\n\
             <script type=\"module\">\n\
               import \"/csv-import/embed.js\";\n\
               document.addEventListener(\"csv-import:complete\", (e) => {{\n\
                 document.getElementById(\"result\").textContent = `Imported: ${{e.detail.inserted}} new, ${{e.detail.updated}} updated.`;\n\
               }});\n\
             </script>",
            name = user.name,
            company = user.company
        ),
        None => USERS
            .iter()
            .map(|u| {
                format!(
                    "<form method=\"post\" action=\"/sign-in\"><input type=\"hidden\" name=\"login\" value=\"{}\">\
                     <button>Sign in as {}</button></form>",
                    u.login, u.name
                )
            })
            .collect(),
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Northwind portal</title></head>\
         <body><h1>Northwind portal</h1>{body}</body></html>"
    ))
}

#[derive(serde::Deserialize)]
struct SignIn {
    login: String,
}

async fn sign_in(Form(form): Form<SignIn>) -> Response {
    match USERS.iter().find(|u| u.login == form.login) {
        Some(user) => (
            [(header::SET_COOKIE, format!("{COOKIE}={}; HttpOnly; SameSite=Lax; Path=/", user.login))],
            Redirect::to("/"),
        )
            .into_response(),
        None => Redirect::to("/").into_response(),
    }
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/existing-app.db".to_string());
    let db = csv_import::db::connect(&url).await.expect("the database opens");
    create_tables(&db).await.expect("the portal's tables");
    // Clients, leads and companies import in the background.
    let _runner = csv_import::embed::spawn_background_imports(&db);
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_string());
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3200".to_string());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("the address is free");
    println!("The portal listens on http://{addr}; csv-import is mounted at /csv-import.");
    axum::serve(listener, app(db, site_root.into())).await.expect("the server runs");
}
