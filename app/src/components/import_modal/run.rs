//! Steps 4 and 5: send the valid rows in batches with a progress bar, then
//! show what happened to every row.
//!
//! The worker holds the rows: the page asks it for the next batch while the
//! previous one is being saved, and sends it only once that one is (a
//! background import: once fewer than six are waiting for their answer),
//! so few batches are in flight and one waits in the page (back-pressure).
//! A batch whose request fails for want of a connection is sent again,
//! with growing pauses, until it goes through: the server applies a given
//! (import, sequence number) once, so a batch that was saved but whose
//! answer was lost is not applied twice.

use super::state::{ModalState, Mode, RunProgress, Step};
use crate::components::csv_import::DeliveredRows;
use crate::analysis::{Request, Skipped};
use crate::model::{Batch, ImportState, ImportSummary, MoreSkips, SkippedRow, StartImport, MAX_SHOWN_ROWS, MAX_SKIPS_BYTES};
use csv_import_core::Record;
use crate::AppError;
use crate::server_fns::imports::{
    commit_batch::commit_batch, finish_import::finish_import, queue_import::queue_import, skip_rows::skip_rows,
    stage_batch::stage_batch, start_import::start_import,
};
use leptos::prelude::*;
use serde_json::value::RawValue;
use std::future::Future;

/// The worker's next batch, its records kept as the JSON it wrote: the
/// server's batch takes them as they are ([`Batch::rows_json`]).
#[derive(serde::Deserialize)]
struct NextRows {
    records: Vec<Box<RawValue>>,
    done: bool,
}

/// How often a request is tried while the server cannot be reached before
/// the import stops with an error (about two minutes of pauses).
const ATTEMPTS: u32 = 12;
/// The longest pause between two tries, in milliseconds.
const MAX_PAUSE_MS: u32 = 15_000;
/// Batches of a background import sent before the first of them is
/// answered: the server stages the next while its job commits one (SQLite
/// has one writer, so a lone batch waited for each commit in turn), and the
/// job finds several to commit together. A million rows: 21.5-22.7 s with
/// one, 20.8-21.8 with three, 18.6-19.8 with six (BENCHMARKS.md).
const BACKGROUND_IN_FLIGHT: usize = 6;
/// Rows per batch handed to the page in browser delivery.
const DELIVERY_BATCH_ROWS: usize = 500;

/// Start importing the valid rows (from the review step's button).
pub fn start(state: ModalState) {
    state.cancel_requested.set(false);
    state.error.set(None);
    state.step.set(Step::Importing);
    leptos::task::spawn_local(async move {
        if let Err(message) = import(state).await {
            let _ = state.error.try_set(Some(message));
        }
        let _ = state.step.try_set(Step::Done);
    });
}

/// Whether a failed request is worth sending again: the server could not be
/// reached, or failed on its side; not when it refused the request.
fn retryable(error: &AppError) -> bool {
    matches!(error, AppError::Network(_) | AppError::Internal)
}

/// Run `request` until it succeeds, pausing longer after each failure
/// (0.5 s, 1 s, 2 s, ... up to 15 s) while the progress says the import is
/// reconnecting. Gives up after [`ATTEMPTS`] tries or on an error that a
/// retry cannot fix.
async fn with_retry<T, F, Fut>(state: ModalState, mut request: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match request().await {
            Ok(value) => {
                if state.progress.with_untracked(|p| p.reconnecting.is_some()) {
                    let _ = state.progress.try_update(|p| p.reconnecting = None);
                }
                return Ok(value);
            }
            Err(e) if retryable(&e) && attempt < ATTEMPTS => {
                let _ = state.progress.try_update(|p| p.reconnecting = Some((state.text().app_error(&e), attempt)));
                let pause = (500_u32 << (attempt - 1).min(5)).min(MAX_PAUSE_MS);
                crate::browser::sleep_ms(pause).await;
            }
            Err(e) => {
                let _ = state.progress.try_update(|p| p.reconnecting = None);
                return Err(e);
            }
        }
    }
}

