//! Coaching: leads and the coaches they may see.

pub mod list_coaching;
