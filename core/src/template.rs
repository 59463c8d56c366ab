//! Templates: what an import expects. A template is data (TOML on disk, JSON
//! on the wire) so that a workspace can shape its own without code.

use serde::{Deserialize, Serialize};

/// An import template: the fields a file may carry and the rules of the import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable name, e.g. `crm-clients`.
    pub name: String,
    /// Human title, e.g. "CRM clients".
    pub label: String,
    /// One or two sentences shown above the upload area.
    #[serde(default)]
    pub description: String,
    /// What is imported, e.g. `clients`, `leads`, `coaching_pairs`.
    #[serde(default)]
    pub entity: String,
    /// The destination the server hands the checked rows to, by the name
    /// it was registered under; without one, the destination named like
    /// [`Template::entity`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// The fields, in the order of the sample file.
    pub fields: Vec<Field>,
    /// Upsert keys, tried in order: a row updates the record that matches the
    /// first key it has a value for; otherwise it inserts.
    #[serde(default)]
    pub key: Vec<String>,
    /// What an invalid row does to the import.
    #[serde(default)]
    pub on_invalid: OnInvalid,
    /// Which field's values are compared with the stored records before an
    /// import, and what a match means; without it, the first
    /// [`Template::key`] field, whose match is updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingCheck>,
    /// The most data rows a file may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u64>,
    /// The state a new record starts in, e.g. `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_state: Option<String>,
    /// The permission a user needs to import with this template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Groups of fields whose values must go together in a row, which only
    /// the destination can tell (a user on the team of the row's partner):
    /// the review sends it each group's distinct combinations of values
    /// (never rows) and marks the cells of the rows it refuses; the commit
    /// checks every row again. E.g. `[["partner_id", "partner_user_id"]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked_together: Vec<Vec<String>>,
    /// Header prefixes of dynamic attribute columns, e.g. `attribute:`.
    /// Empty: the template takes no dynamic columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribute_prefixes: Vec<String>,
    /// Whether the import runs in the background after the upload.
    #[serde(default)]
    pub background: bool,
    /// Notes shown after a successful import (e.g. "No invitation is sent").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_note: Option<String>,
    /// A sample file that validates clean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<Sample>,
    /// Where the `webhook` destination posts the checked rows. Read from
    /// the server's template files only: never written out, so that
    /// templates sent to browsers do not show it, and a template that comes
    /// back from a browser cannot point the server at an address.
    #[serde(default, skip_serializing)]
    pub webhook: Option<WebhookTarget>,
}

/// The receiver of a template's rows, for the `webhook` destination: each
/// batch is posted as JSON, signed the Standard Webhooks way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookTarget {
    /// The receiver's address (`https://`, or `http://` for a receiver on
    /// the same machine or network).
    pub url: String,
    /// The environment variable that holds the signing secret (`whsec_...`);
    /// by default `CSV_IMPORT_WEBHOOK_SECRET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// How long one delivery may take before it is tried again, in
    /// milliseconds (default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// How many times a batch is posted before the import stops on the
    /// receiver's fault (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
}

/// What an invalid row does to the whole import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnInvalid {
    /// Skip the invalid rows and import the valid ones.
    #[default]
    Skip,
    /// Import nothing until every row is valid.
    Reject,
}

/// The values of a file compared with stored records before an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExistingCheck {
    /// The field compared.
    pub field: String,
    /// What importing a row whose value is stored does.
    #[serde(default)]
    pub on_match: OnMatch,
}

/// What importing a row whose compared value is already stored does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OnMatch {
    /// The stored record is updated.
    #[default]
    Update,
    /// The row is added again beside the stored one (a warning, not an update).
    AddAgain,
}

/// A sample file: header and rows, as text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// Header cells; defaults to each field's label in order.
    #[serde(default)]
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<String>>,
}

