//! What is due when: injects of a scenario on the exercise clock. `due` turns it into commands,
//! which a front end submits through the gate like any other.

use super::command::Command;
use super::ids::InjectId;
use super::scenario::{Release, Scenario};
use super::session::{Session, SessionState};
use chrono::{DateTime, Utc};

/// When an inject is due, in exercise milliseconds: `None` for a manual inject, or one that follows
/// an inject not yet released (or skipped).
pub fn due_at(s: &Scenario, st: &SessionState, inject: &str) -> Option<i64> {
    let i = s.inject(inject)?;
    match &i.release {
        Release::Manual => None,
        Release::At(m) => Some(m.as_ms()),
        Release::After {
            inject: other,
            delay,
        } => {
            // a chain cannot loop forever: the checker refuses cycles, and each step needs a record
            let rec = st.inject(&other.v)?;
            let base = rec.ex_ms.unwrap_or(0);
            Some(base.saturating_add(delay.as_ms()))
        }
    }
}

/// Whether an inject is due at wall time `now` (and not yet released or skipped).
pub fn is_due(s: &Scenario, st: &SessionState, inject: &str, now: DateTime<Utc>) -> bool {
    let Some(clock) = &st.clock else { return false };
    st.inject(inject).is_none() && due_at(s, st, inject).is_some_and(|d| d <= clock.ex_ms(now))
}

/// The injects due now, in scenario order.
pub fn due_now<'a>(s: &'a Scenario, st: &SessionState, now: DateTime<Utc>) -> Vec<&'a str> {
    s.injects
        .iter()
        .map(|i| i.id.v.as_str())
        .filter(|id| is_due(s, st, id, now))
        .collect()
}

/// The injects released so far, in the order they were released: what every participant may
/// read (a late joiner included). Unreleased and skipped ones are the facilitator's alone.
pub fn released<'a>(
    s: &'a Scenario,
    st: &'a SessionState,
) -> Vec<(
    &'a super::scenario::Inject,
    &'a super::session::InjectRecord,
)> {
    st.injects
        .iter()
        .filter(|r| r.released)
        .filter_map(|r| Some((s.inject(r.inject.as_str())?, r)))
        .collect()
}

/// An inject's place in the exercise, for the facilitator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectStatus {
    Released {
        ex_ms: Option<i64>,
        early: bool,
    },
    Skipped,
    Due,
    /// Due at this exercise time.
    Waiting(i64),
    /// Waits for another inject to be released first.
    AfterOther(String),
    Manual,
}

pub fn status(s: &Scenario, st: &SessionState, inject: &str, now: DateTime<Utc>) -> InjectStatus {
    if let Some(r) = st.inject(inject) {
        return if r.released {
            InjectStatus::Released {
                ex_ms: r.ex_ms,
                early: r.early,
            }
        } else {
            InjectStatus::Skipped
        };
    }
    if is_due(s, st, inject, now) {
        return InjectStatus::Due;
    }
    match (due_at(s, st, inject), s.inject(inject).map(|i| &i.release)) {
        (Some(d), _) => InjectStatus::Waiting(d),
        (None, Some(Release::After { inject: other, .. })) => {
            InjectStatus::AfterOther(other.v.clone())
        }
        _ => InjectStatus::Manual,
    }
}

