//! The plans a command brings into a session (a new session's plans, an invoked plan, the plans
//! a decision's option invokes) and the values of their parameters: what is still to ask, and
//! the references the events carry.

use super::{Command, Refusal, start::plan_ref};
use crate::domain::event::PlanRef;
use crate::domain::params::{Parameter, Values, ValuesProblem, effective};
use crate::domain::plan::{DecisionOption, Plan};
use crate::domain::session::Session;
use std::sync::Arc;

/// The option a decision command names, when it names one that exists.
pub(super) fn chosen<'s>(
    s: &'s Session,
    step: &crate::domain::ids::StepRef,
    option: Option<&str>,
) -> Option<&'s DecisionOption> {
    let def = s.step_def(step)?.decision.as_ref()?;
    super::check::pick_option(def, option?).ok()
}

/// The plans the command brings in that are not in the session yet, each once, in order.
/// A decision's plans are those its chosen option invokes (none before an option is chosen).
pub(super) fn joining<'c>(cmd: &'c Command, s: &Session) -> Vec<&'c Arc<Plan>> {
    let mut out: Vec<&Arc<Plan>> = Vec::new();
    let mut add = |p: &'c Arc<Plan>| {
        if !out.iter().any(|x| x.id.v == p.id.v) {
            out.push(p);
        }
    };
    match cmd {
        Command::Start(n) => n.plans.iter().for_each(&mut add),
        Command::Invoke { plan, .. } => add(plan),
        Command::Decide {
            step,
            option,
            invoke,
            ..
        } => {
            if let Some(o) = chosen(s, step, option.as_deref()) {
                for id in &o.invoke {
                    if !s.has_plan(&id.v.as_str().into())
                        && let Some(p) = invoke.iter().find(|p| p.id.v == id.v)
                    {
                        add(p);
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The values given with the command for the plans it brings in.
pub(super) fn given(cmd: &Command) -> Option<&Values> {
    match cmd {
        Command::Start(n) => Some(&n.params),
        Command::Invoke { params, .. } | Command::Decide { params, .. } => Some(params),
        _ => None,
    }
}

pub(super) fn given_mut(cmd: &mut Command) -> Option<&mut Values> {
    match cmd {
        Command::Start(n) => Some(&mut n.params),
        Command::Invoke { params, .. } | Command::Decide { params, .. } => Some(params),
        _ => None,
    }
}

/// The parameters still to ask: declared by a plan coming in and given no value yet (one with
/// a default is asked too, and a blank answer takes the default). A name two plans declare is
/// asked once (both get the value).
pub(super) fn unanswered<'c>(cmd: &'c Command, s: &Session) -> Vec<(&'c Plan, &'c Parameter)> {
    let empty = Values::new();
    let given = given(cmd).unwrap_or(&empty);
    let mut out: Vec<(&Plan, &Parameter)> = Vec::new();
    for p in joining(cmd, s) {
        for x in &p.parameters {
            if !given.contains_key(&x.id.v) && !out.iter().any(|(_, y)| y.id.v == x.id.v) {
                out.push((p, x));
            }
        }
    }
    out
}

/// The references of the plans the command brings in, each with the values it is followed
/// with. Refuses a value for a name none of them declares, and a value that cannot be used;
/// a missing value is refused before this, as something still to ask.
pub(super) fn refs(cmd: &Command, s: &Session) -> Result<Vec<PlanRef>, Refusal> {
    let plans = joining(cmd, s);
    let empty = Values::new();
    let given = given(cmd).unwrap_or(&empty);
    for name in given.keys() {
        if !plans
            .iter()
            .any(|p| p.parameters.iter().any(|x| x.id.v == *name))
        {
            let mut known: Vec<&str> = plans
                .iter()
                .flat_map(|p| p.parameters.iter().map(|x| x.id.v.as_str()))
                .collect();
            known.dedup();
            return Err(Refusal::UnknownParam {
                name: name.clone(),
                known: known.join(", "),
            });
        }
    }
    plans
        .into_iter()
        .map(|p| match effective(p, given) {
            Ok(v) => Ok(plan_ref(p, v)),
            Err(ValuesProblem::Bad { param, why }) => Err(Refusal::BadParam {
                plan: p.id.v.as_str().into(),
                param,
                why,
            }),
            Err(ValuesProblem::Missing { param, .. }) => Err(Refusal::BadParam {
                plan: p.id.v.as_str().into(),
                param,
                why: "is not given: give it with --param NAME=VALUE".into(),
            }),
        })
        .collect()
}

/// The definitions of the plans the events bring in, each filled in with the values its
/// reference records.
pub(super) fn definitions(
    cmd: &Command,
    s: &Session,
    bodies: &[crate::domain::event::Body],
) -> super::Joined {
    let plans = joining(cmd, s);
    super::Joined(
        bodies
            .iter()
            .filter_map(|b| match b {
                crate::domain::event::Body::PlanInvoked { plan: r } => plans
                    .iter()
                    .find(|p| p.id.v == r.id.as_str())
                    .map(|p| r.filled((*p).clone())),
                _ => None,
            })
            .collect(),
    )
}
