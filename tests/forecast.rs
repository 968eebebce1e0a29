//! The live forecast (issue 25): when each plan will end, from its open steps, their
//! dependencies and estimates, against the RTO of the services it restores.

mod common;

use common::*;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

const T0: &str = "2026-11-21T02:00:00Z";

/// The mini library where restoring from backup takes 200 minutes: past the database's 2 h RTO.
fn slow_restore(env: &Env) -> std::path::PathBuf {
    let lib = env.copy_mini();
    let p = lib.join("plans/alpha.ron");
    let text = std::fs::read_to_string(&p).unwrap().replace(
        r#"depends_on: ["check"], estimate: 60)"#,
        r#"depends_on: ["check"], estimate: 200)"#,
    );
    assert!(text.contains("estimate: 200"));
    std::fs::write(&p, text).unwrap();
    lib
}

fn status(env: &Env, l: &str, id: &str, now: &str) -> serde_json::Value {
    json(
        &env.run_with(
            &["--library", l, "status", id, "--json"],
            &[("MUSTER_NOW", now)],
        )
        .ok()
        .stdout,
    )
}

#[test]
fn estimates_past_the_rto_give_a_negative_slack_and_the_critical_path_in_dependency_order() {
    let env = Env::new();
    let lib = slow_restore(&env);
    let l = lib.to_str().unwrap();
    let id = env
        .run_with(&["--library", l, "start", "alpha"], &[("MUSTER_NOW", T0)])
        .ok()
        .stdout
        .trim()
        .to_string();
    let s = status(&env, l, &id, T0);
    let f = &s["plans"][0]["forecast"];
    // check (10 min at most) then restore (200 min): 210 minutes from the start
    assert_eq!(f["end_at"], "2026-11-21T05:30:00.000Z", "{s}");
    assert_eq!(
        f["critical_path"],
        serde_json::json!(["check", "restore"]),
        "{s}"
    );
    let db = s["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["service"] == "db")
        .unwrap()
        .clone();
    assert_eq!(db["rto_at"], "2026-11-21T04:00:00.000Z", "{db}");
    assert_eq!(db["slack_min"], -90, "{db}");
    // the text says it too
    let text = env
        .run_with(&["--library", l, "status", &id], &[("MUSTER_NOW", T0)])
        .ok()
        .stdout;
    assert!(text.contains("misses the RTO by 1 h 30 min"), "{text}");
    // the first critical step done after 4 minutes: the end comes 6 minutes earlier
    env.run_with(
        &["--library", l, "step", &id, "check", "done"],
        &[("MUSTER_NOW", "2026-11-21T02:04:00Z")],
    )
    .ok();
    let s = status(&env, l, &id, "2026-11-21T02:04:00Z");
    let f = &s["plans"][0]["forecast"];
    assert_eq!(f["end_at"], "2026-11-21T05:24:00.000Z", "{s}");
    assert_eq!(f["critical_path"], serde_json::json!(["restore"]), "{s}");
    // a step under way counts what is left of it
    env.run_with(
        &["--library", l, "step", &id, "restore", "start", "--anyway"],
        &[("MUSTER_NOW", "2026-11-21T02:04:00Z")],
    )
    .ok();
    let s = status(&env, l, &id, "2026-11-21T03:04:00Z");
    assert_eq!(
        s["plans"][0]["forecast"]["end_at"], "2026-11-21T05:24:00.000Z",
        "{s}"
    );
}

#[test]
fn one_responder_does_one_step_at_a_time_so_their_assigned_steps_add_up() {
    let env = Env::new();
    let lib = mini();
    let l = lib.to_str().unwrap();
    let at = |args: &[&str]| {
        let mut a = vec!["--library", l];
        a.extend_from_slice(args);
        env.run_with(&a, &[("MUSTER_NOW", T0)]).ok().stdout
    };
    let id = at(&["start", "alpha"]).trim().to_string();
    // check (10) then restore (60): 70 minutes, promote (5) beside restore
    let f = status(&env, l, &id, T0)["plans"][0]["forecast"].clone();
    assert_eq!(f["end_at"], "2026-11-21T03:10:00.000Z", "{f}");
    assert!(f.get("waits_on").is_none(), "{f}");
    // all three on Cat: 75 minutes of her time, one after the other
    for step in ["check", "promote", "restore"] {
        at(&["step", &id, step, "assign", "--to", "Cat"]);
    }
    let f = status(&env, l, &id, T0)["plans"][0]["forecast"].clone();
    assert_eq!(f["end_at"], "2026-11-21T03:15:00.000Z", "{f}");
    assert_eq!(f["waits_on"], "Cat", "{f}");
    assert_eq!(
        f["critical_path"],
        serde_json::json!(["check", "promote", "restore"]),
        "{f}"
    );
    // promote given to Ben: the dependencies decide again
    at(&["step", &id, "promote", "assign", "--to", "ben"]);
    let f = status(&env, l, &id, T0)["plans"][0]["forecast"].clone();
    assert_eq!(f["end_at"], "2026-11-21T03:10:00.000Z", "{f}");
    assert!(f.get("waits_on").is_none(), "{f}");
}

#[test]
fn the_review_keeps_the_forecasts_history_when_the_run_first_looked_late_and_when_it_recovered() {
    let env = Env::new();
    let lib = slow_restore(&env);
    let l = lib.to_str().unwrap();
    let at = |t: &str, args: &[&str]| {
        let mut a = vec!["--library", l];
        a.extend_from_slice(args);
        env.run_with(&a, &[("MUSTER_NOW", t)]).ok().stdout
    };
    let id = at(T0, &["start", "alpha"]).trim().to_string();
    at("2026-11-21T02:04:00Z", &["step", &id, "check", "done"]);
    // the replica is in sync: promote, and restoring (200 min) is off the branch
    at("2026-11-21T02:05:00Z", &["decide", &id, "check", "Yes"]);
    at("2026-11-21T02:09:00Z", &["step", &id, "promote", "done"]);
    at("2026-11-21T02:10:00Z", &["close", &id]);
    let md = at("2026-11-21T02:10:00Z", &["export", &id, "--format", "md"]);
    let section = &md[md
        .find("## The forecast over the run")
        .unwrap_or_else(|| panic!("{md}"))
        ..md.find("## Journal integrity").unwrap()];
    assert!(
        section.contains("The run first looked late at 2026-11-21 02:00:00"),
        "{section}"
    );
    assert!(
        section.contains("| Database | 2026-11-21 05:30:00 +00:00 | 2026-11-21 04:00:00 +00:00 | first forecast: misses the RTO by 1 h 30 min |"),
        "{section}"
    );
    // the decision took the long step off the branch: back on time from then
    assert!(
        section.contains("| 2026-11-21 02:05:00 +00:00 | Database |"),
        "{section}"
    );
    assert!(section.contains("back on time:"), "{section}");
    // the html says the same
    let html = at("2026-11-21T02:10:00Z", &["export", &id, "--format", "html"]);
    assert!(html.contains("The forecast over the run"), "{html}");
}
