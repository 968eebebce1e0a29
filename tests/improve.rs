//! Improvement actions (journaled, tracked across sessions, after their session closed),
//! facilitators of an exercise, injects released at T+0, observations tied to objectives and
//! put right, and the exercise clock in the exercise's documents. Through the real binary.

mod common;

use common::*;
use serde_json::Value;

/// Runs a command on the mini library as `who`, `min` minutes after 2026-11-21 10:00 UTC.
fn at(env: &Env, min: u32, who: &str, args: &[&str]) -> Run {
    let now = format!("2026-11-21T{:02}:{:02}:00Z", 10 + min / 60, min % 60);
    let lib = mini();
    let mut a = vec!["--library", lib.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_with(&a, &[("MUSTER_NOW", &now), ("MUSTER_AS", who)])
}

fn json(r: Run) -> Value {
    serde_json::from_str(&r.ok().stdout).expect("JSON")
}

fn start(env: &Env, args: &[&str]) -> String {
    let mut a = vec!["start"];
    a.extend_from_slice(args);
    at(env, 0, "fiona", &a).ok().stdout.trim().to_string()
}

fn kinds(env: &Env, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let dir = env.session_dir(id);
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for line in std::fs::read_to_string(&p).unwrap().lines() {
                let v: Value = serde_json::from_str(line).unwrap();
                out.push(v["kind"].as_str().unwrap().to_string());
            }
        }
    }
    out
}

