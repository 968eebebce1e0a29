//! The IT Service Continuity Report: the state of the plans, the coverage of services and vital
//! business functions, the latest exercises and the incidents.

use super::doc::Doc;
use super::facts::{Facts, utc};
use crate::domain::event::{ActionStatus, ObservationKind};
use crate::domain::session::Session;
use crate::domain::session::improve::{ActionRow, tracking_order};
use crate::domain::{Library, Plan};

use super::continuity::{self, plans_of, tested};

pub fn report_doc(lib: &Library, sessions: &[(Session, Facts)], today: chrono::NaiveDate) -> Doc {
    let mut d = Doc::new(format!(
        "IT Service Continuity Report: {}",
        lib.index.organisation.name
    ));
    d.running_header = Some(format!(
        "IT Service Continuity Report · {} · {today}",
        lib.index.organisation.name
    ));
    let overdue: Vec<&Plan> = lib
        .plans
        .iter()
        .filter(|p| p.review_status(today) != "ok")
        .map(|p| &**p)
        .collect();
    let exercises = sessions
        .iter()
        .filter(|(o, _)| o.state.is_exercise())
        .count();
    let gaps = continuity::gaps(lib, sessions, today);
    let mut facts = vec![
        ("Date".into(), today.to_string()),
        ("Library".into(), lib.label()),
        (
            "Plans".into(),
            format!("{} ({} need attention)", lib.plans.len(), overdue.len()),
        ),
        (
            "Sessions".into(),
            format!(
                "{}, {}",
                super::review::plural(sessions.len() - exercises, "incident", "incidents"),
                super::review::plural(exercises, "exercise", "exercises")
            ),
        ),
    ];
    if let Some(reg) = &lib.risks {
        let high = reg.risks.iter().filter(|r| r.is_high()).count();
        facts.push((
            "Risks".into(),
            format!("{} ({high} high or very high)", reg.risks.len()),
        ));
    }
    facts.push((
        "Gaps".into(),
        if gaps.is_empty() {
            "none".into()
        } else {
            gaps.len().to_string()
        },
    ));
    d.facts(facts);

    d.h2("Gaps, the most urgent first");
    if gaps.is_empty() {
        d.para("No gap: every vital business function has services and a tested plan, met its RTO in its last exercise, and every high risk has an owner and a plan.");
    } else {
        d.table(&["Gap", "What", "Detail"], gaps);
    }
    continuity::bia(&mut d, lib);
    continuity::risks(&mut d, lib, today);
    continuity::coverage(&mut d, lib, sessions, today);
    continuity::picture(&mut d, lib);

    d.h2("Plans overdue for review or test");
    if overdue.is_empty() {
        d.para("Every plan is within its review and test intervals.");
    } else {
        let rows = overdue
            .iter()
            .map(|p| {
                let owner = p
                    .owner
                    .as_ref()
                    .map(|o| {
                        lib.index
                            .role(o)
                            .map(|r| r.title.clone())
                            .unwrap_or_else(|| o.v.clone())
                    })
                    .unwrap_or_default();
                let date = |x: &Option<crate::domain::Sp<chrono::NaiveDate>>| {
                    x.as_ref()
                        .map(|d| d.v.to_string())
                        .unwrap_or_else(|| "never".into())
                };
                vec![
                    format!("{} ({})", p.title, p.id.v),
                    owner,
                    date(&p.last_reviewed),
                    p.review_due().map(|d| d.to_string()).unwrap_or_default(),
                    date(&p.last_tested),
                    p.test_due().map(|d| d.to_string()).unwrap_or_default(),
                    p.review_status(today),
                ]
            })
            .collect();
        d.table(
            &[
                "Plan",
                "Owner",
                "Reviewed",
                "Review due",
                "Tested",
                "Test due",
                "Status",
            ],
            rows,
        );
    }

    d.h2("Services and vital business functions without a (tested) plan");
    let plans_of = |sid: &str| -> Vec<&Plan> { plans_of(lib, sid) };
    // the gap, if any, of a set of plans: none at all, or none tested
    let gap = |plans: &[&Plan]| -> Option<&'static str> {
        if plans.is_empty() {
            Some("no plan")
        } else if !plans.iter().any(|p| tested(p, today)) {
            Some("no tested plan")
        } else {
            None
        }
    };
    let mut rows = Vec::new();
    for s in &lib.index.services {
        let plans = plans_of(&s.id);
        if let Some(g) = gap(&plans) {
            let ids = plans
                .iter()
                .map(|p| p.id.v.clone())
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(vec![
                format!("service: {} ({})", s.name, s.id.v),
                s.rto.as_ref().map(|r| r.v.to_string()).unwrap_or_default(),
                g.to_string(),
                ids,
            ]);
        }
    }
    for v in &lib.index.vital_business_functions {
        let svcs: Vec<&str> = lib
            .index
            .services
            .iter()
            .filter(|s| s.vbfs.iter().any(|x| x.v == v.id.v))
            .map(|s| s.id.v.as_str())
            .collect();
        let plans: Vec<&Plan> = svcs.iter().flat_map(|s| plans_of(s)).collect();
        if let Some(g) = gap(&plans) {
            rows.push(vec![
                format!("VBF: {} ({})", v.name, v.id.v),
                v.rto.as_ref().map(|r| r.v.to_string()).unwrap_or_default(),
                g.to_string(),
                svcs.join(", "),
            ]);
        }
    }
    if rows.is_empty() {
        d.para("Every service and vital business function has a tested plan.");
    } else {
        d.table(&["What", "RTO", "Gap", "Plans or services"], rows);
    }

    d.h2("Latest exercises");
    let mut ex: Vec<&(Session, Facts)> = sessions
        .iter()
        .filter(|(o, _)| o.state.is_exercise())
        .collect();
    ex.sort_by_key(|(o, _)| std::cmp::Reverse(o.state.started_at));
    if ex.is_empty() {
        d.para("No exercise has been run with muster on this machine. Plans are only as good as their last test.");
    }
    for (o, f) in ex.iter().take(5) {
        d.h3(format!("EXERCISE {}: {}", utc(f.started_at), f.title));
        let ratings: Vec<String> = o
            .scenario
            .iter()
            .flat_map(|sc| sc.objectives.iter())
            .map(|ob| {
                format!(
                    "{}: {}",
                    ob.id.v,
                    o.state
                        .rating(&ob.id)
                        .map(|r| format!("{:?}", r.rating))
                        .unwrap_or_else(|| "not rated".into())
                )
            })
            .collect();
        d.facts(vec![
            ("Session".into(), f.id.clone()),
            ("Scenario".into(), f.scenario.clone().unwrap_or_default()),
            (
                "Objectives".into(),
                if ratings.is_empty() {
                    "none".into()
                } else {
                    ratings.join(", ")
                },
            ),
            (
                "Status".into(),
                if f.closed_at.is_some() {
                    "closed".into()
                } else {
                    "still open".into()
                },
            ),
        ]);
        let open = f
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Open)
            .count();
        // what was observed and not made an action yet: a suggestion, never an action
        let untracked: Vec<Vec<String>> = o
            .state
            .live_observations()
            .filter(|(_, ob)| ob.kind != ObservationKind::Strength)
            .filter(|(_, ob)| {
                !o.state
                    .actions
                    .iter()
                    .any(|a| a.of.as_ref() == Some(&ob.id))
            })
            .map(|(n, ob)| vec![format!("O{n}"), ob.kind.label().into(), ob.text.clone()])
            .collect();
        d.para(format!(
            "{}, {open} open (listed below with every session's). {}",
            super::review::plural(f.actions.len(), "improvement action", "improvement actions"),
            if untracked.is_empty() {
                "Every area for improvement and plan defect has an action.".to_string()
            } else {
                format!(
                    "{} no action yet: raise one with `muster action add {} --from O<n>`.",
                    super::review::plural(untracked.len(), "observation has", "observations have"),
                    f.id
                )
            }
        ));
        if !untracked.is_empty() {
            d.table(&["Observation", "Kind", "What was observed"], untracked);
        }
    }

    d.h2("Improvement actions still open, overdue first");
    let mut rows: Vec<ActionRow> = sessions
        .iter()
        .flat_map(|(_, f)| f.actions.iter().cloned())
        .filter(|a| a.status == ActionStatus::Open)
        .collect();
    tracking_order(&mut rows);
    if rows.is_empty() {
        d.para("No improvement action is open.");
    } else {
        let table = rows
            .iter()
            .map(|a| {
                vec![
                    a.id.to_string(),
                    a.text.clone(),
                    a.owner.clone().unwrap_or_else(|| "no owner".into()),
                    match a.due {
                        Some(due) if a.overdue => {
                            let days = (today - due).num_days();
                            format!(
                                "{due}, OVERDUE by {days} day{}",
                                if days == 1 { "" } else { "s" }
                            )
                        }
                        Some(due) => due.to_string(),
                        None => "no date".into(),
                    },
                    a.capability.clone().unwrap_or_default(),
                    format!("{} ({})", a.session_title, a.session),
                ]
            })
            .collect();
        d.table(
            &["Action", "What", "Owner", "Due", "Capability", "From"],
            table,
        );
    }

    d.h2("Incidents and their recovery time objectives");
    let mut inc: Vec<&(Session, Facts)> = sessions
        .iter()
        .filter(|(o, _)| !o.state.is_exercise())
        .collect();
    inc.sort_by_key(|(o, _)| std::cmp::Reverse(o.state.declared_at));
    if inc.is_empty() {
        d.para("No incidents recorded with muster on this machine.");
    } else {
        let rows = inc
            .iter()
            .map(|(_, f)| {
                let rto = if f.rto.is_empty() {
                    "no RTO".to_string()
                } else {
                    f.rto
                        .iter()
                        .map(|r| {
                            let closed = f.closed_at.is_some();
                            format!(
                                "{}: {}",
                                r.service,
                                match r.outcome.as_str() {
                                    "open" if closed => "not restored",
                                    o => o,
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                vec![
                    f.title.clone(),
                    utc(f.declared_at),
                    f.closed_at.map(utc).unwrap_or_else(|| "open".into()),
                    format!("{}/{}", f.finished, f.total),
                    rto,
                ]
            })
            .collect();
        d.table(
            &["Incident", "Declared", "Closed", "Steps", "RTO met?"],
            rows,
        );
    }
    planned_against_actual(&mut d, lib, sessions);
    d
}

/// What the runs say of the plans: the steps late in most runs, and each run's time from the
/// plan's invocation to its last step against the soonest RTO of what it restores.
fn planned_against_actual(d: &mut Doc, lib: &Library, sessions: &[(Session, Facts)]) {
    d.h2("Planned against actual");
    let mut late_rows = Vec::new();
    let mut run_rows = Vec::new();
    for p in &lib.plans {
        let ran: Vec<(&Session, chrono::DateTime<chrono::Utc>)> = sessions
            .iter()
            .filter(|(s, _)| s.state.plan(p.id.v.as_str()).is_some())
            .map(|(s, f)| (s, f.closed_at.unwrap_or(s.state.started_at)))
            .collect();
        if ran.is_empty() {
            continue;
        }
        for h in crate::domain::history::history(p, &ran) {
            if h.runs > 0 && h.late * 2 > h.runs {
                late_rows.push(vec![
                    format!("{}/{}", p.id.v, h.id),
                    h.title.clone(),
                    format!("{} of {}", h.late, h.runs),
                    h.estimate
                        .map(|[a, b]| format!("{a}-{b} min"))
                        .unwrap_or_else(|| "-".into()),
                    h.median_min.map(|m| format!("{m} min")).unwrap_or_default(),
                    h.suggested_min
                        .map(|m| format!("{m} min"))
                        .unwrap_or_default(),
                ]);
            }
        }
        // the soonest RTO among the services the plan restores
        let rto = lib
            .index
            .services
            .iter()
            .filter(|s| {
                p.services.iter().any(|x| x.v == s.id.v) || s.plans.iter().any(|x| x.v == p.id.v)
            })
            .filter_map(|s| s.rto.as_ref().map(|r| r.v))
            .min();
        for (s, _) in &ran {
            let Some(ps) = s.state.plan(p.id.as_str()) else {
                continue;
            };
            let (done, total) = ps.progress();
            let done_steps = || {
                ps.steps
                    .iter()
                    .filter(|x| x.state == crate::domain::session::StepStatus::Done)
            };
            // from the declaration, as the RTO counts: an incident on the wall clock, an
            // exercise on its own (which starts at the declaration, and may have been paused)
            let took = if s.state.is_exercise() {
                done_steps()
                    .filter_map(|x| x.ex.at)
                    .max()
                    .map(|b| b / 60_000)
            } else {
                done_steps()
                    .filter_map(|x| x.at)
                    .max()
                    .map(|e| (e - s.state.declared_at).num_minutes())
            };
            let verdict = match (took, rto, done == total) {
                (Some(t), Some(r), true) if t <= i64::from(r.0) => {
                    format!("met ({} to spare)", super::review::mins(i64::from(r.0) - t))
                }
                (Some(t), Some(r), true) => {
                    format!("MISSED by {}", super::review::mins(t - i64::from(r.0)))
                }
                (_, None, _) => "no RTO".into(),
                _ => format!("not finished ({done}/{total} steps)"),
            };
            run_rows.push(vec![
                p.id.v.clone(),
                format!(
                    "{} ({}, {})",
                    s.state.title,
                    s.state.declared_at.format("%Y-%m-%d %H:%M UTC"),
                    if s.state.is_exercise() {
                        "exercise"
                    } else {
                        "incident"
                    }
                ),
                match took {
                    Some(t) if done == total => super::review::mins(t),
                    Some(t) => format!("{} so far", super::review::mins(t)),
                    None => "-".into(),
                },
                rto.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                verdict,
            ]);
        }
    }
    if late_rows.is_empty() {
        d.para("No step was late in most of its runs.");
    } else {
        d.para("Steps late in most of their runs: their estimates want another look (the suggestion is the 90th percentile of the runs).");
        d.table(
            &["Step", "Title", "Late", "Estimate", "Median", "Suggested"],
            late_rows,
        );
    }
    if !run_rows.is_empty() {
        d.h3("Each run's time against the RTO");
        d.para("A run's time counts from the declaration, as the RTO does, to the plan's last step done: an incident's on the wall clock, an exercise's on the exercise clock.");
        d.table(&["Plan", "Run", "Took", "RTO", "Outcome"], run_rows);
    }
}
