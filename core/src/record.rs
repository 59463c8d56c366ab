//! Normalised values and the records a valid row becomes.

use crate::template::Template;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::Deserialize;

/// A normalised value, ready to store.
///
/// Dates are `Text` in ISO form (`YYYY-MM-DD`), date-times `Text` in RFC 3339,
/// decimals `Text` in canonical form (`-1234.5`), so that no precision is lost
/// on the way to the database.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    /// No value (an empty optional cell).
    Null,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text, already trimmed and normalised.
    Text(String),
    /// The values of a repeatable field, in column order, empty cells left out.
    List(Vec<String>),
}

impl Value {
    /// The value as text, as it would be written back to a CSV cell.
    pub fn to_cell(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Text(s) => s.clone(),
            Value::List(items) => items.join(", "),
        }
    }

    /// The text, if this is a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Read from what it is written as (`null`, a boolean, a whole number, a
/// string, a list of strings) directly: serde's untagged enums buffer every
/// value and try each variant in turn, which made reading a batch of rows
/// on the server several times slower than reading its JSON.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        struct ValueVisitor;

        impl<'de> serde::de::Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("null, a boolean, a whole number, a string or a list of strings")
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
                deserializer.deserialize_any(ValueVisitor)
            }

            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }

            fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }

            fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Value, E> {
                i64::try_from(u).map(Value::Int).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(u), &self))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Text(s.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
                Ok(Value::Text(s))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1_024));
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(Value::List(items))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// The most characters an attribute's value may have; it is checked like a
/// `text` field (formulas, markup, control characters) with this bound.
pub const ATTRIBUTE_MAX_LENGTH: usize = 1_000;

/// The most characters an attribute's name (its column's header without
/// the prefix) may have. A name is one line: no control character at all.
pub const ATTRIBUTE_NAME_MAX_LENGTH: usize = 100;

/// A valid row, normalised.
///
/// `values` follows the template's field order (one value per field, `Null`
/// when empty), so that a million records do not carry a million copies of
/// the field names. Use [`Record::get`] to read by key and [`Record::view`]
/// to serialise as an object keyed by field.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, Deserialize)]
pub struct Record {
    /// Data row number in the file, 1-based.
    pub row: u64,
    /// One value per template field, in the template's order.
    pub values: Vec<Value>,
    /// Dynamic attribute columns by name without their prefix
    /// (`attribute:Program Start Date` gives `Program Start Date`), in column
    /// order, empty cells left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
}

impl Record {
    /// The value of the field with this key, `Null` if the template has no such field.
    pub fn get<'r>(&'r self, template: &Template, key: &str) -> &'r Value {
        static NULL: Value = Value::Null;
        template
            .fields
            .iter()
            .position(|f| f.key == key)
            .and_then(|i| self.values.get(i))
            .unwrap_or(&NULL)
    }

    /// The text of a field, if it has a text value.
    pub fn text<'r>(&'r self, template: &Template, key: &str) -> Option<&'r str> {
        self.get(template, key).as_text()
    }

    /// A view that serialises as `{"row": 1, "<field>": value, ..., "attributes": {..}}`.
    pub fn view<'r>(&'r self, template: &'r Template) -> RecordView<'r> {
        RecordView { record: self, template }
    }
}

/// A record with its template, serialised as an object keyed by field.
pub struct RecordView<'r> {
    record: &'r Record,
    template: &'r Template,
}

impl Serialize for RecordView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("row", &self.record.row)?;
        for (field, value) in self.template.fields.iter().zip(&self.record.values) {
            map.serialize_entry(&field.key, value)?;
        }
        if !self.template.attribute_prefixes.is_empty() {
            let attributes: std::collections::BTreeMap<&str, &str> =
                self.record.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            map.serialize_entry("attributes", &attributes)?;
        }
        map.end()
    }
}
