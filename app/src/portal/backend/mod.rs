//! The portal's server side (feature `ssr`): its entities, the destinations
//! that store their imports, and the demo data.

pub mod client_accounts;
pub mod coaching;
pub mod crm;
pub mod demo;
pub mod destinations;
pub mod lead_form;
pub mod partners;
