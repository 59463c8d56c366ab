use crate::model::TemplateAccess;
use crate::AppError;
use leptos::prelude::*;

/// One template and whether the signed-in user may import with it, so that
/// the import modal can explain a refusal before the user picks a file
/// (e.g. "Your role (viewer) may not import clients. Ask an admin.").
/// It comes as the session's workspace configured it (its destination's
/// `template_for`).
#[server(endpoint = "get_template")]
pub async fn get_template(
    name: String,
    /// The language of the refusal (English when left out).
    lang: Option<csv_import_core::Lang>,
) -> Result<TemplateAccess, AppError> {
    use crate::backend::{access, auth, db};
    let session = auth::current_session().await?;
    let template = access::template(&name)?;
    let template = access::for_workspace(&db()?, session.workspace.id, template).await?;
    let lang = lang.unwrap_or_default();
    let reason = access::refusal_in(session.role, &template, lang).or_else(|| access::unsupported_in(&template, lang));
    Ok(TemplateAccess { template, may_import: reason.is_none(), reason })
}
