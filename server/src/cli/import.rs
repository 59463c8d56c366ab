//! `csv-import import`: a file imported from the command line through the
//! same pipeline as the modal's (core's check, the server's re-check, the
//! template's destination, the import history and its error report), for
//! admins who automate a nightly file.

use super::{read_input, ReadArgs};
use crate::error::Error;
use app::model::{SkippedRow, StartImport};
use csv_import_core::map::Override;
use csv_import_core::report::{check, Options};
use csv_import_core::sniff::parse_delimiter;
use csv_import_core::{messages, Lang};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// What `csv-import import` is asked to do.
pub struct ImportArgs<'a> {
    /// How to read the file.
    pub read: &'a ReadArgs,
    /// The template's name.
    pub template: &'a str,
    /// `HEADER=FIELD` overrides of the mapping.
    pub map: &'a [String],
    /// The workspace's slug.
    pub workspace: &'a str,
    /// The member the import is recorded as; the workspace's first admin if none.
    pub user: Option<&'a str>,
    /// The database URL.
    pub database_url: &'a str,
    /// The file (`-`: standard input).
    pub file: &'a str,
}

/// `csv-import import`: exit 0 when every row was imported, 1 when some
/// were skipped, 2 for a file error or bad usage.
pub fn import(args: &ImportArgs) -> Result<ExitCode, Error> {
    let template = app::backend::access::template(args.template).map_err(|e| Error::Template(e.to_string()))?;
    let overrides = args.map.iter().map(|m| Override::parse(m).map_err(Error::Usage)).collect::<Result<Vec<_>, _>>()?;
    let options = Options {
        encoding: args.read.encoding.clone(),
        delimiter: args.read.delimiter.as_deref().map(parse_delimiter).transpose().map_err(Error::Usage)?,
        overrides,
        now: crate::now_rfc3339(),
        ..Options::default()
    };
    let bytes = read_input(args.file)?;
    let report = check(&bytes, &template, &options);
    if !report.file_errors.is_empty() {
        for error in &report.file_errors {
            eprintln!("{}: {}", args.file, error.message);
        }
        return Ok(ExitCode::from(2));
    }
    let skipped = skipped_rows(&report.errors);
    let file_name = std::path::Path::new(args.file).file_name().map_or("-".into(), |n| n.to_string_lossy().into_owned());

    super::runtime()?.block_on(async {
        let db = crate::db::connect(args.database_url).await?;
        let session = app::backend::auth::member_session(&db, args.workspace, args.user).await?.ok_or_else(|| {
            Error::Usage(match args.user {
                Some(email) => format!("{email} is not a member of the workspace {:?}", args.workspace),
                None => format!("the workspace {:?} does not exist or has no admin; name a member with --as", args.workspace),
            })
        })?;
        if let Some(reason) = app::backend::access::refusal(session.role, &template) {
            return Err(Error::Usage(reason));
        }
        let template = app::backend::access::for_workspace(&db, session.workspace.id, template).await?;
        let input = StartImport {
            template: template.name.clone(),
            file_name,
            total_rows: report.rows.total,
            skipped,
            lang: Lang::En,
            shown_rows: Vec::new(),
        };
        let started = app::backend::imports::start(&db, &session, &template, &input).await?;
        let batch_rows = started.max_batch_rows as usize;
        for (seq, rows) in report.records.chunks(batch_rows).enumerate() {
            let head = app::backend::imports::find(&db, &session, &started.import_id).await?;
            let seq = u32::try_from(seq).map_err(|_| Error::Usage("too many batches".into()))?;
            app::backend::imports::commit(&db, &head, &template, seq, rows).await?;
        }
        let head = app::backend::imports::find(&db, &session, &started.import_id).await?;
        app::backend::imports::finish(&db, &head, false, app::backend::imports::By::Sender).await?;
        let summary = app::backend::imports::summary(&db, &head).await?;
        println!(
            "Import {} of {}: {} added, {} updated, {} unchanged, {} skipped.",
            summary.id, summary.file_name, summary.inserted, summary.updated, summary.unchanged, summary.skipped
        );
        for skipped in summary.skipped_rows.iter().take(20) {
            println!("  row {}: {}", skipped.row, skipped.reasons.join(" "));
        }
        if summary.skipped_rows.len() > 20 {
            println!("  ... and {} more rows (the import's error report lists them all)", summary.skipped_rows.len() - 20);
        }
        Ok(ExitCode::from(if summary.skipped > 0 { 1 } else { 0 }))
    })
}

/// The rows core found invalid, with a reason per problem, as the modal
/// reports them when it starts an import.
fn skipped_rows(errors: &[csv_import_core::RowError]) -> Vec<SkippedRow> {
    let mut by_row: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for error in errors {
        let reason = match &error.header {
            Some(header) => messages::reason(Lang::En, header, &error.message),
            None => error.message.clone(),
        };
        by_row.entry(error.row).or_default().push(reason);
    }
    by_row.into_iter().map(|(row, reasons)| SkippedRow { row, reasons }).collect()
}

