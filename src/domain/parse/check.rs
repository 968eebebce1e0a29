//! The checks that span files: duplicate ids, references, cycles, decisions, stale plans.

use super::library::Library;
use super::span::{Diagnostic, Severity, Sp, Span};
use crate::domain::plan_extra::{Link, LinkTo};
use crate::domain::scenario::Release;
use std::collections::{HashMap, HashSet};

mod bia;

struct Checker<'a> {
    lib: &'a Library,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, span: Span, msg: String, label: Option<String>) {
        let d = self
            .lib
            .diag_at(Severity::Error, span, msg, label.as_deref());
        self.out.push(d);
    }
    fn warn(&mut self, span: Span, msg: String) {
        let d = self.lib.diag_at(Severity::Warning, span, msg, None);
        self.out.push(d);
    }

    /// Reports ids given twice among objects of one kind.
    fn unique<'i>(&mut self, what: &str, ids: impl IntoIterator<Item = &'i Sp<String>>) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.v.as_str()) {
                let (line, _) =
                    self.lib.sources[first.file as usize].line_col(first.start as usize);
                let first_path = &self.lib.sources[first.file as usize].path;
                let msg = format!(
                    "duplicate {what} id `{}`: it is first used at {first_path}:{line}",
                    id.v
                );
                self.error(id.span, msg, None);
            } else {
                seen.insert(&id.v, id.span);
            }
        }
    }

    /// Reports a reference to an id that does not exist, suggesting a near one.
    fn exists(&mut self, what: &str, r: &Sp<String>, known: &Ids, context: &dyn std::fmt::Display) {
        if known.contains(r.v.as_str()) {
            return;
        }
        // a plan whose file could not be read has its own error already: no echo of it here
        if what == "plan" && self.lib.unreadable_plan(&r.v).is_some() {
            return;
        }
        let hint = known.hint(&r.v);
        let msg = format!("{context} refers to {what} `{}`, which does not exist", r.v);
        self.error(r.span, msg, hint.map(|h| format!("did you mean `{h}`?")));
    }
}

fn ids<'a, T>(items: &'a [T], f: impl Fn(&'a T) -> &'a Sp<String>) -> Ids<'a> {
    Ids::new(items.iter().map(|i| f(i).v.as_str()))
}

/// The ids of one kind, with the index of typo suggestions built the first time a reference
/// to an id not among them is found: one index per kind, never a scan per reference.
struct Ids<'a> {
    set: HashSet<&'a str>,
    ix: std::sync::OnceLock<crate::domain::text::Suggest>,
}

impl<'a> Ids<'a> {
    fn new(ids: impl IntoIterator<Item = &'a str>) -> Ids<'a> {
        Ids {
            set: ids.into_iter().collect(),
            ix: std::sync::OnceLock::new(),
        }
    }

    /// The id a reference to `word` most likely meant, if one is near.
    fn hint(&self, word: &str) -> Option<&str> {
        if self.set.len() <= 32 {
            return crate::domain::text::did_you_mean(word, self.set.iter().copied());
        }
        self.ix
            .get_or_init(|| crate::domain::text::Suggest::new(self.set.iter().copied()))
            .suggest(word)
    }
}

impl<'a> std::ops::Deref for Ids<'a> {
    type Target = HashSet<&'a str>;
    fn deref(&self) -> &HashSet<&'a str> {
        &self.set
    }
}

