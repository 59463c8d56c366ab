//! Values that must go together in a row, which only the server can tell
//! (a template's `checked_together`, e.g. a person who must belong to the
//! row's team). In import mode the modal asks the worker for the file's
//! distinct combinations of each group's values (never its rows), asks the
//! server which of them do not go together (the template's destination
//! answers), and hands those back to the worker, which marks the cells
//! like any other error: counted, reached by Tab, in the error report, left
//! out of the import. The commit checks every row again. In preview mode
//! nothing is sent.

use super::state::ModalState;
use crate::analysis::{Mismatch, Request};
use crate::server_fns::templates::check_combinations::check_combinations;
use leptos::prelude::*;

/// The most combinations one call asks about (the server's limit).
const PER_CALL: usize = 10_000;

/// Ask the server about the combinations not asked about yet, then check
/// the rows again with those it refused. Import mode only.
pub fn check(state: ModalState) {
    if !state.mode.uses_server() || !state.access.with_value(|a| a.may_import) {
        return;
    }
    let template = state.template();
    let groups: Vec<Vec<String>> = template.groups_checked_together().map(<[String]>::to_vec).collect();
    if groups.is_empty() {
        return;
    }
    state.refs_checking.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        let lang = state.locale.core_lang();
        let mut changed = false;
        for fields in groups {
            // The worker has the rows: it answers the distinct combinations.
            let Ok(all) =
                crate::browser::ask::<Vec<Vec<String>>>(&Request::Combinations { fields: fields.clone() }).await
            else {
                continue;
            };
            let Some(new) = state.together_asked.try_update_value(|asked| {
                all.into_iter().filter(|c| asked.insert((fields.clone(), lowercase(c)))).collect::<Vec<_>>()
            }) else {
                // The modal was closed meanwhile.
                return;
            };
            for chunk in new.chunks(PER_CALL) {
                let answer = check_combinations(template.name.clone(), fields.clone(), chunk.to_vec(), Some(lang)).await;
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
                        state.together_asked.update_value(|asked| {
                            for c in chunk {
                                asked.remove(&(fields.clone(), lowercase(c)));
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
