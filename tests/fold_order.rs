//! Property: a session's state does not depend on the order in which writers' files are read.

use chrono::{Duration, TimeZone, Utc};
use muster::domain::event::{Body, Event, Mode, PlanRef};
use muster::domain::parse::library::{InputFile, parse_file};
use muster::domain::session::Session;
use proptest::prelude::*;
use std::sync::Arc;

fn merge(files: Vec<Vec<Event>>) -> Vec<Event> {
    let mut all: Vec<Event> = files.into_iter().flatten().collect();
    all.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    all
}

const PLAN: &str = r#"Plan(id: "p", title: "P", steps: [
    Step(id: "a", title: "A", decision: Decision(question: "?", options: [(label: "L", next: "b"), (label: "R", next: "c")])),
    Step(id: "b", title: "B", depends_on: ["a"]),
    Step(id: "c", title: "C"),
    Step(id: "d", title: "D"),
])"#;

fn body(kind: u8, step: u8, n: u32) -> Body {
    let (plan, step): (muster::domain::ids::PlanId, muster::domain::ids::StepId) =
        ("p".into(), ["a", "b", "c", "d"][step as usize % 4].into());
    match kind % 9 {
        0 => Body::StepStarted { plan, step },
        1 => Body::StepDone {
            plan,
            step,
            note: Some(format!("n{n}")),
        },
        2 => Body::StepSkipped {
            plan,
            step,
            reason: format!("s{n}"),
        },
        3 => Body::StepBlocked {
            plan,
            step,
            reason: format!("b{n}"),
        },
        4 => Body::StepReopened {
            plan,
            step,
            reason: format!("r{n}"),
        },
        5 => Body::Note {
            plan: Some(plan),
            step: Some(step),
            text: format!("t{n}"),
        },
        6 => Body::Assigned {
            plan,
            step,
            to: format!("p{n}"),
        },
        7 => Body::DecisionTaken {
            plan,
            step: "a".into(),
            option: "L".into(),
            next: Some("b".into()),
            why: None,
        },
        _ => Body::HandOver {
            to: format!("x{n}"),
            note: None,
            summary: None,
        },
    }
}

/// (writer, minute offset, kind, step): minutes collide often, to exercise the tie-breaks.
fn events() -> impl Strategy<Value = Vec<(u8, u8, u8, u8)>> {
    prop::collection::vec((0u8..4, 0u8..6, any::<u8>(), any::<u8>()), 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn state_is_independent_of_file_order(evs in events(), perm in Just(()).prop_perturb(|_, mut rng| { let mut v: Vec<usize> = (0..5).collect(); for i in (1..v.len()).rev() { let j = (rng.next_u32() as usize) % (i + 1); v.swap(i, j); } v })) {
        let plan = Arc::new(parse_file(&InputFile { rel: "plans/p.ron".into(), shown: "p".into(), bytes: PLAN.as_bytes().to_vec() }).0.unwrap());
        let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
        let mut files: Vec<Vec<Event>> = (0..5).map(|_| Vec::new()).collect();
        let start = Body::SessionStarted { title: "T".into(), mode: Mode::Incident, declared_at: t0, plans: vec![PlanRef { params: Default::default(), id: "p".into(), hash: "h".into(), title: "P".into() }], scenario: None, facilitators: Vec::new(), evaluators: Vec::new() };
        files[4].push(Event { v: 1, id: "s".into(), seq: 1, at: t0, actor: "ic".into(), writer: "w4".into(), body: start, ex_ms: None, seen: None, saw: Vec::new(), recorded_by: None, transcribed_at: None, key: None, prev: None });
        for (n, (w, min, kind, step)) in evs.iter().enumerate() {
            let f = &mut files[*w as usize];
            // within one writer, time never goes backwards
            let at = f.last().map(|e| e.at).unwrap_or(t0).max(t0 + Duration::minutes(*min as i64 + 1));
            let seq = f.len() as u64 + 1;
            f.push(Event { v: 1, id: format!("{w}-{seq}").into(), seq, at, actor: format!("actor{}", w % 2), writer: format!("w{w}").into(), body: body(*kind, *step, n as u32), ex_ms: None, seen: None, saw: Vec::new(), recorded_by: None, transcribed_at: None, key: None, prev: None });
        }
        let fold = |evs: &[Event]| serde_json::to_string(&Session::fold("s".into(), evs, vec![plan.clone()], None).state).unwrap();
        let reference = fold(&merge(files.clone()));
        let shuffled: Vec<Vec<Event>> = perm.iter().map(|&i| files[i].clone()).collect();
        let other = fold(&merge(shuffled));
        prop_assert_eq!(reference, other);
    }
}
