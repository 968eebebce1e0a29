//! The after-action report and improvement plan of an exercise, in the manner of the HSEEP
//! AAR/IP: an executive summary, the exercise overview, the analysis of each objective with its
//! rating, strengths and areas for improvement, and the improvement plan matrix. Durations and
//! RTOs are on the exercise clock.

use super::Input;
use super::doc::Doc;
use super::facts::*;
use super::review::{action_status, common_sections, executive_summary, exercise_duration};
use crate::domain::event::ObservationKind;
use crate::domain::ids::ObjectiveId;
use crate::domain::session::state::ObservationRecord;
use crate::domain::time::ex_time;

const MARK: &str = "EXERCISE — NOT A REAL INCIDENT";

/// An observation as a line of the analysis: its words, what it is about, who saw it when, and
/// the action raised from it.
fn observation_line(n: usize, ob: &ObservationRecord, f: &Facts) -> String {
    let mut about = Vec::new();
    if let (Some(p), Some(s)) = (&ob.plan, &ob.step) {
        about.push(format!("step {p}/{s}"));
    }
    if let Some(i) = &ob.inject {
        about.push(format!("inject {i}"));
    }
    let actions: Vec<String> = f
        .actions
        .iter()
        .filter(|a| a.from_observation.as_deref() == Some(&format!("O{n}")))
        .map(|a| a.id.to_string())
        .collect();
    format!(
        "O{n}: {}{} — {} at {}{}{}",
        ob.text,
        if about.is_empty() {
            String::new()
        } else {
            format!(" ({})", about.join(", "))
        },
        ob.by,
        ob.ex_ms.map(ex_time).unwrap_or_default(),
        if ob.corrected.is_empty() {
            ""
        } else {
            " (corrected)"
        },
        if actions.is_empty() {
            String::new()
        } else {
            format!(" → action {}", actions.join(", "))
        }
    )
}

/// Strengths, then areas for improvement and plan defects, of the observations on `objective`
/// (`None`: those on no objective).
fn analysis(d: &mut Doc, f: &Facts, o: &Input, objective: Option<&ObjectiveId>) -> usize {
    let st = &o.session.state;
    let on: Vec<(usize, &ObservationRecord)> = st
        .live_observations()
        .filter(|(_, ob)| ob.objective.as_ref() == objective)
        .collect();
    for (heading, kinds) in [
        ("Strengths", &[ObservationKind::Strength][..]),
        (
            "Areas for improvement",
            &[ObservationKind::Improvement, ObservationKind::Defect][..],
        ),
    ] {
        let items: Vec<String> = on
            .iter()
            .filter(|(_, ob)| kinds.contains(&ob.kind))
            .map(|(n, ob)| {
                let mut l = observation_line(*n, ob, f);
                if ob.kind == ObservationKind::Defect {
                    l = format!("Plan defect. {l}");
                }
                l
            })
            .collect();
        d.para(format!("{heading}:"));
        if items.is_empty() {
            d.para("None recorded.");
        } else {
            d.list(items);
        }
    }
    on.len()
}

