//! Fixes for many cells at once: what a review step offers to mend a
//! column of a file without going back to a spreadsheet.
//!
//! A [`Fix`] says what to do to a cell (trim it, change its case, empty
//! it, set it, write its date in another format); [`Fix::apply`] answers
//! the new value, or `None` when the fix leaves the cell as it is or does
//! not apply to it (a date that is not in the format the user named), so
//! that a count of the cells a fix changes can be shown before it is
//! applied. [`Find`] finds (and replaces) text in cells.
//!
//! ```
//! use csv_import_core::fix::{Case, Fix};
//!
//! let fix = Fix::Case(Case::Lower);
//! assert_eq!(fix.apply("Ann@Example.COM").as_deref(), Some("ann@example.com"));
//! assert_eq!(fix.apply("ann@example.com"), None); // nothing to change
//!
//! let dates = Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap();
//! assert_eq!(dates.apply("20/11/1981").as_deref(), Some("1981-11-20"));
//! assert_eq!(dates.apply("31/02/1981"), None); // not a real day: left for the user
//! ```

use crate::value::DateFormat;
use serde::{Deserialize, Serialize};

/// A change of letter case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Case {
    /// `ann@example.com`
    Lower,
    /// `ANN@EXAMPLE.COM`
    Upper,
    /// `Ann Lee`: each word's first letter upper case, the rest lower.
    Title,
}

/// What to do to each cell a fix is applied to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fix {
    /// Remove white space at both ends.
    Trim,
    /// Change the letter case.
    Case(Case),
    /// Empty the cell.
    Empty,
    /// Set the cell to this value.
    Set {
        /// The new value.
        value: String,
    },
    /// Read the cell as a date in format `from` (e.g. `DD/MM/YYYY`) and
    /// write it in format `to`; a cell that is not a real date in `from`
    /// is left as it is.
    ReformatDate {
        /// The format the cells are in, as the user names it.
        from: String,
        /// The format wanted (the field's).
        to: String,
    },
}

impl Fix {
    /// A date reformatting, with both formats checked: the error says what
    /// is wrong with a format (see [`DateFormat::parse`]).
    pub fn reformat_date(from: &str, to: &str) -> Result<Fix, String> {
        DateFormat::parse(from)?;
        DateFormat::parse(to)?;
        Ok(Fix::ReformatDate { from: from.to_string(), to: to.to_string() })
    }

    /// Checks the fix once before it is applied to many cells: a date
    /// format the user named must be a format.
    pub fn prepare(&self) -> Result<PreparedFix<'_>, String> {
        let dates = match self {
            Fix::ReformatDate { from, to } => Some((DateFormat::parse(from.trim())?, DateFormat::parse(to.trim())?)),
            _ => None,
        };
        Ok(PreparedFix { fix: self, dates })
    }

    /// The cell's new value, or `None` when the fix does not change it.
    /// A fix whose date formats are wrong changes nothing (see [`Fix::prepare`]).
    pub fn apply(&self, cell: &str) -> Option<String> {
        self.prepare().ok()?.apply(cell)
    }
}

/// A [`Fix`] with its date formats compiled, to apply to many cells.
#[derive(Clone, Debug)]
pub struct PreparedFix<'a> {
    fix: &'a Fix,
    dates: Option<(DateFormat, DateFormat)>,
}

impl PreparedFix<'_> {
    /// The cell's new value, or `None` when the fix does not change it.
    pub fn apply(&self, cell: &str) -> Option<String> {
        let mut new = String::new();
        self.apply_into(cell, &mut new).then_some(new)
    }

    /// [`apply`](PreparedFix::apply) into a buffer kept from cell to cell:
    /// `new` is set to the cell's new value, and the answer is whether the
    /// fix changes the cell (if not, `new` holds nothing of use).
    ///
    /// ```
    /// use csv_import_core::fix::Fix;
    ///
    /// let fix = Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap();
    /// let prepared = fix.prepare().unwrap();
    /// let mut new = String::new();
    /// assert!(prepared.apply_into("20/11/1981", &mut new));
    /// assert_eq!(new, "1981-11-20");
    /// assert!(!prepared.apply_into("31/02/1981", &mut new));
    /// ```
    pub fn apply_into(&self, cell: &str, new: &mut String) -> bool {
        new.clear();
        match self.fix {
            Fix::Trim => new.push_str(cell.trim()),
            Fix::Case(case) => new.push_str(&change_case(cell, *case)),
            Fix::Empty => {}
            Fix::Set { value } => new.push_str(value),
            Fix::ReformatDate { .. } => {
                let Some((from, to)) = self.dates.as_ref() else { return false };
                let Some((y, m, d)) = from.parse_date(cell.trim()) else { return false };
                to.write_date(new, y, m, d);
            }
        }
        new != cell
    }
}

