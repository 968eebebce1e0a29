//! The gate's checks that belong to exercises: the scenario and its injects, the exercise
//! clock, and who may run them (the facilitators).

use super::check::ago;
use super::{ClockAct, MAX_ADVANCE, Refusal};
use crate::domain::event::Body;
use crate::domain::ids::InjectId;
use crate::domain::schedule;
use crate::domain::session::{Session, clock::MAX_SPEED};
use crate::domain::text::did_you_mean;
use crate::domain::time::{ex_time, human_duration};
use chrono::{DateTime, Utc};

pub(super) fn exercise(s: &Session) -> Result<(), Refusal> {
    if s.state.is_exercise() {
        Ok(())
    } else {
        Err(Refusal::NotAnExercise {
            session: s.state.id.clone(),
        })
    }
}

/// Refuses someone who is neither a facilitator nor an evaluator of the exercise (when any
/// were named): rating objectives.
pub fn evaluator(s: &Session, actor: &str, what: &'static str) -> Result<(), Refusal> {
    let st = &s.state;
    if st.may_evaluate(actor) {
        return Ok(());
    }
    let mut names = st.facilitators.join(", ");
    if !st.evaluators.is_empty() {
        names.push_str(&format!(") and evaluators ({}", st.evaluators.join(", ")));
    }
    Err(Refusal::NotFacilitator { names, what })
}

/// Refuses someone who is not a facilitator of the exercise (when any were named).
pub fn facilitator(s: &Session, actor: &str, what: &'static str) -> Result<(), Refusal> {
    if s.state.may_facilitate(actor) {
        return Ok(());
    }
    Err(Refusal::NotFacilitator {
        names: s.state.facilitators.join(", "),
        what,
    })
}

pub(super) fn scenario(s: &Session) -> Result<&crate::domain::scenario::Scenario, Refusal> {
    exercise(s)?;
    s.scenario.as_deref().ok_or_else(|| Refusal::NoScenario {
        session: s.state.id.clone(),
    })
}

pub(super) fn known_inject(s: &Session, i: &InjectId) -> Result<(), Refusal> {
    let sc = scenario(s)?;
    if sc.inject(i.as_str()).is_some() {
        return Ok(());
    }
    Err(Refusal::NoSuchInject {
        scenario: sc.id.v.clone(),
        inject: i.clone(),
        suggestion: did_you_mean(i.as_str(), sc.injects.iter().map(|x| x.id.v.as_str()))
            .map(str::to_string),
        known: sc
            .injects
            .iter()
            .map(|x| x.id.v.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The inject a release or skip is about: the named one, or the next one due.
pub(super) fn pick_inject(
    s: &Session,
    given: Option<&InjectId>,
    now: DateTime<Utc>,
) -> Result<InjectId, Refusal> {
    let sc = scenario(s)?;
    let st = &s.state;
    let id = match given {
        Some(i) => {
            known_inject(s, i)?;
            i.clone()
        }
        None => match schedule::due_now(sc, st, now).first() {
            Some(i) => InjectId::new(*i),
            None => {
                let next = sc
                    .injects
                    .iter()
                    .filter_map(|i| match schedule::status(sc, st, &i.id, now) {
                        schedule::InjectStatus::Waiting(ms) => Some((ms, i.id.v.clone())),
                        _ => None,
                    })
                    .min();
                return Err(Refusal::NoInjectDue {
                    session: st.id.clone(),
                    clock: st.ex_ms(now).map(ex_time).unwrap_or_default(),
                    next: next.map(|(ms, id)| (InjectId::new(id), ex_time(ms))),
                });
            }
        },
    };
    if let Some(r) = st.inject(id.as_str()) {
        return Err(Refusal::InjectAlreadyDone {
            inject: id,
            what: if r.released { "released" } else { "skipped" },
            by: r.by.clone(),
            ago: ago(now, r.at),
        });
    }
    Ok(id)
}

pub(super) fn clock(
    s: &Session,
    act: ClockAct,
    now: DateTime<Utc>,
) -> Result<(Vec<Body>, String), Refusal> {
    exercise(s)?;
    let Some(c) = &s.state.clock else {
        return Err(Refusal::NotAnExercise {
            session: s.state.id.clone(),
        });
    };
    Ok(match act {
        ClockAct::Pause if c.paused => {
            return Err(Refusal::ClockAlreadyPaused {
                at: ex_time(c.ex_ms(now)),
            });
        }
        ClockAct::Pause => (vec![Body::ClockPaused {}], "clock paused".to_string()),
        ClockAct::Resume if !c.paused => return Err(Refusal::ClockAlreadyRunning),
        ClockAct::Resume => (vec![Body::ClockResumed {}], "clock resumed".to_string()),
        ClockAct::Speed(n) if n == 0 || n > MAX_SPEED => {
            return Err(Refusal::SpeedOutOfRange {
                given: n as u64,
                max: MAX_SPEED,
            });
        }
        ClockAct::Speed(n) if n == c.speed => return Err(Refusal::SpeedUnchanged { speed: n }),
        ClockAct::Speed(n) => (
            vec![Body::ClockSpeed { speed: n }],
            format!("clock speed x{n}"),
        ),
        ClockAct::Advance(m) if m.0 == 0 || m > MAX_ADVANCE => {
            return Err(Refusal::AdvanceOutOfRange {
                max: human_duration(MAX_ADVANCE.as_duration()),
            });
        }
        ClockAct::Advance(m) => (
            vec![Body::ClockAdvanced { by_ms: m.as_ms() }],
            format!("clock moved forward {}", human_duration(m.as_duration())),
        ),
    })
}
