//! Journal files: the line format, durable appends, and reading with verification as it goes.
//!
//! Each writer appends only to its own `journal-<writer>.jsonl`. An append takes an exclusive
//! lock on the file, checks its tail, writes, and `fdatasync`s before it returns: an event is
//! reported as recorded only once it is on disk.
//!
//! Every line ends with `"sum"`: the SHA-256 of the line without that field, so an edit of the
//! last line (which no later `prev` covers) is detected too. A line counts only once it ends with
//! its newline: bytes after the last newline are an unfinished write (a crash, a full disk, a
//! quota) and are never read as an event. The next append ends them with [`UNFINISHED_MARK`] and
//! a newline, which keeps them as evidence but can never make them valid JSON, and records an
//! `unfinished_write` event naming their hash.

use super::StoreError;
use crate::domain::event::{Event, FORMAT_VERSION};
use crate::domain::ids::WriterId;
use crate::domain::sha256_hex;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const PREFIX: &str = "journal-";
/// The most journal files a session folder may hold: a session has a writer per machine (and a
/// continuation or a kept history now and then), so more were not written by muster.
pub const MAX_FILES: usize = 1000;
pub const SUFFIX: &str = ".jsonl";

/// What ends an unfinished write when the next append finds it. It holds no `"`, `}` or `]`, so
/// whatever the cut-off bytes were, the line can never read as an event.
pub const UNFINISHED_MARK: &str = " ~unfinished write, not an event~";

pub fn journal_path(dir: &Path, writer: &WriterId) -> PathBuf {
    dir.join(format!("{PREFIX}{writer}{SUFFIX}"))
}

pub fn writer_of(path: &Path) -> Option<WriterId> {
    let name = path.file_name()?.to_str()?;
    let w = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    (!w.is_empty()).then(|| WriterId::new(w))
}

/// Serialises an event as an unsigned journal line (format 1, without the newline), checksum
/// included: what muster wrote before lines were signed. Tests and old fixtures use it.
pub fn encode(e: &Event) -> String {
    encode_with(e, None)
}

/// Serialises an event as its journal line (without the newline): its checksum, then its
/// signature by this home's key for `session`.
pub fn encode_signed(e: &Event, signer: &super::keys::Signer, session: &str) -> String {
    encode_with(e, Some((signer, session)))
}

fn encode_with(e: &Event, signer: Option<(&super::keys::Signer, &str)>) -> String {
    // an Event holds only strings, numbers and times: serialising it cannot fail
    let mut line = serde_json::to_string(e).unwrap_or_default();
    let sum = sha256_hex(line.as_bytes());
    line.pop(); // the closing brace
    line.push_str(",\"sum\":\"");
    line.push_str(&sum);
    line.push('"');
    if let Some((signer, session)) = signer {
        line.push_str(",\"sig\":\"");
        line.push_str(&signer.sign(session, &sum));
        line.push('"');
    }
    line.push('}');
    line
}

/// `,"sig":"` + 128 hex + `"}`: how a signed line ends.
const SIG_TAIL: usize = 8 + 128 + 2;
/// `,"sum":"` + 64 hex + `"`.
const SUM_TAIL: usize = 8 + 64 + 1;

/// A line's parts: what its checksum covers (the line up to its `sum`, without the closing
/// brace), the checksum, and the signature when it has one. `None` when it has no checksum.
fn parts(line: &str) -> Option<(&str, &str, Option<&str>)> {
    let signed = line
        .len()
        .checked_sub(SIG_TAIL)
        .filter(|&i| line.is_char_boundary(i) && line[i..].starts_with(",\"sig\":\""))
        .filter(|_| line.ends_with("\"}"));
    let (a, sig) = match signed {
        Some(i) => (&line[..i], Some(&line[i + 8..line.len() - 2])),
        None => (line.strip_suffix('}')?, None),
    };
    let i = a.len().checked_sub(SUM_TAIL)?;
    if i < 1 || !a.is_char_boundary(i) {
        return None;
    }
    let sum = a[i..].strip_prefix(",\"sum\":\"")?.strip_suffix('"')?;
    Some((&a[..i], sum, sig))
}

