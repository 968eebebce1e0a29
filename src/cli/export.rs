//! `muster export`, `muster print`, `muster report`.

use super::status::events_of;
use super::write::open_session;
use super::{CliError, DocFormat, ExportFormat, Output, Result};
use crate::context::Context;
use crate::domain::text::clean;
use crate::export::{self, Format, Input, doc, print, report, review};
use crate::journal::StoreError;
use crate::journal::store::{self, Opened};
use std::path::Path;

fn write_or_print(text: String, out: Option<&Path>) -> Result<Output> {
    match out {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| StoreError::io("write", p, e))?;
            eprintln!("muster: wrote {}", clean(&p.display().to_string(), false));
            Ok(Output::default())
        }
        None => Ok(Output::ok(text)),
    }
}

fn render_doc(d: &doc::Doc, format: DocFormat) -> String {
    match format {
        DocFormat::Html => doc::to_html(d),
        DocFormat::Md => doc::to_markdown(d),
    }
}

/// What the reader found when it read the journal: every checksum and chain checked.
pub fn integrity(o: &Opened, events: usize) -> review::Integrity {
    let problems: Vec<String> = o
        .journal
        .problems()
        .map(|pr| {
            let name = pr
                .path
                .file_name()
                .map(|n| clean(&n.to_string_lossy(), false))
                .unwrap_or_default();
            format!(
                "{name} line {}: {}{}",
                pr.line,
                if pr.error { "" } else { "(warning) " },
                pr.message
            )
        })
        .collect();
    let files = o.journal.chains.len();
    review::Integrity {
        verified: files > 0 && o.journal.errors() == 0,
        events,
        files,
        problems,
    }
}

pub fn export(
    ctx: &Context,
    session: &str,
    format: ExportFormat,
    out: Option<&Path>,
) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let o = open_session(ctx, &lib, session)?;
    let events = events_of(&o)?;
    let integrity = integrity(&o, events.len());
    if !integrity.verified {
        eprintln!(
            "muster: warning: the journal of {} does not verify; the export says so. Run `muster verify {}` for details.",
            o.id(),
            o.id()
        );
    }
    let format = match format {
        ExportFormat::Md => Format::Md,
        ExportFormat::Html => Format::Html,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
    };
    let input = Input {
        session: &o.session,
        events: &events,
        index: &lib.index,
        integrity,
        now: ctx.now,
        zone: ctx.zone,
    };
    write_or_print(export::render(&input, format), out)
}

pub fn print(ctx: &Context, plan: Option<&str>, index: bool, format: DocFormat) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if plan.is_some() && index {
        return Err(CliError::Usage(
            "print either a plan or --index, not both".into(),
        ));
    }
    let d = match (plan, index) {
        (_, true) => print::index_doc(&lib),
        (Some(id), false) => print::plan_doc(&lib, super::show::find_plan(&lib, id)?, ctx.today()),
        (None, false) => {
            return Err(CliError::Usage(
                "name a plan to print (`muster list` shows them), or --index for the index".into(),
            ));
        }
    };
    Ok(Output::ok(render_doc(&d, format)))
}

pub fn report(ctx: &Context, format: DocFormat) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let mut sessions = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        let o = match store::open(&ctx.home, &lib, id.as_str(), &ctx.writer) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("muster: warning: session {id} is left out of the report: {e}");
                continue;
            }
        };
        let events = events_of(&o)?;
        let input = Input {
            session: &o.session,
            events: &events,
            index: &lib.index,
            integrity: integrity(&o, events.len()),
            now: ctx.now,
            zone: ctx.zone,
        };
        let f = review::facts(&input);
        sessions.push((o.session, f));
    }
    Ok(Output::ok(render_doc(
        &report::report_doc(&lib, &sessions, ctx.today()),
        format,
    )))
}
