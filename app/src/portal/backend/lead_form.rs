//! The workspace's lead registration form, which an admin edits,
//! and the `partner-leads` template derived from it: the form's fields in
//! order, then Partner ID and Partner User ID, always required. The sample
//! file, the mapping's required columns and the checks in the browser and at
//! commit all follow the saved form.

use crate::backend::db::{Conn, Db};
use super::partners::TEMPLATE;
use crate::backend::{clean_text, now};
use crate::model::{Role, SessionInfo};
use crate::portal::server_fns::partners::{FormField, FormFieldType, LeadForm};
use crate::{on_conn, on_pool};
use crate::AppError;
use csv_import_core::template::{EnumOption, Field, FieldType, Sample};
use csv_import_core::Template;
use std::collections::HashSet;

/// The two fields every derived template ends with; the form may not use their keys.
pub const RESERVED: [&str; 2] = ["partner_id", "partner_user_id"];

/// The most fields a form may have.
pub const MAX_FIELDS: usize = 40;

/// The most options of a select field.
pub const MAX_OPTIONS: usize = 100;

/// The built-in `partner-leads` template (the default form and the two ID fields).
fn builtin() -> Result<Template, AppError> {
    csv_import_core::builtin::get(TEMPLATE).ok_or_else(|| AppError::internal("partner-leads", "no built-in template"))
}

/// A label as people write it: `first_name` gives "First name".
pub(super) fn label_of(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The key made from a label: "Company size (people)" gives `company_size_people`.
pub fn key_of(label: &str) -> String {
    let mut key = String::new();
    for c in label.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').chars().take(60).collect()
}

/// The default form: the built-in template's fields, without the two IDs.
pub fn default_form() -> Vec<FormField> {
    let Ok(template) = builtin() else { return Vec::new() };
    template
        .fields
        .iter()
        .filter(|f| !RESERVED.contains(&f.key.as_str()))
        .map(|f| FormField {
            label: label_of(&f.key),
            key: f.key.clone(),
            kind: match f.kind {
                FieldType::Email => FormFieldType::Email,
                FieldType::Phone => FormFieldType::Phone,
                FieldType::Integer | FieldType::Decimal => FormFieldType::Number,
                FieldType::Date | FieldType::Datetime => FormFieldType::Date,
                FieldType::Url => FormFieldType::Url,
                FieldType::Enum => FormFieldType::Select,
                FieldType::Boolean => FormFieldType::Checkbox,
                _ => FormFieldType::Text,
            },
            required: f.required,
            options: f.options.iter().map(|o| o.value.clone()).collect(),
        })
        .collect()
}

/// A form as sent by an admin, cleaned and checked: every field needs a
/// label; keys are made from labels when empty and must be unique; a select
/// needs options; the form keeps a required `email` field (leads are told
/// apart by it). The 400 names the field and the fix.
pub fn clean_form(fields: Vec<FormField>) -> Result<Vec<FormField>, AppError> {
    if fields.is_empty() {
        return Err(AppError::BadRequest("The form needs at least one field: the lead's email.".into()));
    }
    if fields.len() > MAX_FIELDS {
        return Err(AppError::BadRequest(format!("A form may have at most {MAX_FIELDS} fields; this one has {}.", fields.len())));
    }
    let mut out: Vec<FormField> = Vec::with_capacity(fields.len());
    for (i, field) in fields.into_iter().enumerate() {
        let n = i + 1;
        let label = clean_text(&field.label, 100);
        if label.is_empty() {
            return Err(AppError::BadRequest(format!("Field {n} has no label. Give it one, e.g. \"Company\".")));
        }
        let key = if field.key.trim().is_empty() { key_of(&label) } else { clean_text(&field.key, 60) };
        if key.is_empty()
            || !key.starts_with(|c: char| c.is_ascii_lowercase())
            || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(AppError::BadRequest(format!(
                "Field {n} ({label}): the key \"{key}\" must start with a letter and use only lowercase letters, digits and _."
            )));
        }
        if RESERVED.contains(&key.as_str()) {
            return Err(AppError::BadRequest(format!(
                "Field {n} ({label}): the key {key} is reserved: every import has the Partner ID and Partner User ID columns already."
            )));
        }
        if let Some(first) = out.iter().position(|f| f.key == key) {
            return Err(AppError::BadRequest(format!(
                "Fields {} and {n} both have the key {key}. Give each field its own key.",
                first + 1
            )));
        }
        let mut options: Vec<String> = Vec::new();
        if field.kind == FormFieldType::Select {
            for option in &field.options {
                let option = clean_text(option, 100);
                if !option.is_empty() && !options.iter().any(|o| o.eq_ignore_ascii_case(&option)) {
                    options.push(option);
                }
            }
            if options.is_empty() {
                return Err(AppError::BadRequest(format!(
                    "Field {n} ({label}) is a select without options. Add its choices, separated by commas."
                )));
            }
            if options.len() > MAX_OPTIONS {
                return Err(AppError::BadRequest(format!("Field {n} ({label}) has more than {MAX_OPTIONS} options.")));
            }
        }
        out.push(FormField { label, key, kind: field.kind, required: field.required, options });
    }
    match out.iter().find(|f| f.key == "email") {
        Some(f) if f.kind == FormFieldType::Email && f.required => Ok(out),
        _ => Err(AppError::BadRequest(
            "The form needs a required field with the key email and the type email: leads are told apart by their email."
                .into(),
        )),
    }
}

