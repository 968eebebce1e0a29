//! The checkpoint: a derived, rebuildable cache next to a session's journal, so that a new
//! process opens the session in time proportional to what was written since.
//!
//! It holds the folded state and, per writer file, how far it was read (offset, lines, sequence,
//! chain head, and the hash of the last line read). It is trusted only when it matches the files:
//! its format version, every file it names still there, at least as long, and the line ending at
//! each offset hashing to what it says; and its own content hashing to what its header says.
//! Otherwise it is ignored and rebuilt. Deleting it changes nothing but speed; `muster verify`
//! never uses it.
//!
//! ```text
//! muster-checkpoint 1\n
//! {header, JSON}\n
//! the state without its notes (JSON, core_len bytes)
//! the notes (binary, notes_len bytes)
//! ```
//!
//! The notes are kept apart so that a command that only records reads the header and the state,
//! never the notes, however many there are.

use super::StoreError;
use super::file::{self, Chain};
use crate::domain::ids::{SessionId, WriterId};
use crate::domain::parse::library::hex;
use crate::domain::session::{NoteEntry, NoteKind, Session, SessionState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const NAME: &str = ".muster-checkpoint";
const MAGIC: &[u8] = b"muster-checkpoint 1\n";
/// Changes whenever the state's or the header's shape changes: an older checkpoint is rebuilt.
pub const VERSION: u32 = 4;

/// No checkpoint is written for fewer events than this: reading them is as quick.
pub const EVERY_LEAST: usize = 32;

/// How many events beyond the checkpoint make it worth writing again. Each command reads the
/// events since the checkpoint (about 2.5 us each), and writing it costs in proportion to its
/// size (about 400 MB/s): the sum of both is least every sqrt(size / 500) events.
pub fn every(dir: &Path) -> usize {
    let size = fs::metadata(path(dir)).map(|m| m.len()).unwrap_or(0);
    (((size / 500) as f64).sqrt() as usize).clamp(EVERY_LEAST, 4096)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    version: u32,
    format: u32,
    session: SessionId,
    chains: Vec<Chain>,
    delivered: usize,
    warnings: Vec<String>,
    core_len: u64,
    core_sha: String,
    notes_len: u64,
    notes_sha: String,
    notes: u64,
}

/// Where the notes a checkpoint keeps are, for a session read without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesBase {
    pub path: PathBuf,
    pub offset: u64,
    pub len: u64,
    pub sha: String,
    pub count: u64,
}

/// What a checkpoint gave: the files as read, and the state.
pub struct Loaded {
    pub chains: BTreeMap<WriterId, Chain>,
    pub delivered: usize,
    pub warnings: Vec<String>,
    pub state: SessionState,
    /// The notes, when they were not read with the state.
    pub base: Option<NotesBase>,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(NAME)
}

/// Reads a checkpoint and checks it against the files; `None` when there is none or it does not
/// match (it is then rebuilt by the caller). With `notes`, the notes are read too.
pub fn load(dir: &Path, id: &SessionId, notes: bool) -> Option<Loaded> {
    let p = path(dir);
    let meta = fs::symlink_metadata(&p).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    let mut f = File::open(&p).ok()?;
    let mut head = vec![0u8; MAGIC.len()];
    f.read_exact(&mut head).ok()?;
    if head != MAGIC {
        return None;
    }
    // the header line: bounded, so a damaged file cannot make it read without end
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    let mut reader = std::io::BufReader::new(&mut f);
    loop {
        reader.read_exact(&mut byte).ok()?;
        if byte[0] == b'\n' {
            break;
        }
        line.push(byte[0]);
        if line.len() > 16 << 20 {
            return None;
        }
    }
    drop(reader);
    let header: Header = serde_json::from_slice(&line).ok()?;
    if header.version != VERSION
        || header.format != crate::domain::event::FORMAT_VERSION
        || header.session != *id
    {
        return None;
    }
    let core_at = (MAGIC.len() + line.len() + 1) as u64;
    if meta.len() != core_at + header.core_len + header.notes_len {
        return None;
    }
    for c in &header.chains {
        if !matches_file(dir, c) {
            return None;
        }
    }
    f.seek(SeekFrom::Start(core_at)).ok()?;
    let mut core = vec![0u8; usize::try_from(header.core_len).ok()?];
    f.read_exact(&mut core).ok()?;
    if hex(&Sha256::digest(&core)) != header.core_sha {
        return None;
    }
    let mut state: SessionState = serde_json::from_slice(&core).ok()?;
    state.reindex();
    let base = NotesBase {
        path: p,
        offset: core_at + header.core_len,
        len: header.notes_len,
        sha: header.notes_sha.clone(),
        count: header.notes,
    };
    let base = if notes {
        let mut s = Session::new(id.clone(), Vec::new(), None);
        s.state = state;
        s.notes_complete = false;
        if !read_notes(&base, &mut s) {
            return None;
        }
        state = s.state;
        None
    } else {
        Some(base)
    };
    Some(Loaded {
        chains: header
            .chains
            .into_iter()
            .map(|c| (c.writer.clone(), c))
            .collect(),
        delivered: header.delivered,
        warnings: header.warnings,
        state,
        base,
    })
}

