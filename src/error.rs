//! The errors a user can meet, each with its exit code and a message that says what to do.

use std::io;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input or the state is wrong: exit 1.
    #[error("{0}")]
    Invalid(String),
    /// Reading or writing failed: exit 3.
    #[error("{0}")]
    Io(String),
    /// The command line is incomplete (a required option for this action): exit 2.
    #[error("{0}")]
    Usage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) => 1,
            Error::Io(_) => 3,
            Error::Usage(_) => 2,
        }
    }

    /// An I/O failure, saying what was being done, where, why, and what to try.
    pub fn io(action: &str, path: &Path, e: &io::Error) -> Error {
        let hint = match e.kind() {
            io::ErrorKind::PermissionDenied => {
                "check the permissions of that folder, or point --home at a folder you can write"
            }
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                "the disk is full: free some space, or point --home at another disk"
            }
            io::ErrorKind::ReadOnlyFilesystem => {
                "that file system is read-only: point --home at a writable folder"
            }
            io::ErrorKind::NotFound => "check the path",
            _ => "check the disk and the path, then try again",
        };
        Error::Io(format!(
            "cannot {action} {}: {}; {hint}",
            path.display(),
            plain_io(e)
        ))
    }
}

/// The OS message without Rust's "(os error N)" suffix noise kept to one place.
fn plain_io(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

pub fn invalid<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::Invalid(msg.into()))
}
