//! Step deadlines (`due`) and recurring steps (`every`) against a session: when each is due and
//! whether it is overdue. An exercise counts on its exercise clock, as RTOs do.

use super::{PlanState, SessionState, StepState, StepStatus};
use crate::domain::plan::Step;
use crate::domain::plan_extra::DueFrom;
use crate::domain::time::add_ms;
use chrono::{DateTime, Utc};

/// Where a step stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "state")]
pub enum DueState {
    /// Not yet due.
    Due,
    /// Past its time and not done.
    Overdue,
    /// Finished in time.
    Met,
    /// Finished, but after its time.
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    /// When it is (or was) due, on the session's story clock (an exercise's clock).
    #[serde(with = "crate::domain::event::ts")]
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub state: DueState,
    /// A recurring step: `at` is the next time it is due.
    pub recurring: bool,
}

impl SessionState {
    /// The story time of an event that happened at wall time `t`: itself on an incident; on an
    /// exercise, the declared time plus the exercise time then. Times before the clock's last
    /// change are counted at the speed of one from the start, capped at the exercise time of that
    /// change (the journal keeps the exact history; this is for showing deadlines).
    pub fn story_at(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match &self.clock {
            None => t,
            Some(c) if t >= c.anchor_wall => add_ms(self.declared_at, c.ex_ms(t)),
            Some(c) => {
                let ms = (t - self.started_at)
                    .num_milliseconds()
                    .clamp(0, c.anchor_ex_ms);
                add_ms(self.declared_at, ms)
            }
        }
    }
}

/// The deadline of one step, if it has one and is still on the session's path.
pub fn deadline(
    st: &SessionState,
    ps: &PlanState,
    s: &StepState,
    def: &Step,
    now: DateTime<Utc>,
) -> Option<Deadline> {
    if s.bypassed || (def.due.is_none() && def.every.is_none()) {
        return None;
    }
    let story_now = st.story_now(now);
    let first = match def.due {
        Some(d) => {
            let base = match d.from {
                DueFrom::Declared => st.declared_at,
                DueFrom::Invoked => st.story_at(ps.invoked_at),
                DueFrom::Started => st.story_at(s.started_at?),
            };
            Some(add_ms(base, d.after.as_ms()))
        }
        None => None,
    };
    if let Some(every) = def.every {
        if s.state == StepStatus::Skipped {
            return None;
        }
        // due again `every` after the last time it was done; first at `due`, or one period in
        let last_done = (s.state == StepStatus::Done)
            .then_some(s.at)
            .flatten()
            .into_iter()
            .chain(s.confirmations.iter().map(|c| c.at))
            .max();
        let at = match last_done {
            Some(t) => add_ms(st.story_at(t), every.as_ms()),
            None => first.unwrap_or_else(|| add_ms(st.story_at(ps.invoked_at), every.as_ms())),
        };
        let state = if st.is_closed() || story_now <= at {
            DueState::Due
        } else {
            DueState::Overdue
        };
        return Some(Deadline {
            at,
            state,
            recurring: true,
        });
    }
    let at = first?;
    let state = match s.state {
        StepStatus::Done | StepStatus::Skipped => {
            let when = s.at.map(|t| st.story_at(t));
            if when.is_some_and(|w| w > at) {
                DueState::Late
            } else {
                DueState::Met
            }
        }
        _ if story_now > at && !st.is_closed() => DueState::Overdue,
        _ => DueState::Due,
    };
    Some(Deadline {
        at,
        state,
        recurring: false,
    })
}

