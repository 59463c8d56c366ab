//! What the browser and the server say to each other: the inputs and outputs
//! of the server functions. Plain data, shared by both builds.

use csv_import_core::{Record, Template};
use serde::{Deserialize, Serialize};

/// A user's role in a workspace; it decides the permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May import with every template.
    Admin,
    /// A member of the workspace's team: imports with the templates whose
    /// permission is granted to staff (`access::grant`).
    Staff,
    /// May look, not import.
    Viewer,
    /// Someone from outside the workspace's team (a supplier's or a
    /// reseller's user): sees only the imports they started, and imports
    /// only with the templates whose permission is granted to this role.
    External,
}

impl Role {
    /// The role's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Viewer => "viewer",
            Role::External => "external",
        }
    }

    /// The role stored under this name.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            "viewer" => Some(Role::Viewer),
            "external" => Some(Role::External),
            _ => None,
        }
    }

    /// Whether the role sees the workspace's data and its import history
    /// (everyone's imports, and the notices when they finish); a role that
    /// does not sees only the imports its user started.
    pub fn sees_workspace(self) -> bool {
        self != Role::External
    }
}

/// The workspace a session works in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    /// Database id.
    pub id: i64,
    /// Short name in URLs, e.g. `acme`.
    pub slug: String,
    /// Display name, e.g. `Acme`.
    pub name: String,
}

/// Who is signed in, where, and as what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Database id of the user.
    pub user_id: i64,
    /// The user's email.
    pub email: String,
    /// The user's name.
    pub name: String,
    /// The workspace of the session.
    pub workspace: WorkspaceInfo,
    /// The user's role there.
    pub role: Role,
}

/// A template, and whether the current user may import with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateAccess {
    /// The template.
    pub template: Template,
    /// Whether the user may import with it.
    pub may_import: bool,
    /// Why not, when they may not.
    pub reason: Option<String>,
}

/// One page of a workspace's records of one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordPage {
    /// Column headers (the template's field labels).
    pub columns: Vec<String>,
    /// The rows, values as text in column order.
    pub rows: Vec<RecordRow>,
    /// How many records match the search.
    pub total: u64,
    /// 0-based page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// One stored record, for display.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordRow {
    /// Database id.
    pub id: i64,
    /// Values as text, in the page's column order.
    pub values: Vec<String>,
}

/// A combination of values of fields checked together (see
/// [`Template::checked_together`]) that do not go together, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedCombination {
    /// The values as sent, in the group's field order.
    pub values: Vec<String>,
    /// The index in `values` of the one to mark (the cell to fix).
    pub marked: usize,
    /// What is wrong and how to fix it, in the language asked for.
    pub message: String,
}

/// A row that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// Data row number in the file, 1-based.
    pub row: u64,
    /// What was wrong, one entry per problem.
    pub reasons: Vec<String>,
}

/// What the browser tells the server when an import starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartImport {
    /// The template's name.
    pub template: String,
    /// The file's name, for the history.
    pub file_name: String,
    /// Data rows in the file.
    pub total_rows: u64,
    /// Rows the browser found invalid and will not send, with their reasons.
    pub skipped: Vec<SkippedRow>,
    /// The modal's language: rows the server refuses at commit get their
    /// reasons in it.
    #[serde(default)]
    pub lang: csv_import_core::Lang,
    /// Where the row numbers the user saw differ from the data row numbers
    /// (a workbook's rows, as the spreadsheet numbers them): `[row, shown]`
    /// pairs, by row, each saying that from data row `row` on, data row `r`
    /// was shown as `shown + (r - row)`; at most [`MAX_SHOWN_ROWS`]. Empty:
    /// the data row numbers were shown. The error report uses them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown_rows: Vec<[u64; 2]>,
}

/// The most `[row, shown]` pairs of [`StartImport::shown_rows`].
pub const MAX_SHOWN_ROWS: usize = 10_000;

/// The number data row `row` was shown with, by `shown_rows` (see
/// [`StartImport::shown_rows`]).
pub fn shown_row(shown_rows: &[[u64; 2]], row: u64) -> u64 {
    let at = shown_rows.partition_point(|&[from, _]| from <= row);
    match at.checked_sub(1).map(|i| shown_rows[i]) {
        Some([from, shown]) => shown.saturating_add(row - from),
        None => row,
    }
}

