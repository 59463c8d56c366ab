//! Server functions, one per file, grouped by domain. Each is a public HTTP
//! endpoint, `POST /api/<name>`, and checks its caller and input itself:
//! the session (401), the role's permission (403), the workspace (an id of
//! another workspace is a 404) and every value it is sent (400).
//!
//! Inputs are form-urlencoded (the Leptos default, so `ActionForm` works),
//! except `start_import`, `commit_batch`, `check_references`, `check_combinations`
//! and `save_lead_form`, which take JSON. Outputs are
//! JSON; errors are [`AppError`](crate::AppError) as JSON with the matching HTTP status.

pub mod auth;
pub mod imports;
pub mod templates;