/// Every step with a deadline in the session: (plan index, step index, deadline), overdue first,
/// then soonest.
pub fn deadlines(session: &super::Session, now: DateTime<Utc>) -> Vec<(usize, usize, Deadline)> {
    let st = &session.state;
    let mut out = Vec::new();
    for (pi, ps) in st.plans.iter().enumerate() {
        let Some(plan) = session.plan_def(ps.id.as_str()) else {
            continue;
        };
        for (si, s) in ps.steps.iter().enumerate() {
            if let Some(def) = plan.step(s.step.as_str())
                && let Some(d) = deadline(st, ps, s, def, now)
            {
                out.push((pi, si, d));
            }
        }
    }
    out.sort_by_key(|(_, _, d)| (d.state != DueState::Overdue, d.at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, Event, Mode, PlanRef};
    use crate::domain::parse::library::{InputFile, parse_file};
    use crate::domain::session::Session;
    use chrono::{Duration, TimeZone};
    use std::sync::Arc;

    const PLAN: &str = r#"Plan(id: "p", title: "P", steps: [
        Step(id: "tell", title: "Tell the regulator", due: (after: "15m", from: Declared)),
        Step(id: "page", title: "Page the team", due: "15m"),
        Step(id: "limit", title: "Work a shift", due: (after: "10m", from: Started)),
        Step(id: "status", title: "Update the status page", every: "1h"),
        Step(id: "plain", title: "No deadline"),
    ])"#;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap() + Duration::minutes(min)
    }

    fn session(steps: &[(i64, &str, bool)]) -> Session {
        let f = InputFile {
            rel: "plans/p.ron".into(),
            shown: "p.ron".into(),
            bytes: PLAN.as_bytes().to_vec(),
        };
        let plan = Arc::new(parse_file(&f).0.expect("test plan parses"));
        let mut bodies = vec![(
            0,
            Body::SessionStarted {
                title: "T".into(),
                mode: Mode::Incident,
                declared_at: t(-10),
                plans: vec![PlanRef {
                    params: Default::default(),
                    id: "p".into(),
                    hash: "h".into(),
                    title: "P".into(),
                }],
                scenario: None,
                facilitators: Vec::new(),
                evaluators: Vec::new(),
            },
        )];
        for (min, step, done) in steps {
            let (plan, step) = ("p".into(), (*step).into());
            bodies.push((
                *min,
                if *done {
                    Body::StepDone {
                        plan,
                        step,
                        note: None,
                    }
                } else {
                    Body::StepStarted { plan, step }
                },
            ));
        }
        let events: Vec<Event> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, (min, body))| Event {
                v: 1,
                id: format!("w1-{}", i + 1).into(),
                seq: i as u64 + 1,
                at: t(min),
                actor: "ann".into(),
                writer: "w1".into(),
                body,
                ex_ms: None,
                seen: None,
                saw: Vec::new(),
                recorded_by: None,
                transcribed_at: None,
                key: None,
                prev: None,
            })
            .collect();
        Session::fold("sid".into(), &events, vec![plan], None)
    }

    fn due(s: &Session, step: &str, now: i64) -> Option<Deadline> {
        let ps = &s.state.plans[0];
        let st = ps.step(step)?;
        let def = s.plans[0].step(step)?;
        deadline(&s.state, ps, st, def, t(now))
    }

    #[test]
    fn a_deadline_counts_from_the_declaration_the_invocation_or_the_start() {
        let s = session(&[]);
        // declared at -10: due at +5; invoked at 0: due at +15
        assert_eq!(
            due(&s, "tell", 4).map(|d| (d.at, d.state)),
            Some((t(5), DueState::Due))
        );
        assert_eq!(due(&s, "tell", 6).map(|d| d.state), Some(DueState::Overdue));
        assert_eq!(
            due(&s, "page", 6).map(|d| (d.at, d.state)),
            Some((t(15), DueState::Due))
        );
        // a limit on a step's own run has no time until it starts
        assert_eq!(due(&s, "limit", 60), None);
        let s = session(&[(2, "limit", false)]);
        assert_eq!(
            due(&s, "limit", 13).map(|d| (d.at, d.state)),
            Some((t(12), DueState::Overdue))
        );
        assert_eq!(due(&s, "plain", 1_000), None);
    }

    #[test]
    fn a_step_done_in_time_is_met_and_one_done_after_is_late() {
        let s = session(&[(3, "tell", true), (20, "page", true)]);
        assert_eq!(due(&s, "tell", 100).map(|d| d.state), Some(DueState::Met));
        assert_eq!(due(&s, "page", 100).map(|d| d.state), Some(DueState::Late));
    }

    #[test]
    fn a_recurring_step_is_due_again_a_period_after_it_was_done() {
        let s = session(&[]);
        assert_eq!(
            due(&s, "status", 30).map(|d| (d.at, d.state)),
            Some((t(60), DueState::Due))
        );
        assert_eq!(
            due(&s, "status", 61).map(|d| d.state),
            Some(DueState::Overdue)
        );
        let s = session(&[(70, "status", true)]);
        let d = due(&s, "status", 100).unwrap();
        assert!(d.recurring);
        assert_eq!((d.at, d.state), (t(130), DueState::Due));
        assert_eq!(
            due(&s, "status", 131).map(|d| d.state),
            Some(DueState::Overdue)
        );
    }

    #[test]
    fn overdue_steps_come_first() {
        let s = session(&[]);
        let order: Vec<&str> = deadlines(&s, t(7))
            .iter()
            .map(|(p, i, _)| s.state.plans[*p].steps[*i].step.as_str())
            .collect();
        assert_eq!(order, ["tell", "page", "status"]);
    }
}
