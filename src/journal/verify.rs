//! Checking a session's journal whole: every line's checksum and every chain (in
//! [`super::file`]), what each writer said it saw of the others (its witnesses), and seals. The
//! result of the last `muster verify` is kept beside the journal, so that a failure stays in
//! view of `status`, `log` and the TUI until a later verify passes.

use super::StoreError;
use super::file::{self, Chain, Claim, Problem};
use super::witness::claim_problem;
use crate::domain::event::{Body, Witness};
use crate::domain::ids::{SessionId, WriterId};
use crate::domain::parse::library::hex;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The file that keeps the last `muster verify`'s result (derived; never synced or merged).
pub const RESULT: &str = ".muster-verified";

/// A file's line hash at a sequence number, when it was read verifying.
fn line_hash(c: &Chain, seq: u64) -> Option<&[u8; 32]> {
    c.hashes
        .binary_search_by_key(&seq, |(s, _)| *s)
        .ok()
        .map(|i| &c.hashes[i].1)
}

/// What the file `w` says against a claim to have seen it at `seq` with `hash`: `None` when it
/// agrees (or cannot be told).
fn against(
    dir: &Path,
    by: &WriterId,
    w: &WriterId,
    claim: &Claim,
    hash: &[u8; 32],
    chains: &BTreeMap<&WriterId, &Chain>,
) -> Option<Problem> {
    let now = match chains.get(w) {
        None => None,
        Some(t) if t.seq < claim.seq => Some((t.seq, t.head.clone())),
        Some(t) => match line_hash(t, claim.seq) {
            Some(h) if h != hash => Some((claim.seq, Some(hex(h)))),
            _ => return None,
        },
    };
    claim_problem(
        dir,
        by,
        w,
        claim,
        now.as_ref().map(|(s, h)| (*s, h.as_deref())),
    )
}

/// Checks every claim of every file (read verifying) against the file it names: the first
/// claim that fails, per pair of writers.
pub fn cross_check(dir: &Path, chains: &[&Chain]) -> Vec<Problem> {
    let by_writer: BTreeMap<&WriterId, &Chain> = chains.iter().map(|c| (&c.writer, *c)).collect();
    let mut out = Vec::new();
    for c in chains {
        let mut reported = HashSet::new();
        for s in &c.claims {
            if reported.contains(&s.writer) {
                continue;
            }
            let w = &c.claimed[s.writer as usize];
            let claim = Claim {
                seq: s.seq,
                hash: hex(&s.hash),
                by_seq: 0,
                by_line: s.line,
            };
            if let Some(p) = against(dir, &c.writer, w, &claim, &s.hash, &by_writer) {
                reported.insert(s.writer);
                out.push(p);
            }
        }
    }
    out
}

/// A seal found in the journal.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Seal {
    pub digest: String,
    #[serde(with = "crate::domain::event::ts")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub writer: WriterId,
    /// Events the seal covers.
    pub covers: u64,
    /// Events recorded after it (not covered by it).
    pub after: u64,
    /// Whether the journal still holds everything it covers (`None`: not checked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holds: Option<bool>,
}

/// What is missing of what a seal covered, in sentences: empty when it holds.
pub fn seal_problems(
    dir: &Path,
    writer: &WriterId,
    heads: &[Witness],
    chains: &[&Chain],
) -> Vec<Problem> {
    let by_writer: BTreeMap<&WriterId, &Chain> = chains.iter().map(|c| (&c.writer, *c)).collect();
    heads
        .iter()
        .filter_map(|h| {
            let hash = file::unhex32(&h.hash).unwrap_or([0; 32]);
            let claim = Claim {
                seq: h.seq,
                hash: h.hash.clone(),
                by_seq: 0,
                by_line: 0,
            };
            against(dir, writer, &h.w, &claim, &hash, &by_writer).map(|mut p| {
                p.message = p.message.replacen(
                    &format!(
                        "writer `{writer}` saw writer `{}` at event {} when it wrote this line",
                        h.w, h.seq
                    ),
                    &format!("the seal covers writer `{}` up to event {}", h.w, h.seq),
                    1,
                );
                p.path = file::journal_path(dir, &h.w);
                p.line = 0;
                p
            })
        })
        .collect()
}

/// One journal file as `muster verify` found it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    pub name: String,
    pub writer: String,
    pub events: u64,
    /// Whether its own checks passed.
    pub ok: bool,
    /// The fingerprint of the key its lines are signed by.
    pub key: Option<String>,
    /// Lines from before muster signed lines.
    pub unsigned: u64,
}

impl FileReport {
    pub fn of(name: String, c: &Chain) -> FileReport {
        FileReport {
            name,
            writer: c.writer.to_string(),
            events: c.events,
            ok: c.errors() == 0,
            key: c.fingerprint(),
            unsigned: c.unsigned,
        }
    }
}

/// What `muster verify` found.
#[derive(Debug)]
pub struct Report {
    pub id: SessionId,
    /// Each file: its name, writer, events, key, and whether its own checks passed.
    pub files: Vec<FileReport>,
    pub problems: Vec<Problem>,
    pub events: u64,
    /// Copies that came in by sync or merge and were kept aside, not taken.
    pub rejected: usize,
    /// The seal asked about: `None` when it is not in the journal.
    pub seal: Option<(Seal, Vec<Problem>)>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.error).count()
            + self.seal.as_ref().map_or(0, |(_, p)| p.len())
    }
}

/// The kept result of a verify.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    #[serde(with = "crate::domain::event::ts")]
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub errors: usize,
    pub first: Option<String>,
}

