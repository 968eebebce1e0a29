//! Folding events into the state, one at a time. The fold accepts anything a journal may hold
//! (events from other writers must never be lost): contradictions are kept as conflict notes,
//! events about unknown steps as warnings. Commands are checked before they become events; the
//! fold only records.

use super::Session;
use super::state::*;
use crate::domain::event::{Body, Event, Mode, PlanRef};
use crate::domain::ids::StepRef;
use crate::domain::plan::Plan;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
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
    }
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
        missing: plan.is_none(),
        steps: plan
            .map(|p| p.steps.iter().map(|s| new_step(p, s)).collect())
            .unwrap_or_default(),
    }
}

fn leave_active(s: &mut StepState, at: DateTime<Utc>) {
    if let Some(since) = s.active_since.take() {
        s.active_ms = s
            .active_ms
            .saturating_add((at - since).num_milliseconds().max(0));
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
        let st = &mut self.state;
        st.events += 1;
        let key = e.owned_key();
        if st.last_key.as_ref().is_none_or(|k| *k < key) {
            st.last_key = Some(key);
        }
        let w = st.writers.entry(e.writer.clone()).or_default();
        if w.last_at.is_none_or(|t| t < e.at) {
            w.last_at = Some(e.at);
        }
        if let Some(seen) = e.seen {
            let lag = (seen - e.at).num_seconds();
            if lag > SKEW_TOLERANCE_SECS {
                w.behind_secs = w.behind_secs.max(lag);
            }
        }
        let r = st
            .responders
            .entry(e.actor.clone())
            .or_insert_with(|| Responder {
                name: e.actor.clone(),
                first_at: e.at,
                last_at: e.at,
                events: 0,
                writers: Vec::new(),
                last_step_action: None,
            });
        r.last_at = r.last_at.max(e.at);
        r.first_at = r.first_at.min(e.at);
        r.events += 1;
        if !r.writers.contains(&e.writer) {
            r.writers.push(e.writer.clone());
        }
        if let Some(at) = e.step()
            && st.step(&at).is_none()
            && !st.plan(at.plan.as_str()).is_some_and(|p| p.missing)
        {
            st.warnings.push(format!(
                "an event by {} at {} refers to step `{at}`, which is not in this session's plans: it is kept in the log only",
                e.actor,
                utc_words(e.at)
            ));
            return;
        }
        if matches!(
            e.body,
            Body::StepStarted { .. }
                | Body::StepDone { .. }
                | Body::StepSkipped { .. }
                | Body::StepBlocked { .. }
                | Body::StepReopened { .. }
                | Body::DecisionTaken { .. }
        ) && let Some(at) = e.step()
            && let Some(r) = st.responders.get_mut(&e.actor)
        {
            r.last_step_action = Some(LastStepAction {
                step: at,
                kind: e.body.kind().to_string(),
                at: e.at,
            });
        }
        match self.apply_body(e) {
            Some(Touched::Plan(p)) => self.mark_bypassed(&p),
            Some(Touched::All) => {
                let ids: Vec<_> = self.state.plans.iter().map(|p| p.id.clone()).collect();
                for id in ids {
                    self.mark_bypassed(&id);
                }
            }
            None => {}
        }
    }

    /// Applies the event's own change; returns the plan whose branches may have changed.
    fn apply_body(&mut self, e: &Event) -> Option<Touched> {
        let plans = &self.plans;
        let st = &mut self.state;
        let note = |kind: NoteKind, text: &str| NoteEntry {
            at: e.at,
            by: e.actor.clone(),
            kind,
            text: text.to_string(),
        };
        let step = e.step();
        match &e.body {
            Body::SessionStarted {
                title,
                mode,
                declared_at,
                plans: refs,
                scenario,
            } => {
                if st.started {
                    st.warnings.push(format!(
                        "a second `session started` event by {} at {} is ignored",
                        e.actor,
                        utc_words(e.at)
                    ));
                    return None;
                }
                st.started = true;
                st.title = title.clone();
                st.mode = *mode;
                st.declared_at = *declared_at;
                st.started_at = e.at;
                st.started_by = e.actor.clone();
                st.scenario = scenario.clone();
                if *mode == Mode::Exercise {
                    st.clock = Some(super::clock::ExerciseClock::new(e.at));
                }
                for r in refs {
                    if st.plan(r.id.as_str()).is_none() {
                        st.plans.push(plan_state(r, plans, e.at, &e.actor));
                    }
                }
                Some(Touched::All)
            }
            Body::PlanInvoked { plan } => {
                if st.plan(plan.id.as_str()).is_none() {
                    st.plans.push(plan_state(plan, plans, e.at, &e.actor));
                }
                None
            }
            Body::SessionClosed { note: n } => {
                if st.closed.is_none() {
                    st.closed = Some(Closed {
                        by: e.actor.clone(),
                        at: e.at,
                        note: n.clone(),
                    });
                }
                None
            }
            Body::StepStarted { .. } => {
                let s = step_mut(st, step.as_ref()?)?;
                if matches!(s.state, StepStatus::Pending | StepStatus::Blocked) {
                    s.state = StepStatus::Active;
                    s.by = Some(e.actor.clone());
                    s.at = Some(e.at);
                    s.started_at.get_or_insert(e.at);
                    s.active_since = Some(e.at);
                }
                step.map(|r| Touched::Plan(r.plan))
            }
            Body::StepDone { note: n, .. } => {
                let s = step_mut(st, step.as_ref()?)?;
                if let Some(n) = n {
                    s.notes.push(note(NoteKind::Done, n));
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
                        let text = format!(
                            "{} marked it done after {} had skipped it",
                            e.actor,
                            s.by.clone().unwrap_or_default()
                        );
                        s.notes.push(note(NoteKind::Conflict, &text));
                    }
                    _ => {
                        leave_active(s, e.at);
                        s.state = StepStatus::Done;
                        s.by = Some(e.actor.clone());
                        s.at = Some(e.at);
                    }
                }
                step.map(|r| Touched::Plan(r.plan))
            }
            Body::StepSkipped { reason, .. } | Body::StepBlocked { reason, .. } => {
                let skipped = matches!(e.body, Body::StepSkipped { .. });
                let s = step_mut(st, step.as_ref()?)?;
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
                        e.actor,
                        s.by.clone().unwrap_or_default()
                    );
                    s.notes.push(note(NoteKind::Conflict, &text));
                    return None;
                }
                leave_active(s, e.at);
                s.state = if skipped {
                    StepStatus::Skipped
                } else {
                    StepStatus::Blocked
                };
                s.by = Some(e.actor.clone());
                s.at = Some(e.at);
                step.map(|r| Touched::Plan(r.plan))
            }
            Body::StepReopened { reason, .. } => {
                let s = step_mut(st, step.as_ref()?)?;
                s.notes.push(note(NoteKind::Reopen, reason));
                leave_active(s, e.at);
                s.state = StepStatus::Pending;
                s.by = None;
                s.at = None;
                s.confirmations.clear();
                s.decision = None;
                step.map(|r| Touched::Plan(r.plan))
            }
            Body::Note { text, .. } => {
                match &step {
                    Some(r) => {
                        if let Some(s) = step_mut(st, r) {
                            s.notes.push(note(NoteKind::Note, text));
                        }
                    }
                    None => st.notes.push(note(NoteKind::Note, text)),
                }
                None
            }
            Body::Assigned { to, .. } => {
                if let Some(s) = step_mut(st, step.as_ref()?) {
                    s.assignee = Some(to.clone());
                }
                None
            }
            Body::DecisionTaken {
                option, next, why, ..
            } => {
                let s = step_mut(st, step.as_ref()?)?;
                let text = match why {
                    Some(w) => format!("decided: {option} ({w})"),
                    None => format!("decided: {option}"),
                };
                s.notes.push(note(NoteKind::Decision, &text));
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
                step.map(|r| Touched::Plan(r.plan))
            }
            Body::ResponderJoined {} | Body::UnfinishedWrite { .. } => None,
            Body::HandOver { to, note: n } => {
                st.handovers.push(HandOverRecord {
                    from: e.actor.clone(),
                    to: to.clone(),
                    note: n.clone(),
                    at: e.at,
                });
                None
            }
            Body::InjectReleased { inject, early } => {
                if st.inject(inject.as_str()).is_none() {
                    st.injects.push(InjectRecord {
                        inject: inject.clone(),
                        released: true,
                        early: *early,
                        by: e.actor.clone(),
                        at: e.at,
                        ex_ms: e.ex_ms,
                        reason: None,
                    });
                }
                None
            }
            Body::InjectSkipped { inject, reason } => {
                if st.inject(inject.as_str()).is_none() {
                    st.injects.push(InjectRecord {
                        inject: inject.clone(),
                        released: false,
                        early: false,
                        by: e.actor.clone(),
                        at: e.at,
                        ex_ms: e.ex_ms,
                        reason: reason.clone(),
                    });
                }
                None
            }
            Body::ClockPaused {} => {
                if let Some(c) = &mut st.clock {
                    c.pause(e.at)
                }
                None
            }
            Body::ClockResumed {} => {
                if let Some(c) = &mut st.clock {
                    c.resume(e.at)
                }
                None
            }
            Body::ClockSpeed { speed } => {
                if let Some(c) = &mut st.clock {
                    c.set_speed(e.at, *speed)
                }
                None
            }
            Body::ClockAdvanced { by_ms } => {
                if let Some(c) = &mut st.clock {
                    c.advance(e.at, *by_ms)
                }
                None
            }
            Body::Observation {
                observation,
                text,
                plan,
                step,
                inject,
            } => {
                st.observations.push(ObservationRecord {
                    kind: *observation,
                    text: text.clone(),
                    plan: plan.clone(),
                    step: step.clone(),
                    inject: inject.clone(),
                    by: e.actor.clone(),
                    at: e.at,
                    ex_ms: e.ex_ms,
                });
                None
            }
            Body::ObjectiveRated {
                objective,
                rating,
                note: n,
            } => {
                st.ratings.push(RatingRecord {
                    objective: objective.clone(),
                    rating: *rating,
                    note: n.clone(),
                    by: e.actor.clone(),
                    at: e.at,
                });
                None
            }
        }
    }

    /// Marks the steps on branches of taken decisions that were not chosen: the options' targets
    /// that were not taken, and pending steps that depend only on bypassed steps.
    fn mark_bypassed(&mut self, plan_id: &crate::domain::ids::PlanId) {
        let Some(plan) = self.plans.iter().find(|x| x.id.v == plan_id.as_str()) else {
            return;
        };
        let Some(p) = self.state.plans.iter_mut().find(|p| p.id == *plan_id) else {
            return;
        };
        let mut bypassed: HashSet<&str> = HashSet::new();
        let mut chosen: HashSet<&str> = HashSet::new();
        for s in &p.steps {
            let (Some(rec), Some(def)) = (
                &s.decision,
                plan.step(s.step.as_str()).and_then(|d| d.decision.as_ref()),
            ) else {
                continue;
            };
            for o in &def.options {
                if let Some(n) = &o.next {
                    if rec.next.as_ref().is_some_and(|x| *x == n.v) {
                        chosen.insert(n.v.as_str());
                    } else {
                        bypassed.insert(n.v.as_str());
                    }
                }
            }
        }
        bypassed.retain(|b| !chosen.contains(b));
        loop {
            let before = bypassed.len();
            for s in &plan.steps {
                if !s.depends_on.is_empty()
                    && !chosen.contains(s.id.v.as_str())
                    && s.depends_on.iter().all(|d| bypassed.contains(d.v.as_str()))
                {
                    bypassed.insert(s.id.v.as_str());
                }
            }
            if bypassed.len() == before {
                break;
            }
        }
        for s in &mut p.steps {
            // work under way is never hidden: only a pending step can be off the chosen branch
            s.bypassed = bypassed.contains(s.step.as_str()) && s.state == StepStatus::Pending;
        }
    }
}

/// What an event changed that derived marks depend on.
enum Touched {
    Plan(crate::domain::ids::PlanId),
    All,
}

fn step_mut<'a>(st: &'a mut SessionState, r: &StepRef) -> Option<&'a mut StepState> {
    st.plans
        .iter_mut()
        .find(|p| p.id == r.plan)?
        .steps
        .iter_mut()
        .find(|s| s.step == r.step)
}