/// The commands due at `now`: releasing each inject that has come due, in scenario order.
pub fn due(s: &Session, now: DateTime<Utc>) -> Vec<Command> {
    let Some(sc) = &s.scenario else {
        return Vec::new();
    };
    if s.state.is_closed() || !s.state.is_exercise() {
        return Vec::new();
    }
    due_now(sc, &s.state, now)
        .into_iter()
        .map(|i| Command::InjectRelease {
            inject: Some(InjectId::new(i)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Body, Event, Mode, PlanRef, ScenarioRef};
    use crate::domain::parse::library::{InputFile, parse_file};
    use chrono::{Duration, TimeZone};

    fn fold(events: &[Event]) -> SessionState {
        Session::fold("x".into(), events, Vec::new(), None).state
    }

    const SCENARIO: &str = r#"Scenario(id: "s", title: "S", injects: [
        Inject(id: "a", title: "A", release: At("0m")),
        Inject(id: "b", title: "B", release: After("a", "10m")),
        Inject(id: "c", title: "C", release: At("30m")),
        Inject(id: "m", title: "M", release: Manual),
    ])"#;

    fn scenario() -> Scenario {
        parse_file(&InputFile {
            rel: "scenarios/s.ron".into(),
            shown: "s".into(),
            bytes: SCENARIO.as_bytes().to_vec(),
        })
        .1
        .unwrap()
    }

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap() + Duration::minutes(min)
    }

    /// A fixed time source: events at given wall minutes, folded at `now`.
    fn state(events: &[(i64, Body)], now: i64) -> SessionState {
        let mut ev = vec![Event {
            v: 1,
            id: "0".into(),
            seq: 1,
            at: t(0),
            actor: "fac".into(),
            writer: "w".into(),
            body: Body::SessionStarted {
                title: "T".into(),
                mode: Mode::Exercise,
                declared_at: t(0),
                plans: Vec::<PlanRef>::new(),
                scenario: Some(ScenarioRef {
                    id: "s".into(),
                    hash: "h".into(),
                    title: "S".into(),
                }),
                facilitators: Vec::new(),
                evaluators: Vec::new(),
            },
            ex_ms: Some(0),
            seen: None,
            saw: Vec::new(),
            recorded_by: None,
            transcribed_at: None,
            key: None,
            prev: None,
        }];
        for (i, (min, body)) in events.iter().enumerate() {
            // the exercise time an event carries is the clock as folded so far
            let so_far = fold(&ev);
            let ex = so_far.clock.as_ref().map(|c| c.ex_ms(t(*min)));
            ev.push(Event {
                v: 1,
                id: format!("{}", i + 1).into(),
                seq: i as u64 + 2,
                at: t(*min),
                actor: "fac".into(),
                writer: "w".into(),
                body: body.clone(),
                ex_ms: ex,
                seen: None,
                saw: Vec::new(),
                recorded_by: None,
                transcribed_at: None,
                key: None,
                prev: None,
            });
        }
        let _ = now;
        fold(&ev)
    }

    #[test]
    fn injects_come_due_on_the_clock() {
        let s = scenario();
        let st = state(&[], 0);
        assert_eq!(
            due_now(&s, &st, t(0)),
            ["a"],
            "At(0m) is due at once; b waits for a"
        );
        let st = state(
            &[(
                1,
                Body::InjectReleased {
                    inject: "a".into(),
                    early: false,
                },
            )],
            1,
        );
        assert_eq!(
            due_at(&s, &st, "b"),
            Some(11 * 60_000),
            "10 minutes after a was released at T+1"
        );
        assert!(due_now(&s, &st, t(10)).is_empty());
        assert_eq!(due_now(&s, &st, t(11)), ["b"]);
        assert_eq!(due_now(&s, &st, t(30)), ["b", "c"]);
        assert_eq!(
            status(&s, &st, "m", t(100)),
            InjectStatus::Manual,
            "manual injects never come due"
        );
    }

    #[test]
    fn pausing_stops_the_clock_and_speed_runs_it_faster() {
        let s = scenario();
        let ev = [
            (
                0,
                Body::InjectReleased {
                    inject: "a".into(),
                    early: false,
                },
            ),
            (5, Body::ClockPaused {}),
        ];
        let st = state(&ev, 60);
        assert!(
            due_now(&s, &st, t(60)).is_empty(),
            "paused at T+5: nothing more comes due"
        );
        let ev = [
            (
                0,
                Body::InjectReleased {
                    inject: "a".into(),
                    early: false,
                },
            ),
            (5, Body::ClockPaused {}),
            (60, Body::ClockResumed {}),
            (60, Body::ClockSpeed { speed: 10 }),
        ];
        let st = state(&ev, 60);
        assert_eq!(st.clock.as_ref().unwrap().ex_ms(t(60)), 5 * 60_000);
        // at x10, the 25 exercise minutes until c take 2.5 wall minutes
        assert!(!due_now(&s, &st, t(62)).contains(&"c"));
        assert!(due_now(&s, &st, t(63)).contains(&"c"));
    }

    #[test]
    fn driven_by_hand() {
        let s = scenario();
        let ev = [
            (0, Body::ClockPaused {}),
            (1, Body::ClockAdvanced { by_ms: 30 * 60_000 }),
        ];
        let st = state(&ev, 50);
        assert_eq!(st.clock.as_ref().unwrap().ex_ms(t(50)), 30 * 60_000);
        assert_eq!(due_now(&s, &st, t(50)), ["a", "c"]);
    }

    #[test]
    fn released_and_skipped_are_not_due_again() {
        let s = scenario();
        let ev = [
            (
                0,
                Body::InjectReleased {
                    inject: "a".into(),
                    early: false,
                },
            ),
            (
                0,
                Body::InjectSkipped {
                    inject: "c".into(),
                    reason: None,
                },
            ),
        ];
        let st = state(&ev, 100);
        assert_eq!(due_now(&s, &st, t(100)), ["b"]);
        assert_eq!(status(&s, &st, "c", t(100)), InjectStatus::Skipped);
        assert!(matches!(
            status(&s, &st, "a", t(100)),
            InjectStatus::Released { .. }
        ));
    }
}
