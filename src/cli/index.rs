//! `muster index [QUERY] [--json]`

use super::Output;
use super::Result;
use crate::context::Context;
use crate::domain::search::{self, Entry, EntryKind};
use crate::domain::text::clean;

pub fn run(ctx: &Context, query: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if query.trim().is_empty() {
        if json {
            return Ok(Output::ok(super::to_json(&lib.index)));
        }
        let mut out = format!(
            "Index of Disaster-Relevant Information: {}\n",
            clean(&lib.index.organisation.name, false)
        );
        if lib.builtin {
            out.push_str("(from the built-in sample library)\n");
        }
        if let Some(l) = &lib.index.organisation.emergency_line {
            out.push_str(&format!("Emergency line: {}\n", clean(l, false)));
        }
        let mut section = None;
        for e in search::index_entries(&lib) {
            if section != Some(e.kind) {
                section = Some(e.kind);
                out.push_str(&format!("\n== {} ==\n", heading(e.kind)));
            }
            render(&mut out, &e);
        }
        return Ok(Output::ok(out));
    }
    let entries = search::index_entries(&lib);
    let hits = search::search(&entries, query);
    if json {
        return Ok(Output::ok(super::to_json(&hits)));
    }
    if hits.is_empty() {
        return Ok(Output {
            stdout: format!(
                "Nothing in the index matches \"{}\".\n",
                clean(query, false)
            ),
            code: 1,
        });
    }
    let mut out = String::new();
    for e in &hits {
        render(&mut out, e);
    }
    Ok(Output::ok(out))
}

fn heading(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Role => "Roles (people in escalation order)",
        EntryKind::Vbf => "Vital business functions",
        EntryKind::Invocation => "Invocation guideline",
        k => k.section(),
    }
}

fn render(out: &mut String, e: &Entry) {
    out.push_str(&format!(
        "\n{} [{} {}]\n",
        clean(&e.title, false),
        e.kind,
        e.id
    ));
    for l in &e.lines {
        out.push_str(&format!("  {}\n", clean(l, false)));
    }
}
