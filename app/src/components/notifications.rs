//! The in-page notice that a background import finished: the top
//! bar asks the server every few seconds which of the workspace's background
//! imports ended since the last answer, and announces each in an
//! `aria-live` region, with a link to the Imports page. An import this page
//! handed over is also waited for on the server, so that its end is told
//! the moment it happens. Pages that list
//! records reload when one arrives ([`ImportsFinished`]).

use crate::model::{ImportSummary, JobState};
use crate::server_fns::imports::import_notifications::import_notifications;
use crate::server_fns::imports::wait_for_import::wait_for_import;
use crate::i18n::Text;
use crate::AppError;
use leptos::prelude::*;
use std::time::Duration;

/// How often the page asks.
const POLL_MS: f64 = 2_000.0;
/// How often it asks while an import this page handed over may end.
const FAST_POLL_MS: f64 = 250.0;
/// How long after a hand-over it asks that often: most background imports
/// end within this; longer ones are told at the normal pace.
const FAST_FOR_MS: f64 = 30_000.0;

/// How long one ask for the end of an import this page handed over waits
/// on the server.
const WAIT_MS: u32 = 15_000;

thread_local! {
    static FAST_UNTIL: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    /// Imports this page handed over whose end it has not waited for yet.
    static HANDED_OVER: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Starts the waits for [`HANDED_OVER`], set while the notices are on the page.
    static START_WAITS: std::cell::RefCell<Option<std::rc::Rc<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

/// Tell the notices that this page just handed the import `import_id`
/// over: they wait on the server for its end, so that it is announced
/// the moment it ends, and meanwhile ask for notices more often (for
/// a server whose runner is in another process). Browser only.
pub fn expect_import_end(import_id: String) {
    FAST_UNTIL.with(|until| until.set(crate::browser::now_ms() + FAST_FOR_MS));
    HANDED_OVER.with(|ids| ids.borrow_mut().push(import_id));
    // At once rather than at the next ask: a small import may end first.
    if let Some(start) = START_WAITS.with(|start| start.borrow().clone()) {
        start();
    }
}

/// The background imports that finished while the page is open; provided
/// by the app, told by [`Notifications`]. Record pages track the count to
/// reload; a page that started an import finds how it ended in `told`.
#[derive(Clone, Copy, Debug)]
pub struct ImportsFinished {
    /// How many finished.
    pub count: RwSignal<u32>,
    /// Each one's summary (without its skipped rows), in the order they were told.
    pub told: RwSignal<Vec<ImportSummary>>,
}

impl ImportsFinished {
    /// None finished yet.
    pub fn new() -> ImportsFinished {
        ImportsFinished { count: RwSignal::new(0), told: RwSignal::new(Vec::new()) }
    }
}

impl Default for ImportsFinished {
    fn default() -> ImportsFinished {
        ImportsFinished::new()
    }
}

/// What the notice says about one finished import.
pub fn message(text: &Text, summary: &ImportSummary) -> String {
    let imported = summary.inserted + summary.updated + summary.unchanged;
    let say = match summary.job {
        Some(JobState::Failed) => text.notice_failed,
        _ => text.notice_finished,
    };
    let said = say(&summary.file_name, imported, summary.skipped);
    // A job that failed for a cause other than its rows says what happened.
    match &summary.failure {
        Some(failure) => format!("{said} {}", failure.message),
        None => said,
    }
}

/// The notices, in the top bar.
#[component]
pub fn Notifications() -> impl IntoView {
    let text = crate::i18n::text();
    let items = RwSignal::new(Vec::<ImportSummary>::new());
    let finished = use_context::<ImportsFinished>();
    let since = StoredValue::new(String::new());
    // Imports told already: two answers in a row may list the same one.
    let told = StoredValue::new(std::collections::HashSet::<String>::new());
    let busy = StoredValue::new(false);
    let stopped = StoredValue::new(false);
    let last_asked = StoredValue::new(f64::NEG_INFINITY);
    // Each import once, whichever answer brings it first.
    let tell = move |mut news: Vec<ImportSummary>| {
        told.update_value(|told| news.retain(|summary| told.insert(summary.id.clone())));
        if !news.is_empty() {
            if let Some(finished) = finished {
                // Without their skipped rows: the counts are what pages show.
                let ends = news.iter().map(|s| ImportSummary { skipped_rows: Vec::new(), ..s.clone() });
                finished.told.update(|told| told.extend(ends));
                finished.count.update(|n| *n += 1);
            }
            items.update(|list| list.extend(news));
        }
    };
    // Effects run in the browser only: the server renders no polling.
    Effect::new(move |_| {
        let start_waits = move || {
            for id in HANDED_OVER.with(|ids| std::mem::take(&mut *ids.borrow_mut())) {
                // Until it ends, or the server cannot say (the asks for
                // notices still tell it then).
                leptos::task::spawn_local(async move {
                    loop {
                        match wait_for_import(id.clone(), WAIT_MS).await {
                            Ok(Some(summary)) => return tell(vec![summary]),
                            Ok(None) if !stopped.get_value() => {}
                            _ => return,
                        }
                    }
                });
            }
        };
        START_WAITS.with(|start| *start.borrow_mut() = Some(std::rc::Rc::new(start_waits)));
        on_cleanup(|| START_WAITS.with(|start| *start.borrow_mut() = None));
        let poll = move || {
            start_waits();
            if busy.get_value() || stopped.get_value() {
                return;
            }
            let now = crate::browser::now_ms();
            let pace = if now < FAST_UNTIL.with(|until| until.get()) { FAST_POLL_MS } else { POLL_MS };
            if now - last_asked.get_value() < pace {
                return;
            }
            last_asked.set_value(now);
            busy.set_value(true);
            leptos::task::spawn_local(async move {
                match import_notifications(since.get_value()).await {
                    Ok(answer) => {
                        since.set_value(answer.now);
                        tell(answer.finished);
                    }
                    // Not signed in: nothing to tell.
                    Err(AppError::Unauthenticated(_)) => stopped.set_value(true),
                    Err(_) => {}
                }
                busy.set_value(false);
            });
        };
        poll();
        if let Ok(handle) = set_interval_with_handle(poll, Duration::from_millis(FAST_POLL_MS as u64)) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <div class="notifications" role="status" aria-live="polite" aria-label=text.notices>
            <For each=move || items.get() key=|s| s.id.clone() let:summary>
                {
                    let id = summary.id.clone();
                    let failed = summary.job == Some(JobState::Failed);
                    view! {
                        <p
                            class="notification"
                            class:failed=failed
                            data-import=summary.id.clone()
                            data-inserted=summary.inserted
                            data-updated=summary.updated
                            data-unchanged=summary.unchanged
                            data-skipped=summary.skipped
                        >
                            <span>{message(text, &summary)}</span>
                            " "
                            <a href="/imports">{text.see_imports}</a>
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=text.dismiss
                                on:click=move |_| items.update(|list| list.retain(|s| s.id != id))
                            >
                                "×"
                            </button>
                        </p>
                    }
                }
            </For>
        </div>
    }
}