/// More of the rows the browser skipped, for an import whose list is too
/// long to go with its start in one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoreSkips {
    /// The import, as [`ImportStarted`] named it.
    pub import_id: String,
    /// Rows the browser found invalid and will not send, with their reasons.
    pub skipped: Vec<SkippedRow>,
}

/// The most bytes of skipped rows the page puts in one request
/// ([`StartImport`] or [`MoreSkips`]): far under the body limit, and under
/// the 1 MB a proxy lets through by default.
pub const MAX_SKIPS_BYTES: usize = 512 * 1024;

/// The largest request body the server takes: 8 MiB. A batch's rows take
/// at most half of it (`max_batch_bytes` of [`ImportStarted`]), so that
/// every batch fits with its envelope. A proxy in front of the server must
/// let as much through.
pub const REQUEST_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The server's answer to [`StartImport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStarted {
    /// The import's id, to name in every batch.
    pub import_id: String,
    /// The most rows a batch may carry.
    pub max_batch_rows: u32,
    /// The most bytes of JSON a batch's rows may take (0 from a server that
    /// does not say: rows alone count).
    #[serde(default)]
    pub max_batch_bytes: u32,
}

/// One batch of valid, normalised rows.
#[derive(Clone, Debug, Deserialize)]
pub struct Batch {
    /// The import the batch belongs to.
    pub import_id: String,
    /// 0-based sequence number; a batch sent twice is applied once.
    pub seq: u32,
    /// The rows.
    pub rows: Vec<Record>,
    /// The rows as JSON records, sent in place of `rows` when set: the page
    /// passes on the worker's JSON as it is rather than reading thousands of
    /// records into its memory only to write them again (about 7 ms per
    /// 5,000 rows natively, on the page's main thread).
    #[serde(skip)]
    pub rows_json: Option<Vec<Box<serde_json::value::RawValue>>>,
}

impl Serialize for Batch {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut batch = serializer.serialize_struct("Batch", 3)?;
        batch.serialize_field("import_id", &self.import_id)?;
        batch.serialize_field("seq", &self.seq)?;
        match &self.rows_json {
            Some(json) => batch.serialize_field("rows", json)?,
            None => batch.serialize_field("rows", &self.rows)?,
        }
        batch.end()
    }
}

/// What one batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    /// New records.
    pub inserted: u64,
    /// Records changed.
    pub updated: u64,
    /// Records that already had these values.
    pub unchanged: u64,
    /// Rows the server refused, with their reasons.
    pub skipped: Vec<SkippedRow>,
    /// The batch had been applied before; nothing was done again.
    pub already_applied: bool,
}

/// The state of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Batches are arriving.
    Running,
    /// Every batch was committed.
    Done,
    /// Stopped by the user; committed batches stay.
    Cancelled,
}

/// An import as the history shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Its id.
    pub id: String,
    /// The template's name.
    pub template: String,
    /// The file's name.
    pub file_name: String,
    /// Who imported it.
    pub user_email: String,
    /// When it started (RFC 3339).
    pub created_at: String,
    /// When it ended (RFC 3339).
    pub finished_at: Option<String>,
    /// Running, done or cancelled.
    pub state: ImportState,
    /// Data rows in the file.
    pub total_rows: u64,
    /// New records.
    pub inserted: u64,
    /// Records changed.
    pub updated: u64,
    /// Records that already had these values.
    pub unchanged: u64,
    /// Rows not imported.
    pub skipped: u64,
    /// Each skipped row with its reasons (empty in lists).
    pub skipped_rows: Vec<SkippedRow>,
    /// A note for the user (e.g. "No invitation was sent").
    pub note: Option<String>,
    /// The background job of the import, when it runs in the background.
    #[serde(default)]
    pub job: Option<JobState>,
    /// Why the import stopped without committing its rows, when its rows
    /// were not the cause.
    #[serde(default)]
    pub failure: Option<ImportFailure>,
}

/// Why an import stopped for a cause that is not about its rows, and what
/// to do, as the Imports page and the notice show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFailure {
    /// What happened.
    pub cause: FailureCause,
    /// A message for the user, in the import's language.
    pub message: String,
}

