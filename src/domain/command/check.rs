//! The gate: whether a command is allowed on a session, now, for this actor, and which events
//! it becomes. Nothing else decides this.

use super::exercise::{
    clock, evaluator, exercise, facilitator, known_inject, pick_inject, scenario,
};
use super::needs::Need;
use super::{Checked, Command, Refusal, StepAct};
use crate::domain::event::Body;
use crate::domain::ids::StepRef;
use crate::domain::schedule;
use crate::domain::session::{Session, StepState, StepStatus};
use crate::domain::text::did_you_mean;
use crate::domain::time::{Minutes, human_duration};
use chrono::{DateTime, Utc};

/// The most text one note, reason or observation may hold.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// The most the exercise clock may be moved by hand at once.
pub const MAX_ADVANCE: Minutes = Minutes(7 * 24 * 60);

/// How long ago, in words: "just now", "12 min ago".
pub fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let d = now - t;
    if d.num_seconds() < 60 && d.num_seconds() > -60 {
        "just now".to_string()
    } else if d.num_seconds() < 0 {
        format!("{} from now", human_duration(-d))
    } else {
        format!("{} ago", human_duration(d))
    }
}

/// Checks a command against a session. `actor` is who does it; `now` is when.
pub fn check(
    cmd: &Command,
    s: &Session,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Checked, Refusal> {
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(Refusal::NoActor);
    }
    let st = &s.state;
    if let Command::Start(n) = cmd {
        return super::start::start(cmd, n, s, actor, now);
    }
    // an improvement plan is tracked long after its session closed
    if matches!(cmd, Command::Action(_)) {
        if !st.started {
            return Err(Refusal::NotStarted);
        }
    } else {
        open_for_changes(s, now)?;
    }
    let (bodies, what) = match cmd {
        Command::Start(_) => unreachable!("handled above"),
        Command::Action(a) => super::improve::check_action(cmd, a, s, actor, now)?,
        Command::FixObservation(f) => {
            exercise(s)?;
            super::improve::check_fix(cmd, f, s, actor, now)?
        }
        Command::Invoke { plan, .. } => {
            let id = crate::domain::ids::PlanId::new(plan.id.v.as_str());
            if s.has_plan(&id) {
                return Err(Refusal::PlanAlreadyInSession {
                    plan: id,
                    session: st.id.clone(),
                });
            }
            blocking(cmd, s, actor)?;
            let bodies: Vec<Body> = super::joining::refs(cmd, s)?
                .into_iter()
                .map(|plan| Body::PlanInvoked { plan })
                .collect();
            (bodies, format!("plan {id} joined the session"))
        }
        Command::Step {
            step,
            act,
            text,
            to,
            ..
        } => {
            let cur = known_step(s, step)?;
            let recurring = s.step_def(step).is_some_and(|d| d.every.is_some());
            allowed(cur, *act, actor, now, recurring)?;
            blocking(cmd, s, actor)?;
            let text = given(text, "the note")?;
            let mut bodies = vec![match act {
                StepAct::Start => Body::StepStarted {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                },
                StepAct::Done => Body::StepDone {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    note: text.clone(),
                },
                StepAct::Skip => Body::StepSkipped {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    reason: text.clone().unwrap_or_default(),
                },
                StepAct::Block => Body::StepBlocked {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    reason: text.clone().unwrap_or_default(),
                },
                StepAct::Reopen => Body::StepReopened {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    reason: text.clone().unwrap_or_default(),
                },
                StepAct::Note => Body::Note {
                    plan: Some(step.plan.clone()),
                    step: Some(step.step.clone()),
                    text: text.clone().unwrap_or_default(),
                },
                StepAct::Assign => Body::Assigned {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    to: given(to, "the name")?.unwrap_or_default(),
                },
            }];
            // start and assign take no note of their own: a note given with them is kept as one
            if let (StepAct::Start | StepAct::Assign, Some(n)) = (act, &text) {
                bodies.push(Body::Note {
                    plan: Some(step.plan.clone()),
                    step: Some(step.step.clone()),
                    text: n.clone(),
                });
            }
            let what = match act {
                StepAct::Start => format!("started {step}"),
                StepAct::Done => format!("done {step}"),
                StepAct::Skip => format!("skipped {step}"),
                StepAct::Block => format!("blocked {step}"),
                StepAct::Reopen => format!("reopened {step}"),
                StepAct::Note => format!("note on {step}"),
                StepAct::Assign => format!(
                    "assigned {step} to {}",
                    to.as_deref().unwrap_or_default().trim()
                ),
            };
            (bodies, what)
        }
        Command::Decide {
            step, option, why, ..
        } => {
            let cur = known_step(s, step)?;
            let def = s
                .step_def(step)
                .and_then(|d| d.decision.as_ref())
                .ok_or_else(|| Refusal::NotADecision { step: step.clone() })?;
            if let Some(d) = &cur.decision {
                return Err(Refusal::AlreadyDecided {
                    step: step.clone(),
                    by: d.by.clone(),
                    option: d.option.clone(),
                });
            }
            if let Some(given) = option {
                pick_option(def, given)?;
            }
            let opt = pick_option(def, option.as_deref().unwrap_or_default());
            if let (Ok(o), Command::Decide { invoke, .. }) = (&opt, cmd)
                && let Some(gone) = o.invoke.iter().find(|id| {
                    !s.has_plan(&id.v.as_str().into()) && !invoke.iter().any(|p| p.id.v == id.v)
                })
            {
                return Err(Refusal::InvokedPlanMissing {
                    option: o.label.clone(),
                    plan: gone.v.as_str().into(),
                });
            }
            blocking(cmd, s, actor)?;
            let opt = opt?;
            let next = opt.next.as_ref().map(|n| n.v.as_str().into());
            let joins = super::joining::refs(cmd, s)?;
            let mut what = match &next {
                Some(n) => format!("decision on {step}: {} (next: {n})", opt.label),
                None => format!("decision on {step}: {}", opt.label),
            };
            if !joins.is_empty() {
                let ids: Vec<&str> = joins.iter().map(|r| r.id.as_str()).collect();
                what.push_str(&format!("; plan {} joined the session", ids.join(", ")));
            }
            let mut bodies = vec![Body::DecisionTaken {
                plan: step.plan.clone(),
                step: step.step.clone(),
                option: opt.label.clone(),
                next,
                why: given(why, "the reason")?,
            }];
            bodies.extend(joins.into_iter().map(|plan| Body::PlanInvoked { plan }));
            (bodies, what)
        }
        Command::Undo => undo(s, actor)?,
        Command::Validate {
            step,
            outcome,
            note,
        } => {
            known_step(s, step)?;
            if !s.step_def(step).is_some_and(|d| d.validation) {
                return Err(Refusal::NotAValidation { step: step.clone() });
            }
            blocking(cmd, s, actor)?;
            let outcome = outcome.unwrap_or(crate::domain::event::Outcome::Pass);
            (
                vec![Body::Validated {
                    plan: step.plan.clone(),
                    step: step.step.clone(),
                    outcome,
                    note: given(note, "the note")?,
                }],
                format!("validation {step}: {}", outcome.words()),
            )
        }
        Command::Redline { step, kind, text } => {
            super::redline::check_propose(cmd, s, actor, step, *kind, text)?
        }
        Command::DecideRedline {
            redline,
            accept,
            note,
        } => super::redline::check_decide(cmd, s, actor, redline, *accept, note)?,
        Command::RecordRun(r) => {
            known_step(s, &r.step)?;
            let commands = super::runnable(s, &r.step)?;
            if !commands.contains(&r.command) {
                return Err(Refusal::NotRunnable {
                    step: r.step.clone(),
                    why: "that is not one of its commands".into(),
                });
            }
            (
                vec![Body::CommandRan {
                    plan: r.step.plan.clone(),
                    step: r.step.step.clone(),
                    command: r.command.clone(),
                    exit: r.exit,
                    timed_out: r.timed_out,
                    duration_ms: r.duration_ms,
                    output_hash: r.output_hash.clone(),
                    output: r.output.clone(),
                    output_bytes: r.output_bytes,
                    tail: r.tail.as_ref().map(|t| {
                        let mut t = t.clone();
                        let mut cut = t.len().min(super::TAIL_BYTES);
                        while !t.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        t.truncate(cut);
                        t
                    }),
                }],
                format!("run of step {}'s command", r.step),
            )
        }
        Command::Call {
            candidates,
            who,
            result,
            note,
            step,
        } => {
            if let Some(r) = step {
                known_step(s, r)?;
            }
            blocking(cmd, s, actor)?;
            let (Some(c), Some(result)) = (who.and_then(|i| candidates.get(i)), *result) else {
                return Err(Refusal::Needs(Need::Text {
                    field: super::needs::TextField::To,
                    required: true,
                    title: "Call".into(),
                    hint: "Whom you called: a person or a role of the index".into(),
                    param: None,
                }));
            };
            let whom = given(&Some(c.person.clone()), "who was called")?.unwrap_or_default();
            let what = format!("call to {}: {}", c.name, result.words());
            (
                vec![Body::Call {
                    who: whom,
                    name: (c.name != c.person).then(|| c.name.clone()),
                    role: c.role.clone(),
                    result,
                    plan: step.as_ref().map(|r| r.plan.clone()),
                    step: step.as_ref().map(|r| r.step.clone()),
                    note: given(note, "the note")?,
                }],
                what,
            )
        }
        Command::SessionNote { text } => {
            blocking(cmd, s, actor)?;
            (
                vec![Body::Note {
                    plan: None,
                    step: None,
                    text: given(text, "the note")?.unwrap_or_default(),
                }],
                "note on the session".to_string(),
            )
        }
        Command::HandOver { to, note, summary } => {
            blocking(cmd, s, actor)?;
            let to = given(to, "the name")?.unwrap_or_default();
            (
                vec![Body::HandOver {
                    to: to.clone(),
                    note: given(note, "the note")?,
                    summary: summary.clone(),
                }],
                format!("handed over to {to}"),
            )
        }
        Command::Declare { at, why } => {
            blocking(cmd, s, actor)?;
            let at = at.unwrap_or(now);
            if at > crate::domain::time::add_ms(now, 5 * 60_000) {
                return Err(Refusal::DeclaredInFuture {
                    at: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                });
            }
            (
                vec![Body::Declared {
                    declared_at: at,
                    reason: given(why, "the reason")?,
                }],
                format!(
                    "declaration time set to {}",
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            )
        }
        Command::Close { note } => (
            vec![Body::SessionClosed {
                note: given(note, "the note")?,
            }],
            "closed the session".to_string(),
        ),
        Command::InjectRelease { inject } => {
            facilitator(s, actor, "release injects")?;
            let id = pick_inject(s, inject.as_ref(), now)?;
            let sc = scenario(s)?;
            let early = !schedule::is_due(sc, st, id.as_str(), now);
            (
                vec![Body::InjectReleased {
                    inject: id.clone(),
                    early,
                }],
                format!("released inject {id}"),
            )
        }
        Command::InjectSkip { inject, reason } => {
            facilitator(s, actor, "skip injects")?;
            let id = pick_inject(s, inject.as_ref(), now)?;
            (
                vec![Body::InjectSkipped {
                    inject: id.clone(),
                    reason: given(reason, "the reason")?,
                }],
                format!("skipped inject {id}"),
            )
        }
        Command::Observe {
            kind,
            text,
            step,
            inject,
            objective,
        } => {
            exercise(s)?;
            if let Some(r) = step {
                known_step(s, r)?;
            }
            if let Some(i) = inject {
                known_inject(s, i)?;
            }
            let objective = match objective {
                Some(o) => super::improve::known_objective(s, o)?,
                None => None,
            };
            blocking(cmd, s, actor)?;
            let kind = kind.unwrap_or(crate::domain::event::ObservationKind::Improvement);
            (
                vec![Body::Observation {
                    observation: kind,
                    text: given(text, "the observation")?.unwrap_or_default(),
                    plan: step.as_ref().map(|r| r.plan.clone()),
                    step: step.as_ref().map(|r| r.step.clone()),
                    inject: inject.clone(),
                    objective,
                }],
                format!("observation ({})", kind.label()),
            )
        }
        Command::Clock(act) => {
            facilitator(s, actor, "control the exercise clock")?;
            clock(s, *act, now)?
        }
        Command::Rate {
            objective,
            rating,
            note,
        } => {
            exercise(s)?;
            evaluator(s, actor, "rate objectives")?;
            let sc = scenario(s)?;
            if sc.objectives.is_empty() {
                return Err(Refusal::NoObjectives);
            }
            if let Some(o) = objective
                && !sc.objectives.iter().any(|x| x.id.v == o.as_str())
            {
                return Err(Refusal::NoSuchObjective {
                    scenario: sc.id.v.clone(),
                    objective: o.clone(),
                    known: sc
                        .objectives
                        .iter()
                        .map(|x| x.id.v.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            blocking(cmd, s, actor)?;
            let (Some(objective), Some(rating)) = (objective, rating) else {
                unreachable!("blocking needs were refused above")
            };
            (
                vec![Body::ObjectiveRated {
                    objective: objective.clone(),
                    rating: *rating,
                    note: given(note, "the note")?,
                }],
                format!("objective {objective} rated {rating}"),
            )
        }
    };
    let mut all = Vec::with_capacity(bodies.len() + 1);
    if st.responder(actor).is_none() {
        all.push(Body::ResponderJoined {});
    }
    all.extend(bodies);
    Ok(Checked {
        session: st.id.clone(),
        plans: super::joining::definitions(cmd, s, &all),
        bodies: all,
        at: now,
        actor: actor.to_string(),
        ex_ms: st.ex_ms(now),
        what,
        basis: st.events,
        recorded_by: None,
        transcribed_at: None,
    })
}

/// Checks a seal of the session's chain heads (as the journal read them). A closed session can
/// be sealed: sealing one is what a review does last.
pub fn seal(
    s: &Session,
    heads: Vec<crate::domain::event::Witness>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Checked, Refusal> {
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(Refusal::NoActor);
    }
    let st = &s.state;
    if !st.started {
        return Err(Refusal::NotStarted);
    }
    let heads = crate::domain::seal::sorted(heads);
    let digest = crate::domain::seal::digest(&st.id, &heads);
    Ok(Checked {
        session: st.id.clone(),
        what: format!("seal {digest}"),
        bodies: vec![Body::Sealed { heads, digest }],
        at: now,
        actor: actor.to_string(),
        ex_ms: st.ex_ms(now),
        basis: st.events,
        plans: Default::default(),
        recorded_by: None,
        transcribed_at: None,
    })
}

/// Whether anything at all can be recorded in the session now: it has started and is not closed.
/// Front ends ask this before they resolve what the user typed, so a closed session says so
/// first.
pub fn open_for_changes(s: &Session, now: DateTime<Utc>) -> Result<(), Refusal> {
    let st = &s.state;
    if !st.started {
        return Err(Refusal::NotStarted);
    }
    if let Some(c) = &st.closed {
        return Err(Refusal::Closed {
            session: st.id.clone(),
            by: c.by.clone(),
            ago: ago(now, c.at),
        });
    }
    Ok(())
}

/// Refuses a command while something it must have is still missing.
pub(super) fn blocking(cmd: &Command, s: &Session, actor: &str) -> Result<(), Refusal> {
    match cmd.needs(s, actor).into_iter().find(Need::blocking) {
        Some(n) => Err(Refusal::Needs(n)),
        None => Ok(()),
    }
}

/// The trimmed text, `None` when empty; refused when too long.
pub(super) fn given(t: &Option<String>, what: &'static str) -> Result<Option<String>, Refusal> {
    let Some(t) = t.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.len() > MAX_TEXT_BYTES {
        return Err(Refusal::TooLong {
            what,
            len: t.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    Ok(Some(t.to_string()))
}

pub(super) fn known_step<'a>(s: &'a Session, r: &StepRef) -> Result<&'a StepState, Refusal> {
    let st = &s.state;
    let Some(p) = st.plan(r.plan.as_str()) else {
        return Err(Refusal::PlanNotInSession {
            plan: r.plan.clone(),
            session: st.id.clone(),
            plans: st
                .plans
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    p.step(r.step.as_str()).ok_or_else(|| Refusal::NoSuchStep {
        step: r.clone(),
        suggestion: did_you_mean(r.step.as_str(), p.steps.iter().map(|x| x.step.as_str()))
            .map(str::to_string),
    })
}

/// Whether an action makes sense on a step in its current state, for this actor.
fn allowed(
    s: &StepState,
    act: StepAct,
    actor: &str,
    now: DateTime<Utc>,
    recurring: bool,
) -> Result<(), Refusal> {
    let step = s.at_ref();
    let by = || {
        let b = s.by.clone().unwrap_or_default();
        if b == actor { "you".to_string() } else { b }
    };
    let when = || s.at.map(|t| ago(now, t)).unwrap_or_default();
    match (act, s.state) {
        (StepAct::Start, StepStatus::Active) => Err(Refusal::AlreadyActive {
            step,
            by: by(),
            ago: when(),
        }),
        (StepAct::Start, StepStatus::Done | StepStatus::Skipped)
        | (StepAct::Skip, StepStatus::Done | StepStatus::Skipped)
        | (StepAct::Block, StepStatus::Done | StepStatus::Skipped)
        | (StepAct::Done, StepStatus::Skipped) => Err(Refusal::ReopenFirst {
            step,
            state: s.state.label(),
            by: by(),
            ago: when(),
        }),
        // a recurring step is done again each time it comes round
        (StepAct::Done, StepStatus::Done) if recurring => Ok(()),
        (StepAct::Done, StepStatus::Done) if s.by.as_deref() == Some(actor) => {
            Err(Refusal::AlreadyDoneByYou { step })
        }
        (StepAct::Block, StepStatus::Blocked) => Err(Refusal::AlreadyBlocked {
            step,
            by: by(),
            ago: when(),
        }),
        (StepAct::Reopen, StepStatus::Pending) => Err(Refusal::NothingToReopen { step }),
        _ => Ok(()),
    }
}

/// The steps `step` comes after that are neither finished nor off the chosen branch, as
/// "4. check-power".
/// The step to do next: the first one needed and not finished whose steps before it are
/// finished; else the first one needed and not finished.
pub fn next_step(s: &Session) -> Option<&StepState> {
    let open = |st: &&StepState| {
        !st.bypassed
            && matches!(
                st.state,
                StepStatus::Pending | StepStatus::Active | StepStatus::Blocked
            )
    };
    s.state
        .steps()
        .filter(open)
        .find(|st| unfinished_dependencies(s, &st.at_ref()).is_empty())
        .or_else(|| s.state.steps().find(open))
}

pub fn unfinished_dependencies(s: &Session, step: &StepRef) -> Vec<String> {
    let (Some(plan), Some(ps)) = (
        s.plan_def(step.plan.as_str()),
        s.state.plan(step.plan.as_str()),
    ) else {
        return Vec::new();
    };
    let Some(def) = plan.step(step.step.as_str()) else {
        return Vec::new();
    };
    let open = |d: &crate::domain::Sp<String>| {
        plan.step_index(&d.v).and_then(|j| {
            ps.steps
                .get(j)
                .filter(|x| !x.state.finished() && !x.bypassed)
                .map(|_| format!("{}. {}", j + 1, d.v))
        })
    };
    let mut out: Vec<String> = def.depends_on.iter().filter_map(open).collect();
    // any one of `depends_on_any` finished (or every one of them off the path) is enough
    let any: Vec<String> = def.depends_on_any.iter().filter_map(open).collect();
    let some_done = def.depends_on_any.iter().any(|d| {
        plan.step_index(&d.v)
            .and_then(|j| ps.steps.get(j))
            .is_some_and(|x| x.state.finished())
    });
    if !some_done && !any.is_empty() {
        out.push(if any.len() == 1 {
            any[0].clone()
        } else {
            format!("one of {}", any.join(" or "))
        });
    }
    out
}

/// Matches a decision option by number (from 1), by the step it leads to, or by its label (or
/// a unique start of it).
pub(super) fn pick_option<'a>(
    def: &'a crate::domain::plan::Decision,
    choice: &str,
) -> Result<&'a crate::domain::plan::DecisionOption, Refusal> {
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
                .filter(|o| !c.is_empty() && o.label.to_lowercase().starts_with(&c))
                .collect();
            if m.len() == 1 { Some(m[0]) } else { None }
        });
    found.ok_or_else(|| Refusal::NoSuchOption {
        given: choice.to_string(),
        options: def
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}. {}", i + 1, o.label))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

fn undo(s: &Session, actor: &str) -> Result<(Vec<Body>, String), Refusal> {
    let last = s
        .state
        .responder(actor)
        .and_then(|r| r.last_step_action.as_ref())
        .ok_or(Refusal::NothingToUndo)?;
    let step = last.step.clone();
    let what = match last.kind.as_str() {
        "step_started" => "start",
        "step_done" => "done",
        "step_skipped" => "skip",
        "step_blocked" => "block",
        "decision_taken" => "decision",
        _ => return Err(Refusal::UndoReopen { step }),
    };
    let cur = s.state.step(&step);
    if cur.is_none_or(|c| c.state == StepStatus::Pending || c.by.as_deref() != Some(actor)) {
        return Err(Refusal::UndoOvertaken {
            what: what.to_string(),
            step,
        });
    }
    Ok((
        vec![Body::StepReopened {
            plan: step.plan.clone(),
            step: step.step.clone(),
            reason: format!("undo: {what} by {actor}"),
        }],
        format!("undid {what} on {step}"),
    ))
}