pub fn check(lib: &mut Library, today: chrono::NaiveDate) {
    let mut c = Checker {
        lib,
        out: Vec::new(),
    };
    let ix = &lib.index;
    let people = ids(&ix.people, |p| &p.id);
    let roles = ids(&ix.roles, |r| &r.id);
    let vendors = ids(&ix.vendors, |v| &v.id);
    let sites = ids(&ix.sites, |s| &s.id);
    let vbfs = ids(&ix.vital_business_functions, |v| &v.id);
    let services = ids(&ix.services, |s| &s.id);
    let plans = ids(&lib.plans, |p| &p.id);
    let documents = ids(&ix.documents, |d| &d.id);

    c.unique("person", ix.people.iter().map(|p| &p.id));
    c.unique("role", ix.roles.iter().map(|p| &p.id));
    c.unique("vendor", ix.vendors.iter().map(|p| &p.id));
    c.unique("site", ix.sites.iter().map(|p| &p.id));
    c.unique(
        "vital business function",
        ix.vital_business_functions.iter().map(|p| &p.id),
    );
    c.unique("service", ix.services.iter().map(|p| &p.id));
    c.unique("document", ix.documents.iter().map(|p| &p.id));
    c.unique("plan", lib.plans.iter().map(|p| &p.id));
    c.unique("scenario", lib.scenarios.iter().map(|p| &p.id));

    for p in &ix.people {
        if let Some(d) = &p.deputy {
            c.exists("person", d, &people, &format!("the deputy of `{}`", p.id));
            if d.v == p.id.v {
                c.error(
                    d.span,
                    format!("`{}` is their own deputy: name someone else", p.id),
                    None,
                );
            }
        }
    }
    for (i, s) in ix.rota.iter().enumerate() {
        let ctx = format!("the on-call shift of `{}`", s.person);
        c.exists("role", &s.role, &roles, &ctx);
        c.exists("person", &s.person, &people, &ctx);
        if let Some(o) = ix.rota[..i]
            .iter()
            .find(|o| o.role.v == s.role.v && o.from < s.to && s.from < o.to)
        {
            c.warn(
                s.span,
                format!(
                    "the on-call shifts of `{}` and `{}` for role `{}` overlap: the one that starts later is shown as on call",
                    o.person, s.person, s.role
                ),
            );
        }
    }
    for r in &ix.roles {
        for p in &r.people {
            c.exists("person", p, &people, &format!("role `{}`", r.id));
        }
        if r.people.is_empty() {
            c.warn(
                r.id.span,
                format!(
                    "role `{}` has nobody to call: list its people in escalation order",
                    r.id
                ),
            );
        }
    }
    // which plans cover which service, from either side
    let mut covered: HashSet<&str> = HashSet::new();
    for p in &lib.plans {
        for s in &p.services {
            covered.insert(&s.v);
        }
    }
    for s in &ix.services {
        let ctx = format!("service `{}`", s.id);
        for v in &s.vbfs {
            c.exists("vital business function", v, &vbfs, &ctx);
        }
        for d in &s.depends_on {
            c.exists("service", d, &services, &ctx);
        }
        for p in &s.plans {
            c.exists("plan", p, &plans, &ctx);
        }
        for x in &s.sites {
            c.exists("site", x, &sites, &ctx);
        }
        for x in &s.vendors {
            c.exists("vendor", x, &vendors, &ctx);
        }
        if let Some(o) = &s.owner {
            c.exists("role", o, &roles, &ctx);
        }
        c.todo(&s.todo, &ctx);
        if s.plans.is_empty() && !covered.contains(s.id.v.as_str()) {
            match &s.rto {
                Some(rto) => c.warn(rto.span, format!("service `{}` has an RTO of {} but no plan restores it: write one, or list it in a plan's `services`", s.id, rto.v)),
                None => c.warn(s.id.span, format!("service `{}` has no plan that restores it: write one, or list it in a plan's `services`", s.id)),
            }
        }
    }
    // service dependency cycles
    let deps: HashMap<&str, Vec<&Sp<String>>> = ix
        .services
        .iter()
        .map(|s| (s.id.v.as_str(), s.depends_on.iter().collect()))
        .collect();
    for cycle in find_cycles(&deps) {
        let names = cycle_names(&cycle);
        c.error(
            cycle[0].span,
            format!("services depend on each other in a circle: {names}"),
            None,
        );
    }
    let known = bia::Known {
        roles: &roles,
        people: &people,
        sites: &sites,
        vendors: &vendors,
        services: &services,
        plans: &plans,
    };
    bia::check_bia(&mut c, ix, &known);
    bia::check_risks(&mut c, &known, today);
    if let Some(inv) = &ix.invocation {
        for r in &inv.who_may_invoke {
            c.exists("role", r, &roles, &"the invocation guideline");
        }
    }

    // plans are independent of each other: check them on every core
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = lib.plans.len().div_ceil(threads).max(1);
    let shared: &Library = lib;
    let per_plan: Vec<Vec<Diagnostic>> = std::thread::scope(|s| {
        let handles: Vec<_> = shared
            .plans
            .chunks(chunk)
            .map(|part| {
                let known = Known {
                    roles: &roles,
                    services: &services,
                    documents: &documents,
                    plans: &plans,
                    people: &people,
                };
                s.spawn(move || {
                    let mut c = Checker {
                        lib: shared,
                        out: Vec::new(),
                    };
                    for p in part {
                        check_plan(&mut c, p, &known, today);
                    }
                    c.out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    c.out.extend(per_plan.into_iter().flatten());
    for s in &lib.scenarios {
        let ctx = format!("scenario `{}`", s.id);
        c.unique("objective", s.objectives.iter().map(|o| &o.id));
        c.unique("inject", s.injects.iter().map(|i| &i.id));
        for p in &s.plans {
            c.exists("plan", p, &plans, &ctx);
        }
        for r in &s.participants {
            c.exists("role", r, &roles, &ctx);
        }
        let injects = ids(&s.injects, |i| &i.id);
        let mut after: HashMap<&str, Vec<&Sp<String>>> = HashMap::new();
        for i in &s.injects {
            if let Release::After { inject, .. } = &i.release {
                c.exists("inject", inject, &injects, &format!("inject `{}`", i.id));
                if inject.v == i.id.v {
                    c.error(
                        inject.span,
                        format!("inject `{}` is released after itself", i.id),
                        None,
                    );
                }
                if inject.v != i.id.v {
                    after.entry(&i.id.v).or_default().push(inject);
                }
            }
        }
        for cycle in find_cycles(&after) {
            let names = cycle_names(&cycle);
            c.error(cycle[0].span, format!("injects are released after each other in a circle, so none of them ever is: {names}"), None);
        }
        if s.objectives.is_empty() {
            c.warn(
                s.id.span,
                format!(
                    "scenario `{}` has no objectives: an exercise is rated against its objectives",
                    s.id
                ),
            );
        }
    }
    let out = std::mem::take(&mut c.out);
    lib.diagnostics.extend(out);
}

/// The ids a plan may refer to.
struct Known<'k, 'a> {
    roles: &'k Ids<'a>,
    services: &'k Ids<'a>,
    documents: &'k Ids<'a>,
    plans: &'k Ids<'a>,
    people: &'k Ids<'a>,
}

impl Checker<'_> {
    fn links(&mut self, links: &[Link], known: &Known, ctx: &dyn std::fmt::Display) {
        for l in links {
            match &l.to {
                LinkTo::Document(d) => self.exists("document", d, known.documents, ctx),
                LinkTo::Plan(p) => self.exists("plan", p, known.plans, ctx),
                LinkTo::Url(_) => {}
            }
        }
    }

    /// An open question is a warning until someone settles it and removes it.
    fn todo(&mut self, todo: &[Sp<String>], ctx: &dyn std::fmt::Display) {
        for t in todo {
            self.warn(
                t.span,
                format!(
                    "TODO ({ctx}): {} (settle it, then remove it from `todo`)",
                    t.v.trim_start_matches("TODO")
                        .trim_start_matches(':')
                        .trim()
                ),
            );
        }
    }
}

fn check_plan(
    c: &mut Checker,
    p: &crate::domain::plan::Plan,
    known: &Known,
    today: chrono::NaiveDate,
) {
    let (roles, services) = (known.roles, known.services);
    let ctx = format!("plan `{}`", p.id);
    c.links(&p.links, known, &ctx);
    c.todo(&p.todo, &ctx);
    for s in &p.services {
        c.exists("service", s, services, &ctx);
    }
    if let Some(o) = &p.owner {
        c.exists("role", o, roles, &ctx);
    }
    c.unique("step", p.steps.iter().map(|s| &s.id));
    check_params(c, p);
    let steps = Ids::new(p.steps.iter().map(|s| s.id.v.as_str()));
    for s in &p.steps {
        let sctx = format!("step `{}`", s.id);
        if let Some(r) = &s.role {
            c.exists("role", r, roles, &sctx);
        }
        for n in &s.notify {
            if !roles.contains(n.v.as_str()) {
                c.exists("role or person", n, known.people, &sctx);
            }
        }
        c.links(&s.links, known, &sctx);
        c.todo(&s.todo, &sctx);
        for d in s.depends_on.iter().chain(&s.depends_on_any) {
            if d.v == s.id.v {
                c.error(d.span, format!("step `{}` depends on itself", s.id), None);
            } else if !steps.contains(d.v.as_str()) {
                let hint = steps.hint(&d.v);
                let msg = format!(
                    "step `{}` depends on `{}`, which is not a step of plan `{}`",
                    s.id, d.v, p.id
                );
                c.error(d.span, msg, hint.map(|h| format!("did you mean `{h}`?")));
            }
        }
        if let Some(dec) = &s.decision {
            if dec.options.len() == 1 {
                c.warn(
                    dec.span,
                    format!("the decision in step `{}` has only one option", s.id),
                );
            }
            for o in &dec.options {
                for n in &o.also {
                    if !steps.contains(n.v.as_str()) {
                        let hint = steps.hint(&n.v);
                        let msg = format!(
                            "option \"{}\" of the decision in step `{}` leads to `{}`, which is not a step of plan `{}`",
                            o.label, s.id, n.v, p.id
                        );
                        c.error(n.span, msg, hint.map(|h| format!("did you mean `{h}`?")));
                    }
                }
                for n in &o.invoke {
                    c.exists(
                        "plan",
                        n,
                        known.plans,
                        &format!("option \"{}\" of the decision in step `{}`", o.label, s.id),
                    );
                    if n.v == p.id.v {
                        c.error(n.span, format!("option \"{}\" invokes its own plan `{}`, which is already in the session", o.label, p.id), None);
                    }
                }
                match &o.next {
                    None if !o.invoke.is_empty() => {}
                    None => c.error(o.span, format!("option \"{}\" of the decision in step `{}` leads nowhere: add `next: \"step-id\"` (or `invoke: \"plan-id\"` to bring in another plan)", o.label, s.id), None),
                    Some(n) if !steps.contains(n.v.as_str()) => {
                        let hint = steps.hint(&n.v);
                        let msg = format!("option \"{}\" of the decision in step `{}` leads to `{}`, which is not a step of plan `{}`", o.label, s.id, n.v, p.id);
                        c.error(n.span, msg, hint.map(|h| format!("did you mean `{h}`?")));
                    }
                    Some(n) if n.v == s.id.v => c.error(n.span, format!("option \"{}\" leads back to its own step `{}`", o.label, s.id), None),
                    _ => {}
                }
            }
        }
    }
    for (d, i, gone, needs) in crate::domain::branches::needed_but_left_out(p) {
        let (Some(dstep), Some(later)) = (p.step(d), p.step(needs)) else {
            continue;
        };
        let Some(opt) = dstep.decision.as_ref().and_then(|x| x.options.get(i)) else {
            continue;
        };
        let at = later
            .depends_on
            .iter()
            .find(|x| x.v == gone)
            .map_or(opt.span, |x| x.span);
        c.warn(
            at,
            format!(
                "choosing \"{}\" in step `{d}` leaves out step `{gone}`, which step `{needs}` (still on that path) depends on: it could never start; use `depends_on_any`, or lead that option to `{gone}` too",
                opt.label
            ),
        );
    }
    let deps: HashMap<&str, Vec<&Sp<String>>> = p
        .steps
        .iter()
        .map(|s| {
            (
                s.id.v.as_str(),
                s.depends_on.iter().filter(|d| d.v != s.id.v).collect(),
            )
        })
        .collect();
    for cycle in find_cycles(&deps) {
        let names = cycle_names(&cycle);
        c.error(
            cycle[0].span,
            format!(
                "steps of plan `{}` depend on each other in a circle, so none can start: {names}",
                p.id
            ),
            None,
        );
    }
    if let (Some(due), Some(last)) = (p.review_due(), &p.last_reviewed)
        && due < today
    {
        c.warn(
            last.span,
            format!(
                "plan `{}` is overdue for review: last reviewed {}, due {due}",
                p.id, last.v
            ),
        );
    }
    if let (Some(due), Some(last)) = (p.test_due(), &p.last_tested)
        && due < today
    {
        c.warn(
            last.span,
            format!(
                "plan `{}` is overdue for a test: last tested {}, due {due}",
                p.id, last.v
            ),
        );
    }
    if p.steps.is_empty() {
        c.warn(p.id.span, format!("plan `{}` has no steps", p.id));
    }
}

/// Parameters: declared once each, used somewhere, and no `{{name}}` left that none declares.
fn check_params(c: &mut Checker, p: &crate::domain::plan::Plan) {
    c.unique("parameter", p.parameters.iter().map(|x| &x.id));
    let declared: HashSet<&str> = p.parameters.iter().map(|x| x.id.v.as_str()).collect();
    let mut used: HashSet<String> = HashSet::new();
    let mut unknown: Vec<(String, String, Span)> = Vec::new();
    for (at, span, text) in p.texts() {
        for (name, _) in crate::domain::params::placeholders(text) {
            if declared.contains(name) {
                used.insert(name.to_string());
            } else if !unknown.iter().any(|(n, a, _)| n == name && *a == at) {
                unknown.push((name.to_string(), at.clone(), span));
            }
        }
    }
    for (name, at, span) in unknown {
        let id = crate::domain::text::slug(&name, 40);
        let hint = crate::domain::text::did_you_mean(&name, declared.iter().copied());
        let fix = match hint {
            Some(h) => format!("did you mean `{{{{{h}}}}}`?"),
            None => format!(
                "declare it in the plan's `parameters: [(id: \"{id}\", ask: \"...\")]` to have it asked when the plan joins a session, or it is shown as written"
            ),
        };
        c.warn(
            span,
            format!(
                "`{{{{{name}}}}}` in {at} of plan `{}` is not one of its parameters: {fix}",
                p.id
            ),
        );
    }
    for x in &p.parameters {
        if !used.contains(&x.id.v) {
            c.warn(
                x.id.span,
                format!(
                    "parameter `{}` of plan `{}` is never used: write `{{{{{}}}}}` where its value belongs, or remove it",
                    x.id, p.id, x.id
                ),
            );
        }
    }
}

/// Each elementary circle in a dependency graph, once, as the references that make it up (the
/// first reference is where the error is reported). Only references to known nodes count.
fn find_cycles<'a>(graph: &HashMap<&'a str, Vec<&'a Sp<String>>>) -> Vec<Vec<&'a Sp<String>>> {
    // iterative DFS with colours; a back edge closes a cycle
    let mut nodes: Vec<&str> = graph.keys().copied().collect();
    nodes.sort();
    let mut colour: HashMap<&str, u8> = HashMap::new();
    let mut cycles = Vec::new();
    for &start in &nodes {
        if colour.contains_key(start) {
            continue;
        }
        // stack of (node, next edge index); path of edges taken
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        let mut path: Vec<&Sp<String>> = Vec::new();
        colour.insert(start, 1);
        while let Some(&mut (node, ref mut i)) = stack.last_mut() {
            let edges = graph.get(node).map(|v| v.as_slice()).unwrap_or(&[]);
            if *i < edges.len() {
                let e = edges[*i];
                *i += 1;
                if !graph.contains_key(e.v.as_str()) {
                    continue;
                }
                match colour.get(e.v.as_str()) {
                    None => {
                        colour.insert(&e.v, 1);
                        path.push(e);
                        stack.push((&e.v, 0));
                    }
                    Some(1) => {
                        // back edge: the cycle is the path from e's node to here, plus e
                        let from = stack.iter().position(|(n, _)| *n == e.v).unwrap_or(0);
                        let mut cyc: Vec<&Sp<String>> = path[from..].to_vec();
                        cyc.push(e);
                        cycles.push(cyc);
                    }
                    _ => {}
                }
            } else {
                colour.insert(node, 2);
                stack.pop();
                path.pop();
            }
        }
    }
    cycles
}

/// `a` -> `b` -> `a`: the circle as people read it, starting and ending at the same id.
fn cycle_names(cycle: &[&Sp<String>]) -> String {
    cycle
        .last()
        .into_iter()
        .chain(cycle.iter())
        .map(|s| format!("`{}`", s.v))
        .collect::<Vec<_>>()
        .join(" -> ")
}
