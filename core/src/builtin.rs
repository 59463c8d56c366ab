//! The built-in templates, one per product the importer covers. The TOML
//! files live in the repository's `templates/` folder and are compiled in.

use crate::template::Template;

/// The TOML text of each built-in template, by name.
pub const SOURCES: [(&str, &str); 7] = [
    ("coaching-leads", include_str!("../../templates/coaching-leads.toml")),
    ("partner-leads", include_str!("../../templates/partner-leads.toml")),
    ("client-accounts", include_str!("../../templates/client-accounts.toml")),
    ("crm-clients", include_str!("../../templates/crm-clients.toml")),
    ("clients", include_str!("../../templates/clients.toml")),
    ("leads", include_str!("../../templates/leads.toml")),
    ("companies", include_str!("../../templates/companies.toml")),
];

/// Every built-in template, in the order of [`SOURCES`].
///
/// ```
/// let names: Vec<String> = csv_import_core::builtin::all().into_iter().map(|t| t.name).collect();
/// assert!(names.contains(&"crm-clients".to_string()));
/// ```
pub fn all() -> Vec<Template> {
    SOURCES.iter().map(|(name, _)| get(name).expect("built-in name")).collect()
}

/// The built-in template with this name.
pub fn get(name: &str) -> Option<Template> {
    let (_, text) = SOURCES.iter().find(|(n, _)| *n == name)?;
    // The files are part of the build and tested below; a broken one is a bug.
    Some(Template::from_toml(text).unwrap_or_else(|e| panic!("built-in template {name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_is_named_as_its_file() {
        for (name, _) in SOURCES {
            assert_eq!(get(name).unwrap().name, name);
        }
        assert!(get("nope").is_none());
    }

    #[test]
    fn the_existing_check_is_the_first_key_unless_the_template_names_one() {
        use crate::template::OnMatch;
        assert_eq!(get("clients").unwrap().existing_check(), Some(("email", OnMatch::Update)));
        assert_eq!(get("companies").unwrap().existing_check(), Some(("name", OnMatch::Update)));
        assert_eq!(get("partner-leads").unwrap().existing_check(), Some(("email", OnMatch::AddAgain)));
        assert_eq!(get("coaching-leads").unwrap().existing_check(), Some(("lead_email", OnMatch::Update)));
    }

    #[test]
    fn an_existing_check_on_an_unknown_field_is_refused() {
        let text = SOURCES.iter().find(|(n, _)| *n == "partner-leads").unwrap().1;
        let broken = text.replace("field = \"email\"\non_match", "field = \"mail\"\non_match");
        let error = Template::from_toml(&broken).unwrap_err();
        assert!(error.contains("existing.field mail is not a field"), "{error}");
    }

    #[test]
    fn fields_checked_together_are_fields_of_the_template_and_not_repeatable() {
        let leads = get("partner-leads").unwrap();
        let groups: Vec<&[String]> = leads.groups_checked_together().collect();
        assert_eq!(groups, [["partner_id".to_string(), "partner_user_id".to_string()]]);
        // A form without one of the fields has no such group.
        let mut without = leads.clone();
        without.fields.retain(|f| f.key != "partner_user_id");
        assert_eq!(without.groups_checked_together().count(), 0);
        let text = SOURCES.iter().find(|(n, _)| *n == "partner-leads").unwrap().1;
        for (group, problem) in [
            ("[[\"partner_id\", \"nope\"]]", "checked_together names nope, which is not a field"),
            ("[[\"partner_id\"]]", "needs two fields or more"),
        ] {
            let broken = text.replace("checked_together = [[\"partner_id\", \"partner_user_id\"]]", &format!("checked_together = {group}"));
            let error = Template::from_toml(&broken).unwrap_err();
            assert!(error.contains(problem), "{error}");
        }
    }

    #[test]
    fn a_webhook_receiver_is_read_checked_and_never_written_out() {
        let text = SOURCES.iter().find(|(n, _)| *n == "clients").unwrap().1;
        let with = |url: &str| format!("{text}\n[webhook]\nurl = \"{url}\"\ntimeout_ms = 500\n");
        let template = Template::from_toml(&with("https://hooks.example.com/rows?token=s3cret")).unwrap();
        let webhook = template.webhook.as_ref().expect("the receiver is read");
        assert_eq!((webhook.url.as_str(), webhook.timeout_ms), ("https://hooks.example.com/rows?token=s3cret", Some(500)));
        // Templates go to browsers as JSON: the receiver's address stays on the server.
        let json = serde_json::to_string(&template).unwrap();
        assert!(!json.contains("hooks.example.com") && !json.contains("webhook"), "{json}");
        let back: Template = serde_json::from_str(&json).unwrap();
        assert_eq!(back.webhook, None);
        for bad in ["ftp://hooks.example.com/", "hooks.example.com", "https://", "http:///path"] {
            let error = Template::from_toml(&with(bad)).unwrap_err();
            assert!(error.contains("is not an http:// or https:// address"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_reference_is_a_name_the_destination_may_answer() {
        use crate::template::Reference;
        let text = SOURCES.iter().find(|(n, _)| *n == "clients").unwrap().1;
        let with = |name: &str| {
            format!("{text}\n[[fields]]\nkey = \"project\"\nlabel = \"Project code\"\nreference = \"{name}\"\n")
        };
        let template = Template::from_toml(&with("project")).unwrap();
        let field = template.field("project").unwrap();
        assert_eq!(field.reference, Some(Reference::Named("project".to_string())));
        // Written back as the same name; only the importer's own have a variant.
        let json = serde_json::to_value(&template).unwrap();
        assert_eq!(json["fields"].as_array().unwrap().last().unwrap()["reference"], "project");
        assert_eq!(Template::from_toml(&with("record")).unwrap().field("project").unwrap().reference, Some(Reference::Record));
        assert_eq!(
            Template::from_toml(&with("partner_user")).unwrap().field("project").unwrap().reference,
            Some(Reference::Named("partner_user".to_string()))
        );
        let error = Template::from_toml(&with("Project Code")).unwrap_err();
        assert!(error.contains("is not a name"), "{error}");
        // The error names the field, the value and the fix, in both languages.
        let en = crate::validate::reference_error_in(field, "PRJ-9", crate::Lang::En);
        assert_eq!(en.code, crate::RowErrorCode::UnknownReference);
        assert_eq!(en.message, "\"PRJ-9\" is not an existing Project code here. Correct it, or create it first.");
        let fr = crate::validate::reference_error_in(field, "PRJ-9", crate::Lang::Fr);
        assert!(fr.message.starts_with("« PRJ-9 » n’est pas une valeur existante de Project code"), "{}", fr.message);
    }
}
