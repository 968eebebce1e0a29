//! "This is gone": what losing a site, a service or a vendor takes down (every service hit
//! directly or through what it depends on, the vital business functions behind them, the plans
//! to invoke), and the order to bring services back: dependencies first, then the earliest
//! deadline. Pure: the index and the plans in, ids out.
//!
//! A service's deadline is the time by which it must be back: its own RTO, or sooner when a
//! service that needs it must be back sooner (a database that a 2-hour service depends on is
//! needed within 2 hours whatever its own RTO says). Services are brought back dependencies
//! first; among those whose dependencies are back, the earliest deadline first, then the
//! higher priority of the vital business functions they serve, then the index's order.

use super::index::{Index, Level};
use super::parse::library::Library;
use super::time::Minutes;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

/// What kind of thing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Site,
    Service,
    Vendor,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Site => "site",
            Kind::Service => "service",
            Kind::Vendor => "vendor",
        }
    }
}

/// An id the index does not hold, with the nearest one it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("there is no {} `{id}` in the index{}", kind.word(), match (near, known) {
    (Some(n), _) => format!(": did you mean `{n}`?"),
    (None, 0) => format!(" (it has no {}s)", kind.word()),
    (None, _) => format!("; `muster index` lists its {}s", kind.word()),
})]
pub struct Unknown {
    pub kind: Kind,
    pub id: String,
    pub near: Option<String>,
    pub known: usize,
}

/// A service hit by the loss.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceHit {
    pub id: String,
    pub name: String,
    pub rto: Option<Minutes>,
    pub rpo: Option<Minutes>,
    /// Hit by the loss itself (it runs at the site, uses the vendor, or is the service lost),
    /// rather than through what it depends on.
    pub direct: bool,
    /// How it is hit when not directly: the chain of dependencies from a service hit directly
    /// to this one (`dns`, `core-db`, `tms`).
    pub through: Vec<String>,
    /// The other sites it runs at, where it may be recovered (a site lost).
    pub elsewhere: Vec<String>,
    /// When it must be back: its RTO, or sooner when a service that needs it must be.
    pub needed_by: Option<Minutes>,
    /// Its recovery tier: 0 needs nothing else that is hit; n needs tier n-1.
    pub tier: usize,
    /// What it depends on that is hit too.
    pub waits_for: Vec<String>,
    pub plans: Vec<String>,
    pub vbfs: Vec<String>,
}

/// A vital business function behind the services hit.
#[derive(Debug, Clone, Serialize)]
pub struct VbfHit {
    pub id: String,
    pub name: String,
    pub rto: Option<Minutes>,
    pub mtpd: Option<Minutes>,
    pub priority: Option<u32>,
    /// How bad it is when its RTO runs out (from its impact over time).
    pub at_rto: Option<Level>,
    /// The services hit that it needs, in recovery order.
    pub services: Vec<String>,
}

/// A plan that restores a service hit.
#[derive(Debug, Clone, Serialize)]
pub struct PlanHit {
    pub id: String,
    pub title: String,
    /// The services hit that it restores, in recovery order.
    pub services: Vec<String>,
}

/// What a loss takes down. The id arrays (`services`, `vbfs`, `plans`, `order`) are for
/// scripts; the `*_details` carry the rest.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    /// Every service hit, in the index's order.
    pub services: Vec<String>,
    /// The vital business functions hit, highest priority (then shortest RTO) first.
    pub vbfs: Vec<String>,
    /// The plans to invoke, in the order of the first service each restores.
    pub plans: Vec<String>,
    /// The services hit in recovery order: every one after all it depends on.
    pub order: Vec<String>,
    /// The same, tier by tier: a tier's services can be worked on side by side.
    pub tiers: Vec<Vec<String>>,
    /// The risks of the register that name what is lost or a service hit, highest score first.
    pub risks: Vec<String>,
    pub service_details: Vec<ServiceHit>,
    pub vbf_details: Vec<VbfHit>,
    pub plan_details: Vec<PlanHit>,
}

