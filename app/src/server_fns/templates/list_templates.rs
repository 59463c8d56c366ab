use csv_import_core::Template;
use leptos::prelude::*;

/// The built-in templates, so a page can show what each import expects.
/// Templates hold no workspace data, so anyone may read them.
#[server]
pub async fn list_templates() -> Result<Vec<Template>, ServerFnError> {
    Ok(csv_import_core::builtin::all())
}