#[test]
fn an_action_is_raised_changed_closed_and_reopened_through_the_journal() {
    let env = Env::new();
    let id = start(&env, &["alpha"]);
    let r = at(
        &env,
        1,
        "ann",
        &[
            "action",
            "add",
            &id,
            "Add the replica lag query to the runbook",
            "--owner",
            "DBA team",
            "--due",
            "2026-12-15",
            "--capability",
            "Planning",
        ],
    )
    .ok();
    assert_eq!(r.stdout, "A1\n", "the id alone on stdout");
    at(
        &env,
        2,
        "ann",
        &["action", "update", &id, "A1", "--owner", "Cat Chen"],
    )
    .ok();
    at(
        &env,
        3,
        "cat",
        &["action", "close", &id, "1", "--note", "runbook 1.2"],
    )
    .ok();
    // closing twice says so, and records nothing
    let r = at(&env, 4, "cat", &["action", "close", &id, "A1"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("improvement action A1 is already closed"),
        "{}",
        r.stderr
    );
    // reopening needs a reason
    let r = at(&env, 5, "ann", &["action", "reopen", &id, "A1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--note"), "{}", r.stderr);
    at(
        &env,
        5,
        "ann",
        &["action", "reopen", &id, "A1", "--note", "query is wrong"],
    )
    .ok();
    let k = kinds(&env, &id);
    assert_eq!(k.iter().filter(|k| *k == "action_added").count(), 1);
    assert_eq!(k.iter().filter(|k| *k == "action_updated").count(), 3);
    // read back by a fresh process, with the checkpoint gone: the same
    let _ = std::fs::remove_file(env.session_dir(&id).join(".muster-checkpoint"));
    let v = json(at(&env, 6, "ann", &["actions", "--json"]));
    let a = &v[0];
    assert_eq!(a["id"], "A1");
    assert_eq!(a["session"], id.as_str());
    assert_eq!(a["text"], "Add the replica lag query to the runbook");
    assert_eq!(a["owner"], "Cat Chen");
    assert_eq!(a["due"], "2026-12-15");
    assert_eq!(a["capability"], "Planning");
    assert_eq!(a["status"], "open");
    assert_eq!(a["raised_by"], "ann");
    // the JSON export carries the same
    let e = json(at(&env, 6, "ann", &["export", &id, "--format", "json"]));
    assert_eq!(e["actions"][0]["id"], "A1");
    assert_eq!(e["actions"][0]["status"], "open");
    assert_eq!(e["actions"][0]["session"], id.as_str());
    at(&env, 7, "ann", &["verify", &id]).ok();
    // the log says it in words
    let log = at(&env, 7, "ann", &["log", &id]).ok().stdout;
    assert!(
        log.contains("cat  closed improvement action A1 - runbook 1.2"),
        "{log}"
    );
}

#[test]
fn actions_are_listed_across_sessions_overdue_first() {
    let env = Env::new();
    let one = start(&env, &["alpha", "--title", "First"]);
    let two = start(&env, &["beta", "--title", "Second"]);
    let add = |s: &str, text: &str, due: Option<&str>| {
        let mut a = vec!["action", "add", s, text];
        if let Some(d) = due {
            a.extend_from_slice(&["--due", d]);
        }
        at(&env, 1, "ann", &a).ok();
    };
    add(&two, "later", Some("2026-12-31"));
    add(&two, "no date", None);
    add(&one, "long overdue", Some("2026-10-01"));
    add(&two, "overdue", Some("2026-11-20"));
    add(&one, "done already", Some("2026-11-01"));
    at(&env, 2, "ann", &["action", "close", &one, "A2"]).ok();
    let v = json(at(&env, 3, "ann", &["actions", "--json"]));
    let texts: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "long overdue",
            "overdue",
            "later",
            "no date",
            "done already"
        ]
    );
    assert_eq!(v[0]["overdue"], true);
    assert_eq!(v[4]["status"], "closed");
    let v = json(at(&env, 3, "ann", &["actions", "--json", "--open"]));
    assert_eq!(v.as_array().unwrap().len(), 4);
    // the table says OVERDUE
    let t = at(&env, 3, "ann", &["actions"]).ok().stdout;
    assert!(t.lines().nth(1).unwrap().contains("OVERDUE"), "{t}");
    // the continuity report: open actions of every session, overdue first
    let report = at(&env, 3, "ann", &["report"]).ok().stdout;
    let section = report
        .split("## Improvement actions still open, overdue first")
        .nth(1)
        .unwrap();
    let first = section
        .lines()
        .find(|l| l.starts_with("| A") && !l.starts_with("| Action"))
        .unwrap();
    assert!(
        first.contains("long overdue") && first.contains("2026-10-01, OVERDUE by 51 days"),
        "{section}"
    );
    assert!(!section.contains("done already"), "{section}");
    // a spreadsheet's CSV, marked as UTF-8
    let csv = at(&env, 3, "ann", &["actions", "--csv", "--bom"])
        .ok()
        .stdout;
    assert!(csv.starts_with("\u{feff}id,session,"), "{csv}");
    assert_eq!(csv.lines().count(), 6);
}

