//! The Client accounts page: the workspace's client accounts,
//! searchable, each with its tags and custom attributes (never a password),
//! and the "Import clients" button that opens the import modal for
//! `client-accounts`.

use crate::components::import_launcher::ImportLauncher;
use crate::model::ImportSummary;
use crate::portal::pages::local_time::LocalTime;
use crate::portal::server_fns::client_accounts::list_client_accounts::list_client_accounts;
use leptos::prelude::*;

/// The template the Import clients button uses.
const TEMPLATE: &str = "client-accounts";

/// Client accounts with their tags and attributes.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let reload = RwSignal::new(0_u32);
    let accounts =
        Resource::new(move || (search.get(), reload.get()), move |(search, _)| list_client_accounts(search));
    let notice = RwSignal::new(None::<String>);

    let on_close = move |summary: Option<ImportSummary>| {
        if let Some(summary) = summary {
            notice.set(Some(format!(
                "Import finished: {} accounts added, {} updated, {} unchanged, {} skipped. {}",
                summary.inserted,
                summary.updated,
                summary.unchanged,
                summary.skipped,
                summary.note.unwrap_or_default()
            )));
            reload.update(|n| *n += 1);
        }
    };
    view! {
        <div class="page-head">
            <h1>"Client accounts"</h1>
            <ImportLauncher template=TEMPLATE label="Import clients" on_close=on_close/>
        </div>
        <p class="hint">
            "Clients sign in with their email and the temporary password of the import; no invitation is sent. Tags must exist first: see "
            <a href="/tags">"Tags"</a> "."
        </p>
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label>
                <span class="visually-hidden">"Search client accounts"</span>
                <input
                    type="search"
                    placeholder="Search by email, name or external ID"
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </label>
        </form>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(page) if page.accounts.is_empty() => view! {
                        <p class="notice">"No client account matches. Import a file of clients."</p>
                    }.into_any(),
                    Ok(page) => {
                        let shown = page.accounts.len();
                        view! {
                            <table class="records accounts">
                                <thead>
                                    <tr>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Birthdate"</th>
                                        <th scope="col">"Gender"</th>
                                        <th scope="col">"External ID"</th>
                                        <th scope="col">"Tags"</th>
                                        <th scope="col">"Attributes"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.accounts.into_iter().map(|a| { let key = a.email.clone(); view! {
                                        <tr data-account=key>
                                            <td>{a.email}</td>
                                            <td>{format!("{} {}", a.first_name, a.last_name)}</td>
                                            <td>{a.birthdate.map(|b| view! { <LocalTime value=b date=true/> })}</td>
                                            <td>{a.gender.unwrap_or_default()}</td>
                                            <td>{a.external_id.unwrap_or_default()}</td>
                                            <td>{a.tags.join(", ")}</td>
                                            <td>
                                                <dl class="attributes">
                                                    {a.attributes.into_iter().map(|(name, value)| view! {
                                                        <dt>{name}</dt><dd>{value}</dd>
                                                    }).collect_view()}
                                                </dl>
                                            </td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                            <p class="hint">
                                {if page.total as usize > shown {
                                    format!("{shown} of {} shown; search to find the others.", crate::i18n::Locale::En.count(page.total as u64, "account", "accounts"))
                                } else {
                                    crate::i18n::Locale::En.count(page.total as u64, "account", "accounts")
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
