//! Reading a whole session in merge order without holding it in memory: each writer's file on
//! its own thread, the events merged by time as they come. This is right when each file is in
//! time order, which it is unless a writer's clock stepped back: [`merged`] then says so and
//! the caller reads the slow way.

use super::StoreError;
use super::file::{self, Chain, Problem};
use crate::domain::event::Event;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

/// What a streamed read found of the files.
pub struct Streamed {
    /// Each file, as read (its chain and problems).
    pub chains: Vec<(PathBuf, Result<Chain, StoreError>)>,
    /// Entries named like journals that are not regular files.
    pub odd: Vec<Problem>,
    /// Every event was handed over in merge order. When false, the read stopped at the first
    /// event out of order: a file is not in time order.
    pub ordered: bool,
    /// Events handed over.
    pub count: usize,
}

/// The most files read on threads of their own: beyond this (a session with many writers, or a
/// folder someone filled), the files are read one after another.
pub const MAX_STREAMED: usize = 16;

/// Reads every writer's file of a session folder and hands each event to `each`, in merge
/// order. `verify` checks every line's checksum as well as the chains. With more than
/// [`MAX_STREAMED`] files nothing is read and `ordered` is false: read the slow way.
pub fn merged(
    dir: &Path,
    verify: bool,
    each: &mut dyn FnMut(Event),
) -> Result<Streamed, StoreError> {
    const BATCH: usize = 4096;
    let (paths, odd) = file::journal_paths(dir)?;
    if paths.len() > MAX_STREAMED {
        return Ok(Streamed {
            chains: Vec::new(),
            odd,
            ordered: false,
            count: 0,
        });
    }
    let mut work: Vec<(PathBuf, Chain)> = paths
        .into_iter()
        .filter_map(|p| {
            file::writer_of(&p).map(|w| {
                let c = if verify {
                    Chain::verifying(w)
                } else {
                    Chain::new(w)
                };
                (p, c)
            })
        })
        .collect();
    let mut ordered = true;
    let mut count = 0usize;
    let results: Vec<Result<bool, StoreError>> = std::thread::scope(|sc| {
        let mut rxs = Vec::new();
        let mut handles = Vec::new();
        for (p, chain) in work.iter_mut() {
            let (tx, rx) = sync_channel::<Vec<Event>>(4);
            rxs.push(rx);
            handles.push(sc.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let mut open = true;
                let r = file::read_on(p, chain, |e| {
                    if !open {
                        return;
                    }
                    batch.push(e);
                    if batch.len() >= BATCH {
                        open = tx.send(std::mem::take(&mut batch)).is_ok();
                    }
                });
                if open && !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                r
            }));
        }
        let mut queues: Vec<VecDeque<Event>> = rxs.iter().map(|_| VecDeque::new()).collect();
        let mut done = vec![false; rxs.len()];
        // the queues are in writer order, so (time, queue, sequence) orders as the merge does
        let mut last: Option<(DateTime<Utc>, usize, u64)> = None;
        loop {
            for i in 0..rxs.len() {
                if queues[i].is_empty() && !done[i] {
                    match rxs[i].recv() {
                        Ok(b) => queues[i] = b.into(),
                        Err(_) => done[i] = true,
                    }
                }
            }
            let best = queues
                .iter()
                .enumerate()
                .filter_map(|(i, q)| q.front().map(|e| (e.order_key(), i)))
                .min_by(|a, b| a.0.cmp(&b.0))
                .map(|(_, i)| i);
            let Some((b, e)) = best.and_then(|b| queues[b].pop_front().map(|e| (b, e))) else {
                break;
            };
            let key = (e.at, b, e.seq);
            if last.is_some_and(|k| k > key) {
                ordered = false;
                break;
            }
            last = Some(key);
            count += 1;
            each(e);
        }
        // stop the readers: a closed channel ends their sending
        drop(rxs);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let chains = work
        .into_iter()
        .zip(results)
        .map(|((p, c), r)| (p, r.map(|_| c)))
        .collect();
    Ok(Streamed {
        chains,
        odd,
        ordered,
        count,
    })
}

