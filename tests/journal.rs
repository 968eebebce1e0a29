//! The journal: crashes, torn tails, tampering, concurrent writers.

mod common;
use common::*;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap()
        .split_terminator('\n')
        .map(str::to_string)
        .collect()
}

fn write_lines(p: &Path, lines: &[String]) {
    let mut s = lines.join("\n");
    s.push('\n');
    std::fs::write(p, s).unwrap();
}

/// Every event id in a session's journals.
fn ids_in(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for l in std::fs::read_to_string(&p).unwrap().lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(l) {
                    out.push(v["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    out
}

/// A tiny deterministic generator, so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_reported() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let dir = env.session_dir(&id);
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut reported: Vec<String> = Vec::new();
    for round in 0..60 {
        let mut child = env
            .cmd(&[
                "--library",
                mini().to_str().unwrap(),
                "append-notes",
                &id,
                "--count",
                "100000",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        // kill after a random number of reported appends (0 = while it is still starting up)
        let wait_for = rng.below(12);
        let mut line = String::new();
        for _ in 0..wait_for {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            reported.push(line.trim().to_string());
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // anything it managed to report before dying counts too
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut rest);
        reported.extend(rest.lines().map(str::to_string));
        // the session still opens after every crash
        let r = env.run(&[
            "--library",
            mini().to_str().unwrap(),
            "status",
            &id,
            "--json",
        ]);
        assert_eq!(
            r.code, 0,
            "round {round}: the session must still open: {}",
            r.stderr
        );
    }
    let on_disk: HashSet<String> = ids_in(&dir).into_iter().collect();
    for id in &reported {
        assert!(
            on_disk.contains(id),
            "event {id} was reported as written but is not in the journal"
        );
    }
    assert!(
        reported.len() > 100,
        "the test must exercise many appends, got {}",
        reported.len()
    );
    // the chain holds: torn lines are warnings, never errors
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn a_torn_last_line_is_a_warning_and_the_next_append_starts_fresh() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    env.run(&["--library", lib, "step", &id, "check", "start"])
        .ok();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    // a crash mid-write: half a line, no newline
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    std::io::Write::write_all(
        &mut f,
        br#"{"v":1,"id":"torn","seq":3,"at":"2026-11-21T02:"#,
    )
    .unwrap();
    drop(f);
    let r = env.run(&["--library", lib, "status", &id, "--json"]);
    assert_eq!(r.code, 0, "a torn tail never refuses the session");
    assert!(
        r.stderr
            .contains("journal-w1.jsonl:3: warning: the last line is unfinished (a crash, a full disk or a quota"),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["steps"][0]["state"], "active",
        "the state holds what was complete"
    );

    // the next append ends the torn line and chains to the last complete line
    env.run(&[
        "--library",
        lib,
        "step",
        &id,
        "check",
        "done",
        "--note",
        "after the crash",
    ])
    .ok();
    let ls = lines(&journal);
    assert_eq!(ls.len(), 5);
    assert!(
        ls[2].starts_with(r#"{"v":1,"id":"torn""#),
        "the torn line is kept as evidence"
    );
    assert!(
        ls[2].ends_with("~unfinished write, not an event~"),
        "and ended so it can never read as an event: {}",
        ls[2]
    );
    let marker: serde_json::Value = serde_json::from_str(&ls[3]).unwrap();
    assert_eq!(marker["kind"], "unfinished_write");
    assert_eq!(marker["seq"], 3, "the unfinished write took no number");
    let last: serde_json::Value = serde_json::from_str(&ls[4]).unwrap();
    assert_eq!(last["seq"], 4);
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("journal-w1.jsonl:3: warning: an unfinished write"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", lib, "status", &id, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["steps"][0]["state"], "done");
    assert_eq!(
        v["steps"][0]["notes"],
        serde_json::json!(["after the crash"])
    );
}

#[test]
fn a_corrupted_line_in_the_middle_is_an_error_naming_file_and_line() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    env.run(&["--library", lib, "step", &id, "check", "start"])
        .ok();
    env.run(&["--library", lib, "step", &id, "check", "done"])
        .ok();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    let mut ls = lines(&journal);
    ls[1] = "garbage that is not json".into();
    write_lines(&journal, &ls);
    let r = env.run(&["--library", lib, "status", &id]);
    assert!(
        r.stderr
            .contains("journal-w1.jsonl:2: error: this line is not a valid event"),
        "{}",
        r.stderr
    );
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("journal-w1.jsonl:2: error: this line is not a valid event"),
        "{}",
        r.stderr
    );
}

/// Makes a session with 6 events in one file and returns (env, id, journal path).
fn six_events() -> (Env, String, std::path::PathBuf) {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    for (s, a) in [
        ("check", "start"),
        ("check", "done"),
        ("promote", "start"),
        ("promote", "done"),
        ("tell", "start"),
    ] {
        env.run(&["--library", lib, "step", &id, s, a]).ok();
    }
    let j = env.session_dir(&id).join("journal-w1.jsonl");
    assert_eq!(lines(&j).len(), 6);
    assert_eq!(env.run(&["verify", &id]).code, 0);
    (env, id, j)
}

fn verify_fails_naming(env: &Env, id: &str, needle: &str) {
    let r = env.run(&["verify", id]);
    assert_eq!(r.code, 1, "verify must fail\n{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "expected `{needle}` in\n{}",
        r.stderr
    );
}

#[test]
fn verify_detects_an_edited_line() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    ls[2] = ls[2].replace("\"check\"", "\"tell\"");
    write_lines(&j, &ls);
    verify_fails_naming(&env, &id, "journal-w1.jsonl:3: error: this line was edited");
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:4: error: this line's `prev` does not match line 3",
    );
}

#[test]
fn verify_detects_an_edited_last_line() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    ls[5] = ls[5].replace("\"tester\"", "\"mallory\"");
    write_lines(&j, &ls);
    verify_fails_naming(&env, &id, "journal-w1.jsonl:6: error: this line was edited");
}

#[test]
fn verify_detects_a_deleted_line() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    ls.remove(3);
    write_lines(&j, &ls);
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:4: error: sequence number 5 follows 3: 1 line(s) before this one were deleted",
    );
}

