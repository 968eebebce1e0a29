//! Sessions on disk: `<home>/sessions/<id>/` holds each writer's journal and a snapshot of every
//! plan (and scenario) file as it was when it joined the session, so the review months later
//! reads the version that was followed.
//!
//! A [`Journal`] follows a session's files: it remembers, per writer, how far it has read and the
//! head of the verified chain, reads only what is new, and hands the new events over in merge
//! order ([`Delta`]); the session folds them. An append goes through [`Journal::append`], which
//! takes only a [`Checked`] command and writes it only if the session has not changed since the
//! command was checked.

use super::StoreError;
use super::file::{self, Chain, Locked, Problem};
pub use super::open::{Opened, Recorded, SubmitError, create, open, open_with};
pub use super::snapshots::{Fallback, prepare, snapshot_plan, write_durable};
use super::snapshots::{resolve_for, resolve_plan, resolve_scenario};
use crate::domain::command::Checked;
use crate::domain::event::{Body, Event, FORMAT_VERSION, PlanRef, Witness};
use crate::domain::ids::{EventId, SessionId, WriterId};
use crate::domain::session::Session;
use crate::domain::{Plan, Scenario, sha256_hex};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn sessions_dir(home: &Path) -> PathBuf {
    home.join("sessions")
}

/// `20261121-2215-db-failover-3fa9`: sortable, readable, unique across machines.
pub fn new_session_id(now: DateTime<Utc>, title: &str, writer: &WriterId) -> SessionId {
    let slug = crate::domain::text::slug(title, 32);
    let salt = sha256_hex(
        format!(
            "{}{writer}{}{:?}",
            now.timestamp_nanos_opt().unwrap_or_default(),
            std::process::id(),
            std::time::SystemTime::now()
        )
        .as_bytes(),
    );
    let slug = if slug.is_empty() {
        "session".to_string()
    } else {
        slug
    };
    SessionId::new(format!(
        "{}-{slug}-{}",
        now.format("%Y%m%d-%H%M"),
        &salt[..4]
    ))
}

pub use super::names::{list_ids, resolve_id};
pub use super::runs_of::{medians_for, sessions_running};

/// New events, in merge order, with the plan definitions they need.
#[derive(Debug, Default)]
pub struct Delta {
    pub events: Vec<Event>,
    pub plans: Vec<Arc<Plan>>,
    pub scenario: Option<Arc<Scenario>>,
}

/// The session cannot take these events on top of what it has folded: re-read it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsRebuild;

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Folds the new events into the session, or says it must be read again from the start
    /// (an event arrived that sorts before what was folded, or a session start arrived late).
    pub fn apply_to(self, s: &mut Session) -> Result<usize, NeedsRebuild> {
        if let (Some(first), Some(last)) = (self.events.first(), &s.state.last_key)
            && (first.at, &first.writer, first.seq) < (last.0, &last.1, last.2)
        {
            return Err(NeedsRebuild);
        }
        if s.state.events > 0
            && self
                .events
                .iter()
                .any(|e| matches!(e.body, Body::SessionStarted { .. }))
            && !s.state.started
        {
            return Err(NeedsRebuild);
        }
        for p in self.plans {
            s.add_plan(p);
        }
        if s.scenario.is_none() {
            s.scenario = self.scenario;
        }
        let n = self.events.len();
        for e in self.events {
            s.absorb(e);
        }
        Ok(n)
    }
}

/// Merges each writer's events (in the order of its file) into the merge order: time, writer,
/// sequence. Each file is nearly always in time order already, so this is a k-way merge that
/// moves every event once; a file whose clock went backwards is sorted first.
pub fn merge(mut files: Vec<Vec<Event>>) -> Vec<Event> {
    files.retain(|f| !f.is_empty());
    for f in &mut files {
        if f.windows(2).any(|w| w[0].order_key() > w[1].order_key()) {
            f.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        }
    }
    match files.len() {
        0 => return Vec::new(),
        1 => return files.pop().unwrap_or_default(),
        _ => {}
    }
    let total = files.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut queues: Vec<std::collections::VecDeque<Event>> =
        files.into_iter().map(Into::into).collect();
    loop {
        let best = queues
            .iter()
            .enumerate()
            .filter_map(|(i, q)| q.front().map(|e| (e.order_key(), i)))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, i)| i);
        match best.and_then(|b| queues[b].pop_front()) {
            Some(e) => out.push(e),
            None => break,
        }
    }
    out
}

