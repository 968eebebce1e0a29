//! The domain model: plans, the index, scenarios; reading and checking them. Pure: no file system,
//! no terminal, no clock.

pub mod check;
pub mod de;
pub mod describe;
pub mod exercise;
pub mod index;
pub mod library;
pub mod plan;
pub mod ron_tree;
pub mod scenario;
pub mod search;
pub mod session;
pub mod span;
pub mod time;

pub use index::Index;
pub use library::{InputFile, Library};
pub use plan::{Plan, Step};
pub use scenario::Scenario;
pub use span::{Diagnostic, Severity, Sp, Span};
pub use time::Minutes;
