//! The `webhook` destination: each batch of checked rows is posted as JSON to
//! the receiver a template names ([`WebhookTarget`]), signed the Standard
//! Webhooks way, for hosts written in any language.
//!
//! The delivery happens before the batch's transaction (it must not hold
//! the database's write lock while a receiver answers), so a batch whose
//! transaction did not commit is posted again: the `webhook-id` header is
//! the same for every post of a batch (`<import id>-<seq>`), and a receiver
//! applies each id once. Timeouts, dropped connections, 429 and 5xx answers
//! are tried again with a growing pause; any other answer, or the last try,
//! stops the import with the receiver's own message.
//!
//! The receiver answers 2xx, with an optional JSON body that says which rows
//! it did not take (shown as skipped rows with its reasons) and which
//! updated or left a record unchanged (the others count as inserted):
//! `{"rejected": [{"row": 7, "reason": "..."}], "updated": [3], "unchanged": [4]}`.

use super::db::Db;
use super::destination::{file_rejected, Batch, BoxFuture, Destination, Prepared, Rows};
use crate::model::{BatchResult, SkippedRow};
use crate::AppError;
use csv_import_core::{Template, WebhookTarget};
use serde::{Deserialize, Serialize};
use super::db::Conn;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// The name templates give to post their rows to [`Template::webhook`].
pub const NAME: &str = "webhook";

/// Where the signing secret is read from, unless the template names another
/// variable or the destination was given one.
pub const SECRET_ENV: &str = "CSV_IMPORT_WEBHOOK_SECRET";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_ATTEMPTS: u32 = 5;
/// Rows per delivery: a few hundred kilobytes of JSON, which receivers'
/// usual body limits take.
const WEBHOOK_BATCH_ROWS: u32 = 500;

/// The most tries a template may ask for (a batch waits through them).
const MAX_ATTEMPTS: u32 = 10;
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);
/// The longest answer read from a receiver (a batch's rejections with
/// their reasons fit many times over).
const MAX_ANSWER: usize = 1024 * 1024;

/// Posts a template's rows to its receiver. Registered as [`NAME`] by
/// default; a host may register more under other names, each with its own
/// secret ([`Webhook::with_secret`]).
pub struct Webhook {
    name: String,
    secret: Option<String>,
    client: reqwest::Client,
}

impl Webhook {
    /// A webhook destination registered as `name`, whose secret is read from
    /// the environment ([`WebhookTarget::secret_env`], else [`SECRET_ENV`]).
    pub fn new(name: impl Into<String>) -> Webhook {
        let client = reqwest::Client::builder()
            // A receiver answers itself: a redirect would send signed rows
            // to an address no template named.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("csv-import/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Webhook { name: name.into(), secret: None, client }
    }

    /// Sign with `secret` (`whsec_` and base64, as the receiver has it)
    /// rather than one from the environment.
    pub fn with_secret(mut self, secret: impl Into<String>) -> Webhook {
        self.secret = Some(secret.into());
        self
    }

    fn signer(&self, target: &WebhookTarget) -> Result<standardwebhooks::Webhook, AppError> {
        let secret = match &self.secret {
            Some(secret) => secret.clone(),
            None => {
                let var = target.secret_env.as_deref().unwrap_or(SECRET_ENV);
                std::env::var(var).map_err(|_| {
                    AppError::internal("webhook", format!("no signing secret: set {var} (whsec_ and base64)"))
                })?
            }
        };
        standardwebhooks::Webhook::new(&secret).map_err(|e| AppError::internal("webhook secret", e))
    }
}

/// Why the registered template `name` could not post its rows to its
/// receiver: the environment variable of its signing secret is not set.
/// (A secret given in Rust, [`Webhook::with_secret`], is not looked at.)
pub fn missing_secret(name: &str) -> Option<String> {
    let template = super::templates::get(name)?;
    let webhook = template.webhook.as_ref()?;
    let var = webhook.secret_env.as_deref().unwrap_or(SECRET_ENV);
    std::env::var(var).map_or(true, |v| v.trim().is_empty()).then(|| {
        format!("template {name} posts its rows to a webhook, but {var} (its signing secret, whsec_ and base64) is not set")
    })
}

