//! csv-import's web side, built twice: with `ssr` into the server, with
//! `hydrate` into the browser's wasm. Two parts:
//!
//! - the importer, which hosts embed: the modal ([`components`]), the
//!   worker's session ([`analysis`], [`browser`]), the import server
//!   functions ([`server_fns`]) and their backend (imports, jobs, the
//!   destination API, the built-in record and webhook destinations);
//! - [`portal`], the demo portal that hosts it: its pages, its entities
//!   (coaching, client accounts, CRM clients, partners), their
//!   destinations, its sign-in pages and demo data.

// The views nest deeply enough to pass rustc's default type-layout depth.
#![recursion_limit = "256"]

pub use csv_import_engine as analysis;
pub mod assets;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod browser;
pub mod components;
pub mod error;
#[cfg(any(feature = "hydrate", feature = "csr"))]
pub mod embed;
pub mod i18n;
pub mod model;
#[cfg(feature = "portal")]
pub mod portal;
pub mod server_fns;

pub use error::AppError;
#[cfg(feature = "portal")]
pub use portal::{shell, App};
