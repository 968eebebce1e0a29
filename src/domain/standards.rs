//! Standards.
