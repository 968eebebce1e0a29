//! `muster index [QUERY] [--json]`

use super::Output;
use super::Result;
use crate::context::Context;
use crate::domain::search::{self, Entry};
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
        let mut section = "";
        for e in search::index_entries(&lib) {
            if e.kind != section {
                section = e.kind;
                out.push_str(&format!("\n== {} ==\n", heading(section)));
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

fn heading(kind: &str) -> &'static str {
    match kind {
        "person" => "People",
        "role" => "Roles (people in escalation order)",
        "vendor" => "Vendors",
        "site" => "Sites",
        "vbf" => "Vital business functions",
        "service" => "Services",
        "document" => "Documents",
        "invocation" => "Invocation guideline",
        _ => "Other",
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