/// One session's files as followed by this process.
pub struct Journal {
    pub id: SessionId,
    pub dir: PathBuf,
    /// The home: where this writer's signing key is.
    pub home: PathBuf,
    /// The key this writer signs with, read once it is needed.
    signer: Option<Arc<super::keys::Signer>>,
    /// This process's writer: the one it was given, or the continuation it goes on in (see
    /// [`Journal::go_on_where_writable`]).
    pub writer: WriterId,
    /// The writer this process was given.
    pub given: WriterId,
    /// Each writer's file: how far it has been read, and its verified chain.
    pub chains: BTreeMap<WriterId, Chain>,
    /// Entries named like journals that are not regular files.
    pub odd: Vec<Problem>,
    /// What resolving the plans said (a snapshot missing, a plan changed).
    pub warnings: Vec<String>,
    /// How many events have been handed out since the last rebuild: a command checked against
    /// a session that folded all of them is checked against the files as read.
    pub delivered: usize,
    /// Where the notes are that a session read from the checkpoint does not hold.
    pub base: Option<super::checkpoint::NotesBase>,
    /// `delivered` when the checkpoint was last read or written.
    pub checkpointed: usize,
    /// What the witnesses say is missing (see [`witness_problems`]).
    pub witness: Vec<Problem>,
    /// The last `muster verify`'s failure (until one passes), and appends not confirmed on disk.
    pub kept: Vec<Problem>,
    /// Files that became shorter than this process had read them: kept across re-reads.
    pub rewound: Vec<Problem>,
}

/// Whether events written by an append are what a checked command would write again (the
/// responder joining and an unfinished write's marker aside).
pub(super) fn same_command(events: &[Event], checked: &Checked) -> bool {
    let before: Vec<&Body> = events
        .iter()
        .map(|e| &e.body)
        .filter(|b| !matches!(b, Body::ResponderJoined {} | Body::UnfinishedWrite { .. }))
        .collect();
    let now: Vec<&Body> = checked
        .bodies()
        .iter()
        .filter(|b| !matches!(b, Body::ResponderJoined {}))
        .collect();
    !before.is_empty() && before == now && events.iter().all(|e| e.actor == checked.actor())
}

/// What an append did.
#[derive(Debug)]
pub enum Appended {
    /// Written and synced: the events as written.
    Written(Vec<Event>),
    /// Not written: the session changed since the command was checked. Fold these and check
    /// the command again.
    Stale(Delta),
}

/// Why an append did not record.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Nothing was recorded.
    #[error("{0}")]
    Failed(StoreError),
    /// The bytes reached the file but could not be synced to disk: durability is unknown.
    #[error(
        "{error}. It may have been recorded; `muster status` shows it as unconfirmed. Run the same command again: it confirms it rather than recording it twice"
    )]
    Unconfirmed {
        error: StoreError,
        events: Vec<Event>,
    },
}

impl From<StoreError> for AppendError {
    fn from(e: StoreError) -> Self {
        AppendError::Failed(e)
    }
}

/// Whether this writer may append to its file: the file is signed by this home's key (or not
/// signed yet), and holds no line that is not its writer's (a writer never signs after one).
pub(super) fn own_file(
    path: &Path,
    chain: &Chain,
    signer: &super::keys::Signer,
) -> Result<(), StoreError> {
    if let Some(line) = chain.foreign {
        return Err(StoreError::NotOurs {
            path: path.to_path_buf(),
            line,
            why: "this writer's journal holds a line it did not write, so muster will not add to it (its next line would vouch for that one). `muster verify` names the line; to go on recording, give this machine another writer: `MUSTER_WRITER=<a new name> muster ...`".into(),
        });
    }
    match &chain.key {
        Some(k) if k != signer.public_hex() => Err(StoreError::NotOurs {
            path: path.to_path_buf(),
            line: chain.key_line,
            why: format!(
                "this writer's journal is signed by key {}, not by this home's key {}: another home writes as `{}`. Give each machine its own writer (unset MUSTER_WRITER, or set it differently)",
                super::keys::fingerprint_hex(k),
                signer.fingerprint(),
                chain.writer
            ),
        }),
        _ => Ok(()),
    }
}

