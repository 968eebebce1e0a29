//! Reading the library: bytes in, the model and located diagnostics out.

pub mod check;
pub mod de;
pub mod library;
pub mod ron_tree;
pub mod span;
