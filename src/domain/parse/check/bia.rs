//! The business impact analysis and the risk register: RTOs against MTPDs, against the
//! functions a service supports and the services it depends on; functions no service supports;
//! what the risks name, and high risks with no plan or no owner.

use super::{Checker, Ids};
use crate::domain::index::{Index, Service};
use crate::domain::parse::span::{Sp, Span};
use std::collections::{HashMap, HashSet};

/// The ids the BIA and the register may refer to.
pub(super) struct Known<'k, 'a> {
    pub roles: &'k Ids<'a>,
    pub people: &'k Ids<'a>,
    pub sites: &'k Ids<'a>,
    pub vendors: &'k Ids<'a>,
    pub services: &'k Ids<'a>,
    pub plans: &'k Ids<'a>,
}

impl Checker<'_> {
    /// `index.ron:452:18`: where a span is, for a message that points at a second place.
    fn place(&self, span: Span) -> String {
        match self.lib.sources.get(span.file as usize) {
            Some(src) if !src.path.is_empty() => {
                let (line, col) = src.line_col(span.start as usize);
                format!("{}:{line}:{col}", src.path)
            }
            _ => self.lib.origin.clone(),
        }
    }

    /// An owner: a role or a person of the index.
    fn owner(&mut self, o: &Sp<String>, known: &Known, ctx: &dyn std::fmt::Display) {
        if !known.roles.contains(o.v.as_str()) {
            self.exists("role or person", o, known.people, ctx);
        }
    }
}

pub(super) fn check_bia(c: &mut Checker, ix: &Index, known: &Known) {
    let supported: HashSet<&str> = ix
        .services
        .iter()
        .flat_map(|s| s.vbfs.iter().map(|v| v.v.as_str()))
        .collect();
    for v in &ix.vital_business_functions {
        let ctx = format!("vital business function `{}`", v.id);
        if let (Some(rto), Some(mtpd)) = (&v.rto, &v.mtpd)
            && rto.v > mtpd.v
        {
            c.error(
                rto.span,
                format!(
                    "the RTO of vital business function `{}` ({}) is longer than its MTPD ({}, {}): the business would be lost before the function is back; shorten the RTO or check the MTPD",
                    v.id,
                    rto.v,
                    mtpd.v,
                    c.place(mtpd.span)
                ),
                None,
            );
        }
        for w in v.impact_over_time.windows(2) {
            if w[1].after.v <= w[0].after.v {
                c.error(
                    w[1].after.span,
                    format!(
                        "the impact over time of `{}` goes back in time: {} comes after {}; list the points in the order of time",
                        v.id, w[1].after.v, w[0].after.v
                    ),
                    None,
                );
            } else if w[1].level < w[0].level {
                c.warn(
                    w[1].span,
                    format!(
                        "the impact of an outage of `{}` falls from {} to {} after {}: an outage's harm seldom shrinks with time; check the levels",
                        v.id, w[0].level, w[1].level, w[1].after.v
                    ),
                );
            }
        }
        if let Some(o) = &v.owner {
            c.owner(o, known, &ctx);
        }
        c.todo(&v.todo, &ctx);
        if !supported.contains(v.id.v.as_str()) {
            c.warn(
                v.id.span,
                format!(
                    "vital business function `{}` has no service supporting it: list it in the `vbfs` of the services it needs, so impact, order and the report can see it",
                    v.id
                ),
            );
        }
    }
    // a service must be back before the functions it supports need it
    for s in &ix.services {
        let Some(rto) = &s.rto else { continue };
        for vid in &s.vbfs {
            let Some(v) = ix.vbf(vid) else { continue };
            let (limit, what) = match (&v.rto, &v.mtpd) {
                (Some(r), _) => (r, "RTO"),
                (None, Some(m)) => (m, "MTPD"),
                _ => continue,
            };
            if rto.v > limit.v {
                c.error(
                    rto.span,
                    format!(
                        "service `{}` has an RTO of {}, longer than the {what} of {} of vital business function `{}` it supports ({}): it would be back too late for it; shorten the service's RTO, or take `{}` out of its `vbfs`",
                        s.id,
                        rto.v,
                        limit.v,
                        v.id,
                        c.place(limit.span),
                        v.id
                    ),
                    None,
                );
            }
        }
    }
    longer_dependencies(c, ix);
}

