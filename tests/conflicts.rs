//! Conflicts are never hidden: when one responder finished a step and another skipped it, every
//! view says so (a `[?]` mark, a CONFLICT line at the top of the step's details, a count in the
//! status bar, `status` and its JSON, a "Conflicts" section in the exports, plain mode).

mod common;
#[path = "common/harness.rs"]
mod harness;

use chrono::Duration;
use common::*;
use harness::Harness;
use muster::domain::event::Body;
use muster::tui::msg::Msg;

#[test]
fn a_conflict_in_the_tui_at_80x24() {
    let mut h = Harness::new(80, 24);
    h.start_alpha().press("d<Enter>");
    let id = h.id();
    h.store.add(
        &id,
        "other-site",
        "bob",
        h.now + Duration::seconds(30),
        vec![Body::StepSkipped {
            plan: "alpha".into(),
            step: "check".into(),
            reason: "the replica is gone".into(),
        }],
    );
    h.now += Duration::seconds(31);
    h.msg(Msg::Tick(h.now));
    h.draw();
    let screen = h.screen();
    assert!(screen.contains("[?]  1 Check the rep"), "{screen}");
    assert!(screen.contains("1 CONFLICT"), "{screen}");
    assert!(
        screen.contains("CONFLICT: bob tried to skip it after tester"),
        "{screen}"
    );
    insta::assert_snapshot!("conflict_80x24", screen);
}

#[test]
fn status_its_json_the_exports_and_plain_mode_name_the_conflict() {
    let env = Env::new();
    let s = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    // the other site works on a copy of the session, out of touch: it skips what this site did
    let other = env.dir.path().join("other-home");
    common::copy_dir(&env.home(), &other);
    env.run(&["--library", lib, "step", &s, "check", "done"])
        .ok();
    env.run_with(
        &[
            "--library",
            lib,
            "step",
            &s,
            "check",
            "skip",
            "--note",
            "gone",
        ],
        &[
            ("MUSTER_WRITER", "w2"),
            ("MUSTER_AS", "bob"),
            ("MUSTER_HOME", other.to_str().unwrap()),
        ],
    )
    .ok();
    let copy = other.join("sessions").join(&s);
    env.run(&["merge", copy.to_str().unwrap()]).ok();
    let st = env.run(&["--library", lib, "status", &s]).ok().stdout;
    assert!(
        st.contains("CONFLICTS: responders disagree about 1 step(s): alpha/check"),
        "{st}"
    );
    assert!(st.contains("[?]  1. Check the replica"), "{st}");
    assert!(st.contains("- CONFLICT: bob tried to skip it"), "{st}");
    let v: serde_json::Value = serde_json::from_str(
        &env.run(&["--library", lib, "status", &s, "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["conflicts"], 1);
    assert_eq!(v["steps"][0]["state"], "done");
    assert!(
        v["steps"][0]["conflicts"][0]
            .as_str()
            .unwrap()
            .contains("bob tried to skip it after tester had finished it"),
        "{v}"
    );
    for format in ["md", "html"] {
        let out = env
            .run(&["--library", lib, "export", &s, "--format", format])
            .ok()
            .stdout;
        assert!(out.contains("Conflicts"), "{format}: {out}");
        assert!(out.contains("bob tried to skip it"), "{format}: {out}");
    }
    let json = env
        .run(&["--library", lib, "export", &s, "--format", "json"])
        .ok()
        .stdout;
    assert!(json.contains("bob tried to skip it"), "{json}");
    let mut c = env.cmd(&["--library", lib, "--plain", "--session", &s]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"status\nlist\n")
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(
        out.contains("CONFLICT: responders disagree about step 1"),
        "{out}"
    );
    assert!(
        out.contains("Step 1, done by tester at") && out.contains("CONFLICT: bob tried to skip it"),
        "{out}"
    );
}
