use super::PairProblem;
use crate::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Which (Partner ID, Partner User ID) pairs of a file do not go together:
/// a user on another partner's team, or, for a partner's user, a partner
/// other than their own. The review step flags those rows before anything
/// is imported; the commit checks every row again. Takes the distinct pairs
/// (never rows), at most 10,000; needs the `partner-leads` import
/// permission. JSON body: `{"pairs": [["P-1001", "PU-2001"], ...]}`.
#[server(endpoint = "check_partner_pairs", input = Json)]
pub async fn check_partner_pairs(
    pairs: Vec<(String, String)>,
    /// The language of the problems' messages (English when left out).
    lang: Option<csv_import_core::Lang>,
) -> Result<Vec<PairProblem>, AppError> {
    use crate::backend::{access, auth, db, partners};
    let session = auth::current_session().await?;
    let template = access::template(partners::TEMPLATE)?;
    if let Some(reason) = access::refusal(session.role, &template) {
        return Err(AppError::Forbidden(reason));
    }
    if pairs.len() > crate::backend::references::MAX_VALUES {
        return Err(AppError::BadRequest(format!(
            "At most {} pairs can be checked at once; {} were sent. Send them in several calls.",
            crate::backend::references::MAX_VALUES,
            pairs.len()
        )));
    }
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(p, u)| !p.trim().is_empty() && !u.trim().is_empty() && p.len() <= 200 && u.len() <= 200)
        .collect();
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let db = db()?;
    let mut conn = db.pool.acquire().await?;
    partners::pair_problems(&mut conn, session.workspace.id, session.user_id, &pairs, lang.unwrap_or_default()).await
}
