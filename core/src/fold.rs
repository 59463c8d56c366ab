//! The one rule by which keys are compared ignoring case: emails, company
//! names, tag names, partner IDs. The server stores each key folded by this
//! rule in a column of its own and looks keys up by it, so that matching
//! never depends on what a database's `LOWER` does (SQLite folds ASCII
//! only; PostgreSQL folds by its locale, e.g. `İ` to `i` and a final `Σ` to
//! `σ`).
//!
//! The rule is Unicode's full lowercase mapping as Rust's
//! [`str::to_lowercase`] applies it, and nothing else: no trimming, no
//! normalisation (NFC and NFD spellings stay different), and a final `Σ`
//! becomes `ς` as in running text. It is the rule core uses to find
//! repeated values of a unique field in a file, so two values are one key
//! on the server exactly when they are one value in the file's check.

/// `text` folded for comparing keys ignoring case (see the module).
///
/// ```
/// use csv_import_core::fold::fold_key;
///
/// assert_eq!(fold_key("Ölwerk"), "ölwerk");
/// assert_eq!(fold_key("ÖLWERK"), fold_key("ölwerk"));
/// // `İ` folds to `i` and a combining dot above, never to a plain `i`.
/// assert_eq!(fold_key("İzmir AŞ"), "i\u{307}zmir aş");
/// assert_eq!(fold_key("ΣΊΣΥΦΟΣ"), fold_key("Σίσυφος"));
/// ```
pub fn fold_key(text: &str) -> String {
    // Most keys are ASCII and already lowercase: a scan, then one copy.
    if text.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        return text.to_string();
    }
    text.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::fold_key;

    #[test]
    fn folds_as_to_lowercase_does() {
        for text in ["", "ann@example.com", "Ann@Example.COM", "Ölwerk", "İzmir AŞ", "ΣΊΣΥΦΟΣ", "Straße", "ǅemal"]
        {
            assert_eq!(fold_key(text), text.to_lowercase(), "{text}");
        }
    }

    #[test]
    fn different_case_is_one_key_and_the_result_is_stable() {
        for (a, b) in [
            ("ÖLWERK", "ölwerk"),
            ("İZMİR AŞ", "i\u{307}zmi\u{307}r aş"),
            ("ΣΊΣΥΦΟΣ", "σίσυφος"),
            ("ÅNGSTRÖM", "Ångström"),
        ] {
            assert_eq!(fold_key(a), fold_key(b), "{a} / {b}");
            assert_eq!(fold_key(&fold_key(a)), fold_key(a), "folding twice changes nothing: {a}");
        }
        // Not a case difference: kept apart.
        assert_ne!(fold_key("izmir"), fold_key("İzmir"));
        assert_ne!(fold_key("e\u{301}"), fold_key("é"));
    }
}
