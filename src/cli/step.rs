//! `muster step`, `muster decide`, `muster handover`, `muster close`: actions recorded in the journal.

use super::Output;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::journal::event::Body;
use crate::model::session::check_action;

pub const ACTIONS: [&str; 7] = ["start", "done", "skip", "block", "reopen", "note", "assign"];

/// Builds the event for an action on a step, after checking it makes sense.
pub fn step_body(
    state: &crate::model::session::SessionState,
    plan: &str,
    step: &str,
    action: &str,
    note: Option<&str>,
    to: Option<&str>,
    actor: &str,
) -> Result<Body> {
    let note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let need_note =
        |what: &str| Error::Usage(format!("`{action}` needs a reason: add --note \"{what}\""));
    let s = state
        .step(plan, step)
        .ok_or_else(|| Error::Invalid(format!("no step {plan}/{step} in this session")))?;
    if let Err(msg) = check_action(s, action, actor) {
        return Err(Error::Invalid(msg));
    }
    let (plan, step) = (plan.to_string(), step.to_string());
    Ok(match action {
        "start" => Body::StepStarted { plan, step },
        "done" => Body::StepDone { plan, step, note },
        "skip" => Body::StepSkipped {
            plan,
            step,
            reason: note.ok_or_else(|| need_note("why it is skipped"))?,
        },
        "block" => Body::StepBlocked {
            plan,
            step,
            reason: note.ok_or_else(|| need_note("what it is waiting for"))?,
        },
        "reopen" => Body::StepReopened {
            plan,
            step,
            reason: note.ok_or_else(|| need_note("why it is reopened"))?,
        },
        "note" => Body::Note {
            plan: Some(plan),
            step: Some(step),
            text: note
                .ok_or_else(|| Error::Usage("`note` needs its text: add --note \"...\"".into()))?,
        },
        "assign" => {
            let to = to.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
                Error::Usage("`assign` needs someone to assign to: add --to NAME".into())
            })?;
            Body::Assigned {
                plan,
                step,
                to: to.to_string(),
            }
        }
        other => {
            return Err(Error::Usage(format!(
                "`{other}` is not an action; the actions are: {}",
                ACTIONS.join(", ")
            )));
        }
    })
}

pub fn step(
    ctx: &Context,
    session: &str,
    spec: &str,
    action: &str,
    note: Option<&str>,
    to: Option<&str>,
) -> Result<Output> {
    if !ACTIONS.contains(&action) {
        return Err(Error::Usage(format!(
            "`{action}` is not an action; the actions are: {}",
            ACTIONS.join(", ")
        )));
    }
    if to.is_some() && action != "assign" {
        return Err(Error::Usage(format!(
            "--to goes with `assign`, not with `{action}`"
        )));
    }
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    let (plan, step) = opened.resolve_step(spec)?;
    let body = step_body(&opened.state, &plan, &step, action, note, to, &ctx.actor)?;
    let mut bodies = vec![body];
    // start and assign take no note of their own: a note given with them is kept as a note
    if let Some(n) = note
        .map(str::trim)
        .filter(|n| !n.is_empty() && matches!(action, "start" | "assign"))
    {
        bodies.push(Body::Note {
            plan: Some(plan.clone()),
            step: Some(step.clone()),
            text: n.to_string(),
        });
    }
    opened.record(&ctx.writer, &ctx.actor, ctx.now, bodies)?;
    // stdout stays empty, as scripts expect; a person at a terminal is told it is recorded
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "recorded: {action} {plan}/{step} by {} at {}",
            ctx.actor,
            super::status::local(ctx.now)
        );
    }
    Ok(Output::default())
}

