//! What two standards expect a plan to hold, and which of it a plan lacks: ISO 22301:2019
//! (business continuity plans, 8.4.4 and around it) and NIST SP 800-34 Rev. 1 (the information
//! system contingency plan, chapter 4). Each missing element is a warning at the plan; the
//! mapping from the plan format to the standards' words is in docs/STANDARDS.md.

use super::parse::library::Library;
use super::parse::span::Span;
use super::plan::{Plan, PlanKind};
use super::plan_extra::LinkTo;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    Iso22301,
    Nist80034,
}

impl Standard {
    pub fn name(self) -> &'static str {
        match self {
            Standard::Iso22301 => "ISO 22301",
            Standard::Nist80034 => "NIST SP 800-34",
        }
    }
}

/// The elements of a plan the standards expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    PurposeScope,
    Activation,
    Roles,
    Communication,
    RecoverySteps,
    ReturnToNormal,
    Contacts,
    TestReview,
}

impl Element {
    pub const ALL: [Element; 8] = [
        Element::PurposeScope,
        Element::Activation,
        Element::Roles,
        Element::Communication,
        Element::RecoverySteps,
        Element::ReturnToNormal,
        Element::Contacts,
        Element::TestReview,
    ];

    /// What the standard calls it, and where it asks for it.
    pub fn words(self, std: Standard) -> (&'static str, &'static str) {
        use Element::*;
        match (std, self) {
            (Standard::Iso22301, PurposeScope) => ("purpose and scope", "8.4.4.3 a"),
            (Standard::Iso22301, Activation) => ("activation criteria", "8.4.4.3 d"),
            (Standard::Iso22301, Roles) => {
                ("roles, responsibilities and authority", "8.4.2, 8.4.4.3 b")
            }
            (Standard::Iso22301, Communication) => ("communication", "8.4.3, 8.4.4.3 d"),
            (Standard::Iso22301, RecoverySteps) => {
                ("actions to implement the solutions", "8.4.4.3 c")
            }
            (Standard::Iso22301, ReturnToNormal) => {
                ("standing down and return to normal", "8.4.4.3 h, 8.4.5")
            }
            (Standard::Iso22301, Contacts) => ("contact details of the teams", "8.4.2, 8.4.3"),
            (Standard::Iso22301, TestReview) => ("exercising and review", "8.5, 8.6"),
            (Standard::Nist80034, PurposeScope) => {
                ("purpose and scope (supporting information)", "4.1")
            }
            (Standard::Nist80034, Activation) => ("activation criteria", "4.2"),
            (Standard::Nist80034, Roles) => ("roles, responsibilities and authority", "4.1"),
            (Standard::Nist80034, Communication) => ("notification procedures", "4.2"),
            (Standard::Nist80034, RecoverySteps) => ("recovery procedures", "4.3"),
            (Standard::Nist80034, ReturnToNormal) => ("reconstitution and deactivation", "4.4"),
            (Standard::Nist80034, Contacts) => ("contact lists", "4.5"),
            (Standard::Nist80034, TestReview) => ("testing and plan maintenance", "3.5, 3.6"),
        }
    }
}

/// A missing element of one plan: where to point, and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub element: Element,
    pub span: Span,
    pub message: String,
}

static COMMUNICATION: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(communicat|notif|inform|announc|brief|statement|call tree|cascade|tell|report (it |this |the \w+ )?to|let \w+ know|update the (staff|customers|users|board|team|incident commander))")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});
static RETURN: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)(return to normal|back to normal|normal operation|fail ?back|fail-back|reconstitut|stand(ing)?[ -]down|deactivat|business as usual|resum|reopen|revert|clean ?up|switch ?back|close the (incident|session))")
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
});

