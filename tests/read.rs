//! `muster list`, `show` and `index`, human and --json, on a fixed library and a fixed clock.

mod common;
use common::*;

const NOW: &str = "2026-11-21T12:00:00Z";

fn run(args: &[&str]) -> Run {
    let env = Env::new();
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_with(&a, &[("MUSTER_NOW", NOW)])
}

fn json(args: &[&str]) -> serde_json::Value {
    let r = run(args).ok();
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn list_human() {
    let r = run(&["list"]).ok();
    insta::assert_snapshot!(r.stdout.replace(mini().to_str().unwrap(), "MINI"));
}

#[test]
fn list_json_has_the_contract_fields() {
    let v = json(&["list", "--json"]);
    let plans = v.as_array().unwrap();
    assert_eq!(plans.len(), 2);
    let alpha = &plans[0];
    assert_eq!(alpha["id"], "alpha");
    assert_eq!(alpha["title"], "Fail the database over");
    assert_eq!(alpha["kind"], "continuity");
    assert_eq!(alpha["steps"], 4);
    assert_eq!(alpha["services"], serde_json::json!(["db"]));
    assert_eq!(alpha["review_due"], "2027-04-01");
    assert_eq!(plans[1]["kind"], "recovery");
}

#[test]
fn list_on_the_builtin_library_says_it_is_the_sample() {
    let env = Env::new();
    let r = env.run(&["list"]).ok();
    assert!(
        r.stdout.starts_with("Plans in the built-in sample library"),
        "{}",
        r.stdout
    );
    for id in [
        "dc-power-loss",
        "db-failover",
        "db-restore",
        "ransomware",
        "identity-loss",
        "dns-loss",
        "crisis-comms",
    ] {
        assert!(r.stdout.contains(id), "{id} missing from\n{}", r.stdout);
    }
}

#[test]
fn show_human_has_steps_people_and_commands() {
    let r = run(&["show", "alpha"]).ok();
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn show_json() {
    let v = json(&["show", "alpha", "--json"]);
    assert_eq!(v["id"], "alpha");
    assert_eq!(v["title"], "Fail the database over");
    let steps = v["steps"].as_array().unwrap();
    let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["check", "promote", "restore", "tell"]);
    assert_eq!(steps[0]["title"], "Check the replica");
    assert_eq!(
        steps[0]["estimate"],
        serde_json::json!({"min": 5, "max": 10})
    );
    assert_eq!(steps[0]["decision"]["options"][1]["next"], "restore");
    assert_eq!(steps[1]["depends_on"], serde_json::json!(["check"]));
    // the people to call for each role, from the index
    let dba = v["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "dba")
        .unwrap();
    assert_eq!(dba["people"][0]["name"], "Cat Chen");
}

#[test]
fn show_unknown_plan_suggests_the_nearest() {
    let r = run(&["show", "alpah"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("there is no plan `alpah`") && r.stderr.contains("did you mean `alpha`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn index_whole_human() {
    let r = run(&["index"]).ok();
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn index_query_is_forgiving_of_typos() {
    let r = run(&["index", "anne"]).ok();
    assert!(r.stdout.contains("Ann Archer [person ann]"), "{}", r.stdout);
    let r = run(&["index", "databse"]).ok();
    assert!(r.stdout.contains("Database [service db]"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Database administrator [role dba]"),
        "{}",
        r.stdout
    );
    let r = run(&["index", "VOLT"]).ok();
    assert!(
        r.stdout.starts_with("\nVolt Power [vendor volt]"),
        "{}",
        r.stdout
    );
    let r = run(&["index", "zzzzqqq"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("Nothing in the index matches"));
}

#[test]
fn index_json_whole_and_query() {
    let v = json(&["index", "--json"]);
    assert_eq!(v["people"].as_array().unwrap().len(), 3);
    assert_eq!(v["roles"][0]["people"], serde_json::json!(["ann", "ben"]));
    assert_eq!(v["services"][0]["rto"], "2h");
    assert_eq!(
        v["invocation"]["who_may_invoke"],
        serde_json::json!(["lead"])
    );
    let hits = json(&["index", "ben", "--json"]);
    let first = &hits.as_array().unwrap()[0];
    assert_eq!(first["kind"], "person");
    assert_eq!(first["id"], "ben");
    assert!(
        first["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "Phone: +44 7700 900002")
    );
}

#[test]
fn help_and_version() {
    let env = Env::new();
    let r = env.run(&["--help"]).ok();
    for cmd in [
        "check", "list", "show", "index", "start", "step", "status", "log", "verify", "close",
    ] {
        assert!(r.stdout.contains(cmd), "{cmd} missing from help");
    }
    let r = env.run(&["--version"]).ok();
    assert!(r.stdout.starts_with("muster "));
    let r = env.run(&["frobnicate"]);
    assert_eq!(r.code, 2, "usage errors exit 2");
}

#[test]
fn the_index_search_finds_people_by_role_short_names_and_how_to_reach_them() {
    let env = Env::new();
    for q in [
        &["on", "call", "dba"][..],
        &["dba", "phone"],
        &["who", "is", "the", "ic"],
    ] {
        let mut a = vec!["index"];
        a.extend_from_slice(q);
        let r = env.run(&a);
        assert_eq!(r.code, 0, "{q:?}: {}", r.stdout);
        let first = r
            .stdout
            .lines()
            .find(|l| l.contains('['))
            .unwrap_or_default();
        let want = if q.contains(&"ic") {
            "Incident Commander [role"
        } else {
            "Database Administrator [role dba]"
        };
        assert!(first.contains(want), "{q:?}: {}", r.stdout);
    }
    // the shifts are listed with the role
    let r = env.run(&["index", "on", "call", "dba"]).ok();
    assert!(r.stdout.contains("On call: Rajesh Iyer"), "{}", r.stdout);
}

#[test]
fn the_person_on_call_is_listed_first_and_marked() {
    let env = Env::new();
    let r = env
        .run_with(
            &["show", "db-restore"],
            &[("MUSTER_NOW", "2026-12-03T09:00:00Z")],
        )
        .ok();
    assert!(
        r.stdout.contains("Who: Database Administrator: Rajesh Iyer +44 7700 900105 / +44 113 496 0105 (Leeds desk) (on call until 2027-03-01 08:00 UTC), then Hannah Kowalski"),
        "{}",
        r.stdout
    );
    // before the rota starts, the escalation order as written
    let r = env
        .run_with(
            &["show", "db-restore"],
            &[("MUSTER_NOW", "2026-11-01T09:00:00Z")],
        )
        .ok();
    assert!(
        r.stdout.contains(
            "Who: Database Administrator: Hannah Kowalski +44 7700 900104, then Rajesh Iyer"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn a_session_is_found_by_any_unique_word_of_its_title_or_id() {
    let env = Env::new();
    let mini = mini();
    let lib = mini.to_str().unwrap();
    let a = env
        .run(&[
            "--library",
            lib,
            "start",
            "alpha",
            "--title",
            "Salford dark: the long night",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    let b = env
        .run(&[
            "--library",
            lib,
            "start",
            "beta",
            "--title",
            "Leeds web shop down",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    for (spec, want) in [
        ("salford", &a),
        ("long night", &a),
        ("Leeds", &b),
        ("web shop", &b),
    ] {
        let r = env.run(&["--library", lib, "status", spec, "--json"]).ok();
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["id"].as_str(), Some(want.as_str()), "{spec}");
    }
    // recording works the same way
    env.run(&["--library", lib, "note", "salford", "generator on its way"])
        .ok();
    // a word both have is ambiguous, and says which sessions it could be
    let r = env.run(&["--library", lib, "status", "2026"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&a) && r.stderr.contains(&b),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", lib, "status", "nowhere"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no session `nowhere`"), "{}", r.stderr);
}

#[test]
fn shell_completions_and_the_manual_page() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let r = env.run(&["completions", shell]).ok();
        assert!(
            r.stdout.contains("muster")
                && r.stdout.contains("import")
                && r.stdout.contains("plain"),
            "{shell}: {}",
            r.stdout
        );
    }
    let r = env.run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    let man = env.run(&["man"]).ok().stdout;
    assert!(
        man.starts_with(".ie") || man.contains(".TH muster 1"),
        "{man}"
    );
    for want in ["MUSTER_WRITER", "Exit codes", "terminal UI", "\\-\\-plain"] {
        assert!(man.contains(want), "the man page lacks {want}");
    }
}