/// One field of a template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Stable key, e.g. `email`; also how the field is named in records.
    pub key: String,
    /// The header of the sample file, e.g. `Lead Email`. Defaults to the key.
    #[serde(default)]
    pub label: String,
    /// The value type.
    #[serde(rename = "type", default)]
    pub kind: FieldType,
    /// An empty value is an error (unless a default or generator fills it).
    #[serde(default)]
    pub required: bool,
    /// No two rows of a file may share the value (after normalising).
    #[serde(default)]
    pub unique: bool,
    /// Several columns may map to this field (`tag`, `tag`, ...).
    #[serde(default)]
    pub repeatable: bool,
    /// The value used when the cell is empty. For date and datetime fields,
    /// `now` means the time of the import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// How the value is made when the cell is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generator>,
    /// The most characters a value may have. A text field without one
    /// takes at most [`DEFAULT_TEXT_MAX_LENGTH`]; every other type has its
    /// own bound as well (see [`FieldType::max_chars`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// A regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// What a `pattern` failure should tell the user, e.g. "two capital letters".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_hint: Option<String>,
    /// Accepted date formats, first is shown in messages: `YYYYMMDD`,
    /// `YYYY-MM-DD`, `DD/MM/YYYY`, ... Defaults to `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formats: Vec<String>,
    /// The options of an enum field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<EnumOption>,
    /// Other headers that mean this field, e.g. `E-Mail Address`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// What the value must refer to on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub reference: Option<Reference>,
    /// What the review says of a value of a [`Field::reference`] that the
    /// server does not know, with `{value}` (the value, shortened) and
    /// `{column}` (the column's header) in it, e.g. `There is no tag
    /// "{value}" in this workspace. Create it first, or correct its name.`
    /// Without it, a message that fits any reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_message: Option<Wording>,
    /// A short help text shown next to the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// The most characters a `text` field without a `max_length` takes: well
/// under what a database index holds (PostgreSQL's btree takes about 2,700
/// bytes), and a page of text.
pub const DEFAULT_TEXT_MAX_LENGTH: usize = 1_000;

impl Field {
    /// The header text the sample file uses for this field.
    pub fn header(&self) -> &str {
        if self.label.is_empty() { &self.key } else { &self.label }
    }

    /// Whether values may span several lines (line breaks and tabs): a
    /// quoted multi-line note or address is ordinary CSV, so `text` fields
    /// take them; every other type is one line.
    pub fn is_multiline(&self) -> bool {
        self.kind == FieldType::Text
    }

    /// The most characters a value may have: `max_length`, or for a text
    /// field [`DEFAULT_TEXT_MAX_LENGTH`].
    pub fn max_length(&self) -> Option<usize> {
        match (self.max_length, self.kind) {
            (Some(max), _) => Some(max),
            (None, FieldType::Text) => Some(DEFAULT_TEXT_MAX_LENGTH),
            (None, _) => None,
        }
    }
}

/// The value type of a field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text, trimmed.
    #[default]
    Text,
    /// An email address, lowercased.
    Email,
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// Yes or no.
    Boolean,
    /// A calendar date in one of the field's formats; stored as `YYYY-MM-DD`.
    Date,
    /// A date and time; stored as RFC 3339.
    Datetime,
    /// One of the field's options.
    Enum,
    /// A password that must meet the policy; stored only as a hash.
    Password,
    /// A phone number.
    Phone,
    /// A web address.
    Url,
    /// An identifier: letters, digits, `-` and `_`.
    Id,
}

impl FieldType {
    /// The most characters any value of this type can have, whatever the
    /// field says (`None` for text, bounded by
    /// [`Field::max_length`]): an email address by RFC 5321 (254, of which
    /// at most 64 before the @), a web address 2,048 (what browsers and
    /// search engines handle), an ID 64, a phone number 64 (15 digits, an
    /// extension and punctuation), a number 100, a date or date and time
    /// 64, an option or yes/no 256, a password 256.
    ///
    /// ```
    /// use csv_import_core::FieldType;
    ///
    /// assert_eq!(FieldType::Email.max_chars(), Some(254));
    /// assert_eq!(FieldType::Text.max_chars(), None);
    /// ```
    pub fn max_chars(self) -> Option<usize> {
        match self {
            FieldType::Text => None,
            FieldType::Email => Some(254),
            FieldType::Url => Some(2_048),
            FieldType::Id | FieldType::Phone | FieldType::Date | FieldType::Datetime => Some(64),
            FieldType::Integer | FieldType::Decimal => Some(100),
            FieldType::Enum | FieldType::Boolean | FieldType::Password => Some(256),
        }
    }