/// Why a batch was not saved.
enum NotSaved {
    /// Refused for its size (by the server, or by a proxy in front of it)
    /// before any of it was saved: its rows come back to go again in
    /// smaller batches, with the reason to give if they cannot be cut smaller.
    TooLarge(Vec<Box<RawValue>>, String),
    /// Refused: the import stops, for this reason.
    Stop(String),
}

/// Why sending the batches stopped.
enum Stopped {
    /// A batch was refused, for this `reason`; the batches sent with it have
    /// their answers, and `saved` counts the rows of all those acknowledged.
    Refused { reason: String, saved: u64 },
    /// Anything else (the worker failed), said as it is; `saved` as above,
    /// of the batches answered so far.
    Failed { message: String, saved: u64 },
}

/// The bytes of JSON a record makes in a batch, its comma included.
fn record_bytes(record: &RawValue) -> usize {
    record.get().len() + 1
}

/// The bytes of JSON `records` make in a batch.
fn json_bytes(records: &[Box<RawValue>]) -> usize {
    records.iter().map(|r| record_bytes(r)).sum()
}

/// `items` in parts of at most `limit` bytes (0: no limit) as `size` counts
/// them, each of at least one item, in order; at least one part.
fn parts<T>(items: Vec<T>, limit: usize, size: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    if limit == 0 {
        return vec![items];
    }
    let mut parts = Vec::new();
    let (mut part, mut bytes) = (Vec::new(), 0);
    for item in items {
        let n = size(&item);
        if !part.is_empty() && bytes + n > limit {
            parts.push(std::mem::take(&mut part));
            bytes = 0;
        }
        bytes += n;
        part.push(item);
    }
    parts.push(part);
    parts
}

/// `batch` in pieces of at most `limit` bytes of JSON (0: no limit), each
/// of at least one record, in order; only the last piece can be the end of
/// the rows.
fn cut(batch: NextRows, limit: usize) -> Vec<NextRows> {
    let done = batch.done;
    let mut pieces: Vec<NextRows> =
        parts(batch.records, limit, |r| record_bytes(r)).into_iter().map(|records| NextRows { records, done: false }).collect();
    if let Some(last) = pieces.last_mut() {
        last.done = done;
    }
    pieces
}

/// The most bytes of JSON a skipped row can take, escapes included.
fn skip_bytes(skip: &SkippedRow) -> usize {
    let escaped = |text: &str| text.chars().map(|c| if c < ' ' { 6 } else if c == '"' || c == '\\' { 2 } else { c.len_utf8() }).sum::<usize>();
    // `{"row":N,"reasons":[...]},` with N at most 20 digits.
    48 + skip.reasons.iter().map(|r| escaped(r) + 3).sum::<usize>()
}