/// Whether each writer's file of a session lists its events in time order, checked cheaply (the
/// `at` of each line, compared as text: RFC 3339 in UTC sorts as time does).
pub fn files_in_time_order(dir: &Path) -> Result<bool, StoreError> {
    use std::io::Read;
    let (paths, _) = file::journal_paths(dir)?;
    let finder = memchr::memmem::Finder::new(b",\"at\":\"");
    for p in paths {
        let mut f = file::open_regular(&p)?;
        let mut prev = Vec::new();
        let mut carry: Vec<u8> = Vec::new();
        let mut buf = vec![0u8; 4 << 20];
        loop {
            let n = f
                .read(&mut buf)
                .map_err(|e| StoreError::io("read the journal", &p, e))?;
            if n == 0 {
                break;
            }
            carry.extend_from_slice(&buf[..n]);
            let end = memchr::memrchr(b'\n', &carry).map_or(0, |i| i + 1);
            for line in carry[..end].split(|&b| b == b'\n') {
                let Some(i) = finder.find(line) else { continue };
                let at = &line[i + 7..line.len().min(i + 7 + 24)];
                if at < prev.as_slice() {
                    return Ok(false);
                }
                prev.clear();
                prev.extend_from_slice(at);
            }
            carry.drain(..end);
        }
    }
    Ok(true)
}

/// A session's events for an export, read from its files as they are written out, with every
/// line's checksum and every chain checked on the way.
pub struct JournalEvents {
    pub dir: PathBuf,
    /// A failure to read the files, found while streaming.
    pub error: Option<StoreError>,
}

impl JournalEvents {
    pub fn new(dir: &Path) -> JournalEvents {
        JournalEvents {
            dir: dir.to_path_buf(),
            error: None,
        }
    }

    fn integrity(
        dir: &Path,
        chains: &[(PathBuf, Chain)],
        odd: &[Problem],
        events: usize,
        seal: Option<(
            crate::domain::seal::SealInfo,
            Vec<crate::domain::event::Witness>,
        )>,
    ) -> crate::export::Integrity {
        let refs: Vec<&Chain> = chains.iter().map(|(_, c)| c).collect();
        let mut problems: Vec<Problem> = odd
            .iter()
            .chain(chains.iter().flat_map(|(_, c)| c.problems.iter()))
            .cloned()
            .collect();
        problems.extend(super::verify::cross_check(dir, &refs));
        problems.extend(super::witness::key_problems(dir, refs.iter().copied()));
        let seal = seal.map(|(mut info, heads)| {
            let broken = super::verify::seal_problems(dir, &info.writer, &heads, &refs);
            info.holds = Some(broken.is_empty());
            info.after = (events as u64).saturating_sub(info.covers + 1);
            problems.extend(broken);
            info
        });
        crate::export::Integrity {
            ok: !chains.is_empty() && !problems.iter().any(|p| p.error),
            events,
            files: chains.len(),
            problems: problems.iter().map(problem_words).collect(),
            seal,
            writers: chains.iter().map(|(p, c)| c.writer_key(p)).collect(),
            unread: None,
        }
    }
}

impl JournalEvents {
    /// Writes an export of the session to `path`, whole or not at all: a journal that cannot be
    /// read (an I/O error) makes no file, and is an error, never a report calling it damaged.
    /// Returns whether the journal verified.
    pub fn write_to(
        &mut self,
        path: &Path,
        input: &crate::export::Input<'_>,
        format: crate::export::Format,
        head: &[u8],
    ) -> Result<bool, StoreError> {
        let mut verified = true;
        let mut unread = None;
        let written = crate::fsx::write_atomic_with(path, |w| {
            use std::io::Write;
            w.write_all(head)?;
            let mut seen = Verdict {
                inner: &mut *self,
                verified: &mut verified,
            };
            crate::export::write(input, format, &mut seen, &mut *w)?;
            unread = self.error.take();
            match unread {
                Some(_) => Err(std::io::Error::other("the journal could not be read")),
                None => Ok(()),
            }
        });
        match (unread, written) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(StoreError::io("write", path, e)),
            (None, Ok(())) => Ok(verified),
        }
    }
}

