//! `csv-import-core` turns the bytes of a CSV file into validated, normalised
//! records for an import template, or into errors that name the row, the
//! column and the fix.
//!
//! The steps follow the data flow, one module each:
//! [`decode`] (bytes to text), [`sniff`] (the delimiter), [`parse`] (records
//! with their row and line), [`map`] (headers to template fields),
//! [`validate`] (types, rules, uniqueness) and [`report`] (counts, errors and
//! the error-report CSV). [`check`] runs them all.
//!
//! The crate does no I/O and has no framework dependencies, so the same code
//! runs in the browser (wasm32) and on the server.
//!
//! ```
//! use csv_import_core::{check, Options, Template};
//!
//! let template = Template::from_toml(r#"
//!     name = "people"
//!     label = "People"
//!     [[fields]]
//!     key = "email"
//!     type = "email"
//!     required = true
//!     unique = true
//! "#).unwrap();
//! let file = b"Email\nAnn@Example.com\nnot-an-email\nann@example.com\n";
//! let report = check(file, &template, &Options::default());
//! assert_eq!(report.rows.valid, 1);
//! assert_eq!(report.errors[0].code.as_str(), "invalid_email");
//! assert_eq!(report.errors[1].code.as_str(), "duplicate_in_file");
//! assert_eq!(report.records[0].text(&template, "email"), Some("ann@example.com"));
//! ```

#![deny(missing_docs)]

pub mod decode;
pub mod error;
pub mod fix;
pub mod fold;
pub mod header_row;
pub mod map;
pub mod messages;
pub mod parse;
pub mod recheck;
pub mod record;
pub mod report;
pub mod sample;
pub mod sniff;
pub mod store;
pub mod table;
pub mod template;
pub mod validate;
pub mod value;

#[cfg(feature = "builtin-templates")]
pub mod builtin;

#[cfg(feature = "workbooks")]
pub mod workbook;

pub use messages::Lang;
pub use fold::fold_key;
pub use error::{FileError, FileErrorCode, Position, RowError, RowErrorCode, ValueError};
pub use record::{Record, Value};
pub use report::{check, check_verdicts, Options, Report};
pub use template::{Field, FieldType, Template, WebhookTarget};
