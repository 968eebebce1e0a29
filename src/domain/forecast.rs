//! A live forecast of when each plan of a running session will end, from the steps still open,
//! their dependencies and their estimates (or, once a step has been run three times, the median
//! of its actual durations): the critical path, and the slack against each service's RTO.
//! Linear in the plan's steps and dependencies: it is recomputed after every event.

use super::Index;
use super::ids::PlanId;
use super::session::rto::rto_deadlines;
use super::session::{Session, StepStatus};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// When a plan is forecast to end, and the chain of open steps that decides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanForecast {
    pub plan: PlanId,
    #[serde(with = "super::event::ts")]
    pub end_at: DateTime<Utc>,
    /// Open steps, in dependency order, whose durations add up to the end.
    pub critical_path: Vec<String>,
    /// Open steps with no estimate and no history: counted as taking no time.
    pub unestimated: Vec<String>,
    /// The responder whose assigned steps, one after the other, take longer than the longest
    /// chain of dependencies: the plan cannot end before they have done them all, and the
    /// critical path is then their steps, in the plan's order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_on: Option<String>,
}

/// A service's RTO deadline against the forecast end of the plans that restore it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceForecast {
    pub service: String,
    pub name: String,
    #[serde(with = "super::event::ts")]
    pub rto_at: DateTime<Utc>,
    #[serde(with = "super::event::ts")]
    pub forecast_end: DateTime<Utc>,
    /// Minutes to spare; negative when the RTO will be missed.
    pub slack_min: i64,
}

impl PlanForecast {
    /// What decides the end, when it is one responder's load: "Cat has 3 steps to do, one at a
    /// time".
    pub fn load_words(&self) -> Option<String> {
        self.waits_on.as_ref().map(|w| {
            format!(
                "{} has {} step(s) to do, one at a time",
                super::text::clean(w, false),
                self.critical_path.len()
            )
        })
    }
}

impl ServiceForecast {
    /// "30 min to spare", "misses the RTO by 25 min".
    pub fn words(&self) -> String {
        let m = super::time::human_duration(Duration::minutes(self.slack_min.abs()));
        if self.slack_min == 0 {
            "no time to spare".into()
        } else if self.slack_min > 0 {
            format!("{m} to spare")
        } else {
            format!("misses the RTO by {m}")
        }
    }
}

