//! The commands that change a session. Each parses its arguments into a domain [`Command`],
//! which the store checks at the gate and appends; then it says what it recorded.

use super::{ClockAction, ObserveKind, Output, Result, StepAction, Sub};
use crate::cli::CliError;
use crate::context::Context;
use crate::domain::command::{self, ClockAct, Command, StepAct, resolve};
use crate::domain::event::{ObservationKind, Rating};
use crate::domain::ids::{InjectId, ObjectiveId};
use crate::domain::session::{Session, StepStatus};
use crate::domain::text::clean;
use crate::domain::time::{Minutes, ex_time};
use crate::domain::{Library, Plan, Scenario};
use crate::journal::store::{self, Fallback, Opened, Recorded};
use std::cell::OnceCell;
use std::sync::Arc;

/// The library, read only when a command needs it: recording on a step reads the session's own
/// plan snapshots, so a broken library never stops it.
pub struct LazyLibrary<'a> {
    ctx: &'a Context,
    lib: OnceCell<Option<Library>>,
}

impl<'a> LazyLibrary<'a> {
    pub fn new(ctx: &'a Context) -> Self {
        LazyLibrary {
            ctx,
            lib: OnceCell::new(),
        }
    }

    /// The library, loaded now if it was not; its problems are summarised on stderr.
    pub fn get(&self) -> Result<&Library> {
        if let Some(Some(l)) = self.lib.get() {
            return Ok(l);
        }
        let lib = super::library_for_reading(self.ctx)?;
        let _ = self.lib.set(Some(lib));
        match self.lib.get() {
            Some(Some(l)) => Ok(l),
            _ => Err(CliError::Invalid("the library could not be read".into())),
        }
    }

    pub fn ctx(&self) -> &Context {
        self.ctx
    }

    fn quiet(&self) -> Option<&Library> {
        self.lib
            .get_or_init(|| self.ctx.load_library().ok())
            .as_ref()
    }
}

impl Fallback for LazyLibrary<'_> {
    fn plan(&self, id: &str) -> Option<Arc<Plan>> {
        self.quiet()?.plan(id).cloned()
    }
    fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        self.quiet()?.scenario(id).cloned()
    }
    fn describe(&self) -> String {
        self.quiet()
            .map(Library::describe)
            .unwrap_or_else(|| "the library".into())
    }
    fn source(&self, path: &str) -> Option<Vec<u8>> {
        Fallback::source(self.quiet()?, path)
    }
}

/// Opens a session for a command, reporting unreadable lines and warnings on stderr.
pub(crate) fn open_session(ctx: &Context, lib: &dyn Fallback, spec: &str) -> Result<Opened> {
    let o = store::open(&ctx.home, lib, spec, &ctx.writer)?;
    report_problems(ctx, &o);
    Ok(o)
}

/// Opens a session to record in it: its notes stay in the checkpoint (the gate needs none).
pub(crate) fn open_to_record(ctx: &Context, lib: &dyn Fallback, spec: &str) -> Result<Opened> {
    let o = store::open_with(&ctx.home, lib, spec, &ctx.writer, false)?;
    report_problems(ctx, &o);
    Ok(o)
}

pub(crate) fn report_problems(ctx: &Context, o: &Opened) {
    for p in o.journal.problems() {
        say!("muster: {p}");
    }
    for w in o
        .journal
        .warnings
        .iter()
        .cloned()
        .chain(o.session.state.all_warnings(ctx.now))
    {
        say!("muster: warning: {}", clean(&w, false));
    }
}

fn session_of(sub: &Sub) -> Option<&str> {
    Some(match sub {
        Sub::Invoke { session, .. }
        | Sub::Step { session, .. }
        | Sub::Decide { session, .. }
        | Sub::Undo { session }
        | Sub::Handover { session, .. }
        | Sub::Note { session, .. }
        | Sub::Close { session, .. }
        | Sub::Declared { session, .. }
        | Sub::Inject { session, .. }
        | Sub::Observe { session, .. }
        | Sub::Clock { session, .. }
        | Sub::Rate { session, .. }
        | Sub::Call { session, .. }
        | Sub::Redline { session, .. } => session,
        Sub::Action { cmd } => cmd.session(),
        Sub::Observation { cmd } => cmd.session(),
        _ => return None,
    })
}