/// Ask the worker for the valid rows, `size` (and at most `max_bytes` of
/// JSON, unless 0) at a time, and hand each batch to `send` (with its
/// sequence number, whether it is the last, and how many rows were sent
/// before it), keeping the progress up to date. The next batch is read from
/// the worker while batches are sent; up to `in_flight` are sent before the
/// first of them is answered. A batch refused as too large (a proxy with a
/// lower body limit than the server's) goes again cut in halves, under the
/// sequence numbers from its own on, with the batches sent after it (as
/// large, so refused too) and those read since; the rest are read at that
/// size. Stops when the user cancels (the batches sent get their answers
/// first). The rows sent, and whether the user cancelled.
async fn send_batches<F, Fut>(
    state: ModalState,
    (size, max_bytes, in_flight): (usize, usize, usize),
    total: u64,
    mut send: F,
) -> Result<(u64, bool), Stopped>
where
    F: FnMut(u32, Vec<Box<RawValue>>, bool, u64) -> Fut,
    Fut: Future<Output = Result<(), NotSaved>>,
{
    use futures::stream::{FuturesOrdered, StreamExt};
    type Reading = std::pin::Pin<Box<dyn Future<Output = Result<NextRows, String>>>>;
    let began = crate::browser::now_ms();
    let (mut sent, mut handed, mut seq) = (0_u64, 0_u64, 0_u32);
    // The most bytes of JSON in a batch: lowered when one is refused as too large.
    let limit = std::rc::Rc::new(std::cell::Cell::new(max_bytes));
    let ask_next = {
        let limit = limit.clone();
        move || -> Reading {
            let max_bytes = limit.get();
            Box::pin(async move { crate::browser::ask::<NextRows>(&Request::NextBatch { size, max_bytes }).await })
        }
    };
    let mut sending = FuturesOrdered::new();
    let mut reading: Option<Reading> = Some(ask_next());
    // Batches read and not sent yet, in order; `read_all` once the last is read.
    let mut ready = std::collections::VecDeque::<NextRows>::new();
    let mut read_all = false;
    // Batches refused as too large, in order, while those sent after them
    // are answered; `recut` unless one sent after them was saved (their
    // sequence numbers are then no longer free to share out again).
    let mut refused = Vec::<NextRows>::new();
    let mut recut = true;
    let mut refusal = String::new();
    let mut cancelled = false;
    // A batch refused: nothing more is sent, and the batches sent with it
    // get their answers before the import stops (none is left unknown).
    let mut stopping: Option<String> = None;
    loop {
        cancelled |= state.cancel_requested.get_untracked();
        if cancelled || stopping.is_some() {
            reading = None;
            ready.clear();
            read_all = true;
        }
        // Hand on the batch read, while fewer than `in_flight` wait (none
        // while refused batches wait to be cut again).
        let room = if refused.is_empty() { in_flight.max(1) } else { 0 };
        if sending.len() < room
            && let Some(batch) = ready.pop_front()
            && !batch.records.is_empty()
        {
            let rows = batch.records.len() as u64;
            let reply = send(seq, batch.records, batch.done, handed);
            sending.push_back(async move { (rows, batch.done, reply.await) });
            seq += 1;
            handed += rows;
        }
        if reading.is_none() && ready.is_empty() && !read_all {
            reading = Some(ask_next());
        }
        if sending.is_empty() && reading.is_none() && ready.is_empty() {
            return match stopping {
                Some(reason) => Err(Stopped::Refused { reason, saved: sent }),
                None => Ok((sent, cancelled)),
            };
        }
        // Wait for the next answer, or for the worker's next batch when
        // there is room to send it.
        let (answered, read) = match reading.as_mut().filter(|_| ready.is_empty()) {
            Some(read) if !sending.is_empty() => match futures::future::select(sending.next(), read).await {
                futures::future::Either::Left((answer, _)) => (answer, None),
                futures::future::Either::Right((batch, _)) => (None, Some(batch)),
            },
            Some(read) => (None, Some(read.await)),
            None => (sending.next().await, None),
        };
        if let Some(batch) = read {
            reading = None;
            let batch = batch.map_err(|message| Stopped::Failed { message, saved: sent })?;
            read_all = batch.done;
            ready.extend(cut(batch, limit.get()));
        }
        match answered {
            None => {}
            Some((rows, _, Ok(()))) => {
                recut &= refused.is_empty();
                sent += rows;
                let rate = sent as f64 / ((crate::browser::now_ms() - began) / 1000.0).max(0.001);
                let _ = state.progress.try_update(|p| {
                    p.done = sent;
                    p.rate = rate;
                    p.left = (rate > 0.0).then(|| total.saturating_sub(sent) as f64 / rate);
                });
            }
            Some((_, done, Err(NotSaved::TooLarge(records, message)))) => {
                if refused.is_empty() {
                    refusal = message;
                }
                refused.push(NextRows { records, done });
            }
            Some((_, _, Err(NotSaved::Stop(reason)))) => {
                stopping.get_or_insert(reason);
            }
        }
        // Every batch after the refused ones answered: they were the last
        // handed on, so their sequence numbers go again to their rows, in
        // batches of half the size, and so do the batches read since.
        if sending.is_empty() && !refused.is_empty() {
            if cancelled || stopping.is_some() {
                refused.clear();
                continue;
            }
            // A lone row refused cannot be cut: the import stops there.
            if !recut || refused[0].records.len() < 2 {
                return Err(Stopped::Refused { reason: std::mem::take(&mut refusal), saved: sent });
            }
            let first = json_bytes(&refused[0].records);
            let current = if limit.get() == 0 { first } else { limit.get().min(first) };
            limit.set((current / 2).max(1));
            let done = refused.last().is_some_and(|b| b.done);
            seq -= refused.len() as u32;
            let records: Vec<Box<RawValue>> = refused.drain(..).flat_map(|b| b.records).collect();
            handed -= records.len() as u64;
            let mut again: std::collections::VecDeque<NextRows> = cut(NextRows { records, done }, limit.get()).into();
            for batch in ready.drain(..) {
                again.extend(cut(batch, limit.get()));
            }
            ready = again;
        }
    }
}