/// Whether a writer's file still holds what the checkpoint read of it.
fn matches_file(dir: &Path, c: &Chain) -> bool {
    let p = file::journal_path(dir, &c.writer);
    let Ok(meta) = fs::symlink_metadata(&p) else {
        return false;
    };
    if !meta.file_type().is_file() || meta.len() < c.offset {
        return false;
    }
    if c.offset == 0 {
        return c.end.is_none();
    }
    let Some(end) = &c.end else {
        // the last line read was skipped whole (overlong): nothing to compare, so do not trust
        return false;
    };
    match last_line_before(&p, c.offset) {
        Some(line) => hex(&Sha256::digest(&line)) == *end,
        None => false,
    }
}

/// The line that ends (with its newline) at `offset`.
fn last_line_before(p: &Path, offset: u64) -> Option<Vec<u8>> {
    let mut f = File::open(p).ok()?;
    let mut window = 4096u64;
    loop {
        let start = offset.saturating_sub(window);
        f.seek(SeekFrom::Start(start)).ok()?;
        let mut buf = vec![0u8; (offset - start) as usize];
        f.read_exact(&mut buf).ok()?;
        if buf.last() != Some(&b'\n') {
            return None;
        }
        let body = &buf[..buf.len() - 1];
        if let Some(nl) = body.iter().rposition(|&b| b == b'\n') {
            return Some(body[nl + 1..].to_vec());
        }
        if start == 0 {
            return Some(body.to_vec());
        }
        if window as usize > file::MAX_LINE_BYTES {
            return None;
        }
        window *= 4;
    }
}

/// Where a note belongs: `u32::MAX` for the session, else the step's place among all steps.
fn targets(s: &SessionState) -> Vec<(usize, usize)> {
    s.plans
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| (0..p.steps.len()).map(move |si| (pi, si)))
        .collect()
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn kind_byte(k: NoteKind) -> u8 {
    match k {
        NoteKind::Note => 0,
        NoteKind::Done => 1,
        NoteKind::Skip => 2,
        NoteKind::Block => 3,
        NoteKind::Reopen => 4,
        NoteKind::Decision => 5,
        NoteKind::Conflict => 6,
    }
}

fn byte_kind(b: u8) -> Option<NoteKind> {
    Some(match b {
        0 => NoteKind::Note,
        1 => NoteKind::Done,
        2 => NoteKind::Skip,
        3 => NoteKind::Block,
        4 => NoteKind::Reopen,
        5 => NoteKind::Decision,
        6 => NoteKind::Conflict,
        _ => return None,
    })
}

/// The notes in the state, encoded: (bytes, count).
fn encode_notes(s: &SessionState) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut n = 0;
    let mut put = |target: u32, e: &NoteEntry| {
        out.extend_from_slice(&target.to_le_bytes());
        out.push(kind_byte(e.kind));
        out.extend_from_slice(&e.at.timestamp_millis().to_le_bytes());
        put_str(&mut out, &e.by);
        put_str(&mut out, &e.text);
        n += 1;
    };
    for e in &s.notes {
        put(u32::MAX, e);
    }
    for (t, (pi, si)) in targets(s).into_iter().enumerate() {
        for e in &s.plans[pi].steps[si].notes {
            put(t as u32, e);
        }
    }
    (out, n)
}

