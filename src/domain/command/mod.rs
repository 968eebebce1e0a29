//! Every change a user can make to a session, as a typed command; what a front end must ask for
//! before it can be carried out ([`Command::needs`]); and the one gate that decides whether it
//! is allowed and which events it becomes ([`check`]). The CLI, the TUI, the plain line mode
//! and timers all go through here, so they cannot disagree.

mod check;
mod exercise;
mod improve;
mod joining;
mod needs;
mod redline;
mod refusal;
pub mod resolve;
mod start;

pub use check::{
    MAX_ADVANCE, MAX_TEXT_BYTES, ago, check, next_step, open_for_changes, seal,
    unfinished_dependencies,
};
pub use exercise::facilitator;
pub use improve::{
    ActionAct, ActionCmd, FixObservation, action_label, observation_label, parse_due,
};
pub use needs::{Answer, ChoiceField, Need, TextField, open_summary};
pub use refusal::Refusal;

use crate::domain::event::{Body, ObservationKind, Rating};
use crate::domain::ids::{InjectId, ObjectiveId, SessionId, StepRef};
use crate::domain::plan::Plan;
use crate::domain::scenario::Scenario;
use crate::domain::time::Minutes;
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// What a responder does to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepAct {
    Start,
    Done,
    Skip,
    Block,
    Reopen,
    Note,
    Assign,
}

impl StepAct {
    pub const ALL: [StepAct; 7] = [
        StepAct::Start,
        StepAct::Done,
        StepAct::Skip,
        StepAct::Block,
        StepAct::Reopen,
        StepAct::Note,
        StepAct::Assign,
    ];
    pub fn word(self) -> &'static str {
        match self {
            StepAct::Start => "start",
            StepAct::Done => "done",
            StepAct::Skip => "skip",
            StepAct::Block => "block",
            StepAct::Reopen => "reopen",
            StepAct::Note => "note",
            StepAct::Assign => "assign",
        }
    }
}

impl fmt::Display for StepAct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

impl FromStr for StepAct {
    type Err = crate::domain::event::UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim().to_ascii_lowercase();
        StepAct::ALL
            .into_iter()
            .find(|a| a.word() == w)
            .ok_or(crate::domain::event::UnknownWord {
                given: s.to_string(),
                what: "an action",
                choices: "start, done, skip, block, reopen, note or assign",
            })
    }
}

/// What the facilitator does to the exercise clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockAct {
    Pause,
    Resume,
    Speed(u32),
    Advance(Minutes),
}

/// A new session: its plans (as read from the library), an exercise scenario, a title and the
/// time the disaster was declared (default: now).
#[derive(Debug, Clone)]
pub struct StartSession {
    pub plans: Vec<Arc<Plan>>,
    pub scenario: Option<Arc<Scenario>>,
    pub title: Option<String>,
    pub declared_at: Option<DateTime<Utc>>,
    /// Values for the plans' parameters, by name (a name several plans declare fills each).
    pub params: crate::domain::params::Values,
    /// Who controls an exercise; `None` until asked (an empty list: anyone may).
    pub facilitators: Option<Vec<String>>,
    /// Who evaluates it (rates objectives, sees what the facilitators see).
    pub evaluators: Vec<String>,
}

