//! Partner leads: partners and their teams with the IDs an import
//! file names, the workspace's lead registration form (which decides the
//! `partner-leads` template), and the review of imported leads.
//!
//! The types below are what these server functions exchange.

pub mod get_lead_form;
pub mod get_partner;
pub mod list_partner_leads;
pub mod list_partners;
pub mod review_lead;
pub mod save_lead_form;

use serde::{Deserialize, Serialize};

/// A partner of the workspace, as the Partners page lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// The partner's ID, e.g. `P-1001`: the Partner ID column of an import.
    pub id: String,
    /// Its name.
    pub name: String,
    /// People in its team.
    pub team: u64,
    /// Its leads, all states.
    pub leads: u64,
    /// Its leads waiting for review.
    pub pending: u64,
}

/// A member of a partner's team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerUser {
    /// The user's ID, e.g. `PU-2001`: the Partner User ID column of an import.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// Whether this is the signed-in user.
    pub you: bool,
}

/// A partner with its team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDetails {
    /// The partner.
    pub partner: Partner,
    /// Its team, by name.
    pub team: Vec<PartnerUser>,
}

/// Where a lead is in its review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadState {
    /// Waiting for an admin (every imported lead starts here).
    #[default]
    Pending,
    /// Accepted by an admin.
    Approved,
    /// Turned down by an admin.
    Rejected,
}

impl LeadState {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            LeadState::Pending => "pending",
            LeadState::Approved => "approved",
            LeadState::Rejected => "rejected",
        }
    }

    /// The state as shown: "Pending", "Approved", "Rejected".
    pub fn label(self) -> &'static str {
        match self {
            LeadState::Pending => "Pending",
            LeadState::Approved => "Approved",
            LeadState::Rejected => "Rejected",
        }
    }

    /// The state stored under this name.
    pub fn parse(name: &str) -> Option<LeadState> {
        match name.trim().to_ascii_lowercase().as_str() {
            "pending" => Some(LeadState::Pending),
            "approved" => Some(LeadState::Approved),
            "rejected" => Some(LeadState::Rejected),
            _ => None,
        }
    }
}

/// A registered lead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerLead {
    /// Database id.
    pub id: i64,
    /// The lead's email, lowercase.
    pub email: String,
    /// The other values of the registration form: (label, value), in the
    /// form's order, empty ones left out.
    pub details: Vec<(String, String)>,
    /// The partner's ID and name.
    pub partner_id: String,
    /// The partner's name.
    pub partner_name: String,
    /// Who registered it: the partner user's ID.
    pub partner_user_id: String,
    /// The partner user's name.
    pub partner_user_name: String,
    /// Pending, approved or rejected.
    pub state: LeadState,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// When it was approved or rejected.
    pub reviewed_at: Option<String>,
}

/// The leads a user may see, newest first (the latest 200).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadPage {
    /// The leads.
    pub leads: Vec<PartnerLead>,
    /// How many leads match the filter.
    pub total: u64,
    /// How many of all the visible leads wait for review.
    pub pending: u64,
    /// Whether the user may approve and reject.
    pub may_review: bool,
}

/// The input types of the registration form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormFieldType {
    /// Free text.
    #[default]
    Text,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A number.
    Number,
    /// A date (YYYY-MM-DD).
    Date,
    /// A web address.
    Url,
    /// One of the field's options.
    Select,
    /// Yes or no.
    Checkbox,
}

impl FormFieldType {
    /// Every type, in the order the form editor offers them.
    pub const ALL: [FormFieldType; 8] = [
        FormFieldType::Text,
        FormFieldType::Email,
        FormFieldType::Phone,
        FormFieldType::Number,
        FormFieldType::Date,
        FormFieldType::Url,
        FormFieldType::Select,
        FormFieldType::Checkbox,
    ];

    /// The type's name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            FormFieldType::Text => "text",
            FormFieldType::Email => "email",
            FormFieldType::Phone => "phone",
            FormFieldType::Number => "number",
            FormFieldType::Date => "date",
            FormFieldType::Url => "url",
            FormFieldType::Select => "select",
            FormFieldType::Checkbox => "checkbox",
        }
    }

    /// The type stored under this name.
    pub fn parse(name: &str) -> Option<FormFieldType> {
        FormFieldType::ALL.into_iter().find(|t| t.as_str() == name.trim())
    }
}

/// One field of the lead registration form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// What the form (and the sample file's header) calls it, e.g. "First name".
    pub label: String,
    /// The stable key, e.g. `first_name` (letters, digits and `_`); made
    /// from the label when empty.
    pub key: String,
    /// The input type.
    #[serde(rename = "type")]
    pub kind: FormFieldType,
    /// Whether a lead must have it (a file must have its column, and every
    /// row a value).
    pub required: bool,
    /// The choices of a `select` field.
    #[serde(default)]
    pub options: Vec<String>,
}

/// The workspace's lead registration form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadForm {
    /// The fields an admin edits, in order.
    pub fields: Vec<FormField>,
    /// When an admin last saved it; `None`: the default form.
    pub updated_at: Option<String>,
    /// Whether the user may edit it.
    pub may_edit: bool,
}

