//! `muster start` and `muster invoke`

use super::Output;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::journal::event::{Body, Mode};
use crate::journal::store::{self, NewSession};
use chrono::{DateTime, Utc};

pub fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    // without an offset, a time is this machine's local time, as a responder would write it
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s.trim(), f)
            && let chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) =
                n.and_local_timezone(chrono::Local)
        {
            return Ok(t.with_timezone(&Utc));
        }
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| Error::Usage(format!("`{s}` is not an RFC 3339 time: write it like 2026-11-21T02:10:00Z or 2026-11-21T03:10:00+01:00")))
}

pub fn start(
    ctx: &Context,
    plan_ids: &[String],
    exercise: Option<&str>,
    title: Option<&str>,
    declared_at: Option<&str>,
) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let scenario = match exercise {
        Some(id) => Some(lib.scenario(id).ok_or_else(|| {
            let hint = crate::text::did_you_mean(id, lib.scenarios.iter().map(|s| s.id.v.as_str()));
            let ids: Vec<&str> = lib.scenarios.iter().map(|s| s.id.v.as_str()).collect();
            Error::Invalid(match hint {
                Some(h) => format!("there is no scenario `{id}`: did you mean `{h}`?"),
                None => format!(
                    "there is no scenario `{id}`; the scenarios are: {}",
                    ids.join(", ")
                ),
            })
        })?),
        None => None,
    };
    let mut ids: Vec<String> = plan_ids.to_vec();
    if ids.is_empty() {
        match scenario {
            Some(s) => ids = s.plans.iter().map(|p| p.v.clone()).collect(),
            None => return Err(Error::Usage("name at least one plan to start a session on (`muster list` shows them), or an exercise scenario with --exercise".into())),
        }
    }
    let mut plans = Vec::new();
    for id in &ids {
        let p = super::show::find_plan(&lib, id)?;
        let errors = lib
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.path == p.path)
            .count();
        if errors > 0 {
            eprintln!(
                "muster: warning: plan `{id}` has {errors} error(s) in {}; it is used as it could be read. Run `muster check`.",
                p.path
            );
        }
        if !plans.iter().any(|x: &&crate::model::Plan| x.id.v == p.id.v) {
            plans.push(p);
        }
    }
    let declared = match declared_at {
        Some(s) => parse_time(s)?,
        None => ctx.now,
    };
    if declared > ctx.now + chrono::Duration::minutes(5) {
        return Err(Error::Invalid(format!(
            "--declared-at {} is in the future: give the time the disaster was declared",
            declared.format("%Y-%m-%dT%H:%M:%SZ")
        )));
    }
    let title = match (title, scenario) {
        (Some(t), _) if !t.trim().is_empty() => t.trim().to_string(),
        (_, Some(s)) => format!("Exercise: {}", s.title),
        _ if plans.len() == 1 => plans[0].title.clone(),
        _ => plans
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
    };
    let mode = if scenario.is_some() {
        Mode::Exercise
    } else {
        Mode::Incident
    };
    let (id, _) = store::create(
        &ctx.home,
        &lib,
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        NewSession {
            title,
            mode,
            declared_at: declared,
            plans,
            scenario,
        },
    )?;
    Ok(Output::ok(format!("{id}\n")))
}

pub fn invoke(ctx: &Context, session: &str, plan_id: &str) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    let plan = super::show::find_plan(&lib, plan_id)?;
    if opened.state.plan(plan_id).is_some() {
        return Err(Error::Invalid(format!(
            "plan `{plan_id}` is already part of session {}",
            opened.id
        )));
    }
    store::snapshot_plan(&opened.dir, &lib, plan)?;
    opened.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::PlanInvoked {
            plan: store::plan_ref(plan),
        }],
    )?;
    Ok(Output::ok(format!(
        "Plan {} joined session {}.\n",
        plan.id, opened.id
    )))
}
