//! The parts of the IT Service Continuity Report a board reads first: the gaps, the business
//! impact analysis, the risk heat map and register, the coverage of each vital business
//! function (services, plans, last test, the last exercise's recovery time against the RTO),
//! the dependency picture and the recovery order. Pure: the library and the sessions' facts in.

use super::doc::Doc;
use super::facts::Facts;
use crate::domain::impact;
use crate::domain::index::{Level, Vbf};
use crate::domain::risk::{Band, IMPACT, LIKELIHOOD, Register, Risk};
use crate::domain::session::Session;
use crate::domain::time::Minutes;
use crate::domain::{Library, Plan};
use chrono::NaiveDate;

/// The plans that restore a service: its own `plans` and the plans that list it.
pub fn plans_of<'a>(lib: &'a Library, sid: &str) -> Vec<&'a Plan> {
    lib.plans
        .iter()
        .filter(|p| {
            p.services.iter().any(|s| s.v == sid)
                || lib
                    .index
                    .service(sid)
                    .is_some_and(|s| s.plans.iter().any(|x| x.v == p.id.v))
        })
        .map(|p| &**p)
        .collect()
}

/// A plan counts as tested when it has a test date and the test is not overdue.
pub fn tested(p: &Plan, today: NaiveDate) -> bool {
    p.last_tested.is_some() && p.test_due().is_none_or(|d| d >= today)
}

fn services_of<'a>(lib: &'a Library, v: &Vbf) -> Vec<&'a str> {
    lib.index
        .services
        .iter()
        .filter(|s| s.vbfs.iter().any(|x| x.v == v.id.v))
        .map(|s| s.id.v.as_str())
        .collect()
}

fn vbf_plans<'a>(lib: &'a Library, v: &Vbf) -> Vec<&'a Plan> {
    let mut out: Vec<&Plan> = Vec::new();
    for s in services_of(lib, v) {
        for p in plans_of(lib, s) {
            if !out.iter().any(|x| x.id.v == p.id.v) {
                out.push(p);
            }
        }
    }
    out
}

/// How a function fared in the last exercise that recovered any of its services.
pub struct Exercised {
    pub title: String,
    pub date: NaiveDate,
    /// The services of the function the exercise covered.
    pub covered: Vec<String>,
    /// Minutes from the (exercise) declaration until the last of them was back; `None` when
    /// one was not.
    pub actual: Option<i64>,
    /// met, missed or open
    pub outcome: &'static str,
}

pub fn last_exercise(lib: &Library, v: &Vbf, sessions: &[(Session, Facts)]) -> Option<Exercised> {
    let services = services_of(lib, v);
    let (o, f) = sessions
        .iter()
        .filter(|(o, f)| {
            o.state.is_exercise() && f.rto.iter().any(|r| services.contains(&r.service.as_str()))
        })
        .max_by_key(|(o, _)| o.state.started_at)?;
    let rows: Vec<_> = f
        .rto
        .iter()
        .filter(|r| services.contains(&r.service.as_str()))
        .collect();
    // each service's recovery in minutes from T+0 (the exercise clock) or from the declaration
    let mins: Vec<Option<i64>> = rows
        .iter()
        .map(|r| match (r.restored_ex_ms, r.restored_at) {
            (Some(ms), _) => Some(ms / 60_000),
            (None, Some(t)) if r.deadline_ex_ms.is_none() => {
                Some((t - o.state.declared_at).num_minutes())
            }
            _ => None,
        })
        .collect();
    let actual = mins
        .iter()
        .copied()
        .collect::<Option<Vec<i64>>>()
        .map(|v| v.into_iter().max().unwrap_or(0));
    let limit = v.rto.as_ref().map(|r| r.v.0 as i64);
    let outcome = match (actual, limit) {
        (Some(a), Some(l)) if a <= l => "met",
        (Some(_), Some(_)) => "missed",
        (Some(_), None) if rows.iter().all(|r| r.outcome == "met") => "met",
        (Some(_), None) => "missed",
        (None, _) if rows.iter().any(|r| r.outcome == "missed") => "missed",
        (None, _) => "open",
    };
    Some(Exercised {
        title: f.title.clone(),
        date: o.state.started_at.date_naive(),
        covered: rows.iter().map(|r| r.service.clone()).collect(),
        actual,
        outcome,
    })
}

