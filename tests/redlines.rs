//! From a run to a better plan (issue 25): redlines proposed during a run, drafted into a copy
//! of the plan for its author, and change control (the library's plan against the one run).

mod common;

use common::*;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn two_redlines_are_listed_and_drafted_into_a_proposed_plan_that_check_accepts() {
    let env = Env::new();
    let lib = env.copy_mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.run(&[
        "--library",
        l,
        "redline",
        &id,
        "check",
        "--text",
        "Check the lag on both replicas",
        "--as",
        "ann",
    ])
    .ok();
    env.run(&[
        "--library",
        l,
        "redline",
        &id,
        "tell",
        "--kind",
        "contact",
        "--text",
        "The ops director's number changed",
        "--as",
        "ben",
    ])
    .ok();
    let list = json(&env.run(&["--library", l, "redlines", "--json"]).ok().stdout);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let want = [
        ("check", "ann", "change", "Check the lag on both replicas"),
        (
            "tell",
            "ben",
            "contact",
            "The ops director's number changed",
        ),
    ];
    for (r, (step, by, kind, text)) in list.iter().zip(want) {
        assert_eq!(r["session"], id.as_str());
        assert_eq!(r["plan"], "alpha");
        assert_eq!(r["step"], step);
        assert_eq!(r["by"], by);
        assert_eq!(r["kind"], kind);
        assert_eq!(r["text"], text);
        assert_eq!(r["status"], "open");
    }
    // the draft: beside the plan, the original unchanged, and check accepts the library
    let plan = lib.join("plans/alpha.ron");
    let before = std::fs::read(&plan).unwrap();
    let r = env
        .run(&["--library", l, "redlines", "alpha", "--draft"])
        .ok();
    let draft = lib.join("plans/alpha.proposed.ron");
    assert!(r.stdout.contains("alpha.proposed.ron"), "{}", r.stdout);
    assert_eq!(std::fs::read(&plan).unwrap(), before);
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("Check the lag on both replicas"), "{text}");
    assert!(text.contains("The ops director's number changed"), "{text}");
    let r = env.run(&["check", l]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = env.run(&["check", draft.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // never over anything
    let r = env.run(&["--library", l, "redlines", "alpha", "--draft"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("never writes over it"), "{}", r.stderr);
    // accepted: it leaves the open list, and the review says so
    env.run(&[
        "--library",
        l,
        "redline",
        &id,
        "R1",
        "--accept",
        "--note",
        "agreed",
    ])
    .ok();
    let open = json(&env.run(&["--library", l, "redlines", "--json"]).ok().stdout);
    assert_eq!(open.as_array().unwrap().len(), 1);
    let md = env
        .run(&["--library", l, "export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("## Redlines"), "{md}");
    assert!(md.contains("accepted by tester"), "{md}");
    let r = env.run(&["--library", l, "redline", &id, "R9", "--reject"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("its redlines are R1 (accepted), R2"),
        "{}",
        r.stderr
    );
}

#[test]
fn status_says_the_plan_changed_since_the_run_and_names_the_step() {
    let env = Env::new();
    let lib = env.copy_mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let st = env.run(&["--library", l, "status", &id]).ok().stdout;
    assert!(!st.contains("CHANGED"), "{st}");
    let plan = lib.join("plans/alpha.ron");
    let text = std::fs::read_to_string(&plan)
        .unwrap()
        .replace("Promote the replica", "Promote the replica in Leeds");
    std::fs::write(&plan, text).unwrap();
    let st = env.run(&["--library", l, "status", &id]).ok().stdout;
    assert!(st.contains("CHANGED: plan alpha"), "{st}");
    assert!(st.contains("promote (title)"), "{st}");
    let j = json(
        &env.run(&["--library", l, "status", &id, "--json"])
            .ok()
            .stdout,
    );
    assert_eq!(j["plan_changes"][0]["changed"][0]["step"], "promote", "{j}");
    let r = env
        .run(&["--library", l, "show", "alpha", "--changes-since", &id])
        .ok();
    assert!(
        r.stdout.contains("changed  promote (title)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("title now: Promote the replica in Leeds"),
        "{}",
        r.stdout
    );
    // the review says so too, and its JSON carries the difference
    let md = env
        .run(&["--library", l, "export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(
        md.contains("The library's plan has changed since this run; what reads differently now:\n\n- alpha: step changed: promote (title)"),
        "{md}"
    );
    let j = json(
        &env.run(&["--library", l, "export", &id, "--format", "json"])
            .ok()
            .stdout,
    );
    assert_eq!(
        j["review"]["plan_changes"][0]["changed"][0]["step"], "promote",
        "{}",
        j["review"]
    );
}

#[test]
fn a_step_proposed_after_another_is_written_into_the_draft_after_it() {
    let env = Env::new();
    let lib = env.copy_mini();
    let l = lib.to_str().unwrap();
    let id = env
        .run(&["--library", l, "start", "alpha"])
        .ok()
        .stdout
        .trim()
        .to_string();
    for text in ["Tell the \"service desk\" it is done", "And the warehouse"] {
        env.run(&[
            "--library",
            l,
            "redline",
            &id,
            "promote",
            "--kind",
            "add-after",
            "--text",
            text,
        ])
        .ok();
    }
    let r = env
        .run(&["--library", l, "redlines", "alpha", "--draft"])
        .ok();
    assert!(
        r.stdout.contains("2 proposed step(s) written in"),
        "{}",
        r.stdout
    );
    let draft = lib.join("plans/alpha.proposed.ron");
    let text = std::fs::read_to_string(&draft).unwrap();
    // after promote, in the order proposed, each after it, with promote's role and a todo
    let promote = text.find(r#"id: "promote""#).unwrap();
    let r1 = text.find(r#"Step(id: "promote-r1", title: "Tell the \"service desk\" it is done", role: "dba", depends_on: ["promote"], todo: ["#);
    let r2 = text.find(r#"Step(id: "promote-r2", title: "And the warehouse""#);
    let restore = text.find(r#"id: "restore""#).unwrap();
    assert!(
        matches!((r1, r2), (Some(a), Some(b)) if promote < a && a < b && b < restore),
        "{text}"
    );
    // the draft reads as a plan, its new steps' todos as warnings
    let r = env.run(&["check", draft.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("TODO (step `promote-r1`)"),
        "{}",
        r.stderr
    );
}