/// Runs a command that changes a session.
pub fn run(ctx: &Context, sub: Sub) -> Result<Output> {
    if let Sub::Start {
        plans,
        exercise,
        title,
        declared_at,
        params,
        facilitators,
        evaluators,
    } = sub
    {
        return start(
            ctx,
            &plans,
            exercise.as_deref(),
            title,
            declared_at.as_deref(),
            &params,
            (facilitators, evaluators),
        );
    }
    let Some(spec) = session_of(&sub) else {
        return Err(CliError::Usage("this is not a command that records".into()));
    };
    let lib = LazyLibrary::new(ctx);
    let mut o = open_to_record(ctx, &lib, spec)?;
    // improvement actions are tracked after their session closed; the gate says what else is
    if !matches!(sub, Sub::Action { .. }) {
        command::open_for_changes(&o.session, ctx.now)?;
    }
    let cmd = to_command(&sub, &o.session, &lib)?;
    let before = o.session.clone();
    let (actor, how) = ctx.acting();
    let rec = o.submit_recorded(&cmd, actor, ctx.now, &lib, &how)?;
    if let (Sub::Handover { json: true, .. }, Command::HandOver { to, note, summary }) =
        (&sub, &cmd)
    {
        return Ok(Output::ok(super::to_json(&serde_json::json!({
            "session": o.id().as_str(),
            "from": rec.checked.actor(),
            "to": to.as_deref().unwrap_or_default().trim(),
            "note": note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            "at": crate::domain::event::ts_string(rec.checked.at()),
            "summary": summary,
        }))));
    }
    Ok(Output::ok(said(ctx, &cmd, &rec, &before, &o)))
}

/// `muster seal`: journals a seal of every writer's chain head and prints its digest alone.
pub fn seal(ctx: &Context, spec: &str) -> Result<Output> {
    let lib = LazyLibrary::new(ctx);
    let mut o = open_to_record(ctx, &lib, spec)?;
    let (digest, new) = o.seal(&ctx.actor, ctx.now, &lib)?;
    let s = o.session.state.seals.last();
    say!(
        "muster: {} {}: it covers {} event(s) of {} writer(s). Write it down outside the journal; `muster verify {} --seal {digest}` proves later that they are all still there.",
        if new {
            "sealed"
        } else {
            "nothing was recorded since the last seal of"
        },
        o.id(),
        s.map_or(0, |s| s.covers()),
        s.map_or(0, |s| s.heads.len()),
        o.id()
    );
    Ok(Output::ok(format!("{digest}\n")))
}

fn param_values(given: &[String]) -> Result<crate::domain::params::Values> {
    resolve::param_values(given).map_err(CliError::Usage)
}

