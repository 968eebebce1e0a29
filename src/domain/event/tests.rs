//! Every kind of event written and read back; lines the reader refuses.
use super::*;
use chrono::TimeZone;

fn every_body() -> Vec<Body> {
    let t = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    let pr = PlanRef {
        params: Default::default(),
        id: "p".into(),
        hash: "h".into(),
        title: "P".into(),
    };
    vec![
        Body::SessionStarted {
            title: "T".into(),
            mode: Mode::Exercise,
            declared_at: t,
            plans: vec![pr.clone()],
            scenario: Some(ScenarioRef {
                id: "s".into(),
                hash: "h".into(),
                title: "S".into(),
            }),
            facilitators: vec!["Fay".into()],
            evaluators: vec!["Eve".into()],
        },
        Body::SessionClosed {
            note: Some("n".into()),
        },
        Body::SessionClosed { note: None },
        Body::PlanInvoked { plan: pr },
        Body::StepStarted {
            plan: "p".into(),
            step: "s".into(),
        },
        Body::StepDone {
            plan: "p".into(),
            step: "s".into(),
            note: Some("ok".into()),
        },
        Body::StepDone {
            plan: "p".into(),
            step: "s".into(),
            note: None,
        },
        Body::StepSkipped {
            plan: "p".into(),
            step: "s".into(),
            reason: "r".into(),
        },
        Body::StepBlocked {
            plan: "p".into(),
            step: "s".into(),
            reason: "r".into(),
        },
        Body::StepReopened {
            plan: "p".into(),
            step: "s".into(),
            reason: "r".into(),
        },
        Body::Note {
            plan: Some("p".into()),
            step: Some("s".into()),
            text: "x".into(),
        },
        Body::Note {
            plan: None,
            step: None,
            text: "x".into(),
        },
        Body::Assigned {
            plan: "p".into(),
            step: "s".into(),
            to: "b".into(),
        },
        Body::DecisionTaken {
            plan: "p".into(),
            step: "s".into(),
            option: "Yes".into(),
            next: Some("n".into()),
            why: Some("w".into()),
        },
        Body::ResponderJoined {},
        Body::HandOver {
            to: "b".into(),
            note: Some("n".into()),
            summary: None,
        },
        Body::HandOver {
            to: "c".into(),
            note: None,
            summary: Some(Box::new(crate::domain::session::handover::Summary {
                blocked: vec![crate::domain::session::handover::Item {
                    about: "p/s".into(),
                    title: "S".into(),
                    who: Some("ann".into()),
                    at: Some(t),
                    text: Some("waiting for the vendor".into()),
                }],
                ..Default::default()
            })),
        },
        Body::InjectReleased {
            inject: "i".into(),
            early: true,
        },
        Body::InjectSkipped {
            inject: "i".into(),
            reason: Some("r".into()),
        },
        Body::ClockPaused {},
        Body::ClockResumed {},
        Body::ClockSpeed { speed: 5 },
        Body::Declared {
            declared_at: Utc.with_ymd_and_hms(2026, 11, 21, 1, 55, 0).unwrap(),
            reason: Some("r".into()),
        },
        Body::ClockAdvanced { by_ms: -60_000 },
        Body::Observation {
            observation: ObservationKind::Defect,
            text: "t".into(),
            plan: Some("p".into()),
            step: Some("s".into()),
            inject: Some("i".into()),
            objective: Some("o".into()),
        },
        Body::ObjectiveRated {
            objective: "o".into(),
            rating: Rating::M,
            note: None,
        },
        Body::ObservationCorrected {
            of: "e0".into(),
            text: Some("t2".into()),
            observation: Some(ObservationKind::Strength),
            objective: Some("o".into()),
            reason: Some("typo".into()),
        },
        Body::ObservationWithdrawn {
            of: "e0".into(),
            reason: "wrong exercise".into(),
        },
        Body::ActionAdded {
            action: "A1".into(),
            text: "x".into(),
            owner: Some("Bo".into()),
            due: NaiveDate::from_ymd_opt(2027, 1, 31),
            capability: Some("Communications".into()),
            of: Some("e0".into()),
        },
        Body::ActionUpdated {
            action: "A1".into(),
            of: Some("e7".into()),
            owner: None,
            due: None,
            capability: None,
            status: Some(ActionStatus::Closed),
            note: Some("done".into()),
        },
        Body::UnfinishedWrite {
            bytes: 12,
            hash: "ab".into(),
        },
        Body::Sealed {
            heads: vec![Witness {
                w: "w2".into(),
                seq: 4,
                hash: "cd".into(),
            }],
            digest: "ABCD-EFGH-JKMN-PQRS".into(),
        },
        Body::Call {
            who: "ann".into(),
            name: Some("Ann Archer".into()),
            role: Some("dba".into()),
            result: crate::domain::calls::CallResult::NoAnswer,
            plan: Some("p".into()),
            step: Some("s".into()),
            note: Some("voicemail full".into()),
        },
        Body::Call {
            who: "the night porter".into(),
            name: None,
            role: None,
            result: crate::domain::calls::CallResult::Reached,
            plan: None,
            step: None,
            note: None,
        },
        Body::CommandRan {
            plan: "p".into(),
            step: "s".into(),
            command: "echo hello; exit 3".into(),
            exit: Some(3),
            timed_out: false,
            duration_ms: 12,
            output_hash: "ef".repeat(32),
            output: "20261121T020000.000Z-p-s-efefefefefef.txt".into(),
            output_bytes: 6,
            tail: Some("hello".into()),
        },
        Body::CommandRan {
            plan: "p".into(),
            step: "s".into(),
            command: "sleep 999".into(),
            exit: None,
            timed_out: true,
            duration_ms: 300_000,
            output_hash: "00".repeat(32),
            output: "x.txt".into(),
            output_bytes: 0,
            tail: None,
        },
    ]
}

#[test]
fn every_kind_of_event_reads_back_as_it_was_written() {
    let t = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    for body in every_body() {
        let e = Event {
            v: FORMAT_VERSION,
            id: "e1".into(),
            seq: 3,
            at: t,
            actor: "ann".into(),
            writer: "w".into(),
            body,
            ex_ms: Some(5),
            seen: Some(t),
            saw: vec![Witness {
                w: "w3".into(),
                seq: 9,
                hash: "ef".into(),
            }],
            recorded_by: Some("sam".into()),
            transcribed_at: Some(t + chrono::Duration::hours(5)),
            key: Some("ab".repeat(32)),
            prev: Some("00".into()),
        };
        let line = serde_json::to_string(&e).unwrap();
        let back: Event = serde_json::from_str(&line).unwrap();
        assert_eq!(back, e, "{line}");
    }
}

#[test]
fn a_line_missing_a_field_or_of_an_unknown_kind_is_refused() {
    let ok = r#"{"v":1,"id":"a","seq":1,"at":"2026-11-21T02:00:00.000Z","actor":"x","writer":"w","kind":"step_started","plan":"p","step":"s"}"#;
    assert!(serde_json::from_str::<Event>(ok).is_ok());
    let no_step = ok.replace(r#","step":"s""#, "");
    assert!(serde_json::from_str::<Event>(&no_step).is_err());
    let unknown = ok.replace("step_started", "step_exploded");
    assert!(serde_json::from_str::<Event>(&unknown).is_err());
    let extra = ok.replace(r#""kind""#, r#""future":[1,{"a":2}],"kind""#);
    assert!(
        serde_json::from_str::<Event>(&extra).is_ok(),
        "fields of a newer muster are read past"
    );
}
