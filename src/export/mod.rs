//! Exports of a session, paper copies of plans and the index, and the IT Service Continuity
//! Report. Pure: the caller reads the journal, hands in what it found, and writes the text.

mod aar;
mod continuity;
pub mod doc;
pub mod facts;
pub mod graph;
mod md_html;
mod pir;
pub mod print;
pub mod report;
pub mod review;

use crate::domain::Index;
use crate::domain::event::{Body, Event, ts};
use crate::domain::session::{Session, SessionState};
use crate::present::Zone;
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

pub use facts::Integrity;

/// The formats a session exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Json,
    Csv,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Md, Format::Html, Format::Json, Format::Csv];
    pub fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ext())
    }
}

impl FromStr for Format {
    type Err = crate::domain::event::UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.ext() == s.trim()).ok_or(
            crate::domain::event::UnknownWord {
                given: s.to_string(),
                what: "an export format",
                choices: "md, html, json or csv",
            },
        )
    }
}

/// What an export is made from. The events come from an [`EventSource`], streamed as the
/// export is written.
pub struct Input<'a> {
    pub session: &'a Session,
    pub index: &'a Index,
    pub now: DateTime<Utc>,
    pub zone: Zone,
    /// Large print (HTML): for paper read in a dark room.
    pub large: bool,
    /// The output of the commands muster ran, as kept beside the journal.
    pub outputs: &'a crate::journal::runs::Outputs,
    /// How the library's plans differ from the versions the session ran (change control).
    pub changes: Vec<crate::domain::changes::PlanDiff>,
}

/// Where a session's events come from, in merge order: the journal (read and verified as they
/// are handed over), or a list in memory.
pub trait EventSource {
    /// Hands each event to `each`, then says what reading them found.
    fn each(&mut self, each: &mut dyn FnMut(&Event)) -> Integrity;
}

/// Events in memory, known to be intact.
pub struct Listed<'a>(pub &'a [Event]);

impl EventSource for Listed<'_> {
    fn each(&mut self, each: &mut dyn FnMut(&Event)) -> Integrity {
        for e in self.0 {
            each(e);
        }
        Integrity {
            ok: true,
            events: self.0.len(),
            files: 1,
            problems: Vec::new(),
            seal: None,
            writers: Vec::new(),
            unread: None,
        }
    }
}

/// The timeline's rows for a document, streamed from the events; then the integrity section.
struct Timeline<'a, 'b> {
    input: &'a Input<'a>,
    events: &'b mut dyn EventSource,
    integrity: Option<Integrity>,
    /// The forecast replayed over the events as they stream by.
    watch: crate::domain::forecast::Watch<'a>,
}

/// Clock changes in a row, folded into one line of a document's timeline.
struct ClockRun {
    row: Vec<String>,
    words: Vec<String>,
}

impl ClockRun {
    fn flush(run: &mut Option<ClockRun>, what_col: usize, each: &mut dyn FnMut(&[String])) {
        if let Some(mut r) = run.take() {
            if r.words.len() > 1 {
                r.row[what_col] = format!(
                    "exercise clock ({} changes): {}",
                    r.words.len(),
                    r.words.join("; ")
                );
            }
            each(&r.row);
        }
    }
}

impl doc::Rows for Timeline<'_, '_> {
    /// The timeline as a document shows it: the declaration in its place, a run of clock
    /// changes as one row, and no "joined" rows (the participants table has them). The JSON and
    /// CSV keep every event.
    fn rows(&mut self, each: &mut dyn FnMut(&[String])) {
        let st = &self.input.session.state;
        let exercise = st.is_exercise();
        let input = self.input;
        let what_col = if exercise { 4 } else { 3 };
        let declared = st.declared_at;
        let declared_row = || {
            let mut row = vec![facts::utc(declared), facts::local(input.zone, declared)];
            if exercise {
                row.push(String::new());
            }
            row.extend([
                String::new(),
                "disaster declared".to_string(),
                "RTOs count from here".to_string(),
            ]);
            row
        };
        let mut declared_shown = false;
        let mut run: Option<ClockRun> = None;
        let watch = &mut self.watch;
        let integrity = self.events.each(&mut |e| {
            watch.observe(e);
            if !declared_shown && declared <= e.at {
                ClockRun::flush(&mut run, what_col, each);
                each(&declared_row());
                declared_shown = true;
            }
            match &e.body {
                Body::ResponderJoined {} => {}
                Body::ClockPaused {}
                | Body::ClockResumed {}
                | Body::ClockSpeed { .. }
                | Body::ClockAdvanced { .. } => {
                    let row = facts::doc_row(&facts::timeline_row(e, input), exercise);
                    let word = format!(
                        "{} {}",
                        row.get(what_col).cloned().unwrap_or_default(),
                        e.ex_ms
                            .map(crate::domain::time::ex_time)
                            .unwrap_or_default()
                    );
                    match &mut run {
                        Some(r) => r.words.push(word),
                        None => {
                            run = Some(ClockRun {
                                row,
                                words: vec![word],
                            })
                        }
                    }
                }
                _ => {
                    ClockRun::flush(&mut run, what_col, each);
                    each(&facts::doc_row(&facts::timeline_row(e, input), exercise));
                }
            }
        });
        ClockRun::flush(&mut run, what_col, each);
        if !declared_shown {
            each(&declared_row());
        }
        self.integrity = Some(integrity);
    }
    fn after(&mut self) -> Vec<doc::Block> {
        let Some(i) = &self.integrity else {
            return Vec::new();
        };
        self.watch.finish();
        let mut out = facts::forecast_blocks(&self.watch.turns, self.input);
        out.push(doc::Block::H2("Journal integrity".into()));
        out.extend(facts::integrity_blocks(i));
        out
    }
}