/// `text` in another letter case. Title case starts each word (after a
/// space, hyphen or apostrophe) with a capital: `jean-luc o'neil` becomes
/// `Jean-Luc O'Neil`.
pub fn change_case(text: &str, case: Case) -> String {
    match case {
        Case::Lower => text.to_lowercase(),
        Case::Upper => text.to_uppercase(),
        Case::Title => {
            let mut out = String::with_capacity(text.len());
            let mut start = true;
            for c in text.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                start = c.is_whitespace() || matches!(c, '-' | '\'' | '’');
            }
            out
        }
    }
}

/// Text to find in cells, and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Find {
    /// What to find. Empty finds empty cells when `whole_cell` is set,
    /// nothing otherwise.
    pub text: String,
    /// The whole cell must be `text` (else any part of it).
    #[serde(default)]
    pub whole_cell: bool,
    /// Letter case must match too.
    #[serde(default)]
    pub match_case: bool,
}

impl Find {
    /// Whether `cell` holds the text.
    ///
    /// ```
    /// use csv_import_core::fix::Find;
    ///
    /// let na = Find { text: "n/a".into(), whole_cell: true, match_case: false };
    /// assert!(na.matches("N/A"));
    /// assert!(!na.matches("N/A or so"));
    /// ```
    pub fn matches(&self, cell: &str) -> bool {
        match (self.whole_cell, self.match_case) {
            (true, true) => cell == self.text,
            (true, false) => cell.to_lowercase() == self.text.to_lowercase(),
            (false, _) if self.text.is_empty() => false,
            (false, true) => cell.contains(&self.text),
            (false, false) => find_ignoring_case(cell, &self.text, 0).is_some(),
        }
    }

    /// The cell with the text replaced by `with` (each occurrence; the
    /// whole cell when `whole_cell`), or `None` when it does not hold the
    /// text or would not change.
    ///
    /// ```
    /// use csv_import_core::fix::Find;
    ///
    /// let find = Find { text: "st.".into(), ..Find::default() };
    /// assert_eq!(find.replace("1 Main St.", "Street").as_deref(), Some("1 Main Street"));
    /// ```
    pub fn replace(&self, cell: &str, with: &str) -> Option<String> {
        if !self.matches(cell) {
            return None;
        }
        let new = if self.whole_cell {
            with.to_string()
        } else if self.match_case {
            cell.replace(&self.text, with)
        } else {
            let mut out = String::with_capacity(cell.len());
            let mut at = 0;
            while let Some((start, end)) = find_ignoring_case(cell, &self.text, at) {
                out.push_str(&cell[at..start]);
                out.push_str(with);
                at = end;
            }
            out.push_str(&cell[at..]);
            out
        };
        (new != cell).then_some(new)
    }
}

