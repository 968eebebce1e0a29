//! Planned against actual across runs (issue 25): `muster history PLAN --json` from three runs
//! of a plan with known step durations.

mod common;

use common::*;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn at(env: &Env, min: u32, args: &[&str]) -> Run {
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_with(
        &a,
        &[("MUSTER_NOW", &format!("2026-11-21T02:{min:02}:00Z"))],
    )
}

/// One run of alpha: check takes `check` minutes, then promote `promote` minutes; closed after.
fn run(env: &Env, check: u32, promote: u32) {
    let id = at(env, 0, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    at(env, 0, &["step", &id, "check", "start"]).ok();
    at(env, check, &["step", &id, "check", "done"]).ok();
    at(env, check, &["step", &id, "promote", "start"]).ok();
    at(env, check + promote, &["step", &id, "promote", "done"]).ok();
    at(env, check + promote + 1, &["close", &id]).ok();
}

#[test]
fn three_runs_give_each_steps_runs_estimate_median_p90_and_lateness() {
    let env = Env::new();
    run(&env, 8, 12);
    run(&env, 12, 4);
    run(&env, 6, 8);
    let h = json(&at(&env, 59, &["history", "alpha", "--json"]).ok().stdout);
    assert_eq!(h["runs"], 3, "{h}");
    let step = |id: &str| {
        h["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let check = step("check");
    assert_eq!(check["runs"], 3, "{check}");
    assert_eq!(check["estimate"], serde_json::json!([5, 10]));
    assert_eq!(check["median_min"], 8, "{check}");
    assert_eq!(check["p90_min"], 12, "{check}");
    assert_eq!(check["late"], 1, "{check}");
    assert_eq!(check["suggested_min"], 12, "{check}");
    let promote = step("promote");
    assert_eq!(promote["estimate"], serde_json::json!([5, 5]));
    assert_eq!(promote["median_min"], 8, "{promote}");
    assert_eq!(promote["p90_min"], 12, "{promote}");
    assert_eq!(promote["late"], 2, "{promote}");
    // the text says which steps are late in most runs
    let text = at(&env, 59, &["history", "alpha"]).ok().stdout;
    assert!(text.contains("Late in most runs: promote"), "{text}");
    // a fourth run is forecast from the median of check (8 min, where its estimate says at most
    // 10), then restore's estimate (60 min, never run): it ends at 03:08, not 03:10
    let id = at(&env, 0, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let s = json(&at(&env, 0, &["status", &id, "--json"]).ok().stdout);
    let f = &s["plans"][0]["forecast"];
    assert_eq!(
        f["critical_path"],
        serde_json::json!(["check", "restore"]),
        "{s}"
    );
    assert_eq!(f["end_at"], "2026-11-21T03:08:00.000Z", "{s}");
}

/// At `min` minutes after 02:00 on 2026-11-21 (any number of minutes).
fn after(env: &Env, min: i64, args: &[&str]) -> Run {
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    let t = chrono::DateTime::parse_from_rfc3339("2026-11-21T02:00:00Z").unwrap()
        + chrono::Duration::minutes(min);
    env.run_with(&a, &[("MUSTER_NOW", &t.to_rfc3339())])
}

/// A whole run of alpha down the "Yes" branch: check, promote and tell, the last done at `end`.
fn whole_run(env: &Env, check: i64, end: i64) {
    let id = after(env, 0, &["start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    after(env, 0, &["step", &id, "check", "start"]).ok();
    after(env, check, &["step", &id, "check", "done"]).ok();
    after(env, check, &["decide", &id, "check", "Yes"]).ok();
    after(env, check, &["step", &id, "promote", "done"]).ok();
    after(env, end, &["step", &id, "tell", "done"]).ok();
    after(env, end + 1, &["close", &id]).ok();
}

#[test]
fn the_continuity_report_lists_steps_late_in_most_runs_and_each_runs_time_against_the_rto() {
    let env = Env::new();
    // check (estimate 5-10 min) is late in two of three runs; the db's RTO is 2h
    whole_run(&env, 25, 40);
    whole_run(&env, 20, 150);
    whole_run(&env, 8, 60);
    let report = after(&env, 300, &["report"]).ok().stdout;
    let section = &report[report
        .find("## Planned against actual")
        .unwrap_or_else(|| panic!("{report}"))..];
    assert!(
        section.contains("| alpha/check | Check the replica | 2 of 3 | 5-10 min | 20 min |"),
        "{section}"
    );
    // promote was done at once every time: never late, not listed
    assert!(!section.contains("alpha/promote"), "{section}");
    assert!(
        section.contains("| 40 min | 2h | met (1 h 20 min to spare) |"),
        "{section}"
    );
    assert!(
        section.contains("| 2 h 30 min | 2h | MISSED by 30 min |"),
        "{section}"
    );
    assert!(
        section.contains("| 1 h 00 min | 2h | met (1 h 00 min to spare) |"),
        "{section}"
    );
    assert!(
        section.contains("| alpha | Fail the database over (2026-11-21 02:00 UTC, incident) |"),
        "{section}"
    );
}
