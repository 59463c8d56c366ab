//! Pages of the demo portal.

pub mod accounts;
pub mod check;
pub mod coaches;
pub mod crm;
pub mod data;
pub mod embed_example;
pub mod home;
pub mod import_notice;
pub mod imports;
pub mod lead_form;
pub mod local_time;
pub mod partner_leads;
pub mod partners;
pub mod records;
pub mod sign_in;
pub mod tags;
