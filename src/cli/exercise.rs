//! Exercise commands: `scenarios`, `inject`, `observe`, `clock`, `rate`.

use super::Output;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::journal::event::{Body, ObservationKind, Rating};
use crate::journal::store::Opened;
use crate::model::describe::ex_time;
use crate::model::exercise::{self, InjectStatus};
use crate::model::scenario::Release;
use crate::text::clean;
use serde::Serialize;

#[derive(Serialize)]
struct ScenarioJson<'a> {
    #[serde(flatten)]
    scenario: &'a crate::model::Scenario,
}

pub fn scenarios(ctx: &Context, json: bool) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if json {
        let v: Vec<ScenarioJson> = lib
            .scenarios
            .iter()
            .map(|s| ScenarioJson { scenario: s })
            .collect();
        return Ok(Output::ok(super::to_json(&v)));
    }
    let mut out = format!(
        "Exercise scenarios in {}: {}\n",
        super::library_label(&lib),
        lib.scenarios.len()
    );
    for s in &lib.scenarios {
        out.push_str(&format!(
            "\n{} [{}] ({}{})\n",
            clean(&s.title, false),
            s.id,
            s.kind.label(),
            s.duration.map(|d| format!(", {d}")).unwrap_or_default()
        ));
        if let Some(sum) = &s.summary {
            out.push_str(&format!("  {}\n", clean(sum, false)));
        }
        out.push_str(&format!(
            "  Plans: {}\n",
            s.plans
                .iter()
                .map(|p| p.v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for o in &s.objectives {
            out.push_str(&format!(
                "  Objective {}: {}\n",
                o.id,
                clean(&o.text, false)
            ));
        }
        for i in &s.injects {
            let when = match &i.release {
                Release::At(m) => format!("at T+{m}"),
                Release::After { inject, delay } => format!("{delay} after {}", inject.v),
                Release::Manual => "by hand".into(),
            };
            out.push_str(&format!(
                "  Inject {} ({when}): {}\n",
                i.id,
                clean(&i.title, false)
            ));
        }
    }
    Ok(Output::ok(out))
}

fn exercise_session(ctx: &Context, session: &str) -> Result<(crate::model::Library, Opened)> {
    let lib = super::library_for_reading(ctx)?;
    let o = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&o)?;
    if !o.state.is_exercise() {
        return Err(Error::Invalid(format!(
            "session {} is a real incident, not an exercise",
            o.id
        )));
    }
    Ok((lib, o))
}

pub fn inject(ctx: &Context, session: &str, inject: Option<&str>, skip: bool) -> Result<Output> {
    let (_, o) = exercise_session(ctx, session)?;
    let Some(sc) = &o.scenario else {
        return Err(Error::Invalid(format!(
            "the scenario of exercise {} cannot be found",
            o.id
        )));
    };
    let id = match inject {
        Some(i) => {
            if sc.inject(i).is_none() {
                let hint = crate::text::did_you_mean(i, sc.injects.iter().map(|x| x.id.v.as_str()));
                let list = sc
                    .injects
                    .iter()
                    .map(|x| x.id.v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(Error::Invalid(match hint {
                    Some(h) => format!(
                        "scenario `{}` has no inject `{i}`: did you mean `{h}`?",
                        sc.id
                    ),
                    None => format!(
                        "scenario `{}` has no inject `{i}`; its injects are: {list}",
                        sc.id
                    ),
                }));
            }
            i.to_string()
        }
        None => match exercise::due_now(sc, &o.state, ctx.now).first() {
            Some(i) => i.to_string(),
            None => {
                let next = sc
                    .injects
                    .iter()
                    .filter_map(|i| match exercise::status(sc, &o.state, &i.id, ctx.now) {
                        InjectStatus::Waiting(ms) => Some((ms, i.id.v.clone())),
                        _ => None,
                    })
                    .min();
                let clock = o
                    .state
                    .clock
                    .as_ref()
                    .map(|c| ex_time(c.ex_ms(ctx.now)))
                    .unwrap_or_default();
                return Err(Error::Invalid(match next {
                    Some((ms, id)) => format!(
                        "no inject is due at {clock}: the next, `{id}`, is due at {}. Name it to release it early: muster inject {} {id}",
                        ex_time(ms),
                        o.id
                    ),
                    None => format!(
                        "no inject is due at {clock}, and none is waiting on the clock; name one to release it: muster inject {} INJECT",
                        o.id
                    ),
                }));
            }
        },
    };
    if let Some(r) = o.state.inject(&id) {
        let what = if r.released { "released" } else { "skipped" };
        return Err(Error::Invalid(format!(
            "inject `{id}` was already {what} by {} at {}",
            r.by,
            super::status::local(r.at)
        )));
    }
    let body = if skip {
        Body::InjectSkipped { inject: id.clone() }
    } else {
        Body::InjectReleased {
            inject: id.clone(),
            early: !exercise::is_due(sc, &o.state, &id, ctx.now),
        }
    };
    o.record(&ctx.writer, &ctx.actor, ctx.now, vec![body])?;
    let Some(i) = sc.inject(&id) else {
        return Err(Error::Invalid(format!(
            "scenario `{}` has no inject `{id}`",
            sc.id
        )));
    };
    if skip {
        return Ok(Output::ok(format!(
            "Skipped inject {id}: {}\n",
            clean(&i.title, false)
        )));
    }
    // what the facilitator reads aloud
    let mut out = format!("INJECT {id}: {}\n", clean(&i.title, false));
    if let Some(s) = &i.story_time {
        out.push_str(&format!("Story time: {}\n", clean(s, false)));
    }
    if let Some(t) = &i.text {
        out.push_str(&format!("\n{}\n", clean(t, true)));
    }
    if let Some(q) = &i.question {
        out.push_str(&format!("\nQuestion: {}\n", clean(q, false)));
    }
    for p in &i.probes {
        out.push_str(&format!("  - {}\n", clean(p, false)));
    }
    Ok(Output::ok(out))
}

pub fn observe(
    ctx: &Context,
    session: &str,
    kind: &str,
    step: Option<&str>,
    inject: Option<&str>,
    text: &str,
) -> Result<Output> {
    let kind = match kind {
        "strength" => ObservationKind::Strength,
        "improvement" => ObservationKind::Improvement,
        "defect" => ObservationKind::Defect,
        other => {
            return Err(Error::Usage(format!(
                "`{other}` is not a kind of observation: use strength, improvement or defect"
            )));
        }
    };
    if text.trim().is_empty() {
        return Err(Error::Usage(
            "the observation is empty: say what you observed".into(),
        ));
    }
    let (_, o) = exercise_session(ctx, session)?;
    let (plan, step) = match step {
        Some(s) => {
            let (p, s) = o.resolve_step(s)?;
            (Some(p), Some(s))
        }
        None => (None, None),
    };
    if let Some(i) = inject
        && o.scenario.as_ref().is_some_and(|s| s.inject(i).is_none())
    {
        return Err(Error::Invalid(format!(
            "this exercise's scenario has no inject `{i}`"
        )));
    }
    o.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::Observation {
            observation: kind,
            text: text.trim().to_string(),
            plan,
            step,
            inject: inject.map(str::to_string),
        }],
    )?;
    Ok(Output::ok(format!(
        "Recorded the observation ({}).\n",
        kind.label()
    )))
}

