//! Folding events into the state, one at a time. The fold accepts anything a journal may hold
//! (events from other writers must never be lost): contradictions are kept as conflict notes,
//! events about unknown steps as warnings. Commands are checked before they become events; the
//! fold only records.

use super::Session;
use super::improve;
use super::state::*;
use crate::domain::event::{Body, Event, Mode, PlanRef};
use crate::domain::ids::StepRef;
use crate::domain::plan::Plan;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

fn new_step(plan: &Plan, s: &crate::domain::plan::Step) -> StepState {
    StepState {
        plan: plan.id.v.as_str().into(),
        step: s.id.v.as_str().into(),
        title: s.title.clone(),
        state: StepStatus::Pending,
        by: None,
        at: None,
        started_at: None,
        assignee: None,
        notes: Vec::new(),
        decision: None,
        confirmations: Vec::new(),
        active_ms: 0,
        bypassed: false,
        active_since: None,
        ex: ExTimes::default(),
        outcome: None,
    }
}

/// A step for another kind of run (`only: Exercise` in an incident): left out like a branch not
/// taken.
fn not_this_run(plan: &Plan, step: &str, mode: Mode) -> bool {
    plan.step(step)
        .and_then(|d| d.only)
        .is_some_and(|only| only != mode)
}

fn plan_state(r: &PlanRef, plans: &[Arc<Plan>], at: DateTime<Utc>, by: &str) -> PlanState {
    let plan = plans.iter().find(|p| p.id.v == r.id.as_str());
    PlanState {
        id: r.id.clone(),
        title: plan.map(|p| p.title.clone()).unwrap_or_else(|| {
            if r.title.is_empty() {
                r.id.to_string()
            } else {
                r.title.clone()
            }
        }),
        hash: r.hash.clone(),
        invoked_at: at,
        invoked_by: by.to_string(),
        params: r.params.clone(),
        missing: plan.is_none(),
        steps: plan
            .map(|p| p.steps.iter().map(|s| new_step(p, s)).collect())
            .unwrap_or_default(),
        off_branch: Vec::new(),
    }
}

fn leave_active(s: &mut StepState, at: DateTime<Utc>, ex_ms: Option<i64>) {
    if let Some(since) = s.active_since.take() {
        s.active_ms = s
            .active_ms
            .saturating_add((at - since).num_milliseconds().max(0));
    }
    if let (Some(since), Some(now)) = (s.ex.active_since.take(), ex_ms) {
        s.ex.active_ms =
            s.ex.active_ms
                .saturating_add(now.saturating_sub(since).max(0));
    }
}

