//! What plain mode prints: short lines, each of which makes sense alone (a screen reader reads
//! one line at a time, a serial console may show only the last few), with no escape codes.

use crate::domain::command::unfinished_dependencies;
use crate::domain::session::{Session, StepState, StepStatus};
use crate::domain::text::clean;
use crate::present::Zone;
use chrono::{DateTime, Utc};

/// A step's number as the user types it: `7`, or `2.7` when the session has several plans.
pub fn number(s: &Session, st: &StepState) -> String {
    let plans = &s.state.plans;
    let pi = plans.iter().position(|p| p.id == st.plan).unwrap_or(0);
    let si = plans
        .get(pi)
        .and_then(|p| p.steps.iter().position(|x| x.step == st.step))
        .unwrap_or(0);
    if plans.len() > 1 {
        format!("{}.{}", pi + 1, si + 1)
    } else {
        format!("{}", si + 1)
    }
}

/// "pending", "done by ann at 10:02", "skipped by bob at 10:05", "not on the chosen branch".
pub fn state_words(st: &StepState, zone: Zone) -> String {
    let mut w = match (&st.by, st.at) {
        (Some(by), Some(at)) if st.state != StepStatus::Pending => format!(
            "{} by {} at {}",
            st.state.label(),
            clean(by, false),
            zone.hm(at)
        ),
        _ => st.state.label().to_string(),
    };
    if st.bypassed {
        w.push_str(", not on the chosen branch");
    }
    for c in st.conflicts() {
        w.push_str(&format!(", CONFLICT: {}", clean(&c.text, false)));
    }
    if let Some(r) = st.reason() {
        w.push_str(&format!(", because: {}", clean(&r.text, false)));
    }
    if let Some(a) = &st.assignee {
        w.push_str(&format!(", assigned to {}", clean(a, false)));
    }
    w
}

/// One line per step: "Step 3, done by ann at 10:02: Check the replica lag."
pub fn list(s: &Session, zone: Zone) -> Vec<String> {
    let mut out = Vec::new();
    for p in &s.state.plans {
        if s.state.plans.len() > 1 {
            let (d, t) = p.progress();
            out.push(format!(
                "Plan {}: {}, {d} of {t} done.",
                p.id,
                clean(&p.title, false)
            ));
        }
        for st in &p.steps {
            out.push(format!(
                "Step {}, {}: {}.",
                number(s, st),
                state_words(st, zone),
                clean(&st.title, false).trim_end_matches('.')
            ));
        }
    }
    out
}

/// The session in a few lines: what, since when, RTOs, progress, what is overdue, what next.
pub fn status(
    s: &Session,
    lib: &crate::domain::Library,
    now: DateTime<Utc>,
    zone: Zone,
    medians: &crate::domain::history::Medians,
) -> Vec<String> {
    let st = &s.state;
    let mode = if st.is_exercise() {
        "Exercise"
    } else {
        "Incident"
    };
    let mut out = vec![format!(
        "{mode}: {}, session {}.",
        clean(&st.title, false),
        st.id
    )];
    match &st.closed {
        Some(c) => out.push(format!(
            "Closed at {} by {}.",
            zone.hm(c.at),
            clean(&c.by, false)
        )),
        None => out.push(format!(
            "Open. Declared at {}, {} ago.",
            zone.date_hm(st.declared_at),
            crate::domain::time::human_duration(now - st.declared_at)
        )),
    }
    for r in crate::domain::session::rto::rto_outcomes(s, &lib.index, now)
        .iter()
        .take(3)
    {
        let m = crate::domain::time::human_duration(chrono::Duration::minutes(r.margin_min));
        let how = match (r.outcome.as_str(), r.restored_at) {
            ("met", Some(t)) => format!("met, restored at {}", zone.hm(t)),
            ("missed", Some(t)) => format!("missed, restored at {}, {m} late", zone.hm(t)),
            ("missed", None) => format!("MISSED by {m}"),
            _ => format!("{m} left"),
        };
        out.push(format!(
            "RTO of {} is {}: due at {}, {how}.",
            clean(&r.name, false),
            r.rto,
            zone.hm(r.deadline)
        ));
    }
    let overdue: Vec<String> = crate::domain::session::deadline::deadlines(s, now)
        .into_iter()
        .filter(|(_, _, d)| d.state == crate::domain::session::deadline::DueState::Overdue)
        .map(|(pi, si, d)| {
            let x = &st.plans[pi].steps[si];
            format!("step {} since {}", number(s, x), zone.hm(d.at))
        })
        .collect();
    if !overdue.is_empty() {
        out.push(format!("OVERDUE: {}.", overdue.join(", ")));
    }
    let (done, total) = st.progress();
    out.push(format!("Progress: {done} of {total} steps done."));
    let conflicted: Vec<String> = st
        .conflicted()
        .map(|x| format!("step {}", number(s, x)))
        .collect();
    if !conflicted.is_empty() {
        out.push(format!(
            "CONFLICT: responders disagree about {}: type show and the number to see how.",
            conflicted.join(", ")
        ));
    }
    if st.closed.is_none() {
        out.extend(forecast(s, lib, now, zone, medians));
    }
    match crate::domain::command::next_step(s) {
        Some(n) => out.push(format!(
            "Next: step {}, {}: {}.",
            number(s, n),
            state_words(n, zone),
            clean(&n.title, false).trim_end_matches('.')
        )),
        None if st.closed.is_none() => {
            out.push("Every needed step is finished: close the session when you are done.".into())
        }
        None => {}
    }
    out
}

