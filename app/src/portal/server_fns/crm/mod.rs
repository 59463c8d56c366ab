//! CRM clients: the list behind the CRM clients page.

pub mod list_crm_clients;