fn utc_words(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

impl Session {
    /// Folds events already in merge order (the session start first), for tests and rebuilds.
    pub fn fold(
        id: crate::domain::ids::SessionId,
        events: &[Event],
        plans: Vec<Arc<Plan>>,
        scenario: Option<Arc<crate::domain::scenario::Scenario>>,
    ) -> Session {
        let mut s = Session::new(id, plans, scenario);
        let start = events
            .iter()
            .position(|e| matches!(e.body, Body::SessionStarted { .. }));
        if let Some(i) = start {
            s.apply(&events[i]);
        }
        for (i, e) in events.iter().enumerate() {
            if Some(i) != start {
                s.apply(e);
            }
        }
        s
    }

    /// Folds one event into the state. Events must come in merge order (`Event::order_key`),
    /// the session start first; the store re-folds when one arrives out of order.
    pub fn apply(&mut self, e: &Event) {
        self.absorb(e.clone())
    }

    /// [`Session::apply`], taking the event: its texts move into the state, uncopied.
    pub fn absorb(&mut self, e: Event) {
        let st = &mut self.state;
        st.events += 1;
        if st
            .last_key
            .as_ref()
            .is_none_or(|k| (k.0, &k.1, k.2) < (e.at, &e.writer, e.seq))
        {
            st.last_key = Some(e.owned_key());
        }
        if !st.writers.contains_key(&e.writer) {
            st.writers.insert(e.writer.clone(), WriterSeen::default());
        }
        if let Some(w) = st.writers.get_mut(&e.writer) {
            if w.last_at.is_none_or(|t| t < e.at) {
                w.last_at = Some(e.at);
            }
            // a paper log entry carries the paper's time, long before it was typed in
            if let Some(seen) = e.seen.filter(|_| e.transcribed_at.is_none()) {
                let lag = (seen - e.at).num_seconds();
                if lag > SKEW_TOLERANCE_SECS {
                    w.behind_secs = w.behind_secs.max(lag);
                }
            }
        }
        if !st.responders.contains_key(&e.actor) {
            st.responders.insert(
                e.actor.clone(),
                Responder {
                    name: e.actor.clone(),
                    first_at: e.at,
                    last_at: e.at,
                    events: 0,
                    writers: Vec::new(),
                    last_step_action: None,
                    did: Vec::new(),
                },
            );
        }
        if let Some(r) = st.responders.get_mut(&e.actor) {
            r.last_at = r.last_at.max(e.at);
            r.first_at = r.first_at.min(e.at);
            r.events += 1;
            if !r.writers.contains(&e.writer) {
                r.writers.push(e.writer.clone());
            }
            let kind = e.body.kind();
            match r.did.iter_mut().find(|(k, _)| k == kind) {
                Some((_, n)) => *n += 1,
                None => r.did.push((kind.to_string(), 1)),
            }
        }
        let at = e.body.step_ids();
        let place = at.and_then(|(p, s)| st.locate(p.as_str(), s.as_str()));
        if let Some((p, s)) = at
            && place.is_none()
            && !st.plan(p.as_str()).is_some_and(|p| p.missing)
        {
            if st.warnings.len() < MAX_WARNINGS {
                st.warnings.push(format!(
                    "an event by {} at {} refers to step `{p}/{s}`, which is not in this session's plans: it is kept in the log only",
                    e.actor,
                    utc_words(e.at)
                ));
            }
            return;
        }
        if let (Some((p, s)), true) = (
            at,
            matches!(
                e.body,
                Body::StepStarted { .. }
                    | Body::StepDone { .. }
                    | Body::StepSkipped { .. }
                    | Body::StepBlocked { .. }
                    | Body::StepReopened { .. }
                    | Body::DecisionTaken { .. }
            ),
        ) && let Some(r) = st.responders.get_mut(&e.actor)
        {
            r.last_step_action = Some(LastStepAction {
                step: StepRef {
                    plan: p.clone(),
                    step: s.clone(),
                },
                kind: e.body.kind().to_string(),
                at: e.at,
            });
        }
        match self.apply_body(e, place) {
            Some(Touched::Step(pi, si)) => self.mark_step(pi, si),
            Some(Touched::Branches(pi)) => self.mark_bypassed(pi),
            Some(Touched::All) => {
                for pi in 0..self.state.plans.len() {
                    self.mark_bypassed(pi);
                }
            }
            None => {}
        }
    }

    /// Applies the event's own change (`place` is its step, found); returns what the marks of
    /// branches not taken depend on that it changed.
    fn apply_body(&mut self, e: Event, place: Option<(usize, usize)>) -> Option<Touched> {
        let plans = &self.plans;
        let st = &mut self.state;
        let Event {
            id: e_id,
            at: e_at,
            actor: e_actor,
            body,
            ex_ms: e_ex_ms,
            writer: e_writer,
            seq: e_seq,
            ..
        } = e;
        let note = |kind: NoteKind, text: String| NoteEntry {
            at: e_at,
            by: e_actor.clone(),
            kind,
            text,
        };
        // exercise time from the journal is kept in range: a hostile line cannot overflow it
        let e_ex_ms = e_ex_ms.map(|x| x.clamp(0, crate::domain::time::MAX_SPAN_MS));
        let by = || super::improve::By {
            actor: &e_actor,
            at: e_at,
        };
        let skipped = matches!(body, Body::StepSkipped { .. });
        let step = place;
        match body {
            Body::SessionStarted {
                title,
                mode,
                declared_at,
                plans: refs,
                scenario,
                facilitators,
                evaluators,
            } => {
                if st.started {
                    st.warnings.push(format!(
                        "a second `session started` event by {} at {} is ignored",
                        e_actor,
                        utc_words(e_at)
                    ));
                    return None;
                }
                st.started = true;
                st.title = title;
                st.mode = mode;
                st.declared_at = declared_at;
                st.started_at = e_at;
                st.started_by = e_actor.clone();
                st.scenario = scenario;
                st.facilitators = facilitators;
                st.evaluators = evaluators;
                if mode == Mode::Exercise {
                    st.clock = Some(super::clock::ExerciseClock::new(e_at));
                }
                for r in &refs {
                    if st.plan(r.id.as_str()).is_none() {
                        st.plans.push(plan_state(r, plans, e_at, &e_actor));
                    }
                }
                st.reindex();
                Some(Touched::All)
            }
            Body::PlanInvoked { plan } => {
                if st.plan(plan.id.as_str()).is_none() {
                    st.plans.push(plan_state(&plan, plans, e_at, &e_actor));
                    st.reindex();
                    return Some(Touched::Branches(st.plans.len() - 1));
                }
                None
            }
            Body::SessionClosed { note: n } => {
                if st.closed.is_none() {
                    st.closed = Some(Closed {
                        by: e_actor.clone(),
                        at: e_at,
                        note: n,
                    });
                }
                None
            }
            Body::StepStarted { .. } => {
                let s = at_mut(st, step?)?;
                if matches!(s.state, StepStatus::Pending | StepStatus::Blocked) {
                    s.state = StepStatus::Active;
                    s.by = Some(e_actor.clone());
                    s.at = Some(e_at);
                    s.started_at.get_or_insert(e_at);
                    s.active_since = Some(e_at);
                    if let Some(x) = e_ex_ms {
                        s.ex.started.get_or_insert(x);
                        s.ex.at = Some(x);
                        s.ex.active_since = Some(x);
                    }
                }
                step.map(|(p, s)| Touched::Step(p, s))
            }
            Body::StepDone { note: n, .. } => {
                // a recurring step is done again each time: every time is kept
                let recurring = step.is_some_and(|(pi, si)| {
                    let p = &st.plans[pi];
                    plans
                        .iter()
                        .find(|d| d.id.v == p.id.as_str())
                        .and_then(|d| d.step(p.steps[si].step.as_str()))
                        .is_some_and(|d| d.every.is_some())
                });
                let s = at_mut(st, step?)?;
                if let Some(n) = n {
                    s.notes.push(note(NoteKind::Done, n));
                }
                match s.state {
                    StepStatus::Done => {
                        if recurring
                            || s.by.as_deref() != Some(&e_actor)
                                && !s.confirmations.iter().any(|c| c.by == e_actor)
                        {
                            s.confirmations.push(Confirmation {
                                by: e_actor.clone(),
                                at: e_at,
                            });
                        }
                    }
                    StepStatus::Skipped => {
                        let text = format!(
                            "{} marked it done after {} had skipped it",
                            e_actor,
                            s.by.clone().unwrap_or_default()
                        );
                        s.notes.push(note(NoteKind::Conflict, text));
                    }
                    _ => {
                        leave_active(s, e_at, e_ex_ms);
                        s.state = StepStatus::Done;
                        s.by = Some(e_actor.clone());
                        s.at = Some(e_at);
                        s.ex.at = e_ex_ms;
                    }
                }
                step.map(|(p, s)| Touched::Step(p, s))
            }
            Body::StepSkipped { reason, .. } | Body::StepBlocked { reason, .. } => {
                let s = at_mut(st, step?)?;
                s.notes.push(note(
                    if skipped {
                        NoteKind::Skip
                    } else {
                        NoteKind::Block
                    },
                    reason,
                ));
                if s.state.finished() {
                    let what = if skipped { "skip" } else { "block" };
                    let text = format!(
                        "{} tried to {what} it after {} had finished it",
                        e_actor,
                        s.by.clone().unwrap_or_default()
                    );
                    s.notes.push(note(NoteKind::Conflict, text));
                    return None;
                }
                leave_active(s, e_at, e_ex_ms);
                s.state = if skipped {
                    StepStatus::Skipped
                } else {
                    StepStatus::Blocked
                };
                s.by = Some(e_actor.clone());
                s.at = Some(e_at);
                s.ex.at = e_ex_ms;
                step.map(|(p, s)| Touched::Step(p, s))
            }
            Body::StepReopened { reason, .. } => {
                let s = at_mut(st, step?)?;
                s.notes.push(note(NoteKind::Reopen, reason));
                leave_active(s, e_at, e_ex_ms);
                s.state = StepStatus::Pending;
                s.by = None;
                s.at = None;
                s.ex.at = None;
                s.confirmations.clear();
                s.decision = None;
                step.map(|(p, _)| Touched::Branches(p))
            }
            Body::Note { text, .. } => {
                match step {
                    Some(r) => {
                        if let Some(s) = at_mut(st, r) {
                            s.notes.push(note(NoteKind::Note, text));
                        }
                    }
                    None => st.notes.push(note(NoteKind::Note, text)),
                }
                None
            }
            Body::Assigned { to, .. } => {
                if let Some(s) = at_mut(st, step?) {
                    s.assignee = Some(to);
                }
                None
            }
            Body::DecisionTaken {
                option, next, why, ..
            } => {
                let s = at_mut(st, step?)?;
                let text = match &why {
                    Some(w) => format!("decided: {option} ({w})"),
                    None => format!("decided: {option}"),
                };
                s.notes.push(note(NoteKind::Decision, text));
                s.decision = Some(DecisionRecord {
                    option,
                    next,
                    why,
                    by: e_actor.clone(),
                    at: e_at,
                });
                if !s.state.finished() {
                    leave_active(s, e_at, e_ex_ms);
                    s.state = StepStatus::Done;
                    s.by = Some(e_actor.clone());
                    s.at = Some(e_at);
                    s.ex.at = e_ex_ms;
                }
                step.map(|(p, _)| Touched::Branches(p))
            }
            Body::ResponderJoined {} | Body::UnfinishedWrite { .. } => None,
            Body::Sealed { heads, digest } => {
                st.seals.push(super::state::SealRecord {
                    at: e_at,
                    by: e_actor.clone(),
                    writer: e_writer,
                    seq: e_seq,
                    heads,
                    digest,
                });
                None
            }
            Body::Validated {
                outcome, note: n, ..
            } => {
                use crate::domain::event::Outcome;
                let s = at_mut(st, step?)?;
                leave_active(s, e_at, e_ex_ms);
                s.outcome = Some(outcome);
                s.by = Some(e_actor.clone());
                s.at = Some(e_at);
                s.ex.at = e_ex_ms;
                let with = |what: &str| match &n {
                    Some(n) => format!("{what}: {n}"),
                    None => what.to_string(),
                };
                match outcome {
                    Outcome::Pass => {
                        s.state = StepStatus::Done;
                        if let Some(t) = n.clone() {
                            s.notes.push(note(NoteKind::Done, t));
                        }
                    }
                    // a failed check shows wherever a blocked step shows
                    Outcome::Fail => {
                        s.state = StepStatus::Blocked;
                        s.notes
                            .push(note(NoteKind::Block, with("validation failed")));
                    }
                    Outcome::NotTested => {
                        s.state = StepStatus::Skipped;
                        s.notes.push(note(NoteKind::Skip, with("not tested")));
                    }
                }
                step.map(|(p, s)| Touched::Step(p, s))
            }
            Body::Redline {
                plan,
                step: st_id,
                redline,
                redline_kind,
                text,
            } => {
                use crate::domain::redline::{RedlineRecord, RedlineStatus};
                // a label two writers both took is made unique, never lost
                let mut id = redline;
                if st.redlines.iter().any(|r| r.id == id) {
                    id = format!("{id}-{}", e_writer);
                }
                st.redlines.push(RedlineRecord {
                    id,
                    event: e_id,
                    plan,
                    step: st_id,
                    kind: redline_kind,
                    text,
                    by: e_actor.clone(),
                    at: e_at,
                    status: RedlineStatus::Open,
                    decided_by: None,
                    decided_at: None,
                    note: None,
                });
                None
            }
            Body::RedlineDecided {
                redline,
                accepted,
                note: n,
            } => {
                use crate::domain::redline::RedlineStatus;
                match st.redlines.iter_mut().find(|r| r.id == redline) {
                    Some(r) => {
                        r.status = if accepted {
                            RedlineStatus::Accepted
                        } else {
                            RedlineStatus::Rejected
                        };
                        r.decided_by = Some(e_actor.clone());
                        r.decided_at = Some(e_at);
                        r.note = n;
                    }
                    None => st.warnings.push(format!(
                        "a decision on redline {redline} by {e_actor}, which is not in the session, is ignored"
                    )),
                }
                None
            }
            Body::Call {
                who,
                name,
                role,
                result,
                plan,
                step: st_id,
                note: n,
            } => {
                st.calls.push(crate::domain::calls::CallRecord {
                    at: e_at,
                    by: e_actor.clone(),
                    name: name.unwrap_or_else(|| who.clone()),
                    who,
                    role,
                    result,
                    step: plan.zip(st_id).map(|(plan, step)| StepRef { plan, step }),
                    note: n,
                });
                None
            }
            Body::CommandRan {
                plan,
                step: st_id,
                command,
                exit,
                timed_out,
                duration_ms,
                output_hash,
                output,
                output_bytes,
                tail,
            } => {
                st.runs.push(super::state::RunRecord {
                    at: e_at,
                    by: e_actor.clone(),
                    step: StepRef { plan, step: st_id },
                    command,
                    exit,
                    timed_out,
                    duration_ms,
                    output_hash,
                    output,
                    output_bytes,
                    tail,
                });
                None
            }
            Body::HandOver {
                to,
                note: n,
                summary,
            } => {
                st.handovers.push(HandOverRecord {
                    from: e_actor.clone(),
                    to,
                    note: n,
                    at: e_at,
                    summary,
                });
                None
            }
            Body::InjectReleased { inject, early } => {
                if st.inject(inject.as_str()).is_none() {
                    st.injects.push(InjectRecord {
                        inject,
                        released: true,
                        early,
                        by: e_actor.clone(),
                        at: e_at,
                        ex_ms: e_ex_ms,
                        reason: None,
                    });
                }
                None
            }
            Body::InjectSkipped { inject, reason } => {
                if st.inject(inject.as_str()).is_none() {
                    st.injects.push(InjectRecord {
                        inject,
                        released: false,
                        early: false,
                        by: e_actor.clone(),
                        at: e_at,
                        ex_ms: e_ex_ms,
                        reason,
                    });
                }
                None
            }
            Body::Declared {
                declared_at,
                reason,
            } => {
                st.declarations.push(DeclarationRecord {
                    by: e_actor.clone(),
                    at: e_at,
                    from: st.declared_at,
                    to: declared_at,
                    reason,
                });
                st.declared_at = declared_at;
                Some(Touched::All)
            }
            Body::ClockPaused {} => {
                if let Some(c) = &mut st.clock {
                    c.pause(e_at)
                }
                None
            }
            Body::ClockResumed {} => {
                if let Some(c) = &mut st.clock {
                    c.resume(e_at)
                }
                None
            }
            Body::ClockSpeed { speed } => {
                if let Some(c) = &mut st.clock {
                    c.set_speed(e_at, speed)
                }
                None
            }
            Body::ClockAdvanced { by_ms } => {
                if let Some(c) = &mut st.clock {
                    c.advance(e_at, by_ms)
                }
                None
            }
            Body::Observation {
                observation,
                text,
                plan,
                step,
                inject,
                objective,
            } => {
                st.observations.push(ObservationRecord {
                    id: e_id,
                    kind: observation,
                    text,
                    plan,
                    step,
                    inject,
                    objective,
                    by: e_actor.clone(),
                    at: e_at,
                    ex_ms: e_ex_ms,
                    corrected: Vec::new(),
                    withdrawn: None,
                });
                None
            }
            Body::ObservationCorrected {
                of,
                text,
                observation,
                objective,
                reason,
            } => {
                let c = improve::Correction {
                    text,
                    kind: observation,
                    objective,
                    reason,
                };
                improve::correct(st, by(), &of, c);
                None
            }
            Body::ObservationWithdrawn { of, reason } => {
                improve::withdraw(st, by(), &of, reason);
                None
            }
            Body::ActionAdded {
                action,
                text,
                owner,
                due,
                capability,
                of,
            } => {
                let a = improve::Added {
                    event: e_id,
                    action,
                    text,
                    owner,
                    due,
                    capability,
                    of,
                };
                improve::add(st, by(), a);
                None
            }
            Body::ActionUpdated {
                action,
                of,
                owner,
                due,
                capability,
                status,
                note: n,
            } => {
                let u = improve::Update {
                    owner,
                    due,
                    capability,
                    status,
                    note: n,
                };
                improve::update(st, by(), &action, of.as_ref(), u);
                None
            }
            Body::ObjectiveRated {
                objective,
                rating,
                note: n,
            } => {
                st.ratings.push(RatingRecord {
                    objective,
                    rating,
                    note: n,
                    by: e_actor.clone(),
                    at: e_at,
                });
                None
            }
        }
    }

    /// Works out which steps of a plan are off the branches its decisions took (the options'
    /// targets not taken, and steps that depend only on such steps), then marks them.
    fn mark_bypassed(&mut self, pi: usize) {
        let Some(p) = self.state.plans.get(pi) else {
            return;
        };
        let Some(plan) = self.plans.iter().find(|x| x.id.v == p.id.as_str()) else {
            return;
        };
        // the option each decision took: by its label, else by where it led
        let mut taken: HashMap<&str, usize> = HashMap::new();
        for s in &p.steps {
            let (Some(rec), Some(def)) = (
                &s.decision,
                plan.step(s.step.as_str()).and_then(|d| d.decision.as_ref()),
            ) else {
                continue;
            };
            let i = def
                .options
                .iter()
                .position(|o| o.label == rec.option)
                .or_else(|| {
                    def.options.iter().position(|o| {
                        o.next.as_ref().map(|n| n.v.as_str())
                            == rec.next.as_ref().map(|n| n.as_str())
                    })
                });
            if let Some(i) = i {
                taken.insert(
                    plan.step(s.step.as_str()).map_or("", |d| d.id.v.as_str()),
                    i,
                );
            }
        }
        let bypassed = crate::domain::branches::left_out(plan, &taken);
        let mode = self.state.mode;
        let off: Vec<bool> = p
            .steps
            .iter()
            .map(|s| {
                bypassed.contains(s.step.as_str()) || not_this_run(plan, s.step.as_str(), mode)
            })
            .collect();
        let p = &mut self.state.plans[pi];
        p.off_branch = off;
        for si in 0..p.steps.len() {
            mark(p, si);
        }
    }

    /// Marks one step after its state changed.
    fn mark_step(&mut self, pi: usize, si: usize) {
        if let Some(p) = self.state.plans.get_mut(pi) {
            mark(p, si);
        }
    }
}

/// Work under way is never hidden: only a pending step can be off the chosen branch.
fn mark(p: &mut PlanState, si: usize) {
    let off = p.off_branch.get(si).copied().unwrap_or(false);
    if let Some(s) = p.steps.get_mut(si) {
        s.bypassed = off && s.state == StepStatus::Pending;
    }
}

/// What an event changed that the marks of branches not taken depend on.
enum Touched {
    /// One step's state.
    Step(usize, usize),
    /// A decision of the plan, taken or undone.
    Branches(usize),
    All,
}

/// At most this many warnings about events are kept (a hostile journal could hold millions).
pub(super) const MAX_WARNINGS: usize = 200;

fn at_mut(st: &mut SessionState, (pi, si): (usize, usize)) -> Option<&mut StepState> {
    st.plans.get_mut(pi)?.steps.get_mut(si)
}
