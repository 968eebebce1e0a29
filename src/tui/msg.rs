//! What reaches `update`: keys, pastes, ticks of the clock, and the results of effects.

use crate::domain::command::{Checked, Command};
use crate::domain::event::Event;
use crate::domain::ids::SessionId;
use crate::domain::session::Session;
use crate::journal::store::Delta;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use std::path::PathBuf;

/// A session as read for the TUI: its state, its latest events (for the timeline), and what
/// the reader found wrong with its files.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub session: Session,
    pub recent: Vec<Event>,
    /// Damaged or edited lines found.
    pub problems: usize,
    /// What resolving its plans said.
    pub warnings: Vec<String>,
    /// The trusted medians of its plans' steps over every run of them: what the forecast uses.
    pub medians: crate::domain::history::Medians,
}

/// A line of the home screen's session list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub id: SessionId,
    pub title: String,
    pub exercise: bool,
    pub closed: bool,
    pub finished: usize,
    pub total: usize,
    pub started_at: DateTime<Utc>,
    /// The ids of its plans.
    pub plans: Vec<String>,
}

impl SessionRow {
    pub fn of(s: &Session) -> SessionRow {
        let st = &s.state;
        let (finished, total) = st.progress();
        SessionRow {
            id: st.id.clone(),
            title: st.title.clone(),
            exercise: st.is_exercise(),
            closed: st.is_closed(),
            finished,
            total,
            started_at: st.started_at,
            plans: st.plans.iter().map(|p| p.id.to_string()).collect(),
        }
    }
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): never read as keys.
    Paste(String),
    /// Time passed; `now` is the time.
    Tick(DateTime<Utc>),
    Resize(u16, u16),
    /// A session was read (opened from the list).
    Opened(Box<Loaded>),
    /// A session was created.
    Started(Box<Loaded>),
    /// The open session was read again whole (its files changed under what was read).
    Reloaded(Box<Loaded>),
    /// Other writers' events; the number of damaged lines found so far.
    Delta(Delta, usize),
    /// The events were written and synced.
    /// Written and synced: the command, and the events as written.
    Recorded {
        checked: Box<Checked>,
        events: Vec<Event>,
    },
    /// Not written: the session changed since the command was checked.
    Stale {
        delta: Delta,
        cmd: Command,
        /// The command as checked: who it was by, when, how it was recorded.
        checked: Box<Checked>,
    },
    /// Written, but the sync failed: it may not survive a crash.
    Unconfirmed {
        checked: Box<Checked>,
        error: String,
        events: Vec<Event>,
    },
    /// Nothing was written.
    NotRecorded {
        what: String,
        error: String,
        cmd: Command,
    },
    /// A step's command ran: how it ended, where its output is kept.
    Ran(Box<(crate::domain::ids::StepRef, super::effects::Ran)>),
    Sessions(Vec<SessionRow>),
    Exported(PathBuf),
    Failed {
        what: String,
        error: String,
    },
}
