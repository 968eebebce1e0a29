//! Exports of a session, paper copies of plans and the index, and the IT Service Continuity
//! Report. The renderers are pure (state in, text out); this file holds the edges that read the
//! journal for its integrity and write files.

pub mod doc;
pub mod print;
pub mod report;
pub mod review;

use crate::error::{Error, Result};
use crate::journal::file;
use crate::journal::store::Opened;
use crate::model::Library;
use chrono::{DateTime, Utc};
use std::path::PathBuf;

pub const FORMATS: [&str; 4] = ["md", "html", "json", "csv"];

/// The journal's integrity as found when the session was read (the reader checks every line's
/// checksum and every writer's hash chain, as `muster verify` does).
pub fn integrity(o: &Opened) -> Result<review::Integrity> {
    let files = file::journal_paths(&o.dir)?.len();
    let problems: Vec<String> = o
        .problems
        .iter()
        .map(|pr| {
            let name = pr
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!(
                "{name} line {}: {}{}",
                pr.line,
                if pr.error { "" } else { "(warning) " },
                pr.message
            )
        })
        .collect();
    let verified = files > 0 && !o.problems.iter().any(|p| p.error);
    Ok(review::Integrity {
        verified,
        events: o.events.len(),
        files,
        problems,
    })
}

#[derive(serde::Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    #[serde(with = "crate::journal::event::ts")]
    generated_at: DateTime<Utc>,
    session: &'a crate::model::session::SessionState,
    review: &'a review::Facts,
    events: &'a [crate::journal::event::Event],
}

/// Renders a session in a format: md, html, json or csv.
pub fn render(
    o: &Opened,
    lib: &Library,
    format: &str,
    integrity: review::Integrity,
    now: DateTime<Utc>,
) -> Result<String> {
    let facts = review::facts(o, lib, integrity, now);
    let doc = || {
        if o.state.is_exercise() {
            review::exercise_doc(&facts, o)
        } else {
            review::incident_doc(&facts, o, lib)
        }
    };
    match format {
        "md" => Ok(doc::to_markdown(&doc())),
        "html" => Ok(doc::to_html(&doc())),
        "json" => {
            let j = JsonExport {
                format: "muster-session-export/1",
                generated_at: now,
                session: &o.state,
                review: &facts,
                events: &o.events,
            };
            Ok(serde_json::to_string(&j)
                .map(|mut s| {
                    s.push('\n');
                    s
                })
                .map_err(|e| Error::Invalid(format!("cannot write JSON: {e}")))?)
        }
        "csv" => Ok(review::to_csv(&facts)),
        other => Err(Error::Usage(format!(
            "`{other}` is not an export format: use md, html, json or csv"
        ))),
    }
}

/// Writes an export into `<home>/exports/`, named after the session; returns the path.
pub fn write_default(
    o: &Opened,
    lib: &Library,
    home: &std::path::Path,
    format: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let text = render(o, lib, format, integrity(o)?, now)?;
    let dir = home.join("exports");
    file::create_dir_durable(&dir)?;
    let kind = if o.state.is_exercise() {
        "after-action-report"
    } else {
        "post-incident-review"
    };
    let name = if format == "csv" || format == "json" {
        format!("{}.{format}", o.id)
    } else {
        format!("{}-{kind}.{format}", o.id)
    };
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| Error::io("write", &path, &e))?;
    Ok(path)
}
