//! Server-only code (feature `ssr`): the database, sessions and passwords,
//! the record tables, the server-side check of imported rows, and the import
//! bookkeeping. Server functions call into here after checking their caller.

pub mod access;
pub mod auth;
pub mod conn;
pub mod db;
pub mod destination;
pub mod error_report;
pub mod existing;
pub mod host;
pub mod imports;
pub mod jobs;
pub mod mappings;
pub mod records;
pub mod references;
pub mod templates;
pub mod throttle;
pub mod webhook;

use crate::AppError;
use axum::http::{header, StatusCode};
use db::Db;
use leptos::prelude::use_context;
use sha2::{Digest, Sha256};

/// Whether the server runs in demo mode (the demo workspaces are seeded and
/// the sign-in page may show their accounts). Provided as Leptos context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoMode(pub bool);

/// The database from the Leptos context the server provides.
pub fn db() -> Result<Db, AppError> {
    use_context::<Db>().ok_or_else(|| AppError::internal("context", "no database in the Leptos context"))
}

/// Where the field `key` of `template` is; a template a committer was
/// written for always has it, so a missing one is a server fault.
pub fn field_at(template: &csv_import_core::Template, key: &str) -> Result<usize, AppError> {
    let missing = || AppError::internal("template", format!("{} has no field {key}", template.name));
    template.fields.iter().position(|f| f.key == key).ok_or_else(missing)
}

/// Placeholders `$first, $first+1, ...` for `count` values bound in a
/// statement (the same text for SQLite and PostgreSQL).
pub fn placeholders(count: usize, first: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The distinct keys of `values` as lookups by a case-insensitive key
/// (emails, tag names, codes) ask for them: trimmed, folded
/// ([`csv_import_core::fold_key`]); empty ones, and ones with a NUL (which
/// nothing stored has, and PostgreSQL refuses), left out.
pub fn distinct_keys(values: &[String]) -> Vec<String> {
    let keys: std::collections::HashSet<String> = values
        .iter()
        .map(|v| csv_import_core::fold_key(v.trim()))
        .filter(|v| !v.is_empty() && !v.contains('\0'))
        .collect();
    keys.into_iter().collect()
}

/// The current time as RFC 3339 in UTC with milliseconds,
/// e.g. `2026-11-21T05:20:43.120Z`. Always the same width, so that the
/// text sorts in time order.
pub fn now() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// `t` as RFC 3339 in UTC with milliseconds.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `bytes` random bytes from the operating system, as lowercase hex.
pub fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal("random bytes", e))?;
    Ok(hex(&buf))
}

/// SHA-256 of `text`, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Set the HTTP status of the server function's response, unless the request
/// is a plain HTML form post (which Leptos answers with a redirect back to
/// the form). Does nothing outside a server function request.
pub fn set_status(status: u16) {
    let Some(options) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let plain_form = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    });
    if !plain_form && let Ok(status) = StatusCode::from_u16(status) {
        options.set_status(status);
    }
}

/// Text from a request trimmed, with control characters and invisible ones
/// (a right-to-left override, a zero-width space: see
/// [`is_invisible`](csv_import_core::value::is_invisible)) removed, and cut
/// to `max` characters.
pub fn clean_text(text: &str, max: usize) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_control() && !csv_import_core::value::is_invisible(*c))
        .take(max)
        .collect()
}

/// Add a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) {
    let Some(options) = use_context::<leptos_axum::ResponseOptions>() else { return };
    match axum::http::HeaderValue::from_str(value) {
        Ok(value) => options.append_header(header::SET_COOKIE, value),
        Err(e) => tracing::error!("a Set-Cookie value is not a header value: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_from_the_first_free_one() {
        assert_eq!(placeholders(3, 2), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
    }

    #[test]
    fn keys_are_distinct_trimmed_lowercase_and_never_empty() {
        let values = ["Ann@Example.com ", "ann@example.com", "  ", "", "Bo@x.org"].map(String::from);
        let mut keys = distinct_keys(&values);
        keys.sort();
        assert_eq!(keys, ["ann@example.com", "bo@x.org"]);
    }

    #[test]
    fn clean_text_drops_control_and_invisible_characters() {
        assert_eq!(clean_text(" \u{202E}RTL\u{200B} tag\u{7}\u{FEFF} ", 100), "RTL tag");
        assert_eq!(clean_text("\u{FFFF}", 100), "");
        // Text stays: accents, curly quotes, joiners of emoji.
        assert_eq!(clean_text("O\u{2019}Brien \u{1F469}\u{200D}\u{1F4BB} é", 100), "O\u{2019}Brien \u{1F469}\u{200D}\u{1F4BB} é");
        assert_eq!(clean_text("abcdef", 3), "abc");
    }
}
