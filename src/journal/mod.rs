//! The journal: append-only, hash-chained JSON Lines, one file per writer; sessions on disk and
//! the store that follows them as they grow.

pub mod checkpoint;
pub mod file;
pub mod merge;
mod names;
pub mod open;
pub mod snapshots;
pub mod store;
pub mod stream;
pub mod unconfirmed;
pub mod verify;
pub mod witness;

use std::io;
use std::path::{Path, PathBuf};

/// What can go wrong reading or writing sessions. Each says what was being done, where, why, and
/// what to try.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot {action} {}: {}; {}",
        shown(path),
        plain_io(source),
        io_hint(source)
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{} is not a regular file: muster reads only regular files in a session folder",
        shown(path)
    )]
    NotAFile { path: PathBuf },
    #[error("there is no session `{id}`{}", if *any { format!(" under {}; `muster sessions` lists them", shown(root)) } else { format!(": there are no sessions under {} yet; start one with `muster start PLAN`", shown(root)) })]
    NoSession {
        id: String,
        root: PathBuf,
        any: bool,
    },
    #[error("`{id}` matches {} sessions ({}): give more of the id", matches.len(), matches.join(", "))]
    AmbiguousSession { id: String, matches: Vec<String> },
    #[error("session {id} has no journal files in {}", shown(dir))]
    NoJournal { id: String, dir: PathBuf },
    #[error(
        "the session changed on disk while this was being recorded, again and again: try again"
    )]
    Busy,
}

impl StoreError {
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the input was wrong (a session that is not there) rather than the disk.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            StoreError::NoSession { .. } | StoreError::AmbiguousSession { .. }
        )
    }
}

fn shown(p: &Path) -> String {
    crate::domain::text::clean(&p.display().to_string(), false)
}

/// The OS message without Rust's "(os error N)" suffix.
fn plain_io(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn io_hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::PermissionDenied => {
            "check the permissions of that file and its folder, or point --home at a folder you can write"
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the disk is full: free some space, or point --home at another disk"
        }
        io::ErrorKind::ReadOnlyFilesystem => {
            "that file system is read-only: point --home at a writable folder"
        }
        io::ErrorKind::NotFound => "check the path",
        _ => "check the disk and the path, then try again",
    }
}
