//! Partner leads: partners and their teams, each with an ID that
//! import files name, and the leads, which start pending until an admin
//! approves or rejects them. The lead registration form and the template
//! derived from it are in [`super::lead_form`].
//!
//! Rules of the import: Partner ID and Partner User ID must exist in the
//! workspace and the user must belong to that partner (checked per row); a
//! user with the partner role imports only for their own partner; any row
//! that fails rejects the whole batch, nothing of it is stored.

use crate::backend::db::{Conn, Db};
use crate::backend::destination::Asker;
use super::lead_form::{form, label_of, RESERVED};
use crate::backend::{clean_text, now};
use crate::model::{BatchResult, Role, SessionInfo, SkippedRow};
use crate::portal::server_fns::partners::{
    FormField, LeadPage, LeadState, Partner, PartnerDetails, PartnerLead,
    PartnerUser,
};
use crate::{on_conn, on_pool};
use crate::AppError;
use csv_import_core::{messages, Lang, Template};
use std::collections::HashMap;

/// The `entity` of the template stored here.
pub const ENTITY: &str = "partner_leads";

/// The template's name.
pub const TEMPLATE: &str = "partner-leads";

/// Leads returned by [`list_leads`].
pub const MAX_LISTED: i64 = 200;

/// Values bound per query.
const CHUNK: usize = 500;

/// IDs (partners or partner users) by lowercase ID: (database id, ID as
/// stored, the partner's database id, the partner's ID).
async fn find_codes(
    mut conn: Conn<'_>,
    workspace_id: i64,
    users: bool,
    values: &[String],
) -> Result<HashMap<String, (i64, String, i64, String)>, AppError> {
    let wanted = crate::backend::distinct_keys(values);
    let mut found = HashMap::new();
    for chunk in wanted.chunks(CHUNK) {
        let placeholders = crate::backend::placeholders(chunk.len(), 2);
        let sql = if users {
            format!(
                "SELECT u.code_key, u.id, u.code, p.id, p.code FROM partner_users u JOIN partners p ON p.id = u.partner_id \
                 WHERE u.workspace_id = $1 AND u.code_key IN ({})",
                placeholders
            )
        } else {
            format!(
                "SELECT code_key, id, code, id, code FROM partners WHERE workspace_id = $1 AND code_key IN ({})",
                placeholders
            )
        };
        let rows: Vec<(String, i64, String, i64, String)> = on_conn!(conn, c => {
            let mut query = sqlx::query_as(&sql).persistent(false).bind(workspace_id);
            for v in chunk {
                query = query.bind(v.as_str());
            }
            query.fetch_all(c).await
        })?;
        for (key, id, code, partner_id, partner_code) in rows {
            found.insert(key, (id, code, partner_id, partner_code));
        }
    }
    Ok(found)
}

/// The values (as given) that are no partner ID (or, with `users`, no
/// partner user ID) of the workspace; case ignored. A partner's user is told
/// none: whether an ID exists outside their own team is not theirs to know,
/// and the check of the pair refuses every partner but their own and every
/// user not on their team, with one message whether the ID exists or not.
pub async fn unknown(mut conn: Conn<'_>, asker: Asker, users: bool, values: &[String]) -> Result<Vec<String>, AppError> {
    if own_partner(conn.reborrow(), asker.workspace_id, asker.user_id).await?.is_some() {
        return Ok(Vec::new());
    }
    let known = find_codes(conn, asker.workspace_id, users, values).await?;
    Ok(values.iter().filter(|v| !known.contains_key(&v.trim().to_lowercase())).cloned().collect())
}

