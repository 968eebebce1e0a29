//! Property: a session's state does not depend on the order in which writers' files are read.

use chrono::{Duration, TimeZone, Utc};
use muster::journal::event::{Body, Event, Mode, PlanRef};
use muster::journal::file::{JournalFile, merge};
use muster::model::library::{InputFile, parse_file};
use muster::model::session::fold;
use proptest::prelude::*;

const PLAN: &str = r#"Plan(id: "p", title: "P", steps: [
    Step(id: "a", title: "A", decision: Decision(question: "?", options: [(label: "L", next: "b"), (label: "R", next: "c")])),
    Step(id: "b", title: "B", depends_on: ["a"]),
    Step(id: "c", title: "C"),
    Step(id: "d", title: "D"),
])"#;

fn body(kind: u8, step: u8, n: u32) -> Body {
    let (plan, step) = (
        "p".to_string(),
        ["a", "b", "c", "d"][step as usize % 4].to_string(),
    );
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
        let plan = parse_file(&InputFile { rel: "plans/p.ron".into(), shown: "p".into(), bytes: PLAN.as_bytes().to_vec() }).0.unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
        let mut files: Vec<JournalFile> = (0..5).map(|w| JournalFile { path: format!("journal-w{w}.jsonl").into(), writer: format!("w{w}"), events: Vec::new(), problems: Vec::new() }).collect();
        let start = Body::SessionStarted { title: "T".into(), mode: Mode::Incident, declared_at: t0, plans: vec![PlanRef { id: "p".into(), hash: "h".into(), title: "P".into() }], scenario: None };
        files[4].events.push(Event { v: 1, id: "s".into(), seq: 1, at: t0, actor: "ic".into(), writer: "w4".into(), body: start, ex_ms: None, seen: None, prev: None });
        for (n, (w, min, kind, step)) in evs.iter().enumerate() {
            let f = &mut files[*w as usize];
            // within one writer, time never goes backwards
            let at = f.events.last().map(|e| e.at).unwrap_or(t0).max(t0 + Duration::minutes(*min as i64 + 1));
            let seq = f.events.len() as u64 + 1;
            f.events.push(Event { v: 1, id: format!("{w}-{seq}"), seq, at, actor: format!("actor{}", w % 2), writer: format!("w{w}"), body: body(*kind, *step, n as u32), ex_ms: None, seen: None, prev: None });
        }
        let now = t0 + Duration::hours(1);
        let reference = serde_json::to_string(&fold("s", &merge(files.clone()), std::slice::from_ref(&plan), now)).unwrap();
        let shuffled: Vec<JournalFile> = perm.iter().map(|&i| files[i].clone()).collect();
        let other = serde_json::to_string(&fold("s", &merge(shuffled), std::slice::from_ref(&plan), now)).unwrap();
        prop_assert_eq!(reference, other);
    }
}
