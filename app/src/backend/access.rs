//! Who may do what: templates by name, and the import permissions each
//! role is granted.

use super::destination::{self, Destination};
use crate::model::{Role, SessionInfo};
use crate::AppError;
use csv_import_core::{Lang, Template};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock, RwLock};

fn granted() -> &'static RwLock<HashSet<(Role, String)>> {
    static GRANTED: OnceLock<RwLock<HashSet<(Role, String)>>> = OnceLock::new();
    // The built-in record templates' permissions for staff, then the
    // grants of the portal this server is built with.
    GRANTED.get_or_init(|| {
        let mut all = HashSet::new();
        all.extend(["import_clients", "import_leads"].into_iter().map(|p| (Role::Staff, p.to_string())));
        #[cfg(feature = "portal")]
        all.extend(crate::portal::backend::destinations::grants().into_iter().map(|(role, p)| (role, p.to_string())));
        RwLock::new(all)
    })
}

/// Let `role` import with the templates that need `permission` (known to
/// the whole process, like templates and destinations). Admins have every
/// permission and viewers none, whatever is granted.
pub fn grant(role: Role, permission: &str) {
    granted().write().unwrap_or_else(|e| e.into_inner()).insert((role, permission.to_string()));
}

/// Whether `role` has `permission`.
pub fn grants(role: Role, permission: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Viewer => false,
        Role::Staff | Role::External => {
            granted().read().unwrap_or_else(|e| e.into_inner()).contains(&(role, permission.to_string()))
        }
    }
}

/// The permission a template needs; templates that name none are for admins.
pub fn permission_of(template: &Template) -> &str {
    template.permission.as_deref().unwrap_or("import")
}

/// A template by name (a host's, else a built-in one), or a 404 that lists
/// the names.
pub fn template(name: &str) -> Result<Template, AppError> {
    super::templates::get(name.trim()).ok_or_else(|| {
        let names = super::templates::names();
        AppError::NotFound(format!(
            "No template is named \"{}\". The templates are: {}.",
            super::clean_text(name, 60),
            names.join(", ")
        ))
    })
}

/// `template` as the workspace uses it, as its destination says (a form
/// the workspace configured); else as built in.
pub async fn for_workspace(db: &super::db::Db, workspace_id: i64, template: Template) -> Result<Template, AppError> {
    match destination::for_template(&template) {
        Some(destination) => destination.template_for(db, workspace_id, template).await,
        None => Ok(template),
    }
}

/// The template a sample file follows: the built-in one named `name`, or,
/// for a session (by its cookie token), the one its workspace uses.
pub async fn sample_template(db: &super::db::Db, token: Option<&str>, name: &str) -> Option<Template> {
    let template = super::templates::get(name.trim())?;
    let session = match token {
        Some(token) => super::auth::session_for_token(db, token).await.ok().flatten(),
        None => None,
    };
    match session {
        Some(session) => for_workspace(db, session.workspace.id, template.clone()).await.ok().or(Some(template)),
        None => Some(template),
    }
}

/// 403 for a role that does not see the workspace's data and imports
/// (the external role, whose host gives it pages of its own).
pub fn browse(session: &SessionInfo) -> Result<(), AppError> {
    if !session.role.sees_workspace() {
        return Err(AppError::Forbidden(
            format!("Your role ({}) does not see this workspace's records and imports.", session.role.as_str()),
        ));
    }
    Ok(())
}

/// Why `role` may not import with `template`, or `None` when it may.
pub fn refusal(role: Role, template: &Template) -> Option<String> {
    refusal_in(role, template, Lang::En)
}

/// [`refusal`] in `lang` (the modal asks in its own).
pub fn refusal_in(role: Role, template: &Template, lang: Lang) -> Option<String> {
    let text = crate::i18n::Locale::of_core(lang).text();
    // A host application may allow its user fewer templates than the role does.
    if let Some(grant) = leptos::prelude::use_context::<super::host::HostGrant>() {
        if !grant.allows(&template.name) {
            return Some((text.not_here)(&what(template)));
        }
    }
    if grants(role, permission_of(template)) {
        return None;
    }
    Some((text.role_may_not)(role.as_str(), &what(template)))
}

/// Why the server cannot store imports of `template`, or `None` when it can.
pub fn unsupported(template: &Template) -> Option<String> {
    unsupported_in(template, Lang::En)
}

/// [`unsupported`] in `lang`.
pub fn unsupported_in(template: &Template, lang: Lang) -> Option<String> {
    match destination::for_template(template) {
        Some(_) => None,
        None => Some((crate::i18n::Locale::of_core(lang).text().not_stored)(&what(template))),
    }
}

/// The template and its destination, when the session may import with it:
/// 404 for an unknown template, 403 when the role lacks the permission, 400
/// when no destination stores its rows.
pub fn importable(session: &SessionInfo, name: &str) -> Result<(Template, Arc<dyn Destination>), AppError> {
    let template = template(name)?;
    if let Some(reason) = refusal(session.role, &template) {
        return Err(AppError::Forbidden(reason));
    }
    match destination::for_template(&template) {
        Some(destination) => Ok((template, destination)),
        None => Err(AppError::BadRequest(unsupported(&template).unwrap_or_default())),
    }
}

/// The template's label as it reads inside a sentence: "clients", "HR contacts".
fn what(template: &Template) -> String {
    let label = template.label.trim();
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        // An acronym ("HR contacts") keeps its capitals.
        (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase() => label.to_string(),
        (Some(a), _) => a.to_lowercase().chain(label.chars().skip(1)).collect(),
        _ => template.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_come_from_grants_except_for_admins_and_viewers() {
        assert!(grants(Role::Staff, "import_clients") && grants(Role::Staff, "import_leads"));
        assert!(grants(Role::Admin, "anything_at_all"));
        assert!(!grants(Role::Staff, "import_tasks_for_test") && !grants(Role::External, "import_tasks_for_test"));
        grant(Role::External, "import_tasks_for_test");
        grant(Role::Viewer, "import_tasks_for_test");
        assert!(grants(Role::External, "import_tasks_for_test"));
        // A grant is for its role only; a viewer never imports.
        assert!(!grants(Role::Staff, "import_tasks_for_test"));
        assert!(!grants(Role::Viewer, "import_tasks_for_test"));
    }
}