/// Every change a user can make. A field that is `None` has not been given yet: [`Command::needs`]
/// says what to ask for, and [`check`] refuses when something required is still missing.
#[derive(Debug, Clone)]
pub enum Command {
    Start(StartSession),
    /// Add a plan to a running session.
    Invoke {
        plan: Arc<Plan>,
        params: crate::domain::params::Values,
    },
    /// An action on a step. `text` is the note or reason; `to` whom to assign it to; `anyway`
    /// confirms doing it although the steps it comes after are not finished.
    Step {
        step: StepRef,
        act: StepAct,
        text: Option<String>,
        to: Option<String>,
        anyway: bool,
    },
    /// Take a decision: `option` is its number (from 1), its label (or the start of it), or the
    /// step it leads to.
    /// `invoke` holds the library's plans that the decision's options bring in (see
    /// [`resolve::decision_plans`]); `params` the values for their parameters.
    Decide {
        step: StepRef,
        option: Option<String>,
        why: Option<String>,
        anyway: bool,
        invoke: Vec<Arc<Plan>>,
        params: crate::domain::params::Values,
    },
    /// Undo the actor's last change to a step (recorded as a reopen, never an edit).
    Undo,
    SessionNote {
        text: Option<String>,
    },
    HandOver {
        to: Option<String>,
        note: Option<String>,
        /// What the next shift is told, made by the front end from the session and the index.
        summary: Option<Box<crate::domain::session::handover::Summary>>,
    },
    Close {
        note: Option<String>,
    },
    /// Set or correct when the disaster was declared (RTOs and deadlines count from it).
    Declare {
        at: Option<DateTime<Utc>>,
        why: Option<String>,
    },
    /// Release an inject: the named one (early if it is not due), or the next one due.
    InjectRelease {
        inject: Option<InjectId>,
    },
    InjectSkip {
        inject: Option<InjectId>,
        reason: Option<String>,
    },
    Observe {
        kind: Option<ObservationKind>,
        text: Option<String>,
        step: Option<StepRef>,
        inject: Option<InjectId>,
        /// The objective it bears on: `None` until asked, empty for none.
        objective: Option<String>,
    },
    /// Put an observation right, or withdraw it.
    FixObservation(FixObservation),
    /// Raise, change, close or reopen an improvement action.
    Action(ActionCmd),
    Clock(ClockAct),
    Rate {
        objective: Option<ObjectiveId>,
        rating: Option<Rating>,
        note: Option<String>,
    },
    /// A step's command that muster ran after the responder confirmed it, and how it ended.
    RecordRun(RanCmd),
    /// The outcome of a validation step: pass, fail or not tested.
    Validate {
        step: StepRef,
        outcome: Option<crate::domain::event::Outcome>,
        note: Option<String>,
    },
    /// Propose a change to a step of the plan.
    Redline {
        step: StepRef,
        kind: Option<crate::domain::redline::RedlineKind>,
        text: Option<String>,
    },
    /// Accept or reject a redline of the session (`R1`).
    /// Accepting or rejecting a redline of the session: `redline` its label (`R1`).
    DecideRedline {
        redline: Option<String>,
        accept: Option<bool>,
        note: Option<String>,
    },
    /// A phone call and what it gave: `candidates` are whom the front end offers (the role's
    /// next person first), `who` the one called, by index.
    Call {
        candidates: Vec<crate::domain::calls::Callee>,
        who: Option<usize>,
        result: Option<crate::domain::calls::CallResult>,
        note: Option<String>,
        step: Option<StepRef>,
    },
}

/// A step's command as muster ran it: the output itself is kept beside the journal, by name and
/// hash.
#[derive(Debug, Clone, PartialEq)]
pub struct RanCmd {
    pub step: StepRef,
    pub command: String,
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    pub output_hash: String,
    pub output: String,
    pub output_bytes: u64,
    /// The end of the output, as the journal keeps it.
    pub tail: Option<String>,
}

/// The most of a command's output the journal's event holds (its end).
pub const TAIL_BYTES: usize = 2048;