/// The elements `std` expects that `plan` lacks, each a gap at the plan.
pub fn plan_gaps(lib: &Library, plan: &Plan, std: Standard) -> Vec<Gap> {
    let ix = &lib.index;
    let at = plan.id.span;
    let mut out = Vec::new();
    let mut gap = |element: Element, span: Span, what: String| {
        let (name, clause) = element.words(std);
        out.push(Gap {
            element,
            span,
            message: format!(
                "{} {clause} expects {name}: plan `{}` {what}",
                std.name(),
                plan.id
            ),
        });
    };
    let texts = || {
        plan.phases
            .iter()
            .map(String::as_str)
            .chain(plan.steps.iter().flat_map(|s| {
                std::iter::once(s.title.as_str())
                    .chain(s.body.as_deref())
                    .chain(s.expected.as_deref())
            }))
    };
    if plan.scope.as_deref().is_none_or(|s| s.trim().is_empty())
        && plan.about.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        gap(
            Element::PurposeScope,
            at,
            "has no `scope` (what it covers and what it does not) or `about`: add one".into(),
        );
    }
    if plan
        .invoke_when
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        gap(
            Element::Activation,
            at,
            "has no `invoke_when`: say when the plan is activated, and on whose decision".into(),
        );
    }
    match &plan.owner {
        None => gap(
            Element::Roles,
            at,
            "has no `owner`: name the role that answers for it and may activate it".into(),
        ),
        Some(_) => {
            let without: Vec<&str> = plan
                .steps
                .iter()
                .filter(|s| s.role.is_none())
                .map(|s| s.id.v.as_str())
                .collect();
            if let Some(first) = plan.steps.iter().find(|s| s.role.is_none()) {
                gap(
                    Element::Roles,
                    first.id.span,
                    format!(
                        "has {} step(s) without a `role` ({}): say who does each",
                        without.len(),
                        ellipsis_list(&without)
                    ),
                );
            }
        }
    }
    let communicates = plan.kind == PlanKind::Communication
        || plan.steps.iter().any(|s| !s.notify.is_empty())
        || plan
            .links
            .iter()
            .chain(plan.steps.iter().flat_map(|s| s.links.iter()))
            .any(|l| match &l.to {
                LinkTo::Plan(p) => lib
                    .plan(p)
                    .is_some_and(|x| x.kind == PlanKind::Communication),
                _ => false,
            })
        || plan.steps.iter().any(|s| {
            s.decision.as_ref().is_some_and(|d| {
                d.options.iter().flat_map(|o| &o.invoke).any(|p| {
                    lib.plan(p)
                        .is_some_and(|x| x.kind == PlanKind::Communication)
                })
            })
        })
        || texts().any(|t| COMMUNICATION.is_match(t));
    if !communicates {
        gap(
            Element::Communication,
            at,
            "says nothing about who is told what: add a step that notifies (`notify: [...]`), or link the communication plan".into(),
        );
    }
    if plan.steps.is_empty() {
        gap(
            Element::RecoverySteps,
            at,
            "has no steps: write the recovery steps in order, each with who does it".into(),
        );
    }
    let returns = texts()
        .chain(plan.scope.as_deref())
        .chain(plan.about.as_deref())
        .any(|t| RETURN.is_match(t));
    if !returns {
        gap(
            Element::ReturnToNormal,
            at,
            "does not say how it ends: add a last phase or step that stands down and returns to normal operation (failback, deactivation of the workaround)".into(),
        );
    }
    // every role the plan names has someone to call, with a phone
    let mut roles: Vec<&super::parse::span::Sp<String>> = plan.owner.iter().collect();
    roles.extend(plan.steps.iter().filter_map(|s| s.role.as_ref()));
    let mut unreachable: Vec<(&str, Span)> = Vec::new();
    for r in roles {
        if unreachable.iter().any(|(x, _)| *x == r.v) {
            continue;
        }
        let callable = ix
            .contacts_for_role(&r.v)
            .iter()
            .any(|p| !p.phones.is_empty());
        if !callable {
            unreachable.push((&r.v, r.span));
        }
    }
    if let Some(&(_, span)) = unreachable.first() {
        let names: Vec<&str> = unreachable.iter().map(|(r, _)| *r).collect();
        gap(
            Element::Contacts,
            span,
            format!(
                "names role(s) nobody in the index can be called for ({}): list their people, with phones, in the index",
                ellipsis_list(&names)
            ),
        );
    }
    let missing: Vec<&str> = [
        (plan.last_tested.is_none(), "`last_tested`"),
        (plan.test_interval.is_none(), "`test_interval`"),
        (plan.last_reviewed.is_none(), "`last_reviewed`"),
        (plan.review_interval.is_none(), "`review_interval`"),
    ]
    .into_iter()
    .filter(|(m, _)| *m)
    .map(|(_, w)| w)
    .collect();
    if !missing.is_empty() {
        gap(
            Element::TestReview,
            at,
            format!(
                "has no {}: record when it was last tested and reviewed, and how often it must be",
                missing.join(", ")
            ),
        );
    }
    out
}

fn ellipsis_list(ids: &[&str]) -> String {
    if ids.len() <= 4 {
        ids.join(", ")
    } else {
        format!("{}, and {} more", ids[..3].join(", "), ids.len() - 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InputFile;

    fn lib(plan: &str) -> Library {
        let index = r#"Index(organisation: (name: "T"),
            people: [Person(id: "ann", name: "Ann", phones: ["1"])],
            roles: [Role(id: "lead", title: "Lead", people: ["ann"]), Role(id: "ghost", title: "Nobody", people: [])],
        )"#;
        Library::load(
            "t",
            false,
            vec![
                InputFile {
                    rel: "index.ron".into(),
                    shown: "index.ron".into(),
                    bytes: index.as_bytes().to_vec(),
                },
                InputFile {
                    rel: "plans/p.ron".into(),
                    shown: "plans/p.ron".into(),
                    bytes: plan.as_bytes().to_vec(),
                },
            ],
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        )
    }

    #[test]
    fn a_bare_plan_lacks_everything_but_its_steps() {
        let l = lib(
            r#"Plan(id: "p", title: "P", steps: [Step(id: "a", title: "Restart it", role: "ghost")])"#,
        );
        let gaps = plan_gaps(&l, &l.plans[0], Standard::Iso22301);
        let els: Vec<Element> = gaps.iter().map(|g| g.element).collect();
        assert_eq!(
            els,
            [
                Element::PurposeScope,
                Element::Activation,
                Element::Roles,
                Element::Communication,
                Element::ReturnToNormal,
                Element::Contacts,
                Element::TestReview
            ]
        );
        assert!(
            gaps[1].message.starts_with(
                "ISO 22301 8.4.4.3 d expects activation criteria: plan `p` has no `invoke_when`"
            ),
            "{}",
            gaps[1].message
        );
        let nist = plan_gaps(&l, &l.plans[0], Standard::Nist80034);
        assert!(
            nist[4].message.contains("reconstitution"),
            "{}",
            nist[4].message
        );
    }

    #[test]
    fn a_complete_plan_has_no_gap() {
        let l = lib(
            r#"Plan(id: "p", title: "P", owner: "lead", scope: "The web shop.",
            invoke_when: "The shop is down for 30 minutes.",
            last_reviewed: "2026-10-01", review_interval: "1 year", last_tested: "2026-06-01", test_interval: "1 year",
            steps: [
                Step(id: "a", title: "Fail over", role: "lead", notify: ["ann"]),
                Step(id: "b", title: "Fail back and return to normal operation", role: "lead"),
            ])"#,
        );
        assert_eq!(plan_gaps(&l, &l.plans[0], Standard::Nist80034), []);
    }
}