/// Browser delivery: the valid rows go to the page's handler batch by batch,
/// each once the page has taken the one before; the result is made here.
async fn deliver(state: ModalState) -> Result<(), String> {
    let template = state.template();
    let text = state.text();
    let Some(handler) = state.deliver.get_value() else { return Err(text.no_file.into()) };
    let skipped: Vec<Skipped> = crate::browser::ask(&Request::Skipped).await?;
    let total: u64 = crate::browser::ask(&Request::StartCommit).await?;
    state.progress.set(RunProgress { total, ..RunProgress::default() });
    let file_name = state.file_name.get_untracked();
    let total_rows = state.analysis.with_untracked(|a| a.as_ref().map_or(0, |a| a.last_row.max(a.report.rows.total)));
    // One batch at a time: the page takes them in order.
    let (sent, cancelled) = send_batches(state, (DELIVERY_BATCH_ROWS, 0, 1), total, |seq, records, last, sent| {
        // The page's handler gets the rows as the template's fields.
        let delivered = records
            .iter()
            .map(|r| serde_json::from_str::<Record>(r.get()).map_err(|e| (text.checker_garbled)(&e.to_string())))
            .collect::<Result<Vec<Record>, String>>()
            .map(|records| {
                let rows = records.iter().filter_map(|r| serde_json::to_value(r.view(&template)).ok()).collect();
                (handler.0)(DeliveredRows { template: template.name.clone(), file_name: file_name.clone(), seq, rows, last })
            });
        async move {
            match delivered {
                Ok(delivered) => delivered.await.map_err(|why| NotSaved::Stop((text.page_refused)(sent, &why))),
                Err(garbled) => Err(NotSaved::Stop(garbled)),
            }
        }
    })
    .await
    // One batch at a time: what the page refused is said in full already.
    .map_err(|(Stopped::Refused { reason: message, .. } | Stopped::Failed { message, .. })| message)?;
    let skipped_rows: Vec<SkippedRow> = skipped.into_iter().map(|s| SkippedRow { row: s.row, reasons: s.reasons }).collect();
    let now = js_sys::Date::new_0().to_iso_string().as_string().unwrap_or_default();
    let summary = ImportSummary {
        id: String::new(),
        template: template.name.clone(),
        file_name,
        user_email: String::new(),
        created_at: now.clone(),
        finished_at: Some(now),
        state: if cancelled { ImportState::Cancelled } else { ImportState::Done },
        total_rows,
        inserted: sent,
        updated: 0,
        unchanged: 0,
        skipped: skipped_rows.len() as u64,
        skipped_rows,
        note: None,
        job: None,
        failure: None,
    };
    let _ = state.result.try_set(Some(summary));
    Ok(())
}

