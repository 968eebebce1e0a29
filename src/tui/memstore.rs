//! A store in memory: the TUI's update path in tests, with no disk. Other writers' events can be
//! added by hand, and appends can be made to fail.

use super::effects::{Polled, RECENT, Store};
use super::msg::{Loaded, SessionRow};
use crate::domain::Library;
use crate::domain::command::Checked;
use crate::domain::event::{Body, Event, FORMAT_VERSION};
use crate::domain::ids::{EventId, SessionId, WriterId};
use crate::domain::session::Session;
use crate::export::Format;
use crate::journal::StoreError;
use crate::journal::store::{AppendError, Appended, Delta};
use crate::present::Zone;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub struct MemStore {
    pub lib: Arc<Library>,
    pub writer: WriterId,
    /// Every session's events, in the order they were added.
    pub sessions: BTreeMap<SessionId, Vec<Event>>,
    open: Option<SessionId>,
    /// Events of the open session handed to the app so far.
    delivered: usize,
    /// The next append fails with this error (nothing is recorded).
    pub fail_next: Option<std::io::ErrorKind>,
    /// What was exported: (file name, text).
    pub exports: Vec<(String, String)>,
    counter: u64,
    /// The name the app asked to remember.
    pub remembered: Option<String>,
    /// What was put on the clipboard.
    pub copied: Vec<String>,
    /// Sessions listed so far (to answer "nothing changed").
    listed: Option<usize>,
    /// The output of every command run, in order.
    pub outputs: Vec<Vec<u8>>,
}

impl MemStore {
    pub fn new(lib: Arc<Library>, writer: impl Into<WriterId>) -> MemStore {
        MemStore {
            lib,
            writer: writer.into(),
            sessions: BTreeMap::new(),
            open: None,
            delivered: 0,
            fail_next: None,
            exports: Vec::new(),
            counter: 0,
            remembered: None,
            copied: Vec::new(),
            listed: None,
            outputs: Vec::new(),
        }
    }

    /// The session as its events fold now (what a fresh reader would see).
    pub fn session(&self, id: &SessionId) -> Option<Session> {
        let events = self.sessions.get(id)?;
        Some(self.fold(id, events))
    }

    /// The id of the session the app follows.
    pub fn open_id(&self) -> Option<&SessionId> {
        self.open.as_ref()
    }

    fn fold(&self, id: &SessionId, events: &[Event]) -> Session {
        let mut sorted = events.to_vec();
        sorted.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let (plans, scenario) = self.sources(&sorted);
        Session::fold(id.clone(), &sorted, plans, scenario)
    }

    fn sources(
        &self,
        events: &[Event],
    ) -> (
        Vec<Arc<crate::domain::Plan>>,
        Option<Arc<crate::domain::Scenario>>,
    ) {
        let mut plans = Vec::new();
        let mut scenario = None;
        for e in events {
            match &e.body {
                Body::SessionStarted {
                    plans: refs,
                    scenario: sc,
                    ..
                } => {
                    plans.extend(refs.iter().filter_map(|r| {
                        self.lib.plan(r.id.as_str()).cloned().map(|p| r.filled(p))
                    }));
                    scenario = sc
                        .as_ref()
                        .and_then(|s| self.lib.scenario(s.id.as_str()).cloned());
                }
                Body::PlanInvoked { plan } => {
                    plans.extend(
                        self.lib
                            .plan(plan.id.as_str())
                            .cloned()
                            .map(|p| plan.filled(p)),
                    );
                }
                _ => {}
            }
        }
        (plans, scenario)
    }

    /// Adds events as another writer would, to the session given.
    pub fn add(
        &mut self,
        id: &SessionId,
        writer: &str,
        actor: &str,
        at: DateTime<Utc>,
        bodies: Vec<Body>,
    ) {
        let writer = WriterId::new(writer);
        let list = self.sessions.entry(id.clone()).or_default();
        for body in bodies {
            self.counter += 1;
            let seq = list.iter().filter(|e| e.writer == writer).count() as u64 + 1;
            list.push(Event {
                v: FORMAT_VERSION,
                id: EventId::new(format!("m{}", self.counter)),
                seq,
                at,
                actor: actor.to_string(),
                writer: writer.clone(),
                body,
                ex_ms: None,
                seen: None,
                saw: Vec::new(),
                recorded_by: None,
                transcribed_at: None,
                key: None,
                prev: None,
            });
        }
    }

    fn loaded(&mut self, id: &SessionId) -> Result<Loaded, StoreError> {
        let events = self.sessions.get(id).cloned().unwrap_or_default();
        let session = self.fold(id, &events);
        self.open = Some(id.clone());
        self.delivered = events.len();
        let mut recent = events;
        recent.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let skip = recent.len().saturating_sub(RECENT);
        // the history of its plans over every session held, as the store on disk has it
        let runs: Vec<Session> = self
            .sessions
            .iter()
            .map(|(sid, ev)| self.fold(sid, ev))
            .collect();
        let plans: Vec<&crate::domain::plan::Plan> = session
            .state
            .plans
            .iter()
            .filter_map(|p| session.plan_def(p.id.as_str()))
            .collect();
        // read as of the latest event held (a done step's time does not depend on it)
        let latest = self
            .sessions
            .values()
            .flatten()
            .map(|e| e.at)
            .max()
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let medians = crate::domain::history::medians_of(&plans, &runs, latest);
        Ok(Loaded {
            session,
            recent: recent.split_off(skip),
            problems: 0,
            warnings: Vec::new(),
            medians,
        })
    }