/// The domain command a subcommand stands for, resolved against the session.
pub fn to_command(sub: &Sub, s: &Session, lib: &LazyLibrary) -> Result<Command> {
    let text = |t: &Option<String>| t.clone();
    Ok(match sub {
        Sub::Invoke { plan, params, .. } => Command::Invoke {
            plan: resolve::plan(lib.get()?, plan)?.clone(),
            params: param_values(params)?,
        },
        Sub::Step {
            step,
            action,
            note,
            to,
            anyway,
            ..
        } => {
            let outcome = match action {
                StepAction::Pass => Some(crate::domain::event::Outcome::Pass),
                StepAction::Fail => Some(crate::domain::event::Outcome::Fail),
                StepAction::NotTested => Some(crate::domain::event::Outcome::NotTested),
                _ => None,
            };
            if let Some(outcome) = outcome {
                if to.is_some() {
                    return Err(CliError::Usage(format!(
                        "--to goes with `assign`, not with `{}`",
                        outcome.word()
                    )));
                }
                return Ok(Command::Validate {
                    step: resolve::step(s, step)?,
                    outcome: Some(outcome),
                    note: Some(note.clone().unwrap_or_default()),
                });
            }
            let act = match action {
                StepAction::Pass | StepAction::Fail | StepAction::NotTested => {
                    unreachable!("handled above")
                }
                StepAction::Start => StepAct::Start,
                StepAction::Done => StepAct::Done,
                StepAction::Skip => StepAct::Skip,
                StepAction::Block => StepAct::Block,
                StepAction::Reopen => StepAct::Reopen,
                StepAction::Note => StepAct::Note,
                StepAction::Assign => StepAct::Assign,
            };
            if to.is_some() && act != StepAct::Assign {
                return Err(CliError::Usage(format!(
                    "--to goes with `assign`, not with `{act}`"
                )));
            }
            Command::Step {
                step: resolve::step(s, step)?,
                act,
                text: text(note),
                to: text(to),
                anyway: *anyway,
            }
        }
        Sub::Decide {
            step,
            option,
            note,
            anyway,
            params,
            ..
        } => {
            let step = resolve::step(s, step)?;
            Command::Decide {
                invoke: resolve::decision_plans(lib.get()?, s, &step),
                step,
                option: Some(option.clone()),
                why: text(note),
                anyway: *anyway,
                params: param_values(params)?,
            }
        }
        Sub::Undo { .. } => Command::Undo,
        Sub::Handover { to, note, .. } => Command::HandOver {
            to: Some(to.clone()),
            note: Some(note.clone().unwrap_or_default()),
            summary: Some(Box::new(crate::domain::session::handover::summary(
                s,
                &lib.get()?.index,
                lib.ctx().now,
            ))),
        },
        Sub::Note { text: t, .. } => Command::SessionNote {
            text: Some(t.clone()),
        },
        Sub::Close { note, .. } => Command::Close {
            note: Some(note.clone().unwrap_or_default()),
        },
        Sub::Declared { at, note, .. } => Command::Declare {
            at: Some(lib.ctx().zone.parse_near(at, lib.ctx().now).ok_or_else(|| {
                CliError::Usage(format!(
                    "`{}` is not a time: write it like 03:10 (today, local time), 2026-11-21 03:10 or 2026-11-21T02:10:00Z",
                    clean(at, false)
                ))
            })?),
            why: Some(note.clone().unwrap_or_default()),
        },
        Sub::Inject {
            inject, skip, note, ..
        } => {
            let inject = inject.as_deref().map(InjectId::new);
            if *skip {
                Command::InjectSkip {
                    inject,
                    reason: Some(note.clone().unwrap_or_default()),
                }
            } else {
                Command::InjectRelease { inject }
            }
        }
        Sub::Action { cmd } => cmd.command(lib.ctx().zone.date(lib.ctx().now)),
        Sub::Observation { cmd } => cmd.command(),
        Sub::Observe {
            kind,
            step,
            inject,
            objective,
            text: t,
            ..
        } => Command::Observe {
            objective: Some(objective.clone().unwrap_or_default()),
            kind: Some(match kind {
                ObserveKind::Strength => ObservationKind::Strength,
                ObserveKind::Improvement => ObservationKind::Improvement,
                ObserveKind::Defect => ObservationKind::Defect,
            }),
            text: Some(t.clone()),
            step: step.as_deref().map(|x| resolve::step(s, x)).transpose()?,
            inject: inject.as_deref().map(InjectId::new),
        },
        Sub::Clock { action, value, .. } => Command::Clock(match action {
            ClockAction::Pause => ClockAct::Pause,
            ClockAction::Resume => ClockAct::Resume,
            ClockAction::Speed => {
                let v = value.as_deref().map(|v| v.trim().trim_start_matches('x'));
                let n: u64 = v.and_then(|v| v.parse().ok()).ok_or_else(|| {
                    CliError::Usage(
                        "give the speed as a whole number from 1 to 60, such as 1, 2, 5 or 10"
                            .into(),
                    )
                })?;
                ClockAct::Speed(u32::try_from(n).unwrap_or(u32::MAX))
            }
            ClockAction::Advance => {
                let v = value.as_deref().ok_or_else(|| {
                    CliError::Usage("say how far: muster clock SESSION advance 15m".into())
                })?;
                let m: Minutes = v.parse().map_err(|e: crate::domain::time::BadDuration| {
                    CliError::Usage(e.to_string())
                })?;
                ClockAct::Advance(m)
            }
        }),
        Sub::Rate {
            objective,
            rating,
            note,
            ..
        } => Command::Rate {
            objective: Some(ObjectiveId::new(objective.as_str())),
            rating: Some(
                rating
                    .parse::<Rating>()
                    .map_err(|e| CliError::Usage(e.to_string()))?,
            ),
            note: Some(note.clone().unwrap_or_default()),
        },
        Sub::Redline {
            step,
            text,
            kind,
            accept,
            reject,
            note,
            ..
        } => match (accept, reject) {
            (true, true) => {
                return Err(CliError::Usage(
                    "--accept or --reject, not both".into(),
                ));
            }
            (true, false) | (false, true) => Command::DecideRedline {
                redline: Some(step.clone()),
                accept: Some(*accept),
                note: Some(note.clone().unwrap_or_default()),
            },
            (false, false) => Command::Redline {
                step: resolve::step(s, step)?,
                kind: Some(
                    kind.as_deref()
                        .unwrap_or("change")
                        .parse()
                        .map_err(|e: crate::domain::event::UnknownWord| {
                            CliError::Usage(e.to_string())
                        })?,
                ),
                text: Some(text.clone().ok_or_else(|| {
                    CliError::Usage(
                        "say what the plan should say: --text \"...\"".into(),
                    )
                })?),
            },
        },
        Sub::Call {
            who,
            result,
            note,
            step,
            ..
        } => {
            let ix = &lib.get()?.index;
            let callee = crate::domain::calls::resolve(ix, who, &s.state.calls, lib.ctx().now)
                .map_err(CliError::Invalid)?;
            Command::Call {
                candidates: vec![callee],
                who: Some(0),
                result: Some(
                    result
                        .parse()
                        .map_err(|e: crate::domain::event::UnknownWord| {
                            CliError::Usage(e.to_string())
                        })?,
                ),
                note: Some(note.clone().unwrap_or_default()),
                step: step.as_deref().map(|x| resolve::step(s, x)).transpose()?,
            }
        }
        _ => return Err(CliError::Usage("this is not a command that records".into())),
    })
}

