//! Enum fields: a value or alias of one option, in any case, stored as the
//! option's canonical value.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Lang};
#[cfg(test)]
use crate::record::Value;
use crate::template::EnumOption;
use std::collections::HashMap;

// Up to this many spellings a linear scan beats hashing a lowercased copy.
const LINEAR_MAX: usize = 16;
// Options listed in a message before "…".
const LISTED: usize = 12;

/// The spellings of an enum field's options, compiled.
#[derive(Clone, Debug)]
pub(super) struct Choices {
    values: Vec<String>,
    // Lowercased, trimmed spelling and the index of its option.
    keys: Vec<(String, usize)>,
    map: Option<HashMap<String, usize>>,
}

impl Choices {
    pub(super) fn new(options: &[EnumOption]) -> Result<Choices, String> {
        if options.is_empty() {
            return Err("an enum field needs at least one option".to_string());
        }
        let mut keys = Vec::new();
        for (i, option) in options.iter().enumerate() {
            if option.value.trim().is_empty() {
                return Err(format!("option {} has an empty value", i + 1));
            }
            for spelling in std::iter::once(&option.value).chain(&option.aliases) {
                let key = spelling.trim().to_lowercase();
                // The first option to claim a spelling keeps it.
                if !key.is_empty() && !keys.iter().any(|(k, _)| *k == key) {
                    keys.push((key, i));
                }
            }
        }
        let map = (keys.len() > LINEAR_MAX).then(|| keys.iter().cloned().collect());
        let values = options.iter().map(|o| o.value.trim().to_string()).collect();
        Ok(Choices { values, keys, map })
    }

    fn find(&self, s: &str) -> Option<usize> {
        if let Some(map) = &self.map {
            // Already lowercase ASCII: look it up without a copy.
            if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                return map.get(s).copied();
            }
            return map.get(&s.to_lowercase()).copied();
        }
        self.keys.iter().find(|(k, _)| eq_lower(s, k)).map(|&(_, i)| i)
    }

    /// A trimmed cell.
    #[cfg(test)]
    pub(super) fn check(&self, s: &str) -> Result<Value, ValueError> {
        self.check_str(s, Lang::En).map(|v| Value::Text(v.to_string()))
    }

    /// A trimmed cell: the canonical value of its option.
    pub(super) fn check_str(&self, s: &str, lang: Lang) -> Result<&str, ValueError> {
        if let Some(i) = self.find(s) {
            return Ok(&self.values[i]);
        }
        let listed = &self.values[..self.values.len().min(LISTED)];
        let message = messages::enumeration(lang, s, self.closest(s), listed, self.values.len());
        Err(ValueError::new(RowErrorCode::InvalidEnum, message))
    }

    /// The canonical value of the spelling most like `s`, if one is close.
    fn closest(&self, s: &str) -> Option<&str> {
        let s = s.to_lowercase();
        let (score, i) =
            self.keys.iter().map(|(k, i)| (strsim::jaro_winkler(&s, k), *i)).max_by(|a, b| a.0.total_cmp(&b.0))?;
        (score >= 0.85).then(|| self.values[i].as_str())
    }
}

/// Whether `s` lowercased equals `key`, which is lowercase; no allocation.
fn eq_lower(s: &str, key: &str) -> bool {
    if s.is_ascii() && key.is_ascii() {
        s.len() == key.len() && s.eq_ignore_ascii_case(key)
    } else {
        s.chars().flat_map(char::to_lowercase).eq(key.chars())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(value: &str, aliases: &[&str]) -> EnumOption {
        EnumOption { value: value.into(), aliases: aliases.iter().map(|a| a.to_string()).collect() }
    }

    #[test]
    fn matches_values_and_aliases_in_any_case() {
        let c = Choices::new(&[option("male", &["m", "Man"]), option("female", &["f", " woman "])]).unwrap();
        assert_eq!(c.check("Male"), Ok(Value::Text("male".into())));
        assert_eq!(c.check("M"), Ok(Value::Text("male".into())));
        assert_eq!(c.check("MAN"), Ok(Value::Text("male".into())));
        assert_eq!(c.check("Woman"), Ok(Value::Text("female".into())));
        let e = c.check("x").unwrap_err();
        assert_eq!(e.code, RowErrorCode::InvalidEnum);
        assert!(e.message.contains("Use one of: male, female."), "{}", e.message);
        assert!(c.check("femal").unwrap_err().message.contains("Did you mean female?"));
    }

    #[test]
    fn non_ascii_spellings() {
        let c = Choices::new(&[option("Männlich", &[]), option("Ärztin", &["ÄRZTIN"])]).unwrap();
        assert_eq!(c.check("MÄNNLICH"), Ok(Value::Text("Männlich".into())));
        assert_eq!(c.check("ärztin"), Ok(Value::Text("Ärztin".into())));
    }

    #[test]
    fn many_options_use_a_map() {
        let options: Vec<EnumOption> = (0..40).map(|i| option(&format!("Opt{i}"), &[&format!("o{i}")])).collect();
        let c = Choices::new(&options).unwrap();
        assert!(c.map.is_some());
        assert_eq!(c.check("opt7"), Ok(Value::Text("Opt7".into())));
        assert_eq!(c.check("O39"), Ok(Value::Text("Opt39".into())));
        let e = c.check("nope").unwrap_err();
        assert!(e.message.contains("(40 options in all)"), "{}", e.message);
    }

    #[test]
    fn no_options_is_a_template_error() {
        assert!(Choices::new(&[]).is_err());
        assert!(Choices::new(&[option(" ", &[])]).is_err());
    }
}
