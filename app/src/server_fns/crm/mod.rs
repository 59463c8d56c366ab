//! CRM clients (seed 003): the list behind the CRM clients page.

pub mod list_crm_clients;
