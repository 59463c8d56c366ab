//! Import templates.

pub mod get_template;
pub mod list_templates;