#[test]
fn actions_stay_open_to_change_after_their_session_closed() {
    let env = Env::new();
    let id = start(&env, &["alpha"]);
    at(&env, 1, "ann", &["close", &id]).ok();
    // everything else is refused on a closed session
    let r = at(&env, 2, "ann", &["note", &id, "late"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("was closed by ann"), "{}", r.stderr);
    // an improvement action is raised and closed months later
    at(
        &env,
        2,
        "ann",
        &["action", "add", &id, "Write the lessons up"],
    )
    .ok();
    let r = at(
        &env,
        3,
        "ann",
        &["action", "close", &id, "A1", "--note", "sent to the board"],
    )
    .ok();
    assert!(
        r.stdout.contains("Closed improvement action A1"),
        "{}",
        r.stdout
    );
    let v = json(at(&env, 4, "ann", &["actions", "--json"]));
    assert_eq!(v[0]["status"], "closed");
    assert_eq!(v[0]["closed_note"], "sent to the board");
}

#[test]
fn a_bad_action_says_what_to_write() {
    let env = Env::new();
    let id = start(&env, &["alpha"]);
    let r = at(&env, 1, "ann", &["action", "close", &id, "A1"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(&format!("session {id} has no improvement actions yet")),
        "{}",
        r.stderr
    );
    let r = at(
        &env,
        1,
        "ann",
        &["action", "add", &id, "x", "--due", "31/01/2027"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("\"31/01/2027\" is not a date: write it as YYYY-MM-DD (2027-01-31), or +14d or +2w from today"),
        "{}",
        r.stderr
    );
    at(&env, 1, "ann", &["action", "add", &id, "x", "--due", "+2w"]).ok();
    let r = at(
        &env,
        1,
        "ann",
        &["action", "update", &id, "A7", "--owner", "b"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("has no improvement action `A7`; its actions are: A1"),
        "{}",
        r.stderr
    );
    let r = at(&env, 1, "ann", &["action", "update", &id, "A1"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("nothing changes on action A1"),
        "{}",
        r.stderr
    );
    let v = json(at(&env, 1, "ann", &["actions", "--json"]));
    assert_eq!(v[0]["due"], "2026-12-05", "+2w from 2026-11-21");
}

#[test]
fn only_the_facilitators_control_an_exercise() {
    let env = Env::new();
    let id = start(
        &env,
        &[
            "--exercise",
            "drill",
            "--facilitator",
            "fiona",
            "--facilitator",
            "Omar",
        ],
    );
    for args in [
        vec!["inject", id.as_str(), "press"],
        vec!["inject", id.as_str(), "late", "--skip", "--note", "no time"],
        vec!["clock", id.as_str(), "pause"],
        vec!["clock", id.as_str(), "speed", "5"],
        vec!["rate", id.as_str(), "failover", "S"],
    ] {
        let r = at(&env, 1, "pat", &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert!(
            r.stderr
                .contains("only the exercise's facilitators (fiona, Omar) may"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert!(!kinds(&env, &id).iter().any(|k| k == "clock_paused"));
    // participants still observe and work the plans
    at(
        &env,
        2,
        "pat",
        &["observe", &id, "--kind", "strength", "calm call"],
    )
    .ok();
    at(&env, 2, "pat", &["step", &id, "tell", "start"]).ok();
    // a facilitator, however they write their name
    at(&env, 3, "omar", &["clock", &id, "pause"]).ok();
    at(&env, 4, "Fiona", &["inject", &id, "press"]).ok();
    // named at the start, in the journal
    let started = std::fs::read_dir(env.session_dir(&id))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    assert!(
        started.contains(r#""facilitators":["fiona","Omar"]"#),
        "{started}"
    );
    // --facilitator is for exercises
    let r = at(&env, 5, "fiona", &["start", "alpha", "--facilitator", "x"]);
    assert_eq!(r.code, 2);
}

#[test]
fn evaluators_rate_objectives_and_do_not_run_the_exercise() {
    let env = Env::new();
    let id = start(
        &env,
        &[
            "--exercise",
            "drill",
            "--controller",
            "fiona",
            "--evaluator",
            "Eve",
        ],
    );
    let r = at(&env, 1, "eve", &["clock", &id, "pause"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("only the exercise's facilitators (fiona) may control the exercise clock"),
        "{}",
        r.stderr
    );
    at(&env, 2, "eve", &["rate", &id, "failover", "S"]).ok();
    let r = at(&env, 3, "pat", &["rate", &id, "comms", "P"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "only the exercise's facilitators (fiona) and evaluators (Eve) may rate objectives"
        ),
        "{}",
        r.stderr
    );
    at(&env, 4, "fiona", &["close", &id]).ok();
    let md = at(&env, 5, "fiona", &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(
        md.contains("- **Facilitators:** fiona\n- **Evaluators:** Eve"),
        "{md}"
    );
}

#[test]
fn an_exercise_with_no_facilitator_named_lets_anyone_run_it() {
    let env = Env::new();
    let id = start(&env, &["--exercise", "drill"]);
    at(&env, 1, "pat", &["clock", &id, "pause"]).ok();
}

#[test]
fn injects_due_at_t0_are_released_with_the_start() {
    let env = Env::new();
    let id = start(&env, &["--exercise", "drill"]);
    let k = kinds(&env, &id);
    assert_eq!(k[0], "session_started");
    assert!(k.contains(&"inject_released".to_string()), "{k:?}");
    let log = at(&env, 0, "fiona", &["log", &id]).ok().stdout;
    assert!(
        log.contains("[T+00:00:00]  fiona  inject released alarm: The database alarm fires"),
        "{log}"
    );
    // the next release finds nothing due before the next one's time
    let r = at(&env, 1, "fiona", &["inject", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the next, `lag`, is due at T+00:10:00"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_exercise_reports_durations_and_rtos_on_its_clock() {
    let env = Env::new();
    let id = start(&env, &["--exercise", "drill"]);
    at(&env, 0, "fiona", &["clock", &id, "speed", "10"]).ok();
    // started at T+00:10, done at T+00:40: 30 exercise minutes, 3 wall minutes
    at(&env, 1, "cat", &["step", &id, "tell", "start"]).ok();
    at(&env, 4, "cat", &["step", &id, "tell", "done"]).ok();
    let v = json(at(&env, 5, "fiona", &["export", &id, "--format", "json"]));
    assert_eq!(v["review"]["clock"], "exercise");
    let steps = v["review"]["steps"].as_array().unwrap();
    let tell = steps.iter().find(|s| s["step"] == "tell").unwrap();
    assert_eq!(tell["actual_min"], 30, "{tell}");
    // the RTO (2h for db) runs on the exercise clock: at T+00:50 an hour and ten are left
    let rto = &v["review"]["rto"][0];
    assert_eq!(rto["deadline_ex_ms"], 2 * 3_600_000);
    assert_eq!(rto["outcome"], "open");
    assert_eq!(rto["margin_min"], 70);
    let md = at(&env, 5, "fiona", &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    assert!(
        md.contains("| alpha/tell | Tell the business | done | cat | - | 30 min |"),
        "{md}"
    );
    assert!(
        md.contains("| Database (db) | 2h | T+02:00:00 | - |"),
        "{md}"
    );
    // the overview gives the exercise clock, with the wall time beside
    assert!(
        md.contains(
            "- **Duration:** T+00:50:00 on the exercise clock (5 min wall time, still running)"
        ),
        "{md}"
    );
}

#[test]
fn observations_are_tied_to_objectives_corrected_and_withdrawn() {
    let env = Env::new();
    let id = start(&env, &["--exercise", "drill"]);
    let obs = |min, kind: &str, extra: &[&str], text: &str| {
        let mut a = vec!["observe", id.as_str(), "--kind", kind];
        a.extend_from_slice(extra);
        a.push(text);
        at(&env, min, "omar", &a).ok();
    };
    obs(
        1,
        "strength",
        &["--objective", "failover"],
        "Fast failover call",
    );
    obs(2, "improvement", &[], "Press number missing");
    obs(3, "defect", &[], "Wrong room booked");
    let r = at(
        &env,
        4,
        "omar",
        &[
            "observe",
            &id,
            "--kind",
            "strength",
            "--objective",
            "nope",
            "x",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "scenario `drill` has no objective `nope`; its objectives are: failover, comms"
        ),
        "{}",
        r.stderr
    );
    at(
        &env,
        5,
        "omar",
        &[
            "observation",
            "correct",
            &id,
            "O2",
            "The press officer's number is missing from the index",
            "--objective",
            "comms",
            "--note",
            "clearer",
        ],
    )
    .ok();
    at(
        &env,
        6,
        "omar",
        &[
            "observation",
            "withdraw",
            &id,
            "O3",
            "--note",
            "not part of the exercise",
        ],
    )
    .ok();
    let r = at(
        &env,
        7,
        "omar",
        &["observation", "correct", &id, "O3", "again"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("observation O3 was withdrawn by omar"),
        "{}",
        r.stderr
    );
    // an action raised from a withdrawn observation is refused; from a standing one it takes
    // its (corrected) words
    let r = at(&env, 8, "fiona", &["action", "add", &id, "--from", "O3"]);
    assert_eq!(r.code, 1);
    at(&env, 8, "fiona", &["action", "add", &id, "--from", "O2"]).ok();
    let v = json(at(&env, 8, "fiona", &["actions", "--json"]));
    assert_eq!(
        v[0]["text"],
        "The press officer's number is missing from the index"
    );
    assert_eq!(v[0]["from_observation"], "O2");
    let md = at(&env, 9, "fiona", &["export", &id, "--format", "md"])
        .ok()
        .stdout;
    let comms = md
        .split("### Objective comms")
        .nth(1)
        .unwrap()
        .split("###")
        .next()
        .unwrap();
    assert!(
        comms.contains("- O2: The press officer's number is missing from the index — omar at T+00:02:00 (corrected) → action A1"),
        "{comms}"
    );
    assert!(
        !md.contains("Plan defect. O3"),
        "a withdrawn observation leaves the analysis"
    );
    assert!(
        md.contains("1 observation was withdrawn: in the journal and the timeline, not here."),
        "{md}"
    );
    // only who recorded it (or the facilitators and evaluators, when named) puts it right
    let r = at(
        &env,
        10,
        "pat",
        &["observation", "withdraw", &id, "O1", "--note", "x"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("observation O1 was recorded by omar"),
        "{}",
        r.stderr
    );
    // a correction that changes nothing is refused
    let r = at(
        &env,
        10,
        "omar",
        &["observation", "correct", &id, "O1", "--objective", ""],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("say what changes on observation O1"),
        "{}",
        r.stderr
    );
    // the journal keeps the original words
    let log = at(&env, 9, "fiona", &["log", &id]).ok().stdout;
    assert!(log.contains("Press number missing"), "{log}");
    assert!(log.contains("withdrew observation O3"), "{log}");
}

#[test]
fn actions_raised_at_once_on_two_machines_both_survive_a_merge() {
    let env = Env::new();
    let id = start(&env, &["alpha"]);
    // a copy of the session on a second machine, with its own writer
    let other = env.dir.path().join("other");
    copy_dir(&env.session_dir(&id), &other.join("sessions").join(&id));
    let lib = mini();
    let on_other = |min: u32, args: &[&str]| {
        let now = format!("2026-11-21T10:{min:02}:00Z");
        let mut a = vec![
            "--library",
            lib.to_str().unwrap(),
            "--home",
            other.to_str().unwrap(),
        ];
        a.extend_from_slice(args);
        env.run_with(
            &a,
            &[
                ("MUSTER_NOW", &now),
                ("MUSTER_AS", "bob"),
                ("MUSTER_WRITER", "w2"),
            ],
        )
    };
    at(&env, 1, "ann", &["action", "add", &id, "from ann"]).ok();
    on_other(1, &["action", "add", &id, "from bob"]).ok();
    let merged = other.join("sessions").join(&id);
    at(&env, 2, "ann", &["merge", merged.to_str().unwrap()]).ok();
    let v = json(at(&env, 3, "ann", &["actions", "--json"]));
    let ids: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    assert_eq!(ids, [("A1", "from ann"), ("A1-2", "from bob")]);
    let r = at(
        &env,
        3,
        "ann",
        &["action", "close", &id, "A1-2", "--note", "x"],
    )
    .ok();
    assert!(
        r.stderr
            .contains("two improvement actions were raised as A1: the one by bob is A1-2"),
        "{}",
        r.stderr
    );
    // the close names the action by its event, so it stays on bob's
    let v = json(at(&env, 4, "ann", &["actions", "--json"]));
    assert_eq!(v[0]["status"], "open");
    assert_eq!(v[1]["status"], "closed");
    assert_eq!(v[1]["text"], "from bob");
    // the next one raised takes the next number
    assert_eq!(
        at(&env, 5, "ann", &["action", "add", &id, "third"])
            .ok()
            .stdout,
        "A2\n"
    );
}