#[derive(serde::Serialize)]
struct JsonHead<'a> {
    format: &'static str,
    #[serde(with = "ts")]
    generated_at: DateTime<Utc>,
    session: &'a SessionState,
    review: &'a facts::Facts,
    /// The improvement actions, each with its session (as `muster actions --json`).
    actions: &'a [crate::domain::session::improve::ActionRow],
}

/// Writes a session in a format; the events are read from `events` as it is written, so a
/// session of any size is exported in constant memory.
pub fn write(
    input: &Input,
    format: Format,
    events: &mut dyn EventSource,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let facts = facts::facts(input);
    let doc = || {
        let mut d = if input.session.state.is_exercise() {
            aar::exercise_doc(&facts, input)
        } else {
            pir::incident_doc(&facts, input)
        };
        if input.large {
            d.large_print();
        }
        d
    };
    let mut rows = Timeline {
        input,
        events,
        integrity: None,
        watch: crate::domain::forecast::Watch::new(input.session, input.index),
    };
    match format {
        Format::Md => doc::write_markdown(&doc(), &mut rows, out),
        Format::Html => doc::write_html(&doc(), &mut rows, out),
        Format::Json => {
            // the head, then the events one by one, then what reading them found; the head is
            // written as it is serialised, all but its closing brace
            let mut held = HoldLast {
                inner: &mut *out,
                last: None,
            };
            crate::present::json::to_writer(
                &mut held,
                &JsonHead {
                    format: "muster-session-export/1",
                    generated_at: input.now,
                    session: &input.session.state,
                    review: &facts,
                    actions: &facts.actions,
                },
            )?;
            out.write_all(b",\"events\":[")?;
            let mut first = true;
            let mut err = Ok(());
            let integrity = rows.events.each(&mut |e| {
                if err.is_err() {
                    return;
                }
                if !first {
                    err = out.write_all(b",");
                }
                first = false;
                if err.is_ok() {
                    err = crate::present::json::to_writer(&mut *out, e);
                }
            });
            err?;
            out.write_all(b"],\"integrity\":")?;
            crate::present::json::to_writer(&mut *out, &integrity)?;
            out.write_all(b"}\n")
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(facts::CSV_HEAD)?;
            let mut err = Ok(());
            rows.events.each(&mut |e| {
                if err.is_ok() {
                    err = w.write_record(facts::csv_record(&facts::timeline_row(e, input)));
                }
            });
            err.map_err(std::io::Error::other)?;
            w.flush()
        }
    }
}

/// The byte order mark a spreadsheet needs to read a CSV file as UTF-8 (Excel otherwise reads
/// names like "Siân" or "日本" garbled).
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes everything but the last byte it is given.
struct HoldLast<'a> {
    inner: &'a mut dyn std::io::Write,
    last: Option<u8>,
}

impl std::io::Write for HoldLast<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Some((&last, rest)) = buf.split_last() else {
            return Ok(0);
        };
        if let Some(b) = self.last.take() {
            self.inner.write_all(&[b])?;
        }
        self.inner.write_all(rest)?;
        self.last = Some(last);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// [`write`], into a string (for tests and small sessions).
pub fn render(input: &Input, format: Format, events: &mut dyn EventSource) -> String {
    let mut out = Vec::new();
    let _ = write(input, format, events, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The file name an export is written under: named after the session and what it is.
pub fn file_name(s: &SessionState, format: Format) -> String {
    let kind = if s.is_exercise() {
        "after-action-report"
    } else {
        "post-incident-review"
    };
    match format {
        Format::Csv | Format::Json => format!("{}.{format}", s.id),
        _ => format!("{}-{kind}.{format}", s.id),
    }
}
