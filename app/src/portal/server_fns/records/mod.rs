//! The workspace's records (clients, leads, companies).

pub mod list_records;