/// Whether a line's checksum matches the rest of it (the line as it was hashed is the line
/// without `,"sum":"..."` and `,"sig":"..."`): `None` when it has none.
fn sum_matches(line: &str) -> Option<bool> {
    use sha2::{Digest, Sha256};
    let (body, sum, _) = parts(line)?;
    let mut h = Sha256::new();
    h.update(body.as_bytes());
    h.update(b"}");
    let d = h.finalize();
    let sum = sum.as_bytes();
    Some(
        sum.len() == 64
            && d.iter().enumerate().all(|(i, b)| {
                let hi = crate::domain::parse::library::HEX[(b >> 4) as usize];
                let lo = crate::domain::parse::library::HEX[(b & 15) as usize];
                sum[2 * i] == hi && sum[2 * i + 1] == lo
            }),
    )
}

/// A problem found in a journal file, at a line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub error: bool,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = crate::domain::text::clean(&self.path.display().to_string(), false);
        let kind = if self.error { "error" } else { "warning" };
        match self.line {
            0 => write!(f, "{path}: {kind}: {}", self.message),
            n => write!(f, "{path}:{n}: {kind}: {}", self.message),
        }
    }
}

/// How far one writer's file has been read and verified: where to go on from, and the chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chain {
    pub writer: WriterId,
    /// Bytes read: the end of the last complete line.
    pub offset: u64,
    /// Lines read.
    pub lines: usize,
    /// The sequence number of the last event in the chain.
    pub seq: u64,
    /// SHA-256 of the last line in the chain (the chain's head).
    pub head: Option<String>,
    pub head_line: usize,
    /// Events read into the chain.
    pub events: u64,
    /// SHA-256 of the first line: two histories claiming one writer differ here.
    pub first: Option<String>,
    /// Problems found so far (errors and warnings).
    pub problems: Vec<Problem>,
    /// Whether the file ended in an unfinished write when it was last read.
    pub unfinished_tail: bool,
    /// The latest event time in the chain.
    #[serde(default, with = "crate::domain::event::ts::opt")]
    pub last_at: Option<chrono::DateTime<chrono::Utc>>,
    /// SHA-256 of the last complete line read (in the chain or not): a checkpoint that says it
    /// read up to `offset` is checked against it.
    #[serde(default)]
    pub end: Option<String>,
    /// Check every line's own checksum, not only the last one's. The hash chain already covers
    /// every line that has a line after it; `muster verify` checks both anyway.
    #[serde(skip)]
    pub every_sum: bool,
    /// What this writer last said it saw of each other writer's file (the latest claim per
    /// writer): a file now shorter than that was rolled back or truncated.
    #[serde(default)]
    pub saw: BTreeMap<WriterId, Claim>,
    /// Every claim of the file, and every line's hash by sequence number: kept only when
    /// verifying, to check each claim against the file it names.
    #[serde(skip)]
    pub claims: Vec<Seen>,
    /// The writers `claims` name, by index.
    #[serde(skip)]
    pub claimed: Vec<WriterId>,
    #[serde(skip)]
    pub hashes: Vec<(u64, [u8; 32])>,
    /// The writer's public signing key (lowercase hex), from its first signed line.
    #[serde(default)]
    pub key: Option<String>,
    /// The line that gave the key.
    #[serde(default)]
    pub key_line: usize,
    /// Lines of the format of before signing (1), read before the first signed line.
    #[serde(default)]
    pub unsigned: u64,
    /// The session the lines are signed for: the name of the file's folder.
    #[serde(default)]
    pub session: String,
    /// The first line found that is not its writer's (a signature that fails, a key that
    /// changes, an unsigned line after signed ones): its writer never chains onto it.
    #[serde(default)]
    pub foreign: Option<usize>,
    /// Check every line's signature (`muster verify`, and what `sync` and `merge` take in).
    /// Otherwise only the last line read is checked: it signs the hash of the line before it,
    /// which hashes the one before that, and so on, and a writer never signs after a line that
    /// is not its own.
    #[serde(skip)]
    pub every_sig: bool,
    /// The last line read and its signature, to check once the read ends: (line, sum, sig).
    #[serde(skip)]
    pending: Option<(usize, String, String)>,
    /// Lines whose signatures are to be checked, in a batch on every core (`every_sig`).
    #[serde(skip)]
    deferred: Vec<(usize, String, String)>,
    #[serde(skip)]
    verifying_key: Option<ed25519_dalek::VerifyingKey>,
}

/// A claim as kept while verifying, compactly: the writer (an index into `Chain::claimed`), its
/// sequence number and head, and the line of this file that made the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub writer: u32,
    pub seq: u64,
    pub hash: [u8; 32],
    pub line: usize,
}

