//! Journal files: durable appends, tolerant reads, and verification of the hash chain.
//!
//! Each writer appends only to its own `journal-<writer>.jsonl`. An append takes an exclusive
//! lock on the file, reads its tail (to chain and number the new line), writes, and `fdatasync`s
//! before it returns: an event is reported as recorded only once it is on disk.
//!
//! Every line ends with `"sum"`: the SHA-256 of the line without that field, so an edit of the
//! last line (which no later `prev` covers) is detected too.

use super::event::{Body, Event, FORMAT_VERSION};
use crate::error::{Error, Result};
use crate::model::library::sha256_hex;
use chrono::{DateTime, Utc};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const PREFIX: &str = "journal-";
pub const SUFFIX: &str = ".jsonl";

pub fn journal_path(dir: &Path, writer: &str) -> PathBuf {
    dir.join(format!("{PREFIX}{writer}{SUFFIX}"))
}

/// An event to be written: everything but the fields the writer fills in.
#[derive(Debug, Clone)]
pub struct Draft {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub body: Body,
    pub ex_ms: Option<i64>,
    pub seen: Option<DateTime<Utc>>,
}

/// Serialises an event as its journal line (without the newline), checksum included.
pub fn encode(e: &Event) -> String {
    let mut line = serde_json::to_string(e).expect("events always serialise");
    let sum = sha256_hex(line.as_bytes());
    line.pop(); // the closing brace
    line.push_str(",\"sum\":\"");
    line.push_str(&sum);
    line.push_str("\"}");
    line
}

/// Splits the trailing checksum off a line: (line as it was hashed, checksum).
fn split_sum(line: &str) -> Option<(String, &str)> {
    const TAIL: usize = ",\"sum\":\"".len() + 64 + 2;
    if line.len() < TAIL + 2 || !line.is_char_boundary(line.len() - TAIL) {
        return None;
    }
    let (body, tail) = line.split_at(line.len() - TAIL);
    let sum = tail.strip_prefix(",\"sum\":\"")?.strip_suffix("\"}")?;
    Some((format!("{body}}}"), sum))
}

/// A fresh, unique event id.
fn fresh_id(writer: &str, seq: u64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!(
        "{writer}/{seq}/{nanos}/{}/{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    sha256_hex(seed.as_bytes())[..16].to_string()
}

/// What an append needs from the end of a file.
struct Tail {
    /// The last complete, readable line.
    last: Option<Vec<u8>>,
    last_seq: u64,
    /// The file does not end with a newline: a crash cut the last line.
    torn: bool,
}

fn read_tail(f: &mut File) -> std::io::Result<Tail> {
    let len = f.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(Tail {
            last: None,
            last_seq: 0,
            torn: false,
        });
    }
    // read backwards in growing chunks until the last complete line is inside the buffer
    let mut chunk = 64 * 1024u64;
    loop {
        let start = len.saturating_sub(chunk);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(f).take(len - start).read_to_end(&mut buf)?;
        let torn = buf.last() != Some(&b'\n');
        // the complete part ends at the last newline
        let complete_end = match buf.iter().rposition(|&b| b == b'\n') {
            Some(p) => p,
            None if start == 0 => {
                return Ok(Tail {
                    last: None,
                    last_seq: 0,
                    torn,
                });
            }
            None => {
                chunk *= 4;
                continue;
            }
        };
        // walk back over complete lines until one parses (a recovered torn line may sit there)
        let mut end = complete_end;
        loop {
            let line_start = match buf[..end].iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                None if start == 0 => 0,
                None => break,
            };
            let line = &buf[line_start..end];
            if let Ok(e) = serde_json::from_slice::<SeqOnly>(line) {
                return Ok(Tail {
                    last: Some(line.to_vec()),
                    last_seq: e.seq,
                    torn,
                });
            }
            if line_start == 0 {
                return Ok(Tail {
                    last: None,
                    last_seq: 0,
                    torn,
                });
            }
            end = line_start - 1;
        }
        if start == 0 {
            return Ok(Tail {
                last: None,
                last_seq: 0,
                torn,
            });
        }
        chunk *= 4;
    }
}

