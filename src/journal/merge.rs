//! Merging a copy of a session folder (from another site, a USB stick, a git repository) into
//! this home. Each writer appends only to its own file, so a merge of honest copies never
//! conflicts: a file is new here, or one copy is the start of the other and the longer wins.
//! Two different histories under one writer id (cloned machines, a `MUSTER_WRITER` set twice)
//! are a true conflict: both are kept, the other as `journal-<writer>@<tag>.jsonl`, and it is
//! reported. Nothing here ever shortens or rewrites a file.

use super::StoreError;
use super::file::{self, Locked};
use super::snapshots::write_durable;
use crate::domain::ids::{SessionId, WriterId};
use std::fs;
use std::path::{Path, PathBuf};

/// The most bytes a copied journal file may hold: ten times the largest session measured.
const MAX_FILE: u64 = 4 << 30;
/// The most bytes a copied snapshot may hold (a library file's limit).
const MAX_SNAPSHOT: u64 = 4 << 20;

/// What a merge did to one session.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Journal files that were not here and were copied.
    pub new_files: Vec<String>,
    /// Journal files that grew, and by how many lines.
    pub extended: Vec<(String, usize)>,
    /// Snapshots copied.
    pub snapshots: usize,
    /// The session was not here at all.
    pub new_session: bool,
    /// True conflicts: one writer id, two histories. (writer, where the other one was kept)
    pub conflicts: Vec<(String, String)>,
    /// Things to know that are not conflicts: a snapshot that differs, a file passed over.
    pub notes: Vec<String>,
}

impl Merged {
    pub fn changed(&self) -> bool {
        self.new_session
            || !self.new_files.is_empty()
            || !self.extended.is_empty()
            || self.snapshots > 0
            || !self.conflicts.is_empty()
    }
}

/// Whether a name is a session folder's (as muster makes them: no dots in front, no slashes).
pub fn is_session_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Whether a file name is a journal's, with a writer id muster could have made.
fn is_journal_name(name: &str) -> bool {
    name.strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .is_some_and(|w| {
            !w.is_empty()
                && !w.starts_with('.')
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        })
}

/// Whether a file name is a plan or scenario snapshot's.
fn is_snapshot_name(name: &str) -> bool {
    (name.starts_with("plan-") || name.starts_with("scenario-"))
        && name.ends_with(".ron")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A regular file's bytes (never following a link), at most `max`.
fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let f = file::open_regular(path)?;
    let len = f
        .metadata()
        .map_err(|e| StoreError::io("read", path, e))?
        .len();
    if len > max {
        return Err(StoreError::io(
            "read",
            path,
            std::io::Error::other(format!("it is larger than {} MiB", max >> 20)),
        ));
    }
    let mut out = Vec::with_capacity(len as usize);
    f.take(max)
        .read_to_end(&mut out)
        .map_err(|e| StoreError::io("read", path, e))?;
    Ok(out)
}

/// The complete lines of a journal file's bytes: an unfinished write at its end is not copied.
pub fn complete_lines(bytes: &[u8]) -> &[u8] {
    match bytes.iter().rposition(|&b| b == b'\n') {
        Some(i) => &bytes[..=i],
        None => &[],
    }
}

/// Merges the session folder `from` into `into` (a session folder, made when missing).
pub fn merge_dir(from: &Path, into: &Path) -> Result<Merged, StoreError> {
    let mut out = Merged::default();
    let entries = crate::fsx::list(from).map_err(|e| StoreError::io("open the folder", from, e))?;
    let mut journals = Vec::new();
    let mut snapshots = Vec::new();
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_journal_name(&name) {
            journals.push(name);
        } else if is_snapshot_name(&name) {
            snapshots.push(name);
        }
    }
    journals.sort();
    snapshots.sort();
    if journals.is_empty() {
        return Err(StoreError::NoJournal {
            id: into
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            dir: from.to_path_buf(),
        });
    }
    if !into.is_dir() {
        return create_from(from, into, &journals, &snapshots).map(|mut m| {
            m.new_session = true;
            m
        });
    }
    for name in &snapshots {
        let bytes = read_regular(&from.join(name), MAX_SNAPSHOT)?;
        let here = into.join(name);
        if here.exists() {
            if fs::read(&here).ok().as_deref() != Some(&bytes[..]) {
                out.notes.push(format!(
                    "the snapshot {name} differs from the copy here: this one is kept (snapshots are named by their content, so one of them was edited)"
                ));
            }
        } else {
            write_durable(into, name, &bytes)?;
            out.snapshots += 1;
        }
    }
    for name in &journals {
        let bytes = read_regular(&from.join(name), MAX_FILE)?;
        merge_journal(into, name, complete_lines(&bytes), &mut out)?;
    }
    Ok(out)
}

