//! What the post-incident review ([`super::pir`]) and the after-action report ([`super::aar`])
//! share: the executive summary, the overview, the improvement actions, and the sections every
//! review has (timeline, steps, conflicts, decisions, RTOs, participants, plans, integrity).
//! An exercise's sections report on the exercise clock, an incident's on wall time.

use super::Input;
use super::doc::Doc;
use super::facts::*;
use crate::domain::event::ActionStatus;
use crate::domain::session::improve::ActionRow;
use crate::domain::time::{ex_time, human_duration};
use crate::present::Zone;

pub(super) fn mins(m: i64) -> String {
    human_duration(chrono::Duration::minutes(m))
}

/// One row per step that has some of these texts: the step, its title, its state, the texts.
pub(super) fn step_rows(
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

pub(super) fn common_sections(d: &mut Doc, f: &Facts, o: &Input) {
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
        &[
            "Step",
            "Title",
            "State",
            "By",
            "Estimate",
            if exercise {
                "Actual (exercise clock)"
            } else {
                "Actual"
            },
        ],
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
    calls_and_runs(d, o);
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
                        "not restored when the session closed, {} before the deadline",
                        mins(r.margin_min)
                    ),
                    _ => format!("open: not yet restored, {} left", mins(r.margin_min)),
                };
                // an exercise is judged on its clock; the wall time is beside, for the log
                let (deadline, restored) = match r.deadline_ex_ms {
                    Some(dl) => (
                        ex_time(dl),
                        match (r.restored_ex_ms, r.restored_at) {
                            (Some(x), Some(w)) => format!("{} ({} wall)", ex_time(x), utc(w)),
                            (Some(x), None) => ex_time(x),
                            _ => "-".into(),
                        },
                    ),
                    None => (
                        utc(r.deadline),
                        r.restored_at.map(utc).unwrap_or_else(|| "-".into()),
                    ),
                };
                vec![
                    format!("{} ({})", r.name, r.service),
                    r.rto.to_string(),
                    deadline,
                    restored,
                    how,
                ]
            })
            .collect();
        if exercise {
            d.para("Deadlines and restoration on the exercise clock, from T+0.");
        }
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
                    h.summary
                        .as_deref()
                        .map(|s| s.brief(&|t| utc(t)))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        d.h3("Hand-overs");
        d.table(&["When", "From", "To", "Note", "What they were told"], rows);
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
    // change control: what reads differently in the library now
    if f.plan_changes.is_empty() {
        d.para("None of these plans has changed in the library since the run.");
    } else {
        d.para("The library's plan has changed since this run; what reads differently now:");
        d.list(
            f.plan_changes
                .iter()
                .map(|c| format!("{}: {}", c.plan, c.words()))
                .collect(),
        );
    }
    // what the forecast said as the run went, and what reading the journal for the timeline
    // found (its heading with it)
    d.after();
    if !f.warnings.is_empty() {
        d.h3("Warnings");
        d.list(f.warnings.clone());
    }
}

