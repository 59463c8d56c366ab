//! The error every server function returns: a kind the UI can match on and
//! a message a person can act on. On the wire it is JSON,
//! `{"error": "forbidden", "message": "Your role (viewer) may not import clients. Ask an admin."}`,
//! and the HTTP status says the same (401, 403, 404, 400, 409, 413, 500).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::Bytes;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a server function did not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "error", content = "message", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session, or a wrong email or password (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but the role or workspace does not allow it (403).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing with that name or id in this workspace (404).
    #[error("{0}")]
    NotFound(String),
    /// The input is not valid; the message says what to change (400).
    #[error("{0}")]
    BadRequest(String),
    /// The request clashes with the current state, e.g. a finished import (409).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts; the message says how long to wait (429).
    #[error("{0}")]
    TooManyRequests(String),
    /// The request's body is over what the server, or a proxy in front of
    /// it, takes (413). Sending it again cannot help.
    #[error("{0}")]
    TooLarge(String),
    /// The destination that stores the rows (a host's webhook receiver)
    /// refused them or could not be reached after several tries; the
    /// message says which, in the host's words where it gave any (502).
    #[error("{0}")]
    Destination(String),
    /// A fault on the server (500). The details are in the server's log only.
    #[error("Something went wrong on the server. Try again; if it keeps happening, tell your administrator.")]
    Internal,
    /// Browser only: the server could not be reached. Worth a retry.
    #[error("The server could not be reached ({0}). Check the connection and try again.")]
    Network(String),
}

impl AppError {
    /// The 401 for a request without a valid session.
    pub fn sign_in() -> AppError {
        AppError::Unauthenticated("Sign in to continue.".to_string())
    }

    /// The server's own 413: a body over [`crate::model::REQUEST_BODY_LIMIT`].
    pub fn body_too_large() -> AppError {
        let mb = limit_mb();
        AppError::TooLarge(format!("The request is over the {mb} MB the server takes. Send the rows in smaller batches."))
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::BadRequest(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::TooLarge(_) => 413,
            AppError::Destination(_) => 502,
            AppError::Internal => 500,
            AppError::Network(_) => 503,
        }
    }

    /// A server fault: logs `what` and the cause, returns [`AppError::Internal`]
    /// (whose message says nothing of either).
    #[cfg(feature = "ssr")]
    pub fn internal(what: &str, cause: impl std::fmt::Display) -> AppError {
        tracing::error!("{what}: {cause}");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> AppError {
        // An import's commit skips a row the database refuses, and stops on
        // any other fault: it needs to know which this was.
        crate::backend::imports::note_database_error(&e);
        AppError::internal("database", e)
    }
}

/// [`crate::model::REQUEST_BODY_LIMIT`] in MiB, as the messages name it.
fn limit_mb() -> usize {
    crate::model::REQUEST_BODY_LIMIT / (1024 * 1024)
}

/// What a proxy's "413 ... too large" page becomes: who refused, and what
/// the host's administrator can change.
fn proxy_too_large() -> AppError {
    let mb = limit_mb();
    AppError::TooLarge(format!(
        "A proxy between this page and the server refused the rows as too large (413). \
         Ask the site's administrator to let requests of up to {mb} MB through (nginx: client_max_body_size {mb}m)."
    ))
}

/// The most characters of a decoder's message passed on to the caller.
const MAX_DETAIL: usize = 300;

fn shorten(s: &str) -> String {
    match s.char_indices().nth(MAX_DETAIL) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> AppError {
        match value {
            // A body of unknown length that ran past the server's limit while
            // it was read (`http_body_util`'s `LengthLimitError`); one that
            // announced its length is refused before (`too_large_as_json`).
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) if m.contains("length limit exceeded") => {
                AppError::body_too_large()
            }
            // The server could not read the arguments: the caller's fault.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                AppError::BadRequest(format!("The request is not valid: {}", shorten(&m)))
            }
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => {
                AppError::BadRequest(format!("The request is not valid: {}", shorten(&m)))
            }
            ServerFnErrorErr::Request(m) => AppError::Network(shorten(&m)),
            #[cfg(feature = "ssr")]
            other => AppError::internal("server function", other),
            #[cfg(not(feature = "ssr"))]
            _ => AppError::Internal,
        }
    }

    /// Decodes an error answer. One that is not this type's JSON came from
    /// something between the page and the server (a proxy's error page):
    /// its 413 says the proxy refused a body as too large, which no retry
    /// mends; anything else may pass, and stays a fault worth a retry.
    fn de(data: Bytes) -> AppError {
        serde_json::from_slice(&data).unwrap_or_else(|_| {
            let text = String::from_utf8_lossy(&data[..data.len().min(2048)]);
            let lower = text.to_ascii_lowercase();
            if lower.contains("413") && lower.contains("too large") {
                proxy_too_large()
            } else {
                AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(shorten(&text)))
            }
        })
    }

    /// Encodes the error as JSON. On the server this is where an error
    /// becomes a response, so it also sets the HTTP status (through
    /// `leptos_axum::ResponseOptions`): a 403 is a real 403. A plain HTML form
    /// post (no JavaScript) keeps Leptos' redirect back to the form instead,
    /// with the error in the URL.
    fn ser(&self) -> Bytes {
        #[cfg(feature = "ssr")]
        crate::backend::set_status(self.status());
        serde_json::to_vec(self).map(Bytes::from).unwrap_or_else(|_| Bytes::from_static(br#"{"error":"internal"}"#))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_413_page_is_too_large_and_says_what_to_raise() {
        let nginx = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n\
                     <center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        let error = AppError::de(Bytes::from(nginx));
        assert!(matches!(&error, AppError::TooLarge(m) if m.contains("client_max_body_size 8m")), "{error:?}");
        assert_eq!(error.status(), 413);
        let plain = AppError::de(Bytes::from_static(b"413 Payload Too Large"));
        assert!(matches!(plain, AppError::TooLarge(_)), "{plain:?}");
    }

    #[test]
    fn other_answers_that_are_not_json_stay_faults() {
        for page in ["<html><title>502 Bad Gateway</title></html>", "upstream timed out", ""] {
            let error = AppError::de(Bytes::from(page));
            assert!(!matches!(error, AppError::TooLarge(_)), "{page}: {error:?}");
        }
    }

    #[test]
    fn the_servers_own_errors_decode_as_they_were_sent() {
        for error in [AppError::body_too_large(), AppError::Conflict("ended".into()), AppError::Internal] {
            let sent = serde_json::to_vec(&error).unwrap();
            assert_eq!(AppError::de(Bytes::from(sent)), error);
        }
        let body = serde_json::to_value(AppError::body_too_large()).unwrap();
        assert_eq!(body["error"], "too_large");
    }
}
