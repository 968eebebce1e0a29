//! The domain: plans, the index, scenarios and how they are read; events, sessions and their
//! fold; the commands a user can give and the one gate that checks them. Pure: no file system,
//! no terminal, no clock reads, no local time zone, and nothing else of the crate (a test in
//! `tests/layers.rs` reads these sources to keep it so).

pub mod branches;
pub mod calls;
pub mod changes;
pub mod command;
pub mod event;
mod event_de;
pub mod forecast;
pub mod history;
pub mod ids;
pub mod impact;
pub mod index;
pub mod params;
pub mod parse;
pub mod plan;
pub mod plan_extra;
pub mod redline;
pub mod risk;
pub mod rota;
pub mod scenario;
pub mod schedule;
pub mod seal;
pub mod search;
pub mod session;
pub mod standards;
pub mod text;
pub mod time;
pub mod transcribe;

pub use index::Index;
pub use parse::library::{InputFile, Library, sha256_hex};
pub use parse::span::{Diagnostic, Severity, Sp, Span};
pub use plan::{Plan, Step};
pub use scenario::Scenario;
pub use time::Minutes;