/// The end of a command's output as the journal keeps it: its last [`TAIL_BYTES`], from a line
/// start where there is one, without the escape sequences of a terminal.
pub fn output_tail(output: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(output);
    let text = text.trim_end();
    if text.is_empty() {
        return None;
    }
    let mut start = text.len().saturating_sub(TAIL_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut tail = &text[start..];
    if start > 0
        && let Some(i) = tail.find('\n')
    {
        tail = &tail[i + 1..];
    }
    Some(crate::domain::text::clean(tail, true))
}

/// The shell languages muster runs a command of; any other (`sql`, `python`) is copied by the
/// responder, never run.
pub const SHELL_LANGS: [&str; 8] = [
    "",
    "sh",
    "bash",
    "shell",
    "console",
    "zsh",
    "cmd",
    "powershell",
];

/// The commands of a step muster may run in this session, or why none.
pub fn runnable(s: &crate::domain::session::Session, r: &StepRef) -> Result<Vec<String>, Refusal> {
    let def = s.step_def(r).ok_or_else(|| Refusal::NoSuchStep {
        step: r.clone(),
        suggestion: None,
    })?;
    let no = |why: &str| Refusal::NotRunnable {
        step: r.clone(),
        why: why.to_string(),
    };
    if s.state.is_exercise() && !def.run_in_exercise {
        return Err(no(
            "this is an exercise, and muster runs a step's command in an exercise only where the step says `run_in_exercise: true`",
        ));
    }
    if def.commands.is_empty() {
        return Err(no("it has no command"));
    }
    let shell: Vec<String> = def
        .commands
        .iter()
        .filter(|c| {
            SHELL_LANGS.contains(
                &c.lang
                    .as_deref()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
                    .as_str(),
            )
        })
        .map(|c| c.run.clone())
        .collect();
    if shell.is_empty() {
        return Err(no(&format!(
            "its commands are not shell commands ({}): copy them into the right tool",
            def.commands
                .iter()
                .filter_map(|c| c.lang.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(shell)
}

/// The kinds of command, one per thing a user can do: each has a CLI subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    Start,
    Invoke,
    StepStart,
    StepDone,
    StepSkip,
    StepBlock,
    StepReopen,
    StepNote,
    StepAssign,
    Decide,
    Undo,
    SessionNote,
    HandOver,
    Close,
    Declare,
    InjectRelease,
    InjectSkip,
    Observe,
    ObservationCorrect,
    ObservationWithdraw,
    ActionAdd,
    ActionUpdate,
    ActionClose,
    ActionReopen,
    ClockPause,
    ClockResume,
    ClockSpeed,
    ClockAdvance,
    Rate,
    Call,
    Run,
    Redline,
    RedlineDecide,
    Validate,
}

impl CommandKind {
    pub const ALL: [CommandKind; 34] = [
        CommandKind::Start,
        CommandKind::Invoke,
        CommandKind::StepStart,
        CommandKind::StepDone,
        CommandKind::StepSkip,
        CommandKind::StepBlock,
        CommandKind::StepReopen,
        CommandKind::StepNote,
        CommandKind::StepAssign,
        CommandKind::Decide,
        CommandKind::Undo,
        CommandKind::SessionNote,
        CommandKind::HandOver,
        CommandKind::Close,
        CommandKind::Declare,
        CommandKind::InjectRelease,
        CommandKind::InjectSkip,
        CommandKind::Observe,
        CommandKind::ObservationCorrect,
        CommandKind::ObservationWithdraw,
        CommandKind::ActionAdd,
        CommandKind::ActionUpdate,
        CommandKind::ActionClose,
        CommandKind::ActionReopen,
        CommandKind::ClockPause,
        CommandKind::ClockResume,
        CommandKind::ClockSpeed,
        CommandKind::ClockAdvance,
        CommandKind::Rate,
        CommandKind::Call,
        CommandKind::Run,
        CommandKind::Redline,
        CommandKind::RedlineDecide,
        CommandKind::Validate,
    ];
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Start(_) => CommandKind::Start,
            Command::Invoke { .. } => CommandKind::Invoke,
            Command::Step { act, .. } => match act {
                StepAct::Start => CommandKind::StepStart,
                StepAct::Done => CommandKind::StepDone,
                StepAct::Skip => CommandKind::StepSkip,
                StepAct::Block => CommandKind::StepBlock,
                StepAct::Reopen => CommandKind::StepReopen,
                StepAct::Note => CommandKind::StepNote,
                StepAct::Assign => CommandKind::StepAssign,
            },
            Command::Decide { .. } => CommandKind::Decide,
            Command::Undo => CommandKind::Undo,
            Command::SessionNote { .. } => CommandKind::SessionNote,
            Command::HandOver { .. } => CommandKind::HandOver,
            Command::Close { .. } => CommandKind::Close,
            Command::Declare { .. } => CommandKind::Declare,
            Command::InjectRelease { .. } => CommandKind::InjectRelease,
            Command::InjectSkip { .. } => CommandKind::InjectSkip,
            Command::Observe { .. } => CommandKind::Observe,
            Command::FixObservation(f) if f.withdraw => CommandKind::ObservationWithdraw,
            Command::FixObservation(_) => CommandKind::ObservationCorrect,
            Command::Action(a) => match a.act {
                ActionAct::Add => CommandKind::ActionAdd,
                ActionAct::Update => CommandKind::ActionUpdate,
                ActionAct::Close => CommandKind::ActionClose,
                ActionAct::Reopen => CommandKind::ActionReopen,
            },
            Command::Clock(c) => match c {
                ClockAct::Pause => CommandKind::ClockPause,
                ClockAct::Resume => CommandKind::ClockResume,
                ClockAct::Speed(_) => CommandKind::ClockSpeed,
                ClockAct::Advance(_) => CommandKind::ClockAdvance,
            },
            Command::Rate { .. } => CommandKind::Rate,
            Command::Call { .. } => CommandKind::Call,
            Command::RecordRun(_) => CommandKind::Run,
            Command::Redline { .. } => CommandKind::Redline,
            Command::Validate { .. } => CommandKind::Validate,
            Command::DecideRedline { .. } => CommandKind::RedlineDecide,
        }
    }

    /// A step action with nothing given yet.
    pub fn step(step: StepRef, act: StepAct) -> Command {
        Command::Step {
            step,
            act,
            text: None,
            to: None,
            anyway: false,
        }
    }
}

/// How a command comes to be recorded when not by its actor's own hand: a scribe recording for
/// the commander (`--for`), or an entry of the paper log typed in afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recording {
    /// Who entered it.
    pub by: Option<String>,
    /// When a paper entry was typed in (the event's time is then the paper's).
    pub transcribed_at: Option<DateTime<Utc>>,
}

impl Recording {
    /// A scribe recording for someone else.
    pub fn scribe(by: &str) -> Recording {
        Recording {
            by: Some(by.to_string()),
            transcribed_at: None,
        }
    }
}

/// A command the gate has allowed, with the events it becomes. Only [`check`] can make one,
/// and the journal appends nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    session: SessionId,
    bodies: Vec<Body>,
    at: DateTime<Utc>,
    actor: String,
    ex_ms: Option<i64>,
    what: String,
    basis: usize,
    /// The definitions of the plans its events bring in, filled in with their values.
    plans: Joined,
    /// A scribe recording for the actor, or whoever types in the paper log.
    recorded_by: Option<String>,
    /// When a paper entry was typed in (`at` is then the paper's time).
    transcribed_at: Option<DateTime<Utc>>,
}

/// Plans a checked command brings in; equal when they are the same versions.
#[derive(Debug, Clone, Default)]
pub struct Joined(pub Vec<Arc<Plan>>);

impl PartialEq for Joined {
    fn eq(&self, o: &Joined) -> bool {
        self.0.len() == o.0.len()
            && self
                .0
                .iter()
                .zip(&o.0)
                .all(|(a, b)| a.id.v == b.id.v && a.hash == b.hash)
    }
}

impl Checked {
    /// The definitions of the plans its events bring in (filled in with their parameters'
    /// values): whoever folds its events into a session adds these first, so an invoked plan
    /// has its steps at once.
    pub fn plans(&self) -> &[Arc<Plan>] {
        &self.plans.0
    }

    /// Folds events written for this command into a session, its plans made known first.
    pub fn apply_to(
        &self,
        s: &mut crate::domain::session::Session,
        events: &[crate::domain::event::Event],
    ) {
        for p in self.plans() {
            s.add_plan(p.clone());
        }
        for e in events {
            s.apply(e);
        }
    }

    /// The session it is for (empty for a new session).
    pub fn session(&self) -> &SessionId {
        &self.session
    }
    pub fn bodies(&self) -> &[Body] {
        &self.bodies
    }
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// Marked as recorded by a scribe for the actor, or typed in from the paper log.
    pub fn recorded(mut self, how: &Recording) -> Checked {
        self.recorded_by = how
            .by
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty() && (*b != self.actor || how.transcribed_at.is_some()))
            .map(str::to_string);
        self.transcribed_at = how.transcribed_at;
        self
    }
    pub fn recorder(&self) -> Option<&str> {
        self.recorded_by.as_deref()
    }
    pub fn transcribed_at(&self) -> Option<DateTime<Utc>> {
        self.transcribed_at
    }
    /// The exercise time the events carry (exercises only).
    pub fn ex_ms(&self) -> Option<i64> {
        self.ex_ms
    }
    /// What it records, in words: "done alpha/check".
    pub fn what(&self) -> &str {
        &self.what
    }
    /// How many events the session had when the command was checked: an append finds out
    /// whether the session changed since.
    pub fn basis(&self) -> usize {
        self.basis
    }
}