/// What is posted: the Standard Webhooks envelope around one batch.
#[derive(Serialize)]
struct Envelope<'a> {
    r#type: &'static str,
    timestamp: &'a str,
    data: Payload<'a>,
}

#[derive(Serialize)]
struct Payload<'a> {
    import_id: &'a str,
    seq: u32,
    template: &'a str,
    workspace_id: i64,
    user_id: i64,
    rows: Vec<PostedRow<'a>>,
}

#[derive(Serialize)]
struct PostedRow<'a> {
    row: u64,
    values: BTreeMap<&'a str, Option<&'a str>>,
}

/// The receiver's answer to a batch.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Answer {
    rejected: Vec<Rejected>,
    updated: Vec<u64>,
    unchanged: Vec<u64>,
}

#[derive(Deserialize)]
struct Rejected {
    row: u64,
    #[serde(default)]
    reason: String,
}

/// Why a try did not deliver the batch.
enum Failure {
    /// Worth another try: a timeout, a dropped connection, 429 or 5xx.
    Transient(String),
    /// The receiver refused the batch; trying again would not help.
    Refused(String),
}

/// The receiver's host, for messages (never the path or query, which may
/// carry a token).
fn host_of(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => "the receiver".to_string(),
    }
}

fn answer_text(body: &[u8]) -> String {
    super::clean_text(&String::from_utf8_lossy(&body[..body.len().min(4096)]), 300)
}

