//! Imports: start one, send its rows in batches, finish it, and look back.

pub mod commit_batch;
pub mod finish_import;
pub mod get_import;
pub mod list_imports;
pub mod start_import;