/// Lowercase hex of 32 bytes, read back; `None` when it is not that.
pub fn unhex32(s: &str) -> Option<[u8; 32]> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (val(b[2 * i])? << 4) | val(b[2 * i + 1])?;
    }
    Some(out)
}

/// A writer's claim to have read another's file up to a line: its sequence number and hash, and
/// where the claim was made (the claiming event's sequence and line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    pub seq: u64,
    pub hash: String,
    pub by_seq: u64,
    pub by_line: usize,
}

impl Chain {
    pub fn new(writer: WriterId) -> Chain {
        Chain {
            writer,
            offset: 0,
            lines: 0,
            seq: 0,
            head: None,
            head_line: 0,
            events: 0,
            first: None,
            problems: Vec::new(),
            unfinished_tail: false,
            last_at: None,
            end: None,
            every_sum: false,
            saw: BTreeMap::new(),
            claims: Vec::new(),
            claimed: Vec::new(),
            hashes: Vec::new(),
            key: None,
            key_line: 0,
            unsigned: 0,
            session: String::new(),
            foreign: None,
            every_sig: false,
            pending: None,
            deferred: Vec::new(),
            verifying_key: None,
        }
    }

    /// A chain that checks everything, every line's signature included: for `muster verify`,
    /// and for what `sync` and `merge` take in.
    pub fn strict(writer: WriterId, session: &str) -> Chain {
        Chain {
            every_sum: true,
            every_sig: true,
            session: session.to_string(),
            ..Chain::new(writer)
        }
    }

    /// The file and its key, as a reader is told of it.
    pub fn writer_key(&self, path: &Path) -> crate::domain::seal::WriterKey {
        crate::domain::seal::WriterKey {
            writer: self.writer.to_string(),
            file: path
                .file_name()
                .map(|n| crate::domain::text::clean(&n.to_string_lossy(), false))
                .unwrap_or_default(),
            events: self.events,
            key: self.fingerprint(),
            unsigned: self.unsigned,
        }
    }

    /// The writer's key as people compare it, when its lines are signed.
    pub fn fingerprint(&self) -> Option<String> {
        self.key.as_deref().map(super::keys::fingerprint_hex)
    }

    /// A line that is not its writer's: an error, and the file's writer never chains onto it.
    fn not_its_writers(&mut self, path: &Path, n: usize, message: String) {
        self.foreign.get_or_insert(n);
        self.problem(path, n, true, message);
    }

    fn signed_by_key(&mut self, sum: &str, sig: &str) -> bool {
        if self.verifying_key.is_none() {
            self.verifying_key = self.key.as_deref().and_then(super::keys::public_key);
        }
        self.verifying_key
            .as_ref()
            .is_some_and(|k| super::keys::verifies(k, &self.session, sum, sig))
    }

    fn bad_signature(&self) -> String {
        format!(
            "this line is not signed by writer `{}`'s key ({}, given on line {}): it was not written by that writer's muster, or it was changed, or it was copied from another session",
            self.writer.as_str().split('@').next().unwrap_or_default(),
            self.fingerprint().unwrap_or_default(),
            self.key_line
        )
    }

