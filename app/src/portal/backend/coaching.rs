//! Coaching: which members of a workspace are leads, and which
//! coaches each lead may see. The `coaching-leads` template stores its rows
//! here: each row makes its lead a lead and, when it names a coach, adds the
//! lead-coach pair. Nothing is ever removed by an import.

use crate::backend::db::{Conn, Db};
use crate::backend::references;
use crate::model::{BatchResult, SkippedRow};
use crate::portal::model::{CoachingLead, CoachingPage, Person};
use crate::{on_conn, on_pool};
use crate::AppError;
use csv_import_core::{messages, Lang, Template};
use std::collections::HashMap;

/// The `entity` of templates stored here.
pub const ENTITY: &str = "coaching_pairs";

/// Leads listed by [`list`].
pub const MAX_LISTED: i64 = 200;

/// Store the valid rows of one batch (row number, values in field order):
/// each adds its lead and its pair if missing. A row that added nothing is
/// `unchanged`; a row naming someone who is not a member (any more) is
/// skipped with the reason. Runs in the batch's transaction.
pub async fn commit(
    mut conn: Conn<'_>,
    workspace_id: i64,
    template: &Template,
    rows: Vec<(u64, Vec<Option<String>>)>,
    now: &str,
    lang: Lang,
) -> Result<BatchResult, AppError> {
    let index = |key: &str| crate::backend::field_at(template, key);
    let (lead_at, coach_at) = (index("lead_email")?, index("coach_email")?);
    let emails: Vec<String> =
        rows.iter().flat_map(|(_, v)| [v[lead_at].clone(), v[coach_at].clone()]).flatten().collect();
    let ids = references::user_ids(conn.reborrow(), workspace_id, &emails).await?;

    let mut result = BatchResult::default();
    for (row, values) in rows {
        let mut reasons = Vec::new();
        let mut id_of = |at: usize| -> Option<i64> {
            let email = values[at].as_deref()?;
            let id = ids.get(&email.trim().to_lowercase()).copied();
            if id.is_none() {
                let field = &template.fields[at];
                let error = csv_import_core::validate::reference_error_in(field, email, lang);
                reasons.push(messages::reason(lang, field.header(), &error.message));
            }
            id
        };
        let lead = id_of(lead_at);
        let coach = id_of(coach_at);
        let Some(lead) = lead else {
            if reasons.is_empty() {
                let header = template.fields[lead_at].header();
                reasons.push(messages::reason(lang, header, &messages::required(lang, header)));
            }
            result.skipped.push(SkippedRow { row, reasons });
            continue;
        };
        if !reasons.is_empty() {
            result.skipped.push(SkippedRow { row, reasons });
            continue;
        }
        if coach == Some(lead) {
            result.skipped.push(SkippedRow {
                row,
                reasons: vec![format!(
                    "{}: a lead cannot be their own coach. Name another coach, or leave it empty.",
                    template.fields[coach_at].header()
                )],
            });
            continue;
        }
        let mut added = on_conn!(conn, c => sqlx::query(
            "INSERT INTO coaching_leads (workspace_id, user_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (workspace_id, user_id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(lead)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
        if let Some(coach) = coach {
            added += on_conn!(conn, c => sqlx::query(
                "INSERT INTO coaching_pairs (workspace_id, lead_user_id, coach_user_id, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, lead_user_id, coach_user_id) DO NOTHING",
            )
            .bind(workspace_id)
            .bind(lead)
            .bind(coach)
            .bind(now)
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
        }
        if added > 0 {
            result.inserted += 1;
        } else {
            result.unchanged += 1;
        }
    }
    Ok(result)
}

/// The workspace's leads with the coaches each may see, by lead email; with
/// `search`, only leads whose email or name, or one of whose coaches'
/// email or name, contains it (case ignored). At most [`MAX_LISTED`] leads.
pub async fn list(db: &Db, workspace_id: i64, search: &str) -> Result<CoachingPage, AppError> {
    let search = crate::backend::clean_text(search, 200).to_lowercase();
    let pattern = crate::backend::db::contains_pattern(&search);
    let filter = "($2 = '' OR LOWER(u.email) LIKE $3 ESCAPE '\\' OR LOWER(u.name) LIKE $3 ESCAPE '\\' \
         OR EXISTS (SELECT 1 FROM coaching_pairs p JOIN users c ON c.id = p.coach_user_id \
         WHERE p.workspace_id = l.workspace_id AND p.lead_user_id = l.user_id \
         AND (LOWER(c.email) LIKE $3 ESCAPE '\\' OR LOWER(c.name) LIKE $3 ESCAPE '\\')))";
    let total: i64 = on_pool!(db.pool, p => sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM coaching_leads l JOIN users u ON u.id = l.user_id WHERE l.workspace_id = $1 AND {filter}"
    ))
    .bind(workspace_id)
    .bind(&search)
    .bind(&pattern)
    .fetch_one(p)
    .await)?;
    let sql = format!(
        "SELECT u.id, u.email, u.name FROM coaching_leads l JOIN users u ON u.id = l.user_id \
         WHERE l.workspace_id = $1 AND {filter} ORDER BY u.email LIMIT {MAX_LISTED}"
    );
    let leads: Vec<(i64, String, String)> = on_pool!(db.pool, p => sqlx::query_as(&sql)
        .bind(workspace_id)
        .bind(&search)
        .bind(&pattern)
        .fetch_all(p)
        .await)?;
    let mut out: Vec<(i64, CoachingLead)> = Vec::with_capacity(leads.len());
    for (id, email, name) in leads {
        out.push((id, CoachingLead { lead: Person { email, name }, coaches: Vec::new() }));
    }
    let position: HashMap<i64, usize> = out.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let ids: Vec<i64> = out.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(200) {
        let placeholders = crate::backend::placeholders(chunk.len(), 2);
        let sql = format!(
            "SELECT p.lead_user_id, c.email, c.name FROM coaching_pairs p JOIN users c ON c.id = p.coach_user_id \
             WHERE p.workspace_id = $1 AND p.lead_user_id IN ({}) ORDER BY c.email",
            placeholders
        );
        let rows: Vec<(i64, String, String)> = on_pool!(db.pool, p => {
            let mut query = sqlx::query_as(&sql).persistent(false).bind(workspace_id);
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_all(p).await
        })?;
        for (lead, email, name) in rows {
            if let Some(&i) = position.get(&lead) {
                out[i].1.coaches.push(Person { email, name });
            }
        }
    }
    Ok(CoachingPage { leads: out.into_iter().map(|(_, l)| l).collect(), total: u64::try_from(total).unwrap_or(0) })
}

