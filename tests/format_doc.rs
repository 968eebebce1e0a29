//! The examples in docs/FORMAT.md are real: each reads without a syntax error, an unknown field
//! or a wrong type, so a plan author can copy them.

use muster::domain::{InputFile, Library};

fn examples() -> Vec<String> {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md")).unwrap();
    doc.split("```ron\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap().to_string())
        .collect()
}

#[test]
fn every_example_in_format_md_reads_cleanly() {
    let ex = examples();
    assert_eq!(
        ex.len(),
        6,
        "an index, a plan, a plan with deadlines and links, a plan with parameters, a scenario, a risk register"
    );
    let files = vec![
        InputFile {
            rel: "index.ron".into(),
            shown: "FORMAT.md index".into(),
            bytes: ex[0].clone().into_bytes(),
        },
        InputFile {
            rel: "plans/db-failover.ron".into(),
            shown: "FORMAT.md plan".into(),
            bytes: ex[1].clone().into_bytes(),
        },
        InputFile {
            rel: "scenarios/ransomware-weekend.ron".into(),
            shown: "FORMAT.md scenario".into(),
            bytes: ex[4].clone().into_bytes(),
        },
        InputFile {
            rel: "plans/zone-loss.ron".into(),
            shown: "FORMAT.md plan with parameters".into(),
            bytes: ex[3].clone().into_bytes(),
        },
        InputFile {
            rel: "plans/data-breach-comms.ron".into(),
            shown: "FORMAT.md plan with deadlines".into(),
            bytes: ex[2].clone().into_bytes(),
        },
        InputFile {
            rel: "risks.ron".into(),
            shown: "FORMAT.md risk register".into(),
            bytes: ex[5].clone().into_bytes(),
        },
    ];
    let lib = Library::load(
        "docs",
        false,
        files,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    );
    assert_eq!(lib.plans.len(), 3);
    assert_eq!(lib.scenarios.len(), 1);
    let risks = lib.risks.as_ref().expect("the register reads");
    assert_eq!(risks.risks[0].score(), 10);
    assert_eq!(risks.risks[0].mitigations.len(), 3);
    let dispatch = lib.index.vbf("dispatch").unwrap();
    assert_eq!(dispatch.impact_over_time.len(), 3);
    assert_eq!(dispatch.mtpd.as_ref().unwrap().v.to_string(), "1d");
    let plan = |id: &str| lib.plans.iter().find(|p| p.id.v == id).unwrap();
    assert_eq!(plan("db-failover").steps.len(), 3);
    let comms = plan("data-breach-comms");
    assert_eq!(comms.steps.len(), 8);
    assert!(comms.steps[0].due.is_some() && comms.steps[2].every.is_some());
    assert_eq!(
        comms.steps[4].decision.as_ref().unwrap().options[0]
            .targets()
            .count(),
        2
    );
    let zone = plan("zone-loss");
    assert_eq!(zone.parameters.len(), 3);
    assert_eq!(zone.parameters[1].default.as_deref(), Some("eu-west-1"));
    assert_eq!(zone.parameters[2].ask, "ticket");
    let opts = &zone.steps[1].decision.as_ref().unwrap().options;
    assert!(opts[1].next.is_none() && opts[1].invoke[0].v == "db-restore");
    // every blank in it is a declared parameter, and each parameter is used
    assert!(
        !lib.diagnostics
            .iter()
            .any(|d| d.message.contains("parameter")),
        "{:?}",
        lib.diagnostics
    );
    // the examples are fragments of one organisation: only references to things they leave out
    // (roles, services, plans of a bigger library) may be missing
    let bad: Vec<String> = lib
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && !d.message.contains("which does not exist"))
        .map(|d| d.to_string())
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
