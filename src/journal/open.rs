//! Opening a session for a command, submitting a command to it, and creating one.

use super::StoreError;
use super::file::{self, Locked};
use super::snapshots::{Fallback, prepare, snapshot_plan, snapshot_scenario};
use super::store::{AppendError, Journal, fresh_id, new_session_id, resolve_id, sessions_dir};
use crate::domain::command::Checked;
use crate::domain::event::{Body, Event, FORMAT_VERSION, Witness};
use crate::domain::ids::{SessionId, WriterId};
use crate::domain::session::Session;
use chrono::{DateTime, Utc};
use std::fs;
use std::path::Path;

/// A session opened for a command: its files as followed, and its state.
pub struct Opened {
    pub journal: Journal,
    pub session: Session,
}

/// What a submitted command recorded.
#[derive(Debug)]
pub struct Recorded {
    pub checked: Checked,
    pub events: Vec<Event>,
}

/// Why a submitted command was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("{0}")]
    Refused(#[from] crate::domain::command::Refusal),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Append(#[from] AppendError),
}

impl Opened {
    pub fn id(&self) -> &SessionId {
        &self.journal.id
    }

    pub fn dir(&self) -> &Path {
        &self.journal.dir
    }

    /// What reading the journal found so far, for a reader (the full check is `muster verify`).
    pub fn integrity(&self) -> crate::domain::seal::Integrity {
        crate::domain::seal::Integrity {
            ok: self.journal.errors() == 0,
            events: self.session.state.events,
            files: self.journal.chains.len(),
            problems: self
                .journal
                .problems()
                .map(super::stream::problem_words)
                .collect(),
            seal: crate::domain::seal::SealInfo::latest(&self.session.state),
            writers: self
                .journal
                .chains
                .values()
                .map(|c| c.writer_key(&file::journal_path(&self.journal.dir, &c.writer)))
                .collect(),
            unread: None,
        }
    }

    /// Checks a command against the session as it is on disk and records it: if the session
    /// changes between the check and the append, the new events are folded and the command is
    /// checked again.
    pub fn submit(
        &mut self,
        cmd: &crate::domain::command::Command,
        actor: &str,
        now: DateTime<Utc>,
        lib: &dyn Fallback,
    ) -> Result<Recorded, SubmitError> {
        self.submit_recorded(cmd, actor, now, lib, &Default::default())
    }

    /// [`Opened::submit`], recorded by a scribe for `actor` or typed in from the paper log.
    pub fn submit_recorded(
        &mut self,
        cmd: &crate::domain::command::Command,
        actor: &str,
        now: DateTime<Utc>,
        lib: &dyn Fallback,
        how: &crate::domain::command::Recording,
    ) -> Result<Recorded, SubmitError> {
        // under the lock, read what is new and check against it: no other process of this
        // writer can append in between, and others' events are folded before the check
        let mut locked = self.journal.lock()?;
        self.journal.refresh(&mut self.session, lib)?;
        if let Some(l) = self.journal.go_on_where_writable()? {
            locked = l;
            self.journal.refresh(&mut self.session, lib)?;
        }
        let confirmed = self.journal.confirm(&mut locked)?;
        let checked = crate::domain::command::check(cmd, &self.session, actor, now)?.recorded(how);
        // the same command again after an append whose sync failed: now it is on disk, once
        if let Some(events) = confirmed
            && super::store::same_command(&events, &checked)
        {
            self.journal
                .kept
                .retain(|p| !p.message.contains("are unconfirmed"));
            return Ok(Recorded { checked, events });
        }
        prepare(&self.journal.dir, lib, &checked)?;
        self.record(locked, checked)
    }