/// The whole library's recovery order.
#[derive(Debug, Clone, Serialize)]
pub struct Order {
    /// Every service once, each after all it depends on.
    pub order: Vec<String>,
    /// The same, tier by tier.
    pub tiers: Vec<Vec<String>>,
    pub services: Vec<ServiceHit>,
    /// Services in a dependency circle (an error of `check`): put last, in the index's order.
    pub in_cycles: Vec<String>,
}

/// The services as a graph of positions in the index: built once per question.
struct Graph<'a> {
    ix: &'a Index,
    pos: HashMap<&'a str, usize>,
    /// What each service depends on (known services, each once, never itself).
    deps: Vec<Vec<usize>>,
    /// Which services depend on each.
    users: Vec<Vec<usize>>,
    /// The best (lowest) priority of the functions each supports directly.
    priority: Vec<u32>,
}

impl<'a> Graph<'a> {
    fn new(ix: &'a Index) -> Graph<'a> {
        let n = ix.services.len();
        let mut pos = HashMap::with_capacity(n);
        for (i, s) in ix.services.iter().enumerate() {
            pos.entry(s.id.v.as_str()).or_insert(i);
        }
        let vbf_priority: HashMap<&str, u32> = ix
            .vital_business_functions
            .iter()
            .filter_map(|v| v.priority.as_ref().map(|p| (v.id.v.as_str(), p.v)))
            .collect();
        let mut deps = vec![Vec::new(); n];
        let mut users = vec![Vec::new(); n];
        let mut priority = vec![u32::MAX; n];
        for (i, s) in ix.services.iter().enumerate() {
            for d in &s.depends_on {
                if let Some(&j) = pos.get(d.v.as_str())
                    && j != i
                    && !deps[i].contains(&j)
                {
                    deps[i].push(j);
                    users[j].push(i);
                }
            }
            priority[i] = s
                .vbfs
                .iter()
                .filter_map(|v| vbf_priority.get(v.v.as_str()).copied())
                .min()
                .unwrap_or(u32::MAX);
        }
        Graph {
            ix,
            pos,
            deps,
            users,
            priority,
        }
    }

    fn rto(&self, i: usize) -> u32 {
        self.ix.services[i].rto.as_ref().map_or(u32::MAX, |r| r.v.0)
    }

    fn id(&self, i: usize) -> String {
        self.ix.services[i].id.v.clone()
    }

    /// The recovery order of the services marked in `hit`: (order, tiers, deadline and
    /// priority as propagated, the services left in circles).
    fn order(&self, hit: &[bool]) -> Ranked {
        let n = hit.len();
        let members: Vec<usize> = (0..n).filter(|&i| hit[i]).collect();
        let deps_in = |i: usize| self.deps[i].iter().copied().filter(move |&j| hit[j]);
        let users_in = |i: usize| self.users[i].iter().copied().filter(move |&j| hit[j]);
        // deadlines and priorities flow from those who need a service to the service:
        // dependents first (Kahn over the reversed edges)
        let mut needed = vec![u32::MAX; n];
        let mut prio = vec![u32::MAX; n];
        let mut waiting: Vec<usize> = vec![0; n];
        for &i in &members {
            needed[i] = self.rto(i);
            prio[i] = self.priority[i];
            waiting[i] = users_in(i).count();
        }
        let mut queue: VecDeque<usize> = members
            .iter()
            .copied()
            .filter(|&i| waiting[i] == 0)
            .collect();
        while let Some(i) = queue.pop_front() {
            for j in deps_in(i) {
                needed[j] = needed[j].min(needed[i]);
                prio[j] = prio[j].min(prio[i]);
                waiting[j] -= 1;
                if waiting[j] == 0 {
                    queue.push_back(j);
                }
            }
        }
        // then dependencies first, the earliest deadline first among those ready
        let key = |i: usize| Reverse((needed[i], prio[i], self.rto(i), i));
        let mut left: Vec<usize> = vec![0; n];
        let mut heap = BinaryHeap::new();
        for &i in &members {
            left[i] = deps_in(i).count();
            if left[i] == 0 {
                heap.push(key(i));
            }
        }
        let mut tier = vec![0usize; n];
        let mut order = Vec::with_capacity(members.len());
        let mut placed = vec![false; n];
        while let Some(Reverse((_, _, _, i))) = heap.pop() {
            placed[i] = true;
            order.push(i);
            for j in users_in(i) {
                tier[j] = tier[j].max(tier[i] + 1);
                left[j] -= 1;
                if left[j] == 0 {
                    heap.push(key(j));
                }
            }
        }
        let in_cycles: Vec<usize> = members.iter().copied().filter(|&i| !placed[i]).collect();
        let top = order.iter().map(|&i| tier[i]).max().unwrap_or(0);
        for &i in &in_cycles {
            tier[i] = top + 1;
        }
        order.extend(&in_cycles);
        let mut tiers: Vec<Vec<usize>> = Vec::new();
        for &i in &order {
            if tiers.len() <= tier[i] {
                tiers.resize(tier[i] + 1, Vec::new());
            }
            tiers[tier[i]].push(i);
        }
        tiers.retain(|t| !t.is_empty());
        Ranked {
            order,
            tiers,
            needed,
            tier,
            in_cycles,
        }
    }

    fn hit_rows(
        &self,
        lib: &Library,
        r: &Ranked,
        how: &dyn Fn(usize) -> (bool, Vec<String>, Vec<String>),
        hit: &[bool],
    ) -> Vec<ServiceHit> {
        let plans = plans_by_service(lib);
        r.order
            .iter()
            .map(|&i| {
                let s = &self.ix.services[i];
                let (direct, through, elsewhere) = how(i);
                ServiceHit {
                    id: s.id.v.clone(),
                    name: s.name.clone(),
                    rto: s.rto.as_ref().map(|x| x.v),
                    rpo: s.rpo.as_ref().map(|x| x.v),
                    direct,
                    through,
                    elsewhere,
                    needed_by: (r.needed[i] != u32::MAX).then_some(Minutes(r.needed[i])),
                    tier: r.tier[i],
                    waits_for: self.deps[i]
                        .iter()
                        .filter(|&&j| hit[j])
                        .map(|&j| self.id(j))
                        .collect(),
                    plans: plans.get(s.id.v.as_str()).cloned().unwrap_or_default(),
                    vbfs: s.vbfs.iter().map(|v| v.v.clone()).collect(),
                }
            })
            .collect()
    }
}

struct Ranked {
    order: Vec<usize>,
    tiers: Vec<Vec<usize>>,
    needed: Vec<u32>,
    tier: Vec<usize>,
    in_cycles: Vec<usize>,
}

/// For each service id, the plans that restore it: the service's own `plans`, then the plans
/// that list it in their `services`, each once.
fn plans_by_service(lib: &Library) -> HashMap<&str, Vec<String>> {
    let mut out: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &lib.index.services {
        let v = out.entry(s.id.v.as_str()).or_default();
        for p in &s.plans {
            if !v.contains(&p.v) {
                v.push(p.v.clone());
            }
        }
    }
    for p in &lib.plans {
        for s in &p.services {
            let v = out.entry(s.v.as_str()).or_default();
            if !v.contains(&p.id.v) {
                v.push(p.id.v.clone());
            }
        }
    }
    out
}

/// The whole library's recovery order, with tiers.
pub fn library_order(lib: &Library) -> Order {
    let g = Graph::new(&lib.index);
    let hit = vec![true; lib.index.services.len()];
    let r = g.order(&hit);
    let services = g.hit_rows(lib, &r, &|_| (true, Vec::new(), Vec::new()), &hit);
    Order {
        order: r.order.iter().map(|&i| g.id(i)).collect(),
        tiers: r
            .tiers
            .iter()
            .map(|t| t.iter().map(|&i| g.id(i)).collect())
            .collect(),
        services,
        in_cycles: r.in_cycles.iter().map(|&i| g.id(i)).collect(),
    }
}

/// What losing `id` (a site, a service or a vendor) takes down.
pub fn impact(lib: &Library, kind: Kind, id: &str) -> Result<Impact, Unknown> {
    let ix = &lib.index;
    let (name, known): (Option<&str>, Vec<&str>) = match kind {
        Kind::Site => (
            ix.site(id).map(|s| s.name.as_str()),
            ix.sites.iter().map(|s| s.id.v.as_str()).collect(),
        ),
        Kind::Service => (
            ix.service(id).map(|s| s.name.as_str()),
            ix.services.iter().map(|s| s.id.v.as_str()).collect(),
        ),
        Kind::Vendor => (
            ix.vendor(id).map(|s| s.name.as_str()),
            ix.vendors.iter().map(|s| s.id.v.as_str()).collect(),
        ),
    };
    let Some(name) = name else {
        let near = if known.len() > 32 {
            super::text::Suggest::new(known.iter().copied())
                .suggest(id)
                .map(str::to_string)
        } else {
            super::text::did_you_mean(id, known.iter().copied()).map(str::to_string)
        };
        return Err(Unknown {
            kind,
            id: id.to_string(),
            near,
            known: known.len(),
        });
    };
    let g = Graph::new(ix);
    let n = ix.services.len();
    let direct: Vec<bool> = ix
        .services
        .iter()
        .map(|s| match kind {
            Kind::Site => s.sites.iter().any(|x| x.v == id),
            Kind::Vendor => s.vendors.iter().any(|x| x.v == id),
            Kind::Service => s.id.v == id,
        })
        .collect();
    // everything that depends on a service hit, however far: breadth first, so each keeps
    // its shortest chain
    let mut hit = direct.clone();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| direct[i]).collect();
    while let Some(i) = queue.pop_front() {
        for &j in &g.users[i] {
            if !hit[j] {
                hit[j] = true;
                parent[j] = Some(i);
                queue.push_back(j);
            }
        }
    }
    let r = g.order(&hit);
    let how = |i: usize| {
        let mut chain = Vec::new();
        if !direct[i] {
            let mut at = Some(i);
            while let Some(k) = at {
                chain.push(g.id(k));
                at = parent[k];
            }
            chain.reverse();
        }
        let elsewhere = match kind {
            Kind::Site if direct[i] => ix.services[i]
                .sites
                .iter()
                .filter(|x| x.v != id)
                .map(|x| x.v.clone())
                .collect(),
            _ => Vec::new(),
        };
        (direct[i], chain, elsewhere)
    };
    let service_details = g.hit_rows(lib, &r, &how, &hit);
    let rank: HashMap<&str, usize> = service_details
        .iter()
        .enumerate()
        .map(|(k, s)| (s.id.as_str(), k))
        .collect();
    // the functions behind them, each with the services hit that it needs (in recovery order)
    let mut needs: HashMap<&str, Vec<String>> = HashMap::new();
    for s in &service_details {
        for v in &s.vbfs {
            let list = needs.entry(v.as_str()).or_default();
            if !list.contains(&s.id) {
                list.push(s.id.clone());
            }
        }
    }
    let mut vbf_details: Vec<VbfHit> = ix
        .vital_business_functions
        .iter()
        .filter_map(|v| {
            let services = needs.get(v.id.v.as_str())?.clone();
            Some(VbfHit {
                id: v.id.v.clone(),
                name: v.name.clone(),
                rto: v.rto.as_ref().map(|x| x.v),
                mtpd: v.mtpd.as_ref().map(|x| x.v),
                priority: v.priority.as_ref().map(|x| x.v),
                at_rto: v.rto.as_ref().and_then(|r| v.level_at(r.v)),
                services,
            })
        })
        .collect();
    vbf_details.sort_by_key(|v| {
        (
            v.priority.unwrap_or(u32::MAX),
            v.rto.map_or(u32::MAX, |m| m.0),
            v.id.clone(),
        )
    });
    // the plans that restore them, in the order of the first service each restores
    let titles: HashMap<&str, &str> = lib
        .plans
        .iter()
        .map(|p| (p.id.v.as_str(), p.title.as_str()))
        .collect();
    let mut plan_details: Vec<PlanHit> = Vec::new();
    let mut plan_at: HashMap<String, usize> = HashMap::new();
    for s in &service_details {
        for p in &s.plans {
            match plan_at.get(p) {
                Some(&k) => plan_details[k].services.push(s.id.clone()),
                None => {
                    plan_at.insert(p.clone(), plan_details.len());
                    plan_details.push(PlanHit {
                        id: p.clone(),
                        title: titles
                            .get(p.as_str())
                            .map(|t| t.to_string())
                            .unwrap_or_default(),
                        services: vec![s.id.clone()],
                    });
                }
            }
        }
    }
    let risks = lib
        .risks
        .as_ref()
        .map(|reg| {
            reg.by_score()
                .into_iter()
                .filter(|r| {
                    let named = match kind {
                        Kind::Site => r.sites.iter().any(|x| x.v == id),
                        Kind::Vendor => r.vendors.iter().any(|x| x.v == id),
                        Kind::Service => false,
                    };
                    named || r.services.iter().any(|x| rank.contains_key(x.v.as_str()))
                })
                .map(|r| r.id.v.clone())
                .collect()
        })
        .unwrap_or_default();
    Ok(Impact {
        kind,
        id: id.to_string(),
        name: name.to_string(),
        services: (0..n).filter(|&i| hit[i]).map(|i| g.id(i)).collect(),
        vbfs: vbf_details.iter().map(|v| v.id.clone()).collect(),
        plans: plan_details.iter().map(|p| p.id.clone()).collect(),
        order: service_details.iter().map(|s| s.id.clone()).collect(),
        tiers: r
            .tiers
            .iter()
            .map(|t| t.iter().map(|&i| g.id(i)).collect())
            .collect(),
        risks,
        service_details,
        vbf_details,
        plan_details,
    })
}

