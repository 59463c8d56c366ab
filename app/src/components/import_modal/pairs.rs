//! Partner leads (seed 001): each row's Partner User ID must be on the team
//! of the row's Partner ID, and a partner's user may name only their own
//! partner. That is a check of two cells together, which the server answers
//! for the file's distinct (Partner ID, Partner User ID) pairs, never its
//! rows; the review step then names each row and column concerned and, since
//! such a file is rejected whole, keeps the Import button off until they are
//! fixed. The commit checks every row again. In preview mode nothing is sent.

use super::state::{ModalState, Mode};
use crate::analysis::{Request, ViewRow};
use crate::server_fns::partners::check_partner_pairs::check_partner_pairs;
use csv_import_core::template::Reference;
use csv_import_core::value::FieldChecker;
use csv_import_core::Template;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Rows asked from the worker per request.
const ROWS_PER_ASK: u64 = 5_000;

/// Rows checked at most in the browser (lead files are small; the commit
/// checks every row anyway).
const MAX_ROWS: u64 = 100_000;

/// One row whose pair does not go together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairError {
    /// Data row number.
    pub row: u64,
    /// The file's header of the column to fix.
    pub header: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The keys of the template's partner and partner user fields, if it has both.
pub fn fields(template: &Template) -> Option<(usize, usize)> {
    let partner = template.fields.iter().position(|f| f.reference == Some(Reference::Partner))?;
    let user = template.fields.iter().position(|f| f.reference == Some(Reference::PartnerUser))?;
    Some((partner, user))
}

/// Check the pairs of the file as it is now and put the rows that fail in
/// `out`; `checking` is true meanwhile. Answers of an older check are dropped.
pub fn check(state: ModalState, out: RwSignal<Vec<PairError>>, checking: RwSignal<bool>, generation: StoredValue<u64>) {
    if state.mode != Mode::Import || !state.access.with_value(|a| a.may_import) {
        return;
    }
    let template = state.template();
    let Some((partner_at, user_at)) = fields(&template) else { return };
    let columns = state.analysis.with_untracked(|a| {
        a.as_ref().map(|a| {
            let column = |key: &str| a.report.columns.iter().find(|c| c.field.as_deref() == Some(key)).map(|c| c.index);
            let header = |i: Option<usize>| i.and_then(|i| a.header.get(i).cloned());
            let (p, u) = (column(&template.fields[partner_at].key), column(&template.fields[user_at].key));
            (p, u, header(p), header(u), a.report.rows.total)
        })
    });
    let Some((Some(p_col), Some(u_col), p_header, u_header, total)) = columns else {
        out.set(Vec::new());
        return;
    };
    generation.update_value(|g| *g += 1);
    let mine = generation.get_value();
    checking.set(true);
    leptos::task::spawn_local(async move {
        let lang = state.locale.core_lang();
        let outcome = find(&template, partner_at, user_at, p_col, u_col, total, lang).await;
        if generation.try_get_value() != Some(mine) {
            return;
        }
        let errors = match outcome {
            Ok(found) => found
                .into_iter()
                .map(|(row, on_partner, message)| PairError {
                    row,
                    header: if on_partner { p_header.clone() } else { u_header.clone() }.unwrap_or_default(),
                    message,
                })
                .collect(),
            // The commit checks again; a failed call blocks nothing here.
            Err(_) => Vec::new(),
        };
        let _ = out.try_set(errors);
        let _ = checking.try_set(false);
    });
}

/// The rows whose pair has a problem: (row, on the partner column, message).
async fn find(
    template: &Template,
    partner_at: usize,
    user_at: usize,
    p_col: usize,
    u_col: usize,
    total: u64,
    lang: csv_import_core::Lang,
) -> Result<Vec<(u64, bool, String)>, String> {
    let checkers = (
        FieldChecker::new(&template.fields[partner_at]).map_err(|e| e.to_string())?,
        FieldChecker::new(&template.fields[user_at]).map_err(|e| e.to_string())?,
    );
    let normal = |checker: &FieldChecker, raw: Option<&String>| -> Option<String> {
        let raw = raw.filter(|r| !r.trim().is_empty())?;
        checker.check(raw).ok().map(|v| v.to_cell()).filter(|v| !v.is_empty())
    };
    // The worker has the rows; ask for them in slices.
    let mut rows: Vec<(u64, String, String)> = Vec::new();
    let mut start = 1;
    while start <= total.min(MAX_ROWS) {
        let end = (start + ROWS_PER_ASK - 1).min(total).min(MAX_ROWS);
        let slice = crate::browser::ask::<Vec<ViewRow>>(&Request::Rows { rows: (start..=end).collect() }).await?;
        for r in slice {
            if let (Some(p), Some(u)) = (normal(&checkers.0, r.cells.get(p_col)), normal(&checkers.1, r.cells.get(u_col))) {
                rows.push((r.row, p, u));
            }
        }
        start = end + 1;
    }
    let pairs: BTreeSet<(String, String)> = rows.iter().map(|(_, p, u)| (p.clone(), u.clone())).collect();
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let mut problems: HashMap<(String, String), (bool, String)> = HashMap::new();
    let pairs: Vec<(String, String)> = pairs.into_iter().collect();
    for chunk in pairs.chunks(10_000) {
        for p in check_partner_pairs(chunk.to_vec(), Some(lang)).await.map_err(|e| e.to_string())? {
            problems.insert(
                (p.partner_id.to_lowercase(), p.partner_user_id.to_lowercase()),
                (p.field == "partner_id", p.message),
            );
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|(row, p, u)| {
            problems.get(&(p.to_lowercase(), u.to_lowercase())).map(|(on_partner, m)| (row, *on_partner, m.clone()))
        })
        .collect())
}
