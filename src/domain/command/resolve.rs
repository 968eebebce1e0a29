//! Turning what a user typed into the ids a command carries: `PLAN/STEP`, a step id unique in
//! the session, a step's number as shown (`13`, or `2.13` for the second plan); plan and scenario
//! ids in the library. Every miss says what was meant, where it can guess.

use super::Refusal;
use crate::domain::ids::StepRef;
use crate::domain::parse::library::Library;
use crate::domain::plan::Plan;
use crate::domain::scenario::Scenario;
use crate::domain::session::Session;
use crate::domain::text::did_you_mean;

/// Resolves a step as the user wrote it.
pub fn step(s: &Session, spec: &str) -> Result<StepRef, Refusal> {
    let spec = spec.trim();
    let st = &s.state;
    if let Some((p, id)) = spec.split_once('/') {
        let Some(plan) = st.plan(p) else {
            return Err(Refusal::PlanNotInSession {
                plan: p.into(),
                session: st.id.clone(),
                plans: st
                    .plans
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if plan.step(id).is_some() {
            return Ok(StepRef::new(p, id));
        }
        if let Some(r) = by_number(s, Some(p), id) {
            return Ok(r);
        }
        return Err(Refusal::NoSuchStep {
            step: StepRef::new(p, id),
            suggestion: did_you_mean(id, plan.steps.iter().map(|x| x.step.as_str()))
                .map(str::to_string),
        });
    }
    let found: Vec<&str> = st
        .plans
        .iter()
        .filter(|p| p.step(spec).is_some())
        .map(|p| p.id.as_str())
        .collect();
    match found.as_slice() {
        [p] => Ok(StepRef::new(*p, spec)),
        [] => {
            if let Some(r) = by_number(s, None, spec) {
                return Ok(r);
            }
            let all = st.steps().map(|s| s.step.as_str());
            Err(Refusal::StepNotFound {
                session: st.id.clone(),
                spec: spec.to_string(),
                suggestion: did_you_mean(spec, all).map(str::to_string),
            })
        }
        many => Err(Refusal::AmbiguousStep {
            spec: spec.to_string(),
            plans: many.join(", "),
        }),
    }
}

/// `13` (the first plan's 13th step), `2.13` (the second plan's), or `13` within a named plan.
fn by_number(s: &Session, plan: Option<&str>, spec: &str) -> Option<StepRef> {
    let st = &s.state;
    let (pi, n) = match (plan, spec.split_once('.')) {
        (Some(p), None) => (st.plan_index(p)?, spec.parse::<usize>().ok()?),
        (None, Some((a, b))) => (a.parse::<usize>().ok()?.checked_sub(1)?, b.parse().ok()?),
        (None, None) => (0, spec.parse::<usize>().ok()?),
        (Some(_), Some(_)) => return None,
    };
    let ps = st.plans.get(pi)?;
    let step = ps.steps.get(n.checked_sub(1)?)?;
    Some(step.at_ref())
}

/// A plan of the library, by id.
pub fn plan<'a>(lib: &'a Library, id: &str) -> Result<&'a std::sync::Arc<Plan>, Refusal> {
    if let Some(p) = lib.plans.iter().find(|p| p.id.v == id) {
        return Ok(p);
    }
    if let Some(path) = lib.unreadable_plan(id) {
        return Err(Refusal::PlanUnreadable {
            plan: id.into(),
            path: path.to_string(),
        });
    }
    Err(Refusal::NoSuchPlan {
        plan: id.into(),
        library: lib.describe(),
        suggestion: did_you_mean(id, lib.plans.iter().map(|p| p.id.v.as_str())).map(str::to_string),
        known: lib
            .plans
            .iter()
            .map(|p| p.id.v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// An exercise scenario of the library, by id.
pub fn scenario<'a>(lib: &'a Library, id: &str) -> Result<&'a std::sync::Arc<Scenario>, Refusal> {
    if let Some(s) = lib.scenarios.iter().find(|s| s.id.v == id) {
        return Ok(s);
    }
    Err(Refusal::NoSuchScenario {
        scenario: id.to_string(),
        suggestion: did_you_mean(id, lib.scenarios.iter().map(|s| s.id.v.as_str()))
            .map(str::to_string),
        known: lib
            .scenarios
            .iter()
            .map(|s| s.id.v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// A new session's command from what the user named: plan ids (an exercise adds its scenario's
/// plans first), a scenario id, a title and the declaration time.
pub fn start(
    lib: &Library,
    plan_ids: &[String],
    scenario_id: Option<&str>,
    title: Option<String>,
    declared_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<super::StartSession, Refusal> {
    let scenario = scenario_id
        .map(|id| scenario(lib, id))
        .transpose()?
        .cloned();
    let mut plans: Vec<std::sync::Arc<Plan>> = Vec::new();
    let from_scenario = scenario
        .as_ref()
        .map(|s| s.plans.iter().map(|p| p.v.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    for id in from_scenario.iter().chain(plan_ids.iter()) {
        let p = plan(lib, id)?;
        if !plans.iter().any(|x| x.id.v == p.id.v) {
            plans.push(p.clone());
        }
    }
    Ok(super::StartSession {
        plans,
        scenario,
        title,
        declared_at,
        params: Default::default(),
        facilitators: None,
        evaluators: Vec::new(),
    })
}

/// The library's plans that the options of a decision step bring in (`invoke`), for
/// [`super::Command::Decide`]. A plan the library lacks is left out: the gate refuses the
/// option that needs it.
pub fn decision_plans(lib: &Library, s: &Session, step: &StepRef) -> Vec<std::sync::Arc<Plan>> {
    let Some(d) = s.step_def(step).and_then(|d| d.decision.as_ref()) else {
        return Vec::new();
    };
    let mut out: Vec<std::sync::Arc<Plan>> = Vec::new();
    for id in d.options.iter().flat_map(|o| &o.invoke) {
        if let Some(p) = lib.plans.iter().find(|p| p.id.v == id.v)
            && !out.iter().any(|x| x.id.v == p.id.v)
        {
            out.push(p.clone());
        }
    }
    out
}

/// `NAME=VALUE` as given on a command line, into parameter values.
pub fn param_values(given: &[String]) -> Result<crate::domain::params::Values, String> {
    let mut out = crate::domain::params::Values::new();
    for g in given {
        let Some((k, v)) = g.split_once('=') else {
            return Err(format!(
                "`{g}` is not NAME=VALUE: write the parameter's name, `=`, and its value, like --param zone=eu-west-1a"
            ));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(format!(
                "`{g}` names no parameter: write it like --param zone=eu-west-1a"
            ));
        }
        if out.insert(k.to_string(), v.trim().to_string()).is_some() {
            return Err(format!("parameter `{k}` is given twice: give it once"));
        }
    }
    Ok(out)
}
