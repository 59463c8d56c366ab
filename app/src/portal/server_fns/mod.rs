//! The portal's server functions, one per file, grouped by entity; each
//! checks its caller and input itself, as the importer's do.

pub mod client_accounts;
pub mod coaching;
pub mod crm;
pub mod demo_accounts;
pub mod partners;
pub mod records;
pub mod tags;