/// A service of an incident, for the commander: when it must be back, and what it still waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting<T> {
    pub service: String,
    pub deadline: T,
    pub restored: bool,
    /// What it depends on that is in the incident and not restored yet.
    pub waits_for: Vec<String>,
}

/// The services of an incident (each with its deadline), soonest deadline first, each marked
/// with the dependencies in the incident that are not restored yet: a service whose dependency
/// is down cannot be brought back, whatever its deadline says.
pub fn overview<T: Ord + Clone>(
    ix: &Index,
    deadlines: &[(String, T)],
    restored: &HashSet<String>,
) -> Vec<Waiting<T>> {
    let g = Graph::new(ix);
    let in_incident: HashSet<&str> = deadlines.iter().map(|(s, _)| s.as_str()).collect();
    let mut out: Vec<Waiting<T>> = deadlines
        .iter()
        .map(|(sid, at)| {
            let waits_for = g
                .pos
                .get(sid.as_str())
                .map(|&i| {
                    g.deps[i]
                        .iter()
                        .map(|&j| g.id(j))
                        .filter(|d| in_incident.contains(d.as_str()) && !restored.contains(d))
                        .collect()
                })
                .unwrap_or_default();
            Waiting {
                service: sid.clone(),
                deadline: at.clone(),
                restored: restored.contains(sid),
                waits_for,
            }
        })
        .collect();
    let index_pos = |s: &str| g.pos.get(s).copied().unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        a.deadline
            .cmp(&b.deadline)
            .then(index_pos(&a.service).cmp(&index_pos(&b.service)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InputFile;

    fn lib(index: &str) -> Library {
        Library::load(
            "t",
            false,
            vec![InputFile {
                rel: "index.ron".into(),
                shown: "index.ron".into(),
                bytes: index.as_bytes().to_vec(),
            }],
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        )
    }

    /// dns <- db <- app <- portal; auth <- app; a vendor behind dns; two sites.
    fn sample() -> Library {
        lib(r#"Index(
            organisation: (name: "T"),
            vendors: [Vendor(id: "dnsco", name: "DNS Co")],
            sites: [Site(id: "a", name: "A", kind: Primary), Site(id: "b", name: "B", kind: Recovery)],
            vital_business_functions: [
                Vbf(id: "sell", name: "Selling", rto: "4h", mtpd: "1d", priority: 1,
                    impact_over_time: [("1h", Low), ("4h", High, "orders lost"), ("1d", Severe)]),
                Vbf(id: "pay", name: "Payroll", rto: "3d", priority: 2),
            ],
            services: [
                Service(id: "portal", name: "Portal", vbfs: ["sell"], rto: "12h", depends_on: ["app"], sites: ["b"]),
                Service(id: "app", name: "App", vbfs: ["sell"], rto: "4h", depends_on: ["db", "auth"], sites: ["a", "b"]),
                Service(id: "db", name: "DB", rto: "8h", depends_on: ["dns"], sites: ["a"]),
                Service(id: "auth", name: "Auth", rto: "2h", depends_on: ["dns"], sites: ["a"]),
                Service(id: "dns", name: "DNS", rto: "1h", sites: ["a", "b"], vendors: ["dnsco"]),
                Service(id: "payroll", name: "Payroll", vbfs: ["pay"], rto: "3d", sites: ["a"]),
            ],
        )"#)
    }

    fn before(order: &[String], a: &str, b: &str) -> bool {
        let p = |x: &str| order.iter().position(|s| s == x).unwrap_or(usize::MAX);
        p(a) < p(b)
    }

    #[test]
    fn losing_dns_takes_down_everything_that_needs_it_however_far() {
        let l = sample();
        let i = impact(&l, Kind::Service, "dns").unwrap();
        for s in ["dns", "db", "auth", "app", "portal"] {
            assert!(
                i.services.contains(&s.to_string()),
                "{s} in {:?}",
                i.services
            );
        }
        assert!(!i.services.contains(&"payroll".to_string()));
        assert_eq!(i.vbfs, ["sell"]);
        let portal = i.service_details.iter().find(|s| s.id == "portal").unwrap();
        assert!(!portal.direct);
        assert_eq!(portal.through.first().map(String::as_str), Some("dns"));
        assert_eq!(portal.through.last().map(String::as_str), Some("portal"));
        assert_eq!(i.order[0], "dns");
    }

    #[test]
    fn the_order_puts_dependencies_first_then_the_earliest_deadline() {
        let l = sample();
        let o = library_order(&l);
        assert_eq!(o.order.len(), 6);
        for s in &l.index.services {
            for d in &s.depends_on {
                assert!(
                    before(&o.order, &d.v, &s.id.v),
                    "{} before {}: {:?}",
                    d.v,
                    s.id.v,
                    o.order
                );
            }
        }
        // db's own RTO is 8h, but app (4h) needs it: it is needed by 4h, before portal (12h)
        let db = o.services.iter().find(|s| s.id == "db").unwrap();
        assert_eq!(db.needed_by, Some(Minutes(240)));
        // auth (2h) comes before db (needed by 4h)
        assert!(before(&o.order, "auth", "db"), "{:?}", o.order);
        // payroll (3d, no dependency) comes last though it could start at once
        assert_eq!(o.order.last().map(String::as_str), Some("payroll"));
        assert_eq!(o.tiers[0], ["dns", "payroll"]);
        assert_eq!(o.tiers.len(), 4);
    }

    #[test]
    fn losing_a_site_names_where_else_a_service_runs() {
        let l = sample();
        let i = impact(&l, Kind::Site, "a").unwrap();
        let app = i.service_details.iter().find(|s| s.id == "app").unwrap();
        assert!(app.direct);
        assert_eq!(app.elsewhere, ["b"]);
        // portal runs at b only, but needs app
        assert!(i.services.contains(&"portal".to_string()));
        assert_eq!(i.vbfs, ["sell", "pay"]);
        let sell = &i.vbf_details[0];
        assert_eq!(sell.at_rto, Some(Level::High));
    }

    #[test]
    fn a_vendor_and_an_unknown_id() {
        let l = sample();
        let i = impact(&l, Kind::Vendor, "dnsco").unwrap();
        assert_eq!(i.order.first().map(String::as_str), Some("dns"));
        let e = impact(&l, Kind::Service, "dsn").unwrap_err();
        assert_eq!(e.near.as_deref(), Some("dns"));
        assert_eq!(
            e.to_string(),
            "there is no service `dsn` in the index: did you mean `dns`?"
        );
        let e = impact(&l, Kind::Site, "zzzzzz").unwrap_err();
        assert!(
            e.to_string().contains("`muster index` lists its sites"),
            "{e}"
        );
    }

    #[test]
    fn a_circle_is_put_last_and_named() {
        let l = lib(r#"Index(organisation: (name: "T"), services: [
            Service(id: "x", name: "X", depends_on: ["y"]),
            Service(id: "y", name: "Y", depends_on: ["x"]),
            Service(id: "z", name: "Z"),
        ])"#);
        let o = library_order(&l);
        assert_eq!(o.order, ["z", "x", "y"]);
        assert_eq!(o.in_cycles, ["x", "y"]);
    }

    #[test]
    fn the_commander_sees_deadlines_first_and_what_each_waits_for() {
        let l = sample();
        let deadlines: Vec<(String, u32)> = vec![
            ("portal".into(), 720),
            ("app".into(), 240),
            ("db".into(), 480),
            ("dns".into(), 60),
        ];
        let restored: HashSet<String> = ["dns".to_string()].into();
        let o = overview(&l.index, &deadlines, &restored);
        let ids: Vec<&str> = o.iter().map(|w| w.service.as_str()).collect();
        assert_eq!(ids, ["dns", "app", "db", "portal"]);
        assert!(o[0].restored);
        // auth is not in the incident: not waited for
        assert_eq!(o[1].waits_for, ["db"]);
        assert!(o[2].waits_for.is_empty(), "dns is back");
        assert_eq!(o[3].waits_for, ["app"]);
    }

    mod property {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any acyclic library: every service once, each after all it depends on.
            #[test]
            fn every_service_comes_after_all_it_depends_on(
                edges in proptest::collection::vec((0usize..40, 0usize..40), 0..120),
                rtos in proptest::collection::vec(0u32..5000, 40),
            ) {
                let mut services = String::new();
                for (i, rto) in rtos.iter().enumerate() {
                    // only edges to a lower number: no circle
                    let deps: Vec<String> = edges
                        .iter()
                        .filter(|(a, b)| *a == i && b < a)
                        .map(|(_, b)| format!("\"s{b}\""))
                        .collect();
                    services.push_str(&format!(
                        "Service(id: \"s{i}\", name: \"S\", rto: \"{}m\", depends_on: [{}]),",
                        rto,
                        deps.join(",")
                    ));
                }
                let l = lib(&format!("Index(organisation: (name: \"T\"), services: [{services}])"));
                let o = library_order(&l);
                prop_assert_eq!(o.order.len(), 40);
                let mut seen = HashSet::new();
                for id in &o.order {
                    prop_assert!(seen.insert(id.clone()), "{} twice", id);
                    let s = l.index.service(id).unwrap();
                    for d in &s.depends_on {
                        prop_assert!(seen.contains(&d.v), "{} before its dependency {}", id, d.v);
                    }
                }
                // and the tiers hold the same services
                let flat: Vec<&String> = o.tiers.iter().flatten().collect();
                prop_assert_eq!(flat.len(), 40);
                // an impact's order keeps the same property
                let i = impact(&l, Kind::Service, "s0").unwrap();
                let mut seen = HashSet::new();
                for id in &i.order {
                    for d in &l.index.service(id).unwrap().depends_on {
                        prop_assert!(!i.services.contains(&d.v) || seen.contains(&d.v));
                    }
                    seen.insert(id.clone());
                }
            }
        }
    }
}
