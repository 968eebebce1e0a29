//! Deadlines and recurring steps through the CLI: a step due 15 minutes after the declaration
//! is OVERDUE in status once that is past, and a recurring step is done again each time.

mod common;
use common::*;

const GAMMA: &str = r#"Plan(id: "gamma", title: "Tell people", steps: [
    Step(id: "regulator", title: "Notify the regulator", due: (after: "15m", from: Declared)),
    Step(id: "status-page", title: "Update the status page", every: "1h"),
])"#;

fn lib(env: &Env) -> String {
    let lib = env.copy_mini();
    std::fs::write(lib.join("plans/gamma.ron"), GAMMA).unwrap();
    lib.display().to_string()
}

#[test]
fn a_deadline_past_is_overdue_in_status_and_its_json() {
    let env = Env::new();
    let lib = lib(&env);
    let declared = (chrono::Utc::now() - chrono::Duration::minutes(40)).to_rfc3339();
    let s = env
        .run(&[
            "--library",
            &lib,
            "start",
            "gamma",
            "--declared-at",
            &declared,
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let r = env.run(&["--library", &lib, "status", &s]).ok();
    assert!(
        r.stdout.contains("OVERDUE: 1 step(s): gamma/regulator"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("(regulator) - OVERDUE since"),
        "{}",
        r.stdout
    );
    let r = env.run(&["--library", &lib, "status", &s, "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["steps"][0]["due"]["state"], "overdue", "{}", r.stdout);
    assert_eq!(v["steps"][1]["due"]["recurring"], true, "{}", r.stdout);
    env.run(&["--library", &lib, "step", &s, "regulator", "done"])
        .ok();
    let r = env.run(&["--library", &lib, "status", &s, "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["steps"][0]["due"]["state"], "late", "{}", r.stdout);
}

#[test]
fn a_recurring_step_is_done_again_by_the_same_responder() {
    let env = Env::new();
    let lib = lib(&env);
    let s = env
        .run(&["--library", &lib, "start", "gamma"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&["--library", &lib, "step", &s, "status-page", "done"])
        .ok();
    // before, the second time was refused as "already done by you"
    env.run(&["--library", &lib, "step", &s, "status-page", "done"])
        .ok();
    let r = env.run(&["--library", &lib, "status", &s, "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let step = &v["steps"][1];
    assert_eq!(step["confirmations"].as_array().unwrap().len(), 1, "{step}");
    assert_eq!(step["due"]["state"], "due", "{step}");
}
