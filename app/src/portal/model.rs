//! The portal's own data as its pages list it: coaching leads, tags,
//! client accounts and CRM clients.

use serde::{Deserialize, Serialize};

/// A person as lists show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
}

/// A lead of the workspace's coaching and the coaches they may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachingLead {
    /// The lead.
    pub lead: Person,
    /// Their coaches, by email.
    pub coaches: Vec<Person>,
}

/// The leads matching a search (the first 200, by email).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachingPage {
    /// The leads.
    pub leads: Vec<CoachingLead>,
    /// How many leads match the search.
    pub total: u64,
}

/// A tag of the workspace (client accounts).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag's id.
    pub id: i64,
    /// Its name as first written.
    pub name: String,
    /// How many client accounts carry it.
    pub accounts: u64,
}

/// A client account as listed and shown; never its password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientAccount {
    /// The account's id.
    pub id: i64,
    /// Email, lowercase.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Birthdate, ISO (YYYY-MM-DD).
    pub birthdate: Option<String>,
    /// male or female.
    pub gender: Option<String>,
    /// The client's ID elsewhere.
    pub external_id: Option<String>,
    /// Tag names, sorted.
    pub tags: Vec<String>,
    /// Custom attributes (name, value), by name.
    pub attributes: Vec<(String, String)>,
}

/// The client accounts matching a search (the first 200, by email).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientAccountPage {
    /// The accounts.
    pub accounts: Vec<ClientAccount>,
    /// How many accounts match the search.
    pub total: u64,
}

/// A CRM client as listed on the CRM clients page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmClient {
    /// The system-generated ID (24 lowercase hex digits).
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name, if any.
    pub last_name: Option<String>,
    /// Middle name, if any.
    pub middle_name: Option<String>,
    /// Email, lowercase, unique in the workspace.
    pub email: String,
    /// Username, unique in the workspace.
    pub username: String,
    /// Project ID.
    pub project: String,
    /// Desk ID.
    pub desk: String,
    /// Whether the client is active.
    pub active: bool,
    /// personal or corporate.
    pub client_type: String,
    /// When the client was created (RFC 3339).
    pub created: String,
}

/// The CRM clients matching a search (the first 200, by email).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmPage {
    /// The clients.
    pub clients: Vec<CrmClient>,
    /// How many clients match the search.
    pub total: u64,
}