/// The last verify's result, if one was kept.
pub fn kept(dir: &Path) -> Option<Kept> {
    let f = file::open_regular(&dir.join(RESULT)).ok()?;
    let mut s = String::new();
    use std::io::Read;
    f.take(64 * 1024).read_to_string(&mut s).ok()?;
    serde_json::from_str(&s).ok()
}

/// The last verify's failure as a problem to show with any other, until a verify passes.
pub fn kept_problem(dir: &Path) -> Option<Problem> {
    let k = kept(dir).filter(|k| !k.ok)?;
    Some(Problem {
        path: dir.join(RESULT),
        line: 1,
        error: true,
        message: format!(
            "`muster verify` found {} problem(s) in this journal at {}{}; run it again for the details",
            k.errors,
            k.at.format("%Y-%m-%d %H:%M UTC"),
            k.first
                .map(|f| format!(", the first: {}", crate::domain::text::clean(&f, false)))
                .unwrap_or_default()
        ),
    })
}

/// The copies a merge or a sync kept aside: each an error naming its first bad line, until
/// someone who has looked at it removes it. The journal here does not hold them.
fn rejected_copies(dir: &Path, id: &SessionId) -> Vec<Problem> {
    super::merge::rejected(dir)
        .into_iter()
        .map(|(path, why)| {
            let name = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut chain = Chain::strict(
                file::writer_of(Path::new(&name)).unwrap_or_default(),
                id.as_str(),
            );
            let first = file::read_on(&path, &mut chain, |_| {})
                .ok()
                .and_then(|_| chain.problems.iter().find(|p| p.error).cloned());
            let why = match (&first, why.trim()) {
                (Some(p), _) => format!("line {}: {}", p.line, p.message),
                (None, w) if !w.is_empty() => w.to_string(),
                _ => "it did not pass the checks".into(),
            };
            Problem {
                line: first.as_ref().map_or(0, |p| p.line),
                path,
                error: true,
                message: format!(
                    "a copy of {} that came in by sync or merge was kept aside, not taken: {why}. The journal here does not hold it; remove the copy once it has been looked at",
                    crate::domain::text::clean(&name, false)
                ),
            }
        })
        .collect()
}

/// Reads and checks every file of a session folder; with `digest`, also whether the journal
/// still holds what that seal covered. Keeps the result (best effort: it is only a reminder).
pub fn verify(
    dir: &Path,
    id: &SessionId,
    digest: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let (paths, odd) = file::journal_paths(dir)?;
    let mut chains: Vec<(PathBuf, Chain)> = Vec::new();
    let mut seals: Vec<Seal> = Vec::new();
    let mut heads: Vec<Vec<Witness>> = Vec::new();
    let mut problems = odd;
    for p in &paths {
        let mut chain = Chain::strict(file::writer_of(p).unwrap_or_default(), id.as_str());
        match file::read_on(p, &mut chain, |e| {
            if let Body::Sealed { heads: h, digest } = &e.body {
                seals.push(Seal {
                    digest: digest.clone(),
                    at: e.at,
                    by: e.actor.clone(),
                    writer: e.writer.clone(),
                    covers: h.iter().map(|x| x.seq).sum(),
                    after: 0,
                    holds: None,
                });
                heads.push(h.clone());
            }
        }) {
            Ok(_) => {}
            Err(StoreError::NotAFile { path }) => {
                problems.push(Problem {
                    path,
                    line: 1,
                    error: true,
                    message: "this is not a regular file, so it is not read as a journal".into(),
                });
                continue;
            }
            Err(e) => return Err(e),
        }
        chains.push((p.clone(), chain));
    }
    let refs: Vec<&Chain> = chains.iter().map(|(_, c)| c).collect();
    let mut files = Vec::new();
    let mut events = 0;
    for (p, c) in &chains {
        events += c.events;
        let name = p
            .file_name()
            .map(|n| crate::domain::text::clean(&n.to_string_lossy(), false))
            .unwrap_or_default();
        files.push(FileReport::of(name, c));
        problems.extend(c.problems.iter().cloned());
    }
    problems.extend(cross_check(dir, &refs));
    problems.extend(super::witness::key_problems(dir, refs.iter().copied()));
    let rejected = rejected_copies(dir, id);
    problems.extend(rejected.iter().cloned());
    let seal = match digest {
        None => None,
        Some(d) => seals
            .iter()
            .zip(&heads)
            .find(|(s, _)| s.digest == d)
            .map(|(s, h)| {
                let mut p = seal_problems(dir, &s.writer, h, &refs);
                if crate::domain::seal::digest(id, h) != s.digest {
                    p.push(Problem {
                        path: file::journal_path(dir, &s.writer),
                        line: 0,
                        error: true,
                        message: "the seal's heads do not give its digest: the seal was edited"
                            .into(),
                    });
                }
                let mut s = s.clone();
                s.after = events.saturating_sub(s.covers + 1);
                s.holds = Some(p.is_empty());
                (s, p)
            }),
    };
    let report = Report {
        id: id.clone(),
        rejected: rejected.len(),
        files,
        problems,
        events,
        seal,
    };
    let first = report
        .problems
        .iter()
        .find(|p| p.error)
        .map(super::stream::problem_words);
    let k = Kept {
        at: now,
        ok: report.problems.iter().all(|p| !p.error),
        errors: report.problems.iter().filter(|p| p.error).count(),
        first,
    };
    if let Ok(json) = serde_json::to_string(&k) {
        let tmp = dir.join(format!("{RESULT}.{}", std::process::id()));
        if std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, dir.join(RESULT)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(report)
}