/// Where `needle` is in `hay` from byte `from` on, ignoring letter case
/// (character by character, so that byte offsets stay those of `hay`).
fn find_ignoring_case(hay: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
    let folded: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if folded.is_empty() {
        return None;
    }
    let starts = hay[from..].char_indices().map(|(i, _)| from + i);
    for start in starts {
        let mut want = folded.iter();
        let mut end = start;
        let mut ok = true;
        'chars: for (i, c) in hay[start..].char_indices() {
            for lower in c.to_lowercase() {
                match want.next() {
                    Some(&w) if w == lower => {}
                    Some(_) => {
                        ok = false;
                        break 'chars;
                    }
                    None => {
                        ok = false;
                        break 'chars;
                    }
                }
            }
            end = start + i + c.len_utf8();
            if want.len() == 0 {
                break;
            }
        }
        if ok && want.len() == 0 {
            return Some((start, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_empty_and_set_change_only_what_differs() {
        assert_eq!(Fix::Trim.apply("  ann "), Some("ann".into()));
        assert_eq!(Fix::Trim.apply("ann"), None);
        assert_eq!(Fix::Empty.apply("N/A"), Some(String::new()));
        assert_eq!(Fix::Empty.apply(""), None);
        let set = Fix::Set { value: "male".into() };
        assert_eq!(set.apply("m"), Some("male".into()));
        assert_eq!(set.apply("male"), None);
    }

    #[test]
    fn cases_change_every_letter_accents_included() {
        assert_eq!(change_case("ÉLODIE@Example.FR", Case::Lower), "élodie@example.fr");
        assert_eq!(change_case("straße", Case::Upper), "STRASSE");
        assert_eq!(change_case("jean-luc o'NEIL  van", Case::Title), "Jean-Luc O'Neil  Van");
        assert_eq!(Fix::Case(Case::Title).apply("Ann"), None);
    }

    #[test]
    fn dates_are_rewritten_from_the_named_format_and_real_days_only() {
        let fix = Fix::reformat_date("DD/MM/YYYY", "YYYYMMDD").unwrap();
        assert_eq!(fix.apply("05/03/2024"), Some("20240305".into()));
        assert_eq!(fix.apply(" 29/02/2024 "), Some("20240229".into()));
        assert_eq!(fix.apply("29/02/2023"), None);
        assert_eq!(fix.apply("2024-03-05"), None);
        assert_eq!(fix.apply("N/A"), None);
        let short = Fix::reformat_date("D.M.YYYY", "YYYY-MM-DD").unwrap();
        assert_eq!(short.apply("1.2.2024"), Some("2024-02-01".into()));
        // A format that is not one says why, and changes nothing.
        let err = Fix::reformat_date("DD/MM/YY", "YYYY-MM-DD").unwrap_err();
        assert!(err.contains("two-digit year"), "{err}");
        let wrong = Fix::ReformatDate { from: "QQ".into(), to: "YYYY-MM-DD".into() };
        assert!(wrong.prepare().is_err());
        assert_eq!(wrong.apply("01/02/2024"), None);
    }

    #[test]
    fn a_fix_into_a_buffer_agrees_with_a_fix_that_allocates() {
        let cells = [
            "20/11/1981", " 29/02/2024 ", "31/02/2024", "29/02/2023", "00/01/2024", "01/13/2024", "1/2/2024",
            "01/02/24", "01/02/0000", "01/02/2024x", "", "  ", "N/A", "Ann@Example.COM", "2024-03-05", "\t05/03/2024\n",
        ];
        let fixes = [
            Fix::Trim,
            Fix::Case(Case::Lower),
            Fix::Case(Case::Title),
            Fix::Empty,
            Fix::Set { value: "x".into() },
            Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap(),
            Fix::reformat_date("D/M/YYYY", "DD.MM.YYYY").unwrap(),
            Fix::reformat_date("DD/MM/YYYY", "DD/MM/YYYY").unwrap(),
            Fix::ReformatDate { from: "QQ".into(), to: "YYYY-MM-DD".into() },
        ];
        let mut new = "left over".to_string();
        for fix in &fixes {
            let prepared = fix.prepare();
            for cell in cells {
                // The new value built on its own, as the fix is described.
                let expected = match fix {
                    Fix::Trim => Some(cell.trim().to_string()),
                    Fix::Case(case) => Some(change_case(cell, *case)),
                    Fix::Empty => Some(String::new()),
                    Fix::Set { value } => Some(value.clone()),
                    Fix::ReformatDate { from, to } => (|| {
                        let (from, to) = (DateFormat::parse(from).ok()?, DateFormat::parse(to).ok()?);
                        let (y, m, d) = from.parse_date(cell.trim())?;
                        Some(to.format_date(y, m, d))
                    })(),
                }
                .filter(|new| new != cell);
                assert_eq!(fix.apply(cell), expected, "{fix:?} on {cell:?}");
                if let Ok(prepared) = &prepared {
                    let changed = prepared.apply_into(cell, &mut new);
                    assert_eq!(changed.then_some(new.as_str()), expected.as_deref(), "{fix:?} on {cell:?}");
                }
            }
        }
        let fix = Fix::reformat_date("DD/MM/YYYY", "YYYY-MM-DD").unwrap();
        assert_eq!(fix.apply("31/02/2024"), None);
        assert_eq!(fix.apply(" 05/03/2024\t"), Some("2024-03-05".into()));
    }

    #[test]
    fn find_matches_parts_or_whole_cells_with_or_without_case() {
        let part = Find { text: "n/a".into(), ..Find::default() };
        assert!(part.matches("tel: N/A"));
        assert_eq!(part.replace("N/A and n/a", "").as_deref(), Some(" and "));
        let exact = Find { text: "N/A".into(), whole_cell: true, match_case: true };
        assert!(exact.matches("N/A") && !exact.matches("n/a") && !exact.matches(" N/A"));
        assert_eq!(exact.replace("N/A", ""), Some(String::new()));
        let cased = Find { text: "Rd".into(), whole_cell: false, match_case: true };
        assert_eq!(cased.replace("1 Rd, 2 RD", "Road").as_deref(), Some("1 Road, 2 RD"));
        // Nothing to find finds nothing, except an empty whole cell.
        assert!(!Find::default().matches("x"));
        let empty = Find { whole_cell: true, ..Find::default() };
        assert!(empty.matches("") && !empty.matches("x"));
        assert_eq!(empty.replace("", "none").as_deref(), Some("none"));
    }

    #[test]
    fn case_blind_find_keeps_the_cells_other_characters_whole() {
        let find = Find { text: "é".into(), ..Find::default() };
        assert_eq!(find.replace("CAFÉ café", "e").as_deref(), Some("CAFe cafe"));
        let find = Find { text: "ss".into(), ..Find::default() };
        assert_eq!(find.replace("Boss", "x").as_deref(), Some("Box"));
        assert_eq!(find_ignoring_case("ab", "abc", 0), None);
    }
}
