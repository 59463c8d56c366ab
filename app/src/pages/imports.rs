//! The import history of the workspace.

use crate::model::ImportState;
use crate::server_fns::imports::list_imports::list_imports;
use leptos::prelude::*;

#[component]
pub fn ImportsPage() -> impl IntoView {
    let imports = Resource::new(|| (), |_| list_imports());
    view! {
        <h1>"Imports"</h1>
        <Suspense fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match imports.await {
                    Ok(list) if list.is_empty() => view! { <p class="notice">"No import yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="records imports">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Template"</th>
                                    <th scope="col">"File"</th><th scope="col">"State"</th><th scope="col">"Inserted"</th>
                                    <th scope="col">"Updated"</th><th scope="col">"Unchanged"</th><th scope="col">"Skipped"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|i| view! {
                                    <tr>
                                        <td>{i.created_at}</td><td>{i.user_email}</td><td>{i.template}</td><td>{i.file_name}</td>
                                        <td>{match i.state { ImportState::Running => "running", ImportState::Done => "done", ImportState::Cancelled => "cancelled" }}</td>
                                        <td>{i.inserted}</td><td>{i.updated}</td><td>{i.unchanged}</td><td>{i.skipped}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
