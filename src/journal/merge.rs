//! Merging a copy of a session folder (from another site, a USB stick, a git repository) into
//! this home: the boundary with other machines, where nothing is trusted.
//!
//! - A folder holding links, devices, FIFOs, more journal files than a session can have, or a
//!   file over the size limit is refused whole (nothing is copied).
//! - Each incoming journal file is first copied (its complete lines only) into a staging folder
//!   of this home and checked there as `muster verify` checks a file: format, checksums, chain,
//!   and every line's signature. A file that fails is kept aside, never merged, and reported;
//!   the rest goes on.
//! - This home's own writer files are its own: nothing incoming is ever appended to them. A copy
//!   that differs from one (longer, changed, or shorter than what this home sent) is kept aside
//!   and reported.
//! - Another writer's file is new here (copied), or one copy is the start of the other (the
//!   longer wins, appended under the writer's lock). Two different histories under one writer id
//!   signed by one key (a cloned home) are both kept, the other as
//!   `journal-<writer>@<tag>.jsonl`; one signed by another key is not that writer's, and is kept
//!   aside.
//!
//! Nothing here ever shortens or rewrites a file. What is kept aside goes to
//! `<home>/sessions/.rejected/<session>/`, which no reader reads and no sync sends.

use super::StoreError;
use super::bytes::{self, Relation};
use super::file::{self, Chain, Locked};
use super::snapshots::write_durable;
use crate::domain::ids::{SessionId, WriterId};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The most bytes an incoming journal file may hold: about three million events.
pub const MAX_JOURNAL: u64 = 1 << 30;
/// The most bytes an incoming snapshot may hold (a library file's limit).
pub const MAX_SNAPSHOT: u64 = 4 << 20;

/// Who this home is, for a merge: its own files are never extended from outside.
#[derive(Debug, Clone, Default)]
pub struct Own {
    pub writer: WriterId,
    /// This home's public key (hex), when it has one.
    pub key: Option<String>,
    /// For each file name, how many bytes of it this home last sent (sync only): a copy shorter
    /// than that was rolled back.
    pub sent: BTreeMap<String, u64>,
}

/// A file that was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub name: String,
    /// Where it was kept aside (a path), when it could be.
    pub kept: Option<PathBuf>,
    pub why: String,
}

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
    /// Files not taken: they failed their checks, or would have changed this home's own.
    pub rejected: Vec<Rejected>,
    /// Things to know that are not conflicts: a snapshot that differs, files passed over.
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

    /// Whether something was wrong: a conflict, or a file not taken.
    pub fn failed(&self) -> bool {
        !self.conflicts.is_empty() || !self.rejected.is_empty()
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
pub fn is_journal_name(name: &str) -> bool {
    name.strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .is_some_and(|w| {
            !w.is_empty()
                && w.len() <= 200
                && !w.starts_with('.')
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        })
}

/// Whether a file name is a plan or scenario snapshot's.
pub fn is_snapshot_name(name: &str) -> bool {
    (name.starts_with("plan-") || name.starts_with("scenario-"))
        && name.ends_with(".ron")
        && name.len() <= 250
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn base_writer(name: &str) -> &str {
    name.strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .and_then(|w| w.split('@').next())
        .unwrap_or_default()
}

/// What a folder to merge holds, once it passed the scan.
struct Scan {
    journals: Vec<String>,
    snapshots: Vec<String>,
    ignored: usize,
}

/// Looks at every entry of the folder first: anything that is not a regular file or a folder
/// (a link, a device, a FIFO, a socket), too many journal files, or a file over its limit
/// refuses the whole merge.
fn scan(from: &Path) -> Result<Scan, StoreError> {
    let entries = crate::fsx::list(from).map_err(|e| StoreError::io("open the folder", from, e))?;
    let mut out = Scan {
        journals: Vec::new(),
        snapshots: Vec::new(),
        ignored: 0,
    };
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let meta = fs::symlink_metadata(&path).map_err(|x| StoreError::io("read", &path, x))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(StoreError::Refused {
                path,
                why: format!(
                    "this is {}, not a regular file: a session folder holds only files muster wrote, so this one is not merged",
                    if kind.is_symlink() {
                        "a link"
                    } else {
                        "a device, a FIFO or a socket"
                    }
                ),
            });
        }
        let (limit, list) = if is_journal_name(&name) {
            (MAX_JOURNAL, &mut out.journals)
        } else if is_snapshot_name(&name) {
            (MAX_SNAPSHOT, &mut out.snapshots)
        } else {
            if !name.starts_with('.') {
                out.ignored += 1;
            }
            continue;
        };
        if meta.len() > limit {
            return Err(StoreError::Refused {
                path,
                why: format!(
                    "it is {} MiB, larger than the {} MiB muster takes in for such a file",
                    meta.len() >> 20,
                    limit >> 20
                ),
            });
        }
        list.push(name);
    }
    if out.journals.len() > file::MAX_FILES {
        return Err(StoreError::TooManyFiles {
            dir: from.to_path_buf(),
            count: out.journals.len(),
            limit: file::MAX_FILES,
        });
    }
    out.journals.sort();
    out.snapshots.sort();
    Ok(out)
}

