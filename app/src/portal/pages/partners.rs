//! The Partners pages: the partners with their IDs, a partner's
//! details with its team and each member's ID at the bottom, and for a
//! partner's user the Team members page with the same IDs. These IDs are the
//! Partner ID and Partner User ID columns of a lead import.

use crate::portal::server_fns::partners::get_partner::get_partner;
use crate::portal::server_fns::partners::list_partners::list_partners;
use crate::portal::server_fns::partners::{PartnerDetails, PartnerUser};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Every partner of the workspace (a partner's user: their own) with its ID.
#[component]
pub fn PartnersPage() -> impl IntoView {
    let partners = Resource::new(|| (), |_| list_partners());
    view! {
        <div class="page-head">
            <h1>"Partners"</h1>
            <a class="button" href="/partner-leads">"Partner leads"</a>
        </div>
        <p class="hint">
            "A lead import names the partner by its Partner ID, and who registered the lead by a Partner User ID: open a partner to see its team and their IDs."
        </p>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match partners.await {
                    Ok(list) if list.is_empty() => view! { <p class="notice">"No partners yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="records partners">
                            <thead>
                                <tr>
                                    <th scope="col">"Partner"</th>
                                    <th scope="col">"Partner ID"</th>
                                    <th scope="col">"Team"</th>
                                    <th scope="col">"Leads"</th>
                                    <th scope="col">"Pending"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|p| {
                                    let href = format!("/partners/{}", p.id);
                                    let key = p.id.clone();
                                    view! {
                                        <tr data-partner=key>
                                            <td><a href=href>{p.name}</a></td>
                                            <td><code class="id">{p.id}</code></td>
                                            <td>{p.team}</td>
                                            <td>{p.leads}</td>
                                            <td>{p.pending}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One partner: its details (with its ID) and, at the bottom, its team.
#[component]
pub fn PartnerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let details = Resource::new(id, get_partner);
    view! {
        <p class="breadcrumb"><a href="/partners">"Partners"</a></p>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! { <Details details team_heading="Partner users"/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A partner's user: their team, each with the ID to put in a lead file.
#[component]
pub fn TeamPage() -> impl IntoView {
    let partners = Resource::new(|| (), |_| async move {
        let list = list_partners().await?;
        match list.into_iter().next() {
            Some(own) => get_partner(own.id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match partners.await {
                    Ok(Some(details)) => view! { <Details details team_heading="Team members"/> }.into_any(),
                    Ok(None) => view! { <p class="notice">"You are on no partner's team."</p> }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Details(details: PartnerDetails, team_heading: &'static str) -> impl IntoView {
    let p = details.partner;
    view! {
        <div class="page-head">
            <h1>{p.name.clone()}</h1>
            <a class="button" href="/partner-leads">"Partner leads"</a>
        </div>
        <dl class="partner-details">
            <dt>"Partner ID"</dt>
            <dd><code class="id" id="partner-id">{p.id.clone()}</code></dd>
            <dt>"Leads"</dt>
            <dd>{format!("{} ({} pending)", p.leads, p.pending)}</dd>
            <dt>"Team"</dt>
            <dd>{format!("{} people", p.team)}</dd>
        </dl>
        <h2 id="team-heading">{team_heading}</h2>
        <p class="hint">
            "Copy a person's ID into the Partner User ID column to register leads on their behalf; the partner's ID goes into the Partner ID column."
        </p>
        <Team team=details.team/>
    }
}

#[component]
fn Team(team: Vec<PartnerUser>) -> impl IntoView {
    if team.is_empty() {
        return view! { <p class="notice">"No one is on this team yet."</p> }.into_any();
    }
    view! {
        <table class="records team" aria-labelledby="team-heading">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"ID"</th>
                    <th scope="col">"Email"</th>
                </tr>
            </thead>
            <tbody>
                {team.into_iter().map(|u| { let key = u.id.clone(); view! {
                    <tr data-partner-user=key>
                        <td>
                            <span class="person-name">{u.name}</span>
                            {u.you.then(|| view! { " " <span class="badge">"you"</span> })}
                        </td>
                        <td><code class="id">{u.id}</code></td>
                        <td><span class="person-email">{u.email}</span></td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
