//! The two documents made from a session's facts: the post-incident review (incident) and the
//! after-action report (exercise).

use super::Input;
use super::doc::Doc;
use super::facts::*;
use crate::domain::event::ObservationKind;
use crate::domain::time::{ex_time, human_duration};
use crate::present::Zone;

fn mins(m: i64) -> String {
    human_duration(chrono::Duration::minutes(m))
}

/// One row per step that has some of these texts: the step, its title, its state, the texts.
fn step_rows(
    f: &Facts,
    texts: impl Fn(&super::facts::StepRow) -> &Vec<String>,
) -> Vec<Vec<String>> {
    f.steps
        .iter()
        .filter(|s| !texts(s).is_empty())
        .map(|s| {
            vec![
                format!("{}/{}", s.plan, s.step),
                s.title.clone(),
                s.state.clone(),
                texts(s).join("; "),
            ]
        })
        .collect()
}

fn common_sections(d: &mut Doc, f: &Facts, o: &Input) {
    let exercise = f.mode == "exercise";
    d.h2("Timeline");
    d.para(if exercise {
        "Every event of the journal, oldest first, in UTC, in local time and on the exercise clock."
    } else {
        "Every event of the journal, oldest first, in UTC and in local time."
    });
    // the rows are streamed from the journal as the document is written
    if exercise {
        d.stream(&["UTC", "Local", "Exercise", "Who", "What", "Note"]);
    } else {
        d.stream(&["UTC", "Local", "Who", "What", "Note"]);
    }
    d.h2("Steps: estimate against actual");
    let rows = f
        .steps
        .iter()
        .map(|s| {
            vec![
                format!("{}/{}", s.plan, s.step),
                s.title.clone(),
                s.state.clone(),
                s.by.clone().unwrap_or_default(),
                s.estimate_min
                    .map(|(a, b)| {
                        if a == b {
                            format!("{a} min")
                        } else {
                            format!("{a}-{b} min")
                        }
                    })
                    .unwrap_or_else(|| "-".into()),
                s.actual_min
                    .map(|m| format!("{m} min"))
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    d.table(
        &["Step", "Title", "State", "By", "Estimate", "Actual"],
        rows,
    );
    d.h2("Conflicts");
    let rows = step_rows(f, |s| &s.conflicts);
    if rows.is_empty() {
        d.para("None: no two responders recorded contradicting actions on a step.");
    } else {
        d.para("Responders recorded contradicting actions on these steps. The state shown is the first one recorded; the others are kept here, never applied silently. Settle each one and note how.");
        d.table(&["Step", "Title", "State kept", "Conflict"], rows);
    }
    d.h2("Skipped and blocked steps");
    let rows = step_rows(f, |s| &s.reasons);
    if rows.is_empty() {
        d.para("None.");
    } else {
        d.table(&["Step", "Title", "Now", "Reasons"], rows);
    }
    d.h2("Decisions taken");
    if f.decisions.is_empty() {
        d.para("None.");
    } else {
        d.table(
            &["Step", "Question", "Option", "Why", "By", "When"],
            f.decisions.clone(),
        );
    }
    d.h2(if exercise {
        "Recovery time objectives (as exercised)"
    } else {
        "Recovery time objectives"
    });
    if f.rto.is_empty() {
        d.para("No affected service has an RTO in the index.");
    } else {
        let rows = f
            .rto
            .iter()
            .map(|r| {
                let how = match r.outcome.as_str() {
                    "met" => format!("met, {} to spare", mins(r.margin_min)),
                    "missed" if r.restored_at.is_some() => {
                        format!("MISSED by {}", mins(r.margin_min))
                    }
                    "missed" => format!(
                        "MISSED: not restored, {} past the deadline",
                        mins(r.margin_min)
                    ),
                    _ if f.closed_at.is_some() => format!(
                        "not restored when the session closed ({} were left)",
                        mins(r.margin_min)
                    ),
                    _ => format!("open: not yet restored, {} left", mins(r.margin_min)),
                };
                vec![
                    format!("{} ({})", r.name, r.service),
                    r.rto.to_string(),
                    utc(r.deadline),
                    r.restored_at.map(utc).unwrap_or_else(|| "-".into()),
                    how,
                ]
            })
            .collect();
        d.table(&["Service", "RTO", "Deadline", "Restored", "Outcome"], rows);
    }
    d.h2("Participants");
    let rows = f
        .participants
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.did.clone(),
                utc(p.first_at),
                utc(p.last_at),
            ]
        })
        .collect();
    d.table(&["Who", "What they did", "First seen", "Last seen"], rows);
    if !o.session.state.handovers.is_empty() {
        let rows = o
            .session
            .state
            .handovers
            .iter()
            .map(|h| {
                vec![
                    utc(h.at),
                    h.from.clone(),
                    h.to.clone(),
                    h.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        d.h3("Hand-overs");
        d.table(&["When", "From", "To", "Note"], rows);
    }
    d.h2("Plan versions followed");
    let rows = f
        .plans
        .iter()
        .map(|(id, title, v, hash)| {
            vec![
                id.clone(),
                title.clone(),
                v.clone().unwrap_or_else(|| "-".into()),
                hash.clone(),
            ]
        })
        .collect();
    d.table(&["Plan", "Title", "Version", "SHA-256 of the file"], rows);
    d.h2("Journal integrity");
    // what reading the journal for the timeline found
    d.after();
    if !f.warnings.is_empty() {
        d.h3("Warnings");
        d.list(f.warnings.clone());
    }
}

fn overview(f: &Facts, zone: Zone) -> Vec<(String, String)> {
    let mut v = vec![
        ("Session".into(), f.id.clone()),
        (
            "Declared".into(),
            format!("{} ({})", utc(f.declared_at), local(zone, f.declared_at)),
        ),
        ("Started by".into(), f.started_by.clone()),
        (
            "Closed".into(),
            f.closed_at
                .map(|t| format!("{} by {}", utc(t), f.closed_by.clone().unwrap_or_default()))
                .unwrap_or_else(|| "still open".into()),
        ),
        (
            "Progress".into(),
            format!(
                "{} of {} steps done{}",
                f.finished,
                f.total,
                if f.skipped > 0 {
                    format!(", {} skipped", f.skipped)
                } else {
                    String::new()
                }
            ),
        ),
        (
            "Plans".into(),
            f.plans
                .iter()
                .map(|p| p.0.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    if let Some(c) = f.closed_at {
        v.insert(4, ("Duration".into(), human_duration(c - f.declared_at)));
    }
    v
}

/// The post-incident review, in the manner of the Google SRE postmortem.
pub fn incident_doc(f: &Facts, o: &Input) -> Doc {
    let mut d = Doc::new(format!("Post-incident review: {}", f.title));
    d.running_header = Some(format!(
        "Post-incident review · {} · session {}",
        f.title, f.id
    ));
    d.para(format!("Status: {}. Filled in from the journal where it can be; the blanks are for the people who were there.", if f.closed_at.is_some() { "incident closed" } else { "incident still open" }));
    d.facts(overview(f, o.zone));
    d.h2("Summary");
    d.blank("what happened, in two or three sentences, and how it was resolved");
    d.h2("Impact");
    let mut impact = Vec::new();
    for r in &f.rto {
        if let Some(s) = o.index.service(&r.service) {
            let vbfs: Vec<String> = s
                .vbfs
                .iter()
                .map(|v| {
                    o.index
                        .vbf(v)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| v.v.clone())
                })
                .collect();
            impact.push(format!(
                "{} (RTO {}, RPO {}){}",
                s.name,
                r.rto,
                s.rpo
                    .as_ref()
                    .map(|x| x.v.to_string())
                    .unwrap_or("-".into()),
                if vbfs.is_empty() {
                    String::new()
                } else {
                    format!(": supports {}", vbfs.join(", "))
                }
            ));
        }
    }
    if impact.is_empty() {
        d.para("No affected service is listed in the index.");
    } else {
        d.para("Services restored by the plans of this session, and the vital business functions they support:");
        d.list(impact);
    }
    d.blank("who was affected, how badly and for how long; data lost, if any");
    d.h2("Root cause and trigger");
    d.blank("what caused it, and what set it off");
    common_sections(&mut d, f, o);
    d.h2("What went well");
    d.blank("what worked: people, plans, tools");
    d.h2("What went wrong");
    d.blank("what did not work, or slowed the recovery");
    let noted: Vec<String> = o
        .session
        .state
        .notes
        .iter()
        .map(|n| format!("{} ({}, {}): {}", n.text, n.by, utc(n.at), n.kind))
        .collect();
    if !noted.is_empty() {
        d.h3("Session notes from the journal");
        d.list(noted);
    }
    d.h2("Where we got lucky");
    d.blank("what could have been worse");
    d.h2("Action items");
    let mut rows: Vec<Vec<String>> = f
        .steps
        .iter()
        .filter(|s| s.state == "blocked" || s.state == "skipped")
        .map(|s| {
            vec![
                format!(
                    "Review step {}/{} ({}): {}",
                    s.plan,
                    s.step,
                    s.state,
                    s.reasons.join("; ")
                ),
                "mitigate".into(),
                String::new(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    for _ in 0..3 {
        rows.push(vec![String::new(); 5]);
    }
    d.table(
        &[
            "Action",
            "Type (prevent, mitigate, process)",
            "Owner",
            "Due",
            "Tracking",
        ],
        rows,
    );
    d
}

/// The after-action report and improvement plan, in the manner of the HSEEP AAR/IP.
pub fn exercise_doc(f: &Facts, o: &Input) -> Doc {
    const MARK: &str = "EXERCISE — NOT A REAL INCIDENT";
    let mut d = Doc::new(format!("EXERCISE — After-action report: {}", f.title));
    d.running_header = Some(format!(
        "{MARK} · After-action report · {} · session {}",
        f.title, f.id
    ));
    d.banner = Some(MARK.into());
    let st = &o.session.state;
    d.h2("Exercise overview");
    let mut ov = overview(f, o.zone);
    if let Some(sc) = &o.session.scenario {
        ov.insert(
            0,
            (
                "Scenario".into(),
                format!("{} ({}, {})", sc.title, sc.id, sc.kind.label()),
            ),
        );
        if let Some(s) = &sc.summary {
            ov.insert(1, ("Summary".into(), s.clone()));
        }
        if !sc.participants.is_empty() {
            ov.push((
                "Roles taking part".into(),
                sc.participants
                    .iter()
                    .map(|p| p.v.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
    }
    if let Some(c) = &st.clock {
        ov.push((
            "Exercise clock at the end".into(),
            ex_time(c.ex_ms(f.closed_at.unwrap_or(f.last_at.unwrap_or(f.started_at)))),
        ));
    }
    d.facts(ov);
    d.h2("Objectives and ratings");
    d.para("P: performed without challenges · S: performed with some challenges · M: performed with major challenges · U: unable to be performed.");
    let objectives = o
        .session
        .scenario
        .as_ref()
        .map(|s| s.objectives.clone())
        .unwrap_or_default();
    let rows = objectives
        .iter()
        .map(|ob| match st.rating(&ob.id) {
            Some(r) => vec![
                ob.id.v.clone(),
                ob.text.clone(),
                format!("{:?}", r.rating),
                r.rating.label().to_string(),
                r.note.clone().unwrap_or_default(),
                r.by.clone(),
            ],
            None => vec![
                ob.id.v.clone(),
                ob.text.clone(),
                "not rated".into(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    d.table(
        &["Objective", "Text", "Rating", "Meaning", "Note", "Rated by"],
        rows,
    );
    d.h2("Analysis");
    for (kind, heading) in [
        (ObservationKind::Strength, "Strengths"),
        (ObservationKind::Improvement, "Areas for improvement"),
        (ObservationKind::Defect, "Plan defects"),
    ] {
        d.h3(heading);
        let items: Vec<String> = st
            .observations
            .iter()
            .filter(|ob| ob.kind == kind)
            .map(|ob| {
                let mut about = Vec::new();
                if let (Some(p), Some(s)) = (&ob.plan, &ob.step) {
                    about.push(format!("step {p}/{s}"));
                }
                if let Some(i) = &ob.inject {
                    about.push(format!("inject {i}"));
                }
                let when = ob.ex_ms.map(ex_time).unwrap_or_default();
                format!(
                    "{}{} — {} at {when}",
                    ob.text,
                    if about.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", about.join(", "))
                    },
                    ob.by
                )
            })
            .collect();
        if items.is_empty() {
            d.para("None recorded.");
        } else {
            d.list(items);
        }
    }
    d.h2("Improvement plan");
    let mut rows: Vec<Vec<String>> = st
        .observations
        .iter()
        .filter(|ob| ob.kind != ObservationKind::Strength)
        .map(|ob| {
            let area = match (&ob.plan, &ob.step) {
                (Some(p), Some(s)) => format!("plan {p}, step {s}"),
                _ => ob
                    .inject
                    .as_ref()
                    .map(|i| format!("inject {i}"))
                    .unwrap_or_default(),
            };
            vec![
                ob.text.clone(),
                ob.kind.label().into(),
                area,
                String::new(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    rows.push(vec![String::new(); 6]);
    d.table(
        &[
            "Issue",
            "Kind",
            "Plan or capability",
            "Corrective action",
            "Owner",
            "Completion date",
        ],
        rows,
    );
    d.h2("Injects");
    let rows = o
        .session
        .scenario
        .as_ref()
        .map(|sc| {
            sc.injects
                .iter()
                .map(|i| {
                    let status = match st.inject(&i.id) {
                        Some(r) if r.released => format!(
                            "released at {}{} by {}",
                            r.ex_ms.map(ex_time).unwrap_or_default(),
                            if r.early { " (early)" } else { "" },
                            r.by
                        ),
                        Some(r) => format!("skipped by {}", r.by),
                        None => "not released".into(),
                    };
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