/// A fresh, unique event id.
pub(super) fn fresh_id(writer: &WriterId, seq: u64) -> EventId {
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
    EventId::new(&sha256_hex(seed.as_bytes())[..16])
}

impl Journal {
    /// A session folder, nothing read yet.
    pub fn at(home: &Path, id: SessionId, writer: WriterId) -> Journal {
        Journal {
            dir: sessions_dir(home).join(id.as_str()),
            home: home.to_path_buf(),
            signer: None,
            id,
            given: writer.clone(),
            writer,
            chains: BTreeMap::new(),
            odd: Vec::new(),
            warnings: Vec::new(),
            delivered: 0,
            base: None,
            checkpointed: 0,
            witness: Vec::new(),
            kept: Vec::new(),
            rewound: Vec::new(),
        }
    }

    /// The session as its checkpoint has it, if there is one that matches the files; nothing
    /// after it is read yet. Without `notes`, the notes stay in the checkpoint.
    pub fn from_checkpoint(
        &mut self,
        lib: &dyn Fallback,
        notes: bool,
    ) -> Result<Option<Session>, StoreError> {
        let Some(ck) = super::checkpoint::load(&self.dir, &self.id, notes) else {
            return Ok(None);
        };
        self.chains = ck.chains;
        self.delivered = ck.delivered;
        self.checkpointed = ck.delivered;
        self.warnings = ck.warnings;
        let mut warnings = Vec::new();
        let mut plans = Vec::new();
        for p in &ck.state.plans {
            let r = PlanRef {
                id: p.id.clone(),
                hash: p.hash.clone(),
                title: p.title.clone(),
                params: p.params.clone(),
            };
            plans.extend(resolve_plan(&self.dir, &r, lib, &mut warnings)?);
        }
        let scenario = match &ck.state.scenario {
            Some(r) => resolve_scenario(&self.dir, r, lib, &mut warnings)?,
            None => None,
        };
        let mut s = Session::new(self.id.clone(), plans, scenario);
        s.state = ck.state;
        s.notes_complete = ck.base.is_none();
        self.base = ck.base;
        Ok(Some(s))
    }

    /// Puts the checkpoint's notes into a session read without them; reads the session whole
    /// when they cannot be had.
    pub fn load_notes(&mut self, s: &mut Session, lib: &dyn Fallback) -> Result<(), StoreError> {
        if s.notes_complete {
            return Ok(());
        }
        let ok = self
            .base
            .as_ref()
            .is_some_and(|b| super::checkpoint::read_notes(b, s));
        if !ok {
            *s = self.rebuild(lib)?;
        }
        self.base = None;
        Ok(())
    }

    /// Writes a checkpoint when enough was read beyond the last one. A checkpoint is a cache:
    /// when it cannot be written, only speed is lost.
    pub fn maybe_checkpoint(&mut self, s: &mut Session) {
        if self.delivered >= self.checkpointed + super::checkpoint::every(&self.dir) {
            self.checkpoint_now(s);
        }
    }

    /// Writes a checkpoint of what was read so far.
    pub fn checkpoint_now(&mut self, s: &mut Session) {
        if let Ok(base) = super::checkpoint::save(
            &self.dir,
            &self.chains,
            self.delivered,
            &self.warnings,
            s,
            self.base.as_ref(),
        ) {
            if base.is_some() {
                self.base = base;
            }
            self.checkpointed = self.delivered;
        }
    }