/// What to tell the user once the command is recorded. `step` and `note` keep stdout empty (as
/// scripts expect) and tell a person at a terminal on stderr.
fn said(ctx: &Context, cmd: &Command, rec: &Recorded, before: &Session, o: &Opened) -> String {
    use std::io::IsTerminal;
    let st = &o.session.state;
    match cmd {
        Command::Step { .. } | Command::SessionNote { .. } => {
            if std::io::stderr().is_terminal() {
                say!(
                    "recorded: {} by {} at {}",
                    clean(rec.checked.what(), false),
                    clean(
                        &crate::domain::event::who(
                            rec.checked.actor(),
                            rec.checked.recorder(),
                            rec.checked.transcribed_at().is_some()
                        ),
                        false
                    ),
                    ctx.zone.full(ctx.now)
                );
            }
            String::new()
        }
        Command::Decide { .. } => format!("Recorded the {}\n", clean(rec.checked.what(), false)),
        Command::Call { .. }
        | Command::Validate { .. }
        | Command::RecordRun(_)
        | Command::Redline { .. }
        | Command::DecideRedline { .. } => {
            format!("Recorded the {}.\n", clean(rec.checked.what(), false))
        }
        Command::Undo => {
            let mut w = clean(rec.checked.what(), false);
            if let Some(f) = w.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            format!("{w}.\n")
        }
        Command::HandOver { to, summary, .. } => {
            let mut out = format!(
                "Handed over to {}.\n",
                clean(to.as_deref().unwrap_or_default().trim(), false)
            );
            for l in summary
                .as_deref()
                .map(|s| s.lines(&|t| ctx.zone.hm(t)))
                .unwrap_or_default()
            {
                out.push_str(&clean(&l, false));
                out.push('\n');
            }
            out
        }
        Command::Close { .. } => {
            let (done, needed) = st.progress();
            let open: Vec<String> = before
                .state
                .steps()
                .filter(|s| {
                    !s.bypassed
                        && matches!(
                            s.state,
                            StepStatus::Active | StepStatus::Blocked | StepStatus::Pending
                        )
                })
                .map(|s| format!("{} ({})", s.at_ref(), s.state.label()))
                .collect();
            let mut out = format!(
                "Closed session {}: {done} of {needed} steps done.\n",
                o.id()
            );
            if !open.is_empty() {
                out.push_str(&format!(
                    "Not finished when it closed: {}\n",
                    open.join(", ")
                ));
            }
            out
        }
        Command::Invoke { plan, .. } => format!("Plan {} joined session {}.\n", plan.id, o.id()),
        Command::Declare { .. } => format!(
            "Declared at {} (session {}).\n",
            ctx.zone.full(st.declared_at),
            o.id()
        ),
        Command::InjectRelease { .. } | Command::InjectSkip { .. } => {
            let released = rec.events.iter().find_map(|e| match &e.body {
                crate::domain::event::Body::InjectReleased { inject, .. } => Some((inject, true)),
                crate::domain::event::Body::InjectSkipped { inject, .. } => Some((inject, false)),
                _ => None,
            });
            let Some((id, released)) = released else {
                return String::new();
            };
            let inject = o
                .session
                .scenario
                .as_ref()
                .and_then(|sc| sc.inject(id.as_str()));
            let title = inject.map(|i| clean(&i.title, false)).unwrap_or_default();
            if !released {
                return format!("Skipped inject {id}: {title}\n");
            }
            // what the facilitator reads aloud
            let mut out = format!("INJECT {id}: {title}\n");
            if let Some(i) = inject {
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
            }
            out
        }
        Command::Observe { kind, .. } => format!(
            "Recorded the observation ({}).\n",
            kind.map(|k| k.label()).unwrap_or_default()
        ),
        Command::Clock(_) => match &st.clock {
            Some(c) => {
                let state = if c.paused {
                    "paused".to_string()
                } else {
                    format!("running x{}", c.speed)
                };
                format!("Exercise clock {} ({state})\n", ex_time(c.ex_ms(ctx.now)))
            }
            None => String::new(),
        },
        Command::Rate {
            objective, rating, ..
        } => match (objective, rating) {
            (Some(o), Some(r)) => format!("Objective {o} rated {r}: {}.\n", r.label()),
            _ => String::new(),
        },
        Command::Action(_) | Command::FixObservation(_) => {
            let mut w = clean(rec.checked.what(), false);
            if let Some(f) = w.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            let added = rec.events.iter().find_map(|e| match &e.body {
                crate::domain::event::Body::ActionAdded { action, .. } => Some(action),
                _ => None,
            });
            match added {
                // the id alone on stdout, for scripts; the sentence for a person
                Some(id) => {
                    say!("muster: {w} in session {}", o.id());
                    format!("{id}\n")
                }
                None => format!("{w} (session {}).\n", o.id()),
            }
        }
        Command::Start(_) => String::new(),
    }
}