pub fn clock(ctx: &Context, session: &str, action: &str, arg: Option<&str>) -> Result<Output> {
    let (lib, o) = exercise_session(ctx, session)?;
    let Some(c) = &o.state.clock else {
        return Err(Error::Invalid("this exercise has no clock".into()));
    };
    let body = match action {
        "pause" if c.paused => {
            return Err(Error::Invalid(format!(
                "the exercise clock is already paused at {}",
                ex_time(c.ex_ms(ctx.now))
            )));
        }
        "pause" => Body::ClockPaused {},
        "resume" if !c.paused => {
            return Err(Error::Invalid(
                "the exercise clock is already running".into(),
            ));
        }
        "resume" => Body::ClockResumed {},
        "speed" => {
            let n: u32 = arg
                .and_then(|a| a.trim_start_matches('x').parse().ok())
                .filter(|n| (1..=60).contains(n))
                .ok_or_else(|| {
                    Error::Usage(
                        "give the speed as a whole number from 1 to 60, such as 1, 2, 5 or 10"
                            .into(),
                    )
                })?;
            Body::ClockSpeed { speed: n }
        }
        "advance" => {
            let m: crate::model::Minutes = arg
                .ok_or_else(|| {
                    Error::Usage("say how far: muster clock SESSION advance 15m".into())
                })?
                .parse()
                .map_err(Error::Usage)?;
            Body::ClockAdvanced {
                by_ms: m.0 as i64 * 60_000,
            }
        }
        other => {
            return Err(Error::Usage(format!(
                "`{other}` is not a clock action: use pause, resume, speed N or advance DURATION"
            )));
        }
    };
    o.record(&ctx.writer, &ctx.actor, ctx.now, vec![body])?;
    // the clock as the journal now says
    let o = crate::journal::store::open(&ctx.home, &lib, &o.id, ctx.now)?;
    let Some(c) = o.state.clock.as_ref() else {
        return Err(Error::Invalid(format!(
            "session {} has no exercise clock: run `muster verify {}`",
            o.id, o.id
        )));
    };
    let state = if c.paused {
        "paused".to_string()
    } else {
        format!("running x{}", c.speed)
    };
    Ok(Output::ok(format!(
        "Exercise clock {} ({state})\n",
        ex_time(c.ex_ms(ctx.now))
    )))
}

pub fn rate(
    ctx: &Context,
    session: &str,
    objective: &str,
    rating: &str,
    note: Option<&str>,
) -> Result<Output> {
    let rating = match rating.to_ascii_uppercase().as_str() {
        "P" => Rating::P,
        "S" => Rating::S,
        "M" => Rating::M,
        "U" => Rating::U,
        other => {
            return Err(Error::Usage(format!(
                "`{other}` is not a rating: use P, S, M or U (performed without challenges, with some, with major challenges, unable to be performed)"
            )));
        }
    };
    let (_, o) = exercise_session(ctx, session)?;
    if let Some(sc) = &o.scenario
        && !sc.objectives.iter().any(|x| x.id.v == objective)
    {
        let list = sc
            .objectives
            .iter()
            .map(|x| x.id.v.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::Invalid(format!(
            "scenario `{}` has no objective `{objective}`; its objectives are: {list}",
            sc.id
        )));
    }
    o.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::ObjectiveRated {
            objective: objective.to_string(),
            rating,
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        }],
    )?;
    Ok(Output::ok(format!(
        "Objective {objective} rated {rating:?}: {}.\n",
        rating.label()
    )))
}
