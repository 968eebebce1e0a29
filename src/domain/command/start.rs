//! A new session: the gate's check of a start (plans, parameters, the declaration time), its
//! default title, and how its events name the plans.

use super::check::blocking;
use super::{Checked, Command, Refusal, StartSession};
use crate::domain::event::{Body, Mode, PlanRef, ScenarioRef};
use crate::domain::ids::SessionId;
use crate::domain::params::Values;
use crate::domain::session::Session;
use chrono::{DateTime, Utc};

pub(super) fn start(
    cmd: &Command,
    n: &StartSession,
    s: &Session,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Checked, Refusal> {
    if s.state.started {
        return Err(Refusal::AlreadyStarted(s.state.id.clone()));
    }
    let mut plans: Vec<&crate::domain::plan::Plan> = Vec::new();
    for p in &n.plans {
        if !plans.iter().any(|x| x.id.v == p.id.v) {
            plans.push(p);
        }
    }
    if plans.is_empty() {
        return Err(Refusal::NoPlans);
    }
    let declared = n.declared_at.unwrap_or(now);
    if declared > crate::domain::time::add_ms(now, 5 * 60_000) {
        return Err(Refusal::DeclaredInFuture {
            at: declared.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        });
    }
    blocking(cmd, s, actor)?;
    let refs = super::joining::refs(cmd, s)?;
    let title = match &n.title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => default_title(n),
    };
    let mode = if n.scenario.is_some() {
        Mode::Exercise
    } else {
        Mode::Incident
    };
    let what = format!("started the session \"{title}\"");
    let plans = super::Joined(
        n.plans
            .iter()
            .filter_map(|p| {
                let r = refs.iter().find(|r| r.id.as_str() == p.id.v)?;
                Some(r.filled(p.clone()))
            })
            .collect(),
    );
    // asked and left blank: whoever starts it runs it
    let evaluators = names(&n.evaluators, "an evaluator's name")?;
    let facilitators = match &n.facilitators {
        // evaluators are named apart from whoever runs it: the one starting it, then
        None if !evaluators.is_empty() => vec![actor.to_string()],
        None => Vec::new(),
        Some(v) if v.is_empty() => vec![actor.to_string()],
        Some(v) if v.len() == 1 && v[0].trim().eq_ignore_ascii_case("anyone") => Vec::new(),
        Some(v) => names(v, "a facilitator's name")?,
    };
    let mut bodies = vec![Body::SessionStarted {
        title,
        mode,
        declared_at: declared,
        plans: refs,
        scenario: n.scenario.as_ref().map(|sc| ScenarioRef {
            id: sc.id.v.as_str().into(),
            hash: sc.hash.clone(),
            title: sc.title.clone(),
        }),
        facilitators,
        evaluators,
    }];
    // what is due at T+0 is released with the start: every participant sees it at once
    if let Some(sc) = &n.scenario {
        bodies.extend(
            sc.injects
                .iter()
                .filter(|i| i.release == crate::domain::scenario::Release::At(Default::default()))
                .map(|i| Body::InjectReleased {
                    inject: i.id.v.as_str().into(),
                    early: false,
                }),
        );
    }
    Ok(Checked {
        session: SessionId::new(""),
        plans,
        bodies,
        at: now,
        actor: actor.to_string(),
        ex_ms: (mode == Mode::Exercise).then_some(0),
        what,
        basis: 0,
        recorded_by: None,
        transcribed_at: None,
    })
}

/// A new session's title when none is given: the scenario's, or the plans' (filled in with
/// the values of their parameters, when they are known).
pub fn default_title(n: &StartSession) -> String {
    match &n.scenario {
        Some(sc) => format!("Exercise: {}", sc.title),
        None => {
            let mut seen: Vec<String> = Vec::new();
            for p in &n.plans {
                let values = crate::domain::params::effective(p, &n.params)
                    .unwrap_or_else(|_| n.params.clone());
                let title = crate::domain::params::fill(&p.title, &values);
                if !seen.contains(&title) {
                    seen.push(title);
                }
            }
            seen.join(" + ")
        }
    }
}

/// How a session's events name a plan: its id, the hash of its file, its title, and the values
/// its parameters are given.
pub fn plan_ref(p: &crate::domain::plan::Plan, params: Values) -> PlanRef {
    PlanRef {
        id: p.id.v.as_str().into(),
        hash: p.hash.clone(),
        title: p.title.clone(),
        params,
    }
}

/// Names as given, trimmed, blanks and repeats (in any case) left out.
fn names(given: &[String], what: &'static str) -> Result<Vec<String>, Refusal> {
    let mut out: Vec<String> = Vec::new();
    for f in given.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        if f.len() > 200 {
            return Err(Refusal::TooLong {
                what,
                len: f.len(),
                max: 200,
            });
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(f)) {
            out.push(f.to_string());
        }
    }
    Ok(out)
}