/// `muster start`: a new session on plans, or an exercise of a scenario.
fn start(
    ctx: &Context,
    plan_ids: &[String],
    exercise: Option<&str>,
    title: Option<String>,
    declared_at: Option<&str>,
    params: &[String],
    (facilitators, evaluators): (Vec<String>, Vec<String>),
) -> Result<Output> {
    let lib = super::library_for_reading(ctx)?;
    if plan_ids.is_empty() && exercise.is_none() {
        return Err(CliError::Usage("name at least one plan to start a session on (`muster list` shows them), or an exercise scenario with --exercise".into()));
    }
    let declared = match declared_at {
        Some(s) => Some(ctx.zone.parse(s).ok_or_else(|| {
            CliError::Usage(format!(
                "`{}` is not a time: write it like 2026-11-21T02:10:00Z, 2026-11-21T03:10:00+01:00 or 2026-11-21 03:10 (local time)",
                clean(s, false)
            ))
        })?),
        None => None,
    };
    let mut new = resolve::start(&lib, plan_ids, exercise, title, declared)?;
    new.params = param_values(params)?;
    new.facilitators = Some(facilitators).filter(|f| !f.is_empty());
    new.evaluators = evaluators;
    for p in &new.plans {
        let errors = lib
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.path == p.path)
            .count();
        if errors > 0 {
            say!(
                "muster: warning: plan `{}` has {errors} error(s) in {}; it is used as it could be read. Run `muster check`.",
                p.id,
                clean(&p.path, false)
            );
        }
    }
    let (actor, how) = ctx.acting();
    let checked =
        command::check(&Command::Start(new), &Session::blank(), actor, ctx.now)?.recorded(&how);
    let o = store::create(&ctx.home, &lib, &ctx.writer, &checked)?;
    // what the facilitator reads out first: the injects released with the start
    for b in checked.bodies() {
        if let crate::domain::event::Body::InjectReleased { inject, .. } = b
            && let Some(i) = o
                .session
                .scenario
                .as_ref()
                .and_then(|sc| sc.inject(inject.as_str()))
        {
            say!(
                "muster: released with the start: INJECT {inject}: {}",
                clean(&i.title, false)
            );
        }
    }
    Ok(Output::ok(format!("{}\n", o.id())))
}

/// Appends notes one by one and prints each event's id as soon as its append has returned, so a
/// test can kill the process at any moment and know exactly what was reported as written.
pub fn append_notes(ctx: &Context, spec: &str, count: u64) -> Result<Output> {
    use std::io::Write;
    let lib = LazyLibrary::new(ctx);
    let mut o = open_to_record(ctx, &lib, spec)?;
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        let cmd = Command::SessionNote {
            text: Some(format!("note {i}")),
        };
        let rec = o.submit(&cmd, &ctx.actor, chrono::Utc::now(), &lib)?;
        for e in rec.events {
            let _ = writeln!(out, "{}", e.id).and_then(|_| out.flush());
        }
    }
    Ok(Output::default())
}
