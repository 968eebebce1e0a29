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

impl ServiceForecast {
    /// "30 min to spare", "misses the RTO by 25 min".
    pub fn words(&self) -> String {
        let m = super::time::human_duration(Duration::minutes(self.slack_min.abs()));
        if self.slack_min >= 0 {
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
