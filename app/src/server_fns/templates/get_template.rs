use crate::model::TemplateAccess;
use crate::server_fns::AppError;
use leptos::prelude::*;

/// One template and whether the signed-in user may import with it, so that
/// the import modal can explain a refusal before the user picks a file
/// (e.g. "Your role (viewer) may not import clients. Ask an admin.").
/// `partner-leads` comes as the workspace's lead registration form makes it.
#[server(endpoint = "get_template")]
pub async fn get_template(name: String) -> Result<TemplateAccess, AppError> {
    use crate::backend::{access, auth, db};
    let session = auth::current_session().await?;
    let template = access::template(&name)?;
    let template = access::for_workspace(&db()?, session.workspace.id, template).await?;
    let reason = access::refusal(session.role, &template).or_else(|| access::unsupported(&template));
    Ok(TemplateAccess { template, may_import: reason.is_none(), reason })
}