/// Merges the session folder `from` into `into` (a session folder, made when missing).
pub fn merge_dir(from: &Path, into: &Path, own: &Own) -> Result<Merged, StoreError> {
    let scanned = scan(from)?;
    let session = into
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if scanned.journals.is_empty() {
        return Err(StoreError::NoJournal {
            id: session,
            dir: from.to_path_buf(),
        });
    }
    let sessions = into.parent().unwrap_or(Path::new(".")).to_path_buf();
    file::create_dir_durable(&sessions)?;
    let staging = sessions.join(format!(".incoming-{session}-{}", std::process::id()));
    crate::fsx::remove_tree(&staging);
    file::create_dir_durable(&staging)?;
    let result = Merge {
        from,
        into,
        staging: &staging,
        sessions: &sessions,
        session: &session,
        own,
    }
    .run(&scanned);
    crate::fsx::remove_tree(&staging);
    result
}

struct Merge<'a> {
    from: &'a Path,
    into: &'a Path,
    staging: &'a Path,
    sessions: &'a Path,
    session: &'a str,
    own: &'a Own,
}

impl Merge<'_> {
    fn run(&self, scanned: &Scan) -> Result<Merged, StoreError> {
        let mut out = Merged::default();
        if scanned.ignored > 0 {
            out.notes.push(format!(
                "{} file(s) in {} are not muster's and were left out",
                scanned.ignored,
                crate::domain::text::clean(&self.from.display().to_string(), false)
            ));
        }
        // a session not here yet is put together beside it, and appears whole or not at all
        let fresh = !bytes::present(self.into)?;
        let target = if fresh {
            self.sessions.join(format!(
                ".tmp-merge-{}-{}",
                self.session,
                std::process::id()
            ))
        } else {
            self.into.to_path_buf()
        };
        if fresh {
            crate::fsx::remove_tree(&target);
            file::create_dir_durable(&target)?;
        }
        let result = (|| {
            for name in &scanned.snapshots {
                self.snapshot(&target, name, &mut out)?;
            }
            for name in &scanned.journals {
                self.journal(&target, name, &mut out)?;
            }
            if fresh {
                if out.new_files.is_empty() {
                    // nothing could be taken: no session appears
                    out.snapshots = 0;
                    crate::fsx::remove_tree(&target);
                    return Ok(());
                }
                fs::rename(&target, self.into)
                    .map_err(|e| StoreError::io("create the session folder", self.into, e))?;
                file::sync_dir(self.sessions)?;
                out.new_session = true;
            }
            Ok(())
        })();
        if fresh && result.is_err() {
            crate::fsx::remove_tree(&target);
        }
        result.map(|()| out)
    }

    fn snapshot(&self, target: &Path, name: &str, out: &mut Merged) -> Result<(), StoreError> {
        let staged = self.staging.join(name);
        bytes::copy_whole(&self.from.join(name), &staged, MAX_SNAPSHOT)?;
        let got = fs::read(&staged).map_err(|e| StoreError::io("read", &staged, e))?;
        // a snapshot is named by the start of its content's SHA-256
        let hash = crate::domain::sha256_hex(&got);
        if !name
            .trim_end_matches(".ron")
            .rsplit('-')
            .next()
            .is_some_and(|h| h.len() == 16 && hash.starts_with(h))
        {
            out.notes.push(format!(
                "the snapshot {name} does not hold what its name says (the content's hash): it was edited, and is not taken"
            ));
            return Ok(());
        }
        let here = target.join(name);
        if bytes::present(&here)? {
            if fs::read(&here).map_err(|e| StoreError::io("read", &here, e))? != got {
                out.notes.push(format!(
                    "the snapshot {name} differs from the copy here: this one is kept (snapshots are named by their content, so one of them was edited)"
                ));
            }
        } else {
            write_durable(target, name, &got)?;
            out.snapshots += 1;
        }
        Ok(())
    }

    /// Keeps an incoming file aside, where nothing reads it, and says why.
    fn reject(&self, staged: &Path, name: &str, why: String, out: &mut Merged) {
        let dir = self.sessions.join(".rejected").join(self.session);
        let tag = bytes::complete_len(staged)
            .and_then(|n| bytes::hash_prefix(staged, n))
            .map(|h| h[..12].to_string())
            .unwrap_or_else(|_| std::process::id().to_string());
        let dest = dir.join(format!("{name}.{tag}"));
        let kept = (file::create_dir_durable(&dir).is_ok()
            && (bytes::present(&dest).unwrap_or(true) || bytes::adopt(staged, &dest).is_ok()))
        .then_some(dest);
        if let Some(k) = &kept {
            // why, for `muster verify` to say until someone removes the copy
            let _ = fs::write(k.with_extension(format!("{tag}.why")), why.as_bytes());
        }
        out.rejected.push(Rejected {
            name: name.to_string(),
            kept,
            why,
        });
    }

    fn journal(&self, target: &Path, name: &str, out: &mut Merged) -> Result<(), StoreError> {
        let staged = self.staging.join(name);
        let len = bytes::copy_complete(&self.from.join(name), &staged, MAX_JOURNAL)?;
        if len == 0 {
            return Ok(());
        }
        // checked as `verify` checks a file: every line, its signature included
        let mut chain = Chain::strict(file::writer_of(&staged).unwrap_or_default(), self.session);
        file::read_on(&staged, &mut chain, |_| {})?;
        if let Some(p) = chain.problems.iter().find(|p| p.error) {
            let why = format!(
                "line {}: {} ({} problem(s) in all)",
                p.line,
                p.message,
                chain.errors()
            );
            self.reject(&staged, name, why, out);
            return Ok(());
        }
        let base = base_writer(name);
        let here = target.join(name);
        let here_key = match bytes::present(&here)? {
            true => bytes::signing_key(&here)?,
            false => None,
        };
        let mine = base == self.own.writer.as_str()
            || (self.own.key.is_some() && here_key.is_some() && here_key == self.own.key);
        if mine {
            return self.own_file(target, &staged, name, len, &chain, out);
        }
        // where this history may already be: the writer's own file, or a copy kept before
        let mut candidates: Vec<String> = vec![name.to_string()];
        candidates.extend(kept_forks(target, name, base));
        let mut first_here: Option<String> = None;
        for c in &candidates {
            let path = target.join(c);
            if !bytes::present(&path)? {
                continue;
            }
            let here_len = bytes::complete_len(&path)?;
            match bytes::relation(&staged, len, &path, here_len)? {
                Relation::Same | Relation::FirstIsStart => return Ok(()), // nothing new
                Relation::SecondIsStart => {
                    let lines = append(target, c, &path, here_len, &staged, len)?;
                    out.extended.push((c.clone(), lines));
                    return Ok(());
                }
                Relation::Differ => {
                    first_here.get_or_insert(c.clone());
                }
            }
        }
        let Some(other) = first_here else {
            bytes::adopt(&staged, &target.join(name))?;
            out.new_files.push(name.to_string());
            return Ok(());
        };
        // one writer id, two histories: the same key (a cloned home) keeps both; another key
        // did not write as that writer
        let theirs = bytes::signing_key(&target.join(&other))?;
        if theirs.is_some() && theirs != chain.key {
            let why = format!(
                "it is signed by {}, but {other} here by key {}: it was not written by writer `{base}` (or two homes write as `{base}`: give each machine its own writer)",
                chain
                    .fingerprint()
                    .map(|k| format!("key {k}"))
                    .unwrap_or_else(|| "no key".into()),
                theirs
                    .as_deref()
                    .map(super::keys::fingerprint_hex)
                    .unwrap_or_default()
            );
            self.reject(&staged, name, why, out);
            return Ok(());
        }
        self.keep_fork(target, &staged, base, len, out)
    }

    /// Keeps a second history of writer `base` beside its file, as
    /// `journal-<base>@<tag>.jsonl`, read with the rest and reported as a conflict.
    fn keep_fork(
        &self,
        target: &Path,
        staged: &Path,
        base: &str,
        len: u64,
        out: &mut Merged,
    ) -> Result<(), StoreError> {
        let tag = bytes::hash_prefix(staged, bytes::first_line(staged, 1 << 20)?.len() as u64)?;
        let mut kept = format!("{}{base}@{}{}", file::PREFIX, &tag[..8], file::SUFFIX);
        if bytes::present(&target.join(&kept))? {
            let whole = bytes::hash_prefix(staged, len)?;
            kept = format!("{}{base}@{}{}", file::PREFIX, &whole[..8], file::SUFFIX);
        }
        let dest = target.join(&kept);
        if !bytes::present(&dest)? {
            bytes::adopt(staged, &dest)?;
        } else if bytes::relation(staged, len, &dest, bytes::complete_len(&dest)?)?
            != Relation::Same
        {
            return Err(StoreError::Busy);
        }
        out.conflicts.push((base.to_string(), kept));
        Ok(())
    }

    /// An incoming copy of one of this home's own files: taken only when the file is not here
    /// and is signed by this home's key; otherwise compared, and kept aside when it differs.
    fn own_file(
        &self,
        target: &Path,
        staged: &Path,
        name: &str,
        len: u64,
        chain: &Chain,
        out: &mut Merged,
    ) -> Result<(), StoreError> {
        let here = target.join(name);
        let key_words = |k: Option<&str>| {
            k.map(|k| format!("key {}", super::keys::fingerprint_hex(k)))
                .unwrap_or_else(|| "no key".into())
        };
        if !bytes::present(&here)? {
            if chain.key.is_some() && chain.key == self.own.key {
                // this home's own lines, come back (its session folder was removed here)
                bytes::adopt(staged, &here)?;
                out.new_files.push(name.to_string());
            } else {
                let why = format!(
                    "it claims to be this home's own journal (writer `{}`), which this home did not write here: it is signed by {}, this home's key is {}",
                    self.own.writer,
                    key_words(chain.key.as_deref()),
                    key_words(self.own.key.as_deref())
                );
                self.reject(staged, name, why, out);
            }
            return Ok(());
        }
        let here_len = bytes::complete_len(&here)?;
        let why = match bytes::relation(staged, len, &here, here_len)? {
            Relation::Same => return Ok(()),
            Relation::FirstIsStart => match self.own.sent.get(name) {
                Some(&sent) if sent > len => format!(
                    "this copy of this home's own journal is shorter ({len} bytes) than what this home sent ({sent} bytes): someone rolled it back; this home's file is unchanged and is sent again"
                ),
                // an older copy of what is here: nothing to take
                _ => return Ok(()),
            },
            // every line signed by this home's key: a copy of this home (its key with it) that
            // wrote on its own; kept beside this home's file, never in it
            Relation::SecondIsStart | Relation::Differ
                if chain.key.is_some() && chain.key == self.own.key =>
            {
                let base = base_writer(name);
                for c in kept_forks(target, name, base) {
                    let path = target.join(&c);
                    let n = bytes::complete_len(&path)?;
                    match bytes::relation(staged, len, &path, n)? {
                        Relation::Same | Relation::FirstIsStart => return Ok(()),
                        Relation::SecondIsStart => {
                            let lines = append(target, &c, &path, n, staged, len)?;
                            out.extended.push((c, lines));
                            return Ok(());
                        }
                        Relation::Differ => {}
                    }
                }
                return self.keep_fork(target, staged, base, len, out);
            }
            Relation::SecondIsStart => format!(
                "this copy of this home's own journal is longer than the file here: lines were added to it elsewhere ({} bytes more), not signed by this home's key. This home's file is its own and is unchanged",
                len - here_len
            ),
            Relation::Differ => "this copy of this home's own journal differs from the file here: it was changed elsewhere. This home's file is its own and is unchanged".to_string(),
        };
        self.reject(staged, name, why, out);
        Ok(())
    }
}

