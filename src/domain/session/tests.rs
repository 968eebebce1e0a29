//! The fold, event by event.

use crate::domain::event::{Body, Event, Mode, PlanRef, ScenarioRef};
use crate::domain::ids::{PlanId, StepId, StepRef};
use crate::domain::parse::library::{InputFile, parse_file};
use crate::domain::plan::Plan;
use crate::domain::session::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

fn r(p: &str, s: &str) -> StepRef {
    StepRef::new(p, s)
}

const PLAN: &str = r#"Plan(id: "p", title: "P", steps: [
    Step(id: "a", title: "A", decision: Decision(question: "Q?", options: [(label: "Left", next: "b"), (label: "Right", next: "c")])),
    Step(id: "b", title: "B", depends_on: ["a"]),
    Step(id: "c", title: "C", depends_on: ["a"]),
    Step(id: "d", title: "D", depends_on: ["c"]),
    Step(id: "e", title: "E"),
])"#;

fn plan() -> Plan {
    let f = InputFile {
        rel: "plans/p.ron".into(),
        shown: "p.ron".into(),
        bytes: PLAN.as_bytes().to_vec(),
    };
    parse_file(&f).0.expect("test plan parses")
}

fn t(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap() + Duration::minutes(min)
}

struct Log {
    events: Vec<Event>,
}

impl Log {
    fn new(mode: Mode) -> Log {
        let mut l = Log { events: Vec::new() };
        let scenario = (mode == Mode::Exercise).then(|| ScenarioRef {
            id: "s".into(),
            hash: "h".into(),
            title: "S".into(),
        });
        l.push(
            0,
            "ann",
            "w1",
            Body::SessionStarted {
                title: "Test".into(),
                mode,
                declared_at: t(-10),
                plans: vec![PlanRef {
                    params: Default::default(),
                    id: "p".into(),
                    hash: "h".into(),
                    title: "P".into(),
                }],
                scenario,
                facilitators: Vec::new(),
                evaluators: Vec::new(),
            },
        );
        l
    }
    fn push(&mut self, min: i64, actor: &str, writer: &str, body: Body) -> &mut Self {
        let seq = self.events.iter().filter(|e| e.writer == writer).count() as u64 + 1;
        self.events.push(Event {
            v: 1,
            id: format!("{writer}-{seq}").into(),
            seq,
            at: t(min),
            actor: actor.into(),
            writer: writer.into(),
            body,
            ex_ms: None,
            seen: None,
            saw: Vec::new(),
            recorded_by: None,
            transcribed_at: None,
            key: None,
            prev: None,
        });
        self
    }
    fn fold(&self) -> SessionState {
        let mut ev = self.events.clone();
        ev.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        Session::fold("sid".into(), &ev, vec![Arc::new(plan())], None).state
    }
}

fn step(plan: &str, step: &str) -> (PlanId, StepId) {
    (plan.into(), step.into())
}

#[test]
fn session_started_sets_the_scene() {
    let st = Log::new(Mode::Incident).fold();
    assert_eq!(st.title, "Test");
    assert_eq!(st.mode, Mode::Incident);
    assert_eq!(st.declared_at, t(-10));
    assert_eq!(st.started_by, "ann");
    assert_eq!(st.plans.len(), 1);
    assert_eq!(st.plans[0].steps.len(), 5);
    assert!(
        st.plans[0]
            .steps
            .iter()
            .all(|s| s.state == StepStatus::Pending && s.by.is_none())
    );
    assert!(st.clock.is_none(), "no exercise clock on an incident");
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
}

