//! Import templates.

pub mod list_templates;
