//! RTOs against a session: which services its plans restore, when each RTO runs out, and
//! whether it was met. An exercise counts on its exercise clock.

use super::{PlanState, Session};
use crate::domain::event::ts;
use crate::domain::index::Index;
use crate::domain::time::Minutes;
use chrono::{DateTime, Utc};

/// A service affected by the session, and when its RTO runs out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RtoDeadline {
    pub service: String,
    pub name: String,
    pub rto: Minutes,
    #[serde(with = "ts")]
    pub deadline: DateTime<Utc>,
}

/// The RTO deadlines of every service the session's plans restore, soonest first.
pub fn rto_deadlines(session: &Session, ix: &Index) -> Vec<RtoDeadline> {
    let st = &session.state;
    let mut out: Vec<RtoDeadline> = Vec::new();
    for ps in &st.plans {
        let from_plan = session
            .plan_def(ps.id.as_str())
            .map(|p| p.services.iter().map(|s| s.v.clone()).collect::<Vec<_>>())
            .unwrap_or_default();
        let from_index = ix
            .services
            .iter()
            .filter(|s| s.plans.iter().any(|p| ps.id == p.v))
            .map(|s| s.id.v.clone());
        for sid in from_plan.into_iter().chain(from_index) {
            if out.iter().any(|d| d.service == sid) {
                continue;
            }
            if let Some(svc) = ix.service(&sid)
                && let Some(rto) = &svc.rto
            {
                out.push(RtoDeadline {
                    service: sid,
                    name: svc.name.clone(),
                    rto: rto.v,
                    deadline: crate::domain::time::add_ms(st.declared_at, rto.v.as_ms()),
                });
            }
        }
    }
    out.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.service.cmp(&b.service)));
    out
}

/// How urgent an RTO is: plenty of time, under 25% left, or missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtoLevel {
    Ok,
    Amber,
    Missed,
}

pub fn rto_level(d: &RtoDeadline, declared: DateTime<Utc>, now: DateTime<Utc>) -> RtoLevel {
    let total = (d.deadline - declared).num_seconds().max(1);
    let left = (d.deadline - now).num_seconds();
    if left < 0 {
        RtoLevel::Missed
    } else if left * 4 < total {
        RtoLevel::Amber
    } else {
        RtoLevel::Ok
    }
}

/// A service's RTO against the session: met, missed (and by how much), or still open.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RtoRow {
    pub service: String,
    pub name: String,
    pub rto: Minutes,
    #[serde(with = "ts")]
    pub deadline: DateTime<Utc>,
    #[serde(with = "ts::opt")]
    pub restored_at: Option<DateTime<Utc>>,
    /// met, missed, or open (not restored, deadline not passed)
    pub outcome: String,
    /// How much time was left (met, open) or over (missed), in minutes.
    pub margin_min: i64,
    /// On an exercise, the deadline and the restoration on the exercise clock (milliseconds
    /// from its start): the outcome is judged on them, and `restored_at` is wall time beside.
    pub deadline_ex_ms: Option<i64>,
    pub restored_ex_ms: Option<i64>,
}

/// Each affected service's RTO outcome. A service is restored when every plan of the session that
/// restores it has all its needed steps done; the time is the last of those steps. A closed
/// session stops the clock; an exercise counts on its exercise clock.
pub fn rto_outcomes(session: &Session, ix: &Index, now: DateTime<Utc>) -> Vec<RtoRow> {
    let st = &session.state;
    let until = st.closed.as_ref().map_or(now, |c| c.at.min(now));
    let story_now = st.story_now(until);
    let mut out = Vec::new();
    for d in rto_deadlines(session, ix) {
        let restoring: Vec<&PlanState> = st
            .plans
            .iter()
            .filter(|ps| {
                session
                    .plan_def(ps.id.as_str())
                    .is_some_and(|p| p.services.iter().any(|s| s.v == d.service))
                    || ix
                        .service(&d.service)
                        .is_some_and(|s| s.plans.iter().any(|p| ps.id == p.v))
            })
            .collect();
        let complete = !restoring.is_empty()
            && restoring.iter().all(|p| {
                let (done, needed) = p.progress();
                done == needed
            });
        let restored_at = if complete {
            restoring
                .iter()
                .flat_map(|p| p.steps.iter().filter_map(|s| s.at))
                .max()
        } else {
            None
        };
        let (outcome, margin, deadline_ex, restored_ex) = match st.clock.as_ref() {
            // an exercise is judged on its own clock: the story is declared at T+0 (as the
            // TUI's countdown and the step deadlines count)
            Some(_) => {
                let deadline_ex = d.rto.as_ms();
                let restored_ex = if complete {
                    restoring
                        .iter()
                        .flat_map(|p| p.steps.iter().filter_map(|s| s.ex.at))
                        .max()
                } else {
                    None
                };
                let now_ex = st.ex_ms(until).unwrap_or(0);
                let m = |ms: i64| ms / 60_000;
                let (o, margin) = match restored_ex {
                    Some(t) if t <= deadline_ex => ("met", m(deadline_ex.saturating_sub(t))),
                    Some(t) => ("missed", m(t.saturating_sub(deadline_ex))),
                    None if now_ex > deadline_ex => {
                        ("missed", m(now_ex.saturating_sub(deadline_ex)))
                    }
                    None => ("open", m(deadline_ex.saturating_sub(now_ex))),
                };
                (o, margin, Some(deadline_ex), restored_ex)
            }
            None => {
                let (o, margin) = match restored_at {
                    Some(t) if t <= d.deadline => ("met", (d.deadline - t).num_minutes()),
                    Some(t) => ("missed", (t - d.deadline).num_minutes()),
                    None if story_now > d.deadline => {
                        ("missed", (story_now - d.deadline).num_minutes())
                    }
                    None => ("open", (d.deadline - story_now).num_minutes()),
                };
                (o, margin, None, None)
            }
        };
        out.push(RtoRow {
            service: d.service,
            name: d.name,
            rto: d.rto,
            deadline: d.deadline,
            restored_at,
            outcome: outcome.into(),
            margin_min: margin,
            deadline_ex_ms: deadline_ex,
            restored_ex_ms: restored_ex,
        });
    }
    out
}