#[derive(serde::Deserialize)]
struct SeqOnly {
    seq: u64,
}

/// Fsyncs a folder so that a file created in it survives a power cut.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync the folder", dir, &e))
}

/// Creates a folder (and its parents), syncing each new one into its parent.
pub fn create_dir_durable(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_dir_durable(parent)?;
    }
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(Error::io("create the folder", dir, &e)),
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Appends events to this writer's journal in `dir`, durably, and returns them as written.
pub fn append(dir: &Path, writer: &str, drafts: Vec<Draft>) -> Result<Vec<Event>> {
    let path = journal_path(dir, writer);
    let existed = path.exists();
    let mut f = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&path)
        .map_err(|e| Error::io("open the journal", &path, &e))?;
    if !existed {
        sync_dir(dir)?;
    }
    f.lock()
        .map_err(|e| Error::io("lock the journal", &path, &e))?;
    let tail = read_tail(&mut f).map_err(|e| Error::io("read the journal", &path, &e))?;
    let mut buf = String::new();
    if tail.torn {
        // end the torn line; it stays as evidence, and the chain skips it
        buf.push('\n');
    }
    let mut prev = tail.last.map(|l| sha256_hex(&l));
    let mut seq = tail.last_seq;
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        seq += 1;
        let e = Event {
            v: FORMAT_VERSION,
            id: fresh_id(writer, seq),
            seq,
            at: d.at,
            actor: d.actor,
            writer: writer.to_string(),
            body: d.body,
            ex_ms: d.ex_ms,
            seen: d.seen,
            prev: prev.take(),
        };
        let line = encode(&e);
        prev = Some(sha256_hex(line.as_bytes()));
        buf.push_str(&line);
        buf.push('\n');
        out.push(e);
    }
    f.write_all(buf.as_bytes())
        .map_err(|e| Error::io("write to the journal", &path, &e))?;
    f.sync_data()
        .map_err(|e| Error::io("sync the journal", &path, &e))?;
    // the lock is released when the file closes
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub error: bool,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path.display(),
            self.line,
            if self.error { "error" } else { "warning" },
            self.message
        )
    }
}

/// One writer's file, as read.
#[derive(Debug, Clone)]
pub struct JournalFile {
    pub path: PathBuf,
    pub writer: String,
    pub events: Vec<Event>,
    pub problems: Vec<Problem>,
}

/// A line that is the start of one of our events but was cut short by a crash.
fn looks_torn(line: &str) -> bool {
    line.starts_with("{\"v\":") && serde_json::from_str::<serde::de::IgnoredAny>(line).is_err()
}

