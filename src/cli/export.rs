//! `muster export`, `muster print`, `muster report`.

use super::Output;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::export::{self, doc, print, report, review};
use crate::journal::store;
use std::path::Path;

fn write_or_print(text: String, out: Option<&Path>) -> Result<Output> {
    match out {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| Error::io("write", p, &e))?;
            eprintln!("muster: wrote {}", p.display());
            Ok(Output::default())
        }
        None => Ok(Output::ok(text)),
    }
}

fn doc_format(format: &str) -> Result<()> {
    match format {
        "md" | "html" => Ok(()),
        other => Err(Error::Usage(format!(
            "`{other}` is not a format here: use md or html"
        ))),
    }
}

fn render_doc(d: &doc::Doc, format: &str) -> String {
    if format == "html" {
        doc::to_html(d)
    } else {
        doc::to_markdown(d)
    }
}

pub fn export(ctx: &Context, session: &str, format: &str, out: Option<&Path>) -> Result<Output> {
    if !export::FORMATS.contains(&format) {
        return Err(Error::Usage(format!(
            "`{format}` is not an export format: use md, html, json or csv"
        )));
    }
    let lib = super::library_for_reading(ctx)?;
    let o = super::open_session(ctx, &lib, session)?;
    let integrity = export::integrity(&o)?;
    if !integrity.verified {
        eprintln!(
            "muster: warning: the journal of {} does not verify; the export says so. Run `muster verify {}` for details.",
            o.id, o.id
        );
    }
    write_or_print(export::render(&o, &lib, format, integrity, ctx.now)?, out)
}

pub fn print(ctx: &Context, plan: Option<&str>, index: bool, format: &str) -> Result<Output> {
    doc_format(format)?;
    let lib = super::library_for_reading(ctx)?;
    if plan.is_some() && index {
        return Err(Error::Usage(
            "print either a plan or --index, not both".into(),
        ));
    }
    let d = match (plan, index) {
        (_, true) => print::index_doc(&lib),
        (Some(id), false) => print::plan_doc(&lib, super::show::find_plan(&lib, id)?, ctx.today()),
        (None, false) => {
            return Err(Error::Usage(
                "name a plan to print (`muster list` shows them), or --index for the index".into(),
            ));
        }
    };
    Ok(Output::ok(render_doc(&d, format)))
}

pub fn report(ctx: &Context, format: &str) -> Result<Output> {
    doc_format(format)?;
    let lib = super::library_for_reading(ctx)?;
    let mut sessions = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        match store::open(&ctx.home, &lib, &id, ctx.now) {
            Ok(o) => {
                let integrity = export::integrity(&o)?;
                let f = review::facts(&o, &lib, integrity, ctx.now);
                sessions.push((o, f));
            }
            Err(e) => eprintln!("muster: warning: session {id} is left out of the report: {e}"),
        }
    }
    Ok(Output::ok(render_doc(
        &report::report_doc(&lib, &sessions, ctx.today()),
        format,
    )))
}
