//! Sample files: a header and a few rows that validate clean.

use crate::template::{FieldType, Template};

/// The template's sample file as CSV text (comma-separated, `\r\n` line
/// ends as spreadsheets write them). Templates without sample rows get one
/// row made from the field types.
///
/// ```
/// let template = csv_import_core::builtin::get("coaching-leads").unwrap();
/// let csv = csv_import_core::sample::sample_csv(&template);
/// assert!(csv.starts_with("Lead Email,Coach Email\r\n"));
/// ```
pub fn sample_csv(template: &Template) -> String {
    let (header, rows) = match &template.sample {
        Some(sample) => {
            let header = if sample.header.is_empty() {
                template.fields.iter().map(|f| f.header().to_string()).collect()
            } else {
                sample.header.clone()
            };
            (header, sample.rows.clone())
        }
        None => {
            let header = template.fields.iter().map(|f| f.header().to_string()).collect();
            let row = template.fields.iter().map(|f| example(f.kind, &f.options)).collect();
            (header, vec![row])
        }
    };
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in std::iter::once(&header).chain(rows.iter()) {
        writer.write_record(record).expect("writing CSV to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing CSV to memory")).expect("UTF-8 cells")
}

fn example(kind: FieldType, options: &[crate::template::EnumOption]) -> String {
    match kind {
        FieldType::Text => "Example",
        FieldType::Email => "someone@example.com",
        FieldType::Integer => "42",
        FieldType::Decimal => "12.5",
        FieldType::Boolean => "true",
        FieldType::Date => "2024-07-17",
        FieldType::Datetime => "2024-07-17T09:30:00Z",
        FieldType::Enum => return options.first().map(|o| o.value.clone()).unwrap_or_default(),
        FieldType::Password => "Change#Me1",
        FieldType::Phone => "+1 202 555 0143",
        FieldType::Url => "https://example.com",
        FieldType::Id => "ID-1",
    }
    .to_string()
}