    /// Every problem found in the files so far.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.odd
            .iter()
            .chain(self.chains.values().flat_map(|c| c.problems.iter()))
            .chain(self.witness.iter())
            .chain(self.kept.iter())
            .chain(self.rewound.iter())
    }

    pub fn errors(&self) -> usize {
        self.problems().filter(|p| p.error).count()
    }

    /// The latest event time of writers other than this one.
    fn seen(&self) -> Option<DateTime<Utc>> {
        self.chains
            .iter()
            .filter(|(w, _)| **w != self.writer)
            .filter_map(|(_, c)| c.last_at)
            .max()
    }

    /// The other writers' chain heads this writer has read and not yet said it saw: what its
    /// next event records. A head behind what it said before is not said again (the earlier
    /// claim stays the evidence).
    fn witnesses(&self) -> Vec<Witness> {
        let mine = self.chains.get(&self.writer);
        self.chains
            .iter()
            .filter(|(w, _)| **w != self.writer)
            .filter_map(|(w, c)| {
                let head = c.head.as_ref()?;
                let said = mine.and_then(|m| m.saw.get(w));
                if said.is_some_and(|l| l.seq >= c.seq) {
                    return None;
                }
                Some(Witness {
                    w: w.clone(),
                    seq: c.seq,
                    hash: head.clone(),
                })
            })
            .collect()
    }

    /// Checks what each writer said it saw of the others against the files as read: a file
    /// missing, or now ending before what someone saw, was deleted, rolled back or truncated.
    /// (Only each writer's latest claim is checked here; `muster verify` checks every claim.)
    fn check_witnesses(&mut self) {
        self.witness = super::witness::witness_problems(&self.dir, &self.chains);
        self.witness.extend(super::witness::key_problems(
            &self.dir,
            self.chains.values(),
        ));
    }

    /// Reads what is new in every writer's file (new files included) and returns it in merge
    /// order. A file that shrank or changed under what was read makes the whole session be read
    /// again: `Err(NeedsRebuild)`.
    pub fn read_new(
        &mut self,
        lib: &dyn Fallback,
    ) -> Result<Result<Delta, NeedsRebuild>, StoreError> {
        let (paths, odd) = file::journal_paths(&self.dir)?;
        self.odd = odd;
        let mut gone = false;
        for p in &paths {
            if let Some(w) = file::writer_of(p) {
                self.chains
                    .entry(w.clone())
                    .or_insert_with(|| Chain::new(w));
            }
        }
        // what is new in each file, read in parallel when there is much of it
        let mut work: Vec<(&PathBuf, &mut Chain)> = self
            .chains
            .iter_mut()
            .filter_map(|(w, c)| {
                paths
                    .iter()
                    .find(|p| file::writer_of(p).as_ref() == Some(w))
                    .map(|p| (p, c))
            })
            .collect();
        // the files one after another: a whole session is read by `rebuild`, on every core
        let results: Vec<Result<(bool, Vec<Event>), StoreError>> = work
            .iter_mut()
            .map(|(p, c)| {
                let mut ev = Vec::new();
                file::read_on(p, c, |e| ev.push(e)).map(|ok| (ok, ev))
            })
            .collect();
        let mut per_file = Vec::new();
        let shrunk: Vec<(PathBuf, u64)> = work
            .iter()
            .zip(&results)
            .filter(|(_, r)| matches!(r, Ok((false, _))))
            .map(|((p, c), _)| ((*p).clone(), c.seq))
            .collect();
        for (path, seq) in shrunk {
            // this process read further than the file now goes: say so, whoever else saw it
            self.rewound.push(Problem {
                path,
                line: 0,
                error: true,
                message: format!(
                    "this file is shorter than when this muster read it (it had {seq} events): it was truncated or replaced by an older copy"
                ),
            });
        }
        for r in results {
            match r {
                Ok((true, ev)) => per_file.push(ev),
                Ok((false, _)) => gone = true,
                Err(StoreError::NotAFile { path }) => self.odd.push(Problem {
                    path,
                    line: 1,
                    error: true,
                    message: "this is not a regular file, so it is not read as a journal".into(),
                }),
                Err(e) => return Err(e),
            }
        }
        if self
            .chains
            .keys()
            .any(|w| !paths.iter().any(|p| file::writer_of(p).as_ref() == Some(w)))
        {
            gone = true;
        }
        if gone {
            return Ok(Err(NeedsRebuild));
        }
        let mut events = merge(per_file);
        let start = events
            .iter()
            .position(|e| matches!(e.body, Body::SessionStarted { .. }));
        if let Some(i) = start
            && i > 0
        {
            let e = events.remove(i);
            events.insert(0, e);
        }
        self.delivered += events.len();
        self.check_witnesses();
        let mut delta = Delta {
            events,
            ..Delta::default()
        };
        for e in &delta.events {
            match &e.body {
                Body::SessionStarted {
                    plans, scenario, ..
                } => {
                    for r in plans {
                        if let Some(p) = resolve_plan(&self.dir, r, lib, &mut self.warnings)? {
                            delta.plans.push(p);
                        }
                    }
                    if let Some(sc) = scenario {
                        delta.scenario = resolve_scenario(&self.dir, sc, lib, &mut self.warnings)?;
                    }
                }
                Body::PlanInvoked { plan } => {
                    if let Some(p) = resolve_plan(&self.dir, plan, lib, &mut self.warnings)? {
                        delta.plans.push(p);
                    }
                }
                _ => {}
            }
        }
        Ok(Ok(delta))
    }

    /// Reads the session whole, from the start of every file, folding as it reads: each
    /// writer's file is read on its own thread and the events are merged by time as they come,
    /// so they are never all in memory at once. When a file's own times go backwards (a clock
    /// stepped back), it is read again the slow way: everything, sorted.
    pub fn rebuild(&mut self, lib: &dyn Fallback) -> Result<Session, StoreError> {
        self.reset();
        if let Some(s) = self.stream_fold(lib)? {
            return Ok(s);
        }
        self.reset();
        let mut s = Session::new(self.id.clone(), Vec::new(), None);
        match self.read_new(lib)? {
            Ok(d) => {
                let _ = d.apply_to(&mut s);
            }
            Err(NeedsRebuild) => {
                // a file vanished between listing and reading: read what is there now
                self.reset();
                if let Ok(d) = self.read_new(lib)? {
                    let _ = d.apply_to(&mut s);
                }
            }
        }
        Ok(s)
    }

    fn reset(&mut self) {
        self.chains.clear();
        self.warnings.clear();
        self.delivered = 0;
        self.checkpointed = 0;
        self.base = None;
    }

    /// The streaming read of [`Journal::rebuild`]; `None` when the files are not each in time
    /// order.
    fn stream_fold(&mut self, lib: &dyn Fallback) -> Result<Option<Session>, StoreError> {
        let mut session = Session::new(self.id.clone(), Vec::new(), None);
        let mut before_start: Vec<Event> = Vec::new();
        let dir = self.dir.clone();
        let warnings = &mut self.warnings;
        let mut failed = None;
        let streamed = super::stream::merged(&dir, false, &mut |e| {
            if failed.is_none()
                && let Err(x) = resolve_for(&dir, &e, lib, warnings, &mut session)
            {
                failed = Some(x);
            }
            if session.state.started || matches!(e.body, Body::SessionStarted { .. }) {
                let start = !session.state.started;
                session.absorb(e);
                if start {
                    for p in before_start.drain(..) {
                        session.absorb(p);
                    }
                }
            } else {
                // the session's start is its origin: events stamped before it wait for it
                before_start.push(e);
            }
        })?;
        for p in before_start.drain(..) {
            session.absorb(p);
        }
        if let Some(e) = failed {
            return Err(e);
        }
        if !streamed.ordered {
            return Ok(None);
        }
        self.odd = streamed.odd;
        for (_, r) in streamed.chains {
            match r {
                Ok(chain) => {
                    self.chains.insert(chain.writer.clone(), chain);
                }
                Err(StoreError::NotAFile { path }) => self.odd.push(Problem {
                    path,
                    line: 1,
                    error: true,
                    message: "this is not a regular file, so it is not read as a journal".into(),
                }),
                Err(e) => return Err(e),
            }
        }
        self.delivered = streamed.count;
        self.check_witnesses();
        Ok(Some(session))
    }

    /// Brings the session up to date with its files.
    pub fn refresh(&mut self, s: &mut Session, lib: &dyn Fallback) -> Result<usize, StoreError> {
        match self.read_new(lib)? {
            Ok(d) => match d.apply_to(s) {
                Ok(n) => Ok(n),
                Err(NeedsRebuild) => {
                    *s = self.rebuild(lib)?;
                    Ok(s.state.events)
                }
            },
            Err(NeedsRebuild) => {
                *s = self.rebuild(lib)?;
                Ok(s.state.events)
            }
        }
    }

    /// Appends a checked command's events to this writer's file, but only if the command was
    /// checked against everything read so far and nothing new has arrived: otherwise returns
    /// what changed, to fold and check the command again.
    pub fn append(
        &mut self,
        checked: &Checked,
        lib: &dyn Fallback,
    ) -> Result<Appended, AppendError> {
        if checked.basis() != self.delivered || *checked.session() != self.id {
            return Ok(Appended::Stale(Delta::default()));
        }
        let mut locked = self.lock()?;
        // under the lock: has anything arrived since the command was checked?
        match self.read_new(lib)? {
            Ok(d) if d.is_empty() => {}
            Ok(d) => return Ok(Appended::Stale(d)),
            Err(NeedsRebuild) => return Ok(Appended::Stale(Delta::default())),
        }
        if let Some(l) = self.go_on_where_writable()? {
            locked = l;
            match self.read_new(lib)? {
                Ok(d) if d.is_empty() => {}
                Ok(d) => return Ok(Appended::Stale(d)),
                Err(NeedsRebuild) => return Ok(Appended::Stale(Delta::default())),
            }
        }
        // the same command again after an unconfirmed append: confirmed now, and the session
        // already holds its events
        if let Some(events) = self.confirm(&mut locked)?
            && same_command(&events, checked)
        {
            self.kept.retain(|p| !p.message.contains("are unconfirmed"));
            return Ok(Appended::Written(Vec::new()));
        }
        self.write(&mut locked, checked).map(Appended::Written)
    }

    /// Under the lock, before a command is checked: when this writer's last append was not
    /// confirmed on disk, syncs the file again. If that works, the events are durable now and
    /// are returned (so a retry of the same command confirms them instead of repeating them);
    /// if not, the command is not recorded either.
    pub fn confirm(&mut self, locked: &mut Locked) -> Result<Option<Vec<Event>>, AppendError> {
        let Some(u) = super::unconfirmed::load(&self.dir, &self.writer) else {
            return Ok(None);
        };
        if let Err(e) = locked.file.sync_data() {
            return Err(AppendError::Unconfirmed {
                error: StoreError::io("sync the journal", &locked.path, e),
                events: Vec::new(),
            });
        }
        super::unconfirmed::clear(&self.dir, &self.writer);
        let mut chain = Chain::new(self.writer.clone());
        chain.offset = u.from;
        let mut events = Vec::new();
        file::read_on(&locked.path, &mut chain, |e| {
            if u.ids.contains(&e.id) {
                events.push(e)
            }
        })?;
        Ok(Some(events))
    }

    /// Locks this writer's file (creating it when needed) for an append.
    pub fn lock(&self) -> Result<Locked, StoreError> {
        Locked::open(&self.dir, &self.writer)
    }

    /// Under the lock, after reading: when this writer's file holds a line it did not write, or
    /// is signed by another home's key, the writer goes on in the first continuation file that
    /// is its own (`journal-<writer>.2.jsonl`, then `.3` ...), so the session goes on and nothing
    /// is chained onto a line that is not this writer's. Returns the lock of the file to append
    /// to when it changed; the caller reads again before it checks the command.
    pub fn go_on_where_writable(&mut self) -> Result<Option<Locked>, StoreError> {
        let signer = self.signer()?;
        let writable = |j: &Journal, w: &WriterId| {
            j.chains
                .get(w)
                .is_none_or(|c| own_file(&file::journal_path(&j.dir, w), c, &signer).is_ok())
        };
        if writable(self, &self.writer) {
            return Ok(None);
        }
        let Some(w) = (2..10_000)
            .map(|n| WriterId::new(format!("{}.{n}", self.given)))
            .find(|w| writable(self, w))
        else {
            return Err(StoreError::Busy);
        };
        let why = self
            .chains
            .get(&self.writer)
            .map(|c| {
                own_file(&file::journal_path(&self.dir, &self.writer), c, &signer)
                    .err()
                    .map(|e| match e {
                        StoreError::NotOurs { line, .. } => format!("line {line}"),
                        _ => String::new(),
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        self.kept.push(Problem {
            path: file::journal_path(&self.dir, &self.writer),
            line: 0,
            error: false,
            message: format!(
                "writer `{}` goes on in {}: this file holds a line it did not write ({why}), and muster never signs after one",
                self.writer,
                file::journal_path(&self.dir, &w)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        });
        self.writer = w;
        self.lock().map(Some)
    }

    /// This home's signing key, made the first time it is needed.
    pub fn signer(&mut self) -> Result<Arc<super::keys::Signer>, StoreError> {
        if let Some(s) = &self.signer {
            return Ok(s.clone());
        }
        let s = Arc::new(super::keys::load_or_create(&self.home)?);
        self.signer = Some(s.clone());
        Ok(s)
    }

    /// Writes a checked command under the lock, after the caller has read everything and
    /// checked the command against it.
    pub fn write(
        &mut self,
        locked: &mut Locked,
        checked: &Checked,
    ) -> Result<Vec<Event>, AppendError> {
        let signer = self.signer()?;
        let seen = self.seen();
        let mut saw = self.witnesses();
        let session = self.id.to_string();
        let chain = self
            .chains
            .entry(self.writer.clone())
            .or_insert_with(|| Chain::new(self.writer.clone()));
        own_file(&locked.path, chain, &signer)?;
        let mut key = chain.key.is_none().then(|| signer.public_hex().to_string());
        let tail = locked.tail_after(chain.offset)?;
        let tail_len = tail.as_ref().map_or(0, |(bytes, _)| *bytes);
        let mut buf = String::new();
        let mut prev = chain.head.clone();
        let mut seq = chain.seq;
        let mut out = Vec::new();
        let mut push = |body: Body, buf: &mut String| {
            seq += 1;
            let e = Event {
                v: FORMAT_VERSION,
                id: fresh_id(&self.writer, seq),
                seq,
                at: checked.at(),
                actor: checked.actor().to_string(),
                writer: self.writer.clone(),
                body,
                ex_ms: checked.ex_ms(),
                seen,
                saw: std::mem::take(&mut saw),
                recorded_by: checked.recorder().map(str::to_string),
                transcribed_at: checked.transcribed_at(),
                key: key.take(),
                prev: prev.take(),
            };
            let line = file::encode_signed(&e, &signer, &session);
            prev = Some(sha256_hex(line.as_bytes()));
            buf.push_str(&line);
            buf.push('\n');
            e
        };
        if let Some((bytes, hash)) = tail {
            // an unfinished write: end it so it can never read as an event, and say so
            buf.push_str(file::UNFINISHED_MARK);
            buf.push('\n');
            out.push(push(Body::UnfinishedWrite { bytes, hash }, &mut buf));
        }
        for b in checked.bodies() {
            out.push(push(b.clone(), &mut buf));
        }
        let path = locked.path.clone();
        // what was written, through the same checks as any reader, from memory: a failure to
        // read the file back must never turn a durable append into an error
        let follow = |chain: &mut Chain| {
            chain.offset += tail_len;
            let mut written = Vec::new();
            chain.feed_own(&path, buf.as_bytes(), &mut written);
            written
        };
        match locked.write_durable(buf.as_bytes()) {
            Ok(()) => {}
            Err(file::AppendFailure::Write(e)) => return Err(AppendError::Failed(e)),
            Err(file::AppendFailure::Sync(error)) => {
                let from = chain.offset;
                let events = follow(chain);
                self.delivered += events.len();
                // best effort: if even this cannot be written, the next command syncs anyway
                let _ = super::unconfirmed::save(&self.dir, &self.writer, from, &events);
                return Err(AppendError::Unconfirmed { error, events });
            }
        }
        let written = follow(chain);
        self.delivered += written.len();
        Ok(written)
    }
}
