//! The import history of the workspace: every import of every kind (who,
//! when, template, file, state, counts), background imports with their
//! job's state (queued, running, done, failed), why an import stopped when
//! its rows were not the cause (a server fault, or abandoned in staging),
//! and each import's error report (the skipped rows with their reasons) as
//! a CSV download.

use crate::model::{FailureCause, ImportState, ImportSummary, JobState};
use crate::portal::pages::local_time::LocalTime;
use crate::server_fns::imports::list_imports::list_imports;
use leptos::prelude::*;

/// The state a person reads: a background import's job state while it
/// runs or when it failed, else the import's own state.
pub fn state_label(summary: &ImportSummary) -> &'static str {
    match (summary.job, summary.state) {
        (Some(JobState::Queued), ImportState::Running) => "queued",
        (Some(JobState::Running), ImportState::Running) => "running in the background",
        (Some(JobState::Failed), _) => "failed",
        (_, ImportState::Cancelled) if summary.failure.as_ref().is_some_and(|f| f.cause == FailureCause::Abandoned) => {
            "abandoned"
        }
        (_, ImportState::Running) => "running",
        (_, ImportState::Done) => "done",
        (_, ImportState::Cancelled) => "cancelled",
    }
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    // Reload when a background import finishes, so its counts show.
    let finished = use_context::<crate::components::notifications::ImportsFinished>();
    let imports = Resource::new(move || finished.map(|f| f.count.get()), |_| list_imports());
    view! {
        <h1>"Imports"</h1>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match imports.await {
                    Ok(list) if list.is_empty() => view! { <p class="notice">"No import yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-scroll">
                        <table class="records imports">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Template"</th>
                                    <th scope="col">"File"</th><th scope="col">"State"</th><th scope="col" class="num">"Rows"</th>
                                    <th scope="col" class="num">"Inserted"</th><th scope="col" class="num">"Updated"</th>
                                    <th scope="col" class="num">"Unchanged"</th><th scope="col" class="num">"Skipped"</th>
                                    <th scope="col">"Error report"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|i| {
                                    let state = state_label(&i);
                                    let failure = i.failure.map(|f| view! {
                                        <span class="import-failure" role="note">{f.message}</span>
                                    });
                                    let report = (i.skipped > 0).then(|| view! {
                                        <a
                                            href=format!("/imports/{}/errors.csv", i.id)
                                            download=format!("import-{}-errors.csv", i.id)
                                            aria-label=format!("Error report of {} (CSV)", i.file_name)
                                        >
                                            "Download CSV"
                                        </a>
                                    });
                                    let n = |n: u64| crate::i18n::Locale::En.number(n);
                                    view! {
                                        <tr data-import=i.id.clone()>
                                            <td><LocalTime value=i.created_at/></td><td>{i.user_email}</td><td>{i.template}</td><td>{i.file_name}</td>
                                            <td data-state=state>{state}{failure}</td><td class="num">{n(i.total_rows)}</td>
                                            <td class="num">{n(i.inserted)}</td><td class="num">{n(i.updated)}</td>
                                            <td class="num">{n(i.unchanged)}</td><td class="num">{n(i.skipped)}</td>
                                            <td>{report}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()} " " <a href="/sign-in">"Sign in"</a></p> }.into_any(),
                }
            })}
        </Transition>
    }
}
