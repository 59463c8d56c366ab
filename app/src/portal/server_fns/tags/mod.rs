//! Tags of a workspace (client accounts): imports may only name
//! tags that exist.

pub mod add_tag;
pub mod delete_tag;
pub mod list_tags;
