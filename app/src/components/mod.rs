//! Components shared by the pages.

pub mod csv_import;
pub mod import_launcher;
pub mod import_modal;
pub mod notifications;