    /// The snake_case name, as in templates.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Email => "email",
            FieldType::Integer => "integer",
            FieldType::Decimal => "decimal",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Enum => "enum",
            FieldType::Password => "password",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Id => "id",
        }
    }
}

/// One option of an enum field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnumOption {
    /// The canonical value stored.
    pub value: String,
    /// Other spellings accepted, case-insensitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// How a generated field is made when its cell is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Generator {
    /// A username from the email's local part, or else first and last name;
    /// unique within the file.
    Username,
}

/// What a value must refer to; checked by the server, which knows the data.
/// Written as a name: `user` (a member of the workspace, by email) and
/// `record` (a record of the template's own destination, by ID; empty adds
/// one) are the importer's own; any other name (`project`) is a reference
/// the template's destination answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reference {
    /// A user of the workspace, by email.
    User,
    /// A record of the template's own destination, by ID.
    Record,
    /// A reference the template's destination knows by this name, e.g.
    /// `project` for "must be an existing project code".
    Named(String),
}

impl Reference {
    /// The reference's name, as templates write it.
    pub fn name(&self) -> &str {
        match self {
            Reference::User => "user",
            Reference::Record => "record",
            Reference::Named(name) => name,
        }
    }

    /// The reference written `name`.
    pub fn from_name(name: &str) -> Reference {
        match name {
            "user" => Reference::User,
            "record" => Reference::Record,
            other => Reference::Named(other.to_string()),
        }
    }
}

/// A text a template gives in one language for all, or one per language
/// (`{ en = "...", fr = "..." }`, English when a language has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum Wording {
    /// The same text whatever the language.
    Any(String),
    /// A text per primary language tag (`en`, `fr`); `en` is required.
    PerLanguage(std::collections::BTreeMap<String, String>),
}

impl Wording {
    /// The text in `lang`, else in English.
    pub fn in_lang(&self, lang: crate::Lang) -> &str {
        match self {
            Wording::Any(text) => text,
            Wording::PerLanguage(texts) => texts
                .get(lang.tag())
                .or_else(|| texts.get(crate::Lang::En.tag()))
                .map(String::as_str)
                .unwrap_or_default(),
        }
    }

    /// Every text, whatever its language.
    fn texts(&self) -> Vec<&str> {
        match self {
            Wording::Any(text) => vec![text.as_str()],
            Wording::PerLanguage(texts) => texts.values().map(String::as_str).collect(),
        }
    }

    /// Why the wording is not usable with these `placeholders`, if it is not.
    fn problem(&self, placeholders: &[&str]) -> Option<String> {
        if let Wording::PerLanguage(texts) = self {
            if !texts.contains_key(crate::Lang::En.tag()) {
                return Some("it needs an `en` text".to_string());
            }
            if let Some(tag) = texts.keys().find(|tag| !crate::Lang::ALL.iter().any(|l| l.tag() == tag.as_str())) {
                return Some(format!("{tag:?} is not a language the importer speaks (en, fr)"));
            }
        }
        for text in self.texts() {
            if text.trim().is_empty() {
                return Some("a text is empty".to_string());
            }
            for name in crate::messages::placeholders(text) {
                if !placeholders.contains(&name) {
                    let known: Vec<String> = placeholders.iter().map(|p| format!("{{{p}}}")).collect();
                    return Some(format!("{{{name}}} is not a placeholder here (use {})", known.join(" or ")));
                }
            }
        }
        None
    }
}

impl Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Reference, D::Error> {
        let name = String::deserialize(deserializer)?;
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid {
            return Err(serde::de::Error::custom(format!(
                "reference {name:?} is not a name: use lower-case letters, digits, _ and -"
            )));
        }
        Ok(Reference::from_name(&name))
    }
}