/// The other files of writer `base` here (its own file first, then histories kept beside it),
/// leaving out `name`.
fn kept_forks(target: &Path, name: &str, base: &str) -> Vec<String> {
    let base_file = format!("{}{base}{}", file::PREFIX, file::SUFFIX);
    let mut kept: Vec<String> = crate::fsx::list(target)
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != name && is_journal_name(n) && base_writer(n) == base)
        .collect();
    kept.sort();
    kept.sort_by_key(|n| *n != base_file);
    kept
}

/// Appends the new lines of a checked copy to another writer's file here, under that writer's
/// lock. Bytes here after the last newline (an unfinished write) are ended first, as the writer
/// itself would. Returns the lines appended.
fn append(
    into: &Path,
    name: &str,
    here: &Path,
    here_len: u64,
    staged: &Path,
    len: u64,
) -> Result<usize, StoreError> {
    let w = name
        .strip_prefix(file::PREFIX)
        .and_then(|n| n.strip_suffix(file::SUFFIX))
        .unwrap_or_default();
    let mut locked = Locked::open(into, &WriterId::new(w))?;
    // under the lock: the file may have grown since it was read
    let now = fs::metadata(here)
        .map_err(|e| StoreError::io("read", here, e))?
        .len();
    if bytes::complete_len(here)? != here_len {
        return Err(StoreError::Busy);
    }
    if now > here_len {
        locked
            .write_durable(format!("{}\n", file::UNFINISHED_MARK).as_bytes())
            .map_err(|f| match f {
                file::AppendFailure::Write(e) | file::AppendFailure::Sync(e) => e,
            })?;
    }
    let path = locked.path.clone();
    bytes::append_range(&mut locked.file, &path, staged, here_len, len)
}

/// Where the copies of a session's files that were not taken are kept.
pub fn rejected_dir(session_dir: &Path) -> Option<PathBuf> {
    let name = session_dir.file_name()?;
    Some(session_dir.parent()?.join(".rejected").join(name))
}

/// The copies of a session's files kept aside by merges and syncs, with why each was not taken.
pub fn rejected(session_dir: &Path) -> Vec<(PathBuf, String)> {
    let Some(dir) = rejected_dir(session_dir) else {
        return Vec::new();
    };
    let mut out: Vec<(PathBuf, String)> = crate::fsx::list(&dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.is_file() && !e.file_name().to_string_lossy().ends_with(".why"))
        .map(|e| {
            let p = e.path();
            let ext = p
                .extension()
                .map(|x| x.to_string_lossy().into_owned())
                .unwrap_or_default();
            let why =
                fs::read_to_string(p.with_extension(format!("{ext}.why"))).unwrap_or_default();
            (p, why)
        })
        .collect();
    out.sort();
    out
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