/// The calls made, and the commands muster ran with their output (sections only when there are
/// any).
fn calls_and_runs(d: &mut Doc, o: &Input) {
    let st = &o.session.state;
    if !st.calls.is_empty() {
        d.h2("Calls");
        let rows = st
            .calls
            .iter()
            .map(|c| {
                vec![
                    utc(c.at),
                    c.by.clone(),
                    match &c.role {
                        Some(r) => format!("{} ({r})", c.name),
                        None => c.name.clone(),
                    },
                    c.result.words().to_string(),
                    c.step.as_ref().map(|s| s.to_string()).unwrap_or_default(),
                    c.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        d.table(&["When", "By", "Called", "Result", "Step", "Note"], rows);
    }
    if !st.redlines.is_empty() {
        d.h2("Redlines: changes proposed to the plans");
        d.para("What the run found the plans should say, for their authors (`muster redlines PLAN --draft` writes them into a copy of the plan).");
        let rows = st
            .redlines
            .iter()
            .map(|r| {
                vec![
                    r.id.clone(),
                    format!("{}/{}", r.plan, r.step),
                    r.kind.words().to_string(),
                    r.text.clone(),
                    r.by.clone(),
                    utc(r.at),
                    match r.status {
                        crate::domain::redline::RedlineStatus::Open => "open".to_string(),
                        crate::domain::redline::RedlineStatus::Accepted => {
                            format!("accepted by {}", r.decided_by.clone().unwrap_or_default())
                        }
                        crate::domain::redline::RedlineStatus::Rejected => {
                            format!("rejected by {}", r.decided_by.clone().unwrap_or_default())
                        }
                    },
                ]
            })
            .collect();
        d.table(
            &["", "Step", "Proposes", "What", "By", "When", "Status"],
            rows,
        );
    }
    if !st.runs.is_empty() {
        d.h2("Commands run");
        d.para("Each command muster ran for a step, after the responder confirmed it, with how it ended and its output as kept beside the journal (its start and end when it was long). The SHA-256 is the one the journal holds.");
        for r in &st.runs {
            let how = match (r.exit, r.timed_out) {
                (_, true) => "stopped after its time limit".to_string(),
                (Some(c), _) => format!("exit status {c}"),
                (None, _) => "killed by a signal".to_string(),
            };
            d.h3(format!("{} {} ({how})", utc(r.at), r.step));
            d.facts(vec![
                ("Run by".into(), r.by.clone()),
                ("Took".into(), crate::domain::time::took_ms(r.duration_ms)),
                (
                    "Output".into(),
                    format!("{} bytes, SHA-256 {}", r.output_bytes, r.output_hash),
                ),
            ]);
            d.pre(format!("$ {}", r.command));
            match o.outputs.get(&r.output) {
                Some(text) if text.is_empty() => d.para("It wrote nothing."),
                Some(text) => d.pre(text.as_str()),
                None => {
                    d.para(format!(
                        "The output file {} is not in this session folder (it is kept on the machine that ran the command); the journal holds its end:",
                        r.output
                    ));
                    d.pre(r.tail.as_deref().unwrap_or("(nothing)"))
                }
            };
        }
    }
}

pub(super) fn overview(f: &Facts, zone: Zone) -> Vec<(String, String)> {
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

/// How long an exercise ran: on its clock, with the wall time beside.
pub(super) fn exercise_duration(f: &Facts, o: &Input) -> Option<String> {
    let st = &o.session.state;
    let c = st.clock.as_ref()?;
    // still running: as of now
    let end = f.closed_at.unwrap_or(o.now);
    Some(format!(
        "{} on the exercise clock ({} wall time{})",
        ex_time(c.ex_ms(end)),
        human_duration(end - f.started_at),
        if f.closed_at.is_none() {
            ", still running"
        } else {
            ""
        }
    ))
}

/// An RTO's outcome in a few words: "met, 1 h 10 min to spare".
pub(super) fn rto_words(r: &RtoRow, closed: bool) -> String {
    match r.outcome.as_str() {
        "met" => format!("met with {} to spare", mins(r.margin_min)),
        "missed" if r.restored_at.is_some() || r.restored_ex_ms.is_some() => {
            format!("MISSED by {}", mins(r.margin_min))
        }
        "missed" => format!("MISSED (not restored, {} past)", mins(r.margin_min)),
        _ if closed => "not restored when the session closed".to_string(),
        _ => format!("not restored yet, {} left", mins(r.margin_min)),
    }
}

/// The executive summary: one paragraph of facts from the journal.
pub(super) fn executive_summary(f: &Facts, o: &Input) -> String {
    let st = &o.session.state;
    let mut p = Vec::new();
    let closed = f.closed_at.is_some();
    match exercise_duration(f, o) {
        Some(dur) => {
            let injects = o.session.scenario.as_ref().map_or(0, |s| s.injects.len());
            let released = st.injects.iter().filter(|r| r.released).count();
            let skipped = st.injects.iter().filter(|r| !r.released).count();
            p.push(format!(
                "The exercise \"{}\" started at {} and ran {dur}{}.",
                f.title,
                utc(f.started_at),
                if closed { "" } else { " so far" }
            ));
            p.push(format!(
                "{released} of {injects} injects {} released{}.",
                if released == 1 { "was" } else { "were" },
                if skipped > 0 {
                    format!(" and {skipped} skipped")
                } else {
                    String::new()
                }
            ));
        }
        None => p.push(format!(
            "The incident \"{}\" was declared at {}{}.",
            f.title,
            utc(f.declared_at),
            match f.closed_at {
                Some(c) => format!(
                    " and closed at {}, {} later",
                    utc(c),
                    human_duration(c - f.declared_at)
                ),
                None => " and is still open".to_string(),
            }
        )),
    }
    p.push(format!(
        "{} of {} needed steps were done{}.",
        f.finished,
        f.total,
        if f.skipped > 0 {
            format!(", {} skipped", f.skipped)
        } else {
            String::new()
        }
    ));
    if let Some(sc) = o.session.scenario.as_deref()
        && !sc.objectives.is_empty()
    {
        let rated: Vec<String> = sc
            .objectives
            .iter()
            .map(|ob| match st.rating(&ob.id.v) {
                Some(r) => format!("{} {}", ob.id.v, r.rating),
                None => format!("{} not rated", ob.id.v),
            })
            .collect();
        p.push(format!("Objectives: {}.", rated.join(", ")));
    }
    if !f.rto.is_empty() {
        // met and missed by name, with their margins; the rest counted
        let named: Vec<String> = f
            .rto
            .iter()
            .filter(|r| r.outcome != "open")
            .map(|r| format!("{} {}", r.name, rto_words(r, closed)))
            .collect();
        let open = f.rto.iter().filter(|r| r.outcome == "open").count();
        let mut parts = named;
        if open > 0 {
            parts.push(format!(
                "{} not restored{}",
                plural(open, "service", "services"),
                if closed {
                    " when the session closed"
                } else {
                    " yet, within their RTOs"
                }
            ));
        }
        p.push(format!(
            "RTOs{}: {}.",
            if st.is_exercise() {
                " as exercised"
            } else {
                ""
            },
            parts.join("; ")
        ));
    }
    if !f.decisions.is_empty() {
        let key: Vec<String> = f
            .decisions
            .iter()
            .take(3)
            .map(|d| format!("\"{}\" ({}, by {})", d[2], d[0], d[4]))
            .collect();
        p.push(format!(
            "Key decisions: {}{}.",
            key.join("; "),
            if f.decisions.len() > 3 {
                format!(" and {} more", f.decisions.len() - 3)
            } else {
                String::new()
            }
        ));
    }
    if st.is_exercise() {
        let count = |k: crate::domain::event::ObservationKind| {
            st.live_observations().filter(|(_, o)| o.kind == k).count()
        };
        use crate::domain::event::ObservationKind as K;
        p.push(format!(
            "Observations: {}, {}, {}.",
            plural(count(K::Strength), "strength", "strengths"),
            plural(
                count(K::Improvement),
                "area for improvement",
                "areas for improvement"
            ),
            plural(count(K::Defect), "plan defect", "plan defects")
        ));
    }
    let open = f.actions.iter().filter(|a| a.status == ActionStatus::Open);
    let overdue = f.actions.iter().filter(|a| a.overdue).count();
    p.push(match f.actions.len() {
        0 => "No improvement action has been raised yet.".to_string(),
        n => format!(
            "{} raised, {} open{}.",
            plural(n, "improvement action", "improvement actions"),
            open.count(),
            if overdue > 0 {
                format!(", {overdue} OVERDUE")
            } else {
                String::new()
            }
        ),
    });
    p.join(" ")
}

/// "1 strength", "3 strengths".
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An action's status for a table: open, closed (when, by whom), or OVERDUE.
pub(super) fn action_status(a: &ActionRow) -> String {
    match (a.status, a.overdue) {
        (ActionStatus::Open, true) => "OVERDUE".into(),
        (ActionStatus::Open, false) => "open".into(),
        (ActionStatus::Closed, _) => format!(
            "closed{}{}",
            a.closed_at
                .map(|t| format!(" {}", t.format("%Y-%m-%d")))
                .unwrap_or_default(),
            a.closed_note
                .as_ref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        ),
    }
}
