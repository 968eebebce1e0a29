//! Validation steps and steps for one kind of run (issue 25).

mod common;

use common::*;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// The mini library where `promote` is a validation and `tell` is for incidents only.
fn lib(env: &Env) -> std::path::PathBuf {
    let lib = env.copy_mini();
    let p = lib.join("plans/alpha.ron");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace(
            r#"Step(id: "promote", title: "Promote the replica","#,
            r#"Step(id: "promote", title: "Promote the replica", validation: true,"#,
        )
        .replace(
            r#"Step(id: "tell", title: "Tell the business", role: "lead")"#,
            r#"Step(id: "tell", title: "Tell the business", role: "lead", only: Incident)"#,
        );
    assert!(text.contains("validation: true") && text.contains("only: Incident"));
    std::fs::write(&p, text).unwrap();
    lib
}

#[test]
fn a_failed_validation_shows_as_failed_in_status_and_the_exports() {
    let env = Env::new();
    let lib = lib(&env);
    let l = lib.to_str().unwrap();
    assert_eq!(env.run(&["check", l]).code, 0);
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&[
        "--library",
        l,
        "step",
        &id,
        "promote",
        "fail",
        "--note",
        "x",
        "--anyway",
    ])
    .ok();
    let s = json(
        &env.run(&["--library", l, "status", &id, "--json"])
            .ok()
            .stdout,
    );
    let promote = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == "promote")
        .unwrap()
        .clone();
    assert_eq!(promote["outcome"], "fail", "{promote}");
    assert_eq!(promote["state"], "blocked", "{promote}");
    assert_eq!(promote["reason"], "validation failed: x", "{promote}");
    let text = env.run(&["--library", l, "status", &id]).ok().stdout;
    assert!(text.contains("[!]"), "{text}");
    let md = env
        .run(&["--library", l, "export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("validation FAILED"), "{md}");
    assert!(md.contains("validation failed: x"), "{md}");
    // a step that is not a validation has no outcome
    let r = env.run(&["--library", l, "step", &id, "check", "pass"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is not a validation"), "{}", r.stderr);
    // a failed validation needs to say what failed
    let r = env.run(&["--library", l, "step", &id, "promote", "fail", "--anyway"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_step_for_incidents_only_is_left_out_of_an_exercise() {
    let env = Env::new();
    let lib = lib(&env);
    let l = lib.to_str().unwrap();
    let inc = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let s = json(
        &env.run(&["--library", l, "status", &inc, "--json"])
            .ok()
            .stdout,
    );
    let tell = |s: &serde_json::Value| {
        s["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["step"] == "tell")
            .unwrap()["bypassed"]
            .clone()
    };
    assert_eq!(tell(&s), false, "{s}");
    let ex = env
        .run(&["--library", l, "start", "--exercise", "drill"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let s = json(
        &env.run(&["--library", l, "status", &ex, "--json"])
            .ok()
            .stdout,
    );
    assert_eq!(tell(&s), true, "{s}");
    // progress counts it only where it belongs
    let total = |s: &serde_json::Value| s["progress"]["total"].as_u64().unwrap();
    let si = json(
        &env.run(&["--library", l, "status", &inc, "--json"])
            .ok()
            .stdout,
    );
    assert_eq!(total(&si), total(&s) + 1, "{si} {s}");
    // and the forecast leaves it out
    let path = s["plans"][0]["forecast"]["critical_path"].to_string();
    assert!(!path.contains("tell"), "{path}");
    // the review says why it was left out, not that a branch was not taken
    let md = env
        .run(&["--library", l, "export", &ex, "--format", "md"])
        .ok()
        .stdout;
    assert!(
        md.contains("| alpha/tell | Tell the business | left out (for incident runs only) |"),
        "{md}"
    );
    // an unknown kind of run is a located error
    let p = lib.join("plans/alpha.ron");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("only: Incident", "only: Drill");
    std::fs::write(&p, text).unwrap();
    let r = env.run(&["check", l]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("alpha.ron:") && all.contains("Drill"), "{all}");
}
