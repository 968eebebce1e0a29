//! muster: offline continuity and recovery plans, the Index of Disaster-Relevant Information, and a
//! durable journal of who did which step and when.

pub mod cli;
pub mod clock;
pub mod context;
pub mod error;
pub mod export;
pub mod journal;
pub mod library;
pub mod model;
pub mod text;
pub mod tui;