/// A service cannot be back before what it depends on: each dependency (directly, or through
/// services that give no RTO) whose RTO is longer than the service's own is an error at the
/// first link of the chain.
fn longer_dependencies(c: &mut Checker, ix: &Index) {
    let by_id: HashMap<&str, &Service> = ix.services.iter().map(|s| (s.id.v.as_str(), s)).collect();
    for s in &ix.services {
        let Some(rto) = &s.rto else { continue };
        for first in &s.depends_on {
            // depth-first through services without an RTO; each reached once
            let mut seen: HashSet<&str> = HashSet::from([s.id.v.as_str()]);
            let mut stack: Vec<Vec<&str>> = vec![vec![first.v.as_str()]];
            while let Some(chain) = stack.pop() {
                let Some(&at) = chain.last() else { continue };
                if !seen.insert(at) {
                    continue;
                }
                let Some(d) = by_id.get(at) else { continue };
                match &d.rto {
                    Some(dr) if dr.v > rto.v => {
                        let path = std::iter::once(s.id.v.as_str())
                            .chain(chain.iter().copied())
                            .map(|x| format!("`{x}`"))
                            .collect::<Vec<_>>()
                            .join(" -> ");
                        c.error(
                            first.span,
                            format!(
                                "service `{}` (RTO {}) depends on `{}` (RTO {}, {}), which cannot be back before it: {path}; shorten the RTO of `{}`, or lengthen that of `{}`",
                                s.id,
                                rto.v,
                                d.id,
                                dr.v,
                                c.place(dr.span),
                                d.id,
                                s.id
                            ),
                            None,
                        );
                    }
                    Some(_) => {}
                    None => {
                        for n in d.depends_on.iter().rev() {
                            let mut next = chain.clone();
                            next.push(n.v.as_str());
                            stack.push(next);
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn check_risks(c: &mut Checker, known: &Known, today: chrono::NaiveDate) {
    let Some(reg) = &c.lib.risks else { return };
    c.unique("risk", reg.risks.iter().map(|r| &r.id));
    for r in &reg.risks {
        let ctx = format!("risk `{}`", r.id);
        for x in &r.sites {
            c.exists("site", x, known.sites, &ctx);
        }
        for x in &r.services {
            c.exists("service", x, known.services, &ctx);
        }
        for x in &r.vendors {
            c.exists("vendor", x, known.vendors, &ctx);
        }
        for x in &r.plans {
            c.exists("plan", x, known.plans, &ctx);
        }
        if let Some(o) = &r.owner {
            c.owner(o, known, &ctx);
        }
        for m in &r.mitigations {
            if let Some(o) = &m.owner {
                c.owner(o, known, &format!("a mitigation of risk `{}`", r.id));
            }
            if let Some(due) = &m.due
                && m.status == crate::domain::risk::MitigationStatus::Planned
                && due.v < today
            {
                c.warn(
                    due.span,
                    format!(
                        "the mitigation \"{}\" of risk `{}` was due on {}: put it in place and mark it `status: Done`, or give a new date",
                        m.what, r.id, due.v
                    ),
                );
            }
        }
        c.todo(&r.todo, &ctx);
        let score = r.score();
        if r.is_high() && r.plans.is_empty() {
            c.warn(
                r.id.span,
                format!(
                    "risk `{}` scores {score} ({}) but no plan answers it: list the plans to follow when it happens in its `plans`",
                    r.id,
                    r.band().word()
                ),
            );
        }
        if r.is_high() && r.owner.is_none() {
            c.warn(
                r.id.span,
                format!(
                    "risk `{}` scores {score} ({}) but has no owner: name the role or person who answers for it in `owner`",
                    r.id,
                    r.band().word()
                ),
            );
        }
        if r.sites.is_empty() && r.services.is_empty() && r.vendors.is_empty() {
            c.warn(
                r.id.span,
                format!(
                    "risk `{}` names nothing it affects: list its `sites`, `services` or `vendors`",
                    r.id
                ),
            );
        }
        if let (Some(due), Some(last)) = (r.review_due(reg.review_interval), &r.last_reviewed)
            && due < today
        {
            c.warn(
                last.span,
                format!(
                    "risk `{}` is overdue for review: last reviewed {}, due {due}",
                    r.id, last.v
                ),
            );
        }
    }
}
