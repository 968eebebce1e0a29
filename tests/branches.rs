//! Decisions leave out only the steps reachable only through an option not taken: the sample
//! ransomware plan's older-restore-point branch rejoins the rebuild (before, choosing it marked
//! the whole Rebuild phase "not on the chosen branch").

mod common;
use common::*;

fn bypassed(env: &Env, s: &str) -> Vec<String> {
    let r = env.run(&["status", s, "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["bypassed"] == true)
        .map(|x| x["step"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_older_restore_point_branch_rejoins_the_rebuild() {
    let env = Env::new();
    let s = env
        .run(&["start", "ransomware"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&[
        "decide",
        &s,
        "choose-restore-point",
        "2",
        "--anyway",
        "--note",
        "only last week is clean",
    ])
    .ok();
    assert!(bypassed(&env, &s).is_empty(), "{:?}", bypassed(&env, &s));
    // the rebuild waits for the business to accept the loss, and says so
    let r = env.run(&["step", &s, "build-clean-environment", "start"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("approve-data-loss"), "{}", r.stderr);
}

#[test]
fn the_newer_point_leaves_out_only_the_approval() {
    let env = Env::new();
    let s = env
        .run(&["start", "ransomware"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&[
        "decide",
        &s,
        "choose-restore-point",
        "1",
        "--anyway",
        "--note",
        "clean",
    ])
    .ok();
    assert_eq!(bypassed(&env, &s), ["approve-data-loss"]);
    // nothing to wait for: the any-of step it names is off the path
    env.run(&["step", &s, "build-clean-environment", "start"])
        .ok();
}
