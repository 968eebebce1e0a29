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
        4,
        "an index, a plan, a scenario, a plan with deadlines and links"
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
            bytes: ex[3].clone().into_bytes(),
        },
        InputFile {
            rel: "plans/data-breach-comms.ron".into(),
            shown: "FORMAT.md plan with deadlines".into(),
            bytes: ex[2].clone().into_bytes(),
        },
    ];
    let lib = Library::load(
        "docs",
        false,
        files,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    );
    assert_eq!(lib.plans.len(), 2);
    assert_eq!(lib.scenarios.len(), 1);
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
