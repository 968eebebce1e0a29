//! What the TUI asks of the world, and the world's answers. `update` returns [`Effect`]s; the
//! runtime hands each to [`run`], which does the I/O through a [`Store`] and returns the results
//! as messages. The store is a trait, so update tests need no disk.

use super::msg::{Loaded, Msg, SessionRow};
use crate::domain::Library;
use crate::domain::command::{Checked, Command};
use crate::domain::event::Event;
use crate::domain::ids::SessionId;
use crate::domain::session::Session;
use crate::export::Format;
use crate::journal::StoreError;
use crate::journal::file;
use crate::journal::store::{self, AppendError, Appended, Delta, Journal, NeedsRebuild};
use crate::present::Zone;
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

/// Something that changes or reads the world: carried out by the runtime, never by `update`.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Read a session and make it the open one.
    Open(SessionId),
    /// Create a session from a checked `start`.
    Start(Checked),
    /// Append a checked command; `cmd` is kept to check again if the session changed meanwhile.
    Submit { cmd: Command, checked: Checked },
    /// Look for other writers' events in the open session.
    Poll,
    /// Read the list of sessions (when it changed).
    ListSessions { force: bool },
    /// Remember the responder's name under this home, for the next time.
    RememberName(String),
    /// Put text on the clipboard of the terminal (OSC 52: it reaches the responder's own
    /// machine even over SSH, where the terminal allows it).
    Copy(String),
    /// Run a step's command the responder confirmed, and keep its output beside the journal.
    Run {
        step: crate::domain::ids::StepRef,
        command: String,
    },
    /// Write an export of the session into `<home>/exports/`.
    Export {
        session: Box<Session>,
        format: Format,
        now: DateTime<Utc>,
        zone: Zone,
    },
}

/// How many of the latest events the TUI keeps for its timeline.
pub const RECENT: usize = 5_000;

/// What the TUI needs of the sessions on disk.
pub trait Store {
    /// The sessions under home, newest first; `None` when nothing changed since the last call
    /// (and `force` is false).
    fn list(&mut self, force: bool) -> Result<Option<Vec<SessionRow>>, StoreError>;
    /// Reads a session and follows it from now on.
    fn open(&mut self, id: &SessionId) -> Result<Loaded, StoreError>;
    /// Creates a session from a checked `start`, and follows it.
    fn start(&mut self, checked: &Checked) -> Result<Loaded, StoreError>;
    /// Appends to the followed session.
    fn append(&mut self, checked: &Checked) -> Result<Appended, AppendError>;
    /// What other writers added to the followed session since the last look: `Ok(None)` when
    /// nothing changed; a whole new read when it had to be read again.
    fn poll(&mut self) -> Result<Option<Polled>, StoreError>;
    /// Remembers the responder's name for the next run (a convenience: never fails loudly).
    fn remember_name(&mut self, name: &str);
    /// Puts text on the terminal's clipboard.
    fn copy(&mut self, text: &str);
    /// Runs a step's command (confirmed) and keeps its output beside the followed session's
    /// journal; returns how it ended, with the output's file name and hash.
    fn run_command(
        &mut self,
        step: &crate::domain::ids::StepRef,
        command: &str,
    ) -> Result<Ran, StoreError>;
    /// Writes an export; returns where.
    fn export(
        &mut self,
        session: &Session,
        format: Format,
        now: DateTime<Utc>,
        zone: Zone,
    ) -> Result<PathBuf, StoreError>;
}

/// A command run: how it ended, and where its output is kept.
#[derive(Debug, Clone)]
pub struct Ran {
    pub ran: crate::runner::Ran,
    pub name: String,
    pub hash: String,
}

/// Runs a command for the responder and keeps its output in the session folder `dir`.
pub fn run_and_keep(
    dir: &std::path::Path,
    step: &crate::domain::ids::StepRef,
    command: &str,
) -> Result<Ran, StoreError> {
    let at = crate::context::fixed_now().unwrap_or_else(Utc::now);
    let ran = crate::runner::run(command, crate::runner::DEFAULT_LIMIT, |_| {}).map_err(|e| {
        StoreError::io(
            "start the shell to run the command",
            std::path::Path::new(&crate::runner::shell_words()),
            e,
        )
    })?;
    let (name, hash) = crate::journal::runs::keep(dir, at, step, &ran.output)?;
    Ok(Ran { ran, name, hash })
}

/// What a poll found.
#[derive(Debug)]
pub enum Polled {
    Delta(Delta, usize),
    Reloaded(Box<Loaded>),
}

