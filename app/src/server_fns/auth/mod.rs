//! Signing in and out, and who is signed in.

pub mod current_user;
pub mod login;
pub mod logout;