/// The forecast of the plan at `pi` in the session, at `now` (on the session's story clock, so
/// an exercise counts on its clock). `history` gives a step's median duration in minutes once it
/// has enough runs to trust.
pub fn plan(
    s: &Session,
    pi: usize,
    now: DateTime<Utc>,
    history: &dyn Fn(&str) -> Option<u32>,
) -> Option<PlanForecast> {
    let st = &s.state;
    let ps = st.plans.get(pi)?;
    let def = s.plan_def(ps.id.as_str())?;
    let story = st.story_now(now);
    let n = ps.steps.len();
    let index: std::collections::HashMap<&str, usize> = ps
        .steps
        .iter()
        .enumerate()
        .map(|(i, x)| (x.step.as_str(), i))
        .collect();
    // each step's definition, found once (the session's steps are in the plan's order)
    let defs: Vec<Option<&super::Step>> = ps
        .steps
        .iter()
        .enumerate()
        .map(|(i, x)| match def.steps.get(i) {
            Some(d) if d.id.v == x.step.as_str() => Some(d),
            _ => def.step(x.step.as_str()),
        })
        .collect();
    let open = |i: usize| {
        let x = &ps.steps[i];
        !x.bypassed
            && matches!(
                x.state,
                StepStatus::Pending | StepStatus::Active | StepStatus::Blocked
            )
    };
    // each open step's remaining minutes
    let mut unestimated = Vec::new();
    let remaining: Vec<i64> = (0..n)
        .map(|i| {
            if !open(i) {
                return 0;
            }
            let x = &ps.steps[i];
            let d = defs[i];
            let minutes = history(x.step.as_str())
                .map(i64::from)
                .or_else(|| d.and_then(|d| d.estimate).map(|e| i64::from(e.max)));
            let Some(m) = minutes else {
                unestimated.push(x.step.to_string());
                return 0;
            };
            if x.state == StepStatus::Active {
                let spent = x.active_secs(now) / 60;
                (m - spent).max(1)
            } else {
                m
            }
        })
        .collect();
    // finish times in minutes from now, dependencies first (a cycle counts as no dependency)
    let mut finish: Vec<Option<i64>> = vec![None; n];
    let mut by: Vec<Option<usize>> = vec![None; n];
    let mut on_stack = vec![false; n];
    fn visit(
        i: usize,
        deps: &dyn Fn(usize) -> (Vec<usize>, Vec<usize>),
        open: &dyn Fn(usize) -> bool,
        remaining: &[i64],
        finish: &mut [Option<i64>],
        by: &mut [Option<usize>],
        on_stack: &mut [bool],
    ) -> i64 {
        if let Some(f) = finish[i] {
            return f;
        }
        if !open(i) || on_stack[i] {
            return 0;
        }
        on_stack[i] = true;
        let (all, any) = deps(i);
        let mut start = 0;
        let mut from = None;
        for d in all {
            let f = visit(d, deps, open, remaining, finish, by, on_stack);
            if f > start {
                start = f;
                from = Some(d);
            }
        }
        if !any.is_empty() {
            // any one of them is enough: the first to finish
            let mut best: Option<(i64, usize)> = None;
            for d in any {
                let f = visit(d, deps, open, remaining, finish, by, on_stack);
                if best.is_none_or(|(b, _)| f < b) {
                    best = Some((f, d));
                }
            }
            if let Some((f, d)) = best
                && f > start
            {
                start = f;
                from = Some(d);
            }
        }
        on_stack[i] = false;
        let f = start + remaining[i];
        finish[i] = Some(f);
        by[i] = from;
        f
    }
    let deps = |i: usize| {
        let d = defs[i];
        let pick = |v: &[super::Sp<String>]| {
            v.iter()
                .filter_map(|x| index.get(x.v.as_str()).copied())
                .collect::<Vec<_>>()
        };
        match d {
            Some(d) => (pick(&d.depends_on), pick(&d.depends_on_any)),
            None => (Vec::new(), Vec::new()),
        }
    };
    let mut last: Option<(i64, usize)> = None;
    for i in 0..n {
        if open(i) {
            let f = visit(
                i,
                &deps,
                &open,
                &remaining,
                &mut finish,
                &mut by,
                &mut on_stack,
            );
            if last.is_none_or(|(b, _)| f > b) {
                last = Some((f, i));
            }
        }
    }
    let mut critical_path = Vec::new();
    let mut end = 0;
    // one person does one step at a time: the open steps assigned to the same responder
    // (names compare without case) add up, whatever their dependencies allow
    let mut load: std::collections::BTreeMap<String, (i64, &str)> = Default::default();
    for i in (0..n).filter(|&i| open(i)) {
        if let Some(a) = ps.steps[i].assignee.as_deref() {
            let e = load.entry(a.to_lowercase()).or_insert((0, a));
            e.0 += remaining[i];
        }
    }
    let busiest = load
        .into_iter()
        .max_by_key(|(_, (m, _))| *m)
        .filter(|(_, (m, _))| last.is_none_or(|(f, _)| *m > f));
    if let Some((key, (m, who))) = busiest {
        end = m;
        critical_path = (0..n)
            .filter(|&i| {
                open(i)
                    && ps.steps[i]
                        .assignee
                        .as_deref()
                        .is_some_and(|a| a.to_lowercase() == key)
            })
            .map(|i| ps.steps[i].step.to_string())
            .collect();
        return Some(PlanForecast {
            plan: ps.id.clone(),
            end_at: super::time::add_ms(story, end.saturating_mul(60_000)),
            critical_path,
            unestimated,
            waits_on: Some(who.to_string()),
        });
    }
    if let Some((f, i)) = last {
        end = f;
        let mut cur = Some(i);
        let mut guard = 0;
        while let Some(c) = cur {
            critical_path.push(ps.steps[c].step.to_string());
            cur = by[c];
            guard += 1;
            if guard > n {
                break;
            }
        }
        critical_path.reverse();
    }
    Some(PlanForecast {
        plan: ps.id.clone(),
        end_at: super::time::add_ms(story, end.saturating_mul(60_000)),
        critical_path,
        unestimated,
        waits_on: None,
    })
}

/// The forecast of every plan of the session.
pub fn plans(
    s: &Session,
    now: DateTime<Utc>,
    history: &dyn Fn(&str, &str) -> Option<u32>,
) -> Vec<PlanForecast> {
    (0..s.state.plans.len())
        .filter_map(|pi| {
            let id = s.state.plans[pi].id.to_string();
            plan(s, pi, now, &|step| history(&id, step))
        })
        .collect()
}

