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

#[test]
fn correcting_the_declaration_time_moves_the_rtos_and_is_journaled() {
    let env = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap();
    let s = env.start(&["alpha"]);
    let earlier = (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
    let r = env
        .run(&[
            "--library",
            lib,
            "declared",
            &s,
            &earlier,
            "--note",
            "the IC declared by phone",
        ])
        .ok();
    assert!(r.stdout.starts_with("Declared at "), "{}", r.stdout);
    let st = env.run(&["--library", lib, "status", &s]).ok().stdout;
    assert!(
        st.contains("RTO Database (2h)") && st.contains("MISSED"),
        "{st}"
    );
    let v: serde_json::Value = serde_json::from_str(
        &env.run(&["--library", lib, "status", &s, "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(v["declared_at"].as_str().unwrap()).unwrap();
    let want = chrono::DateTime::parse_from_rfc3339(&earlier).unwrap();
    assert!((at - want).num_seconds().abs() <= 1, "{v}");
    let log = env.run(&["--library", lib, "log", &s]).ok().stdout;
    assert!(
        log.contains("set when the disaster was declared")
            && log.contains("the IC declared by phone"),
        "{log}"
    );
    // never in the future; a time that is not one is a usage error
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let r = env.run(&["--library", lib, "declared", &s, &later]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("in the future"), "{}", r.stderr);
    let r = env.run(&["--library", lib, "declared", &s, "teatime"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a time"), "{}", r.stderr);
}