#[test]
fn start_then_done_records_who_when_and_time_spent() {
    let (p, s) = step("p", "e");
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::StepStarted {
            plan: p.clone(),
            step: s.clone(),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(
        (e.state, e.by.as_deref(), e.at),
        (StepStatus::Active, Some("ann"), Some(t(1)))
    );
    l.push(
        6,
        "ann",
        "w1",
        Body::StepDone {
            plan: p,
            step: s,
            note: Some("all good".into()),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(
        (e.state, e.by.as_deref(), e.at),
        (StepStatus::Done, Some("ann"), Some(t(6)))
    );
    assert_eq!(e.started_at, Some(t(1)));
    assert_eq!(e.active_secs(t(100)), 300);
    assert_eq!(
        e.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        ["all good"]
    );
    assert_eq!(st.progress(), (1, 5));
}

#[test]
fn a_second_done_by_someone_else_is_a_confirmation() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::StepDone {
            plan: "p".into(),
            step: "e".into(),
            note: None,
        },
    );
    l.push(
        2,
        "bob",
        "w2",
        Body::StepDone {
            plan: "p".into(),
            step: "e".into(),
            note: Some("seen it too".into()),
        },
    );
    l.push(
        3,
        "ann",
        "w1",
        Body::StepDone {
            plan: "p".into(),
            step: "e".into(),
            note: None,
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(e.by.as_deref(), Some("ann"), "the first completion stands");
    assert_eq!(e.at, Some(t(1)));
    assert_eq!(e.confirmations.len(), 1);
    assert_eq!(e.confirmations[0].by, "bob");
    assert!(
        e.notes.iter().any(|n| n.text == "seen it too"),
        "the second note is kept"
    );
}

#[test]
fn skip_block_and_reopen_keep_their_reasons() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::StepBlocked {
            plan: "p".into(),
            step: "e".into(),
            reason: "waiting for vendor".into(),
        },
    );
    assert_eq!(
        l.fold().step(&r("p", "e")).unwrap().state,
        StepStatus::Blocked
    );
    l.push(
        2,
        "ann",
        "w1",
        Body::StepStarted {
            plan: "p".into(),
            step: "e".into(),
        },
    );
    assert_eq!(
        l.fold().step(&r("p", "e")).unwrap().state,
        StepStatus::Active,
        "a blocked step can be started"
    );
    l.push(
        3,
        "ann",
        "w1",
        Body::StepSkipped {
            plan: "p".into(),
            step: "e".into(),
            reason: "not needed".into(),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(
        (e.state, e.by.as_deref()),
        (StepStatus::Skipped, Some("ann"))
    );
    assert_eq!(e.active_secs(t(100)), 60);
    l.push(
        4,
        "bob",
        "w2",
        Body::StepReopened {
            plan: "p".into(),
            step: "e".into(),
            reason: "needed after all".into(),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(
        (e.state, e.by.as_deref(), e.at),
        (StepStatus::Pending, None, None)
    );
    let notes: Vec<&str> = e.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        notes,
        ["waiting for vendor", "not needed", "needed after all"]
    );
}

#[test]
fn a_skip_after_done_is_kept_as_a_conflict_not_applied() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::StepDone {
            plan: "p".into(),
            step: "e".into(),
            note: None,
        },
    );
    l.push(
        1,
        "bob",
        "w2",
        Body::StepSkipped {
            plan: "p".into(),
            step: "e".into(),
            reason: "dup".into(),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(e.state, StepStatus::Done);
    assert!(e.notes.iter().any(|n| n.kind == NoteKind::Conflict));
}

#[test]
fn notes_and_assignment() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::Note {
            plan: Some("p".into()),
            step: Some("e".into()),
            text: "step note".into(),
        },
    );
    l.push(
        2,
        "ann",
        "w1",
        Body::Note {
            plan: None,
            step: None,
            text: "session note".into(),
        },
    );
    l.push(
        3,
        "ann",
        "w1",
        Body::Assigned {
            plan: "p".into(),
            step: "e".into(),
            to: "bob".into(),
        },
    );
    let st = l.fold();
    let e = st.step(&r("p", "e")).unwrap();
    assert_eq!(e.notes[0].text, "step note");
    assert_eq!(e.assignee.as_deref(), Some("bob"));
    assert_eq!(
        e.state,
        StepStatus::Pending,
        "a note does not change the state"
    );
    assert_eq!(st.notes[0].text, "session note");
}

#[test]
fn a_decision_completes_its_step_and_bypasses_the_other_branch() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::DecisionTaken {
            plan: "p".into(),
            step: "a".into(),
            option: "Left".into(),
            next: Some("b".into()),
            why: Some("lag is small".into()),
        },
    );
    let st = l.fold();
    let a = st.step(&r("p", "a")).unwrap();
    assert_eq!(a.state, StepStatus::Done);
    assert_eq!(a.decision.as_ref().unwrap().option, "Left");
    assert!(!st.step(&r("p", "b")).unwrap().bypassed);
    assert!(
        st.step(&r("p", "c")).unwrap().bypassed,
        "the option not taken"
    );
    assert!(
        st.step(&r("p", "d")).unwrap().bypassed,
        "and what depends only on it"
    );
    assert!(!st.step(&r("p", "e")).unwrap().bypassed);
    assert_eq!(st.progress(), (1, 3));
}

#[test]
fn responders_handovers_and_close() {
    let mut l = Log::new(Mode::Incident);
    l.push(1, "bob", "w2", Body::ResponderJoined {});
    l.push(
        2,
        "ann",
        "w1",
        Body::HandOver {
            to: "bob".into(),
            note: Some("going home".into()),
            summary: None,
        },
    );
    l.push(
        3,
        "bob",
        "w2",
        Body::SessionClosed {
            note: Some("all restored".into()),
        },
    );
    let st = l.fold();
    assert_eq!(
        st.responders
            .values()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["ann", "bob"]
    );
    assert_eq!(st.handovers[0].to, "bob");
    let c = st.closed.as_ref().unwrap();
    assert_eq!(
        (c.by.as_str(), c.at, c.note.as_deref()),
        ("bob", t(3), Some("all restored"))
    );
}

