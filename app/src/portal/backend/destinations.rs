//! The demo portal as a host of the importer: the destinations its
//! templates name (coaching pairs, client accounts, CRM clients and partner
//! leads), each handing a batch to the module that stores that entity.

use crate::backend::db::{Conn, Db};
use crate::backend::destination::{cannot_check, with_skipped, Asker, Batch, BoxFuture, Destination, Prepared, Rows};
use crate::model::{BatchResult, RefusedCombination, SessionInfo, SkippedRow};
use crate::AppError;
use csv_import_core::template::Reference;
use csv_import_core::{Lang, Template};
use std::sync::Arc;

/// The import permissions the portal grants besides the importer's own: a
/// partner's user (the external role) imports partner leads.
pub fn grants() -> Vec<(crate::model::Role, &'static str)> {
    vec![(crate::model::Role::External, "import_partner_leads")]
}

/// Every destination of the portal, registered at start-up.
pub fn destinations() -> Vec<Arc<dyn Destination>> {
    vec![Arc::new(CoachingPairs), Arc::new(ClientAccounts), Arc::new(CrmClients), Arc::new(PartnerLeads)]
}

/// Coaching leads and their coaches: one lead has a row per coach.
struct CoachingPairs;

impl Destination for CoachingPairs {
    fn name(&self) -> &str {
        super::coaching::ENTITY
    }

    fn matches_by_key(&self) -> bool {
        false
    }

    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(async move {
            let result =
                super::coaching::commit(conn, batch.workspace_id, batch.template, rows, batch.now, batch.lang).await?;
            Ok(with_skipped(result, skipped))
        })
    }
}

/// Client accounts with their tags, attributes and initial passwords.
struct ClientAccounts;

impl Destination for ClientAccounts {
    fn name(&self) -> &str {
        super::client_accounts::ENTITY
    }

    fn matches_by_key(&self) -> bool {
        false
    }

    // Each row's password is hashed (argon2) before the batch: a small
    // batch keeps a request within seconds.
    fn max_batch_rows(&self) -> u32 {
        500
    }

    // argon2 would hold SQLite's write lock for seconds inside the batch.
    fn prepare<'a>(
        &'a self,
        db: &'a Db,
        batch: &'a Batch<'a>,
        rows: &'a Rows,
    ) -> Option<BoxFuture<'a, Result<Prepared, AppError>>> {
        Some(Box::pin(async move {
            let passwords = super::client_accounts::hash_passwords(db, batch.workspace_id, batch.template, rows).await?;
            Ok(Prepared::new(passwords))
        }))
    }

    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(async move {
            let none = super::client_accounts::Passwords::default();
            let passwords = prepared.get::<super::client_accounts::Passwords>().unwrap_or(&none);
            let result = super::client_accounts::commit(
                conn,
                batch.workspace_id,
                batch.template,
                rows,
                batch.records,
                passwords,
                batch.now,
                batch.lang,
            )
            .await?;
            Ok(with_skipped(result, skipped))
        })
    }

    fn unknown_references<'a>(
        &'a self,
        conn: Conn<'a>,
        asker: Asker,
        template: &'a Template,
        name: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            if name != "tag" {
                return Err(cannot_check(template, name));
            }
            let known = super::client_accounts::tag_ids(conn, asker.workspace_id, values).await?;
            Ok(crate::backend::references::not_in(values, &known))
        })
    }
}

/// CRM clients: added, or updated by their client number.
struct CrmClients;

impl Destination for CrmClients {
    fn name(&self) -> &str {
        super::crm::ENTITY
    }

    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(async move {
            let result = super::crm::commit(conn, batch.workspace_id, batch.template, rows, batch.now, batch.lang).await?;
            Ok(with_skipped(result, skipped))
        })
    }

    // Only the CRM clients template refers to records (its own IDs).
    fn unknown_references<'a>(
        &'a self,
        conn: Conn<'a>,
        asker: Asker,
        template: &'a Template,
        name: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            match name {
                "record" => super::crm::unknown_ids(conn, asker.workspace_id, values).await,
                _ => Err(cannot_check(template, name)),
            }
        })
    }
}

/// Partner leads: pending leads registered by a partner's users, following
/// the workspace's lead registration form; one bad row rejects the file.
struct PartnerLeads;

impl Destination for PartnerLeads {
    fn name(&self) -> &str {
        super::partners::ENTITY
    }

    fn matches_by_key(&self) -> bool {
        false
    }

    fn template_for<'a>(
        &'a self,
        db: &'a Db,
        workspace_id: i64,
        _template: Template,
    ) -> BoxFuture<'a, Result<Template, AppError>> {
        Box::pin(super::lead_form::template_for(db, workspace_id))
    }

    fn write<'a>(
        &'a self,
        conn: Conn<'a>,
        batch: &'a Batch<'a>,
        rows: Rows,
        skipped: Vec<SkippedRow>,
        _prepared: &'a Prepared,
    ) -> BoxFuture<'a, Result<BatchResult, AppError>> {
        Box::pin(super::partners::commit(
            conn,
            batch.workspace_id,
            batch.user_id,
            batch.import_id,
            batch.template,
            rows,
            skipped,
            batch.now,
            batch.lang,
        ))
    }

    // A Partner User ID must be on the team of the row's Partner ID, and a
    // partner's user may name only their own partner.
    fn refused_combinations<'a>(
        &'a self,
        conn: Conn<'a>,
        session: &'a SessionInfo,
        template: &'a Template,
        group: &'a [String],
        combinations: &'a [Vec<String>],
        lang: Lang,
    ) -> BoxFuture<'a, Result<Vec<RefusedCombination>, AppError>> {
        Box::pin(async move {
            let at = |reference: Reference| {
                group.iter().position(|k| template.field(k).is_some_and(|f| f.reference.as_ref() == Some(&reference)))
            };
            let (Some(partner), Some(user)) = (at(Reference::Named("partner".into())), at(Reference::Named("partner_user".into()))) else {
                return Err(AppError::BadRequest(
                    "Partner leads check a Partner ID and a Partner User ID together.".to_string(),
                ));
            };
            let pairs: Vec<(String, String)> =
                combinations.iter().map(|c| (c[partner].clone(), c[user].clone())).collect();
            let problems = super::partners::pair_problems(conn, session.workspace.id, session.user_id, &pairs, lang).await?;
            Ok(problems
                .into_iter()
                .map(|(i, marked, message)| RefusedCombination {
                    values: combinations[i].clone(),
                    marked: if marked == 0 { partner } else { user },
                    message,
                })
                .collect())
        })
    }

    fn existing<'a>(
        &'a self,
        db: &'a Db,
        session: &'a SessionInfo,
        _template: &'a Template,
        field: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            if field != "email" {
                return Err(AppError::BadRequest(
                    "Partner leads are matched by their email: ask about the field email.".into(),
                ));
            }
            super::partners::existing_emails(db, session, &values).await
        })
    }

    // Partner and partner user IDs; whether a user belongs to the row's
    // partner is a check of the pair (`refused_combinations`).
    fn unknown_references<'a>(
        &'a self,
        conn: Conn<'a>,
        asker: Asker,
        template: &'a Template,
        name: &'a str,
        values: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, AppError>> {
        Box::pin(async move {
            let users = match name {
                "partner" => false,
                "partner_user" => true,
                _ => return Err(cannot_check(template, name)),
            };
            super::partners::unknown(conn, asker, users, values).await
        })
    }
}