#[test]
fn verify_detects_an_inserted_line() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    let copy = ls[1].clone();
    ls.insert(4, copy);
    write_lines(&j, &ls);
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:5: error: sequence number 2 comes after 4: lines were reordered or repeated",
    );
}

#[test]
fn verify_detects_reordered_lines() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    ls.swap(2, 3);
    write_lines(&j, &ls);
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:3: error: sequence number 4 follows 2",
    );
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:4: error: sequence number 3 comes after 4",
    );
}

#[test]
fn verify_detects_a_deleted_first_line() {
    let (env, id, j) = six_events();
    let mut ls = lines(&j);
    ls.remove(0);
    write_lines(&j, &ls);
    verify_fails_naming(
        &env,
        &id,
        "journal-w1.jsonl:1: error: sequence number 2 at the start",
    );
}

#[test]
fn eight_concurrent_processes_lose_and_duplicate_nothing() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    const PER: usize = 200;
    std::thread::scope(|s| {
        for p in 0..8 {
            let (env, id, lib) = (&env, &id, &lib);
            s.spawn(move || {
                // two processes share each writer: the file lock serialises them
                let writer = format!("w{}", p / 2);
                for n in 0..PER {
                    let note = format!("p{p}-n{n}");
                    let r = env.run_with(
                        &[
                            "--library",
                            lib.to_str().unwrap(),
                            "step",
                            id,
                            "alpha/tell",
                            "note",
                            "--note",
                            &note,
                        ],
                        &[
                            ("MUSTER_WRITER", &writer),
                            ("MUSTER_AS", &format!("proc{p}")),
                        ],
                    );
                    assert_eq!(r.code, 0, "{}", r.stderr);
                }
            });
        }
    });
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "status", &id, "--json"])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let tell = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "tell")
        .unwrap();
    let notes: Vec<&str> = tell["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 8 * PER, "nothing lost, nothing duplicated");
    let unique: HashSet<&str> = notes.iter().copied().collect();
    assert_eq!(unique.len(), 8 * PER);
    // each writer's sequence is gapless
    let mut per_writer: HashMap<String, Vec<u64>> = HashMap::new();
    for p in std::fs::read_dir(env.session_dir(&id)).unwrap() {
        let p = p.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            for l in lines(&p) {
                let e: serde_json::Value = serde_json::from_str(&l).unwrap();
                per_writer
                    .entry(e["writer"].as_str().unwrap().to_string())
                    .or_default()
                    .push(e["seq"].as_u64().unwrap());
            }
        }
    }
    for (w, seqs) in per_writer {
        assert_eq!(
            seqs,
            (1..=seqs.len() as u64).collect::<Vec<_>>(),
            "writer {w}"
        );
    }
    let r = env.run(&["verify", &id]);
    assert_eq!(r.code, 0, "every writer's chain verifies: {}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "{} event(s) in 4 file(s): verified",
            8 * PER + 1 + 8
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn actions_that_make_no_sense_exit_1_with_a_clear_message() {
    let env = Env::new();
    let id = env.start(&["alpha", "beta"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    let r = env.run(&["--library", lib, "step", &id, "check", "done"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "step `check` is in several plans of this session (alpha, beta): write PLAN/check"
        ),
        "{}",
        r.stderr
    );
    env.run(&["--library", lib, "step", &id, "alpha/check", "done"])
        .ok();
    let r = env.run(&["--library", lib, "step", &id, "alpha/check", "done"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("step alpha/check is already done by you"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", lib, "step", &id, "alpha/nope", "done"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("plan `alpha` has no step `nope`"),
        "{}",
        r.stderr
    );
    let r = env.run(&["--library", lib, "step", &id, "alpha/tell", "skip"]);
    assert_eq!(r.code, 2, "a missing --note is a usage error");
    let r = env.run(&[
        "--library",
        lib,
        "step",
        "no-such-session",
        "alpha/tell",
        "done",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("there is no session `no-such-session`"),
        "{}",
        r.stderr
    );
    env.run(&["--library", lib, "close", &id]).ok();
    let r = env.run(&["--library", lib, "step", &id, "alpha/tell", "done"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("was closed by tester"), "{}", r.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_3_and_the_step_is_not_recorded() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let dir = env.session_dir(&id);
    // /dev/full fails every write with ENOSPC, as a full disk does
    std::os::unix::fs::symlink("/dev/full", dir.join("journal-full.jsonl")).unwrap();
    let lib = mini();
    let r = env.run_with(
        &[
            "--library",
            lib.to_str().unwrap(),
            "step",
            &id,
            "check",
            "done",
        ],
        &[("MUSTER_WRITER", "full")],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot write to the journal") && r.stderr.contains("journal-full.jsonl"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("the disk is full"), "{}", r.stderr);
    std::fs::remove_file(dir.join("journal-full.jsonl")).unwrap();
    let r = env
        .run(&["--library", lib.to_str().unwrap(), "status", &id, "--json"])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["steps"][0]["state"], "pending");
}

#[test]
fn a_home_that_cannot_be_created_is_exit_3() {
    let env = Env::new();
    let blocker = env.dir.path().join("file-not-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let home = blocker.join("home");
    let r = env.run(&[
        "--home",
        home.to_str().unwrap(),
        "--library",
        mini().to_str().unwrap(),
        "start",
        "alpha",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot create the folder") && r.stderr.contains("file-not-folder"),
        "{}",
        r.stderr
    );
}

#[test]
fn log_is_for_people() {
    let env = Env::new();
    let lib = mini();
    let lib = lib.to_str().unwrap();
    let id = env.start(&[
        "alpha",
        "--title",
        "DB outage",
        "--declared-at",
        "2026-11-21T01:50:00Z",
    ]);
    env.run_with(
        &[
            "--library",
            lib,
            "step",
            &id,
            "check",
            "done",
            "--note",
            "lag 20s",
        ],
        &[("MUSTER_AS", "ann")],
    )
    .ok();
    env.run_with(
        &[
            "--library",
            lib,
            "decide",
            &id,
            "check",
            "yes",
            "--note",
            "in sync",
        ],
        &[("MUSTER_AS", "ann")],
    );
    env.run_with(
        &[
            "--library",
            lib,
            "step",
            &id,
            "tell",
            "assign",
            "--to",
            "ben",
        ],
        &[("TZ", "Europe/London")],
    )
    .ok();
    let r = env
        .run_with(&["--library", lib, "log", &id], &[("TZ", "Asia/Kolkata")])
        .ok();
    let ls: Vec<&str> = r.stdout.lines().collect();
    assert!(
        ls[0]
            .contains("+05:30  tester  started the session \"DB outage\" (incident; plans: alpha)"),
        "{}",
        r.stdout
    );
    assert!(ls[1].contains("ann  joined"), "{}", r.stdout);
    assert!(
        ls[2].contains("ann  done alpha/check Check the replica - lag 20s"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("tester  assigned alpha/tell Tell the business - to ben"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_edited_line_is_flagged_whenever_the_session_is_opened() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    env.run(&[
        "--library",
        lib,
        "step",
        &id,
        "check",
        "done",
        "--note",
        "all good",
    ])
    .ok();
    env.run(&["--library", lib, "step", &id, "promote", "start"])
        .ok();
    let journal = env.session_dir(&id).join("journal-w1.jsonl");
    let mut ls = lines(&journal);
    ls[1] = ls[1].replace("all good", "all bad");
    write_lines(&journal, &ls);
    for cmd in ["status", "log"] {
        let r = env.run(&["--library", lib, cmd, &id]);
        assert!(
            r.stderr
                .contains("journal-w1.jsonl:2: error: this line was edited"),
            "{cmd}: {}",
            r.stderr
        );
    }
}

#[test]
fn commands_say_what_they_recorded_and_refuse_what_means_nothing() {
    let env = Env::new();
    let id = env.start(&["alpha"]);
    let lib = mini();
    let lib = lib.to_str().unwrap();
    // step keeps stdout empty (scripts read it); start with a note keeps the note
    let r = env
        .run(&[
            "--library",
            lib,
            "step",
            &id,
            "check",
            "start",
            "--note",
            "on pg-lds1",
        ])
        .ok();
    assert_eq!(r.stdout, "");
    let r = env.run(&[
        "--library",
        lib,
        "step",
        &id,
        "check",
        "done",
        "--to",
        "ben",
    ]);
    assert_eq!(r.code, 2, "--to goes with assign only");
    let r = env
        .run(&["--library", lib, "decide", &id, "check", "yes"])
        .ok();
    assert_eq!(
        r.stdout,
        "Recorded the decision on alpha/check: Yes (next: promote)\n"
    );
    let r = env
        .run(&["--library", lib, "handover", &id, "--to", "ben"])
        .ok();
    // the hand-over, then what the next shift is told
    assert!(
        r.stdout.starts_with("Handed over to ben.\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Decisions taken:\n  alpha/check Check the replica"),
        "{}",
        r.stdout
    );
    let r = env
        .run(&[
            "--library",
            lib,
            "step",
            &id,
            "promote",
            "skip",
            "--note",
            "not needed",
        ])
        .ok();
    assert_eq!(r.stdout, "");
    let r = env.run(&["--library", lib, "close", &id]).ok();
    assert_eq!(
        r.stdout,
        format!(
            "Closed session {id}: 1 of 2 steps done.\nNot finished when it closed: alpha/tell (pending)\n"
        )
    );
    let r = env.run(&["--library", lib, "note", &id, "after the fact"]);
    assert_eq!(r.code, 1, "a closed session takes no more notes");
    let r = env.run(&["--library", lib, "status", &id, "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["steps"][0]["notes"],
        serde_json::json!(["on pg-lds1", "decided: Yes"])
    );
    assert_eq!(
        v["progress"],
        serde_json::json!({"finished": 1, "total": 2}),
        "a skipped step is neither done nor needed"
    );
    let r = env.run(&["--library", lib, "status", &id]).ok();
    assert!(
        r.stdout.contains("Progress: 1 of 2 steps done (1 skipped)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("RTO Database (2h): due ")
            && r.stdout.contains("not restored when the session closed"),
        "{}",
        r.stdout
    );
}
