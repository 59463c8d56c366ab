//! The portal's own texts, in the languages of the importer's modal: the
//! reasons its destinations give for rows they refuse (in the import's
//! language) and the messages of its pages.

use crate::i18n::{en, fr, Locale};

/// Every text of the portal that the importer does not have.
#[derive(Debug)]
pub struct PortalText {
    /// A partner's user who is on no partner's team.
    pub on_no_team: &'static str,
    /// A partner's user naming another partner: their own, the one named.
    pub not_own_partner: fn(&str, &str) -> String,
    /// A partner user of another partner: user, their partner, the one named.
    pub other_partners_user: fn(&str, &str, &str) -> String,
    /// For a partner's own user: a user ID that is not on their team
    /// (whose team it is, is not theirs to learn): user, own partner.
    pub not_on_your_team: fn(&str, &str) -> String,
    /// A client account's attribute too long: name, most characters of a
    /// name, of a value.
    pub attribute_too_long: fn(&str, usize, usize) -> String,
    /// A client account row without email or password (only a tampered
    /// request has one: the browser checks both).
    pub malformed_account: &'static str,
    /// The CRM page's message after an import: clients updated, added,
    /// unchanged, rows skipped.
    pub crm_finished: fn(u64, u64, u64, u64) -> String,
}

/// The portal's texts in `locale`.
pub fn text_in(locale: Locale) -> &'static PortalText {
    match locale {
        Locale::En => &EN,
        Locale::Fr => &FR,
    }
}

/// The portal's texts in the language in context.
pub fn text() -> &'static PortalText {
    text_in(crate::i18n::locale())
}

static EN: PortalText = PortalText {
    on_no_team: "You are not on any partner's team, so you cannot register leads. Ask an admin to add you to your partner's team.",
    not_own_partner: |own, named| format!("You may import leads only for your own partner, {own}; this row names {named}. Use {own}, or ask an admin to import it."),
    other_partners_user: |user, theirs, named| format!("Partner user {user} belongs to partner {theirs}, not {named}. Use the ID of someone on {named}'s team (on its partner page), or correct the Partner ID."),
    not_on_your_team: |user, own| format!("Partner user {user} is not on the team of {own}. Use the ID of someone on your team (on the Team members page)."),
    attribute_too_long: |name, max_name, max_value| format!("attribute:{name}: too long: names take at most {max_name} characters, values {max_value}."),
    malformed_account: "Malformed row: the email address and the initial password are required.",
    crm_finished: |updated, added, unchanged, skipped| {
        let n = |n| Locale::En.number(n);
        format!(
            "Import finished: {} updated, {} added, {} unchanged, {} skipped.",
            en(updated, "client", "clients"),
            n(added),
            n(unchanged),
            n(skipped)
        )
    },
};

static FR: PortalText = PortalText {
    on_no_team: "Vous n’êtes dans l’équipe d’aucun partenaire : vous ne pouvez donc pas enregistrer de prospects. Demandez à un administrateur de vous ajouter à l’équipe de votre partenaire.",
    not_own_partner: |own, named| format!("Vous ne pouvez importer des prospects que pour votre propre partenaire, {own} ; cette ligne nomme {named}. Utilisez {own}, ou demandez à un administrateur de l’importer."),
    other_partners_user: |user, theirs, named| format!("L’utilisateur partenaire {user} appartient au partenaire {theirs}, pas à {named}. Utilisez l’identifiant d’un membre de l’équipe de {named} (sur sa page partenaire), ou corrigez l’identifiant du partenaire."),
    not_on_your_team: |user, own| format!("L’utilisateur partenaire {user} n’est pas dans l’équipe de {own}. Utilisez l’identifiant d’un membre de votre équipe (page Membres de l’équipe)."),
    attribute_too_long: |name, max_name, max_value| format!("attribute:{name} : trop long : un nom a au plus {max_name} caractères, une valeur {max_value}."),
    malformed_account: "Ligne mal formée : l’adresse e-mail et le mot de passe initial sont obligatoires.",
    crm_finished: |updated, added, unchanged, skipped| {
        format!(
            "Import terminé : {} mis à jour, {}, {}, {}.",
            fr(updated, "client", "clients"),
            fr(added, "ajouté", "ajoutés"),
            fr(unchanged, "inchangé", "inchangés"),
            fr(skipped, "ignoré", "ignorés")
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages_and_counts_agree() {
        let (en, fr) = (text_in(Locale::En), text_in(Locale::Fr));
        for (e, f) in [
            (en.on_no_team.to_string(), fr.on_no_team.to_string()),
            ((en.not_own_partner)("P-1", "P-2"), (fr.not_own_partner)("P-1", "P-2")),
            ((en.other_partners_user)("U", "P-1", "P-2"), (fr.other_partners_user)("U", "P-1", "P-2")),
            ((en.not_on_your_team)("U", "P-1"), (fr.not_on_your_team)("U", "P-1")),
            ((en.attribute_too_long)("a", 1, 2), (fr.attribute_too_long)("a", 1, 2)),
            (en.malformed_account.to_string(), fr.malformed_account.to_string()),
            ((en.crm_finished)(1, 2, 3, 4), (fr.crm_finished)(1, 2, 3, 4)),
        ] {
            assert!(!f.trim().is_empty());
            assert_ne!(e, f);
        }
        assert_eq!((en.crm_finished)(1, 0, 0, 3), "Import finished: 1 client updated, 0 added, 0 unchanged, 3 skipped.");
        assert_eq!((fr.crm_finished)(0, 2, 1, 0), "Import terminé : 0 client mis à jour, 2 ajoutés, 1 inchangé, 0 ignoré.");
        for n in [0, 1] {
            assert!(!(en.crm_finished)(n, n, n, n).contains("1 clients"));
            let fr_said = (fr.crm_finished)(n, n, n, n);
            assert!(!fr_said.contains("0 clients") && !fr_said.contains("0 ajoutés"), "{fr_said}");
        }
    }
}
