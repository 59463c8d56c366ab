//! The Coaches page: each lead of the workspace's coaching with
//! the coaches they may see, searchable by email, and the "Import leads"
//! button that opens the import modal for `coaching-leads`.

use crate::components::import_launcher::ImportLauncher;
use crate::model::ImportSummary;
use crate::portal::server_fns::coaching::list_coaching::list_coaching;
use leptos::prelude::*;

/// The template the Import leads button uses.
const TEMPLATE: &str = "coaching-leads";

/// Leads and their coaches.
#[component]
pub fn CoachesPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0_u32);
    let leads = Resource::new(move || (search.get(), reload.get()), move |(search, _)| list_coaching(search));
    let notice = RwSignal::new(None::<String>);

    let on_close = move |summary: Option<ImportSummary>| {
        if let Some(summary) = summary {
            notice.set(Some(format!(
                "Import finished: {} added, {} already there, {} skipped. Imports never remove a lead or a coach.",
                crate::i18n::Locale::En.count(summary.inserted + summary.updated, "row", "rows"),
                summary.unchanged,
                summary.skipped
            )));
            reload.update(|n| *n += 1);
        }
    };
    view! {
        <div class="page-head">
            <h1>"Coaches"</h1>
            <ImportLauncher template=TEMPLATE label="Import leads" blocked_hint="Importing leads needs the Manage coaching permission." on_close=on_close/>
        </div>
        <p class="hint">
            "A lead may see the coaches listed next to them. Import a file with one row per lead and coach; importing adds leads and coaches, it never removes any."
        </p>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label>
                <span class="visually-hidden">"Search leads and coaches"</span>
                <input
                    type="search"
                    placeholder="Search by lead or coach email"
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </label>
        </form>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match leads.await {
                    Ok(page) if page.leads.is_empty() => view! {
                        <p class="notice">
                            {if search.get_untracked().trim().is_empty() {
                                "No leads yet. Import a file of leads and their coaches."
                            } else {
                                "No lead or coach matches the search."
                            }}
                        </p>
                    }.into_any(),
                    Ok(page) => {
                        let shown = page.leads.len();
                        view! {
                            <table class="records coaching">
                                <thead>
                                    <tr>
                                        <th scope="col">"Lead"</th>
                                        <th scope="col">"Coaches they may see"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.leads.into_iter().map(|l| { let key = l.lead.email.clone(); view! {
                                        <tr data-lead=key>
                                            <td>
                                                <span class="person-name">{l.lead.name}</span>
                                                " "
                                                <span class="person-email">{l.lead.email}</span>
                                            </td>
                                            <td>
                                                {if l.coaches.is_empty() {
                                                    view! { <span class="hint">"No coach yet"</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <ul class="coaches">
                                                            {l.coaches.into_iter().map(|c| view! {
                                                                <li>
                                                                    <span class="person-name">{c.name}</span>
                                                                    " "
                                                                    <span class="person-email">{c.email}</span>
                                                                </li>
                                                            }).collect_view()}
                                                        </ul>
                                                    }.into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">
                                {if page.total as usize > shown {
                                    format!("{shown} of {} shown; search to find the others.", crate::i18n::Locale::En.count(page.total as u64, "lead", "leads"))
                                } else {
                                    crate::i18n::Locale::En.count(page.total as u64, "lead", "leads")
                                }}
                            </p>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
