//! Events in words, shared by `muster log`, the TUI timeline and the exports.

use crate::domain::event::{Body, Event};
use crate::domain::ids::{PlanId, StepId};
use crate::domain::session::Session;
use crate::domain::time::human_duration;
use chrono::Duration;

/// One event as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// A short verb: "done", "skipped", "inject released" ...
    pub action: String,
    /// `plan/step` when the event is about a step.
    pub step: Option<String>,
    /// The step's title, or what the event is about.
    pub subject: String,
    /// The note, reason or text, if any.
    pub text: Option<String>,
}

fn step_title(s: &Session, plan: &str, step: &str) -> String {
    s.plan_def(plan)
        .and_then(|p| p.step(step))
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

/// An action's label as the session knows it (`A1-2` where two were raised as `A1`), by the
/// event that raised it.
fn action_label(
    s: &Session,
    event: &crate::domain::ids::EventId,
    written: &crate::domain::ids::ActionId,
) -> String {
    s.state
        .actions
        .iter()
        .find(|a| a.event == *event)
        .map(|a| a.id.to_string())
        .unwrap_or_else(|| written.to_string())
}

/// An observation's number as shown (`O2`), by the id of the event that recorded it.
fn observation_number(s: &Session, of: &crate::domain::ids::EventId) -> String {
    s.state
        .observations
        .iter()
        .position(|o| o.id == *of)
        .map(|i| format!("O{}", i + 1))
        .unwrap_or_else(|| of.to_string())
}

/// An event in words, with the titles of the session's plans and scenario.
pub fn describe(e: &Event, session: &Session) -> Described {
    let scenario = session.scenario.as_deref();
    let d = |action: &str, subject: String, text: Option<&String>| Described {
        action: action.into(),
        step: None,
        subject,
        text: text.cloned(),
    };
    let s = |action: &str, plan: &PlanId, step: &StepId, text: Option<&String>| Described {
        action: action.into(),
        step: Some(format!("{plan}/{step}")),
        subject: step_title(session, plan.as_str(), step.as_str()),
        text: text.cloned(),
    };
    let inject_title = |id: &str| {
        scenario
            .and_then(|sc| sc.inject(id))
            .map(|i| format!("{id}: {}", i.title))
            .unwrap_or_else(|| id.to_string())
    };
    match &e.body {
        Body::SessionStarted {
            title,
            mode,
            plans: refs,
            scenario: sc,
            ..
        } => {
            let plans = refs
                .iter()
                .map(|p| match p.params.is_empty() {
                    true => p.id.to_string(),
                    false => format!("{} ({})", p.id, crate::domain::params::shown(&p.params)),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut subject = format!("\"{title}\" ({}; plans: {plans})", mode.label());
            if let Some(sc) = sc {
                subject.push_str(&format!("; scenario: {}", sc.id));
            }
            d("started the session", subject, None)
        }
        Body::SessionClosed { note } => d("closed the session", String::new(), note.as_ref()),
        Body::PlanInvoked { plan } => d(
            "invoked plan",
            if plan.params.is_empty() {
                format!("{} ({})", plan.id, plan.title)
            } else {
                format!(
                    "{} ({}; {})",
                    plan.id,
                    plan.title,
                    crate::domain::params::shown(&plan.params)
                )
            },
            None,
        ),
        Body::StepStarted { plan, step } => s("started", plan, step, None),
        Body::StepDone { plan, step, note } => s("done", plan, step, note.as_ref()),
        Body::StepSkipped { plan, step, reason } => s("skipped", plan, step, Some(reason)),
        Body::StepBlocked { plan, step, reason } => s("blocked", plan, step, Some(reason)),
        Body::StepReopened { plan, step, reason } => s("reopened", plan, step, Some(reason)),
        Body::Note {
            plan: Some(p),
            step: Some(st),
            text,
        } => s("note", p, st, Some(text)),
        Body::Note { text, .. } => d("note", String::new(), Some(text)),
        Body::Assigned { plan, step, to } => {
            let mut x = s("assigned", plan, step, None);
            x.text = Some(format!("to {to}"));
            x
        }
        Body::DecisionTaken {
            plan,
            step,
            option,
            next,
            why,
        } => {
            let mut x = s("decided", plan, step, why.as_ref());
            let choice = match next {
                Some(n) => format!("{option} (next: {n})"),
                None => option.clone(),
            };
            x.text = Some(match why {
                Some(w) => format!("{choice}: {w}"),
                None => choice,
            });
            x
        }
        Body::ResponderJoined {} => d("joined", String::new(), None),
        Body::Validated {
            plan,
            step,
            outcome,
            note,
        } => s(
            match outcome {
                crate::domain::event::Outcome::Pass => "validation passed:",
                crate::domain::event::Outcome::Fail => "validation FAILED:",
                crate::domain::event::Outcome::NotTested => "validation not tested:",
            },
            plan,
            step,
            note.as_ref(),
        ),
        Body::Redline {
            plan,
            step,
            redline,
            redline_kind,
            text,
        } => {
            let mut x = s("proposed a redline to", plan, step, None);
            x.text = Some(format!("{redline} ({}): {text}", redline_kind.words()));
            x
        }
        Body::RedlineDecided {
            redline,
            accepted,
            note,
        } => d(
            if *accepted {
                "accepted redline"
            } else {
                "rejected redline"
            },
            redline.clone(),
            note.as_ref(),
        ),
        Body::Call {
            who,
            name,
            role,
            result,
            plan,
            step,
            note,
        } => {
            let whom = match role {
                Some(r) => format!("{} ({r})", name.as_deref().unwrap_or(who)),
                None => name.clone().unwrap_or_else(|| who.clone()),
            };
            let what = format!("{whom}: {}", result.words());
            let text = match note {
                Some(n) => format!("{what}; {n}"),
                None => what,
            };
            match (plan, step) {
                (Some(p), Some(st)) => {
                    let mut x = s("called about", p, st, None);
                    x.text = Some(text);
                    x
                }
                _ => d("called", text, None),
            }
        }
        Body::CommandRan {
            plan,
            step,
            command,
            exit,
            timed_out,
            duration_ms,
            ..
        } => {
            let mut x = s("ran the command of", plan, step, None);
            let how = match (exit, timed_out) {
                (_, true) => "stopped after its time limit".to_string(),
                (Some(c), _) => format!("exit status {c}"),
                (None, _) => "killed by a signal".to_string(),
            };
            x.text = Some(format!(
                "`{}`: {how}, in {}",
                crate::domain::text::ellipsis(command, 80),
                crate::domain::time::took_ms(*duration_ms)
            ));
            x
        }
        Body::HandOver { to, note, .. } => d("handed over", format!("to {to}"), note.as_ref()),
        Body::InjectReleased { inject, early } => d(
            if *early {
                "inject released early"
            } else {
                "inject released"
            },
            inject_title(inject.as_str()),
            None,
        ),
        Body::InjectSkipped { inject, reason } => d(
            "inject skipped",
            inject_title(inject.as_str()),
            reason.as_ref(),
        ),
        Body::ClockPaused {} => d("paused the exercise clock", String::new(), None),
        Body::Declared {
            declared_at,
            reason,
        } => d(
            "set when the disaster was declared",
            format!("to {}", declared_at.format("%Y-%m-%d %H:%M:%S UTC")),
            reason.as_ref(),
        ),
        Body::ClockResumed {} => d("resumed the exercise clock", String::new(), None),
        Body::ClockSpeed { speed } => d("set the clock speed", format!("x{speed}"), None),
        Body::ClockAdvanced { by_ms } => d(
            "advanced the clock",
            format!(
                "by {}",
                human_duration(Duration::milliseconds((*by_ms).clamp(
                    -crate::domain::time::MAX_SPAN_MS,
                    crate::domain::time::MAX_SPAN_MS
                )))
            ),
            None,
        ),
        Body::Observation {
            observation,
            text,
            plan,
            step,
            inject,
            objective,
        } => {
            let mut about = inject
                .as_ref()
                .map(|i| format!("on inject {}", inject_title(i.as_str())))
                .unwrap_or_default();
            if let Some(o) = objective {
                if !about.is_empty() {
                    about.push_str(", ");
                }
                about.push_str(&format!("objective {o}"));
            }
            let mut x = d(
                &format!("observed ({})", observation.label()),
                about,
                Some(text),
            );
            if let (Some(p), Some(s)) = (plan, step) {
                x.step = Some(format!("{p}/{s}"));
            }
            x
        }
        Body::Sealed { digest, heads } => d(
            "sealed the journal",
            format!(
                "{digest}, covering {} event(s) of {} writer(s)",
                heads.iter().map(|h| h.seq).sum::<u64>(),
                heads.len()
            ),
            None,
        ),
        Body::UnfinishedWrite { bytes, .. } => d(
            "found an unfinished write",
            format!("of {bytes} bytes, kept as evidence"),
            None,
        ),
        Body::ObservationCorrected {
            of,
            text,
            observation,
            objective,
            reason,
        } => {
            let mut what = Vec::new();
            if let Some(t) = text {
                what.push(format!("now \"{t}\""));
            }
            if let Some(k) = observation {
                what.push(format!("kind {}", k.label()));
            }
            if let Some(o) = objective {
                what.push(format!("objective {o}"));
            }
            let mut subject = observation_number(session, of);
            if !what.is_empty() {
                subject.push_str(&format!(" {}", what.join(", ")));
            }
            d("corrected observation", subject, reason.as_ref())
        }
        Body::ObservationWithdrawn { of, reason } => d(
            "withdrew observation",
            observation_number(session, of),
            Some(reason),
        ),
        Body::ActionAdded {
            action,
            text,
            owner,
            due,
            ..
        } => {
            let mut subject = action_label(session, &e.id, action);
            if let Some(o) = owner {
                subject.push_str(&format!(", owner {o}"));
            }
            if let Some(d) = due {
                subject.push_str(&format!(", due {d}"));
            }
            d("raised improvement action", subject, Some(text))
        }
        Body::ActionUpdated {
            action,
            of,
            owner,
            due,
            capability,
            status,
            note,
        } => {
            let mut what = vec![match of {
                Some(of) => action_label(session, of, action),
                None => action.to_string(),
            }];
            if let Some(o) = owner {
                what.push(format!("owner {o}"));
            }
            if let Some(d) = due {
                what.push(format!("due {d}"));
            }
            if let Some(c) = capability {
                what.push(format!("capability {c}"));
            }
            let verb = match status {
                Some(crate::domain::event::ActionStatus::Closed) => "closed improvement action",
                Some(crate::domain::event::ActionStatus::Open) => "reopened improvement action",
                None => "updated improvement action",
            };
            d(verb, what.join(", "), note.as_ref())
        }
        Body::ObjectiveRated {
            objective,
            rating,
            note,
        } => d(
            "rated objective",
            format!("{objective}: {rating} ({})", rating.label()),
            note.as_ref(),
        ),
    }
}

/// Who signed a writer's file, in words: `signed by key 7K3M-Q9XA-0D2F-R8TB (this home)`.
pub fn signed_by(key: Option<&str>, unsigned: u64, this_home: Option<&str>) -> String {
    let before = match unsigned {
        0 => String::new(),
        n => format!(" after {n} unsigned line(s) from before muster signed lines"),
    };
    match key {
        Some(k) if Some(k) == this_home => format!("signed by key {k} (this home){before}"),
        Some(k) => format!("signed by key {k}{before}"),
        None if unsigned > 0 => "not signed (written before muster signed lines)".into(),
        None => "no signed lines".into(),
    }
}