pub fn exercise_doc(f: &Facts, o: &Input) -> Doc {
    let st = &o.session.state;
    let sc = o.session.scenario.as_deref();
    let mut d = Doc::new(format!("EXERCISE — After-action report: {}", f.title));
    d.running_header = Some(format!(
        "{MARK} · After-action report · {} · session {}",
        f.title, f.id
    ));
    d.banner = Some(MARK.into());

    d.h2("Executive summary");
    d.text(executive_summary(f, o));

    d.h2("Exercise overview");
    let dash = || "—".to_string();
    let ov = sc.map(|s| &s.overview);
    let capabilities: Vec<String> = {
        let mut c: Vec<String> = Vec::new();
        for ob in sc.map(|s| s.objectives.as_slice()).unwrap_or_default() {
            if let Some(x) = &ob.capability
                && !c.contains(x)
            {
                c.push(x.clone());
            }
        }
        c
    };
    let list = |v: &[String]| {
        if v.is_empty() { dash() } else { v.join("; ") }
    };
    let mut facts = vec![
        (
            "Exercise name".to_string(),
            sc.map(|s| s.title.clone())
                .unwrap_or_else(|| f.title.clone()),
        ),
        (
            "Dates".into(),
            format!(
                "{} to {}",
                utc(f.started_at),
                f.closed_at
                    .map(utc)
                    .unwrap_or_else(|| "still running".into())
            ),
        ),
        (
            "Duration".into(),
            exercise_duration(f, o).unwrap_or_else(dash),
        ),
        (
            "Type".into(),
            sc.map(|s| s.kind.label().to_string()).unwrap_or_else(dash),
        ),
        (
            "Location".into(),
            ov.and_then(|v| v.location.clone()).unwrap_or_else(dash),
        ),
        (
            "Sponsor".into(),
            ov.and_then(|v| v.sponsor.clone()).unwrap_or_else(dash),
        ),
        (
            "Threat or hazard".into(),
            ov.and_then(|v| v.hazard.clone()).unwrap_or_else(dash),
        ),
        ("Capabilities".into(), list(&capabilities)),
        (
            "Participating organisations".into(),
            list(ov.map(|v| v.organisations.as_slice()).unwrap_or_default()),
        ),
        (
            "Points of contact".into(),
            list(
                ov.map(|v| v.points_of_contact.as_slice())
                    .unwrap_or_default(),
            ),
        ),
        (
            "Facilitators".into(),
            if st.facilitators.is_empty() {
                "none named (anyone could run the clock and the injects)".into()
            } else {
                st.facilitators.join(", ")
            },
        ),
        (
            "Evaluators".into(),
            if st.evaluators.is_empty() {
                dash()
            } else {
                st.evaluators.join(", ")
            },
        ),
        (
            "Participants".into(),
            f.participants
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Plans exercised".into(),
            f.plans
                .iter()
                .map(|p| p.0.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Session".into(), f.id.clone()),
    ];
    if let Some(s) = sc.and_then(|s| s.summary.clone()) {
        facts.push(("Scenario".into(), s));
    }
    // what the scenario file could give and does not
    let from_file = [
        "Location",
        "Sponsor",
        "Threat or hazard",
        "Capabilities",
        "Participating organisations",
        "Points of contact",
    ];
    let missing = facts
        .iter()
        .filter(|(k, v)| from_file.contains(&k.as_str()) && *v == dash())
        .count();
    d.facts(facts);
    if missing > 0 {
        d.para(format!("{} marked — {} not in the scenario file: add `location`, `sponsor`, `hazard`, `organisations`, `points_of_contact` and each objective's `capability` to it to fill them in.", super::review::plural(missing, "field", "fields"), if missing == 1 { "is" } else { "are" }));
    }

    d.h2("Analysis of objectives");
    d.para("Each objective with its rating (P: performed without challenges · S: with some challenges · M: with major challenges · U: unable to be performed), and the observations tied to it.");
    for ob in sc.map(|s| s.objectives.as_slice()).unwrap_or_default() {
        d.h3(format!("Objective {}: {}", ob.id.v, ob.text));
        let r = st.rating(&ob.id.v);
        d.facts(vec![
            (
                "Capability".into(),
                ob.capability.clone().unwrap_or_else(dash),
            ),
            (
                "Rating".into(),
                match r {
                    Some(r) => format!("{} — {}", r.rating, r.rating.label()),
                    None => "not rated".into(),
                },
            ),
            (
                "Rated by".into(),
                r.map(|r| {
                    format!(
                        "{}{}",
                        r.by,
                        r.note
                            .as_ref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_else(dash),
            ),
        ]);
        analysis(&mut d, f, o, Some(&ObjectiveId::new(ob.id.v.as_str())));
    }
    if st.live_observations().any(|(_, ob)| ob.objective.is_none()) {
        d.h3("Observations not tied to an objective");
        analysis(&mut d, f, o, None);
    }
    let withdrawn = st
        .observations
        .iter()
        .filter(|o| o.withdrawn.is_some())
        .count();
    if withdrawn > 0 {
        d.para(format!(
            "{} withdrawn: in the journal and the timeline, not here.",
            super::review::plural(withdrawn, "observation was", "observations were")
        ));
    }

    let plan_start = d.blocks.len();
    d.h2("Improvement plan");
    d.para("Each improvement action raised, with the observation and the capability it comes from. Status as of this report.");
    let objective_of = |n: &str| -> (String, String) {
        let Some((_, ob)) = st.observation_by(n) else {
            return (String::new(), String::new());
        };
        let cap = ob
            .objective
            .as_ref()
            .and_then(|id| sc?.objectives.iter().find(|x| x.id.v == id.as_str()))
            .and_then(|x| x.capability.clone())
            .or_else(|| ob.objective.as_ref().map(|o| format!("objective {o}")))
            .unwrap_or_default();
        (cap, format!("{n}: {}", ob.text))
    };
    let mut rows: Vec<Vec<String>> = f
        .actions
        .iter()
        .map(|a| {
            let (cap, issue) = a
                .from_observation
                .as_deref()
                .map(objective_of)
                .unwrap_or_default();
            vec![
                cap,
                issue,
                format!("{}: {}", a.id, a.text),
                a.capability.clone().unwrap_or_default(),
                a.owner.clone().unwrap_or_default(),
                a.raised_at.format("%Y-%m-%d").to_string(),
                a.due.map(|d| d.to_string()).unwrap_or_default(),
                action_status(a),
            ]
        })
        .collect();
    for _ in 0..2 {
        rows.push(vec![String::new(); 8]);
    }
    d.table(
        &[
            "Capability",
            "Issue or area for improvement",
            "Corrective action",
            "Capability element",
            "Owner",
            "Start",
            "Completion due",
            "Status",
        ],
        rows,
    );
    // observations still without an action: listed as suggestions, never made actions
    let untracked: Vec<String> = st
        .live_observations()
        .filter(|(_, ob)| ob.kind != ObservationKind::Strength)
        .filter(|(n, _)| {
            !f.actions
                .iter()
                .any(|a| a.from_observation.as_deref() == Some(&format!("O{n}")))
        })
        .map(|(n, ob)| format!("O{n} ({}): {}", ob.kind.label(), ob.text))
        .collect();
    if !untracked.is_empty() {
        d.para(format!("Areas for improvement with no action yet (raise one with `muster action add {} --from O<n> --owner NAME --due YYYY-MM-DD`, or P in the TUI):", f.id));
        d.list(untracked);
    }
    // eight columns: on landscape pages of their own
    d.landscape(d.blocks.len() - plan_start);

    d.h2("Injects");
    let rows = sc
        .map(|sc| {
            sc.injects
                .iter()
                .map(|i| {
                    let status = match st.inject(&i.id.v) {
                        Some(r) if r.released => format!(
                            "released at {}{} by {}",
                            r.ex_ms.map(ex_time).unwrap_or_default(),
                            if r.early { " (early)" } else { "" },
                            r.by
                        ),
                        Some(r) => format!(
                            "skipped by {}{}",
                            r.by,
                            r.reason
                                .as_ref()
                                .map(|x| format!(": {x}"))
                                .unwrap_or_default()
                        ),
                        None => "not released".into(),
                    };
                    // while it runs, what is ahead is the facilitators' alone
                    if st.inject(&i.id.v).is_none() && st.closed.is_none() {
                        return vec![
                            String::new(),
                            "(not released yet)".into(),
                            String::new(),
                            status,
                        ];
                    }
                    vec![
                        i.id.v.clone(),
                        i.title.clone(),
                        i.story_time.clone().unwrap_or_default(),
                        status,
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    d.table(&["Inject", "Title", "Story time", "Released"], rows);
    common_sections(&mut d, f, o);
    d
}
