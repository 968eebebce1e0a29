//! The facts of a session for its review, derived once from the state: what the documents, the
//! JSON and the CSV are made from; and the rows of the timeline, made one event at a time.

use super::Input;
use crate::domain::event::ts;
use crate::domain::session::NoteKind;
use crate::domain::session::rto;
use crate::domain::time::ex_time;
use crate::present::Zone;
use crate::present::describe::describe;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What reading the journal found, handed in by the caller (reading files is not the
/// renderer's job).
pub use crate::domain::seal::Integrity;

#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    #[serde(with = "ts")]
    pub at: DateTime<Utc>,
    pub local: String,
    pub ex_time: Option<String>,
    pub actor: String,
    /// A scribe who recorded it for the actor, or whoever typed in the paper log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// When a paper log entry was typed in (`at` is the paper's time).
    #[serde(skip_serializing_if = "Option::is_none", with = "ts::opt")]
    pub transcribed_at: Option<DateTime<Utc>>,
    pub writer: String,
    pub kind: String,
    pub action: String,
    pub step: Option<String>,
    pub subject: String,
    pub text: Option<String>,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    pub plan: String,
    pub step: String,
    pub title: String,
    pub state: String,
    pub by: Option<String>,
    pub estimate_min: Option<(u32, u32)>,
    /// Minutes actually spent: active time, or from start to finish.
    pub actual_min: Option<i64>,
    pub reasons: Vec<String>,
    /// Disagreements between responders about the step, with when they were found.
    pub conflicts: Vec<String>,
}

pub use crate::domain::session::rto::RtoRow;

