//! Dates and times in the lists, in the reader's language and time zone.
//!
//! The server stores times as RFC 3339 in UTC (`2026-12-03T08:19:41.679Z`)
//! and dates as `YYYY-MM-DD`. The server renders a short neutral form
//! (`2026-12-03 08:19 UTC`) that the browser replaces after hydration with
//! `Intl.DateTimeFormat` in the user's locale and time zone, so the server's
//! HTML and the first client render agree. The full value stays in the
//! `<time>` element's `datetime` and `title` (shown on hover), and CSS keeps
//! the text on one line.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// What a value holds, which decides how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeKind {
    /// An instant (`2026-12-03T08:19:41.679Z`): date and time, in the
    /// reader's time zone.
    DateTime,
    /// A calendar date (`1975-03-06`): the same day everywhere.
    Date,
}

/// The text the server renders: `YYYY-MM-DD HH:MM UTC` for an instant, the
/// date itself for a date. Anything it does not recognise is shown as is.
pub fn fallback_text(value: &str, kind: TimeKind) -> String {
    let value = value.trim();
    match (kind, parts(value)) {
        (TimeKind::DateTime, Some((date, Some(time)))) => format!("{date} {time} UTC"),
        (_, Some((date, _))) => date.to_string(),
        (_, None) => value.to_string(),
    }
}

/// The value as JavaScript's `Date` reads it unambiguously: `T` between
/// date and time, `Z` when no offset is written (stored times are UTC).
pub fn js_date_input(value: &str) -> Option<String> {
    let value = value.trim();
    let (date, _) = parts(value)?;
    if value.len() == 10 {
        return Some(format!("{date}T00:00:00Z"));
    }
    let rest = &value[11..];
    let zoned = rest.ends_with('Z') || rest.ends_with('z') || rest.rfind(['+', '-']).is_some_and(|i| i >= 5);
    Some(format!("{date}T{rest}{}", if zoned { "" } else { "Z" }))
}

/// `YYYY-MM-DD` and, when a time follows, its `HH:MM`.
fn parts(value: &str) -> Option<(&str, Option<&str>)> {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    let date_ok =
        digits(0..4) && bytes.get(4) == Some(&b'-') && digits(5..7) && bytes.get(7) == Some(&b'-') && digits(8..10);
    if !date_ok {
        return None;
    }
    if value.len() == 10 {
        return Some((&value[..10], None));
    }
    let time_ok = matches!(bytes.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16);
    time_ok.then(|| (&value[..10], Some(&value[11..16])))
}

/// The value in the browser's locale and time zone, or `None` when the
/// browser cannot read it.
fn browser_text(value: &str, kind: TimeKind) -> Option<String> {
    let input = js_date_input(value)?;
    let date = js_sys::Date::new(&JsValue::from_str(&input));
    if date.get_time().is_nan() {
        return None;
    }
    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("dateStyle", "medium");
    match kind {
        TimeKind::DateTime => set("timeStyle", "short"),
        // A birthdate is a day, not an instant: never shifted by a time zone.
        TimeKind::Date => set("timeZone", "UTC"),
    }
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format();
    format.call1(&JsValue::NULL, &date).ok()?.as_string()
}

/// A date or time: `<time datetime=... title=...>` with the reader's format.
#[component]
pub fn LocalTime(
    /// The stored value (RFC 3339, or `YYYY-MM-DD`).
    #[prop(into)]
    value: String,
    /// Instant or calendar date.
    #[prop(optional)]
    date: bool,
) -> impl IntoView {
    let kind = if date { TimeKind::Date } else { TimeKind::DateTime };
    let shown = RwSignal::new(fallback_text(&value, kind));
    let iso = value.trim().to_string();
    let source = iso.clone();
    // Effects run in the browser only, after hydration.
    Effect::new(move |_| {
        if let Some(text) = browser_text(&source, kind) {
            shown.set(text);
        }
    });
    view! { <time class="local-time" datetime=iso.clone() title=iso>{move || shown.get()}</time> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_shows_a_short_utc_time_and_the_date_as_is() {
        assert_eq!(fallback_text("2026-12-03T08:19:41.679Z", TimeKind::DateTime), "2026-12-03 08:19 UTC");
        assert_eq!(fallback_text("2024-07-05 05:29:59", TimeKind::DateTime), "2024-07-05 05:29 UTC");
        assert_eq!(fallback_text("1975-03-06", TimeKind::Date), "1975-03-06");
        assert_eq!(fallback_text("2026-12-03T08:19:41Z", TimeKind::Date), "2026-12-03");
        assert_eq!(fallback_text("  soon ", TimeKind::DateTime), "soon");
        assert_eq!(fallback_text("2026-1-3", TimeKind::Date), "2026-1-3");
    }

    #[test]
    fn the_browser_gets_an_unambiguous_utc_value() {
        assert_eq!(js_date_input("2026-12-03T08:19:41.679Z").as_deref(), Some("2026-12-03T08:19:41.679Z"));
        assert_eq!(js_date_input("2024-07-05 05:29:59").as_deref(), Some("2024-07-05T05:29:59Z"));
        assert_eq!(js_date_input("2024-07-05T05:29:59+02:00").as_deref(), Some("2024-07-05T05:29:59+02:00"));
        assert_eq!(js_date_input("2024-07-05T05:29:59-05:00").as_deref(), Some("2024-07-05T05:29:59-05:00"));
        assert_eq!(js_date_input("1975-03-06").as_deref(), Some("1975-03-06T00:00:00Z"));
        assert_eq!(js_date_input("19750306"), None);
        assert_eq!(js_date_input(""), None);
    }
}
