//! `muster export`, `muster print`, `muster report`.

use super::write::open_session;
use super::{CliError, DocFormat, ExportFormat, Output, Result};
use crate::context::Context;
use crate::domain::text::clean;
use crate::export::{self, Format, Input, doc, facts, print, report};
use crate::journal::StoreError;
use crate::journal::store;
use crate::journal::stream::{JournalEvents, Verdict};
use std::io::Write;
use std::path::Path;

fn render_doc(mut d: doc::Doc, format: DocFormat, large: bool) -> Result<String> {
    if large && format != DocFormat::Html {
        return Err(CliError::Usage(
            "--large-print goes with --format html (Markdown has no print size)".into(),
        ));
    }
    if large {
        d.large_print();
    }
    Ok(match format {
        DocFormat::Html => doc::to_html(&d),
        DocFormat::Md => doc::to_markdown(&d),
    })
}

/// How an export is written, besides its format.
pub struct Options {
    /// CSV: a byte order mark first.
    pub bom: bool,
    /// HTML: large print.
    pub large: bool,
}

pub fn export(
    ctx: &Context,
    session: &str,
    format: ExportFormat,
    out: Option<&Path>,
    opts: Options,
) -> Result<Output> {
    let Options { bom, large } = opts;
    let lib = super::library_for_reading(ctx)?;
    let o = open_session(ctx, &lib, session)?;
    let format = match format {
        ExportFormat::Md => Format::Md,
        ExportFormat::Html => Format::Html,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
    };
    if bom && format != Format::Csv {
        return Err(CliError::Usage(
            "--bom goes with --format csv (a byte order mark is for spreadsheets)".into(),
        ));
    }
    if large && format != Format::Html {
        return Err(CliError::Usage(
            "--large-print goes with --format html (Markdown has no print size)".into(),
        ));
    }
    let head: &[u8] = if bom { export::UTF8_BOM } else { b"" };
    let outputs = crate::journal::runs::load(o.dir(), &o.session.state.runs);
    let input = Input {
        session: &o.session,
        index: &lib.index,
        now: ctx.now,
        zone: ctx.zone,
        large,
        outputs: &outputs,
        changes: crate::domain::changes::since_run(&o.session, &lib),
    };
    let mut events = JournalEvents::new(o.dir());
    // streamed: to the file, or to stdout, as the journal is read
    let integrity = match out {
        Some(p) => {
            let verified = events.write_to(p, &input, format, head)?;
            say!("muster: wrote {}", clean(&p.display().to_string(), false));
            verified
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            let mut verified = true;
            let mut seen = Verdict {
                inner: &mut events,
                verified: &mut verified,
            };
            // a closed pipe (`| head`) is not an error
            let _ = w
                .write_all(head)
                .and_then(|_| export::write(&input, format, &mut seen, &mut w))
                .and_then(|_| w.flush());
            verified
        }
    };
    if let Some(e) = events.error {
        return Err(e.into());
    }
    if !integrity {
        say!(
            "muster: warning: the journal of {} does not verify; the export says so. Run `muster verify {}` for details.",
            o.id(),
            o.id()
        );
    }
    Ok(Output {
        stdout: String::new(),
        code: if integrity { 0 } else { 1 },
    })
}

/// A document to stdout, or to a file written whole or not at all.
pub fn deliver(o: Output, out: Option<&Path>) -> Result<Output> {
    let Some(p) = out else {
        return Ok(o);
    };
    crate::fsx::write_atomic(p, o.stdout.as_bytes()).map_err(|e| StoreError::io("write", p, e))?;
    say!("muster: wrote {}", clean(&p.display().to_string(), false));
    Ok(Output {
        stdout: String::new(),
        code: o.code,
    })
}

pub fn print(
    ctx: &Context,
    plan: Option<&str>,
    index: bool,
    format: DocFormat,
    large: bool,
) -> Result<Output> {
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
    Ok(Output::ok(render_doc(d, format, large)?))
}

pub fn report(ctx: &Context, format: DocFormat, large: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let mut sessions = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        let o = match store::open(&ctx.home, &lib, id.as_str(), &ctx.writer) {
            Ok(o) => o,
            Err(e) => {
                say!("muster: warning: session {id} is left out of the report: {e}");
                continue;
            }
        };
        let input = Input {
            session: &o.session,
            index: &lib.index,
            now: ctx.now,
            zone: ctx.zone,
            large: false,
            outputs: &Default::default(),
            changes: crate::domain::changes::since_run(&o.session, &lib),
        };
        let f = facts::facts(&input);
        sessions.push((o.session, f));
    }
    Ok(Output::ok(render_doc(
        report::report_doc(&lib, &sessions, ctx.today()),
        format,
        large,
    )?))
}
