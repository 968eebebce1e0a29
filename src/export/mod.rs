//! Exports of a session, paper copies of plans and the index, and the IT Service Continuity
//! Report. Pure: the caller reads the journal, hands in what it found, and writes the text.

pub mod doc;
pub mod print;
pub mod report;
pub mod review;

use crate::domain::Index;
use crate::domain::event::{Event, ts};
use crate::domain::session::{Session, SessionState};
use crate::present::Zone;
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

pub use review::Integrity;

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

/// What an export is made from.
pub struct Input<'a> {
    pub session: &'a Session,
    /// Every event, in merge order.
    pub events: &'a [Event],
    pub index: &'a Index,
    pub integrity: Integrity,
    pub now: DateTime<Utc>,
    pub zone: Zone,
}

#[derive(serde::Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    #[serde(with = "ts")]
    generated_at: DateTime<Utc>,
    session: &'a SessionState,
    review: &'a review::Facts,
    events: &'a [Event],
}

/// Renders a session in a format.
pub fn render(input: &Input, format: Format) -> String {
    let facts = review::facts(input);
    let doc = || {
        if input.session.state.is_exercise() {
            review::exercise_doc(&facts, input)
        } else {
            review::incident_doc(&facts, input)
        }
    };
    match format {
        Format::Md => doc::to_markdown(&doc()),
        Format::Html => doc::to_html(&doc()),
        Format::Json => {
            let j = JsonExport {
                format: "muster-session-export/1",
                generated_at: input.now,
                session: &input.session.state,
                review: &facts,
                events: input.events,
            };
            // plain data: serialising cannot fail
            let mut s = serde_json::to_string(&j).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Csv => review::to_csv(&facts),
    }
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