impl TimelineRow {
    /// "priya", or "priya (recorded by sam)".
    pub fn who(&self) -> String {
        crate::domain::event::who(
            &self.actor,
            self.recorded_by.as_deref(),
            self.transcribed_at.is_some(),
        )
        .into_owned()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub name: String,
    pub events: usize,
    pub did: String,
    #[serde(with = "ts")]
    pub first_at: DateTime<Utc>,
    #[serde(with = "ts")]
    pub last_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub id: String,
    pub title: String,
    pub mode: String,
    pub scenario: Option<String>,
    #[serde(with = "ts")]
    pub declared_at: DateTime<Utc>,
    #[serde(with = "ts")]
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    #[serde(with = "ts::opt")]
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub finished: usize,
    pub total: usize,
    pub skipped: usize,
    pub plans: Vec<(String, String, Option<String>, String)>,
    pub participants: Vec<Participant>,
    /// The time of the last event.
    #[serde(with = "ts::opt")]
    pub last_at: Option<DateTime<Utc>>,
    pub events: usize,
    /// The clock the durations (`actual_min`) and RTO outcomes are on: `exercise` for an
    /// exercise, `wall` for an incident.
    pub clock: &'static str,
    pub steps: Vec<StepRow>,
    pub decisions: Vec<Vec<String>>,
    pub rto: Vec<RtoRow>,
    /// The session's improvement actions, as `muster actions` lists them.
    pub actions: Vec<crate::domain::session::improve::ActionRow>,
    pub warnings: Vec<String>,
    /// How the library's plans differ from the versions run, step by step.
    pub plan_changes: Vec<crate::domain::changes::PlanDiff>,
}

pub fn utc(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2026-11-21 02:30:00 +00:00` in the zone: the offset of each hour is looked up once (zones
/// change at most on the hour), so a timeline of 100,000 events formats fast.
pub fn local(zone: Zone, t: DateTime<Utc>) -> String {
    thread_local! {
        static OFFSETS: std::cell::RefCell<std::collections::HashMap<(i64, u8, i32), chrono::FixedOffset>> = Default::default();
    }
    use chrono::{Datelike, Timelike};
    let hour = t.timestamp().div_euclid(3600);
    let tag = match zone {
        Zone::Utc => (0u8, 0),
        Zone::Local => (1, 0),
        Zone::Fixed(o) => (2, o.local_minus_utc()),
    };
    let off = OFFSETS.with(|c| {
        *c.borrow_mut()
            .entry((hour, tag.0, tag.1))
            .or_insert_with(|| zone.offset(t))
    });
    let l = t.with_timezone(&off);
    let secs = off.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {sign}{:02}:{:02}",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute(),
        l.second(),
        secs / 3600,
        (secs % 3600) / 60
    )
}

pub fn facts(input: &Input) -> Facts {
    let o = input.session;
    let now = input.now;
    let zone = input.zone;
    let st = &o.state;
    let mut steps = Vec::new();
    let mut decisions = Vec::new();
    for ps in &st.plans {
        let plan = o.plan_def(ps.id.as_str());
        for s in &ps.steps {
            let def = plan.and_then(|p| p.step(s.step.as_str()));
            let actual = s.actual_min(st, now);
            let reasons = s
                .notes
                .iter()
                .filter(|n| matches!(n.kind, NoteKind::Skip | NoteKind::Block))
                .map(|n| format!("{}: {}", n.kind, n.text))
                .collect();
            let state = match (s.bypassed, s.outcome) {
                (true, _) => match def.and_then(|d| d.only) {
                    Some(only)
                        if (only == crate::domain::event::Mode::Exercise) != st.is_exercise() =>
                    {
                        format!("left out (for {} runs only)", only.label())
                    }
                    _ => "not taken (other branch)".to_string(),
                },
                (false, Some(crate::domain::event::Outcome::Fail)) => {
                    "validation FAILED".to_string()
                }
                (false, Some(crate::domain::event::Outcome::Pass)) => {
                    "validation passed".to_string()
                }
                (false, Some(crate::domain::event::Outcome::NotTested)) => "not tested".to_string(),
                (false, None) => s.state.label().to_string(),
            };
            steps.push(StepRow {
                plan: s.plan.to_string(),
                step: s.step.to_string(),
                title: s.title.clone(),
                state,
                by: s.by.clone(),
                estimate_min: def.and_then(|d| d.estimate).map(|e| (e.min, e.max)),
                actual_min: actual,
                reasons,
                conflicts: s
                    .conflicts()
                    .map(|c| format!("{} ({})", c.text, utc(c.at)))
                    .collect(),
            });
            if let Some(dr) = &s.decision {
                let q = def
                    .and_then(|d| d.decision.as_ref())
                    .map(|d| d.question.clone())
                    .unwrap_or_default();
                decisions.push(vec![
                    format!("{}/{}", s.plan, s.step),
                    q,
                    dr.option.clone(),
                    dr.why.clone().unwrap_or_default(),
                    dr.by.clone(),
                    utc(dr.at),
                ]);
            }
        }
    }
    let rto = rto::rto_outcomes(o, input.index, now);
    // the exercise or incident as it ran: who only tracked actions after it closed took no part
    let closed_at = st.closed.as_ref().map(|c| c.at);
    let participants = st
        .responders
        .values()
        .filter(|r| closed_at.is_none_or(|c| r.first_at <= c))
        .map(|r| {
            // (singular, plural) of what they did, in the order they first did it
            let mut counts: Vec<((&str, &str), usize)> = Vec::new();
            for (kind, n) in &r.did {
                let verb = match kind.as_str() {
                    "step_done" => ("step done", "steps done"),
                    "step_started" => ("step started", "steps started"),
                    "step_skipped" => ("step skipped", "steps skipped"),
                    "step_blocked" => ("step blocked", "steps blocked"),
                    "step_reopened" => ("step reopened", "steps reopened"),
                    "note" => ("note", "notes"),
                    "decision_taken" => ("decision", "decisions"),
                    "assigned" => ("assignment", "assignments"),
                    "observation" => ("observation", "observations"),
                    "inject_released" | "inject_skipped" => ("inject", "injects"),
                    "objective_rated" => ("rating", "ratings"),
                    "hand_over" => ("hand-over", "hand-overs"),
                    "action_added" => ("improvement action raised", "improvement actions raised"),
                    "action_updated" => ("action updated", "action updates"),
                    "observation_corrected" | "observation_withdrawn" => {
                        ("observation put right", "observations put right")
                    }
                    "session_started" => ("started the session", ""),
                    "session_closed" => ("closed the session", ""),
                    _ => continue,
                };
                match counts.iter_mut().find(|(v, _)| *v == verb) {
                    Some((_, c)) => *c += n,
                    None => counts.push((verb, *n)),
                }
            }
            let did = counts
                .iter()
                .map(|((one, many), n)| match (*n, many.is_empty()) {
                    (_, true) => one.to_string(),
                    (1, _) => format!("1 {one}"),
                    (n, _) => format!("{n} {many}"),
                })
                .collect::<Vec<_>>()
                .join(", ");
            Participant {
                name: r.name.clone(),
                events: r.events,
                did,
                first_at: r.first_at,
                last_at: closed_at.map_or(r.last_at, |c| r.last_at.min(c)),
            }
        })
        .collect();
    let (finished, total) = st.progress();
    Facts {
        plan_changes: input.changes.clone(),
        id: st.id.to_string(),
        title: st.title.clone(),
        mode: st.mode.label().to_string(),
        scenario: st
            .scenario
            .as_ref()
            .map(|s| format!("{} ({})", s.title, s.id)),
        declared_at: st.declared_at,
        started_at: st.started_at,
        started_by: st.started_by.clone(),
        closed_at: st.closed.as_ref().map(|c| c.at),
        closed_by: st.closed.as_ref().map(|c| c.by.clone()),
        finished,
        total,
        skipped: st.skipped(),
        plans: st
            .plans
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    p.title.clone(),
                    o.plan_def(p.id.as_str()).and_then(|x| x.version.clone()),
                    p.hash.clone(),
                )
            })
            .collect(),
        participants,
        last_at: st.last_key.as_ref().map(|k| k.0),
        events: st.events,
        clock: if st.clock.is_some() {
            "exercise"
        } else {
            "wall"
        },
        steps,
        decisions,
        rto,
        actions: crate::domain::session::improve::ActionRow::all(st, zone.date(now)),
        warnings: st.all_warnings(now),
    }
}

/// An event as a row of the timeline.
pub fn timeline_row(e: &crate::domain::event::Event, o: &Input) -> TimelineRow {
    let d = describe(e, o.session);
    TimelineRow {
        at: e.at,
        local: local(o.zone, e.at),
        ex_time: e
            .ex_ms
            .filter(|_| o.session.state.is_exercise())
            .map(ex_time),
        actor: e.actor.clone(),
        recorded_by: e.recorded_by.clone(),
        transcribed_at: e.transcribed_at,
        writer: e.writer.to_string(),
        kind: e.body.kind().to_string(),
        action: d.action,
        step: d.step,
        subject: d.subject,
        text: d.text,
        id: e.id.to_string(),
    }
}

/// A timeline row as the documents' table shows it.
pub fn doc_row(r: &TimelineRow, exercise: bool) -> Vec<String> {
    let mut row = vec![utc(r.at), r.local.clone()];
    if exercise {
        row.push(r.ex_time.clone().unwrap_or_default());
    }
    let what = match (&r.step, r.subject.is_empty()) {
        (Some(s), _) => format!("{} {s} {}", r.action, r.subject),
        (None, false) => format!("{} {}", r.action, r.subject),
        (None, true) => r.action.clone(),
    };
    row.extend([r.who(), what, r.text.clone().unwrap_or_default()]);
    row
}

/// The integrity section: what reading the journal found.
pub fn integrity_blocks(i: &Integrity) -> Vec<super::doc::Block> {
    use super::doc::Block;
    if let Some(why) = &i.unread {
        return vec![Block::Para(format!(
            "NOT CHECKED: the journal could not be read ({why}). This says nothing about whether it is intact: run the export again once the disk reads."
        ))];
    }
    let mut out = vec![Block::Para(format!(
        "{}: {} events in {} journal file(s).",
        if i.ok {
            "Verified, every hash chain, signature and witness intact"
        } else {
            "NOT VERIFIED: the journal was damaged or altered; the problems follow"
        },
        i.events,
        i.files
    ))];
    if !i.problems.is_empty() {
        out.push(Block::List(i.problems.clone()));
    }
    if !i.writers.is_empty() {
        out.push(Block::Para(
            "Writers, and the keys their lines are signed by (compare a key with `muster key` on its machine):".into(),
        ));
        out.push(Block::List(
            i.writers
                .iter()
                .map(|w| {
                    format!(
                        "{} ({}): {} event(s), {}",
                        w.writer,
                        w.file,
                        w.events,
                        crate::present::describe::signed_by(w.key.as_deref(), w.unsigned, None)
                    )
                })
                .collect(),
        ));
    }
    match &i.seal {
        Some(s) => out.push(Block::Para(format!(
            "Seal {} (by {} at {}) covers {} event(s){}{}.",
            s.digest,
            s.by,
            utc(s.at),
            s.covers,
            match s.after {
                0 => String::new(),
                n => format!("; {n} event(s) recorded after it are not covered by it"),
            },
            match s.holds {
                Some(true) => "; the journal still holds all of them",
                Some(false) => "; the journal NO LONGER holds all of them",
                None => "",
            }
        ))),
        None => out.push(Block::Para(
            "Not sealed: `muster seal` gives a digest to keep outside the journal.".into(),
        )),
    }
    out
}

pub const CSV_HEAD: [&str; 11] = [
    "time_utc",
    "time_local",
    "exercise_time",
    "actor",
    "writer",
    "kind",
    "action",
    "step",
    "subject",
    "text",
    "event_id",
];

/// A timeline row as a CSV record, safe to open in a spreadsheet.
pub fn csv_record(r: &TimelineRow) -> [String; 11] {
    [
        r.at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        r.local.clone(),
        r.ex_time.clone().unwrap_or_default(),
        r.who(),
        r.writer.clone(),
        r.kind.clone(),
        r.action.clone(),
        r.step.clone().unwrap_or_default(),
        r.subject.clone(),
        r.text.clone().unwrap_or_default(),
        r.id.clone(),
    ]
    .map(|c| cap(spreadsheet_safe(&c)))
}

/// The most characters a CSV cell holds: spreadsheets take at most 32,767 and cut the rest
/// without a word, so a longer text is cut here, saying so.
pub const MAX_CELL_CHARS: usize = 32_000;

fn cap(s: String) -> String {
    let n = s.chars().count();
    if n <= MAX_CELL_CHARS {
        return s;
    }
    let kept: String = s.chars().take(MAX_CELL_CHARS).collect();
    format!(
        "{kept} [... cut: {} more characters; the whole text is in the JSON export and the journal]",
        n - MAX_CELL_CHARS
    )
}

/// A CSV cell made safe for a spreadsheet: no formula, at most [`MAX_CELL_CHARS`].
pub fn cap_cell(s: &str) -> String {
    cap(spreadsheet_safe(s))
}

/// A cell a spreadsheet would read as a formula is prefixed with `'`, so it stays text.
pub fn spreadsheet_safe(s: &str) -> String {
    let s = crate::domain::text::clean(s, true);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// The forecast over the run: when each service's RTO was first forecast, and each time it
/// went from on time to late or back.
pub fn forecast_blocks(
    turns: &[crate::domain::forecast::Turn],
    input: &super::Input,
) -> Vec<super::doc::Block> {
    use super::doc::Block;
    let mut out = vec![Block::H2("The forecast over the run".into())];
    if turns.is_empty() {
        out.push(Block::Para(
            "No forecast was made: no step of a plan restoring a service with an RTO was open."
                .into(),
        ));
        return out;
    }
    let exercise = input.session.state.is_exercise();
    let first_late = turns.iter().find(|t| t.service.slack_min < 0);
    out.push(Block::Para(match first_late {
        None => "The forecast, from the plans' estimates as the steps were recorded, never showed an RTO missed.".into(),
        Some(t) => {
            let clock = match (exercise, t.ex_ms) {
                (true, Some(ms)) => format!(", {} on the exercise clock", ex_time(ms)),
                _ => String::new(),
            };
            format!(
                "The run first looked late at {}{clock}: {} {}. Each row is a turn of the forecast, from the plans' estimates as the steps were recorded (once a minute at most).",
                local(input.zone, t.at),
                t.service.name.clone(),
                t.service.words()
            )
        }
    }));
    let mut head = vec!["Local"];
    if exercise {
        head.push("Exercise");
    }
    head.extend(["Service", "Forecast end", "RTO due", "Forecast"]);
    // a forecast that goes back and forth on the line is shown by its first and last turns
    const KEEP: usize = 25;
    let left_out = turns.len().saturating_sub(2 * KEEP);
    let shown: Vec<&crate::domain::forecast::Turn> = if left_out > 0 {
        turns[..KEEP]
            .iter()
            .chain(&turns[turns.len() - KEEP..])
            .collect()
    } else {
        turns.iter().collect()
    };
    let rows = shown
        .into_iter()
        .map(|t| {
            let mut row = vec![local(input.zone, t.at)];
            if exercise {
                row.push(t.ex_ms.map(ex_time).unwrap_or_default());
            }
            row.extend([
                t.service.name.clone(),
                local(input.zone, t.service.forecast_end),
                local(input.zone, t.service.rto_at),
                format!(
                    "{}{}",
                    if t.first {
                        "first forecast: "
                    } else if t.service.slack_min < 0 {
                        "turned late: "
                    } else {
                        "back on time: "
                    },
                    t.service.words()
                ),
            ]);
            row
        })
        .collect();
    out.push(Block::Table {
        head: head.into_iter().map(String::from).collect(),
        rows,
        write_in: 0,
    });
    if left_out > 0 {
        out.push(Block::Para(format!(
            "The forecast turned {} times in all: the {left_out} between the first {KEEP} and the last {KEEP} are left out here (`muster status` at any point of the journal shows them).",
            turns.len()
        )));
    }
    out
}