/// Matches a decision option by number (1-based), by the step it leads to, or by its label.
pub fn decision_body(
    opened: &crate::journal::store::Opened,
    plan: &str,
    step: &str,
    choice: &str,
    why: Option<&str>,
) -> Result<Body> {
    let def = opened
        .plans
        .iter()
        .find(|p| p.id.v == plan)
        .and_then(|p| p.step(step))
        .and_then(|s| s.decision.as_ref());
    let Some(def) = def else {
        return Err(Error::Invalid(format!(
            "step {plan}/{step} has no decision to take"
        )));
    };
    let c = choice.trim().to_lowercase();
    let found = c
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| def.options.get(n))
        .or_else(|| {
            def.options
                .iter()
                .find(|o| o.next.as_ref().is_some_and(|n| n.v == c))
        })
        .or_else(|| def.options.iter().find(|o| o.label.to_lowercase() == c))
        .or_else(|| {
            let m: Vec<_> = def
                .options
                .iter()
                .filter(|o| o.label.to_lowercase().starts_with(&c))
                .collect();
            if m.len() == 1 { Some(m[0]) } else { None }
        });
    let Some(opt) = found else {
        let list = def
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}. {}", i + 1, o.label))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::Invalid(format!(
            "`{choice}` is not an option of this decision; the options are: {list}"
        )));
    };
    if let Some(s) = opened.state.step(plan, step)
        && let Some(d) = &s.decision
    {
        return Err(Error::Invalid(format!(
            "the decision of {plan}/{step} was already taken by {}: \"{}\"; reopen the step to decide again",
            d.by, d.option
        )));
    }
    Ok(Body::DecisionTaken {
        plan: plan.to_string(),
        step: step.to_string(),
        option: opt.label.clone(),
        next: opt.next.as_ref().map(|n| n.v.clone()),
        why: why
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_string),
    })
}

pub fn decide(
    ctx: &Context,
    session: &str,
    spec: &str,
    choice: &str,
    why: Option<&str>,
) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    let (plan, step) = opened.resolve_step(spec)?;
    let body = decision_body(&opened, &plan, &step, choice, why)?;
    let said = match &body {
        Body::DecisionTaken { option, next, .. } => format!(
            "Recorded the decision on {plan}/{step}: {option}{}\n",
            next.as_ref()
                .map(|n| format!(" (next: {n})"))
                .unwrap_or_default()
        ),
        _ => String::new(),
    };
    opened.record(&ctx.writer, &ctx.actor, ctx.now, vec![body])?;
    Ok(Output::ok(said))
}

pub fn handover(ctx: &Context, session: &str, to: &str, note: Option<&str>) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    let to = to.trim();
    if to.is_empty() {
        return Err(Error::Usage("say who takes over: --to NAME".into()));
    }
    opened.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::HandOver {
            to: to.to_string(),
            note: note.map(str::to_string),
        }],
    )?;
    Ok(Output::ok(format!("Handed over to {to}.\n")))
}

pub fn note(ctx: &Context, session: &str, text: &str) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    if text.trim().is_empty() {
        return Err(Error::Usage("the note is empty".into()));
    }
    opened.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::Note {
            plan: None,
            step: None,
            text: text.to_string(),
        }],
    )?;
    Ok(Output::default())
}

pub fn close(ctx: &Context, session: &str, note: Option<&str>) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    super::ensure_open(&opened)?;
    opened.record(
        &ctx.writer,
        &ctx.actor,
        ctx.now,
        vec![Body::SessionClosed {
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        }],
    )?;
    let (done, needed) = opened.state.progress();
    let open: Vec<String> = opened
        .state
        .plans
        .iter()
        .flat_map(|p| p.steps.iter())
        .filter(|s| {
            !s.bypassed
                && matches!(
                    s.state,
                    crate::model::session::StepStatus::Active
                        | crate::model::session::StepStatus::Blocked
                        | crate::model::session::StepStatus::Pending
                )
        })
        .map(|s| format!("{}/{} ({})", s.plan, s.step, s.state.label()))
        .collect();
    let mut out = format!(
        "Closed session {}: {done} of {needed} steps done.\n",
        opened.id
    );
    if !open.is_empty() {
        out.push_str(&format!(
            "Not finished when it closed: {}\n",
            open.join(", ")
        ));
    }
    Ok(Output::ok(out))
}

/// Appends notes one by one and prints each event's id as soon as its append has returned, so a
/// test can kill the process at any moment and know exactly what was reported as written.
pub fn append_notes(ctx: &Context, session: &str, count: u64) -> Result<Output> {
    use std::io::Write;
    let lib = super::library_for_reading(ctx)?;
    let opened = super::open_session(ctx, &lib, session)?;
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let body = Body::Note {
            plan: None,
            step: None,
            text: format!("note {i}"),
        };
        let draft = crate::journal::file::Draft {
            at: chrono::Utc::now(),
            actor: ctx.actor.clone(),
            body,
            ex_ms: None,
            seen: None,
        };
        let written = crate::journal::file::append(&opened.dir, &ctx.writer, vec![draft])?;
        for e in written {
            let _ = writeln!(out, "{}", e.id).and_then(|_| out.flush());
        }
    }
    Ok(Output::default())
}