    /// Seals the journal: the chain head of every writer's file as read now, journaled with
    /// their digest. Returns the digest, and whether the seal is new (a seal with nothing
    /// written since is given again, not repeated).
    pub fn seal(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
        lib: &dyn Fallback,
    ) -> Result<(String, bool), SubmitError> {
        let mut locked = self.journal.lock()?;
        self.journal.refresh(&mut self.session, lib)?;
        if let Some(l) = self.journal.go_on_where_writable()? {
            locked = l;
            self.journal.refresh(&mut self.session, lib)?;
        }
        // a seal covers only what is on disk
        self.journal.confirm(&mut locked)?;
        let me = self.journal.writer.clone();
        if let Some(last) = self.session.state.seals.last().filter(|l| l.writer == me) {
            let unchanged = self.journal.chains.values().all(|c| {
                if c.writer == me {
                    c.seq == last.seq
                } else {
                    last.heads
                        .iter()
                        .find(|h| h.w == c.writer)
                        .map_or(0, |h| h.seq)
                        == c.seq
                }
            });
            if unchanged {
                return Ok((last.digest.clone(), false));
            }
        }
        let heads = self
            .journal
            .chains
            .values()
            .filter_map(|c| {
                c.head.as_ref().map(|h| Witness {
                    w: c.writer.clone(),
                    seq: c.seq,
                    hash: h.clone(),
                })
            })
            .collect();
        let checked = crate::domain::command::seal(&self.session, heads, actor, now)?;
        let digest = match checked.bodies().first() {
            Some(Body::Sealed { digest, .. }) => digest.clone(),
            _ => String::new(),
        };
        self.record(locked, checked)?;
        Ok((digest, true))
    }

