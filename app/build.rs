//! Rebuild when a migration is added: `sqlx::migrate!` in `backend::db`
//! embeds `../server/migrations` at compile time, and cargo does not watch a
//! folder for new files unless told.

fn main() {
    println!("cargo:rerun-if-changed=../server/migrations");
}
