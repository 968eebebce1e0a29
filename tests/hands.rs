//! The responder's hands (issue 26): calls and escalation, a step's command run by muster,
//! the hand-over summary, a scribe recording for someone, the paper log typed back in.

mod common;
#[path = "common/harness.rs"]
mod harness;

use common::*;
use harness::{Harness, t0};
use std::sync::Arc;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn mini_run(env: &Env, args: &[&str]) -> Run {
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run(&a)
}

#[test]
fn a_call_to_a_role_goes_to_its_next_person_and_status_lists_every_attempt() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let r = mini_run(&env, &["call", &id, "lead", "--result", "no-answer"]).ok();
    assert!(r.stdout.contains("Ann Archer: no answer"), "{}", r.stdout);
    let r = mini_run(
        &env,
        &[
            "call",
            &id,
            "lead",
            "--result",
            "reached",
            "--note",
            "on her way",
        ],
    )
    .ok();
    // the second call to the role names its next person
    assert!(r.stdout.contains("Ben Brook: reached"), "{}", r.stdout);
    let s = json(&mini_run(&env, &["status", &id, "--json"]).ok().stdout);
    let calls = s["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{s}");
    assert_eq!(calls[0]["who"], "ann");
    assert_eq!(calls[0]["result"], "no-answer");
    assert_eq!(calls[1]["who"], "ben");
    assert_eq!(calls[1]["result"], "reached");
    assert_eq!(calls[1]["note"], "on her way");
    for c in calls {
        assert_eq!(c["role"], "lead");
        assert!(c["at"].as_str().unwrap().ends_with('Z'), "{c}");
    }
    // a person by id, about a step; an unknown name is refused with the closest id
    mini_run(
        &env,
        &["call", &id, "cat", "--result", "busy", "--step", "check"],
    )
    .ok();
    let r = mini_run(&env, &["call", &id, "laed", "--result", "busy"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `lead`?"), "{}", r.stderr);
    let r = mini_run(&env, &["call", &id, "ann", "--result", "maybe"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let log = mini_run(&env, &["log", &id]).ok().stdout;
    assert!(log.contains("called about alpha/check"), "{log}");
    assert!(log.contains("Cat Chen: busy"), "{log}");
}

/// The mini library with the incident lead's calls escalated after 10 minutes.
fn escalating_lib(env: &Env) -> Arc<muster::domain::Library> {
    let dir = env.copy_mini();
    let ix = dir.join("index.ron");
    let text = std::fs::read_to_string(&ix).unwrap().replace(
        r#"people: ["ann", "ben"]),"#,
        r#"people: ["ann", "ben"], escalate_after: "10m"),"#,
    );
    assert!(text.contains("escalate_after"));
    std::fs::write(&ix, text).unwrap();
    let lib =
        muster::library::load(&muster::library::Location::Dir(dir), t0().date_naive()).unwrap();
    assert_eq!(lib.errors(), 0, "{:?}", lib.diagnostics);
    Arc::new(lib)
}

#[test]
fn with_escalate_after_passed_the_tui_at_80x24_prompts_to_call_the_next_person() {
    let env = Env::new();
    let mut h = Harness::with(80, 24, escalating_lib(&env));
    h.start_alpha();
    // step 4, "Tell the business", is the incident lead's: p, the first offered, no answer
    h.press("jjj").press("p");
    assert!(h.screen().contains("Ann Archer (lead)"), "{}", h.screen());
    h.press("1").press("2").press("<Enter>");
    let calls = h.state().calls;
    assert_eq!(calls.len(), 1, "{}", h.screen());
    assert_eq!(calls[0].who, "ann");
    assert_eq!(calls[0].step.as_ref().unwrap().step.as_str(), "tell");
    // before the 10 minutes: nothing to escalate
    h.now = t0() + chrono::Duration::minutes(9);
    h.press("");
    assert!(!h.screen().contains("CALL NEXT"), "{}", h.screen());
    h.now = t0() + chrono::Duration::minutes(11);
    h.press("");
    let screen = h.screen();
    assert!(screen.contains("CALL NEXT"), "{screen}");
    assert!(screen.contains("Call Ben Brook next"), "{screen}");
    // the step shows the attempt
    assert!(screen.contains("Ann Archer (lead): no answer"), "{screen}");
    // reached: the prompt goes
    h.press("p1").press("1").press("<Enter>");
    assert!(!h.screen().contains("CALL NEXT"), "{}", h.screen());
}

#[test]
fn a_scribe_records_for_the_commander_and_the_log_and_the_review_say_both() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    mini_run(
        &env,
        &[
            "step", &id, "check", "done", "--as", "sam", "--for", "priya",
        ],
    )
    .ok();
    let log = mini_run(&env, &["log", &id]).ok().stdout;
    assert!(
        log.contains("priya (recorded by sam)  done alpha/check"),
        "{log}"
    );
    let md = mini_run(&env, &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(md.contains("priya (recorded by sam)"), "{md}");
    let s = json(&mini_run(&env, &["status", &id, "--json"]).ok().stdout);
    let check = s["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["step"] == "check")
        .unwrap()
        .clone();
    assert_eq!(check["by"], "priya", "{check}");
    // the journal line keeps both
    let dir = env.session_dir(&id);
    let journal = std::fs::read_to_string(dir.join("journal-w1.jsonl")).unwrap();
    let line = journal
        .lines()
        .find(|l| l.contains("\"step_done\""))
        .unwrap();
    let e = json(line);
    assert_eq!(e["actor"], "priya");
    assert_eq!(e["recorded_by"], "sam");
}
