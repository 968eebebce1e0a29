//! Change control: how a plan in the library differs, step by step, from the version a session
//! ran (its snapshot), so a review of an old run says which steps read differently now.

use super::plan::{Plan, Step};
use serde::Serialize;

/// One step that reads differently, and which of its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub step: String,
    pub fields: Vec<&'static str>,
}

/// The step-level difference between two versions of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanDiff {
    pub plan: String,
    /// Steps only in the library's plan.
    pub added: Vec<String>,
    /// Steps only in the version run.
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
    /// The plan's own parts that changed (title, services, parameters...).
    pub plan_fields: Vec<&'static str>,
    /// Steps in another order.
    pub reordered: bool,
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.plan_fields.is_empty()
            && !self.reordered
    }

    /// In a sentence: "steps changed: a (body, commands); added: c; removed: d".
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if !self.changed.is_empty() {
            parts.push(format!(
                "step{} changed: {}",
                if self.changed.len() == 1 { "" } else { "s" },
                self.changed
                    .iter()
                    .map(|c| format!("{} ({})", c.step, c.fields.join(", ")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.added.is_empty() {
            parts.push(format!("added: {}", self.added.join(", ")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("removed: {}", self.removed.join(", ")));
        }
        if self.reordered {
            parts.push("the steps are in another order".into());
        }
        if !self.plan_fields.is_empty() {
            parts.push(format!("the plan's {}", self.plan_fields.join(", ")));
        }
        parts.join("; ")
    }
}

fn same<T: Serialize>(a: &T, b: &T) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

/// The parts of a step that differ.
fn step_fields(a: &Step, b: &Step) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |name: &'static str, differ: bool| {
        if differ {
            out.push(name);
        }
    };
    check("title", a.title != b.title);
    check("body", a.body != b.body);
    check("role", !same(&a.role, &b.role));
    check("notify", !same(&a.notify, &b.notify));
    check("commands", !same(&a.commands, &b.commands));
    check("expected", a.expected != b.expected);
    check("verification", a.verification != b.verification);
    check("estimate", a.estimate != b.estimate);
    check(
        "depends_on",
        !same(&a.depends_on, &b.depends_on) || !same(&a.depends_on_any, &b.depends_on_any),
    );
    check("decision", !same(&a.decision, &b.decision));
    check("due", !same(&a.due, &b.due) || a.every != b.every);
    check("links", !same(&a.links, &b.links));
    check("notes", a.notes != b.notes);
    out
}

/// How `now` (the library's plan) differs from `ran` (the version a session ran, both with the
/// session's parameter values filled in).
pub fn diff(ran: &Plan, now: &Plan) -> PlanDiff {
    let mut d = PlanDiff {
        plan: now.id.v.clone(),
        ..Default::default()
    };
    for s in &now.steps {
        match ran.step(&s.id.v) {
            None => d.added.push(s.id.v.clone()),
            Some(old) => {
                let fields = step_fields(old, s);
                if !fields.is_empty() {
                    d.changed.push(Changed {
                        step: s.id.v.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for s in &ran.steps {
        if now.step(&s.id.v).is_none() {
            d.removed.push(s.id.v.clone());
        }
    }
    let order = |p: &Plan, other: &Plan| -> Vec<String> {
        p.steps
            .iter()
            .filter(|s| other.step(&s.id.v).is_some())
            .map(|s| s.id.v.clone())
            .collect()
    };
    d.reordered = order(ran, now) != order(now, ran);
    let mut plan_field = |name: &'static str, differ: bool| {
        if differ {
            d.plan_fields.push(name);
        }
    };
    plan_field("title", ran.title != now.title);
    plan_field("services", !same(&ran.services, &now.services));
    plan_field(
        "scope",
        ran.scope != now.scope || ran.invoke_when != now.invoke_when,
    );
    plan_field("parameters", ran.parameters.len() != now.parameters.len());
    d
}

/// For each plan a session ran whose file in the library has changed since: how it differs.
/// A plan no longer in the library is left out (the session still has its snapshot).
pub fn since_run(
    s: &super::session::Session,
    lib: &super::parse::library::Library,
) -> Vec<PlanDiff> {
    let mut out = Vec::new();
    for ps in &s.state.plans {
        let Some(now) = lib.plan(ps.id.as_str()) else {
            continue;
        };
        if now.hash == ps.hash {
            continue;
        }
        let Some(ran) = s.plan_def(ps.id.as_str()) else {
            continue;
        };
        let now = now.with_params(&ps.params);
        let d = diff(ran, &now);
        out.push(d);
    }
    out
}