/// The partner (database id, ID) whose team the user is on, when the user's
/// role in the workspace is `external` (a partner's user): such a user imports and sees leads of
/// that partner only. `Ok(None)` for every other role.
pub async fn own_partner(mut conn: Conn<'_>, workspace_id: i64, user_id: i64) -> Result<Option<Option<(i64, String)>>, AppError> {
    let role: Option<String> = on_conn!(conn, c => sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?;
    if role.as_deref() != Some(Role::External.as_str()) {
        return Ok(None);
    }
    let row: Option<(i64, String)> = on_conn!(conn, c => sqlx::query_as(
        "SELECT p.id, p.code FROM partner_users u JOIN partners p ON p.id = u.partner_id \
         WHERE u.workspace_id = $1 AND u.user_id = $2 ORDER BY u.id LIMIT 1",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(c)
    .await)?;
    Ok(Some(row))
}

/// What is wrong with one row's pair, given what the server knows: the
/// user's partner (`None` when the user ID is unknown: flagged as such
/// already) and, for a partner's user, their own partner.
fn pair_problem(
    partner: &str,
    user: &str,
    user_partner: Option<&str>,
    own: Option<Option<&str>>,
    lang: Lang,
) -> Option<(&'static str, String)> {
    let text = crate::portal::i18n::text_in(crate::i18n::Locale::of_core(lang));
    match own {
        Some(None) => return Some(("partner_id", text.on_no_team.to_string())),
        Some(Some(own)) if !own.eq_ignore_ascii_case(partner) => {
            return Some(("partner_id", (text.not_own_partner)(own, &clean_text(partner, 40))));
        }
        _ => {}
    }
    let user = clean_text(user, 40);
    if own.is_some() {
        // A partner's user learns nothing of the other partners' teams, nor
        // whether an ID off their team exists: one message for both.
        let on_team = user_partner.is_some_and(|p| p.eq_ignore_ascii_case(partner));
        return (!on_team).then(|| ("partner_user_id", (text.not_on_your_team)(&user, &clean_text(partner, 40))));
    }
    // An unknown user ID is flagged as such by the reference check.
    let user_partner = user_partner?;
    (!user_partner.eq_ignore_ascii_case(partner))
        .then(|| ("partner_user_id", (text.other_partners_user)(&user, user_partner, &clean_text(partner, 40))))
}

/// The problems of (Partner ID, Partner User ID) pairs for `user_id`'s
/// import: a user on another partner's team, or (for a partner's user) a
/// partner other than their own. Pairs without a problem are left out;
/// each problem marks the Partner ID (0) or the Partner User ID (1).
pub async fn pair_problems(
    mut conn: Conn<'_>,
    workspace_id: i64,
    user_id: i64,
    pairs: &[(String, String)],
    lang: Lang,
) -> Result<Vec<(usize, usize, String)>, AppError> {
    let own = own_partner(conn.reborrow(), workspace_id, user_id).await?;
    let users: Vec<String> = pairs.iter().map(|(_, u)| u.clone()).collect();
    let found = find_codes(conn, workspace_id, true, &users).await?;
    let mut out = Vec::new();
    for (i, (partner, user)) in pairs.iter().enumerate() {
        let user_partner = found.get(&user.trim().to_lowercase()).map(|(_, _, _, p)| p.as_str());
        let own = own.as_ref().map(|o| o.as_ref().map(|(_, code)| code.as_str()));
        if let Some((field, message)) = pair_problem(partner.trim(), user.trim(), user_partner, own, lang) {
            out.push((i, usize::from(field != "partner_id"), message));
        }
    }
    Ok(out)
}

/// Store one batch's valid rows as pending leads, in the batch's
/// transaction. `skipped` are the rows the checks before refused. Any
/// refused row (there, or here: an unknown ID, a user of another partner, a
/// partner other than the importer's own) rejects the batch: nothing of it
/// is stored, and every row is reported with why.
#[allow(clippy::too_many_arguments)]
pub async fn commit(
    mut conn: Conn<'_>,
    workspace_id: i64,
    importer: i64,
    import_id: &str,
    template: &Template,
    valid: Vec<(u64, Vec<Option<String>>)>,
    mut skipped: Vec<SkippedRow>,
    now: &str,
    lang: Lang,
) -> Result<BatchResult, AppError> {
    let index = |key: &str| crate::backend::field_at(template, key);
    let (partner_at, user_at, email_at) = (index("partner_id")?, index("partner_user_id")?, index("email")?);
    let partner_codes: Vec<String> = valid.iter().filter_map(|(_, v)| v[partner_at].clone()).collect();
    let user_codes: Vec<String> = valid.iter().filter_map(|(_, v)| v[user_at].clone()).collect();
    let partners = find_codes(conn.reborrow(), workspace_id, false, &partner_codes).await?;
    let users = find_codes(conn.reborrow(), workspace_id, true, &user_codes).await?;
    let own = own_partner(conn.reborrow(), workspace_id, importer).await?;

    let mut rows = Vec::with_capacity(valid.len());
    for (row, values) in valid {
        let partner = values[partner_at].clone().unwrap_or_default();
        let user = values[user_at].clone().unwrap_or_default();
        let mut reasons = Vec::new();
        let partner_found = partners.get(&partner.trim().to_lowercase());
        let user_found = users.get(&user.trim().to_lowercase());
        // A partner's user is told of their own partner and team only: the
        // check of the pair below says what is wrong with any other ID.
        for (at, found) in [(partner_at, partner_found.is_some()), (user_at, user_found.is_some())] {
            if !found && own.is_none() {
                let field = &template.fields[at];
                let value = values[at].clone().unwrap_or_default();
                let error = csv_import_core::validate::reference_error_in(field, &value, lang);
                reasons.push(messages::reason(lang, field.header(), &error.message));
            }
        }
        let own = own.as_ref().map(|o| o.as_ref().map(|(_, code)| code.as_str()));
        if let Some((field, message)) = pair_problem(&partner, &user, user_found.map(|u| u.3.as_str()), own, lang) {
            let at = if field == "partner_id" { partner_at } else { user_at };
            reasons.push(messages::reason(lang, template.fields[at].header(), &message));
        }
        match (partner_found, user_found) {
            (Some(p), Some(u)) if reasons.is_empty() => rows.push((row, p.0, u.0, values)),
            _ => skipped.push(SkippedRow { row, reasons }),
        }
    }

    if !skipped.is_empty() {
        return Ok(crate::backend::destination::file_rejected(lang, skipped, rows.into_iter().map(|(row, ..)| row)));
    }

    let state = template.initial_state.as_deref().and_then(LeadState::parse).unwrap_or_default();
    let mut result = BatchResult::default();
    for (_, partner_db, user_db, values) in rows {
        let email = values[email_at].clone().unwrap_or_default().to_lowercase();
        let details: Vec<(String, String)> = template
            .fields
            .iter()
            .zip(&values)
            .filter(|(f, _)| !RESERVED.contains(&f.key.as_str()))
            .filter_map(|(f, v)| v.clone().map(|v| (f.key.clone(), v)))
            .collect();
        let details = serde_json::to_string(&details).map_err(|e| AppError::internal("partner leads", e))?;
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO partner_leads (workspace_id, partner_id, partner_user_id, email, field_values, state, import_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(workspace_id)
        .bind(partner_db)
        .bind(user_db)
        .bind(&email)
        .bind(&details)
        .bind(state.as_str())
        .bind(import_id)
        .bind(now)
        .execute(c)
        .await
        .map(drop))?;
        result.inserted += 1;
    }
    Ok(result)
}

/// Which of `values` are emails of leads already registered (the
/// workspace's, or for a partner's user their partner's), lowercased and
/// sorted: the review step warns that importing adds them again.
pub async fn existing_emails(db: &Db, session: &SessionInfo, values: &[String]) -> Result<Vec<String>, AppError> {
    let mut conn = db.acquire().await?;
    let scope = scope(conn.conn(), session).await?;
    let wanted: Vec<String> = values
        .iter()
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty() && v.len() <= 1_000)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut found = std::collections::BTreeSet::new();
    for chunk in wanted.chunks(CHUNK) {
        let placeholders = crate::backend::placeholders(chunk.len(), 3);
        let sql = format!(
            "SELECT DISTINCT email FROM partner_leads WHERE workspace_id = $1 AND ($2 = 0 OR partner_id = $2) AND email IN ({})",
            placeholders
        );
        let emails: Vec<String> = on_conn!(conn.conn(), c => {
            let mut query = sqlx::query_scalar(&sql).persistent(false).bind(session.workspace.id).bind(scope);
            for v in chunk {
                query = query.bind(v.as_str());
            }
            query.fetch_all(c).await
        })?;
        found.extend(emails);
    }
    Ok(found.into_iter().collect())
}

/// Which partner a session sees: 0 for all of them, or its own partner's
/// database id (-1 when a partner's user is on no team: they see nothing).
async fn scope(conn: Conn<'_>, session: &SessionInfo) -> Result<i64, AppError> {
    if session.role != Role::External {
        return Ok(0);
    }
    Ok(match own_partner(conn, session.workspace.id, session.user_id).await? {
        Some(Some((id, _))) => id,
        _ => -1,
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The partners a session may see (a partner's user: their own), by name.
pub async fn list_partners(db: &Db, session: &SessionInfo) -> Result<Vec<Partner>, AppError> {
    let mut conn = db.acquire().await?;
    let scope = scope(conn.conn(), session).await?;
    let rows: Vec<(String, String, i64, i64, i64)> = on_conn!(conn.conn(), c => sqlx::query_as(
        "SELECT p.code, p.name, \
         (SELECT COUNT(*) FROM partner_users u WHERE u.partner_id = p.id), \
         (SELECT COUNT(*) FROM partner_leads l WHERE l.partner_id = p.id), \
         (SELECT COUNT(*) FROM partner_leads l WHERE l.partner_id = p.id AND l.state = 'pending') \
         FROM partners p WHERE p.workspace_id = $1 AND ($2 = 0 OR p.id = $2) ORDER BY p.name, p.code",
    )
    .bind(session.workspace.id)
    .bind(scope)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, team, leads, pending)| Partner {
            id,
            name,
            team: count(team),
            leads: count(leads),
            pending: count(pending),
        })
        .collect())
}

/// One partner with its team; 404 for an ID the session may not see.
pub async fn get_partner(db: &Db, session: &SessionInfo, id: &str) -> Result<PartnerDetails, AppError> {
    let id = id.trim().to_lowercase();
    let partner = list_partners(db, session)
        .await?
        .into_iter()
        .find(|p| p.id.to_lowercase() == id)
        .ok_or_else(|| AppError::NotFound(format!("There is no partner with the ID \"{}\" in this workspace.", clean_text(&id, 40))))?;
    let rows: Vec<(String, String, String, Option<i64>)> = on_pool!(db.pool, p => sqlx::query_as(
        "SELECT u.code, u.name, u.email, u.user_id FROM partner_users u JOIN partners p ON p.id = u.partner_id \
         WHERE p.workspace_id = $1 AND p.code_key = $2 ORDER BY u.name, u.code",
    )
    .bind(session.workspace.id)
    .bind(&id)
    .fetch_all(p)
    .await)?;
    let team = rows
        .into_iter()
        .map(|(id, name, email, user_id)| PartnerUser { id, name, email, you: user_id == Some(session.user_id) })
        .collect();
    Ok(PartnerDetails { partner, team })
}

/// The leads a session may see, newest first (the latest [`MAX_LISTED`]),
/// optionally of one state.
pub async fn list_leads(db: &Db, session: &SessionInfo, state: Option<LeadState>) -> Result<LeadPage, AppError> {
    let mut conn = db.acquire().await?;
    let scope = scope(conn.conn(), session).await?;
    let (form, _) = form(conn.conn(), session.workspace.id).await?;
    let state = state.map(|s| s.as_str()).unwrap_or("");
    let total: i64 = on_conn!(conn.conn(), c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM partner_leads WHERE workspace_id = $1 AND ($2 = 0 OR partner_id = $2) AND ($3 = '' OR state = $3)",
    )
    .bind(session.workspace.id)
    .bind(scope)
    .bind(state)
    .fetch_one(c)
    .await)?;
    let pending: i64 = on_conn!(conn.conn(), c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM partner_leads WHERE workspace_id = $1 AND ($2 = 0 OR partner_id = $2) AND state = 'pending'",
    )
    .bind(session.workspace.id)
    .bind(scope)
    .fetch_one(c)
    .await)?;
    let sql = format!(
        "SELECT l.id, l.email, l.field_values, p.code, p.name, u.code, u.name, l.state, l.created_at, l.reviewed_at \
         FROM partner_leads l JOIN partners p ON p.id = l.partner_id JOIN partner_users u ON u.id = l.partner_user_id \
         WHERE l.workspace_id = $1 AND ($2 = 0 OR l.partner_id = $2) AND ($3 = '' OR l.state = $3) \
         ORDER BY l.id DESC LIMIT {MAX_LISTED}"
    );
    let rows: Vec<LeadRow> = on_conn!(conn.conn(), c => sqlx::query_as(&sql)
        .bind(session.workspace.id)
        .bind(scope)
        .bind(state)
        .fetch_all(c)
        .await)?;
    let leads = rows.into_iter().map(|r| lead_of(r, &form)).collect();
    Ok(LeadPage { leads, total: count(total), pending: count(pending), may_review: session.role == Role::Admin })
}

/// A lead as [`list_leads`] reads it: id, email, field values, partner ID
/// and name, partner user ID and name, state, created, reviewed.
type LeadRow = (i64, String, String, String, String, String, String, String, String, Option<String>);

fn lead_of(r: LeadRow, form: &[FormField]) -> PartnerLead {
    let (id, email, values, partner_id, partner_name, partner_user_id, partner_user_name, state, created_at, reviewed_at) = r;
    let values: Vec<(String, String)> = serde_json::from_str(&values).unwrap_or_default();
    // In the form's order, with its labels; values of fields removed since, after.
    let mut details: Vec<(String, String)> = form
        .iter()
        .filter(|f| f.key != "email")
        .filter_map(|f| values.iter().find(|(k, _)| *k == f.key).map(|(_, v)| (f.label.clone(), v.clone())))
        .collect();
    details.extend(
        values
            .iter()
            .filter(|(k, _)| k != "email" && !form.iter().any(|f| &f.key == k))
            .map(|(k, v)| (label_of(k), v.clone())),
    );
    PartnerLead {
        id,
        email,
        details,
        partner_id,
        partner_name,
        partner_user_id,
        partner_user_name,
        state: LeadState::parse(&state).unwrap_or_default(),
        created_at,
        reviewed_at,
    }
}

/// Approve or reject a pending lead (the caller checked that the session is
/// an admin's). 404 for a lead of another workspace, 409 for one reviewed already.
pub async fn review(db: &Db, session: &SessionInfo, id: i64, decision: LeadState) -> Result<LeadState, AppError> {
    if decision == LeadState::Pending {
        return Err(AppError::BadRequest("A lead can be approved or rejected; choose approve or reject.".into()));
    }
    let reviewed_at = now();
    let changed = on_pool!(db.pool, p => sqlx::query(
        "UPDATE partner_leads SET state = $1, reviewed_at = $2, reviewed_by = $3 \
         WHERE id = $4 AND workspace_id = $5 AND state = 'pending'",
    )
    .bind(decision.as_str())
    .bind(&reviewed_at)
    .bind(session.user_id)
    .bind(id)
    .bind(session.workspace.id)
    .execute(p)
    .await
    .map(|done| done.rows_affected()))?;
    if changed == 1 {
        return Ok(decision);
    }
    let state: Option<String> = on_pool!(db.pool, p => sqlx::query_scalar("SELECT state FROM partner_leads WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(session.workspace.id)
        .fetch_optional(p)
        .await)?;
    match state {
        None => Err(AppError::NotFound("There is no such lead in this workspace.".into())),
        Some(state) => Err(AppError::Conflict(format!(
            "This lead was {} already; only pending leads can be reviewed.",
            LeadState::parse(&state).unwrap_or_default().as_str()
        ))),
    }
}

/// Demo partners: (ID, name, team of (ID, name, email)).
pub const PARTNERS: [(&str, &str, &[(&str, &str, &str)]); 2] = [
    (
        "P-1001",
        "Northwind Partners",
        &[("PU-2001", "Nora North", "partner@northwind.test"), ("PU-2002", "Omar Ortiz", "omar.ortiz@northwind.test")],
    ),
    ("P-1002", "Contoso Resellers", &[("PU-2003", "Cleo Cole", "cleo.cole@contoso.test")]),
];

/// Demo leads: (partner user ID, email, first name, last name, company, state).
pub const LEADS: [(&str, &str, &str, &str, &str, &str); 2] = [
    ("PU-2002", "linus.t@example.net", "Linus", "Torvalds", "Kernel Works", "approved"),
    ("PU-2003", "margaret.h@example.org", "Margaret", "Hamilton", "Apollo Software", "pending"),
];

/// Seed the demo partners, their teams (a partner user whose email is a
/// user of the workspace is linked to that account) and a few leads; what
/// exists stays as it is.
pub async fn seed(db: &Db, workspace_id: i64) -> Result<(), AppError> {
    let now = now();
    for (code, name, team) in PARTNERS {
        on_pool!(db.pool, p => sqlx::query(
            "INSERT INTO partners (workspace_id, code, code_key, name, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (workspace_id, code_key) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(code)
        .bind(code.to_lowercase())
        .bind(name)
        .bind(&now)
        .execute(p)
        .await
        .map(drop))?;
        let partner: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT id FROM partners WHERE workspace_id = $1 AND code_key = $2")
            .bind(workspace_id)
            .bind(code.to_lowercase())
            .fetch_one(p)
            .await)?;
        for (user_code, user_name, email) in team.iter() {
            let account: Option<i64> = on_pool!(db.pool, p => sqlx::query_scalar(
                "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.email = $2",
            )
            .bind(workspace_id)
            .bind(*email)
            .fetch_optional(p)
            .await)?;
            on_pool!(db.pool, p => sqlx::query(
                "INSERT INTO partner_users (workspace_id, partner_id, code, code_key, name, email, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (workspace_id, code_key) DO NOTHING",
            )
            .bind(workspace_id)
            .bind(partner)
            .bind(*user_code)
            .bind(user_code.to_lowercase())
            .bind(*user_name)
            .bind(*email)
            .bind(account)
            .bind(&now)
            .execute(p)
            .await
            .map(drop))?;
        }
    }
    let has_leads: i64 = on_pool!(db.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM partner_leads WHERE workspace_id = $1")
        .bind(workspace_id)
        .fetch_one(p)
        .await)?;
    if has_leads > 0 {
        return Ok(());
    }
    for (user_code, email, first, last, company, state) in LEADS {
        let (user, partner): (i64, i64) = on_pool!(db.pool, p => sqlx::query_as("SELECT id, partner_id FROM partner_users WHERE workspace_id = $1 AND code_key = $2")
            .bind(workspace_id)
            .bind(user_code.to_lowercase())
            .fetch_one(p)
            .await)?;
        let values = serde_json::to_string(&[("first_name", first), ("last_name", last), ("email", email), ("company", company)])
            .map_err(|e| AppError::internal("partner leads", e))?;
        on_pool!(db.pool, p => sqlx::query(
            "INSERT INTO partner_leads (workspace_id, partner_id, partner_user_id, email, field_values, state, created_at, reviewed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(workspace_id)
        .bind(partner)
        .bind(user)
        .bind(email)
        .bind(&values)
        .bind(state)
        .bind(&now)
        .bind((state != "pending").then_some(now.as_str()))
        .execute(p)
        .await
        .map(drop))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_names_the_partner_of_the_user_or_the_partner_users_own() {
        let en = Lang::En;
        assert_eq!(pair_problem("P-1001", "PU-2001", Some("P-1001"), None, en), None);
        assert_eq!(pair_problem("p-1001", "PU-2001", Some("P-1001"), None, en), None);
        let (field, message) = pair_problem("P-1001", "PU-2003", Some("P-1002"), None, en).unwrap();
        assert_eq!(field, "partner_user_id");
        assert!(message.contains("belongs to partner P-1002, not P-1001"), "{message}");
        // An unknown user is flagged by the reference check, not here.
        assert_eq!(pair_problem("P-1001", "PU-9", None, None, en), None);
        let (field, message) = pair_problem("P-1002", "PU-2003", Some("P-1002"), Some(Some("P-1001")), en).unwrap();
        assert_eq!(field, "partner_id");
        assert!(message.contains("only for your own partner, P-1001"), "{message}");
        assert!(pair_problem("P-1001", "PU-2001", Some("P-1001"), Some(None), en).is_some());
    }

    #[test]
    fn pair_problems_are_told_in_the_imports_language() {
        let (_, message) = pair_problem("P-1001", "PU-2003", Some("P-1002"), None, Lang::Fr).unwrap();
        assert!(message.starts_with("L’utilisateur partenaire PU-2003 appartient au partenaire P-1002, pas à P-1001."), "{message}");
        let (_, message) = pair_problem("P-1002", "PU-2003", Some("P-1002"), Some(Some("P-1001")), Lang::Fr).unwrap();
        assert!(message.contains("votre propre partenaire, P-1001"), "{message}");
    }
}
