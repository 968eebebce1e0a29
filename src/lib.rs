//! muster: offline continuity and recovery plans, the Index of Disaster-Relevant Information, and a
//! durable journal of who did which step and when.
//!
//! Layers, from the inside out: `domain` (pure: plans, events, sessions, the command gate),
//! `journal` (files: append, read, verify, the store), `present` and `export` (formatting, pure),
//! and the front ends `cli` and `tui`.

pub mod cli;
pub mod clock;
pub mod config;
pub mod context;
pub mod domain;
pub mod export;
pub mod fsx;
pub mod import;
pub mod journal;
pub mod library;
pub mod plain;
pub mod platform;
pub mod present;
pub mod remember;
pub mod runner;
pub mod sync;
pub mod tui;
