//! Imports: start one, send its rows in batches, finish it, and look back.

pub mod commit_batch;
pub mod existing_values;
pub mod finish_import;
pub mod get_import;
pub mod import_notifications;
pub mod list_imports;
pub mod mappings;
pub mod queue_import;
pub mod skip_rows;
pub mod stage_batch;
pub mod start_import;
pub mod wait_for_import;
