//! Pages of the demo portal.

pub mod home;
