//! The errors of the command line, each mapped to its exit code here, at the edge.

use crate::domain::command::{Need, Refusal, TextField};
use crate::journal::StoreError;
use crate::journal::store::{AppendError, SubmitError};
use crate::library::LibraryError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is incomplete or contradictory: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The gate refused the command: exit 1 (2 when it lacks a required option).
    #[error("{0}")]
    Refused(Refusal),
    /// A session could not be found or read: exit 1 or 3.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// An append failed, or its durability is unknown: exit 3.
    #[error("{0}")]
    Append(AppendError),
    /// The library folder could not be read: exit 1 or 3.
    #[error("{0}")]
    Library(#[from] LibraryError),
    /// Something the user gave is wrong, found outside the gate (a file to check that is not
    /// there, a time that does not parse): exit 1.
    #[error("{0}")]
    Invalid(String),
    /// A file could not be written (init, import): exit 3.
    #[error("cannot write {path}: {why}; check the folder's permissions and free space")]
    Write { path: String, why: String },
    /// A sync could not be done: exit 3 (2 when no remote was given or remembered).
    #[error("{0}")]
    Sync(#[from] crate::sync::SyncError),
}

impl From<Refusal> for CliError {
    fn from(r: Refusal) -> Self {
        CliError::Refused(r)
    }
}

impl From<SubmitError> for CliError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Refused(r) => CliError::Refused(r),
            SubmitError::Store(s) => CliError::Store(s),
            SubmitError::Append(a) => CliError::Append(a),
        }
    }
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Refused(Refusal::Needs(Need::Text { required: true, .. })) => 2,
            CliError::Refused(_) | CliError::Invalid(_) => 1,
            CliError::Store(e) if e.is_input() => 1,
            CliError::Store(e) if e.is_refusal() => 2,
            CliError::Append(AppendError::Failed(e)) if e.is_input() => 1,
            CliError::Store(_) | CliError::Append(_) | CliError::Write { .. } => 3,
            CliError::Library(LibraryError::NotAFolder { .. }) => 1,
            CliError::Library(_) => 3,
            CliError::Sync(crate::sync::SyncError::NoRemote) => 2,
            CliError::Sync(crate::sync::SyncError::Store(e)) if e.is_input() => 1,
            CliError::Sync(crate::sync::SyncError::Store(e)) if e.is_refusal() => 2,
            CliError::Sync(_) => 3,
        }
    }

    /// The message for stderr. A refusal that more input would lift names the option that gives it.
    pub fn message(&self) -> String {
        match self {
            CliError::Refused(Refusal::Needs(need)) => needs_message(need),
            other => other.to_string(),
        }
    }
}

/// How to give on the command line what the gate asked for.
fn needs_message(need: &Need) -> String {
    match need {
        Need::Text {
            field: TextField::Param,
            param: Some(name),
            hint,
            ..
        } => format!(
            "this needs a value for parameter `{name}`: {} Add --param {name}=VALUE",
            hint.trim_end_matches("Enter to go on.").trim()
        ),
        Need::Text { field, hint, .. } => {
            let what = hint
                .trim_end_matches(['.', '?'])
                .trim()
                .trim_end_matches("(required)")
                .trim()
                .trim_end_matches("Enter to go on")
                .trim_end_matches("Enter to record")
                .trim()
                .trim_end_matches(['.', '?'])
                .trim();
            match field {
                TextField::To => format!("this needs a name ({what}): add --to NAME"),
                TextField::Words => format!(
                    "this needs the words ({what}): give them as the TEXT argument, in quotes"
                ),
                _ => format!("this needs a note ({what}): add --note \"...\""),
            }
        }
        Need::Choice { title, options, .. } => format!(
            "{title}: give one of {}",
            options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}. {o}", i + 1))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Need::Confirm { question } => {
            let q = question.trim_end_matches('?');
            format!("{q}? Nothing was recorded: to do it anyway, add --anyway")
        }
    }
}
