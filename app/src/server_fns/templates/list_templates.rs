use crate::server_fns::AppError;
use csv_import_core::Template;
use leptos::prelude::*;

/// The built-in templates, so a page can show what each import expects.
/// Templates hold no workspace data, so anyone may read them.
#[server(endpoint = "list_templates")]
pub async fn list_templates() -> Result<Vec<Template>, AppError> {
    Ok(csv_import_core::builtin::all())
}