    /// Checks the signatures of the lines read so far, on every core (what `verify` and the
    /// sync boundary ask: every line's), reporting each that fails, in line order.
    fn check_deferred(&mut self, path: &Path) {
        if self.deferred.is_empty() {
            return;
        }
        if self.verifying_key.is_none() {
            self.verifying_key = self.key.as_deref().and_then(super::keys::public_key);
        }
        let batch = std::mem::take(&mut self.deferred);
        let key = self.verifying_key;
        let session = self.session.as_str();
        let ok = |(_, sum, sig): &(usize, String, String)| {
            key.as_ref()
                .is_some_and(|k| super::keys::verifies(k, session, sum, sig))
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let bad: Vec<usize> = if batch.len() < 256 || threads == 1 {
            batch.iter().filter(|x| !ok(x)).map(|x| x.0).collect()
        } else {
            let size = batch.len().div_ceil(threads);
            std::thread::scope(|sc| {
                let parts: Vec<_> = batch
                    .chunks(size)
                    .map(|part| {
                        sc.spawn(move || {
                            part.iter()
                                .filter(|x| !ok(x))
                                .map(|x| x.0)
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                parts
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        if !bad.is_empty() {
            for n in bad {
                let m = self.bad_signature();
                self.not_its_writers(path, n, m);
            }
            self.problems.sort_by_key(|p| p.line);
        }
    }

    /// Follows lines this process has just signed and written: checked as any reader checks
    /// them, but for their signature, which is this process's own.
    pub fn feed_own(&mut self, path: &Path, buf: &[u8], out: &mut Vec<Event>) {
        self.feed(path, buf, out);
        self.pending = None;
    }

    /// Checks the last line's signature, when it was left for the end of the read.
    fn check_pending(&mut self, path: &Path) {
        self.check_deferred(path);
        if let Some((n, sum, sig)) = self.pending.take()
            && !self.signed_by_key(&sum, &sig)
        {
            let m = self.bad_signature();
            self.not_its_writers(path, n, m);
        }
    }

    /// A line's signature: format 1 lines (before signing) only before the first signed line;
    /// then every line signed by the key the first one gave.
    fn signature(&mut self, path: &Path, n: usize, event: &Event, line: &str, last: bool) {
        let writer = self
            .writer
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        if event.v < 2 {
            if self.key.is_some() {
                let m = format!(
                    "this line is unsigned (format {}), but the lines before it are signed by writer `{writer}`: it was not written by that writer's muster",
                    event.v
                );
                self.not_its_writers(path, n, m);
            } else {
                self.unsigned += 1;
            }
            return;
        }
        let Some((sum, sig)) = parts(line).and_then(|(_, sum, sig)| sig.map(|g| (sum, g))) else {
            let m = format!(
                "this line is not signed: it was not written by writer `{writer}`'s muster (muster signs every line)"
            );
            self.not_its_writers(path, n, m);
            return;
        };
        if let Some(k) = &event.key {
            match &self.key {
                None => match super::keys::public_key(k) {
                    Some(vk) => {
                        self.key = Some(k.clone());
                        self.key_line = n;
                        self.verifying_key = Some(vk);
                    }
                    None => {
                        self.not_its_writers(
                            path,
                            n,
                            "this line's `key` is not a public key: it was edited or made by hand"
                                .into(),
                        );
                        return;
                    }
                },
                Some(old) if old != k => {
                    let m = format!(
                        "writer `{writer}`'s key changes here, from {} (line {}) to {}: a line signed by someone else was put in this writer's file",
                        super::keys::fingerprint_hex(old),
                        self.key_line,
                        super::keys::fingerprint_hex(k)
                    );
                    self.not_its_writers(path, n, m);
                    return;
                }
                Some(_) => {}
            }
        }
        if self.key.is_none() {
            let m = format!(
                "this line is signed, but writer `{writer}`'s key is not given before it: the writer's first signed line, which carries it, was removed"
            );
            self.not_its_writers(path, n, m);
            return;
        }
        if self.every_sig {
            self.deferred.push((n, sum.to_string(), sig.to_string()));
        } else if last {
            self.pending = Some((n, sum.to_string(), sig.to_string()));
        }
    }

    /// A chain that checks every line's checksum as well as the hash chain: for `verify`.
    pub fn verifying(writer: WriterId) -> Chain {
        Chain {
            every_sum: true,
            ..Chain::new(writer)
        }
    }

    fn problem(&mut self, path: &Path, line: usize, error: bool, message: String) {
        self.problems.push(Problem {
            path: path.to_path_buf(),
            line,
            error,
            message,
        });
    }

    /// Notes once that the file ends in an unfinished write (not at every read).
    fn flag_unfinished(&mut self, path: &Path) {
        let line = self.lines + 1;
        let msg = "the last line is unfinished (a crash, a full disk or a quota stopped the write); it is kept as evidence and is not an event";
        if !self
            .problems
            .iter()
            .any(|p| p.line == line && p.message == msg)
        {
            self.problem(path, line, false, msg.into());
        }
    }

    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.error).count()
    }

    /// Reads the complete lines in `buf` (which starts at `self.offset`) and returns their events.
    /// Bytes after the last newline are left for the next read.
    pub fn feed(&mut self, path: &Path, buf: &[u8], out: &mut Vec<Event>) {
        if self.session.is_empty() {
            self.session = session_of(path);
        }
        let mut start = 0;
        let mut last_was_event = false;
        let mut before: Option<&[u8]> = None;
        while let Some(nl) = memchr::memchr(b'\n', &buf[start..]) {
            let line = &buf[start..start + nl];
            let problems = self.problems.len();
            self.lines += 1;
            self.offset += nl as u64 + 1;
            start += nl + 1;
            let sum = self.every_sum || memchr::memchr(b'\n', &buf[start..]).is_none();
            match self.line(path, line, sum) {
                Some(e) => {
                    last_was_event = true;
                    out.push(e);
                }
                None => {
                    last_was_event = false;
                    self.end = Some(sha256_hex(line));
                }
            }
            // a line that does not chain to the one before: say which, when its own checksum
            // shows it was edited (checksums are otherwise left to the chain)
            if !self.every_sum
                && self.problems[problems..]
                    .iter()
                    .any(|p| p.message.starts_with("this line's `prev` does not match"))
                && let Some(b) = before
                && let Ok(text) = std::str::from_utf8(b)
                && sum_matches(text) == Some(false)
            {
                let n = self.lines - 1;
                self.problems.insert(
                    problems,
                    Problem {
                        path: path.to_path_buf(),
                        line: n,
                        error: true,
                        message: "this line was edited: its content no longer matches its checksum"
                            .into(),
                    },
                );
            }
            before = Some(line);
        }
        if last_was_event {
            self.end.clone_from(&self.head);
        }
        self.unfinished_tail = start < buf.len();
    }

    /// Checks one complete line: its format, checksum, writer, version, sequence and chain.
    fn line(&mut self, path: &Path, bytes: &[u8], check_sum: bool) -> Option<Event> {
        let n = self.lines;
        if bytes.is_empty() {
            return None;
        }
        if bytes.len() > MAX_LINE_BYTES {
            self.problem(
                path,
                n,
                true,
                format!("this line is longer than {} MiB: it is not an event muster wrote, and it is left out", MAX_LINE_BYTES >> 20),
            );
            return None;
        }
        // an unfinished write may have been cut inside a character: it is marked, whatever it is
        if bytes.ends_with(UNFINISHED_MARK.as_bytes()) {
            self.problems
                .retain(|p| !(p.line == n && p.message.starts_with("the last line is unfinished")));
            self.problem(path, n, false, "an unfinished write (a crash, a full disk or a quota stopped it), ended by a later append; it is kept as evidence and is not an event".into());
            return None;
        }
        let Ok(line) = std::str::from_utf8(bytes) else {
            self.problem(
                path,
                n,
                true,
                "this line is not UTF-8: the file was damaged or edited".into(),
            );
            return None;
        };
        let event = match serde_json::from_str::<Event>(line) {
            Ok(e) => e,
            Err(err) => {
                // a line muster ended is marked as such (above): any other line that does not
                // read was damaged or made by hand
                let msg = if err.is_eof() || err.to_string().contains("EOF while parsing") {
                    "this line is incomplete: it ends before its event does (it was cut, then ended by hand or by another program); it is left out".to_string()
                } else {
                    format!(
                        "this line is not a valid event ({}); it is left out. It was damaged or edited",
                        crate::domain::text::clean(&err.to_string(), false)
                    )
                };
                self.problem(path, n, true, msg);
                return None;
            }
        };
        // what muster writes: ids of at most 64 letters, digits, `-` and `_`; plan hashes of 64
        // hex digits
        let plain = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !plain(event.id.as_str()) {
            self.problem(
                path,
                n,
                true,
                format!(
                    "this line's event `id` ({} characters) is not one muster writes: it was edited or made by hand",
                    event.id.as_str().chars().count()
                ),
            );
        }
        let hashes: Vec<&str> = match &event.body {
            crate::domain::event::Body::SessionStarted {
                plans, scenario, ..
            } => plans
                .iter()
                .map(|p| p.hash.as_str())
                .chain(scenario.iter().map(|s| s.hash.as_str()))
                .collect(),
            crate::domain::event::Body::PlanInvoked { plan } => vec![plan.hash.as_str()],
            _ => Vec::new(),
        };
        if hashes.iter().any(|h| unhex32(h).is_none()) {
            self.problem(
                path,
                n,
                true,
                "this line names a plan `hash` that is not a SHA-256 (64 hex digits): it was edited or made by hand".into(),
            );
        }
        let hash = {
            use sha2::{Digest, Sha256};
            Sha256::digest(bytes)
        };
        match if check_sum {
            sum_matches(line)
        } else {
            Some(true)
        } {
            Some(true) => {}
            Some(false) => self.not_its_writers(
                path,
                n,
                "this line was edited: its content no longer matches its checksum".into(),
            ),
            None => self.not_its_writers(
                path,
                n,
                "this line has no checksum: it was not written by muster, or was edited".into(),
            ),
        }
        if event.writer.as_str() != self.writer.as_str().split('@').next().unwrap_or_default() {
            let msg = format!(
                "this line was written by `{}`, but this is the journal of `{}`: lines were copied between files",
                crate::domain::text::clean(event.writer.as_str(), false),
                self.writer
            );
            self.problem(path, n, true, msg);
        }
        if event.v != FORMAT_VERSION && event.v != 1 {
            let msg = format!(
                "format version {} is not one this muster reads (it reads 1 to {FORMAT_VERSION}): a newer muster wrote it, or it was edited",
                event.v
            );
            self.problem(path, n, true, msg);
        } else {
            self.signature(path, n, &event, line, check_sum);
        }
        let expected = self.seq + 1;
        if event.seq != expected {
            let msg = if event.seq < expected {
                format!(
                    "sequence number {} comes after {}: lines were reordered or repeated",
                    event.seq, self.seq
                )
            } else if self.seq == 0 {
                format!(
                    "sequence number {} at the start: the first {} line(s) were deleted",
                    event.seq,
                    event.seq - 1
                )
            } else {
                format!(
                    "sequence number {} follows {}: {} line(s) before this one were deleted",
                    event.seq,
                    self.seq,
                    event.seq - expected
                )
            };
            self.problem(path, n, true, msg);
        }
        if event.prev != self.head {
            let msg = match (&event.prev, self.head_line) {
                (None, _) => {
                    "this line does not chain to the line before it (`prev` is missing)".to_string()
                }
                (Some(_), 0) => {
                    "this line chains to a line that is not in the file: earlier lines were deleted"
                        .to_string()
                }
                (Some(_), p) => format!(
                    "this line's `prev` does not match line {p}: line {p} was edited, or lines between were inserted, deleted or reordered"
                ),
            };
            self.problem(path, n, true, msg);
        }
        if self.first.is_none() {
            self.first = Some(crate::domain::parse::library::hex(&hash));
        }
        // the new head, written into the old one's buffer: no allocation per line
        let head = self.head.get_or_insert_with(|| String::with_capacity(64));
        head.clear();
        for b in hash.iter() {
            head.push(crate::domain::parse::library::HEX[(b >> 4) as usize] as char);
            head.push(crate::domain::parse::library::HEX[(b & 15) as usize] as char);
        }
        self.head_line = n;
        self.seq = event.seq;
        self.events += 1;
        let own = self.writer.as_str().split('@').next().unwrap_or_default();
        let sealed = match &event.body {
            crate::domain::event::Body::Sealed { heads, .. } => &heads[..],
            _ => &[],
        };
        for w in event.saw.iter().chain(sealed) {
            if w.w.as_str() == own {
                continue;
            }
            let claim = Claim {
                seq: w.seq,
                hash: w.hash.clone(),
                by_seq: event.seq,
                by_line: n,
            };
            if self.every_sum {
                let writer = match self.claimed.iter().position(|x| *x == w.w) {
                    Some(i) => i,
                    None => {
                        self.claimed.push(w.w.clone());
                        self.claimed.len() - 1
                    }
                } as u32;
                self.claims.push(Seen {
                    writer,
                    seq: w.seq,
                    // a claim whose hash is not one matches no line, and is reported
                    hash: unhex32(&w.hash).unwrap_or([0; 32]),
                    line: n,
                });
            }
            if self.saw.get(&w.w).is_none_or(|c| c.seq <= claim.seq) {
                self.saw.insert(w.w.clone(), claim);
            }
        }
        if self.every_sum {
            self.hashes.push((event.seq, hash.into()));
        }
        if self.last_at.is_none_or(|t| t < event.at) {
            self.last_at = Some(event.at);
        }
        Some(event)
    }
}

/// The session a journal file belongs to: the name of its folder.
pub fn session_of(path: &Path) -> String {
    path.parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Opens a journal file for reading: a regular file only (never a device, a FIFO or a folder).
pub fn open_regular(path: &Path) -> Result<File, StoreError> {
    let not_a_file = || StoreError::NotAFile {
        path: path.to_path_buf(),
    };
    // never following a link, never waiting on a FIFO; what was opened is then checked
    let f = match crate::platform::open_no_follow(path) {
        Ok(Some(f)) => f,
        Ok(None) => return Err(not_a_file()),
        Err(e) => return Err(StoreError::io("read the journal", path, e)),
    };
    let meta = f
        .metadata()
        .map_err(|e| StoreError::io("read the journal", path, e))?;
    if !meta.file_type().is_file() {
        return Err(not_a_file());
    }
    Ok(f)
}

/// Reads a file from `chain.offset` to its end, chunk by chunk, handing each complete line's
/// event to `each`. Returns false when the file is now shorter than what was read before (it was
/// truncated or replaced).
pub fn read_on(
    path: &Path,
    chain: &mut Chain,
    mut each: impl FnMut(Event),
) -> Result<bool, StoreError> {
    let mut f = open_regular(path)?;
    let len = f
        .metadata()
        .map_err(|e| StoreError::io("read the journal", path, e))?
        .len();
    if len < chain.offset {
        return Ok(false);
    }
    if len == chain.offset {
        chain.unfinished_tail = false;
        return Ok(true);
    }

    f.seek(SeekFrom::Start(chain.offset))
        .map_err(|e| StoreError::io("read the journal", path, e))?;
    let mut remaining = len - chain.offset;
    let mut carry: Vec<u8> = Vec::with_capacity(remaining.min(CHUNK as u64) as usize);
    let mut events = Vec::with_capacity((CHUNK as u64).min(remaining) as usize / 256);
    // an overlong line being skipped: how many of its bytes were passed over so far
    let mut skipped: Option<u64> = None;
    while remaining > 0 {
        let old = carry.len();
        let want = CHUNK.min(remaining as usize);
        carry.resize(old + want, 0);
        let n = f
            .read(&mut carry[old..])
            .map_err(|e| StoreError::io("read the journal", path, e))?;
        carry.truncate(old + n);
        if n == 0 {
            break;
        }
        remaining -= n as u64;
        if let Some(k) = skipped {
            match memchr::memchr(b'\n', &carry) {
                Some(p) => {
                    chain.offset += k + p as u64 + 1;
                    chain.lines += 1;
                    chain.end = None;
                    carry.drain(..=p);
                    skipped = None;
                }
                None => {
                    skipped = Some(k + carry.len() as u64);
                    carry.clear();
                    continue;
                }
            }
        }
        let before = chain.offset;
        chain.feed(path, &carry, &mut events);
        chain.check_pending(path);
        let used = (chain.offset - before) as usize;
        carry.drain(..used);
        for e in events.drain(..) {
            each(e);
        }
        if carry.len() > MAX_LINE_BYTES {
            let line = chain.lines + 1;
            chain.problem(
                path,
                line,
                true,
                format!("this line is longer than {} MiB: it is not an event muster wrote, and it is left out", MAX_LINE_BYTES >> 20),
            );
            skipped = Some(carry.len() as u64);
            carry.clear();
        }
    }
    // an overlong line that runs to the end of the file is an unfinished write, as far as it goes
    chain.unfinished_tail = !carry.is_empty() || skipped.is_some();
    if chain.unfinished_tail {
        chain.flag_unfinished(path);
    }
    Ok(true)
}

/// How much of a journal file is read at a time.
const CHUNK: usize = 4 << 20;

/// The longest line read as an event: muster writes lines of at most a few hundred KiB.
pub const MAX_LINE_BYTES: usize = 8 << 20;

/// Reads a whole journal file, checking it as it goes: its hash chain, and every line's checksum.
pub fn read_file(path: &Path) -> Result<(Chain, Vec<Event>), StoreError> {
    let writer = writer_of(path).unwrap_or_default();
    let mut chain = Chain::verifying(writer);
    let mut events = Vec::new();
    read_on(path, &mut chain, |e| events.push(e))?;
    Ok((chain, events))
}

/// Fsyncs a folder so that a file created or renamed in it survives a power cut.
pub fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    crate::platform::sync_dir(dir).map_err(|e| StoreError::io("sync the folder", dir, e))
}

/// Creates a folder (and its parents), syncing each new one into its parent.
pub fn create_dir_durable(dir: &Path) -> Result<(), StoreError> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durable(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(StoreError::io("create the folder", dir, e)),
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Whether a file name in a session folder is one muster writes there.
pub fn is_muster_file(name: &str) -> bool {
    name.starts_with('.')
        || name == super::runs::DIR
        || super::merge::is_journal_name(name)
        || super::merge::is_snapshot_name(name)
}

/// The journal files of a session folder, sorted by name; anything else named like one (a
/// folder, a device, a link) is reported, never read, and files that are not muster's are
/// counted in one warning. More journal files than a session can have is an error.
pub fn journal_paths(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Problem>), StoreError> {
    let entries =
        crate::fsx::list(dir).map_err(|e| StoreError::io("open the session folder", dir, e))?;
    let named = entries
        .iter()
        .filter(|e| writer_of(Path::new(e.file_name())).is_some())
        .count();
    if named > MAX_FILES {
        return Err(StoreError::TooManyFiles {
            dir: dir.to_path_buf(),
            count: named,
            limit: MAX_FILES,
        });
    }
    let mut out = Vec::new();
    let mut odd = Vec::new();
    let mut others = 0usize;
    for e in entries {
        let p = e.path();
        if writer_of(&p).is_none() {
            if !is_muster_file(&e.file_name().to_string_lossy()) {
                others += 1;
            }
            continue;
        }
        match e.is_file() {
            true => out.push(p),
            _ => odd.push(Problem {
                path: p,
                line: 1,
                error: true,
                message: "this is not a regular file, so it is not read as a journal".into(),
            }),
        }
    }
    if others > 0 {
        odd.push(Problem {
            path: dir.to_path_buf(),
            line: 0,
            error: false,
            message: format!(
                "{others} file(s) in this session folder are not muster's: they are left out"
            ),
        });
    }
    out.sort();
    Ok((out, odd))
}

/// Durably appends lines to a writer's file, whose verified chain is `chain`. The file is
/// locked for the append; the caller has read it up to its end under the same lock. Bytes after
/// the chain's end (an unfinished write) are ended with [`UNFINISHED_MARK`] first.
pub struct Locked {
    pub file: File,
    pub path: PathBuf,
}

impl Locked {
    /// Opens (creating when needed) and locks a writer's file.
    pub fn open(dir: &Path, writer: &WriterId) -> Result<Locked, StoreError> {
        let path = journal_path(dir, writer);
        let existed = path.exists();
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| StoreError::io("open the journal", &path, e))?;
        if !existed {
            sync_dir(dir)?;
        }
        file.lock()
            .map_err(|e| StoreError::io("lock the journal", &path, e))?;
        Ok(Locked { file, path })
    }

    /// The bytes after `offset` (what an unfinished write left): how many, and their SHA-256.
    pub fn tail_after(&mut self, offset: u64) -> Result<Option<(u64, String)>, StoreError> {
        use sha2::{Digest, Sha256};
        let io = |e| StoreError::io("read the journal", &self.path, e);
        let len = self.file.metadata().map_err(io)?.len();
        if len <= offset {
            return Ok(None);
        }
        self.file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = len - offset;
        while left > 0 {
            let want = buf.len().min(left as usize);
            let n = self.file.read(&mut buf[..want]).map_err(io)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            left -= n as u64;
        }
        Ok(Some((
            len - offset - left,
            crate::domain::parse::library::hex(&h.finalize()),
        )))
    }

    /// Writes the bytes and syncs them to disk.
    pub fn write_durable(&mut self, bytes: &[u8]) -> Result<(), AppendFailure> {
        self.file.write_all(bytes).map_err(|e| {
            AppendFailure::Write(StoreError::io("write to the journal", &self.path, e))
        })?;
        self.file
            .sync_data()
            .map_err(|e| AppendFailure::Sync(StoreError::io("sync the journal", &self.path, e)))
    }
}

/// Why an append failed: before anything reached the file, or after (durability unknown).
#[derive(Debug)]
pub enum AppendFailure {
    Write(StoreError),
    Sync(StoreError),
}

/// The last `n` events of a file, read from its end (for a timeline; not verified, so a reader
/// that must trust them reads the whole file). Lines that do not read are passed over.
pub fn tail_events(path: &Path, n: usize) -> Result<Vec<Event>, StoreError> {
    let mut f = open_regular(path)?;
    let io = |e| StoreError::io("read the journal", path, e);
    let len = f.metadata().map_err(io)?.len();
    let mut window: u64 = 64 * 1024;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut buf = vec![0u8; (len - start) as usize];
        f.read_exact(&mut buf).map_err(io)?;
        // only complete lines; a first line cut by the window is not one
        let end = buf.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let body = &buf[..end];
        let lines: Vec<&[u8]> = body
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        let whole = if start == 0 {
            &lines[..]
        } else {
            lines.get(1..).unwrap_or(&[])
        };
        if whole.len() >= n || start == 0 || window > 64 << 20 {
            let from = whole.len().saturating_sub(n);
            return Ok(whole[from..]
                .iter()
                .filter_map(|l| serde_json::from_slice::<Event>(l).ok())
                .collect());
        }
        window *= 4;
    }
}