async fn import(state: ModalState) -> Result<(), String> {
    if state.mode == Mode::Deliver {
        return deliver(state).await;
    }
    let template = state.template();
    // Rows taken out in the review keep their numbers: the import announces
    // the highest number, so that every row it sends is within it.
    let total_rows = state.analysis.with_untracked(|a| a.as_ref().map(|a| a.last_row.max(a.report.rows.total)));
    let text = state.text();
    let Some(total_rows) = total_rows else { return Err(text.no_file.into()) };
    // The worker has the rows and their errors: the skipped rows' reasons
    // go with the import, the valid rows in batches.
    let skipped: Vec<Skipped> = crate::browser::ask(&Request::Skipped).await?;
    let skipped: Vec<SkippedRow> = skipped.into_iter().map(|s| SkippedRow { row: s.row, reasons: s.reasons }).collect();
    // A workbook's rows were shown as the spreadsheet numbers them: the
    // history's error report names them so too.
    let shown_rows: Vec<[u64; 2]> = crate::browser::ask(&Request::ShownRows { max: MAX_SHOWN_ROWS }).await?;
    let total: u64 = crate::browser::ask(&Request::StartCommit).await?;
    state.progress.set(RunProgress { total, ..RunProgress::default() });

    let file_name = state.file_name.get_untracked();
    // As many skipped rows as one request takes go with the start, the rest
    // right after it (a big file can have tens of thousands).
    let mut skips = parts(skipped, MAX_SKIPS_BYTES, skip_bytes).into_iter();
    let first_skips = skips.next().unwrap_or_default();
    let started = with_retry(state, || {
        start_import(StartImport {
            template: template.name.clone(),
            file_name: file_name.clone(),
            total_rows,
            skipped: first_skips.clone(),
            lang: state.locale.core_lang(),
            shown_rows: shown_rows.clone(),
        })
    })
    .await
    .map_err(|e| (text.start_failed)(&text.app_error(&e)))?;
    drop(first_skips);
    for part in skips {
        let import_id = started.import_id.clone();
        // Each row is kept once however often it is sent.
        let sent = with_retry(state, || skip_rows(MoreSkips { import_id: import_id.clone(), skipped: part.clone() })).await;
        if let Err(e) = sent {
            let _ = finish_import(import_id, true).await;
            return Err((text.start_failed)(&text.app_error(&e)));
        }
    }

    // Background templates: the batches are staged, then a job
    // commits them on the server while the user goes on working.
    let background = template.background;
    // A background import's batches are staged and committed in order by
    // its job, so several may be sent at once: the page sends while the
    // server commits, and the job finds the next batches there when it is
    // done with one. Committed batches go one at a time (the file's order
    // decides which of two rows with one key comes first).
    let in_flight = if background { BACKGROUND_IN_FLIGHT } else { 1 };
    let batch_size = (started.max_batch_rows.max(1) as usize, started.max_batch_bytes as usize, in_flight);
    let import_id = started.import_id.clone();
    let sending = send_batches(state, batch_size, total, |seq, rows, _last, _sent| {
        let mut batch = Batch { import_id: import_id.clone(), seq, rows: Vec::new(), rows_json: Some(rows) };
        async move {
            // The same (import, seq) is applied once however often it is
            // sent, so a batch whose answer was lost can be sent again safely.
            let outcome = with_retry(state, || {
                let batch = batch.clone();
                async move {
                    if background {
                        stage_batch(batch).await.map(|_| ())
                    } else {
                        commit_batch(batch).await.map(|_| ())
                    }
                }
            })
            .await;
            outcome.map_err(|e| {
                let reason = text.app_error(&e);
                match e {
                    AppError::TooLarge(_) => NotSaved::TooLarge(batch.rows_json.take().unwrap_or_default(), reason),
                    _ => NotSaved::Stop(reason),
                }
            })
        }
    })
    .await;
    let cancelled = match sending {
        Ok((_, cancelled)) => cancelled,
        Err(stopped) => {
            // What was saved stays; the import is told it ended here. A
            // background import ended as done keeps every batch the server
            // acknowledged: its job commits them, then ends it.
            let (message, saved) = match stopped {
                Stopped::Refused { reason, saved } => ((text.stopped_after)(saved, total, &reason), saved),
                Stopped::Failed { message, saved } => (message, saved),
            };
            let keep_staged = background && saved > 0;
            let _ = finish_import(started.import_id.clone(), !keep_staged).await;
            if keep_staged {
                crate::components::notifications::expect_import_end(started.import_id.clone());
            }
            return Err(message);
        }
    };
    if background && !cancelled {
        let summary = with_retry(state, || queue_import(started.import_id.clone()))
            .await
            .map_err(|e| (text.queue_failed)(&text.app_error(&e)))?;
        crate::components::notifications::expect_import_end(started.import_id.clone());
        let _ = state.result.try_set(Some(summary));
        return Ok(());
    }
    let summary = with_retry(state, || finish_import(started.import_id.clone(), cancelled))
        .await
        .map_err(|e| (text.finish_failed)(&text.app_error(&e)))?;
    let _ = state.result.try_set(Some(summary));
    Ok(())
}

