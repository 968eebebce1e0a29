//! The paper log typed back in: one entry a line, `[DATE] HH:MM WHO ACTION STEP [NOTE...]`, as
//! the printed copy's sign-off sheet has it. ACTION is start, done, skip, block, reopen or note
//! (skip, block, reopen and note need their words); STEP a step's id, `plan/step`, or its number
//! (`plan/4` for the fourth step of that plan's sheet, `4` or `2.4` as `muster status` numbers
//! them). `#` starts a comment. A date (`2026-11-21`) may precede the time; without one an
//! entry is on the day of the entry before it, or the next day when its time is earlier (the
//! night goes past midnight), the first on the day the disaster was declared.
//!
//! Every line is read, and every entry checked against the session as the entries before it
//! leave it, before anything is recorded: one bad line and nothing is.

use super::command::{Command, StepAct, check, resolve};
use super::event::{Event, FORMAT_VERSION};
use super::ids::{EventId, StepRef};
use super::session::Session;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// One entry of the paper log, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its line in the file, from 1.
    pub line: usize,
    /// The paper's time.
    pub at: DateTime<Utc>,
    pub who: String,
    pub act: StepAct,
    pub step: StepRef,
    pub note: Option<String>,
}

impl Entry {
    /// The command the entry stands for.
    pub fn command(&self) -> Command {
        let (text, to) = match self.act {
            StepAct::Assign => (None, self.note.clone()),
            _ => (self.note.clone(), None),
        };
        Command::Step {
            step: self.step.clone(),
            act: self.act,
            text,
            to,
            // the paper is what happened: its order is not questioned
            anyway: true,
        }
    }
}

/// A line that does not read, at its column (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// How the paper's local times become instants (the front end knows the time zone).
pub struct Clock<'a> {
    /// A local date and time as an instant; `None` when it does not exist there (a clock
    /// change).
    pub to_utc: &'a dyn Fn(NaiveDateTime) -> Option<DateTime<Utc>>,
    /// The local date of an instant.
    pub date_of: &'a dyn Fn(DateTime<Utc>) -> NaiveDate,
    /// Now: no entry may be later.
    pub now: DateTime<Utc>,
}

const ACTIONS: &str = "start, done, skip, block, reopen or note";

/// The words of a line with the column (from 1, in characters) each starts at.
fn words(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, i, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out.into_iter()
        .map(|(s, e, w)| (line[..s].chars().count() + 1, e, w))
        .collect()
}

fn time_of(w: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(w, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(w, "%H:%M:%S"))
        .or_else(|_| NaiveTime::parse_from_str(w, "%H.%M"))
        .ok()
}

