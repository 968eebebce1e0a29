//! Which steps of a plan the decisions taken leave out: exactly the steps reachable only through
//! an option not taken. A step is on the path when it is a start (no dependencies, no option
//! leads to it), when a taken option (or an option of a decision not yet taken, that is still on
//! the path) leads to it, or when it comes after a step on the path other than a decision that
//! routes to it by its options. So branches that rejoin are on the path again, a step several
//! options lead to stays whichever of them is taken, and a step also reached another way is never
//! left out. Used by the fold (what a session shows as "not on the chosen branch") and by `check`.

use super::plan::Plan;
use std::collections::{HashMap, HashSet};

/// The steps left out when the decisions in `taken` (decision step id -> index of the option
/// taken) are taken. Decisions not in `taken` keep all their options open.
pub fn left_out<'p>(plan: &'p Plan, taken: &HashMap<&str, usize>) -> HashSet<&'p str> {
    if taken.is_empty() {
        return HashSet::new();
    }
    // for each step, the decisions whose options lead to it: (decision step, is it taken there)
    let mut routed: HashMap<&str, Vec<(&str, bool)>> = HashMap::new();
    for s in &plan.steps {
        let Some(d) = &s.decision else { continue };
        let chosen = taken.get(s.id.v.as_str());
        for (i, o) in d.options.iter().enumerate() {
            for t in o.targets() {
                let open = chosen.is_none_or(|c| *c == i);
                let e = routed.entry(t.v.as_str()).or_default();
                match e.iter_mut().find(|(d, _)| *d == s.id.v.as_str()) {
                    Some(x) => x.1 |= open,
                    None => e.push((s.id.v.as_str(), open)),
                }
            }
        }
    }
    let mut on: HashSet<&str> = HashSet::new();
    loop {
        let before = on.len();
        for s in &plan.steps {
            let id = s.id.v.as_str();
            if on.contains(id) {
                continue;
            }
            let routes = routed.get(id).map(Vec::as_slice).unwrap_or(&[]);
            let start = routes.is_empty() && s.depends_on.is_empty() && s.depends_on_any.is_empty();
            let by_option = routes.iter().any(|(d, open)| *open && on.contains(d));
            let after = s
                .depends_on
                .iter()
                .chain(&s.depends_on_any)
                .any(|d| on.contains(d.v.as_str()) && !routes.iter().any(|(r, _)| *r == d.v));
            if start || by_option || after {
                on.insert(id);
            }
        }
        if on.len() == before {
            break;
        }
    }
    plan.steps
        .iter()
        .map(|s| s.id.v.as_str())
        .filter(|id| !on.contains(id))
        .collect()
}

/// For `check`: (decision step, option index, step left out, step on that path that needs it),
/// for every option that leaves out a step that a step still on its path depends on.
pub fn needed_but_left_out(plan: &Plan) -> Vec<(&str, usize, &str, &str)> {
    let mut out = Vec::new();
    for s in &plan.steps {
        let Some(d) = &s.decision else { continue };
        for i in 0..d.options.len() {
            let taken = HashMap::from([(s.id.v.as_str(), i)]);
            let out_set = left_out(plan, &taken);
            for later in plan
                .steps
                .iter()
                .filter(|x| !out_set.contains(x.id.v.as_str()))
            {
                // an all-of dependency left out can never be finished (any-of needs just one)
                if let Some(dep) = later
                    .depends_on
                    .iter()
                    .find(|dep| out_set.contains(dep.v.as_str()))
                {
                    out.push((s.id.v.as_str(), i, dep.v.as_str(), later.id.v.as_str()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse::library::{InputFile, parse_file};

    fn plan(steps: &str) -> Plan {
        let f = InputFile {
            rel: "plans/p.ron".into(),
            shown: "p.ron".into(),
            bytes: format!("Plan(id: \"p\", title: \"P\", steps: [{steps}])").into_bytes(),
        };
        parse_file(&f).0.expect("test plan parses")
    }

    fn out(p: &Plan, decision: &str, option: usize) -> Vec<String> {
        let mut v: Vec<String> = left_out(p, &HashMap::from([(decision, option)]))
            .into_iter()
            .map(String::from)
            .collect();
        v.sort();
        v
    }

    const FORK: &str = r#"
        Step(id: "q", title: "Q", decision: Decision(question: "?", options: [
            (label: "A", next: "a"), (label: "B", next: "b")])),
        Step(id: "a", title: "A", depends_on: ["q"]),
        Step(id: "a2", title: "A2", depends_on: ["a"]),
        Step(id: "b", title: "B", depends_on: ["q"]),
        Step(id: "join", title: "Join", depends_on_any: ["a2", "b"]),
        Step(id: "after", title: "After", depends_on: ["join"]),
        Step(id: "free", title: "Free"),
    "#;

    #[test]
    fn branches_that_rejoin_are_on_the_path_again() {
        let p = plan(FORK);
        assert_eq!(out(&p, "q", 0), ["b"]);
        assert_eq!(out(&p, "q", 1), ["a", "a2"]);
        assert!(
            left_out(&p, &HashMap::new()).is_empty(),
            "nothing decided, nothing left out"
        );
    }

    #[test]
    fn an_option_may_lead_to_several_steps_and_a_shared_step_stays() {
        let p = plan(
            r#"
            Step(id: "q", title: "Q", decision: Decision(question: "?", options: [
                (label: "Restore", next: ["restore", "notify"]),
                (label: "Rebuild", next: ["rebuild", "notify"]),
                (label: "Wait", next: "wait")])),
            Step(id: "restore", title: "R", depends_on: ["q"]),
            Step(id: "rebuild", title: "B", depends_on: ["q"]),
            Step(id: "notify", title: "N", depends_on: ["q"]),
            Step(id: "wait", title: "W", depends_on: ["q"]),
        "#,
        );
        assert_eq!(out(&p, "q", 0), ["rebuild", "wait"]);
        assert_eq!(out(&p, "q", 1), ["restore", "wait"]);
        assert_eq!(out(&p, "q", 2), ["notify", "rebuild", "restore"]);
    }

    #[test]
    fn a_target_also_reached_another_way_is_never_left_out() {
        let p = plan(
            r#"
            Step(id: "prep", title: "P"),
            Step(id: "q", title: "Q", depends_on: ["prep"], decision: Decision(question: "?", options: [
                (label: "A", next: "a"), (label: "B", next: "b")])),
            Step(id: "a", title: "A", depends_on: ["q"]),
            Step(id: "b", title: "B", depends_on: ["q", "prep"]),
        "#,
        );
        // b comes after prep too, which is on every path
        assert_eq!(out(&p, "q", 0), Vec::<String>::new());
        assert_eq!(out(&p, "q", 1), ["a"]);
    }

    #[test]
    fn check_finds_a_step_that_needs_one_an_option_leaves_out() {
        let p = plan(
            r#"
            Step(id: "q", title: "Q", decision: Decision(question: "?", options: [
                (label: "A", next: "a"), (label: "B", next: "b")])),
            Step(id: "a", title: "A", depends_on: ["q"]),
            Step(id: "b", title: "B", depends_on: ["q"]),
            Step(id: "both", title: "Both", depends_on: ["a", "b"]),
        "#,
        );
        let found = needed_but_left_out(&p);
        assert!(found.contains(&("q", 0, "b", "both")), "{found:?}");
        assert!(found.contains(&("q", 1, "a", "both")), "{found:?}");
        assert!(needed_but_left_out(&plan(FORK)).is_empty());
    }
}
