//! Server functions, one per file, grouped by domain. Each is a public HTTP
//! endpoint and checks its caller and input itself.

pub mod templates;