/// A step whole: its state, who does it, what to do, its commands, what to expect.
pub fn show(
    s: &Session,
    lib: &crate::domain::Library,
    st: &StepState,
    now: DateTime<Utc>,
    zone: Zone,
) -> Vec<String> {
    let n = number(s, st);
    let mut out = vec![format!(
        "Step {n} of plan {}: {}.",
        st.plan,
        clean(&st.title, false).trim_end_matches('.')
    )];
    out.push(format!("Step {n} is {}.", state_words(st, zone)));
    let Some(def) = s.step_def(&st.at_ref()) else {
        return out;
    };
    let waiting = unfinished_dependencies(s, &st.at_ref());
    if !waiting.is_empty() && !st.state.finished() {
        out.push(format!("Step {n} waits for: {}.", waiting.join(", ")));
    }
    if let Some(ps) = s.state.plan(st.plan.as_str())
        && let Some(d) = crate::domain::session::deadline::deadline(&s.state, ps, st, def, now)
    {
        out.push(format!(
            "Step {n} is {}.",
            crate::present::due_words(&d, def.every, zone)
        ));
    }
    if let Some(r) = &def.role {
        out.push(format!(
            "Who: {}.",
            clean(&crate::cli::who_to_call(&lib.index, &r.v, now), false).trim_end_matches('.')
        ));
    }
    for t in &def.notify {
        out.push(format!("Tell: {}.", clean(&t.v, false)));
    }
    if let Some(b) = &def.body {
        for l in b.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push(clean(l, false));
        }
    }
    for c in &def.commands {
        for (i, l) in c.run.lines().enumerate() {
            let head = if i == 0 {
                "Command:"
            } else {
                "Command, continued:"
            };
            out.push(format!("{head} {}", clean(l, false)));
        }
    }
    if let Some(e) = &def.expected {
        out.push(format!("Expected: {}", clean(e, false)));
    }
    if let Some(v) = &def.verification {
        out.push(format!("Check: {}", clean(v, false)));
    }
    if let Some(d) = &def.decision {
        out.push(format!("Decision: {}", clean(&d.question, false)));
        let plan = s.plan_def(st.plan.as_str());
        for (i, o) in d.options.iter().enumerate() {
            let to = plan.map(|p| o.targets_shown(p)).unwrap_or_default();
            out.push(format!(
                "Option {}: {}{}. Type: decide {n} {}",
                i + 1,
                clean(&o.label, false).trim_end_matches('.'),
                if to.is_empty() {
                    String::new()
                } else {
                    format!(", leads to {to}")
                },
                i + 1
            ));
        }
        if let Some(tk) = &st.decision {
            out.push(format!(
                "Decided by {}: {}.",
                clean(&tk.by, false),
                clean(&tk.option, false)
            ));
        }
    }
    for note in &st.notes {
        out.push(format!(
            "Note by {} at {}: {}",
            clean(&note.by, false),
            zone.hm(note.at),
            clean(&note.text, false)
        ));
    }
    out
}

pub const HELP: &[&str] = &[
    "Commands, one a line. N is a step's number as list shows it (7, or 2.7 for the second plan).",
    "status: the session in a few lines, and the next step.",
    "list: every step with its state.",
    "show N: step N whole: who, what to do, commands, what to expect.",
    "start N, done N [note]: record that you started or finished step N.",
    "skip N reason, block N reason, reopen N reason: the reason is required.",
    "note N text: a note on step N. note text: a note on the session.",
    "assign N name: give step N to someone.",
    "decide N option [why]: take a decision; the option is its number or its words.",
    "undo: undo your last action on a step.",
    "pass N [note], fail N what failed, not-tested N [why]: a validation step's outcome.",
    "redline N text: propose a change to step N for the plan's author.",
    "redline accept R1 [why], redline reject R1 [why]: decide on a redline.",
    "handover NAME [note]: hand over to NAME; the summary of what is open goes with it.",
    "call [N] WHO RESULT [note]: record a phone call (about step N); WHO a person or a role (its next person); RESULT reached, no-answer, voicemail or busy.",
    "who words: look up people, roles, vendors and sites in the index, for example who dba.",
    "sessions: the sessions. open ID: follow another session.",
    "close [note]: close the session.",
    "declared 03:10 [why]: set or correct when the disaster was declared (your local time).",
    "quit: leave plain mode. Nothing is lost: every recorded line is already on disk.",
];

/// Each plan's forecast end against the RTO it restores soonest, and the steps it waits on.
fn forecast(
    s: &Session,
    lib: &crate::domain::Library,
    now: DateTime<Utc>,
    zone: Zone,
    medians: &crate::domain::history::Medians,
) -> Vec<String> {
    let forecasts = crate::domain::forecast::plans(s, now, &|p, step| {
        crate::domain::history::median(medians, p, step)
    });
    let mut out = Vec::new();
    for f in &forecasts {
        let svc = crate::domain::forecast::services(s, &lib.index, std::slice::from_ref(f));
        let rto = svc
            .iter()
            .min_by_key(|x| x.slack_min)
            .map(|x| {
                format!(
                    "; RTO of {} at {}, {}",
                    clean(&x.name, false),
                    zone.hm(x.rto_at),
                    x.words()
                )
            })
            .unwrap_or_default();
        let steps: Vec<String> = f
            .critical_path
            .iter()
            .filter_map(|id| {
                s.state
                    .plan(f.plan.as_str())
                    .and_then(|p| p.steps.iter().find(|x| x.step.as_str() == id))
            })
            .map(|x| number(s, x))
            .collect();
        let path = match (steps.is_empty(), f.load_words()) {
            (true, _) => String::new(),
            (false, Some(w)) => format!(" {w}: steps {}.", steps.join(", ")),
            (false, None) => format!(" It waits on steps {}.", steps.join(", ")),
        };
        out.push(format!(
            "Forecast: {} ends at {}{rto}.{path}",
            f.plan,
            zone.hm(f.end_at)
        ));
    }
    out
}
