//! The Clients, Leads and Companies pages: the workspace's records, with
//! search and paging, and the Import button that opens the modal.

use super::import_notice::{ImportNotice, ImportNoticeLine};
use crate::components::import_launcher::ImportLauncher;
use crate::portal::server_fns::records::list_records::list_records;
use leptos::prelude::*;

/// A page of one kind of record.
#[component]
pub fn RecordsPage(
    /// `clients`, `leads` or `companies`.
    entity: &'static str,
    /// The template the Import button uses.
    template: &'static str,
    /// The page title.
    title: &'static str,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(0_u32);
    let reload = RwSignal::new(0_u32);
    // A background import that finished shows its records without a reload.
    let finished = use_context::<crate::components::notifications::ImportsFinished>();
    let records = Resource::new(
        move || (search.get(), page.get(), reload.get(), finished.map(|f| f.count.get())),
        move |(search, page, _, _)| list_records(entity.to_string(), search, page),
    );
    let notice = RwSignal::new(None::<ImportNotice>);

    let on_close = move |summary: Option<crate::model::ImportSummary>| {
        if let Some(said) = ImportNotice::after(summary) {
            if matches!(said, ImportNotice::Finished(_)) {
                reload.update(|n| *n += 1);
            }
            notice.set(Some(said));
        }
    };
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <ImportLauncher template=template label="Import" on_close=on_close/>
        </div>
        <ImportNoticeLine notice/>
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label>
                <span class="visually-hidden">{format!("Search {}", title.to_lowercase())}</span>
                <input
                    type="search"
                    placeholder="Search by name, email or company"
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        page.set(0);
                    }
                />
            </label>
        </form>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match records.await {
                    Ok(data) => {
                        let pages = data.total.div_ceil(data.per_page.max(1) as u64).max(1);
                        let current = data.page;
                        view! {
                            <table class="records" data-entity=entity>
                                <thead><tr>{data.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {data.rows.into_iter().map(|row| view! {
                                        <tr>{row.values.into_iter().map(|v| view! { <td>{v}</td> }).collect_view()}</tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <nav class="pager" aria-label="Pages">
                                <button type="button" disabled=current == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                                <span>{format!("Page {} of {pages} · {} records", current + 1, data.total)}</span>
                                <button type="button" disabled={(current as u64) + 1 >= pages} on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
                            </nav>
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
