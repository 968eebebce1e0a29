//! `muster history PLAN [--json]`: planned against actual across every run of a plan.

use super::{CliError, Output, Result};
use crate::context::Context;
use crate::domain::history::{self, StepHistory};
use crate::domain::session::Session;
use crate::domain::text::clean;
use crate::journal::store;

/// Every session under the home that ran one of the plans (read as they are now); a warning
/// for each that could not be read.
pub fn sessions_of(
    ctx: &Context,
    lib: &crate::domain::Library,
    plans: &[&str],
    notes: bool,
) -> Result<Vec<Session>> {
    let (out, warnings) = store::sessions_running(&ctx.home, lib, &ctx.writer, plans, notes)?;
    for w in warnings {
        say!("muster: warning: {w}");
    }
    Ok(out)
}

/// The trusted medians of the session's plans over every run of them under the home: what its
/// forecast uses.
pub fn medians(ctx: &Context, lib: &crate::domain::Library, s: &Session) -> history::Medians {
    match store::medians_for(&ctx.home, lib, &ctx.writer, s, ctx.now) {
        Ok((m, warnings)) => {
            for w in warnings {
                say!("muster: warning: {w}");
            }
            m
        }
        // the history is an aid: without it, the plan's estimates stand in
        Err(_) => Default::default(),
    }
}

/// The steps' history of `plan` over every session that ran it.
pub fn of(
    ctx: &Context,
    lib: &crate::domain::Library,
    plan: &str,
) -> Result<(Vec<StepHistory>, usize)> {
    let Some(p) = lib.plan(plan) else {
        let hint =
            crate::domain::text::did_you_mean(plan, lib.plans.iter().map(|x| x.id.v.as_str()))
                .map(|s| format!(": did you mean `{s}`?"))
                .unwrap_or_else(|| ": `muster list` shows the plans".into());
        return Err(CliError::Invalid(format!(
            "the library has no plan `{}`{hint}",
            clean(plan, false)
        )));
    };
    let sessions = sessions_of(ctx, lib, &[plan], true)?;
    let with_now: Vec<(&Session, chrono::DateTime<chrono::Utc>)> = sessions
        .iter()
        .map(|s| (s, history::read_at(s, ctx.now)))
        .collect();
    Ok((history::history(p, &with_now), sessions.len()))
}

pub fn run(ctx: &Context, plan: &str, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let (h, runs) = of(ctx, &lib, plan)?;
    if json {
        return Ok(Output::ok(super::to_json(&serde_json::json!({
            "plan": plan,
            "runs": runs,
            "steps": h,
        }))));
    }
    let mut out = format!(
        "Plan {plan}: {runs} run(s) (incidents on the wall clock, exercises on theirs)\n\n"
    );
    let rows: Vec<Vec<String>> = h
        .iter()
        .map(|s| {
            let m = |v: Option<i64>| v.map(|x| format!("{x} min")).unwrap_or_else(|| "-".into());
            vec![
                s.id.clone(),
                s.runs.to_string(),
                s.estimate
                    .map(|[a, b]| {
                        if a == b {
                            format!("{a} min")
                        } else {
                            format!("{a}-{b} min")
                        }
                    })
                    .unwrap_or_else(|| "-".into()),
                m(s.median_min),
                m(s.p90_min),
                s.late.to_string(),
                s.skipped.to_string(),
                s.blocked.to_string(),
                m(s.suggested_min),
            ]
        })
        .collect();
    out.push_str(&super::table::table(
        &[
            "STEP",
            "RUNS",
            "ESTIMATE",
            "MEDIAN",
            "P90",
            "LATE",
            "SKIPPED",
            "BLOCKED",
            "SUGGESTED",
        ],
        &rows,
    ));
    let late: Vec<&StepHistory> = h
        .iter()
        .filter(|s| s.runs > 0 && s.late * 2 > s.runs)
        .collect();
    if !late.is_empty() {
        out.push_str(&format!(
            "\nLate in most runs: {}\n",
            late.iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Output::ok(out))
}
