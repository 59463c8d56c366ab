//! The demo data: workspace "Acme" with an admin, a staff member and a
//! viewer, workspace "Globex" with an admin (for cross-workspace checks),
//! a few clients, leads and companies in Acme, and four more Acme members
//! to import as coaching leads and coaches ([`MEMBERS`]), and two partners
//! whose first has a user who signs in with the partner role
//! (`partners::PARTNERS`). Every demo account has
//! the password [`PASSWORD`]. Seeding twice changes nothing.

use crate::backend::auth::{ensure_workspace, hash_password_async, insert_user, set_membership};
use crate::backend::db::Db;
use crate::backend::records::{self, RecordTable};
use crate::model::{DemoAccount, Role};
use crate::on_pool;
use crate::AppError;

/// The password of every demo account; shown on the sign-in page in demo mode.
pub const PASSWORD: &str = "demo-password";

/// The demo accounts: email, name, role, workspace slug, workspace name.
pub const ACCOUNTS: [(&str, &str, Role, &str, &str); 5] = [
    ("admin@acme.test", "Ada Admin", Role::Admin, "acme", "Acme"),
    ("staff@acme.test", "Sam Staff", Role::Staff, "acme", "Acme"),
    ("viewer@acme.test", "Vic Viewer", Role::Viewer, "acme", "Acme"),
    ("admin@globex.test", "Gil Globex", Role::Admin, "globex", "Globex"),
    // On partner P-1001's team as PU-2001: imports leads for that partner only.
    ("partner@northwind.test", "Nora North", Role::External, "acme", "Acme"),
];

/// More Acme members (viewers, not listed on the sign-in page) to import as
/// coaching leads and coaches: the `coaching-leads` sample file names them.
pub const MEMBERS: [(&str, &str); 4] = [
    ("dana.lead@example.com", "Dana Lead"),
    ("eli.lead@example.com", "Eli Lead"),
    ("coach.amy@example.com", "Amy Coach"),
    ("coach.ben@example.com", "Ben Coach"),
];

/// What `serve` prints when demo mode is on: anyone who reaches the
/// server can sign in with the accounts it lists.
pub fn warning() -> String {
    let rule = "!".repeat(78);
    format!(
        "{rule}\n!! DEMO MODE IS ON: anyone who can reach this server can sign in as {} (admin)\n\
         !! and the other demo accounts with the password \"{PASSWORD}\"; the sign-in page\n\
         !! lists them. Use it only to try csv-import on your own machine: restart\n\
         !! without --demo (and without CSV_IMPORT_DEMO=1) for real data.\n{rule}",
        ACCOUNTS[0].0
    )
}

/// The demo accounts as the sign-in page shows them.
pub fn accounts() -> Vec<DemoAccount> {
    ACCOUNTS
        .iter()
        .map(|(email, _, role, _, workspace)| DemoAccount {
            email: email.to_string(),
            password: PASSWORD.to_string(),
            role: *role,
            workspace: workspace.to_string(),
        })
        .collect()
}

/// Sample records of Acme, per table, values in the template's field order.
const RECORDS: [(&str, &[&[&str]]); 3] = [
    (
        "clients",
        &[
            &["Dana", "Whitfield", "dana.whitfield@example.net", "+1 212 555 0134", "Whitfield & Co"],
            &["Eitan", "Mor", "eitan.mor@example.org", "", "Blue Harbor"],
            &["Freya", "Lindqvist", "freya.lindqvist@example.se", "+46 8 123 456 78", ""],
        ],
    ),
    (
        "leads",
        &[
            &["Hiro", "Tanaka", "hiro.tanaka@example.jp", "", "Kumo Systems", "Trade show", "new"],
            &["Inès", "Moreau", "ines.moreau@example.fr", "+33 1 23 45 67 89", "Atelier Moreau", "Website", "contacted"],
        ],
    ),
    (
        "companies",
        &[
            &["Blue Harbor", "https://blueharbor.example.org", "hello@blueharbor.example.org", "", "12 Quay Street", "Portland", "United States"],
            &["Kumo Systems", "https://kumo.example.jp", "", "+81 3 1234 5678", "", "Tokyo", "Japan"],
        ],
    ),
];

/// Create what is missing of the demo data. Existing users keep their
/// password and role; a table that already has records in Acme gets no
/// sample records.
pub async fn seed(db: &Db) -> Result<(), AppError> {
    let mut hash: Option<String> = None;
    let members = MEMBERS.iter().map(|(email, name)| (*email, *name, Role::Viewer, "acme", "Acme"));
    for (email, name, role, slug, workspace_name) in ACCOUNTS.into_iter().chain(members) {
        let (workspace_id, _) = ensure_workspace(db, slug, Some(workspace_name)).await?;
        let existing: Option<i64> =
            on_pool!(db.pool, p => sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(p).await)?;
        let user_id = match existing {
            Some(id) => id,
            None => {
                // One hash serves every demo account: they share a published
                // password anyway, and hashing is slow by design.
                if hash.is_none() {
                    hash = Some(hash_password_async(PASSWORD.to_string()).await?);
                }
                insert_user(db, email, name, hash.as_deref().unwrap_or_default()).await?
            }
        };
        let member: Option<String> =
            on_pool!(db.pool, p => sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
                .bind(workspace_id)
                .bind(user_id)
                .fetch_optional(p)
                .await)?;
        if member.is_none() {
            set_membership(db, workspace_id, user_id, role).await?;
        }
    }

    let (acme, _) = ensure_workspace(db, "acme", Some("Acme")).await?;
    let now = crate::backend::now();
    for (name, rows) in RECORDS {
        let template = crate::backend::access::template(name)?;
        let Some(table) = records::table_for(&template) else { continue };
        if has_records(db, table, acme).await? {
            continue;
        }
        let values: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|row| row.iter().map(|v| (!v.is_empty()).then(|| v.to_string())).collect())
            .collect();
        let mut conn = db.acquire().await?;
        records::insert_many(conn.conn(), &template, table, acme, &values, &now).await?;
    }
    // The tags the `client-accounts` sample file names (added if missing).
    for tag in TAGS {
        super::client_accounts::add_tag(db, acme, tag).await?;
    }
    // A few CRM clients, added when their email is missing.
    super::crm::seed(db, acme, &CRM_CLIENTS, &now).await?;
    // Partners with their teams and a few leads.
    super::partners::seed(db, acme).await?;
    Ok(())
}

/// CRM clients of Acme, values in the `crm-clients` template's field order
/// (the ID is made when seeded).
pub const CRM_CLIENTS: [[&str; 11]; 3] = [
    ["", "John", "Doe", "", "john.doe@acme-clients.test", "john.doe", "default", "default", "true", "personal", "2024-06-13T15:06:02.802Z"],
    ["", "Emma", "Smith", "Rose", "emma.smith@acme-clients.test", "emma.s", "default", "default", "false", "personal", "2024-07-01T07:33:52.343Z"],
    ["", "Michael", "Brown", "", "michael.brown@acme-clients.test", "michael.brown", "default", "default", "true", "corporate", "2024-07-05T05:29:59.572Z"],
];

/// Tags of Acme, so that the `client-accounts` sample imports clean.
pub const TAGS: [&str; 2] = ["vip", "newsletter"];

async fn has_records(db: &Db, table: RecordTable, workspace_id: i64) -> Result<bool, AppError> {
    let sql = format!("SELECT COUNT(*) FROM {} WHERE workspace_id = $1", table.name);
    let count: i64 = on_pool!(db.pool, p => sqlx::query_scalar(&sql).bind(workspace_id).fetch_one(p).await)?;
    Ok(count > 0)
}