    fn undelivered(&mut self) -> Delta {
        let Some(id) = &self.open else {
            return Delta::default();
        };
        let all = self.sessions.get(id).cloned().unwrap_or_default();
        let mut new: Vec<Event> = all[self.delivered.min(all.len())..].to_vec();
        self.delivered = all.len();
        new.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let (plans, scenario) = self.sources(&new);
        Delta {
            events: new,
            plans,
            scenario,
        }
    }
}

impl Store for MemStore {
    fn list(&mut self, force: bool) -> Result<Option<Vec<SessionRow>>, StoreError> {
        let total: usize = self.sessions.values().map(Vec::len).sum();
        if !force && self.listed == Some(total) {
            return Ok(None);
        }
        self.listed = Some(total);
        let mut rows: Vec<SessionRow> = self
            .sessions
            .iter()
            .map(|(id, ev)| SessionRow::of(&self.fold(id, ev)))
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        Ok(Some(rows))
    }

    fn open(&mut self, id: &SessionId) -> Result<Loaded, StoreError> {
        if !self.sessions.contains_key(id) {
            return Err(StoreError::NoSession {
                id: id.to_string(),
                root: PathBuf::from("memory"),
                any: !self.sessions.is_empty(),
            });
        }
        self.loaded(id)
    }

    fn remember_name(&mut self, name: &str) {
        self.remembered = Some(name.to_string());
    }

    fn copy(&mut self, text: &str) {
        self.copied.push(text.to_string());
    }

    fn start(&mut self, checked: &Checked) -> Result<Loaded, StoreError> {
        self.counter += 1;
        let id = SessionId::new(format!("mem-{}", self.counter));
        let writer = self.writer.to_string();
        self.add(
            &id,
            &writer,
            checked.actor(),
            checked.at(),
            checked.bodies().to_vec(),
        );
        for e in self.sessions.get_mut(&id).into_iter().flatten() {
            e.ex_ms = checked.ex_ms();
        }
        self.listed = None;
        self.loaded(&id)
    }

    fn append(&mut self, checked: &Checked) -> Result<Appended, AppendError> {
        if let Some(kind) = self.fail_next.take() {
            return Err(AppendError::Failed(StoreError::io(
                "write to the journal",
                std::path::Path::new("memory/journal.jsonl"),
                std::io::Error::from(kind),
            )));
        }
        let Some(id) = self.open.clone() else {
            return Ok(Appended::Stale(Delta::default()));
        };
        let total = self.sessions.get(&id).map_or(0, Vec::len);
        if checked.basis() != self.delivered || total != self.delivered {
            return Ok(Appended::Stale(self.undelivered()));
        }
        let writer = self.writer.to_string();
        self.add(
            &id,
            &writer,
            checked.actor(),
            checked.at(),
            checked.bodies().to_vec(),
        );
        let Some(list) = self.sessions.get_mut(&id) else {
            return Ok(Appended::Stale(Delta::default()));
        };
        for e in &mut list[total..] {
            e.ex_ms = checked.ex_ms();
            e.recorded_by = checked.recorder().map(str::to_string);
            e.transcribed_at = checked.transcribed_at();
        }
        let written = list[total..].to_vec();
        self.delivered += written.len();
        Ok(Appended::Written(written))
    }

    fn poll(&mut self) -> Result<Option<Polled>, StoreError> {
        let d = self.undelivered();
        if d.is_empty() {
            return Ok(None);
        }
        Ok(Some(Polled::Delta(d, 0)))
    }

    fn run_command(
        &mut self,
        _step: &crate::domain::ids::StepRef,
        command: &str,
    ) -> Result<super::effects::Ran, StoreError> {
        // run for real (tests run `echo`), its output kept in memory only
        let ran = crate::runner::run(command, crate::runner::DEFAULT_LIMIT, |_| {})
            .map_err(|e| StoreError::io("run", std::path::Path::new("sh"), e))?;
        let hash = crate::domain::sha256_hex(&ran.output);
        self.outputs.push(ran.output.clone());
        Ok(super::effects::Ran {
            name: format!("mem-{}.txt", &hash[..12]),
            hash,
            ran,
        })
    }

    fn export(
        &mut self,
        session: &Session,
        format: Format,
        now: DateTime<Utc>,
        zone: Zone,
    ) -> Result<PathBuf, StoreError> {
        let mut events = self
            .sessions
            .get(&session.state.id)
            .cloned()
            .unwrap_or_default();
        events.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let input = crate::export::Input {
            session,
            index: &self.lib.index,
            now,
            zone,
            large: false,
            outputs: &Default::default(),
            changes: crate::domain::changes::since_run(session, &self.lib),
        };
        let name = crate::export::file_name(&session.state, format);
        let text = crate::export::render(&input, format, &mut crate::export::Listed(&events));
        self.exports.push((name.clone(), text));
        Ok(PathBuf::from("memory/exports").join(name))
    }
}
