//! What made a batch's commit fail: a row the database refused (skipped
//! with a reason, its neighbours committed) or a fault of the server.

use crate::AppError;
use csv_import_core::{Lang, Template};
use std::cell::Cell;

/// What made a batch's commit fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The values of a row: the database refused it. The row is skipped with
    /// a reason and the other rows of the batch are committed.
    Row(RowFault),
    /// Not about rows: the database could not be reached, a server fault.
    /// The batch stores nothing; a background job stops (and is tried again).
    Infrastructure,
}

/// Why the database refused a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFault {
    /// A value that must be unique is taken (a unique index the browser's
    /// check cannot see, or a record another import added at that moment).
    Duplicate,
    /// A value breaks another rule of the database (a constraint, a value
    /// the column cannot hold).
    Refused,
}

tokio::task_local! {
    /// The fault of the last database error turned into an [`AppError`]
    /// while a batch is committed: the error itself says nothing to the
    /// caller (a 500), but the commit must know whether a row caused it.
    pub(super) static LAST_FAULT: Cell<Option<Fault>>;
}

/// Note what caused a database error, for the batch being committed (if
/// any) on this task. Called wherever a `sqlx::Error` becomes an
/// [`AppError`].
pub fn note_database_error(error: &sqlx::Error) {
    let _ = LAST_FAULT.try_with(|last| last.set(Some(fault_of(error))));
}

/// Whether a database error was caused by the values written (a constraint
/// or a value the database cannot store) or by anything else.
pub fn fault_of(error: &sqlx::Error) -> Fault {
    use sqlx::error::ErrorKind;
    let sqlx::Error::Database(db_error) = error else {
        return Fault::Infrastructure;
    };
    match db_error.kind() {
        ErrorKind::UniqueViolation => return Fault::Row(RowFault::Duplicate),
        ErrorKind::ForeignKeyViolation | ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
            return Fault::Row(RowFault::Refused);
        }
        _ => {}
    }
    if let Some(pg) = db_error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        // SQLSTATE classes 22 (data exception: a value the column cannot
        // hold) and 23 (integrity constraint violation).
        if pg.code().starts_with("22") || pg.code().starts_with("23") {
            return Fault::Row(RowFault::Refused);
        }
    }
    if db_error.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        // Primary result codes TOOBIG (18), CONSTRAINT (19, triggers'
        // RAISE(ABORT) too) and MISMATCH (20).
        let primary = db_error.code().and_then(|c| c.parse::<i32>().ok()).map(|c| c & 0xff);
        if matches!(primary, Some(18..=20)) {
            return Fault::Row(RowFault::Refused);
        }
    }
    Fault::Infrastructure
}

/// The fault behind `error`, returned by a store's commit. A conflict there
/// is the records' unique key taken (see `records::write_many`).
pub(super) fn fault_behind(error: &AppError) -> Fault {
    match error {
        AppError::Conflict(_) => Fault::Row(RowFault::Duplicate),
        _ => LAST_FAULT.try_with(Cell::get).ok().flatten().unwrap_or(Fault::Infrastructure),
    }
}

/// The reason given for a row the database refused.
pub(super) fn row_fault_reason(lang: Lang, template: &Template, fault: RowFault) -> String {
    let keys: Vec<&str> =
        template.fields.iter().filter(|f| f.unique || template.key.contains(&f.key)).map(|f| f.header()).collect();
    let keys = if keys.is_empty() { "Email".to_string() } else { keys.join(", ") };
    match (fault, lang) {
        (RowFault::Duplicate, Lang::Fr) => format!(
            "La base de données a refusé cette ligne : une valeur qui doit être unique (comme {keys}) appartient déjà \
             à un autre enregistrement. Changez-la ou retirez la ligne, puis importez-la de nouveau."
        ),
        (RowFault::Duplicate, _) => format!(
            "The database refused this row: a value that must be unique (such as {keys}) already belongs to another \
             record. Change it or remove the row, then import it again."
        ),
        (RowFault::Refused, Lang::Fr) => "La base de données a refusé cette ligne : une de ses valeurs enfreint une \
             règle des enregistrements (trop longue, ou non permise). Rien de cette ligne n’a été enregistré ; \
             corrigez-la puis importez-la de nouveau."
            .to_string(),
        (RowFault::Refused, _) => "The database refused this row: one of its values breaks a rule of the stored \
             records (too long, or not allowed). Nothing of this row was stored; correct it and import it again."
            .to_string(),
    }
}
