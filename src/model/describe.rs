//! Events and deadlines in words, shared by `muster log`, the TUI timeline and the exports.

use super::session::SessionState;
use super::{Index, Plan};
use crate::journal::event::{Body, Event};
use chrono::{DateTime, Duration, Utc};

/// One event as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// A short verb: "done", "skipped", "inject released" ...
    pub action: String,
    /// `plan/step` when the event is about a step.
    pub step: Option<String>,
    /// The step's title, or what the event is about.
    pub subject: String,
    /// The note, reason or text, if any.
    pub text: Option<String>,
}

fn step_title(plans: &[Plan], plan: &str, step: &str) -> String {
    plans
        .iter()
        .find(|p| p.id.v == plan)
        .and_then(|p| p.step(step))
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

pub fn describe(e: &Event, plans: &[Plan], scenario: Option<&super::Scenario>) -> Described {
    let d = |action: &str, subject: String, text: Option<&String>| Described {
        action: action.into(),
        step: None,
        subject,
        text: text.cloned(),
    };
    let s = |action: &str, plan: &str, step: &str, text: Option<&String>| Described {
        action: action.into(),
        step: Some(format!("{plan}/{step}")),
        subject: step_title(plans, plan, step),
        text: text.cloned(),
    };
    let inject_title = |id: &str| {
        scenario
            .and_then(|sc| sc.inject(id))
            .map(|i| format!("{id}: {}", i.title))
            .unwrap_or_else(|| id.to_string())
    };
    match &e.body {
        Body::SessionStarted {
            title,
            mode,
            plans: refs,
            scenario: sc,
            ..
        } => {
            let plans = refs
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut subject = format!("\"{title}\" ({}; plans: {plans})", mode.label());
            if let Some(sc) = sc {
                subject.push_str(&format!("; scenario: {}", sc.id));
            }
            d("started the session", subject, None)
        }
        Body::SessionClosed { note } => d("closed the session", String::new(), note.as_ref()),
        Body::PlanInvoked { plan } => d(
            "invoked plan",
            format!("{} ({})", plan.id, plan.title),
            None,
        ),
        Body::StepStarted { plan, step } => s("started", plan, step, None),
        Body::StepDone { plan, step, note } => s("done", plan, step, note.as_ref()),
        Body::StepSkipped { plan, step, reason } => s("skipped", plan, step, Some(reason)),
        Body::StepBlocked { plan, step, reason } => s("blocked", plan, step, Some(reason)),
        Body::StepReopened { plan, step, reason } => s("reopened", plan, step, Some(reason)),
        Body::Note {
            plan: Some(p),
            step: Some(st),
            text,
        } => s("note", p, st, Some(text)),
        Body::Note { text, .. } => d("note", String::new(), Some(text)),
        Body::Assigned { plan, step, to } => {
            let mut x = s("assigned", plan, step, None);
            x.text = Some(format!("to {to}"));
            x
        }
        Body::DecisionTaken {
            plan,
            step,
            option,
            next,
            why,
        } => {
            let mut x = s("decided", plan, step, why.as_ref());
            let choice = match next {
                Some(n) => format!("{option} (next: {n})"),
                None => option.clone(),
            };
            x.text = Some(match why {
                Some(w) => format!("{choice}: {w}"),
                None => choice,
            });
            x
        }
        Body::ResponderJoined {} => d("joined", String::new(), None),
        Body::HandOver { to, note } => d("handed over", format!("to {to}"), note.as_ref()),
        Body::InjectReleased { inject, early } => d(
            if *early {
                "inject released early"
            } else {
                "inject released"
            },
            inject_title(inject),
            None,
        ),
        Body::InjectSkipped { inject } => d("inject skipped", inject_title(inject), None),
        Body::ClockPaused {} => d("paused the exercise clock", String::new(), None),
        Body::ClockResumed {} => d("resumed the exercise clock", String::new(), None),
        Body::ClockSpeed { speed } => d("set the clock speed", format!("x{speed}"), None),
        Body::ClockAdvanced { by_ms } => d(
            "advanced the clock",
            format!(
                "by {}",
                super::session::human_duration(Duration::milliseconds(*by_ms))
            ),
            None,
        ),
        Body::Observation {
            observation,
            text,
            plan,
            step,
            inject,
        } => {
            let about = inject
                .as_ref()
                .map(|i| format!("on inject {}", inject_title(i)))
                .unwrap_or_default();
            let mut x = d(
                &format!("observed ({})", observation.label()),
                about,
                Some(text),
            );
            if let (Some(p), Some(s)) = (plan, step) {
                x.step = Some(format!("{p}/{s}"));
            }
            x
        }
        Body::ObjectiveRated {
            objective,
            rating,
            note,
        } => d(
            "rated objective",
            format!("{objective}: {:?} ({})", rating, rating.label()),
            note.as_ref(),
        ),
    }
}

/// Exercise time as `T+01:05:00`.
pub fn ex_time(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("T+{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// A service affected by the session, and when its RTO runs out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RtoDeadline {
    pub service: String,
    pub name: String,
    pub rto: super::Minutes,
    #[serde(with = "crate::journal::event::ts")]
    pub deadline: DateTime<Utc>,
}

/// The RTO deadlines of every service the session's plans restore, soonest first.
pub fn rto_deadlines(st: &SessionState, plans: &[Plan], ix: &Index) -> Vec<RtoDeadline> {
    let mut out: Vec<RtoDeadline> = Vec::new();
    for ps in &st.plans {
        let from_plan = plans
            .iter()
            .find(|p| p.id.v == ps.id)
            .map(|p| p.services.iter().map(|s| s.v.clone()).collect::<Vec<_>>())
            .unwrap_or_default();
        let from_index = ix
            .services
            .iter()
            .filter(|s| s.plans.iter().any(|p| p.v == ps.id))
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
                    deadline: st.declared_at + rto.v.as_duration(),
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
    pub rto: super::Minutes,
    #[serde(with = "crate::journal::event::ts")]
    pub deadline: DateTime<Utc>,
    #[serde(with = "crate::journal::event::ts::opt")]
    pub restored_at: Option<DateTime<Utc>>,
    /// met, missed, or open (not restored, deadline not passed)
    pub outcome: String,
    /// How much time was left (met, open) or over (missed), in minutes.
    pub margin_min: i64,
}

/// Each affected service's RTO outcome. A service is restored when every plan of the session that
/// restores it has all its needed steps done; the time is the last of those steps. A closed
/// session stops the clock; an exercise counts on its exercise clock.
pub fn rto_outcomes(
    st: &SessionState,
    plans: &[Plan],
    ix: &Index,
    now: DateTime<Utc>,
) -> Vec<RtoRow> {
    let until = st.closed.as_ref().map_or(now, |c| c.at.min(now));
    let story_now = st.story_now(until);
    let mut out = Vec::new();
    for d in rto_deadlines(st, plans, ix) {
        let restoring: Vec<&super::session::PlanState> = st
            .plans
            .iter()
            .filter(|ps| {
                plans
                    .iter()
                    .find(|p| p.id.v == ps.id)
                    .is_some_and(|p| p.services.iter().any(|s| s.v == d.service))
                    || ix
                        .service(&d.service)
                        .is_some_and(|s| s.plans.iter().any(|p| p.v == ps.id))
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
        let (outcome, margin) = match restored_at {
            Some(t) if t <= d.deadline => ("met", (d.deadline - t).num_minutes()),
            Some(t) => ("missed", (t - d.deadline).num_minutes()),
            None if story_now > d.deadline => ("missed", (story_now - d.deadline).num_minutes()),
            None => ("open", (d.deadline - story_now).num_minutes()),
        };
        out.push(RtoRow {
            service: d.service,
            name: d.name,
            rto: d.rto,
            deadline: d.deadline,
            restored_at,
            outcome: outcome.into(),
            margin_min: margin,
        });
    }
    out
}
