//! What a records page says once the import modal closes: how the import
//! ended, or, for one that runs in the background, that it started, then
//! how it ended as soon as the top bar is told.

use crate::components::notifications::{message, ImportsFinished};
use crate::model::{ImportSummary, JobState};
use leptos::prelude::*;

/// What the page says about the import the modal handed back.
#[derive(Clone, Debug)]
pub enum ImportNotice {
    /// The rows were committed while the modal was open.
    Finished(Box<ImportSummary>),
    /// A background import was queued: its id, to find how it ended.
    Started(String),
}

impl ImportNotice {
    /// The notice for what the modal handed back (nothing when it was closed
    /// before an import).
    pub fn after(summary: Option<ImportSummary>) -> Option<ImportNotice> {
        let summary = summary?;
        Some(match summary.job {
            Some(_) => ImportNotice::Started(summary.id),
            None => ImportNotice::Finished(Box::new(summary)),
        })
    }
}

/// What a page says when a background import was queued.
pub const STARTED: &str = "Import started. Records will appear in the system shortly.";

/// The counts of a finished import.
fn finished(summary: &ImportSummary) -> String {
    let n = |n: u64| crate::i18n::Locale::En.number(n);
    format!(
        "Import finished: {} inserted, {} updated, {} unchanged, {} skipped.",
        n(summary.inserted),
        n(summary.updated),
        n(summary.unchanged),
        n(summary.skipped)
    )
}

/// The notice, as a status line; `link` (address, label) is offered while a
/// background import runs and once it ended.
#[component]
pub fn ImportNoticeLine(
    notice: RwSignal<Option<ImportNotice>>,
    #[prop(into, optional)] link: MaybeProp<(&'static str, String)>,
) -> impl IntoView {
    let ends = use_context::<ImportsFinished>();
    let text = crate::i18n::text();
    move || {
        let (said, failed, background) = match notice.get()? {
            ImportNotice::Finished(summary) => (finished(&summary), false, false),
            ImportNotice::Started(id) => {
                let ended = ends.and_then(|ends| ends.told.with(|told| told.iter().find(|s| s.id == id).cloned()));
                match ended {
                    Some(summary) if summary.job == Some(JobState::Failed) => (message(text, &summary), true, true),
                    Some(summary) => (finished(&summary), false, true),
                    None => (STARTED.to_string(), false, true),
                }
            }
        };
        let link = link.get().filter(|_| background);
        Some(view! {
            <p class=if failed { "error" } else { "success" } role="status">
                {said}
                {link.map(|(href, label)| view! { " " <a href=href>{label}</a> })}
            </p>
        })
    }
}