/// Seconds as `1 h 02 min`, `3 min 05 s` or `12 s`.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
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
        let p = state.progress.get();
        if p.total == 0 { 100 } else { (p.done * 100 / p.total) as u32 }
    };
    view! {
        {move || (state.step.get() == Step::Importing).then(|| view! {
            <div class="progress-block">
                <p id="progress-label">
                    {move || {
                        let p = state.progress.get();
                        let (done, total) = (p.done, p.total);
                        if state.cancel_requested.get() {
                            (crate::i18n::text().stopping)(done, total)
                        } else if background {
                            (crate::i18n::text().uploading)(done, total)
                        } else {
                            (crate::i18n::text().importing)(done, total)
                        }
                    }}
                </p>
                <p class="hint" id="progress-rate">
                    {move || {
                        let p = state.progress.get();
                        match p.left {
                            Some(left) if p.done > 0 => {
                                (crate::i18n::text().rate_left)(p.rate.round() as u64, &duration(left))
                            }
                            _ => crate::i18n::text().measuring.to_string(),
                        }
                    }}
                </p>
                {move || state.progress.with(|p| p.reconnecting.clone()).map(|(why, attempt)| view! {
                    <p class="notice reconnecting" role="status" id="reconnecting">
                        <span class="spinner" aria-hidden="true"></span>
                        {(crate::i18n::text().reconnecting)(attempt + 1, &why)}
                    </p>
                })}
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
                        {crate::i18n::text().cancel_import}
                    </button>
                </footer>
            </div>
        })}
        {move || (state.step.get() == Step::Done).then(|| view! {
            {move || state.error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            {move || state.result.get().map(|summary| view! { <ResultView summary/> })}
            <footer class="modal-footer">
                <button type="button" class="primary" on:click=move |_| on_close.run(state.result.get_untracked())>
                    {crate::i18n::text().close}
                </button>
            </footer>
        })}
    }
}