/// Reads one journal file and checks it as it goes: every line's format and checksum, the
/// sequence, and the hash chain. A torn last line, or a torn line a later append ended, is a
/// warning and left out; any other unreadable line is an error naming its line, and left out; a
/// line that reads but fails its checksum or chain is an error, and kept (it is what the file
/// says, and the reader is told it cannot be trusted). One pass serves opening and `verify`.
pub fn read_file(path: &Path) -> Result<JournalFile> {
    let bytes = fs::read(path).map_err(|e| Error::io("read the journal", path, &e))?;
    let writer = writer_of(path).unwrap_or_default();
    let mut jf = JournalFile {
        path: path.to_path_buf(),
        writer: writer.clone(),
        events: Vec::new(),
        problems: Vec::new(),
    };
    let mut problem = |line: usize, error: bool, message: String| {
        jf.problems.push(Problem {
            path: path.to_path_buf(),
            line,
            error,
            message,
        })
    };
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            problem(
                line,
                true,
                "this line is not UTF-8: the file was damaged or edited".into(),
            );
            String::from_utf8_lossy(&bytes)
        }
    };
    let ends_clean = text.is_empty() || text.ends_with('\n');
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    let mut events = Vec::with_capacity(lines.len());
    let mut prev_hash: Option<String> = None;
    let mut prev_line_no = 0;
    let mut expected_seq = 1u64;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let last = n == lines.len();
        if line.is_empty() {
            continue;
        }
        let event = match serde_json::from_str::<Event>(line) {
            Ok(e) => e,
            Err(err) => {
                if last && !ends_clean {
                    problem(n, false, "the last line is incomplete (a crash while writing?); it is kept as evidence and left out of the state".into());
                } else if looks_torn(line) {
                    problem(n, false, "an incomplete line (a crash while writing), ended by a later append; it is left out of the state".into());
                } else {
                    problem(
                        n,
                        true,
                        format!(
                            "this line is not a valid event ({err}); it is left out. Run `muster verify` to check the journal"
                        ),
                    );
                }
                continue;
            }
        };
        let hash = sha256_hex(line.as_bytes());
        match split_sum(line) {
            Some((hashed, sum)) if sha256_hex(hashed.as_bytes()) == sum => {}
            Some(_) => problem(
                n,
                true,
                "this line was edited: its content no longer matches its checksum".into(),
            ),
            None => problem(
                n,
                true,
                "this line has no checksum: it was not written by muster, or was edited".into(),
            ),
        }
        if event.writer != writer {
            problem(
                n,
                true,
                format!(
                    "this line was written by `{}`, but this is the journal of `{writer}`: lines were copied between files",
                    event.writer
                ),
            );
        }
        if event.v != FORMAT_VERSION {
            problem(
                n,
                true,
                format!(
                    "format version {} is not one this muster reads (it reads {FORMAT_VERSION})",
                    event.v
                ),
            );
        }
        if event.seq != expected_seq {
            let msg = if event.seq < expected_seq {
                format!(
                    "sequence number {} comes after {}: lines were reordered or repeated",
                    event.seq,
                    expected_seq - 1
                )
            } else if expected_seq == 1 {
                format!(
                    "sequence number {} at the start: the first {} line(s) were deleted",
                    event.seq,
                    event.seq - 1
                )
            } else {
                format!(
                    "sequence number {} follows {}: {} line(s) before this one were deleted",
                    event.seq,
                    expected_seq - 1,
                    event.seq - expected_seq
                )
            };
            problem(n, true, msg);
        }
        if event.prev != prev_hash {
            let msg = match (&event.prev, prev_line_no) {
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
            problem(n, true, msg);
        }
        prev_hash = Some(hash);
        prev_line_no = n;
        expected_seq = event.seq + 1;
        events.push(event);
    }
    jf.events = events;
    Ok(jf)
}

pub fn writer_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    Some(name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?.to_string())
}

/// The journal files of a session folder, sorted by name.
pub fn journal_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io("open the session folder", dir, &e))?;
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|e| Error::io("list the session folder", dir, &e))?;
        let p = e.path();
        if writer_of(&p).is_some() && p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Reads every writer's file of a session folder, in parallel.
pub fn read_dir(dir: &Path) -> Result<Vec<JournalFile>> {
    let paths = journal_paths(dir)?;
    if paths.len() < 2 {
        return paths.iter().map(|p| read_file(p)).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .map(|p| s.spawn(move || read_file(p)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Merges the events of all writers: by time, then writer, then sequence.
pub fn merge(files: Vec<JournalFile>) -> Vec<Event> {
    let mut all: Vec<Event> = files.into_iter().flat_map(|f| f.events).collect();
    all.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    all
}

/// Checks one file's format, sequence and hash chain: the number of events read and the problems
/// found (errors and warnings), each naming its line.
pub fn verify_file(path: &Path) -> Result<(usize, Vec<Problem>)> {
    let jf = read_file(path)?;
    Ok((jf.events.len(), jf.problems))
}
