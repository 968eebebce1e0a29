//! The state of a session as folded from its events. Serialisable, so that a checkpoint can hold
//! it; everything in it is derived from the journal.

use super::clock::ExerciseClock;
use crate::domain::event::{Mode, ObservationKind, OrderKey, Rating, ScenarioRef, ts};
use crate::domain::ids::{InjectId, ObjectiveId, PlanId, SessionId, StepId, StepRef, WriterId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Pending,
    Active,
    Done,
    Skipped,
    Blocked,
}

impl StepStatus {
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Active => "active",
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Blocked => "blocked",
        }
    }
    /// A mark readable without colour.
    pub fn mark(self) -> &'static str {
        match self {
            StepStatus::Pending => "[ ]",
            StepStatus::Active => "[>]",
            StepStatus::Done => "[x]",
            StepStatus::Skipped => "[-]",
            StepStatus::Blocked => "[!]",
        }
    }
    pub fn finished(self) -> bool {
        matches!(self, StepStatus::Done | StepStatus::Skipped)
    }
}

/// What a note on a step records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    Note,
    Done,
    Skip,
    Block,
    Reopen,
    Decision,
    Conflict,
}

impl NoteKind {
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Done => "done",
            NoteKind::Skip => "skip",
            NoteKind::Block => "block",
            NoteKind::Reopen => "reopen",
            NoteKind::Decision => "decision",
            NoteKind::Conflict => "conflict",
        }
    }
}

impl std::fmt::Display for NoteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteEntry {
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub option: String,
    pub next: Option<StepId>,
    pub why: Option<String>,
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confirmation {
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    pub plan: PlanId,
    pub step: StepId,
    pub title: String,
    pub state: StepStatus,
    /// Who put the step in its current state, and when (none while pending).
    pub by: Option<String>,
    #[serde(with = "ts::opt")]
    pub at: Option<DateTime<Utc>>,
    #[serde(with = "ts::opt")]
    pub started_at: Option<DateTime<Utc>>,
    pub assignee: Option<String>,
    pub notes: Vec<NoteEntry>,
    pub decision: Option<DecisionRecord>,
    /// Others who marked the step done after it was done: kept, not lost.
    pub confirmations: Vec<Confirmation>,
    /// Time spent active before the current stretch, in milliseconds.
    pub active_ms: i64,
    /// On a branch of a decision that was not taken.
    pub bypassed: bool,
    /// Since when it is active, if it is.
    #[serde(default, with = "ts::opt")]
    pub active_since: Option<DateTime<Utc>>,
    /// The same times on the exercise clock (exercises only).
    #[serde(default)]
    pub ex: ExTimes,
    /// A validation step's last outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::domain::event::Outcome>,
}

/// A step's times on the exercise clock, in exercise milliseconds: an exercise's documents
/// report durations on the clock the exercise ran on, not on the wall.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExTimes {
    pub started: Option<i64>,
    /// When it was put in its current state by a start or a done.
    pub at: Option<i64>,
    pub active_ms: i64,
    pub active_since: Option<i64>,
}

impl StepState {
    /// Minutes actually spent on it: its active time, or from its start to its finish; on the
    /// exercise clock for an exercise (the clock it ran on).
    pub fn actual_min(&self, st: &SessionState, now: DateTime<Utc>) -> Option<i64> {
        match st.ex_ms(now) {
            Some(now_ex) => {
                let active_secs = self.ex_active_secs(now_ex);
                if active_secs > 0 {
                    Some((active_secs + 30) / 60)
                } else {
                    match (self.ex.started, self.ex.at, self.state) {
                        (Some(a), Some(b), StepStatus::Done) => Some(b.saturating_sub(a) / 60_000),
                        _ => None,
                    }
                }
            }
            None => {
                let active_secs = self.active_secs(now);
                if active_secs > 0 {
                    Some((active_secs + 30) / 60)
                } else {
                    match (self.started_at, self.at, self.state) {
                        (Some(a), Some(b), StepStatus::Done) => Some((b - a).num_minutes()),
                        _ => None,
                    }
                }
            }
        }
    }