#[component]
fn ResultView(summary: ImportSummary) -> impl IntoView {
    let cancelled = summary.state == crate::model::ImportState::Cancelled;
    let headline = if cancelled {
        crate::i18n::text().import_cancelled.to_string()
    } else if summary.updated > 0 {
        // An import that updated records says how many it added beside them.
        (crate::i18n::text().updated_headline)(summary.updated, summary.inserted, summary.unchanged, &summary.file_name)
    } else {
        (crate::i18n::text().imported_from)(summary.inserted + summary.updated + summary.unchanged, &summary.file_name)
    };
    let shown: Vec<SkippedRow> = summary.skipped_rows.iter().take(200).cloned().collect();
    let number = |n: u64| crate::i18n::locale().number(n);
    let more = summary.skipped_rows.len().saturating_sub(shown.len());
    view! {
        <p class="result-headline" role="status">{headline}</p>
        <dl class="result-counts">
            <div><dt>{crate::i18n::text().count_inserted}</dt><dd data-count="inserted">{number(summary.inserted)}</dd></div>
            <div><dt>{crate::i18n::text().count_updated}</dt><dd data-count="updated">{number(summary.updated)}</dd></div>
            <div><dt>{crate::i18n::text().count_unchanged}</dt><dd data-count="unchanged">{number(summary.unchanged)}</dd></div>
            <div><dt>{crate::i18n::text().count_skipped}</dt><dd data-count="skipped">{number(summary.skipped)}</dd></div>
        </dl>
        {summary.note.clone().map(|note| view! { <p class="notice">{note}</p> })}
        {(!shown.is_empty()).then(|| view! {
            <h3>{crate::i18n::text().skipped_rows}</h3>
            <ul class="skipped-rows">
                {shown.into_iter().map(|s| view! {
                    <li><strong>{(crate::i18n::text().row_n)(s.row)}</strong>{s.reasons.join("; ")}</li>
                }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="hint">{(crate::i18n::text().and_more)(more)}</p> })}
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::{cut, json_bytes, parts, skip_bytes, NextRows};
    use crate::model::{SkippedRow, MAX_SKIPS_BYTES};
    use serde_json::value::RawValue;

    fn rows(values: &[&str]) -> Vec<Box<RawValue>> {
        values.iter().map(|v| RawValue::from_string(format!("{v:?}")).unwrap()).collect()
    }

    fn texts(piece: &NextRows) -> Vec<String> {
        piece.records.iter().map(|r| serde_json::from_str::<String>(r.get()).unwrap()).collect()
    }

    #[test]
    fn a_batch_is_cut_in_order_into_pieces_within_the_limit() {
        // Each record is 4 bytes of JSON ("ab") and a comma.
        let batch = NextRows { records: rows(&["a1", "a2", "a3", "a4", "a5"]), done: true };
        let pieces = cut(batch, 10);
        let got: Vec<Vec<String>> = pieces.iter().map(texts).collect();
        assert_eq!(got, [vec!["a1", "a2"], vec!["a3", "a4"], vec!["a5"]]);
        assert!(pieces.iter().all(|p| json_bytes(&p.records) <= 10));
        // Only the last piece can end the rows.
        assert_eq!(pieces.iter().map(|p| p.done).collect::<Vec<_>>(), [false, false, true]);
    }

    #[test]
    fn a_batch_within_the_limit_or_without_one_stays_whole() {
        for limit in [0, 25, 1_000] {
            let pieces = cut(NextRows { records: rows(&["a1", "a2", "a3", "a4", "a5"]), done: false }, limit);
            assert_eq!(pieces.len(), 1, "limit {limit}");
            assert_eq!(texts(&pieces[0]).len(), 5);
            assert!(!pieces[0].done);
        }
    }

    #[test]
    fn a_record_over_the_limit_goes_alone() {
        let pieces = cut(NextRows { records: rows(&["a1", "a much longer value", "a3"]), done: false }, 6);
        let got: Vec<Vec<String>> = pieces.iter().map(texts).collect();
        assert_eq!(got, [vec!["a1"], vec!["a much longer value"], vec!["a3"]]);
    }

    #[test]
    fn skipped_rows_go_in_parts_whose_json_fits_a_request() {
        // Quotes, a backslash and a control character take more as JSON.
        let skipped: Vec<SkippedRow> = (1..=20_000_u64)
            .map(|row| SkippedRow { row, reasons: vec![format!("Email: \"x{row}\\\u{1}\" is not an email."), "Téléphone: é".into()] })
            .collect();
        let all = skipped.clone();
        let cut = parts(skipped, MAX_SKIPS_BYTES, skip_bytes);
        assert!(cut.len() > 1, "{} parts", cut.len());
        for (i, part) in cut.iter().enumerate() {
            let bytes = serde_json::to_string(part).unwrap().len();
            assert!(bytes <= MAX_SKIPS_BYTES, "{bytes} bytes");
            let last = i + 1 == cut.len();
            assert!(last || bytes > MAX_SKIPS_BYTES / 2, "{bytes} bytes: parts much smaller than they may be");
        }
        assert_eq!(cut.concat(), all);
    }

    #[test]
    fn no_skipped_row_is_one_empty_part() {
        assert_eq!(parts(Vec::<SkippedRow>::new(), MAX_SKIPS_BYTES, skip_bytes), vec![Vec::<SkippedRow>::new()]);
    }
}