/// What stopped an import, apart from its rows (rows the database refuses
/// are skipped with a reason, and the others are committed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCause {
    /// Its background job stopped on a fault of the server or the database
    /// (unreachable, ...) and was given up after its tries.
    Infrastructure,
    /// Its rows were staged but never queued; they were dropped after a day.
    Abandoned,
    /// The destination (a host's webhook receiver) refused the rows or could
    /// not be reached after several tries.
    Destination,
}

impl FailureCause {
    /// The cause's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCause::Infrastructure => "infrastructure",
            FailureCause::Abandoned => "abandoned",
            FailureCause::Destination => "destination",
        }
    }

    /// The cause stored under this name.
    pub fn parse(name: &str) -> Option<FailureCause> {
        match name {
            "infrastructure" => Some(FailureCause::Infrastructure),
            "abandoned" => Some(FailureCause::Abandoned),
            "destination" => Some(FailureCause::Destination),
            _ => None,
        }
    }
}

/// The state of a background import's job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a runner.
    Queued,
    /// A runner is committing the staged rows.
    Running,
    /// Every staged batch was committed.
    Done,
    /// It stopped on an error; the batches committed before stay.
    Failed,
}

impl JobState {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// The state stored under this name.
    pub fn parse(name: &str) -> Option<JobState> {
        match name {
            "queued" => Some(JobState::Queued),
            "running" => Some(JobState::Running),
            "done" => Some(JobState::Done),
            "failed" => Some(JobState::Failed),
            _ => None,
        }
    }
}

/// What `stage_batch` did with one batch of a background import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staged {
    /// Rows kept for the job.
    pub rows: u64,
    /// The batch had been staged before; the first version stays.
    pub already_staged: bool,
}

/// Background imports that finished since a time, for the in-page notice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FinishedImports {
    /// The server's time of the answer: the `since` of the next call.
    pub now: String,
    /// The imports whose job ended after `since`, oldest first.
    pub finished: Vec<ImportSummary>,
}

/// A demo account, listed on the sign-in page when the server runs in demo mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    /// The email to sign in with.
    pub email: String,
    /// Its password (the same for every demo account).
    pub password: String,
    /// Its role.
    pub role: Role,
    /// The workspace's display name.
    pub workspace: String,
}

#[cfg(test)]
mod tests {
    use super::{shown_row, Batch};

    #[test]
    fn rows_are_named_as_shown() {
        // A header on the sheet's row 4, a blank row 8 skipped.
        let shown = [[1, 5], [4, 9]];
        let named: Vec<u64> = (1..=5).map(|row| shown_row(&shown, row)).collect();
        assert_eq!(named, [5, 6, 7, 9, 10]);
        assert_eq!(shown_row(&[], 7), 7, "no pairs: the data row");
        assert_eq!(shown_row(&[[3, 10]], 2), 2, "before the first pair: the data row");
    }
    use csv_import_core::{check, Options, Template};
    use serde_json::value::RawValue;

    #[test]
    fn a_batch_of_json_rows_reaches_the_server_as_the_records_they_are() {
        let template = Template::from_toml(
            "name = \"people\"\nlabel = \"People\"\n[[fields]]\nkey = \"email\"\ntype = \"email\"\n[[fields]]\nkey = \"name\"\n",
        )
        .unwrap();
        let file = "Email,Name\nAnn@Example.com,\"Zoë \"\"Z\"\", Jr\"\nbob@example.com,\n".as_bytes();
        let records = check(file, &template, &Options::default()).records;
        assert_eq!(records.len(), 2);
        let json: Vec<Box<RawValue>> =
            records.iter().map(|r| RawValue::from_string(serde_json::to_string(r).unwrap()).unwrap()).collect();
        let as_records = Batch { import_id: "i".into(), seq: 3, rows: records.clone(), rows_json: None };
        let as_json = Batch { import_id: "i".into(), seq: 3, rows: Vec::new(), rows_json: Some(json) };
        let sent = serde_json::to_string(&as_json).unwrap();
        assert_eq!(sent, serde_json::to_string(&as_records).unwrap());
        let received: Batch = serde_json::from_str(&sent).unwrap();
        assert_eq!((received.import_id.as_str(), received.seq), ("i", 3));
        assert_eq!(received.rows, records);
        assert!(received.rows_json.is_none());
    }
}