/// The workspace's form (the default one until an admin saves another).
pub async fn form(mut conn: Conn<'_>, workspace_id: i64) -> Result<(Vec<FormField>, Option<String>), AppError> {
    let row: Option<(String, Option<String>)> =
        on_conn!(conn, c => sqlx::query_as("SELECT fields, updated_at FROM lead_forms WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_optional(c)
            .await)?;
    let Some((text, updated_at)) = row else { return Ok((default_form(), None)) };
    let fields: Vec<FormField> =
        serde_json::from_str(&text).map_err(|e| AppError::internal("lead form", format!("stored form: {e}")))?;
    Ok((fields, updated_at))
}

/// The form as the editor shows it.
pub async fn lead_form(db: &Db, session: &SessionInfo) -> Result<LeadForm, AppError> {
    let mut conn = db.acquire().await?;
    let (fields, updated_at) = form(conn.conn(), session.workspace.id).await?;
    Ok(LeadForm { fields, updated_at, may_edit: session.role == Role::Admin })
}

/// Store the workspace's form (checked with [`clean_form`]).
pub async fn save_form(db: &Db, session: &SessionInfo, fields: Vec<FormField>) -> Result<LeadForm, AppError> {
    let fields = clean_form(fields)?;
    derive(&fields)?;
    let text = serde_json::to_string(&fields).map_err(|e| AppError::internal("lead form", e))?;
    let updated = now();
    on_pool!(db.pool, p => sqlx::query(
        "INSERT INTO lead_forms (workspace_id, fields, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (workspace_id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at",
    )
    .bind(session.workspace.id)
    .bind(&text)
    .bind(&updated)
    .execute(p)
    .await
    .map(drop))?;
    Ok(LeadForm { fields, updated_at: Some(updated), may_edit: true })
}

/// The `partner-leads` template of a form: its fields in order (label as the
/// header, key and the built-in synonyms also matched), then Partner ID and
/// Partner User ID; a sample row that follows the form.
pub fn derive(form: &[FormField]) -> Result<Template, AppError> {
    let base = builtin()?;
    let mut fields: Vec<Field> = form.iter().map(|f| field_of(f, base.field(&f.key))).collect();
    for key in RESERVED {
        let mut field = base.field(key).cloned().ok_or_else(|| AppError::internal("partner-leads", format!("no {key}")))?;
        let label = if key == "partner_id" { "Partner ID" } else { "Partner User ID" };
        field.synonyms.retain(|s| !s.eq_ignore_ascii_case(label));
        field.synonyms.insert(0, field.key.clone());
        field.label = label.to_string();
        field.required = true;
        fields.push(field);
    }
    let sample = base.sample.as_ref().map(|s| Sample {
        header: Vec::new(),
        rows: s
            .rows
            .iter()
            .map(|row| {
                fields
                    .iter()
                    .map(|f| match base.fields.iter().position(|b| b.key == f.key) {
                        Some(i) if base.fields[i].kind == f.kind => row.get(i).cloned().unwrap_or_default(),
                        _ => example(f),
                    })
                    .collect()
            })
            .collect(),
    });
    let template = Template { fields, sample, ..base };
    template.check().map_err(|e| AppError::BadRequest(format!("The form does not make a valid import: {e}")))?;
    Ok(template)
}

fn field_of(form: &FormField, base: Option<&Field>) -> Field {
    let kind = match form.kind {
        FormFieldType::Text => FieldType::Text,
        FormFieldType::Email => FieldType::Email,
        FormFieldType::Phone => FieldType::Phone,
        FormFieldType::Number => FieldType::Decimal,
        FormFieldType::Date => FieldType::Date,
        FormFieldType::Url => FieldType::Url,
        FormFieldType::Select => FieldType::Enum,
        FormFieldType::Checkbox => FieldType::Boolean,
    };
    let mut synonyms = vec![form.key.clone()];
    if let Some(base) = base {
        synonyms.extend(base.synonyms.iter().cloned());
    }
    let mut seen = HashSet::new();
    seen.insert(form.label.to_lowercase());
    synonyms.retain(|s| seen.insert(s.to_lowercase()));
    Field {
        key: form.key.clone(),
        label: form.label.clone(),
        kind,
        required: form.required,
        unique: false,
        repeatable: false,
        default: None,
        generated: None,
        max_length: (kind == FieldType::Text).then(|| base.and_then(|b| b.max_length).unwrap_or(500)),
        pattern: None,
        pattern_hint: None,
        formats: Vec::new(),
        options: form.options.iter().map(|o| EnumOption { value: o.clone(), aliases: Vec::new() }).collect(),
        synonyms,
        reference: None,
        unknown_message: None,
        help: None,
    }
}

/// A value of the field's type for the sample file.
fn example(field: &Field) -> String {
    match field.kind {
        FieldType::Email => "someone@example.com".into(),
        FieldType::Phone => "+1 202 555 0100".into(),
        FieldType::Integer | FieldType::Decimal => "12".into(),
        FieldType::Date | FieldType::Datetime => "2026-01-15".into(),
        FieldType::Url => "https://example.com".into(),
        FieldType::Boolean => "yes".into(),
        FieldType::Enum => field.options.first().map(|o| o.value.clone()).unwrap_or_default(),
        _ => "Example".into(),
    }
}

/// The workspace's `partner-leads` template.
pub async fn template_for(db: &Db, workspace_id: i64) -> Result<Template, AppError> {
    let mut conn = db.acquire().await?;
    template_in(conn.conn(), workspace_id).await
}

/// [`template_for`] on a connection (a batch's transaction).
pub async fn template_in(conn: Conn<'_>, workspace_id: i64) -> Result<Template, AppError> {
    let (fields, _) = form(conn, workspace_id).await?;
    derive(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv_import_core::template::Reference;

    fn field(label: &str, key: &str, kind: FormFieldType, required: bool) -> FormField {
        FormField { label: label.into(), key: key.into(), kind, required, options: Vec::new() }
    }

    #[test]
    fn the_default_form_derives_the_builtin_columns_with_the_two_ids_last() {
        let template = derive(&default_form()).unwrap();
        let keys: Vec<&str> = template.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["first_name", "last_name", "email", "company", "phone", "partner_id", "partner_user_id"]);
        assert_eq!(template.fields[0].label, "First name");
        assert!(template.fields[0].synonyms.iter().any(|s| s == "first_name"));
        assert_eq!(template.fields[5].label, "Partner ID");
        assert!(template.fields[5].required && template.fields[6].required);
        assert_eq!(template.fields[6].reference, Some(Reference::Named("partner_user".to_string())));
        let sample = csv_import_core::sample::sample_csv(&template);
        assert!(sample.starts_with("First name,Last name,Email,Company,Phone,Partner ID,Partner User ID\r\n"), "{sample}");
        assert!(sample.contains("grace.hopper@example.com"), "{sample}");
    }

    #[test]
    fn a_custom_form_decides_the_columns_the_required_ones_and_the_sample() {
        let mut budget = field("Budget band", "", FormFieldType::Select, true);
        budget.options = vec!["Small".into(), " small ".into(), "Large".into()];
        let form = clean_form(vec![
            field("Email", "email", FormFieldType::Email, true),
            field("Company size (people)", "", FormFieldType::Number, false),
            budget,
        ])
        .unwrap();
        assert_eq!(form[1].key, "company_size_people");
        assert_eq!(form[2].options, ["Small", "Large"]);
        let template = derive(&form).unwrap();
        let required: Vec<&str> = template.fields.iter().filter(|f| f.required).map(|f| f.key.as_str()).collect();
        assert_eq!(required, ["email", "budget_band", "partner_id", "partner_user_id"]);
        assert_eq!(template.fields[2].kind, FieldType::Enum);
        let sample = csv_import_core::sample::sample_csv(&template);
        let mut lines = sample.lines();
        assert_eq!(lines.next(), Some("Email,Company size (people),Budget band,Partner ID,Partner User ID"));
        assert_eq!(lines.next(), Some("grace.hopper@example.com,12,Small,P-1001,PU-2001"));
        // The sample is valid against the template it came from.
        let report = csv_import_core::report::check(sample.as_bytes(), &template, &Default::default());
        assert!(report.is_clean(), "{:?}", report.errors);
    }

    #[test]
    fn a_form_without_email_or_with_a_reserved_key_or_a_bare_select_is_refused() {
        let no_email = clean_form(vec![field("Company", "", FormFieldType::Text, true)]).unwrap_err();
        assert!(no_email.to_string().contains("key email"), "{no_email}");
        let reserved = clean_form(vec![
            field("Email", "email", FormFieldType::Email, true),
            field("Partner", "partner_id", FormFieldType::Text, false),
        ])
        .unwrap_err();
        assert!(reserved.to_string().contains("reserved"), "{reserved}");
        let select = clean_form(vec![
            field("Email", "email", FormFieldType::Email, true),
            field("Region", "", FormFieldType::Select, false),
        ])
        .unwrap_err();
        assert!(select.to_string().contains("Field 2 (Region)"), "{select}");
        let twice = clean_form(vec![
            field("Email", "email", FormFieldType::Email, true),
            field("E-mail", "email", FormFieldType::Email, false),
        ])
        .unwrap_err();
        assert!(twice.to_string().contains("Fields 1 and 2"), "{twice}");
    }
}