/// Carries out one effect; returns what came of it.
pub fn run(store: &mut dyn Store, e: Effect) -> Vec<Msg> {
    match e {
        Effect::Open(id) => vec![match store.open(&id) {
            Ok(l) => Msg::Opened(Box::new(l)),
            Err(e) => Msg::Failed {
                what: format!("Cannot read session {id}"),
                error: e.to_string(),
            },
        }],
        Effect::Start(checked) => vec![match store.start(&checked) {
            Ok(l) => Msg::Started(Box::new(l)),
            Err(e) => Msg::Failed {
                what: "Could not start the session".into(),
                error: e.to_string(),
            },
        }],
        Effect::Submit { cmd, checked } => vec![match store.append(&checked) {
            Ok(Appended::Written(events)) => Msg::Recorded {
                checked: Box::new(checked),
                events,
            },
            Ok(Appended::Stale(delta)) => Msg::Stale {
                delta,
                cmd,
                checked: Box::new(checked),
            },
            Err(AppendError::Unconfirmed { error, events }) => Msg::Unconfirmed {
                checked: Box::new(checked.clone()),
                error: error.to_string(),
                events,
            },
            Err(AppendError::Failed(error)) => Msg::NotRecorded {
                what: checked.what().to_string(),
                error: error.to_string(),
                cmd,
            },
        }],
        Effect::Poll => match store.poll() {
            Ok(None) => Vec::new(),
            Ok(Some(Polled::Delta(d, problems))) => vec![Msg::Delta(d, problems)],
            Ok(Some(Polled::Reloaded(l))) => vec![Msg::Reloaded(l)],
            Err(e) => vec![Msg::Failed {
                what: "Cannot read the session's journal".into(),
                error: e.to_string(),
            }],
        },
        Effect::ListSessions { force } => match store.list(force) {
            Ok(Some(rows)) => vec![Msg::Sessions(rows)],
            Ok(None) => Vec::new(),
            Err(e) => vec![Msg::Failed {
                what: "Cannot list the sessions".into(),
                error: e.to_string(),
            }],
        },
        Effect::RememberName(name) => {
            store.remember_name(&name);
            Vec::new()
        }
        Effect::Copy(text) => {
            store.copy(&text);
            Vec::new()
        }
        Effect::Run { step, command } => vec![match store.run_command(&step, &command) {
            Ok(r) => Msg::Ran(Box::new((step, r))),
            Err(e) => Msg::Failed {
                what: "The command was not run".into(),
                error: e.to_string(),
            },
        }],
        Effect::Export {
            session,
            format,
            now,
            zone,
        } => vec![match store.export(&session, format, now, zone) {
            Ok(path) => Msg::Exported(path),
            Err(e) => Msg::Failed {
                what: "Export failed".into(),
                error: e.to_string(),
            },
        }],
    }
}

/// The store of a real home folder.
pub struct FsStore {
    pub home: PathBuf,
    pub writer: crate::domain::ids::WriterId,
    pub lib: Arc<Library>,
    journal: Option<Journal>,
    /// (file, length, modified) of the followed session's journals, to notice other writers.
    seen: Vec<(PathBuf, u64, Option<SystemTime>)>,
    /// Each listed session's files as last seen, and its row: a session is read again only
    /// when its files changed.
    listed: std::collections::BTreeMap<SessionId, (Fingerprint, SessionRow)>,
    /// Whether the list was ever given.
    listed_once: bool,
}

type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

fn fingerprint(dir: &std::path::Path) -> Fingerprint {
    let mut out: Vec<_> = file::journal_paths(dir)
        .map(|(p, _)| p)
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let len = m.as_ref().map_or(0, |m| m.len());
            let modified = m.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect();
    out.sort();
    out
}

impl FsStore {
    pub fn new(home: PathBuf, writer: crate::domain::ids::WriterId, lib: Arc<Library>) -> FsStore {
        FsStore {
            home,
            writer,
            lib,
            journal: None,
            seen: Vec::new(),
            listed: Default::default(),
            listed_once: false,
        }
    }

    fn loaded(&mut self, mut journal: Journal, session: Session) -> Result<Loaded, StoreError> {
        let recent = recent_events(&journal)?;
        self.seen = fingerprint(&journal.dir);
        // a session that cannot be read is left out of the history: the plan's estimates
        // stand in for it
        let (medians, _) = store::medians_for(
            &self.home,
            &*self.lib,
            &self.writer,
            &session,
            chrono::Utc::now(),
        )?;
        let l = Loaded {
            session,
            recent,
            problems: journal.errors(),
            warnings: journal.warnings.clone(),
            medians,
        };
        journal.warnings.clear();
        self.journal = Some(journal);
        Ok(l)
    }
}

/// The latest events of a session, for the timeline: read from the end of each file.
fn recent_events(j: &Journal) -> Result<Vec<Event>, StoreError> {
    let (paths, _) = file::journal_paths(&j.dir)?;
    let mut all = Vec::new();
    for p in paths {
        all.append(&mut file::tail_events(&p, RECENT)?);
    }
    all.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let skip = all.len().saturating_sub(RECENT);
    Ok(all.split_off(skip))
}