struct Cursor<'a> {
    b: &'a [u8],
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.b.len() < n {
            return None;
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Some(h)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// Decodes notes into the state, before the notes it already holds (which came later).
fn decode_notes(bytes: &[u8], count: u64, s: &mut SessionState) -> Option<()> {
    let places = targets(s);
    let mut session: Vec<NoteEntry> = Vec::new();
    let mut steps: Vec<Vec<NoteEntry>> = vec![Vec::new(); places.len()];
    let mut c = Cursor { b: bytes };
    for _ in 0..count {
        let target = c.u32()?;
        let kind = byte_kind(*c.take(1)?.first()?)?;
        let at = DateTime::<Utc>::from_timestamp_millis(c.i64()?)?;
        let by = c.string()?;
        let text = c.string()?;
        let e = NoteEntry { at, by, kind, text };
        if target == u32::MAX {
            session.push(e);
        } else {
            steps.get_mut(target as usize)?.push(e);
        }
    }
    if !c.b.is_empty() {
        return None;
    }
    session.append(&mut s.notes);
    s.notes = session;
    for ((pi, si), mut old) in places.into_iter().zip(steps) {
        let st = &mut s.plans[pi].steps[si];
        old.append(&mut st.notes);
        st.notes = old;
    }
    Some(())
}

/// Puts the notes a checkpoint keeps into a session read without them. False when they cannot
/// be read as they were (the checkpoint changed or was damaged since).
pub fn read_notes(base: &NotesBase, s: &mut Session) -> bool {
    if s.notes_complete {
        return true;
    }
    let Ok(mut f) = File::open(&base.path) else {
        return false;
    };
    let Ok(len) = usize::try_from(base.len) else {
        return false;
    };
    let mut bytes = vec![0u8; len];
    if f.seek(SeekFrom::Start(base.offset)).is_err() || f.read_exact(&mut bytes).is_err() {
        return false;
    }
    if hex(&Sha256::digest(&bytes)) != base.sha {
        return false;
    }
    if decode_notes(&bytes, base.count, &mut s.state).is_none() {
        return false;
    }
    s.notes_complete = true;
    true
}

/// Writes a checkpoint of the session as `chains` read it. A session read without its notes
/// keeps the checkpoint's notes (copied as they are, checked on the way) and adds its own.
/// A checkpoint is a cache: a failure to write it costs only speed. Returns where the notes now
/// are when the session holds only the newer ones (which then move into the checkpoint).
pub fn save(
    dir: &Path,
    chains: &BTreeMap<WriterId, Chain>,
    delivered: usize,
    warnings: &[String],
    s: &mut Session,
    base: Option<&NotesBase>,
) -> Result<Option<NotesBase>, StoreError> {
    // the state without its notes: take them out, write, put them back
    let mut taken_steps: Vec<Vec<NoteEntry>> = Vec::new();
    for p in &mut s.state.plans {
        for st in &mut p.steps {
            taken_steps.push(std::mem::take(&mut st.notes));
        }
    }
    let taken_session = std::mem::take(&mut s.state.notes);
    let core = serde_json::to_vec(&s.state);
    let mut it = taken_steps.into_iter();
    for p in &mut s.state.plans {
        for st in &mut p.steps {
            st.notes = it.next().unwrap_or_default();
        }
    }
    s.state.notes = taken_session;
    let core =
        core.map_err(|e| StoreError::io("write the checkpoint", dir, std::io::Error::other(e)))?;
    let (new_notes, new_count) = encode_notes(&s.state);
    let (old_notes, old_count) = match (&s.notes_complete, base) {
        (true, _) => (Vec::new(), 0),
        (false, Some(b)) => {
            let mut f = File::open(&b.path)
                .map_err(|e| StoreError::io("read the checkpoint", &b.path, e))?;
            let mut bytes = vec![0u8; b.len as usize];
            f.seek(SeekFrom::Start(b.offset))
                .and_then(|_| f.read_exact(&mut bytes))
                .map_err(|e| StoreError::io("read the checkpoint", &b.path, e))?;
            if hex(&Sha256::digest(&bytes)) != b.sha {
                // it changed under us: do not carry damaged notes on
                return Err(StoreError::Busy);
            }
            (bytes, b.count)
        }
        (false, None) => return Err(StoreError::Busy),
    };
    let mut notes = old_notes;
    notes.extend_from_slice(&new_notes);
    let header = Header {
        version: VERSION,
        format: crate::domain::event::FORMAT_VERSION,
        session: s.state.id.clone(),
        chains: chains.values().cloned().collect(),
        delivered,
        warnings: warnings.to_vec(),
        core_len: core.len() as u64,
        core_sha: hex(&Sha256::digest(&core)),
        notes_len: notes.len() as u64,
        notes_sha: hex(&Sha256::digest(&notes)),
        notes: old_count + new_count,
    };
    let header = serde_json::to_vec(&header)
        .map_err(|e| StoreError::io("write the checkpoint", dir, std::io::Error::other(e)))?;
    let tmp = dir.join(format!("{NAME}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(MAGIC)?;
        f.write_all(&header)?;
        f.write_all(b"\n")?;
        f.write_all(&core)?;
        f.write_all(&notes)?;
        drop(f);
        fs::rename(&tmp, path(dir))
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::io("write the checkpoint", &path(dir), e));
    }
    if s.notes_complete {
        return Ok(None);
    }
    // the newer notes are in the checkpoint now, after the older ones
    for p in &mut s.state.plans {
        for st in &mut p.steps {
            st.notes.clear();
        }
    }
    s.state.notes.clear();
    Ok(Some(NotesBase {
        path: path(dir),
        offset: (MAGIC.len() + header.len() + 1) as u64 + core.len() as u64,
        len: notes.len() as u64,
        sha: hex(&Sha256::digest(&notes)),
        count: old_count + new_count,
    }))
}
