//! The journal: append-only, hash-chained JSON Lines, one file per writer; sessions on disk and
//! the store that follows them as they grow.

pub mod bytes;
pub mod checkpoint;
pub mod file;
pub mod keys;
pub mod merge;
pub mod names;
pub mod open;
pub mod runs;
pub mod runs_of;
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
    #[error(
        "the signing key {} is damaged: muster will neither sign with it nor make another over it. Restore it from a backup of this home; or move it away, and delete the writer-id beside it, to start this home afresh as a new writer with a new key",
        shown(path)
    )]
    BadKey { path: PathBuf },
    #[error("{}:{line}: {why}", shown(path))]
    NotOurs {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error(
        "{} holds {count} files named like journals, more than the {limit} a session can have: they were not written by muster. Move the ones you do not know out of the folder (`muster verify` then checks the rest)",
        shown(dir)
    )]
    TooManyFiles {
        dir: PathBuf,
        count: usize,
        limit: usize,
    },
    #[error("{}: {why}; nothing was copied", shown(path))]
    Refused { path: PathBuf, why: String },
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
            StoreError::NoSession { .. }
                | StoreError::AmbiguousSession { .. }
                | StoreError::BadKey { .. }
                | StoreError::NotOurs { .. }
                | StoreError::TooManyFiles { .. }
        )
    }

    /// Whether what was given cannot be taken at all (a link, a device, a file too large in a
    /// folder to merge): a usage error, exit 2.
    pub fn is_refusal(&self) -> bool {
        matches!(self, StoreError::Refused { .. })
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
