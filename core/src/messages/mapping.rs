//! Texts of the mapping step.

use super::Lang;
use crate::map::ContentKind;

/// Why a column was mapped by its values: "looks like email addresses".
pub(crate) fn looks_like(lang: Lang, kind: ContentKind) -> &'static str {
    match (lang, kind) {
        (Lang::En, ContentKind::Emails) => "looks like email addresses",
        (Lang::En, ContentKind::Phones) => "looks like phone numbers",
        (Lang::En, ContentKind::Dates) => "looks like dates",
        (Lang::En, ContentKind::Datetimes) => "looks like dates and times",
        (Lang::En, ContentKind::Urls) => "looks like web addresses",
        (Lang::En, ContentKind::Booleans) => "looks like yes/no values",
        (Lang::En, ContentKind::Options) => "matches the field's options",
        (Lang::Fr, ContentKind::Emails) => "ressemble à des adresses e-mail",
        (Lang::Fr, ContentKind::Phones) => "ressemble à des numéros de téléphone",
        (Lang::Fr, ContentKind::Dates) => "ressemble à des dates",
        (Lang::Fr, ContentKind::Datetimes) => "ressemble à des dates et heures",
        (Lang::Fr, ContentKind::Urls) => "ressemble à des adresses web",
        (Lang::Fr, ContentKind::Booleans) => "ressemble à des valeurs oui/non",
        (Lang::Fr, ContentKind::Options) => "correspond aux options du champ",
    }
}
