//! Finding and reading the plan library: `--library`, `$MUSTER_LIBRARY`, `./runbooks`, `.`, or the
//! built-in sample compiled into the binary.

use crate::domain::parse::library::MAX_FILE_BYTES;
use crate::domain::{Diagnostic, InputFile, Library, Severity};
use std::fs;
use std::path::{Path, PathBuf};

/// Why a library folder could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot {action} {}: {}; {}", crate::domain::text::clean(&path.display().to_string(), false), crate::domain::text::clean(&source.to_string(), false), hint(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a folder: --library takes a folder holding index.ron, plans/ and scenarios/", crate::domain::text::clean(&path.display().to_string(), false))]
    NotAFolder { path: PathBuf },
}

fn hint(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "check the permissions of that folder",
        std::io::ErrorKind::NotFound => "check the path given by --library or $MUSTER_LIBRARY",
        _ => "check the disk and the path, then try again",
    }
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> LibraryError {
    LibraryError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

type Result<T> = std::result::Result<T, LibraryError>;

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// How the sample library is named wherever it is shown.
pub const BUILTIN_LABEL: &str = "<built-in sample>";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Dir(PathBuf),
    Builtin,
}

/// The library to use, the first that applies.
pub fn locate(flag: Option<&Path>) -> Location {
    if let Some(p) = flag {
        return Location::Dir(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("MUSTER_LIBRARY").filter(|p| !p.is_empty()) {
        return Location::Dir(PathBuf::from(p));
    }
    if Path::new("runbooks/index.ron").is_file() {
        return Location::Dir(PathBuf::from("runbooks"));
    }
    // standing in a library folder (`cd mylib && muster check`)
    if Path::new("index.ron").is_file() || Path::new("plans").is_dir() {
        return Location::Dir(std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
    }
    Location::Builtin
}

pub fn builtin_files() -> Vec<InputFile> {
    BUILTIN
        .iter()
        .map(|(rel, bytes)| InputFile {
            rel: rel.to_string(),
            shown: format!("{BUILTIN_LABEL}/{rel}"),
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// Reads every file of a library folder. Files that are not part of a library are reported as
/// warnings, never silently skipped.
pub fn read_dir(dir: &Path) -> Result<(Vec<InputFile>, Vec<Diagnostic>)> {
    let meta = fs::metadata(dir).map_err(|e| io("open the plan library", dir, e))?;
    if !meta.is_dir() {
        return Err(LibraryError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let shown = |rel: &str| dir.join(rel).display().to_string();
    // the index, and the risk register beside it when there is one
    for rel in ["index.ron", crate::domain::parse::library::RISKS] {
        let p = dir.join(rel);
        // there, even as a broken link: then it is reported, not taken for missing
        if fs::symlink_metadata(&p).is_ok()
            && let Some(bytes) = read(&p, shown(rel), &mut notes)?
        {
            files.push(InputFile {
                rel: rel.into(),
                shown: shown(rel),
                bytes,
            });
        }
    }
    for sub in ["plans", "scenarios"] {
        let d = dir.join(sub);
        let mut entries = match crate::fsx::list(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io("list", &d, e)),
        };
        entries.sort_by(|a, b| a.file_name().cmp(b.file_name()));
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = format!("{sub}/{name}");
            let p = e.path();
            if matches!(name.as_str(), ".gitkeep" | ".keep") {
                continue;
            }
            if name.ends_with(".proposed.ron") {
                // a draft of redlines for the author (`muster redlines PLAN --draft`)
                notes.push(Diagnostic::file(
                    Severity::Warning,
                    &shown(&rel),
                    "a draft of proposed changes, not read as part of the library: compare it with its plan, copy what you accept into the plan, then delete it (`muster check FILE` checks the draft alone)",
                ));
                continue;
            }
            if e.is_dir() || !name.ends_with(".ron") {
                notes.push(Diagnostic::file(
                    Severity::Warning,
                    &shown(&rel),
                    "not read: only .ron files directly in this folder are part of the library",
                ));
                continue;
            }
            if let Some(bytes) = read(&p, shown(&rel), &mut notes)? {
                files.push(InputFile {
                    shown: shown(&rel),
                    rel,
                    bytes,
                });
            }
        }
    }
    Ok((files, notes))
}

/// Reads a library file: a regular file only (a link is followed, but never to a device, a FIFO
/// or a folder), at most [`MAX_FILE_BYTES`] of it. Whatever goes wrong is a located error on that
/// file alone: the rest of the library is read, and sessions go on with their snapshots.
fn read(p: &Path, shown: String, notes: &mut Vec<Diagnostic>) -> Result<Option<Vec<u8>>> {
    match read_bounded(p) {
        Ok(b) => Ok(Some(b)),
        Err(msg) => {
            notes.push(Diagnostic::file(Severity::Error, &shown, msg));
            Ok(None)
        }
    }
}

/// A library file's bytes, or why they cannot be had, in words (see [`read`]).
pub fn read_bounded(p: &Path) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let problem = |msg: String| Err(msg);
    // never blocking on a FIFO; what was opened is checked before it is read
    let f = match crate::platform::open_no_wait(p) {
        Ok(f) => f,
        Err(e) => return problem(why_unreadable(p, &e)),
    };
    let meta = match f.metadata() {
        Ok(m) => m,
        Err(e) => return problem(why_unreadable(p, &e)),
    };
    if meta.is_dir() {
        return problem("this is a folder, not a file: rename or remove it".into());
    }
    if !meta.file_type().is_file() {
        return problem(
            "this is not a regular file (a device, a FIFO or a socket, or a link to one): it is not read; remove it".into(),
        );
    }
    let too_big = |len: u64| {
        format!(
            "this file is {}, over the limit of {} MiB: split it, or check it is the file you meant",
            if len > MAX_FILE_BYTES as u64 {
                format!("{} MiB", len >> 20)
            } else {
                "growing".to_string()
            },
            MAX_FILE_BYTES >> 20
        )
    };
    if meta.len() > MAX_FILE_BYTES as u64 {
        return problem(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    match f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes) {
        Ok(n) if n > MAX_FILE_BYTES => problem(too_big(0)),
        Ok(_) => Ok(bytes),
        Err(e) => problem(why_unreadable(p, &e)),
    }
}

/// Why a library file could not be read, and what to do, in words.
fn why_unreadable(p: &Path, e: &std::io::Error) -> String {
    let link = fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    match (e.kind(), e.raw_os_error()) {
        (std::io::ErrorKind::NotFound, _) if link => format!(
            "this is a link to {}, which does not exist: fix the link or remove it",
            fs::read_link(p)
                .map(|t| crate::domain::text::clean(&t.display().to_string(), false))
                .unwrap_or_else(|_| "a file".into())
        ),
        _ if crate::platform::is_link_loop(e) => {
            "this link leads back to itself (a loop): fix the link or remove it".into()
        }
        (std::io::ErrorKind::PermissionDenied, _) => {
            "muster may not read this file (permission denied): make it readable (chmod a+r) or remove it".into()
        }
        (std::io::ErrorKind::IsADirectory, _) => {
            "this is a folder, not a file: rename or remove it".into()
        }
        _ => format!(
            "cannot read this file: {}; check the disk, or remove the file",
            crate::domain::text::clean(&e.to_string(), false)
        ),
    }
}

pub fn load(loc: &Location, today: chrono::NaiveDate) -> Result<Library> {
    match loc {
        Location::Builtin => Ok(Library::load(BUILTIN_LABEL, true, builtin_files(), today)),
        Location::Dir(d) => {
            let (files, notes) = read_dir(d)?;
            // an unchanged copy of the sample (the repository's own runbooks/) is labelled as the sample
            let sample = files.len() == BUILTIN.len()
                && files.iter().all(|f| {
                    BUILTIN
                        .iter()
                        .any(|(rel, bytes)| *rel == f.rel && *bytes == f.bytes.as_slice())
                });
            let mut lib = Library::load(d.display().to_string(), sample, files, today);
            lib.diagnostics.splice(0..0, notes);
            Ok(lib)
        }
    }
}