/// Items one a line, each after a bullet (in Markdown, one line).
fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("• {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn minutes(m: i64) -> String {
    Minutes(m.clamp(0, u32::MAX as i64) as u32).to_string()
}

/// One gap: what kind, what it concerns, what to do.
type Gap = (u8, String, String, String);

/// Every gap, most urgent first: a function with no service or no plan, missed or never
/// exercised; a high risk with no plan or no owner; a risk overdue for review; the library's
/// own errors.
pub fn gaps(lib: &Library, sessions: &[(Session, Facts)], today: NaiveDate) -> Vec<Vec<String>> {
    let mut out: Vec<Gap> = Vec::new();
    if lib.errors() > 0 {
        out.push((
            0,
            "library errors".into(),
            lib.label(),
            format!(
                "{} error(s): run `muster check` and fix them; this report shows what could be read",
                lib.errors()
            ),
        ));
    }
    for v in &lib.index.vital_business_functions {
        let what = format!("VBF {} ({})", v.name, v.id.v);
        let services = services_of(lib, v);
        let plans = vbf_plans(lib, v);
        if services.is_empty() {
            out.push((
                1,
                "no service".into(),
                what,
                "no service names it in its `vbfs`: its recovery cannot be planned".into(),
            ));
            continue;
        }
        if plans.is_empty() {
            out.push((
                1,
                "no plan".into(),
                what.clone(),
                format!("no plan restores {}", services.join(", ")),
            ));
        } else if !plans.iter().any(|p| tested(p, today)) {
            out.push((
                2,
                "no tested plan".into(),
                what.clone(),
                format!(
                    "plans {} are untested or overdue for a test",
                    plans
                        .iter()
                        .map(|p| p.id.v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        match last_exercise(lib, v, sessions) {
            Some(e) if e.outcome == "missed" => out.push((
                1,
                "RTO missed in exercise".into(),
                what.clone(),
                format!(
                    "{} on {}: {} against an RTO of {}",
                    e.title,
                    e.date,
                    e.actual.map_or("not recovered".into(), minutes),
                    v.rto.as_ref().map_or("-".into(), |r| r.v.to_string())
                ),
            )),
            None => out.push((
                3,
                "never exercised".into(),
                what.clone(),
                "no exercise recorded on this machine recovered its services".into(),
            )),
            _ => {}
        }
        if v.mtpd.is_none() || v.impact_over_time.is_empty() {
            out.push((
                4,
                "no impact analysis".into(),
                what,
                "give it `impact_over_time` and `mtpd` (docs/FORMAT.md)".into(),
            ));
        }
    }
    for p in &lib.plans {
        let status = p.review_status(today);
        if status != "ok" {
            out.push((
                2,
                status.clone(),
                format!("plan {} ({})", p.title, p.id.v),
                match (p.review_due(), p.test_due()) {
                    (Some(r), _) if r < today => format!("review was due {r}"),
                    (_, Some(t)) if t < today => format!("test was due {t}"),
                    _ => "record when it was last tested, and test it".into(),
                },
            ));
        }
    }
    if let Some(reg) = &lib.risks {
        for r in reg.by_score() {
            let what = format!("risk {} ({} {})", r.id.v, r.score(), r.band().word());
            if r.is_high() && r.plans.is_empty() {
                out.push((
                    1,
                    "high risk, no plan".into(),
                    what.clone(),
                    r.threat.clone(),
                ));
            }
            if r.is_high() && r.owner.is_none() {
                out.push((
                    1,
                    "high risk, no owner".into(),
                    what.clone(),
                    r.threat.clone(),
                ));
            }
            if let Some(due) = r.review_due(reg.review_interval)
                && due < today
            {
                out.push((3, "risk review overdue".into(), what, format!("due {due}")));
            }
        }
    }
    out.sort_by_key(|g| g.0);
    out.into_iter().map(|(_, a, b, c)| vec![a, b, c]).collect()
}

/// The points in time the BIA table shows: every one the functions give when they are few,
/// else a fixed ladder.
fn bia_times(lib: &Library) -> Vec<Minutes> {
    let mut t: Vec<Minutes> = lib
        .index
        .vital_business_functions
        .iter()
        .flat_map(|v| v.impact_over_time.iter().map(|p| p.after.v))
        .collect();
    t.sort();
    t.dedup();
    if t.len() > 6 {
        t = [60, 240, 720, 1440, 4320, 10080].map(Minutes).to_vec();
    }
    t
}

pub fn bia(d: &mut Doc, lib: &Library) {
    d.h2("Business impact analysis");
    let vbfs = &lib.index.vital_business_functions;
    if vbfs.is_empty() {
        d.para("The index names no vital business function: list them under `vital_business_functions` (docs/FORMAT.md).");
        return;
    }
    let times = bia_times(lib);
    let mut sorted: Vec<&Vbf> = vbfs.iter().collect();
    sorted.sort_by_key(|v| {
        (
            v.priority.as_ref().map_or(u32::MAX, |p| p.v),
            v.rto.as_ref().map_or(u32::MAX, |r| r.v.0),
        )
    });
    let mut head: Vec<String> = ["Function", "Priority", "RTO", "MTPD"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    head.extend(times.iter().map(|t| format!("after {t}")));
    let rows: Vec<Vec<(String, u8)>> = sorted
        .iter()
        .map(|v| {
            let mut row = vec![
                (v.name.clone(), 0),
                (
                    v.priority.as_ref().map_or("-".into(), |p| p.v.to_string()),
                    0,
                ),
                (v.rto.as_ref().map_or("-".into(), |r| r.v.to_string()), 0),
                (v.mtpd.as_ref().map_or("-".into(), |r| r.v.to_string()), 0),
            ];
            for &t in &times {
                // past the MTPD the business is lost, whatever the scale says
                let past = v.mtpd.as_ref().is_some_and(|m| t > m.v);
                row.push(match v.level_at(t) {
                    _ if past => ("past MTPD".into(), 5),
                    Some(l) => (l.word().to_string(), l.score()),
                    None => ("-".into(), 0),
                });
            }
            row
        })
        .collect();
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    d.tinted(&refs, rows, false);
    d.para(format!(
        "Impact scale: {}. Each cell is the impact an outage has reached by then; the MTPD is the longest the business can bear it.",
        Level::ALL
            .iter()
            .map(|l| format!("{} {}", l.score(), l.word()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let strategies: Vec<Vec<String>> = sorted
        .iter()
        .filter(|v| v.strategy.is_some() || !v.recovery_options.is_empty() || v.owner.is_some())
        .map(|v| {
            vec![
                v.id.v.clone(),
                v.owner
                    .as_ref()
                    .map(|o| {
                        lib.index
                            .person(o)
                            .map_or(lib.index.role_title(o).to_string(), |p| p.name.clone())
                    })
                    .unwrap_or_default(),
                v.strategy.clone().unwrap_or_default(),
                bullets(&v.recovery_options),
            ]
        })
        .collect();
    if !strategies.is_empty() {
        d.h3("Recovery strategies");
        d.table(&["Function", "Owner", "Strategy", "Options"], strategies);
    }
}

/// The tone of a heat map cell: by the band of its score.
fn tone(score: u8) -> u8 {
    match Band::of(score) {
        Band::Low => 1,
        Band::Medium => 3,
        Band::High => 4,
        Band::VeryHigh => 5,
    }
}

/// The 5x5 heat map: likelihood down (almost certain at the top), impact across; each cell
/// holds the risks there.
pub fn heat_map(reg: &Register) -> (Vec<String>, Vec<Vec<(String, u8)>>) {
    let mut head = vec!["Likelihood ↓ impact →".to_string()];
    head.extend(
        IMPACT
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{} {w}", i + 1)),
    );
    let rows = (1..=5u8)
        .rev()
        .map(|l| {
            let mut row = vec![(format!("{l} {}", LIKELIHOOD[l as usize - 1]), 0)];
            for i in 1..=5u8 {
                let here: Vec<&str> = reg
                    .by_score()
                    .into_iter()
                    .filter(|r| r.likelihood.v == l && r.impact.v == i)
                    .map(|r| r.id.v.as_str())
                    .collect();
                let text = if here.is_empty() {
                    String::new()
                } else {
                    here.join(", ")
                };
                row.push((text, tone(l * i)));
            }
            row
        })
        .collect();
    (head, rows)
}

pub fn risks(d: &mut Doc, lib: &Library, today: NaiveDate) {
    d.h2("Risk register and heat map");
    let Some(reg) = &lib.risks else {
        d.para("The library has no risk register: write one in risks.ron beside index.ron (docs/FORMAT.md).");
        return;
    };
    let (head, rows) = heat_map(reg);
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    d.tinted(&refs, rows, true);
    d.para("Score = likelihood x impact: 1-4 low, 5-9 medium, 10-16 high, 20-25 very high. A high risk needs an owner and a plan.");
    let rows: Vec<Vec<String>> = reg
        .by_score()
        .iter()
        .map(|r: &&Risk| {
            let affects: Vec<&str> = r
                .sites
                .iter()
                .chain(&r.services)
                .chain(&r.vendors)
                .map(|x| x.v.as_str())
                .collect();
            let mitigations: Vec<String> = r
                .mitigations
                .iter()
                .map(|m| {
                    let who = m
                        .owner
                        .as_ref()
                        .map(|o| format!(" ({})", o.v))
                        .unwrap_or_default();
                    match (m.status, &m.due) {
                        (crate::domain::risk::MitigationStatus::Planned, Some(due)) => {
                            format!("{}{who}, planned for {}", m.what, due.v)
                        }
                        (crate::domain::risk::MitigationStatus::Planned, None) => {
                            format!("{}{who}, planned", m.what)
                        }
                        _ => format!("{}{who}", m.what),
                    }
                })
                .collect();
            let reviewed = match (&r.last_reviewed, r.review_due(reg.review_interval)) {
                (Some(l), Some(due)) if due < today => format!("{}, OVERDUE", l.v),
                (Some(l), _) => l.v.to_string(),
                (None, _) => "never".into(),
            };
            vec![
                format!(
                    "{} ({} {}, {}x{})",
                    r.id.v,
                    r.score(),
                    r.band().word(),
                    r.likelihood.v,
                    r.impact.v
                ),
                r.threat.clone(),
                affects.join(", "),
                r.owner.as_ref().map_or("NO OWNER".into(), |o| o.v.clone()),
                if r.plans.is_empty() {
                    "none".into()
                } else {
                    r.plans
                        .iter()
                        .map(|p| p.v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                bullets(&mitigations),
                reviewed,
            ]
        })
        .collect();
    d.h3("The register, highest score first");
    d.table(
        &[
            "Risk",
            "Threat",
            "Affects",
            "Owner",
            "Plans",
            "Mitigations",
            "Reviewed",
        ],
        rows,
    );
    d.landscape(2);
}

pub fn coverage(d: &mut Doc, lib: &Library, sessions: &[(Session, Facts)], today: NaiveDate) {
    let before = d.blocks.len();
    d.h2("Coverage of the vital business functions");
    let vbfs = &lib.index.vital_business_functions;
    if vbfs.is_empty() {
        d.para("No vital business function to cover.");
        return;
    }
    let rows: Vec<Vec<String>> = vbfs
        .iter()
        .map(|v| {
            let plans = vbf_plans(lib, v);
            let last_tested = plans
                .iter()
                .filter_map(|p| p.last_tested.as_ref().map(|t| (t.v, tested(p, today))))
                .max_by_key(|(t, _)| *t);
            let ex = last_exercise(lib, v, sessions);
            let services = services_of(lib, v);
            vec![
                format!("{} ({})", v.name, v.id.v),
                v.rto.as_ref().map_or("-".into(), |r| r.v.to_string()),
                if services.is_empty() {
                    "none".into()
                } else {
                    services.join(", ")
                },
                if plans.is_empty() {
                    "none".into()
                } else {
                    plans
                        .iter()
                        .map(|p| p.id.v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                match last_tested {
                    Some((t, true)) => t.to_string(),
                    Some((t, false)) => format!("{t}, overdue"),
                    None => "never".into(),
                },
                match &ex {
                    Some(e) if e.covered.len() < services.len() => format!(
                        "{}, {} ({} of {} services: {})",
                        e.title,
                        e.date,
                        e.covered.len(),
                        services.len(),
                        e.covered.join(", ")
                    ),
                    Some(e) => format!("{}, {}", e.title, e.date),
                    None => "none".into(),
                },
                match &ex {
                    Some(e) => format!(
                        "{} / {}",
                        e.actual.map_or("not recovered".into(), minutes),
                        v.rto.as_ref().map_or("-".into(), |r| r.v.to_string())
                    ),
                    None => "-".into(),
                },
                match &ex {
                    Some(e) if e.outcome == "missed" => "MISSED".into(),
                    Some(e) => e.outcome.to_string(),
                    None => "not exercised".into(),
                },
            ]
        })
        .collect();
    d.table(
        &[
            "Function",
            "RTO",
            "Services",
            "Plans",
            "Last tested",
            "Last exercise",
            "Recovered / RTO",
            "Result",
        ],
        rows,
    );
    d.para("Recovered: from the declaration (T+0 on an exercise's clock) until the last of the function's services the exercise covered was back.");
    let n = d.blocks.len() - before;
    d.landscape(n);
}

/// The dependency picture (drawn, or in words for a large library) and the recovery order.
pub fn picture(d: &mut Doc, lib: &Library) {
    if lib.index.services.is_empty() {
        return;
    }
    let order = impact::library_order(lib);
    d.h2("Dependency picture");
    let text = super::graph::text(lib);
    match super::graph::svg(lib, &order) {
        Some(svg) => {
            d.para("Each vital business function, the services it needs (those that need others on the left), and the sites and vendors they run on. An arrow points at what is needed.");
            d.figure(svg, text);
            d.landscape(3);
        }
        None => {
            d.para(format!(
                "{} services are too many to draw legibly; in words:",
                lib.index.services.len()
            ));
            d.pre(text);
        }
    }
    d.h2("Recovery order");
    d.para("Dependencies first, then the earliest deadline: a service is needed by the shortest RTO of the services that depend on it. A tier's services can be worked on side by side.");
    let rows: Vec<Vec<String>> = order
        .services
        .iter()
        .enumerate()
        .map(|(n, s)| {
            vec![
                (n + 1).to_string(),
                format!("{} ({})", s.name, s.id),
                s.tier.to_string(),
                s.rto.map_or("-".into(), |m| m.to_string()),
                s.needed_by.map_or("-".into(), |m| m.to_string()),
                s.waits_for.join(", "),
                s.plans.join(", "),
            ]
        })
        .collect();
    d.table(
        &["#", "Service", "Tier", "RTO", "Needed by", "Needs", "Plans"],
        rows,
    );
}
