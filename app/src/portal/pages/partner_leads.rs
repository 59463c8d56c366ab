//! The Partner leads page: "Register lead" → "Import CSV" opens
//! the import modal for `partner-leads`; the list shows every lead with its
//! partner, who registered it and its state. Imported leads are Pending; an
//! admin approves or rejects them here, a partner follows their own.

use crate::components::import_launcher::ImportLauncher;
use crate::model::{ImportSummary, Role};
use crate::portal::pages::local_time::LocalTime;
use crate::server_fns::auth::current_user::current_user;
use crate::portal::server_fns::partners::list_partner_leads::list_partner_leads;
use crate::portal::server_fns::partners::review_lead::review_lead;
use crate::portal::server_fns::partners::{LeadState, PartnerLead};
use leptos::prelude::*;

/// The template the Import CSV button uses.
const TEMPLATE: &str = "partner-leads";

/// The filters above the list: (state sent, label).
const FILTERS: [(&str, &str); 4] = [("", "All"), ("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")];

/// Leads and their review.
#[component]
pub fn PartnerLeadsPage() -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let reload = RwSignal::new(0_u32);
    let leads = Resource::new(move || (filter.get(), reload.get()), move |(state, _)| list_partner_leads(state));
    // The hint links to where this user finds the IDs, named as in their menu.
    let session = Resource::new(|| (), |_| current_user());
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let review = Action::new(move |(id, decision, email): &(i64, &'static str, String)| {
        let (id, decision, email) = (*id, decision.to_string(), email.clone());
        async move {
            match review_lead(id, decision).await {
                Ok(state) => {
                    problem.set(None);
                    notice.set(Some(format!("Lead {email} {}.", state.as_str())));
                    reload.update(|n| *n += 1);
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        }
    });

    let menu = NodeRef::<leptos::html::Details>::new();
    let on_close = move |summary: Option<ImportSummary>| {
        // The Register lead menu closes with the modal.
        if let Some(menu) = menu.get_untracked() {
            let _ = menu.remove_attribute("open");
        }
        if let Some(summary) = summary {
            notice.set(Some(match summary.inserted {
                0 => "Nothing was imported.".to_string(),
                1 => "1 lead imported. It is Pending until an admin approves it.".to_string(),
                n => format!("{n} leads imported. They are Pending until an admin approves them."),
            }));
            filter.set(String::new());
            reload.update(|n| *n += 1);
        }
    };
    view! {
        <div class="page-head">
            <h1>"Partner leads"</h1>
            <details class="menu" node_ref=menu>
                <summary class="button primary">"Register lead"</summary>
                <div class="menu-items">
                    <ImportLauncher
                        template=TEMPLATE
                        label="Import CSV"
                        blocked_hint="Importing leads needs the Import partner leads permission."
                        on_close=on_close
                    />
                    <a href="/templates/partner-leads/sample.csv" download="partner-leads-sample.csv">"Download CSV template"</a>
                    <a href="/lead-form">"Lead registration form"</a>
                </div>
            </details>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let role = session.await.ok().flatten().map(|s| s.role);
                let (href, label) = ids_page(role);
                view! {
                    <p class="hint">
                        "A CSV must have a column for every required field of the lead registration form, plus Partner ID and Partner User ID (see "
                        <a href=href>{label}</a>
                        "). If any row has an error, nothing is imported until the file is fixed. Imported leads wait as Pending until an admin approves them."
                    </p>
                }
            })}
        </Suspense>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        <div class="filters" role="group" aria-label="Show leads">
            {FILTERS.into_iter().map(|(state, label)| view! {
                <button
                    type="button"
                    class="filter"
                    aria-pressed=move || (filter.get() == state).to_string()
                    on:click=move |_| filter.set(state.to_string())
                >
                    {label}
                </button>
            }).collect_view()}
        </div>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match leads.await {
                    Ok(page) if page.leads.is_empty() => view! {
                        <p class="notice">"No leads here yet. Register leads by importing a CSV."</p>
                    }.into_any(),
                    Ok(page) => {
                        let shown = page.leads.len();
                        let may_review = page.may_review;
                        view! {
                            <p class="hint" id="pending-count">{format!("{} waiting for review", page.pending)}</p>
                            <table class="records partner-leads">
                                <thead>
                                    <tr>
                                        <th scope="col">"Lead"</th>
                                        <th scope="col">"Partner"</th>
                                        <th scope="col">"Registered by"</th>
                                        <th scope="col">"State"</th>
                                        {may_review.then(|| view! { <th scope="col">"Review"</th> })}
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.leads.into_iter().map(|lead| view! { <LeadRow lead may_review review/> }).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">
                                {if page.total as usize > shown {
                                    format!("The latest {shown} of {}.", crate::i18n::Locale::En.count(page.total as u64, "lead", "leads"))
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

/// The page listing the Partner ID and Partner User IDs a user may put in a
/// file, and its name in that user's menu: a partner's user sees only their
/// own team, under "Team members".
pub fn ids_page(role: Option<Role>) -> (&'static str, &'static str) {
    match role {
        Some(Role::External) => ("/team", "Team members"),
        _ => ("/partners", "Partners"),
    }
}

#[component]
fn LeadRow(lead: PartnerLead, may_review: bool, review: Action<(i64, &'static str, String), ()>) -> impl IntoView {
    let id = lead.id;
    let pending = lead.state == LeadState::Pending;
    let state_class = format!("state {}", lead.state.as_str());
    let name: Vec<String> = lead
        .details
        .iter()
        .filter(|(label, _)| matches!(label.as_str(), "First name" | "Last name"))
        .map(|(_, v)| v.clone())
        .collect();
    let others: Vec<String> = lead
        .details
        .iter()
        .filter(|(label, _)| !matches!(label.as_str(), "First name" | "Last name"))
        .map(|(label, v)| format!("{label}: {v}"))
        .collect();
    let key = lead.email.clone();
    view! {
        <tr data-lead=key>
            <td>
                {(!name.is_empty()).then(|| view! { <span class="person-name">{name.join(" ")}</span> " " })}
                <span class="person-email">{lead.email.clone()}</span>
                {(!others.is_empty()).then(|| view! { <div class="hint lead-details">{others.join(" · ")}</div> })}
            </td>
            <td>{lead.partner_name} " " <code class="id">{lead.partner_id}</code></td>
            <td>
                {lead.partner_user_name} " " <code class="id">{lead.partner_user_id}</code>
                <div class="hint"><LocalTime value=lead.created_at/></div>
            </td>
            <td><span class=state_class>{lead.state.label()}</span></td>
            {may_review.then(|| view! {
                <td class="review-actions">
                    {pending.then(|| {
                        let email = lead.email.clone();
                        let (approve_email, reject_email) = (email.clone(), email.clone());
                        view! {
                            <div class="review-buttons">
                            <button
                                type="button"
                                aria-label=format!("Approve {email}")
                                disabled=move || review.pending().get()
                                on:click=move |_| { review.dispatch((id, "approve", approve_email.clone())); }
                            >
                                "Approve"
                            </button>
                            <button
                                type="button"
                                aria-label=format!("Reject {}", lead.email)
                                disabled=move || review.pending().get()
                                on:click=move |_| { review.dispatch((id, "reject", reject_email.clone())); }
                            >
                                "Reject"
                            </button>
                            </div>
                        }
                    })}
                </td>
            })}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_names_the_ids_page_as_the_users_menu_does() {
        assert_eq!(ids_page(Some(Role::External)), ("/team", "Team members"));
        assert_eq!(ids_page(Some(Role::Admin)), ("/partners", "Partners"));
        assert_eq!(ids_page(Some(Role::Viewer)), ("/partners", "Partners"));
        assert_eq!(ids_page(None), ("/partners", "Partners"));
    }
}