#[test]
fn plan_invoked_adds_a_plan_once() {
    let mut l = Log::new(Mode::Incident);
    let r = PlanRef {
        params: Default::default(),
        id: "q".into(),
        hash: "x".into(),
        title: "Q".into(),
    };
    l.push(1, "ann", "w1", Body::PlanInvoked { plan: r.clone() });
    l.push(2, "bob", "w2", Body::PlanInvoked { plan: r });
    let st = l.fold();
    assert_eq!(st.plans.len(), 2);
    assert!(
        st.plans[1].missing,
        "a plan that cannot be resolved is shown as missing, not dropped"
    );
}

#[test]
fn events_about_unknown_steps_are_flagged_not_fatal() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        1,
        "ann",
        "w1",
        Body::StepDone {
            plan: "p".into(),
            step: "zz".into(),
            note: None,
        },
    );
    let st = l.fold();
    assert!(
        st.warnings.iter().any(|w| w.contains("p/zz")),
        "{:?}",
        st.warnings
    );
}

#[test]
fn an_event_stamped_before_the_start_still_counts() {
    let mut l = Log::new(Mode::Incident);
    // another writer, same millisecond as the start, sorts before it by name
    l.push(
        0,
        "bob",
        "a-writer",
        Body::StepDone {
            plan: "p".into(),
            step: "e".into(),
            note: None,
        },
    );
    let st = l.fold();
    assert_eq!(st.step(&r("p", "e")).unwrap().state, StepStatus::Done);
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
}

#[test]
fn a_missing_start_is_a_warning() {
    let mut l = Log { events: Vec::new() };
    l.push(
        1,
        "ann",
        "w1",
        Body::Note {
            plan: None,
            step: None,
            text: "x".into(),
        },
    );
    let st = l.fold();
    assert!(
        st.all_warnings(t(100))
            .iter()
            .any(|w| w.contains("first event"))
    );
}

#[test]
fn a_writer_with_a_slow_clock_is_flagged() {
    let mut l = Log::new(Mode::Incident);
    l.push(
        30,
        "ann",
        "w1",
        Body::Note {
            plan: None,
            step: None,
            text: "x".into(),
        },
    );
    l.push(
        5,
        "bob",
        "w2",
        Body::Note {
            plan: None,
            step: None,
            text: "late clock".into(),
        },
    );
    l.events.last_mut().unwrap().seen = Some(t(30));
    let st = l.fold();
    let w = st.all_warnings(t(100));
    assert!(
        w.iter()
            .any(|w| w.contains("`w2`") && w.contains("25 min behind")),
        "{w:?}"
    );
}

#[test]
fn exercise_events() {
    let mut l = Log::new(Mode::Exercise);
    l.push(10, "fac", "w1", Body::ClockPaused {});
    l.push(20, "fac", "w1", Body::ClockResumed {});
    l.push(30, "fac", "w1", Body::ClockSpeed { speed: 5 });
    l.push(31, "fac", "w1", Body::ClockAdvanced { by_ms: 60_000 });
    l.push(
        32,
        "fac",
        "w1",
        Body::InjectReleased {
            inject: "i1".into(),
            early: true,
        },
    );
    l.push(
        33,
        "fac",
        "w1",
        Body::InjectSkipped {
            inject: "i2".into(),
            reason: None,
        },
    );
    l.push(
        34,
        "obs",
        "w2",
        Body::Observation {
            objective: None,
            observation: crate::domain::event::ObservationKind::Defect,
            text: "step unclear".into(),
            plan: Some("p".into()),
            step: Some("e".into()),
            inject: None,
        },
    );
    l.push(
        35,
        "fac",
        "w1",
        Body::ObjectiveRated {
            objective: "o1".into(),
            rating: crate::domain::event::Rating::S,
            note: None,
        },
    );
    let st = l.fold();
    let c = st.clock.as_ref().unwrap();
    // 10 min running, paused 10 min, 10 min running, then x5 for 1 min, plus 1 min by hand
    assert_eq!(c.ex_ms(t(32)) / 60_000, 10 + 10 + 1 + 5 + 5);
    assert_eq!(c.speed, 5);
    assert!(st.inject("i1").unwrap().released && st.inject("i1").unwrap().early);
    assert!(!st.inject("i2").unwrap().released);
    assert_eq!(
        st.observations[0].kind,
        crate::domain::event::ObservationKind::Defect
    );
    assert_eq!(
        st.rating("o1").unwrap().rating,
        crate::domain::event::Rating::S
    );
}
