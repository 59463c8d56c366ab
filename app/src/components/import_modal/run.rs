//! Steps 4 and 5: send the valid rows in batches with a progress bar, then
//! show what happened to every row.

use super::state::{ModalState, Step};
use crate::analysis::recheck;
use crate::model::{Batch, ImportSummary, SkippedRow, StartImport};
use crate::server_fns::imports::{
    commit_batch::commit_batch, finish_import::finish_import, queue_import::queue_import, stage_batch::stage_batch,
    start_import::start_import,
};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// How often a batch is tried before the import stops with an error.
const ATTEMPTS: u32 = 3;

/// Start importing the valid rows (from the review step's button).
pub fn start(state: ModalState) {
    state.cancel_requested.set(false);
    state.error.set(None);
    state.step.set(Step::Importing);
    leptos::task::spawn_local(async move {
        if let Err(message) = import(state).await {
            state.error.set(Some(message));
        }
        state.step.set(Step::Done);
    });
}

async fn import(state: ModalState) -> Result<(), String> {
    let template = state.template();
    let mut options = state.options.get_untracked();
    options.now = crate::browser::now_rfc3339();
    let report = state.analysis.with_untracked(|a| a.as_ref().map(|a| recheck(a, &template, &options)));
    let Some(report) = report else { return Err("There is no file to import.".into()) };

    let mut skipped: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for e in &report.errors {
        let place = e.header.clone().or(e.field.clone()).unwrap_or_else(|| "Row".into());
        skipped.entry(e.row).or_default().push(format!("{place}: {}", e.message));
    }
    let skipped: Vec<SkippedRow> = skipped.into_iter().map(|(row, reasons)| SkippedRow { row, reasons }).collect();
    let total = report.records.len() as u64;
    state.progress.set((0, total));

    let started = start_import(StartImport {
        template: template.name.clone(),
        file_name: state.file_name.get_untracked(),
        total_rows: report.rows.total,
        skipped,
    })
    .await
    .map_err(|e| format!("The import could not start: {e}"))?;

    // Background templates (seed 004): the batches are staged, then a job
    // commits them on the server while the user goes on working.
    let background = template.background;
    let batch_size = started.max_batch_rows.max(1) as usize;
    let mut cancelled = false;
    let mut sent = 0_u64;
    for (seq, rows) in report.records.chunks(batch_size).enumerate() {
        if state.cancel_requested.get_untracked() {
            cancelled = true;
            break;
        }
        let batch = Batch { import_id: started.import_id.clone(), seq: seq as u32, rows: rows.to_vec() };
        let mut attempt = 0;
        loop {
            attempt += 1;
            // The same (import, seq) is applied once however often it is sent,
            // so a batch whose answer was lost can be sent again safely.
            let sent_batch = if background {
                stage_batch(batch.clone()).await.map(|_| ())
            } else {
                commit_batch(batch.clone()).await.map(|_| ())
            };
            match sent_batch {
                Ok(_) => break,
                Err(e) if attempt >= ATTEMPTS => {
                    let _ = finish_import(started.import_id.clone(), true).await;
                    return Err(format!(
                        "The import stopped after {sent} of {total} rows: {e}. The rows before were saved; import the file again to finish (saved rows come back as unchanged)."
                    ));
                }
                Err(_) => {}
            }
        }
        sent += rows.len() as u64;
        state.progress.set((sent, total));
    }
    if background && !cancelled {
        let summary = queue_import(started.import_id.clone())
            .await
            .map_err(|e| format!("The rows were uploaded but the import could not be started: {e}"))?;
        state.result.set(Some(summary));
        return Ok(());
    }
    let summary = finish_import(started.import_id.clone(), cancelled)
        .await
        .map_err(|e| format!("The rows were sent but the import could not be closed: {e}"))?;
    state.result.set(Some(summary));
    Ok(())
}

#[component]
pub fn RunStep(state: ModalState, on_close: Callback<Option<ImportSummary>>) -> impl IntoView {
    // A background import is queued: the modal closes and the page says so.
    Effect::new(move |_| {
        if state.step.get() == Step::Done
            && state.error.with(Option::is_none)
            && let Some(summary) = state.result.get().filter(|s| s.job.is_some())
        {
            on_close.run(Some(summary));
        }
    });
    let background = state.access.with_value(|a| a.template.background);
    let percent = move || {
        let (done, total) = state.progress.get();
        if total == 0 { 100 } else { (done * 100 / total) as u32 }
    };
    view! {
        {move || (state.step.get() == Step::Importing).then(|| view! {
            <div class="progress-block">
                <p id="progress-label">
                    {move || {
                        let (done, total) = state.progress.get();
                        if state.cancel_requested.get() {
                            format!("Stopping after the current batch… {done} of {total} rows saved")
                        } else {
                            if background {
                                format!("Uploading… {done} of {total} rows sent")
                            } else {
                                format!("Importing… {done} of {total} rows saved")
                            }
                        }
                    }}
                </p>
                <progress
                    max="100"
                    value=percent
                    aria-labelledby="progress-label"
                    aria-valuetext=move || format!("{}%", percent())
                ></progress>
                <footer class="modal-footer">
                    <button
                        type="button"
                        disabled=move || state.cancel_requested.get()
                        on:click=move |_| state.cancel_requested.set(true)
                    >
                        "Cancel import"
                    </button>
                </footer>
            </div>
        })}
        {move || (state.step.get() == Step::Done).then(|| view! {
            {move || state.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            {move || state.result.get().map(|summary| view! { <ResultView summary/> })}
            <footer class="modal-footer">
                <button type="button" class="primary" on:click=move |_| on_close.run(state.result.get_untracked())>
                    "Close"
                </button>
            </footer>
        })}
    }
}

#[component]
fn ResultView(summary: ImportSummary) -> impl IntoView {
    let cancelled = summary.state == crate::model::ImportState::Cancelled;
    let headline = if cancelled {
        "Import cancelled. The rows saved before you cancelled stay saved.".to_string()
    } else if summary.template == "crm-clients" {
        // Seed 003 imports both add and update clients: say which.
        format!(
            "{} clients updated, {} added, {} unchanged from {}.",
            summary.updated, summary.inserted, summary.unchanged, summary.file_name
        )
    } else {
        format!("Imported {} rows from {}.", summary.inserted + summary.updated + summary.unchanged, summary.file_name)
    };
    let shown: Vec<SkippedRow> = summary.skipped_rows.iter().take(200).cloned().collect();
    let more = summary.skipped_rows.len().saturating_sub(shown.len());
    view! {
        <p class="result-headline" role="status">{headline}</p>
        <dl class="result-counts">
            <div><dt>"Inserted"</dt><dd data-count="inserted">{summary.inserted}</dd></div>
            <div><dt>"Updated"</dt><dd data-count="updated">{summary.updated}</dd></div>
            <div><dt>"Unchanged"</dt><dd data-count="unchanged">{summary.unchanged}</dd></div>
            <div><dt>"Skipped"</dt><dd data-count="skipped">{summary.skipped}</dd></div>
        </dl>
        {summary.note.clone().map(|note| view! { <p class="notice">{note}</p> })}
        {(!shown.is_empty()).then(|| view! {
            <h3>"Skipped rows"</h3>
            <ul class="skipped-rows">
                {shown.into_iter().map(|s| view! {
                    <li><strong>{format!("Row {}: ", s.row)}</strong>{s.reasons.join("; ")}</li>
                }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="hint">{format!("… and {more} more; see the import's page.")}</p> })}
        })}
    }
}