    /// Writes a checked command under the lock taken before it was checked.
    fn record(&mut self, mut locked: Locked, checked: Checked) -> Result<Recorded, SubmitError> {
        match self.journal.write(&mut locked, &checked) {
            Ok(events) => {
                checked.apply_to(&mut self.session, &events);
                drop(locked);
                self.journal.maybe_checkpoint(&mut self.session);
                Ok(Recorded { checked, events })
            }
            Err(AppendError::Unconfirmed { error, events }) => {
                checked.apply_to(&mut self.session, &events);
                Err(AppendError::Unconfirmed { error, events }.into())
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Opens a session: reads every writer's journal, resolves the plans, folds.
pub fn open(
    home: &Path,
    lib: &dyn Fallback,
    spec: &str,
    writer: &WriterId,
) -> Result<Opened, StoreError> {
    open_with(home, lib, spec, writer, true)
}

/// Opens a session from its checkpoint and what was written since (or whole, when there is no
/// checkpoint that matches the files). Without `notes`, the notes stay in the checkpoint: what
/// a command that only records needs.
pub fn open_with(
    home: &Path,
    lib: &dyn Fallback,
    spec: &str,
    writer: &WriterId,
    notes: bool,
) -> Result<Opened, StoreError> {
    let id = resolve_id(home, spec)?;
    let mut journal = Journal::at(home, id, writer.clone());
    let mut session = match journal.from_checkpoint(lib, notes)? {
        Some(mut s) => {
            journal.refresh(&mut s, lib)?;
            s
        }
        None => {
            let s = journal.rebuild(lib)?;
            // a checkpoint that did not match is not left to be tried again
            if journal.delivered < super::checkpoint::EVERY_LEAST {
                let _ = fs::remove_file(super::checkpoint::path(&journal.dir));
            }
            s
        }
    };
    if notes {
        journal.load_notes(&mut session, lib)?;
    }
    journal.kept = super::verify::kept_problem(&journal.dir)
        .into_iter()
        .collect();
    for (w, n) in super::unconfirmed::all(&journal.dir) {
        journal.kept.push(file::Problem {
            path: file::journal_path(&journal.dir, &WriterId::new(w.as_str())),
            line: 0,
            error: false,
            message: format!(
                "{n} event(s) of writer `{}` are unconfirmed: the disk did not confirm they were saved, so they may be lost if the machine stops; the writer's next command confirms them",
                crate::domain::text::clean(&w, false)
            ),
        });
    }
    journal.maybe_checkpoint(&mut session);
    Ok(Opened { journal, session })
}

/// Creates a session from a checked `start`: the folder appears complete (plan snapshots written,
/// first event durable) or not at all.
pub fn create(
    home: &Path,
    lib: &dyn Fallback,
    writer: &WriterId,
    checked: &Checked,
) -> Result<Opened, StoreError> {
    let Some(Body::SessionStarted {
        title,
        plans,
        scenario,
        ..
    }) = checked.bodies().first()
    else {
        return Err(StoreError::Busy);
    };
    let root = sessions_dir(home);
    file::create_dir_durable(&root)?;
    let mut id = new_session_id(checked.at(), title, writer);
    let mut n = 2;
    while root.join(id.as_str()).exists() {
        id = SessionId::new(format!(
            "{}-{n}",
            new_session_id(checked.at(), title, writer)
        ));
        n += 1;
    }
    let tmp = root.join(format!(".tmp-{id}"));
    let result = (|| {
        file::create_dir_durable(&tmp)?;
        for r in plans {
            if let Some(p) = lib.plan(r.id.as_str()).filter(|p| p.hash == r.hash) {
                snapshot_plan(&tmp, lib, &p)?;
            }
        }
        if let Some(sc) = scenario
            && let Some(s) = lib.scenario(sc.id.as_str()).filter(|s| s.hash == sc.hash)
        {
            snapshot_scenario(&tmp, lib, &s)?;
        }
        let signer = super::keys::load_or_create(home)?;
        let mut locked = Locked::open(&tmp, writer)?;
        // every event of the start (the session, and the injects out at T+0), chained
        let mut lines = String::new();
        let mut prev: Option<String> = None;
        let mut first = None;
        for (i, body) in checked.bodies().iter().enumerate() {
            let e = Event {
                v: FORMAT_VERSION,
                id: fresh_id(writer, i as u64 + 1),
                seq: i as u64 + 1,
                at: checked.at(),
                actor: checked.actor().to_string(),
                writer: writer.clone(),
                body: body.clone(),
                ex_ms: checked.ex_ms(),
                seen: None,
                saw: Vec::new(),
                recorded_by: checked.recorder().map(str::to_string),
                transcribed_at: checked.transcribed_at(),
                key: (i == 0).then(|| signer.public_hex().to_string()),
                prev: prev.take(),
            };
            let line = file::encode_signed(&e, &signer, id.as_str());
            prev = Some(crate::domain::sha256_hex(line.as_bytes()));
            lines.push_str(&line);
            lines.push('\n');
            first.get_or_insert(e);
        }
        let Some(e) = first else {
            return Err(StoreError::Busy);
        };
        locked
            .write_durable(lines.as_bytes())
            .map_err(|f| match f {
                file::AppendFailure::Write(e) | file::AppendFailure::Sync(e) => e,
            })?;
        drop(locked);
        file::sync_dir(&tmp)?;
        let dest = root.join(id.as_str());
        fs::rename(&tmp, &dest)
            .map_err(|e| StoreError::io("create the session folder", &dest, e))?;
        // not known to be durable: then not there at all
        file::sync_dir(&root).inspect_err(|_| {
            crate::fsx::remove_tree(&dest);
        })?;
        Ok(e)
    })();
    let first = match result {
        Ok(e) => e,
        Err(e) => {
            crate::fsx::remove_tree(&tmp);
            return Err(e);
        }
    };
    let mut journal = Journal::at(home, id.clone(), writer.clone());
    // the session is recorded: a failure to read it back now must not say otherwise
    let session = match journal.rebuild(lib) {
        Ok(s) => s,
        Err(_) => {
            let plans = plans
                .iter()
                .filter_map(|r| {
                    lib.plan(r.id.as_str())
                        .filter(|p| p.hash == r.hash)
                        .map(|p| r.filled(p))
                })
                .collect();
            let scenario = scenario
                .as_ref()
                .and_then(|sc| lib.scenario(sc.id.as_str()));
            let mut s = Session::new(id, plans, scenario);
            s.apply(&first);
            s
        }
    };
    Ok(Opened { journal, session })
}