/// A session folder made from a copy: complete, or not at all.
fn create_from(
    from: &Path,
    into: &Path,
    journals: &[String],
    snapshots: &[String],
) -> Result<Merged, StoreError> {
    let parent = into.parent().unwrap_or(Path::new("."));
    file::create_dir_durable(parent)?;
    let name = into
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".tmp-merge-{name}-{}", std::process::id()));
    let mut out = Merged::default();
    let result = (|| {
        let _ = fs::remove_dir_all(&tmp);
        file::create_dir_durable(&tmp)?;
        for s in snapshots {
            write_durable(&tmp, s, &read_regular(&from.join(s), MAX_SNAPSHOT)?)?;
            out.snapshots += 1;
        }
        for j in journals {
            let bytes = read_regular(&from.join(j), MAX_FILE)?;
            write_durable(&tmp, j, complete_lines(&bytes))?;
            out.new_files.push(j.clone());
        }
        fs::rename(&tmp, into).map_err(|e| StoreError::io("create the session folder", into, e))?;
        file::sync_dir(parent)
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(out)
}

/// The first 8 hex digits of a history's first line: the tag a conflicting copy is kept under.
fn tag(bytes: &[u8]) -> String {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    crate::domain::sha256_hex(first)[..8].to_string()
}

/// Merges one incoming journal file (complete lines only) into the session folder.
fn merge_journal(
    into: &Path,
    name: &str,
    incoming: &[u8],
    out: &mut Merged,
) -> Result<(), StoreError> {
    if incoming.is_empty() {
        return Ok(());
    }
    let writer = name
        .strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .unwrap_or_default();
    let base = writer.split('@').next().unwrap_or_default();
    // where this history may already be: the writer's own file, or a copy kept before
    let mut candidates: Vec<String> = vec![name.to_string()];
    if let Ok(entries) = crate::fsx::list(into) {
        let mut kept: Vec<String> = entries
            .into_iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n != name
                    && is_journal_name(n)
                    && n.strip_prefix(file::PREFIX)
                        .and_then(|n| n.strip_suffix(file::SUFFIX))
                        .and_then(|w| w.split('@').next())
                        == Some(base)
            })
            .collect();
        kept.sort();
        candidates.extend(kept);
    }
    let mut first_here = None;
    for c in &candidates {
        let path = into.join(c);
        if !path.exists() {
            continue;
        }
        let here = read_regular(&path, MAX_FILE)?;
        let here_lines = complete_lines(&here);
        if here_lines.starts_with(incoming) {
            return Ok(()); // nothing new
        }
        if incoming.starts_with(here_lines) {
            append(
                into,
                c,
                &here,
                here_lines.len(),
                &incoming[here_lines.len()..],
            )?;
            let lines = incoming[here_lines.len()..]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            out.extended.push((c.clone(), lines));
            return Ok(());
        }
        first_here.get_or_insert(c.clone());
    }
    match first_here {
        None => {
            write_durable(into, name, incoming)?;
            out.new_files.push(name.to_string());
        }
        Some(_) => {
            // one writer id, two histories: both are kept, and it is said
            let kept = format!("{}{base}@{}{}", file::PREFIX, tag(incoming), file::SUFFIX);
            let kept = if into.join(&kept).exists() {
                format!(
                    "{}{base}@{}{}",
                    file::PREFIX,
                    &crate::domain::sha256_hex(incoming)[..8],
                    file::SUFFIX
                )
            } else {
                kept
            };
            write_durable(into, &kept, incoming)?;
            out.conflicts.push((base.to_string(), kept));
        }
    }
    Ok(())
}

/// Appends the new lines of a copy to a file here, under the writer's lock. Bytes here after
/// the last newline (an unfinished write) are ended first, as the writer itself would.
fn append(
    into: &Path,
    name: &str,
    here: &[u8],
    complete: usize,
    new: &[u8],
) -> Result<(), StoreError> {
    let w = name
        .strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .unwrap_or_default();
    let mut locked = Locked::open(into, &WriterId::new(w))?;
    // under the lock: the file may have grown since it was read
    let now = read_regular(&locked.path, MAX_FILE)?;
    if now.len() != here.len() {
        return Err(StoreError::Busy);
    }
    let mut buf = Vec::with_capacity(new.len() + 64);
    if complete < here.len() {
        buf.extend_from_slice(file::UNFINISHED_MARK.as_bytes());
        buf.push(b'\n');
    }
    buf.extend_from_slice(new);
    locked.write_durable(&buf).map_err(|f| match f {
        file::AppendFailure::Write(e) | file::AppendFailure::Sync(e) => e,
    })
}

/// Where a copied session folder goes in a home, by its name.
pub fn target(home: &Path, from: &Path) -> Result<(SessionId, PathBuf), StoreError> {
    let name = from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_session_name(&name) {
        return Err(StoreError::io(
            "merge",
            from,
            std::io::Error::other(
                "its name is not a session id: give the session's own folder (as it was under sessions/), not one above or inside it",
            ),
        ));
    }
    let id = SessionId::new(name);
    let dir = super::store::sessions_dir(home).join(id.as_str());
    Ok((id, dir))
}