/// Reads every line; checks each entry against the session as the entries before it leave it.
/// Entries come back in the order of the file.
pub fn read(text: &str, s: &Session, clock: &Clock) -> Result<Vec<Entry>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let mut day = (clock.date_of)(s.state.declared_at);
    let mut last: Option<NaiveDateTime> = None;
    let mut sim = s.clone();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let content = raw.split('#').next().unwrap_or("");
        let ws = words(content);
        if ws.is_empty() {
            continue;
        }
        let end = content.trim_end().chars().count() + 1;
        let err = |col: usize, message: String| LineError { line, col, message };
        let mut i = 0;
        // a date may come first
        let mut dated = false;
        if let Ok(d) = NaiveDate::parse_from_str(ws[0].2, "%Y-%m-%d") {
            day = d;
            dated = true;
            i = 1;
        }
        let Some(&(tcol, _, tw)) = ws.get(i) else {
            errors.push(err(
                end,
                "a date alone: give the time after it, like 03:12".into(),
            ));
            continue;
        };
        let Some(t) = time_of(tw) else {
            errors.push(err(
                tcol,
                format!(
                    "`{}` is not a time: start the line with the paper's time, like 03:12 (or a date and a time: 2026-11-21 03:12)",
                    super::text::clean(tw, false)
                ),
            ));
            continue;
        };
        let mut local = day.and_time(t);
        if !dated && last.is_some_and(|l| local < l) {
            // past midnight
            day = day.succ_opt().unwrap_or(day);
            local = day.and_time(t);
        }
        last = Some(local);
        let Some(at) = (clock.to_utc)(local) else {
            errors.push(err(
                tcol,
                "this local time does not exist (the clocks changed): give the time as the clock showed it after the change".into(),
            ));
            continue;
        };
        if at > clock.now + chrono::Duration::minutes(1) {
            errors.push(err(
                tcol,
                format!(
                    "{} {} is in the future: check the time, or give the date before it",
                    day,
                    t.format("%H:%M")
                ),
            ));
            continue;
        }
        let Some(&(_, _, who)) = ws.get(i + 1) else {
            errors.push(err(
                end,
                "say who did it after the time, like: 03:12 priya done 4".into(),
            ));
            continue;
        };
        let Some(&(acol, _, aw)) = ws.get(i + 2) else {
            errors.push(err(
                end,
                format!("say what was done after the name: {ACTIONS}"),
            ));
            continue;
        };
        let act = match aw.parse::<StepAct>() {
            Ok(a) => a,
            Err(_) => {
                errors.push(err(
                    acol,
                    format!(
                        "`{}` is not an action of the paper log: use {ACTIONS}",
                        super::text::clean(aw, false)
                    ),
                ));
                continue;
            }
        };
        let Some(&(scol, send, sw)) = ws.get(i + 3) else {
            errors.push(err(
                end,
                "say which step after the action: its number on the paper copy (plan/4), or its id"
                    .into(),
            ));
            continue;
        };
        let step = match resolve::step(&sim, sw) {
            Ok(r) => r,
            Err(r) => {
                errors.push(err(scol, r.to_string()));
                continue;
            }
        };
        let note = content[send..].trim();
        let note = (!note.is_empty()).then(|| note.to_string());
        let needs = match act {
            StepAct::Skip => Some("why it was skipped"),
            StepAct::Block => Some("what it waits for"),
            StepAct::Reopen => Some("why it was reopened"),
            StepAct::Note => Some("the note"),
            StepAct::Assign => Some("to whom"),
            _ => None,
        };
        if let (Some(what), None) = (needs, &note) {
            errors.push(err(
                end,
                format!(
                    "`{aw}` needs its words after the step: {what}, like `{tw} {who} {aw} {sw} ...`"
                ),
            ));
            continue;
        }
        let entry = Entry {
            line,
            at,
            who: who.to_string(),
            act,
            step,
            note,
        };
        // checked against the session as the entries before it leave it
        match check(&entry.command(), &sim, &entry.who, entry.at) {
            Ok(c) => {
                let events: Vec<Event> = c
                    .bodies()
                    .iter()
                    .enumerate()
                    .map(|(k, b)| Event {
                        v: FORMAT_VERSION,
                        id: EventId::new(format!("paper-{line}-{k}")),
                        seq: 0,
                        at: entry.at,
                        actor: entry.who.clone(),
                        writer: "paper".into(),
                        body: b.clone(),
                        ex_ms: c.ex_ms(),
                        seen: None,
                        saw: Vec::new(),
                        recorded_by: None,
                        transcribed_at: None,
                        key: None,
                        prev: None,
                    })
                    .collect();
                c.apply_to(&mut sim, &events);
                entries.push(entry);
            }
            Err(r) => {
                let col = match r.need() {
                    Some(_) => end,
                    None => acol,
                };
                let msg = match r.need() {
                    Some(n) => format!("{}: write it after the step", n.sentence()),
                    None => r.to_string(),
                };
                errors.push(err(col, msg));
            }
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_know_their_columns() {
        let w = words("03:12  priya done 4 it went fine");
        assert_eq!(w[0], (1, 5, "03:12"));
        assert_eq!(w[1].0, 8);
        assert_eq!(w[1].2, "priya");
        assert_eq!(w[3].2, "4");
        // columns count characters, not bytes
        let w = words("03:12 zoë done 4");
        assert_eq!(w[2].0, 11);
        assert_eq!(w[3].0, 16);
    }

    #[test]
    fn times_read_with_a_colon_seconds_or_a_dot() {
        assert!(time_of("03:12").is_some());
        assert!(time_of("3:12").is_some());
        assert!(time_of("03:12:30").is_some());
        assert!(time_of("03.12").is_some());
        assert!(time_of("0312x").is_none());
        assert!(time_of("25:00").is_none());
    }
}