    pub fn at_ref(&self) -> StepRef {
        StepRef {
            plan: self.plan.clone(),
            step: self.step.clone(),
        }
    }

    /// Time spent active, in seconds, counting a stretch still under way up to `now`.
    pub fn active_secs(&self, now: DateTime<Utc>) -> i64 {
        let running = self
            .active_since
            .map(|s| (now - s).num_milliseconds().max(0))
            .unwrap_or(0);
        self.active_ms.saturating_add(running) / 1000
    }

    /// Exercise time spent active, in seconds, up to exercise time `now_ex`.
    pub fn ex_active_secs(&self, now_ex: i64) -> i64 {
        let running = self
            .ex
            .active_since
            .map(|s| now_ex.saturating_sub(s).max(0))
            .unwrap_or(0);
        self.ex.active_ms.saturating_add(running) / 1000
    }

    /// Notes that record a disagreement between responders (a skip after a done, and so on).
    pub fn conflicts(&self) -> impl Iterator<Item = &NoteEntry> {
        self.notes.iter().filter(|n| n.kind == NoteKind::Conflict)
    }

    pub fn has_conflict(&self) -> bool {
        self.conflicts().next().is_some()
    }

    /// The step's mark in a list, readable without colour: `[?]` when responders disagree
    /// about it (whatever its state), `[~]` off the chosen branch, else its state's mark.
    pub fn mark(&self) -> &'static str {
        if self.has_conflict() {
            "[?]"
        } else if self.bypassed {
            "[~]"
        } else {
            self.state.mark()
        }
    }

    /// Why it is skipped or blocked: the latest reason given, while it is in that state.
    pub fn reason(&self) -> Option<&NoteEntry> {
        let kind = match self.state {
            StepStatus::Skipped => NoteKind::Skip,
            StepStatus::Blocked => NoteKind::Block,
            _ => return None,
        };
        self.notes.iter().rev().find(|n| n.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanState {
    pub id: PlanId,
    pub title: String,
    pub hash: String,
    #[serde(with = "ts")]
    pub invoked_at: DateTime<Utc>,
    pub invoked_by: String,
    /// The values its parameters were given.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub params: crate::domain::params::Values,
    /// The plan's file could not be found: its steps are unknown.
    pub missing: bool,
    pub steps: Vec<StepState>,
    /// For each step: off the branches its decisions took (derived from the decisions).
    #[serde(default)]
    pub off_branch: Vec<bool>,
}

impl PlanState {
    /// (done, needed): a skipped step, or one on a branch not taken, is not needed, and not done.
    pub fn progress(&self) -> (usize, usize) {
        let needed = self
            .steps
            .iter()
            .filter(|s| !s.bypassed && s.state != StepStatus::Skipped)
            .count();
        let done = self
            .steps
            .iter()
            .filter(|s| s.state == StepStatus::Done)
            .count();
        (done, needed)
    }

    pub fn skipped(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.state == StepStatus::Skipped)
            .count()
    }

    pub fn step(&self, id: &str) -> Option<&StepState> {
        self.steps.iter().find(|s| s.step == id)
    }
}

/// The last change a responder made to a step's state, for `undo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastStepAction {
    pub step: StepRef,
    /// The event kind: `step_done`, `decision_taken` ...
    pub kind: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Responder {
    pub name: String,
    #[serde(with = "ts")]
    pub first_at: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_at: DateTime<Utc>,
    pub events: usize,
    pub writers: Vec<WriterId>,
    #[serde(default)]
    pub last_step_action: Option<LastStepAction>,
    /// How many events of each kind they recorded, in the order they first did each.
    #[serde(default)]
    pub did: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Closed {
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandOverRecord {
    pub from: String,
    pub to: String,
    pub note: Option<String>,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    /// What the next shift was told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Box<super::handover::Summary>>,
}

/// A step's command run by muster, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub step: StepRef,
    pub command: String,
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    pub output_hash: String,
    pub output: String,
    pub output_bytes: u64,
    /// The end of the output as the journal holds it.
    #[serde(default)]
    pub tail: Option<String>,
}

impl RunRecord {
    /// It ended well: exit status 0.
    pub fn ok(&self) -> bool {
        self.exit == Some(0) && !self.timed_out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjectRecord {
    pub inject: InjectId,
    pub released: bool,
    pub early: bool,
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub ex_ms: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservationRecord {
    /// The id of the event that recorded it: corrections and withdrawals name it.
    pub id: crate::domain::ids::EventId,
    pub kind: ObservationKind,
    pub text: String,
    pub plan: Option<PlanId>,
    pub step: Option<StepId>,
    pub inject: Option<InjectId>,
    /// The exercise objective it bears on.
    pub objective: Option<ObjectiveId>,
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub ex_ms: Option<i64>,
    /// Corrections made to it, oldest first (the text shown is the corrected one).
    pub corrected: Vec<super::improve::ActionChange>,
    /// Taken back: it stays in the journal and leaves the documents.
    pub withdrawn: Option<super::improve::ActionChange>,
}

/// The declaration time set or corrected after the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationRecord {
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    #[serde(with = "ts")]
    pub from: DateTime<Utc>,
    #[serde(with = "ts")]
    pub to: DateTime<Utc>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingRecord {
    pub objective: ObjectiveId,
    pub rating: Rating,
    pub note: Option<String>,
    pub by: String,
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
}

/// What the fold knows of each writer: the latest event time it wrote, and how far behind the
/// others its clock seemed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WriterSeen {
    #[serde(with = "ts::opt")]
    pub last_at: Option<DateTime<Utc>>,
    /// The largest lag (seconds) between what it had seen and its own clock, over the tolerance.
    pub behind_secs: i64,
}

/// A seal as journaled: who gave it out and when, the heads it covers and its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealRecord {
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub writer: WriterId,
    /// The sequence number of the seal's own event in its writer's file.
    pub seq: u64,
    pub heads: Vec<crate::domain::event::Witness>,
    pub digest: String,
}

impl SealRecord {
    /// How many events the seal covers: every writer's events up to its head.
    pub fn covers(&self) -> u64 {
        self.heads.iter().map(|h| h.seq).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub id: SessionId,
    pub title: String,
    pub mode: Mode,
    #[serde(with = "ts")]
    pub declared_at: DateTime<Utc>,
    #[serde(with = "ts")]
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    /// The `session started` event has been folded.
    pub started: bool,
    pub scenario: Option<ScenarioRef>,
    /// Who controls the exercise (none named: anyone).
    pub facilitators: Vec<String>,
    /// Who evaluates it: rates objectives, sees what the facilitators see.
    pub evaluators: Vec<String>,
    pub closed: Option<Closed>,
    pub plans: Vec<PlanState>,
    pub responders: BTreeMap<String, Responder>,
    pub handovers: Vec<HandOverRecord>,
    /// Session-wide notes (not tied to a step).
    pub notes: Vec<NoteEntry>,
    pub clock: Option<ExerciseClock>,
    pub injects: Vec<InjectRecord>,
    pub observations: Vec<ObservationRecord>,
    pub ratings: Vec<RatingRecord>,
    /// Improvement actions raised in the session.
    pub actions: Vec<super::improve::ActionRecord>,
    /// Corrections of the declaration time, oldest first: when, by whom, from what to what.
    pub declarations: Vec<DeclarationRecord>,
    pub writers: BTreeMap<WriterId, WriterSeen>,
    /// The seals given out, oldest first.
    #[serde(default)]
    pub seals: Vec<SealRecord>,
    /// Every phone call recorded, oldest first.
    #[serde(default)]
    pub calls: Vec<crate::domain::calls::CallRecord>,
    /// Every step command muster ran, oldest first.
    #[serde(default)]
    pub runs: Vec<RunRecord>,
    /// The changes to its plans proposed during the run, oldest first.
    #[serde(default)]
    pub redlines: Vec<crate::domain::redline::RedlineRecord>,
    /// Things a reader should know that the events themselves say: a second start, events about
    /// steps that are not in the session.
    pub warnings: Vec<String>,
    pub events: usize,
    /// The order key of the last event folded: an event that sorts before it needs a re-fold.
    pub last_key: Option<OrderKey>,
    /// Where each step is: (plan, step) index by ids. Derived; rebuilt when plans are added.
    #[serde(skip)]
    pub(super) index:
        std::collections::HashMap<PlanId, (usize, std::collections::HashMap<StepId, usize>)>,
}

/// A step's place in its plan, by id.
pub type StepIndex = std::collections::HashMap<StepId, usize, FastHash>;

/// FNV-1a: ids are short, and the index is looked up once per event.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FastHash = std::hash::BuildHasherDefault<Fnv>;

/// How far a writer's clock may lag the events it has read before it is flagged.
pub const SKEW_TOLERANCE_SECS: i64 = 120;

impl SessionState {
    /// A session nothing has been recorded in yet.
    pub fn blank(id: SessionId) -> SessionState {
        SessionState {
            id,
            title: String::new(),
            mode: Mode::Incident,
            declared_at: DateTime::<Utc>::UNIX_EPOCH,
            started_at: DateTime::<Utc>::UNIX_EPOCH,
            started_by: String::new(),
            started: false,
            scenario: None,
            facilitators: Vec::new(),
            evaluators: Vec::new(),
            closed: None,
            plans: Vec::new(),
            responders: BTreeMap::new(),
            handovers: Vec::new(),
            notes: Vec::new(),
            clock: None,
            injects: Vec::new(),
            observations: Vec::new(),
            ratings: Vec::new(),
            actions: Vec::new(),
            declarations: Vec::new(),
            writers: BTreeMap::new(),
            seals: Vec::new(),
            calls: Vec::new(),
            runs: Vec::new(),
            redlines: Vec::new(),
            warnings: Vec::new(),
            events: 0,
            last_key: None,
            index: Default::default(),
        }
    }

    /// Builds the index of steps again (after plans were added, or the state was read back).
    pub fn reindex(&mut self) {
        self.index = self
            .plans
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                (
                    p.id.clone(),
                    (
                        pi,
                        p.steps
                            .iter()
                            .enumerate()
                            .map(|(si, s)| (s.step.clone(), si))
                            .collect(),
                    ),
                )
            })
            .collect();
    }

    /// Where a step is: (plan index, step index).
    pub fn locate(&mut self, plan: &str, step: &str) -> Option<(usize, usize)> {
        if self.index.len() != self.plans.len() {
            self.reindex();
        }
        let (pi, steps) = self.index.get(plan)?;
        Some((*pi, *steps.get(step)?))
    }

    pub fn plan(&self, id: &str) -> Option<&PlanState> {
        self.plans.iter().find(|p| p.id == id)
    }

    pub fn plan_index(&self, id: &str) -> Option<usize> {
        self.plans.iter().position(|p| p.id == id)
    }

    pub fn step(&self, r: &StepRef) -> Option<&StepState> {
        self.step_at(r.plan.as_str(), r.step.as_str())
    }

    pub fn step_at(&self, plan: &str, step: &str) -> Option<&StepState> {
        if let Some((pi, steps)) = self.index.get(plan)
            && let Some(si) = steps.get(step)
        {
            return self.plans.get(*pi)?.steps.get(*si);
        }
        self.plan(plan)?.step(step)
    }

    pub fn steps(&self) -> impl Iterator<Item = &StepState> {
        self.plans.iter().flat_map(|p| p.steps.iter())
    }

    pub fn progress(&self) -> (usize, usize) {
        self.plans
            .iter()
            .map(PlanState::progress)
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
    }

    pub fn skipped(&self) -> usize {
        self.plans.iter().map(PlanState::skipped).sum()
    }

    pub fn is_exercise(&self) -> bool {
        self.mode == Mode::Exercise
    }

    /// The steps responders disagree about.
    pub fn conflicted(&self) -> impl Iterator<Item = &StepState> {
        self.steps().filter(|s| s.has_conflict())
    }

    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// Where the story is: for an exercise, the declared time plus the exercise clock (RTOs are
    /// exercised on it); for an incident, simply now.
    pub fn story_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.ex_ms(now) {
            Some(ex) => crate::domain::time::add_ms(self.declared_at, ex),
            None => now,
        }
    }

    /// The exercise time at `now`, on an exercise: it stops when the exercise is closed (an
    /// action closed months later is not stamped T+2000:00).
    pub fn ex_ms(&self, now: DateTime<Utc>) -> Option<i64> {
        let until = self.closed.as_ref().map_or(now, |c| c.at.min(now));
        self.clock.as_ref().map(|c| c.ex_ms(until))
    }

    /// The latest rating of an objective.
    pub fn rating(&self, objective: &str) -> Option<&RatingRecord> {
        self.ratings.iter().rev().find(|r| r.objective == objective)
    }

    pub fn inject(&self, id: &str) -> Option<&InjectRecord> {
        self.injects.iter().find(|r| r.inject == id)
    }

    /// Whether `actor` may control the exercise: a facilitator named at the start, or anyone
    /// when none was named. Names compare without case.
    pub fn may_facilitate(&self, actor: &str) -> bool {
        self.facilitators.is_empty()
            || self
                .facilitators
                .iter()
                .any(|f| f.trim().eq_ignore_ascii_case(actor.trim()))
    }

    /// Whether `actor` may rate objectives and see what is not released yet: a facilitator or
    /// an evaluator.
    pub fn may_evaluate(&self, actor: &str) -> bool {
        self.may_facilitate(actor)
            || self
                .evaluators
                .iter()
                .any(|f| f.trim().eq_ignore_ascii_case(actor.trim()))
    }

    pub fn responder(&self, name: &str) -> Option<&Responder> {
        self.responders.get(name)
    }

    /// Who leads now: the last hand-over's recipient, or who started the session.
    pub fn lead(&self) -> &str {
        self.handovers
            .last()
            .map(|h| h.to.as_str())
            .unwrap_or(&self.started_by)
    }

    /// Every warning: those the events raised, and those that depend on `now` (a writer whose
    /// clock runs ahead of this machine's, a missing start).
    pub fn all_warnings(&self, now: DateTime<Utc>) -> Vec<String> {
        let mut out = Vec::new();
        if !self.started && self.events > 0 {
            out.push("the session's first event (session started) is missing: its title, mode and plans are unknown; run `muster verify`".to_string());
        }
        out.extend(self.warnings.iter().cloned());
        for (w, seen) in &self.writers {
            if seen.behind_secs > SKEW_TOLERANCE_SECS {
                out.push(format!(
                    "the clock of writer `{w}` seems about {} min behind the others: its events may be out of order",
                    (seen.behind_secs + 59) / 60
                ));
            } else if let Some(last) = seen.last_at {
                let ahead = (last - now).num_seconds();
                if ahead > SKEW_TOLERANCE_SECS {
                    out.push(format!(
                        "the clock of writer `{w}` seems about {} min ahead of this machine: its events may be out of order",
                        (ahead + 59) / 60
                    ));
                }
            }
        }
        out
    }

    /// The latest event time of writers other than `writer`.
    pub fn seen_by(&self, writer: &WriterId) -> Option<DateTime<Utc>> {
        self.writers
            .iter()
            .filter(|(w, _)| *w != writer)
            .filter_map(|(_, s)| s.last_at)
            .max()
    }
}
