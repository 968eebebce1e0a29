//! `muster redlines [PLAN] [--json] [--draft] [--all]`: the changes proposed during runs, across
//! every session, and a draft of the plan with each of them for its author.

use super::{CliError, Output, Result};
use crate::context::Context;
use crate::domain::redline::{RedlineRecord, RedlineStatus, draft};
use crate::domain::text::clean;
use crate::journal::store;
use serde::Serialize;

#[derive(Serialize)]
struct Row<'a> {
    session: &'a str,
    session_title: &'a str,
    mode: &'a str,
    #[serde(flatten)]
    redline: &'a RedlineRecord,
}

pub fn redlines(
    ctx: &Context,
    plan: Option<&str>,
    json: bool,
    write_draft: bool,
    all: bool,
) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if let Some(p) = plan
        && lib.plan(p).is_none()
    {
        let hint = crate::domain::text::did_you_mean(p, lib.plans.iter().map(|x| x.id.v.as_str()))
            .map(|s| format!(": did you mean `{s}`?"))
            .unwrap_or_else(|| ": `muster list` shows the plans".into());
        return Err(CliError::Invalid(format!(
            "the library has no plan `{}`{hint}",
            clean(p, false)
        )));
    }
    let mut found: Vec<(String, String, String, RedlineRecord)> = Vec::new();
    for id in store::list_ids(&ctx.home)? {
        let o = match store::open(&ctx.home, &lib, id.as_str(), &ctx.writer) {
            Ok(o) => o,
            Err(e) => {
                say!("muster: warning: session {id} is left out: {e}");
                continue;
            }
        };
        let st = &o.session.state;
        for r in &st.redlines {
            if plan.is_some_and(|p| r.plan.as_str() != p)
                || (!all && r.status != RedlineStatus::Open)
            {
                continue;
            }
            found.push((
                st.id.to_string(),
                st.title.clone(),
                st.mode.label().to_string(),
                r.clone(),
            ));
        }
    }
    found.sort_by_key(|a| a.3.at);
    if write_draft {
        let Some(p) = plan else {
            return Err(CliError::Usage(
                "--draft drafts one plan: muster redlines PLAN --draft".into(),
            ));
        };
        return draft_plan(ctx, &lib, p, &found);
    }
    if json {
        let rows: Vec<Row> = found
            .iter()
            .map(|(s, t, m, r)| Row {
                session: s,
                session_title: t,
                mode: m,
                redline: r,
            })
            .collect();
        return Ok(Output::ok(super::to_json(&rows)));
    }
    if found.is_empty() {
        return Ok(Output::ok(format!(
            "No {}redlines{}.\n",
            if all { "" } else { "open " },
            plan.map(|p| format!(" on plan {p}")).unwrap_or_default()
        )));
    }
    let mut out = String::new();
    for (s, _, m, r) in &found {
        out.push_str(&format!(
            "{} {}/{} {} ({}) by {} at {} in {m} {s}{}\n    {}\n",
            r.id,
            r.plan,
            r.step,
            r.kind.words(),
            match r.status {
                RedlineStatus::Open => "open",
                RedlineStatus::Accepted => "accepted",
                RedlineStatus::Rejected => "rejected",
            },
            clean(&r.by, false),
            ctx.zone.date_hm(r.at),
            r.note
                .as_deref()
                .map(|n| format!(" - {}", clean(n, false)))
                .unwrap_or_default(),
            clean(&r.text, false)
        ));
    }
    Ok(Output::ok(out))
}

/// Writes `<plan>.proposed.ron` beside the plan: each redline a `todo` of its step.
fn draft_plan(
    ctx: &Context,
    lib: &crate::domain::Library,
    id: &str,
    found: &[(String, String, String, RedlineRecord)],
) -> Result<Output> {
    let Some(p) = lib.plan(id) else {
        return Err(CliError::Invalid(format!("the library has no plan `{id}`")));
    };
    // the plan's file (the built-in sample has none)
    let file = std::path::PathBuf::from(&p.path);
    if !matches!(ctx.library, crate::library::Location::Dir(_)) || !file.is_file() {
        return Err(CliError::Invalid(
            "the plans of the built-in sample library are not files to draft beside: `muster init DIR` writes a library of your own (then --library DIR)".into(),
        ));
    }
    let Some(src) = lib.sources.iter().find(|s| s.path == p.path) else {
        return Err(CliError::Invalid(format!(
            "the file of plan `{id}` could not be read back: run `muster check`"
        )));
    };
    if found.is_empty() {
        return Err(CliError::Invalid(format!(
            "plan `{id}` has no open redline to draft"
        )));
    }
    let steps: Vec<(String, usize, Option<usize>)> = p
        .steps
        .iter()
        .map(|s| {
            (
                s.id.v.clone(),
                s.id.span.end as usize,
                s.todo.last().map(|t| t.span.end as usize),
            )
        })
        .collect();
    // a step to add after one is written in, after it; every other redline is a todo of its
    // step, for the author to settle
    let ends = crate::domain::redline::step_ends(&src.text);
    let mut ids: std::collections::HashSet<String> =
        p.steps.iter().map(|s| s.id.v.clone()).collect();
    let mut lines: Vec<(String, String)> = Vec::new();
    let mut added: Vec<(usize, String)> = Vec::new();
    let mut written = 0;
    for (s, _, _, r) in found {
        let step = p.step(r.step.as_str());
        match (r.kind, ends.get(r.step.as_str()), step) {
            (crate::domain::redline::RedlineKind::AddAfter, Some((end, indent)), Some(def)) => {
                let base = format!("{}-{}", r.step, r.id.to_lowercase());
                let mut id = base.clone();
                let mut n = 2;
                while !ids.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                added.push((
                    *end,
                    crate::domain::redline::proposed_step(
                        &id,
                        r.step.as_str(),
                        def.role.as_ref().map(|x| x.v.as_str()),
                        &r.text,
                        &r.todo_line(s),
                        indent,
                    ),
                ));
                written += 1;
            }
            _ => lines.push((r.step.to_string(), r.todo_line(s))),
        }
    }
    let text = draft(
        &src.text,
        &steps,
        p.todo.last().map(|t| t.span.end as usize),
        p.id.span.end as usize,
        &lines,
        &added,
    );
    let path = file.as_path();
    let out = path.with_extension("proposed.ron");
    // never over anything
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&out)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::Invalid(format!(
                "{} exists already: muster never writes over it; compare it with the plan, then move it away and draft again",
                out.display()
            )));
        }
        Err(e) => {
            return Err(CliError::Write {
                path: out.display().to_string(),
                why: e.to_string(),
            });
        }
    };
    use std::io::Write;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| CliError::Write {
            path: out.display().to_string(),
            why: e.to_string(),
        })?;
    let how = match (written, lines.len()) {
        (0, n) => format!("{n} redline(s) as todo items of their steps"),
        (w, 0) => format!("{w} proposed step(s) written in, each with a todo"),
        (w, n) => format!(
            "{w} proposed step(s) written in, each with a todo, and {n} redline(s) as todo items of their steps"
        ),
    };
    Ok(Output::ok(format!(
        "Wrote {} with {how}; the plan itself is unchanged. Compare: diff {} {}\n",
        out.display(),
        path.display(),
        out.display()
    )))
}