impl Template {
    /// The name of the destination its rows go to: [`Template::destination`],
    /// else [`Template::entity`].
    pub fn destination_name(&self) -> &str {
        self.destination.as_deref().unwrap_or(&self.entity)
    }

    /// The field compared with stored records before an import, and what a
    /// match means: [`Template::existing`], else the first key field.
    pub fn existing_check(&self) -> Option<(&str, OnMatch)> {
        match &self.existing {
            Some(check) => Some((check.field.as_str(), check.on_match)),
            None => self.key.first().map(|k| (k.as_str(), OnMatch::Update)),
        }
    }

    /// The field with this key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Parse a template from TOML text and check it.
    #[cfg(feature = "builtin-templates")]
    pub fn from_toml(text: &str) -> Result<Template, String> {
        let template: Template = toml::from_str(text).map_err(|e| e.to_string())?;
        template.check()?;
        Ok(template)
    }

    /// The groups of [`Template::checked_together`] whose fields it has
    /// (a workspace's form may leave one out), each as field keys.
    pub fn groups_checked_together(&self) -> impl Iterator<Item = &[String]> {
        self.checked_together
            .iter()
            .filter(|g| g.len() > 1 && g.iter().all(|k| self.field(k).is_some_and(|f| !f.repeatable)))
            .map(Vec::as_slice)
    }

    /// Check the template is coherent: unique keys, known upsert keys,
    /// options on enums, patterns that compile, formats that parse.
    pub fn check(&self) -> Result<(), String> {
        if self.fields.is_empty() {
            return Err(format!("template {}: it has no fields", self.name));
        }
        for (i, field) in self.fields.iter().enumerate() {
            if field.key.trim().is_empty() {
                return Err(format!("template {}: field {} has an empty key", self.name, i + 1));
            }
            if self.fields[..i].iter().any(|f| f.key == field.key) {
                return Err(format!("template {}: field {} appears twice", self.name, field.key));
            }
            if field.kind == FieldType::Enum && field.options.is_empty() {
                return Err(format!("template {}: enum field {} has no options", self.name, field.key));
            }
            if let Some(pattern) = &field.pattern {
                if let Err(e) = regex_lite::Regex::new(pattern) {
                    return Err(format!("template {}: field {} has a bad pattern: {e}", self.name, field.key));
                }
            }
            if let Some(wording) = &field.unknown_message {
                if field.reference.is_none() {
                    return Err(format!("template {}: field {} has an unknown_message but no reference", self.name, field.key));
                }
                if let Some(problem) = wording.problem(&["value", "column"]) {
                    return Err(format!("template {}: field {}: unknown_message: {problem}", self.name, field.key));
                }
            }
            for format in &field.formats {
                if let Err(e) = crate::value::DateFormat::parse(format) {
                    return Err(format!("template {}: field {}: {e}", self.name, field.key));
                }
            }
        }
        for key in &self.key {
            if self.field(key).is_none() {
                return Err(format!("template {}: upsert key {key} is not a field", self.name));
            }
        }
        if let Some(webhook) = &self.webhook {
            let rest = webhook.url.strip_prefix("https://").or_else(|| webhook.url.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
                return Err(format!(
                    "template {}: webhook url {:?} is not an http:// or https:// address",
                    self.name, webhook.url
                ));
            }
        }
        for group in &self.checked_together {
            if group.len() < 2 {
                return Err(format!("template {}: checked_together {group:?} needs two fields or more", self.name));
            }
            for key in group {
                match self.field(key) {
                    None => return Err(format!("template {}: checked_together names {key}, which is not a field", self.name)),
                    Some(f) if f.repeatable => {
                        return Err(format!("template {}: checked_together cannot take {key}, a repeatable field", self.name));
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(check) = &self.existing {
            if self.field(&check.field).is_none() {
                return Err(format!("template {}: existing.field {} is not a field", self.name, check.field));
            }
        }
        Ok(())
    }
}

/// The JSON Schema (draft 2020-12) of a template file, TOML or JSON alike,
/// as the server reads it: every field and option, with its documentation,
/// so that editors check and complete a host's template files.
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Template);
    schema.insert("title".into(), "csv-import template".into());
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