/// Passes the journal's events on, and remembers whether they verified.
pub struct Verdict<'a> {
    pub inner: &'a mut JournalEvents,
    pub verified: &'a mut bool,
}

impl crate::export::EventSource for Verdict<'_> {
    fn each(&mut self, each: &mut dyn FnMut(&Event)) -> crate::export::Integrity {
        let i = self.inner.each(each);
        *self.verified &= i.ok;
        i
    }
}

/// A problem as an export lists it: the file's name (not its path), the line, the words.
pub fn problem_words(p: &Problem) -> String {
    let name = p
        .path
        .file_name()
        .map(|n| crate::domain::text::clean(&n.to_string_lossy(), false))
        .unwrap_or_default();
    let place = if p.line == 0 {
        name
    } else {
        format!("{name} line {}", p.line)
    };
    format!(
        "{place}: {}{}",
        if p.error { "" } else { "(warning) " },
        p.message
    )
}

impl crate::export::EventSource for JournalEvents {
    fn each(&mut self, each: &mut dyn FnMut(&Event)) -> crate::export::Integrity {
        let failed = |e: StoreError, this: &mut JournalEvents| {
            let i = crate::export::Integrity {
                ok: false,
                events: 0,
                files: 0,
                problems: Vec::new(),
                seal: None,
                writers: Vec::new(),
                unread: Some(e.to_string()),
            };
            this.error = Some(e);
            i
        };
        let mut seal = None;
        let mut each = |e: &Event| {
            if let crate::domain::event::Body::Sealed { heads, digest } = &e.body {
                seal = Some((
                    crate::domain::seal::SealInfo {
                        digest: digest.clone(),
                        at: e.at,
                        by: e.actor.clone(),
                        writer: e.writer.clone(),
                        covers: heads.iter().map(|h| h.seq).sum(),
                        after: 0,
                        holds: None,
                    },
                    heads.clone(),
                ));
            }
            each(e)
        };
        let dir = self.dir.clone();
        let few = match file::journal_paths(&self.dir) {
            Ok((p, _)) => p.len() <= MAX_STREAMED,
            Err(e) => return failed(e, self),
        };
        match files_in_time_order(&self.dir).map(|ordered| ordered && few) {
            Ok(true) => match merged(&self.dir, true, &mut |e| each(&e)) {
                Ok(s) => {
                    let mut chains = Vec::new();
                    let mut odd = s.odd;
                    for (p, c) in s.chains {
                        match c {
                            Ok(c) => chains.push((p, c)),
                            Err(StoreError::NotAFile { path }) => odd.push(Problem {
                                path,
                                line: 1,
                                error: true,
                                message:
                                    "this is not a regular file, so it is not read as a journal"
                                        .into(),
                            }),
                            // a read that failed says nothing of what the file holds
                            Err(e) => return failed(e, self),
                        }
                    }
                    Self::integrity(&dir, &chains, &odd, s.count, seal)
                }
                Err(e) => failed(e, self),
            },
            Ok(false) => {
                // a clock stepped back in some file: every event in memory, sorted
                let (paths, odd) = match file::journal_paths(&self.dir) {
                    Ok(x) => x,
                    Err(e) => return failed(e, self),
                };
                let mut chains = Vec::new();
                let mut files = Vec::new();
                for p in paths {
                    match file::read_file(&p) {
                        Ok((c, ev)) => {
                            chains.push((p, c));
                            files.push(ev);
                        }
                        Err(e) => return failed(e, self),
                    }
                }
                let all = super::store::merge(files);
                for e in &all {
                    each(e);
                }
                let n = all.len();
                Self::integrity(&dir, &chains, &odd, n, seal)
            }
            Err(e) => failed(e, self),
        }
    }
}
