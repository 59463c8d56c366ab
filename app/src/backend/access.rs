//! Who may do what: templates by name, and the import permission of a role.

use super::records::{self, RecordTable};
use crate::model::{Role, SessionInfo};
use crate::server_fns::AppError;
use csv_import_core::Template;

/// The permission a template needs; templates that name none are for admins.
pub fn permission_of(template: &Template) -> &str {
    template.permission.as_deref().unwrap_or("import")
}

/// A built-in template by name, or a 404 that lists the names.
pub fn template(name: &str) -> Result<Template, AppError> {
    csv_import_core::builtin::get(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = csv_import_core::builtin::SOURCES.iter().map(|(n, _)| *n).collect();
        AppError::NotFound(format!(
            "No template is named \"{}\". The templates are: {}.",
            super::clean_text(name, 60),
            names.join(", ")
        ))
    })
}

/// Why `role` may not import with `template`, or `None` when it may.
pub fn refusal(role: Role, template: &Template) -> Option<String> {
    if role.grants(permission_of(template)) {
        return None;
    }
    Some(format!("Your role ({}) may not import {}. Ask an admin.", role.as_str(), what(template)))
}

/// Where the server stores a template's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// A record table (clients, leads, companies), upserted by the template's key.
    Records(RecordTable),
    /// Coaching leads and pairs (`entity = "coaching_pairs"`), by `backend::coaching`.
    Coaching,
    /// Client accounts (`entity = "client_accounts"`), by `backend::client_accounts`.
    ClientAccounts,
    /// CRM clients (`entity = "crm_clients"`), by `backend::crm`.
    Crm,
}

/// Where the server stores `template`'s rows, if it stores them at all.
pub fn store_for(template: &Template) -> Option<Store> {
    if let Some(table) = records::table_for(template) {
        return Some(Store::Records(table));
    }
    match template.entity.as_str() {
        super::coaching::ENTITY => Some(Store::Coaching),
        super::crm::ENTITY => Some(Store::Crm),
        super::client_accounts::ENTITY => Some(Store::ClientAccounts),
        _ => None,
    }
}

/// Why the server cannot store imports of `template`, or `None` when it can.
pub fn unsupported(template: &Template) -> Option<String> {
    match store_for(template) {
        Some(_) => None,
        None => Some(format!(
            "This server does not store {} imports yet. You can still check a file against the template.",
            what(template)
        )),
    }
}

/// The template and its record table, when the session may import with it:
/// 404 for an unknown template, 403 when the role lacks the permission, 400
/// when the server has no table for it.
pub fn importable(session: &SessionInfo, name: &str) -> Result<(Template, RecordTable), AppError> {
    match importable_into(session, name)? {
        (template, Store::Records(table)) => Ok((template, table)),
        (template, _) => Err(AppError::BadRequest(format!(
            "Imports of {} are not stored in a record table.",
            what(&template)
        ))),
    }
}

/// [`importable`] for any template the server stores, with where it goes.
pub fn importable_into(session: &SessionInfo, name: &str) -> Result<(Template, Store), AppError> {
    let template = template(name)?;
    if let Some(reason) = refusal(session.role, &template) {
        return Err(AppError::Forbidden(reason));
    }
    match store_for(&template) {
        Some(store) => Ok((template, store)),
        None => Err(AppError::BadRequest(unsupported(&template).unwrap_or_default())),
    }
}

/// The template's label as it reads inside a sentence: "clients", "CRM clients".
fn what(template: &Template) -> String {
    let label = template.label.trim();
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        // An acronym ("CRM clients") keeps its capitals.
        (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase() => label.to_string(),
        (Some(a), _) => a.to_lowercase().chain(label.chars().skip(1)).collect(),
        _ => template.name.clone(),
    }
}
