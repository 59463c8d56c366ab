//! Values that must go together in a row, which only the server can tell:
//! a Partner User ID must be on the team of the row's Partner ID, and a
//! partner's user may name only their own partner. In import mode the modal
//! asks the worker for the file's distinct combinations of such fields
//! (never its rows), asks the server which of them do not go together, and
//! hands those back to the worker, which marks the cells like any other
//! error: counted, reached by Tab, in the error report, left out of the
//! import. The commit checks every row again. In preview mode nothing is
//! sent.

use super::state::ModalState;
use crate::analysis::{Mismatch, Request};
use crate::AppError;
use crate::server_fns::partners::check_partner_pairs::check_partner_pairs;
use csv_import_core::template::Reference;
use csv_import_core::{Lang, Template};
use leptos::prelude::*;

/// The most combinations one call asks about (the server's limit).
const PER_CALL: usize = 10_000;

/// A check of several fields together, named by the references of the
/// fields it takes (a template has it when it has such fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Combined {
    /// A partner user on the team of the row's partner.
    PartnerTeam,
}

/// One combination the server refused: the values, as sent, the index in
/// them of the value to mark, and why.
struct Refused {
    values: Vec<String>,
    marked: usize,
    message: String,
}

impl Combined {
    const ALL: [Combined; 1] = [Combined::PartnerTeam];

    /// The references of the fields it takes, in order.
    fn references(self) -> &'static [Reference] {
        match self {
            Combined::PartnerTeam => &[Reference::Partner, Reference::PartnerUser],
        }
    }

    /// The keys of the template's fields it takes, if the template has them all.
    pub fn fields(self, template: &Template) -> Option<Vec<String>> {
        self.references()
            .iter()
            .map(|r| template.fields.iter().find(|f| f.reference.as_ref() == Some(r) && !f.repeatable).map(|f| f.key.clone()))
            .collect()
    }

    /// Ask the server which of `combinations` do not go together.
    async fn ask(self, combinations: &[Vec<String>], lang: Lang) -> Result<Vec<Refused>, AppError> {
        match self {
            Combined::PartnerTeam => {
                let pairs =
                    combinations.iter().filter(|c| c.len() == 2).map(|c| (c[0].clone(), c[1].clone())).collect();
                let problems = check_partner_pairs(pairs, Some(lang)).await?;
                Ok(problems
                    .into_iter()
                    .map(|p| Refused {
                        marked: usize::from(p.field != "partner_id"),
                        values: vec![p.partner_id, p.partner_user_id],
                        message: p.message,
                    })
                    .collect())
            }
        }
    }
}

/// The checks of several fields together that `template` has.
pub fn checks(template: &Template) -> Vec<(Combined, Vec<String>)> {
    Combined::ALL.into_iter().filter_map(|c| c.fields(template).map(|fields| (c, fields))).collect()
}

/// Ask the server about the combinations not asked about yet, then check
/// the rows again with those it refused. Import mode only.
pub fn check(state: ModalState) {
    if !state.mode.uses_server() || !state.access.with_value(|a| a.may_import) {
        return;
    }
    let checks = checks(&state.template());
    if checks.is_empty() {
        return;
    }
    state.refs_checking.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        let lang = state.locale.core_lang();
        let mut changed = false;
        for (check, fields) in checks {
            // The worker has the rows: it answers the distinct combinations.
            let Ok(all) =
                crate::browser::ask::<Vec<Vec<String>>>(&Request::Combinations { fields: fields.clone() }).await
            else {
                continue;
            };
            let Some(new) = state.pairs_asked.try_update_value(|asked| {
                all.into_iter().filter(|c| asked.insert((check, lowercase(c)))).collect::<Vec<_>>()
            }) else {
                // The modal was closed meanwhile.
                return;
            };
            for chunk in new.chunks(PER_CALL) {
                let answer = check.ask(chunk, lang).await;
                if state.refs_checking.try_get_untracked().is_none() {
                    return;
                }
                match answer {
                    Ok(refused) if refused.is_empty() => {}
                    Ok(refused) => {
                        changed = true;
                        state.options.update(|o| {
                            o.mismatches.extend(refused.into_iter().map(|r| Mismatch {
                                field: fields.get(r.marked).cloned().unwrap_or_default(),
                                fields: fields.clone(),
                                values: r.values,
                                message: r.message,
                            }))
                        });
                    }
                    Err(e) => {
                        // Asked again at the next check.
                        state.pairs_asked.update_value(|asked| {
                            for c in chunk {
                                asked.remove(&(check, lowercase(c)));
                            }
                        });
                        let text = state.text();
                        state.refs_error.set(Some((text.refs_failed)(&text.app_error(&e))));
                    }
                }
            }
        }
        state.refs_checking.update(|n| *n = n.saturating_sub(1));
        if changed {
            state.recheck();
        }
    });
}

fn lowercase(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.to_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_has_the_checks_whose_references_it_has() {
        let leads = csv_import_core::builtin::get("partner-leads").unwrap();
        assert_eq!(
            checks(&leads),
            [(Combined::PartnerTeam, vec!["partner_id".to_string(), "partner_user_id".to_string()])]
        );
        let clients = csv_import_core::builtin::get("clients").unwrap();
        assert!(checks(&clients).is_empty());
        let mut only_partner = leads.clone();
        only_partner.fields.retain(|f| f.key != "partner_user_id");
        assert!(checks(&only_partner).is_empty());
    }
}