/// Each service the session's plans restore: its RTO deadline against when they will end.
pub fn services(s: &Session, ix: &Index, forecasts: &[PlanForecast]) -> Vec<ServiceForecast> {
    let mut out = Vec::new();
    for d in rto_deadlines(s, ix) {
        // the plans that restore it: theirs, or the index's
        let restoring: Vec<&PlanForecast> = forecasts
            .iter()
            .filter(|f| {
                s.plan_def(f.plan.as_str())
                    .is_some_and(|p| p.services.iter().any(|x| x.v == d.service))
                    || ix
                        .service(&d.service)
                        .is_some_and(|x| x.plans.iter().any(|p| p.v == f.plan.as_str()))
            })
            .collect();
        let Some(end) = restoring.iter().map(|f| f.end_at).max() else {
            continue;
        };
        out.push(ServiceForecast {
            service: d.service.clone(),
            name: d.name.clone(),
            rto_at: d.deadline,
            forecast_end: end,
            slack_min: (d.deadline - end).num_minutes(),
        });
    }
    out
}

/// A turn of the forecast during a run: a service's RTO first forecast, then each time the
/// forecast went from on time to late or back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// When the event that turned it was recorded (wall clock).
    #[serde(with = "super::event::ts")]
    pub at: DateTime<Utc>,
    /// On the exercise clock, in an exercise.
    pub ex_ms: Option<i64>,
    pub service: ServiceForecast,
    /// The first forecast of this service in the run (else a turn to late or back on time).
    pub first: bool,
}

/// Replays a run's events, in merge order, keeping the forecast's history: when each service
/// first looked late, and when it came back on time. The forecast is taken once for each minute
/// in which something happened (as the run stood at that minute's last event), from the plans'
/// estimates (the history of other runs is not what the responders saw then): a run of a day is
/// at most 1,440 forecasts, however many events it has.
pub struct Watch<'a> {
    session: Session,
    index: &'a Index,
    /// The minute whose forecast is still to be taken, and the time of its last event.
    pending: Option<(i64, DateTime<Utc>)>,
    late: std::collections::HashMap<String, bool>,
    pub turns: Vec<Turn>,
}

impl<'a> Watch<'a> {
    /// A watch over a run of `like`'s plans and scenario.
    pub fn new(like: &Session, index: &'a Index) -> Watch<'a> {
        Watch {
            session: Session::new(
                like.state.id.clone(),
                like.plans.clone(),
                like.scenario.clone(),
            ),
            index,
            pending: None,
            late: Default::default(),
            turns: Vec::new(),
        }
    }

    pub fn observe(&mut self, e: &super::event::Event) {
        use super::event::Body;
        if self.session.state.closed.is_some() {
            return;
        }
        let minute = e.at.timestamp().div_euclid(60);
        let closing = matches!(e.body, Body::SessionClosed { .. });
        if let Some((m, at)) = self.pending
            && (m != minute || closing)
        {
            self.forecast(at);
        }
        // only what the forecast reads is folded in: notes, calls and observations are not
        // held twice, so a long session is replayed in little memory
        if matches!(
            e.body,
            Body::SessionStarted { .. }
                | Body::SessionClosed { .. }
                | Body::PlanInvoked { .. }
                | Body::StepStarted { .. }
                | Body::StepDone { .. }
                | Body::StepSkipped { .. }
                | Body::StepBlocked { .. }
                | Body::StepReopened { .. }
                | Body::Assigned { .. }
                | Body::DecisionTaken { .. }
                | Body::Declared { .. }
                | Body::Validated { .. }
                | Body::ClockPaused {}
                | Body::ClockResumed {}
                | Body::ClockSpeed { .. }
                | Body::ClockAdvanced { .. }
        ) {
            self.session.apply(e);
        }
        self.pending = (!closing).then_some((minute, e.at));
    }

    /// Takes the forecast still pending: call once the last event has been observed.
    pub fn finish(&mut self) {
        if let Some((_, at)) = self.pending.take() {
            self.forecast(at);
        }
    }

    fn forecast(&mut self, at: DateTime<Utc>) {
        self.pending = None;
        if self.session.state.closed.is_some() || !self.session.state.started {
            return;
        }
        let forecasts = plans(&self.session, at, &|_, _| None);
        for sf in services(&self.session, self.index, &forecasts) {
            let late = sf.slack_min < 0;
            let was = self.late.insert(sf.service.clone(), late);
            if was != Some(late) {
                self.turns.push(Turn {
                    at,
                    ex_ms: self.session.state.ex_ms(at),
                    first: was.is_none(),
                    service: sf,
                });
            }
        }
    }
}
