//! Import templates.

pub mod check_combinations;
pub mod check_references;
pub mod get_template;
pub mod list_templates;
