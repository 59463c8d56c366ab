//! The CRM clients page: the workspace's clients, searchable,
//! with "Export" (a CSV in the `crm-clients` template's format, which
//! imports back as updates) and "Import" (the modal for `crm-clients`).

use crate::components::import_launcher::ImportLauncher;
use crate::model::ImportSummary;
use crate::portal::pages::local_time::LocalTime;
use crate::portal::server_fns::crm::list_crm_clients::list_crm_clients;
use leptos::prelude::*;

/// The template the Import button uses.
const TEMPLATE: &str = "crm-clients";

/// CRM clients.
#[component]
pub fn CrmPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0_u32);
    let clients = Resource::new(move || (search.get(), reload.get()), move |(search, _)| list_crm_clients(search));
    let notice = RwSignal::new(None::<String>);

    let on_close = move |summary: Option<ImportSummary>| {
        if let Some(summary) = summary {
            notice.set(Some((crate::portal::i18n::text().crm_finished)(
                summary.updated,
                summary.inserted,
                summary.unchanged,
                summary.skipped,
            )));
            reload.update(|n| *n += 1);
        }
    };
    view! {
        <div class="page-head">
            <h1>"CRM clients"</h1>
            <ImportLauncher
                template=TEMPLATE
                label="Import"
                actions=|| view! { <a class="button" href="/crm/export.csv" download="crm-clients.csv">"Export"</a> }
                on_close=on_close
            />
        </div>
        <p class="hint">
            "Export the clients, edit the file and import it: rows with an ID update that client, rows without one add a client (or update the client with the same email). At most 5,000 rows per file."
        </p>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label>
                <span class="visually-hidden">"Search clients"</span>
                <input
                    type="search"
                    placeholder="Search by name, email or username"
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </label>
        </form>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Ok(page) if page.clients.is_empty() => view! {
                        <p class="notice">
                            {if search.get_untracked().trim().is_empty() {
                                "No clients yet. Import a file of clients."
                            } else {
                                "No client matches the search."
                            }}
                        </p>
                    }.into_any(),
                    Ok(page) => {
                        let shown = page.clients.len();
                        view! {
                            <table class="records crm">
                                <thead>
                                    <tr>
                                        <th scope="col">"ID"</th>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Username"</th>
                                        <th scope="col">"Project"</th>
                                        <th scope="col">"Desk"</th>
                                        <th scope="col">"Active"</th>
                                        <th scope="col">"Type"</th>
                                        <th scope="col">"Created"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.clients.into_iter().map(|c| {
                                        let name = [Some(c.first_name.clone()), c.middle_name.clone(), c.last_name.clone()]
                                            .into_iter()
                                            .flatten()
                                            .collect::<Vec<_>>()
                                            .join(" ");
                                        let key = c.email.clone();
                                        view! {
                                            <tr data-email=key>
                                                <td><code>{c.id}</code></td>
                                                <td class="client-name">{name}</td>
                                                <td class="client-email">{c.email}</td>
                                                <td>{c.username}</td>
                                                <td>{c.project}</td>
                                                <td>{c.desk}</td>
                                                <td>{if c.active { "yes" } else { "no" }}</td>
                                                <td>{c.client_type}</td>
                                                <td><LocalTime value=c.created/></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">
                                {if page.total as usize > shown {
                                    format!("{shown} of {} shown; search to find the others.", crate::i18n::Locale::En.count(page.total as u64, "client", "clients"))
                                } else {
                                    crate::i18n::Locale::En.count(page.total as u64, "client", "clients")
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
