//! Where imported rows go: implement [`Destination`] for your storage and
//! [`register`] it under the name your templates give (`destination = ...`,
//! else their `entity`). It lives in the app crate
//! (`app::backend::destination`) beside the import pipeline that calls it;
//! this module re-exports it with the types a destination answers with, and
//! [`Webhook`], the destination that posts the rows to a host's receiver.

pub use app::backend::destination::*;
pub use app::backend::webhook::Webhook;
pub use app::model::{BatchResult, SessionInfo, SkippedRow};
