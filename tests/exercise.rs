//! Exercises: scenario checks, the exercise commands, and a whole sample scenario run through
//! the command line on a fixed clock.

mod common;
use common::*;

fn check_scenario(name: &str) -> Run {
    let env = Env::new();
    let lib = env.copy_mini();
    std::fs::copy(
        fixtures().join("bad").join(name),
        lib.join("scenarios").join(name),
    )
    .unwrap();
    let r = env.run(&["check", lib.to_str().unwrap()]);
    let prefix = lib.join("scenarios").join(name).display().to_string();
    Run {
        code: r.code,
        stdout: r.stdout,
        stderr: r.stderr.replace(&prefix, "SCENARIO"),
    }
}

#[test]
fn scenario_checks_unknown_plans_roles_and_injects() {
    let r = check_scenario("scenario-refs.ron");
    assert_eq!(r.code, 1);
    for want in [
        "SCENARIO:6:28: error: scenario `scenario-refs` refers to role `wizard`, which does not exist",
        "SCENARIO:7:22: error: scenario `scenario-refs` refers to plan `gamma`, which does not exist",
        "SCENARIO:10:56: error: inject `two` refers to inject `nowhere`, which does not exist",
        "SCENARIO:11:54: error: this is not a release time: write `At(\"15m\")`, `After(\"other-inject\", \"10m\")` or `Manual`",
    ] {
        assert!(
            r.stderr.lines().any(|l| l == want),
            "missing {want}\n{}",
            r.stderr
        );
    }
}

#[test]
fn scenario_checks_cycles_of_injects() {
    let r = check_scenario("scenario-cycle.ron");
    assert_eq!(r.code, 1);
    for want in [
        "SCENARIO:7:52: error: injects are released after each other in a circle, so none of them ever is: `a` -> `c` -> `b` -> `a`",
        "SCENARIO:10:52: error: inject `d` is released after itself",
    ] {
        assert!(
            r.stderr.lines().any(|l| l == want),
            "missing {want}\n{}",
            r.stderr
        );
    }
}

