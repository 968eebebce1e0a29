//! The journal: append-only, hash-chained JSON Lines, one file per writer.

pub mod event;
pub mod file;
pub mod store;
