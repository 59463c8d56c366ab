//! Pages of the demo portal.

pub mod accounts;
pub mod check;
pub mod coaches;
pub mod crm;
pub mod data;
pub mod home;
pub mod imports;
pub mod records;
pub mod sign_in;
pub mod tags;