impl Webhook {
    async fn post_once(
        &self,
        url: &reqwest::Url,
        timeout: Duration,
        signer: &standardwebhooks::Webhook,
        id: &str,
        body: &[u8],
    ) -> Result<Answer, Failure> {
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = signer.sign(id, timestamp, body).map_err(|e| Failure::Refused(e.to_string()))?;
        let sent = self
            .client
            .post(url.clone())
            .timeout(timeout)
            .header("content-type", "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, id)
            .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp.to_string())
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, signature)
            .body(body.to_vec())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return Err(Failure::Transient(format!("no answer within {} ms", timeout.as_millis()))),
            Err(e) if e.is_connect() => return Err(Failure::Transient("the connection was refused".to_string())),
            Err(_) => return Err(Failure::Transient("the connection was dropped".to_string())),
        };
        let status = response.status();
        // Read at most MAX_ANSWER: a receiver's answer is a short list.
        let mut response = response;
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > MAX_ANSWER => {
                    return Err(Failure::Refused(format!("it answered {status} with more than {MAX_ANSWER} bytes")));
                }
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(Failure::Transient(format!("no answer within {} ms", timeout.as_millis())));
                }
                Err(_) => return Err(Failure::Transient("the connection was dropped".to_string())),
            }
        }
        let said = answer_text(&body);
        let answered = if said.is_empty() { status.to_string() } else { format!("{status}: {said}") };
        if status.is_success() {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Answer::default());
            }
            return serde_json::from_slice(&body).map_err(|e| {
                Failure::Refused(format!("its answer is not the JSON expected ({e}), so what it stored is unknown"))
            });
        }
        if status.is_server_error() || status.as_u16() == 429 || status.as_u16() == 408 {
            return Err(Failure::Transient(format!("it answered {answered}")));
        }
        Err(Failure::Refused(format!("it answered {answered}")))
    }

    /// Post the batch until the receiver takes it, or give up.
    async fn deliver(&self, batch: &Batch<'_>, rows: &Rows) -> Result<Answer, AppError> {
        let target = batch.template.webhook.as_ref().ok_or_else(|| {
            AppError::internal("webhook", format!("template {} has no webhook receiver", batch.template.name))
        })?;
        let url = reqwest::Url::parse(&target.url)
            .map_err(|e| AppError::internal("webhook", format!("{}: bad url: {e}", batch.template.name)))?;
        let signer = self.signer(target)?;
        let fields: Vec<&str> = batch.template.fields.iter().map(|f| f.key.as_str()).collect();
        let posted = rows
            .iter()
            .map(|(row, values)| PostedRow {
                row: *row,
                values: fields.iter().copied().zip(values.iter().map(|v| v.as_deref())).collect(),
            })
            .collect();
        let envelope = Envelope {
            r#type: "import.rows",
            timestamp: batch.now,
            data: Payload {
                import_id: batch.import_id,
                seq: batch.seq,
                template: &batch.template.name,
                workspace_id: batch.workspace_id,
                user_id: batch.user_id,
                rows: posted,
            },
        };
        let body = serde_json::to_vec(&envelope).map_err(|e| AppError::internal("webhook payload", e))?;
        let id = format!("{}-{}", batch.import_id, batch.seq);
        let timeout = target.timeout_ms.map(Duration::from_millis).unwrap_or(DEFAULT_TIMEOUT);
        let attempts = target.max_attempts.unwrap_or(DEFAULT_ATTEMPTS).clamp(1, MAX_ATTEMPTS);
        let host = host_of(&url);
        let mut pause = FIRST_PAUSE;
        for attempt in 1..=attempts {
            match self.post_once(&url, timeout, &signer, &id, &body).await {
                Ok(answer) => return Ok(answer),
                Err(Failure::Refused(why)) => {
                    tracing::warn!("import {} batch {}: {host} refused it: {why}", batch.import_id, batch.seq);
                    return Err(AppError::Destination(format!("The receiver at {host} refused the rows: {why}.")));
                }
                Err(Failure::Transient(why)) if attempt == attempts => {
                    tracing::warn!("import {} batch {}: {host} failed {attempts} times: {why}", batch.import_id, batch.seq);
                    return Err(AppError::Destination(format!(
                        "The receiver at {host} did not take the rows after {attempts} tries (last: {why})."
                    )));
                }
                Err(Failure::Transient(why)) => {
                    tracing::info!("import {} batch {}: try {attempt} at {host}: {why}", batch.import_id, batch.seq);
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
        unreachable!("the last try returns")
    }
}

/// The receiver's answer, kept for [`Destination::write`].
struct Delivered(Answer);

impl Destination for Webhook {
    fn name(&self) -> &str {
        &self.name
    }

    /// A receiver is needed; references to stored records cannot be checked
    /// by a receiver, so a template with them goes elsewhere.
    fn accepts(&self, template: &Template) -> bool {
        template.webhook.is_some() && template.fields.iter().all(|f| f.reference.is_none())
    }

    /// The receiver decides what a key means.
    fn matches_by_key(&self) -> bool {
        false
    }

    /// A receiver takes each batch in one request, within its own body limit
    /// and timeout.
    fn max_batch_rows(&self) -> u32 {
        WEBHOOK_BATCH_ROWS
    }

    fn prepare<'a>(
        &'a self,
        _db: &'a Db,
        batch: &'a Batch<'a>,
        rows: &'a Rows,
    ) -> Option<BoxFuture<'a, Result<Prepared, AppError>>> {
        Some(Box::pin(async move {
            if rows.is_empty() {
                return Ok(Prepared::new(Delivered(Answer::default())));
            }
            Ok(Prepared::new(Delivered(self.deliver(batch, rows).await?)))
        }))
    }

    fn write<'a>(
        &'a self,
        _conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        mut skipped: Vec<SkippedRow>,
        prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(async move {
            let Some(Delivered(answer)) = prepared.get::<Delivered>() else {
                // Not posted: the file is refused as a whole.
                return Ok(file_rejected(batch.lang, skipped, rows.into_iter().map(|(row, _)| row)));
            };
            let sent: HashSet<u64> = rows.iter().map(|(row, _)| *row).collect();
            let mut rejected: HashMap<u64, Vec<String>> = HashMap::new();
            for r in answer.rejected.iter().filter(|r| sent.contains(&r.row)) {
                let reason = super::clean_text(&r.reason, 300);
                let reason = if reason.is_empty() { "Refused by the receiver.".to_string() } else { reason };
                rejected.entry(r.row).or_default().push(reason);
            }
            let updated: HashSet<u64> = answer.updated.iter().copied().collect();
            let unchanged: HashSet<u64> = answer.unchanged.iter().copied().collect();
            let mut result = BatchResult::default();
            for (row, _) in rows {
                if let Some(reasons) = rejected.remove(&row) {
                    skipped.push(SkippedRow { row, reasons });
                } else if updated.contains(&row) {
                    result.updated += 1;
                } else if unchanged.contains(&row) {
                    result.unchanged += 1;
                } else {
                    result.inserted += 1;
                }
            }
            skipped.sort_by_key(|s| s.row);
            result.skipped = skipped;
            Ok(result)
        })
    }
}