#[test]
fn scenarios_json_has_the_contract_fields() {
    let env = Env::new();
    let r = env.run(&["scenarios", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 2);
    for s in all {
        assert!(s["id"].is_string() && s["title"].is_string());
        assert!(
            s["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["id"].is_string())
        );
        let injects = s["injects"].as_array().unwrap();
        assert!(injects.len() >= 5);
        assert!(
            injects
                .iter()
                .all(|i| i["id"].is_string() && i["title"].is_string())
        );
    }
}

/// Runs a command as `who` at exercise minute `min` (wall clock from 10:00 UTC).
fn at(env: &Env, min: u32, who: &str, args: &[&str]) -> Run {
    let now = format!("2026-11-21T{:02}:{:02}:00Z", 10 + min / 60, min % 60);
    env.run_with(args, &[("MUSTER_NOW", &now), ("MUSTER_AS", who)])
}

#[test]
fn a_whole_sample_scenario_through_the_command_line() {
    let env = Env::new();
    let id = at(&env, 0, "fiona", &["start", "--exercise", "dc-power-loss"])
        .ok()
        .stdout
        .trim()
        .to_string();
    // the inject due at T+0 was released with the start: a second release finds nothing due
    // and names the next
    let r = at(&env, 2, "fiona", &["inject", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("the next, `generator-fails`, is due at T+00:05:00"),
        "{}",
        r.stderr
    );
    // participants work the plans
    at(
        &env,
        3,
        "sam",
        &["step", &id, "confirm-on-battery", "start"],
    )
    .ok();
    at(
        &env,
        4,
        "sam",
        &[
            "step",
            &id,
            "confirm-on-battery",
            "done",
            "--note",
            "UPS A 38 min",
        ],
    )
    .ok();
    at(&env, 5, "fiona", &["inject", &id]).ok();
    // the facilitator pauses for a discussion, then runs the clock faster
    let r = at(&env, 6, "fiona", &["clock", &id, "pause"]).ok();
    assert_eq!(r.stdout, "Exercise clock T+00:06:00 (paused)\n");
    let r = at(&env, 7, "fiona", &["clock", &id, "pause"]);
    assert_eq!(r.code, 1, "pausing twice makes no sense");
    at(&env, 16, "fiona", &["clock", &id, "resume"]).ok();
    let r = at(&env, 17, "fiona", &["clock", &id, "speed", "5"]).ok();
    assert_eq!(r.stdout, "Exercise clock T+00:07:00 (running x5)\n");
    // volta-eta is due 5 exercise minutes after generator-fails (T+5): T+10, wall 10:17:36
    at(&env, 18, "fiona", &["inject", &id]).ok();
    // a manual inject, early by nature; then one skipped
    at(&env, 19, "fiona", &["inject", &id, "replica-lag"]).ok();
    at(
        &env,
        19,
        "fiona",
        &["inject", &id, "mains-restored", "--skip"],
    )
    .ok();
    let r = at(&env, 20, "fiona", &["inject", &id, "mains-restored"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("inject `mains-restored` was already skipped"),
        "{}",
        r.stderr
    );
    at(
        &env,
        21,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "strength",
            "--inject",
            "generator-fails",
            "Sam called Volta within two minutes",
        ],
    )
    .ok();
    at(
        &env,
        22,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "defect",
            "--step",
            "confirm-on-battery",
            "The NUT host name in the plan is wrong",
        ],
    )
    .ok();
    at(
        &env,
        23,
        "fiona",
        &["rate", &id, "decide-fast", "S", "--note", "decided at T+12"],
    )
    .ok();
    let r = at(&env, 23, "fiona", &["rate", &id, "no-such", "P"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("has no objective `no-such`"));
    at(&env, 24, "fiona", &["close", &id]).ok();

    let log = at(&env, 25, "fiona", &["log", &id]).ok().stdout;
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].starts_with("EXERCISE "), "{log}");
    let expect = [
        "2026-11-21 10:00:00 +00:00 [T+00:00:00]  fiona  started the session",
        "2026-11-21 10:00:00 +00:00 [T+00:00:00]  fiona  inject released mains-fail: BMS alarm: mains failure at SAL-DC1",
        "2026-11-21 10:03:00 +00:00 [T+00:03:00]  sam  joined",
        "2026-11-21 10:03:00 +00:00 [T+00:03:00]  sam  started dc-power-loss/confirm-on-battery",
        "2026-11-21 10:04:00 +00:00 [T+00:04:00]  sam  done dc-power-loss/confirm-on-battery Confirm the UPS is on battery and read the runtime - UPS A 38 min",
        "2026-11-21 10:05:00 +00:00 [T+00:05:00]  fiona  inject released generator-fails: The generator fails to start",
        "2026-11-21 10:06:00 +00:00 [T+00:06:00]  fiona  paused the exercise clock",
        "2026-11-21 10:16:00 +00:00 [T+00:06:00]  fiona  resumed the exercise clock",
        "2026-11-21 10:17:00 +00:00 [T+00:07:00]  fiona  set the clock speed x5",
        "2026-11-21 10:18:00 +00:00 [T+00:12:00]  fiona  inject released volta-eta: Volta: engineer ETA 3 hours",
        "2026-11-21 10:19:00 +00:00 [T+00:17:00]  fiona  inject released early replica-lag: The Leeds standby is 11 minutes behind",
        "2026-11-21 10:19:00 +00:00 [T+00:17:00]  fiona  inject skipped mains-restored: Mains returns early",
        "2026-11-21 10:21:00 +00:00 [T+00:27:00]  omar  joined",
        "2026-11-21 10:21:00 +00:00 [T+00:27:00]  omar  observed (strength) on inject generator-fails: The generator fails to start - Sam called Volta within two minutes",
        "2026-11-21 10:22:00 +00:00 [T+00:32:00]  omar  observed (plan defect) dc-power-loss/confirm-on-battery - The NUT host name in the plan is wrong",
        "2026-11-21 10:23:00 +00:00 [T+00:37:00]  fiona  rated objective decide-fast: S (performed with some challenges) - decided at T+12",
        "2026-11-21 10:24:00 +00:00 [T+00:42:00]  fiona  closed the session",
    ];
    for (i, want) in expect.iter().enumerate() {
        assert!(
            lines[i + 1].starts_with(want),
            "line {}:\n  want {want}\n  got  {}\n{log}",
            i + 1,
            lines[i + 1]
        );
    }
    assert_eq!(lines.len(), expect.len() + 1, "{log}");
    let r = env.run(&["verify", &id]).ok();
    assert!(r.stdout.contains("verified"));
}

#[test]
fn exercise_commands_refuse_incidents() {
    let env = Env::new();
    let id = env
        .run(&["start", "dns-loss"])
        .ok()
        .stdout
        .trim()
        .to_string();
    for args in [
        vec!["inject", &id],
        vec!["clock", &id, "pause"],
        vec!["rate", &id, "x", "P"],
        vec!["observe", &id, "--kind", "strength", "good"],
    ] {
        let r = env.run(&args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr.contains("is a real incident, not an exercise"),
            "{}",
            r.stderr
        );
    }
    let r = env.run(&["observe", &id, "--kind", "praise", "good"]);
    assert_eq!(r.code, 2, "a wrong kind is a usage error");
}
