//! The state of a session: a pure fold of its plans and the merged events of all its writers.

use crate::journal::event::{Body, Event, Mode, ObservationKind, PlanRef, Rating, ScenarioRef};
use crate::model::Plan;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct NoteEntry {
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
    pub by: String,
    /// note, done, skip, block, reopen, decision, conflict
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionRecord {
    pub option: String,
    pub next: Option<String>,
    pub why: Option<String>,
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Confirmation {
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepState {
    pub plan: String,
    pub step: String,
    pub title: String,
    pub state: StepStatus,
    /// Who put the step in its current state, and when (none while pending).
    pub by: Option<String>,
    #[serde(with = "crate::journal::event::ts::opt")]
    pub at: Option<DateTime<Utc>>,
    #[serde(with = "crate::journal::event::ts::opt")]
    pub started_at: Option<DateTime<Utc>>,
    pub assignee: Option<String>,
    pub notes: Vec<NoteEntry>,
    pub decision: Option<DecisionRecord>,
    /// Others who marked the step done after it was done: kept, not lost.
    pub confirmations: Vec<Confirmation>,
    /// Time spent active, in seconds.
    pub active_secs: i64,
    /// On a branch of a decision that was not taken.
    pub bypassed: bool,
    #[serde(skip)]
    active_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanState {
    pub id: String,
    pub title: String,
    pub hash: String,
    #[serde(with = "crate::journal::event::ts")]
    pub invoked_at: DateTime<Utc>,
    pub invoked_by: String,
    /// The plan's file could not be found: its steps are unknown.
    pub missing: bool,
    pub steps: Vec<StepState>,
}

impl PlanState {
    /// (finished, counted): skipped and done count as finished; bypassed steps are not counted.
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
}

#[derive(Debug, Clone, Serialize)]
pub struct Responder {
    pub name: String,
    #[serde(with = "crate::journal::event::ts")]
    pub first_at: DateTime<Utc>,
    #[serde(with = "crate::journal::event::ts")]
    pub last_at: DateTime<Utc>,
    pub events: usize,
    pub writers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InjectRecord {
    pub inject: String,
    pub released: bool,
    pub early: bool,
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
    pub ex_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObservationRecord {
    pub kind: ObservationKind,
    pub text: String,
    pub plan: Option<String>,
    pub step: Option<String>,
    pub inject: Option<String>,
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
    pub ex_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingRecord {
    pub objective: String,
    pub rating: Rating,
    pub note: Option<String>,
    pub by: String,
    #[serde(with = "crate::journal::event::ts")]
    pub at: DateTime<Utc>,
}

/// The exercise clock as the journal sets it: `ex(t) = anchor_ex + (t - anchor_wall) * speed`
/// while running; frozen at `anchor_ex` while paused.
#[derive(Debug, Clone, Serialize)]
pub struct ExerciseClock {
    #[serde(with = "crate::journal::event::ts")]
    pub anchor_wall: DateTime<Utc>,
    pub anchor_ex_ms: i64,
    pub speed: u32,
    pub paused: bool,
}

impl ExerciseClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ExerciseClock {
            anchor_wall: start,
            anchor_ex_ms: 0,
            speed: 1,
            paused: false,
        }
    }
    /// Exercise time, in milliseconds since the start, at wall time `t`.
    pub fn ex_ms(&self, t: DateTime<Utc>) -> i64 {
        if self.paused {
            return self.anchor_ex_ms;
        }
        let wall = (t - self.anchor_wall).num_milliseconds().max(0);
        self.anchor_ex_ms + wall * self.speed as i64
    }
    fn rebase(&mut self, t: DateTime<Utc>) {
        self.anchor_ex_ms = self.ex_ms(t);
        self.anchor_wall = t;
    }
    pub fn pause(&mut self, t: DateTime<Utc>) {
        self.rebase(t);
        self.paused = true;
    }
    pub fn resume(&mut self, t: DateTime<Utc>) {
        self.rebase(t);
        self.paused = false;
    }
    pub fn set_speed(&mut self, t: DateTime<Utc>, speed: u32) {
        self.rebase(t);
        self.speed = speed.max(1);
    }
    pub fn advance(&mut self, t: DateTime<Utc>, by_ms: i64) {
        self.rebase(t);
        self.anchor_ex_ms = (self.anchor_ex_ms + by_ms).max(0);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionState {
    pub id: String,
    pub title: String,
    pub mode: Mode,
    #[serde(with = "crate::journal::event::ts")]
    pub declared_at: DateTime<Utc>,
    #[serde(with = "crate::journal::event::ts")]
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub scenario: Option<ScenarioRef>,
    pub closed: Option<Closed>,
    pub plans: Vec<PlanState>,
    pub responders: Vec<Responder>,
    /// Hand-overs: (from, to, note, at).
    pub handovers: Vec<(String, String, Option<String>, DateTime<Utc>)>,
    /// Session-wide notes (not tied to a step).
    pub notes: Vec<NoteEntry>,
    pub clock: Option<ExerciseClock>,
    pub injects: Vec<InjectRecord>,
    pub observations: Vec<ObservationRecord>,
    pub ratings: Vec<RatingRecord>,
    /// Things a reader should know: clock skew, events about unknown steps, a missing start.
    pub warnings: Vec<String>,
    pub events: usize,
}

impl SessionState {
    pub fn plan(&self, id: &str) -> Option<&PlanState> {
        self.plans.iter().find(|p| p.id == id)
    }
    pub fn step(&self, plan: &str, step: &str) -> Option<&StepState> {
        self.plan(plan)?.steps.iter().find(|s| s.step == step)
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
    /// Where the story is: for an exercise, the declared time plus the exercise clock (RTOs are
    /// exercised on it); for an incident, simply now.
    pub fn story_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match &self.clock {
            Some(c) => self.declared_at + Duration::milliseconds(c.ex_ms(now)),
            None => now,
        }
    }
    pub fn is_exercise(&self) -> bool {
        self.mode == Mode::Exercise
    }
    /// The latest rating of each objective.
    pub fn rating(&self, objective: &str) -> Option<&RatingRecord> {
        self.ratings.iter().rev().find(|r| r.objective == objective)
    }
    pub fn inject(&self, id: &str) -> Option<&InjectRecord> {
        self.injects.iter().find(|r| r.inject == id)
    }
}

fn new_step(plan: &str, s: &crate::model::Step) -> StepState {
    StepState {
        plan: plan.to_string(),
        step: s.id.v.clone(),
        title: s.title.clone(),
        state: StepStatus::Pending,
        by: None,
        at: None,
        started_at: None,
        assignee: None,
        notes: Vec::new(),
        decision: None,
        confirmations: Vec::new(),
        active_secs: 0,
        bypassed: false,
        active_since: None,
    }
}

fn plan_state(r: &PlanRef, plans: &[Plan], at: DateTime<Utc>, by: &str) -> PlanState {
    let plan = plans.iter().find(|p| p.id.v == r.id);
    PlanState {
        id: r.id.clone(),
        title: plan.map(|p| p.title.clone()).unwrap_or_else(|| {
            if r.title.is_empty() {
                r.id.clone()
            } else {
                r.title.clone()
            }
        }),
        hash: r.hash.clone(),
        invoked_at: at,
        invoked_by: by.to_string(),
        missing: plan.is_none(),
        steps: plan
            .map(|p| p.steps.iter().map(|s| new_step(&r.id, s)).collect())
            .unwrap_or_default(),
    }
}

/// How far a writer's clock may lag the events it has read before it is flagged.
pub const SKEW_TOLERANCE_SECS: i64 = 120;

/// Folds a session's merged events (ordered by time, writer, sequence) into its state.
/// `plans` are the plans as followed (resolved by the caller); `now` dates clock checks.
pub fn fold(id: &str, events: &[Event], plans: &[Plan], now: DateTime<Utc>) -> SessionState {
    let first_at = events.first().map(|e| e.at).unwrap_or(now);
    let mut st = SessionState {
        id: id.to_string(),
        title: String::new(),
        mode: Mode::Incident,
        declared_at: first_at,
        started_at: first_at,
        started_by: String::new(),
        scenario: None,
        closed: None,
        plans: Vec::new(),
        responders: Vec::new(),
        handovers: Vec::new(),
        notes: Vec::new(),
        clock: None,
        injects: Vec::new(),
        observations: Vec::new(),
        ratings: Vec::new(),
        warnings: Vec::new(),
        events: events.len(),
    };
    let mut started = false;
    let mut responders: BTreeMap<String, Responder> = BTreeMap::new();
    let mut skew: HashMap<&str, i64> = HashMap::new();
    // the session's start is its origin: apply it first, even when another writer's clock put an
    // event at the same millisecond or earlier
    let start = events
        .iter()
        .position(|e| matches!(e.body, Body::SessionStarted { .. }));
    let ordered = start.map(|i| &events[i]).into_iter().chain(
        events
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != start)
            .map(|(_, e)| e),
    );
    for e in ordered {
        let r = responders
            .entry(e.actor.clone())
            .or_insert_with(|| Responder {
                name: e.actor.clone(),
                first_at: e.at,
                last_at: e.at,
                events: 0,
                writers: Vec::new(),
            });
        r.last_at = e.at;
        r.events += 1;
        if !r.writers.contains(&e.writer) {
            r.writers.push(e.writer.clone());
        }
        if let Some(seen) = e.seen {
            let lag = (seen - e.at).num_seconds();
            if lag > SKEW_TOLERANCE_SECS {
                let w = skew.entry(e.writer.as_str()).or_default();
                *w = (*w).max(lag);
            }
        }
        if (e.at - now).num_seconds() > SKEW_TOLERANCE_SECS {
            let w = skew.entry(e.writer.as_str()).or_default();
            *w = (*w).min(-(e.at - now).num_seconds());
        }
        apply(&mut st, &mut started, e, plans);
    }
    if !started {
        st.warnings.push("the session's first event (session started) is missing: its title, mode and plans are unknown; run `muster verify`".into());
    }
    let mut skewed: Vec<_> = skew.into_iter().collect();
    skewed.sort();
    for (w, lag) in skewed {
        if lag > 0 {
            st.warnings.push(format!("the clock of writer `{w}` seems about {} min behind the others: its events may be out of order", (lag + 59) / 60));
        } else {
            st.warnings.push(format!("the clock of writer `{w}` seems about {} min ahead of this machine: its events may be out of order", (-lag + 59) / 60));
        }
    }
    for p in &mut st.plans {
        mark_bypassed(p, plans);
        for s in &mut p.steps {
            if let Some(since) = s.active_since.take() {
                s.active_secs += (now - since).num_seconds().max(0);
            }
        }
    }
    st.responders = responders.into_values().collect();
    st
}

fn step_mut<'a>(st: &'a mut SessionState, plan: &str, step: &str) -> Option<&'a mut StepState> {
    st.plans
        .iter_mut()
        .find(|p| p.id == plan)?
        .steps
        .iter_mut()
        .find(|s| s.step == step)
}

fn leave_active(s: &mut StepState, at: DateTime<Utc>) {
    if let Some(since) = s.active_since.take() {
        s.active_secs += (at - since).num_seconds().max(0);
    }
}

fn apply(st: &mut SessionState, started: &mut bool, e: &Event, plans: &[Plan]) {
    let note = |kind: &'static str, text: &str| NoteEntry {
        at: e.at,
        by: e.actor.clone(),
        kind,
        text: text.to_string(),
    };
    if let Some((plan, step)) = e.step()
        && step_mut(st, plan, step).is_none()
        && !st.plan(plan).is_some_and(|p| p.missing)
    {
        st.warnings.push(format!("an event by {} at {} refers to step `{plan}/{step}`, which is not in this session's plans: it is kept in the log only", e.actor, e.at.format("%Y-%m-%d %H:%M:%S UTC")));
        return;
    }
    match &e.body {
        Body::SessionStarted {
            title,
            mode,
            declared_at,
            plans: refs,
            scenario,
        } => {
            if *started {
                st.warnings.push(format!(
                    "a second `session started` event by {} is ignored",
                    e.actor
                ));
                return;
            }
            *started = true;
            st.title = title.clone();
            st.mode = *mode;
            st.declared_at = *declared_at;
            st.started_at = e.at;
            st.started_by = e.actor.clone();
            st.scenario = scenario.clone();
            if *mode == Mode::Exercise {
                st.clock = Some(ExerciseClock::new(e.at));
            }
            for r in refs {
                if st.plan(&r.id).is_none() {
                    st.plans.push(plan_state(r, plans, e.at, &e.actor));
                }
            }
        }
        Body::PlanInvoked { plan } => {
            if st.plan(&plan.id).is_none() {
                st.plans.push(plan_state(plan, plans, e.at, &e.actor));
            }
        }
        Body::SessionClosed { note: n } => {
            if st.closed.is_none() {
                st.closed = Some(Closed {
                    by: e.actor.clone(),
                    at: e.at,
                    note: n.clone(),
                });
            }
        }
        Body::StepStarted { plan, step } => {
            let Some(s) = step_mut(st, plan, step) else {
                return;
            };
            if matches!(s.state, StepStatus::Pending | StepStatus::Blocked) {
                s.state = StepStatus::Active;
                s.by = Some(e.actor.clone());
                s.at = Some(e.at);
                s.started_at.get_or_insert(e.at);
                s.active_since = Some(e.at);
            }
        }
        Body::StepDone {
            plan,
            step,
            note: n,
        } => {
            let Some(s) = step_mut(st, plan, step) else {
                return;
            };
            if let Some(n) = n {
                s.notes.push(note("done", n));
            }
            match s.state {
                StepStatus::Done => {
                    if s.by.as_deref() != Some(&e.actor)
                        && !s.confirmations.iter().any(|c| c.by == e.actor)
                    {
                        s.confirmations.push(Confirmation {
                            by: e.actor.clone(),
                            at: e.at,
                        });
                    }
                }
                StepStatus::Skipped => {
                    s.notes.push(note(
                        "conflict",
                        &format!(
                            "{} marked it done after {} had skipped it",
                            e.actor,
                            s.by.clone().unwrap_or_default()
                        ),
                    ));
                }
                _ => {
                    leave_active(s, e.at);
                    s.state = StepStatus::Done;
                    s.by = Some(e.actor.clone());
                    s.at = Some(e.at);
                }
            }
        }
        Body::StepSkipped { plan, step, reason } | Body::StepBlocked { plan, step, reason } => {
            let skipped = matches!(e.body, Body::StepSkipped { .. });
            let Some(s) = step_mut(st, plan, step) else {
                return;
            };
            s.notes
                .push(note(if skipped { "skip" } else { "block" }, reason));
            if s.state.finished() {
                let what = if skipped { "skip" } else { "block" };
                s.notes.push(note(
                    "conflict",
                    &format!(
                        "{} tried to {what} it after {} had finished it",
                        e.actor,
                        s.by.clone().unwrap_or_default()
                    ),
                ));
                return;
            }
            leave_active(s, e.at);
            s.state = if skipped {
                StepStatus::Skipped
            } else {
                StepStatus::Blocked
            };
            s.by = Some(e.actor.clone());
            s.at = Some(e.at);
        }
        Body::StepReopened { plan, step, reason } => {
            let Some(s) = step_mut(st, plan, step) else {
                return;
            };
            s.notes.push(note("reopen", reason));
            leave_active(s, e.at);
            s.state = StepStatus::Pending;
            s.by = None;
            s.at = None;
            s.confirmations.clear();
            s.decision = None;
        }
        Body::Note { plan, step, text } => match (plan, step) {
            (Some(p), Some(s)) => {
                if let Some(s) = step_mut(st, p, s) {
                    s.notes.push(note("note", text));
                }
            }
            _ => st.notes.push(note("note", text)),
        },
        Body::Assigned { plan, step, to } => {
            if let Some(s) = step_mut(st, plan, step) {
                s.assignee = Some(to.clone());
            }
        }
        Body::DecisionTaken {
            plan,
            step,
            option,
            next,
            why,
        } => {
            let Some(s) = step_mut(st, plan, step) else {
                return;
            };
            let text = match why {
                Some(w) => format!("decided: {option} ({w})"),
                None => format!("decided: {option}"),
            };
            s.notes.push(note("decision", &text));
            s.decision = Some(DecisionRecord {
                option: option.clone(),
                next: next.clone(),
                why: why.clone(),
                by: e.actor.clone(),
                at: e.at,
            });
            if !s.state.finished() {
                leave_active(s, e.at);
                s.state = StepStatus::Done;
                s.by = Some(e.actor.clone());
                s.at = Some(e.at);
            }
        }
        Body::ResponderJoined {} => {}
        Body::HandOver { to, note: n } => {
            st.handovers
                .push((e.actor.clone(), to.clone(), n.clone(), e.at))
        }
        Body::InjectReleased { inject, early } => {
            if st.inject(inject).is_none() {
                st.injects.push(InjectRecord {
                    inject: inject.clone(),
                    released: true,
                    early: *early,
                    by: e.actor.clone(),
                    at: e.at,
                    ex_ms: e.ex_ms,
                });
            }
        }
        Body::InjectSkipped { inject } => {
            if st.inject(inject).is_none() {
                st.injects.push(InjectRecord {
                    inject: inject.clone(),
                    released: false,
                    early: false,
                    by: e.actor.clone(),
                    at: e.at,
                    ex_ms: e.ex_ms,
                });
            }
        }
        Body::ClockPaused {} => {
            if let Some(c) = &mut st.clock {
                c.pause(e.at)
            }
        }
        Body::ClockResumed {} => {
            if let Some(c) = &mut st.clock {
                c.resume(e.at)
            }
        }
        Body::ClockSpeed { speed } => {
            if let Some(c) = &mut st.clock {
                c.set_speed(e.at, *speed)
            }
        }
        Body::ClockAdvanced { by_ms } => {
            if let Some(c) = &mut st.clock {
                c.advance(e.at, *by_ms)
            }
        }
        Body::Observation {
            observation,
            text,
            plan,
            step,
            inject,
        } => st.observations.push(ObservationRecord {
            kind: *observation,
            text: text.clone(),
            plan: plan.clone(),
            step: step.clone(),
            inject: inject.clone(),
            by: e.actor.clone(),
            at: e.at,
            ex_ms: e.ex_ms,
        }),
        Body::ObjectiveRated {
            objective,
            rating,
            note: n,
        } => st.ratings.push(RatingRecord {
            objective: objective.clone(),
            rating: *rating,
            note: n.clone(),
            by: e.actor.clone(),
            at: e.at,
        }),
    }
}

/// Marks the steps on branches of taken decisions that were not chosen: the options' targets
/// that were not taken, and pending steps that depend only on bypassed steps.
fn mark_bypassed(p: &mut PlanState, plans: &[Plan]) {
    let Some(plan) = plans.iter().find(|x| x.id.v == p.id) else {
        return;
    };
    let mut bypassed: HashSet<String> = HashSet::new();
    let mut chosen: HashSet<String> = HashSet::new();
    for s in &p.steps {
        let (Some(rec), Some(def)) = (
            &s.decision,
            plan.step(&s.step).and_then(|d| d.decision.as_ref()),
        ) else {
            continue;
        };
        for o in &def.options {
            if let Some(n) = &o.next {
                if Some(&n.v) == rec.next.as_ref() {
                    chosen.insert(n.v.clone());
                } else {
                    bypassed.insert(n.v.clone());
                }
            }
        }
    }
    bypassed.retain(|b| !chosen.contains(b));
    loop {
        let before = bypassed.len();
        for s in &plan.steps {
            if !s.depends_on.is_empty()
                && !chosen.contains(&s.id.v)
                && s.depends_on.iter().all(|d| bypassed.contains(&d.v))
            {
                bypassed.insert(s.id.v.clone());
            }
        }
        if bypassed.len() == before {
            break;
        }
    }
    for s in &mut p.steps {
        // work under way is never hidden: only a pending step can be off the chosen branch
        s.bypassed = bypassed.contains(&s.step) && s.state == StepStatus::Pending;
    }
}

/// Whether an action makes sense on a step in its current state, for this actor. The fold
/// accepts anything (events from other writers must never be lost); commands ask first.
pub fn check_action(s: &StepState, action: &str, actor: &str) -> Result<(), String> {
    let who = |s: &StepState| {
        let by = s.by.clone().unwrap_or_default();
        let at =
            s.at.map(|t| {
                t.with_timezone(&chrono::Local)
                    .format(" at %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        if by == actor {
            format!("by you{at}")
        } else {
            format!("by {by}{at}")
        }
    };
    let name = format!("{}/{}", s.plan, s.step);
    match (action, s.state) {
        ("start", StepStatus::Active) => Err(format!(
            "step {name} is already active (started {})",
            who(s)
        )),
        ("start", StepStatus::Done | StepStatus::Skipped) => Err(format!(
            "step {name} is {} ({}): reopen it first",
            s.state.label(),
            who(s)
        )),
        ("done", StepStatus::Done) if s.by.as_deref() == Some(actor) => {
            Err(format!("step {name} is already done by you"))
        }
        ("done", StepStatus::Skipped) => Err(format!(
            "step {name} was skipped ({}): reopen it first",
            who(s)
        )),
        ("skip", StepStatus::Done | StepStatus::Skipped) => Err(format!(
            "step {name} is already {} ({}): reopen it first",
            s.state.label(),
            who(s)
        )),
        ("block", StepStatus::Blocked) => {
            Err(format!("step {name} is already blocked ({})", who(s)))
        }
        ("block", StepStatus::Done | StepStatus::Skipped) => Err(format!(
            "step {name} is {} ({}): reopen it first",
            s.state.label(),
            who(s)
        )),
        ("reopen", StepStatus::Pending) => Err(format!(
            "step {name} is pending: there is nothing to reopen"
        )),
        _ => Ok(()),
    }
}

/// Duration as people say it: "2 h 05 min", "12 min", "40 s".
pub fn human_duration(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    let sign = if d.num_seconds() < 0 { "-" } else { "" };
    if secs < 60 {
        format!("{sign}{secs} s")
    } else if secs < 3600 {
        format!("{sign}{} min", secs / 60)
    } else if secs < 86400 {
        format!("{sign}{} h {:02} min", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{sign}{} d {} h", secs / 86400, (secs % 86400) / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::{Body, Event, Mode, PlanRef, ScenarioRef};
    use crate::model::library::{InputFile, parse_file};
    use chrono::TimeZone;

    const PLAN: &str = r#"Plan(id: "p", title: "P", steps: [
        Step(id: "a", title: "A", decision: Decision(question: "Q?", options: [(label: "Left", next: "b"), (label: "Right", next: "c")])),
        Step(id: "b", title: "B", depends_on: ["a"]),
        Step(id: "c", title: "C", depends_on: ["a"]),
        Step(id: "d", title: "D", depends_on: ["c"]),
        Step(id: "e", title: "E"),
    ])"#;

    fn plan() -> Plan {
        let f = InputFile {
            rel: "plans/p.ron".into(),
            shown: "p.ron".into(),
            bytes: PLAN.as_bytes().to_vec(),
        };
        parse_file(&f).0.expect("test plan parses")
    }

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap() + Duration::minutes(min)
    }

    struct Log {
        events: Vec<Event>,
    }

    impl Log {
        fn new(mode: Mode) -> Log {
            let mut l = Log { events: Vec::new() };
            let scenario = (mode == Mode::Exercise).then(|| ScenarioRef {
                id: "s".into(),
                hash: "h".into(),
                title: "S".into(),
            });
            l.push(
                0,
                "ann",
                "w1",
                Body::SessionStarted {
                    title: "Test".into(),
                    mode,
                    declared_at: t(-10),
                    plans: vec![PlanRef {
                        id: "p".into(),
                        hash: "h".into(),
                        title: "P".into(),
                    }],
                    scenario,
                },
            );
            l
        }
        fn push(&mut self, min: i64, actor: &str, writer: &str, body: Body) -> &mut Self {
            let seq = self.events.iter().filter(|e| e.writer == writer).count() as u64 + 1;
            self.events.push(Event {
                v: 1,
                id: format!("{writer}-{seq}"),
                seq,
                at: t(min),
                actor: actor.into(),
                writer: writer.into(),
                body,
                ex_ms: None,
                seen: None,
                prev: None,
            });
            self
        }
        fn fold(&self) -> SessionState {
            let mut ev = self.events.clone();
            ev.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
            fold("sid", &ev, &[plan()], t(100))
        }
    }

    fn step(plan: &str, step: &str) -> (String, String) {
        (plan.to_string(), step.to_string())
    }

    #[test]
    fn session_started_sets_the_scene() {
        let st = Log::new(Mode::Incident).fold();
        assert_eq!(st.title, "Test");
        assert_eq!(st.mode, Mode::Incident);
        assert_eq!(st.declared_at, t(-10));
        assert_eq!(st.started_by, "ann");
        assert_eq!(st.plans.len(), 1);
        assert_eq!(st.plans[0].steps.len(), 5);
        assert!(
            st.plans[0]
                .steps
                .iter()
                .all(|s| s.state == StepStatus::Pending && s.by.is_none())
        );
        assert!(st.clock.is_none(), "no exercise clock on an incident");
        assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    }

    #[test]
    fn start_then_done_records_who_when_and_time_spent() {
        let (p, s) = step("p", "e");
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepStarted {
                plan: p.clone(),
                step: s.clone(),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(
            (e.state, e.by.as_deref(), e.at),
            (StepStatus::Active, Some("ann"), Some(t(1)))
        );
        l.push(
            6,
            "ann",
            "w1",
            Body::StepDone {
                plan: p,
                step: s,
                note: Some("all good".into()),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(
            (e.state, e.by.as_deref(), e.at),
            (StepStatus::Done, Some("ann"), Some(t(6)))
        );
        assert_eq!(e.started_at, Some(t(1)));
        assert_eq!(e.active_secs, 300);
        assert_eq!(
            e.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            ["all good"]
        );
        assert_eq!(st.progress(), (1, 5));
    }

    #[test]
    fn a_second_done_by_someone_else_is_a_confirmation() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: None,
            },
        );
        l.push(
            2,
            "bob",
            "w2",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: Some("seen it too".into()),
            },
        );
        l.push(
            3,
            "ann",
            "w1",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: None,
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(e.by.as_deref(), Some("ann"), "the first completion stands");
        assert_eq!(e.at, Some(t(1)));
        assert_eq!(e.confirmations.len(), 1);
        assert_eq!(e.confirmations[0].by, "bob");
        assert!(
            e.notes.iter().any(|n| n.text == "seen it too"),
            "the second note is kept"
        );
    }

    #[test]
    fn skip_block_and_reopen_keep_their_reasons() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepBlocked {
                plan: "p".into(),
                step: "e".into(),
                reason: "waiting for vendor".into(),
            },
        );
        assert_eq!(l.fold().step("p", "e").unwrap().state, StepStatus::Blocked);
        l.push(
            2,
            "ann",
            "w1",
            Body::StepStarted {
                plan: "p".into(),
                step: "e".into(),
            },
        );
        assert_eq!(
            l.fold().step("p", "e").unwrap().state,
            StepStatus::Active,
            "a blocked step can be started"
        );
        l.push(
            3,
            "ann",
            "w1",
            Body::StepSkipped {
                plan: "p".into(),
                step: "e".into(),
                reason: "not needed".into(),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(
            (e.state, e.by.as_deref()),
            (StepStatus::Skipped, Some("ann"))
        );
        assert_eq!(e.active_secs, 60);
        l.push(
            4,
            "bob",
            "w2",
            Body::StepReopened {
                plan: "p".into(),
                step: "e".into(),
                reason: "needed after all".into(),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(
            (e.state, e.by.as_deref(), e.at),
            (StepStatus::Pending, None, None)
        );
        let notes: Vec<&str> = e.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            notes,
            ["waiting for vendor", "not needed", "needed after all"]
        );
    }

    #[test]
    fn a_skip_after_done_is_kept_as_a_conflict_not_applied() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: None,
            },
        );
        l.push(
            1,
            "bob",
            "w2",
            Body::StepSkipped {
                plan: "p".into(),
                step: "e".into(),
                reason: "dup".into(),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(e.state, StepStatus::Done);
        assert!(e.notes.iter().any(|n| n.kind == "conflict"));
    }

    #[test]
    fn notes_and_assignment() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::Note {
                plan: Some("p".into()),
                step: Some("e".into()),
                text: "step note".into(),
            },
        );
        l.push(
            2,
            "ann",
            "w1",
            Body::Note {
                plan: None,
                step: None,
                text: "session note".into(),
            },
        );
        l.push(
            3,
            "ann",
            "w1",
            Body::Assigned {
                plan: "p".into(),
                step: "e".into(),
                to: "bob".into(),
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert_eq!(e.notes[0].text, "step note");
        assert_eq!(e.assignee.as_deref(), Some("bob"));
        assert_eq!(
            e.state,
            StepStatus::Pending,
            "a note does not change the state"
        );
        assert_eq!(st.notes[0].text, "session note");
    }

    #[test]
    fn a_decision_completes_its_step_and_bypasses_the_other_branch() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::DecisionTaken {
                plan: "p".into(),
                step: "a".into(),
                option: "Left".into(),
                next: Some("b".into()),
                why: Some("lag is small".into()),
            },
        );
        let st = l.fold();
        let a = st.step("p", "a").unwrap();
        assert_eq!(a.state, StepStatus::Done);
        assert_eq!(a.decision.as_ref().unwrap().option, "Left");
        assert!(!st.step("p", "b").unwrap().bypassed);
        assert!(st.step("p", "c").unwrap().bypassed, "the option not taken");
        assert!(
            st.step("p", "d").unwrap().bypassed,
            "and what depends only on it"
        );
        assert!(!st.step("p", "e").unwrap().bypassed);
        assert_eq!(st.progress(), (1, 3));
    }

    #[test]
    fn responders_handovers_and_close() {
        let mut l = Log::new(Mode::Incident);
        l.push(1, "bob", "w2", Body::ResponderJoined {});
        l.push(
            2,
            "ann",
            "w1",
            Body::HandOver {
                to: "bob".into(),
                note: Some("going home".into()),
            },
        );
        l.push(
            3,
            "bob",
            "w2",
            Body::SessionClosed {
                note: Some("all restored".into()),
            },
        );
        let st = l.fold();
        assert_eq!(
            st.responders
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["ann", "bob"]
        );
        assert_eq!(st.handovers[0].1, "bob");
        let c = st.closed.as_ref().unwrap();
        assert_eq!(
            (c.by.as_str(), c.at, c.note.as_deref()),
            ("bob", t(3), Some("all restored"))
        );
    }

    #[test]
    fn plan_invoked_adds_a_plan_once() {
        let mut l = Log::new(Mode::Incident);
        let r = PlanRef {
            id: "q".into(),
            hash: "x".into(),
            title: "Q".into(),
        };
        l.push(1, "ann", "w1", Body::PlanInvoked { plan: r.clone() });
        l.push(2, "bob", "w2", Body::PlanInvoked { plan: r });
        let st = l.fold();
        assert_eq!(st.plans.len(), 2);
        assert!(
            st.plans[1].missing,
            "a plan that cannot be resolved is shown as missing, not dropped"
        );
    }

    #[test]
    fn events_about_unknown_steps_are_flagged_not_fatal() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepDone {
                plan: "p".into(),
                step: "zz".into(),
                note: None,
            },
        );
        let st = l.fold();
        assert!(
            st.warnings.iter().any(|w| w.contains("p/zz")),
            "{:?}",
            st.warnings
        );
    }

    #[test]
    fn an_event_stamped_before_the_start_still_counts() {
        let mut l = Log::new(Mode::Incident);
        // another writer, same millisecond as the start, sorts before it by name
        l.push(
            0,
            "bob",
            "a-writer",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: None,
            },
        );
        let st = l.fold();
        assert_eq!(st.step("p", "e").unwrap().state, StepStatus::Done);
        assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    }

    #[test]
    fn a_missing_start_is_a_warning() {
        let mut l = Log { events: Vec::new() };
        l.push(
            1,
            "ann",
            "w1",
            Body::Note {
                plan: None,
                step: None,
                text: "x".into(),
            },
        );
        let st = l.fold();
        assert!(st.warnings.iter().any(|w| w.contains("first event")));
    }

    #[test]
    fn a_writer_with_a_slow_clock_is_flagged() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            30,
            "ann",
            "w1",
            Body::Note {
                plan: None,
                step: None,
                text: "x".into(),
            },
        );
        l.push(
            5,
            "bob",
            "w2",
            Body::Note {
                plan: None,
                step: None,
                text: "late clock".into(),
            },
        );
        l.events.last_mut().unwrap().seen = Some(t(30));
        let st = l.fold();
        assert!(
            st.warnings
                .iter()
                .any(|w| w.contains("`w2`") && w.contains("25 min behind")),
            "{:?}",
            st.warnings
        );
    }

    #[test]
    fn exercise_events() {
        let mut l = Log::new(Mode::Exercise);
        l.push(10, "fac", "w1", Body::ClockPaused {});
        l.push(20, "fac", "w1", Body::ClockResumed {});
        l.push(30, "fac", "w1", Body::ClockSpeed { speed: 5 });
        l.push(31, "fac", "w1", Body::ClockAdvanced { by_ms: 60_000 });
        l.push(
            32,
            "fac",
            "w1",
            Body::InjectReleased {
                inject: "i1".into(),
                early: true,
            },
        );
        l.push(
            33,
            "fac",
            "w1",
            Body::InjectSkipped {
                inject: "i2".into(),
            },
        );
        l.push(
            34,
            "obs",
            "w2",
            Body::Observation {
                observation: crate::journal::event::ObservationKind::Defect,
                text: "step unclear".into(),
                plan: Some("p".into()),
                step: Some("e".into()),
                inject: None,
            },
        );
        l.push(
            35,
            "fac",
            "w1",
            Body::ObjectiveRated {
                objective: "o1".into(),
                rating: crate::journal::event::Rating::S,
                note: None,
            },
        );
        let st = l.fold();
        let c = st.clock.as_ref().unwrap();
        // 10 min running, paused 10 min, 10 min running, then x5 for 1 min, plus 1 min by hand
        assert_eq!(c.ex_ms(t(32)) / 60_000, 10 + 10 + 1 + 5 + 5);
        assert_eq!(c.speed, 5);
        assert!(st.inject("i1").unwrap().released && st.inject("i1").unwrap().early);
        assert!(!st.inject("i2").unwrap().released);
        assert_eq!(
            st.observations[0].kind,
            crate::journal::event::ObservationKind::Defect
        );
        assert_eq!(
            st.rating("o1").unwrap().rating,
            crate::journal::event::Rating::S
        );
    }

    #[test]
    fn check_action_refuses_what_makes_no_sense() {
        let mut l = Log::new(Mode::Incident);
        l.push(
            1,
            "ann",
            "w1",
            Body::StepDone {
                plan: "p".into(),
                step: "e".into(),
                note: None,
            },
        );
        let st = l.fold();
        let e = st.step("p", "e").unwrap();
        assert!(
            check_action(e, "done", "ann")
                .unwrap_err()
                .contains("already done by you")
        );
        assert!(
            check_action(e, "done", "bob").is_ok(),
            "another responder may confirm"
        );
        assert!(
            check_action(e, "start", "ann")
                .unwrap_err()
                .contains("reopen it first")
        );
        assert!(check_action(e, "skip", "ann").is_err());
        assert!(check_action(e, "reopen", "ann").is_ok());
        let b = st.step("p", "b").unwrap();
        assert!(
            check_action(b, "reopen", "ann")
                .unwrap_err()
                .contains("nothing to reopen")
        );
        assert!(check_action(b, "note", "ann").is_ok());
    }
}