impl Store for FsStore {
    fn list(&mut self, force: bool) -> Result<Option<Vec<SessionRow>>, StoreError> {
        let ids = store::list_ids(&self.home)?;
        let mut changed = force || !self.listed_once || ids.len() != self.listed.len();
        let mut next = std::collections::BTreeMap::new();
        for id in ids {
            let fp = fingerprint(&store::sessions_dir(&self.home).join(id.as_str()));
            match self.listed.remove(&id) {
                Some((old, row)) if old == fp => {
                    next.insert(id, (old, row));
                }
                _ => {
                    changed = true;
                    // from the checkpoint, without the notes: cheap however long the session
                    if let Ok(o) =
                        store::open_with(&self.home, &*self.lib, id.as_str(), &self.writer, false)
                    {
                        next.insert(id, (fp, SessionRow::of(&o.session)));
                    }
                }
            }
        }
        self.listed = next;
        self.listed_once = true;
        if !changed {
            return Ok(None);
        }
        let mut rows: Vec<SessionRow> = self.listed.values().map(|(_, r)| r.clone()).collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.started_at));
        Ok(Some(rows))
    }

    fn open(&mut self, id: &SessionId) -> Result<Loaded, StoreError> {
        let o = store::open(&self.home, &*self.lib, id.as_str(), &self.writer)?;
        crate::remember::set_last_session(&self.home, o.id());
        self.loaded(o.journal, o.session)
    }

    fn start(&mut self, checked: &Checked) -> Result<Loaded, StoreError> {
        let o = store::create(&self.home, &*self.lib, &self.writer, checked)?;
        crate::remember::set_last_session(&self.home, o.id());
        self.listed_once = false;
        self.loaded(o.journal, o.session)
    }

    fn remember_name(&mut self, name: &str) {
        crate::remember::set_name(&self.home, name);
    }

    fn copy(&mut self, text: &str) {
        use base64::Engine;
        use std::io::Write;
        let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\x1b]52;c;{b64}\x07").and_then(|_| out.flush());
    }

    fn append(&mut self, checked: &Checked) -> Result<Appended, AppendError> {
        let Some(j) = self.journal.as_mut() else {
            return Ok(Appended::Stale(Delta::default()));
        };
        store::prepare(&j.dir, &*self.lib, checked)?;
        let r = j.append(checked, &*self.lib);
        self.seen = fingerprint(&j.dir);
        r
    }

    fn poll(&mut self) -> Result<Option<Polled>, StoreError> {
        let Some(j) = self.journal.as_mut() else {
            return Ok(None);
        };
        let now_seen = fingerprint(&j.dir);
        if now_seen == self.seen {
            return Ok(None);
        }
        self.seen = now_seen;
        match j.read_new(&*self.lib)? {
            Ok(d) if d.is_empty() => Ok(None),
            Ok(d) => Ok(Some(Polled::Delta(d, j.errors()))),
            Err(NeedsRebuild) => {
                let s = j.rebuild(&*self.lib)?;
                let Some(j) = self.journal.take() else {
                    return Ok(None);
                };
                self.loaded(j, s)
                    .map(|l| Some(Polled::Reloaded(Box::new(l))))
            }
        }
    }

    fn run_command(
        &mut self,
        step: &crate::domain::ids::StepRef,
        command: &str,
    ) -> Result<Ran, StoreError> {
        let Some(j) = self.journal.as_ref() else {
            return Err(StoreError::Busy);
        };
        run_and_keep(&j.dir, step, command)
    }

    fn export(
        &mut self,
        session: &Session,
        format: Format,
        now: DateTime<Utc>,
        zone: Zone,
    ) -> Result<PathBuf, StoreError> {
        let Some(j) = self.journal.as_ref() else {
            return Err(StoreError::Busy);
        };
        let outputs = crate::journal::runs::load(&j.dir, &session.state.runs);
        let input = crate::export::Input {
            session,
            index: &self.lib.index,
            now,
            zone,
            large: false,
            outputs: &outputs,
            changes: crate::domain::changes::since_run(session, &self.lib),
        };
        let mut events = crate::journal::stream::JournalEvents::new(&j.dir);
        let dir = self.home.join("exports");
        file::create_dir_durable(&dir)?;
        let path = dir.join(crate::export::file_name(&session.state, format));
        // the TUI's CSV is for a spreadsheet: marked as UTF-8
        let head: &[u8] = match format {
            Format::Csv => crate::export::UTF8_BOM,
            _ => b"",
        };
        events.write_to(&path, &input, format, head)?;
        Ok(path)
    }
}
